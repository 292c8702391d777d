"""StyleGAN2 generator and discriminator, sized for small images (8×8 … 64×64).

Faithful to StyleGAN2 (Karras et al. 2020) and its small-data "cifar" configuration in
StyleGAN2-ADA (Karras et al. 2020b):

* **Equalised learning rate** everywhere: weights start N(0, 1) (N(0, 1/lr_mul²) in the
  mapping network) and are scaled at run time by lr_mul/√fan_in.
* **Mapping network**: z normalised by its second moment, then ``mapping_layers`` (2, as
  in the cifar config; 8 in the FFHQ config) fully connected lReLU(0.2)·√2 layers with
  learning-rate multiplier 0.01, giving w.
* **Modulated convolutions with weight demodulation**: per layer, styles s = A(w) (affine,
  bias 1), w'ᵢⱼₖ = sᵢ·wᵢⱼₖ, w''ᵢⱼₖ = w'ᵢⱼₖ / √(Σᵢₖ w'ᵢⱼₖ² + 1e-8); implemented as
  "x·s → conv → ·d" (the official non-fused path, mathematically the same).
* **Noise inputs**: per-pixel N(0, 1) noise times a learned per-layer strength (init 0).
* **Skip generator**: a learned constant at the start resolution, two 3×3 layers per
  resolution (the first upsamples), a 1×1 toRGB (modulated, not demodulated) at each
  resolution whose outputs are summed through FIR upsampling ([1, 3, 3, 1] filter).
* **Residual discriminator**: fromRGB, per resolution two 3×3 convs (the second
  downsamples: FIR blur then stride 2) plus a 1×1 downsampling skip, summed ×1/√2; then
  minibatch standard deviation (groups of up to 4, one feature), a 3×3 conv, FC, FC → 1.
* Loss (in :mod:`gantk.baselines.methods`): non-saturating logistic with lazy R1 (every 16
  D steps, γ = 0.01 as in the cifar config, Adam's lr and betas adjusted by 16/17), Adam
  lr 0.0025, β = (0, 0.99), exponential moving average of G's weights for sampling
  (half-life 500k images, ramped up over the first 5 % of training images).

Scaled down or left out (the cifar config also has no path-length regularisation and no
style mixing): channels are min(channel_max, channel_base / resolution) with 256 and
2048 (the cifar config: 512 at every resolution) and w has 128 dimensions (512); no
truncation trick, no mixed precision or activation clamping, no adaptive augmentation.
Sizes that are not powers of two (25×25, 28×28) start from a 7×7 constant and are
centre-cropped, as the DCGAN-shaped networks are.

Data scale: D sees images in [−1, 1] (it maps the [0, 1] data by 2x − 1 itself); G's
last layer is linear in that scale and returns (y + 1)/2, so **its samples are clipped to
[0, 1] when saved** (what the official code does when it writes images).
"""

from __future__ import annotations

import math
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from gantk.nets.gan import centre_crop

_SQRT2 = math.sqrt(2.0)
_FIR = np.array([1.0, 3.0, 3.0, 1.0])


def _lrelu(x: Array) -> Array:
    return jax.nn.leaky_relu(x, 0.2) * _SQRT2


def _fir_kernel(channels: int, gain: float, dtype) -> Array:
    f = np.outer(_FIR, _FIR)
    f = f / f.sum() * gain
    return jnp.asarray(np.tile(f[:, :, None, None], (1, 1, 1, channels)), dtype)


def upsample_2x(x: Float[Array, "b h w c"]) -> Float[Array, "b 2h 2w c"]:
    """Zero-insertion ×2 and the [1, 3, 3, 1]⊗[1, 3, 3, 1] filter (gain 4): StyleGAN2's upsample2d."""
    c = x.shape[-1]
    return jax.lax.conv_general_dilated(
        x,
        _fir_kernel(c, 4.0, x.dtype),
        window_strides=(1, 1),
        padding=((2, 2), (2, 2)),
        lhs_dilation=(2, 2),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=c,
    )


def blur(x: Float[Array, "b h w c"]) -> Float[Array, "b h w c"]:
    """The [1, 3, 3, 1] low-pass filter at the same size (the anti-aliasing before a stride-2 step)."""
    c = x.shape[-1]
    return jax.lax.conv_general_dilated(
        x,
        _fir_kernel(c, 1.0, x.dtype),
        window_strides=(1, 1),
        padding=((1, 2), (1, 2)),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=c,
    )


