"""GA-NTK: optimising the fake points Z against the NTK-GP discriminator.

Z starts as U[lo, hi] noise (the data range, [0, 1] by default) drawn from the
seed, and follows an optax optimiser (plain gradient descent as in the paper, or
Adam) on the GA-NTK loss, full-batch (Eq. 16), batch-wise (Eq. 5) or summed over
resolutions (Eq. 7); after each step Z is clipped to the data range.

A run records the loss and gradient norm of every step, snapshots of Z every
``snapshot_every`` steps (for the learning-curve figure), and writes a checkpoint
every ``checkpoint_every`` steps. Its result is chosen by its stopping rule
(``gantk.loop.stopping.StopRule``): with the paper's early stopping (``plateau``) the samples
are Z at the convergence step and the run may halt ``patience`` steps later; the last Z
is kept beside them. The loop is the library's one driver (:func:`gantk.loop.driver.run`):
started again with the same checkpoint path a run resumes from the last checkpoint and
ends with exactly the result of an uninterrupted run: the batch of step t is drawn from
``fold_in(key, t)``, not from a stream consumed step by step.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from gantk.objective.gp import LOSSES, Loss, Method, batchwise_loss, multires_loss
from gantk.common.io import save_json, save_npz, save_run
from gantk.kernels import kernel_matrix, preset
from gantk.common.logging_utils import LOGGER_NAME
from gantk.loop.driver import LoopSpec, Trainer, float_dtype, run
from gantk.loop.progress import NonFiniteLossError
from gantk.loop.stopping import StopRule, StopTracker, loss_at, outcome

log = logging.getLogger(LOGGER_NAME)


@dataclasses.dataclass(frozen=True)
class SynthConfig:
    """Settings of one GA-NTK run.

    Attributes:
      kernels: kernel preset names; one = plain GA-NTK, several = multi-resolution.
      lambdas: λ = η·t of each kernel's NTK-GP (one per kernel).
      steps: optimisation steps.
      lr: learning rate of the optimiser.
      optimizer: ``"gd"`` (plain gradient descent, the paper) or ``"adam"``.
      batch_size: ``None`` for full batch; b for the batch-wise objective, where each
        step samples b real and b fake rows (a 2b×2b kernel; b = 1 gives the paper's
        mean-image collapse).
      seed: seeds the initial Z and the batch sampling.
      snapshot_every: keep a copy of Z every this many steps (0 = only start and end).
      checkpoint_every: write a checkpoint every this many steps (0 = never).
      log_every: log a progress line every this many steps.
      clip: the data range (lo, hi); Z starts U[lo, hi] and is clipped to it.
      dtype: ``"float32"`` or ``"float64"`` (turns on JAX's 64-bit mode).
      method: ``"eigh"``, ``"expm"`` or ``"lanczos"``: the route through exp(−λK)
        (see ``gantk.objective.gp``); ``"lanczos"`` is for large N.
      loss: ``"squared"`` (½‖1 − D‖², paper Eq. 16) or ``"cross_entropy"`` (the authors'
        released code; ``gantk.objective.gp.ganntk_loss_from_kernel``).
      krylov_dim: Lanczos steps of the ``"lanczos"`` route.
      tile: tile size for kernel matrices (``None`` = untiled).
      stop: which step's Z is the result, and whether to halt early (a
        :class:`~gantk.loop.stopping.StopRule` or its config mapping).
    """

    kernels: tuple[str, ...] = ("fntk",)
    lambdas: tuple[float, ...] = (1.0,)
    steps: int = 1000
    lr: float = 0.01
    optimizer: str = "adam"
    batch_size: int | None = None
    seed: int = 0
    snapshot_every: int = 100
    checkpoint_every: int = 100
    log_every: int = 100
    clip: tuple[float, float] = (0.0, 1.0)
    dtype: str = "float32"
    method: Method = "eigh"
    loss: Loss = "squared"
    tile: int | None = None
    krylov_dim: int = 64
    stop: StopRule = StopRule()

    def __post_init__(self):
        object.__setattr__(self, "stop", StopRule.from_settings(self.stop))
        object.__setattr__(self, "kernels", tuple(self.kernels))
        object.__setattr__(self, "lambdas", tuple(float(v) for v in self.lambdas))
        object.__setattr__(self, "clip", tuple(float(v) for v in self.clip))
        for name in self.kernels:
            preset(name)
        if len(self.kernels) == 0 or len(self.kernels) != len(self.lambdas):
            raise ValueError(f"need one λ per kernel: kernels={self.kernels}, lambdas={self.lambdas}")
        if any(lam <= 0 for lam in self.lambdas):
            raise ValueError(f"every λ must be positive, got {self.lambdas}")
        if self.optimizer not in ("gd", "adam"):
            raise ValueError(f"optimizer must be 'gd' or 'adam', got {self.optimizer!r}")
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if self.method not in ("eigh", "expm", "lanczos"):
            raise ValueError(f"method must be 'eigh', 'expm' or 'lanczos', got {self.method!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.krylov_dim < 2:
            raise ValueError(f"krylov_dim must be at least 2, got {self.krylov_dim}")
        if self.steps < 0 or self.lr <= 0:
            raise ValueError(f"need steps >= 0 and lr > 0, got steps={self.steps}, lr={self.lr}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be None (full batch) or >= 1, got {self.batch_size}")
        if not self.clip[0] < self.clip[1]:
            raise ValueError(f"clip must be (lo, hi) with lo < hi, got {self.clip}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def fingerprint(self) -> str:
        """A hash of the settings that shape the trajectory (a run may be extended by more steps)."""
        keep = {k: v for k, v in self.to_dict().items() if k not in ("steps", "log_every", "checkpoint_every")}
        return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:16]


@dataclasses.dataclass
class SynthResult:
    """The outcome of a run.

    Attributes:
      z: the selected points (the stopping rule's step), same shape as the data (n, ...).
      curve: one row per step run: step (1-based), loss (at the Z the step started
        from), grad_norm (‖∇_Z L‖ there), seconds (wall time since the run began).
      snapshot_steps: (S,) steps at which Z was copied (0 = the initial noise).
      snapshots: (S, n, ...) those copies.
      config: the run's settings.
      z_final: the last Z of the run (after ``stop["steps_run"]`` updates).
      stop: the rule's outcome: ``rule``, ``selected_step`` (updates of ``z``),
        ``steps_run``, ``halted``, ``loss`` (at ``z``), ``monitored`` (plateau: the windowed
        mean there), ``final_loss`` (at ``z_final``) and the rule's settings.
    """

    z: np.ndarray
    curve: pd.DataFrame
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    config: SynthConfig
    z_final: np.ndarray
    stop: dict[str, Any]

    def select_snapshot(self, step: int, **extra: Any) -> None:
        """Make the snapshot at ``step`` the result (a rule applied after the run); ``extra``
        (e.g. the AM-SSIM values it was chosen by) is recorded in :attr:`stop`."""
        where = np.flatnonzero(self.snapshot_steps == step)
        if len(where) == 0:
            raise ValueError(f"no snapshot at step {step}; snapshots are at {self.snapshot_steps.tolist()}")
        self.z = np.asarray(self.snapshots[int(where[0])])
        loss = loss_at(self.curve["loss"].to_numpy(), int(step), self.stop["final_loss"])
        self.stop.update(selected_step=int(step), loss=loss, **extra)

    def save(self, out_dir: str | Path) -> None:
        """Write samples.npz (the selected Z), final.npz (the last Z), curve.csv, snapshots.npz,
        stop.json and params.json under ``out_dir``."""
        save_run(out_dir, z=self.z, curve=self.curve, snapshot_steps=self.snapshot_steps, snapshots=self.snapshots,
                 params={"config": self.config.to_dict(), "final_loss": self.stop["final_loss"],
                         "loss": self.stop["loss"], "selected_step": self.stop["selected_step"]})
        save_npz(Path(out_dir) / "final.npz", z=self.z_final)
        save_json(Path(out_dir) / "stop.json", self.stop)


def _optimizer(cfg: SynthConfig) -> optax.GradientTransformation:
    return optax.sgd(cfg.lr) if cfg.optimizer == "gd" else optax.adam(cfg.lr)


def _make_step(cfg: SynthConfig):
    """The jitted optimisation step ``(z, opt_state, step, x, k_xx, key) -> (z, opt_state, loss, ‖g‖)``.

    The data and K_xx are arguments, not closure constants, so XLA does not try to
    constant-fold the kernel of the data into the compiled step.
    """
    nets = [preset(name) for name in cfg.kernels]
    opt = _optimizer(cfg)
    lo, hi = cfg.clip

    def loss_and_grad(z, step, x, k_xx, key):
        if cfg.batch_size is None:
            return jax.value_and_grad(multires_loss)(
                z, x, k_xx, nets, cfg.lambdas, method=cfg.method, tile=cfg.tile, krylov_dim=cfg.krylov_dim,
                loss=cfg.loss,
            )
        b = cfg.batch_size
        key_x, key_z = jax.random.split(jax.random.fold_in(key, step))
        idx_x = jax.random.choice(key_x, x.shape[0], (b,), replace=False)
        idx_z = jax.random.choice(key_z, z.shape[0], (b,), replace=False)
        k_sub = [k[idx_x][:, idx_x] for k in k_xx]
        loss, g_batch = jax.value_and_grad(batchwise_loss)(
            z[idx_z], x[idx_x], k_sub, nets, cfg.lambdas, method=cfg.method, krylov_dim=cfg.krylov_dim,
            loss=cfg.loss,
        )
        return loss, jnp.zeros_like(z).at[idx_z].add(g_batch)

    @jax.jit
    def step_fn(z, opt_state, step, x, k_xx, key):
        loss, grad = loss_and_grad(z, step, x, k_xx, key)
        updates, opt_state = opt.update(grad, opt_state, z)
        z_new = jnp.clip(optax.apply_updates(z, updates), lo, hi)
        return z_new, opt_state, loss, optax.tree.norm(grad)

    return opt, step_fn


def synthesize(
    x: np.ndarray,
    cfg: SynthConfig,
    *,
    checkpoint: str | Path | None = None,
    stop_after: int | None = None,
) -> SynthResult:
    """Run GA-NTK on real data ``x`` and return the generated points and the curve.

    The loop is :func:`gantk.loop.driver.run`; this function holds GA-NTK's maths (the
    initial Z, the step, what a snapshot keeps) and its result.

    Args:
      x: (n, ...) real data (images (n, H, W, C) or vectors (n, d)) in the clip range.
      cfg: the run's settings.
      checkpoint: path of the checkpoint ``.npz``; if it exists the run resumes from
        it (it must have been written with the same settings), and a checkpoint is
        written there every ``cfg.checkpoint_every`` steps and at the end.
      stop_after: stop (after checkpointing) once this step is reached, as if
        interrupted; for tests of resumption.

    Returns:
      A :class:`SynthResult`.

    Raises:
      NonFiniteLossError: the loss or gradient at some step is NaN/Inf; the message
        names the step, and the last good checkpoint is kept.
    """
    dtype = float_dtype(cfg.dtype)
    x = jnp.asarray(x, dtype)
    if x.shape[0] < 2:
        raise ValueError(f"need at least 2 real points, got {x.shape[0]}")
    if cfg.batch_size is not None and cfg.batch_size > x.shape[0]:
        raise ValueError(f"batch_size {cfg.batch_size} exceeds the {x.shape[0]} real points")
    key = jax.random.key(cfg.seed)
    lo, hi = cfg.clip
    k_xx = [kernel_matrix(preset(name), x, tile=cfg.tile) for name in cfg.kernels]
    opt, step_fn = _make_step(cfg)

    def init():
        z = lo + (hi - lo) * jax.random.uniform(jax.random.fold_in(key, -1 % 2**31), x.shape, dtype)
        return z, opt.init(z)

    def update(state, step):
        z, opt_state, loss, gnorm = step_fn(*state, step, x, k_xx, key)
        return (z, opt_state), {"loss": loss, "grad_norm": gnorm}

    spec = LoopSpec(
        "GA-NTK", cfg.steps, ("loss", "grad_norm"), cfg.fingerprint(), cfg.snapshot_every, cfg.checkpoint_every,
        cfg.log_every, settings=f"kernels {cfg.kernels}, λ {cfg.lambdas}, lr {cfg.lr}",
    )  # fmt: skip
    tracker = StopTracker(cfg.stop)
    out = run(Trainer(init, update, lambda state: np.asarray(state[0])), spec, stopper=tracker,
              checkpoint=checkpoint, stop_after=stop_after)  # fmt: skip
    z = out.state[0]
    if out.halted:
        log.info("samples: Z at step %d (no improvement of the %s by more than %g in %d steps)",
                 tracker.selected_step, cfg.stop.monitor, cfg.stop.delta, cfg.stop.patience)  # fmt: skip
    curve = out.curve()
    # One more evaluation (no update) gives the loss at the last Z, which no curve row holds.
    final_loss = float(update(out.state, len(curve))[1]["loss"]) if len(curve) else None
    return SynthResult(
        z=np.asarray(z if tracker.selected_step is None else out.selected[0]),
        curve=curve,
        snapshot_steps=np.asarray(out.progress.snapshot_steps),
        snapshots=np.stack([np.asarray(s) for s in out.progress.snapshots]),
        config=cfg,
        z_final=np.asarray(z),
        stop=outcome(tracker, out.progress.losses, out.halted, final_loss),
    )


__all__ = ["NonFiniteLossError", "SynthConfig", "SynthResult", "synthesize"]
