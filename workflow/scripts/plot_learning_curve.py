"""Figs 3 and 11: the loss of a run, its samples along the run and their AM-SSIM to the training set,
with the step its stopping rule selected (stop.json) marked.

Optional params: ``title``, and ``labels`` (``loss_label``, ``samples_label`` of
``gantk.plots.figures.learning_curve_figure``; Fig 11 names the generator's loss and decoder(G(ζ))).
"""

import pandas as pd
from _job import start

from gantk.common.io import load_json, load_npz, save_figure
from gantk.plots.figures import learning_curve_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
snapshots = load_npz(snakemake.input.snapshots[0])
reference = load_json(snakemake.input.reference[0])
stop = load_json(snakemake.input.stop[0])
figure = learning_curve_figure(
    pd.read_csv(snakemake.input.curve[0]),
    snapshots["steps"],
    snapshots["z"],
    pd.read_csv(snakemake.input.along[0]),
    reference_am_ssim=reference.get("am_ssim"),
    selected=(stop["selected_step"], stop["rule"]),
    strip=fig_cfg["strip"],
    images=fig_cfg["images"],
    title=getattr(snakemake.params, "title", None)
    or f"{fig_cfg['method']} on {fig_cfg['dataset']} (n = {fig_cfg['n']}, seed {fig_cfg['seed']})",
    **getattr(snakemake.params, "labels", {}),
)
save_figure(snakemake.output[0], figure, dpi=150)
