"""The GAN baselines: each is its loss, its networks and its optimiser settings.

Settings from the paper's baseline tables (DESIGN §3; latent 64 and batch 64 are
:class:`gantk.baselines.train.GANConfig` defaults):

==========  ===============  =========  =========  ======  ====  =====  ==============================
method      loss             D norm     optimiser  lr      β₁    β₂     n_dis, extras
==========  ===============  =========  =========  ======  ====  =====  ==============================
dcgan       non-saturating   batch      Adam       2e-4    0.5   0.999  1
lsgan       least squares    batch      Adam       2e-4    0.5   0.999  1
wgan        Wasserstein      batch      RMSProp    5e-5    –     0.99   5, weights clipped to ±0.01
wgan_gp     Wasserstein      none       Adam       1e-4    0.5   0.9    5, gradient penalty λ = 10
sngan       hinge            spectral   Adam       1e-4    0.9   0.999  5
gan         non-saturating   none       Adam       2e-4    0.5   0.999  1 (vanilla GAN, 2-D data)
stylegan2   non-saturating   (own)      Adam       2.5e-3  0     0.99   1, lazy R1 γ = 0.01 every 16
==========  ===============  =========  =========  ======  ====  =====  ==============================

Choices the tables leave open, stated here: SN-GAN uses the hinge loss (Miyato et al.
2018 report it as their best); the vanilla GAN is Goodfellow et al.'s with the
non-saturating generator loss and the WGAN-GP toy MLPs; WGAN's RMSProp is PyTorch's
(decay 0.99, ε = 1e-8 outside the square root), as in the WGAN authors' code; every
method except StyleGAN2 uses the DCGAN/InfoGAN-shaped networks of
:mod:`gantk.nets.gan` (MLPs for 2-D points).

``monitor`` names the curve quantity that early stopping (Table 9) watches:
``"w_estimate"`` (the critic's Wasserstein estimate E[D(x)] − E[D(G(z))], which falls as
G improves) for the Wasserstein methods, ``"g_loss"`` for the others.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, Mapping

import jax
import jax.numpy as jnp
import optax

from gantk.baselines.losses import GANLoss, get_loss
from gantk.nets.gan import NORMS, dcgan_networks
from gantk.nets.stylegan2 import stylegan2_networks

Penalty = Literal["none", "gradient_penalty", "r1"]
Monitor = Literal["g_loss", "d_loss", "w_estimate"]


@dataclasses.dataclass(frozen=True)
class OptimizerSettings:
    """An optimiser: ``"adam"`` (lr, β₁, β₂, ε) or ``"rmsprop"`` (lr, decay = β₂, ε)."""

    name: Literal["adam", "rmsprop"]
    lr: float
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        if self.name not in ("adam", "rmsprop"):
            raise ValueError(f"optimiser must be 'adam' or 'rmsprop', got {self.name!r}")
        if not self.lr > 0:
            raise ValueError(f"learning rate must be positive, got {self.lr}")
        if not (0 <= self.b1 < 1 and 0 <= self.b2 < 1):
            raise ValueError(f"betas must lie in [0, 1), got b1={self.b1}, b2={self.b2}")

    def make(self) -> optax.GradientTransformation:
        if self.name == "adam":
            return optax.adam(self.lr, b1=self.b1, b2=self.b2, eps=self.eps)
        return optax.rmsprop(self.lr, decay=self.b2, eps=self.eps, eps_in_sqrt=False)


def clip_params(limit: float) -> optax.GradientTransformation:
    """Turn updates u into clip(p + u, −limit, limit) − p: WGAN's weight clipping after each step."""

    def init(params):
        return optax.EmptyState()

    def update(updates, state, params=None):
        if params is None:
            raise ValueError("clip_params needs the parameters: call update(grads, state, params)")
        clipped = jax.tree.map(lambda u, p: jnp.clip(p + u, -limit, limit) - p, updates, params)
        return clipped, state

    return optax.GradientTransformation(init, update)


