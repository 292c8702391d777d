"""Stopping rules: which step of a run is its result, and when a run may stop early.

The paper stops a run once its loss has not improved by more than ``delta`` (0.05) for
``patience`` (10000) iterations (§13, Table 9). Per-iteration losses of stochastic (batch-wise or
adversarial) training are noisy, so the monitored value at step t is the mean of the
last ``window`` losses (fewer at the start); with ``window = 1`` it is the raw loss.

    improvement at t:  m_t < best − delta   (then best ← m_t, converged ← t)
    stop at t:         t − converged ≥ patience

That is ``mode="min"``, for a loss that falls towards its optimum (GA-NTK). A GAN's
monitored losses are not minimised over the run: the critic's Wasserstein estimate first
*rises* from 0 as the untrained critic learns, the non-saturating G loss rises as D gets
better, so "min" would call step 1 converged. ``mode="plateau"`` counts any move of the
monitored mean by more than delta from the last reference value (``|m_t − ref| > delta``,
then ref ← m_t): the run has converged once its loss stops changing.

``converged`` (the last improving step) is the *iterations to convergence*; the run
stops ``patience`` steps later. The same rule is applied during GAN training
(:class:`EarlyStopping`) and afterwards to any recorded curve, GA-NTK runs included
(:func:`convergence`), so every row of Table 9 is measured alike.

GA-NTK runs choose their result with a :class:`StopRule` (config ``stop:`` of a method):

* ``plateau`` — the paper's early stopping (``mode="min"`` above) on the monitored value;
  the run's samples are the Z at the convergence step, the last one that improved the
  windowed mean by more than delta. With ``halt`` the run stops ``patience`` steps later.
  Why it matters: the objective's optimum copies the data (Z = X gives D = ½ everywhere),
  so the longer a run goes past convergence the closer its samples come to the training
  set (DESIGN §1; the paper's AM-SSIM of 0.49–0.54 on MNIST is that of converged runs).
* ``heldout_am_ssim`` — ours, beyond the paper: the last snapshot before the first whose
  AM-SSIM to the training subset exceeds that of held-out real images (Fig 3's
  memorisation line); applied after the run, from its snapshots (:func:`heldout_step`).
* ``final`` — the last Z.

The monitored value is ``norm``, Eq. 4's ‖1 − D‖ = √(2 L) of the Eq. 16 loss L = ½‖1 − D‖²
(for sums of losses, Eq. 5 and Eq. 7, the square root of twice the sum), or ``loss``, L
itself. The paper names the norm in Eq. 4 and gives delta in absolute units without saying
which it watched; the choice matters (DESIGN §1: on one MNIST run delta 0.05 selects step 225
on the norm, 940 on L), and we default to the norm.

Step numbering: a curve's row t holds the loss at the Z that step t started from, i.e. after
t − 1 updates. A rule that selects row t therefore selects Z_{t−1}: ``selected_step`` is
always the number of updates the selected Z has had, the same numbering as snapshots.
"""

from __future__ import annotations

import collections
import dataclasses
import math
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

#: The paper's settings (Table 9).
PATIENCE = 10_000
DELTA = 0.05

#: What counts as a change of the monitored value (module doc).
MODES = ("min", "plateau")


@dataclasses.dataclass
class EarlyStopping:
    """Feed one loss per step with :meth:`update`; it says when to stop.

    Attributes:
      patience: steps without an improvement before stopping.
      delta: an improvement must lower the monitored value by more than this.
      window: the monitored value is the mean of the last ``window`` losses.
      mode: ``"min"`` (an improvement is a fall by more than delta) or ``"plateau"`` (any
        change by more than delta); see the module doc.
    """

    patience: int = PATIENCE
    delta: float = DELTA
    window: int = 100
    mode: str = "min"
    step: int = 0
    best: float = math.inf
    converged_step: int = 0

    def __post_init__(self):
        if self.patience < 1 or self.window < 1 or self.delta < 0:
            raise ValueError(
                f"early stopping needs patience >= 1, window >= 1, delta >= 0; got "
                f"patience={self.patience}, window={self.window}, delta={self.delta}"
            )
        if self.mode not in MODES:
            raise ValueError(f"early stopping mode must be one of {MODES}, got {self.mode!r}")
        self._recent: collections.deque[float] = collections.deque(maxlen=self.window)
        self._sum = 0.0

    def update(self, loss: float) -> bool:
        """Record the loss of the next step (1-based); True when the run should stop."""
        if not math.isfinite(loss):
            raise ValueError(f"early stopping got a non-finite loss {loss} at step {self.step + 1}")
        self.step += 1
        if len(self._recent) == self.window:
            self._sum -= self._recent[0]
        self._recent.append(float(loss))
        self._sum += float(loss)
        value = self._sum / len(self._recent)
        moved = value < self.best - self.delta if self.mode == "min" else abs(value - self.best) > self.delta
        if moved:
            self.best, self.converged_step = value, self.step
        return self.step - self.converged_step >= self.patience


