"""Curves along runs (paper Figs 3, 5, 11): the loss with images of Z along a run and its
AM-SSIM to the training set, a fake image's gradient norm against three discriminators, and
loss against step for several runs. Drawn from saved curves (pandas frames) and arrays.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gantk.plots.grids import evenly_spaced, image_grid, show_image

#: Fig 3's legend entry for the steps whose samples are closer to the training set
#: than held-out real images are (AM-SSIM above the held-out level).
CROSSING_LABEL = "closer to the training set than unseen images"


class LearningCurve(NamedTuple):
    """What one learning-curve panel shows (one run; paper Figs 3, 11).

    Attributes:
      curve: columns ``step`` (1-based) and ``loss`` (the loss at the Z that step started from).
      snapshot_steps: (S,) steps of the snapshots (0 = initial noise).
      snapshots: (S, n, H, W, C) Z at those steps.
      along_run: columns ``step`` and ``am_ssim``: the average over Z's images of the max
        SSIM to the training set, at each snapshot.
      reference_am_ssim: the same for held-out real images (drawn as a level: above it,
        samples resemble the training set more than unseen real images do: copies). The
        steps from the first one above it are shaded, and the legend below the axes names
        that step (:data:`CROSSING_LABEL`).
      selected: (step, rule name) of the stopping rule's choice, drawn as a vertical line.
      title: the panel's title (its data set and run).
    """

    curve: pd.DataFrame
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    along_run: pd.DataFrame
    reference_am_ssim: float | None = None
    selected: tuple[int, str] | None = None
    title: str | None = None


def learning_curves_figure(
    runs: Sequence[LearningCurve],
    *,
    strip: int = 6,
    images: int = 3,
    title: str | None = None,
    loss_label: str = "GA-NTK loss",
    samples_label: str = "Z",
) -> Figure:
    """One learning-curve panel per run, side by side (paper Fig 3: (a) MNIST, (b) CIFAR-10,
    (c) CelebA; Fig 11 the same for GA-CNTKg's generator).

    Each panel: the loss against step, Z at ``strip`` snapshots above it (evenly spaced,
    first and last included; the first ``images`` images of each), and AM-SSIM along the run.

    Args:
      runs: the panels, left to right (:class:`LearningCurve`, titled by its ``title``);
        ``fig.subfigs[1].subfigs`` holds them.
      strip: snapshots shown per panel.
      images: images of each snapshot shown.
      title: figure title.
      loss_label, samples_label: legend names of the loss and of the snapshot images
        (GA-CNTKg: a generator's loss, decoder(G(ζ)) for a fixed ζ).
    """
    if not runs:
        raise ValueError("no runs to draw")
    k = max(len(evenly_spaced(len(r.snapshot_steps), strip)) for r in runs)
    width = max(7.0, 1.3 * k)
    fig = Figure(figsize=(width * len(runs), 7.2))
    # A band for the figure's title above the panels (their own titles sit at their tops).
    head, body = fig.subfigures(2, 1, height_ratios=[0.4, 6.8])
    if title:
        head.suptitle(title, y=0.5, va="center")
    panels = body.subfigures(1, len(runs), squeeze=False)[0]
    for panel, run in zip(panels, runs):
        _learning_curve_panel(panel, run, strip, images, loss_label, samples_label)
    return fig


def _learning_curve_panel(fig, run: LearningCurve, strip: int, images: int, loss_label: str, samples_label: str) -> None:
    """Draw one :class:`LearningCurve` into ``fig`` (a figure or sub-figure)."""
    snapshot_steps = np.asarray(run.snapshot_steps)
    curve, along_run, reference_am_ssim = run.curve, run.along_run, run.reference_am_ssim
    chosen = evenly_spaced(len(snapshot_steps), strip)
    k = len(chosen)
    grid = fig.add_gridspec(2, k, height_ratios=[1.2, 2.0], hspace=0.25, bottom=0.15, top=0.86 if run.title else 0.92)
    for col, s in enumerate(chosen):
        ax = fig.add_subplot(grid[0, col])
        show_image(ax, image_grid(np.asarray(run.snapshots[s])[:images], ncols=1))
        ax.set_title(f"step {int(snapshot_steps[s])}", fontsize=9)
    ax = fig.add_subplot(grid[1, :])
    # The row of step t holds the loss at Z after t − 1 steps.
    ax.plot(curve["step"] - 1, curve["loss"], color="C0", lw=1.2, label=loss_label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss", color="C0")
    ax.tick_params(axis="y", labelcolor="C0")
    for s in chosen:
        ax.axvline(int(snapshot_steps[s]), color="0.8", lw=0.8, ls=":", zorder=0)
    if run.selected is not None:
        step, rule = run.selected
        ax.axvline(int(step), color="k", lw=1.2, ls="-.", label=f"selected step {int(step)} ({rule})")
    twin = ax.twinx()
    twin.plot(along_run["step"], along_run["am_ssim"], "o-", color="C3", ms=3, lw=1.2, label=f"AM-SSIM of {samples_label}")
    if reference_am_ssim is not None and np.isfinite(reference_am_ssim):
        twin.axhline(reference_am_ssim, color="C2", ls="--", lw=1.2, label="AM-SSIM of held-out real images")
        above = along_run.loc[along_run["am_ssim"] > reference_am_ssim, "step"]
        if len(above):
            # Named in the legend below the axes, not beside the crossing: there a late
            # crossing's text ran into the right axis' tick labels.
            first = int(above.iloc[0])
            twin.axvspan(
                float(first),
                float(along_run["step"].max()),
                color="C3",
                alpha=0.12,
                lw=0,
                label=f"{CROSSING_LABEL} (from step {first})",
            )
    twin.set_ylabel("average max-SSIM to the training set", color="C3")
    twin.tick_params(axis="y", labelcolor="C3")
    twin.set_ylim(min(0.0, float(along_run["am_ssim"].min())), 1.0)
    lines = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(
        lines,
        [line.get_label() for line in lines],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    if run.title:
        fig.suptitle(run.title, fontsize=10)


def gradient_norm_figure(
    curve: pd.DataFrame,
    disc_curve: pd.DataFrame,
    info: Mapping,
    start: np.ndarray,
    fakes: np.ndarray,
    *,
    title: str | None = None,
) -> Figure:
    """Paper Fig 5: ‖∇_z‖ of one fake image along its descent against three discriminators.

    Args:
      curve: per fake step ``step`` and ``{finite,ntk_gp,ganntk}_grad_norm``, as
        :class:`gantk.experiments.gradient_vanishing.GradientNormResult` holds.
      disc_curve: the finite discriminator's training: ``step``, ``mse``.
      info: the experiment's settings and η, λ (``disc_steps``, ``width``, ``lam_used``).
      start: (H, W, C) the noise image; fakes: (3, H, W, C) it after descents (a)–(c).
      title: figure title.
    """
    labels = {
        "finite": f"(a) finite CNN, width {info['width']}, {info['disc_steps']} GD steps",
        "ntk_gp": f"(b) NTK-GP, same training time (λ = {info['lam_used']:.3g})",
        "ganntk": "(c) GA-NTK objective, z among the fakes",
    }
    fig = Figure(figsize=(11.0, 3.8))
    grid = fig.add_gridspec(2, 4, width_ratios=[3.2, 2.2, 1, 1])
    ax = fig.add_subplot(grid[:, 0])
    for name, label in labels.items():
        ax.semilogy(curve["step"], curve[f"{name}_grad_norm"], label=label)
    ax.set_xlabel("step of the fake image")
    ax.set_ylabel("‖∇_z loss‖")
    ax.legend(fontsize=7)
    dax = fig.add_subplot(grid[:, 1])
    dax.loglog(np.maximum(disc_curve["step"], 1), disc_curve["mse"], marker=".")
    dax.set_xlabel("discriminator GD step")
    dax.set_ylabel("MSE on real ⊕ noise")
    dax.set_title("(a) training", fontsize=9)
    cells = [(grid[0, 2], start, "noise start"), (grid[0, 3], fakes[0], "after (a)"),
             (grid[1, 2], fakes[1], "after (b)"), (grid[1, 3], fakes[2], "after (c)")]
    for where, image, label in cells:
        cell = fig.add_subplot(where)
        show_image(cell, image)
        cell.set_title(label, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def loss_curves_figure(curves: Mapping[str, pd.DataFrame], *, logy: bool = False, title: str | None = None) -> Figure:
    """Loss against step of several runs (label → frame with columns ``step``, ``loss``)."""
    fig = Figure(figsize=(6.0, 3.8))
    ax = fig.subplots()
    for label, curve in curves.items():
        ax.plot(curve["step"], curve["loss"], lw=1.2, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if logy:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


__all__ = [
    "CROSSING_LABEL",
    "LearningCurve",
    "gradient_norm_figure",
    "learning_curves_figure",
    "loss_curves_figure",
]
