"""Native kernels against neural-tangents' values (tests/reference/nt_kernels.npz).

The reference file is made by ``tests/reference/make_nt_reference.py`` in its own
environment (neural-tangents 0.6.5 needs jax <= 0.5.3); see its docstring.
"""

import dataclasses
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

from gantk.kernels import Conv, Dense, Erf, Flatten, Relu, kernel_fn, preset, serial

REFERENCE = Path(__file__).parent / "reference" / "nt_kernels.npz"

TEST_NETS = {
    "fntk_img": preset("fntk"),
    "test_erf_valid": serial(
        Conv(3, 1, "VALID"), Erf(), Conv(2, 2, "SAME"), Relu(), Flatten(), Dense(), Erf(), Dense(), name="test_erf_valid"
    ),
    "test_bstd0": serial(
        *(Conv(w_std=1.0, b_std=0.0), Relu()) * 2, Flatten(), Dense(w_std=1.0, b_std=0.0), name="test_bstd0"
    ),
}


def _reference():
    with np.load(REFERENCE) as f:
        data = {k: f[k] for k in f.files}
    names = sorted({k.split("/")[0] for k in data})
    return data, names


DATA, NAMES = _reference()


#: Presets without a reference of their own, tied to one that has it by an exact identity
#: (tests/test_kernels.py: on a 64×64 image they equal the 256×256 preset on that image
#: repeated 4×4 per pixel).
DERIVED = {"multires64_small": "multires_small", "multires64_medium": "multires_medium"}


def _net(name):
    """The network of reference ``name``; the reference inputs of the multi-resolution presets
    are smaller than the 256×256 they are built for (to keep the file small), and the kernel
    rules do not depend on the size, so the declared input shape is not enforced here."""
    net = TEST_NETS[name] if name in TEST_NETS else preset(name)
    return dataclasses.replace(net, input_shape=None)


@pytest.mark.parametrize("name", NAMES)
def test_ntk_and_nngp_match_neural_tangents(name):
    net = _net(name)
    assert net.pool == int(DATA[f"{name}/pool"])
    x1 = jnp.asarray(DATA[f"{name}/x1"], jnp.float64)
    x2 = jnp.asarray(DATA[f"{name}/x2"], jnp.float64)
    for tag, args in (("12", (x1, x2)), ("11", (x1,))):
        nngp, ntk = kernel_fn(net, *args)
        np.testing.assert_allclose(nngp, DATA[f"{name}/nngp_{tag}"], rtol=1e-6, err_msg=f"{name} nngp_{tag}")
        np.testing.assert_allclose(ntk, DATA[f"{name}/ntk_{tag}"], rtol=1e-6, err_msg=f"{name} ntk_{tag}")


def test_every_preset_has_a_reference():
    from gantk.kernels import PRESETS

    assert set(PRESETS) - set(DERIVED) <= set(NAMES)
    assert set(DERIVED.values()) <= set(NAMES)