@dataclasses.dataclass(frozen=True)
class GANMethod:
    """One GAN baseline.

    Attributes:
      name: registry name.
      loss: name of the :class:`GANLoss` (``gantk.baselines.losses.LOSSES``).
      architecture: ``"dcgan"`` (InfoGAN-shaped CNNs, MLPs for points) or ``"stylegan2"``.
      d_norm: discriminator normalisation of the DCGAN-shaped D (``batch``, ``none``, ``spectral``).
      n_dis: discriminator steps per generator step.
      g_opt, d_opt: optimiser settings of G and D.
      penalty: ``"none"``, ``"gradient_penalty"`` (WGAN-GP) or ``"r1"`` (StyleGAN2).
      penalty_weight: the penalty's factor in the D loss (λ = 10 for WGAN-GP; γ/2 for R1).
      penalty_every: apply the penalty every this many D steps, scaled by it (lazy
        regularisation; 1 = every step).
      clip: clip every D parameter to [−clip, clip] after each D step (WGAN), or None.
      g_ema_kimg: half-life, in thousands of images, of the moving average of G's weights
        used for sampling (StyleGAN2), or None to sample from G itself.
      g_ema_rampup: the half-life is at most this fraction of the images seen so far.
      monitor: the curve quantity early stopping watches (module doc).
      monitor_mode: what counts as a change of it for early stopping: ``"plateau"`` (any
        change by more than delta; GAN losses do not fall monotonically) or ``"min"``
        (:class:`gantk.loop.stopping.EarlyStopping`).
    """

    name: str
    loss: str
    architecture: Literal["dcgan", "stylegan2"]
    d_norm: str
    n_dis: int
    g_opt: OptimizerSettings
    d_opt: OptimizerSettings
    penalty: Penalty = "none"
    penalty_weight: float = 0.0
    penalty_every: int = 1
    clip: float | None = None
    g_ema_kimg: float | None = None
    g_ema_rampup: float | None = None
    monitor: Monitor = "g_loss"
    monitor_mode: Literal["min", "plateau"] = "plateau"

    def __post_init__(self):
        get_loss(self.loss)
        if self.architecture not in ("dcgan", "stylegan2"):
            raise ValueError(f"architecture must be 'dcgan' or 'stylegan2', got {self.architecture!r}")
        if self.d_norm not in NORMS:
            raise ValueError(f"d_norm must be one of {NORMS}, got {self.d_norm!r}")
        if self.n_dis < 1 or self.penalty_every < 1:
            raise ValueError(f"n_dis and penalty_every must be >= 1, got {self.n_dis}, {self.penalty_every}")
        if self.penalty not in ("none", "gradient_penalty", "r1"):
            raise ValueError(f"penalty must be 'none', 'gradient_penalty' or 'r1', got {self.penalty!r}")
        if self.penalty != "none" and self.d_norm == "batch":
            raise ValueError(
                f"method {self.name!r}: a gradient penalty needs a discriminator that scores samples "
                "independently; batch norm mixes them (use d_norm 'none' or 'spectral')"
            )
        if self.clip is not None and not self.clip > 0:
            raise ValueError(f"clip must be positive or None, got {self.clip}")
        if self.monitor not in ("g_loss", "d_loss", "w_estimate"):
            raise ValueError(f"monitor must be 'g_loss', 'd_loss' or 'w_estimate', got {self.monitor!r}")
        if self.monitor_mode not in ("min", "plateau"):
            raise ValueError(f"monitor_mode must be 'min' or 'plateau', got {self.monitor_mode!r}")

    @property
    def gan_loss(self) -> GANLoss:
        return get_loss(self.loss)

    def networks(self, data_shape, width: float = 1.0):
        """``(G, D)`` flax modules for samples of ``data_shape`` ((H, W, C) or (d,))."""
        if self.architecture == "stylegan2":
            return stylegan2_networks(data_shape, width)
        return dcgan_networks(data_shape, self.d_norm, width)

    def optimizers(self) -> tuple[optax.GradientTransformation, optax.GradientTransformation]:
        """``(G's, D's)`` optax transformations (D's clips weights for WGAN)."""
        d_tx = self.d_opt.make()
        if self.clip is not None:
            d_tx = optax.chain(d_tx, clip_params(self.clip))
        return self.g_opt.make(), d_tx

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_ADAM_DCGAN = OptimizerSettings("adam", 2e-4, 0.5, 0.999)
# StyleGAN2's lazy R1: D's Adam uses lr·c and β^c with c = k/(k + 1) for interval k.
_R1_EVERY = 16
_C = _R1_EVERY / (_R1_EVERY + 1)

