"""Toy metrics: exact W1 by optimal assignment, and mode coverage."""

import itertools
import json

import numpy as np
import pytest

from gantk.data.toy import mixture_modes, sample_mixture, sample_mixture_labelled
from gantk.metrics.toy import mode_coverage, wasserstein_distance, wasserstein_to_mixture


def _brute_force_w1(a, b):
    """min over all permutations π of the mean ‖a_i − b_π(i)‖."""
    n = len(a)
    return min(np.mean(np.linalg.norm(a - b[list(perm)], axis=1)) for perm in itertools.permutations(range(n)))


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7])
def test_wasserstein_equals_minimum_over_all_permutations(n):
    rng = np.random.default_rng(n)
    for _ in range(3):
        a, b = rng.uniform(size=(n, 2)), rng.uniform(size=(n, 2))
        assert wasserstein_distance(a, b) == pytest.approx(_brute_force_w1(a, b), abs=1e-12)


def test_wasserstein_of_a_set_with_a_permutation_of_itself_is_zero():
    a = np.random.default_rng(0).uniform(size=(50, 2))
    assert wasserstein_distance(a, a[::-1]) == 0.0


def test_wasserstein_of_a_rigid_translation_is_the_shift_length():
    # W1 ≥ ‖E a − E b‖ = ‖v‖ (Jensen), and the identity matching attains ‖v‖.
    rng = np.random.default_rng(1)
    a = rng.uniform(size=(200, 2))
    v = np.array([0.3, -0.4])
    assert wasserstein_distance(a, a + v) == pytest.approx(0.5, abs=1e-12)


def test_wasserstein_is_symmetric():
    rng = np.random.default_rng(2)
    a, b = rng.uniform(size=(40, 2)), rng.normal(size=(40, 2))
    assert wasserstein_distance(a, b) == pytest.approx(wasserstein_distance(b, a), abs=1e-12)


def test_wasserstein_rejects_clouds_of_different_size():
    with pytest.raises(ValueError, match=r"equal size.*\(5, 2\) and \(4, 2\)"):
        wasserstein_distance(np.zeros((5, 2)), np.zeros((4, 2)))


def test_wasserstein_rejects_non_finite_points():
    with pytest.raises(ValueError, match="NaN or infinite"):
        wasserstein_distance(np.full((3, 2), np.nan), np.zeros((3, 2)))


def test_wasserstein_to_mixture_compares_with_a_fresh_mixture_sample_of_equal_size():
    points = sample_mixture("ring8", 256, seed=0)
    expected = wasserstein_distance(points, sample_mixture("ring8", 256, seed=9))
    assert wasserstein_to_mixture(points, "ring8", seed=9) == pytest.approx(expected, abs=0)
    shifted = wasserstein_to_mixture(points + np.float32(0.2), "ring8", seed=9)
    assert shifted > expected + 0.1


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_mixture_sample_covers_all_modes_with_high_quality_near_chi2_value(name):
    n_modes = len(mixture_modes(name)[0])
    result = mode_coverage(sample_mixture(name, 20000, seed=0), name)
    assert result["modes_covered"] == result["n_modes"] == n_modes
    # P(‖N(0, σ²I₂)‖ ≤ 3σ) = 1 − exp(−9/2) ≈ 0.9889; the standard error at n = 20000 is 0.0007
    assert result["high_quality_fraction"] == pytest.approx(1 - np.exp(-4.5), abs=0.004)


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_removing_one_mode_reports_one_fewer_covered(name):
    points, labels = sample_mixture_labelled(name, 2048, seed=1)
    result = mode_coverage(points[labels != 3], name)
    assert result["modes_covered"] == result["n_modes"] - 1
    assert result["counts"][3] == 0


def test_counts_are_high_quality_points_per_nearest_mode():
    modes, std = mixture_modes("ring8")
    # 5 and 3 points on modes 0 and 1; one 3.5σ radially outside mode 4 (at angle π); the centre
    points = np.concatenate([np.repeat(modes[:2], [5, 3], axis=0), modes[4:5] - [3.5 * std, 0], [[0.5, 0.5]]])
    result = mode_coverage(points, "ring8", min_count=3)
    assert result["counts"] == [5, 3, 0, 0, 0, 0, 0, 0]
    assert result["high_quality_fraction"] == pytest.approx(8 / 10)
    assert result["modes_covered"] == 2
    assert mode_coverage(points, "ring8", min_count=4)["modes_covered"] == 1


def test_default_min_count_is_a_quarter_of_the_uniform_share():
    assert mode_coverage(sample_mixture("grid25", 2048, 0), "grid25")["min_count"] == 21
    assert mode_coverage(sample_mixture("ring8", 10, 0), "ring8")["min_count"] == 1


def test_points_far_from_every_mode_cover_nothing():
    result = mode_coverage(np.full((100, 2), 5.0), "grid25")
    assert result["modes_covered"] == 0 and result["high_quality_fraction"] == 0.0


def test_mode_coverage_result_is_json_serialisable():
    result = mode_coverage(sample_mixture("ring8", 100, 0), "ring8")
    assert json.loads(json.dumps(result)) == result


def test_mode_coverage_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        mode_coverage(np.zeros((10, 3)), "ring8")
