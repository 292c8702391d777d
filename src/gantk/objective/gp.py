"""The NTK-GP discriminator and the GA-NTK objective (Eqs. 3, 5, 7, 16).

With real rows X (n) and fake rows Z (m) stacked, labels y = 1ⁿ ⊕ 0ᵐ and K the
(n+m)×(n+m) NTK matrix over X ⊕ Z, the discriminator is the mean prediction of an
NTK-GP trained for time t at rate η (λ = η t):

    D(X, Z; k, λ) = (I − exp(−λK)) y                                   (Eq. 3)
    L(Z) = ½ ‖1 − D(X, Z; k, λ)‖²                                      (Eq. 16, loss "squared")

The authors' released code scores the same discriminator with a cross-entropy
instead (loss ``"cross_entropy"``, see :func:`ganntk_loss_from_kernel`):

    L_CE(Z) = (1/N) Σ_i log(1 + exp(−[(I − exp(−λK)) (2y − 1)]_i)),   N = n + m

Two routes compute exp(−λK) y:

* ``"eigh"``: K = V diag(w) Vᵀ and exp(−λK) y = V (e^{−λw} ∘ Vᵀy), with its own
  VJP in the Daleckii–Krein form. Automatic differentiation through ``eigh``
  divides by eigenvalue gaps and gives NaN as soon as fake rows coincide; the
  divided differences here are evaluated in a form that is exact for equal
  eigenvalues.
* ``"expm"``: the Padé matrix exponential ``jax.scipy.linalg.expm``.
* ``"lanczos"``: a Krylov approximation with ``krylov_dim`` Lanczos steps and a
  two-basis Daleckii–Krein VJP (``gantk.objective.krylov``): O(m N²) instead of O(N³), for
  large N.
"""

from __future__ import annotations

from typing import Literal, Sequence

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from gantk.kernels import ElementNet, kernel_matrix
from gantk.objective.krylov import heat_apply_lanczos
from gantk.common.precision import matmul

Method = Literal["eigh", "expm", "lanczos"]
Loss = Literal["squared", "cross_entropy"]

#: The values of a run's ``loss`` setting.
LOSSES = ("squared", "cross_entropy")

#: Krylov dimension of the ``"lanczos"`` route (ignored by the others).
KRYLOV_DIM = 64

#: Untiled K_zz is computed in row blocks of at least this many rows, at most
#: :data:`MAX_SYMMETRIC_BLOCKS` of them, only those on and above the diagonal
#: (``kernel_matrix(..., blocks=)``): (B + 1)/(2B) of the work of the full matrix, the same
#: numbers. Smaller blocks make batches of products too small for XLA:CPU to run well (n = 64:
#: 2 blocks 51 ms, 4 blocks 57 ms a step; n = 256: 8 blocks 605 ms, 4 blocks 630 ms;
#: ``cntk_mnist``, 2-core development machine, 2026-12-06).
SYMMETRIC_BLOCK_ROWS = 32
MAX_SYMMETRIC_BLOCKS = 8


