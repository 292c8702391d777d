"""The baselines' networks: the paper's image GANs (§8.1, Tables 3–5) and MLPs for 2-D points.

Image networks are the paper's InfoGAN-based (Chen et al. 2016) tables, one per image size
(:func:`image_architecture`); every convolution is 4×4, stride 2, SAME padding:

    Table 3 (MNIST, 28×28; also ours for smaller images):
      D: conv 64 lReLU → conv 128 [norm] lReLU → FC 1024 [norm] lReLU → FC 1
      G: FC 1024 BN ReLU → FC 7·7·128 BN ReLU → deconv 64 BN ReLU → deconv 1, sigmoid
    Table 4 (CIFAR-10, 32×32):
      D: conv 64 lReLU → conv 128 [norm] lReLU → conv 256 [norm] lReLU → FC 1
      G: FC 2·2·448 BN ReLU → deconv 256 BN ReLU → deconv 128 ReLU → deconv 64 ReLU
         → deconv 3, tanh
    Table 5 (CelebA, 64×64): D as Table 4 plus conv 256 [norm] lReLU; G as Table 4 plus
      deconv 32 ReLU before the output deconv.

Batch norm sits where the tables put it (Table 4–5's generators normalise only the first
deconvolution). D's output is a logit or critic value (no activation). The tables' tanh
outputs are for pixels in [−1, 1]; gantk's pixels are in [0, 1], so those generators end in
(1 + tanh)/2, the same network on the other pixel range; **samples lie in [0, 1]**.

Ours, where the paper has no table: images up to 28 pixels follow Table 3 with the FC
reshaping to ⌈H/4⌉ × ⌈W/4⌉ × 128 (8×8 digits: 2×2; 25×25 faces: 7×7, made at 28×28 and
centre-cropped); 29–32 pixels Table 4 and 33–64 pixels Table 5, likewise cropped. Larger
images are refused (the paper ran its GAN baselines up to CelebA's 64×64).

``norm`` picks the discriminator's normalisation in the [norm] places: ``"batch"`` (the
tables; DCGAN, LSGAN, WGAN), ``"none"`` (WGAN-GP: "we remove all the batchnorm layers for
the discriminators in WGAN-GP", §8.1 under Table 6) or ``"spectral"`` (SN-GAN: every layer
spectrally normalised, no batch norm). Leaky ReLU slope 0.1 (InfoGAN); weights start
N(0, 0.02²) (DCGAN).

The point networks are the WGAN-GP toy MLPs (Gulrajani et al. 2017): three hidden ReLU
layers of 512 units (§4.2: "two 3-layer fully-connected neural networks"); G's output is
linear (points, not pixels, so no squashing: the mixtures' Gaussian tails may leave the
unit square). Their D takes ``"none"`` or ``"spectral"``; ``"batch"`` falls back to
``"none"`` there (batch norm is an image-network component of DCGAN).

``width`` scales every channel count and hidden size (1.0 = the paper's; tests use less).
Every network takes ``train`` (batch statistics and power-iteration updates when True).
"""

from __future__ import annotations

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class ImageArchitecture:
    """One of Tables 3–5 as layer lists (module doc).

    Attributes:
      table: the paper's table ("Table 3", "Table 4", "Table 5").
      d_convs: (channels, normalised) of each 4×4 stride-2 convolution of D.
      d_hidden: units of D's hidden FC layer (normalised), or None (straight to FC 1).
      g_hidden: units of G's first FC layer (BN ReLU), or None.
      g_start: (h, w, channels) the next FC layer (BN ReLU) is reshaped to.
      g_deconvs: (channels, batch norm) of each 4×4 stride-2 ReLU deconvolution before the output one.
      g_output: the output deconvolution's activation in the paper: "sigmoid" or "tanh".
    """

    table: str
    d_convs: tuple[tuple[int, bool], ...]
    d_hidden: int | None
    g_hidden: int | None
    g_start: tuple[int, int, int]
    g_deconvs: tuple[tuple[int, bool], ...]
    g_output: Literal["sigmoid", "tanh"]

    @property
    def g_size(self) -> tuple[int, int]:
        """(h, w) of G's output before the crop: the start doubled by every deconvolution."""
        up = 2 ** (len(self.g_deconvs) + 1)
        return self.g_start[0] * up, self.g_start[1] * up


