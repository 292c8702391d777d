"""A metrics table (CSV and Markdown): every run's metrics (with its FID where computed), each
subset's reference row, and the paper's values beside ours where known."""

from _job import start

from gantk.experiments.tables import merge_records, metrics_table, read_metrics, with_paper_values, write_metrics_table

log = start(snakemake)
runs = merge_records(read_metrics(snakemake.input.runs), read_metrics(getattr(snakemake.input, "fid", [])))
sources = {name: d["source"] for name, d in snakemake.config["datasets"].items()}
table = metrics_table(with_paper_values([*read_metrics(snakemake.input.references), *runs], sources))
log.info("%d rows", len(table))
write_metrics_table(table, snakemake.output.csv, snakemake.output.md)
