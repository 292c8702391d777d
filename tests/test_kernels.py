"""Native NTK/NNGP kernels: exact diagonal, finite gradients, tiling, presets, errors."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.kernels import (
    B_STD,
    PRESETS,
    W_STD,
    Conv,
    Dense,
    Flatten,
    Relu,
    kernel_fn,
    kernel_matrix,
    preset,
    serial,
)

PRESET_SHAPES = {
    "fntk": (8, 8, 1),
    "cntk_mnist": (28, 28, 1),
    "cntk_cifar10": (32, 32, 3),
    "cntk_celeba": (64, 64, 3),
    "cntk_digits": (8, 8, 1),
    "cntk_faces": (25, 25, 1),
    "multires_small": (256, 256, 3),   # the multi-resolution presets take only their own shape
    "multires_medium": (256, 256, 3),
    "multires_large": (256, 256, 3),
    "multires64_small": (64, 64, 3),
    "multires64_medium": (64, 64, 3),
}


def _images(shape, n, seed):
    return jnp.asarray(np.random.default_rng(seed).uniform(size=(n, *shape)))


def _diag_reference(net, x):
    """The θ = 0 recursion in float64 NumPy: q' = σw² P(q/2) + σb², Θ' = q' + σw² P(Θ/2)."""
    x = np.asarray(net.prepare(x), np.float64)
    q = np.sum(x * x, axis=-1) / x.shape[-1]
    theta = None
    for layer in net.layers:
        if isinstance(layer, Flatten):
            axes = tuple(range(1, q.ndim))
            q = q.mean(axis=axes) if axes else q
            theta = theta.mean(axis=axes) if theta is not None and axes else theta
        elif isinstance(layer, Relu):
            q, theta = q / 2, None if theta is None else theta / 2
        else:
            pool = (lambda a: np.asarray(layer.window_mean(jnp.asarray(a)))) if isinstance(layer, Conv) else (lambda a: a)
            q = layer.w_std**2 * pool(q) + layer.b_std**2
            theta = q if theta is None else q + layer.w_std**2 * pool(theta)
    return q, theta


@pytest.mark.parametrize("name", sorted(PRESET_SHAPES))
def test_diagonal_equals_exact_theta_zero_recursion(name):
    net = preset(name)
    x = _images(PRESET_SHAPES[name], 3, seed=1)
    nngp, ntk = kernel_fn(net, x)
    q, theta = _diag_reference(net, x)
    np.testing.assert_allclose(np.diag(np.asarray(nngp)), q, rtol=1e-13)
    np.testing.assert_allclose(np.diag(np.asarray(ntk)), theta, rtol=1e-13)


def test_kernel_is_symmetric_and_positive_semidefinite():
    x = _images((8, 8, 1), 12, seed=2)
    k = np.asarray(kernel_matrix(preset("cntk_digits"), x))
    np.testing.assert_allclose(k, k.T, rtol=1e-12)
    assert np.linalg.eigvalsh(k).min() > -1e-10


def test_cross_kernel_of_a_copy_equals_its_diagonal_entry():
    net = preset("cntk_faces")
    x = _images((25, 25, 1), 4, seed=3)
    z = x[jnp.array([2, 0])]
    k_xz = kernel_matrix(net, x, z)
    k_xx = kernel_matrix(net, x)
    np.testing.assert_allclose(k_xz[2, 0], k_xx[2, 2], rtol=1e-12)
    np.testing.assert_allclose(k_xz[0, 1], k_xx[0, 0], rtol=1e-12)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_gradients_are_finite_when_fakes_copy_reals_or_each_other(dtype):
    net = preset("cntk_digits")
    x = _images((8, 8, 1), 5, seed=4).astype(dtype)
    z = jnp.stack([x[0], x[0], x[3], _images((8, 8, 1), 1, seed=5)[0].astype(dtype)])

    def total(z):
        return jnp.sum(kernel_matrix(net, x, z)) + jnp.sum(kernel_matrix(net, z))

    g = jax.jit(jax.grad(total))(z)
    assert g.dtype == dtype
    assert bool(jnp.all(jnp.isfinite(g)))


