"""Matrix products at full float32 precision on every platform.

JAX's default precision for float32 matrix products lets recent NVIDIA GPUs round
the inputs to TensorFloat-32 (10-bit mantissa), so the same code would give
float32 results on the CPU and roughly 1e-3-relative results on an H100. The
kernel's input covariances feed arccos near correlation 1, where such errors are
amplified, and the heat-kernel VJP multiplies N×N eigenvector matrices; both use
:func:`matmul` / :data:`FULL` so that a GPU step means the same as a CPU step.
``gantk.experiments.precision_check.step_error`` (run by ``benchmarks/precision_check.py``)
measures the float32 step against float64.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

#: The precision every matrix product of the kernel and discriminator uses.
FULL = lax.Precision.HIGHEST


def matmul(a, b):
    """``a @ b`` at :data:`FULL` precision."""
    return jnp.matmul(a, b, precision=FULL)
