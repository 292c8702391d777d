"""CelebA (aligned and cropped images + attribute list) and CelebA-HQ (a folder of images).

Both sit behind a licence, so they are never downloaded: the config gives the local path.

CelebA layout (the official Google Drive folder, either flat or as distributed)::

    root/img_align_celeba/000001.jpg … 202599.jpg     (or root/Img/img_align_celeba/)
    root/list_attr_celeba.txt                          (or root/Anno/list_attr_celeba.txt)

``list_attr_celeba.txt``: line 1 the number of images, line 2 the 40 attribute names, then one
line per image, ``filename v1 … v40`` with values −1 or 1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, NamedTuple

import numpy as np
from jaxtyping import Float, Int

from gantk.data.images import list_images, read_square_images
from gantk.data.subsample import Selection

CELEBA_SOURCE = (
    "the CelebA page https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html (its Google Drive: "
    "Img/img_align_celeba.zip and Anno/list_attr_celeba.txt; non-commercial research licence)"
)
CELEBA_EXPECTED = (
    "Expected root/img_align_celeba/*.jpg (or root/Img/img_align_celeba/) and "
    "root/list_attr_celeba.txt (or root/Anno/list_attr_celeba.txt)."
)
CELEBA_HQ_SOURCE = (
    "the progressive-GAN repository https://github.com/tkarras/progressive_growing_of_gans "
    "(dataset_tool.py create_celebahq builds the 30,000 images from CelebA's img_celeba and the "
    "published deltas), or a copy of its images already resized to 256×256"
)
CELEBA_HQ_EXPECTED = (
    "Expected a folder of the CelebA-HQ images (PNG or JPEG, any resolution ≥ size, one file per image)."
)

_IMAGE_DIRS = ("img_align_celeba", "Img/img_align_celeba")
_ATTRIBUTE_FILES = ("list_attr_celeba.txt", "Anno/list_attr_celeba.txt")

#: The paper's CelebA subset (authors' code): men with straight hair.
PAPER_ATTRIBUTES: dict[str, int] = {"Male": 1, "Straight_Hair": 1}


class CelebaAttributes(NamedTuple):
    """``list_attr_celeba.txt`` parsed: file names (N,), attribute names (40,), values int8 (N, 40) in {−1, 1}."""

    filenames: np.ndarray
    names: tuple[str, ...]
    values: Int[np.ndarray, "n a"]


def read_celeba_attributes(path: str | os.PathLike) -> CelebaAttributes:
    """Parse an attribute file in the official layout (see the module docstring).

    Raises:
        ValueError: naming the file and line, for a bad count line, a row with the wrong number of
            fields, a value other than −1/1, or a row count that differs from line 1.
    """
    path = Path(path)
    lines = path.read_text().splitlines()
    if len(lines) < 2:
        raise ValueError(f"{path}: needs a count line and a header line, has {len(lines)} lines")
    try:
        count = int(lines[0].strip())
    except ValueError:
        raise ValueError(f"{path}: line 1 should be the number of images, got {lines[0].strip()!r}") from None
    names = tuple(lines[1].split())
    if not names or len(set(names)) != len(names):
        raise ValueError(f"{path}: line 2 should list distinct attribute names, got {lines[1].strip()!r}")
    numbered = [(number, line) for number, line in enumerate(lines[2:], start=3) if line.strip()]
    if len(numbered) != count:
        raise ValueError(f"{path}: line 1 declares {count} images but the file has {len(numbered)} image rows")
    width = len(names) + 1
    tokens = " ".join(line for _, line in numbered).split()
    if len(tokens) != count * width:
        for number, line in numbered:
            if len(line.split()) != width:
                raise ValueError(
                    f"{path}: line {number} has {len(line.split())} fields, expected {width} "
                    f"(filename + {len(names)} values)"
                )
    table = np.array(tokens, dtype=object).reshape(count, width)
    try:
        values = table[:, 1:].astype(np.int64)
    except ValueError:
        row, col = next((r, c) for r in range(count) for c in range(1, width) if not _is_int(table[r, c]))
        raise ValueError(
            f"{path}: line {numbered[row][0]}, attribute {names[col - 1]}: {table[row, col]!r} is not -1 or 1"
        ) from None
    bad = np.argwhere((values != 1) & (values != -1))
    if len(bad):
        row, col = bad[0]
        raise ValueError(
            f"{path}: line {numbered[row][0]}, attribute {names[col]}: value {values[row, col]} is not -1 or 1"
        )
    return CelebaAttributes(filenames=table[:, 0].astype(str), names=names, values=values.astype(np.int8))


def _is_int(token: str) -> bool:
    try:
        int(token)
    except ValueError:
        return False
    return True


def _find(root: Path, candidates: tuple[str, ...], kind: str) -> Path:
    for candidate in candidates:
        if (root / candidate).exists():
            return root / candidate
    raise FileNotFoundError(f"CelebA {kind} not found under {root}. {CELEBA_EXPECTED} Get CelebA from {CELEBA_SOURCE}.")


def celeba_selection(
    root: str | os.PathLike,
    attributes: Mapping[str, int] | None = None,
    size: int = 64,
    crop: int | None = None,
) -> Selection:
    """The aligned CelebA images whose attributes match, in file order.

    Args:
        root: CelebA folder (see the module docstring for the layout).
        attributes: attribute name -> required value (1 or −1); None means the paper's
            ``{"Male": 1, "Straight_Hair": 1}``; ``{}`` keeps every image.
        size: output side in pixels (the paper: 64).
        crop: side of the centred square cut from each 178 × 218 image before resizing; None cuts
            the largest (178 × 178).

    Returns:
        A :class:`~gantk.data.subsample.Selection` of (size, size, 3) images; ``source_index`` is
        the image's row in ``list_attr_celeba.txt`` (file number − 1 for the official files).

    Raises:
        FileNotFoundError: if the folder, attribute file or a selected image is missing.
        ValueError: for an attribute that is not a column (the message lists the available ones)
            or a required value other than ±1.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(
            f"CelebA folder {root} does not exist. {CELEBA_EXPECTED} Get CelebA from {CELEBA_SOURCE}."
        )
    attribute_file = _find(root, _ATTRIBUTE_FILES, "attribute file list_attr_celeba.txt")
    image_dir = _find(root, _IMAGE_DIRS, "image folder img_align_celeba")
    table = read_celeba_attributes(attribute_file)
    wanted = dict(PAPER_ATTRIBUTES if attributes is None else attributes)
    mask = np.ones(len(table.filenames), dtype=bool)
    for name, value in wanted.items():
        if name not in table.names:
            raise ValueError(
                f"attribute {name!r} is not a column of {attribute_file}; available: {', '.join(table.names)}"
            )
        if isinstance(value, bool) or value not in (1, -1):
            raise ValueError(f"attribute {name} must be required as 1 or -1, got {value!r}")
        mask &= table.values[:, table.names.index(name)] == value
    keep = np.flatnonzero(mask)
    files = [image_dir / table.filenames[i] for i in keep]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} selected CelebA images are missing from {image_dir}, e.g. {', '.join(missing[:5])}"
        )
    description = "celeba " + (", ".join(f"{k}={v}" for k, v in wanted.items()) or "all images")
    return Selection(
        description=description,
        source_index=keep.astype(np.int64),
        source_name=table.filenames[keep],
        reader=lambda positions: read_square_images([files[i] for i in positions], size, crop=crop),
    )


