"""Deterministic subsets of a dataset, and the artefact that stores one.

``results/data/{dataset}/n{n}_s{seed}.npz`` (written by :func:`write_subsample`) holds

* ``images``: float32 (n, H, W, C), pixel values in [0, 1];
* ``indices``: int64 (n,), ascending positions of the images in the dataset's selection (the
  images its class or attribute filters keep, in the official order);
* ``source_index``: int64 (n,), the position of each image in the official distribution (row of
  the IDX file, row of the concatenated CIFAR-10 batches, line of ``list_attr_celeba.txt``,
  position in the sorted file list of an image folder);
* ``source_name``: str (n,), the file (or ``file[row]``) each image comes from;
* ``meta``: a 0-d string array holding JSON (dataset, options, n, seed, selection size, ...).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np
from jaxtyping import Float, Int

from gantk.common.io import load_npz, save_npz


@dataclass(frozen=True)
class Selection:
    """The images a dataset configuration selects, known by position before any is decoded.

    Attributes:
        description: what was selected, e.g. ``"cifar10 train label=7 (horse)"``; used in errors.
        source_index: int64 (N,), position of each selected image in the official distribution.
        source_name: str (N,), the file (or ``file[row]``) each selected image comes from.
        reader: maps int64 positions (k,) into this selection to float32 (k, H, W, C) images.
    """

    description: str
    source_index: Int[np.ndarray, " n"]
    source_name: np.ndarray
    reader: Callable[[Int[np.ndarray, " k"]], Float[np.ndarray, "k h w c"]]

    def __len__(self) -> int:
        return len(self.source_index)

    def read(self, positions: Int[np.ndarray, " k"] | None = None) -> Float[np.ndarray, "k h w c"]:
        """Decode the images at ``positions`` (all when None), float32 (k, H, W, C) in [0, 1]."""
        positions = np.arange(len(self)) if positions is None else np.asarray(positions, dtype=np.int64)
        if positions.size and (positions.min() < 0 or positions.max() >= len(self)):
            raise IndexError(f"positions must lie in [0, {len(self)}) for {self.description}")
        return np.asarray(self.reader(positions), dtype=np.float32)


def subsample_indices(count: int, n: int, seed: int, *, what: str = "the dataset") -> Int[np.ndarray, " n"]:
    """n distinct positions out of ``count``, drawn uniformly without replacement, sorted ascending.

    ``numpy.random.default_rng(seed).choice(count, n, replace=False)``, then sorted, so the subset
    keeps the official order of the images and depends only on (count, n, seed).

    Raises:
        ValueError: if n is not a positive integer, the seed is not a non-negative integer, or
            ``count < n`` (the message names ``what`` and both counts).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"subsample size n must be a positive integer, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if count < n:
        raise ValueError(f"{what} has {count} images, fewer than the n = {n} requested")
    positions = np.random.default_rng(int(seed)).choice(int(count), size=int(n), replace=False)
    return np.sort(positions).astype(np.int64)


def heldout_indices(count: int, subset: Int[np.ndarray, " n"], n: int, seed: int) -> Int[np.ndarray, " m"]:
    """Up to n positions out of ``count`` outside ``subset``, drawn with ``seed``: a held-out real sample.

    The positions not in ``subset`` are listed in order and min(n, their number) of them are
    drawn by :func:`subsample_indices`; the subsample rule's held-out reference is this draw
    with n the subset size and the reference seed.
    """
    rest = np.setdiff1d(np.arange(int(count)), np.asarray(subset))
    m = min(int(n), len(rest))
    return rest[subsample_indices(len(rest), m, seed)] if m else rest[:0]


def subsample(
    images: Float[np.ndarray, "N h w c"], n: int, seed: int, *, what: str = "the dataset"
) -> tuple[Float[np.ndarray, "n h w c"], Int[np.ndarray, " n"]]:
    """n images drawn without replacement, deterministic per seed (see :func:`subsample_indices`).

    Returns:
        ``(images[indices], indices)`` with ``indices`` int64, ascending.
    """
    indices = subsample_indices(len(images), n, seed, what=what)
    return images[indices], indices


class Subsample(NamedTuple):
    """The contents of a subsample artefact (see the module docstring)."""

    images: Float[np.ndarray, "n h w c"]
    indices: Int[np.ndarray, " n"]
    source_index: Int[np.ndarray, " n"]
    source_name: np.ndarray
    meta: dict[str, Any]


def subsample_path(results: str | os.PathLike, dataset: str, n: int, seed: int) -> Path:
    """``results/data/{dataset}/n{n}_s{seed}.npz``."""
    return Path(results) / "data" / dataset / f"n{n}_s{seed}.npz"


def write_subsample(
    path: str | os.PathLike,
    images: Float[np.ndarray, "n h w c"],
    indices: Int[np.ndarray, " n"],
    meta: Mapping[str, Any],
    *,
    source_index: Int[np.ndarray, " n"] | None = None,
    source_name: np.ndarray | None = None,
) -> None:
    """Write a subsample artefact atomically (temp file + rename, via :func:`gantk.common.io.save_npz`).

    ``source_index`` defaults to ``indices`` (a selection that is the whole distribution) and
    ``source_name`` to empty strings. ``meta`` must be JSON-serialisable.
    """
    images = np.asarray(images, dtype=np.float32)
    indices = np.asarray(indices, dtype=np.int64)
    if images.ndim != 4 or len(images) != len(indices):
        raise ValueError(f"need images (n, H, W, C) and n indices, got {images.shape} and {indices.shape}")
    source_index = indices if source_index is None else np.asarray(source_index, dtype=np.int64)
    source_name = np.full(len(indices), "") if source_name is None else np.asarray(source_name, dtype=str)
    if source_index.shape != indices.shape or source_name.shape != indices.shape:
        raise ValueError(
            f"source_index {source_index.shape} and source_name {source_name.shape} must match {indices.shape}"
        )
    save_npz(
        path,
        images=images,
        indices=indices,
        source_index=source_index,
        source_name=source_name,
        meta=np.array(json.dumps(dict(meta), sort_keys=True)),
    )


def read_subsample(path: str | os.PathLike) -> Subsample:
    """Read an artefact written by :func:`write_subsample`."""
    arrays = load_npz(path)
    return Subsample(
        images=arrays["images"],
        indices=arrays["indices"],
        source_index=arrays["source_index"],
        source_name=arrays["source_name"],
        meta=json.loads(str(arrays["meta"])),
    )
