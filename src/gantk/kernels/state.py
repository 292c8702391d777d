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
from jaxtyping import Array, Bool, Float

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
      same: boolean (N1, N2) mask of pairs that are the same point (x1_i is x2_j);
        on those the correlation is set to exactly 1 so the diagonal takes the exact
        θ = 0 values. ``None`` when no pair coincides by construction.
    """

    nngp: Float[Array, "*s n1 n2"]
    ntk: Float[Array, "*s n1 n2"] | None
    var1: Float[Array, "*s n1"]
    var2: Float[Array, "*s n2"]
    same: Bool[Array, "n1 n2"] | None


def input_state(
    x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"], same: Bool[Array, "n1 n2"] | None
) -> KernelState:
    """Covariances of the raw inputs, normalised by the channel (feature) count.

    Flat inputs (N, d) give Σ = x1 x2ᵀ / d; images (N, H, W, C) give the per-position
    Σ[h, w] = Σ_c x1[h, w, c] x2[h, w, c] / C, as neural-tangents' ``stax`` does, stored
    (H, W, N1, N2).
    """
    if x1.ndim != x2.ndim or x1.shape[1:] != x2.shape[1:]:
        raise ValueError(f"input shapes differ: {x1.shape[1:]} vs {x2.shape[1:]}")
    if x1.ndim not in (2, 4):
        raise ValueError(f"inputs must be (N, d) vectors or (N, H, W, C) images, got shape {x1.shape}")
    channels = x1.shape[-1]
    if x1.ndim == 2:
        nngp = matmul(x1, x2.T) / channels
    else:
        x1, x2 = jnp.moveaxis(x1, 0, 2), jnp.moveaxis(x2, 0, 2)  # (H, W, N, C)
        nngp = jnp.einsum("hwnc,hwmc->hwnm", x1, x2, precision=FULL) / channels
    var1 = jnp.sum(x1 * x1, axis=-1) / channels
    var2 = jnp.sum(x2 * x2, axis=-1) / channels
    return KernelState(nngp=nngp, ntk=None, var1=var1, var2=var2, same=same)
