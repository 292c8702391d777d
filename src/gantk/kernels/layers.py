"""Layer rules of infinitely wide element networks, and their composition.

Each layer is a small frozen dataclass whose ``__call__`` maps a
:class:`~gantk.kernels.state.KernelState` to the state after that layer, in
neural-tangents' NTK parameterisation. An :class:`ElementNet` is a sequence of
them plus an optional average pooling of the *input* (multi-resolution, Eq. 7).

Affine layers (Dense, Conv) with weight scale σ_w and bias scale σ_b:

    Σ' = σ_w² · P(Σ) + σ_b²            Θ' = Σ' + σ_w² · P(Θ)

where P is the identity for Dense and, for a k×k conv with stride s, the k×k
window sum divided by k² over the diagonal covariance maps (zero padding counts in
the divisor). Activations φ map (Σ, Θ) to (E[φφ], E[φ'φ'] ⊙ Θ) (activations.py).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Float

from gantk.kernels.activations import erf_rule, relu_rule
from gantk.kernels.state import KernelState, input_state

#: The authors' scales for every layer: σ_w² = 1.4615, σ_b² = 0.1.
W_STD = math.sqrt(1.4615)
B_STD = math.sqrt(0.1)


def _affine(state: KernelState, pool: Callable[[Array], Array], w_std: float, b_std: float) -> KernelState:
    w2, b2 = w_std**2, b_std**2
    nngp = w2 * pool(state.nngp) + b2
    ntk = nngp if state.ntk is None else nngp + w2 * pool(state.ntk)
    return state._replace(
        nngp=nngp, ntk=ntk, var1=w2 * pool(state.var1) + b2, var2=w2 * pool(state.var2) + b2
    )


@dataclasses.dataclass(frozen=True)
class Dense:
    """Fully connected layer (applied per position if the state is still spatial)."""

    w_std: float = W_STD
    b_std: float = B_STD

    def __call__(self, state: KernelState) -> KernelState:
        return _affine(state, lambda a: a, self.w_std, self.b_std)


@dataclasses.dataclass(frozen=True)
class Conv:
    """k×k convolution with stride s and 'SAME' or 'VALID' padding on (H, W) maps."""

    kernel: int = 4
    stride: int = 2
    padding: str = "SAME"
    w_std: float = W_STD
    b_std: float = B_STD

    def __post_init__(self):
        if self.padding not in ("SAME", "VALID"):
            raise ValueError(f"Conv padding must be 'SAME' or 'VALID', got {self.padding!r}")

    def window_mean(self, a: Float[Array, "..."], axes: tuple[int, int] | None = None) -> Float[Array, "..."]:
        """Sum over each k×k window of two axes (default: the last two), divided by k².

        Computed one axis at a time as k strided slices of the zero-padded array: on the
        leading (spatial) axes of pixel-major maps each slice is a set of whole N1×N2 slabs,
        and the backward pass is k padded adds, where ``lax.reduce_window``'s transpose
        would re-window a dilated copy of the cotangent.
        """
        if a.ndim < 3:
            raise ValueError("Conv needs spatial (H, W) maps: put it before Flatten")
        k, s = self.kernel, self.stride
        for axis in (a.ndim - 2, a.ndim - 1) if axes is None else axes:
            size = a.shape[axis]
            ((lo, hi),) = lax.padtype_to_pads((size,), (k,), (s,), self.padding)
            out = (size + lo + hi - k) // s + 1
            widths = [(0, 0)] * a.ndim
            widths[axis] = (lo, hi)
            padded = jnp.pad(a, widths)
            a = sum(lax.slice_in_dim(padded, r, r + (out - 1) * s + 1, s, axis) for r in range(k))
        return a / k**2

    def __call__(self, state: KernelState) -> KernelState:
        return _affine(state, lambda a: self.window_mean(a, axes=(0, 1)), self.w_std, self.b_std)


@dataclasses.dataclass(frozen=True)
class Relu:
    """φ(u) = max(u, 0)."""

    def __call__(self, state: KernelState) -> KernelState:
        return _activation(state, relu_rule)


@dataclasses.dataclass(frozen=True)
class Erf:
    """φ(u) = erf(u) (neural-tangents' ``Erf`` with a = 1, b = 1, c = 0)."""

    def __call__(self, state: KernelState) -> KernelState:
        return _activation(state, erf_rule)


def _activation(state: KernelState, rule) -> KernelState:
    nngp, deriv, var1, var2 = rule(state.nngp, state.var1, state.var2, state.same, spatial_first=True)
    ntk = None if state.ntk is None else deriv * state.ntk
    return state._replace(nngp=nngp, ntk=ntk, var1=var1, var2=var2)


@dataclasses.dataclass(frozen=True)
class Flatten:
    """Flatten the (H, W, C) feature map: the next Dense sees the mean over positions."""

    def __call__(self, state: KernelState) -> KernelState:
        def mean_hw(a, pair_axes):
            return a if a.ndim == pair_axes else jnp.mean(a, axis=tuple(range(a.ndim - pair_axes)))

        ntk = None if state.ntk is None else mean_hw(state.ntk, 2)
        return state._replace(
            nngp=mean_hw(state.nngp, 2), ntk=ntk, var1=mean_hw(state.var1, 1), var2=mean_hw(state.var2, 1)
        )


Layer = Dense | Conv | Relu | Erf | Flatten


@dataclasses.dataclass(frozen=True)
class ElementNet:
    """An infinitely wide element network: input pooling, then layers.

    Attributes:
      layers: the layer rules, applied in order; the last must leave a flat state
        (end with Flatten/Dense for images).
      pool: average-pool the input images over non-overlapping pool×pool blocks
        before the network (1 = no pooling); multi-resolution GA-NTK (Eq. 7).
      name: preset name, for logs and artefacts.
      input_shape: the (H, W, C) the network is built for, enforced by :meth:`prepare`
        (None = any shape): a multi-resolution discriminator's pooling sets the
        resolution it works at only for inputs of that shape.
    """

    layers: tuple[Layer, ...]
    pool: int = 1
    name: str = "custom"
    input_shape: tuple[int, int, int] | None = None

    def check_input_shape(self, shape: tuple[int, ...]) -> None:
        """Raise ValueError naming the network, its input shape and ``shape`` (one sample's) if they differ."""
        if self.input_shape is not None and tuple(shape) != tuple(self.input_shape):
            h, w, _ = self.input_shape
            raise ValueError(
                f"kernel preset {self.name!r} expects inputs of shape {tuple(self.input_shape)} (it works at "
                f"{h // self.pool}×{w // self.pool} pixels), got shape {tuple(shape)}"
            )

    def prepare(self, x: Float[Array, "n *f"]) -> Float[Array, "n *g"]:
        """Check the input shape, then apply the input pooling to images (N, H, W, C); flat inputs pass unchanged."""
        self.check_input_shape(x.shape[1:])
        if self.pool == 1:
            return x
        if x.ndim != 4:
            raise ValueError(f"{self.name}: input pooling needs (N, H, W, C) images, got shape {x.shape}")
        n, h, w, c = x.shape
        if h % self.pool or w % self.pool:
            raise ValueError(f"{self.name}: image size {h}x{w} is not divisible by the pooling factor {self.pool}")
        return x.reshape(n, h // self.pool, self.pool, w // self.pool, self.pool, c).mean(axis=(2, 4))

    def state(self, x1: Array, x2: Array, same: Array | None = None) -> KernelState:
        """The final kernel state for inputs already passed through :meth:`prepare`."""
        state = input_state(x1, x2, same)
        for layer in self.layers:
            state = layer(state)
        if state.nngp.ndim != 2:
            raise ValueError(f"{self.name}: the network must end with a flat readout (add Flatten and Dense)")
        return state


def serial(
    *layers: Layer, pool: int = 1, name: str = "custom", input_shape: tuple[int, int, int] | None = None
) -> ElementNet:
    """Compose layer rules into an :class:`ElementNet` (like ``stax.serial``)."""
    return ElementNet(layers=tuple(layers), pool=pool, name=name, input_shape=input_shape)
