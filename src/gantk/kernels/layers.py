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
import numpy as np
from jax import lax
from jaxtyping import Array, Bool, Float

from gantk.common.precision import FULL
from gantk.kernels.activations import erf_rule, relu_rule
from gantk.kernels.state import KernelState, check_inputs, copies, input_state, input_variance

#: The authors' scales for every layer: σ_w² = 1.4615, σ_b² = 0.1.
W_STD = math.sqrt(1.4615)
B_STD = math.sqrt(0.1)

#: The largest map side (pixels) whose conv window mean is taken as matrix products
#: (:meth:`Conv.window_mean`); the paper's presets reach 32 after their fused first conv.
WINDOW_PRODUCT_MAX = 64


def _affine_sigma(sigma: Array, pool, w_std: float, b_std: float) -> Array:
    """Σ' = σ_w² P(Σ) + σ_b²: an affine layer's NNGP map (or variances) from its input's."""
    return w_std**2 * pool(sigma) + b_std**2


def _affine_maps(sigma: Array, theta: Array | None, pool, w_std: float, b_std: float) -> tuple[Array, Array]:
    """Σ' = σ_w² P(Σ) + σ_b² and Θ' = Σ' + σ_w² P(Θ) (Θ' = Σ' before the first affine layer)."""
    sigma = _affine_sigma(sigma, pool, w_std, b_std)
    return sigma, sigma if theta is None else sigma + w_std**2 * pool(theta)


def _affine(state: KernelState, pool: Callable[[Array], Array], w_std: float, b_std: float) -> KernelState:
    nngp, ntk = _affine_maps(state.nngp, state.ntk, pool, w_std, b_std)
    var1, var2 = (_affine_sigma(v, pool, w_std, b_std) for v in (state.var1, state.var2))
    return state._replace(nngp=nngp, ntk=ntk, var1=var1, var2=var2)


