"""A trained GA-CNTKg generator: its samples decoder(G(ζ)), its run folder, and loading it back.

:class:`GeneratorResult` is what :func:`gantk.generator.ga_cntkg.train_generator` returns and
writes (``samples.npz``, ``final.npz``, ``snapshots.npz``, ``generator.npz``, ...);
:func:`load_generator` reads the generator back for sampling and for the latent grid of Fig 20.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any, Mapping

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from flax import traverse_util
from jaxtyping import Float

from gantk.common.io import load_json, load_npz, save_csv, save_json, save_npz
from gantk.generator.autoencoder import AEArchitecture, Autoencoder, ConvAutoencoder
from gantk.generator.config import GeneratorConfig
from gantk.nets.generator import CodeGenerator

GENERATOR_FILE = "generator.npz"


@functools.lru_cache(maxsize=None)
def _decode_fn(code_shape: tuple[int, ...], width: float, arch: AEArchitecture):
    """Jitted (g_vars, ae_vars, ζ) → (decoder(G(ζ)), G(ζ)), evaluation mode; one per network pair."""
    generator, model = CodeGenerator(code_shape, width), ConvAutoencoder(arch)

    @jax.jit
    def decode(g_vars, ae_vars, zeta):
        codes = generator.apply(g_vars, zeta, train=False)
        return model.apply(ae_vars, codes, method=ConvAutoencoder.decode), codes

    return decode


def sample_images(
    generator: CodeGenerator, g_vars: Mapping, ae: Autoencoder, zeta: Float[np.ndarray, "m latent"], *, batch: int = 256
) -> tuple[Float[np.ndarray, "m h w c"], Float[np.ndarray, "m *code"]]:
    """``(decoder(G(ζ)), G(ζ))`` in evaluation mode, ``batch`` latents at a time.

    Raises:
      ValueError: the generator makes codes of another shape than the autoencoder decodes.
    """
    if tuple(generator.code_shape) != tuple(ae.code_shape):
        raise ValueError(
            f"the generator makes codes of shape {tuple(generator.code_shape)}, but the autoencoder decodes codes "
            f"of shape {tuple(ae.code_shape)}: use the autoencoder the generator was trained with"
        )
    decode = _decode_fn(tuple(generator.code_shape), float(generator.width), ae.arch)
    images, codes = [], []
    for i in range(0, len(zeta), batch):
        im, co = decode(g_vars, ae.variables, jnp.asarray(zeta[i : i + batch], jnp.float32))
        images.append(np.asarray(im))
        codes.append(np.asarray(co))
    return np.concatenate(images), np.concatenate(codes)


@dataclasses.dataclass
class GeneratorResult:
    """The outcome of a GA-CNTKg run.

    Attributes:
      images: (m, H, W, C) samples decoder(G(ζ)), ζ fresh from the seed.
      codes: (m, *code) their codes G(ζ).
      zeta: (m, latent) their latents.
      curve: one row per step: step (1-based), loss, grad_norm (before clipping), seconds.
      snapshot_steps: (S,) steps at which decoder(G(ζ_fixed)) was kept (0 = initial generator).
      snapshots: (S, fixed, H, W, C) those images.
      fixed_zeta: (fixed, latent) the fixed latents.
      variables: the generator's ``{"params", "batch_stats"}``.
      config: the run's settings.
      code_shape: the autoencoder's code shape.
      autoencoder: summary of the autoencoder's record (architecture, held-out errors).
      final_images: (m, H, W, C) decoder(G(ζ)) for the same ζ from the last generator.
      stop: the stopping rule's outcome (as ``gantk.synthesis.ga_ntk.SynthResult.stop``): the
        generator of ``selected_step`` makes ``images`` and is ``variables``.
    """

    images: np.ndarray
    codes: np.ndarray
    zeta: np.ndarray
    curve: pd.DataFrame
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    fixed_zeta: np.ndarray
    variables: dict
    config: GeneratorConfig
    code_shape: tuple[int, ...]
    autoencoder: dict
    final_images: np.ndarray
    stop: dict[str, Any]

    def save(self, out_dir: str | Path) -> None:
        """Write samples.npz (``z`` = images, ``codes``, ``zeta``), final.npz (the last
        generator's images), curve.csv, snapshots.npz (``steps``, ``z`` = images of the fixed ζ,
        ``zeta``), generator.npz (the selected generator), stop.json and params.json."""
        out = Path(out_dir)
        save_npz(out / "samples.npz", z=self.images, codes=self.codes, zeta=self.zeta)
        save_npz(out / "final.npz", z=self.final_images, zeta=self.zeta)
        save_json(out / "stop.json", self.stop)
        save_csv(out / "curve.csv", self.curve)
        save_npz(out / "snapshots.npz", steps=self.snapshot_steps, z=self.snapshots, zeta=self.fixed_zeta)
        flat = traverse_util.flatten_dict(jax.device_get(self.variables), sep="/")
        save_npz(out / GENERATOR_FILE, **{k: np.asarray(v) for k, v in flat.items()})
        save_json(
            out / "params.json",
            {
                "method": "GA-CNTKg",
                "config": self.config.to_dict(),
                "final_loss": self.stop["final_loss"],
                "loss": self.stop["loss"],
                "selected_step": self.stop["selected_step"],
                "generator": {
                    "code_shape": list(self.code_shape),
                    "latent_dim": self.config.latent_dim,
                    "width": self.config.width,
                    "weights": GENERATOR_FILE,
                },
                "autoencoder": self.autoencoder,
            },
        )


def load_generator(run_dir: str | Path) -> tuple[CodeGenerator, dict, GeneratorConfig]:
    """The generator of a saved run: ``(network, variables, config)``.

    Raises:
      FileNotFoundError: ``params.json`` or ``generator.npz`` is missing under ``run_dir``.
      ValueError: the weights do not fit the recorded network.
    """
    run_dir = Path(run_dir)
    params_path, weights_path = run_dir / "params.json", run_dir / GENERATOR_FILE
    for p in (params_path, weights_path):
        if not p.is_file():
            raise FileNotFoundError(
                f"GA-CNTKg run artefact {p} is missing (made by gantk.generator.ga_cntkg.GeneratorResult.save)"
            )
    params = load_json(params_path)
    if "generator" not in params:
        raise ValueError(f"{params_path} is not the record of a GA-CNTKg run (no 'generator' entry)")
    cfg_dict = dict(params["config"])
    cfg = GeneratorConfig(**cfg_dict)
    generator = CodeGenerator(tuple(params["generator"]["code_shape"]), cfg.width)
    template = traverse_util.flatten_dict(variable_shapes(generator, cfg.latent_dim), sep="/")
    stored = load_npz(weights_path)
    if set(stored) != set(template) or any(tuple(stored[k].shape) != tuple(s.shape) for k, s in template.items()):
        raise ValueError(f"generator weights {weights_path} do not fit the network recorded in {params_path}")
    variables = traverse_util.unflatten_dict({k: jnp.asarray(v, jnp.float32) for k, v in stored.items()}, sep="/")
    return generator, variables, cfg


def variable_shapes(generator: CodeGenerator, latent_dim: int):
    """The shapes and dtypes of the generator's ``{"params", "batch_stats"}`` for latents of ``latent_dim``."""
    zeta = jax.ShapeDtypeStruct((2, latent_dim), jnp.float32)
    return jax.eval_shape(lambda z: generator.init(jax.random.key(0), z, train=False), zeta)