class EqualDense(nn.Module):
    """Dense layer with equalised learning rate: y = x·(W·lr_mul/√in) + b·lr_mul (+ lReLU·√2)."""

    features: int
    lr_mul: float = 1.0
    bias_init: float = 0.0
    activation: bool = False

    @nn.compact
    def __call__(self, x: Float[Array, "b d"]) -> Float[Array, "b f"]:
        fan_in = x.shape[-1]
        w = self.param("kernel", nn.initializers.normal(1.0 / self.lr_mul), (fan_in, self.features))
        b = self.param("bias", nn.initializers.constant(self.bias_init / self.lr_mul), (self.features,))
        y = x @ (w * (self.lr_mul / math.sqrt(fan_in))) + b * self.lr_mul
        return _lrelu(y) if self.activation else y


class EqualConv(nn.Module):
    """k×k convolution with equalised learning rate; ``down`` blurs then steps by 2."""

    features: int
    kernel: int = 3
    use_bias: bool = True
    activation: bool = True
    down: bool = False

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"]) -> Float[Array, "b h2 w2 f"]:
        fan_in = x.shape[-1] * self.kernel**2
        w = self.param("kernel", nn.initializers.normal(1.0), (self.kernel, self.kernel, x.shape[-1], self.features))
        if self.down:
            x = blur(x)
        y = jax.lax.conv_general_dilated(
            x,
            (w / math.sqrt(fan_in)).astype(x.dtype),
            window_strides=(2, 2) if self.down else (1, 1),
            padding="SAME",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )
        if self.use_bias:
            y = y + self.param("bias", nn.initializers.zeros, (self.features,))
        return _lrelu(y) if self.activation else y


