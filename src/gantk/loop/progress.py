"""Per-step bookkeeping of an optimisation run: curve, snapshots, log lines, checkpoint cadence.

The loop driver (:mod:`gantk.loop.driver`) keeps one :class:`RunProgress` per run, for every
trainer alike: each step's metrics (the trainer's ``columns``, the monitored loss first) go
into the curve with the wall time since the run began (carried over a resume), a snapshot is
taken every ``snapshot_every`` steps and at the end, a log line with the rate every
``log_every`` steps, and a checkpoint every ``checkpoint_every`` steps, at the end and when
stopped early.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gantk.common.logging_utils import LOGGER_NAME

log = logging.getLogger(LOGGER_NAME)


class NonFiniteLossError(FloatingPointError):
    """The loss, another recorded metric or a parameter became NaN/Inf; the message names the step."""


@dataclasses.dataclass
class RunProgress:
    """What a run has recorded so far, and when it next logs, snapshots and checkpoints.

    Attributes:
      total: the run's number of steps.
      snapshot_every, log_every, checkpoint_every: cadences in steps (0 or None: only at the end;
        no log lines for ``log_every``).
      snapshot_steps, snapshots: the steps snapshotted (0 first) and their arrays.
      columns: the metrics recorded per step, the monitored loss first (curve columns).
      unit: what one step is called in log lines and messages (``"step"``, ``"iteration"``, ``"epoch"``).
      start: the first step of this session (the resumed step, else 0).
      values: one list per column and ``"seconds"`` (since the run's start), one entry per completed step.
    """

    total: int
    snapshot_every: int | None
    log_every: int | None
    checkpoint_every: int | None
    snapshot_steps: list[int] = dataclasses.field(default_factory=list)
    snapshots: list[Any] = dataclasses.field(default_factory=list)
    columns: tuple[str, ...] = ("loss", "grad_norm")
    unit: str = "step"
    start: int = 0
    values: dict[str, list[float]] = dataclasses.field(init=False)

    def __post_init__(self):
        self.values = {name: [] for name in (*self.columns, "seconds")}
        self.start_clock()

    @property
    def losses(self) -> list[float]:
        """The monitored loss of every completed step (the first column)."""
        return self.values[self.columns[0]]

    @property
    def seconds(self) -> list[float]:
        return self.values["seconds"]

    def resume(self, state: Mapping[str, Any]) -> None:
        """Continue from a loaded checkpoint: its ``step``, one list per column and ``seconds``,
        ``snapshot_steps`` and ``snapshots``."""
        self.start = int(state["step"])
        self.values = {name: list(state[name]) for name in self.values}
        self.snapshot_steps, self.snapshots = list(state["snapshot_steps"]), list(state["snapshots"])

    def start_clock(self) -> None:
        """(Re)start the clock just before the first step: times count from here, on top of a resumed run's."""
        self._elapsed0 = self.seconds[-1] if self.seconds else 0.0
        self._t0 = self._t_last = time.perf_counter()
        self._step_last = self.start
        self.last_good = self.start if self.start > 0 else None

    def check_finite(self, step: int, metrics: Mapping[str, float], checkpoint, what: str, settings: str,
                     finite: bool = True) -> None:  # fmt: skip
        """Raise :class:`NonFiniteLossError` if a metric is NaN/Inf at 0-based ``step`` (or ``finite``
        is False: a parameter is not).

        The message names ``what`` (the method), the metrics, the step (1-based), the run's
        ``settings`` and the last good checkpoint.
        """
        if finite and all(np.isfinite(v) for v in metrics.values()):
            return
        if not checkpoint:
            where = "no checkpoint was configured"
        elif self.last_good is None:
            where = "no checkpoint was written yet"
        else:
            where = f"last good checkpoint {checkpoint} ({self.unit} {self.last_good})"
        desc = " / ".join(f"{k} {v}" for k, v in metrics.items())
        desc += "" if finite else "; a parameter"
        raise NonFiniteLossError(f"{what} {desc} is not finite at {self.unit} {step + 1} ({settings}); {where}")

    def checkpointed(self, done: int) -> None:
        """Note that the checkpoint now holds step ``done``."""
        self.last_good = done

    def record(self, done: int, metrics: Mapping[str, float]) -> None:
        """Append step ``done``'s metrics (every column) and time; log a line when one is due."""
        for name in self.columns:
            self.values[name].append(float(metrics[name]))
        self.seconds.append(self._elapsed0 + time.perf_counter() - self._t0)
        if self.log_every and (done % self.log_every == 0 or done == self.total):
            self.log(done)

    def log(self, done: int) -> None:
        """A progress line: the step, its metrics and the rate since the last line."""
        if done == self._step_last:
            return
        now = time.perf_counter()
        rate = (done - self._step_last) / max(now - self._t_last, 1e-9)
        metrics = " ".join(f"{name} {self.values[name][-1]:.6g}" for name in self.columns)
        log.info("%s %d/%d %s (%.1f %ss/s)", self.unit, done, self.total, metrics, rate, self.unit)
        self._t_last, self._step_last = now, done

    def training_seconds(self) -> float:
        """Seconds trained so far, less this session's first (compiling) step: what a time budget counts."""
        first = self.seconds[self.start] - (self.seconds[self.start - 1] if self.start > 0 else 0.0)
        return self.seconds[-1] - first

    def snapshot_due(self, done: int, last: bool = False) -> bool:
        """Whether step ``done`` is snapshotted: every ``snapshot_every`` steps and the run's last
        step (``total``, or ``done`` itself when ``last``: a run that halts early), once each."""
        due = (self.snapshot_every and done % self.snapshot_every == 0) or done == self.total or last
        return bool(due) and (not self.snapshot_steps or self.snapshot_steps[-1] != done)

    def add_snapshot(self, done: int, snapshot) -> None:
        self.snapshot_steps.append(done)
        self.snapshots.append(snapshot)

    def checkpoint_due(self, done: int, interrupted: bool) -> bool:
        """Whether to checkpoint after step ``done`` (cadence, the last step, or an early stop)."""
        every = self.checkpoint_every and done % self.checkpoint_every == 0
        return bool(every) or done == self.total or interrupted

    def curve(self) -> pd.DataFrame:
        """The curve: step (from 1), every column, seconds."""
        steps = np.arange(1, len(self.seconds) + 1)
        return pd.DataFrame({"step": steps, **self.values})


__all__ = ["NonFiniteLossError", "RunProgress"]
