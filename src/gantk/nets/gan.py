"""DCGAN/InfoGAN-shaped generators and discriminators for images, and MLPs for 2-D points.

Image networks follow the InfoGAN MNIST networks (Chen et al. 2016), which the paper's
baselines use for every data set, deepened for larger images as the paper's CNTK presets
are (DESIGN §2: two stride-2 convolutions up to 28×28, three at 32×32, four at 64×64):

    D: conv 64 (4×4, s2) lReLU(0.1) → conv 128 (4×4, s2) [norm] lReLU → … (channels double)
       → flatten → FC 1024 [norm] lReLU → FC 1 (a logit or critic value, no activation)
    G: FC 1024 BN ReLU → FC s₀·s₀·C_top BN ReLU → deconv (4×4, s2) BN ReLU … (channels halve)
       → deconv C (4×4, s2) → sigmoid

G starts at s₀ = ⌈H / 2^depth⌉ and centre-crops its output to H×W (25×25 faces are made at
28×28 and cropped). **Samples lie in [0, 1] through the sigmoid output**, the data's pixel
range. ``norm`` picks the discriminator's normalisation: ``"batch"`` (DCGAN, LSGAN, WGAN),
``"none"`` (WGAN-GP: the gradient penalty is per sample, which batch norm would break) or
``"spectral"`` (SN-GAN: every layer spectrally normalised, no batch norm). The first D
layer is never normalised (DCGAN practice). Weights start N(0, 0.02²) (DCGAN).

The point networks are the WGAN-GP toy MLPs (Gulrajani et al. 2017): three hidden ReLU
layers of 512 units; G's output is linear (points, not pixels, so no squashing: the
mixtures' Gaussian tails may leave the unit square). Their D takes ``"none"`` or
``"spectral"``; ``"batch"`` falls back to ``"none"`` there (batch norm is an
image-network component of DCGAN).

``width`` scales every channel count and hidden size (1.0 = the paper's; tests use less).
Every network takes ``train`` (batch statistics and power-iteration updates when True).
"""

from __future__ import annotations

import math
from typing import Literal, Sequence

import flax.linen as nn
import jax.numpy as jnp
from jaxtyping import Array, Float

from gantk.nets.spectral_norm import SpectralConv, SpectralDense

Norm = Literal["batch", "none", "spectral"]
NORMS = ("batch", "none", "spectral")

_INIT = nn.initializers.normal(0.02)
_BN_MOMENTUM = 0.9
_LEAK = 0.1


def conv_depth(shape: Sequence[int]) -> int:
    """Stride-2 layers for an (H, W, C) image: 2 up to 28 pixels, then ⌈log₂ max(H, W)⌉ − 2."""
    size = max(shape[0], shape[1])
    if size < 4:
        raise ValueError(f"image networks need images of at least 4×4 pixels, got shape {tuple(shape)}")
    return 2 if size <= 28 else math.ceil(math.log2(size)) - 2


def _scaled(n: int, width: float) -> int:
    return max(1, int(round(n * width)))


def _check_norm(norm: str) -> None:
    if norm not in NORMS:
        raise ValueError(f"discriminator norm must be one of {NORMS}, got {norm!r}")


def centre_crop(x: Float[Array, "b h w c"], h: int, w: int) -> Float[Array, "b h2 w2 c"]:
    """The central h×w window of each image (top-left bias when the margin is odd)."""
    top, left = (x.shape[1] - h) // 2, (x.shape[2] - w) // 2
    return x[:, top : top + h, left : left + w, :]


class ImageGenerator(nn.Module):
    """z (B, latent) → images (B, H, W, C) in [0, 1] (sigmoid output).

    Attributes:
      shape: (H, W, C) of the data.
      width: multiplier of channel counts and the hidden FC size.
    """

    shape: tuple[int, int, int]
    width: float = 1.0

    @nn.compact
    def __call__(self, z: Float[Array, "b latent"], train: bool) -> Float[Array, "b h w c"]:
        h, w, c = self.shape
        depth = conv_depth(self.shape)
        s_h, s_w = -(-h // 2**depth), -(-w // 2**depth)
        top = _scaled(64 * 2 ** (depth - 1), self.width)

        def bn(y):
            return nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM, epsilon=1e-5)(y)

        y = nn.relu(bn(nn.Dense(_scaled(1024, self.width), kernel_init=_INIT)(z)))
        y = nn.relu(bn(nn.Dense(s_h * s_w * top, kernel_init=_INIT)(y)))
        y = y.reshape(z.shape[0], s_h, s_w, top)
        for i in range(depth - 1):
            channels = _scaled(64 * 2 ** (depth - 2 - i), self.width)
            y = nn.ConvTranspose(channels, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)
            y = nn.relu(bn(y))
        y = nn.ConvTranspose(c, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)
        return nn.sigmoid(centre_crop(y, h, w))


