"""The quality-memorisation frontier: FID against AM-SSIM along runs (ours; the paper has no such
figure), drawn from the table of gantk.experiments.frontier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter


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


__all__ = ["frontier_figure"]
