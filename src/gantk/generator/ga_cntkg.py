"""GA-CNTKg: a generator trained against the NTK-GP discriminator in an autoencoder's code space.

The generator variant of GA-NTK (paper Eq. 6) replaces the free fake points Z by the
outputs of a network, Z = G(ζ; θ_G) with ζ ~ N(0, I_latent), and optimises θ_G
batch-wise (Eq. 5). The discriminator works on the codes of a pre-trained, frozen
autoencoder A (``gantk.generator.autoencoder``): with c_i = encoder(x_i) the codes of the n real
images, each step samples b real codes C_b and b latents ζ_b and minimises

    L(θ_G) = ½ ‖1 − D(C_b, G(ζ_b); k, λ)‖²,   D = (I − exp(−λK)) y          (Eqs. 3, 16)

with K the 2b × 2b NTK of the code kernel k over C_b ⊕ G(ζ_b), through
``gantk.objective.gp.batchwise_loss``. Samples are images ``decoder(G(ζ))``.

Only the fake half moves: the real codes and their kernel block K_xx (computed once for
all n codes) enter the loss through ``jax.lax.stop_gradient``, and the autoencoder is
used only to make the real codes (before training) and to decode samples, so neither its
encoder nor its decoder receives a gradient (``tests/test_generator.py`` pins both).

The code kernel. The default is the ``fntk`` preset (flatten, [Dense, ReLU] ×3, Dense).
The authors' code (``ga-ntk/ga-ntk``, ``gan-ntkg/gan/gantkgan_generator.py``) used a
flattened four-layer Erf network in code space, available here as ``"fntk_erf"``
(:data:`CODE_KERNELS`); their loss was a two-class softmax cross-entropy on the
NTK-GP output with a 1e-4 diagonal regulariser, where this module uses the paper's
Eq. 16. Codes lie in (−1, 1) (Table 7's tanh, ``gantk.nets.autoencoder``), and
:func:`code_lambda_search` is ``lambda_search`` on the codes with its noise uniform over that range.

Generator networks (:class:`CodeGenerator`, DCGAN/InfoGAN-shaped like the authors'):
FC 1024 BN ReLU → FC s_h·s_w·C_top BN ReLU → reshape → [ConvT 4×4 s2 BN ReLU] … →
ConvT 4×4 s2 to the code channels → tanh, cropped to the code's (h, w); codes of at
most 4×4 positions (and flat codes) use FC 1024 BN ReLU ×2 → FC → tanh. Weights
start N(0, 0.02²).

Optimiser (the authors' settings): Adam(2·10⁻⁴, β₁ = 0.5), gradients clipped to global
norm 5, b = 64, latent dimension 64. The loop is the library's one driver
(:func:`gantk.loop.driver.run`), as for GA-NTK: runs checkpoint and resume exactly (the batch
and ζ of step t come from ``fold_in(key, t)``), and a NaN/Inf loss or gradient stops the run
naming the step.

The pieces: the code kernels and λ on codes (:mod:`~gantk.generator.code_space`), the
settings (:mod:`~gantk.generator.config`), sampling, the run folder and loading a generator
back (:mod:`~gantk.generator.artefacts`); this module holds the loss and the training.

Example:
    >>> ae = load_autoencoder("results/ae/digits/split")
    >>> lam = code_lambda_search(ae, x, "fntk")["lam"]
    >>> result = train_generator(x, ae, GeneratorConfig(lam=lam, steps=2000, batch_size=32))
    >>> result.save("results/runs/digits/n64_s0/ga_cntkg")       # samples are decoder(G(ζ))
"""

from __future__ import annotations


from __future__ import annotations

import dataclasses
import functools
import logging
import math
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jaxtyping import Array, Float

from gantk.common.logging_utils import LOGGER_NAME
from gantk.generator.artefacts import (
    GENERATOR_FILE,
    GeneratorResult,
    latent_grid,
    load_generator,
    sample_images,
    seed_latents,
    variable_shapes,
)
from gantk.generator.autoencoder import Autoencoder, numpy_init
from gantk.generator.code_space import CODE_KERNELS, check_code_kernel, code_kernel, code_lambda_search, kernel_input
from gantk.generator.config import GeneratorConfig
from gantk.kernels import ElementNet, kernel_matrix
from gantk.loop.driver import LoopSpec, Trainer, run
from gantk.loop.stopping import StopRule, StopTracker, outcome
from gantk.nets.generator import _INIT_STD, CodeGenerator
from gantk.objective.gp import Method, batchwise_loss

log = logging.getLogger(LOGGER_NAME)

# Streams of the run seed besides the per-step keys fold_in(key, step).
_KEY_FIXED, _KEY_SAMPLES = 1, 2


