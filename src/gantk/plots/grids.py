"""Image grids: tiling, picking snapshots, and panels of sample sets (paper Figs 1, 2, 6, 8,
12-16), drawn from saved (N, H, W, C) arrays with pixel values in [0, 1] (C = 1 grey, C = 3 RGB).

* :func:`image_grid` tiles images into one array (the building block of the image figures).
* :func:`show_image` draws one image into an axes, without ticks.
* :func:`samples_figure` — rows × columns of sample grids.
* :func:`latent_grid_figure` — decoder(G(ζ)) over a grid of 2-D latents, one panel per generator (Fig 20).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from jaxtyping import Float
from matplotlib.figure import Figure


def image_grid(
    images: Float[np.ndarray, "n h w c"],
    ncols: int | None = None,
    *,
    pad: int = 1,
    pad_value: float = 1.0,
) -> Float[np.ndarray, "gh gw c"]:
    """Tile images row by row into one image, ``pad`` pixels of ``pad_value`` between them.

    Args:
      images: (N, H, W, C) images, N ≥ 1.
      ncols: images per row; None = ⌈√N⌉.
      pad: pixels between neighbouring images.
      pad_value: value of the padding and of empty cells after the last image.

    Returns:
      (rows·(H + pad) − pad, ncols·(W + pad) − pad, C) array, rows = ⌈N / ncols⌉;
      image i sits at row i // ncols, column i % ncols.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"images must have shape (N, H, W, C) with N >= 1, got {images.shape}")
    n, h, w, c = images.shape
    ncols = int(ncols) if ncols is not None else int(np.ceil(np.sqrt(n)))
    if ncols < 1 or pad < 0:
        raise ValueError(f"need ncols >= 1 and pad >= 0, got ncols={ncols}, pad={pad}")
    nrows = -(-n // ncols)
    out = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad, c), pad_value, dtype=images.dtype)
    for i, image in enumerate(images):
        r, q = divmod(i, ncols)
        out[r * (h + pad) : r * (h + pad) + h, q * (w + pad) : q * (w + pad) + w] = image
    return out


def evenly_spaced(count: int, k: int) -> np.ndarray:
    """k indices spread evenly over range(count), first and last included (all if k ≥ count)."""
    if count < 1 or k < 1:
        raise ValueError(f"need count >= 1 and k >= 1, got count={count}, k={k}")
    if k >= count:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, k)).astype(int))


def nearest_snapshots(snapshot_steps: Sequence[int], steps: Sequence[int]) -> np.ndarray:
    """Index of the snapshot nearest to each of ``steps`` (the earlier one on ties), repeats dropped."""
    snapshot_steps = np.asarray(snapshot_steps)
    if snapshot_steps.size == 0:
        raise ValueError("no snapshots to choose from")
    picked = [int(np.argmin(np.abs(snapshot_steps - int(s)))) for s in steps]
    return np.asarray(list(dict.fromkeys(picked)), dtype=int)


def show_image(ax, image: np.ndarray) -> None:
    """Draw one (H, W, C) image in [0, 1] into ``ax`` (grey for C = 1), without ticks."""
    image = np.clip(image, 0.0, 1.0)
    if image.shape[-1] == 1:
        ax.imshow(image[..., 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def samples_figure(
    panels: Sequence[Sequence[np.ndarray]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    grid: int = 4,
    title: str | None = None,
) -> Figure:
    """Rows × columns of image grids, each showing the first grid² images of its panel.

    Args:
      panels: ``panels[i][j]`` is an (N, H, W, C) image set; sizes may differ between rows.
      row_labels, col_labels: one label per row / column.
      grid: each panel shows grid × grid images (fewer if the set is smaller).
      title: figure title.
    """
    nrows, ncols = len(panels), len(col_labels)
    if nrows != len(row_labels) or any(len(row) != ncols for row in panels):
        raise ValueError(f"panels must be {len(row_labels)} rows of {ncols} image sets")
    fig = Figure(figsize=(2.2 * ncols, 2.3 * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, row in enumerate(panels):
        for j, images in enumerate(row):
            show_image(axes[i, j], image_grid(np.asarray(images)[: grid * grid], ncols=grid))
            if i == 0:
                axes[i, j].set_title(col_labels[j], fontsize=10)
        axes[i, 0].set_ylabel(row_labels[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def latent_grid_figure(
    grids: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    title: str | None = None,
) -> Figure:
    """decoder(G(ζ)) over a grid of 2-D latents ζ, one panel per generator (paper Fig 20:
    (a) MNIST, (b) CelebA).

    Args:
      grids: ``(label, zeta, images)`` per panel, left to right: ``zeta`` (s, s, 2) with
        zeta[i, j] = (u_j, −u_i), u evenly spaced over [−span, span] (the first coordinate
        grows to the right, the second upwards, as gantk.generator.ga_cntkg.latent_grid
        makes it), ``images`` (s, s, H, W, C) the image of each ζ. Each image is centred on
        its ζ on the panel's axes.
      title: figure title.
    """
    if not grids:
        raise ValueError("no latent grids to draw")
    fig = Figure(figsize=(5.6 * len(grids), 5.9 + (0.3 if title else 0.0)))
    axes = fig.subplots(1, len(grids), squeeze=False)[0]
    for ax, (label, zeta, images) in zip(axes, grids):
        zeta, images = np.asarray(zeta), np.asarray(images)
        size = zeta.shape[0]
        if zeta.shape != (size, size, 2) or images.shape[:2] != (size, size) or size < 2:
            raise ValueError(
                f"{label}: need zeta (s, s, 2) and images (s, s, H, W, C) with s >= 2, "
                f"got {zeta.shape} and {images.shape}"
            )
        tiled = np.clip(image_grid(images.reshape(size * size, *images.shape[2:]), ncols=size), 0.0, 1.0)
        span = float(np.abs(zeta).max())
        half = span / (size - 1)
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
        ax.set_title(label, fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


__all__ = ["evenly_spaced", "image_grid", "latent_grid_figure", "nearest_snapshots", "samples_figure", "show_image"]
