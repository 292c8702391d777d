"""The metrics table (CSV and Markdown) from every run's metrics and each subset's reference."""

from _job import start

from gantk.tables import metrics_table, read_metrics, write_metrics_table

log = start(snakemake)
table = metrics_table(read_metrics([*snakemake.input.references, *snakemake.input.runs]))
log.info("%d rows", len(table))
write_metrics_table(table, snakemake.output.csv, snakemake.output.md)
