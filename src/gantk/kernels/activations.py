"""Closed-form expectations of ReLU and erf over a bivariate Gaussian.

For pre-activations (u, v) ~ N(0, [[q1, c], [c, q2]]) each rule returns the new
covariance E[φ(u) φ(v)], the derivative covariance E[φ'(u) φ'(v)] (which scales the
NTK), and the new variance E[φ(u)²].
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float


def _asin_series_coefficients(degree: int = 5, nodes: int = 40) -> tuple[float, ...]:
    """P with asin(x) ≈ x + x³ P(x²) on 0 ≤ x ≤ ½: a Chebyshev fit of (asin √s − √s)/s^{3/2}, s ∈ [0, ¼].

    Fitted once at import in float64 (deterministic); degree 5 is within 1e-9 relative of
    asin, well below float32's rounding (6e-8).
    """
    s = (np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes) + 1) / 8
    x = np.sqrt(s)
    fit = np.polynomial.chebyshev.Chebyshev.fit(s, (np.arcsin(x) - x) / x**3, degree)
    return tuple(float(c) for c in fit.convert(kind=np.polynomial.Polynomial).coef)


_ASIN_SERIES = _asin_series_coefficients()


def arccos(rho: Float[Array, "..."]) -> Float[Array, "..."]:
    """arccos ρ for ρ ∈ [−1, 1]: ``jnp.arccos`` in float64, a polynomial in float32.

    XLA:CPU evaluates ``jnp.arccos`` (an ``atan2``) about 50× slower than this polynomial
    (36 ms against 0.7 ms for 4M float32 values on the 2-core development machine; a multiply
    takes 0.4 ms), and the ReLU rule takes it on every pixel of every pair, forward and again
    in the backward pass. In float32 it is computed from asin by the half-angle identity
    acos|ρ| = 2 asin √((1 − |ρ|)/2) for |ρ| > ½ and π/2 − asin|ρ| below, with asin a
    polynomial (:func:`_asin_series_coefficients`): within 2 float32 ulps of π of the float64
    arccos, exactly 0 at ρ = 1 and π at ρ = −1 (``tests/test_activations.py``).
    """
    if rho.dtype == jnp.float64:
        return jnp.arccos(rho)
    a = jnp.abs(rho)
    big = a > 0.5
    x = jnp.where(big, jnp.sqrt(jnp.maximum((1 - a) / 2, 0.0)), a)
    s = x * x
    p = jnp.full_like(x, _ASIN_SERIES[-1])
    for c in _ASIN_SERIES[-2::-1]:
        p = p * s + c
    asin_x = x + x * s * p
    acos_a = jnp.where(big, 2 * asin_x, math.pi / 2 - asin_x)
    return jnp.where(rho < 0, math.pi - acos_a, acos_a)


@jax.custom_jvp
def arccos_kernels(rho: Float[Array, "..."]) -> tuple[Array, Array]:
    """The degree-0 and degree-1 arc-cosine kernels of a correlation ρ = cos θ ∈ [-1, 1].

    κ0(ρ) = (π − θ) / (2π)                      = E[φ'(u) φ'(v)] for unit variances
    κ1(ρ) = (sin θ + (π − θ) cos θ) / (2π)      = E[φ(u) φ(v)]  for unit variances

    with φ = ReLU. The derivatives are dκ1/dρ = κ0 (finite everywhere) and
    dκ0/dρ = 1 / (2π sin θ), which diverges as θ → 0. The JVP floors sin θ at
    √eps so gradients stay finite when two points coincide; there dρ/dx = 0
    (ρ is maximal), so the floored factor only multiplies rounding noise.

    References: Cho & Saul (2009), "Kernel methods for deep learning".
    """
    theta = arccos(rho)
    sin_theta = jnp.sqrt(jnp.maximum(1.0 - rho * rho, 0.0))
    k0 = (math.pi - theta) / (2 * math.pi)
    k1 = (sin_theta + (math.pi - theta) * rho) / (2 * math.pi)
    return k0, k1


@arccos_kernels.defjvp
def _arccos_kernels_jvp(primals, tangents):
    (rho,), (drho,) = primals, tangents
    k0, k1 = arccos_kernels(rho)
    tiny = jnp.finfo(rho.dtype).eps
    sin_theta = jnp.sqrt(jnp.maximum(1.0 - rho * rho, tiny))
    return (k0, k1), (drho / (2 * math.pi * sin_theta), k0 * drho)


def _safe_sqrt(a: Array) -> Array:
    positive = a > 0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, a, 1.0)), 0.0)


def _sum_to(a: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``a`` over the axes where ``shape`` (of the same rank) has size 1: the transpose of broadcasting."""
    axes = tuple(i for i, (m, n) in enumerate(zip(shape, a.shape)) if m == 1 and n != 1)
    return jnp.sum(a, axis=axes, keepdims=True) if axes else a


def _relu_pair_parts(cov, q1, q2, same):
    """(norm, ρ, κ0, κ1, active) of the ReLU rule; ``active`` marks the pairs where ρ moves with its inputs."""
    norm = _safe_sqrt(q1 * q2)
    ratio = cov / jnp.where(norm > 0, norm, 1.0)
    rho = jnp.where(same, 1.0, jnp.clip(ratio, -1.0, 1.0))
    k0, k1 = arccos_kernels(rho)
    active = (norm > 0) & ~same & (jnp.abs(ratio) < 1.0)
    return norm, rho, k0, k1, active


def _relu_pair_forward(cov, q1, q2, same):
    norm, _, k0, k1, _ = _relu_pair_parts(cov, q1, q2, same)
    # Only the inputs are kept for the backward pass, which recomputes the rest in its own
    # fused loop: re-reading one map is cheaper than writing and re-reading five.
    return (norm * k1, k0), (cov, q1, q2, same)


