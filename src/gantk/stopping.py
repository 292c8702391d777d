"""Early stopping on a monitored loss, for the iterations-to-convergence of Table 9.

The paper stops a run once its loss has not improved by more than ``delta`` (0.05) for
``patience`` (10000) iterations. Per-iteration losses of stochastic (batch-wise or
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
"""

from __future__ import annotations

import collections
import dataclasses
import math
from typing import Iterable

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


__all__ = ["DELTA", "EarlyStopping", "PATIENCE", "convergence"]