class ModulatedConv(nn.Module):
    """Modulated (and optionally demodulated) k×k convolution driven by w; ``up`` upsamples first."""

    features: int
    kernel: int = 3
    demodulate: bool = True
    up: bool = False

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"], w: Float[Array, "b w_dim"]) -> Float[Array, "b h2 w2 f"]:
        in_ch = x.shape[-1]
        styles = EqualDense(in_ch, bias_init=1.0, name="affine")(w)
        weight = self.param("kernel", nn.initializers.normal(1.0), (self.kernel, self.kernel, in_ch, self.features))
        weight = weight / math.sqrt(in_ch * self.kernel**2)
        x = x * styles[:, None, None, :].astype(x.dtype)
        if self.up:
            x = upsample_2x(x)
        y = jax.lax.conv_general_dilated(
            x, weight.astype(x.dtype), (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        if self.demodulate:
            # d_bj = 1/√(Σ_ik (s_bi w_ijk)²): the output std of unit-variance inputs.
            sq = jnp.einsum("bi,io->bo", styles**2, jnp.sum(weight**2, axis=(0, 1)))
            y = y * jax.lax.rsqrt(sq + 1e-8)[:, None, None, :]
        return y


class SynthesisLayer(nn.Module):
    """Modulated 3×3 conv, per-pixel noise × learned strength, bias, lReLU·√2."""

    features: int
    up: bool = False

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"], w: Float[Array, "b w_dim"]) -> Float[Array, "b h2 w2 f"]:
        y = ModulatedConv(self.features, 3, True, self.up, name="conv")(x, w)
        strength = self.param("noise_strength", nn.initializers.zeros, ())
        noise = jax.random.normal(self.make_rng("noise"), (*y.shape[:3], 1), y.dtype)
        y = y + strength * noise + self.param("bias", nn.initializers.zeros, (self.features,))
        return _lrelu(y)


def _start_and_blocks(shape: Sequence[int]) -> tuple[int, int, int]:
    """(start height, start width, upsampling blocks): the fewest blocks with a start side ≤ 7."""
    h, w = int(shape[0]), int(shape[1])
    if min(h, w) < 4:
        raise ValueError(f"StyleGAN2 needs images of at least 4×4 pixels, got shape {tuple(shape)}")
    blocks = 0
    while -(-max(h, w) // 2**blocks) > 7:
        blocks += 1
    return -(-h // 2**blocks), -(-w // 2**blocks), blocks


def _channels(resolution: int, base: int, cap: int, width: float) -> int:
    return max(1, int(round(min(cap, base // resolution) * width)))


class StyleGAN2Generator(nn.Module):
    """z (B, z_dim) → images (B, H, W, C) on the [0, 1] data scale (linear; clip when saving).

    Attributes:
      shape: (H, W, C) of the data.
      w_dim: dimension of w.
      mapping_layers: fully connected layers of the mapping network.
      mapping_lr_mul: learning-rate multiplier of the mapping network (0.01).
      channel_base, channel_max: channels at resolution r are min(max, base / r).
      width: multiplier of all channel counts.
    """

    shape: tuple[int, int, int]
    w_dim: int = 128
    mapping_layers: int = 2
    mapping_lr_mul: float = 0.01
    channel_base: int = 2048
    channel_max: int = 256
    width: float = 1.0

    def mapping(self, z: Float[Array, "b z"]) -> Float[Array, "b w_dim"]:
        x = z * jax.lax.rsqrt(jnp.mean(z**2, axis=1, keepdims=True) + 1e-8)
        for i in range(self.mapping_layers):
            x = EqualDense(self.w_dim, lr_mul=self.mapping_lr_mul, activation=True, name=f"mapping_{i}")(x)
        return x

    @nn.compact
    def __call__(self, z: Float[Array, "b z"], train: bool) -> Float[Array, "b h w c"]:
        h, w_px, c = self.shape
        s_h, s_w, blocks = _start_and_blocks(self.shape)
        w = self.mapping(z)

        def ch(res):
            return _channels(res, self.channel_base, self.channel_max, self.width)

        res = max(s_h, s_w)
        const = self.param("const", nn.initializers.normal(1.0), (s_h, s_w, ch(res)))
        x = jnp.broadcast_to(const, (z.shape[0], *const.shape)).astype(z.dtype)
        x = SynthesisLayer(ch(res), name=f"b{res}_conv1")(x, w)
        img = ModulatedConv(c, 1, demodulate=False, name=f"b{res}_torgb")(x, w)
        img = img + self.param(f"b{res}_torgb_bias", nn.initializers.zeros, (c,))
        for _ in range(blocks):
            res *= 2
            x = SynthesisLayer(ch(res), up=True, name=f"b{res}_conv0")(x, w)
            x = SynthesisLayer(ch(res), name=f"b{res}_conv1")(x, w)
            rgb = ModulatedConv(c, 1, demodulate=False, name=f"b{res}_torgb")(x, w)
            rgb = rgb + self.param(f"b{res}_torgb_bias", nn.initializers.zeros, (c,))
            img = upsample_2x(img) + rgb
        return (centre_crop(img, h, w_px) + 1.0) / 2.0


def minibatch_stddev(x: Float[Array, "b h w c"], group_size: int = 4) -> Float[Array, "b h w c+1"]:
    """Append the mean over features of the standard deviation within groups of samples.

    Groups have G samples, G the largest divisor of the batch not above ``group_size``;
    sample i belongs to the group of i mod (B/G), as in the official reshape.
    """
    b = x.shape[0]
    g = max(d for d in range(1, min(group_size, b) + 1) if b % d == 0)
    y = x.reshape(g, b // g, *x.shape[1:])
    std = jnp.sqrt(jnp.var(y, axis=0) + 1e-8)
    stat = jnp.mean(std, axis=(1, 2, 3))
    stat = jnp.tile(stat, g)[:, None, None, None]
    return jnp.concatenate([x, jnp.broadcast_to(stat, (*x.shape[:3], 1)).astype(x.dtype)], axis=-1)


class StyleGAN2Discriminator(nn.Module):
    """images (B, H, W, C) in [0, 1] → logits (B,): residual blocks and minibatch std."""

    shape: tuple[int, int, int]
    channel_base: int = 2048
    channel_max: int = 256
    mbstd_group: int = 4
    width: float = 1.0

    @nn.compact
    def __call__(self, x: Float[Array, "b h w c"], train: bool) -> Float[Array, " b"]:
        s_h, s_w, blocks = _start_and_blocks(self.shape)

        def ch(res):
            return _channels(res, self.channel_base, self.channel_max, self.width)

        res = max(s_h, s_w) * 2**blocks
        y = EqualConv(ch(res), 1, name=f"b{res}_fromrgb")(2.0 * x - 1.0)
        for _ in range(blocks):
            t = EqualConv(ch(res), 3, name=f"b{res}_conv0")(y)
            t = EqualConv(ch(res // 2), 3, down=True, name=f"b{res}_conv1")(t)
            skip = EqualConv(ch(res // 2), 1, use_bias=False, activation=False, down=True, name=f"b{res}_skip")(y)
            y = (t + skip) / _SQRT2
            res //= 2
        y = minibatch_stddev(y, self.mbstd_group)
        y = EqualConv(ch(res), 3, name="epilogue_conv")(y)
        y = EqualDense(ch(res), activation=True, name="epilogue_fc")(y.reshape(y.shape[0], -1))
        return EqualDense(1, name="epilogue_out")(y)[:, 0]


def stylegan2_networks(data_shape: Sequence[int], width: float = 1.0) -> tuple[nn.Module, nn.Module]:
    """``(G, D)`` for (H, W, C) images."""
    data_shape = tuple(int(s) for s in data_shape)
    if len(data_shape) != 3:
        raise ValueError(f"StyleGAN2 is for (H, W, C) images, got sample shape {data_shape}")
    return StyleGAN2Generator(data_shape, width=width), StyleGAN2Discriminator(data_shape, width=width)


__all__ = [
    "EqualConv",
    "EqualDense",
    "ModulatedConv",
    "StyleGAN2Discriminator",
    "StyleGAN2Generator",
    "SynthesisLayer",
    "blur",
    "minibatch_stddev",
    "stylegan2_networks",
    "upsample_2x",
]