def generator_loss(
    g_params: Any,
    g_stats: Any,
    zeta: Float[Array, "b latent"],
    real_codes: Float[Array, "b *code"],
    k_xx: Float[Array, "b b"],
    *,
    generator: CodeGenerator,
    net: ElementNet,
    lam: float,
    method: Method = "eigh",
    krylov_dim: int = 64,
) -> tuple[Float[Array, ""], Any]:
    """The GA-CNTKg loss of one batch (Eq. 5 in code space) and the generator's updated batch statistics.

    Args:
      g_params, g_stats: the generator's parameters and BatchNorm statistics.
      zeta: (b, latent) latents.
      real_codes: (b, *code) codes of b real images.
      k_xx: (b, b) kernel block of those codes.
      generator, net, lam, method, krylov_dim: the network, code kernel, λ and exp(−λK) route.

    Returns:
      ``(loss, new_stats)``. The real codes and K_xx pass through ``stop_gradient``: only
      the fake half of K carries gradient (to ``g_params``).
    """
    real_codes = jax.lax.stop_gradient(real_codes)
    k_xx = jax.lax.stop_gradient(k_xx)
    fake, updates = generator.apply(
        {"params": g_params, "batch_stats": g_stats}, zeta, train=True, mutable=["batch_stats"]
    )
    loss = batchwise_loss(
        kernel_input(fake, net),
        kernel_input(real_codes, net),
        [k_xx],
        [net],
        [lam],
        method=method,
        krylov_dim=krylov_dim,
    )
    return loss, updates["batch_stats"]



def _step_settings(cfg: GeneratorConfig) -> GeneratorConfig:
    """``cfg`` with only the settings the compiled step depends on (the rest at defaults): the step's cache key."""
    return dataclasses.replace(cfg, steps=0, seed=0, snapshot_every=0, checkpoint_every=0, log_every=0,
                               fixed_samples=1, samples=None, code_shape=None, stop=StopRule())  # fmt: skip


@functools.lru_cache(maxsize=16)
def _step_fn(cfg: GeneratorConfig, code_shape: tuple[int, ...], n: int):
    """The optimiser and the jitted step ``(params, stats, opt_state, step, codes, k_xx, key) -> (params, stats,
    opt_state, loss, ‖g‖)`` for ``n`` real codes of ``code_shape``; cached by :func:`_step_settings`, so that
    repeated runs (resumption, other seeds) compile once.

    The codes and K_xx are arguments, not closure constants, so XLA does not constant-fold them.
    """
    generator, net = CodeGenerator(code_shape, cfg.width), code_kernel(cfg.kernel)
    b = cfg.batch_size
    opt = optax.chain(
        optax.clip_by_global_norm(cfg.clip_norm) if cfg.clip_norm is not None else optax.identity(),
        optax.adam(cfg.lr, b1=cfg.beta1, b2=cfg.beta2),
    )

    @jax.jit
    def step_fn(params, stats, opt_state, step, codes, k_xx, key):
        key_x, key_z = jax.random.split(jax.random.fold_in(key, step))
        idx = jax.random.choice(key_x, n, (b,), replace=False)
        zeta = jax.random.normal(key_z, (b, cfg.latent_dim), jnp.float32)
        (loss, new_stats), grads = jax.value_and_grad(generator_loss, has_aux=True)(
            params, stats, zeta, codes[idx], k_xx[idx][:, idx],
            generator=generator, net=net, lam=cfg.lam, method=cfg.method, krylov_dim=cfg.krylov_dim,
        )  # fmt: skip
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), new_stats, opt_state, loss, optax.tree.norm(grads)

    return opt, step_fn


def _check_inputs(x: np.ndarray, ae: Autoencoder, cfg: GeneratorConfig) -> None:
    if cfg.code_shape is not None and tuple(cfg.code_shape) != tuple(ae.code_shape):
        raise ValueError(
            f"the autoencoder makes codes of shape {tuple(ae.code_shape)} ({ae.code_size} values), but the kernel "
            f"and λ of this run were set up for codes of shape {tuple(cfg.code_shape)} ({math.prod(cfg.code_shape)} "
            "values); search λ again on this autoencoder's codes"
        )
    check_code_kernel(ae.code_shape, cfg.kernel)
    if x.ndim != 4 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 real images of shape (n, H, W, C), got {x.shape}")
    if cfg.batch_size > x.shape[0]:
        raise ValueError(f"batch_size {cfg.batch_size} exceeds the {x.shape[0]} real images")


