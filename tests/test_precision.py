"""Every matrix product of the GA-NTK step runs at full float32 precision.

On the CPU the precision flag changes nothing, so these tests read the traced
program instead: a product left at the default precision would be rounded to
TensorFloat-32 on an H100 (``gantk.common.precision``).
"""

import jax
import jax.extend.core
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from gantk.objective.gp import ganntk_loss, multires_loss
from gantk.kernels import kernel_matrix, preset


def _products(jaxpr):
    """(primitive name, precision) of every dot_general / conv in a jaxpr and its sub-jaxprs."""
    found = []
    for eqn in jaxpr.eqns:
        if eqn.primitive.name in ("dot_general", "conv_general_dilated"):
            found.append((eqn.primitive.name, eqn.params.get("precision")))
        for value in eqn.params.values():
            for sub in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(sub, jax.extend.core.ClosedJaxpr):
                    found += _products(sub.jaxpr)
                elif isinstance(sub, jax.extend.core.Jaxpr):
                    found += _products(sub)
    return found


def _is_full(precision) -> bool:
    if precision is None:
        return False
    levels = precision if isinstance(precision, tuple) else (precision,)
    return all(level == lax.Precision.HIGHEST for level in levels)


@pytest.mark.parametrize("method", ["eigh", "expm", "lanczos"])
@pytest.mark.parametrize("name,shape,tile", [("cntk_digits", (8, 8, 1), 4), ("fntk", (12,), None)])
def test_step_products_are_full_precision(method, name, shape, tile):
    net = preset(name)
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.uniform(size=(6, *shape)), jnp.float32)
    z = jnp.asarray(rng.uniform(size=(6, *shape)), jnp.float32)
    k_xx = kernel_matrix(net, x)

    def loss(z):
        return ganntk_loss(z, x, k_xx, net, 0.5, method=method, tile=tile, krylov_dim=8)

    products = _products(jax.make_jaxpr(jax.value_and_grad(loss))(z).jaxpr)
    assert products, "the traced step has no matrix products: the walk is broken"
    loose = [p for p in products if not _is_full(p[1])]
    assert not loose, f"{len(loose)} of {len(products)} products at default precision: {loose[:3]}"


def test_multires_products_are_full_precision():
    nets = [preset("cntk_digits"), preset("fntk")]
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.uniform(size=(4, 8, 8, 1)), jnp.float32)
    z = jnp.asarray(rng.uniform(size=(4, 8, 8, 1)), jnp.float32)
    k_xx = [kernel_matrix(net, x) for net in nets]
    products = _products(jax.make_jaxpr(jax.grad(lambda z: multires_loss(z, x, k_xx, nets, [0.5, 1.0])))(z).jaxpr)
    assert products and all(_is_full(p[1]) for p in products)


def test_walk_sees_a_default_precision_product():
    """The check itself: a plain ``@`` is reported as not full precision."""
    products = _products(jax.make_jaxpr(lambda a: a @ a)(jnp.ones((3, 3))).jaxpr)
    assert products and not _is_full(products[0][1])


@pytest.mark.parametrize("method,near", [("eigh", False), ("eigh", True), ("lanczos", True)])
def test_float32_step_is_within_1e3_of_float64(method, near):
    """Random fakes (a run's start) and fakes 1% from the reals (its end, ρ near 1)."""
    from gantk.experiments.precision_check import step_error

    rng = np.random.default_rng(2)
    x = rng.uniform(size=(16, 8, 8, 1))
    z = x + 0.01 * rng.normal(size=x.shape) if near else rng.uniform(size=x.shape)
    err = step_error(preset("cntk_digits"), x, z, 1.0, method=method, tile=8)
    assert err["loss"] < 1e-3 and err["grad"] < 1e-3, err
    assert err["loss"] > 0 or err["grad"] > 0, "float32 and float64 agree bit for bit: the float64 path is not float64"


def test_step_error_refuses_without_float64():
    from gantk.experiments.precision_check import step_error

    with jax.enable_x64(False), pytest.raises(RuntimeError, match="float64"):
        step_error(preset("fntk"), np.zeros((2, 3)), np.ones((2, 3)), 1.0)
