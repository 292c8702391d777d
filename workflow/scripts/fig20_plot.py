"""Fig 20: decoder(G(ζ)) over a grid of 2-D latents ζ (first coordinate to the right, second upwards)."""

import numpy as np
from _job import start
from matplotlib.figure import Figure

from gantk.common.io import load_npz, save_figure
from gantk.plots.figures import image_grid

log = start(snakemake)
fig_cfg = snakemake.params.figure
grid = load_npz(snakemake.input.grid)
zeta, images = grid["zeta"], grid["images"]
size = zeta.shape[0]
tiled = np.clip(image_grid(images.reshape(size * size, *images.shape[2:]), ncols=size), 0.0, 1.0)
span = float(np.abs(zeta).max())
half = span / (size - 1)  # each image is centred on its ζ
figure = Figure(figsize=(6.4, 6.4))
ax = figure.add_subplot()
ax.imshow(
    tiled[..., 0] if tiled.shape[-1] == 1 else tiled,
    cmap="gray",
    vmin=0.0,
    vmax=1.0,
    extent=(-span - half, span + half, -span - half, span + half),
    interpolation="nearest",
)
ax.set_xlabel("ζ₁")
ax.set_ylabel("ζ₂")
ax.set_title(f"GA-CNTKg ({fig_cfg['method']}) on {fig_cfg['dataset']}: decoder(G(ζ)), ζ on a {size} × {size} grid")
save_figure(snakemake.output[0], figure, dpi=150)
