"""The pre-trained convolutional autoencoder whose code space GA-CNTKg works in (paper Table 7).

GA-CNTKg (Eq. 6) optimises a generator G against the NTK-GP discriminator in the code
space of an autoencoder A = (encoder, decoder) trained beforehand on the data set's
images; samples are ``decoder(G(ζ))``. This module trains A and stores it.

The networks and their presets are :mod:`gantk.nets.autoencoder`.

Loss (the authors' ``ssim_l1_loss``): for images x and reconstructions x̂ in [0, 1],

    L(x, x̂) = 1 − mean_i SSIM(x_i, x̂_i) + mean |x − x̂|

with SSIM as ``tf.image.ssim`` computes it (``gantk.metrics.ssim``), Gaussian window of
``ssim_filter_size`` (authors: 11) and σ = 1.5, k1 = 0.01, k2 = 0.03, max_val = 1.
8×8 digits use window 4 (the paper's metric setting; 11 does not fit in 8 pixels).

Artefacts (:meth:`Autoencoder.save`): ``weights.npz`` (every variable, keyed by its path
``params/encoder/Conv_0/kernel``) and ``ae.json`` (architecture, code shape and size,
training settings, per-epoch history, and the reconstruction errors on held-out images).

Example:
    >>> arch = AE_PRESETS["digits"]
    >>> ae = train_autoencoder(images, arch, AETrainConfig(epochs=50))   # images (N, 8, 8, 1)
    >>> codes = ae.encode(images)            # (N, 32) in (−1, 1)
    >>> recon = ae.decode(codes)             # (N, 8, 8, 1)
    >>> ae.save("results/ae/digits/split")
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import traverse_util
from jaxtyping import Array, Float

from gantk.common.io import load_json, load_npz, save_json, save_npz
from gantk.common.logging_utils import LOGGER_NAME
from gantk.loop.driver import LoopSpec, Trainer, run
from gantk.loop.stopping import EarlyStopping, PatienceTracker
from gantk.metrics.ssim import ssim
from gantk.nets.autoencoder import (
    AE_PRESETS,
    AEArchitecture,
    ConvAutoencoder,
    Decoder,
    Encoder,
    ae_preset,
    init_variables,
    numpy_init,
)

log = logging.getLogger(LOGGER_NAME)

WEIGHTS_FILE = "weights.npz"
INFO_FILE = "ae.json"


def reconstruction_loss(
    x: Float[Array, "n h w c"], recon: Float[Array, "n h w c"], *, filter_size: int = 11, filter_sigma: float = 1.5
) -> Float[Array, ""]:
    """1 − mean SSIM(x_i, x̂_i) + mean |x − x̂| (the authors' loss; SSIM as ``tf.image.ssim``)."""
    s = ssim(x, recon, filter_size=filter_size, filter_sigma=filter_sigma)
    return 1.0 - jnp.mean(s) + jnp.mean(jnp.abs(x - recon))


@functools.lru_cache(maxsize=None)
def _apply_fns(arch: AEArchitecture):
    model = ConvAutoencoder(arch)
    encode = jax.jit(lambda v, x: model.apply(v, x, method=ConvAutoencoder.encode))
    decode = jax.jit(lambda v, c: model.apply(v, c, method=ConvAutoencoder.decode))
    reconstruct = jax.jit(lambda v, x: model.apply(v, x, train=False))
    return encode, decode, reconstruct


def _in_chunks(fn, variables, x: np.ndarray, batch: int) -> np.ndarray:
    out = [np.asarray(fn(variables, jnp.asarray(x[i : i + batch], jnp.float32))) for i in range(0, len(x), batch)]
    return np.concatenate(out) if out else np.zeros((0,), np.float32)


@dataclasses.dataclass
class Autoencoder:
    """A trained autoencoder: its architecture, variables and record.

    Attributes:
      arch: the architecture.
      variables: ``{"params": ..., "batch_stats": ...}`` (flax variable collections).
      info: the record written to ``ae.json`` (architecture, training, errors).
    """

    arch: AEArchitecture
    variables: dict
    info: dict = dataclasses.field(default_factory=dict)

    @property
    def code_shape(self) -> tuple[int, ...]:
        return self.arch.code_shape

    @property
    def code_size(self) -> int:
        return self.arch.code_size

    def encode(self, images: Float[np.ndarray, "n h w c"], batch: int = 256) -> Float[np.ndarray, "n h2 w2 k"]:
        """Codes (N, *code_shape) in (−1, 1) of images (N, H, W, C) in [0, 1] (evaluation mode)."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or tuple(images.shape[1:]) != self.arch.image_shape:
            raise ValueError(
                f"the autoencoder takes images of shape (N, {', '.join(map(str, self.arch.image_shape))}), "
                f"got {images.shape}"
            )
        return _in_chunks(_apply_fns(self.arch)[0], self.variables, images, batch)

    def decode(self, codes: Float[np.ndarray, "n h2 w2 k"], batch: int = 256) -> Float[np.ndarray, "n h w c"]:
        """Images (N, H, W, C) in (0, 1) of codes (N, *code_shape)."""
        codes = np.asarray(codes, np.float32)
        if codes.ndim != 1 + len(self.code_shape) or tuple(codes.shape[1:]) != self.code_shape:
            raise ValueError(
                f"the decoder takes codes of shape (N, {', '.join(map(str, self.code_shape))}), got {codes.shape}"
            )
        return _in_chunks(_apply_fns(self.arch)[1], self.variables, codes, batch)

    def reconstruct(self, images: Float[np.ndarray, "n h w c"], batch: int = 256) -> Float[np.ndarray, "n h w c"]:
        """decoder(encoder(images)) in evaluation mode."""
        return _in_chunks(_apply_fns(self.arch)[2], self.variables, np.asarray(images, np.float32), batch)

    def save(self, out_dir: str | Path) -> None:
        """Write ``weights.npz`` and ``ae.json`` under ``out_dir`` (each atomically)."""
        out = Path(out_dir)
        flat = traverse_util.flatten_dict(jax.device_get(self.variables), sep="/")
        save_npz(out / WEIGHTS_FILE, **{k: np.asarray(v) for k, v in flat.items()})
        save_json(out / INFO_FILE, {**self.info, "architecture": self.arch.to_dict(), "weights": WEIGHTS_FILE})


def reconstruction_errors(
    ae: Autoencoder, images: Float[np.ndarray, "n h w c"], *, filter_sigma: float = 1.5, batch: int = 256
) -> dict[str, float]:
    """Errors of ``ae`` on ``images``: ``loss`` (the training loss), ``ssim``, ``l1``, ``mse`` (per pixel means)."""
    images = np.asarray(images, np.float32)
    recon = ae.reconstruct(images, batch)
    s = np.concatenate(
        [
            np.asarray(
                ssim(
                    images[i : i + batch],
                    recon[i : i + batch],
                    filter_size=ae.arch.ssim_filter_size,
                    filter_sigma=filter_sigma,
                )
            )
            for i in range(0, len(images), batch)
        ]
    )
    l1 = float(np.mean(np.abs(images - recon), dtype=np.float64))
    return {
        "loss": float(1.0 - np.mean(s, dtype=np.float64) + l1),
        "ssim": float(np.mean(s, dtype=np.float64)),
        "l1": l1,
        "mse": float(np.mean((images - recon) ** 2, dtype=np.float64)),
    }


def load_autoencoder(path: str | Path) -> Autoencoder:
    """Read an autoencoder saved by :meth:`Autoencoder.save` (``path``: its folder or its ``ae.json``).

    Raises:
      FileNotFoundError: the folder lacks ``ae.json`` or ``weights.npz`` (the message names
        the path and the workflow rule that makes it).
      ValueError: the weights do not fit the architecture recorded in ``ae.json``.
    """
    path = Path(path)
    folder = path.parent if path.suffix == ".json" else path
    info_path, weights_path = folder / INFO_FILE, folder / WEIGHTS_FILE
    for p in (info_path, weights_path):
        if not p.is_file():
            raise FileNotFoundError(
                f"autoencoder artefact {p} is missing; GA-CNTKg needs a pre-trained autoencoder: make it with "
                f"the workflow rule 'autoencoder' (snakemake {folder / INFO_FILE}) or "
                "gantk.generator.autoencoder.train_autoencoder"
            )
    info = load_json(info_path)
    if "architecture" not in info:
        raise ValueError(f"{info_path} has no 'architecture' entry; it was not written by gantk.generator.autoencoder")
    arch = AEArchitecture.from_dict(info["architecture"])
    template = traverse_util.flatten_dict(jax.eval_shape(lambda: init_variables(arch)), sep="/")
    stored = load_npz(weights_path)
    missing = sorted(set(template) - set(stored))
    extra = sorted(set(stored) - set(template))
    if missing or extra:
        raise ValueError(
            f"weights {weights_path} do not match the architecture in {info_path}: "
            f"missing {missing[:3]}{'...' if len(missing) > 3 else ''}, "
            f"unexpected {extra[:3]}{'...' if len(extra) > 3 else ''}"
        )
    for key, spec in template.items():
        if tuple(stored[key].shape) != tuple(spec.shape):
            raise ValueError(
                f"weights {weights_path}: {key} has shape {stored[key].shape}, the architecture in {info_path} "
                f"needs {tuple(spec.shape)}"
            )
    variables = traverse_util.unflatten_dict({k: jnp.asarray(v, jnp.float32) for k, v in stored.items()}, sep="/")
    return Autoencoder(arch, variables, info)


@dataclasses.dataclass(frozen=True)
class AETrainConfig:
    """Training settings of an autoencoder.

    Attributes:
      epochs: most passes over the training images.
      batch_size: images per step (the authors: 512).
      lr: Adam learning rate (the authors: Keras's default 1e-3).
      patience: stop after this many epochs without a held-out improvement of ``min_delta``.
      min_delta: smallest decrease of the held-out loss that counts as an improvement.
      heldout_fraction: share of the images held out for early stopping and the reported errors.
      seed: seeds the held-out split, the initial weights and the shuffling.
      filter_sigma: σ of the SSIM window (pixels).
    """

    epochs: int = 100
    batch_size: int = 128
    lr: float = 1e-3
    patience: int = 10
    min_delta: float = 1e-4
    heldout_fraction: float = 0.1
    seed: int = 0
    filter_sigma: float = 1.5

    def __post_init__(self):
        if self.epochs < 1 or self.batch_size < 1 or self.patience < 1:
            raise ValueError(
                f"need epochs, batch_size, patience >= 1, got {self.epochs}, {self.batch_size}, {self.patience}"
            )
        if self.lr <= 0 or self.min_delta < 0:
            raise ValueError(f"need lr > 0 and min_delta >= 0, got lr={self.lr}, min_delta={self.min_delta}")
        if not 0.0 < self.heldout_fraction < 1.0:
            raise ValueError(f"heldout_fraction must lie in (0, 1), got {self.heldout_fraction}")


def heldout_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, held-out) positions of n images: ⌈fraction·n⌉ held out, drawn with ``seed``, both sorted."""
    count = int(math.ceil(fraction * n))
    if count < 1 or count >= n:
        raise ValueError(f"cannot hold out {fraction:.3g} of {n} images and keep both parts non-empty")
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[count:]), np.sort(perm[:count])


def _epoch_trainer(arch: AEArchitecture, cfg: AETrainConfig, x_train: np.ndarray, x_held: np.ndarray) -> Trainer:
    """One *epoch* per driver step: Adam over the shuffled training images in batches, then the
    held-out loss (evaluation mode) of the result. State ``(params, batch_stats, opt_state)``."""
    model = ConvAutoencoder(arch)
    opt = optax.adam(cfg.lr)
    loss_kw = dict(filter_size=arch.ssim_filter_size, filter_sigma=cfg.filter_sigma)

    @jax.jit
    def train_step(params, stats, opt_state, xb):
        def loss_fn(p):
            recon, updates = model.apply({"params": p, "batch_stats": stats}, xb, train=True, mutable=["batch_stats"])
            return reconstruction_loss(xb, recon, **loss_kw), updates.get("batch_stats", {})

        (loss, stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), stats, opt_state, loss

    @jax.jit
    def eval_loss_sum(variables, xb):
        recon = model.apply(variables, xb, train=False)
        s = ssim(xb, recon, **loss_kw)
        return jnp.sum(1.0 - s), jnp.sum(jnp.mean(jnp.abs(xb - recon), axis=(1, 2, 3)))

    def heldout_loss(variables) -> float:
        one_minus_ssim, l1 = 0.0, 0.0
        for i in range(0, len(x_held), 256):
            a, b = eval_loss_sum(variables, jnp.asarray(x_held[i : i + 256]))
            one_minus_ssim, l1 = one_minus_ssim + float(a), l1 + float(b)
        return (one_minus_ssim + l1) / len(x_held)

    def init():
        variables = init_variables(arch, cfg.seed)
        return variables["params"], variables.get("batch_stats", {}), opt.init(variables["params"])

    b = min(cfg.batch_size, len(x_train))
    steps_per_epoch = len(x_train) // b

    def update(state, step):
        params, stats, opt_state = state
        order = np.random.default_rng([cfg.seed, step + 1]).permutation(len(x_train))
        total = 0.0
        for i in range(steps_per_epoch):
            xb = jnp.asarray(x_train[order[i * b : (i + 1) * b]])
            params, stats, opt_state, loss = train_step(params, stats, opt_state, xb)
            total += float(loss)
        held = heldout_loss({"params": params, "batch_stats": stats})
        return (params, stats, opt_state), {"heldout_loss": held, "train_loss": total / steps_per_epoch}

    return Trainer(init, update)


def train_autoencoder(
    images: Float[np.ndarray, "n h w c"],
    arch: AEArchitecture,
    cfg: AETrainConfig = AETrainConfig(),
    *,
    source: str = "",
) -> Autoencoder:
    """Train an autoencoder on ``images`` with Adam on the 1 − SSIM + L1 loss, early-stopped.

    A share ``cfg.heldout_fraction`` of the images is held out; after every epoch the loss
    on it is evaluated (evaluation mode), and the variables of the best epoch are kept.
    Training stops after ``cfg.patience`` epochs without improvement, or after ``cfg.epochs``.

    Args:
      images: (N, H, W, C) images in [0, 1], N ≥ 2; (H, W, C) must equal ``arch.image_shape``.
      arch: the architecture.
      cfg: training settings.
      source: a description of the images for the record (e.g. "digits, all 1797 images").

    Returns:
      The :class:`Autoencoder` of the best epoch; its ``info`` holds the settings, the
      per-epoch history (training and held-out loss), the best epoch, and
      ``heldout``/``train`` reconstruction errors (:func:`reconstruction_errors`) plus
      ``heldout_mean_image_mse``: the MSE of predicting the training mean image, the
      level an autoencoder must beat.
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or tuple(images.shape[1:]) != arch.image_shape:
        raise ValueError(f"images of shape {images.shape} do not fit the autoencoder for {arch.image_shape} images")
    if not np.all(np.isfinite(images)):
        raise ValueError("autoencoder training images contain NaN or infinite values")
    train_idx, held_idx = heldout_split(len(images), cfg.heldout_fraction, cfg.seed)
    x_train, x_held = images[train_idx], images[held_idx]
    stopper = PatienceTracker(EarlyStopping(cfg.patience, cfg.min_delta, window=1), select=True)
    spec = LoopSpec("autoencoder", cfg.epochs, ("heldout_loss", "train_loss"), log_every=1, unit="epoch",
                    settings=f"lr {cfg.lr}", scored="after")  # fmt: skip
    out = run(_epoch_trainer(arch, cfg, x_train, x_held), spec, stopper=stopper)
    best = out.selected if stopper.converged_step > 0 else out.state
    ae = Autoencoder(arch, {"params": best[0], "batch_stats": best[1]})
    curve = out.curve()
    history = [
        {"epoch": int(row.step), "train_loss": float(row.train_loss), "heldout_loss": float(row.heldout_loss)}
        for row in curve.itertuples()
    ]
    best_epoch = stopper.converged_step
    mean_image = x_train.mean(axis=0, keepdims=True)
    ae.info = {
        "source": source,
        "loss": "1 - mean SSIM (tf.image.ssim; window ssim_filter_size, sigma filter_sigma, max_val 1) "
        "+ mean |x - x_hat|",
        "pixel_range": [0.0, 1.0],
        "code_range": list(arch.code_range),
        "training": dataclasses.asdict(cfg),
        "n_images": int(len(images)),
        "n_train": int(len(x_train)),
        "n_heldout": int(len(x_held)),
        "heldout_indices": held_idx.tolist(),
        "epochs_run": len(history),
        "best_epoch": best_epoch,
        "seconds": float(curve["seconds"].iloc[-1]),
        "history": history,
        "heldout": reconstruction_errors(ae, x_held, filter_sigma=cfg.filter_sigma),
        "train": reconstruction_errors(ae, x_train, filter_sigma=cfg.filter_sigma),
        "heldout_mean_image_mse": float(np.mean((x_held - mean_image) ** 2, dtype=np.float64)),
    }
    log.info("autoencoder: best epoch %d, held-out %s", best_epoch, ae.info["heldout"])
    return ae


__all__ = [
    "AEArchitecture",
    "AETrainConfig",
    "AE_PRESETS",
    "Autoencoder",
    "ConvAutoencoder",
    "Decoder",
    "Encoder",
    "ae_preset",
    "heldout_split",
    "init_variables",
    "numpy_init",
    "load_autoencoder",
    "reconstruction_errors",
    "reconstruction_loss",
    "train_autoencoder",
]
