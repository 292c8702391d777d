"""Samples beside what they resemble: the b = 1 mean image (paper Fig 7) and generated images
above their nearest training images by SSIM (paper Figs 17-19). Drawn from saved arrays: the
nearest neighbours are computed upstream (gantk.metrics.nearest_by_ssim).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from gantk.plots.grids import show_image


def _rms(images: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Root-mean-square pixel difference of each image to ``target``, (N,)."""
    diff = np.asarray(images, np.float64) - np.asarray(target, np.float64)
    return np.sqrt(np.mean(diff.reshape(len(diff), -1) ** 2, axis=1))


def mean_image_figure(
    real: np.ndarray,
    rows: Mapping[str, np.ndarray],
    *,
    images: int = 8,
    title: str | None = None,
) -> Figure:
    """Sample sets next to the training mean image (paper Fig 7: batch-wise b = 1).

    The first row shows the training mean and training images; each further row a sample
    set: its own mean, then its first ``images`` samples, each titled with its RMS pixel
    distance to the training mean. A row's label gives the median of that distance and
    the set's spread (RMS distance of its samples to their own mean): b = 1 samples sit
    near the training mean and near each other.

    Args:
      real: (n, H, W, C) training images.
      rows: label → (m, H, W, C) samples, drawn in order.
      images: images shown per row.
      title: figure title.
    """
    real = np.asarray(real)
    mean = real.mean(axis=0)
    sets = {"training data": real, **{label: np.asarray(s) for label, s in rows.items()}}
    k = min(images, *(len(s) for s in sets.values()))
    fig = Figure(figsize=(1.15 * (k + 1) + 1.6, 1.45 * len(sets) + 0.5))
    axes = fig.subplots(len(sets), k + 1, squeeze=False)
    for i, (label, samples) in enumerate(sets.items()):
        own_mean = samples.mean(axis=0)
        show_image(axes[i, 0], own_mean)
        axes[i, 0].set_title("mean", fontsize=8)
        distance = _rms(samples, mean)
        spread = float(np.sqrt(np.mean(_rms(samples, own_mean) ** 2)))
        axes[i, 0].set_ylabel(f"{label}\nto mean {np.median(distance):.3f}\nspread {spread:.3f}", fontsize=8)
        for j in range(k):
            show_image(axes[i, j + 1], samples[j])
            axes[i, j + 1].set_title(f"{distance[j]:.3f}", fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def nearest_neighbours_figure(
    rows: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray]],
    *,
    title: str | None = None,
) -> Figure:
    """Generated images above their nearest training images by SSIM (paper Figs 17–19).

    Args:
      rows: one entry per sample set, ``(label, generated, nearest, ssim)`` with
        ``generated`` and ``nearest`` (k, H, W, C) — image j of ``nearest`` is the training
        image of highest SSIM to generated image j — and ``ssim`` (k,) those SSIM values.
        k may differ between entries.
      title: figure title.

    Each entry is two rows of the figure: the generated images, then their nearest
    training images, each titled with its SSIM; the label carries the set's mean SSIM.
    """
    if not rows:
        raise ValueError("no sample sets to show")
    for label, generated, nearest, ssim in rows:
        if len(generated) != len(nearest) or len(generated) != len(ssim) or len(generated) == 0:
            raise ValueError(
                f"{label}: need as many nearest images and SSIM values as generated images (≥ 1), got "
                f"{len(generated)}, {len(nearest)}, {len(ssim)}"
            )
    k = max(len(r[1]) for r in rows)
    fig = Figure(figsize=(1.1 * k + 1.6, 2.4 * len(rows) + 0.5))
    axes = fig.subplots(2 * len(rows), k, squeeze=False)
    for i, (label, generated, nearest, ssim) in enumerate(rows):
        top, bottom = axes[2 * i], axes[2 * i + 1]
        for j in range(k):
            if j >= len(generated):
                top[j].axis("off")
                bottom[j].axis("off")
                continue
            show_image(top[j], generated[j])
            show_image(bottom[j], nearest[j])
            bottom[j].set_title(f"{float(ssim[j]):.2f}", fontsize=7)
        top[0].set_ylabel(f"{label}\ngenerated", fontsize=8)
        bottom[0].set_ylabel(f"nearest (SSIM)\nmean {float(np.mean(ssim)):.2f}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


__all__ = ["mean_image_figure", "nearest_neighbours_figure"]
