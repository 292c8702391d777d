"""The NTK-GP discriminator and the GA-NTK objective (Eqs. 3, 5, 7, 16).

With real rows X (n) and fake rows Z (m) stacked, labels y = 1ⁿ ⊕ 0ᵐ and K the
(n+m)×(n+m) NTK matrix over X ⊕ Z, the discriminator is the mean prediction of an
NTK-GP trained for time t at rate η (λ = η t):

    D(X, Z; k, λ) = (I − exp(−λK)) y                                   (Eq. 3)
    L(Z) = ½ ‖1 − D(X, Z; k, λ)‖²                                      (Eq. 16)

Two routes compute exp(−λK) y:

* ``"eigh"``: K = V diag(w) Vᵀ and exp(−λK) y = V (e^{−λw} ∘ Vᵀy), with its own
  VJP in the Daleckii–Krein form. Automatic differentiation through ``eigh``
  divides by eigenvalue gaps and gives NaN as soon as fake rows coincide; the
  divided differences here are evaluated in a form that is exact for equal
  eigenvalues.
* ``"expm"``: the Padé matrix exponential ``jax.scipy.linalg.expm``.
* ``"lanczos"``: a Krylov approximation with ``krylov_dim`` Lanczos steps and a
  two-basis Daleckii–Krein VJP (``gantk.krylov``): O(m N²) instead of O(N³), for
  large N.
"""

from __future__ import annotations

from typing import Literal, Sequence

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from gantk.kernels import ElementNet, kernel_matrix
from gantk.krylov import heat_apply_lanczos
from gantk.precision import matmul

Method = Literal["eigh", "expm", "lanczos"]

#: Krylov dimension of the ``"lanczos"`` route (ignored by the others).
KRYLOV_DIM = 64

#: Untiled K_zz is computed as this many row blocks, only those on and above the diagonal
#: (``kernel_matrix(..., blocks=)``): 5/8 of the work of the full matrix, the same numbers.
SYMMETRIC_BLOCKS = 4


def _exp_divided_differences(w: Array, lam: Array) -> Array:
    """G_ij = (g(w_i) − g(w_j)) / (w_i − w_j) for g(w) = exp(−λw), with G_ii = g'(w_i).

    For close eigenvalues the difference quotient cancels catastrophically; there
    the identity G_ij = −λ e^{−λ(w_i+w_j)/2} sinh(λδ/2)/(λδ/2), δ = w_i − w_j, is
    used instead (exact at δ = 0). Far apart, the plain quotient is accurate and
    cannot overflow.
    """
    wi, wj = w[:, None], w[None, :]
    delta = wi - wj
    half = lam * delta / 2
    close = jnp.abs(half) < 0.5
    safe_half = jnp.where(close & (half != 0), half, 1.0)
    sinhc = jnp.where(half == 0, 1.0, jnp.sinh(safe_half) / safe_half)
    sinhc = jnp.where(jnp.abs(half) < 1e-4, 1.0 + half * half / 6, sinhc)
    near = -lam * jnp.exp(-lam * (wi + wj) / 2) * sinhc
    g = jnp.exp(-lam * w)
    far = (g[:, None] - g[None, :]) / jnp.where(close, 1.0, delta)
    return jnp.where(close, near, far)


@jax.custom_vjp
def heat_apply(k: Float[Array, "n n"], y: Float[Array, " n"], lam: Float[Array, ""]) -> Float[Array, " n"]:
    """exp(−λK) y for a symmetric K, through an eigendecomposition (see module doc)."""
    w, v = jnp.linalg.eigh(k)
    return matmul(v, jnp.exp(-lam * w) * matmul(v.T, y))


def _heat_fwd(k, y, lam):
    w, v = jnp.linalg.eigh(k)
    b = matmul(v.T, y)
    return matmul(v, jnp.exp(-lam * w) * b), (w, v, b, lam)


def _heat_bwd(res, ct):
    w, v, b, lam = res
    a = matmul(v.T, ct)
    g = jnp.exp(-lam * w)
    div = _exp_divided_differences(w, lam)
    inner = div * (a[:, None] * b[None, :] + b[:, None] * a[None, :]) / 2
    ct_k = matmul(matmul(v, inner), v.T)
    ct_y = matmul(v, g * a)
    ct_lam = -jnp.sum(a * w * g * b)
    return ct_k, ct_y, ct_lam


heat_apply.defvjp(_heat_fwd, _heat_bwd)