@pytest.mark.parametrize("tile", [2, 3, 5])
def test_tiled_kernel_and_its_gradient_equal_the_untiled_ones(tile):
    net = preset("cntk_digits")
    x = _images((8, 8, 1), 7, seed=6)
    z = _images((8, 8, 1), 5, seed=7)
    for args in ((x, z), (z, None)):
        np.testing.assert_allclose(
            kernel_matrix(net, *args, tile=tile), kernel_matrix(net, *args), rtol=1e-13, atol=1e-15
        )
    w = _images((5, 7), 1, seed=8)[0, ..., 0]

    def weighted(z, tile):
        return jnp.sum(w[: z.shape[0]] @ kernel_matrix(net, z, x, tile=tile)) + jnp.sum(kernel_matrix(net, z, tile=tile))

    grad = jax.jit(jax.grad(weighted), static_argnums=1)
    np.testing.assert_allclose(grad(z, tile), grad(z, None), rtol=1e-10, atol=1e-14)


def test_nngp_and_ntk_of_a_single_dense_layer_are_the_affine_closed_form():
    x = jnp.asarray(np.random.default_rng(9).uniform(size=(4, 3)))
    net = serial(Dense())
    nngp, ntk = kernel_fn(net, x)
    expected = W_STD**2 * np.asarray(x) @ np.asarray(x).T / 3 + B_STD**2
    np.testing.assert_allclose(nngp, expected, rtol=1e-13)
    np.testing.assert_allclose(ntk, expected, rtol=1e-13)


def test_unknown_preset_names_the_valid_ones():
    with pytest.raises(ValueError, match="cntk_mnist"):
        preset("cntk_mnsit")


def test_input_shapes_are_the_preset_table_and_fntk_has_none():
    from gantk.kernels import input_shape

    assert input_shape("cntk_celeba") == (64, 64, 3) and input_shape("multires_large") == (256, 256, 3)
    with pytest.raises(ValueError, match="no fixed input shape.*cntk_mnist"):
        input_shape("fntk")


def test_bad_architectures_and_inputs_fail_with_clear_messages():
    with pytest.raises(ValueError, match="padding"):
        Conv(padding="FULL")
    with pytest.raises(ValueError, match="flat readout"):
        kernel_fn(serial(Conv(), Relu()), _images((8, 8, 1), 2, seed=0))
    with pytest.raises(ValueError, match="divisible"):
        kernel_fn(serial(Conv(), Relu(), Flatten(), Dense(), pool=16), _images((20, 20, 3), 2, seed=0))
    with pytest.raises(ValueError, match="shapes differ"):
        kernel_fn(preset("cntk_digits"), _images((8, 8, 1), 2, seed=0), _images((9, 9, 1), 2, seed=0))


def test_every_preset_is_listed():
    assert set(PRESET_SHAPES) == set(PRESETS)


def test_tiled_backward_pass_keeps_no_per_pair_pixel_maps():
    saved_residuals = pytest.importorskip("jax._src.ad_checkpoint").saved_residuals
    net = preset("cntk_digits")
    x, z = _images((8, 8, 1), 12, seed=10), _images((8, 8, 1), 12, seed=11)
    pair_maps = 12 * 12 * 4 * 4  # N1 · N2 · H' · W' after the first conv

    def largest_residual(tile):
        res = saved_residuals(lambda z: jnp.sum(kernel_matrix(net, x, z, tile=tile)), z)
        return max(int(np.prod(a.shape)) for a, _ in res)

    assert largest_residual(None) >= pair_maps  # the untiled backward stores the maps
    assert largest_residual(4) < pair_maps / 2  # the tiled one recomputes them per tile


