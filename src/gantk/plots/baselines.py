"""Figures comparing methods on the 2-D mixtures (paper Figs 4, 9, 10), drawn from saved results.

* :func:`toy_methods_figure` — each method's generated points against the mixture, one
  panel per method (Fig 4: 25 modes; Fig 10: 8 modes).
* :func:`sensitivity_figure` — per method, the distribution of the Wasserstein distance
  over a hyper-parameter grid trained under one time budget (Fig 9), one panel per mixture.

Both return a :class:`matplotlib.figure.Figure`; save it with :func:`gantk.common.io.save_figure`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gantk.plots.toy import toy_panel


def toy_methods_figure(
    points: Mapping[str, np.ndarray],
    real: np.ndarray,
    modes: np.ndarray,
    std: float,
    *,
    scores: Mapping[str, Mapping] | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per method: its points (blue) over the real ones (grey), mode centres and 3σ circles.

    Args:
      points: method → (n, 2) generated points, drawn in order.
      real: (m, 2) real training points.
      modes: (M, 2) mode centres; std: σ of every mode.
      scores: method → dict with ``wasserstein``, ``modes_covered``, ``n_modes`` (panel titles).
      title: figure title.
    """
    if not points:
        raise ValueError("toy_methods_figure needs at least one method's points")
    fig = Figure(figsize=(3.0 * len(points), 3.4))
    axes = fig.subplots(1, len(points), squeeze=False)[0]
    for ax, (name, pts) in zip(axes, points.items()):
        toy_panel(ax, np.asarray(pts), real, modes, std, name, (scores or {}).get(name))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def sensitivity_figure(
    results: pd.DataFrame,
    *,
    floors: Mapping[str, float] | None = None,
    methods: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Box plots of the Wasserstein distance per method, one panel per mixture (Fig 9).

    Args:
      results: rows with columns ``dataset``, ``method``, ``wasserstein`` (NaN for diverged
        runs) and ``status``; one row per grid point.
      floors: dataset → W between two real samples, drawn as a dashed line (the best a
        sampler can do at this sample size).
      methods: order of the methods (default: as they first appear).
      title: figure title.
    """
    needed = {"dataset", "method", "wasserstein", "status"}
    if not needed <= set(results.columns):
        raise ValueError(f"sensitivity results need columns {sorted(needed)}, got {sorted(results.columns)}")
    datasets = list(dict.fromkeys(results["dataset"]))
    methods = list(methods or dict.fromkeys(results["method"]))
    fig = Figure(figsize=(max(6.0, 1.6 + 1.5 * len(methods) * len(datasets)), 3.8))  # room for the title
    axes = fig.subplots(1, len(datasets), squeeze=False)[0]
    rng = np.random.default_rng(0)
    for ax, dataset in zip(axes, datasets):
        block = results[results["dataset"] == dataset]
        values = [block.loc[(block["method"] == m) & (block["status"] == "ok"), "wasserstein"].dropna().to_numpy()
                  for m in methods]
        positions = np.arange(1, len(methods) + 1)
        shown = [v if len(v) else np.array([np.nan]) for v in values]
        ax.boxplot(shown, positions=positions, widths=0.5, showfliers=False)
        for pos, v in zip(positions, values):
            ax.scatter(pos + rng.uniform(-0.12, 0.12, len(v)), v, s=10, color="C0", alpha=0.7, zorder=3)
        labels = []
        for m in methods:
            runs = block[block["method"] == m]
            bad = int((runs["status"] != "ok").sum())
            labels.append(f"{m}\n({len(runs)} runs" + (f", {bad} diverged)" if bad else ")"))
        ax.set_xticks(positions)
        ax.set_xticklabels(labels, fontsize=8)
        if floors and dataset in floors:
            ax.axhline(floors[dataset], ls="--", lw=0.8, color="0.4", label="real vs real")
            ax.legend(fontsize=8, loc="upper left")
        ax.set_title(dataset, fontsize=10)
        ax.set_ylabel("Wasserstein-1 distance")
        ax.set_ylim(bottom=0)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


__all__ = ["sensitivity_figure", "toy_methods_figure"]
