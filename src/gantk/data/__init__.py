"""Datasets: the paper's real datasets in their official formats, bundled offline images, toy mixtures.

Real data: :func:`download_dataset` fetches MNIST and CIFAR-10 (mirrors, SHA-256 checked);
``load_mnist``, ``load_cifar10``, ``load_celeba``, ``load_celeba_hq`` and ``load_imagenet_class``
read the official layouts; :func:`folder_selection` reads any folder of your own images; :func:`load_dataset` and :func:`make_subsample` dispatch on a dataset
name and its config options (:data:`DATASETS`).

Most names are re-exported lazily (PEP 562): a submodule is imported when one of its names is
first used, so ``python -m gantk.data.download`` runs without importing itself twice and
``import gantk.data`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gantk.common.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    # offline images bundled with scikit-image / scikit-learn
    "load_digits": "gantk.data.builtin",
    "load_lfw_faces": "gantk.data.builtin",
    # 2-D toy mixtures
    "mixture_modes": "gantk.data.toy",
    "sample_mixture": "gantk.data.toy",
    # downloads
    "ChecksumError": "gantk.data.download",
    "DownloadError": "gantk.data.download",
    "download_dataset": "gantk.data.download",
    "fetch": "gantk.data.download",
    # loaders of the official formats
    "load_mnist": "gantk.data.mnist",
    "load_mnist_labels": "gantk.data.mnist",
    "mnist_selection": "gantk.data.mnist",
    "read_idx": "gantk.data.mnist",
    "CIFAR10_CLASSES": "gantk.data.cifar10",
    "cifar10_selection": "gantk.data.cifar10",
    "load_cifar10": "gantk.data.cifar10",
    "read_cifar10_archive": "gantk.data.cifar10",
    "celeba_hq_selection": "gantk.data.celeba",
    "celeba_selection": "gantk.data.celeba",
    "load_celeba": "gantk.data.celeba",
    "load_celeba_hq": "gantk.data.celeba",
    "read_celeba_attributes": "gantk.data.celeba",
    "imagenet_class_selection": "gantk.data.imagenet",
    "imagenet_wnid": "gantk.data.imagenet",
    "load_imagenet_class": "gantk.data.imagenet",
    # any folder of images
    "check_images": "gantk.data.folder",
    "folder_files": "gantk.data.folder",
    "folder_fingerprint": "gantk.data.folder",
    "folder_selection": "gantk.data.folder",
    # dispatch on dataset names
    "DATASETS": "gantk.data.registry",
    "DatasetInfo": "gantk.data.registry",
    "dataset_info": "gantk.data.registry",
    "dataset_selection": "gantk.data.registry",
    "image_shape": "gantk.data.registry",
    "load_dataset": "gantk.data.registry",
    "make_subsample": "gantk.data.registry",
    "resolve_options": "gantk.data.registry",
    "selection_files": "gantk.data.registry",
}

# Imported eagerly: the function ``subsample`` shares its name with its module, and binding it here,
# after the module is loaded, keeps ``gantk.data.subsample`` the function whatever is imported later.
from gantk.data.subsample import (  # noqa: E402
    Selection,
    Subsample,
    read_subsample,
    subsample,
    subsample_indices,
    subsample_path,
    write_subsample,
)

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    _EXPORTS,
    globals(),
    eager=["Selection", "Subsample", "read_subsample", "subsample", "subsample_indices", "subsample_path",
           "write_subsample"],
)  # fmt: skip


if TYPE_CHECKING:
    from gantk.data.builtin import load_digits, load_lfw_faces
    from gantk.data.celeba import (
        celeba_hq_selection,
        celeba_selection,
        load_celeba,
        load_celeba_hq,
        read_celeba_attributes,
    )
    from gantk.data.cifar10 import CIFAR10_CLASSES, cifar10_selection, load_cifar10, read_cifar10_archive
    from gantk.data.download import ChecksumError, DownloadError, download_dataset, fetch
    from gantk.data.folder import check_images, folder_files, folder_fingerprint, folder_selection
    from gantk.data.imagenet import imagenet_class_selection, imagenet_wnid, load_imagenet_class
    from gantk.data.mnist import load_mnist, load_mnist_labels, mnist_selection, read_idx
    from gantk.data.registry import (
        DATASETS,
        DatasetInfo,
        dataset_info,
        dataset_selection,
        image_shape,
        load_dataset,
        make_subsample,
        resolve_options,
        selection_files,
    )
    from gantk.data.toy import mixture_modes, sample_mixture
