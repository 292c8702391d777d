"""Every dataset by name: its options (with the paper's defaults), where it comes from, how to load it.

The workflow names a dataset and passes its config block as ``options``::

    make_subsample("cifar10", {"root": "data/cifar10", "label": 7}, n=256, seed=0,
                   path="results/data/cifar10/n256_s0.npz")

Real datasets need ``root``; ``mnist`` and ``cifar10`` are fetched into it by
``python -m gantk.data.download``, the others must be put there by hand (``DATASETS[name].expected``
says which files, ``.source`` where to get them). ``folder`` is any folder of your own PNG, JPEG
or WebP images (:mod:`gantk.data.folder`). ``lfw_faces`` and ``digits`` ship with
scikit-image / scikit-learn and take no options. :func:`selection_files` names the files a
selection reads that the workflow tracks (only its split's files, for MNIST).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
from jaxtyping import Float

from gantk.data.celeba import (
    CELEBA_EXPECTED,
    CELEBA_HQ_EXPECTED,
    CELEBA_HQ_SOURCE,
    CELEBA_SOURCE,
    PAPER_ATTRIBUTES,
    celeba_hq_selection,
    celeba_selection,
)
from gantk.data.cifar10 import CIFAR10_ARCHIVE, CIFAR10_SOURCE, cifar10_selection
from gantk.data.folder import FOLDER_EXPECTED, FOLDER_SOURCE, folder_selection
from gantk.data.imagenet import IMAGENET_EXPECTED, IMAGENET_SOURCE, imagenet_class_selection
from gantk.data.mnist import MNIST_FILES, MNIST_SOURCE, mnist_selection
from gantk.data.subsample import Selection, Subsample, subsample_indices, write_subsample


@dataclass(frozen=True)
class DatasetInfo:
    """What the registry knows about one dataset.

    Attributes:
        name: registry name (the ``{dataset}`` of ``results/data/{dataset}/``).
        image_shape: (H, W, C) of its images under the default options (``size`` changes H, W).
        downloadable: True when ``python -m gantk.data.download`` can fetch it.
        defaults: every option with its default (the paper's setting); options not listed here
            are rejected.
        required: options that have no default (``root`` for real datasets).
        source: where the data comes from.
        expected: which files must be under ``root``.
        select: maps the resolved options (without download-only ones) to a Selection.
        files: maps the same options to the files of ``root`` that the selection reads and the
            workflow tracks as job inputs (a split's published files; a folder's list file).
    """

    name: str
    image_shape: tuple[int, int, int]
    downloadable: bool
    defaults: Mapping[str, Any]
    required: tuple[str, ...]
    source: str
    expected: str
    select: Callable[..., Selection] = field(repr=False)
    files: Callable[..., tuple[str, ...]] = field(repr=False, default=lambda **options: ())


#: Options the download step reads; the loaders ignore them.
DOWNLOAD_OPTIONS = ("mirrors",)


def _builtin_selection(loader_name: str, label: str) -> Callable[[], Selection]:
    def select() -> Selection:
        from gantk.data import builtin

        images = getattr(builtin, loader_name)()
        return Selection(
            description=label,
            source_index=np.arange(len(images), dtype=np.int64),
            source_name=np.array([f"{label}[{i}]" for i in range(len(images))]),
            reader=lambda positions: images[positions],
        )

    return select


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        image_shape=(28, 28, 1),
        downloadable=True,
        defaults={"split": "train", "digits": None, "mirrors": None},
        required=("root",),
        source=MNIST_SOURCE,
        expected="Expected in root: " + ", ".join(name for pair in MNIST_FILES.values() for name in pair) + ".",
        select=lambda root, split, digits: mnist_selection(root, split, digits),
        files=lambda root, split, **rest: _in_root(root, MNIST_FILES[split]),
    ),
    "cifar10": DatasetInfo(
        name="cifar10",
        image_shape=(32, 32, 3),
        downloadable=True,
        defaults={"split": "train", "label": 7, "mirrors": None},
        required=("root",),
        source=CIFAR10_SOURCE,
        expected=f"Expected in root: {CIFAR10_ARCHIVE}.",
        select=lambda root, split, label: cifar10_selection(root, split, label),
        files=lambda root, **rest: _in_root(root, (CIFAR10_ARCHIVE,)),
    ),
    "celeba": DatasetInfo(
        name="celeba",
        image_shape=(64, 64, 3),
        downloadable=False,
        defaults={"attributes": dict(PAPER_ATTRIBUTES), "size": 64, "crop": None},
        required=("root",),
        source=CELEBA_SOURCE,
        expected=CELEBA_EXPECTED,
        select=lambda root, attributes, size, crop: celeba_selection(root, attributes, size, crop),
    ),
    "celeba_hq": DatasetInfo(
        name="celeba_hq",
        image_shape=(256, 256, 3),
        downloadable=False,
        defaults={"size": 256},
        required=("root",),
        source=CELEBA_HQ_SOURCE,
        expected=CELEBA_HQ_EXPECTED,
        select=lambda root, size: celeba_hq_selection(root, size),
    ),
    "imagenet": DatasetInfo(
        name="imagenet",
        image_shape=(128, 128, 3),
        downloadable=False,
        defaults={"class": "daisy", "size": 128, "crop": None},
        required=("root",),
        source=IMAGENET_SOURCE,
        expected=IMAGENET_EXPECTED,
        select=lambda root, size, crop, **rest: imagenet_class_selection(root, rest["class"], size, crop),
    ),
    "folder": DatasetInfo(
        name="folder",
        image_shape=(64, 64, 3),
        downloadable=False,
        defaults={"size": 64, "channels": 3, "glob": None, "list": None},
        required=("root",),
        source=FOLDER_SOURCE,
        expected=FOLDER_EXPECTED,
        select=lambda root, size, channels, glob, **rest: folder_selection(root, size, channels, glob, rest["list"]),
        files=lambda root, **rest: () if rest["list"] is None else (str(rest["list"]),),
    ),
    "lfw_faces": DatasetInfo(
        name="lfw_faces",
        image_shape=(25, 25, 1),
        downloadable=False,
        defaults={},
        required=(),
        source="bundled with scikit-image (skimage.data.lfw_subset, the 100 faces)",
        expected="Nothing: the images ship with scikit-image.",
        select=_builtin_selection("load_lfw_faces", "lfw_faces"),
    ),
    "digits": DatasetInfo(
        name="digits",
        image_shape=(8, 8, 1),
        downloadable=False,
        defaults={},
        required=(),
        source="bundled with scikit-learn (sklearn.datasets.load_digits, 1797 UCI digits)",
        expected="Nothing: the images ship with scikit-learn.",
        select=_builtin_selection("load_digits", "digits"),
    ),
}


def _in_root(root: str | os.PathLike, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{str(root).rstrip('/')}/{name}" for name in names)


def dataset_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of a dataset; an unknown name raises ValueError listing the valid ones."""
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}") from None