@dataclasses.dataclass(frozen=True)
class Dense:
    """Fully connected layer (applied per position if the state is still spatial)."""

    w_std: float = W_STD
    b_std: float = B_STD

    def __call__(self, state: KernelState) -> KernelState:
        return _affine(state, lambda a: a, self.w_std, self.b_std)

    def diagonal(self, q: Array, theta: Array | None) -> tuple[Array, Array]:
        """(Σ', Θ') of each point with itself: the θ = 0 recursion (see :meth:`ElementNet.diagonal`)."""
        return _affine_maps(q, theta, lambda a: a, self.w_std, self.b_std)


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

    def window_matrix(self, size: int) -> np.ndarray:
        """(out, size) float64 matrix M with M[o, i] = 1/k where input i is under output o's window.

        A tap in the zero padding has no column, so edge rows keep the divisor k: ``M a M'ᵀ`` is
        the k×k window mean of an (H, W) map with the padding counted, as the conv rule wants.
        """
        k, s = self.kernel, self.stride
        ((lo, hi),) = lax.padtype_to_pads((size,), (k,), (s,), self.padding)
        out = (size + lo + hi - k) // s + 1
        taps = np.arange(out)[:, None] * s - lo + np.arange(k)[None, :]  # (out, k) input rows
        m = np.zeros((out, size))
        rows = np.broadcast_to(np.arange(out)[:, None], taps.shape)
        inside = (taps >= 0) & (taps < size)
        m[rows[inside], taps[inside]] = 1.0 / k
        return m

    def window_mean(self, a: Float[Array, "..."], axes: tuple[int, int] | None = None) -> Float[Array, "..."]:
        """Sum over each k×k window of two axes (default: the last two), divided by k².

        Maps up to :data:`WINDOW_PRODUCT_MAX` pixels a side take the window as two matrix
        products with :meth:`window_matrix`, Mₕ · a · M_wᵀ over the spatial axes (the second
        batched over rows, so pixel-major maps keep their layout): XLA:CPU runs these small
        dense products and their transposes several times faster than k strided slices and
        their padded-add transposes (``benchmarks/RESULTS.md``, "Where a step's time goes").
        Larger maps, where the band is mostly zeros, take k strided slices per axis.
        """
        if a.ndim < 3:
            raise ValueError("Conv needs spatial (H, W) maps: put it before Flatten")
        axes = (a.ndim - 2, a.ndim - 1) if axes is None else axes
        front = jnp.moveaxis(a, axes, (0, 1))
        if max(front.shape[:2]) <= WINDOW_PRODUCT_MAX:
            out = self._window_product(front)
        else:
            out = self._window_slices(front)
        return jnp.moveaxis(out, (0, 1), axes)

    def _window_product(self, a: Float[Array, "h w *r"]) -> Float[Array, "h2 w2 *r"]:
        (h, w), rest = a.shape[:2], a.shape[2:]
        m_h = jnp.asarray(self.window_matrix(h), a.dtype)
        m_w = jnp.asarray(self.window_matrix(w), a.dtype)
        a = jnp.tensordot(m_h, a, axes=(1, 0), precision=FULL)  # (H', W, *rest)
        rows = a.shape[0]
        m_w = jnp.broadcast_to(m_w, (rows, *m_w.shape))  # batched over rows: the result stays (H', W', ...)
        a = lax.dot_general(m_w, a.reshape(rows, w, -1), (((2,), (1,)), ((0,), (0,))), precision=FULL)
        return a.reshape(rows, m_w.shape[1], *rest)

    def _window_slices(self, a: Float[Array, "h w *r"]) -> Float[Array, "h2 w2 *r"]:
        """The window mean as k strided slices of the zero-padded array per axis: on the leading axes
        each slice is a set of whole trailing slabs (``lax.reduce_window``'s transpose would
        re-window a dilated copy of the cotangent)."""
        k, s = self.kernel, self.stride
        for axis in (0, 1):
            size = a.shape[axis]
            ((lo, hi),) = lax.padtype_to_pads((size,), (k,), (s,), self.padding)
            out = (size + lo + hi - k) // s + 1
            widths = [(0, 0)] * a.ndim
            widths[axis] = (lo, hi)
            padded = jnp.pad(a, widths)
            a = sum(lax.slice_in_dim(padded, r, r + (out - 1) * s + 1, s, axis) for r in range(k))
        return a / k**2

    def __call__(self, state: KernelState) -> KernelState:
        return _affine(state, self._pool_maps, self.w_std, self.b_std)

    def _pool_maps(self, a: Array) -> Array:
        """:meth:`window_mean` over the spatial axes of (H, W, ...) maps."""
        return self.window_mean(a, axes=(0, 1))

    def diagonal(self, q: Array, theta: Array | None) -> tuple[Array, Array]:
        """(Σ', Θ') of each point with itself on (H, W, N) maps, the window by strided slices: elementwise,
        so a point's values do not depend on the other points in the batch."""
        return _affine_maps(q, theta, self._window_slices, self.w_std, self.b_std)

    def patches(self, x: Float[Array, "n h w c"]) -> Float[Array, "n h2 w2 f"]:
        """The zero-padded k×k×C input patch under each output position, f = k²C features.

        Built from k² strided slices of the padded images (a copy, exact at any precision;
        its transpose is k² padded adds), feature order (row, column, channel) of the window.
        """
        k, s = self.kernel, self.stride
        pads = [(0, 0)] + [p for p in lax.padtype_to_pads(x.shape[1:3], (k, k), (s, s), self.padding)] + [(0, 0)]
        padded = jnp.pad(x, pads)
        h2, w2 = ((padded.shape[i] - k) // s + 1 for i in (1, 2))
        windows = [
            lax.slice(padded, (0, r, c, 0), (x.shape[0], r + (h2 - 1) * s + 1, c + (w2 - 1) * s + 1, x.shape[3]), (1, s, s, 1))
            for r in range(k)
            for c in range(k)
        ]
        return jnp.concatenate(windows, axis=-1)

    def on_inputs(
        self, x1: Float[Array, "n1 h w c"], x2: Float[Array, "n2 h w c"], same: Bool[Array, "n1 n2"] | None
    ) -> KernelState:
        """This conv applied to the input covariance, in one product: the state after the first layer.

        The input covariance at a pixel is x1·x2 / C, so its k×k window mean is a product of
        patches, Σ'[h, w] = σ_w² P1[h, w] P2[h, w]ᵀ / (k²C) + σ_b² (Θ' = Σ'): one batched matrix
        product over the output positions, where ``input_state`` then ``__call__`` build the
        (H, W, N1, N2) input map and window-sum it (forward and backward). The same numbers
        up to rounding (``tests/test_kernels.py``); ``same`` pairs are not overwritten here: the
        ReLU rule pins their correlation and :meth:`ElementNet.state` ends them with the exact
        θ = 0 values.
        """
        w2, b2 = self.w_std**2, self.b_std**2
        p1, p2 = self.patches(x1), self.patches(x2)
        scale = w2 / p1.shape[-1]
        nngp = scale * jnp.einsum("nhwf,mhwf->hwnm", p1, p2, precision=FULL) + b2
        var1, var2 = (_affine_sigma(input_variance(x), self._pool_maps, self.w_std, self.b_std) for x in (x1, x2))
        return KernelState(nngp=nngp, ntk=nngp, var1=var1, var2=var2, same=same)


@dataclasses.dataclass(frozen=True)
class Relu:
    """φ(u) = max(u, 0)."""

    def __call__(self, state: KernelState) -> KernelState:
        return _activation(state, relu_rule)

    def diagonal(self, q: Array, theta: Array | None) -> tuple[Array, Array | None]:
        """θ = 0: E[φ²] = q/2 and E[φ'φ'] = κ0(1) = 1/2."""
        return q / 2, None if theta is None else theta / 2


@dataclasses.dataclass(frozen=True)
class Erf:
    """φ(u) = erf(u) (neural-tangents' ``Erf`` with a = 1, b = 1, c = 0)."""

    def __call__(self, state: KernelState) -> KernelState:
        return _activation(state, erf_rule)

    def diagonal(self, q: Array, theta: Array | None) -> tuple[Array, Array | None]:
        """ρ = 1: E[erf²] = (2/π) arcsin(2q/(1 + 2q)), E[erf'²] = (4/π)/√((1 + 2q)² − 4q²) (:func:`erf_rule`)."""
        deriv = (4 / math.pi) / jnp.sqrt((1 + 2 * q) * (1 + 2 * q) - 4 * q * q)
        return (2 / math.pi) * jnp.arcsin(2 * q / (1 + 2 * q)), None if theta is None else deriv * theta


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

    def diagonal(self, q: Array, theta: Array | None) -> tuple[Array, Array | None]:
        """The mean over positions of (H, W, N) maps; flat (N,) values pass."""
        axes = tuple(range(q.ndim - 1))
        if not axes:
            return q, theta
        return jnp.mean(q, axis=axes), None if theta is None else jnp.mean(theta, axis=axes)


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
        """The final kernel state for inputs already passed through :meth:`prepare`.

        A first Conv on images is applied to the inputs in one product (:meth:`Conv.on_inputs`).
        Pairs of equal points join ``same`` (:func:`~gantk.kernels.state.copies`), and every
        ``same`` pair ends with the exact θ = 0 values of :meth:`diagonal`, the mean of its two
        points' (equal) values: the maps' matrix products round a pair's entries differently
        for other batch shapes, the diagonal recursion does not.
        """
        check_inputs(x1, x2)
        same = copies(x1, x2) if same is None else same | copies(x1, x2)
        layers = self.layers
        if layers and isinstance(layers[0], Conv) and x1.ndim == 4:
            state, layers = layers[0].on_inputs(x1, x2, same), layers[1:]
        else:
            state = input_state(x1, x2, same)
        for layer in layers:
            state = layer(state)
        if state.nngp.ndim != 2:
            raise ValueError(f"{self.name}: the network must end with a flat readout (add Flatten and Dense)")
        (q1, t1), (q2, t2) = self.diagonal(x1), self.diagonal(x2)
        nngp = jnp.where(state.same, (q1[:, None] + q2[None, :]) / 2, state.nngp)
        ntk = None if state.ntk is None else jnp.where(state.same, (t1[:, None] + t2[None, :]) / 2, state.ntk)
        return state._replace(nngp=nngp, ntk=ntk)

    def diagonal(self, x: Array) -> tuple[Float[Array, " n"], Float[Array, " n"] | None]:
        """(Σ(x_i, x_i), Θ(x_i, x_i)) of each input (prepared) by the θ = 0 recursion on its own maps.

        Every step is elementwise over the points (windows by strided slices), so a point's values
        are the same in any batch, bit for bit; its (H, W, N) maps cost nothing beside the pairs'.
        Θ is ``None`` for a network without a Dense or Conv layer (no parameters, no NTK).
        """
        q, theta = input_variance(x), None
        for layer in self.layers:
            q, theta = layer.diagonal(q, theta)
        return q, theta


def serial(
    *layers: Layer, pool: int = 1, name: str = "custom", input_shape: tuple[int, int, int] | None = None
) -> ElementNet:
    """Compose layer rules into an :class:`ElementNet` (like ``stax.serial``)."""
    return ElementNet(layers=tuple(layers), pool=pool, name=name, input_shape=input_shape)