def latent_grid(
    generator: CodeGenerator, g_vars: Mapping, ae: Autoencoder, *, size: int = 10, span: float = 2.0
) -> tuple[Float[np.ndarray, "size size 2"], Float[np.ndarray, "size size h w c"]]:
    """decoder(G(ζ)) on a size × size grid of 2-D latents ζ ∈ [−span, span]² (paper Fig 20).

    Returns:
      ``(zeta, images)``: zeta[i, j] = (u_j, −u_i) with u = linspace(−span, span, size), so
      the first latent coordinate grows to the right and the second upwards; images (size,
      size, H, W, C).
    """
    if size < 2 or span <= 0:
        raise ValueError(f"need size >= 2 and span > 0, got size={size}, span={span}")
    if "params" not in g_vars or _latent_dim(g_vars) != 2:
        raise ValueError(f"the latent grid needs a generator with 2-D latents, this one takes {_latent_dim(g_vars)}")
    u = np.linspace(-span, span, size, dtype=np.float32)
    zeta = np.stack(np.meshgrid(u, -u, indexing="xy"), axis=-1)
    images, _ = sample_images(generator, g_vars, ae, zeta.reshape(-1, 2))
    return zeta, images.reshape(size, size, *images.shape[1:])


def _latent_dim(g_vars: Mapping) -> int:
    return int(g_vars["params"]["Dense_0"]["kernel"].shape[0])


def seed_latents(seed: int, stream: int, shape: tuple[int, ...]) -> np.ndarray:
    """float32 N(0, 1) latents of one stream of the run seed (NumPy: no compile, same on every platform)."""
    return np.random.default_rng([seed, stream]).standard_normal(shape).astype(np.float32)



__all__ = ["GENERATOR_FILE", "GeneratorResult", "latent_grid", "load_generator", "sample_images", "seed_latents",
           "variable_shapes"]
