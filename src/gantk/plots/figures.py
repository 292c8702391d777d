"""Figures of the workflow, drawn from saved arrays (no computation beyond selection).

Every function returns a :class:`matplotlib.figure.Figure`; save it with
:func:`gantk.common.io.save_figure`. Images are (N, H, W, C) arrays with pixel values in
[0, 1] (C = 1 drawn in grey, C = 3 as RGB); 2-D points are (N, 2) in the unit square.

* :func:`image_grid` tiles images into one array (the building block of the rest).
* :func:`samples_figure` — panels of sample grids, rows × columns (Fig 1, Fig 6).
* :func:`learning_curve_figure` — the loss along a run, images of Z along it, and the
  average max-SSIM of Z to the training set along it against the held-out level (Fig 3).
* :func:`toy_figure` — generated 2-D points over the real ones, the mode centres and
  their 3σ circles, at a few steps of a run (Fig 4, Fig 10).
* :func:`gradient_norm_figure` — a fake image's gradient norm against a trained finite
  discriminator and against the NTK-GP (Fig 5).
* :func:`mean_image_figure` — batch-wise b = 1 samples next to the training mean (Fig 7).
* :func:`nearest_neighbours_figure` — samples above their nearest training images by SSIM
  (Figs 17–19).
* :func:`loss_curves_figure` — loss against step for several runs.
* :func:`frontier_figure` — FID against AM-SSIM along runs, one curve per setting, with the
  held-out real images and the paper's value (the quality–memorisation frontier).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from jaxtyping import Float
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.ticker import FuncFormatter

#: Radius of the drawn circle around each mode, in standard deviations (the
#: high-quality radius of :func:`gantk.metrics.mode_coverage`).
MODE_RADIUS_STD = 3.0

#: Fig 3's legend entry for the steps whose samples are closer to the training set
#: than held-out real images are (AM-SSIM above the held-out level).
CROSSING_LABEL = "closer to the training set than unseen images"


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


def _show(ax, image: np.ndarray) -> None:
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
            _show(axes[i, j], image_grid(np.asarray(images)[: grid * grid], ncols=grid))
            if i == 0:
                axes[i, j].set_title(col_labels[j], fontsize=10)
        axes[i, 0].set_ylabel(row_labels[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def learning_curve_figure(
    curve: pd.DataFrame,
    snapshot_steps: np.ndarray,
    snapshots: np.ndarray,
    along_run: pd.DataFrame,
    *,
    reference_am_ssim: float | None = None,
    selected: tuple[int, str] | None = None,
    strip: int = 6,
    images: int = 3,
    title: str | None = None,
    loss_label: str = "GA-NTK loss",
    samples_label: str = "Z",
) -> Figure:
    """Loss against step, Z at a few steps above it, and AM-SSIM along the run (paper Figs 3, 11).

    Args:
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
      strip: snapshots shown (evenly spaced, first and last included).
      images: images of each snapshot shown (the first ones of Z).
      title: figure title.
      loss_label, samples_label: legend names of the loss and of the snapshot images
        (GA-CNTKg: a generator's loss, decoder(G(ζ)) for a fixed ζ).
    """
    snapshot_steps = np.asarray(snapshot_steps)
    chosen = evenly_spaced(len(snapshot_steps), strip)
    k = len(chosen)
    fig = Figure(figsize=(max(7.0, 1.3 * k), 6.8))
    grid = fig.add_gridspec(2, k, height_ratios=[1.2, 2.0], hspace=0.25, bottom=0.15)
    for col, s in enumerate(chosen):
        ax = fig.add_subplot(grid[0, col])
        _show(ax, image_grid(np.asarray(snapshots[s])[:images], ncols=1))
        ax.set_title(f"step {int(snapshot_steps[s])}", fontsize=9)
    ax = fig.add_subplot(grid[1, :])
    # The row of step t holds the loss at Z after t − 1 steps.
    ax.plot(curve["step"] - 1, curve["loss"], color="C0", lw=1.2, label=loss_label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss", color="C0")
    ax.tick_params(axis="y", labelcolor="C0")
    for s in chosen:
        ax.axvline(int(snapshot_steps[s]), color="0.8", lw=0.8, ls=":", zorder=0)
    if selected is not None:
        ax.axvline(int(selected[0]), color="k", lw=1.2, ls="-.", label=f"selected step {int(selected[0])} ({selected[1]})")
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
    if title:
        fig.suptitle(title)
    return fig


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
    title: str | None = None,
) -> Figure:
    """Generated 2-D points against the real ones at a few steps of a run (paper Figs 4, 10).

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
      title: figure title.
    """
    snapshot_steps = np.asarray(snapshot_steps)
    if steps is None:
        chosen = evenly_spaced(len(snapshot_steps), panels)
    else:
        chosen = nearest_snapshots(snapshot_steps, steps)
    fig = Figure(figsize=(3.2 * len(chosen), 4.0))
    axes = fig.subplots(1, len(chosen), squeeze=False)
    scores = along_run.set_index("step") if along_run is not None else None
    for ax, s in zip(axes[0], chosen):
        step = int(snapshot_steps[s])
        row = scores.loc[step] if scores is not None and step in scores.index else None
        toy_panel(ax, np.asarray(snapshots[s]), real, modes, std, f"step {step}", row)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, markerscale=1.5, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 0.93 if title else 1))
    return fig


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
        _show(axes[i, 0], own_mean)
        axes[i, 0].set_title("mean", fontsize=8)
        distance = _rms(samples, mean)
        spread = float(np.sqrt(np.mean(_rms(samples, own_mean) ** 2)))
        axes[i, 0].set_ylabel(f"{label}\nto mean {np.median(distance):.3f}\nspread {spread:.3f}", fontsize=8)
        for j in range(k):
            _show(axes[i, j + 1], samples[j])
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
            _show(top[j], generated[j])
            _show(bottom[j], nearest[j])
            bottom[j].set_title(f"{float(ssim[j]):.2f}", fontsize=7)
        top[0].set_ylabel(f"{label}\ngenerated", fontsize=8)
        bottom[0].set_ylabel(f"nearest (SSIM)\nmean {float(np.mean(ssim)):.2f}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


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
        _show(cell, image)
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


def frontier_figure(
    table: pd.DataFrame,
    references: pd.DataFrame,
    *,
    fid_factor: float = 1.5,
    title: str | None = None,
) -> Figure:
    """FID against AM-SSIM along each run: one panel per data subset, one curve per method.

    Args:
      table: one row per (run, scored step), the columns of
        :data:`gantk.experiments.frontier.TABLE_COLUMNS`; points are joined in step order and labelled
        with their step, the ``selected`` one (the stopping rule's, or the last) ringed.
      references: :data:`gantk.experiments.frontier.REFERENCE_COLUMNS` rows: ``heldout`` (a black cross,
        with the target region shaded: AM-SSIM below it and FID ≤ ``fid_factor`` × its FID)
        and ``paper`` (a star).
      fid_factor: the FID factor of the target region.
      title: figure title.
    """
    keys = list(dict.fromkeys(zip(references["dataset"], references["n"], references["seed"])))
    if not keys:
        raise ValueError("no data subsets to draw (the references table is empty)")
    fig = Figure(figsize=(6.2 * len(keys), 5.6))
    axes = fig.subplots(1, len(keys), squeeze=False)[0]
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for ax, (dataset, n, seed) in zip(axes, keys):
        here = table[(table["dataset"] == dataset) & (table["n"] == n) & (table["seed"] == seed)]
        refs = references[(references["dataset"] == dataset) & (references["n"] == n) & (references["seed"] == seed)]
        for i, (method, rows) in enumerate(here.groupby("method", sort=False)):
            rows = rows.sort_values("step")
            colour = colours[i % len(colours)]
            ax.plot(rows["am_ssim"], rows["fid"], "-o", color=colour, ms=4, lw=1.2,
                    label=f"{method}: {rows['setting'].iloc[0]}")  # fmt: skip
            for _, row in rows.iterrows():
                ax.annotate(str(int(row["step"])), (row["am_ssim"], row["fid"]), fontsize=6, color=colour,
                            xytext=(3, 3), textcoords="offset points")  # fmt: skip
            sel = rows[rows["selected"]]
            ax.plot(sel["am_ssim"], sel["fid"], "o", ms=12, mfc="none", mec=colour, mew=1.8)
        for _, ref in refs.iterrows():
            if ref["kind"] == "heldout":
                limit = fid_factor * ref["fid"]
                ax.axvline(ref["am_ssim"], color="k", ls=":", lw=0.8)
                ax.axhline(limit, color="k", ls=":", lw=0.8)
                ax.fill_between([0, ref["am_ssim"]], 0, limit, color="tab:green", alpha=0.08, lw=0,
                                label=f"target: AM-SSIM < held-out, FID ≤ {fid_factor:g}× held-out")  # fmt: skip
                ax.plot(ref["am_ssim"], ref["fid"], "kX", ms=10,
                        label=f"{ref['label']} ({int(ref['fid_samples'])} images)")  # fmt: skip
            else:
                ax.plot(ref["am_ssim"], ref["fid"], "*", color="gold", mec="k", ms=16, label=ref["label"])
        values = np.r_[here["fid"].to_numpy(float), refs["fid"].to_numpy(float)]
        ax.set_yscale("log")
        ax.set_ylim(values.min() / 1.3, values.max() * 1.3)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}"[0] in "2357" else ""))
        xs = np.r_[here["am_ssim"].to_numpy(float), refs["am_ssim"].to_numpy(float)]
        ax.set_xlim(max(0.0, xs.min() - 0.05), min(1.0, xs.max() + 0.05))
        ax.set_xlabel("AM-SSIM to the training set (higher: closer to copies)")
        counts = ", ".join(str(c) for c in sorted(set(here["fid_samples"].astype(int))))
        ax.set_ylabel(f"FID of {counts or '?'} samples (lower: better)")
        ax.set_title(f"{dataset}, n = {n}, seed {seed}", fontsize=10)
        ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


__all__ = [
    "MODE_RADIUS_STD",
    "evenly_spaced",
    "frontier_figure",
    "gradient_norm_figure",
    "image_grid",
    "learning_curve_figure",
    "loss_curves_figure",
    "mean_image_figure",
    "nearest_neighbours_figure",
    "nearest_snapshots",
    "samples_figure",
    "toy_figure",
    "toy_panel",
]
