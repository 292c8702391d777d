"""exp(−λK) y and its adjoint in a Krylov subspace (Lanczos), without eigendecomposing K.

For large N the full eigendecomposition of the (N×N) kernel dominates a GA-NTK step
(O(N³)). exp(−λK) y only needs a polynomial in K applied to y: m steps of Lanczos
with full reorthogonalisation give K Q ≈ Q T (Q: N×m orthonormal, T: m×m
tridiagonal) and

    exp(−λK) y ≈ ‖y‖ Q exp(−λT) e₁                                  (O(m N²))

The VJP runs Lanczos again from the cotangent ḡ (basis P, tridiagonal S) and uses
the two-basis Daleckii–Krein form

    ∂⟨ḡ, exp(−λK) y⟩/∂K ≈ (P A) [G(α, β) ∘ a bᵀ] (Q B)ᵀ   (symmetrised)

with S = A diag(α) Aᵀ, T = B diag(β) Bᵀ, a = ‖ḡ‖ Aᵀe₁, b = ‖y‖ Bᵀe₁ and G the
divided differences of w ↦ exp(−λw) between the two Ritz spectra (it is the exact
integral ∫₀¹ e^{−λsK} ḡ yᵀ e^{−λ(1−s)K} ds restricted to the two subspaces). With
m = N both are exact.

The error of the forward value is estimated a posteriori by the standard bound
‖y‖ β_m |e_mᵀ exp(−λT) e₁| (``heat_apply_lanczos_error``); tests tie the Krylov path
to the eigendecomposition path.

References: Saad (1992), "Analysis of some Krylov subspace approximations to the
matrix exponential operator"; Higham (2008), "Functions of Matrices", §3.2.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Float

from gantk.common.precision import matmul


def lanczos(k: Float[Array, "n n"], v0: Float[Array, " n"], m: int):
    """m Lanczos steps on symmetric ``k`` from ``v0`` with full reorthogonalisation.

    Returns:
      ``(q, alpha, beta, norm_v0)``: q (m, N) orthonormal rows (zero after a
      breakdown, when an invariant subspace is found), the diagonal alpha (m,) and
      off-diagonal beta (m,) of T (beta[j] couples steps j and j+1; beta[m-1] is
      the residual norm used by the error estimate), and ‖v0‖.
    """
    n = v0.shape[0]
    norm_v0 = jnp.linalg.norm(v0)
    tiny = jnp.finfo(v0.dtype).tiny ** 0.5
    q0 = v0 / jnp.where(norm_v0 > 0, norm_v0, 1.0)

    def body(j, carry):
        q_rows, alpha, beta, q, q_prev, beta_prev = carry
        q_rows = q_rows.at[j].set(q)
        w = matmul(k, q) - beta_prev * q_prev
        a_j = matmul(q, w)
        w = w - a_j * q
        for _ in range(2):  # twice is enough (Kahan–Parlett)
            w = w - matmul(q_rows.T, matmul(q_rows, w))
        b_j = jnp.linalg.norm(w)
        q_next = jnp.where(b_j > tiny * jnp.maximum(jnp.abs(a_j), 1.0), w / jnp.where(b_j > 0, b_j, 1.0), 0.0)
        return q_rows, alpha.at[j].set(a_j), beta.at[j].set(b_j), q_next, q, b_j

    init = (jnp.zeros((m, n), v0.dtype), jnp.zeros(m, v0.dtype), jnp.zeros(m, v0.dtype), q0, jnp.zeros_like(q0), 0.0)
    q_rows, alpha, beta, *_ = lax.fori_loop(0, m, body, init)
    return q_rows, alpha, beta, norm_v0


def _ritz(alpha: Array, beta: Array) -> tuple[Array, Array]:
    t = jnp.diag(alpha) + jnp.diag(beta[:-1], 1) + jnp.diag(beta[:-1], -1)
    return jnp.linalg.eigh(t)


def _cross_divided_differences(w1: Array, w2: Array, lam: Array) -> Array:
    """G_ij = (g(w1_i) − g(w2_j)) / (w1_i − w2_j), g(w) = exp(−λw), exact as w1_i → w2_j."""
    a, b = w1[:, None], w2[None, :]
    half = lam * (a - b) / 2
    close = jnp.abs(half) < 0.5
    safe = jnp.where(close & (half != 0), half, 1.0)
    sinhc = jnp.where(jnp.abs(half) < 1e-4, 1.0 + half * half / 6, jnp.sinh(safe) / safe)
    near = -lam * jnp.exp(-lam * (a + b) / 2) * sinhc
    far = (jnp.exp(-lam * a) - jnp.exp(-lam * b)) / jnp.where(close, 1.0, a - b)
    return jnp.where(close, near, far)


def _krylov_heat(k, y, lam, m):
    q_rows, alpha, beta, norm_y = lanczos(k, y, m)
    theta, s = _ritz(alpha, beta)
    b = norm_y * s[0]
    ritz_vectors = matmul(q_rows.T, s)  # (N, m)
    return matmul(ritz_vectors, jnp.exp(-lam * theta) * b), (ritz_vectors, theta, b)


@partial(jax.custom_vjp, nondiff_argnums=(3,))
def heat_apply_lanczos(k: Float[Array, "n n"], y: Float[Array, " n"], lam: Float[Array, ""], m: int) -> Array:
    """exp(−λK) y from an m-dimensional Krylov subspace (see the module doc)."""
    return _krylov_heat(k, y, lam, m)[0]


def _fwd(k, y, lam, m):
    out, (vy, theta_y, b) = _krylov_heat(k, y, lam, m)
    return out, (k, vy, theta_y, b, lam)


def _bwd(m, res, ct):
    k, vy, theta_y, b, lam = res
    q_rows, alpha, beta, norm_ct = lanczos(k, ct, m)
    theta_c, s = _ritz(alpha, beta)
    a = norm_ct * s[0]
    vc = matmul(q_rows.T, s)
    core = _cross_divided_differences(theta_c, theta_y, lam) * (a[:, None] * b[None, :])
    c = matmul(matmul(vc, core), vy.T)
    ct_k = (c + c.T) / 2
    ct_y = matmul(vc, jnp.exp(-lam * theta_c) * a)
    ct_lam = -jnp.sum(matmul(vy.T, ct) * theta_y * jnp.exp(-lam * theta_y) * b)
    return ct_k, ct_y, ct_lam


heat_apply_lanczos.defvjp(_fwd, _bwd)


@partial(jax.jit, static_argnums=(3,))
def heat_apply_lanczos_error(k: Array, y: Array, lam: Array, m: int) -> Array:
    """A posteriori estimate ‖y‖ β_m |e_mᵀ exp(−λT) e₁| of the forward error."""
    _, alpha, beta, norm_y = lanczos(k, y, m)
    theta, s = _ritz(alpha, beta)
    last = matmul(s[-1], jnp.exp(-lam * theta) * s[0])
    return norm_y * beta[-1] * jnp.abs(last)
