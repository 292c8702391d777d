"""The offline image sets shipped in the scikit-image and scikit-learn wheels."""

import numpy as np
import pytest
from skimage.data import lfw_subset
from sklearn.datasets import load_digits as sklearn_digits

from gantk.data.builtin import load_digits, load_digits_labels, load_lfw_faces


@pytest.fixture(scope="module")
def faces():
    return load_lfw_faces()


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_lfw_faces_are_100_grey_25x25_float32_images_in_unit_range(faces):
    assert faces.shape == (100, 25, 25, 1)
    assert faces.dtype == np.float32
    assert faces.min() >= 0.0 and faces.max() <= 1.0


def test_lfw_faces_are_the_first_100_images_of_lfw_subset(faces):
    np.testing.assert_array_equal(faces[..., 0], lfw_subset()[:100].astype(np.float32))


def test_lfw_faces_are_distinct_images(faces):
    flat = faces.reshape(100, -1)
    assert len(np.unique(flat, axis=0)) == 100
    assert flat.std(axis=0).mean() > 0.05


def test_digits_are_1797_grey_8x8_float32_images_in_unit_range(digits):
    assert digits.shape == (1797, 8, 8, 1)
    assert digits.dtype == np.float32
    assert digits.min() == 0.0 and digits.max() == 1.0


def test_digits_are_the_sklearn_grey_levels_divided_by_16(digits):
    levels = digits[..., 0] * 16
    np.testing.assert_array_equal(levels, np.round(levels))
    np.testing.assert_array_equal(levels, sklearn_digits().images)


def test_digit_labels_are_the_ten_classes_in_image_order():
    labels = load_digits_labels()
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == set(range(10))
    np.testing.assert_array_equal(labels, sklearn_digits().target)