def discriminator(
    k: Float[Array, "n n"],
    y: Float[Array, " n"],
    lam: float,
    *,
    method: Method = "eigh",
    krylov_dim: int = KRYLOV_DIM,
) -> Float[Array, " n"]:
    """D = (I − exp(−λK)) y (Eq. 3): the NTK-GP mean prediction on the training rows."""
    lam = jnp.asarray(lam, k.dtype)
    if method == "eigh":
        return y - heat_apply(k, y, lam)
    if method == "expm":
        with jax.default_matmul_precision("highest"):  # expm's own products, and their JVP
            return y - matmul(jax.scipy.linalg.expm(-lam * k), y)
    if method == "lanczos":
        return y - heat_apply_lanczos(k, y, lam, min(krylov_dim, k.shape[0]))
    raise ValueError(f"method must be 'eigh', 'expm' or 'lanczos', got {method!r}")


def labels(n_real: int, n_fake: int, dtype=jnp.float32) -> Float[Array, " n"]:
    """y = 1ⁿ ⊕ 0ᵐ."""
    return jnp.concatenate([jnp.ones(n_real, dtype), jnp.zeros(n_fake, dtype)])


def stack_kernel(
    k_xx: Float[Array, "n n"], k_xz: Float[Array, "n m"], k_zz: Float[Array, "m m"]
) -> Float[Array, "n+m n+m"]:
    """The kernel over X ⊕ Z from its blocks."""
    return jnp.block([[k_xx, k_xz], [k_xz.T, k_zz]])


def ganntk_loss_from_kernel(
    k: Float[Array, "n n"], n_real: int, lam: float, *, method: Method = "eigh", krylov_dim: int = KRYLOV_DIM
) -> Float[Array, ""]:
    """L = ½ ‖1 − D‖² (Eq. 16) for the stacked kernel of n_real real rows then fakes."""
    y = labels(n_real, k.shape[0] - n_real, k.dtype)
    d = discriminator(k, y, lam, method=method, krylov_dim=krylov_dim)
    return 0.5 * jnp.sum((1.0 - d) ** 2)


def ganntk_loss(
    z: Float[Array, "m *f"],
    x: Float[Array, "n *f"],
    k_xx: Float[Array, "n n"],
    net: ElementNet,
    lam: float,
    *,
    method: Method = "eigh",
    tile: int | None = None,
    krylov_dim: int = KRYLOV_DIM,
) -> Float[Array, ""]:
    """The GA-NTK loss of fakes ``z`` against reals ``x`` with a precomputed K_xx.

    Only K_xz and K_zz depend on ``z``; K_xx = ``kernel_matrix(net, x)`` is passed in
    so a run computes it once. K_zz is symmetric: only its upper blocks are evaluated
    (:data:`SYMMETRIC_BLOCKS` untiled, the upper tiles with ``tile``).
    """
    k_xz = kernel_matrix(net, x, z, tile=tile)
    k_zz = kernel_matrix(net, z, tile=tile, blocks=SYMMETRIC_BLOCKS)
    k = stack_kernel(k_xx, k_xz, k_zz)
    return ganntk_loss_from_kernel(k, x.shape[0], lam, method=method, krylov_dim=krylov_dim)


def multires_loss(
    z: Float[Array, "m *f"],
    x: Float[Array, "n *f"],
    k_xx: Sequence[Array],
    nets: Sequence[ElementNet],
    lams: Sequence[float],
    *,
    method: Method = "eigh",
    tile: int | None = None,
    krylov_dim: int = KRYLOV_DIM,
) -> Float[Array, ""]:
    """Σ_m L_m(Z): the losses of several NTK-GPs, each with its kernel and λ (Eq. 7).

    With one net this is the plain GA-NTK loss; each net applies its own input
    pooling (``ElementNet.pool``), so K_m compares pool_m(X) with pool_m(Z).
    """
    if not (len(k_xx) == len(nets) == len(lams)):
        raise ValueError(f"need one K_xx and one λ per kernel: {len(k_xx)} K_xx, {len(nets)} nets, {len(lams)} λ")
    return sum(
        ganntk_loss(z, x, kxx, net, lam, method=method, tile=tile, krylov_dim=krylov_dim)
        for kxx, net, lam in zip(k_xx, nets, lams)
    )


def batchwise_loss(
    z_batch: Float[Array, "b *f"],
    x_batch: Float[Array, "b *f"],
    k_xx_batch: Sequence[Array],
    nets: Sequence[ElementNet],
    lams: Sequence[float],
    *,
    method: Method = "eigh",
    krylov_dim: int = KRYLOV_DIM,
) -> Float[Array, ""]:
    """The batch-wise objective (Eq. 5) on one sampled batch of b real and b fake rows.

    ``k_xx_batch`` are the rows/columns of each precomputed K_xx at the sampled real
    indices; the caller samples the indices (``gantk.synth``). The 2b×2b kernels
    then discriminate the batch, so the run fools many small discriminators.
    """
    return multires_loss(z_batch, x_batch, k_xx_batch, nets, lams, method=method, krylov_dim=krylov_dim)