@jax.custom_vjp
def _relu_pair(cov: Array, q1: Array, q2: Array, same: Array) -> tuple[Array, Array]:
    """(√(q1 q2) κ1(ρ), κ0(ρ)) with ρ = cov / √(q1 q2): the ReLU rule's two cross maps.

    ``q1`` and ``q2`` are the variances shaped to broadcast against ``cov`` (size-1 axes
    where the other set's points are), so one rule serves every layout of the maps.
    """
    return _relu_pair_forward(cov, q1, q2, same)[0]


def _relu_pair_backward(res, ct):
    """The VJP in closed form: with n = √(q1 q2), ∂(n κ1)/∂ρ = n κ0, ∂κ0/∂ρ = 1/(2π sin θ),
    ∂ρ/∂cov = 1/n, q·∂ρ/∂q = −ρ/2 and q·∂n/∂q = n/2 (for q = q1 or q2).

    Autodiff of the forward gives the same numbers but keeps its intermediates (ρ, κ0, κ1,
    the norm, the masks: map-sized arrays written in the forward and read back); this form
    keeps only the inputs and recomputes the rest inside the backward's fused loop, which
    with the float32 polynomial :func:`arccos` costs less than the memory traffic it saves
    (``benchmarks/kernel_variants.py``: ``library`` against ``relu_autodiff``).
    """
    cov, q1, q2, same = res
    norm, rho, k0, k1, active = _relu_pair_parts(cov, q1, q2, same)
    ct_nngp, ct_k0 = ct
    floor = jnp.finfo(norm.dtype).eps  # the same √eps floor of sin θ as arccos_kernels' JVP
    dk0 = 1.0 / (2 * math.pi * jnp.sqrt(jnp.maximum(1.0 - rho * rho, floor)))
    ct_rho = jnp.where(active, ct_nngp * norm * k0 + ct_k0 * dk0, 0.0)
    ct_cov = ct_rho / jnp.where(norm > 0, norm, 1.0)
    scaled = jnp.where(norm > 0, ct_nngp * k1 * norm - ct_rho * rho, 0.0)  # 2q·∂/∂q, summed over partners
    ct_q1 = _sum_to(scaled, q1.shape) / (2 * jnp.where(q1 > 0, q1, 1.0))
    ct_q2 = _sum_to(scaled, q2.shape) / (2 * jnp.where(q2 > 0, q2, 1.0))
    return ct_cov, ct_q1, ct_q2, None


_relu_pair.defvjp(_relu_pair_forward, _relu_pair_backward)


def _pair_shapes(var1: Array, var2: Array, spatial_first: bool) -> tuple[Array, Array]:
    """``var1``, ``var2`` shaped to broadcast against the cross maps (see :func:`relu_rule`)."""
    if spatial_first:
        return var1[..., :, None], var2[..., None, :]
    return var1[:, None], var2[None, :]


def relu_rule(
    cov: Array, var1: Array, var2: Array, same: Array | None, *, spatial_first: bool = False
) -> tuple[Array, Array, Array, Array]:
    """ReLU: returns (E[φφ] cross, E[φ'φ'] cross, E[φ²] of set 1, E[φ²] of set 2).

    ``cov`` (N1, N2, *S); ``var1`` (N1, *S) and ``var2`` (N2, *S); ``same`` (broadcast
    to ``cov``) marks pairs that are the same point, whose correlation is exactly 1.
    With ``spatial_first`` the layout is the kernel state's: ``cov`` (*S, N1, N2), ``var1``
    (*S, N1), ``var2`` (*S, N2), ``same`` (N1, N2).
    On the same pairs the values are the exact θ = 0 ones, q/2 and 1/2, and ρ is held at 1
    for the gradient. The VJP is written out (``_relu_pair``).
    """
    same = jnp.zeros((), bool) if same is None else same
    q1, q2 = _pair_shapes(var1, var2, spatial_first)
    nngp, k0 = _relu_pair(cov, q1, q2, same)
    return nngp, k0, var1 / 2, var2 / 2


def erf_rule(
    cov: Array, var1: Array, var2: Array, same: Array | None, *, spatial_first: bool = False
) -> tuple[Array, Array, Array, Array]:
    """φ = erf: returns (E[φφ] cross, E[φ'φ'] cross, E[φ²] of set 1, E[φ²] of set 2).

    E[erf(u) erf(v)] = (2/π) arcsin(2c / √((1 + 2q1)(1 + 2q2)))
    E[erf'(u) erf'(v)] = (4/π) / √((1 + 2q1)(1 + 2q2) − 4c²)

    (Williams 1997). Both are smooth in c for every |c| ≤ √(q1 q2), so no floor is needed.
    Shapes and ``spatial_first`` as for :func:`relu_rule`.
    """
    q1, q2 = _pair_shapes(var1, var2, spatial_first)
    if same is not None:
        cov = jnp.where(same, _safe_sqrt(q1 * q2), cov)
    a1, a2 = 1 + 2 * q1, 1 + 2 * q2
    nngp = (2 / math.pi) * jnp.arcsin(2 * cov / jnp.sqrt(a1 * a2))
    deriv = (4 / math.pi) / jnp.sqrt(a1 * a2 - 4 * cov * cov)
    v1 = (2 / math.pi) * jnp.arcsin(2 * var1 / (1 + 2 * var1))
    v2 = (2 / math.pi) * jnp.arcsin(2 * var2 / (1 + 2 * var2))
    return nngp, deriv, v1, v2
