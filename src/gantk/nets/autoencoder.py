"""The convolutional autoencoder whose code space GA-CNTKg works in (paper §8.1, Table 7):
the networks and their presets; training is :mod:`gantk.generator.autoencoder`.

Architecture (Table 7's layer pattern; every convolution 3×3, SAME padding, SELU):

    encoder, per stage s with c_s channels:
        [Conv 3×3 stride 1 (c_s), SELU] × k  →  Conv 3×3 stride 2 (c_s), SELU
    bottleneck (``code_dim`` set, Table 7):  flatten → Fully Connected code_dim, tanh
        codes are vectors (code_dim,) in (−1, 1)
    decoder (Table 7 mirrored):  Fully Connected h_S·w_S·c_S, SELU, reshape to the encoder's
        last feature map → per stage s in reverse:
        [ConvTranspose 3×3 stride 1 (c_s), SELU] × k  →  ConvTranspose 3×3 stride 2 (c_s), SELU,
        crop to the encoder's size at that stage
    output: Conv 3×3 (C), sigmoid: images in (0, 1).

Table 7 per data set (k, stages c_s, code):  MNIST 0, (16, 32, 64), 128;
CIFAR-10 0, (32, 64, 128), 1024;  CelebA 3, (32, 64, 128), 2048;
CelebA-HQ 3, (64, 128, 256, 512), 2048.  No batch norm (the table lists none).

Where Table 7 is silent we chose, and say so:

* The table goes from the FC code straight to the first transposed convolution; the
  decoder needs a layer that turns the code back into a feature map, so it starts with
  the mirror of the encoder's flatten → FC: FC to the encoder's last feature map, SELU.
* Its last row reads only "output": ours is Conv 3×3 to the image channels with a
  sigmoid, since images stay in [0, 1] throughout gantk (the authors' released code
  ended in tanh on images in [−1, 1], an affine reparametrisation of the same).
* Sizes that are not a power of two (28×28) go 28 → 14 → 7 → 4 down and are cropped back
  8 → 7 → 14 → 28 on the way up (top-left, matching SAME padding, which pads at the end).

Code space. Codes lie in (−1, 1) (:data:`CODE_RANGE`), Table 7's tanh. The paper says only
that Algorithm 1 separates real data from "pure noises"; we draw that noise uniformly
over the code range (``gantk.generator.ga_cntkg.code_lambda_search``), and GA-CNTKg's
generator ends in tanh (``gantk.nets.generator.CodeGenerator``) so its codes share it.

Ours, not the paper's: the ``digits`` (8×8) and ``lfw_faces`` (25×25) presets of the
offline default run, Table 7's pattern scaled down. ``code_dim=None`` gives a spatial code
instead (the last stage's stride-2 conv maps to ``code_channels``, tanh; decoder without
the FC), which small tests use.

Departures from the authors' code, each for a reason:

* Early stopping watches the loss on held-out images (the authors kept the weights of
  the lowest *training* loss).
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

#: The interval codes lie in: Table 7's tanh bottleneck.
CODE_RANGE: tuple[float, float] = (-1.0, 1.0)


@dataclasses.dataclass(frozen=True)
class AEArchitecture:
    """Shape of a convolutional autoencoder (module doc).

    Attributes:
      image_shape: (H, W, C) of the images.
      stages: channels c_s of each encoder stage; one stride-2 convolution per stage.
      convs_per_stage: k, the stride-1 3×3 SELU convolutions before it (Table 7: 0 for
        MNIST and CIFAR-10, 3 for CelebA and CelebA-HQ).
      code_dim: size of Table 7's fully connected tanh code, or None for a spatial code.
      code_channels: channels of a spatial code (used only when ``code_dim`` is None).
      ssim_filter_size: SSIM window of the training loss (authors: 11).
    """

    image_shape: tuple[int, int, int]
    stages: tuple[int, ...] = (16, 32)
    convs_per_stage: int = 0
    code_dim: int | None = None
    code_channels: int = 8
    ssim_filter_size: int = 11

    def __post_init__(self):
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))
        object.__setattr__(self, "stages", tuple(int(c) for c in self.stages))
        if len(self.image_shape) != 3 or min(self.image_shape) < 1:
            raise ValueError(f"image_shape must be (H, W, C) with positive sizes, got {self.image_shape}")
        if not self.stages or min(self.stages) < 1:
            raise ValueError(f"stages must list at least one positive channel count, got {self.stages}")
        if self.convs_per_stage < 0 or self.code_channels < 1 or (self.code_dim is not None and self.code_dim < 1):
            raise ValueError(
                f"need convs_per_stage >= 0, code_channels >= 1 and code_dim >= 1 (or None), got "
                f"{self.convs_per_stage}, {self.code_channels}, {self.code_dim}"
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
    def code_shape(self) -> tuple[int, ...]:
        """(code_dim,) of a fully connected code, (h, w, code_channels) of a spatial one."""
        if self.code_dim is not None:
            return (self.code_dim,)
        return (*self.sizes()[-1], self.code_channels)

    @property
    def code_size(self) -> int:
        """Number of values in one code."""
        return math.prod(self.code_shape)

    @property
    def code_range(self) -> tuple[float, float]:
        """The open interval codes lie in (:data:`CODE_RANGE`)."""
        return CODE_RANGE

    def to_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "code_shape": list(self.code_shape),
            "code_size": self.code_size,
            "code_range": list(self.code_range),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "AEArchitecture":
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in fields})


#: Architecture per data set (registry name). Table 7: MNIST, CIFAR-10, CelebA, CelebA-HQ
#: (codes of 128 / 1024 / 2048 / 2048 values). Ours, for the offline default run: digits
#: (64 pixels → 32 values) and LFW faces (625 → 256), Table 7's MNIST pattern scaled down.
AE_PRESETS: dict[str, AEArchitecture] = {
    "digits": AEArchitecture((8, 8, 1), stages=(16, 32), convs_per_stage=1, code_dim=32, ssim_filter_size=4),
    "lfw_faces": AEArchitecture((25, 25, 1), stages=(16, 32, 64), convs_per_stage=1, code_dim=256),
    "mnist": AEArchitecture((28, 28, 1), stages=(16, 32, 64), convs_per_stage=0, code_dim=128),
    "cifar10": AEArchitecture((32, 32, 3), stages=(32, 64, 128), convs_per_stage=0, code_dim=1024),
    "celeba": AEArchitecture((64, 64, 3), stages=(32, 64, 128), convs_per_stage=3, code_dim=2048),
    "celeba_hq": AEArchitecture((256, 256, 3), stages=(64, 128, 256, 512), convs_per_stage=3, code_dim=2048),
}


def ae_preset(name: str) -> AEArchitecture:
    """The architecture called ``name`` (see :data:`AE_PRESETS`)."""
    try:
        return AE_PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown autoencoder architecture {name!r}; choose one of {sorted(AE_PRESETS)}") from None


def _conv(channels: int, stride: int) -> nn.Conv:
    return nn.Conv(channels, (3, 3), (stride, stride), padding="SAME")


def _deconv(channels: int, stride: int) -> nn.ConvTranspose:
    return nn.ConvTranspose(channels, (3, 3), (stride, stride), padding="SAME")


class Encoder(nn.Module):
    """images (N, H, W, C) in [0, 1] → codes (N, *code_shape) in (−1, 1)."""

    arch: AEArchitecture

    @nn.compact
    def __call__(self, x: Float[Array, "n h w c"], train: bool = False) -> Float[Array, "n *code"]:
        arch = self.arch
        for s, channels in enumerate(arch.stages):
            for _ in range(arch.convs_per_stage):
                x = nn.selu(_conv(channels, 1)(x))
            if arch.code_dim is None and s == len(arch.stages) - 1:
                return jnp.tanh(_conv(arch.code_channels, 2)(x))
            x = nn.selu(_conv(channels, 2)(x))
        return jnp.tanh(nn.Dense(arch.code_dim)(x.reshape(x.shape[0], -1)))


class Decoder(nn.Module):
    """codes (N, *code_shape) → images (N, H, W, C) in (0, 1)."""

    arch: AEArchitecture

    @nn.compact
    def __call__(self, c: Float[Array, "n *code"], train: bool = False) -> Float[Array, "n h w c"]:
        arch, sizes = self.arch, self.arch.sizes()
        if arch.code_dim is not None:
            (h, w), top = sizes[-1], arch.stages[-1]
            c = nn.selu(nn.Dense(h * w * top)(c)).reshape(c.shape[0], h, w, top)
        for s in reversed(range(len(arch.stages))):
            channels = arch.stages[s]
            for _ in range(arch.convs_per_stage):
                c = nn.selu(_deconv(channels, 1)(c))
            h, w = sizes[s]
            c = nn.selu(_deconv(channels, 2)(c))[:, :h, :w, :]
        return nn.sigmoid(_conv(arch.image_shape[2], 1)(c))


class ConvAutoencoder(nn.Module):
    """Encoder and decoder; ``__call__`` reconstructs, ``encode``/``decode`` run one half.

    ``train`` is accepted for the training loop's sake; no layer depends on it (no batch norm).
    """

    arch: AEArchitecture

    def setup(self):
        self.encoder = Encoder(self.arch)
        self.decoder = Decoder(self.arch)

    def __call__(self, x: Float[Array, "n h w c"], train: bool) -> Float[Array, "n h w c"]:
        return self.decoder(self.encoder(x, train), train)

    def encode(self, x: Float[Array, "n h w c"], train: bool = False) -> Float[Array, "n *code"]:
        return self.encoder(x, train)

    def decode(self, c: Float[Array, "n *code"], train: bool = False) -> Float[Array, "n h w c"]:
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
    """Fresh ``{"params": ...}``: LeCun normal kernels N(0, 1/fan_in) (for SELU), zero biases."""
    dummy = jax.ShapeDtypeStruct((1, *arch.image_shape), jnp.float32)
    shapes = jax.eval_shape(lambda x: ConvAutoencoder(arch).init(jax.random.key(0), x, train=False), dummy)
    return numpy_init(shapes, seed, lambda shape: 1.0 / math.sqrt(math.prod(shape[:-1])))


__all__ = ["AEArchitecture", "AE_PRESETS", "CODE_RANGE", "ConvAutoencoder", "Decoder", "Encoder", "ae_preset", "init_variables", "numpy_init"]
