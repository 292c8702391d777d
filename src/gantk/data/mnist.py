"""MNIST from its official IDX files (``train-images-idx3-ubyte.gz`` and friends).

IDX layout (LeCun's page): two zero bytes, a type byte (0x08 = unsigned byte), the number of
dimensions, each dimension as a big-endian uint32, then the values in C order. Images are
``(N, 28, 28)`` (magic 0x00000803), labels ``(N,)`` (magic 0x00000801).
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Sequence

import numpy as np
from jaxtyping import Float, Int

from gantk.data.subsample import Selection

#: split -> (images file, labels file), the official names.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

MNIST_SOURCE = "http://yann.lecun.com/exdb/mnist/ (fetch with: python -m gantk.data.download mnist --root DIR)"

_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IMAGES_MAGIC = 0x00000803
_LABELS_MAGIC = 0x00000801


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (gzip-compressed if its name ends in ``.gz``) into an array.

    Returns:
        The array with the dtype and shape of the header, in native byte order.

    Raises:
        ValueError: naming the file, for a corrupt or truncated gzip stream, a bad magic number,
            or a data section shorter or longer than the header's dimensions require.
    """
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip file ({exc})") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path}: not an IDX file (first bytes {raw[:4].hex() or 'missing'})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header ({len(raw)} bytes, need {header})")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[raw[2]]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - header
    if found != expected:
        kind = "truncated" if found < expected else "has trailing bytes"
        raise ValueError(f"{path}: {kind}: header shape {shape} needs {expected} data bytes, found {found}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def mnist_selection(root: str | os.PathLike, split: str = "train", digits: Sequence[int] | None = None) -> Selection:
    """The MNIST images of one split, optionally only some digits, in file order.

    Args:
        root: directory holding the four official ``.gz`` files.
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000).
        digits: keep only these labels (0..9); None keeps all.

    Returns:
        A :class:`~gantk.data.subsample.Selection` of (28, 28, 1) images; ``source_index`` is the
        row in the split's IDX file.
    """
    if split not in MNIST_FILES:
        raise ValueError(f"MNIST split must be one of {sorted(MNIST_FILES)}, got {split!r}")
    root = Path(root)
    names = MNIST_FILES[split]
    missing = [name for name in names if not (root / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"MNIST {split} files missing in {root}: {', '.join(missing)}; expected the official "
            f"{', '.join(names)} from {MNIST_SOURCE}"
        )
    images_path, labels_path = root / names[0], root / names[1]
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    for path, array, magic in ((images_path, images, _IMAGES_MAGIC), (labels_path, labels, _LABELS_MAGIC)):
        if array.dtype != np.uint8 or array.ndim != magic & 0xFF:
            raise ValueError(
                f"{path}: expected IDX magic {magic:#010x} (uint8, {magic & 0xFF}-D), "
                f"got {array.dtype} with shape {array.shape}"
            )
    if images.shape[1:] != (28, 28):
        raise ValueError(f"{images_path}: images are {images.shape[1:]}, MNIST images are (28, 28)")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
    keep = np.arange(len(images))
    description = f"mnist {split}"
    if digits is not None:
        digits = sorted({int(d) for d in digits})
        if not digits or digits[0] < 0 or digits[-1] > 9:
            raise ValueError(f"MNIST digits must be a non-empty subset of 0..9, got {digits}")
        keep = np.flatnonzero(np.isin(labels, digits))
        description += f" digits={digits}"
    kept = images[keep]
    return Selection(
        description=description,
        source_index=keep.astype(np.int64),
        source_name=np.array([f"{names[0]}[{i}]" for i in keep]),
        reader=lambda positions: (kept[positions].astype(np.float32) / 255.0)[..., None],
    )


def load_mnist(
    root: str | os.PathLike, split: str = "train", digits: Sequence[int] | None = None
) -> Float[np.ndarray, "n 28 28 1"]:
    """MNIST images from the official IDX files, float32 (N, 28, 28, 1), pixel values in [0, 1].

    See :func:`mnist_selection` for the arguments; values are the stored bytes divided by 255.
    """
    return mnist_selection(root, split, digits).read()


def load_mnist_labels(root: str | os.PathLike, split: str = "train") -> Int[np.ndarray, " n"]:
    """The digit (0..9) of every image of a split, int64, in file order."""
    if split not in MNIST_FILES:
        raise ValueError(f"MNIST split must be one of {sorted(MNIST_FILES)}, got {split!r}")
    return read_idx(Path(root) / MNIST_FILES[split][1]).astype(np.int64)
