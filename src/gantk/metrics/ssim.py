"""SSIM as ``tf.image.ssim`` computes it, nearest images by SSIM, and AM-SSIM.

The paper scores memorisation with AM-SSIM: the mean over generated images of
the largest SSIM to any training image, with the authors' ``tf.image.ssim``
settings (filter size 4, filter σ 1.5, k1 0.01, k2 0.03, max_val 1; paper §8.2).
SSIM here is computed the way TensorFlow computes it, for images x, y of shape
(H, W, C) with pixel values in units where the dynamic range is L = ``max_val``:

    u_a = a − (s − 1)/2,  a = 0 … s − 1               (s = filter size; u = ±0.5, ±1.5 for s = 4)
    w_a = exp(−u_a² / 2σ²) / Σ_b exp(−u_b² / 2σ²)      (1-D Gaussian window, sums to 1)
    W   = w wᵀ                                          (s × s; TF's softmax of the outer sum)
    μ_x = W ⋆ x,  μ_y = W ⋆ y                          (per channel, VALID: no padding)
    σ_x² = W ⋆ x² − μ_x²,  σ_xy = W ⋆ (x y) − μ_x μ_y   (weighted population moments)
    c1 = (k1 L)²,  c2 = (k2 L)²
    S   = (2 μ_x μ_y + c1) / (μ_x² + μ_y² + c1) · (2 σ_xy + c2) / (σ_x² + σ_y² + c2)
    SSIM(x, y) = mean over channels of the mean of S over its (H − s + 1) × (W − s + 1) positions

``⋆`` is 2-D cross-correlation; since W is separable it is applied as two 1-D
passes. With s = 4 the window is even, so no odd-window implementation
(scikit-image, MATLAB) can reproduce the paper's setting exactly; at odd sizes
(e.g. 11 with σ = 1.5) this equals ``skimage.metrics.structural_similarity``
with ``gaussian_weights=True, use_sample_covariance=False``.

For a set of generated images against a set of reference images,
:func:`nearest_by_ssim` precomputes μ and W ⋆ x² once per image and evaluates only
the cross term W ⋆ (x y) per pair, in jitted tiles of ``batch × batch`` pairs,
so memory stays bounded whatever the set sizes.

References:
    Wang, Bovik, Sheikh, Simoncelli (2004), "Image quality assessment: from
    error visibility to structural similarity", IEEE TIP.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Float, Int

#: The paper's ``tf.image.ssim`` settings (§8.2).
FILTER_SIZE = 4
FILTER_SIGMA = 1.5
K1 = 0.01
K2 = 0.03
MAX_VAL = 1.0

#: Pixel pairs (batch² · H · W · C) per tile when ``batch`` is not given: about
#: 64 MB per float32 intermediate.
_PAIRS_PER_TILE = 2**24


def gaussian_window(size: int, sigma: float) -> tuple[float, ...]:
    """The 1-D window w of ``tf.image.ssim``: Gaussian at a − (size − 1)/2, summing to 1."""
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(coords**2) / (2 * sigma**2))
    return tuple(float(v) for v in g / g.sum())


def _filter_valid(x: Array, window: tuple[float, ...]) -> Array:
    """(W wᵀ) ⋆ x over the last two axes of (..., H, W), VALID: (..., H − s + 1, W − s + 1)."""
    s = len(window)
    h = x.shape[-2] - s + 1
    x = sum(wa * x[..., a : a + h, :] for a, wa in enumerate(window))
    wd = x.shape[-1] - s + 1
    return sum(wb * x[..., b : b + wd] for b, wb in enumerate(window))


def _channels_first(x: Array) -> Array:
    """(..., H, W, C) → (..., C, H, W): rows stay contiguous, which XLA vectorises far better for C = 1."""
    return jnp.moveaxis(x, -1, -3)


class _Moments(NamedTuple):
    """Per-image terms of the SSIM map, each (..., C, H', W')."""

    mean: Array  # μ_x
    luminance_half: Array  # μ_x² + c1/2
    variance_half: Array  # σ_x² + c2/2


def _moments(x: Array, window: tuple[float, ...], c1: float, c2: float) -> _Moments:
    mean = _filter_valid(x, window)
    mean_sq = mean * mean
    return _Moments(mean, mean_sq + c1 / 2, _filter_valid(x * x, window) - mean_sq + c2 / 2)


def _mean_ssim(mx: _Moments, my: _Moments, xy: Array, c1: float, c2: float) -> Array:
    """Mean SSIM from both images' moments and W ⋆ (x y), all (..., C, H', W') → (...).

    The map is one quotient, (2μ_xμ_y + c1)(2σ_xy + c2) / ((μ_x² + μ_y² + c1)(σ_x² + σ_y² + c2)),
    with the per-image parts of the denominators precomputed.
    """
    mu_xy = mx.mean * my.mean
    numerator = (2 * mu_xy + c1) * (2 * (xy - mu_xy) + c2)
    denominator = (mx.luminance_half + my.luminance_half) * (mx.variance_half + my.variance_half)
    return jnp.mean(jnp.mean(numerator / denominator, axis=(-2, -1)), axis=-1)


def _check_settings(filter_size, filter_sigma, k1, k2, max_val) -> None:
    if isinstance(filter_size, bool) or not isinstance(filter_size, (int, np.integer)) or filter_size < 1:
        raise ValueError(f"SSIM filter_size must be a positive integer, got {filter_size!r}")
    if not filter_sigma > 0:
        raise ValueError(f"SSIM filter_sigma must be positive, got {filter_sigma!r}")
    if not (k1 >= 0 and k2 >= 0):
        raise ValueError(f"SSIM constants k1, k2 must be non-negative, got k1={k1!r}, k2={k2!r}")
    if not max_val > 0:
        raise ValueError(f"SSIM max_val (dynamic range) must be positive, got {max_val!r}")


def _check_image_shapes(shape_a, shape_b, filter_size, names=("a", "b")) -> None:
    for name, shape in zip(names, (shape_a, shape_b)):
        if len(shape) < 3:
            raise ValueError(f"SSIM input {name} must have shape (..., H, W, C), got {tuple(shape)}")
    if tuple(shape_a[-3:]) != tuple(shape_b[-3:]):
        raise ValueError(
            f"SSIM inputs must share (H, W, C): {names[0]} has {tuple(shape_a[-3:])}, "
            f"{names[1]} has {tuple(shape_b[-3:])}"
        )
    h, w = shape_a[-3:-1]
    if h < filter_size or w < filter_size:
        raise ValueError(f"SSIM filter_size {filter_size} exceeds the image size {h}×{w}")


def _float_dtype(*arrays) -> jnp.dtype:
    return jnp.promote_types(jnp.result_type(*arrays), jnp.float32)


@functools.partial(jax.jit, static_argnames=("filter_size", "filter_sigma", "k1", "k2", "max_val"))
def ssim(
    a: Float[Array, "... h w c"],
    b: Float[Array, "... h w c"],
    *,
    filter_size: int = FILTER_SIZE,
    filter_sigma: float = FILTER_SIGMA,
    k1: float = K1,
    k2: float = K2,
    max_val: float = MAX_VAL,
) -> Float[Array, "..."]:
    """SSIM of image pairs, exactly as ``tf.image.ssim`` (formula in the module doc).

    Args:
        a, b: images of shape (..., H, W, C) whose leading axes broadcast; pixel
            values in units where the dynamic range is ``max_val``.
        filter_size: Gaussian window size s (the paper: 4); H, W ≥ s.
        filter_sigma: Gaussian window σ in pixels (the paper: 1.5).
        k1, k2: stabilising constants, c1 = (k1·max_val)², c2 = (k2·max_val)².
        max_val: dynamic range L of the pixel values.

    Returns:
        SSIM values of shape broadcast(a.shape[:-3], b.shape[:-3]), in [−1, 1];
        1 for identical images. Float32 unless an input is float64.

    Example:
        >>> x = jnp.linspace(0, 1, 64).reshape(8, 8, 1)
        >>> float(ssim(x, x))
        1.0
    """
    _check_settings(filter_size, filter_sigma, k1, k2, max_val)
    _check_image_shapes(jnp.shape(a), jnp.shape(b), filter_size)
    dtype = _float_dtype(a, b)
    a, b = _channels_first(jnp.asarray(a, dtype)), _channels_first(jnp.asarray(b, dtype))
    window = gaussian_window(filter_size, filter_sigma)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    return _mean_ssim(_moments(a, window, c1, c2), _moments(b, window, c1, c2), _filter_valid(a * b, window), c1, c2)


class NearestSSIM(NamedTuple):
    """For each generated image, its best SSIM to the reference set and where it is."""

    values: Float[np.ndarray, " g"]
    """Max SSIM to any reference image, shape (G,)."""
    indices: Int[np.ndarray, " g"]
    """Index of that reference image (the first one on ties), shape (G,), int64."""


@functools.partial(jax.jit, static_argnames=("window", "c1", "c2"))
def _nearest_tiles(gen, ref, ref_valid, *, window, c1, c2):
    """Max / argmax SSIM for generated tiles (nG, tg, C, H, W) against reference tiles (nR, tr, C, H, W)."""
    gen_moments = _moments(gen, window, c1, c2)
    ref_moments = _moments(ref, window, c1, c2)
    offsets = jnp.arange(ref.shape[0], dtype=jnp.int32) * ref.shape[1]
    pair_axis = functools.partial(jax.tree.map, lambda m: m[:, None])
    ref_axis = functools.partial(jax.tree.map, lambda m: m[None])

    def one_generated_tile(tile):
        x, mx = tile

        def one_reference_tile(carry, rtile):
            best, best_index = carry
            y, my, valid, offset = rtile
            xy = _filter_valid(x[:, None] * y[None], window)
            s = _mean_ssim(pair_axis(mx), ref_axis(my), xy, c1, c2)
            s = jnp.where(valid[None], s, -jnp.inf)
            tile_best = jnp.max(s, axis=1)
            tile_index = offset + jnp.argmax(s, axis=1).astype(jnp.int32)
            better = tile_best > best
            return (jnp.where(better, tile_best, best), jnp.where(better, tile_index, best_index)), None

        init = (jnp.full(x.shape[0], -jnp.inf, x.dtype), jnp.zeros(x.shape[0], jnp.int32))
        (best, best_index), _ = lax.scan(one_reference_tile, init, (ref, ref_moments, ref_valid, offsets))
        return best, best_index

    return lax.map(one_generated_tile, (gen, gen_moments))


def _as_image_set(images, name: str) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"{name} images must have shape (N, H, W, C), got {images.shape}")
    if images.shape[0] == 0:
        raise ValueError(f"{name} image set is empty")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} images contain NaN or infinite pixel values")
    return images


def _tiles(images: np.ndarray, batch: int, dtype) -> np.ndarray:
    """(N, H, W, C) → (T, ⌈N/T⌉, C, H, W) with T = ⌈N/batch⌉ tiles, zero-padded at the end."""
    n = images.shape[0]
    n_tiles = -(-n // batch)
    tile = -(-n // n_tiles)
    padded = np.zeros((n_tiles * tile, images.shape[3], *images.shape[1:3]), dtype=dtype)
    padded[:n] = np.moveaxis(images, -1, 1)
    return padded.reshape(n_tiles, tile, *padded.shape[1:])


def nearest_by_ssim(
    generated: Float[np.ndarray, "g h w c"],
    reference: Float[np.ndarray, "r h w c"],
    *,
    batch: int | None = None,
    filter_size: int = FILTER_SIZE,
    filter_sigma: float = FILTER_SIGMA,
    k1: float = K1,
    k2: float = K2,
    max_val: float = MAX_VAL,
) -> NearestSSIM:
    """For each generated image, the most SSIM-similar reference image and that SSIM.

    All G × R pairs are scored with :func:`ssim`'s formula, ``batch`` generated ×
    ``batch`` reference images per jitted step; each image's μ and W ⋆ x² are
    computed once, only W ⋆ (x y) per pair.

    Args:
        generated: (G, H, W, C) images.
        reference: (R, H, W, C) images (e.g. the training subset).
        batch: tile edge; None picks it so a tile holds about 2²⁴ pixel pairs
            (≈ 64 MB per float32 intermediate; 36 for 64×64×3, 146 for 28×28×1).
        filter_size, filter_sigma, k1, k2, max_val: as for :func:`ssim` (the
            paper's settings by default).

    Returns:
        :class:`NearestSSIM` with ``values`` (G,) and ``indices`` (G,) into
        ``reference``; float32 unless both inputs are float64 (and JAX x64 is on).
    """
    _check_settings(filter_size, filter_sigma, k1, k2, max_val)
    generated = _as_image_set(generated, "generated")
    reference = _as_image_set(reference, "reference")
    _check_image_shapes(generated.shape, reference.shape, filter_size, names=("generated", "reference"))
    if batch is None:
        batch = max(1, math.isqrt(_PAIRS_PER_TILE // math.prod(generated.shape[1:])))
    elif isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"batch (tile edge) must be a positive integer, got {batch!r}")
    dtype = np.dtype(_float_dtype(generated, reference))
    n_gen, n_ref = generated.shape[0], reference.shape[0]
    ref_tiles = _tiles(reference, int(batch), dtype)
    ref_valid = (np.arange(ref_tiles.shape[0] * ref_tiles.shape[1]) < n_ref).reshape(ref_tiles.shape[:2])
    values, indices = _nearest_tiles(
        jnp.asarray(_tiles(generated, int(batch), dtype)),
        jnp.asarray(ref_tiles),
        jnp.asarray(ref_valid),
        window=gaussian_window(filter_size, filter_sigma),
        c1=float((k1 * max_val) ** 2),
        c2=float((k2 * max_val) ** 2),
    )
    return NearestSSIM(
        values=np.asarray(values).reshape(-1)[:n_gen],
        indices=np.asarray(indices).reshape(-1)[:n_gen].astype(np.int64),
    )


def max_ssim_to_set(generated, reference, *, batch: int | None = None, **settings) -> Float[np.ndarray, " g"]:
    """Max SSIM of each generated image to any reference image, (G,); see :func:`nearest_by_ssim`."""
    return nearest_by_ssim(generated, reference, batch=batch, **settings).values


def argmax_ssim_to_set(generated, reference, *, batch: int | None = None, **settings) -> Int[np.ndarray, " g"]:
    """Index of each generated image's most SSIM-similar reference image, (G,) int64."""
    return nearest_by_ssim(generated, reference, batch=batch, **settings).indices


def am_ssim(generated, reference, *, batch: int | None = None, **settings) -> float:
    """The paper's AM-SSIM: mean over generated images of the max SSIM to any reference image.

    Args:
        generated: (G, H, W, C) images in [0, 1].
        reference: (R, H, W, C) training images in [0, 1].
        batch, settings: as for :func:`nearest_by_ssim`.

    Returns:
        AM-SSIM in [−1, 1]; 1 when every generated image copies a reference image.
    """
    return float(np.mean(nearest_by_ssim(generated, reference, batch=batch, **settings).values, dtype=np.float64))