def train_generator(
    x: Float[np.ndarray, "n h w c"],
    ae: Autoencoder,
    cfg: GeneratorConfig,
    *,
    checkpoint: str | Path | None = None,
    stop_after: int | None = None,
) -> GeneratorResult:
    """Train a GA-CNTKg generator on real images ``x`` in the code space of ``ae``.

    Args:
      x: (n, H, W, C) real images in [0, 1]; the autoencoder's image shape.
      ae: the pre-trained autoencoder (frozen).
      cfg: the run's settings; ``cfg.batch_size`` ≤ n.
      checkpoint: path of the checkpoint ``.npz``; an existing one (same settings, same
        codes) is resumed, and one is written every ``cfg.checkpoint_every`` steps and at the end.
      stop_after: stop (after checkpointing) once this step is done, as if interrupted.

    Returns:
      A :class:`GeneratorResult`.

    Raises:
      ValueError: the autoencoder's codes do not have ``cfg.code_shape`` or do not fit the
        kernel; images of the wrong shape; b > n; a checkpoint from other settings.
      NonFiniteLossError: the loss or gradient is NaN/Inf at some step (named), the last
        good checkpoint is kept.
    """
    x = np.asarray(x, np.float32)
    _check_inputs(x, ae, cfg)
    net = code_kernel(cfg.kernel)
    codes = ae.encode(x)
    if not np.all(np.isfinite(codes)):
        raise ValueError("the autoencoder's codes of the real images contain NaN or infinite values")
    codes_j = jnp.asarray(codes)
    k_xx = kernel_matrix(net, kernel_input(codes_j, net))
    generator = CodeGenerator(tuple(ae.code_shape), cfg.width)
    key = jax.random.key(cfg.seed)
    opt, step_fn = _step_fn(_step_settings(cfg), tuple(ae.code_shape), x.shape[0])
    fixed_zeta = seed_latents(cfg.seed, _KEY_FIXED, (cfg.fixed_samples, cfg.latent_dim))

    def init():
        variables = numpy_init(variable_shapes(generator, cfg.latent_dim), cfg.seed, lambda shape: _INIT_STD)
        return variables["params"], variables["batch_stats"], opt.init(variables["params"])

    def update(state, step):
        params, stats, opt_state, loss, gnorm = step_fn(*state, step, codes_j, k_xx, key)
        return (params, stats, opt_state), {"loss": loss, "grad_norm": gnorm}

    def images(state, zeta) -> np.ndarray:
        return sample_images(generator, {"params": state[0], "batch_stats": state[1]}, ae, zeta)[0]

    spec = LoopSpec(
        "GA-CNTKg", cfg.steps, ("loss", "grad_norm"), cfg.fingerprint(codes), cfg.snapshot_every,
        cfg.checkpoint_every, cfg.log_every, settings=f"kernel {cfg.kernel}, λ {cfg.lam}, lr {cfg.lr}",
    )  # fmt: skip
    tracker = StopTracker(cfg.stop)
    out = run(Trainer(init, update, lambda state: images(state, fixed_zeta)), spec, stopper=tracker,
              checkpoint=checkpoint, stop_after=stop_after)  # fmt: skip
    if out.halted:
        log.info("samples: the generator at step %d (no improvement in %d steps)", tracker.selected_step,
                 cfg.stop.patience)  # fmt: skip
    curve = out.curve()
    # One more evaluation (no update) gives the loss of the last generator, which no curve row holds.
    final_loss = float(update(out.state, len(curve))[1]["loss"]) if len(curve) else None
    chosen = out.state if tracker.selected_step is None else out.selected
    zeta = seed_latents(cfg.seed, _KEY_SAMPLES, (cfg.samples or x.shape[0], cfg.latent_dim))
    g_vars = {"params": chosen[0], "batch_stats": chosen[1]}
    samples, sample_codes = sample_images(generator, g_vars, ae, zeta)
    summary = {k: ae.info[k] for k in ("source", "heldout", "best_epoch", "n_train") if k in ae.info}
    summary["code_shape"] = list(ae.code_shape)
    return GeneratorResult(
        images=samples,
        codes=sample_codes,
        zeta=zeta,
        curve=curve,
        snapshot_steps=np.asarray(out.progress.snapshot_steps),
        snapshots=np.stack(out.progress.snapshots),
        fixed_zeta=fixed_zeta,
        variables=g_vars,
        config=cfg,
        code_shape=tuple(ae.code_shape),
        autoencoder=summary,
        final_images=images(out.state, zeta),
        stop=outcome(tracker, out.progress.losses, out.halted, final_loss),
    )


__all__ = [
    "CODE_KERNELS",
    "GENERATOR_FILE",
    "CodeGenerator",
    "GeneratorConfig",
    "GeneratorResult",
    "check_code_kernel",
    "code_kernel",
    "code_lambda_search",
    "generator_loss",
    "kernel_input",
    "latent_grid",
    "load_generator",
    "sample_images",
    "train_generator",
]
