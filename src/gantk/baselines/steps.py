"""The maths of one GAN iteration as pure, jitted functions: initial state, D and G steps, sampling.

One *iteration* is ``n_dis`` discriminator steps followed by one generator step (iterations
per second in Table 9 count these):

    for i in 1..n_dis:  x ~ data (B rows), z ~ N(0, I) → D ← D − opt_D(∇ [L_D(D(x), D(G(z))) + penalty])
    z ~ N(0, I)  → G ← G − opt_G(∇ L_G(D(G(z))))

Batch statistics are used in training mode throughout (the fake batch of a D step is
made by G in training mode; G's batch-norm averages are updated only by G steps).
Everything random comes from ``fold_in(key(seed), step)``, so a run resumed from a
checkpoint ends exactly as an uninterrupted one.

Samples come from G in evaluation mode (batch-norm running averages; StyleGAN2: the
moving average of G's weights) for a fixed set of latent vectors drawn from the seed;
images are clipped to [0, 1] (a no-op for the sigmoid output of the DCGAN-shaped G).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gantk.baselines.config import GANConfig
from gantk.baselines.losses import gradient_penalty, r1_penalty
from gantk.baselines.methods import GANMethod

#: PRNG implementation of every key of a run: XLA's RngBitGenerator compiles several times
#: faster on the CPU than threefry (parameter initialisation draws one tensor per layer);
#: streams are deterministic given the seed on a given platform.
PRNG_IMPL = "rbg"

# fold_in tags of the keys that are not per-iteration.
_INIT_TAG, _SAMPLE_TAG, _SAMPLE_NOISE_TAG = 2**31 - 1, 2**31 - 2, 2**31 - 3


def run_key(seed: int) -> jax.Array:
    """The root PRNG key of a run with ``seed`` (implementation :data:`PRNG_IMPL`)."""
    return jax.random.key(seed, impl=PRNG_IMPL)


def _apply(module: nn.Module, params, state, x, train: bool, rng):
    """``(output, new_state)``; the state (batch stats, spectral u) changes only in training mode."""
    variables = {"params": params, **state}
    rngs = {"noise": rng} if rng is not None else {}
    if train and state:
        out, new_state = module.apply(variables, x, train=True, rngs=rngs, mutable=list(state))
        return out, dict(new_state)
    return module.apply(variables, x, train=train, rngs=rngs), state


def _split(variables) -> tuple[Any, dict]:
    variables = dict(variables)
    params = variables.pop("params")
    return params, variables


def init_state(method: GANMethod, g: nn.Module, d: nn.Module, data_shape, cfg: GANConfig, dtype) -> dict:
    """The initial training state: G and D parameters and state, optimiser states, G's average."""
    init = _init_fn(method, g, d, tuple(data_shape), cfg.batch_size, cfg.latent_dim, jnp.dtype(dtype).name)
    return init(jax.random.fold_in(run_key(cfg.seed), _INIT_TAG))


@functools.lru_cache(maxsize=16)
def _init_fn(method: GANMethod, g: nn.Module, d: nn.Module, data_shape, batch_size, latent_dim, dtype_name):
    """The jitted ``key -> state`` (cached: repeated runs of one shape compile once)."""
    g_tx, d_tx = method.optimizers()
    dtype = jnp.dtype(dtype_name)

    @jax.jit
    def init(key):
        k_g, k_d, k_noise = jax.random.split(key, 3)
        z = jnp.zeros((batch_size, latent_dim), dtype)
        x = jnp.zeros((batch_size, *data_shape), dtype)
        g_params, g_state = _split(g.init({"params": k_g, "noise": k_noise}, z, train=False))
        d_params, d_state = _split(d.init({"params": k_d}, x, train=False))
        g_params, g_state, d_params, d_state = jax.tree.map(
            lambda a: a.astype(dtype) if jnp.issubdtype(a.dtype, jnp.floating) else a,
            (g_params, g_state, d_params, d_state),
        )
        state = {
            "g_params": g_params,
            "g_state": g_state,
            "d_params": d_params,
            "d_state": d_state,
            "g_opt": g_tx.init(g_params),
            "d_opt": d_tx.init(d_params),
        }
        if method.g_ema_kimg is not None:
            state["g_ema"] = g_params
        return state

    return init


