"""The frontier figure's data: one row per (run, scored snapshot), and the held-out and paper reference points."""

import pandas as pd
from _job import start

from gantk.experiments.frontier import frontier_tables, setting_label, summary
from gantk.common.io import load_json, save_csv

log = start(snakemake)
runs = []
for run, settings, along, params in zip(
    snakemake.params.runs, snakemake.params.settings, snakemake.input.along, snakemake.input.params
):
    lambdas = load_json(params)["config"]["lambdas"]
    runs.append({**run, "setting": setting_label(settings, lambdas), "along": pd.read_csv(along)})
subsets = []
for row, reference, heldout in zip(snakemake.params.rows, snakemake.input.reference, snakemake.input.heldout_fid):
    am, score = load_json(reference), load_json(heldout)
    subsets.append({**row, "heldout_am_ssim": am["am_ssim"], "heldout_fid": score["fid"],
                    "heldout_fid_samples": score["fid_samples"]})  # fmt: skip
table, references = frontier_tables(runs, subsets)
for line in summary(table, references):
    log.info("%s", line)
save_csv(snakemake.output.table, table)
save_csv(snakemake.output.references, references)