def resolve_options(name: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The dataset's defaults updated with ``options``, after checking every key.

    Raises:
        ValueError: for an unknown dataset, an option the dataset does not take (the message lists
            the valid ones) or a missing required option (the message says where to get the data).
    """
    info = dataset_info(name)
    options = dict(options or {})
    valid = set(info.defaults) | set(info.required)
    unknown = sorted(set(options) - valid)
    if unknown:
        raise ValueError(
            f"dataset {name!r} has no option {', '.join(map(repr, unknown))}; valid: {', '.join(sorted(valid)) or 'none'}"
        )
    missing = [key for key in info.required if options.get(key) in (None, "")]
    if missing:
        raise ValueError(
            f"dataset {name!r} needs option {', '.join(map(repr, missing))}: the local folder of the data. "
            f"{info.expected} Source: {info.source}."
        )
    return {**info.defaults, **options}


def image_shape(name: str, options: Mapping[str, Any] | None = None) -> tuple[int, int, int]:
    """(H, W, C) of the images ``load_dataset(name, options)`` returns (``size`` sets H and W,
    ``channels`` C)."""
    info = dataset_info(name)
    resolved = {**info.defaults, **dict(options or {})}
    height, width, channels = info.image_shape
    if "size" in resolved:
        height = width = int(resolved["size"])
    return (height, width, int(resolved.get("channels", channels)))


def dataset_selection(name: str, options: Mapping[str, Any] | None = None) -> Selection:
    """The images a dataset config selects, before decoding (see :class:`~gantk.data.subsample.Selection`)."""
    resolved = resolve_options(name, options)
    arguments = {k: v for k, v in resolved.items() if k not in DOWNLOAD_OPTIONS}
    return dataset_info(name).select(**arguments)


def selection_files(name: str, options: Mapping[str, Any] | None = None) -> list[str]:
    """The files a dataset config reads that a workflow job should list as inputs.

    MNIST: the two published files of its ``split`` in ``root``; CIFAR-10: the archive (one
    file holds every split and class); a folder: its ``list`` file when given (its images are
    tracked by :func:`gantk.data.folder.folder_fingerprint`); others: none. Checks the options
    as :func:`resolve_options` does.
    """
    resolved = resolve_options(name, options)
    arguments = {k: v for k, v in resolved.items() if k not in DOWNLOAD_OPTIONS}
    return list(dataset_info(name).files(**arguments))


def load_dataset(name: str, options: Mapping[str, Any] | None = None) -> Float[np.ndarray, "n h w c"]:
    """Every image a dataset config selects, float32 (N, H, W, C), pixel values in [0, 1].

    ``name`` is one of :data:`DATASETS` (``"mnist"``, ``"cifar10"``, ``"celeba"``,
    ``"celeba_hq"``, ``"imagenet"``, ``"folder"``, ``"lfw_faces"``, ``"digits"``); ``options`` are its config
    keys (see :func:`resolve_options`).
    """
    return dataset_selection(name, options).read()


def make_subsample(
    name: str,
    options: Mapping[str, Any] | None,
    n: int,
    seed: int,
    path: str | os.PathLike,
    *,
    selection: Selection | None = None,
) -> Subsample:
    """Select, subsample and write ``results/data/{dataset}/n{n}_s{seed}.npz`` in one call.

    Only the n chosen images are decoded, so image-folder datasets (CelebA-HQ: 30,000 files) cost
    n decodes. Positions are drawn by :func:`~gantk.data.subsample.subsample_indices` (uniform
    without replacement, sorted), so the artefact depends only on the data, options, n and seed.
    Nothing is written when any step fails (too few images, unreadable file, ...).

    Args:
        name, options: the dataset and its config options (see :func:`resolve_options`).
        n, seed: subsample size and seed.
        path: the artefact, ``results/data/{dataset}/n{n}_s{seed}.npz``.
        selection: ``dataset_selection(name, options)`` when the caller already has it (saves
            reading the archive or attribute file twice); computed when None.

    Returns:
        The :class:`~gantk.data.subsample.Subsample` as written.
    """
    if selection is None:
        selection = dataset_selection(name, options)
    indices = subsample_indices(len(selection), n, seed, what=selection.description)
    images = selection.read(indices)
    resolved = {k: v for k, v in resolve_options(name, options).items() if k not in DOWNLOAD_OPTIONS}
    meta = {
        "dataset": name,
        "options": {k: str(v) if isinstance(v, os.PathLike) else v for k, v in resolved.items()},
        "selection": selection.description,
        "selection_size": len(selection),
        "n": int(n),
        "seed": int(seed),
        "sampling": "numpy default_rng(seed).choice(selection_size, n, replace=False), sorted",
    }
    source_index, source_name = selection.source_index[indices], selection.source_name[indices]
    write_subsample(path, images, indices, meta, source_index=source_index, source_name=source_name)
    return Subsample(images, indices, source_index, source_name, meta)
