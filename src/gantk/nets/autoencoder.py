"""The convolutional autoencoder whose code space GA-CNTKg works in (paper Table 7): the
networks and their presets; training is :mod:`gantk.generator.autoencoder`.

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
  Algorithm 1's U[0, 1] noise (``gantk.synthesis.lambda_search``) is noise in code space.
* Early stopping watches the loss on held-out images (the authors kept the weights of
  the lowest *training* loss).
* BatchNorm keeps running statistics with momentum 0.9 (Keras: 0.99), so the
  evaluation-mode encoder settles within a few epochs on small data sets.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Mapping

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from flax import traverse_util
from jaxtyping import Array, Float

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


__all__ = ["AEArchitecture", "AE_PRESETS", "ConvAutoencoder", "Decoder", "Encoder", "ae_preset", "init_variables", "numpy_init"]
