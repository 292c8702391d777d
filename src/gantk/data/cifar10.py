"""CIFAR-10 read straight from the official ``cifar-10-python.tar.gz`` (no extraction).

The tarball holds ``cifar-10-batches-py/data_batch_1`` … ``data_batch_5`` (training, 10,000
images each) and ``test_batch``: Python 2 pickles of dicts with ``b"data"`` (uint8, 10000 × 3072:
the 1024 red, then green, then blue values of a 32 × 32 image, row-major) and ``b"labels"``.
Batches are unpickled by an unpickler that only admits the globals a NumPy array needs, so a
tampered archive cannot run code.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import tarfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from jaxtyping import Float

from gantk.data.subsample import Selection

CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_SOURCE = (
    "https://www.cs.toronto.edu/~kriz/cifar.html (fetch with: python -m gantk.data.download cifar10 --root DIR)"
)

#: Class names in label order (``batches.meta``); label 7 is "horse".
CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

#: split -> tar members, in the order their rows are concatenated.
CIFAR10_MEMBERS: dict[str, tuple[str, ...]] = {
    "train": tuple(f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)),
    "test": ("cifar-10-batches-py/test_batch",),
}

_ROW_BYTES = 32 * 32 * 3


def _allowed_globals() -> dict[tuple[str, str], Any]:
    try:
        from numpy._core.multiarray import _reconstruct
        from numpy._core.numeric import _frombuffer
    except ImportError:  # NumPy < 2
        from numpy.core.multiarray import _reconstruct
        from numpy.core.numeric import _frombuffer
    import _codecs

    allowed = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype, ("_codecs", "encode"): _codecs.encode}
    for module in ("numpy.core", "numpy._core"):
        allowed[(f"{module}.multiarray", "_reconstruct")] = _reconstruct
        allowed[(f"{module}.numeric", "_frombuffer")] = _frombuffer
    return allowed


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles plain containers and NumPy arrays; refuses every other global."""

    allowed = _allowed_globals()

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to unpickle {module}.{name}: not part of a CIFAR-10 batch"
            ) from None


def _parse_batch(raw: bytes, archive: Path, member: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        batch = _BatchUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except Exception as exc:
        raise ValueError(f"{archive}: member {member} is not a readable CIFAR-10 batch ({exc})") from exc
    if not isinstance(batch, dict):
        raise ValueError(f"{archive}: member {member} holds a {type(batch).__name__}, not a batch dict")
    batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise ValueError(f"{archive}: member {member} lacks 'data' or 'labels' (keys: {sorted(batch)})")
    data = np.asarray(batch["data"])
    labels = np.asarray(batch["labels"], dtype=np.int64)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != _ROW_BYTES:
        raise ValueError(f"{archive}: member {member} data is {data.dtype} {data.shape}, expected uint8 (n, 3072)")
    if labels.shape != (len(data),) or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError(f"{archive}: member {member} needs {len(data)} labels in 0..9, got shape {labels.shape}")
    return data, labels


def read_cifar10_archive(path: str | os.PathLike, split: str = "train") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw pixels and labels of one split, read from the tarball in one sequential pass.

    Returns:
        ``(images, labels, source_name)``: uint8 (N, 32, 32, 3) in RGB order, int64 (N,) labels and
        str (N,) ``member[row]`` names, rows in the order of :data:`CIFAR10_MEMBERS`.

    Raises:
        FileNotFoundError: if the archive is missing.
        ValueError: naming the archive, if it is corrupt or truncated, lacks a batch member, or a
            batch is malformed.
    """
    if split not in CIFAR10_MEMBERS:
        raise ValueError(f"CIFAR-10 split must be one of {sorted(CIFAR10_MEMBERS)}, got {split!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CIFAR-10 archive missing: expected {path} ({CIFAR10_ARCHIVE} from {CIFAR10_SOURCE})")
    wanted = CIFAR10_MEMBERS[split]
    batches: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for member in tar:
                if member.name in wanted and member.isfile():
                    handle = tar.extractfile(member)
                    batches[member.name] = _parse_batch(handle.read(), path, member.name)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        raise ValueError(f"{path}: corrupt or truncated archive ({type(exc).__name__}: {exc})") from exc
    missing = [m for m in wanted if m not in batches]
    if missing:
        raise ValueError(f"{path}: archive lacks {', '.join(missing)}; is it the official {CIFAR10_ARCHIVE}?")
    data = np.concatenate([batches[m][0] for m in wanted])
    labels = np.concatenate([batches[m][1] for m in wanted])
    names = np.array([f"{m}[{row}]" for m in wanted for row in range(len(batches[m][0]))])
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels, names


def cifar10_label(label: int | str) -> int:
    """A CIFAR-10 label from its number (0..9) or class name (``"horse"`` → 7)."""
    if isinstance(label, str):
        if label not in CIFAR10_CLASSES:
            raise ValueError(f"unknown CIFAR-10 class {label!r}; classes: {', '.join(CIFAR10_CLASSES)}")
        return CIFAR10_CLASSES.index(label)
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise ValueError(f"CIFAR-10 label must be 0..9 or a class name, got {label!r}")
    return int(label)


def cifar10_selection(root: str | os.PathLike, split: str = "train", label: int | str | None = 7) -> Selection:
    """The CIFAR-10 images of one split and class, in archive order.

    Args:
        root: directory holding ``cifar-10-python.tar.gz``.
        split: ``"train"`` (50,000 images) or ``"test"`` (10,000).
        label: class to keep, as 0..9 or a name (the paper: 7, ``"horse"``); None keeps all.

    Returns:
        A :class:`~gantk.data.subsample.Selection` of (32, 32, 3) images; ``source_index`` is the
        row in the split (batches concatenated in order).
    """
    images, labels, names = read_cifar10_archive(Path(root) / CIFAR10_ARCHIVE, split)
    keep = np.arange(len(images))
    description = f"cifar10 {split}"
    if label is not None:
        number = cifar10_label(label)
        keep = np.flatnonzero(labels == number)
        description += f" label={number} ({CIFAR10_CLASSES[number]})"
    kept = images[keep]
    return Selection(
        description=description,
        source_index=keep.astype(np.int64),
        source_name=names[keep],
        reader=lambda positions: kept[positions].astype(np.float32) / 255.0,
    )


def load_cifar10(
    root: str | os.PathLike, split: str = "train", label: int | str | None = 7
) -> Float[np.ndarray, "n 32 32 3"]:
    """CIFAR-10 images of one class, float32 (N, 32, 32, 3), RGB, pixel values in [0, 1].

    See :func:`cifar10_selection` for the arguments; values are the stored bytes divided by 255.
    """
    return cifar10_selection(root, split, label).read()