@pytest.mark.parametrize("blocks", [2, 3])
def test_upper_blocks_of_a_symmetric_kernel_and_their_gradient_equal_the_whole_matrix(blocks):
    """``blocks=`` evaluates only the blocks on and above the diagonal (7 rows: a padded last block)."""
    net = preset("cntk_digits")
    z = _images((8, 8, 1), 7, seed=12)
    w = _images((7, 7), 1, seed=13)[0, ..., 0]
    np.testing.assert_allclose(kernel_matrix(net, z, blocks=blocks), kernel_matrix(net, z), rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(np.diag(kernel_matrix(net, z, blocks=blocks)), np.diag(kernel_matrix(net, z)))
    grad = jax.jit(jax.grad(lambda z, b: jnp.sum(w * kernel_matrix(net, z, blocks=b))), static_argnums=1)
    np.testing.assert_allclose(grad(z, blocks), grad(z, None), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kernel,stride,padding,size", [(4, 2, "SAME", 28), (4, 2, "SAME", 25), (3, 1, "VALID", 9),
                                                        (2, 2, "SAME", 7), (3, 2, "VALID", 8), (4, 2, "SAME", 66),
                                                        (3, 1, "VALID", 65)])  # fmt: skip
def test_window_mean_equals_reduce_window(kernel, stride, padding, size):
    """The conv rule's window mean against ``lax.reduce_window``, on either pair of axes: window products up to
    ``WINDOW_PRODUCT_MAX`` pixels a side, strided slices above (sizes 65, 66)."""
    from jax import lax

    conv = Conv(kernel=kernel, stride=stride, padding=padding)
    a = _images((size, size + 1), 3, seed=14)  # (3, H, W)
    want = lax.reduce_window(a, 0.0, lax.add, (1, kernel, kernel), (1, stride, stride), padding) / kernel**2
    np.testing.assert_allclose(conv.window_mean(a), want, rtol=1e-13)
    leading = jnp.moveaxis(a, 0, -1)  # (H, W, 3), the kernel state's layout
    np.testing.assert_allclose(conv.window_mean(leading, axes=(0, 1)), jnp.moveaxis(want, 0, -1), rtol=1e-13)
    vjp = jax.vjp(lambda a: conv.window_mean(a), a)[1]
    vjp_want = jax.vjp(lambda a: lax.reduce_window(a, 0.0, lax.add, (1, kernel, kernel), (1, stride, stride), padding) / kernel**2, a)[1]
    ct = jnp.ones_like(want) * jnp.arange(want.size).reshape(want.shape)
    np.testing.assert_allclose(vjp(ct)[0], vjp_want(ct)[0], rtol=1e-13)


def test_window_product_and_strided_slices_agree_on_pixel_major_maps():
    """Both routes of ``Conv.window_mean`` on an (H, W, N1, N2) map, values and VJP, SAME padding with edge taps."""
    from gantk.kernels.layers import WINDOW_PRODUCT_MAX

    conv = Conv()
    a = _images((14, 3, 2), 14, seed=15)  # (14, 14, 3, 2)
    assert max(a.shape[:2]) <= WINDOW_PRODUCT_MAX
    np.testing.assert_allclose(conv.window_mean(a, axes=(0, 1)), conv._window_slices(a), rtol=1e-13)
    ct = _images((7, 3, 2), 7, seed=16)
    vjps = [jax.vjp(f, a)[1](ct)[0] for f in (lambda a: conv.window_mean(a, axes=(0, 1)), conv._window_slices)]
    np.testing.assert_allclose(vjps[0], vjps[1], rtol=1e-13)


@pytest.mark.parametrize("kernel,stride,padding,size,channels", [(4, 2, "SAME", 28, 1), (4, 2, "SAME", 25, 3),
                                                                 (3, 1, "VALID", 9, 2), (3, 2, "VALID", 8, 1)])  # fmt: skip
