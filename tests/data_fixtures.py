"""Tiny datasets in the official distribution formats, built at test time (nothing binary is committed).

* MNIST: gzip-compressed IDX files under the official names.
* CIFAR-10: ``cifar-10-python.tar.gz`` whose batches are *Python 2* protocol-2 pickles (byte
  strings as ``SHORT_BINSTRING``/``BINSTRING``, arrays via ``numpy.core.multiarray._reconstruct``),
  as in the file on the authors' site.
* CelebA: ``img_align_celeba/NNNNNN.jpg`` (178 × 218 JPEG) and ``list_attr_celeba.txt`` in the
  official layout (count line, 40 names, ``filename v1 … v40`` with ±1 right-aligned in 2 columns).
* ImageNet: ``train/<wnid>/<wnid>_<k>.JPEG``.
"""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

#: The 40 column names of the official ``list_attr_celeba.txt``, in file order.
CELEBA_ATTRIBUTE_NAMES = (
    "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose Black_Hair "
    "Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee Gray_Hair Heavy_Makeup "
    "High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose "
    "Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat "
    "Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young"
).split()
assert len(CELEBA_ATTRIBUTE_NAMES) == 40

MNIST_NAMES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


# --- MNIST -------------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """An uncompressed IDX file holding a uint8 array (magic 0x0000080N, N = ndim)."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write_mnist(root: Path, split: str, images: np.ndarray, labels: np.ndarray) -> list[Path]:
    """Write ``images`` (n, 28, 28) and ``labels`` (n,) as the split's two official ``.gz`` files."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, array in zip(MNIST_NAMES[split], (images, labels)):
        path = root / name
        path.write_bytes(gzip.compress(idx_bytes(array)))
        paths.append(path)
    return paths


def random_mnist(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n random uint8 28×28 images and labels 0..9 (every digit present when n ≥ 10)."""
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    rng.shuffle(labels)
    return images, labels


# --- CIFAR-10 ------------------------------------------------------------------------------------


def _py2_str(data: bytes) -> bytes:
    """A Python 2 ``str`` in protocol 2: SHORT_BINSTRING or BINSTRING."""
    if len(data) < 256:
        return b"U" + bytes([len(data)]) + data
    return b"T" + struct.pack("<i", len(data)) + data


def _py2_int(value: int) -> bytes:
    if 0 <= value < 256:
        return b"K" + bytes([value])
    return b"J" + struct.pack("<i", value)


def _py2_uint8_array(array: np.ndarray) -> bytes:
    """An ndarray pickled the way NumPy under Python 2 did (``_reconstruct`` + BUILD state)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    dtype = (
        b"cnumpy\ndtype\n"
        + _py2_str(b"u1")
        + _py2_int(0)
        + _py2_int(1)
        + b"\x87R"  # TUPLE3, REDUCE
        + b"("
        + _py2_int(3)
        + _py2_str(b"|")
        + b"NNN"
        + b"J\xff\xff\xff\xffJ\xff\xff\xff\xff"
        + _py2_int(0)
        + b"tb"  # TUPLE, BUILD
    )
    shape = b"(" + b"".join(_py2_int(d) for d in array.shape) + b"t"
    return (
        b"cnumpy.core.multiarray\n_reconstruct\n"
        + b"cnumpy\nndarray\n"
        + _py2_int(0)
        + b"\x85"  # TUPLE1
        + _py2_str(b"b")
        + b"\x87R"  # TUPLE3, REDUCE
        + b"("
        + _py2_int(1)
        + shape
        + dtype
        + b"\x89"  # NEWFALSE (C order)
        + _py2_str(array.tobytes())
        + b"tb"  # TUPLE, BUILD
    )


def py2_batch_pickle(data: np.ndarray, labels: Sequence[int], batch_label: bytes) -> bytes:
    """A CIFAR-10 batch dict as Python 2's cPickle (protocol 2) wrote it."""
    filenames = [f"img_{i:05d}.png".encode() for i in range(len(labels))]
    items = (
        _py2_str(b"batch_label")
        + _py2_str(batch_label)
        + _py2_str(b"labels")
        + b"](" + b"".join(_py2_int(int(v)) for v in labels) + b"e"
        + _py2_str(b"data")
        + _py2_uint8_array(data)
        + _py2_str(b"filenames")
        + b"](" + b"".join(_py2_str(f) for f in filenames) + b"e"
    )  # fmt: skip
    return b"\x80\x02}(" + items + b"u."


