"""Fig 9: hyper-parameter sensitivity on the 2-D mixtures under a fixed time budget.

For each method, every point of a hyper-parameter grid is trained for the same wall-clock
budget on the same data, and scored by the Wasserstein-1 distance of its points to a
fresh sample of the mixture (:func:`gantk.metrics.toy.wasserstein_distance`, as many
points as the training set) and by mode coverage. The figure shows, per method, the
distribution of that distance over the grid: a method that is insensitive to its
settings has a tight distribution near the real-vs-real floor.

* GAN methods (``wgan``, ``wgan_gp``, any name in :data:`gantk.baselines.METHODS`):
  grid keys are method settings (``lr``, ``n_dis``, ``clip``, ``penalty_weight``, ...,
  see :func:`gantk.baselines.get_method`); each point runs :func:`gantk.baselines.train_gan`
  with ``time_budget_s``.
* ``ga_fntk``: grid keys ``lam`` (λ of the NTK-GP) and ``lr`` (and optionally
  ``optimizer``); each point runs :func:`gantk.synthesis.ga_ntk.synthesize` with the FNTK. The GA-NTK
  optimiser has no time budget of its own, so the run is made in two calls sharing a
  checkpoint: a short probe measures the step rate, then the run is extended to the
  number of steps that fills the budget. Its ``seconds`` column records the time spent.

The budget counts training time: a run's first, compiling step is not charged to it
(every grid point compiles anew, and compilation would otherwise take a setting-independent
share of a short budget).

A run whose loss becomes NaN is kept as a row with ``status`` ``"non_finite"`` and no
distance: divergence is part of a method's sensitivity (the figure counts such runs).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from gantk.common.logging_utils import LOGGER_NAME
from gantk.metrics.toy import mode_coverage, wasserstein_distance

log = logging.getLogger(LOGGER_NAME)

#: The GA-NTK method of the figure and the settings its grid may name.
GA_FNTK = "ga_fntk"
GA_FNTK_KEYS = ("lam", "lr", "optimizer")

#: Grids of the paper's comparison (WGAN vs WGAN-GP vs GA-FNTK); the config may replace them.
DEFAULT_GRIDS: dict[str, dict[str, list]] = {
    "wgan": {"lr": [5e-5, 2e-4, 1e-3], "n_dis": [1, 5], "clip": [0.01, 0.1]},
    "wgan_gp": {"lr": [1e-4, 3e-4, 1e-3], "n_dis": [1, 5], "penalty_weight": [0.1, 1.0, 10.0]},
    GA_FNTK: {"lam": [0.5, 1.0, 2.0, 4.0], "lr": [1e-3, 1e-2, 1e-1]},
}


def grid_points(grid: Mapping[str, Sequence]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, keys in sorted order (the last varies fastest)."""
    if not grid:
        return [{}]
    keys = sorted(grid)
    for k in keys:
        if isinstance(grid[k], (str, bytes)) or not isinstance(grid[k], Sequence) or len(grid[k]) == 0:
            raise ValueError(f"grid key {k!r} needs a non-empty list of values, got {grid[k]!r}")
    return [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]


def score_points(points: np.ndarray, reference: np.ndarray, mixture: str) -> dict[str, Any]:
    """W1 to the reference sample and mode coverage of generated 2-D points."""
    coverage = mode_coverage(points, mixture)
    return {
        "wasserstein": wasserstein_distance(points, reference),
        "modes_covered": int(coverage["modes_covered"]),
        "n_modes": int(coverage["n_modes"]),
        "high_quality_fraction": float(coverage["high_quality_fraction"]),
    }