METHODS: dict[str, GANMethod] = {
    "dcgan": GANMethod("dcgan", "nonsaturating", "dcgan", "batch", 1, _ADAM_DCGAN, _ADAM_DCGAN),
    "lsgan": GANMethod("lsgan", "least_squares", "dcgan", "batch", 1, _ADAM_DCGAN, _ADAM_DCGAN),
    "wgan": GANMethod(
        "wgan", "wasserstein", "dcgan", "batch", 5,
        OptimizerSettings("rmsprop", 5e-5, 0.0, 0.99), OptimizerSettings("rmsprop", 5e-5, 0.0, 0.99),
        clip=0.01, monitor="w_estimate",
    ),
    "wgan_gp": GANMethod(
        "wgan_gp", "wasserstein", "dcgan", "none", 5,
        OptimizerSettings("adam", 1e-4, 0.5, 0.9), OptimizerSettings("adam", 1e-4, 0.5, 0.9),
        penalty="gradient_penalty", penalty_weight=10.0, monitor="w_estimate",
    ),
    "sngan": GANMethod(
        "sngan", "hinge", "dcgan", "spectral", 5,
        OptimizerSettings("adam", 1e-4, 0.9, 0.999), OptimizerSettings("adam", 1e-4, 0.9, 0.999),
    ),
    "gan": GANMethod("gan", "nonsaturating", "dcgan", "none", 1, _ADAM_DCGAN, _ADAM_DCGAN),
    "stylegan2": GANMethod(
        "stylegan2", "nonsaturating", "stylegan2", "none", 1,
        OptimizerSettings("adam", 2.5e-3, 0.0, 0.99),
        OptimizerSettings("adam", 2.5e-3 * _C, 0.0, 0.99**_C),
        penalty="r1", penalty_weight=0.01 / 2, penalty_every=_R1_EVERY,
        g_ema_kimg=500.0, g_ema_rampup=0.05,
    ),
}

#: Settings a config may override per run (:func:`get_method`).
OVERRIDABLE = ("n_dis", "lr", "lr_g", "lr_d", "b1", "b2", "penalty_weight", "penalty_every", "clip")


def get_method(name: str, overrides: Mapping[str, Any] | None = None) -> GANMethod:
    """The registered method ``name`` with ``overrides`` applied.

    Overrides: ``n_dis``, ``lr`` (both optimisers), ``lr_g``, ``lr_d``, ``b1``, ``b2``
    (both), ``penalty_weight``, ``penalty_every``, ``clip``.

    Raises:
      ValueError: an unknown method or override key (naming it and the allowed ones).
    """
    if name not in METHODS:
        raise ValueError(f"unknown GAN method {name!r}; known: {', '.join(METHODS)}")
    method = METHODS[name]
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise ValueError(f"GAN method {name!r}: unknown setting(s) {unknown}; allowed: {', '.join(OVERRIDABLE)}")
    g_opt, d_opt = method.g_opt, method.d_opt
    if "lr" in overrides:
        g_opt = dataclasses.replace(g_opt, lr=float(overrides["lr"]))
        d_opt = dataclasses.replace(d_opt, lr=float(overrides["lr"]))
    if "lr_g" in overrides:
        g_opt = dataclasses.replace(g_opt, lr=float(overrides["lr_g"]))
    if "lr_d" in overrides:
        d_opt = dataclasses.replace(d_opt, lr=float(overrides["lr_d"]))
    for beta in ("b1", "b2"):
        if beta in overrides:
            g_opt = dataclasses.replace(g_opt, **{beta: float(overrides[beta])})
            d_opt = dataclasses.replace(d_opt, **{beta: float(overrides[beta])})
    fields = {k: overrides[k] for k in ("n_dis", "penalty_weight", "penalty_every", "clip") if k in overrides}
    return dataclasses.replace(method, g_opt=g_opt, d_opt=d_opt, **fields)


__all__ = ["GANMethod", "METHODS", "OVERRIDABLE", "OptimizerSettings", "clip_params", "get_method"]