def convergence(
    losses: Iterable[float], patience: int = PATIENCE, delta: float = DELTA, window: int = 100, mode: str = "min"
) -> dict:
    """Apply the stopping rule to a recorded curve (one loss per step, step 1 first).

    Returns:
      dict with ``converged_step`` (last improving step), ``stop_step`` (where the rule
      stops, or the last step if it never does), ``stopped`` (whether it did) and
      ``best`` (the monitored value at ``converged_step``).
    """
    stopper = EarlyStopping(patience, delta, window, mode=mode)
    stopped = False
    for loss in losses:
        if stopper.update(float(loss)):
            stopped = True
            break
    return {
        "converged_step": stopper.converged_step,
        "stop_step": stopper.step,
        "stopped": stopped,
        "best": stopper.best,
    }


#: The rules a GA-NTK method may name (module doc).
RULES = ("plateau", "heldout_am_ssim", "final")

#: What a ``plateau`` rule watches (module doc).
MONITORS = ("norm", "loss")


@dataclasses.dataclass(frozen=True)
class StopRule:
    """Which step of a GA-NTK run is its result (module doc), as config ``stop:`` sets it.

    Attributes:
      rule: ``"plateau"``, ``"heldout_am_ssim"`` or ``"final"``.
      monitor: ``"norm"`` (‖1 − D‖, Eq. 4) or ``"loss"`` (½‖1 − D‖², Eq. 16); plateau only.
      patience: steps without improvement before a halting run stops (paper: 10000).
      delta: an improvement lowers the windowed mean by more than this (paper: 0.05).
      window: the monitored value is the mean of the last ``window`` per-step values.
      halt: plateau only: stop ``patience`` steps after the convergence step (else run the
        whole budget and still report the convergence step).
    """

    rule: str = "final"
    monitor: str = "norm"
    patience: int = PATIENCE
    delta: float = DELTA
    window: int = 1
    halt: bool = True

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"stop rule must be one of {RULES}, got {self.rule!r}")
        if self.monitor not in MONITORS:
            raise ValueError(f"stop monitor must be one of {MONITORS}, got {self.monitor!r}")
        EarlyStopping(self.patience, self.delta, self.window)  # checks the numbers

    @classmethod
    def from_settings(cls, settings: "StopRule | Mapping[str, Any] | None") -> "StopRule":
        """A rule from a config mapping (``None``: :attr:`rule` ``final``)."""
        if isinstance(settings, StopRule):
            return settings
        return cls(**(settings or {}))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def monitored(self, loss: float) -> float:
        """The value the rule watches for one step's loss L: √(2L) (``norm``) or L."""
        return math.sqrt(max(2.0 * loss, 0.0)) if self.monitor == "norm" else float(loss)


class StopTracker:
    """Follows a run's losses step by step for its :class:`StopRule`.

    After each step's loss, :meth:`update` says whether the Z that step started from is now
    the selected one (keep a reference to it) and whether the run should halt. Rebuilt on a
    resume by replaying the recorded losses (:meth:`replay`), so the selected step after a
    kill is the one an uninterrupted run selects.
    """

    def __init__(self, rule: StopRule):
        self.rule = rule
        self._stopper = (
            EarlyStopping(rule.patience, rule.delta, rule.window, mode="min") if rule.rule == "plateau" else None
        )
        self.select = self._stopper is not None  # only plateau chooses an earlier Z while the run goes
        self.steps = 0

    def update(self, loss: float) -> tuple[bool, bool]:
        """Record the next step's loss; returns (the step's starting Z is selected, halt now)."""
        self.steps += 1
        if self._stopper is None:
            return False, False
        done = self._stopper.update(self.rule.monitored(loss))
        return self._stopper.converged_step == self._stopper.step, bool(done and self.rule.halt)

    def replay(self, losses: Iterable[float]) -> None:
        """Feed recorded losses (a resumed run's curve) without acting on them."""
        for loss in losses:
            self.update(float(loss))

    @property
    def halted(self) -> bool:
        """Whether a halting rule has seen ``patience`` steps without improvement."""
        s = self._stopper
        return bool(s is not None and self.rule.halt and s.step - s.converged_step >= s.patience)

    @property
    def selected_step(self) -> int | None:
        """Updates of the selected Z (plateau), or None when the rule takes the last Z."""
        if self._stopper is None:
            return None
        return self._stopper.converged_step - 1

    @property
    def monitored_value(self) -> float | None:
        """The windowed mean at the selected step (plateau), else None."""
        return None if self._stopper is None else self._stopper.best


