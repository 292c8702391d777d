"""Figs 3 and 11: per shown run (one panel each: the paper's (a) MNIST, (b) CIFAR-10, (c) CelebA),
the loss, its samples along the run and their AM-SSIM to the training set, with the step its
stopping rule selected (stop.json) marked.

Optional params: ``title``, and ``labels`` (``loss_label``, ``samples_label`` of
``gantk.plots.curves.learning_curves_figure``; Fig 11 names the generator's loss and decoder(G(ζ))).
"""

import pandas as pd
from _job import start

from gantk.common.io import load_json, load_npz, save_figure
from gantk.plots.curves import LearningCurve, learning_curves_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
panels = []
for i, run in enumerate(snakemake.params.runs):
    snapshots = load_npz(snakemake.input.snapshots[i])
    stop = load_json(snakemake.input.stop[i])
    panels.append(
        LearningCurve(
            pd.read_csv(snakemake.input.curve[i]),
            snapshots["steps"],
            snapshots["z"],
            pd.read_csv(snakemake.input.along[i]),
            reference_am_ssim=load_json(snakemake.input.reference[i]).get("am_ssim"),
            selected=(stop["selected_step"], stop["rule"]),
            title=f"({chr(ord('a') + i)}) {run['method']} on {run['dataset']} (n = {run['n']}, seed {run['seed']})",
        )
    )
figure = learning_curves_figure(
    panels,
    strip=fig_cfg["strip"],
    images=fig_cfg["images"],
    title=getattr(snakemake.params, "title", None),
    **getattr(snakemake.params, "labels", {}),
)
save_figure(snakemake.output[0], figure, dpi=150)
