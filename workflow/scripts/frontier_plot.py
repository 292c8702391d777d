"""The frontier figure: FID against AM-SSIM along each run, from the frontier tables."""

import pandas as pd
from _job import start

from gantk.experiments.frontier import FID_FACTOR
from gantk.common.io import save_figure
from gantk.plots.frontier import frontier_figure

log = start(snakemake)
figure = frontier_figure(
    pd.read_csv(snakemake.input.table),
    pd.read_csv(snakemake.input.references),
    fid_factor=FID_FACTOR,
    title="GA-NTK along its runs: sample quality (FID) against memorisation (AM-SSIM)",
)
save_figure(snakemake.output[0], figure, dpi=150)
