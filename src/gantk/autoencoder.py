"""The pre-trained convolutional autoencoder whose code space GA-CNTKg works in (paper Table 7).

GA-CNTKg (Eq. 6) optimises a generator G against the NTK-GP discriminator in the code
space of an autoencoder A = (encoder, decoder) trained beforehand on the data set's
images; samples are ``decoder(G(ζ))``. This module builds A, trains it, and stores it.

Architecture. The paper's Table 7 could not be retrieved here; the networks follow the
authors' released autoencoder (``ga-ntk/ga-ntk``, ``gan-ntkg/Autoencoder.py``, the
CelebA-HQ network), with the depth and widths scaled to each data set:

    encoder, per stage s with c_s channels:
        [Conv 3×3 (c_s), SELU] × k  →  Conv 2×2 stride 2 (c_{s+1}), BatchNorm, SELU
    the last stage's stride-2 conv maps to ``code_channels`` with the bottleneck
    activation σ(2a) (no norm): codes are (H / 2^S, W / 2^S, code_channels) in (0, 1).
    decoder, stages in reverse:
        ConvTranspose 2×2 stride 2 (c_s), SELU, crop to the encoder's size at that stage
        → [Conv 3×3 (c_s), SELU] × k
    then Conv 3×3 (C) and a sigmoid: images in (0, 1).

Sizes that are not a power of two (25×25 faces) go 25 → 13 → 7 → 4 down and are cropped
back 8 → 7 → 14 → 13 → 26 → 25 on the way up (top-left, matching SAME padding, which
pads at the end).

Departures from the authors' code, each for a reason:

* The bottleneck activation is σ(2a) = (1 + tanh a)/2 instead of tanh, and images stay
  in [0, 1] instead of being mapped to [−1, 1]. The two are affine reparametrisations
  of the authors' networks; with them codes share the pixel range [0, 1], so
  Algorithm 1's U[0, 1] noise (``gantk.lambda_search``) is noise in code space.
* Early stopping watches the loss on held-out images (the authors kept the weights of
  the lowest *training* loss).
* BatchNorm keeps running statistics with momentum 0.9 (Keras: 0.99), so the
  evaluation-mode encoder settles within a few epochs on small data sets.

Loss (the authors' ``ssim_l1_loss``): for images x and reconstructions x̂ in [0, 1],

    L(x, x̂) = 1 − mean_i SSIM(x_i, x̂_i) + mean |x − x̂|

with SSIM as ``tf.image.ssim`` computes it (``gantk.metrics.ssim``), Gaussian window of
``ssim_filter_size`` (authors: 11) and σ = 1.5, k1 = 0.01, k2 = 0.03, max_val = 1.
8×8 digits use window 4 (the paper's metric setting; 11 does not fit in 8 pixels).

Artefacts (:meth:`Autoencoder.save`): ``weights.npz`` (every variable, keyed by its path
``params/encoder/Conv_0/kernel``) and ``ae.json`` (architecture, code shape and size,
training settings, per-epoch history, and the reconstruction errors on held-out images).

Example:
    >>> arch = AE_PRESETS["digits"]
    >>> ae = train_autoencoder(images, arch, AETrainConfig(epochs=50))   # images (N, 8, 8, 1)
    >>> codes = ae.encode(images)            # (N, 2, 2, 8) in (0, 1)
    >>> recon = ae.decode(codes)             # (N, 8, 8, 1)
    >>> ae.save("results/ae/digits/split")
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import traverse_util
from jaxtyping import Array, Float

from gantk.io import load_json, load_npz, save_json, save_npz
from gantk.logging_utils import LOGGER_NAME
from gantk.metrics.ssim import ssim

log = logging.getLogger(LOGGER_NAME)

WEIGHTS_FILE = "weights.npz"
INFO_FILE = "ae.json"

_BN_MOMENTUM = 0.9


@dataclasses.dataclass(frozen=True)
class AEArchitecture:
    """Shape of a convolutional autoencoder (module doc).

    Attributes:
      image_shape: (H, W, C) of the images.
      stages: channels c_s of each encoder stage; one stride-2 downsampling per stage.
      convs_per_stage: k, the 3×3 SELU convolutions of each stage (authors: 3).
      code_channels: channels of the code.
      batch_norm: BatchNorm after each stride-2 convolution except the bottleneck.
      ssim_filter_size: SSIM window of the training loss (authors: 11).
    """

    image_shape: tuple[int, int, int]
    stages: tuple[int, ...] = (16, 32)
    convs_per_stage: int = 3
    code_channels: int = 8
    batch_norm: bool = True
    ssim_filter_size: int = 11

    def __post_init__(self):
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))
        object.__setattr__(self, "stages", tuple(int(c) for c in self.stages))
        if len(self.image_shape) != 3 or min(self.image_shape) < 1:
            raise ValueError(f"image_shape must be (H, W, C) with positive sizes, got {self.image_shape}")
        if not self.stages or min(self.stages) < 1:
            raise ValueError(f"stages must list at least one positive channel count, got {self.stages}")
        if self.convs_per_stage < 0 or self.code_channels < 1:
            raise ValueError(
                f"need convs_per_stage >= 0 and code_channels >= 1, got {self.convs_per_stage}, {self.code_channels}"
            )
        h, w, _ = self.image_shape
        if self.ssim_filter_size < 1 or self.ssim_filter_size > min(h, w):
            raise ValueError(
                f"ssim_filter_size {self.ssim_filter_size} does not fit {h}×{w} images (allowed 1..{min(h, w)})"
            )

    def sizes(self) -> list[tuple[int, int]]:
        """Spatial size (h, w) at the input and after each stage: ⌈·/2⌉ per stride-2 layer."""
        out = [self.image_shape[:2]]
        for _ in self.stages:
            h, w = out[-1]
            out.append((-(-h // 2), -(-w // 2)))
        return out

    @property
    def code_shape(self) -> tuple[int, int, int]:
        """(h, w, code_channels) of one code."""
        return (*self.sizes()[-1], self.code_channels)

    @property
    def code_size(self) -> int:
        """Number of values in one code."""
        return math.prod(self.code_shape)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "code_shape": list(self.code_shape), "code_size": self.code_size}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "AEArchitecture":
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in fields})


#: Architecture per data set (registry name). Codes: digits 2×2×8 = 32 values (of 64
#: pixels); faces 4×4×16 = 256 (of 625); MNIST 7×7×8 = 392 (of 784); CIFAR-10 8×8×16 =
#: 1024 (of 3072); CelebA 8×8×32 = 2048 (of 12288); CelebA-HQ 16×16×256 = 65536 (of
#: 196608, the authors' released network).
AE_PRESETS: dict[str, AEArchitecture] = {
    "digits": AEArchitecture((8, 8, 1), stages=(16, 32), convs_per_stage=2, code_channels=8, ssim_filter_size=4),
    "lfw_faces": AEArchitecture((25, 25, 1), stages=(16, 32, 64), convs_per_stage=2, code_channels=16),
    "mnist": AEArchitecture((28, 28, 1), stages=(16, 32), convs_per_stage=3, code_channels=8),
    "cifar10": AEArchitecture((32, 32, 3), stages=(32, 64), convs_per_stage=3, code_channels=16),
    "celeba": AEArchitecture((64, 64, 3), stages=(16, 32, 64), convs_per_stage=3, code_channels=32),
    "celeba_hq": AEArchitecture((256, 256, 3), stages=(16, 32, 64, 128), convs_per_stage=3, code_channels=256),
}


def ae_preset(name: str) -> AEArchitecture:
    """The architecture called ``name`` (see :data:`AE_PRESETS`)."""
    try:
        return AE_PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown autoencoder architecture {name!r}; choose one of {sorted(AE_PRESETS)}") from None


# --------------------------------------------------------------------------------------
# Networks


class Encoder(nn.Module):
    """images (N, H, W, C) in [0, 1] → codes (N, h, w, code_channels) in (0, 1)."""

    arch: AEArchitecture

    @nn.compact
    def __call__(self, x: Float[Array, "n h w c"], train: bool) -> Float[Array, "n h2 w2 k"]:
        stages = self.arch.stages
        for s, channels in enumerate(stages):
            for _ in range(self.arch.convs_per_stage):
                x = nn.selu(nn.Conv(channels, (3, 3), padding="SAME")(x))
            last = s == len(stages) - 1
            x = nn.Conv(self.arch.code_channels if last else stages[s + 1], (2, 2), (2, 2), padding="SAME")(x)
            if last:
                x = nn.sigmoid(2.0 * x)
            else:
                if self.arch.batch_norm:
                    x = nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM)(x)
                x = nn.selu(x)
        return x


class Decoder(nn.Module):
    """codes (N, h, w, code_channels) → images (N, H, W, C) in (0, 1)."""

    arch: AEArchitecture

    @nn.compact
    def __call__(self, c: Float[Array, "n h2 w2 k"], train: bool) -> Float[Array, "n h w c"]:
        sizes = self.arch.sizes()
        for s in reversed(range(len(self.arch.stages))):
            channels = self.arch.stages[s]
            c = nn.selu(nn.ConvTranspose(channels, (2, 2), (2, 2), padding="SAME")(c))
            h, w = sizes[s]
            c = c[:, :h, :w, :]
            for _ in range(self.arch.convs_per_stage):
                c = nn.selu(nn.Conv(channels, (3, 3), padding="SAME")(c))
        return nn.sigmoid(nn.Conv(self.arch.image_shape[2], (3, 3), padding="SAME")(c))


class ConvAutoencoder(nn.Module):
    """Encoder and decoder; ``__call__`` reconstructs, ``encode``/``decode`` run one half."""

    arch: AEArchitecture

    def setup(self):
        self.encoder = Encoder(self.arch)
        self.decoder = Decoder(self.arch)

    def __call__(self, x: Float[Array, "n h w c"], train: bool) -> Float[Array, "n h w c"]:
        return self.decoder(self.encoder(x, train), train)

    def encode(self, x: Float[Array, "n h w c"], train: bool = False) -> Float[Array, "n h2 w2 k"]:
        return self.encoder(x, train)

    def decode(self, c: Float[Array, "n h2 w2 k"], train: bool = False) -> Float[Array, "n h w c"]:
        return self.decoder(c, train)


def numpy_init(shapes: Mapping, seed: int, kernel_std: Callable[[tuple[int, ...]], float]) -> dict:
    """Variables for a tree of shapes (``jax.eval_shape`` of a flax ``init``), drawn with NumPy.

    Leaves named ``kernel`` are N(0, kernel_std(shape)²); ``scale`` and ``var`` are ones;
    everything else (biases, running means) zeros. All float32. XLA takes tens of seconds
    on a CPU to compile JAX's threefry sampling for every initialiser of a network; NumPy
    draws the same distributions at once, identically on every platform.
    """
    rng = np.random.default_rng(seed)
    flat = traverse_util.flatten_dict(shapes)
    out = {}
    for path, spec in flat.items():
        shape = tuple(spec.shape)
        if path[-1] == "kernel":
            value = rng.normal(0.0, kernel_std(shape), shape)
        elif path[-1] in ("scale", "var"):
            value = np.ones(shape)
        else:
            value = np.zeros(shape)
        out[path] = jnp.asarray(value, jnp.float32)
    return traverse_util.unflatten_dict(out)


def init_variables(arch: AEArchitecture, seed: int = 0) -> dict:
    """Fresh ``{"params": ..., "batch_stats": ...}``: LeCun normal kernels N(0, 1/fan_in) (for SELU), zero biases."""
    dummy = jax.ShapeDtypeStruct((1, *arch.image_shape), jnp.float32)
    shapes = jax.eval_shape(lambda x: ConvAutoencoder(arch).init(jax.random.key(0), x, train=False), dummy)
    return numpy_init(shapes, seed, lambda shape: 1.0 / math.sqrt(math.prod(shape[:-1])))


# --------------------------------------------------------------------------------------
# Loss


def reconstruction_loss(
    x: Float[Array, "n h w c"], recon: Float[Array, "n h w c"], *, filter_size: int = 11, filter_sigma: float = 1.5
) -> Float[Array, ""]:
    """1 − mean SSIM(x_i, x̂_i) + mean |x − x̂| (the authors' loss; SSIM as ``tf.image.ssim``)."""
    s = ssim(x, recon, filter_size=filter_size, filter_sigma=filter_sigma)
    return 1.0 - jnp.mean(s) + jnp.mean(jnp.abs(x - recon))


# --------------------------------------------------------------------------------------
# The trained model


@functools.lru_cache(maxsize=None)
def _apply_fns(arch: AEArchitecture):
    model = ConvAutoencoder(arch)
    encode = jax.jit(lambda v, x: model.apply(v, x, method=ConvAutoencoder.encode))
    decode = jax.jit(lambda v, c: model.apply(v, c, method=ConvAutoencoder.decode))
    reconstruct = jax.jit(lambda v, x: model.apply(v, x, train=False))
    return encode, decode, reconstruct


def _in_chunks(fn, variables, x: np.ndarray, batch: int) -> np.ndarray:
    out = [np.asarray(fn(variables, jnp.asarray(x[i : i + batch], jnp.float32))) for i in range(0, len(x), batch)]
    return np.concatenate(out) if out else np.zeros((0,), np.float32)


@dataclasses.dataclass
class Autoencoder:
    """A trained autoencoder: its architecture, variables and record.

    Attributes:
      arch: the architecture.
      variables: ``{"params": ..., "batch_stats": ...}`` (flax variable collections).
      info: the record written to ``ae.json`` (architecture, training, errors).
    """

    arch: AEArchitecture
    variables: dict
    info: dict = dataclasses.field(default_factory=dict)

    @property
    def code_shape(self) -> tuple[int, int, int]:
        return self.arch.code_shape

    @property
    def code_size(self) -> int:
        return self.arch.code_size

    def encode(self, images: Float[np.ndarray, "n h w c"], batch: int = 256) -> Float[np.ndarray, "n h2 w2 k"]:
        """Codes (N, h, w, code_channels) in (0, 1) of images (N, H, W, C) in [0, 1] (evaluation mode)."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or tuple(images.shape[1:]) != self.arch.image_shape:
            raise ValueError(
                f"the autoencoder takes images of shape (N, {', '.join(map(str, self.arch.image_shape))}), "
                f"got {images.shape}"
            )
        return _in_chunks(_apply_fns(self.arch)[0], self.variables, images, batch)

    def decode(self, codes: Float[np.ndarray, "n h2 w2 k"], batch: int = 256) -> Float[np.ndarray, "n h w c"]:
        """Images (N, H, W, C) in (0, 1) of codes (N, h, w, code_channels)."""
        codes = np.asarray(codes, np.float32)
        if codes.ndim != 4 or tuple(codes.shape[1:]) != self.code_shape:
            raise ValueError(
                f"the decoder takes codes of shape (N, {', '.join(map(str, self.code_shape))}), got {codes.shape}"
            )
        return _in_chunks(_apply_fns(self.arch)[1], self.variables, codes, batch)

    def reconstruct(self, images: Float[np.ndarray, "n h w c"], batch: int = 256) -> Float[np.ndarray, "n h w c"]:
        """decoder(encoder(images)) in evaluation mode."""
        return _in_chunks(_apply_fns(self.arch)[2], self.variables, np.asarray(images, np.float32), batch)

    def save(self, out_dir: str | Path) -> None:
        """Write ``weights.npz`` and ``ae.json`` under ``out_dir`` (each atomically)."""
        out = Path(out_dir)
        flat = traverse_util.flatten_dict(jax.device_get(self.variables), sep="/")
        save_npz(out / WEIGHTS_FILE, **{k: np.asarray(v) for k, v in flat.items()})
        save_json(out / INFO_FILE, {**self.info, "architecture": self.arch.to_dict(), "weights": WEIGHTS_FILE})


def reconstruction_errors(
    ae: Autoencoder, images: Float[np.ndarray, "n h w c"], *, filter_sigma: float = 1.5, batch: int = 256
) -> dict[str, float]:
    """Errors of ``ae`` on ``images``: ``loss`` (the training loss), ``ssim``, ``l1``, ``mse`` (per pixel means)."""
    images = np.asarray(images, np.float32)
    recon = ae.reconstruct(images, batch)
    s = np.concatenate(
        [
            np.asarray(
                ssim(
                    images[i : i + batch],
                    recon[i : i + batch],
                    filter_size=ae.arch.ssim_filter_size,
                    filter_sigma=filter_sigma,
                )
            )
            for i in range(0, len(images), batch)
        ]
    )
    l1 = float(np.mean(np.abs(images - recon), dtype=np.float64))
    return {
        "loss": float(1.0 - np.mean(s, dtype=np.float64) + l1),
        "ssim": float(np.mean(s, dtype=np.float64)),
        "l1": l1,
        "mse": float(np.mean((images - recon) ** 2, dtype=np.float64)),
    }


def load_autoencoder(path: str | Path) -> Autoencoder:
    """Read an autoencoder saved by :meth:`Autoencoder.save` (``path``: its folder or its ``ae.json``).

    Raises:
      FileNotFoundError: the folder lacks ``ae.json`` or ``weights.npz`` (the message names
        the path and the workflow rule that makes it).
      ValueError: the weights do not fit the architecture recorded in ``ae.json``.
    """
    path = Path(path)
    folder = path.parent if path.suffix == ".json" else path
    info_path, weights_path = folder / INFO_FILE, folder / WEIGHTS_FILE
    for p in (info_path, weights_path):
        if not p.is_file():
            raise FileNotFoundError(
                f"autoencoder artefact {p} is missing; GA-CNTKg needs a pre-trained autoencoder: make it with "
                f"the workflow rule 'autoencoder' (snakemake {folder / INFO_FILE}) or "
                "gantk.autoencoder.train_autoencoder"
            )
    info = load_json(info_path)
    if "architecture" not in info:
        raise ValueError(f"{info_path} has no 'architecture' entry; it was not written by gantk.autoencoder")
    arch = AEArchitecture.from_dict(info["architecture"])
    template = traverse_util.flatten_dict(jax.eval_shape(lambda: init_variables(arch)), sep="/")
    stored = load_npz(weights_path)
    missing = sorted(set(template) - set(stored))
    extra = sorted(set(stored) - set(template))
    if missing or extra:
        raise ValueError(
            f"weights {weights_path} do not match the architecture in {info_path}: "
            f"missing {missing[:3]}{'...' if len(missing) > 3 else ''}, "
            f"unexpected {extra[:3]}{'...' if len(extra) > 3 else ''}"
        )
    for key, spec in template.items():
        if tuple(stored[key].shape) != tuple(spec.shape):
            raise ValueError(
                f"weights {weights_path}: {key} has shape {stored[key].shape}, the architecture in {info_path} "
                f"needs {tuple(spec.shape)}"
            )
    variables = traverse_util.unflatten_dict({k: jnp.asarray(v, jnp.float32) for k, v in stored.items()}, sep="/")
    return Autoencoder(arch, variables, info)


# --------------------------------------------------------------------------------------
# Training


@dataclasses.dataclass(frozen=True)
class AETrainConfig:
    """Training settings of an autoencoder.

    Attributes:
      epochs: most passes over the training images.
      batch_size: images per step (the authors: 512).
      lr: Adam learning rate (the authors: Keras's default 1e-3).
      patience: stop after this many epochs without a held-out improvement of ``min_delta``.
      min_delta: smallest decrease of the held-out loss that counts as an improvement.
      heldout_fraction: share of the images held out for early stopping and the reported errors.
      seed: seeds the held-out split, the initial weights and the shuffling.
      filter_sigma: σ of the SSIM window (pixels).
    """

    epochs: int = 100
    batch_size: int = 128
    lr: float = 1e-3
    patience: int = 10
    min_delta: float = 1e-4
    heldout_fraction: float = 0.1
    seed: int = 0
    filter_sigma: float = 1.5

    def __post_init__(self):
        if self.epochs < 1 or self.batch_size < 1 or self.patience < 1:
            raise ValueError(
                f"need epochs, batch_size, patience >= 1, got {self.epochs}, {self.batch_size}, {self.patience}"
            )
        if self.lr <= 0 or self.min_delta < 0:
            raise ValueError(f"need lr > 0 and min_delta >= 0, got lr={self.lr}, min_delta={self.min_delta}")
        if not 0.0 < self.heldout_fraction < 1.0:
            raise ValueError(f"heldout_fraction must lie in (0, 1), got {self.heldout_fraction}")


def heldout_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, held-out) positions of n images: ⌈fraction·n⌉ held out, drawn with ``seed``, both sorted."""
    count = int(math.ceil(fraction * n))
    if count < 1 or count >= n:
        raise ValueError(f"cannot hold out {fraction:.3g} of {n} images and keep both parts non-empty")
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[count:]), np.sort(perm[:count])


def train_autoencoder(
    images: Float[np.ndarray, "n h w c"],
    arch: AEArchitecture,
    cfg: AETrainConfig = AETrainConfig(),
    *,
    source: str = "",
) -> Autoencoder:
    """Train an autoencoder on ``images`` with Adam on the 1 − SSIM + L1 loss, early-stopped.

    A share ``cfg.heldout_fraction`` of the images is held out; after every epoch the loss
    on it is evaluated (evaluation mode), and the variables of the best epoch are kept.
    Training stops after ``cfg.patience`` epochs without improvement, or after ``cfg.epochs``.

    Args:
      images: (N, H, W, C) images in [0, 1], N ≥ 2; (H, W, C) must equal ``arch.image_shape``.
      arch: the architecture.
      cfg: training settings.
      source: a description of the images for the record (e.g. "digits, all 1797 images").

    Returns:
      The :class:`Autoencoder` of the best epoch; its ``info`` holds the settings, the
      per-epoch history (training and held-out loss), the best epoch, and
      ``heldout``/``train`` reconstruction errors (:func:`reconstruction_errors`) plus
      ``heldout_mean_image_mse``: the MSE of predicting the training mean image, the
      level an autoencoder must beat.
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or tuple(images.shape[1:]) != arch.image_shape:
        raise ValueError(f"images of shape {images.shape} do not fit the autoencoder for {arch.image_shape} images")
    if not np.all(np.isfinite(images)):
        raise ValueError("autoencoder training images contain NaN or infinite values")
    train_idx, held_idx = heldout_split(len(images), cfg.heldout_fraction, cfg.seed)
    x_train, x_held = images[train_idx], images[held_idx]
    model = ConvAutoencoder(arch)
    variables = init_variables(arch, cfg.seed)
    params, stats = variables["params"], variables.get("batch_stats", {})
    opt = optax.adam(cfg.lr)
    opt_state = opt.init(params)
    loss_kw = dict(filter_size=arch.ssim_filter_size, filter_sigma=cfg.filter_sigma)

    @jax.jit
    def train_step(params, stats, opt_state, xb):
        def loss_fn(p):
            recon, updates = model.apply({"params": p, "batch_stats": stats}, xb, train=True, mutable=["batch_stats"])
            return reconstruction_loss(xb, recon, **loss_kw), updates["batch_stats"]

        (loss, stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), stats, opt_state, loss

    @jax.jit
    def eval_loss_sum(variables, xb):
        recon = model.apply(variables, xb, train=False)
        s = ssim(xb, recon, **loss_kw)
        return jnp.sum(1.0 - s), jnp.sum(jnp.mean(jnp.abs(xb - recon), axis=(1, 2, 3)))

    def heldout_loss(variables) -> float:
        one_minus_ssim, l1 = 0.0, 0.0
        for i in range(0, len(x_held), 256):
            a, b = eval_loss_sum(variables, jnp.asarray(x_held[i : i + 256]))
            one_minus_ssim, l1 = one_minus_ssim + float(a), l1 + float(b)
        return (one_minus_ssim + l1) / len(x_held)

    b = min(cfg.batch_size, len(x_train))
    steps_per_epoch = len(x_train) // b
    best, best_epoch, best_vars, waited = math.inf, 0, None, 0
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    for epoch in range(1, cfg.epochs + 1):
        order = np.random.default_rng([cfg.seed, epoch]).permutation(len(x_train))
        total = 0.0
        for i in range(steps_per_epoch):
            xb = jnp.asarray(x_train[order[i * b : (i + 1) * b]])
            params, stats, opt_state, loss = train_step(params, stats, opt_state, xb)
            total += float(loss)
        train_loss = total / steps_per_epoch
        if not np.isfinite(train_loss):
            raise FloatingPointError(f"autoencoder training loss is {train_loss} in epoch {epoch} (lr {cfg.lr})")
        current = {"params": params, "batch_stats": stats}
        held = heldout_loss(current)
        history.append({"epoch": epoch, "train_loss": train_loss, "heldout_loss": held})
        log.info(
            "autoencoder epoch %d: train loss %.5f, held-out loss %.5f (%.0f s)",
            epoch,
            train_loss,
            held,
            time.perf_counter() - t0,
        )
        if held < best - cfg.min_delta:
            best, best_epoch, best_vars, waited = held, epoch, jax.tree.map(jnp.copy, current), 0
        else:
            waited += 1
            if waited >= cfg.patience:
                log.info("early stop after epoch %d: no held-out improvement for %d epochs", epoch, waited)
                break
    ae = Autoencoder(arch, best_vars if best_vars is not None else current)
    mean_image = x_train.mean(axis=0, keepdims=True)
    ae.info = {
        "source": source,
        "loss": "1 - mean SSIM (tf.image.ssim; window ssim_filter_size, sigma filter_sigma, max_val 1) "
        "+ mean |x - x_hat|",
        "pixel_range": [0.0, 1.0],
        "code_range": [0.0, 1.0],
        "training": dataclasses.asdict(cfg),
        "n_images": int(len(images)),
        "n_train": int(len(x_train)),
        "n_heldout": int(len(x_held)),
        "heldout_indices": held_idx.tolist(),
        "epochs_run": len(history),
        "best_epoch": best_epoch,
        "seconds": time.perf_counter() - t0,
        "history": history,
        "heldout": reconstruction_errors(ae, x_held, filter_sigma=cfg.filter_sigma),
        "train": reconstruction_errors(ae, x_train, filter_sigma=cfg.filter_sigma),
        "heldout_mean_image_mse": float(np.mean((x_held - mean_image) ** 2, dtype=np.float64)),
    }
    log.info("autoencoder: best epoch %d, held-out %s", best_epoch, ae.info["heldout"])
    return ae


__all__ = [
    "AEArchitecture",
    "AETrainConfig",
    "AE_PRESETS",
    "Autoencoder",
    "ConvAutoencoder",
    "Decoder",
    "Encoder",
    "ae_preset",
    "heldout_split",
    "init_variables",
    "numpy_init",
    "load_autoencoder",
    "reconstruction_errors",
    "reconstruction_loss",
    "train_autoencoder",
]