class ImageDiscriminator(nn.Module):
    """images (B, H, W, C) → scores (B,): a logit or a critic value, no output activation.

    Attributes:
      shape: (H, W, C) of the data.
      norm: ``"batch"``, ``"none"`` or ``"spectral"`` (module doc).
      width: multiplier of channel counts and the hidden FC size.
    """

    shape: tuple[int, int, int]
    norm: Norm = "batch"
    width: float = 1.0

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"], train: bool) -> Float[Array, " b"]:
        _check_norm(self.norm)
        depth = conv_depth(self.shape)

        def conv(y, features):
            if self.norm == "spectral":
                return SpectralConv(features, kernel_init=_INIT)(y, update=train)
            return nn.Conv(features, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)

        def dense(y, features):
            if self.norm == "spectral":
                return SpectralDense(features, kernel_init=_INIT)(y, update=train)
            return nn.Dense(features, kernel_init=_INIT)(y)

        def normalise(y):
            if self.norm == "batch":
                return nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM, epsilon=1e-5)(y)
            return y

        y = nn.leaky_relu(conv(x, _scaled(64, self.width)), _LEAK)
        for i in range(1, depth):
            y = nn.leaky_relu(normalise(conv(y, _scaled(64 * 2**i, self.width))), _LEAK)
        y = y.reshape(y.shape[0], -1)
        y = nn.leaky_relu(normalise(dense(y, _scaled(1024, self.width))), _LEAK)
        return dense(y, 1)[:, 0]


class PointGenerator(nn.Module):
    """z (B, latent) → points (B, dim): ReLU MLP with a linear output."""

    dim: int = 2
    hidden: tuple[int, ...] = (512, 512, 512)
    width: float = 1.0

    @nn.compact
    def __call__(self, z: Float[Array, "b latent"], train: bool) -> Float[Array, "b dim"]:
        y = z
        for units in self.hidden:
            y = nn.relu(nn.Dense(_scaled(units, self.width))(y))
        return nn.Dense(self.dim)(y)


class PointDiscriminator(nn.Module):
    """points (B, dim) → scores (B,): ReLU MLP, optionally spectrally normalised."""

    norm: Norm = "none"
    hidden: tuple[int, ...] = (512, 512, 512)
    width: float = 1.0

    @nn.compact
    def __call__(self, x: Float[Array, "b dim"], train: bool) -> Float[Array, " b"]:
        _check_norm(self.norm)

        def dense(y, features):
            if self.norm == "spectral":
                return SpectralDense(features)(y, update=train)
            return nn.Dense(features)(y)

        y = x
        for units in self.hidden:
            y = nn.relu(dense(y, _scaled(units, self.width)))
        return dense(y, 1)[:, 0]


def dcgan_networks(data_shape: Sequence[int], norm: Norm, width: float = 1.0) -> tuple[nn.Module, nn.Module]:
    """``(G, D)`` for data of one sample's shape: (H, W, C) images or (d,) points."""
    data_shape = tuple(int(s) for s in data_shape)
    _check_norm(norm)
    if len(data_shape) == 3:
        return ImageGenerator(data_shape, width), ImageDiscriminator(data_shape, norm, width)
    if len(data_shape) == 1:
        point_norm = "none" if norm == "batch" else norm
        return PointGenerator(data_shape[0], width=width), PointDiscriminator(point_norm, width=width)
    raise ValueError(f"data must be (H, W, C) images or (d,) points per sample, got sample shape {data_shape}")


__all__ = [
    "ImageDiscriminator",
    "ImageGenerator",
    "NORMS",
    "PointDiscriminator",
    "PointGenerator",
    "centre_crop",
    "conv_depth",
    "dcgan_networks",
]