def image_architecture(shape: Sequence[int]) -> ImageArchitecture:
    """The paper's table for (H, W, C) images (module doc): ≤ 28 pixels Table 3, ≤ 32 Table 4, ≤ 64 Table 5."""
    h, w, _ = (int(s) for s in shape)
    size = max(h, w)
    if min(h, w) < 4:
        raise ValueError(f"image networks need images of at least 4×4 pixels, got shape {tuple(shape)}")
    if size <= 28:
        return ImageArchitecture(
            "Table 3", ((64, False), (128, True)), 1024, 1024, (-(-h // 4), -(-w // 4), 128), ((64, True),), "sigmoid"
        )
    d_convs = ((64, False), (128, True), (256, True))
    g_deconvs = ((256, True), (128, False), (64, False))
    if size <= 32:
        return ImageArchitecture("Table 4", d_convs, None, None, (-(-h // 16), -(-w // 16), 448), g_deconvs, "tanh")
    if size <= 64:
        return ImageArchitecture(
            "Table 5", (*d_convs, (256, True)), None, None, (-(-h // 32), -(-w // 32), 448), (*g_deconvs, (32, False)), "tanh"
        )
    raise ValueError(
        f"the paper's baseline GAN networks (Tables 3–5) are for images up to 64×64 (CelebA); got shape {tuple(shape)}"
    )


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
    """z (B, latent) → images (B, H, W, C) in [0, 1] (Tables 3–5, module doc).

    Attributes:
      shape: (H, W, C) of the data.
      width: multiplier of channel counts and hidden FC sizes.
    """

    shape: tuple[int, int, int]
    width: float = 1.0

    @nn.compact
    def __call__(self, z: Float[Array, "b latent"], train: bool) -> Float[Array, "b h w c"]:
        h, w, c = self.shape
        arch = image_architecture(self.shape)

        def bn(y):
            return nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM, epsilon=1e-5)(y)

        def deconv(y, features):
            return nn.ConvTranspose(features, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)

        y = z
        if arch.g_hidden is not None:
            y = nn.relu(bn(nn.Dense(_scaled(arch.g_hidden, self.width), kernel_init=_INIT)(y)))
        s_h, s_w, top = arch.g_start[0], arch.g_start[1], _scaled(arch.g_start[2], self.width)
        y = nn.relu(bn(nn.Dense(s_h * s_w * top, kernel_init=_INIT)(y)))
        y = y.reshape(z.shape[0], s_h, s_w, top)
        for channels, norm in arch.g_deconvs:
            y = deconv(y, _scaled(channels, self.width))
            y = nn.relu(bn(y) if norm else y)
        y = centre_crop(deconv(y, c), h, w)
        return nn.sigmoid(y) if arch.g_output == "sigmoid" else (1.0 + jnp.tanh(y)) / 2.0


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
        arch = image_architecture(self.shape)

        def conv(y, features):
            if self.norm == "spectral":
                return SpectralConv(features, kernel_init=_INIT)(y, update=train)
            return nn.Conv(features, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)

        def dense(y, features):
            if self.norm == "spectral":
                return SpectralDense(features, kernel_init=_INIT)(y, update=train)
            return nn.Dense(features, kernel_init=_INIT)(y)

        def normalise(y, where: bool):
            if where and self.norm == "batch":
                return nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM, epsilon=1e-5)(y)
            return y

        y = x
        for channels, norm in arch.d_convs:
            y = nn.leaky_relu(normalise(conv(y, _scaled(channels, self.width)), norm), _LEAK)
        y = y.reshape(y.shape[0], -1)
        if arch.d_hidden is not None:
            y = nn.leaky_relu(normalise(dense(y, _scaled(arch.d_hidden, self.width)), True), _LEAK)
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
    "ImageArchitecture",
    "centre_crop",
    "image_architecture",
    "dcgan_networks",
]
