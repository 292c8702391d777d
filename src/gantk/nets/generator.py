"""GA-CNTKg's generator of autoencoder codes (paper Eq. 6; trained by :mod:`gantk.generator.ga_cntkg`).

:class:`CodeGenerator` is DCGAN/InfoGAN-shaped like the authors' networks:
FC 1024 BN ReLU → FC s_h·s_w·C_top BN ReLU → reshape → [ConvT 4×4 s2 BN ReLU] … →
ConvT 4×4 s2 to the code channels → tanh, cropped to the code's (h, w); codes of at
most 4×4 positions (and flat codes, Table 7's) use FC 1024 BN ReLU ×2 → FC → tanh. Weights
start N(0, 0.02²). The output activation is the autoencoder's bottleneck activation (tanh,
Table 7), so generated codes share the real codes' range (−1, 1).
"""

from __future__ import annotations

import math

import flax.linen as nn
import jax.numpy as jnp
from jaxtyping import Array, Float

_INIT_STD = 0.02
_INIT = nn.initializers.normal(_INIT_STD)
_BN_MOMENTUM = 0.9


def _scaled(n: int, width: float) -> int:
    return max(1, int(round(n * width)))


class CodeGenerator(nn.Module):
    """ζ (B, latent) → codes (B, *code_shape) in (−1, 1) (module doc).

    Attributes:
      code_shape: (h, w, c) of the autoencoder's codes, or (d,) for flat codes.
      width: multiplier of every channel count and hidden size (1.0 = DCGAN's).
    """

    code_shape: tuple[int, ...]
    width: float = 1.0

    @nn.compact
    def __call__(self, zeta: Float[Array, "b latent"], train: bool) -> Float[Array, "b *code"]:
        def bn(y):
            return nn.BatchNorm(use_running_average=not train, momentum=_BN_MOMENTUM, epsilon=1e-5)(y)

        hidden = _scaled(1024, self.width)
        y = nn.relu(bn(nn.Dense(hidden, kernel_init=_INIT)(zeta)))
        spatial = len(self.code_shape) == 3 and max(self.code_shape[:2]) > 4
        if not spatial:
            y = nn.relu(bn(nn.Dense(hidden, kernel_init=_INIT)(y)))
            y = nn.Dense(math.prod(self.code_shape), kernel_init=_INIT)(y)
            return jnp.tanh(y).reshape(zeta.shape[0], *self.code_shape)
        h, w, c = self.code_shape
        depth = math.ceil(math.log2(max(h, w))) - 2
        s_h, s_w = -(-h // 2**depth), -(-w // 2**depth)
        top = _scaled(64 * 2 ** (depth - 1), self.width)
        y = nn.relu(bn(nn.Dense(s_h * s_w * top, kernel_init=_INIT)(y)))
        y = y.reshape(zeta.shape[0], s_h, s_w, top)
        for i in range(depth - 1):
            y = nn.ConvTranspose(
                _scaled(64 * 2 ** (depth - 2 - i), self.width), (4, 4), (2, 2), padding="SAME", kernel_init=_INIT
            )(y)
            y = nn.relu(bn(y))
        y = nn.ConvTranspose(c, (4, 4), (2, 2), padding="SAME", kernel_init=_INIT)(y)
        return jnp.tanh(y[:, :h, :w, :])


__all__ = ["CodeGenerator"]