class Updates(NamedTuple):
    """The pieces of one iteration, on explicit batches (pure; jit them as needed).

    * ``d_objective(state, real, z, key, regularise) -> (total, (d_state, adv, penalty, w_estimate))``:
      D's loss (penalty included when ``regularise``) with G's fakes of latents z.
    * ``d_update(state, real, z, key, regularise) -> (state, (adv, penalty, w_estimate))``: one D step.
    * ``g_objective(state, z, key) -> (loss, g_state)``: G's loss against the current D.
    * ``g_update(state, z, key, step) -> (state, loss)``: one G step (and G's moving average).
    """

    d_objective: Callable
    d_update: Callable
    g_objective: Callable
    g_update: Callable


def make_updates(method: GANMethod, g: nn.Module, d: nn.Module) -> Updates:
    """D and G steps of ``method`` with networks ``g``, ``d`` (see :class:`Updates`)."""
    loss = method.gan_loss
    g_tx, d_tx = method.optimizers()

    def d_loss(d_params, state, real, z, key, regularise):
        k_noise, k_eps = jax.random.split(key)
        fake = jax.lax.stop_gradient(_apply(g, state["g_params"], state["g_state"], z, True, k_noise)[0])
        r, s = _apply(d, d_params, state["d_state"], real, True, None)
        f, s = _apply(d, d_params, s, fake, True, None)
        adv = loss.discriminator(r, f)
        pen = jnp.zeros((), adv.dtype)
        if regularise:
            def critic(inputs):
                return _apply(d, d_params, s, inputs, True, None)[0]

            if method.penalty == "gradient_penalty":
                pen = gradient_penalty(critic, real, fake, jax.random.uniform(k_eps, (real.shape[0],), real.dtype))
            elif method.penalty == "r1":
                pen = r1_penalty(critic, real)
        total = adv + method.penalty_weight * method.penalty_every * pen
        return total, (s, adv, pen, jnp.mean(r) - jnp.mean(f))

    def d_objective(state, real, z, key, regularise):
        return d_loss(state["d_params"], state, real, z, key, regularise)

    def d_update(state, real, z, key, regularise):
        grads, (d_state, adv, pen, w_est) = jax.grad(d_loss, has_aux=True)(
            state["d_params"], state, real, z, key, regularise
        )
        updates, d_opt = d_tx.update(grads, state["d_opt"], state["d_params"])
        new = {**state, "d_params": optax.apply_updates(state["d_params"], updates), "d_state": d_state, "d_opt": d_opt}
        return new, (adv, pen, w_est)

    def g_loss(g_params, state, z, key):
        fake, g_state = _apply(g, g_params, state["g_state"], z, True, key)
        f, _ = _apply(d, state["d_params"], state["d_state"], fake, True, None)
        return loss.generator(f), g_state

    def g_objective(state, z, key):
        return g_loss(state["g_params"], state, z, key)

    def g_update(state, z, key, step):
        (value, g_state), grads = jax.value_and_grad(g_loss, has_aux=True)(state["g_params"], state, z, key)
        updates, g_opt = g_tx.update(grads, state["g_opt"], state["g_params"])
        g_params = optax.apply_updates(state["g_params"], updates)
        new = {**state, "g_params": g_params, "g_state": g_state, "g_opt": g_opt}
        if "g_ema" in state:
            beta = _ema_beta(method, step, z.shape[0])
            new["g_ema"] = jax.tree.map(lambda e, p: beta * e + (1 - beta) * p, state["g_ema"], g_params)
        return new, value

    return Updates(d_objective, d_update, g_objective, g_update)


def make_train_step(method: GANMethod, g: nn.Module, d: nn.Module, cfg: GANConfig):
    """The jitted iteration (cached per method, networks, batch and latent sizes): see :func:`_train_step`."""
    return _train_step(method, g, d, cfg.batch_size, cfg.latent_dim)


