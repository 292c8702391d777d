"""Figs 4 and 10 with every method: each method's final points against the mixture."""

from _job import read_subset, start

from gantk.plots.baselines import toy_methods_figure
from gantk.data.toy import mixture_modes
from gantk.common.io import load_json, load_npz, save_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
dataset = snakemake.params.datasets[fig_cfg["dataset"]]
if dataset["type"] != "toy":
    raise ValueError(f"{fig_cfg['dataset']!r} is not a 2-D mixture; this figure shows toy data")
modes, std = mixture_modes(dataset["source"])
points = {m: load_npz(path)["z"] for m, path in zip(fig_cfg["methods"], snakemake.input.samples)}
scores = {m: load_json(path) for m, path in zip(fig_cfg["methods"], snakemake.input.metrics)}
figure = toy_methods_figure(
    points,
    read_subset(snakemake.input.data),
    modes,
    std,
    scores=scores,
    title=f"{fig_cfg['dataset']} (n = {fig_cfg['n']}): every method's points",
)
save_figure(snakemake.output[0], figure, dpi=150)
