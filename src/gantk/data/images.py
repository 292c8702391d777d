"""Decode image files into square float32 RGB arrays: centre crop, then antialiased resize.

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


def read_square_image(
    path: str | os.PathLike, size: int, *, crop: int | None = None
) -> Float[np.ndarray, "size size 3"]:
    """Decode one image as RGB, crop a centred square, resize it to ``size × size``.

    Args:
        path: an image file Pillow can decode (JPEG, PNG, ...); grey, palette and CMYK images are
            converted to RGB.
        size: output height and width in pixels.
        crop: side of the centred square to crop first, in source pixels; None crops the largest
            centred square (side = min(height, width)). The crop's top-left corner is at
            ``((H − crop) // 2, (W − crop) // 2)``.

    Returns:
        float32 (size, size, 3), channels in RGB order, values in [0, 1].

    Raises:
        ValueError: naming the file, if it cannot be decoded or is smaller than ``crop``.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as image:
            image.load()
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"{path}: cannot decode image ({exc})") from exc
    width, height = rgb.size
    side = min(width, height) if crop is None else int(crop)
    if not 1 <= side <= min(width, height):
        raise ValueError(f"{path}: cannot crop a {side}-pixel square from a {width}×{height} image")
    left, top = (width - side) // 2, (height - side) // 2
    square = rgb.crop((left, top, left + side, top + side))
    if side != size:
        square = square.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(square, dtype=np.float32) / 255.0


def read_square_images(
    paths: Sequence[str | os.PathLike], size: int, *, crop: int | None = None
) -> Float[np.ndarray, "n size size 3"]:
    """:func:`read_square_image` for each path, stacked into float32 (n, size, size, 3)."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"image size must be a positive integer, got {size!r}")
    out = np.empty((len(paths), size, size, 3), dtype=np.float32)
    for i, path in enumerate(paths):
        out[i] = read_square_image(path, size, crop=crop)
    return out


def natural_key(name: str) -> tuple:
    """Sort key that orders embedded numbers by value: ``"2.jpg" < "10.jpg"``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def list_images(folder: str | os.PathLike) -> list[Path]:
    """The image files directly inside ``folder`` (by suffix, see :data:`IMAGE_SUFFIXES`), in natural order."""
    folder = Path(folder)
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return sorted(files, key=lambda p: natural_key(p.name))
