"""Matrix products at full float32 precision on every platform.

JAX's default precision for float32 matrix products lets recent NVIDIA GPUs round
the inputs to TensorFloat-32 (10-bit mantissa), so the same code would give
float32 results on the CPU and roughly 1e-3-relative results on an H100. The
kernel's input covariances feed arccos near correlation 1, where such errors are
amplified, and the heat-kernel VJP multiplies N×N eigenvector matrices; both use
:func:`matmul` / :data:`FULL` so that a GPU step means the same as a CPU step.
``benchmarks/precision_check.py`` measures the float32 step against float64.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

#: The precision every matrix product of the kernel and discriminator uses.
FULL = lax.Precision.HIGHEST


def matmul(a, b):
    """``a @ b`` at :data:`FULL` precision."""
    return jnp.matmul(a, b, precision=FULL)


def step_error(net, x, z, lam: float, *, method: str = "eigh", tile: int | None = None) -> dict[str, float]:
    """Relative error of a float32 GA-NTK step against the same step in float64.

    Args:
      net: the element network (``gantk.kernels.preset``).
      x, z: (n, ...) real and fake rows, any float dtype; both are rounded to float32
        first, so the two steps see the same inputs.
      lam: λ of the discriminator.
      method, tile: the step's route and kernel tiling (``gantk.gp.ganntk_loss``).

    Returns:
      ``{"loss": |L₃₂ − L₆₄| / |L₆₄|, "grad": ‖g₃₂ − g₆₄‖ / ‖g₆₄‖, "loss64": L₆₄}`` with g = ∇_Z L.

    Needs ``jax_enable_x64`` (float64 arrays are otherwise silently float32).
    """
    from gantk.gp import ganntk_loss  # here, not at the top: gantk.gp imports this module
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
