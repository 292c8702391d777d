"""Published sizes and SHA-256 digests of the openly downloadable dataset files, and their mirrors.

Every value here was copied from a public, independently maintained source (named beside it),
never computed from a download made for this project. ``gantk.data.download`` refuses a file
whose size or digest differs from these values.

Sources:

* MNIST: TensorFlow Datasets, ``tensorflow_datasets/url_checksums/mnist.txt`` (github.com/
  tensorflow/datasets, commit 31f1255), which lists URL, size and SHA-256 per file for the
  ``storage.googleapis.com/cvdf-datasets/mnist/`` mirror. The same four digests appear in other
  projects' download scripts; the sizes agree with the "Successfully downloaded ... N bytes" lines
  of TensorFlow's original MNIST tutorial. The files are byte-identical on every mirror below
  (torchvision checks the same files from the ossci mirror and yann.lecun.com against one MD5 each).
* CIFAR-10 (python version): Keras, ``keras/src/datasets/cifar10.py`` (github.com/keras-team/keras,
  commit 7e4b17c), ``file_hash`` of ``https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz``;
  size 170,498,071 bytes as logged by TF-slim's ``download_and_convert_cifar10`` and listed in
  other projects' checksum tables. (TFDS checks only the *binary* version, a different file.)
"""

from __future__ import annotations

from typing import NamedTuple


class PublishedFile(NamedTuple):
    """One file of an official distribution: its name, size in bytes and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


#: Base URLs (ending in ``/``) that serve the MNIST files under their official names, tried in order.
MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: Base URLs that serve ``cifar-10-python.tar.gz``, tried in order (the authors' site is the only one).
CIFAR10_MIRRORS: tuple[str, ...] = ("https://www.cs.toronto.edu/~kriz/",)

MNIST_FILES: tuple[PublishedFile, ...] = (
    PublishedFile(
        "train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    PublishedFile(
        "train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    PublishedFile(
        "t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    PublishedFile(
        "t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
)

CIFAR10_FILES: tuple[PublishedFile, ...] = (
    PublishedFile(
        "cifar-10-python.tar.gz", 170_498_071, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    ),
)

#: Dataset name -> (files, mirrors) for every dataset ``download_dataset`` can fetch.
DOWNLOADS: dict[str, tuple[tuple[PublishedFile, ...], tuple[str, ...]]] = {
    "mnist": (MNIST_FILES, MNIST_MIRRORS),
    "cifar10": (CIFAR10_FILES, CIFAR10_MIRRORS),
}
