"""GA-CNTKg: a generator trained against the NTK-GP discriminator in an autoencoder's code space.

The generator variant of GA-NTK (paper Eq. 6) replaces the free fake points Z by the
outputs of a network, Z = G(ζ; θ_G) with ζ ~ N(0, I_latent), and optimises θ_G
batch-wise (Eq. 5). The discriminator works on the codes of a pre-trained, frozen
autoencoder A (``gantk.generator.autoencoder``): with c_i = encoder(x_i) the codes of the n real
images, each step samples b real codes C_b and b latents ζ_b and minimises

    L(θ_G) = ½ ‖1 − D(C_b, G(ζ_b); k, λ)‖²,   D = (I − exp(−λK)) y          (Eqs. 3, 16)

with K the 2b × 2b NTK of the code kernel k over C_b ⊕ G(ζ_b), through
``gantk.objective.gp.batchwise_loss``. Samples are images ``decoder(G(ζ))``.

Only the fake half moves: the real codes and their kernel block K_xx (computed once for
all n codes) enter the loss through ``jax.lax.stop_gradient``, and the autoencoder is
used only to make the real codes (before training) and to decode samples, so neither its
encoder nor its decoder receives a gradient (``tests/test_generator.py`` pins both).

The code kernel. The default is the ``fntk`` preset (flatten, [Dense, ReLU] ×3, Dense).
The authors' code (``ga-ntk/ga-ntk``, ``gan-ntkg/gan/gantkgan_generator.py``) used a
flattened four-layer Erf network in code space, available here as ``"fntk_erf"``
(:data:`CODE_KERNELS`); their loss was a two-class softmax cross-entropy on the
NTK-GP output with a 1e-4 diagonal regulariser, where this module uses the paper's
Eq. 16. Codes lie in (−1, 1) (Table 7's tanh, ``gantk.nets.autoencoder``), and
:func:`code_lambda_search` is ``lambda_search`` on the codes with its noise uniform over that range.

Generator networks (:class:`CodeGenerator`, DCGAN/InfoGAN-shaped like the authors'):
FC 1024 BN ReLU → FC s_h·s_w·C_top BN ReLU → reshape → [ConvT 4×4 s2 BN ReLU] … →
ConvT 4×4 s2 to the code channels → tanh, cropped to the code's (h, w); codes of at
most 4×4 positions (and flat codes) use FC 1024 BN ReLU ×2 → FC → tanh. Weights
start N(0, 0.02²).

Optimiser (the authors' settings): Adam(2·10⁻⁴, β₁ = 0.5), gradients clipped to global
norm 5, b = 64, latent dimension 64. Runs checkpoint and resume exactly as
``gantk.synthesis.ga_ntk`` does (the batch and ζ of step t come from ``fold_in(key, t)``), and a
NaN/Inf loss or gradient stops the run naming the step.

Example:
    >>> ae = load_autoencoder("results/ae/digits/split")
    >>> lam = code_lambda_search(ae, x, "fntk")["lam"]
    >>> result = train_generator(x, ae, GeneratorConfig(lam=lam, steps=2000, batch_size=32))
    >>> result.save("results/runs/digits/n64_s0/ga_cntkg")       # samples are decoder(G(ζ))
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd
from flax import traverse_util
from jaxtyping import Array, Float

from gantk.common.io import (
    load_checkpoint,
    load_json,
    load_npz,
    save_checkpoint,
    save_csv,
    save_json,
    save_npz,
)
from gantk.common.logging_utils import LOGGER_NAME
from gantk.generator.autoencoder import (
    AEArchitecture,
    Autoencoder,
    ConvAutoencoder,
    numpy_init,
)
from gantk.kernels import Dense, ElementNet, Erf, Flatten, kernel_matrix, preset, serial
from gantk.loop.progress import RunProgress
from gantk.loop.stopping import StopRule, StopTracker, outcome
from gantk.nets.generator import _INIT_STD, CodeGenerator
from gantk.objective.gp import Method, batchwise_loss
from gantk.synthesis.lambda_search import lambda_search

log = logging.getLogger(LOGGER_NAME)

#: Code-space kernels beyond the presets: the authors' flattened Erf network (σ_w² = 1.4615, σ_b² = 0.1).
CODE_KERNELS: dict[str, ElementNet] = {
    "fntk_erf": serial(Flatten(), *(Dense(), Erf()) * 4, Dense(), name="fntk_erf"),
}

GENERATOR_FILE = "generator.npz"

# Streams of the run seed besides the per-step keys fold_in(key, step).
_KEY_FIXED, _KEY_SAMPLES = 1, 2


def code_kernel(name: str) -> ElementNet:
    """The kernel called ``name``: a :data:`CODE_KERNELS` entry or a ``gantk.kernels`` preset."""
    if name in CODE_KERNELS:
        return CODE_KERNELS[name]
    return preset(name)


def kernel_input(codes: Float[Array, "n *c"], net: ElementNet) -> Float[Array, "n *c"]:
    """Codes as the kernel takes them: flat (N, d) for nets that begin with Flatten (same kernel, less memory)."""
    if net.pool == 1 and net.layers and isinstance(net.layers[0], Flatten):
        return codes.reshape(codes.shape[0], -1)
    return codes


def check_code_kernel(code_shape: Sequence[int], kernel: str, *, where: str = "the autoencoder") -> None:
    """Raise ValueError, naming ``where``, if kernel ``kernel`` cannot take codes of ``code_shape``."""
    net = code_kernel(kernel)
    probe = jax.ShapeDtypeStruct((2, *code_shape), jnp.float32)
    try:
        jax.eval_shape(lambda c: kernel_matrix(net, kernel_input(c, net)), probe)
    except Exception as err:  # any shape error of the kernel: report it against the code shape
        raise ValueError(
            f"kernel {kernel!r} cannot take the codes of {where} (shape {tuple(code_shape)}): {err}"
        ) from err


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


def generator_loss(
    g_params: Any,
    g_stats: Any,
    zeta: Float[Array, "b latent"],
    real_codes: Float[Array, "b *code"],
    k_xx: Float[Array, "b b"],
    *,
    generator: CodeGenerator,
    net: ElementNet,
    lam: float,
    method: Method = "eigh",
    krylov_dim: int = 64,
) -> tuple[Float[Array, ""], Any]:
    """The GA-CNTKg loss of one batch (Eq. 5 in code space) and the generator's updated batch statistics.

    Args:
      g_params, g_stats: the generator's parameters and BatchNorm statistics.
      zeta: (b, latent) latents.
      real_codes: (b, *code) codes of b real images.
      k_xx: (b, b) kernel block of those codes.
      generator, net, lam, method, krylov_dim: the network, code kernel, λ and exp(−λK) route.

    Returns:
      ``(loss, new_stats)``. The real codes and K_xx pass through ``stop_gradient``: only
      the fake half of K carries gradient (to ``g_params``).
    """
    real_codes = jax.lax.stop_gradient(real_codes)
    k_xx = jax.lax.stop_gradient(k_xx)
    fake, updates = generator.apply(
        {"params": g_params, "batch_stats": g_stats}, zeta, train=True, mutable=["batch_stats"]
    )
    loss = batchwise_loss(
        kernel_input(fake, net),
        kernel_input(real_codes, net),
        [k_xx],
        [net],
        [lam],
        method=method,
        krylov_dim=krylov_dim,
    )
    return loss, updates["batch_stats"]


@functools.lru_cache(maxsize=None)
def _decode_fn(code_shape: tuple[int, ...], width: float, arch: AEArchitecture):
    """Jitted (g_vars, ae_vars, ζ) → (decoder(G(ζ)), G(ζ)), evaluation mode; one per network pair."""
    generator, model = CodeGenerator(code_shape, width), ConvAutoencoder(arch)

    @jax.jit
    def decode(g_vars, ae_vars, zeta):
        codes = generator.apply(g_vars, zeta, train=False)
        return model.apply(ae_vars, codes, method=ConvAutoencoder.decode), codes

    return decode


def sample_images(
    generator: CodeGenerator, g_vars: Mapping, ae: Autoencoder, zeta: Float[np.ndarray, "m latent"], *, batch: int = 256
) -> tuple[Float[np.ndarray, "m h w c"], Float[np.ndarray, "m *code"]]:
    """``(decoder(G(ζ)), G(ζ))`` in evaluation mode, ``batch`` latents at a time.

    Raises:
      ValueError: the generator makes codes of another shape than the autoencoder decodes.
    """
    if tuple(generator.code_shape) != tuple(ae.code_shape):
        raise ValueError(
            f"the generator makes codes of shape {tuple(generator.code_shape)}, but the autoencoder decodes codes "
            f"of shape {tuple(ae.code_shape)}: use the autoencoder the generator was trained with"
        )
    decode = _decode_fn(tuple(generator.code_shape), float(generator.width), ae.arch)
    images, codes = [], []
    for i in range(0, len(zeta), batch):
        im, co = decode(g_vars, ae.variables, jnp.asarray(zeta[i : i + batch], jnp.float32))
        images.append(np.asarray(im))
        codes.append(np.asarray(co))
    return np.concatenate(images), np.concatenate(codes)


@dataclasses.dataclass
class GeneratorResult:
    """The outcome of a GA-CNTKg run.

    Attributes:
      images: (m, H, W, C) samples decoder(G(ζ)), ζ fresh from the seed.
      codes: (m, *code) their codes G(ζ).
      zeta: (m, latent) their latents.
      curve: one row per step: step (1-based), loss, grad_norm (before clipping), seconds.
      snapshot_steps: (S,) steps at which decoder(G(ζ_fixed)) was kept (0 = initial generator).
      snapshots: (S, fixed, H, W, C) those images.
      fixed_zeta: (fixed, latent) the fixed latents.
      variables: the generator's ``{"params", "batch_stats"}``.
      config: the run's settings.
      code_shape: the autoencoder's code shape.
      autoencoder: summary of the autoencoder's record (architecture, held-out errors).
      final_images: (m, H, W, C) decoder(G(ζ)) for the same ζ from the last generator.
      stop: the stopping rule's outcome (as ``gantk.synthesis.ga_ntk.SynthResult.stop``): the
        generator of ``selected_step`` makes ``images`` and is ``variables``.
    """

    images: np.ndarray
    codes: np.ndarray
    zeta: np.ndarray
    curve: pd.DataFrame
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    fixed_zeta: np.ndarray
    variables: dict
    config: GeneratorConfig
    code_shape: tuple[int, ...]
    autoencoder: dict
    final_images: np.ndarray
    stop: dict[str, Any]

    def save(self, out_dir: str | Path) -> None:
        """Write samples.npz (``z`` = images, ``codes``, ``zeta``), final.npz (the last
        generator's images), curve.csv, snapshots.npz (``steps``, ``z`` = images of the fixed ζ,
        ``zeta``), generator.npz (the selected generator), stop.json and params.json."""
        out = Path(out_dir)
        save_npz(out / "samples.npz", z=self.images, codes=self.codes, zeta=self.zeta)
        save_npz(out / "final.npz", z=self.final_images, zeta=self.zeta)
        save_json(out / "stop.json", self.stop)
        save_csv(out / "curve.csv", self.curve)
        save_npz(out / "snapshots.npz", steps=self.snapshot_steps, z=self.snapshots, zeta=self.fixed_zeta)
        flat = traverse_util.flatten_dict(jax.device_get(self.variables), sep="/")
        save_npz(out / GENERATOR_FILE, **{k: np.asarray(v) for k, v in flat.items()})
        save_json(
            out / "params.json",
            {
                "method": "GA-CNTKg",
                "config": self.config.to_dict(),
                "final_loss": self.stop["final_loss"],
                "loss": self.stop["loss"],
                "selected_step": self.stop["selected_step"],
                "generator": {
                    "code_shape": list(self.code_shape),
                    "latent_dim": self.config.latent_dim,
                    "width": self.config.width,
                    "weights": GENERATOR_FILE,
                },
                "autoencoder": self.autoencoder,
            },
        )


def load_generator(run_dir: str | Path) -> tuple[CodeGenerator, dict, GeneratorConfig]:
    """The generator of a saved run: ``(network, variables, config)``.

    Raises:
      FileNotFoundError: ``params.json`` or ``generator.npz`` is missing under ``run_dir``.
      ValueError: the weights do not fit the recorded network.
    """
    run_dir = Path(run_dir)
    params_path, weights_path = run_dir / "params.json", run_dir / GENERATOR_FILE
    for p in (params_path, weights_path):
        if not p.is_file():
            raise FileNotFoundError(
                f"GA-CNTKg run artefact {p} is missing (made by gantk.generator.ga_cntkg.GeneratorResult.save)"
            )
    params = load_json(params_path)
    if "generator" not in params:
        raise ValueError(f"{params_path} is not the record of a GA-CNTKg run (no 'generator' entry)")
    cfg_dict = dict(params["config"])
    cfg = GeneratorConfig(**cfg_dict)
    generator = CodeGenerator(tuple(params["generator"]["code_shape"]), cfg.width)
    template = traverse_util.flatten_dict(_init_shapes(generator, cfg.latent_dim), sep="/")
    stored = load_npz(weights_path)
    if set(stored) != set(template) or any(tuple(stored[k].shape) != tuple(s.shape) for k, s in template.items()):
        raise ValueError(f"generator weights {weights_path} do not fit the network recorded in {params_path}")
    variables = traverse_util.unflatten_dict({k: jnp.asarray(v, jnp.float32) for k, v in stored.items()}, sep="/")
    return generator, variables, cfg


def _init_shapes(generator: CodeGenerator, latent_dim: int):
    zeta = jax.ShapeDtypeStruct((2, latent_dim), jnp.float32)
    return jax.eval_shape(lambda z: generator.init(jax.random.key(0), z, train=False), zeta)


def latent_grid(
    generator: CodeGenerator, g_vars: Mapping, ae: Autoencoder, *, size: int = 10, span: float = 2.0
) -> tuple[Float[np.ndarray, "size size 2"], Float[np.ndarray, "size size h w c"]]:
    """decoder(G(ζ)) on a size × size grid of 2-D latents ζ ∈ [−span, span]² (paper Fig 20).

    Returns:
      ``(zeta, images)``: zeta[i, j] = (u_j, −u_i) with u = linspace(−span, span, size), so
      the first latent coordinate grows to the right and the second upwards; images (size,
      size, H, W, C).
    """
    if size < 2 or span <= 0:
        raise ValueError(f"need size >= 2 and span > 0, got size={size}, span={span}")
    if "params" not in g_vars or _latent_dim(g_vars) != 2:
        raise ValueError(f"the latent grid needs a generator with 2-D latents, this one takes {_latent_dim(g_vars)}")
    u = np.linspace(-span, span, size, dtype=np.float32)
    zeta = np.stack(np.meshgrid(u, -u, indexing="xy"), axis=-1)
    images, _ = sample_images(generator, g_vars, ae, zeta.reshape(-1, 2))
    return zeta, images.reshape(size, size, *images.shape[1:])


def _latent_dim(g_vars: Mapping) -> int:
    return int(g_vars["params"]["Dense_0"]["kernel"].shape[0])


def code_lambda_search(ae: Autoencoder, images: np.ndarray, kernel: str = "fntk", *, seed: int = 0, **search) -> dict:
    """Algorithm 1 on the codes of ``images``: λ separating real codes from noise uniform over the code range.

    ``search`` goes to :func:`gantk.synthesis.lambda_search.lambda_search` (start, eps, bisect_steps).
    Returns its record plus ``code_shape``, ``code_size`` and ``space: "code"``.
    """
    check_code_kernel(ae.code_shape, kernel)
    net = code_kernel(kernel)
    codes = ae.encode(images)
    flat = np.asarray(kernel_input(jnp.asarray(codes), net))
    result = lambda_search(flat, net, seed=seed, noise_range=ae.arch.code_range, **search)
    return {**result.to_dict(), "space": "code", "code_shape": list(ae.code_shape), "code_size": ae.code_size}


@functools.lru_cache(maxsize=16)
def _step_fn(code_shape, width, kernel, lam, method, krylov_dim, b, n, latent_dim, lr, beta1, beta2, clip_norm):
    """The optimiser and the jitted step ``(params, stats, opt_state, step, codes, k_xx, key) -> (params, stats,
    opt_state, loss, ‖g‖)``, cached by settings so that repeated runs (resumption) compile once.

    The codes and K_xx are arguments, not closure constants, so XLA does not constant-fold them.
    """
    generator, net = CodeGenerator(code_shape, width), code_kernel(kernel)
    opt = optax.chain(
        optax.clip_by_global_norm(clip_norm) if clip_norm is not None else optax.identity(),
        optax.adam(lr, b1=beta1, b2=beta2),
    )

    @jax.jit
    def step_fn(params, stats, opt_state, step, codes, k_xx, key):
        key_x, key_z = jax.random.split(jax.random.fold_in(key, step))
        idx = jax.random.choice(key_x, n, (b,), replace=False)
        zeta = jax.random.normal(key_z, (b, latent_dim), jnp.float32)
        (loss, new_stats), grads = jax.value_and_grad(generator_loss, has_aux=True)(
            params,
            stats,
            zeta,
            codes[idx],
            k_xx[idx][:, idx],
            generator=generator,
            net=net,
            lam=lam,
            method=method,
            krylov_dim=krylov_dim,
        )
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), new_stats, opt_state, loss, optax.tree.norm(grads)

    return opt, step_fn


def train_generator(
    x: Float[np.ndarray, "n h w c"],
    ae: Autoencoder,
    cfg: GeneratorConfig,
    *,
    checkpoint: str | Path | None = None,
    stop_after: int | None = None,
) -> GeneratorResult:
    """Train a GA-CNTKg generator on real images ``x`` in the code space of ``ae``.

    Args:
      x: (n, H, W, C) real images in [0, 1]; the autoencoder's image shape.
      ae: the pre-trained autoencoder (frozen).
      cfg: the run's settings; ``cfg.batch_size`` ≤ n.
      checkpoint: path of the checkpoint ``.npz``; an existing one (same settings, same
        codes) is resumed, and one is written every ``cfg.checkpoint_every`` steps and at the end.
      stop_after: stop (after checkpointing) once this step is done, as if interrupted.

    Returns:
      A :class:`GeneratorResult`.

    Raises:
      ValueError: the autoencoder's codes do not have ``cfg.code_shape`` or do not fit the
        kernel; images of the wrong shape; b > n; a checkpoint from other settings.
      NonFiniteLossError: the loss or gradient is NaN/Inf at some step (named), the last
        good checkpoint is kept.
    """
    x = np.asarray(x, np.float32)
    if cfg.code_shape is not None and tuple(cfg.code_shape) != tuple(ae.code_shape):
        raise ValueError(
            f"the autoencoder makes codes of shape {tuple(ae.code_shape)} ({ae.code_size} values), but the kernel "
            f"and λ of this run were set up for codes of shape {tuple(cfg.code_shape)} ({math.prod(cfg.code_shape)} "
            "values); search λ again on this autoencoder's codes"
        )
    check_code_kernel(ae.code_shape, cfg.kernel)
    if x.ndim != 4 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 real images of shape (n, H, W, C), got {x.shape}")
    if cfg.batch_size > x.shape[0]:
        raise ValueError(f"batch_size {cfg.batch_size} exceeds the {x.shape[0]} real images")
    net = code_kernel(cfg.kernel)
    codes = ae.encode(x)
    if not np.all(np.isfinite(codes)):
        raise ValueError("the autoencoder's codes of the real images contain NaN or infinite values")
    codes_j = jnp.asarray(codes)
    k_xx = kernel_matrix(net, kernel_input(codes_j, net))
    generator = CodeGenerator(tuple(ae.code_shape), cfg.width)
    key = jax.random.key(cfg.seed)
    variables = numpy_init(_init_shapes(generator, cfg.latent_dim), cfg.seed, lambda shape: _INIT_STD)
    params, stats = variables["params"], variables["batch_stats"]
    opt, step_fn = _step_fn(
        tuple(ae.code_shape),
        cfg.width,
        cfg.kernel,
        cfg.lam,
        cfg.method,
        cfg.krylov_dim,
        cfg.batch_size,
        x.shape[0],
        cfg.latent_dim,
        cfg.lr,
        cfg.beta1,
        cfg.beta2,
        cfg.clip_norm,
    )
    opt_state = opt.init(params)
    fixed_zeta = _normal(cfg.seed, _KEY_FIXED, (cfg.fixed_samples, cfg.latent_dim))
    n = x.shape[0]

    def snapshot(params, stats) -> np.ndarray:
        return sample_images(generator, {"params": params, "batch_stats": stats}, ae, fixed_zeta)[0]

    fingerprint = cfg.fingerprint(codes)
    progress = RunProgress(
        cfg.steps, cfg.snapshot_every, cfg.log_every, cfg.checkpoint_every, [0], [snapshot(params, stats)]
    )
    tracker = StopTracker(cfg.stop)
    selected = (params, stats)
    ckpt = Path(checkpoint) if checkpoint is not None else None
    if ckpt is not None and ckpt.exists():
        state = _load_checkpoint(ckpt, fingerprint, (params, stats, opt_state, selected))
        params, stats, opt_state, selected = state["state"]
        progress.resume(state)
        tracker.replay(progress.losses)
        log.info("resumed from %s at step %d", ckpt, progress.start)

    settings = f"kernel {cfg.kernel}, λ {cfg.lam}, lr {cfg.lr}"
    halted = tracker.halted
    progress.start_clock()
    for step in range(progress.start, progress.start if halted else cfg.steps):
        new = step_fn(params, stats, opt_state, step, codes_j, k_xx, key)
        loss, gnorm = float(new[3]), float(new[4])
        progress.check_finite(step, loss, gnorm, ckpt, "GA-CNTKg", settings)
        is_selected, halted = tracker.update(loss)
        if is_selected:
            selected = (params, stats)
        params, stats, opt_state = new[:3]
        done = step + 1
        progress.record(done, loss, gnorm)
        if progress.snapshot_due(done, last=halted):
            progress.add_snapshot(done, snapshot(params, stats))
        interrupted = stop_after is not None and done >= stop_after
        if ckpt is not None and progress.checkpoint_due(done, interrupted or halted):
            save_checkpoint(
                ckpt, fingerprint, tree=(params, stats, opt_state, selected), prefix="state", step=done,
                **progress.history(),
            )
            progress.checkpointed(done)
        if halted:
            log.info("stopped at step %d: no improvement in %d steps; samples: the generator at step %d",
                     done, cfg.stop.patience, tracker.selected_step)
        if interrupted or halted:
            break

    curve = progress.curve()
    # One more evaluation (no update) gives the loss of the last generator, which no curve row holds.
    final_loss = float(step_fn(params, stats, opt_state, len(curve), codes_j, k_xx, key)[3]) if len(curve) else None
    if tracker.selected_step is not None:
        params_sel, stats_sel = selected
    else:
        params_sel, stats_sel = params, stats
    m = cfg.samples if cfg.samples is not None else n
    zeta = _normal(cfg.seed, _KEY_SAMPLES, (m, cfg.latent_dim))
    g_vars = {"params": params_sel, "batch_stats": stats_sel}
    images, out_codes = sample_images(generator, g_vars, ae, zeta)
    final_images = sample_images(generator, {"params": params, "batch_stats": stats}, ae, zeta)[0]
    summary = {k: ae.info[k] for k in ("source", "heldout", "best_epoch", "n_train") if k in ae.info}
    summary["code_shape"] = list(ae.code_shape)
    return GeneratorResult(
        images=images,
        codes=out_codes,
        zeta=zeta,
        curve=curve,
        snapshot_steps=np.asarray(progress.snapshot_steps),
        snapshots=np.stack(progress.snapshots),
        fixed_zeta=fixed_zeta,
        variables=g_vars,
        config=cfg,
        code_shape=tuple(ae.code_shape),
        autoencoder=summary,
        final_images=final_images,
        stop=outcome(tracker, progress.losses, halted, final_loss),
    )


def _normal(seed: int, stream: int, shape: tuple[int, ...]) -> np.ndarray:
    """float32 N(0, 1) latents of one stream of the run seed (NumPy: no compile, same on every platform)."""
    return np.random.default_rng([seed, stream]).standard_normal(shape).astype(np.float32)


def _load_checkpoint(path: Path, fingerprint: str, template) -> dict[str, Any]:
    # The fingerprint covers the settings and the real codes (so the data and the autoencoder).
    data = load_checkpoint(path, fingerprint)
    treedef = jax.tree.structure(template)
    leaves = [jnp.asarray(data[f"state_{i}"]) for i in range(treedef.num_leaves)]
    return {
        "state": jax.tree.unflatten(treedef, leaves),
        "step": int(data["step"]),
        "loss": data["loss"].tolist(),
        "grad_norm": data["grad_norm"].tolist(),
        "seconds": data["seconds"].tolist(),
        "snapshot_steps": data["snapshot_steps"].tolist(),
        "snapshots": list(data["snapshots"]),
    }


__all__ = [
    "CODE_KERNELS",
    "CodeGenerator",
    "GeneratorConfig",
    "GeneratorResult",
    "check_code_kernel",
    "code_kernel",
    "code_lambda_search",
    "generator_loss",
    "kernel_input",
    "latent_grid",
    "load_generator",
    "sample_images",
    "train_generator",
]
