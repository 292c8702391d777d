"""Per-step bookkeeping of an optimisation run: curve, snapshots, log lines, checkpoint cadence.

GA-NTK (``gantk.synthesis.ga_ntk``) and GA-CNTKg (``gantk.generator.ga_cntkg``) share it: each step's loss
and gradient norm go into the curve with the wall time since the run began (carried
over a resume), a snapshot is taken every ``snapshot_every`` steps and at the end, a
log line with the rate every ``log_every`` steps, and a checkpoint every
``checkpoint_every`` steps, at the end and when stopped early.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from gantk.common.logging_utils import LOGGER_NAME

log = logging.getLogger(LOGGER_NAME)


class NonFiniteLossError(FloatingPointError):
    """The loss or gradient norm became NaN/Inf; the message names the step."""


@dataclasses.dataclass
class RunProgress:
    """What a run has recorded so far, and when it next logs, snapshots and checkpoints.

    Attributes:
      total: the run's number of steps.
      snapshot_every, log_every, checkpoint_every: cadences in steps (0 or None: only at the end;
        no log lines for ``log_every``).
      losses, norms, seconds: one entry per completed step; seconds since the run's start.
      snapshot_steps, snapshots: the steps snapshotted (0 first) and their arrays.
      start: the first step of this session (the resumed step, else 0).
    """

    total: int
    snapshot_every: int | None
    log_every: int | None
    checkpoint_every: int | None
    snapshot_steps: list[int]
    snapshots: list[Any]
    losses: list[float] = dataclasses.field(default_factory=list)
    norms: list[float] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)
    start: int = 0

    def __post_init__(self):
        self.start_clock()

    def resume(self, state: dict[str, Any]) -> None:
        """Continue from a loaded checkpoint's ``step``, ``loss``, ``grad_norm``, ``seconds`` and snapshots."""
        self.start = state["step"]
        self.losses, self.norms, self.seconds = state["loss"], state["grad_norm"], state["seconds"]
        self.snapshot_steps, self.snapshots = state["snapshot_steps"], state["snapshots"]

    def start_clock(self) -> None:
        """(Re)start the clock just before the first step: times count from here, on top of a resumed run's."""
        self._elapsed0 = self.seconds[-1] if self.seconds else 0.0
        self._t0 = self._t_last = time.perf_counter()
        self._step_last = self.last_good = self.start

    def check_finite(self, step: int, loss: float, gnorm: float, checkpoint, what: str, settings: str) -> None:
        """Raise :class:`NonFiniteLossError` if ``loss`` or ``gnorm`` is NaN/Inf at 0-based ``step``.

        The message names ``what`` (the method), the step (1-based), the run's ``settings`` and
        the last good checkpoint.
        """
        if np.isfinite(loss) and np.isfinite(gnorm):
            return
        if checkpoint:
            where = f"last good checkpoint {checkpoint} (step {self.last_good})"
        else:
            where = "no checkpoint was configured"
        raise NonFiniteLossError(
            f"{what} loss {loss} / gradient norm {gnorm} is not finite at step {step + 1} ({settings}); {where}"
        )

    def checkpointed(self, done: int) -> None:
        """Note that the checkpoint now holds step ``done``."""
        self.last_good = done

    def record(self, done: int, loss: float, gnorm: float) -> None:
        """Append step ``done``'s loss, gradient norm and time; log a line when one is due."""
        self.losses.append(loss)
        self.norms.append(gnorm)
        self.seconds.append(self._elapsed0 + time.perf_counter() - self._t0)
        if self.log_every and (done % self.log_every == 0 or done == self.total):
            now = time.perf_counter()
            rate = (done - self._step_last) / max(now - self._t_last, 1e-9)
            log.info("step %d/%d loss %.6g grad %.3g (%.1f steps/s)", done, self.total, loss, gnorm, rate)
            self._t_last, self._step_last = now, done

    def snapshot_due(self, done: int, last: bool = False) -> bool:
        """Whether step ``done`` is snapshotted: every ``snapshot_every`` steps and the run's last
        step (``total``, or ``done`` itself when ``last``: a run that halts early), once each."""
        due = (self.snapshot_every and done % self.snapshot_every == 0) or done == self.total or last
        return bool(due) and self.snapshot_steps[-1] != done

    def add_snapshot(self, done: int, snapshot) -> None:
        self.snapshot_steps.append(done)
        self.snapshots.append(snapshot)

    def checkpoint_due(self, done: int, interrupted: bool) -> bool:
        """Whether to checkpoint after step ``done`` (cadence, the last step, or an early stop)."""
        every = self.checkpoint_every and done % self.checkpoint_every == 0
        return bool(every) or done == self.total or interrupted

    def curve(self) -> pd.DataFrame:
        """The loss curve: step (from 1), loss, grad_norm, seconds."""
        steps = np.arange(1, len(self.losses) + 1)
        return pd.DataFrame({"step": steps, "loss": self.losses, "grad_norm": self.norms, "seconds": self.seconds})

    def history(self) -> dict[str, Any]:
        """The recorded lists, as checkpoint fields (``gantk.common.io.save_checkpoint``)."""
        return dict(
            losses=self.losses, norms=self.norms, seconds=self.seconds,
            snapshot_steps=self.snapshot_steps, snapshots=self.snapshots,
        )  # fmt: skip