def cifar_rows(images: np.ndarray) -> np.ndarray:
    """(n, 32, 32, 3) RGB -> (n, 3072) rows: the red plane, then green, then blue, each row-major."""
    return np.ascontiguousarray(np.asarray(images, dtype=np.uint8).transpose(0, 3, 1, 2).reshape(len(images), 3072))


def write_cifar10(
    root: Path, train: list[tuple[np.ndarray, np.ndarray]], test: tuple[np.ndarray, np.ndarray], *, members=None
) -> Path:
    """Write ``cifar-10-python.tar.gz``: 5 training batches (images (n,32,32,3), labels) and a test batch.

    ``members`` (optional) limits which batch members are written, to build broken archives.
    """
    root.mkdir(parents=True, exist_ok=True)
    blobs = {
        f"cifar-10-batches-py/data_batch_{i + 1}": py2_batch_pickle(
            cifar_rows(images), labels, f"training batch {i + 1} of 5".encode()
        )
        for i, (images, labels) in enumerate(train)
    }
    blobs["cifar-10-batches-py/test_batch"] = py2_batch_pickle(cifar_rows(test[0]), test[1], b"testing batch 1 of 1")
    blobs["cifar-10-batches-py/readme.html"] = b"<html></html>"
    path = root / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        directory = tarfile.TarInfo("cifar-10-batches-py")
        directory.type = tarfile.DIRTYPE
        tar.addfile(directory)
        for name, blob in blobs.items():
            if members is not None and name not in members and not name.endswith("readme.html"):
                continue
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path


def random_cifar10(rng: np.random.Generator, per_batch: int = 6):
    """Random batches (5 training, 1 test) with every label present; returns (train, test)."""

    def batch():
        images = rng.integers(0, 256, size=(per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, size=per_batch)
        labels[0] = 7  # at least one horse in every batch
        return images, labels

    return [batch() for _ in range(5)], batch()


# --- image folders -------------------------------------------------------------------------------


def save_image(path: Path, pixels: np.ndarray, **save_options) -> Path:
    """Save uint8 (H, W, 3) or (H, W) pixels; the format follows the suffix (.jpg/.JPEG -> JPEG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(np.asarray(pixels, dtype=np.uint8))
    if path.suffix.lower() in (".jpg", ".jpeg"):
        save_options = {"format": "JPEG", "quality": 95, "subsampling": 0, **save_options}
    image.save(path, **save_options)
    return path


def celeba_image(centre: Sequence[int], band: Sequence[int] = (0, 0, 255)) -> np.ndarray:
    """A 218 × 178 (H × W) aligned-CelebA-sized image: rows 20..197 one colour, the 20-row bands another."""
    pixels = np.empty((218, 178, 3), dtype=np.uint8)
    pixels[:] = band
    pixels[20:198] = centre
    return pixels


def write_celeba(root: Path, colours: Sequence[Sequence[int]], attributes: dict[str, Sequence[int]]) -> Path:
    """Write a CelebA folder: one image per colour and ``list_attr_celeba.txt``.

    ``attributes`` gives ±1 per image for some columns; every other column is −1.
    """
    n = len(colours)
    for i, colour in enumerate(colours):
        save_image(root / "img_align_celeba" / f"{i + 1:06d}.jpg", celeba_image(colour))
    table = np.full((n, 40), -1, dtype=int)
    for name, values in attributes.items():
        table[:, CELEBA_ATTRIBUTE_NAMES.index(name)] = values
    lines = [str(n), " ".join(CELEBA_ATTRIBUTE_NAMES) + " "]
    lines += [f"{i + 1:06d}.jpg" + "".join(f" {v:2d}" for v in row) for i, row in enumerate(table)]
    (root / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    return root
