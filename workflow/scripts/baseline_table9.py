"""Table 9: iterations to convergence (early stopping on each run's curve), iterations/s, seconds."""

import pandas as pd
from _job import start

from gantk.experiments.table9_speed import speed_row, table9, to_markdown
from gantk.common.io import load_json, save_csv, save_text
from gantk.experiments.tables import PAPER_TABLE9, run_lambda, with_paper_values

log = start(snakemake)
settings = snakemake.params.table9
rule = dict(patience=settings["patience"], delta=settings["delta"], window=settings["window"])
records = []
for run, curve_path, params_path in zip(snakemake.params.runs, snakemake.input.curves, snakemake.input.params):
    params = load_json(params_path)
    # GAN losses do not fall monotonically: their convergence is the end of change (speed.speed_row).
    mode = params["method"]["monitor_mode"] if params.get("kind") == "gan" else "min"
    row = {**run, **speed_row(pd.read_csv(curve_path), **rule, mode=mode)}
    if params.get("kind") != "gan":
        row["lam"] = run_lambda(params)
    if params.get("stop_reason") == "time_budget":
        log.warning("%s stopped on its time budget; its convergence step is a lower bound", run)
    records.append(row)
    log.info("%s", row)
sources = {name: d["source"] for name, d in snakemake.config["datasets"].items()}
frame = table9(with_paper_values(records, sources, PAPER_TABLE9))
save_csv(snakemake.output.csv, frame)
header = (
    f"Early stopping: patience {rule['patience']}, delta {rule['delta']}, "
    f"mean over the last {rule['window']} losses. Device: see the runs' logs.\n\n"
)
save_text(snakemake.output.md, header + to_markdown(frame))
