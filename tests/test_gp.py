"""The NTK-GP discriminator and GA-NTK losses against float64 references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.linalg

from gantk.objective.gp import (
    _exp_divided_differences,
    batchwise_loss,
    discriminator,
    ganntk_loss,
    ganntk_loss_from_kernel,
    labels,
    lambda_from_training,
    multires_loss,
)
from gantk.kernels import kernel_matrix, preset


def _psd(n, seed, scale=1.0):
    a = np.random.default_rng(seed).normal(size=(n, n))
    return scale * a @ a.T / n


def _digits(n, seed):
    return jnp.asarray(np.random.default_rng(seed).uniform(size=(n, 8, 8, 1)))


@pytest.mark.parametrize("method", ["eigh", "expm"])
def test_discriminator_equals_scipy_expm_reference(method):
    k = _psd(10, 0, scale=3.0)
    y = np.r_[np.ones(5), np.zeros(5)]
    expected = y - scipy.linalg.expm(-0.7 * k) @ y
    np.testing.assert_allclose(discriminator(jnp.asarray(k), jnp.asarray(y), 0.7, method=method), expected, rtol=1e-10)


def test_divided_differences_match_quotients_and_derivatives():
    lam = 1.7
    w = jnp.array([0.0, 1e-9, 0.3, 0.3 + 1e-7, 2.0, 40.0])
    g = np.exp(-lam * np.asarray(w, np.float64))
    got = np.asarray(_exp_divided_differences(w, lam))
    for i in range(len(w)):
        for j in range(len(w)):
            dw = float(w[i] - w[j])
            if abs(dw) > 1e-3:
                want = (g[i] - g[j]) / dw
            else:  # first-order expansion about the midpoint: exact to O(dw²)
                want = -lam * np.exp(-lam * float(w[i] + w[j]) / 2)
            np.testing.assert_allclose(got[i, j], want, rtol=1e-9)


def _assert_gradient_matches_central_differences(f, z, seed, h=1e-5):
    """⟨∇f(z), d⟩ against (f(z + h d) − f(z − h d)) / 2h along three random directions d (float64)."""
    loss, grad = jax.jit(f), jax.grad(f)(z)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        d = jnp.asarray(rng.normal(size=z.shape))
        fd = (loss(z + h * d) - loss(z - h * d)) / (2 * h)
        np.testing.assert_allclose(jnp.vdot(grad, d), fd, rtol=1e-6)


def test_loss_gradient_matches_central_finite_differences():
    net = preset("cntk_digits")
    x, z = _digits(5, 1), _digits(5, 2)
    k_xx = kernel_matrix(net, x)
    _assert_gradient_matches_central_differences(lambda z: ganntk_loss(z, x, k_xx, net, 2.0), z, 3)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_gradient_with_duplicated_rows_is_finite_and_agrees_across_routes(dtype):
    net = preset("cntk_digits")
    x = _digits(6, 4).astype(dtype)
    z = jnp.concatenate([x[:2], x[:1], _digits(3, 5).astype(dtype)])  # copies of reals and of each other
    k_xx = kernel_matrix(net, x)
    grads = {
        m: jax.jit(jax.grad(lambda z, m=m: ganntk_loss(z, x, k_xx, net, 1.0, method=m)))(z) for m in ("eigh", "expm")
    }
    for g in grads.values():
        assert bool(jnp.all(jnp.isfinite(g)))
    tol = 1e-9 if dtype == jnp.float64 else 2e-3
    np.testing.assert_allclose(grads["eigh"], grads["expm"], rtol=tol, atol=tol * float(jnp.abs(grads["expm"]).max()))


def test_all_identical_fakes_give_finite_float32_gradients():
    net = preset("cntk_digits")
    x = _digits(8, 6).astype(jnp.float32)
    z = jnp.repeat(_digits(1, 7).astype(jnp.float32), 8, axis=0)
    g = jax.jit(jax.grad(lambda z: ganntk_loss(z, x, kernel_matrix(net, x), net, 1.0)))(z)
    assert bool(jnp.all(jnp.isfinite(g)))


def test_copying_the_data_approaches_the_global_minimum_n_over_4():
    net = preset("cntk_digits")
    x = _digits(6, 8)
    k_xx = kernel_matrix(net, x)
    # With Z = X each D entry tends to 1/2 as λ grows, so L → 2n · (1/2)² / 2 = n/4.
    assert float(ganntk_loss(x, x, k_xx, net, 1e4)) == pytest.approx(6 / 4, rel=1e-6)
    noise = _digits(6, 9)
    assert float(ganntk_loss(noise, x, k_xx, net, 1e4)) > 6 / 4 + 0.5


def test_multires_loss_is_the_sum_of_its_members():
    x, z = _digits(4, 10), _digits(4, 11)
    nets = [preset("cntk_digits"), preset("fntk")]
    k_xx = [kernel_matrix(net, x) for net in nets]
    total = multires_loss(z, x, k_xx, nets, [1.0, 3.0])
    parts = ganntk_loss(z, x, k_xx[0], nets[0], 1.0) + ganntk_loss(z, x, k_xx[1], nets[1], 3.0)
    np.testing.assert_allclose(total, parts, rtol=1e-12)
    with pytest.raises(ValueError, match="one λ per kernel"):
        multires_loss(z, x, k_xx, nets, [1.0])


def test_batchwise_loss_is_the_loss_of_the_sampled_rows():
    net = preset("fntk")
    x, z = _digits(6, 12), _digits(6, 13)
    k_xx = kernel_matrix(net, x)
    idx = jnp.array([4, 1])
    got = batchwise_loss(z[idx], x[idx], [k_xx[idx][:, idx]], [net], [1.5])
    k = kernel_matrix(net, jnp.concatenate([x[idx], z[idx]]))
    np.testing.assert_allclose(got, ganntk_loss_from_kernel(k, 2, 1.5), rtol=1e-12)


def test_labels_are_ones_then_zeros():
    np.testing.assert_array_equal(labels(2, 3), [1, 1, 0, 0, 0])


def _authors_cross_entropy(k, n_real, lam):
    """The authors' ORIGIN_LOSS by hand in float64: one-hot labels, MSE-trained NTK-GP, softmax CE."""
    n = k.shape[0]
    y = np.r_[np.ones(n_real), np.zeros(n - n_real)]
    labels_2 = np.stack([1 - y, y], axis=1)  # one_hot(y, 2): column 1 is "real"
    f = (np.eye(n) - scipy.linalg.expm(-lam * k)) @ labels_2
    log_softmax = f - np.log(np.exp(f).sum(axis=1, keepdims=True))
    target = np.tile([0.0, 1.0], (n, 1))  # every row labelled real
    return -np.mean(np.sum(log_softmax * target, axis=1))


