"""The code space of GA-CNTKg: which NTK compares autoencoder codes, and λ for it (Algorithm 1 on codes).

The default code kernel is the ``fntk`` preset (flatten, [Dense, ReLU] ×3, Dense). The
authors' code (``ga-ntk/ga-ntk``, ``gan-ntkg/gan/gantkgan_generator.py``) used a flattened
four-layer Erf network in code space, available here as ``"fntk_erf"`` (:data:`CODE_KERNELS`).
Codes lie in (−1, 1) (Table 7's tanh, ``gantk.nets.autoencoder``), and
:func:`code_lambda_search` is ``lambda_search`` on the codes with its noise uniform over that range.
"""

from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from gantk.generator.autoencoder import Autoencoder
from gantk.kernels import Dense, ElementNet, Erf, Flatten, kernel_matrix, preset, serial
from gantk.synthesis.lambda_search import lambda_search

#: Code-space kernels beyond the presets: the authors' flattened Erf network (σ_w² = 1.4615, σ_b² = 0.1).
CODE_KERNELS: dict[str, ElementNet] = {
    "fntk_erf": serial(Flatten(), *(Dense(), Erf()) * 4, Dense(), name="fntk_erf"),
}


def code_kernel(name: str) -> ElementNet:
    """The kernel called ``name``: a :data:`CODE_KERNELS` entry or a ``gantk.kernels`` preset."""
    if name in CODE_KERNELS:
        return CODE_KERNELS[name]
    return preset(name)


def kernel_input(codes: Float[Array, "n *c"], net: ElementNet) -> Float[Array, "n *c"]:
    """Codes as the kernel takes them: flat (N, d) for nets that begin with Flatten (same kernel, less memory)."""
    if net.pool == 1 and net.layers and isinstance(net.layers[0], Flatten):
        return codes.reshape(codes.shape[0], -1)
    return codes


def check_code_kernel(code_shape: Sequence[int], kernel: str, *, where: str = "the autoencoder") -> None:
    """Raise ValueError, naming ``where``, if kernel ``kernel`` cannot take codes of ``code_shape``."""
    net = code_kernel(kernel)
    probe = jax.ShapeDtypeStruct((2, *code_shape), jnp.float32)
    try:
        jax.eval_shape(lambda c: kernel_matrix(net, kernel_input(c, net)), probe)
    except Exception as err:  # any shape error of the kernel: report it against the code shape
        raise ValueError(
            f"kernel {kernel!r} cannot take the codes of {where} (shape {tuple(code_shape)}): {err}"
        ) from err


def code_lambda_search(ae: Autoencoder, images: np.ndarray, kernel: str = "fntk", *, seed: int = 0, **search) -> dict:
    """Algorithm 1 on the codes of ``images``: λ separating real codes from noise uniform over the code range.

    ``search`` goes to :func:`gantk.synthesis.lambda_search.lambda_search` (start, eps, bisect_steps).
    Returns its record plus ``code_shape``, ``code_size`` and ``space: "code"``.
    """
    check_code_kernel(ae.code_shape, kernel)
    net = code_kernel(kernel)
    codes = ae.encode(images)
    flat = np.asarray(kernel_input(jnp.asarray(codes), net))
    result = lambda_search(flat, net, seed=seed, noise_range=ae.arch.code_range, **search)
    return {**result.to_dict(), "space": "code", "code_shape": list(ae.code_shape), "code_size": ae.code_size}


__all__ = ["CODE_KERNELS", "check_code_kernel", "code_kernel", "code_lambda_search", "kernel_input"]
