"""Fig 5 from the saved gradient-norm experiment."""

import pandas as pd
from _job import start

from gantk.common.io import load_json, load_npz, save_figure
from gantk.plots.curves import gradient_norm_figure

log = start(snakemake)
images = load_npz(snakemake.input.images)
info = load_json(snakemake.input.info)
figure = gradient_norm_figure(
    pd.read_csv(snakemake.input.curve),
    pd.read_csv(snakemake.input.disc_curve),
    info,
    images["start"],
    images["fakes"],
    title=f"Gradient norm of a fake image ({info['kernel']}, n = {info['n']} real + {info['n']} noise)",
)
save_figure(snakemake.output[0], figure, dpi=150)