def run_gan_point(
    x: np.ndarray,
    method: str,
    settings: Mapping[str, Any],
    *,
    budget_s: float,
    seed: int,
    width: float = 1.0,
    batch_size: int = 64,
    latent_dim: int = 64,
    max_steps: int = 10**7,
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """Train GAN ``method`` with ``settings`` for ``budget_s`` seconds; ``(points or None, facts)``."""
    from gantk.baselines import GANConfig, train_gan
    from gantk.synthesis.ga_ntk import NonFiniteLossError

    cfg = GANConfig(
        method, hparams=dict(settings), steps=max_steps, batch_size=batch_size, latent_dim=latent_dim,
        width=width, seed=seed, time_budget_s=budget_s, snapshot_every=0, log_every=0,
    )
    try:
        result = train_gan(x, cfg)
    except NonFiniteLossError as err:
        log.warning("%s %s diverged: %s", method, dict(settings), err)
        return None, {"status": "non_finite", "iterations": None, "seconds": None}
    seconds = float(result.curve["seconds"].iloc[-1])
    return result.z, {"status": "ok", "iterations": int(len(result.curve)), "seconds": seconds}


def run_ga_fntk_point(
    x: np.ndarray, settings: Mapping[str, Any], *, budget_s: float, seed: int, probe_steps: int = 5
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """GA-FNTK with ``settings`` (``lam``, ``lr``, ``optimizer``) for about ``budget_s`` seconds.

    A ``probe_steps`` probe (kept short: its steps are spent even when they overrun a small
    budget) measures the step rate; the run is then extended to the steps that fill the budget.
    """
    from gantk.synthesis.ga_ntk import NonFiniteLossError, SynthConfig, synthesize

    unknown = sorted(set(settings) - set(GA_FNTK_KEYS))
    if unknown:
        raise ValueError(f"GA-FNTK grid keys must be among {GA_FNTK_KEYS}, got {unknown}")
    base = dict(
        kernels=("fntk",), lambdas=(float(settings.get("lam", 1.0)),), lr=float(settings.get("lr", 0.01)),
        optimizer=settings.get("optimizer", "adam"), seed=seed, snapshot_every=0, log_every=10**9,
        checkpoint_every=0,
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ckpt = Path(tmp) / "checkpoint.npz"
            probe = synthesize(x, SynthConfig(steps=probe_steps, **base), checkpoint=ckpt)
            seconds = probe.curve["seconds"].to_numpy()
            trained = seconds[-1] - seconds[0]  # the first, compiling step excluded, as for the GANs
            rate = (len(seconds) - 1) / max(trained, 1e-9)
            steps = probe_steps + int(max(0.0, budget_s - trained) * rate)
            result = probe if steps <= probe_steps else synthesize(x, SynthConfig(steps=steps, **base), checkpoint=ckpt)
    except NonFiniteLossError as err:
        log.warning("ga_fntk %s diverged: %s", dict(settings), err)
        return None, {"status": "non_finite", "iterations": None, "seconds": None}
    return result.z, {
        "status": "ok",
        "iterations": int(len(result.curve)),
        "seconds": float(result.curve["seconds"].iloc[-1]),
    }


def sensitivity(
    x: np.ndarray,
    reference: np.ndarray,
    *,
    mixture: str,
    method: str,
    grid: Mapping[str, Sequence],
    budget_s: float,
    seed: int = 0,
    gan_options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run every grid point of ``method`` on the mixture data ``x`` for ``budget_s`` seconds each.

    Args:
      x: (n, 2) training points of mixture ``mixture``.
      reference: (n, 2) a fresh sample of the mixture to score against.
      mixture: ``"ring8"`` or ``"grid25"`` (for mode coverage).
      method: ``"ga_fntk"`` or a GAN method name.
      grid: setting name → list of values.
      budget_s: wall seconds per grid point.
      seed: seed of every run.
      gan_options: ``width``, ``batch_size``, ``latent_dim`` of the GAN runs.

    Returns:
      One row per grid point: method, the settings (``params`` as JSON and one column per
      key), status, iterations, seconds, wasserstein, modes_covered, n_modes,
      high_quality_fraction (NaN for diverged runs).
    """
    x, reference = np.asarray(x, np.float32), np.asarray(reference, np.float32)
    if x.ndim != 2 or x.shape[1] != 2 or reference.shape != x.shape:
        raise ValueError(f"need (n, 2) training points and a reference of the same shape, got {x.shape}, {reference.shape}")
    if not budget_s > 0:
        raise ValueError(f"budget_s must be positive, got {budget_s}")
    rows = []
    points_list = grid_points(grid)
    for i, point in enumerate(points_list):
        log.info("%s %s: grid point %d/%d %s", mixture, method, i + 1, len(points_list), point)
        if method == GA_FNTK:
            z, facts = run_ga_fntk_point(x, point, budget_s=budget_s, seed=seed)
        else:
            z, facts = run_gan_point(x, method, point, budget_s=budget_s, seed=seed, **dict(gan_options or {}))
        if z is not None and np.all(np.isfinite(z)):
            scores = score_points(z, reference, mixture)
        else:
            facts["status"] = "non_finite" if z is not None else facts["status"]
            scores = {"wasserstein": math.nan, "modes_covered": 0, "n_modes": math.nan, "high_quality_fraction": math.nan}
        log.info("  -> %s", {**facts, **scores})
        rows.append({"method": method, "params": json.dumps(point, sort_keys=True), **point, **facts, **scores})
    return pd.DataFrame(rows)


__all__ = [
    "DEFAULT_GRIDS",
    "GA_FNTK",
    "grid_points",
    "run_ga_fntk_point",
    "run_gan_point",
    "score_points",
    "sensitivity",
]
