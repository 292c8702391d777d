"""The one training loop shared by every GAN baseline.

A method (:mod:`gantk.baselines.methods`) supplies its networks, its loss, its penalty and
its optimisers; this loop does the rest. One *iteration* is ``n_dis`` discriminator steps
followed by one generator step (iterations per second in Table 9 count these):

    for i in 1..n_dis:  x ~ data (B rows), z ~ N(0, I) → D ← D − opt_D(∇ [L_D(D(x), D(G(z))) + penalty])
    z ~ N(0, I)  → G ← G − opt_G(∇ L_G(D(G(z))))

Batch statistics are used in training mode throughout (the fake batch of a D step is
made by G in training mode; G's batch-norm averages are updated only by G steps).
Everything random comes from ``fold_in(key(seed), step)``, so a run resumed from a
checkpoint ends exactly as an uninterrupted one.

A run records per iteration: ``d_loss`` (the adversarial D loss, mean over the n_dis
steps, penalty excluded), ``penalty`` (its unweighted value, 0 on steps without it),
``w_estimate`` (E[D(x)] − E[D(G(z))]), ``g_loss``, ``seconds`` (wall time since the run
began, compilation included) and ``loss``: the method's monitored quantity, which early
stopping watches. It writes checkpoints, a progress line every ``log_every`` iterations,
samples of fixed noise every ``snapshot_every`` (``snapshots.npz``, for along-run
metrics) and a PNG grid of them every ``grid_every``. A NaN or infinite loss or
parameter raises :class:`gantk.synthesis.ga_ntk.NonFiniteLossError` naming the iteration; the last
checkpoint written (the last good state) is kept.

Samples come from G in evaluation mode (batch-norm running averages; StyleGAN2: the
moving average of G's weights) for a fixed set of ``n_samples`` latent vectors drawn from
the seed; images are clipped to [0, 1] (a no-op for the sigmoid output of the
DCGAN-shaped G).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from gantk.loop.stopping import DELTA, EarlyStopping
from gantk.baselines.losses import gradient_penalty, r1_penalty
from gantk.baselines.methods import GANMethod, get_method
from gantk.common.io import load_checkpoint, save_npz, save_run
from gantk.common.logging_utils import LOGGER_NAME
from gantk.loop.progress import NonFiniteLossError

log = logging.getLogger(LOGGER_NAME)

#: Per-iteration quantities recorded in the curve (besides ``step``, ``loss`` and ``seconds``).
METRICS = ("d_loss", "g_loss", "penalty", "w_estimate")

#: PRNG implementation of every key of a run: XLA's RngBitGenerator compiles several times
#: faster on the CPU than threefry (parameter initialisation draws one tensor per layer);
#: streams are deterministic given the seed on a given platform.
PRNG_IMPL = "rbg"

# fold_in tags of the keys that are not per-iteration.
_INIT_TAG, _SAMPLE_TAG, _SAMPLE_NOISE_TAG = 2**31 - 1, 2**31 - 2, 2**31 - 3


@dataclasses.dataclass(frozen=True)
class GANConfig:
    """Settings of one GAN run.

    Attributes:
      method: a name in :data:`gantk.baselines.methods.METHODS`.
      hparams: overrides of the method's hyper-parameters (``n_dis``, ``lr``, ``lr_g``, ``lr_d``,
        ``b1``, ``b2``, ``penalty_weight``, ``penalty_every``, ``clip``).
      steps: generator iterations (at most; early stopping or the time budget may end sooner).
      batch_size: real and fake rows per D step (and fake rows per G step); the paper's 64.
      latent_dim: dimension of z ~ N(0, I); the paper's 64.
      width: multiplier of the networks' channels and hidden sizes (1 = the paper's).
      seed: seeds initialisation, batches, noise and the sampling latents.
      n_samples: samples written at the end and per snapshot (None = as many as the data).
      snapshot_every: samples kept every this many iterations (0 = start and end only).
      checkpoint_every: checkpoint every this many iterations (0 = only at the end).
      log_every: a progress line every this many iterations (0 = none).
      grid_every: a PNG sample grid every this many iterations (0 = at the end only).
      patience: early stopping's patience in iterations (None = no early stopping).
      delta: early stopping's minimum improvement.
      monitor_window: early stopping monitors the mean of this many last losses.
      time_budget_s: stop once this many wall seconds of training have passed (None = no
        budget); the first, compiling iteration of a call does not count, so settings that
        compile alike are compared on equal training time (Fig 9).
      dtype: ``"float32"`` or ``"float64"``.
    """

    method: str = "wgan_gp"
    hparams: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    steps: int = 1000
    batch_size: int = 64
    latent_dim: int = 64
    width: float = 1.0
    seed: int = 0
    n_samples: int | None = None
    snapshot_every: int = 100
    checkpoint_every: int = 1000
    log_every: int = 100
    grid_every: int = 0
    patience: int | None = None
    delta: float = DELTA
    monitor_window: int = 100
    time_budget_s: float | None = None
    dtype: str = "float32"

    def __post_init__(self):
        object.__setattr__(self, "hparams", dict(self.hparams))
        get_method(self.method, self.hparams)
        for name in ("steps", "batch_size", "latent_dim"):
            if getattr(self, name) < 1:
                raise ValueError(f"GANConfig.{name} must be >= 1, got {getattr(self, name)}")
        for name in ("snapshot_every", "checkpoint_every", "log_every", "grid_every"):
            if getattr(self, name) < 0:
                raise ValueError(f"GANConfig.{name} must be >= 0, got {getattr(self, name)}")
        if not self.width > 0:
            raise ValueError(f"GANConfig.width must be positive, got {self.width}")
        if self.n_samples is not None and self.n_samples < 1:
            raise ValueError(f"GANConfig.n_samples must be None or >= 1, got {self.n_samples}")
        if self.patience is not None and self.patience < 1:
            raise ValueError(f"GANConfig.patience must be None or >= 1, got {self.patience}")
        if self.time_budget_s is not None and not self.time_budget_s > 0:
            raise ValueError(f"GANConfig.time_budget_s must be None or positive, got {self.time_budget_s}")
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"GANConfig.dtype must be 'float32' or 'float64', got {self.dtype!r}")

    @property
    def gan_method(self) -> GANMethod:
        return get_method(self.method, self.hparams)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], *, seed: int) -> "GANConfig":
        """The config of a workflow run: a method block of kind ``gan`` (``gan`` names the
        registered method; ``kind`` is dropped) and the run's seed.

        Raises:
          ValueError: a key that is not a GANConfig field (naming it and the allowed keys).
        """
        settings = dict(settings)
        settings.pop("kind", None)
        if "gan" not in settings:
            raise ValueError(f"a GAN method's settings need 'gan' (one of the registered methods), got {sorted(settings)}")
        settings["method"] = settings.pop("gan")
        fields = {f.name for f in dataclasses.fields(cls)} - {"seed"}
        unknown = sorted(set(settings) - fields)
        if unknown:
            raise ValueError(f"unknown GAN run setting(s) {unknown}; allowed: {sorted(fields - {'method'}) + ['gan']}")
        return cls(**settings, seed=int(seed))

    def fingerprint(self) -> str:
        """A hash of the settings that shape the trajectory (a run may be extended or stopped differently)."""
        skip = ("steps", "log_every", "checkpoint_every", "grid_every", "patience", "delta", "monitor_window",
                "time_budget_s")
        keep = {k: v for k, v in self.to_dict().items() if k not in skip}
        return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclasses.dataclass
class GANResult:
    """The outcome of a GAN run.

    Attributes:
      z: (n_samples, ...) samples in the data's shape.
      curve: one row per iteration: step (1-based), loss (monitored), d_loss, g_loss,
        penalty, w_estimate, seconds.
      snapshot_steps: (S,) iterations of the snapshots (0 = the initial G).
      snapshots: (S, n_samples, ...) samples of the fixed latents at those iterations.
      config: the run's settings.
      stop_reason: ``"steps"``, ``"early_stopping"``, ``"time_budget"`` or ``"interrupted"``.
      converged_step: the last improving iteration under early stopping (None without it).
    """

    z: np.ndarray
    curve: pd.DataFrame
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    config: GANConfig
    stop_reason: str
    converged_step: int | None

    def iterations_per_second(self) -> float | None:
        """Iterations per wall second after the first (compiling) iteration; None if < 2 iterations."""
        return steady_rate(self.curve)

    def save(self, out_dir: str | Path) -> None:
        """Write samples.npz (z), curve.csv, snapshots.npz (steps, z) and params.json under ``out_dir``."""
        final = float(self.curve["loss"].iloc[-1]) if len(self.curve) else None
        save_run(
            out_dir,
            z=self.z,
            curve=self.curve,
            snapshot_steps=self.snapshot_steps,
            snapshots=self.snapshots,
            params={
                "kind": "gan",
                "config": self.config.to_dict(),
                "method": self.config.gan_method.to_dict(),
                "final_loss": final,
                "steps_done": int(len(self.curve)),
                "stop_reason": self.stop_reason,
                "converged_step": self.converged_step,
                "iterations_per_second": self.iterations_per_second(),
                "seconds": float(self.curve["seconds"].iloc[-1]) if len(self.curve) else 0.0,
            },
        )


def run_key(seed: int) -> jax.Array:
    """The root PRNG key of a run with ``seed`` (implementation :data:`PRNG_IMPL`)."""
    return jax.random.key(seed, impl=PRNG_IMPL)


def steady_rate(curve: pd.DataFrame) -> float | None:
    """Iterations per second between the end of iteration 1 and the last one (compilation excluded)."""
    if len(curve) < 2:
        return None
    seconds = curve["seconds"].to_numpy()
    span = float(seconds[-1] - seconds[0])
    return (len(curve) - 1) / span if span > 0 else None


# --------------------------------------------------------------------------------------
# Networks as pure functions of (params, state)


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
            "params_finite": jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in leaves])),
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


# --------------------------------------------------------------------------------------
# The loop


def train_gan(
    x: np.ndarray,
    cfg: GANConfig,
    *,
    checkpoint: str | Path | None = None,
    grid_dir: str | Path | None = None,
    stop_after: int | None = None,
) -> GANResult:
    """Train the GAN of ``cfg.method`` on real data ``x``; return samples and the curve.

    Args:
      x: (n, H, W, C) images in [0, 1] or (n, d) points.
      cfg: the run's settings.
      checkpoint: path of the checkpoint ``.npz``; if it exists the run resumes from it
        (written with the same settings, else a ValueError), and it is written every
        ``cfg.checkpoint_every`` iterations and at the end.
      grid_dir: folder for PNG sample grids (``step_0001000.png``); None = no grids.
      stop_after: stop (after checkpointing) once this iteration is reached, as if
        killed; for tests of resumption.

    Returns:
      A :class:`GANResult`.

    Raises:
      NonFiniteLossError: a loss or parameter became NaN/Inf; names the iteration and the
        last good checkpoint, which is kept.
      ValueError: data of the wrong shape or a checkpoint from other settings.
    """
    dtype = _dtype(cfg.dtype)
    x = jnp.asarray(x, dtype)
    if x.ndim not in (2, 4):
        raise ValueError(f"x must be (n, H, W, C) images or (n, d) points, got shape {x.shape}")
    if x.shape[0] < 1:
        raise ValueError("x holds no data")
    method = cfg.gan_method
    g, d = method.networks(x.shape[1:], cfg.width)
    key = run_key(cfg.seed)
    state = init_state(method, g, d, x.shape[1:], cfg, dtype)
    step_fn = make_train_step(method, g, d, cfg)
    sample = make_sampler(g, cfg, x.ndim - 1)
    n_samples = cfg.n_samples or x.shape[0]

    records: dict[str, list[float]] = {name: [] for name in ("loss", *METRICS, "seconds")}
    snap_steps, snaps = [0], [sample(state, n_samples)]
    start, elapsed0 = 0, 0.0
    ckpt = Path(checkpoint) if checkpoint is not None else None
    if ckpt is not None and ckpt.exists():
        state, start, records, snap_steps, snaps = _load_checkpoint(ckpt, cfg, state)
        elapsed0 = records["seconds"][-1] if records["seconds"] else 0.0
        log.info("resumed from %s at iteration %d", ckpt, start)
    stopper = None
    if cfg.patience is not None:
        stopper = EarlyStopping(cfg.patience, cfg.delta, cfg.monitor_window, mode=method.monitor_mode)
        for value in records["loss"]:
            stopper.update(value)

    log.info(
        "%s: %d iterations, n_dis %d, batch %d, latent %d, data %s, G %d / D %d parameters",
        method.name, cfg.steps, method.n_dis, cfg.batch_size, cfg.latent_dim, tuple(x.shape),
        _count(state["g_params"]), _count(state["d_params"]),
    )
    t0 = time.perf_counter()
    t_last, step_last = t0, start
    last_good = start if ckpt is not None and ckpt.exists() else None
    stop_reason, done = "steps", start
    for step in range(start, cfg.steps):
        regularise = method.penalty != "none" and step % method.penalty_every == 0
        new_state, metrics = step_fn(state, step, x, key, regularise=regularise)
        metrics = {k: v.item() for k, v in jax.device_get(metrics).items()}
        bad = [k for k in METRICS if not np.isfinite(metrics[k])]
        if bad or not metrics["params_finite"]:
            where = f"last good checkpoint {ckpt} (iteration {last_good})" if last_good is not None else (
                "no checkpoint was written yet" if ckpt is not None else "no checkpoint was configured")
            what = ", ".join(f"{k} = {metrics[k]}" for k in bad) or "a parameter"
            raise NonFiniteLossError(
                f"{method.name}: {what} is not finite at iteration {step + 1} "
                f"(lr G {method.g_opt.lr}, lr D {method.d_opt.lr}, n_dis {method.n_dis}); {where}"
            )
        state, done = new_state, step + 1
        value = metrics[method.monitor]
        records["loss"].append(value)
        for name in METRICS:
            records[name].append(metrics[name])
        elapsed = elapsed0 + time.perf_counter() - t0
        records["seconds"].append(elapsed)

        if stopper is not None and stopper.update(value):
            stop_reason = "early_stopping"
        elif cfg.time_budget_s is not None and _budget_used(records["seconds"], start) >= cfg.time_budget_s:
            stop_reason = "time_budget"
        interrupted = stop_after is not None and done >= stop_after and done < cfg.steps
        final = done == cfg.steps or stop_reason != "steps"
        if final or (cfg.snapshot_every and done % cfg.snapshot_every == 0):
            snap_steps.append(done)
            snaps.append(sample(state, n_samples))
        if grid_dir is not None and (final or (cfg.grid_every and done % cfg.grid_every == 0)):
            save_sample_grid(Path(grid_dir) / f"step_{done:07d}.png", snaps[-1] if snap_steps[-1] == done
                             else sample(state, n_samples), title=f"{method.name}, iteration {done}")
        if cfg.log_every and (done % cfg.log_every == 0 or final):
            now = time.perf_counter()
            rate = (done - step_last) / max(now - t_last, 1e-9)
            log.info(
                "iteration %d/%d d_loss %.4g g_loss %.4g penalty %.3g w %.4g (%.1f it/s)",
                done, cfg.steps, metrics["d_loss"], metrics["g_loss"], metrics["penalty"],
                metrics["w_estimate"], rate,
            )
            t_last, step_last = now, done
        if ckpt is not None and (final or interrupted or (cfg.checkpoint_every and done % cfg.checkpoint_every == 0)):
            _save_checkpoint(ckpt, cfg, state, done, records, snap_steps, snaps)
            last_good = done
        if interrupted:
            stop_reason = "interrupted"
            break
        if stop_reason != "steps":
            log.info("stopped at iteration %d: %s", done, stop_reason.replace("_", " "))
            break

    if snap_steps[-1] != done:
        snap_steps.append(done)
        snaps.append(sample(state, n_samples))
    curve = pd.DataFrame({"step": np.arange(1, len(records["loss"]) + 1), **records})
    return GANResult(
        z=snaps[-1],
        curve=curve,
        snapshot_steps=np.asarray(snap_steps),
        snapshots=np.stack(snaps),
        config=cfg,
        stop_reason=stop_reason,
        converged_step=stopper.converged_step if stopper is not None else None,
    )


def save_sample_grid(path: str | Path, samples: np.ndarray, *, title: str | None = None, count: int = 64) -> None:
    """A PNG of the first ``count`` samples: an image grid, or a scatter plot of 2-D points."""
    from matplotlib.figure import Figure

    from gantk.common.io import save_figure
    from gantk.plots.grids import image_grid

    samples = np.asarray(samples)
    fig = Figure(figsize=(4, 4.3))
    ax = fig.subplots()
    if samples.ndim == 4:
        grid = image_grid(samples[:count])
        ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=1)
        ax.axis("off")
    else:
        ax.scatter(samples[:, 0], samples[:, 1], s=4)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=9)
    save_figure(path, fig, dpi=100)


def _budget_used(seconds: list[float], start: int) -> float:
    """Training seconds so far: the recorded time, less this call's first (compiling) iteration."""
    first = seconds[start] - (seconds[start - 1] if start > 0 else 0.0)
    return seconds[-1] - first