def test_first_conv_on_the_inputs_equals_the_input_covariance_then_the_conv(kernel, stride, padding, size, channels):
    """``Conv.on_inputs`` (one patch product) against ``input_state`` then the conv rule: values and gradients."""
    from gantk.kernels.state import input_state

    conv = Conv(kernel=kernel, stride=stride, padding=padding)
    x, z = _images((size, size, channels), 4, seed=20), _images((size, size, channels), 3, seed=21)
    same = jnp.eye(3, dtype=bool)
    for a, b, s in ((x, z, None), (z, z, same)):
        fused, plain = conv.on_inputs(a, b, s), conv(input_state(a, b, s))
        for field in ("nngp", "ntk", "var1", "var2"):
            np.testing.assert_allclose(getattr(fused, field), getattr(plain, field), rtol=1e-13, err_msg=field)
    w = _images(conv.on_inputs(x, z, None).nngp.shape, 1, seed=22)[0]
    grads = [jax.grad(lambda z: jnp.sum(w * f(z)))(z) for f in (lambda z: conv.on_inputs(x, z, None).nngp,
                                                                lambda z: conv(input_state(x, z, None)).nngp)]  # fmt: skip
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


@pytest.mark.parametrize("name", ["cntk_cifar10", "cntk_digits"])
def test_float32_cross_kernel_of_a_copy_equals_its_diagonal_entry(name):
    """The fused first conv sums a copy's products in another order than its variance: marked as a copy
    (``state.copies``), its cross kernel equals the exact diagonal value in float32 too."""
    net = preset(name)
    x = _images(PRESET_SHAPES[name], 4, seed=23).astype(jnp.float32)
    z = x[jnp.array([2, 0, 2])]
    k_xz, k_xx, k_zz = kernel_matrix(net, x, z), kernel_matrix(net, x), kernel_matrix(net, z)
    np.testing.assert_allclose(k_xz[2, 0], k_xx[2, 2], rtol=1e-6)
    np.testing.assert_allclose(k_xz[0, 1], k_xx[0, 0], rtol=1e-6)
    np.testing.assert_allclose(k_zz[0, 2], k_zz[0, 0], rtol=1e-6)


def test_copies_are_the_bitwise_equal_points_in_any_batch():
    """``copies``: equal points pair up, whatever else is in either set; one ulp or one pixel apart they do not.
    A near point keeps its own correlation (float32, where the √eps error of κ0 would show)."""
    from gantk.kernels.state import copies

    net = preset("cntk_digits")
    x = _images((8, 8, 1), 3, seed=24).astype(jnp.float32)
    near = x[1].at[3, 4, 0].add(1e-3)
    z = jnp.stack([x[0], np.nextafter(x[2], np.float32(2)), near, x[2]])
    want = np.zeros((3, 4), bool)
    want[0, 0] = want[2, 3] = True
    np.testing.assert_array_equal(copies(x, z), want)
    np.testing.assert_array_equal(copies(x[2:], z[3:]), want[2:, 3:])
    np.testing.assert_array_equal(copies(x.astype(jnp.float64), z.astype(jnp.float64)), want)
    k_xz = kernel_matrix(net, x, z)
    k64 = kernel_matrix(net, x.astype(jnp.float64), z.astype(jnp.float64))
    np.testing.assert_allclose(k_xz[1, 2], k64[1, 2], rtol=1e-5)  # the near pair, not set to the diagonal
    assert abs(float(k64[1, 2] - k64[1, 1])) > 1e-5
    np.testing.assert_array_equal(k_xz[2, 3], kernel_matrix(net, x)[2, 2])


def test_structured_differences_are_not_copies():
    """Fingerprints mix each word: sign flips in two words (x and −x in 2-D, ±1 vectors) and binary images,
    whose words differ by multiples of 2²³, are not taken for copies; their kernel keeps ρ = −1."""
    from gantk.kernels.state import copies

    pairs = [jnp.asarray([[0.3, -0.7], [-0.3, 0.7]], jnp.float32), jnp.asarray([[1, -1, 1, -1], [-1, 1, 1, -1.0]])]
    for x in pairs:
        np.testing.assert_array_equal(copies(x, x), np.eye(2, dtype=bool))
    flipped = pairs[0]
    k = kernel_matrix(preset("fntk"), flipped)
    assert abs(float(k[0, 1] - k[0, 0])) > 0.1 * float(k[0, 0])
    binary = np.unique(np.random.default_rng(27).integers(0, 2, size=(2500, 64)), axis=0).astype(np.float32)
    np.testing.assert_array_equal(copies(jnp.asarray(binary), jnp.asarray(binary)), np.eye(len(binary), dtype=bool))
    half = jnp.asarray(binary[:3], jnp.float16)
    np.testing.assert_array_equal(copies(half, half[::-1]), np.eye(3, dtype=bool)[::-1])