class PatienceTracker:
    """:class:`EarlyStopping` followed step by step as the loop driver follows a :class:`StopTracker`.

    The GANs stop on it without choosing an earlier state (``select=False``); the autoencoder
    keeps the state of its best epoch (``select=True``: :meth:`update` says when the state the
    step's loss was measured on is the best so far).
    """

    def __init__(self, stopping: EarlyStopping, *, select: bool = False):
        self.stopping, self.select = stopping, select

    def update(self, loss: float) -> tuple[bool, bool]:
        """Record the next step's loss; returns (its state is the best so far and selected, stop now)."""
        stop = self.stopping.update(loss)
        return self.select and self.stopping.converged_step == self.stopping.step, stop

    replay = StopTracker.replay  # feeds a resumed run's curve through update

    @property
    def halted(self) -> bool:
        s = self.stopping
        return s.step - s.converged_step >= s.patience

    @property
    def converged_step(self) -> int:
        """The last improving step (1-based; 0 before any)."""
        return self.stopping.converged_step


def loss_at(losses: Sequence[float], step: int, final_loss: float | None) -> float | None:
    """The loss at Z after ``step`` updates: curve row ``step + 1``, or ``final_loss`` past the curve."""
    return float(losses[step]) if step < len(losses) else final_loss


def outcome(tracker: StopTracker, losses: Sequence[float], halted: bool, final_loss: float | None) -> dict[str, Any]:
    """What a finished run's stop.json records: the rule's settings, ``selected_step``
    (updates of the result), ``steps_run``, ``halted``, ``monitored`` (plateau: the windowed
    mean there), ``final_loss`` (at the last Z) and ``loss`` (at the result)."""
    steps_run = len(losses)
    selected = steps_run if tracker.selected_step is None else tracker.selected_step
    return {
        **tracker.rule.to_dict(),
        "selected_step": selected,
        "steps_run": steps_run,
        "halted": bool(halted),
        "monitored": tracker.monitored_value,
        "final_loss": final_loss,
        "loss": loss_at(losses, selected, final_loss),
    }


def plateau_step(losses: Sequence[float], rule: StopRule) -> dict[str, Any]:
    """The ``plateau`` rule on a recorded curve (one loss per step, row 1 first).

    Returns:
      dict with ``selected_step`` (updates of the selected Z: convergence row − 1),
      ``steps_run`` (rows a halting run executes), ``halted`` and ``monitored`` (the windowed
      mean at the convergence row).
    """
    values = [rule.monitored(float(v)) for v in losses]
    patience = rule.patience if rule.halt else len(values) + 1  # a non-halting run never stops
    out = convergence(values, patience, rule.delta, rule.window, mode="min")
    return {
        "selected_step": out["converged_step"] - 1,
        "steps_run": out["stop_step"],
        "halted": out["stopped"],
        "monitored": out["best"],
    }


def heldout_step(steps: Sequence[int], am_ssims: Sequence[float], level: float) -> int:
    """The ``heldout_am_ssim`` rule: the last snapshot step before AM-SSIM first exceeds ``level``.

    Args:
      steps: (S,) snapshot steps in increasing order (0 = the initial noise).
      am_ssims: (S,) AM-SSIM of each snapshot to the training subset.
      level: the AM-SSIM of held-out real images to the same training subset.

    Returns:
      A snapshot step: the first one if it already exceeds the level, the last if none does.
    """
    steps, values = np.asarray(steps), np.asarray(am_ssims, float)
    if steps.ndim != 1 or steps.shape != values.shape or len(steps) == 0:
        raise ValueError(f"need one AM-SSIM per snapshot step, got {steps.shape} steps and {values.shape} values")
    if not np.all(np.diff(steps) > 0):
        raise ValueError(f"snapshot steps must increase, got {steps.tolist()}")
    if not math.isfinite(level):
        raise ValueError(f"the held-out AM-SSIM level must be finite, got {level}")
    above = np.flatnonzero(values > level)
    if len(above) == 0:
        return int(steps[-1])
    return int(steps[max(int(above[0]) - 1, 0)])


__all__ = [
    "DELTA",
    "MONITORS",
    "PATIENCE",
    "RULES",
    "EarlyStopping",
    "PatienceTracker",
    "StopRule",
    "StopTracker",
    "convergence",
    "heldout_step",
    "loss_at",
    "outcome",
    "plateau_step",
]
