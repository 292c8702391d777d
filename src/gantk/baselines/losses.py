"""GAN objectives as functions of discriminator outputs, and the gradient regularisers.

Each :class:`GANLoss` is a pair of pure functions of the discriminator's raw outputs
(logits or critic values, shape (B,)) on a real batch ``r`` and a fake batch ``f``;
the discriminator minimises ``discriminator(r, f)``, the generator ``generator(f)``:

* ``nonsaturating``: D: E[softplus(−r)] + E[softplus(f)] (= −E log σ(r) − E log(1 − σ(f)));
  G: E[softplus(−f)].
* ``least_squares`` (LSGAN, a = 0, b = c = 1): D: ½E[(r − 1)²] + ½E[f²]; G: ½E[(f − 1)²].
* ``wasserstein``: D: E[f] − E[r]; G: −E[f].
* ``hinge``: D: E[relu(1 − r)] + E[relu(1 + f)]; G: −E[f].

The non-saturating generator loss is the one Goodfellow et al. (2014) recommend in
practice (vanilla GAN, DCGAN, StyleGAN2's logistic loss). The regularisers take the
critic as a function of its input, ``critic(x) -> (B,)``, which must score samples
independently (no batch statistics) for the per-sample gradients to be meaningful:

* :func:`gradient_penalty` (WGAN-GP): E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²], x̂ = εx + (1 − ε)x̃, ε ~ U[0, 1].
* :func:`r1_penalty` (StyleGAN2): E[‖∇ₓ D(x)‖²] on real data; the objective adds γ/2 times it.

References:
  Goodfellow et al. Generative Adversarial Nets. NeurIPS 2014.
  Mao et al. Least Squares Generative Adversarial Networks. ICCV 2017.
  Arjovsky, Chintala, Bottou. Wasserstein GAN. ICML 2017.
  Gulrajani et al. Improved Training of Wasserstein GANs. NeurIPS 2017.
  Miyato et al. Spectral Normalization for GANs. ICLR 2018 (hinge loss).
  Mescheder, Geiger, Nowozin. Which Training Methods for GANs do actually Converge? ICML 2018 (R1).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

Scores = Float[Array, " b"]


class GANLoss(NamedTuple):
    """A GAN objective: ``discriminator(r, f)`` and ``generator(f)``, each a scalar to minimise."""

    name: str
    discriminator: Callable[[Scores, Scores], Float[Array, ""]]
    generator: Callable[[Scores], Float[Array, ""]]


def nonsaturating_d(real: Scores, fake: Scores) -> Float[Array, ""]:
    """−E log σ(r) − E log(1 − σ(f)), r and f logits."""
    return jnp.mean(jax.nn.softplus(-real)) + jnp.mean(jax.nn.softplus(fake))


def nonsaturating_g(fake: Scores) -> Float[Array, ""]:
    """−E log σ(f)."""
    return jnp.mean(jax.nn.softplus(-fake))


def least_squares_d(real: Scores, fake: Scores) -> Float[Array, ""]:
    """½E[(r − 1)²] + ½E[f²]."""
    return 0.5 * jnp.mean((real - 1.0) ** 2) + 0.5 * jnp.mean(fake**2)


def least_squares_g(fake: Scores) -> Float[Array, ""]:
    """½E[(f − 1)²]."""
    return 0.5 * jnp.mean((fake - 1.0) ** 2)


def wasserstein_d(real: Scores, fake: Scores) -> Float[Array, ""]:
    """E[f] − E[r]: the negative of the critic's Wasserstein-1 estimate."""
    return jnp.mean(fake) - jnp.mean(real)


def wasserstein_g(fake: Scores) -> Float[Array, ""]:
    """−E[f]."""
    return -jnp.mean(fake)


def hinge_d(real: Scores, fake: Scores) -> Float[Array, ""]:
    """E[relu(1 − r)] + E[relu(1 + f)]."""
    return jnp.mean(jax.nn.relu(1.0 - real)) + jnp.mean(jax.nn.relu(1.0 + fake))


LOSSES: dict[str, GANLoss] = {
    "nonsaturating": GANLoss("nonsaturating", nonsaturating_d, nonsaturating_g),
    "least_squares": GANLoss("least_squares", least_squares_d, least_squares_g),
    "wasserstein": GANLoss("wasserstein", wasserstein_d, wasserstein_g),
    "hinge": GANLoss("hinge", hinge_d, wasserstein_g),
}


def get_loss(name: str) -> GANLoss:
    """The :class:`GANLoss` called ``name`` (see :data:`LOSSES`)."""
    if name not in LOSSES:
        raise ValueError(f"unknown GAN loss {name!r}; known: {', '.join(LOSSES)}")
    return LOSSES[name]


def _per_sample_grad_norm_sq(critic: Callable[[Array], Scores], x: Array) -> Float[Array, " b"]:
    # The sum's gradient is each sample's own gradient when the critic scores samples independently.
    grads = jax.grad(lambda xs: jnp.sum(critic(xs)))(x)
    return jnp.sum(grads.reshape(x.shape[0], -1) ** 2, axis=1)


def gradient_penalty(
    critic: Callable[[Array], Scores], real: Float[Array, "b *f"], fake: Float[Array, "b *f"], eps: Float[Array, " b"]
) -> Float[Array, ""]:
    """WGAN-GP's E[(‖∇ D(x̂)‖₂ − 1)²] at x̂ = εx + (1 − ε)x̃, one ε ∈ [0, 1] per sample.

    Args:
      critic: x (B, ...) → (B,) scores, samples scored independently.
      real, fake: (B, ...) batches of equal shape.
      eps: (B,) interpolation weights, ε ~ U[0, 1] in WGAN-GP.
    """
    if real.shape != fake.shape:
        raise ValueError(f"real and fake batches differ in shape: {real.shape} vs {fake.shape}")
    e = eps.reshape((-1,) + (1,) * (real.ndim - 1))
    mixed = e * real + (1.0 - e) * fake
    # The tiny offset keeps the gradient of the norm finite where ∇D vanishes.
    norms = jnp.sqrt(_per_sample_grad_norm_sq(critic, mixed) + 1e-12)
    return jnp.mean((norms - 1.0) ** 2)


def r1_penalty(critic: Callable[[Array], Scores], real: Float[Array, "b *f"]) -> Float[Array, ""]:
    """R1: E‖∇ₓ D(x)‖² over the real batch (the objective adds γ/2 times it)."""
    return jnp.mean(_per_sample_grad_norm_sq(critic, real))


__all__ = [
    "GANLoss",
    "LOSSES",
    "get_loss",
    "gradient_penalty",
    "hinge_d",
    "least_squares_d",
    "least_squares_g",
    "nonsaturating_d",
    "nonsaturating_g",
    "r1_penalty",
    "wasserstein_d",
    "wasserstein_g",
]
