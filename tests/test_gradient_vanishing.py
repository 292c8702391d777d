"""gantk.experiments.gradient_vanishing (paper Fig 5) at tiny scale: the three losses against closed forms."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.data.builtin import load_digits
from gantk.objective.gp import discriminator, ganntk_loss_from_kernel, labels
from gantk.experiments.gradient_vanishing import GradientNormConfig, _gp_weights, gradient_norms
from gantk.kernels import kernel_matrix, preset


@pytest.fixture(scope="module")
def result():
    cfg = GradientNormConfig(kernel="cntk_digits", width=16, disc_steps=300, fake_steps=20, fake_lr=0.05, log_every=100)
    return gradient_norms(load_digits()[:8], cfg)


def test_gp_weights_reproduce_eq3_on_the_training_rows():
    x = jnp.asarray(load_digits()[:6].reshape(6, -1), jnp.float64)
    k = kernel_matrix(preset("fntk"), x)
    y = labels(3, 3, jnp.float64)
    for lam in (1e-3, 1.0, 50.0):
        np.testing.assert_allclose(k @ _gp_weights(k, y, lam), discriminator(k, y, lam), atol=1e-9)


def test_the_finite_discriminator_learns_to_separate(result):
    mse = result.disc_curve["mse"].to_numpy()
    assert mse[-1] < mse[0] / 10
    assert result.info["disc_final_real_mean"] > 0.8 and result.info["disc_final_fake_mean"] < 0.2
    assert list(result.disc_curve["step"]) == [0, 100, 200, 300]


def _noise_like(x):
    """The noise images Z₀ the experiment draws for seed 0."""
    return jax.random.uniform(jax.random.split(jax.random.key(0))[0], x.shape, x.dtype)


def test_first_step_losses_equal_the_closed_forms(result):
    x = jnp.asarray(load_digits()[:8])
    z = _noise_like(x)
    np.testing.assert_allclose(np.asarray(z[0]), result.start, atol=0)
    k = kernel_matrix(preset("cntk_digits"), jnp.concatenate([x, z]))
    lam = result.info["lam_used"]
    np.testing.assert_allclose(lam, result.info["disc_lr_used"] * 300, rtol=1e-12)
    # (b): the fake starts as training row 8 of the NTK-GP, so it is scored by Eq. 3.
    d = discriminator(k, labels(8, 8, k.dtype), lam)
    np.testing.assert_allclose(result.curve["ntk_gp_loss"].iloc[0], 0.5 * (1 - float(d[8])) ** 2, rtol=1e-4, atol=1e-7)
    # (c): the single-level objective of X and the noise (Eq. 16).
    expected = ganntk_loss_from_kernel(k, 8, lam)
    np.testing.assert_allclose(result.curve["ganntk_loss"].iloc[0], float(expected), rtol=1e-4)


def test_descent_lowers_the_finite_and_ntk_gp_losses(result):
    for name in ("finite", "ntk_gp"):
        losses = result.curve[f"{name}_loss"].to_numpy()
        assert losses[-1] < losses[0]
    assert np.all(result.curve[[c for c in result.curve if c.endswith("grad_norm")]].to_numpy() >= 0)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="disc_steps"):
        GradientNormConfig(kernel="fntk", disc_steps=0)
    with pytest.raises(ValueError, match="fake_index"):
        gradient_norms(load_digits()[:4], GradientNormConfig(kernel="cntk_digits", fake_index=9, disc_steps=1))
