"""Fig 20: decoder(G(ζ)) over a grid of 2-D latents ζ, one panel per GA-CNTKg run (data set)."""

from _job import start

from gantk.common.io import load_npz, save_figure
from gantk.plots.grids import latent_grid_figure

log = start(snakemake)
grids = []
for run, path in zip(snakemake.params.runs, snakemake.input.grid):
    grid = load_npz(path)
    size = grid["zeta"].shape[0]
    grids.append((f"{run['method']} on {run['dataset']} (n = {run['n']}), {size} × {size} ζ", grid["zeta"], grid["images"]))
title = "GA-CNTKg with 2-D latents: decoder(G(ζ)), ζ₁ to the right, ζ₂ upwards"
save_figure(snakemake.output[0], latent_grid_figure(grids, title=title), dpi=150)
