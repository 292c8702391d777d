"""How the workflow gathers the generated images of one FID score (paper §8.2).

FID scores a fixed number of generated images (2048 in the paper). A GA-NTK run makes
only n images, one per row of Z, so a score of run (dataset, n, seed, method) pools
⌈samples / n⌉ *independent Z sets*: set 0 is the run itself, set k ≥ 1 is the same
optimisation on the same training subset started from another initial Z (seed
:func:`zset_seed`), one job each (a scatter/gather in the DAG). Methods that learn a
generator (GANs, GA-CNTKg) draw their images from the trained network, so they need one
set. The first ``samples`` images of the pooled sets are scored.

Example:
    >>> zset_count(2048, 256)          # 8 Z sets of 256 for one MNIST n = 256 score
    8
    >>> [zset_seed(0, k) for k in range(3)]
    [0, 1000000, 2000000]
"""

from __future__ import annotations

import math
import numpy as np
from jaxtyping import Float

#: Z set k of a run on subset seed s starts from seed s + k · ZSET_SEED_STRIDE.
ZSET_SEED_STRIDE = 1_000_000

def zset_count(samples: int, n: int) -> int:
    """Independent n-image Z sets needed for ``samples`` images: ⌈samples / n⌉ (at least 1)."""
    if samples < 1 or n < 1:
        raise ValueError(f"samples and n must be positive, got samples={samples}, n={n}")
    return max(1, math.ceil(samples / n))


def zset_seed(seed: int, k: int) -> int:
    """Seed of Z set ``k`` of a run on subset seed ``seed`` (set 0 is the run itself)."""
    if not 0 <= seed < ZSET_SEED_STRIDE:
        raise ValueError(f"subset seeds must lie in [0, {ZSET_SEED_STRIDE}) for distinct Z-set seeds, got {seed}")
    return seed + k * ZSET_SEED_STRIDE


def pool_sets(sets: list[Float[np.ndarray, "n h w c"]], samples: int) -> Float[np.ndarray, "m h w c"]:
    """The first ``samples`` images of the Z sets in order (all of them if there are fewer)."""
    if not sets:
        raise ValueError("no image sets to pool")
    shapes = {s.shape[1:] for s in sets}
    if len(shapes) != 1:
        raise ValueError(f"Z sets of one run must hold images of one shape, got {sorted(shapes)}")
    return np.concatenate(sets)[:samples]


__all__ = ["ZSET_SEED_STRIDE", "pool_sets", "zset_count", "zset_seed"]
