"""The paper's 2-D Gaussian mixtures in the unit square (DESIGN §3, Figs. 4, 9, 10).

* ``"ring8"``: 8 modes on a circle of radius 0.4 around (0.5, 0.5), mode k at angle
  2πk/8, each with covariance 0.002·I.
* ``"grid25"``: 25 modes on the grid {0.15, 0.325, 0.5, 0.675, 0.85}², each with
  covariance 0.0005·I; mode 5i + j sits at (g_i, g_j).

Samples are split uniformly over the modes: n // M points per mode and one more
for each of the first n mod M modes, then shuffled. Everything is deterministic
given the seed.
"""

from __future__ import annotations

import numpy as np
from jaxtyping import Float, Int

_RING_CENTRE = (0.5, 0.5)
_RING_RADIUS = 0.4
_RING_VARIANCE = 0.002
_GRID_VALUES = (0.15, 0.325, 0.5, 0.675, 0.85)
_GRID_VARIANCE = 0.0005

#: The mixtures :func:`mixture_modes` knows.
MIXTURE_NAMES = ("ring8", "grid25")


def mixture_modes(name: str) -> tuple[Float[np.ndarray, "m 2"], float]:
    """Mode centres and the per-coordinate standard deviation of a mixture.

    Args:
        name: ``"ring8"`` or ``"grid25"``.

    Returns:
        ``(modes, std)``: float64 centres of shape (M, 2) in unit-square
        coordinates, and σ with covariance σ²·I for every mode.

    Raises:
        ValueError: for an unknown name.
    """
    if name == "ring8":
        angles = 2 * np.pi * np.arange(8) / 8
        modes = np.asarray(_RING_CENTRE) + _RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return modes, float(np.sqrt(_RING_VARIANCE))
    if name == "grid25":
        grid = np.asarray(_GRID_VALUES)
        modes = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
        return modes, float(np.sqrt(_GRID_VARIANCE))
    raise ValueError(f"unknown mixture {name!r}; valid names: {', '.join(MIXTURE_NAMES)}")


def mode_counts(n_modes: int, n: int) -> Int[np.ndarray, " m"]:
    """Points per mode for n samples: n // M each, one more for the first n mod M."""
    counts = np.full(n_modes, n // n_modes, dtype=np.int64)
    counts[: n % n_modes] += 1
    return counts


def sample_mixture_labelled(name: str, n: int, seed: int) -> tuple[Float[np.ndarray, "n 2"], Int[np.ndarray, " n"]]:
    """n points of a mixture and the index of the mode each was drawn from.

    Args:
        name: mixture name (see :func:`mixture_modes`).
        n: number of points, ≥ 1.
        seed: seed of the NumPy generator; the same seed gives the same points.

    Returns:
        ``(points, labels)``: float32 (n, 2) in unit-square coordinates and
        int64 (n,) mode indices into ``mixture_modes(name)[0]``, in the same
        shuffled order.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"number of points n must be a positive integer, got {n!r}")
    modes, std = mixture_modes(name)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(modes)), mode_counts(len(modes), int(n)))
    labels = labels[rng.permutation(int(n))]
    points = modes[labels] + std * rng.standard_normal((int(n), 2))
    return points.astype(np.float32), labels


def sample_mixture(name: str, n: int, seed: int) -> Float[np.ndarray, "n 2"]:
    """n points of a mixture, float32 (n, 2); see :func:`sample_mixture_labelled`."""
    return sample_mixture_labelled(name, n, seed)[0]
