"""Decode image files into square float32 RGB or grey arrays: centre crop, then antialiased resize.

Resizing uses Pillow's LANCZOS filter (a windowed sinc whose support grows with the reduction
factor, so downscaling is antialiased; the filter StyleGAN's dataset tool uses). Pillow resizes the
8-bit image, so values are multiples of 1/255 before and after.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np
from jaxtyping import Float

#: File suffixes (lower case) that :func:`list_images` treats as images.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


#: Pillow modes of the decoded images, by channel count: grey or RGB.
_MODES = {1: "L", 3: "RGB"}


def read_square_image(
    path: str | os.PathLike,
    size: int,
    *,
    crop: int | None = None,
    channels: int = 3,
    exif_transpose: bool = False,
) -> Float[np.ndarray, "size size c"]:
    """Decode one image, crop a centred square, resize it to ``size × size``.

    Args:
        path: an image file Pillow can decode (JPEG, PNG, WebP, ...); palette, CMYK and
            alpha images are converted (alpha is dropped).
        size: output height and width in pixels.
        crop: side of the centred square to crop first, in source pixels; None crops the largest
            centred square (side = min(height, width)). The crop's top-left corner is at
            ``((H − crop) // 2, (W − crop) // 2)``.
        channels: 3 for RGB, 1 for grey (Pillow's ``L``: 0.299 R + 0.587 G + 0.114 B).
        exif_transpose: turn the image upright by its EXIF orientation first (camera photos).

    Returns:
        float32 (size, size, channels), RGB order for 3 channels, values in [0, 1].

    Raises:
        ValueError: naming the file, if it cannot be decoded or is smaller than ``crop``.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if channels not in _MODES:
        raise ValueError(f"channels must be 1 (grey) or 3 (RGB), got {channels!r}")
    path = Path(path)
    try:
        with Image.open(path) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) if exif_transpose else image
            decoded = upright.convert(_MODES[channels])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"{path}: cannot decode image ({exc})") from exc
    width, height = decoded.size
    side = min(width, height) if crop is None else int(crop)
    if not 1 <= side <= min(width, height):
        raise ValueError(f"{path}: cannot crop a {side}-pixel square from a {width}×{height} image")
    left, top = (width - side) // 2, (height - side) // 2
    square = decoded.crop((left, top, left + side, top + side))
    if side != size:
        square = square.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(square, dtype=np.float32).reshape(size, size, channels) / 255.0


def read_square_images(
    paths: Sequence[str | os.PathLike],
    size: int,
    *,
    crop: int | None = None,
    channels: int = 3,
    exif_transpose: bool = False,
) -> Float[np.ndarray, "n size size c"]:
    """:func:`read_square_image` for each path, stacked into float32 (n, size, size, channels)."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"image size must be a positive integer, got {size!r}")
    out = np.empty((len(paths), size, size, channels), dtype=np.float32)
    for i, path in enumerate(paths):
        out[i] = read_square_image(path, size, crop=crop, channels=channels, exif_transpose=exif_transpose)
    return out


def natural_key(name: str) -> tuple:
    """Sort key that orders embedded numbers by value: ``"2.jpg" < "10.jpg"``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def list_images(folder: str | os.PathLike) -> list[Path]:
    """The image files directly inside ``folder`` (by suffix, see :data:`IMAGE_SUFFIXES`), in natural order."""
    folder = Path(folder)
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return sorted(files, key=lambda p: natural_key(p.name))
