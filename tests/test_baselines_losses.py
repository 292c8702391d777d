"""GAN objectives: sign and value on hand-made discriminator outputs; the penalties against float64 references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.baselines.losses import LOSSES, get_loss, gradient_penalty, r1_penalty
from gantk.nets.gan import PointDiscriminator

REAL = jnp.array([2.0, 0.5, -1.0], jnp.float64)
FAKE = jnp.array([-3.0, 0.0, 1.5], jnp.float64)


def _softplus(v):
    return np.log1p(np.exp(v))


def test_nonsaturating_loss_is_the_binary_cross_entropy_of_the_logits():
    loss = get_loss("nonsaturating")
    r, f = np.asarray(REAL), np.asarray(FAKE)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    expected_d = -np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f)))
    np.testing.assert_allclose(loss.discriminator(REAL, FAKE), expected_d, rtol=1e-12)
    np.testing.assert_allclose(loss.generator(FAKE), -np.mean(np.log(sigmoid(f))), rtol=1e-12)
    np.testing.assert_allclose(loss.discriminator(REAL, FAKE), np.mean(_softplus(-r)) + np.mean(_softplus(f)))


def test_least_squares_loss_is_zero_at_the_lsgan_targets():
    loss = get_loss("least_squares")
    np.testing.assert_allclose(loss.discriminator(REAL, FAKE), 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2))
    assert loss.discriminator(jnp.ones(4), jnp.zeros(4)) == 0.0
    assert loss.generator(jnp.ones(4)) == 0.0
    np.testing.assert_allclose(loss.generator(jnp.zeros(4)), 0.5)


def test_wasserstein_losses_are_the_negated_critic_gap():
    loss = get_loss("wasserstein")
    gap = float(jnp.mean(REAL) - jnp.mean(FAKE))
    np.testing.assert_allclose(loss.discriminator(REAL, FAKE), -gap, rtol=1e-12)
    np.testing.assert_allclose(loss.generator(FAKE), -np.mean(FAKE), rtol=1e-12)
    # A critic that scores real data higher has the lower loss.
    assert loss.discriminator(REAL + 1, FAKE - 1) < loss.discriminator(REAL, FAKE)


def test_hinge_loss_ignores_confident_correct_outputs():
    loss = get_loss("hinge")
    assert loss.discriminator(jnp.array([1.0, 3.0]), jnp.array([-1.0, -5.0])) == 0.0
    np.testing.assert_allclose(loss.discriminator(jnp.array([0.0]), jnp.array([0.5])), 1.0 + 1.5)
    np.testing.assert_allclose(loss.generator(FAKE), -np.mean(FAKE))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_discriminator_that_separates_better_has_the_lower_loss(name):
    loss = get_loss(name)
    undecided = loss.discriminator(jnp.full(8, 0.5), jnp.full(8, 0.5))
    separating = loss.discriminator(jnp.full(8, 0.9), jnp.full(8, 0.1))
    assert separating < undecided
    # And the generator's loss falls when D scores its fakes as more real.
    assert loss.generator(jnp.full(8, 0.9)) < loss.generator(jnp.full(8, 0.1))


def test_unknown_loss_is_named():
    with pytest.raises(ValueError, match="'logistic'"):
        get_loss("logistic")


def _mlp_critic_reference(w1, b1, v, x):
    """f(x) = vᵀ tanh(W x + b) and ∇ₓ f = Wᵀ (v ⊙ (1 − tanh²)), float64 NumPy."""
    h = np.tanh(x @ w1.T + b1)
    return h @ v, (v * (1 - h**2)) @ w1


def test_gradient_penalty_equals_a_float64_reference_on_a_small_net():
    rng = np.random.default_rng(0)
    w1, b1, v = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=5)
    real, fake, eps = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.uniform(size=6)
    mixed = eps[:, None] * real + (1 - eps[:, None]) * fake
    _, grads = _mlp_critic_reference(w1, b1, v, mixed)
    expected = np.mean((np.linalg.norm(grads, axis=1) - 1) ** 2)

    def critic(x):
        return jnp.tanh(x @ jnp.asarray(w1).T + jnp.asarray(b1)) @ jnp.asarray(v)

    got = gradient_penalty(critic, jnp.asarray(real), jnp.asarray(fake), jnp.asarray(eps))
    assert got.dtype == jnp.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(r1_penalty(critic, jnp.asarray(real)),
                               np.mean(np.sum(_mlp_critic_reference(w1, b1, v, real)[1] ** 2, axis=1)), rtol=1e-10)


def test_gradient_penalty_of_the_toy_critic_matches_finite_differences():
    net = PointDiscriminator(hidden=(16, 16))
    x0 = jnp.zeros((4, 2), jnp.float64)
    params = jax.tree.map(lambda a: a.astype(jnp.float64), net.init(jax.random.key(0, impl="rbg"), x0, train=False))
    critic = jax.jit(lambda x: net.apply(params, x, train=False))
    rng = np.random.default_rng(1)
    real, fake, eps = rng.uniform(size=(4, 2)), rng.uniform(size=(4, 2)), rng.uniform(size=4)
    mixed = eps[:, None] * real + (1 - eps[:, None]) * fake
    h = 1e-6
    grads = np.zeros_like(mixed)
    for j in range(2):
        step = np.zeros_like(mixed)
        step[:, j] = h
        grads[:, j] = (np.asarray(critic(jnp.asarray(mixed + step))) - np.asarray(critic(jnp.asarray(mixed - step)))) / (2 * h)
    expected = np.mean((np.linalg.norm(grads, axis=1) - 1) ** 2)
    got = gradient_penalty(critic, jnp.asarray(real), jnp.asarray(fake), jnp.asarray(eps))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
