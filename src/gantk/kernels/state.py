"""The kernel state that layer rules map: covariances of a pair of input sets.

Only the *diagonal* spatial covariances are kept (DESIGN §2): with a flatten
readout and no global pooling the CNN-GP equals a locally connected GP, so the
covariance between position (h, w) of one input and (h', w') of another is never
needed for h ≠ h' or w ≠ w'.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
from jaxtyping import Array, Bool, Float

from gantk.precision import FULL, matmul


class KernelState(NamedTuple):
    """Covariances of the pre-activations of an infinitely wide layer.

    Attributes:
      nngp: cross covariance Σ(x1_i, x2_j), shape (N1, N2, *S) where S is (H, W) for
        images and () after a flatten.
      ntk: cross neural tangent kernel Θ(x1_i, x2_j), same shape; ``None`` before the
        first layer with parameters (the input has none, Θ = 0).
      var1: variances Σ(x1_i, x1_i), shape (N1, *S).
      var2: variances Σ(x2_j, x2_j), shape (N2, *S).
      same: boolean (N1, N2) mask of pairs that are the same point (x1_i is x2_j);
        on those the correlation is set to exactly 1 so the diagonal takes the exact
        θ = 0 values. ``None`` when no pair coincides by construction.
    """

    nngp: Float[Array, "n1 n2 *s"]
    ntk: Float[Array, "n1 n2 *s"] | None
    var1: Float[Array, "n1 *s"]
    var2: Float[Array, "n2 *s"]
    same: Bool[Array, "n1 n2"] | None


def input_state(
    x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"], same: Bool[Array, "n1 n2"] | None
) -> KernelState:
    """Covariances of the raw inputs, normalised by the channel (feature) count.

    Flat inputs (N, d) give Σ = x1 x2ᵀ / d; images (N, H, W, C) give the per-position
    Σ[h, w] = Σ_c x1[h, w, c] x2[h, w, c] / C, as neural-tangents' ``stax`` does.
    """
    if x1.ndim != x2.ndim or x1.shape[1:] != x2.shape[1:]:
        raise ValueError(f"input shapes differ: {x1.shape[1:]} vs {x2.shape[1:]}")
    if x1.ndim == 2:
        channels = x1.shape[-1]
        nngp = matmul(x1, x2.T) / channels
    elif x1.ndim == 4:
        channels = x1.shape[-1]
        nngp = jnp.einsum("nhwc,mhwc->nmhw", x1, x2, precision=FULL) / channels
    else:
        raise ValueError(f"inputs must be (N, d) vectors or (N, H, W, C) images, got shape {x1.shape}")
    var1 = jnp.sum(x1 * x1, axis=-1) / channels
    var2 = jnp.sum(x2 * x2, axis=-1) / channels
    return KernelState(nngp=nngp, ntk=None, var1=var1, var2=var2, same=same)




def same_mask(state: KernelState) -> Array | None:
    """The ``same`` mask broadcast to the spatial shape of ``state.nngp``."""
    if state.same is None:
        return None
    extra = state.nngp.ndim - 2
    return state.same.reshape(state.same.shape + (1,) * extra)