@functools.lru_cache(maxsize=16)
def _train_step(method: GANMethod, g: nn.Module, d: nn.Module, b: int, latent: int):
    """The jitted iteration ``(state, step, x, key, *, regularise) -> (state, metrics)``.

    ``n_dis`` D steps (each on B real rows drawn without replacement when n ≥ B, and B
    fresh latents), then one G step. ``regularise`` (static) adds the method's penalty to
    this iteration's D steps; the loop sets it every ``penalty_every`` iterations (lazy
    regularisation), scaling the penalty by that interval.
    """
    steps = make_updates(method, g, d)

    def critic_step(state, key, *, x, regularise):
        k_x, k_z, k_rest = jax.random.split(key, 3)
        real = x[jax.random.choice(k_x, x.shape[0], (b,), replace=x.shape[0] < b)]
        z = jax.random.normal(k_z, (b, latent), x.dtype)
        return steps.d_update(state, real, z, k_rest, regularise)

    def train_step(state, step, x, key, regularise: bool):
        key = jax.random.fold_in(key, step)
        d_keys = jax.random.split(jax.random.fold_in(key, 0), method.n_dis)
        state, (adv, pen, w_est) = jax.lax.scan(
            lambda st, k: critic_step(st, k, x=x, regularise=regularise), state, d_keys
        )
        k_z, k_noise = jax.random.split(jax.random.fold_in(key, 1))
        z = jax.random.normal(k_z, (b, latent), x.dtype)
        state, g_loss = steps.g_update(state, z, k_noise, step)
        leaves = jax.tree.leaves((state["g_params"], state["d_params"]))
        metrics = {
            "d_loss": jnp.mean(adv),
            "g_loss": g_loss,
            "penalty": jnp.mean(pen),
            "w_estimate": jnp.mean(w_est),
            "finite": jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in leaves])),
        }
        return state, metrics

    return jax.jit(train_step, static_argnames=("regularise",))


def _ema_beta(method: GANMethod, step, batch: int):
    """StyleGAN2's β = 0.5^(B / half-life in images), the half-life ramped up with images seen."""
    half_life = method.g_ema_kimg * 1000.0
    if method.g_ema_rampup is not None:
        half_life = jnp.minimum(half_life, (step + 1) * batch * method.g_ema_rampup)
    return 0.5 ** (batch / jnp.maximum(half_life, 1e-8))


def make_sampler(g: nn.Module, cfg: GANConfig, data_ndim: int):
    """``sample(state, n) -> np.ndarray``: G in evaluation mode on the run's fixed latents."""
    key = run_key(cfg.seed)
    gen = _generate_fn(g)

    def sample(state, n: int) -> np.ndarray:
        params = state.get("g_ema", state["g_params"])
        dtype = jax.tree.leaves(params)[0].dtype
        z_all = jax.random.normal(jax.random.fold_in(key, _SAMPLE_TAG), (n, cfg.latent_dim), dtype)
        noise_key = jax.random.fold_in(key, _SAMPLE_NOISE_TAG)
        out = []
        for i, start in enumerate(range(0, n, cfg.batch_size)):
            z = z_all[start : start + cfg.batch_size]
            pad = cfg.batch_size - z.shape[0]
            z = jnp.pad(z, ((0, pad), (0, 0)))
            out.append(np.asarray(gen(params, state["g_state"], z, jax.random.fold_in(noise_key, i)))[: cfg.batch_size - pad])
        samples = np.concatenate(out)
        return np.clip(samples, 0.0, 1.0) if data_ndim == 3 else samples

    return sample


@functools.lru_cache(maxsize=16)
def _generate_fn(g: nn.Module):
    return jax.jit(lambda params, st, z, rng: _apply(g, params, st, z, False, rng)[0])


__all__ = ["PRNG_IMPL", "Updates", "init_state", "make_sampler", "make_train_step", "make_updates", "run_key"]
