"""Spectral normalisation: the power-iteration estimate converges to the largest singular value."""

import jax
import jax.numpy as jnp
import numpy as np

from gantk.nets.spectral_norm import COLLECTION, SpectralConv, SpectralDense, as_matrix, power_iteration


def test_power_iteration_converges_to_the_largest_singular_value():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(12, 7))
    top = np.linalg.svd(w, compute_uv=False)[0]
    u = jnp.asarray(rng.normal(size=12))
    estimates = []
    for _ in range(60):
        u, v, sigma = power_iteration(jnp.asarray(w), u, n_iter=1)
        estimates.append(float(sigma))
    np.testing.assert_allclose(estimates[-1], top, rtol=1e-8)
    # Each iteration's estimate is a Rayleigh-type lower bound that does not decrease.
    assert all(e <= top * (1 + 1e-12) for e in estimates)
    assert all(b >= a - 1e-12 for a, b in zip(estimates, estimates[1:]))
    np.testing.assert_allclose(np.linalg.norm(np.asarray(w) @ np.asarray(v)), top, rtol=1e-8)


def test_one_iteration_per_training_call_normalises_the_dense_kernel_to_unit_norm():
    layer = SpectralDense(6)
    x = jnp.ones((2, 9), jnp.float64)
    variables = layer.init(jax.random.key(0, impl="rbg"), x, update=False)
    kernel = np.asarray(variables["params"]["sn"]["kernel"])
    state = {COLLECTION: variables[COLLECTION]}
    for _ in range(50):
        _, state = layer.apply({"params": variables["params"], **state}, x, update=True, mutable=[COLLECTION])
    u = state[COLLECTION]["sn"]["u"]
    _, _, sigma = power_iteration(jnp.asarray(kernel.T), u)
    np.testing.assert_allclose(sigma, np.linalg.svd(kernel, compute_uv=False)[0], rtol=1e-6)
    # The layer's effective matrix then has spectral norm 1: y(x) − y(0) = x W/σ.
    eye = jnp.eye(9, dtype=jnp.float64)
    y = layer.apply({"params": variables["params"], **state}, eye, update=False)
    y0 = layer.apply({"params": variables["params"], **state}, jnp.zeros((1, 9)), update=False)
    np.testing.assert_allclose(np.linalg.svd(np.asarray(y - y0), compute_uv=False)[0], 1.0, rtol=1e-6)


def test_evaluation_calls_leave_the_singular_vector_unchanged():
    layer = SpectralConv(4, (3, 3), (1, 1))
    x = jnp.ones((1, 5, 5, 2))
    variables = layer.init(jax.random.key(1, impl="rbg"), x, update=False)
    _, state = layer.apply(variables, x, update=False, mutable=[COLLECTION])
    np.testing.assert_array_equal(state[COLLECTION]["sn"]["u"], variables[COLLECTION]["sn"]["u"])


def test_a_conv_kernel_is_normalised_as_an_out_by_rest_matrix():
    kernel = jnp.arange(3 * 3 * 2 * 4, dtype=jnp.float64).reshape(3, 3, 2, 4)
    m = as_matrix(kernel)
    assert m.shape == (4, 18)
    np.testing.assert_array_equal(m[1], np.asarray(kernel)[..., 1].reshape(-1))
