"""gantk.nets.finite_net: the finite-width network of a preset tends to the preset's NTK as it widens."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.data.builtin import load_digits
from gantk.nets.finite_net import FiniteNet, empirical_ntk
from gantk.kernels import Dense, Relu, kernel_matrix, preset, serial


def _relative_error(net, x, width, seeds=3):
    kernel = np.asarray(kernel_matrix(net, x))
    model = FiniteNet(net, width)
    estimates = [np.asarray(empirical_ntk(model, model.init(jax.random.key(s), x), x, x)) for s in range(seeds)]
    return np.abs(np.mean(estimates, axis=0) - kernel).max() / np.abs(kernel).max()


@pytest.mark.parametrize("name", ["cntk_digits", "fntk"])
def test_empirical_ntk_of_a_wide_network_matches_the_closed_form_kernel(name):
    x = jnp.asarray(load_digits()[:4])
    x = x if name != "fntk" else x.reshape(4, -1)
    net = preset(name)
    wide = _relative_error(net, x, 512)
    assert wide < 0.07
    # A narrow network is further off (the error shrinks like width^-1/2).
    assert _relative_error(net, x, 8) > wide


def test_outputs_are_one_scalar_per_input_and_the_parameterisation_scales_with_fan_in():
    x = jnp.asarray(load_digits()[:6])
    model = FiniteNet(preset("cntk_digits"), 16)
    params = model.init(jax.random.key(0), x)
    assert model.apply(params, x).shape == (6,)
    shapes = {k: v.shape for k, v in params["params"].items()}
    assert shapes["w0"] == (4, 4, 1, 16) and shapes["w2"] == (4, 4, 16, 16) and shapes["w5"] == (2 * 2 * 16, 1)
    # NTK parameterisation: weights are N(0, 1) whatever the fan-in.
    assert abs(float(jnp.std(params["params"]["w2"])) - 1.0) < 0.05


def test_a_network_without_a_scalar_readout_is_refused():
    with pytest.raises(ValueError, match="one-output readout|Conv or Dense"):
        x = jnp.ones((2, 3))
        FiniteNet(serial(Relu(), name="bad"), 4).init(jax.random.key(0), x)
    model = FiniteNet(serial(Dense(), Relu(), Dense(), name="mlp"), 4)
    assert model.apply(model.init(jax.random.key(0), jnp.ones((2, 3))), jnp.ones((2, 3))).shape == (2,)
