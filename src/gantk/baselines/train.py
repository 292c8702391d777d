"""The one training run shared by every GAN baseline, through the library's loop driver.

A method (:mod:`gantk.baselines.methods`) supplies its networks, its loss, its penalty and
its optimisers; :mod:`gantk.baselines.steps` makes one iteration of them (``n_dis`` D steps,
then one G step) a pure, jitted function; :func:`gantk.loop.driver.run` does the rest, as for
GA-NTK: the iteration counter, snapshots, checkpoints and exact resume, the NaN stop, log
lines, early stopping and the time budget.

A run records per iteration: ``d_loss`` (the adversarial D loss, mean over the n_dis
steps, penalty excluded), ``penalty`` (its unweighted value, 0 on steps without it),
``w_estimate`` (E[D(x)] − E[D(G(z))]), ``g_loss``, ``seconds`` (wall time since the run
began, compilation included) and ``loss``: the method's monitored quantity, which early
stopping watches (the paper's rule of §13 / Table 9, :mod:`gantk.loop.stopping`). It keeps
samples of fixed latents every ``snapshot_every`` iterations and at the end
(``snapshots.npz``, for along-run metrics and the PNG grids of
:func:`gantk.plots.sample_grid.save_sample_grids`). A NaN or infinite loss or parameter
raises :class:`gantk.loop.progress.NonFiniteLossError` naming the iteration; the last
checkpoint written (the last good state) is kept.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from gantk.baselines.config import METRICS, GANConfig, GANResult, steady_rate
from gantk.baselines.steps import Updates, init_state, make_sampler, make_train_step, make_updates, run_key
from gantk.common.logging_utils import LOGGER_NAME
from gantk.loop.driver import LoopSpec, Trainer, float_dtype, run
from gantk.loop.stopping import EarlyStopping, PatienceTracker

log = logging.getLogger(LOGGER_NAME)


def train_gan(
    x: np.ndarray,
    cfg: GANConfig,
    *,
    checkpoint: str | Path | None = None,
    stop_after: int | None = None,
) -> GANResult:
    """Train the GAN of ``cfg.method`` on real data ``x``; return samples and the curve.

    Args:
      x: (n, H, W, C) images in [0, 1] or (n, d) points.
      cfg: the run's settings.
      checkpoint: path of the checkpoint ``.npz``; if it exists the run resumes from it
        (written with the same settings, else a ValueError), and it is written every
        ``cfg.checkpoint_every`` iterations and at the end.
      stop_after: stop (after checkpointing) once this iteration is reached, as if
        killed; for tests of resumption.

    Returns:
      A :class:`GANResult`; its samples are those of the last G.

    Raises:
      NonFiniteLossError: a loss or parameter became NaN/Inf; names the iteration and the
        last good checkpoint, which is kept.
      ValueError: data of the wrong shape or a checkpoint from other settings.
    """
    dtype = float_dtype(cfg.dtype)
    x = jnp.asarray(x, dtype)
    if x.ndim not in (2, 4):
        raise ValueError(f"x must be (n, H, W, C) images or (n, d) points, got shape {x.shape}")
    if x.shape[0] < 1:
        raise ValueError("x holds no data")
    method = cfg.gan_method
    g, d = method.networks(x.shape[1:], cfg.width)
    key = run_key(cfg.seed)
    step_fn = make_train_step(method, g, d, cfg)
    sample = make_sampler(g, cfg, x.ndim - 1)
    n_samples = cfg.n_samples or x.shape[0]

    def init():
        return init_state(method, g, d, x.shape[1:], cfg, dtype)

    def update(state, step):
        regularise = method.penalty != "none" and step % method.penalty_every == 0
        state, metrics = step_fn(state, step, x, key, regularise=regularise)
        return state, {**metrics, "loss": metrics[method.monitor]}

    spec = LoopSpec(
        method.name, cfg.steps, ("loss", *METRICS), cfg.fingerprint(), cfg.snapshot_every, cfg.checkpoint_every,
        cfg.log_every, cfg.time_budget_s, unit="iteration",
        settings=f"lr G {method.g_opt.lr}, lr D {method.d_opt.lr}, n_dis {method.n_dis}",
    )  # fmt: skip
    stopper = None
    if cfg.patience is not None:
        stopper = PatienceTracker(EarlyStopping(cfg.patience, cfg.delta, cfg.monitor_window, mode=method.monitor_mode))
    shapes = jax.eval_shape(init)
    log.info(
        "%s: %d iterations, n_dis %d, batch %d, latent %d, data %s, G %d / D %d parameters",
        method.name, cfg.steps, method.n_dis, cfg.batch_size, cfg.latent_dim, tuple(x.shape),
        _count(shapes["g_params"]), _count(shapes["d_params"]),
    )  # fmt: skip
    out = run(Trainer(init, update, lambda state: sample(state, n_samples)), spec, stopper=stopper,
              checkpoint=checkpoint, stop_after=stop_after)  # fmt: skip
    steps, snaps = list(out.progress.snapshot_steps), list(out.progress.snapshots)
    if steps[-1] != out.done:  # an interrupted run: its samples are still the last G's
        steps.append(out.done)
        snaps.append(sample(out.state, n_samples))
    return GANResult(
        z=snaps[-1],
        curve=out.curve(),
        snapshot_steps=np.asarray(steps),
        snapshots=np.stack(snaps),
        config=cfg,
        stop_reason=out.stop_reason,
        converged_step=stopper.converged_step if stopper is not None else None,
    )


def _count(tree) -> int:
    return int(sum(math.prod(leaf.shape) for leaf in jax.tree.leaves(tree)))


__all__ = ["GANConfig", "GANResult", "METRICS", "Updates", "init_state", "make_sampler", "make_train_step",
           "make_updates", "run_key", "steady_rate", "train_gan"]