def load_celeba(
    root: str | os.PathLike,
    attributes: Mapping[str, int] | None = None,
    size: int = 64,
    crop: int | None = None,
) -> Float[np.ndarray, "n size size 3"]:
    """Aligned CelebA images with the given attributes, float32 (N, size, size, 3), RGB, in [0, 1].

    Each image is centre-cropped to a square and resized with Pillow's antialiased LANCZOS filter
    (:mod:`gantk.data.images`). See :func:`celeba_selection` for the arguments.
    """
    return celeba_selection(root, attributes, size, crop).read()


def celeba_hq_selection(root: str | os.PathLike, size: int = 256) -> Selection:
    """The CelebA-HQ images in a folder, in natural file-name order (``2.png`` before ``10.png``).

    Images are centre-cropped to a square (a no-op for the square originals) and resized to
    ``size`` when they differ; ``source_index`` is the position in that order.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(
            f"CelebA-HQ folder {root} does not exist. {CELEBA_HQ_EXPECTED} Get it from {CELEBA_HQ_SOURCE}."
        )
    files = list_images(root)
    if not files:
        raise FileNotFoundError(f"no image files in {root}. {CELEBA_HQ_EXPECTED} Get it from {CELEBA_HQ_SOURCE}.")
    return Selection(
        description=f"celeba_hq {root}",
        source_index=np.arange(len(files), dtype=np.int64),
        source_name=np.array([f.name for f in files]),
        reader=lambda positions: read_square_images([files[i] for i in positions], size),
    )


def load_celeba_hq(root: str | os.PathLike, size: int = 256) -> Float[np.ndarray, "n size size 3"]:
    """Every CelebA-HQ image in ``root``, float32 (N, size, size, 3), RGB, in [0, 1].

    Decoding all 30,000 images at 256² takes 23.6 GB; use :func:`celeba_hq_selection` and read
    only a subsample (what :func:`gantk.data.make_subsample` does).
    """
    return celeba_hq_selection(root, size).read()
