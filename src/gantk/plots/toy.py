"""2-D toy panels (paper Figs 4, 10): generated points over the real ones, the mode centres and
their 3σ circles, at a few steps of a run. Points are (N, 2) arrays in the unit square.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from jaxtyping import Float
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from gantk.plots.grids import evenly_spaced, nearest_snapshots

#: Radius of the drawn circle around each mode, in standard deviations (the
#: high-quality radius of :func:`gantk.metrics.mode_coverage`).
MODE_RADIUS_STD = 3.0


def toy_panel(
    ax,
    points: Float[np.ndarray, "n 2"],
    real: Float[np.ndarray, "m 2"],
    modes: Float[np.ndarray, "k 2"],
    std: float,
    label: str,
    scores: Mapping | None = None,
) -> None:
    """One toy-data panel: ``points`` (blue) over ``real`` (grey), mode centres and 3σ circles.

    ``scores`` (``wasserstein``, ``modes_covered``, ``n_modes``), when given, are added to the
    panel title ``label``.
    """
    ax.scatter(real[:, 0], real[:, 1], s=10, color="0.65", label="real", zorder=1)
    for centre in modes:
        ax.add_patch(Circle(centre, MODE_RADIUS_STD * std, fill=False, ls="--", lw=0.6, color="0.3"))
    ax.scatter(points[:, 0], points[:, 1], s=4, color="C0", label="generated", zorder=2)
    ax.scatter(modes[:, 0], modes[:, 1], marker="x", s=25, color="k", lw=1.0, label="mode centre", zorder=3)
    if scores is not None:
        label += f"\nW = {scores['wasserstein']:.3f}, modes {int(scores['modes_covered'])}/{int(scores['n_modes'])}"
    ax.set_title(label, fontsize=9)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xticks([0, 0.5, 1])
    ax.set_yticks([0, 0.5, 1])


def toy_figure(
    snapshot_steps: np.ndarray,
    snapshots: np.ndarray,
    real: np.ndarray,
    modes: np.ndarray,
    std: float,
    *,
    along_run: pd.DataFrame | None = None,
    panels: int = 4,
    steps: Sequence[int] | None = None,
    methods: Mapping[str, np.ndarray] | None = None,
    method_scores: Mapping[str, Mapping] | None = None,
    title: str | None = None,
) -> Figure:
    """Generated 2-D points against the real ones at a few steps of a run and, given
    ``methods``, every method's final points beside the truth above them (paper Figs 4, 10).

    Args:
      snapshot_steps: (S,) steps of the snapshots.
      snapshots: (S, n, 2) generated points at those steps.
      real: (m, 2) real points (grey).
      modes: (M, 2) mode centres (black crosses), each with a dashed circle of radius 3σ.
      std: σ of every mode.
      along_run: optional columns ``step``, ``wasserstein``, ``modes_covered``, ``n_modes``,
        shown in each panel's title.
      panels: snapshots shown, evenly spaced, the last (final Z) included; used when
        ``steps`` is None.
      steps: the steps to show, each from the snapshot nearest to it.
      methods: method → (n, 2) final points: the paper's panels, a first row "(a) truth"
        (the real points) then "(b) method", "(c) ...", in order; the run's steps below.
      method_scores: method → ``wasserstein``, ``modes_covered``, ``n_modes`` (their titles).
      title: figure title.
    """
    snapshot_steps = np.asarray(snapshot_steps)
    if steps is None:
        chosen = evenly_spaced(len(snapshot_steps), panels)
    else:
        chosen = nearest_snapshots(snapshot_steps, steps)
    methods = dict(methods or {})
    top = [] if not methods else [("(a) truth", real, None)] + [
        (f"({chr(ord('b') + i)}) {name}", pts, (method_scores or {}).get(name)) for i, (name, pts) in enumerate(methods.items())
    ]
    ncols = max(len(chosen), len(top))
    nrows = 2 if top else 1
    fig = Figure(figsize=(3.0 * ncols, 3.7 * nrows + 0.3))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, (label, pts, score) in zip(axes[0], top):
        toy_panel(ax, np.asarray(pts), np.asarray(real)[:0] if pts is real else real, modes, std, label, score)
    scores = along_run.set_index("step") if along_run is not None else None
    row = axes[-1]
    for ax, s in zip(row, chosen):
        step = int(snapshot_steps[s])
        found = scores.loc[step] if scores is not None and step in scores.index else None
        toy_panel(ax, np.asarray(snapshots[s]), real, modes, std, f"step {step}", found)
    for r, used in ((0, len(top) if top else len(chosen)), (nrows - 1, len(chosen))):
        for ax in axes[r][used:]:
            ax.axis("off")
    if top:
        row[0].set_ylabel("along the run", fontsize=9)
    handles, labels = row[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, markerscale=1.5, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07 / nrows, 1, 1 - 0.07 / nrows if title else 1))
    return fig


__all__ = ["MODE_RADIUS_STD", "toy_figure", "toy_panel"]
