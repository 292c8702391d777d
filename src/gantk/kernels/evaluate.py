"""Evaluating kernel matrices: whole, or in tiles with rematerialisation.

The per-position covariance maps of a tile of T1×T2 pairs cost T1·T2·H·W floats per
layer. Computing K in tiles under ``jax.checkpoint`` keeps only each tile's inputs
for the backward pass and recomputes its maps there, so peak memory grows with
N1·N2 (the output) plus one tile's maps, not N1·N2·H·W.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Float

from gantk.kernels.layers import ElementNet

Which = Literal["ntk", "nngp"]


@partial(jax.jit, static_argnames=("net",))
def kernel_fn(
    net: ElementNet, x1: Float[Array, "n1 *f"], x2: Float[Array, "n2 *f"] | None = None
) -> tuple[Float[Array, "n1 n2"], Float[Array, "n1 n2"]]:
    """NNGP and NTK matrices of ``net`` between ``x1`` and ``x2`` (default: ``x1``).

    Args:
      net: the element network.
      x1: inputs, (N1, d) vectors or (N1, H, W, C) images.
      x2: inputs of the same feature shape, or ``None`` for ``x1`` itself; then the
        diagonal pairs are the same points and take the exact θ = 0 values.

    Returns:
      ``(nngp, ntk)``, each of shape (N1, N2).
    """
    same = None
    if x2 is None:
        x2 = x1
        same = jnp.eye(x1.shape[0], dtype=bool)
    state = net.state(net.prepare(x1), net.prepare(x2), same)
    return state.nngp, state.ntk


def _tile_value(net: ElementNet, which: Which, a: Array, b: Array, same: Array | None) -> Array:
    state = net.state(a, b, same)
    return state.ntk if which == "ntk" else state.nngp


@partial(jax.jit, static_argnames=("net", "tile", "which", "blocks"))
def kernel_matrix(
    net: ElementNet,
    x1: Float[Array, "n1 *f"],
    x2: Float[Array, "n2 *f"] | None = None,
    *,
    tile: int | None = None,
    which: Which = "ntk",
    blocks: int | None = None,
) -> Float[Array, "n1 n2"]:
    """The NTK (or NNGP) matrix between ``x1`` and ``x2``, optionally in tiles.

    Args:
      net: the element network.
      x1: (N1, ...) inputs.
      x2: (N2, ...) inputs, or ``None`` for ``x1`` itself (exact diagonal).
      tile: rows and columns per tile; ``None`` computes the whole matrix at once.
        Each tile is rematerialised in the backward pass (``jax.checkpoint``).
      which: ``"ntk"`` (the discriminator's kernel) or ``"nngp"``.
      blocks: for K(x1, x1) without ``tile`` only: split the rows into this many blocks and
        compute the B(B+1)/2 blocks on and above the diagonal as one batch, none
        rematerialised: (B + 1) / (2B) of the untiled work at the untiled memory.

    Returns:
      The (N1, N2) kernel matrix.
    """
    if which not in ("ntk", "nngp"):
        raise ValueError(f"which must be 'ntk' or 'nngp', got {which!r}")
    symmetric = x2 is None
    a = net.prepare(x1)
    b = a if symmetric else net.prepare(x2)
    n1, n2 = a.shape[0], b.shape[0]
    if symmetric and tile is None and blocks is not None and blocks > 1 and n1 >= 2 * blocks:
        return _upper_blocks(net, which, a, blocks)
    if tile is None or (n1 <= tile and n2 <= tile):
        same = jnp.eye(n1, dtype=bool) if symmetric else None
        return _tile_value(net, which, a, b, same)

    ta, tb = min(tile, n1), min(tile, n2)
    blocks_a, blocks_b = -(-n1 // ta), -(-n2 // tb)
    # Edge padding (repeating the last row) keeps padded rows finite, so their zero
    # cotangents cannot turn into NaN in the backward pass.
    a_t = _pad_rows(a, blocks_a * ta).reshape((blocks_a, ta) + a.shape[1:])
    b_t = _pad_rows(b, blocks_b * tb).reshape((blocks_b, tb) + b.shape[1:])
    rows = jnp.arange(ta)
    cols = jnp.arange(tb)

    @jax.checkpoint
    def one_tile(a_blk, i, b_blk, j):
        same = (i * ta + rows)[:, None] == (j * tb + cols)[None, :] if symmetric else None
        return _tile_value(net, which, a_blk, b_blk, same)

    if symmetric:
        # K(x, x) is symmetric: compute the tiles on and above the diagonal only.
        upper_i, upper_j = np.triu_indices(blocks_a)
        upper = lax.map(lambda ij: one_tile(a_t[ij[0]], ij[0], a_t[ij[1]], ij[1]), (upper_i, upper_j))
        tiles = _mirror(upper, blocks_a)
    else:

        def row_of_tiles(args):
            a_blk, i = args
            return lax.map(lambda bj: one_tile(a_blk, i, bj[0], bj[1]), (b_t, jnp.arange(blocks_b)))

        tiles = lax.map(row_of_tiles, (a_t, jnp.arange(blocks_a)))  # (Ba, Bb, ta, tb)
    full = tiles.transpose(0, 2, 1, 3).reshape(blocks_a * ta, blocks_b * tb)
    return full[:n1, :n2]


def _mirror(upper: Float[Array, "p t t"], blocks: int) -> Float[Array, "b b t t"]:
    """The (B, B, t, t) tiles of a symmetric matrix from its B(B+1)/2 tiles on and above the
    diagonal, in ``np.triu_indices(B)`` order."""
    upper_i, upper_j = np.triu_indices(blocks)
    tiles = jnp.zeros((blocks, blocks) + upper.shape[1:], upper.dtype)
    return tiles.at[upper_j, upper_i].set(upper.transpose(0, 2, 1)).at[upper_i, upper_j].set(upper)


def _upper_blocks(net: ElementNet, which: Which, a: Array, blocks: int) -> Array:
    """K(a, a) from the blocks on and above the diagonal, evaluated together under ``vmap``."""
    n = a.shape[0]
    t = -(-n // blocks)
    a_t = _pad_rows(a, blocks * t).reshape((blocks, t) + a.shape[1:])
    upper_i, upper_j = np.triu_indices(blocks)
    same = jnp.asarray(upper_i == upper_j)[:, None, None] & jnp.eye(t, dtype=bool)
    upper = jax.vmap(lambda p, q, s: _tile_value(net, which, p, q, s))(a_t[upper_i], a_t[upper_j], same)
    full = _mirror(upper, blocks).transpose(0, 2, 1, 3).reshape(blocks * t, blocks * t)
    return full[:n, :n]


def _pad_rows(x: Array, rows: int) -> Array:
    extra = rows - x.shape[0]
    if extra == 0:
        return x
    return jnp.concatenate([x, jnp.repeat(x[-1:], extra, axis=0)], axis=0)
