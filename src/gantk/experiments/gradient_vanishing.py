"""The gradient-norm experiment of paper Fig 5: a fake image's gradient against a trained
finite-width discriminator, and against the NTK-GP.

Setup (paper §4), on n real images X and n noise images Z₀ ~ U[0, 1] (from the seed),
labels y = 1ⁿ ⊕ 0ⁿ. One noise image z (row ``fake_index`` of Z₀) then follows gradient
descent, clipped to [0, 1], and the norm ‖∇_z‖ is recorded at every step, against:

(a) *a finite-width discriminator*: :class:`~gantk.nets.finite_net.FiniteNet` of the kernel
    preset's architecture (``width`` channels, NTK parameterisation) trained by plain
    gradient descent with rate η for ``disc_steps`` steps on ½‖f(X ⊕ Z₀) − y‖² (the
    paper: 65536 steps on 256 MNIST + 256 noise images), then frozen; loss ½(1 − f(z))².
(b) *its infinite-width limit, the NTK-GP* trained on the same data for the same time,
    λ = η · disc_steps, frozen: the mean prediction at z,
    D(z) = K(z, X ⊕ Z₀) K⁻¹ (I − exp(−λK)) y; loss ½(1 − D(z))².
(c) *the GA-NTK objective*: L = ½‖1 − D(X, Z; k, λ)‖² (Eqs. 3, 16) with z one of the
    fake rows of Z (the others fixed at Z₀), so the discriminator moves with z.

A discriminator trained to near-perfect separation can leave a fake almost no gradient
(the vanishing gradient of GANs); the figure shows how (a), (b) and (c) compare.
η defaults to 1 / λ_max(K) of the kernel on X ⊕ Z₀, inside gradient descent's stable
range 2 / λ_max for the wide network.

Example:
    >>> result = gradient_norms(x, GradientNormConfig(kernel="cntk_digits", disc_steps=4096))
    >>> result.curve[["step", "finite_grad_norm", "ntk_gp_grad_norm", "ganntk_grad_norm"]]
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd
from jaxtyping import Array, Float

from gantk.nets.finite_net import FiniteNet
from gantk.objective.gp import ganntk_loss, labels
from gantk.kernels import kernel_matrix, preset
from gantk.common.logging_utils import LOGGER_NAME

log = logging.getLogger(LOGGER_NAME)


@dataclasses.dataclass(frozen=True)
class GradientNormConfig:
    """Settings of the experiment (module doc).

    Attributes:
      kernel: kernel preset: the NTK-GP's kernel and the finite network's architecture.
      width: channels of the finite network's hidden layers.
      disc_steps: gradient-descent steps of the finite discriminator (paper: 65536).
      disc_lr: its rate η; None = 1 / λ_max(K) of the kernel on X ⊕ Z.
      lam: the NTK-GP's λ; None = η · disc_steps.
      fake_steps: gradient-descent steps of the fake image.
      fake_lr: their rate.
      fake_index: which noise image moves.
      seed: seeds the noise images and the network's initialisation.
      log_every: discriminator steps between progress lines.
    """

    kernel: str
    width: int = 128
    disc_steps: int = 65536
    disc_lr: float | None = None
    lam: float | None = None
    fake_steps: int = 200
    fake_lr: float = 0.01
    fake_index: int = 0
    seed: int = 0
    log_every: int = 4096

    def __post_init__(self):
        for name in ("width", "disc_steps", "fake_steps", "log_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"GradientNormConfig.{name} must be >= 1, got {getattr(self, name)}")
        for name in ("disc_lr", "lam", "fake_lr"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"GradientNormConfig.{name} must be > 0, got {value}")


@dataclasses.dataclass
class GradientNormResult:
    """What the experiment measured.

    Attributes:
      curve: per fake step (0 … fake_steps − 1), for each of ``finite``, ``ntk_gp`` and
        ``ganntk`` (module doc (a)–(c)): ``{name}_grad_norm`` (‖∇_z‖, pixel units) and
        ``{name}_loss``.
      disc_curve: per logged discriminator step: ``step``, ``mse`` (mean squared error
        on X ⊕ Z), ``real_mean`` and ``fake_mean`` (mean outputs).
      info: η, λ, the final separation and the settings.
      fakes: (3, H, W, C) the fake image after its steps against (a), (b) and (c).
      start: (H, W, C) the noise image it started from.
    """

    curve: pd.DataFrame
    disc_curve: pd.DataFrame
    info: dict[str, Any]
    fakes: np.ndarray
    start: np.ndarray


def _train_discriminator(model: FiniteNet, params, xz: Array, y: Array, cfg: GradientNormConfig, lr: float):
    def mse(p):
        return 0.5 * jnp.sum((model.apply(p, xz) - y) ** 2)

    optimizer = optax.sgd(lr)

    @functools.partial(jax.jit, static_argnums=2)
    def run(p, state, steps):
        def step(carry, _):
            p, state = carry
            grads = jax.grad(mse)(p)
            updates, state = optimizer.update(grads, state, p)
            return (optax.apply_updates(p, updates), state), None

        (p, state), _ = jax.lax.scan(step, (p, state), None, length=steps)
        return p, state

    outputs = jax.jit(model.apply)
    state, rows, done, started = optimizer.init(params), [], 0, time.monotonic()
    n = int(jnp.sum(y))
    while True:
        out = np.asarray(outputs(params, xz))
        rows.append({"step": done, "mse": float(np.mean((out - np.asarray(y)) ** 2)),
                     "real_mean": float(out[:n].mean()), "fake_mean": float(out[n:].mean())})
        if done:
            rate = done / (time.monotonic() - started)
            log.info("discriminator step %d/%d mse %.3g (%.0f steps/s)", done, cfg.disc_steps, rows[-1]["mse"], rate)
        if done == cfg.disc_steps:
            break
        chunk = min(cfg.log_every, cfg.disc_steps - done)
        params, state = run(params, state, chunk)
        done += chunk
    if not np.isfinite(rows[-1]["mse"]):
        raise FloatingPointError(f"the finite discriminator diverged (rate {lr:.3g}); set a smaller disc_lr")
    return params, pd.DataFrame(rows)


def _descend(loss, z0: Array, steps: int, lr: float) -> tuple[np.ndarray, np.ndarray, Array]:
    """Gradient descent on ``loss`` from ``z0``, clipped to [0, 1]: norms, losses, final z."""
    value_and_grad = jax.jit(jax.value_and_grad(loss))

    def step(z, _):
        value, g = value_and_grad(z)
        return jnp.clip(z - lr * g, 0.0, 1.0), (jnp.linalg.norm(g), value)

    z, (norms, values) = jax.lax.scan(step, z0, None, length=steps)
    return np.asarray(norms), np.asarray(values), z


def _gp_weights(k: Float[Array, "m m"], y: Float[Array, " m"], lam: float) -> Float[Array, " m"]:
    """α = K⁻¹ (I − exp(−λK)) y, so that the NTK-GP's mean prediction at x is K(x, ·) α.

    Computed in float64 through K = V diag(w) Vᵀ with (1 − e^{−λw}) / w → λ as w → 0, so a
    (near-)singular K needs no inverse.
    """
    w, v = np.linalg.eigh(np.asarray(k, np.float64))
    w = np.clip(w, 0.0, None)
    safe = np.where(w > 0, w, 1.0)
    phi = np.where(w * lam > 1e-8, -np.expm1(-lam * w) / safe, lam)
    return jnp.asarray(v @ (phi * (v.T @ np.asarray(y, np.float64))), k.dtype)


def gradient_norms(x: Float[np.ndarray, "n h w c"], cfg: GradientNormConfig) -> GradientNormResult:
    """Run the experiment (module doc) on real images ``x`` (n, H, W, C) in [0, 1]."""
    x = jnp.asarray(x, jnp.float32)
    n = x.shape[0]
    if not 0 <= cfg.fake_index < n:
        raise ValueError(f"fake_index {cfg.fake_index} is outside the {n} noise images")
    key_noise, key_init = jax.random.split(jax.random.key(cfg.seed))
    z = jax.random.uniform(key_noise, x.shape, x.dtype)
    xz, y = jnp.concatenate([x, z]), labels(n, n, x.dtype)
    net = preset(cfg.kernel)
    k = kernel_matrix(net, xz)
    lam_max = float(jnp.linalg.eigvalsh(k)[-1])
    lr = cfg.disc_lr if cfg.disc_lr is not None else 1.0 / lam_max
    lam = cfg.lam if cfg.lam is not None else lr * cfg.disc_steps
    log.info("%s: n = %d, λ_max(K) = %.4g, η = %.4g, λ = %.4g", cfg.kernel, n, lam_max, lr, lam)

    model = FiniteNet(net, cfg.width)
    # One compiled init: op-by-op initialisation costs seconds per layer on a CPU.
    params, disc_curve = _train_discriminator(model, jax.jit(model.init)(key_init, xz), xz, y, cfg, lr)

    def finite_loss(zi):
        return 0.5 * (1.0 - model.apply(params, zi[None])[0]) ** 2

    alpha = _gp_weights(k, y, lam)

    def ntk_gp_loss(zi):
        return 0.5 * (1.0 - kernel_matrix(net, zi[None], xz)[0] @ alpha) ** 2

    k_xx = k[:n, :n]

    def ganntk_objective(zi):
        return ganntk_loss(z.at[cfg.fake_index].set(zi), x, k_xx, net, lam)

    start = z[cfg.fake_index]
    columns, finals = {"step": np.arange(cfg.fake_steps)}, []
    for name, loss in (("finite", finite_loss), ("ntk_gp", ntk_gp_loss), ("ganntk", ganntk_objective)):
        norms, values, final_z = _descend(loss, start, cfg.fake_steps, cfg.fake_lr)
        columns[f"{name}_grad_norm"], columns[f"{name}_loss"] = norms, values
        finals.append(np.asarray(final_z))
    curve = pd.DataFrame(columns)
    if not np.all(np.isfinite(curve.to_numpy())):
        raise FloatingPointError("a gradient norm or loss of the fake image is not finite")
    final = disc_curve.iloc[-1]
    info = {
        **dataclasses.asdict(cfg),
        "n": n,
        "disc_lr_used": lr,
        "lam_used": lam,
        "lambda_max_K": lam_max,
        "disc_final_mse": float(final["mse"]),
        "disc_final_real_mean": float(final["real_mean"]),
        "disc_final_fake_mean": float(final["fake_mean"]),
    }
    return GradientNormResult(curve, disc_curve, info, np.stack(finals), np.asarray(start))


__all__ = ["GradientNormConfig", "GradientNormResult", "gradient_norms"]
