"""PNG sample grids of a GAN run, drawn from its saved snapshots (``snapshots.npz``), not from the loop.

The training loop (``gantk.baselines.train.train_gan``) keeps samples of fixed latents every
``snapshot_every`` iterations; the workflow draws a grid of every ``grid_every``-th of them and
of the last (``workflow/scripts/baseline_train.py``), so a grid can be redrawn without training.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from gantk.common.io import save_figure
from gantk.plots.grids import image_grid


def save_sample_grid(path: str | Path, samples: np.ndarray, *, title: str | None = None, count: int = 64) -> None:
    """A PNG of the first ``count`` samples: an image grid, or a scatter plot of 2-D points."""
    samples = np.asarray(samples)
    fig = Figure(figsize=(4, 4.3))
    ax = fig.subplots()
    if samples.ndim == 4:
        grid = image_grid(samples[:count])
        ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=1)
        ax.axis("off")
    else:
        ax.scatter(samples[:, 0], samples[:, 1], s=4)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=9)
    save_figure(path, fig, dpi=100)


def save_sample_grids(
    folder: str | Path, steps: Sequence[int], snapshots: Sequence[np.ndarray], *, every: int = 0, label: str = ""
) -> list[Path]:
    """A grid ``step_<iteration, 7 digits>.png`` under ``folder`` for each snapshot whose step is a
    multiple of ``every`` (> 0) and for the last one (the run's end).

    Args:
      steps: (S,) snapshot iterations in increasing order (0 = the initial G; never drawn).
      snapshots: (S, m, ...) their samples.
      every: grid cadence in iterations (0: the last snapshot only).
      label: the title's prefix (the method), titled ``"<label>, iteration <step>"``.

    Returns:
      The paths written.
    """
    steps = [int(s) for s in steps]
    if len(steps) != len(snapshots) or not steps:
        raise ValueError(f"need one snapshot per step, got {len(steps)} steps and {len(snapshots)} snapshots")
    written = []
    for i, step in enumerate(steps):
        if step > 0 and (i == len(steps) - 1 or (every and step % every == 0)):
            path = Path(folder) / f"step_{step:07d}.png"
            save_sample_grid(path, snapshots[i], title=f"{label}, iteration {step}" if label else f"iteration {step}")
            written.append(path)
    return written


__all__ = ["save_sample_grid", "save_sample_grids"]
