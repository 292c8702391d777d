"""The one optimisation loop: GA-NTK's free points Z, GA-CNTKg's generator, the GANs, the autoencoder.

A trainer is its maths only, a :class:`Trainer`: a NamedTuple of pure functions in the optax
style (``init`` makes the state, ``update`` makes one step of it). :func:`run` owns the rest,
alike for every trainer:

* the step counter: ``update(state, t)`` gets the 0-based step t, and a trainer draws the
  randomness of step t from ``fold_in(key, t)``, never from a stream consumed step by step,
  so that a resumed run ends exactly as an uninterrupted one;
* the curve (every metric in ``LoopSpec.columns`` and the wall time), log lines with the
  rate, snapshots (``Trainer.snapshot``) every ``snapshot_every`` steps and at the end
  (:class:`~gantk.loop.progress.RunProgress`);
* checkpoints (:mod:`gantk.loop.checkpoint`) every ``checkpoint_every`` steps, at the end and
  on any early stop, and exact resume from them;
* the NaN/Inf stop: a non-finite metric (or a ``finite`` flag of False) raises
  :class:`~gantk.loop.progress.NonFiniteLossError` naming the step before anything of that
  step is written, so the last good checkpoint stays;
* early stopping (a *stopper*: :class:`~gantk.loop.stopping.StopTracker` for the GA-NTK
  rules, :class:`~gantk.loop.stopping.PatienceTracker` for the paper's §13 / Table 9 rule as
  the GANs and the autoencoder use it) and its selection of an earlier state;
* time budgets (Fig 9 / Table 9's equal-time comparison: the first, compiling step of a
  call does not count).

Example (gradient descent on ½‖θ‖², five steps)::

    >>> trainer = Trainer(init=lambda: jnp.ones(3),
    ...                   update=lambda th, t: (0.5 * th, {"loss": 0.5 * jnp.sum(th**2)}))
    >>> out = run(trainer, LoopSpec("toy", steps=5, columns=("loss",)))
    >>> out.curve()["loss"].tolist()   # [1.5, 0.375, ...]
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Protocol

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from gantk.common.logging_utils import LOGGER_NAME
from gantk.loop.checkpoint import load_checkpoint, save_checkpoint
from gantk.loop.progress import RunProgress

log = logging.getLogger(LOGGER_NAME)

#: Why a run ended (:attr:`LoopResult.stop_reason`).
STOP_REASONS = ("steps", "early_stopping", "time_budget", "interrupted")


class Trainer(NamedTuple):
    """The maths of one optimisation, as pure functions (optax's ``GradientTransformation`` habit).

    Attributes:
      init: ``() -> state``: the initial state, a pytree of arrays (parameters, optimiser state...).
      update: ``(state, t) -> (state, metrics)``: step t (0-based) from ``state``; ``metrics``
        maps every :attr:`LoopSpec.columns` name to a scalar (the first, the monitored loss,
        measured on the state of :attr:`LoopSpec.scored`), and may hold ``finite``: False when
        a parameter is NaN/Inf.
      snapshot: ``state -> array``: what a snapshot keeps (None: no snapshots).
    """

    init: Callable[[], Any]
    update: Callable[[Any, int], tuple[Any, Mapping[str, Any]]]
    snapshot: Callable[[Any], np.ndarray] | None = None


@dataclasses.dataclass(frozen=True)
class LoopSpec:
    """What the driver needs to know of a run besides its maths.

    Attributes:
      name: the method, for messages (``"GA-NTK"``).
      steps: steps to run (at most: a stopper or the time budget may end sooner).
      columns: the metrics recorded per step, the monitored loss first.
      fingerprint: hash of the settings that shape the trajectory; a checkpoint must hold it.
      snapshot_every, checkpoint_every, log_every: cadences in steps (0 or None: at the end only;
        no log lines).
      time_budget_s: stop once this many seconds were trained (None: no budget).
      settings: the run's key settings, for the NaN/Inf message.
      unit: what one step is called (``"step"``, ``"iteration"``, ``"epoch"``).
      scored: ``"before"``: a step's loss is that of the state it started from (GA-NTK,
        GA-CNTKg: the loss is evaluated with the gradient); ``"after"``: of the state it made
        (the autoencoder's held-out loss). A selecting stopper keeps that state.
    """

    name: str
    steps: int
    columns: tuple[str, ...] = ("loss", "grad_norm")
    fingerprint: str = ""
    snapshot_every: int | None = 0
    checkpoint_every: int | None = 0
    log_every: int | None = 0
    time_budget_s: float | None = None
    settings: str = ""
    unit: str = "step"
    scored: str = "before"

    def __post_init__(self):
        if self.steps < 0:
            raise ValueError(f"{self.name}: steps must be >= 0, got {self.steps}")
        if not self.columns:
            raise ValueError(f"{self.name}: a run records at least its loss (columns is empty)")
        if self.scored not in ("before", "after"):
            raise ValueError(f"{self.name}: scored must be 'before' or 'after', got {self.scored!r}")
        if self.time_budget_s is not None and not self.time_budget_s > 0:
            raise ValueError(f"{self.name}: time_budget_s must be None or positive, got {self.time_budget_s}")


class Stopper(Protocol):
    """Early stopping as the driver follows it (:class:`~gantk.loop.stopping.StopTracker`,
    :class:`~gantk.loop.stopping.PatienceTracker`)."""

    select: bool  # whether it may choose an earlier state as the result

    def update(self, loss: float) -> tuple[bool, bool]: ...  # (this step's scored state is selected, stop)

    def replay(self, losses: Iterable[float]) -> None: ...

    @property
    def halted(self) -> bool: ...


@dataclasses.dataclass
class LoopResult:
    """The end of a run.

    Attributes:
      state: the last state.
      selected: the state the stopper selected (the initial one until it selects); None for a
        run without a selecting stopper.
      progress: the curve and snapshots (:class:`~gantk.loop.progress.RunProgress`).
      stop_reason: one of :data:`STOP_REASONS`.
    """

    state: Any
    selected: Any
    progress: RunProgress
    stop_reason: str

    @property
    def done(self) -> int:
        """Steps completed (over every session of a resumed run)."""
        return len(self.progress.seconds)

    @property
    def halted(self) -> bool:
        return self.stop_reason == "early_stopping"

    def curve(self) -> pd.DataFrame:
        return self.progress.curve()


def run(
    trainer: Trainer,
    spec: LoopSpec,
    *,
    stopper: Stopper | None = None,
    checkpoint: str | Path | None = None,
    stop_after: int | None = None,
) -> LoopResult:
    """Run ``trainer`` for ``spec.steps`` steps (module doc: what the driver does).

    Args:
      trainer: the run's maths.
      spec: the run's cadences, budget and names.
      stopper: early stopping (None: run every step).
      checkpoint: path of the checkpoint ``.npz``: resumed from when it exists (written with
        ``spec.fingerprint``), written every ``spec.checkpoint_every`` steps, at the end and on
        an early stop.
      stop_after: stop (after checkpointing) once this step is done, as if killed; for tests
        of resumption (``stop_reason`` ``"interrupted"``).

    Raises:
      NonFiniteLossError: a metric or parameter is NaN/Inf; the message names the step and the
        last good checkpoint, which is kept.
      ValueError: a checkpoint from other settings or of another layout.
    """
    state = trainer.init()
    keep = stopper is not None and stopper.select
    selected = state if keep else None
    progress = RunProgress(spec.steps, spec.snapshot_every, spec.log_every, spec.checkpoint_every,
                           columns=tuple(spec.columns), unit=spec.unit)  # fmt: skip
    ckpt = Path(checkpoint) if checkpoint is not None else None
    if ckpt is not None and ckpt.exists():
        state, selected = load_checkpoint(ckpt, spec.fingerprint, (state, selected), progress)
        if stopper is not None:
            stopper.replay(progress.losses)
        log.info("%s: resumed from %s at %s %d", spec.name, ckpt, spec.unit, progress.start)
    elif trainer.snapshot is not None:
        progress.add_snapshot(0, trainer.snapshot(state))

    reason = "early_stopping" if stopper is not None and stopper.halted else "steps"
    progress.start_clock()
    for step in range(progress.start, spec.steps if reason == "steps" else progress.start):
        new_state, metrics = trainer.update(state, step)
        metrics = jax.device_get(metrics)
        values = {name: float(metrics[name]) for name in spec.columns}
        finite = bool(metrics.get("finite", True))
        progress.check_finite(step, values, ckpt, spec.name, spec.settings, finite=finite)
        if stopper is not None:
            chosen, halt = stopper.update(values[spec.columns[0]])
            if chosen and keep:
                selected = state if spec.scored == "before" else new_state
            if halt:
                reason = "early_stopping"
        state, done = new_state, step + 1
        progress.record(done, values)
        if reason == "steps" and spec.time_budget_s is not None and progress.training_seconds() >= spec.time_budget_s:
            reason = "time_budget"
        stopping = reason != "steps"
        interrupted = not stopping and stop_after is not None and stop_after <= done < spec.steps
        if trainer.snapshot is not None and progress.snapshot_due(done, last=stopping):
            progress.add_snapshot(done, trainer.snapshot(state))
        if ckpt is not None and progress.checkpoint_due(done, interrupted or stopping):
            save_checkpoint(ckpt, spec.fingerprint, (state, selected), done, progress)
            progress.checkpointed(done)
        if interrupted:
            reason = "interrupted"
            break
        if stopping:
            if spec.log_every:
                progress.log(done)
            log.info("%s: stopped at %s %d (%s)", spec.name, spec.unit, done, reason.replace("_", " "))
            break
    return LoopResult(state, selected, progress, reason)


def float_dtype(name: str):
    """The JAX float type of a run's ``dtype`` setting (``"float32"`` or ``"float64"``); float64
    turns on JAX's 64-bit mode, which stays on for the process."""
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {name!r}")
    if name == "float64" and not jax.config.jax_enable_x64:
        log.info("float64 requested: enabling JAX 64-bit mode")
        jax.config.update("jax_enable_x64", True)
    return jnp.float64 if name == "float64" else jnp.float32


__all__ = ["STOP_REASONS", "LoopResult", "LoopSpec", "Stopper", "Trainer", "float_dtype", "run"]
