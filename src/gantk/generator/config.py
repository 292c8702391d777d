"""The settings of one GA-CNTKg run (:class:`GeneratorConfig`), as the workflow's method blocks give them.

Optimiser defaults are the authors' (``gan-ntkg/gan/gantkgan_generator.py``): Adam(2·10⁻⁴,
β₁ = 0.5), gradients clipped to global norm 5, b = 64, latent dimension 64.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Mapping

import numpy as np

from gantk.generator.code_space import code_kernel
from gantk.loop.stopping import StopRule
from gantk.objective.gp import Method

@dataclasses.dataclass(frozen=True)
class GeneratorConfig:
    """Settings of one GA-CNTKg run.

    Attributes:
      kernel: the NTK on codes (:func:`code_kernel`): ``"fntk"`` or ``"fntk_erf"`` (the authors').
      lam: λ = η·t of the NTK-GP (from :func:`code_lambda_search`).
      steps: generator updates.
      batch_size: b real codes and b generated codes per step (2b × 2b kernel).
      latent_dim: dimension of ζ ~ N(0, I) (64; 2 for the latent-grid figure).
      lr, beta1, beta2: Adam settings.
      clip_norm: clip the gradient to this global norm before Adam (None = no clipping).
      width: generator width multiplier.
      seed: seeds the generator's initial weights, the batches, ζ and the fixed ζ.
      snapshot_every: decode G(ζ_fixed) every this many steps (0 = only start and end).
      checkpoint_every: write a checkpoint every this many steps (0 = only at the end).
      log_every: log a progress line every this many steps (0 = never).
      fixed_samples: size of the fixed ζ whose images are kept along the run (Fig 11).
      samples: images generated at the end (None = as many as real images).
      method: route through exp(−λK) (``gantk.objective.gp``).
      krylov_dim: Lanczos steps of the ``"lanczos"`` route.
      code_shape: the code shape λ was searched for; the autoencoder must produce it
        (None = take the autoencoder's).
      stop: which step's generator makes the samples, and whether to halt early
        (``plateau`` or ``final``; :class:`~gantk.loop.stopping.StopRule` or its config mapping).
    """

    kernel: str = "fntk"
    lam: float = 1.0
    steps: int = 1000
    batch_size: int = 64
    latent_dim: int = 64
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    clip_norm: float | None = 5.0
    width: float = 1.0
    seed: int = 0
    snapshot_every: int = 100
    checkpoint_every: int = 100
    log_every: int = 100
    fixed_samples: int = 16
    samples: int | None = None
    method: Method = "eigh"
    krylov_dim: int = 64
    code_shape: tuple[int, ...] | None = None
    stop: StopRule = StopRule()

    def __post_init__(self):
        object.__setattr__(self, "stop", StopRule.from_settings(self.stop))
        if self.stop.rule == "heldout_am_ssim":
            raise ValueError("GA-CNTKg takes stop rule 'plateau' or 'final': its snapshots are not its samples")
        if self.code_shape is not None:
            object.__setattr__(self, "code_shape", tuple(int(s) for s in self.code_shape))
        code_kernel(self.kernel)
        if self.lam <= 0:
            raise ValueError(f"λ must be positive, got {self.lam}")
        if self.steps < 0 or self.batch_size < 1 or self.latent_dim < 1:
            raise ValueError(
                "need steps >= 0, batch_size >= 1, latent_dim >= 1; "
                f"got {self.steps}, {self.batch_size}, {self.latent_dim}"
            )
        if self.lr <= 0 or not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"need lr > 0 and β1, β2 in [0, 1); got {self.lr}, {self.beta1}, {self.beta2}")
        if self.clip_norm is not None and self.clip_norm <= 0:
            raise ValueError(f"clip_norm must be positive or None, got {self.clip_norm}")
        if self.width <= 0 or self.fixed_samples < 1:
            raise ValueError(f"need width > 0 and fixed_samples >= 1, got {self.width}, {self.fixed_samples}")
        if self.samples is not None and self.samples < 1:
            raise ValueError(f"samples must be None or >= 1, got {self.samples}")
        if self.method not in ("eigh", "expm", "lanczos"):
            raise ValueError(f"method must be 'eigh', 'expm' or 'lanczos', got {self.method!r}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], *, lam: float, seed: int, code_shape=None) -> "GeneratorConfig":
        """A config from a workflow method block (``gantk.workflow.config.run_settings``) with a ``kind: ga_ntkg``.

        ``kernels`` must name one kernel; ``optimizer`` must be ``adam``; ``solver`` maps to
        ``method``; ``batch_size: null`` means b = n (set by the caller); keys that only
        concern GA-NTK on free points (``dtype``, ``tile``) are ignored.
        """
        settings = dict(settings)
        kernels = settings.pop("kernels")
        if len(kernels) != 1:
            raise ValueError(f"a GA-CNTKg method takes one code kernel, got kernels {kernels}")
        optimizer = settings.pop("optimizer", "adam")
        if optimizer != "adam":
            raise ValueError(f"GA-CNTKg trains its generator with Adam; optimizer {optimizer!r} is not supported")
        if "solver" in settings:
            settings["method"] = settings.pop("solver")
        for key in ("kind", "dtype", "tile"):
            settings.pop(key, None)
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - fields)
        if unknown:
            allowed = sorted(fields - {"kernel", "lam", "seed"})
            raise ValueError(f"unknown GA-CNTKg settings {unknown}; allowed: {allowed}")
        return cls(kernel=kernels[0], lam=float(lam), seed=int(seed), code_shape=code_shape, **settings)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def fingerprint(self, codes: np.ndarray) -> str:
        """Hash of the settings that shape the trajectory and of the real codes (data and autoencoder)."""
        skip = ("steps", "log_every", "checkpoint_every", "samples")
        keep = {k: v for k, v in self.to_dict().items() if k not in skip}
        digest = hashlib.sha256(json.dumps(keep, sort_keys=True).encode())
        digest.update(np.ascontiguousarray(codes, np.float32).tobytes())
        return digest.hexdigest()[:16]


__all__ = ["GeneratorConfig"]
