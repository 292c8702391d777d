"""FID at snapshots along one GA-NTK run (pooled over its Z sets), beside their AM-SSIM, and at its selected step."""

from pathlib import Path

import pandas as pd
from _job import start

from gantk.experiments.frontier import fid_along_run, selected_step
from gantk.common.io import load_json, load_npz, save_csv
from gantk.metrics.fid import load_stats
from gantk.metrics.inception import default_extractor

log = start(snakemake)
fid = snakemake.params.fid
extractor = default_extractor(fid["weights"], fid["device"])
split = load_npz(snakemake.input.split)
if str(split["weights_sha1"]) != extractor.weights_sha1:
    raise ValueError(f"{snakemake.input.split} was computed with other Inception weights: rerun its fid_split_stats job")
sets = [load_npz(path) for path in snakemake.input.snapshots]
finals = [load_npz(path)["z"] for path in snakemake.input.samples]
metrics = load_json(snakemake.input.metrics)
step, rule = selected_step(Path(snakemake.input.samples[0]).parent, metrics["steps"])
log.info("%d Z set(s); selected step %d (%s); %d images per score", len(sets), step, rule, fid["samples"])
table = fid_along_run(
    sets,
    finals,
    pd.read_csv(snakemake.input.along),
    metrics["am_ssim"],
    step,
    load_stats(snakemake.input.split),
    lambda images: extractor(images, batch=fid["batch"]),
    samples=fid["samples"],
    points=snakemake.params.along["points"],
    method=snakemake.params.along["method"],
)
if (table["fid_samples"] < fid["samples"]).any():
    log.warning("fewer than %d images per score: not comparable with full scores", fid["samples"])
table["fid_reference"] = "split"
table["fid_reference_images"] = int(split["count"])
table["stop_rule"] = rule
table["frechet_method"] = snakemake.params.along["method"]
log.info("\n%s", table.to_string(index=False))
save_csv(snakemake.output[0], table)
