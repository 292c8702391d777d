"""SSIM (tf.image.ssim semantics), nearest images by SSIM, and AM-SSIM."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from skimage.metrics import structural_similarity

from gantk.metrics.ssim import (
    am_ssim,
    argmax_ssim_to_set,
    gaussian_window,
    max_ssim_to_set,
    nearest_by_ssim,
    ssim,
)

PAPER = dict(filter_size=4, filter_sigma=1.5, k1=0.01, k2=0.03, max_val=1.0)


def _reference_ssim(x, y, filter_size=4, filter_sigma=1.5, k1=0.01, k2=0.03, max_val=1.0):
    """Float64 SSIM of two (H, W, C) images with explicit loops over window positions."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    u = np.arange(filter_size) - (filter_size - 1) / 2
    g2 = np.exp(-(u[:, None] ** 2 + u[None, :] ** 2) / (2 * filter_sigma**2))
    g2 /= g2.sum()
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    h, w, channels = x.shape
    per_channel = []
    for c in range(channels):
        values = []
        for i, j in itertools.product(range(h - filter_size + 1), range(w - filter_size + 1)):
            px = x[i : i + filter_size, j : j + filter_size, c]
            py = y[i : i + filter_size, j : j + filter_size, c]
            mx, my = np.sum(g2 * px), np.sum(g2 * py)
            vx = np.sum(g2 * (px - mx) ** 2)
            vy = np.sum(g2 * (py - my) ** 2)
            cxy = np.sum(g2 * (px - mx) * (py - my))
            values.append((2 * mx * my + c1) * (2 * cxy + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2)))
        per_channel.append(np.mean(values))
    return float(np.mean(per_channel))


def _correlated_images(rng, n, shape, noise=0.3):
    """n images sharing structure with a common base, so SSIMs spread over (0, 1)."""
    base = rng.uniform(size=shape)
    return np.clip(base + noise * rng.standard_normal((n, *shape)), 0, 1)


def test_gaussian_window_uses_half_integer_offsets_for_even_size():
    w = np.asarray(gaussian_window(4, 1.5))
    g = np.exp(-np.array([1.5, 0.5, 0.5, 1.5]) ** 2 / (2 * 1.5**2))
    np.testing.assert_allclose(w, g / g.sum(), rtol=1e-15)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("shape", [(9, 8, 1), (7, 10, 3)])
def test_ssim_matches_float64_loop_reference_at_paper_settings(shape):
    rng = np.random.default_rng(0)
    x, y = _correlated_images(rng, 2, shape)
    got = float(ssim(jnp.asarray(x), jnp.asarray(y), **PAPER))
    assert got == pytest.approx(_reference_ssim(x, y), abs=1e-12)


def test_ssim_float32_agrees_with_float64_reference():
    rng = np.random.default_rng(1)
    x, y = _correlated_images(rng, 2, (12, 12, 3))
    got = ssim(jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32))
    assert got.dtype == jnp.float32
    assert float(got) == pytest.approx(_reference_ssim(x, y), abs=2e-6)


@pytest.mark.parametrize("settings", [dict(filter_size=5, filter_sigma=0.8, k1=0.02, k2=0.05, max_val=2.0)])
def test_ssim_matches_loop_reference_at_other_settings(settings):
    rng = np.random.default_rng(2)
    x, y = 2 * _correlated_images(rng, 2, (8, 9, 2))
    got = float(ssim(jnp.asarray(x), jnp.asarray(y), **settings))
    assert got == pytest.approx(_reference_ssim(x, y, **settings), abs=1e-12)


@pytest.mark.parametrize("filter_size, sigma", [(11, 1.5), (7, 0.8)])
def test_ssim_equals_skimage_gaussian_ssim_at_odd_window(filter_size, sigma):
    # skimage's Gaussian window has 2·int(3.5σ + 0.5) + 1 taps: 11 for σ = 1.5, 7 for σ = 0.8.
    # An even window (the paper's 4) cannot be expressed in skimage.
    rng = np.random.default_rng(3)
    x, y = _correlated_images(rng, 2, (24, 20, 3))
    expected = structural_similarity(
        x, y, gaussian_weights=True, sigma=sigma, use_sample_covariance=False, data_range=1.0, channel_axis=-1
    )
    got = float(ssim(jnp.asarray(x), jnp.asarray(y), filter_size=filter_size, filter_sigma=sigma))
    assert got == pytest.approx(expected, abs=1e-12)


def test_ssim_of_identical_images_is_one():
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(3, 10, 10, 2))
    x[1] = 0.3  # a constant image has zero variance; c2 keeps SSIM defined
    np.testing.assert_allclose(np.asarray(ssim(jnp.asarray(x), jnp.asarray(x))), 1.0, atol=1e-14)


def test_ssim_is_symmetric_and_below_one_for_different_images():
    rng = np.random.default_rng(5)
    x, y = (jnp.asarray(v) for v in _correlated_images(rng, 2, (10, 10, 1)))
    assert float(ssim(x, y)) == pytest.approx(float(ssim(y, x)), abs=1e-15)
    assert float(ssim(x, y)) < 0.99


def test_ssim_of_an_image_and_its_negative_structure_is_negative():
    rng = np.random.default_rng(6)
    x = rng.uniform(size=(10, 10, 1))
    assert float(ssim(jnp.asarray(x), jnp.asarray(1 - x))) < 0


