"""How far a float32 GA-NTK step is from the same step in float64 (DESIGN §3, precision).

Every kernel and discriminator product runs at :data:`gantk.common.precision.FULL`; this
measures what remains of float32 rounding in one step's loss and gradient.
``benchmarks/precision_check.py`` runs it over n, routes and regimes.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from gantk.kernels import kernel_matrix
from gantk.objective.gp import ganntk_loss


def step_error(net, x, z, lam: float, *, method: str = "eigh", tile: int | None = None) -> dict[str, float]:
    """Relative error of a float32 GA-NTK step against the same step in float64.

    Args:
      net: the element network (``gantk.kernels.preset``).
      x, z: (n, ...) real and fake rows, any float dtype; both are rounded to float32
        first, so the two steps see the same inputs.
      lam: λ of the discriminator.
      method, tile: the step's route and kernel tiling (``gantk.objective.gp.ganntk_loss``).

    Returns:
      ``{"loss": |L₃₂ − L₆₄| / |L₆₄|, "grad": ‖g₃₂ − g₆₄‖ / ‖g₆₄‖, "loss64": L₆₄}`` with g = ∇_Z L.

    Needs ``jax_enable_x64`` (float64 arrays are otherwise silently float32).
    """
    from gantk.objective.gp import ganntk_loss  # here, not at the top: gantk.objective.gp imports this module
    from gantk.kernels import kernel_matrix

    if jax.dtypes.canonicalize_dtype(jnp.float64) != jnp.float64:
        raise RuntimeError("step_error needs float64: call jax.config.update('jax_enable_x64', True) first")
    x32, z32 = jnp.asarray(x, jnp.float32), jnp.asarray(z, jnp.float32)
    results = []
    for dtype in (jnp.float32, jnp.float64):
        xd, zd = x32.astype(dtype), z32.astype(dtype)
        k_xx = kernel_matrix(net, xd, tile=tile)
        step = jax.jit(jax.value_and_grad(lambda z, x, k: ganntk_loss(z, x, k, net, lam, method=method, tile=tile)))
        loss, grad = step(zd, xd, k_xx)
        results.append((np.float64(loss), np.asarray(grad, np.float64)))
    (l32, g32), (l64, g64) = results
    return {
        "loss": float(abs(l32 - l64) / abs(l64)),
        "grad": float(np.linalg.norm(g32 - g64) / np.linalg.norm(g64)),
        "loss64": float(l64),
    }


__all__ = ["step_error"]
