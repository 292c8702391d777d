"""Figs 4 and 10: the truth and every method's final points (the paper's panels, when
`baselines.toy_figures` names them), and generated points at a few steps of a GA-NTK run."""

import pandas as pd
from _job import read_subset, start

from gantk.data.toy import mixture_modes
from gantk.common.io import load_json, load_npz, save_figure
from gantk.plots.toy import toy_figure

log = start(snakemake)
fig_cfg, dataset = snakemake.params.figure, snakemake.params.dataset
snapshots = load_npz(snakemake.input.snapshots[0])
metrics = load_json(snakemake.input.metrics[0])
modes, std = mixture_modes(dataset["source"])
methods = snakemake.params.methods
points = {m: load_npz(path)["z"] for m, path in zip(methods, snakemake.input.method_samples)}
scores = {m: load_json(path) for m, path in zip(methods, snakemake.input.method_metrics)}
figure = toy_figure(
    snapshots["steps"],
    snapshots["z"],
    read_subset(snakemake.input.data[0]),
    modes,
    std,
    along_run=pd.read_csv(snakemake.input.along[0]),
    panels=fig_cfg["panels"],
    steps=fig_cfg["steps"],
    methods=points,
    method_scores=scores,
    title=(
        f"{fig_cfg['method']} on {fig_cfg['dataset']} (n = {fig_cfg['n']}): "
        f"W = {metrics['wasserstein']:.3f}, {metrics['modes_covered']}/{metrics['n_modes']} modes covered"
    ),
)
save_figure(snakemake.output[0], figure, dpi=150)