def test_ssim_broadcasts_leading_axes_to_all_pairs():
    rng = np.random.default_rng(7)
    a = _correlated_images(rng, 3, (8, 8, 1))
    b = _correlated_images(rng, 4, (8, 8, 1))
    table = np.asarray(ssim(jnp.asarray(a)[:, None], jnp.asarray(b)[None]))
    assert table.shape == (3, 4)
    for i, j in itertools.product(range(3), range(4)):
        assert table[i, j] == pytest.approx(_reference_ssim(a[i], b[j]), abs=1e-12)


def test_ssim_works_under_jit_vmap_and_grad():
    rng = np.random.default_rng(8)
    a, b = (jnp.asarray(v) for v in _correlated_images(rng, 2, (5, 8, 8, 1)))
    batched = jax.jit(jax.vmap(lambda x, y: ssim(x, y)))(a, b)
    np.testing.assert_allclose(batched, ssim(a, b), atol=1e-14)
    grad = jax.grad(lambda x: ssim(x, b[0]))(a[0])
    assert grad.shape == a[0].shape and bool(jnp.all(jnp.isfinite(grad)))


def test_ssim_rejects_mismatched_shapes_and_images_smaller_than_filter():
    with pytest.raises(ValueError, match=r"share \(H, W, C\)"):
        ssim(jnp.zeros((8, 8, 1)), jnp.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match="filter_size 4 exceeds the image size 3×8"):
        ssim(jnp.zeros((3, 8, 1)), jnp.zeros((3, 8, 1)))
    with pytest.raises(ValueError, match="filter_sigma"):
        ssim(jnp.zeros((8, 8, 1)), jnp.zeros((8, 8, 1)), filter_sigma=0.0)


@pytest.mark.parametrize("batch", [1, 4, None])
def test_nearest_by_ssim_matches_brute_force_loop_reference(batch):
    rng = np.random.default_rng(9)
    generated = _correlated_images(rng, 7, (6, 7, 2))
    reference = _correlated_images(rng, 5, (6, 7, 2))
    table = np.array([[_reference_ssim(g, r) for r in reference] for g in generated])
    result = nearest_by_ssim(generated, reference, batch=batch)
    np.testing.assert_allclose(result.values, table.max(axis=1), atol=1e-12)
    np.testing.assert_array_equal(result.indices, table.argmax(axis=1))
    assert result.indices.dtype == np.int64


def test_nearest_by_ssim_float32_tiles_with_padding_match_brute_force():
    rng = np.random.default_rng(10)
    generated = _correlated_images(rng, 23, (12, 12, 3)).astype(np.float32)
    reference = _correlated_images(rng, 17, (12, 12, 3)).astype(np.float32)
    table = np.asarray(ssim(jnp.asarray(generated, jnp.float64)[:, None], jnp.asarray(reference, jnp.float64)[None]))
    values = max_ssim_to_set(generated, reference, batch=6)
    assert values.dtype == np.float32
    np.testing.assert_allclose(values, table.max(axis=1), atol=2e-6)
    np.testing.assert_array_equal(argmax_ssim_to_set(generated, reference, batch=6), table.argmax(axis=1))


def test_nearest_by_ssim_finds_planted_copies_of_reference_images():
    rng = np.random.default_rng(11)
    reference = rng.uniform(size=(20, 10, 10, 1))
    order = rng.permutation(20)[:9]
    result = nearest_by_ssim(reference[order], reference, batch=4)
    np.testing.assert_array_equal(result.indices, order)
    np.testing.assert_allclose(result.values, 1.0, atol=1e-12)


def test_nearest_by_ssim_reports_first_index_on_ties():
    rng = np.random.default_rng(12)
    image = rng.uniform(size=(1, 8, 8, 1))
    reference = np.concatenate([rng.uniform(size=(3, 8, 8, 1)), image, image, image])
    assert argmax_ssim_to_set(image, reference, batch=2)[0] == 3


def test_am_ssim_of_a_set_against_itself_is_one():
    rng = np.random.default_rng(13)
    images = rng.uniform(size=(15, 9, 9, 3))
    assert am_ssim(images, images, batch=4) == pytest.approx(1.0, abs=1e-12)


def test_am_ssim_is_the_mean_of_the_max_ssim_over_the_reference_set():
    rng = np.random.default_rng(14)
    generated = _correlated_images(rng, 6, (8, 8, 1))
    reference = _correlated_images(rng, 4, (8, 8, 1))
    table = np.array([[_reference_ssim(g, r) for r in reference] for g in generated])
    assert am_ssim(generated, reference) == pytest.approx(table.max(axis=1).mean(), abs=1e-12)


def test_am_ssim_rises_when_generated_images_approach_the_training_set():
    rng = np.random.default_rng(15)
    training = rng.uniform(size=(10, 12, 12, 1))
    far = rng.uniform(size=(10, 12, 12, 1))
    near = np.clip(training + 0.05 * rng.standard_normal(training.shape), 0, 1)
    assert am_ssim(near, training) > am_ssim(far, training) + 0.5


@pytest.mark.parametrize(
    "generated, reference, batch, match",
    [
        (np.zeros((4, 8, 8)), np.zeros((4, 8, 8, 1)), None, r"generated images must have shape \(N, H, W, C\)"),
        (np.zeros((4, 8, 8, 1)), np.zeros((0, 8, 8, 1)), None, "reference image set is empty"),
        (np.full((2, 8, 8, 1), np.nan), np.zeros((2, 8, 8, 1)), None, "generated images contain NaN"),
        (np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 9, 1)), None, r"share \(H, W, C\)"),
        (np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 1)), 0, "batch"),
    ],
)
def test_nearest_by_ssim_rejects_bad_input(generated, reference, batch, match):
    with pytest.raises(ValueError, match=match):
        nearest_by_ssim(generated, reference, batch=batch)
