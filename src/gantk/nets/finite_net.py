"""Finite-width networks of the same architecture as a kernel preset, in NTK parameterisation.

:class:`FiniteNet` builds, from an :class:`~gantk.kernels.ElementNet`, the Flax network
whose infinite-width limit that element network describes: every Conv / Dense layer
becomes a layer of ``width`` channels (the last affine layer has one output), with
weights and biases drawn N(0, 1) and the forward pass scaled as in neural-tangents'
NTK parameterisation,

    h' = σ_w / √fan_in · W h + σ_b · b,        fan_in = k²·C_in (conv) or d_in (dense),

so that as ``width`` → ∞ its empirical NTK ∂f/∂θ · ∂f/∂θᵀ at initialisation tends to
``kernel_matrix(net, ·)`` (``tests/test_finite_net.py`` checks this), and gradient descent
with rate η for time t on ½‖f − y‖² tends to the NTK-GP of λ = η·t (Eq. 3). Flatten
reshapes (H, W, C) to H·W·C features; the input pooling of multi-resolution presets is
``net.prepare``.

Example:
    >>> model = FiniteNet(preset("cntk_digits"), width=256)
    >>> params = model.init(jax.random.key(0), x)          # x (N, 8, 8, 1)
    >>> model.apply(params, x).shape                       # (N,) scalar outputs
"""

from __future__ import annotations

import math

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Float

from gantk.kernels import Conv, Dense, ElementNet, Erf, Flatten, Relu

_STANDARD_NORMAL = nn.initializers.normal(1.0)


class FiniteNet(nn.Module):
    """The finite-width counterpart of ``net`` (module doc); outputs one scalar per input.

    Attributes:
      net: the element network (a preset of ``gantk.kernels``).
      width: channels of every hidden Conv / Dense layer.

    Parameters take the input's dtype.
    """

    net: ElementNet
    width: int

    @nn.compact
    def __call__(self, x: Float[Array, "n *f"]) -> Float[Array, " n"]:
        layers = self.net.layers
        affine = [i for i, layer in enumerate(layers) if isinstance(layer, (Conv, Dense))]
        if not affine:
            raise ValueError(f"{self.net.name}: a network needs at least one Conv or Dense layer")
        h = self.net.prepare(x)
        for i, layer in enumerate(layers):
            out = 1 if i == affine[-1] else self.width
            if isinstance(layer, Conv):
                fan_in = layer.kernel**2 * h.shape[-1]
                w = self.param(f"w{i}", _STANDARD_NORMAL, (layer.kernel, layer.kernel, h.shape[-1], out), h.dtype)
                b = self.param(f"b{i}", _STANDARD_NORMAL, (out,), h.dtype)
                h = lax.conv_general_dilated(
                    h, w, (layer.stride, layer.stride), layer.padding, dimension_numbers=("NHWC", "HWIO", "NHWC")
                )
                h = layer.w_std / math.sqrt(fan_in) * h + layer.b_std * b
            elif isinstance(layer, Dense):
                w = self.param(f"w{i}", _STANDARD_NORMAL, (h.shape[-1], out), h.dtype)
                b = self.param(f"b{i}", _STANDARD_NORMAL, (out,), h.dtype)
                h = layer.w_std / math.sqrt(h.shape[-1]) * (h @ w) + layer.b_std * b
            elif isinstance(layer, Relu):
                h = jax.nn.relu(h)
            elif isinstance(layer, Erf):
                h = jax.scipy.special.erf(h)
            elif isinstance(layer, Flatten):
                h = h.reshape(h.shape[0], -1)
            else:
                raise TypeError(f"{self.net.name}: no finite-width layer for {layer!r}")
        if h.ndim != 2 or h.shape[-1] != 1:
            raise ValueError(f"{self.net.name}: the network must end with a flat one-output readout, got {h.shape[1:]}")
        return h[:, 0]


def empirical_ntk(
    model: FiniteNet, params, x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"]
) -> Float[Array, "n1 n2"]:
    """∂f(x1)/∂θ · ∂f(x2)/∂θᵀ summed over every parameter, (N1, N2)."""
    j1 = jax.jacobian(lambda p: model.apply(p, x1))(params)
    j2 = jax.jacobian(lambda p: model.apply(p, x2))(params)
    pairs = jax.tree.map(lambda a, b: a.reshape(a.shape[0], -1) @ b.reshape(b.shape[0], -1).T, j1, j2)
    return sum(jax.tree.leaves(pairs))


__all__ = ["FiniteNet", "empirical_ntk"]
