"""One class of the ImageNet (ILSVRC-2012) training set, from the official folder layout.

ImageNet needs a login, so it is never downloaded: the config gives the local path of the unpacked
training set, ``root/train/<wnid>/<wnid>_<number>.JPEG`` (``root/<wnid>/`` is accepted too).
A class is named by WordNet id (``"n11939491"``) or by its name in the standard 1000-class index
(``"daisy"``, class 985; the package data file ``gantk/data/imagenet_classes.txt``).
"""

from __future__ import annotations

import difflib
import importlib.resources
import os
import re
from pathlib import Path

import numpy as np
from jaxtyping import Float

from gantk.data.images import list_images, read_square_images
from gantk.data.subsample import Selection

IMAGENET_SOURCE = (
    "https://image-net.org/download.php (ILSVRC-2012 training images, ILSVRC2012_img_train.tar; needs a "
    "login and accepting the terms of access): unpack it and each per-class tar into train/<wnid>/"
)
IMAGENET_EXPECTED = "Expected root/train/<wnid>/*.JPEG (or root/<wnid>/*.JPEG), e.g. root/train/n11939491/ for daisy."

_WNID = re.compile(r"n\d{8}")


def read_class_index() -> tuple[tuple[str, str], ...]:
    """The 1000 ILSVRC-2012 classes in class-index order, ``(wnid, name)`` for class i, read from
    the package data file ``imagenet_classes.txt`` (its header says where it was transcribed from)."""
    text = importlib.resources.files("gantk.data").joinpath("imagenet_classes.txt").read_text()
    rows = [line.split(" ", 1) for line in text.splitlines() if line and not line.startswith("#")]
    return tuple((wnid, name) for wnid, name in rows)


#: ``IMAGENET_CLASSES[i]`` is ``(wnid, name)`` of class i (1000 classes).
IMAGENET_CLASSES = read_class_index()


def imagenet_wnid(wnid_or_name: str) -> str:
    """The WordNet id of a class given by id or by its name in the 1000-class index.

    Raises:
        ValueError: for a name that is not in the index (with close matches) or that names two
            classes (``"crane"``, ``"maillot"``: the message gives both ids).
    """
    if _WNID.fullmatch(wnid_or_name):
        return wnid_or_name
    matches = [wnid for wnid, name in IMAGENET_CLASSES if name == wnid_or_name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"ImageNet class name {wnid_or_name!r} is ambiguous: give one of the ids {', '.join(matches)}")
    close = difflib.get_close_matches(wnid_or_name, [name for _, name in IMAGENET_CLASSES], n=5)
    hint = f"; close names: {', '.join(close)}" if close else ""
    raise ValueError(
        f"{wnid_or_name!r} is neither a WordNet id (n########) nor a class name of the ImageNet index{hint}"
    )


def imagenet_class_selection(
    root: str | os.PathLike, wnid_or_name: str = "daisy", size: int = 128, crop: int | None = None
) -> Selection:
    """The training images of one ImageNet class, in natural file-name order.

    Args:
        root: the unpacked ILSVRC-2012 training set (see the module docstring).
        wnid_or_name: class as WordNet id or index name (the paper: ``"daisy"``, 1300 images).
        size: output side in pixels (the paper: 128).
        crop: side of the centred square cut before resizing; None cuts the largest.

    Returns:
        A :class:`~gantk.data.subsample.Selection` of (size, size, 3) images; ``source_index`` is
        the position in the class folder's sorted file list.
    """
    wnid = imagenet_wnid(wnid_or_name)
    root = Path(root)
    candidates = (root / "train" / wnid, root / wnid)
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is None:
        raise FileNotFoundError(
            f"ImageNet class folder for {wnid_or_name} ({wnid}) not found: looked for "
            f"{' and '.join(str(c) for c in candidates)}. {IMAGENET_EXPECTED} Get ImageNet from {IMAGENET_SOURCE}."
        )
    files = list_images(folder)
    if not files:
        raise FileNotFoundError(f"no image files in {folder}. {IMAGENET_EXPECTED}")
    return Selection(
        description=f"imagenet {wnid} ({wnid_or_name})",
        source_index=np.arange(len(files), dtype=np.int64),
        source_name=np.array([f.name for f in files]),
        reader=lambda positions: read_square_images([files[i] for i in positions], size, crop=crop),
    )


def load_imagenet_class(
    root: str | os.PathLike, wnid_or_name: str = "daisy", size: int = 128, crop: int | None = None
) -> Float[np.ndarray, "n size size 3"]:
    """Training images of one ImageNet class, float32 (N, size, size, 3), RGB, in [0, 1].

    Each image is centre-cropped to a square and resized with Pillow's antialiased LANCZOS filter
    (:mod:`gantk.data.images`). See :func:`imagenet_class_selection` for the arguments.
    """
    return imagenet_class_selection(root, wnid_or_name, size, crop).read()
