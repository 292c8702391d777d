"""The kernel state that layer rules map: covariances of a pair of input sets.

Only the *diagonal* spatial covariances are kept (DESIGN §2): with a flatten
readout and no global pooling the CNN-GP equals a locally connected GP, so the
covariance between position (h, w) of one input and (h', w') of another is never
needed for h ≠ h' or w ≠ w'.

Maps are stored pixel-major, spatial axes first: (H, W, N1, N2). Every per-pixel step then
works on contiguous N1×N2 slabs, which XLA:CPU vectorises (window sums are sums of shifted
slabs, the ReLU arithmetic runs along the long minor axes), and a (N1, N2) ``same`` mask
broadcasts without reshaping (``benchmarks/step_profile.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Bool, Float, UInt32

from gantk.common.precision import FULL, matmul


class KernelState(NamedTuple):
    """Covariances of the pre-activations of an infinitely wide layer.

    Attributes:
      nngp: cross covariance Σ(x1_i, x2_j), shape (*S, N1, N2) where S is (H, W) for
        images and () after a flatten.
      ntk: cross neural tangent kernel Θ(x1_i, x2_j), same shape; ``None`` before the
        first layer with parameters (the input has none, Θ = 0).
      var1: variances Σ(x1_i, x1_i), shape (*S, N1).
      var2: variances Σ(x2_j, x2_j), shape (*S, N2).
      same: boolean (N1, N2) mask of pairs that are the same point (x1_i is x2_j, or
        bit for bit equal to it: :func:`copies`); on those the correlation is set
        to exactly 1 so they take the exact θ = 0 values. ``None`` only in a state made
        directly by :func:`input_state` without a mask (``ElementNet.state`` always adds the copies).
    """

    nngp: Float[Array, "*s n1 n2"]
    ntk: Float[Array, "*s n1 n2"] | None
    var1: Float[Array, "*s n1"]
    var2: Float[Array, "*s n2"]
    same: Bool[Array, "n1 n2"] | None


def check_inputs(x1: Array, x2: Array) -> None:
    """Raise ValueError unless ``x1`` and ``x2`` are both (N, d) vectors or (N, H, W, C) images of one shape."""
    if x1.ndim != x2.ndim or x1.shape[1:] != x2.shape[1:]:
        raise ValueError(f"input shapes differ: {x1.shape[1:]} vs {x2.shape[1:]}")
    if x1.ndim not in (2, 4):
        raise ValueError(f"inputs must be (N, d) vectors or (N, H, W, C) images, got shape {x1.shape}")


def input_variance(x: Float[Array, "n *f"]) -> Float[Array, "*s n"]:
    """Σ(x_i, x_i): per point (N,) for vectors (N, d), per position (H, W, N) for images (N, H, W, C)."""
    var = jnp.sum(x * x, axis=-1) / x.shape[-1]
    return var if x.ndim == 2 else jnp.moveaxis(var, 0, 2)


def input_state(
    x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"], same: Bool[Array, "n1 n2"] | None
) -> KernelState:
    """Covariances of the raw inputs, normalised by the channel (feature) count.

    Flat inputs (N, d) give Σ = x1 x2ᵀ / d; images (N, H, W, C) give the per-position
    Σ[h, w] = Σ_c x1[h, w, c] x2[h, w, c] / C, as neural-tangents' ``stax`` does, stored
    (H, W, N1, N2).
    """
    check_inputs(x1, x2)
    channels = x1.shape[-1]
    if x1.ndim == 2:
        nngp = matmul(x1, x2.T) / channels
    else:
        nngp = jnp.einsum("nhwc,mhwc->hwnm", x1, x2, precision=FULL) / channels
    return KernelState(nngp=nngp, ntk=None, var1=input_variance(x1), var2=input_variance(x2), same=same)


def _mix(h: UInt32[Array, "..."]) -> UInt32[Array, "..."]:
    """MurmurHash3's 32-bit finaliser: every input bit flips each output bit with probability ~½."""
    h = h ^ (h >> 16)
    h = h * jnp.uint32(0x85EBCA6B)
    h = h ^ (h >> 13)
    h = h * jnp.uint32(0xC2B2AE35)
    return h ^ (h >> 16)


def _words(x: Float[Array, "n *f"]) -> UInt32[Array, "n w"]:
    """The bits of each point as 32-bit words (a float64 value gives two, a 16-bit one its own word)."""
    n = x.shape[0]
    if x.dtype.itemsize == 2:
        return lax.bitcast_convert_type(x, jnp.uint16).reshape(n, -1).astype(jnp.uint32)
    return lax.bitcast_convert_type(x, jnp.uint32).reshape(n, -1)


def _fingerprints(x: Float[Array, "n *f"]) -> UInt32[Array, "n 2"]:
    """Two 32-bit hashes of each point's bits: Σ_i mix(word_i ⊕ s_i) · a_i mod 2³² for two fixed sets
    of salts s_i and odd multipliers a_i.

    Integer sums wrap and commute, so a point's fingerprint is exact and the same in any batch.
    The finaliser makes each word's term a pseudo-random function of its bits, so structured
    differences (a sign flipped in two words, words differing by a multiple of a large power of
    two, as in binary images) collide no more often than random ones: about 2⁻⁶⁴ per pair for
    the two hashes together.
    """
    words = _words(x)
    rng = np.random.default_rng(20261206)
    hashes = []
    for _ in range(2):
        salt = rng.integers(0, 2**32, size=words.shape[1], dtype=np.uint32)
        mult = rng.integers(0, 2**31, size=words.shape[1], dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        terms = _mix(words ^ jnp.asarray(salt)) * jnp.asarray(mult)
        hashes.append(jnp.sum(terms, axis=1, dtype=jnp.uint32))
    return jnp.stack(hashes, axis=-1)


def copies(x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"]) -> Bool[Array, "n1 n2"]:
    """The pairs (i, j) with x1_i equal to x2_j (every value, bit for bit), from their fingerprints.

    A copy is the same point: the ReLU rule's κ0 has a square-root singularity at correlation 1,
    so a copy whose covariance was summed in another order than its variances (a matrix product
    against a sum of squares) would get κ0 off by √eps instead of the exact θ = 0 value.
    """
    f1, f2 = _fingerprints(x1), _fingerprints(x2)
    return jnp.all(f1[:, None, :] == f2[None, :, :], axis=-1)
