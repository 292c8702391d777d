"""Metrics for the 2-D toy mixtures: Wasserstein distance and mode coverage.

* :func:`wasserstein_distance` is the exact 1-Wasserstein (earth mover's)
  distance with Euclidean ground cost between two empirical measures of n equally
  weighted points each. For equal weights an optimal transport plan can be taken
  to be a permutation (Birkhoff–von Neumann), so

      W1(a, b) = min_π (1/n) Σ_i ‖a_i − b_π(i)‖₂,

  solved exactly by ``scipy.optimize.linear_sum_assignment``. It is in the
  units of the points (the unit square for the paper's mixtures).
* :func:`mode_coverage` follows the usual toy-GAN convention (Metz et al. 2017,
  Srivastava et al. 2017): a point is *high quality* if it lies within 3σ of its
  nearest mode (σ the mode's standard deviation). A mode is *covered* if at least
  ``min_count`` high-quality points are assigned to it; by default a quarter of
  the n/M points an exact sampler puts at each mode, rounded up (and at least 1),
  so the rule does not change with the sample size.
"""

from __future__ import annotations

import math

import numpy as np
from jaxtyping import Float
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from gantk.data.toy import mixture_modes, sample_mixture

#: A point within this many σ of its nearest mode is high quality.
N_STD = 3.0

#: Default coverage threshold, as a fraction of the uniform share n / M.
MIN_SHARE = 0.25


def _as_points(points, name: str) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d), got {points.shape}")
    if points.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"{name} contains NaN or infinite coordinates")
    return points


def wasserstein_distance(a: Float[np.ndarray, "n d"], b: Float[np.ndarray, "n d"]) -> float:
    """Exact W1 with Euclidean cost between two equal-size point clouds (module doc).

    Args:
        a, b: (n, d) points, each point of weight 1/n.

    Returns:
        The mean Euclidean distance under the optimal one-to-one matching, in the
        points' units (computed in float64).

    Raises:
        ValueError: if the clouds differ in size or dimension, are empty or not finite.
    """
    a, b = _as_points(a, "first point cloud"), _as_points(b, "second point cloud")
    if a.shape != b.shape:
        raise ValueError(
            f"Wasserstein distance needs point clouds of equal size and dimension, got {a.shape} and {b.shape}"
        )
    cost = cdist(a, b)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def wasserstein_to_mixture(points: Float[np.ndarray, "n 2"], name: str, seed: int) -> float:
    """W1 between ``points`` and as many points drawn from mixture ``name`` with ``seed``."""
    points = _as_points(points, "points")
    return wasserstein_distance(points, sample_mixture(name, points.shape[0], seed))


def mode_coverage(points: Float[np.ndarray, "n 2"], name: str, *, min_count: int | None = None) -> dict:
    """How many modes of mixture ``name`` the points cover, and how many points are near a mode.

    Args:
        points: (n, 2) points in unit-square coordinates.
        name: mixture name (see :func:`gantk.data.toy.mixture_modes`).
        min_count: high-quality points a mode needs to count as covered; None
            uses ⌈n / (4M)⌉ (a quarter of the uniform share, module doc).

    Returns:
        A JSON-ready dict: ``modes_covered`` (int), ``n_modes`` (M),
        ``high_quality_fraction`` (share of points within 3σ of their nearest
        mode), ``counts`` (list of M ints: high-quality points per mode),
        ``min_count`` (the threshold used).
    """
    points = _as_points(points, "points")
    if points.shape[1] != 2:
        raise ValueError(f"mode coverage needs 2-D points of shape (n, 2), got {points.shape}")
    modes, std = mixture_modes(name)
    n, n_modes = points.shape[0], modes.shape[0]
    if min_count is None:
        min_count = max(1, math.ceil(MIN_SHARE * n / n_modes))
    elif isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    distance = cdist(points, modes)
    nearest = np.argmin(distance, axis=1)
    high_quality = distance[np.arange(n), nearest] <= N_STD * std
    counts = np.bincount(nearest[high_quality], minlength=n_modes)
    return {
        "modes_covered": int(np.sum(counts >= min_count)),
        "n_modes": int(n_modes),
        "high_quality_fraction": float(np.mean(high_quality)),
        "counts": [int(c) for c in counts],
        "min_count": int(min_count),
    }
