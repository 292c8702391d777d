"""DCGAN/InfoGAN-shaped networks and StyleGAN2: shapes for every data set, output ranges, components."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.baselines.methods import METHODS, get_method
from gantk.nets.gan import ImageDiscriminator, image_architecture
from gantk.nets.stylegan2 import ModulatedConv, blur, minibatch_stddev, upsample_2x

IMAGE_SHAPES = [(8, 8, 1), (25, 25, 1), (28, 28, 1), (32, 32, 3), (64, 64, 3)]


def _shapes(method, data_shape, batch=4, latent=64):
    g, d = get_method(method).networks(data_shape, width=0.25)
    z = jax.ShapeDtypeStruct((batch, latent), jnp.float32)
    x = jax.ShapeDtypeStruct((batch, *data_shape), jnp.float32)
    g_vars = jax.eval_shape(lambda: g.init({"params": jax.random.key(0, impl="rbg"), "noise": jax.random.key(1, impl="rbg")}, jnp.zeros(z.shape, jnp.float32), train=False))
    d_vars = jax.eval_shape(lambda: d.init({"params": jax.random.key(0, impl="rbg")}, jnp.zeros(x.shape, jnp.float32), train=False))
    out = jax.eval_shape(lambda v, zz: g.apply(v, zz, train=False, rngs={"noise": jax.random.key(2, impl="rbg")}), g_vars, z)
    score = jax.eval_shape(lambda v, xx: d.apply(v, xx, train=False), d_vars, x)
    return out.shape, score.shape


@pytest.mark.parametrize("shape", IMAGE_SHAPES)
@pytest.mark.parametrize("method", ["dcgan", "wgan_gp", "sngan", "stylegan2"])
def test_generators_make_data_shaped_images_and_discriminators_one_score_each(method, shape):
    assert _shapes(method, shape) == ((4, *shape), (4,))


@pytest.mark.parametrize("method", sorted(m for m in METHODS if m != "stylegan2"))
def test_point_networks_map_latents_to_2d_points(method):
    assert _shapes(method, (2,)) == ((4, 2), (4,))


def test_stylegan2_refuses_points():
    with pytest.raises(ValueError, match="StyleGAN2 is for"):
        get_method("stylegan2").networks((2,))


def test_discriminator_depth_follows_tables_3_to_5():
    assert [len(image_architecture(s).d_convs) for s in IMAGE_SHAPES] == [2, 2, 2, 3, 4]


def test_discriminator_norms_have_the_expected_layers():
    x = jnp.zeros((2, 8, 8, 1))
    collections = {}
    for norm in ("batch", "none", "spectral"):
        net = ImageDiscriminator((8, 8, 1), norm, 0.25)
        variables = jax.eval_shape(lambda: net.init(jax.random.key(0, impl="rbg"), x, train=False))
        collections[norm] = set(variables)
    assert collections == {"batch": {"params", "batch_stats"}, "none": {"params"}, "spectral": {"params", "spectral"}}


def test_dcgan_samples_lie_in_the_unit_interval():
    g, _ = get_method("dcgan").networks((8, 8, 1), width=0.25)
    z = 30.0 * jax.random.normal(jax.random.key(0, impl="rbg"), (8, 64))
    images = jax.jit(lambda zz: g.apply(g.init(jax.random.key(1, impl="rbg"), zz, train=False), zz, train=False))(z)
    assert images.shape == (8, 8, 8, 1)
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0


def test_demodulation_gives_unit_output_variance_for_unit_inputs():
    layer = ModulatedConv(16, kernel=3)
    x = jax.random.normal(jax.random.key(0, impl="rbg"), (64, 12, 12, 8))
    w = jax.random.normal(jax.random.key(1, impl="rbg"), (64, 32))
    y = jax.jit(lambda xx, ww: layer.apply(layer.init(jax.random.key(2, impl="rbg"), xx, ww), xx, ww))(x, w)
    y = np.asarray(y)[:, 1:-1, 1:-1, :]  # away from the zero padding
    # Each output channel of each sample has E[y²] = Σ w''² = 1 for i.i.d. unit inputs.
    np.testing.assert_allclose(np.mean(y**2), 1.0, rtol=0.05)


def test_fir_upsampling_and_blur_keep_a_constant_image_constant():
    x = jnp.full((1, 6, 6, 2), 0.7)
    up = np.asarray(upsample_2x(x))
    assert up.shape == (1, 12, 12, 2)
    np.testing.assert_allclose(up[:, 2:-2, 2:-2], 0.7, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(blur(x))[:, 1:-2, 1:-2], 0.7, rtol=1e-6)


def test_minibatch_stddev_appends_the_mean_group_standard_deviation():
    x = jax.random.normal(jax.random.key(0, impl="rbg"), (8, 3, 3, 5))
    out = np.asarray(jax.jit(minibatch_stddev, static_argnames="group_size")(x, group_size=4))
    assert out.shape == (8, 3, 3, 6)
    xs = np.asarray(x)
    # Sample i is grouped with i ± 2, i ± 4, ... (the official reshape (G, B/G, ...)).
    group0 = xs[[0, 2, 4, 6]]
    expected = np.mean(np.sqrt(np.var(group0, axis=0) + 1e-8))
    np.testing.assert_allclose(out[0, 0, 0, -1], expected, rtol=1e-5)
    np.testing.assert_allclose(out[6, 2, 1, -1], expected, rtol=1e-5)


def test_mapping_network_uses_the_learning_rate_multiplier():
    g, _ = get_method("stylegan2").networks((8, 8, 1), width=0.25)
    init = jax.jit(lambda z: g.init({"params": jax.random.key(0, impl="rbg"), "noise": jax.random.key(1, impl="rbg")}, z, train=False))
    variables = init(jnp.zeros((2, 64), jnp.float32))
    kernel = np.asarray(variables["params"]["mapping_0"]["kernel"])
    # Stored weights are N(0, 1/lr_mul²) = N(0, 100²); the run-time scale brings them back.
    assert 50 < kernel.std() < 200
    assert math.isclose(g.mapping_lr_mul, 0.01)