def test_near_points_keep_the_kernel_positive_semidefinite_in_float32():
    """Clusters of 2-D points (correlations within 1e-5 of 1) through fntk: no copy marking or snapping bends
    κ0 near its singularity, so K has no eigenvalue below float32 rounding (λ search needs e^{−λK} to decay)."""
    from gantk.data.toy import sample_mixture

    x = jnp.asarray(sample_mixture("ring8", 128, seed=0), jnp.float32)
    k = np.asarray(kernel_matrix(preset("fntk"), x), np.float64)
    assert np.linalg.eigvalsh(k).min() > -1e-5 * np.abs(k).max()


@pytest.mark.parametrize("channels", [4, 8])
def test_a_first_conv_with_many_channels_equals_the_plain_path(channels):
    """The fused first conv (patch products of k²C = 64, 128 values) against the input covariance map and the
    window mean, float64, values and gradient."""
    from gantk.kernels.state import input_state

    layers = (Conv(), Relu(), Conv(), Relu(), Flatten(), Dense())
    net = serial(*layers)
    x, z = _images((8, 8, channels), 3, seed=24), _images((8, 8, channels), 2, seed=25)

    def plain(z):
        state = input_state(x, z, None)
        for layer in layers:
            state = layer(state)
        return state.ntk

    np.testing.assert_allclose(kernel_matrix(net, x, z), plain(z), rtol=1e-12)
    w = _images((2,), 3, seed=26)
    grads = [jax.grad(lambda z: jnp.sum(w * f(z)))(z) for f in (lambda z: kernel_matrix(net, x, z), plain)]
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_multires_presets_refuse_another_image_shape_naming_preset_expected_and_actual():
    x = jnp.zeros((2, 64, 64, 3))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "kernel preset 'multires_small' expects inputs of shape (256, 256, 3) (it works at 16×16 pixels), "
            "got shape (64, 64, 3)"
        ),
    ):
        kernel_matrix(preset("multires_small"), x)
    with pytest.raises(ValueError, match=re.escape("'multires64_medium' expects inputs of shape (64, 64, 3)")):
        kernel_matrix(preset("multires64_medium"), jnp.zeros((2, 256, 256, 3)))


def test_multires64_small_sees_64x64_images_at_the_resolution_multires_small_sees_256x256_ones():
    # Table 8's small discriminator works at 16×16: avg-pool 4 of a 64×64 image equals avg-pool
    # 16 of the same image upsampled 4× by pixel repetition, so the two kernels agree exactly.
    x = jax.random.uniform(jax.random.key(0), (3, 64, 64, 3), jnp.float64)
    big = jnp.repeat(jnp.repeat(x, 4, axis=1), 4, axis=2)
    np.testing.assert_allclose(
        kernel_matrix(preset("multires64_small"), x), kernel_matrix(preset("multires_small"), big), rtol=1e-12
    )


def test_multires64_medium_sees_64x64_images_at_the_resolution_multires_medium_sees_256x256_ones():
    # avg-pool 4 of a 64×64 image repeated 4×4 per pixel is the image itself: Table 8's medium
    # discriminator at 64×64 on both sides (ties multires64_medium to multires_medium's reference).
    x = jax.random.uniform(jax.random.key(1), (3, 64, 64, 3), jnp.float64)
    big = jnp.repeat(jnp.repeat(x, 4, axis=1), 4, axis=2)
    np.testing.assert_allclose(
        kernel_matrix(preset("multires64_medium"), x), kernel_matrix(preset("multires_medium"), big), rtol=1e-12
    )
