"""Spectral normalisation (Miyato et al. 2018) with one power iteration per training call.

A layer's weight W is replaced by W / σ(W), σ the largest singular value, estimated by
power iteration on the matrix view of W (``(out, rest)``: a dense kernel ``(in, out)``
is used as ``Wᵀ``, a conv kernel ``(kh, kw, in, out)`` as ``(out, kh·kw·in)``):

    v ← Wᵀu / ‖Wᵀu‖,   u ← Wv / ‖Wv‖,   σ ≈ uᵀWv.

The left vector u persists between calls in the ``"spectral"`` variable collection, so
one iteration per training step suffices once W changes slowly (the paper's choice).
The gradient flows through W in σ = uᵀWv with u and v held fixed, as in the paper.

References:
  Miyato, Kataoka, Koyama, Yoshida. Spectral Normalization for Generative Adversarial
  Networks. ICLR 2018.
"""

from __future__ import annotations

from typing import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

#: Variable collection holding the persistent left singular vector estimates.
COLLECTION = "spectral"

_EPS = 1e-12


def _normalise(v: Array) -> Array:
    return v / (jnp.linalg.norm(v) + _EPS)


def as_matrix(kernel: Array) -> Float[Array, "out rest"]:
    """The matrix whose spectral norm is the layer's: ``(out, everything else)``."""
    return kernel.reshape(-1, kernel.shape[-1]).T


def power_iteration(
    w: Float[Array, "m k"], u: Float[Array, " m"], n_iter: int = 1
) -> tuple[Float[Array, " m"], Float[Array, " k"], Float[Array, ""]]:
    """``n_iter`` power iterations on ``w`` from left vector ``u``.

    Returns:
      ``(u, v, σ)``: the updated unit left and right vectors and σ = uᵀWv, the estimate
      of the largest singular value (from below; exact when u, v are the top pair).
    """
    if n_iter < 1:
        raise ValueError(f"power iteration needs n_iter >= 1, got {n_iter}")
    v = None
    for _ in range(n_iter):
        v = _normalise(w.T @ u)
        u = _normalise(w @ v)
    return u, v, u @ (w @ v)


def spectral_normalise(kernel: Array, u: Array, n_iter: int = 1) -> tuple[Array, Array, Array]:
    """``(kernel / σ, new u, σ)`` with u, v held fixed for the gradient."""
    w = as_matrix(kernel)
    u_new, v, _ = power_iteration(w, u, n_iter)
    u_new, v = jax.lax.stop_gradient(u_new), jax.lax.stop_gradient(v)
    sigma = u_new @ (w @ v)
    return kernel / sigma, u_new, sigma


class _SpectralKernel(nn.Module):
    """Holds a kernel and its u; returns the normalised kernel (one iteration when ``update``)."""

    shape: tuple[int, ...]
    kernel_init: Callable
    n_iter: int = 1

    @nn.compact
    def __call__(self, update: bool) -> Array:
        kernel = self.param("kernel", self.kernel_init, self.shape)
        u_var = self.variable(
            COLLECTION,
            "u",
            lambda: _normalise(jax.random.normal(self.make_rng("params"), (self.shape[-1],), kernel.dtype)),
        )
        w_sn, u_new, _ = spectral_normalise(kernel, u_var.value, self.n_iter)
        if update and not self.is_initializing():
            u_var.value = u_new
        return w_sn


class SpectralDense(nn.Module):
    """A dense layer ``x W / σ(W) + b``; ``update=True`` (training) advances u by one iteration."""

    features: int
    kernel_init: Callable = nn.initializers.lecun_normal()
    use_bias: bool = True

    @nn.compact
    def __call__(self, x: Float[Array, "... d"], update: bool) -> Float[Array, "... f"]:
        w = _SpectralKernel((x.shape[-1], self.features), self.kernel_init, name="sn")(update)
        y = x @ w
        if self.use_bias:
            y = y + self.param("bias", nn.initializers.zeros, (self.features,))
        return y


class SpectralConv(nn.Module):
    """A 2-D convolution (NHWC, SAME padding) with a spectrally normalised kernel."""

    features: int
    kernel_size: tuple[int, int] = (4, 4)
    strides: tuple[int, int] = (2, 2)
    kernel_init: Callable = nn.initializers.lecun_normal()

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"], update: bool) -> Float[Array, "b h2 w2 f"]:
        shape = (*self.kernel_size, x.shape[-1], self.features)
        w = _SpectralKernel(shape, self.kernel_init, name="sn")(update)
        y = jax.lax.conv_general_dilated(
            x, w.astype(x.dtype), self.strides, "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        return y + self.param("bias", nn.initializers.zeros, (self.features,))


__all__ = ["COLLECTION", "SpectralConv", "SpectralDense", "as_matrix", "power_iteration", "spectral_normalise"]