@pytest.mark.parametrize("method", ["eigh", "expm"])
def test_cross_entropy_loss_equals_the_authors_softmax_form_in_float64(method):
    k = _psd(7, 20, scale=2.0)
    for n_real, lam in ((3, 0.7), (4, 5.12)):
        want = _authors_cross_entropy(k, n_real, lam)
        got = ganntk_loss_from_kernel(jnp.asarray(k), n_real, lam, method=method, loss="cross_entropy")
        np.testing.assert_allclose(got, want, rtol=1e-12)
    squared = ganntk_loss_from_kernel(jnp.asarray(k), 3, 0.7, loss="squared")
    assert abs(float(squared) - _authors_cross_entropy(k, 3, 0.7)) > 1e-3


def test_cross_entropy_gradient_matches_central_finite_differences():
    net = preset("cntk_digits")
    x, z = _digits(5, 21), _digits(5, 22)
    k_xx = kernel_matrix(net, x)

    _assert_gradient_matches_central_differences(
        lambda z: ganntk_loss(z, x, k_xx, net, 5.12, loss="cross_entropy"), z, 23
    )


def test_unknown_loss_is_named():
    with pytest.raises(ValueError, match="loss must be one of"):
        ganntk_loss_from_kernel(jnp.eye(4), 2, 1.0, loss="hinge")


def test_lambda_from_training_reproduces_the_authors_effective_lambdas():
    # rate 0.01, time 65536 * train_t_rate, one-hot labels over n + m rows
    assert lambda_from_training(0.01, 65536 * 2, 256 + 256) == pytest.approx(1.28)
    assert lambda_from_training(0.01, 65536 * 4, 256 + 256) == pytest.approx(2.56)
    assert lambda_from_training(0.01, 65536 * 2, 64 + 64) == pytest.approx(5.12)
    with pytest.raises(ValueError):
        lambda_from_training(0.01, 0, 128)
