"""The Lanczos route through exp(−λK) y against the eigendecomposition route."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.objective.gp import ganntk_loss, heat_apply, stack_kernel
from gantk.kernels import kernel_matrix, preset
from gantk.objective.krylov import heat_apply_lanczos, heat_apply_lanczos_error, lanczos


def _kernel(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = jnp.asarray(rng.uniform(size=(n, 8, 8, 1)) ** 3)
    z = jnp.asarray(rng.uniform(size=(n, 8, 8, 1)))
    net = preset("cntk_digits")
    return stack_kernel(kernel_matrix(net, x), kernel_matrix(net, x, z), kernel_matrix(net, z)), n


def test_lanczos_basis_is_orthonormal_and_tridiagonalises_k():
    k, _ = _kernel()
    v = jnp.asarray(np.random.default_rng(1).normal(size=k.shape[0]))
    q, alpha, beta, _ = lanczos(k, v, 12)
    np.testing.assert_allclose(q @ q.T, np.eye(12), atol=1e-12)
    t = np.diag(alpha) + np.diag(beta[:-1], 1) + np.diag(beta[:-1], -1)
    np.testing.assert_allclose(q @ k @ q.T, t, atol=1e-9 * float(jnp.abs(k).max()))


@pytest.mark.parametrize("m", [16, 40])
def test_value_and_vjp_match_the_eigendecomposition_route(m):
    k, n = _kernel()
    y = jnp.concatenate([jnp.ones(n), jnp.zeros(n)])
    lam = jnp.asarray(1.5)
    ref = heat_apply(k, y, lam)
    got = heat_apply_lanczos(k, y, lam, m)
    np.testing.assert_allclose(got, ref, atol=1e-8)
    assert float(heat_apply_lanczos_error(k, y, lam, m)) < 1e-6

    w = jnp.asarray(np.random.default_rng(2).normal(size=2 * n))

    def objective(route):
        return lambda k, y, lam: jnp.sum(w * jnp.sin(route(k, y, lam)))

    g_ref = jax.grad(objective(heat_apply), argnums=(0, 1, 2))(k, y, lam)
    g_got = jax.grad(objective(lambda k, y, lam: heat_apply_lanczos(k, y, lam, m)), argnums=(0, 1, 2))(k, y, lam)
    for a, b in zip(g_got, g_ref):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9 * float(jnp.abs(b).max()))


def test_full_dimension_krylov_is_exact_even_after_breakdown():
    k = jnp.diag(jnp.array([0.0, 0.5, 0.5, 2.0, 7.0]))  # repeated eigenvalue: Lanczos stops early
    y = jnp.array([1.0, 1.0, 1.0, 0.0, 1.0])
    np.testing.assert_allclose(heat_apply_lanczos(k, y, jnp.asarray(0.8), 5), heat_apply(k, y, jnp.asarray(0.8)), atol=1e-14)


def test_ga_ntk_gradient_through_lanczos_matches_eigh():
    rng = np.random.default_rng(3)
    x = jnp.asarray(rng.uniform(size=(24, 8, 8, 1)) ** 3)
    z = jnp.asarray(rng.uniform(size=(24, 8, 8, 1)))
    net = preset("cntk_digits")
    k_xx = kernel_matrix(net, x)
    grads = {
        m: jax.grad(lambda z, m=m: ganntk_loss(z, x, k_xx, net, 2.0, method=m, krylov_dim=32))(z)
        for m in ("eigh", "lanczos")
    }
    np.testing.assert_allclose(grads["lanczos"], grads["eigh"], rtol=1e-6, atol=1e-10)
