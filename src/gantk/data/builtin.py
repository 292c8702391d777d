"""Real images that ship inside the scikit-image and scikit-learn wheels.

The default workflow runs offline, so its real data must come with the installed
packages: 100 Labeled-Faces-in-the-Wild crops (25×25 grey) from scikit-image and
the 1797 UCI hand-written digits (8×8 grey) from scikit-learn. Both are returned
as NHWC float32 arrays with pixel values in [0, 1], the paper's pixel scale.
"""

from __future__ import annotations

import numpy as np
from jaxtyping import Float, Int

#: ``skimage.data.lfw_subset()`` holds 100 face crops followed by 100 non-face crops.
N_LFW_FACES = 100

#: Grey levels of the UCI digits run from 0 to this value.
DIGITS_MAX_LEVEL = 16


def load_lfw_faces() -> Float[np.ndarray, "100 25 25 1"]:
    """The 100 face images of ``skimage.data.lfw_subset()``.

    Returns:
        float32 array of shape (100, 25, 25, 1), pixel values in [0, 1] (the
        stored values, unchanged apart from the cast).
    """
    from skimage.data import lfw_subset

    faces = np.asarray(lfw_subset()[:N_LFW_FACES], dtype=np.float32)
    return faces[..., None]


def load_digits() -> Float[np.ndarray, "1797 8 8 1"]:
    """All 1797 images of ``sklearn.datasets.load_digits()``.

    Returns:
        float32 array of shape (1797, 8, 8, 1): the grey levels 0..16 divided by
        16, so pixel values are in [0, 1] and the brightest level is exactly 1.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    images = sklearn_digits().images / DIGITS_MAX_LEVEL
    return images.astype(np.float32)[..., None]


def load_digits_labels() -> Int[np.ndarray, " 1797"]:
    """The digit class (0..9) of each image of :func:`load_digits`, same order, int64."""
    from sklearn.datasets import load_digits as sklearn_digits

    return np.asarray(sklearn_digits().target, dtype=np.int64)
