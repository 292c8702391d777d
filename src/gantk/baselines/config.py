"""The settings (:class:`GANConfig`) and the outcome (:class:`GANResult`) of one GAN baseline run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gantk.baselines.methods import GANMethod, get_method
from gantk.common.io import save_run
from gantk.loop.stopping import DELTA

#: Per-iteration quantities recorded in the curve (besides ``step``, ``loss`` and ``seconds``).
METRICS = ("d_loss", "g_loss", "penalty", "w_estimate")


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
      grid_every: a PNG sample grid every this many iterations (0 = at the end only), drawn after
        the run from the snapshots (:func:`gantk.plots.sample_grid.save_sample_grids`), so a
        multiple of ``snapshot_every``.
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
        if self.grid_every and (not self.snapshot_every or self.grid_every % self.snapshot_every):
            raise ValueError(
                f"GANConfig.grid_every ({self.grid_every}) must be a multiple of snapshot_every "
                f"({self.snapshot_every}): sample grids are drawn from the saved snapshots"
            )
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


def steady_rate(curve: pd.DataFrame) -> float | None:
    """Iterations per second between the end of iteration 1 and the last one (compilation excluded)."""
    if len(curve) < 2:
        return None
    seconds = curve["seconds"].to_numpy()
    span = float(seconds[-1] - seconds[0])
    return (len(curve) - 1) / span if span > 0 else None


__all__ = ["GANConfig", "GANResult", "METRICS", "steady_rate"]
