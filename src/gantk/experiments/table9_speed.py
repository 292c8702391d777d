"""Table 9: iterations to convergence, iterations per second and wall seconds, per run.

Every row is computed from a run's recorded ``curve.csv`` (columns ``step``, ``loss``,
``seconds``), so GAN baselines and GA-NTK runs (batch-wise GA-CNTK, GA-CNTKg) are measured
alike:

* ``iterations_to_convergence``: the last step at which the ``window``-step mean of the
  loss improved by more than ``delta`` before ``patience`` steps passed without one
  (:func:`gantk.loop.stopping.convergence`; the paper: patience 10000, delta 0.05);
  for GAN runs the last step at which it *changed* by more than ``delta`` (``mode="plateau"``:
  their monitored losses rise as well as fall).
  ``stopped`` says whether the rule fired within the recorded steps; when it did not,
  the run may not have converged and the number is a lower bound.
* ``iterations_per_second``: (steps − 1) / (seconds at the last step − seconds at step 1),
  so the first step's compilation is excluded. A GAN iteration is n_dis D steps and one
  G step; a GA-NTK iteration is one step on Z (or on G's weights for GA-CNTKg).
* ``seconds_to_convergence``: wall seconds at the convergence step (compilation included,
  as a user waits for it); ``seconds``: wall seconds of the whole recorded run.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from gantk.loop.stopping import DELTA, PATIENCE, convergence

#: Column order of the table.
COLUMNS = (
    "dataset",
    "n",
    "seed",
    "method",
    "iterations_to_convergence",
    "stopped",
    "iterations_run",
    "iterations_per_second",
    "seconds_to_convergence",
    "seconds",
)

LEGEND = {
    "iterations_to_convergence": "last step improving the mean loss over the window by more than delta",
    "stopped": "whether the early-stopping rule fired within the run (else a lower bound)",
    "iterations_per_second": "steady rate, the compiling first step excluded",
    "seconds_to_convergence": "wall seconds up to the convergence step, compilation included",
    "lam": "λ of the GA-NTK runs' NTK-GP (Algorithm 1)",
    "paper_iterations": "the paper's Table 9 iterations to convergence (V100, b = 64, n = 256), where known",
    "paper_iterations_per_second": "the paper's Table 9 iterations per second, where known",
    "paper_seconds": "the paper's Table 9 seconds, where known (its CelebA row is cut off in our copy)",
    "ratio_iterations": "ours / paper's iterations to convergence",
    "ratio_iterations_per_second": "ours / paper's iterations per second (different devices: a CPU here, a V100 there)",
    "ratio_seconds": "ours / paper's seconds to convergence",
}


def speed_row(
    curve: pd.DataFrame, *, patience: int = PATIENCE, delta: float = DELTA, window: int = 100, mode: str = "min"
) -> dict:
    """Table 9 quantities of one run's curve (module doc); ``mode`` as in :class:`EarlyStopping`
    (``"min"`` for GA-NTK losses, ``"plateau"`` for GAN losses).

    Raises:
      ValueError: the curve lacks ``step``, ``loss`` or ``seconds``, or is empty.
    """
    missing = [c for c in ("step", "loss", "seconds") if c not in curve.columns]
    if missing:
        raise ValueError(f"a Table 9 curve needs columns step, loss, seconds; missing {missing}")
    if len(curve) == 0:
        raise ValueError("a Table 9 curve needs at least one step")
    conv = convergence(curve["loss"].to_numpy(float), patience, delta, window, mode)
    seconds = curve["seconds"].to_numpy(float)
    span = seconds[-1] - seconds[0]
    return {
        "iterations_to_convergence": int(conv["converged_step"]),
        "stopped": bool(conv["stopped"]),
        "iterations_run": int(len(curve)),
        "iterations_per_second": float((len(curve) - 1) / span) if len(curve) > 1 and span > 0 else float("nan"),
        "seconds_to_convergence": float(seconds[conv["converged_step"] - 1]),
        "seconds": float(seconds[-1]),
    }


def table9(records: Iterable[Mapping]) -> pd.DataFrame:
    """Rows (each with dataset, n, seed, method and the :func:`speed_row` keys) as a table;
    other keys (the paper's values) follow as columns after :data:`COLUMNS`."""
    frame = pd.DataFrame(list(records))
    if frame.empty:
        raise ValueError("Table 9 needs at least one run")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"Table 9 records lack {missing}")
    return frame[[*COLUMNS, *(c for c in frame.columns if c not in COLUMNS)]].reset_index(drop=True)


def to_markdown(frame: pd.DataFrame) -> str:
    """The table as Markdown, numbers rounded for reading, with a legend."""

    def cell(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (float, np.floating)):
            return "–" if not np.isfinite(v) else f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    lines += [""] + [f"- `{k}`: {v}" for k, v in LEGEND.items() if k in frame.columns]
    return "\n".join(lines) + "\n"


__all__ = ["COLUMNS", "speed_row", "table9", "to_markdown"]