def _count(tree) -> int:
    return int(sum(np.size(leaf) for leaf in jax.tree.leaves(tree)))


def _dtype(name: str):
    if name == "float64" and not jax.config.jax_enable_x64:
        log.info("float64 requested: enabling JAX 64-bit mode")
        jax.config.update("jax_enable_x64", True)
    return jnp.float64 if name == "float64" else jnp.float32


def _save_checkpoint(path, cfg, state, step, records, snap_steps, snaps) -> None:
    leaves = {f"state_{i}": np.asarray(leaf) for i, leaf in enumerate(jax.tree.leaves(state))}
    save_npz(
        path,
        step=np.asarray(step),
        fingerprint=np.asarray(cfg.fingerprint()),
        snapshot_steps=np.asarray(snap_steps),
        snapshots=np.stack(snaps),
        **{f"curve_{k}": np.asarray(v, np.float64) for k, v in records.items()},
        **leaves,
    )


def _load_checkpoint(path: Path, cfg: GANConfig, template):
    data = load_checkpoint(path, cfg.fingerprint())
    leaves, treedef = jax.tree.flatten(template)
    restored = []
    for i, leaf in enumerate(leaves):
        stored = data.get(f"state_{i}")
        if stored is None or stored.shape != np.shape(leaf):
            raise ValueError(f"checkpoint {path}: state entry {i} is missing or has another shape; delete it")
        restored.append(jnp.asarray(stored, dtype=leaf.dtype))
    records = {k: data[f"curve_{k}"].tolist() for k in ("loss", *METRICS, "seconds")}
    return (
        jax.tree.unflatten(treedef, restored),
        int(data["step"]),
        records,
        data["snapshot_steps"].tolist(),
        list(data["snapshots"]),
    )


__all__ = ["GANConfig", "GANResult", "METRICS", "Updates", "make_sampler", "make_train_step", "make_updates", "save_sample_grid",
           "steady_rate", "train_gan"]