def symmetric_blocks(m: int) -> int:
    """The row blocks of an untiled m×m K_zz (1: the whole matrix)."""
    return max(1, min(MAX_SYMMETRIC_BLOCKS, m // SYMMETRIC_BLOCK_ROWS))


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
    k: Float[Array, "n n"],
    n_real: int,
    lam: float,
    *,
    method: Method = "eigh",
    krylov_dim: int = KRYLOV_DIM,
    loss: Loss = "squared",
) -> Float[Array, ""]:
    """The GA-NTK loss for the stacked kernel K (N×N) of ``n_real`` real rows, then fakes.

    ``loss="squared"``: L = ½ ‖1 − D‖² with D = (I − e^{−λK}) y (paper Eq. 16; Eq. 4
    is the norm itself, with the same minimisers).

    ``loss="cross_entropy"``: the authors' released code (ga-ntk/ga-ntk, commit 8151ac9,
    ``ga-ntk/loss_fn.py``: ``ORIGIN_LOSS``, the loss of their README's commands). It
    trains the NTK-GP by MSE on one-hot labels Y = [1 − y, y] (N×2, ``dataset.py:62-72``),
    so its outputs are f = (I − e^{−λK}) Y (``loss_fn.py:45-51,64-65``), and scores them
    with a softmax cross-entropy against the class "real" for every row, averaged over
    the N rows (``loss_fn.py:28-29,66``)::

        L_CE = −(1/N) Σ_i log softmax(f_i)_real = (1/N) Σ_i log(1 + exp(f_i,fake − f_i,real))

    and f_i,fake − f_i,real = [(I − e^{−λK})(1 − 2y)]_i, so with the ±1 labels s = 2y − 1

        L_CE = (1/N) Σ_i softplus(−D_±,i),   D_± = (I − e^{−λK}) s,

    computed here with one exp(−λK) s: the logistic loss of the ±1-label
    discriminator calling every row real. The small ridge their code adds to K before the
    eigendecomposition (``diag_reg`` 1e-5 of the mean diagonal, ``loss_fn.py:10,47-50``)
    is left out: it scales e^{−λK} by e^{−1e-5 λ tr(K)/N} ≈ 1.

    Args:
      k: (N, N) symmetric kernel over X ⊕ Z, reals first.
      n_real: n, the real rows.
      lam: λ = η t of the NTK-GP.
      method, krylov_dim: the route through e^{−λK} (module docstring).
      loss: ``"squared"`` or ``"cross_entropy"``.

    Returns:
      The scalar loss.
    """
    y = labels(n_real, k.shape[0] - n_real, k.dtype)
    if loss == "squared":
        d = discriminator(k, y, lam, method=method, krylov_dim=krylov_dim)
        return 0.5 * jnp.sum((1.0 - d) ** 2)
    if loss == "cross_entropy":
        d_pm = discriminator(k, 2.0 * y - 1.0, lam, method=method, krylov_dim=krylov_dim)
        return jnp.mean(jax.nn.softplus(-d_pm))
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def lambda_from_training(rate: float, time: float, rows: int, outputs: int = 2) -> float:
    """λ of an NTK-GP trained by neural-tangents' ``gradient_descent_mse`` for ``time`` steps at ``rate``.

    neural-tangents measures time in steps of the rate and divides it by the number of
    label entries (``predict.gradient_descent_mse``: ``t = t * learning_rate`` and
    ``expm1(−λ_i t / y_train.size)``), so the NTK-GP's mean prediction is (I − e^{−λK}) Y with

        λ = rate · time / (rows · outputs).

    The authors' code calls it with rate 0.01 (``ga-ntk/loss_fn.py:9``), time
    65536 · ``train_t_rate`` (``ga-ntk/GAN_t_model.py:28-29``; their README uses rate 2
    for MNIST and CIFAR-10, 4 for CelebA, ``ga-ntk/readme.md:9,14,21``) and two-column
    one-hot labels over the n + m rows (``ga-ntk/dataset.py:62-72``): at n = m = 256,
    λ = 0.01 · 131072 / 1024 = 1.28 (MNIST, CIFAR-10) and 2.56 (CelebA); at n = m = 64
    the same time gives λ = 5.12. λ so depends on the number of rows of K, unlike
    Algorithm 1's.

    Args:
      rate: the NTK-GP's learning rate η.
      time: its training steps t.
      rows: rows of the kernel the discriminator is trained on (n + m; 2b batch-wise).
      outputs: label columns (2: one-hot real/fake).
    """
    if rate <= 0 or time <= 0 or rows < 1 or outputs < 1:
        raise ValueError(f"need rate > 0, time > 0, rows >= 1, outputs >= 1; got {rate}, {time}, {rows}, {outputs}")
    return float(rate) * float(time) / (rows * outputs)


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
    loss: Loss = "squared",
) -> Float[Array, ""]:
    """The GA-NTK loss (``loss``: see :func:`ganntk_loss_from_kernel`) of fakes ``z`` against reals ``x``.

    Only K_xz and K_zz depend on ``z``; K_xx = ``kernel_matrix(net, x)`` is passed in
    so a run computes it once. K_zz is symmetric: only its upper blocks are evaluated
    (:func:`symmetric_blocks` untiled, the upper tiles with ``tile``).
    """
    k_xz = kernel_matrix(net, x, z, tile=tile)
    k_zz = kernel_matrix(net, z, tile=tile, blocks=symmetric_blocks(z.shape[0]))
    k = stack_kernel(k_xx, k_xz, k_zz)
    return ganntk_loss_from_kernel(k, x.shape[0], lam, method=method, krylov_dim=krylov_dim, loss=loss)


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
    loss: Loss = "squared",
) -> Float[Array, ""]:
    """Σ_m L_m(Z): the losses of several NTK-GPs, each with its kernel and λ (Eq. 7).

    With one net this is the plain GA-NTK loss; each net applies its own input
    pooling (``ElementNet.pool``), so K_m compares pool_m(X) with pool_m(Z).
    """
    if not (len(k_xx) == len(nets) == len(lams)):
        raise ValueError(f"need one K_xx and one λ per kernel: {len(k_xx)} K_xx, {len(nets)} nets, {len(lams)} λ")
    return sum(
        ganntk_loss(z, x, kxx, net, lam, method=method, tile=tile, krylov_dim=krylov_dim, loss=loss)
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
    loss: Loss = "squared",
) -> Float[Array, ""]:
    """The batch-wise objective (Eq. 5) on one sampled batch of b real and b fake rows.

    ``k_xx_batch`` are the rows/columns of each precomputed K_xx at the sampled real
    indices; the caller samples the indices (``gantk.synthesis.ga_ntk``). The 2b×2b kernels
    then discriminate the batch, so the run fools many small discriminators.
    """
    return multires_loss(z_batch, x_batch, k_xx_batch, nets, lams, method=method, krylov_dim=krylov_dim, loss=loss)
