"""The paper's 2-D mixtures: mode layout, sampling statistics, determinism."""

import numpy as np
import pytest

from gantk.data.toy import mixture_modes, mode_counts, sample_mixture, sample_mixture_labelled


def test_ring8_has_8_equally_spaced_modes_on_radius_04_circle_around_centre():
    modes, std = mixture_modes("ring8")
    assert modes.shape == (8, 2)
    offsets = modes - 0.5
    np.testing.assert_allclose(np.linalg.norm(offsets, axis=1), 0.4, rtol=1e-12)
    angles = np.unwrap(np.arctan2(offsets[:, 1], offsets[:, 0]))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8, rtol=1e-12)
    assert std**2 == pytest.approx(0.002, rel=1e-12)


def test_grid25_modes_are_the_5x5_grid_in_the_unit_square():
    modes, std = mixture_modes("grid25")
    grid = [0.15, 0.325, 0.5, 0.675, 0.85]
    expected = np.array([(gx, gy) for gx in grid for gy in grid])
    np.testing.assert_allclose(modes, expected, rtol=0, atol=1e-15)
    assert std**2 == pytest.approx(0.0005, rel=1e-12)


def test_unknown_mixture_name_raises_listing_valid_names():
    with pytest.raises(ValueError, match="ring8.*grid25"):
        mixture_modes("ring9")


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_samples_have_the_mode_means_and_covariance(name):
    modes, std = mixture_modes(name)
    n = 4000 * len(modes)
    points, labels = sample_mixture_labelled(name, n, seed=0)
    assert points.shape == (n, 2) and points.dtype == np.float32
    for k, mode in enumerate(modes):
        cluster = points[labels == k].astype(np.float64)
        # 5 standard errors of the mean
        np.testing.assert_allclose(cluster.mean(axis=0), mode, atol=5 * std / np.sqrt(len(cluster)))
    residual = points.astype(np.float64) - modes[labels]
    cov = residual.T @ residual / n
    # relative standard error of a variance estimate is sqrt(2/n) ≈ 0.003 here
    np.testing.assert_allclose(cov, std**2 * np.eye(2), atol=0.02 * std**2)


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_samples_are_deterministic_per_seed(name):
    np.testing.assert_array_equal(sample_mixture(name, 300, 7), sample_mixture(name, 300, 7))


def test_different_seeds_give_different_samples():
    assert not np.allclose(sample_mixture("ring8", 300, 1), sample_mixture("ring8", 300, 2))


def test_points_split_uniformly_over_modes_with_remainder_to_first_modes():
    n = 8 * 5 + 3
    _, labels = sample_mixture_labelled("ring8", n, seed=3)
    np.testing.assert_array_equal(np.bincount(labels, minlength=8), [6, 6, 6, 5, 5, 5, 5, 5])
    np.testing.assert_array_equal(mode_counts(25, 2048), [82] * 23 + [81] * 2)


def test_samples_are_shuffled_not_grouped_by_mode():
    _, labels = sample_mixture_labelled("grid25", 500, seed=0)
    assert np.any(np.diff(labels) < 0)


def test_points_stay_near_their_own_mode():
    modes, std = mixture_modes("grid25")
    points, labels = sample_mixture_labelled("grid25", 2500, seed=5)
    distance = np.linalg.norm(points - modes[labels], axis=1)
    assert distance.max() < 6 * std


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_non_positive_or_non_integer_sample_size_is_rejected(n):
    with pytest.raises(ValueError, match="positive integer"):
        sample_mixture("ring8", n, 0)
