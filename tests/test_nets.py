"""Layer by layer against the paper: Table 7's autoencoders and Tables 3–5's baseline GANs.

Every expected shape and parameter count below is worked out by hand from the table
(written as the arithmetic): a conv k×k from c_in to c_out channels has k·k·c_in·c_out
weights + c_out biases (a transposed conv the same), a fully connected layer
d_in·d_out + d_out, a batch norm 2·c (scale and bias; its running statistics are not
parameters). Stride-2 SAME layers take h to ⌈h/2⌉. Shapes are of a batch of B = 2.
"""

import math

import jax
import jax.numpy as jnp
import pytest
from flax import traverse_util

from gantk.nets.autoencoder import AE_PRESETS, ConvAutoencoder
from gantk.nets.gan import ImageDiscriminator, ImageGenerator, image_architecture

B = 2


def conv(k, c_in, c_out):
    return k * k * c_in * c_out + c_out


def fc(d_in, d_out):
    return d_in * d_out + d_out


def bn(c):
    return 2 * c


def _layers(module, x, **kwargs):
    """(per-layer output shapes, per-layer parameter counts), keyed by the layer's flax path."""
    variables = jax.eval_shape(lambda: module.init(jax.random.key(0), jnp.zeros(x.shape, x.dtype), **kwargs))
    _, state = jax.eval_shape(
        lambda v, xx: module.apply(v, xx, capture_intermediates=True, mutable=["intermediates", "batch_stats"], **kwargs),
        variables,
        x,
    )
    flat = traverse_util.flatten_dict(state["intermediates"])
    shapes = {"/".join(p[:-1]): tuple(v[0].shape) for p, v in flat.items() if p[-1] == "__call__" and len(p) > 1}
    counts: dict[str, int] = {}
    for path, leaf in traverse_util.flatten_dict(variables["params"]).items():
        name = "/".join(path[:-1])
        counts[name] = counts.get(name, 0) + math.prod(leaf.shape)
    return shapes, counts


def _check(module, x, expected, **kwargs):
    """``expected``: [(layer path, output shape without B, parameters)] in order."""
    shapes, counts = _layers(module, x, **kwargs)
    for name, shape, params in expected:
        assert shapes[name] == (B, *shape), f"{name}: output {shapes[name]}, the table gives {(B, *shape)}"
        assert counts.get(name, 0) == params, f"{name}: {counts.get(name, 0)} parameters, the table gives {params}"
    assert sum(counts.values()) == sum(p for _, _, p in expected), "a layer the table does not list"


def _autoencoder_layers(name):
    model = ConvAutoencoder(AE_PRESETS[name])
    return model, jax.ShapeDtypeStruct((B, *AE_PRESETS[name].image_shape), jnp.float32)


# Table 7, MNIST: 28 → 14 → 7 → 4; FC 128 tanh; decoder from FC 128 → 4·4·64 (ours, the
# table goes straight to the deconvolutions), deconvs 4 → 8 (cropped to 7) → 14 → 28, output.
TABLE7_MNIST = [
    ("encoder/Conv_0", (14, 14, 16), conv(3, 1, 16)),
    ("encoder/Conv_1", (7, 7, 32), conv(3, 16, 32)),
    ("encoder/Conv_2", (4, 4, 64), conv(3, 32, 64)),
    ("encoder/Dense_0", (128,), fc(4 * 4 * 64, 128)),
    ("decoder/Dense_0", (4 * 4 * 64,), fc(128, 4 * 4 * 64)),
    ("decoder/ConvTranspose_0", (8, 8, 64), conv(3, 64, 64)),
    ("decoder/ConvTranspose_1", (14, 14, 32), conv(3, 64, 32)),
    ("decoder/ConvTranspose_2", (28, 28, 16), conv(3, 32, 16)),
    ("decoder/Conv_0", (28, 28, 1), conv(3, 16, 1)),
]

# Table 7, CIFAR-10: 32 → 16 → 8 → 4; FC 1024 tanh.
TABLE7_CIFAR10 = [
    ("encoder/Conv_0", (16, 16, 32), conv(3, 3, 32)),
    ("encoder/Conv_1", (8, 8, 64), conv(3, 32, 64)),
    ("encoder/Conv_2", (4, 4, 128), conv(3, 64, 128)),
    ("encoder/Dense_0", (1024,), fc(4 * 4 * 128, 1024)),
    ("decoder/Dense_0", (4 * 4 * 128,), fc(1024, 4 * 4 * 128)),
    ("decoder/ConvTranspose_0", (8, 8, 128), conv(3, 128, 128)),
    ("decoder/ConvTranspose_1", (16, 16, 64), conv(3, 128, 64)),
    ("decoder/ConvTranspose_2", (32, 32, 32), conv(3, 64, 32)),
    ("decoder/Conv_0", (32, 32, 3), conv(3, 32, 3)),
]


def _stages(prefix, layer, first, c_in, size, stages):
    """Table 7's "3×(3×3 conv; c SeLU; stride 1)" then "3×3 conv; c SeLU; stride 2" per stage.

    ``layer`` is "Conv" or "ConvTranspose"; ``size`` the input's side; ``stages`` the c per
    stage. Stride 1 keeps the side, stride 2 halves (encoder) or doubles (decoder) it.
    """
    rows, i = [], first
    for c in stages:
        for _ in range(3):
            rows.append((f"{prefix}/{layer}_{i}", (size, size, c), conv(3, c_in, c)))
            c_in, i = c, i + 1
        size = size // 2 if layer == "Conv" else size * 2
        rows.append((f"{prefix}/{layer}_{i}", (size, size, c), conv(3, c, c)))
        i += 1
    return rows


# Table 7, CelebA: 64 → 32 → 16 → 8 with 3 stride-1 convs before each stride-2 one; FC 2048.
TABLE7_CELEBA = [
    *_stages("encoder", "Conv", 0, 3, 64, (32, 64, 128)),
    ("encoder/Dense_0", (2048,), fc(8 * 8 * 128, 2048)),
    ("decoder/Dense_0", (8 * 8 * 128,), fc(2048, 8 * 8 * 128)),
    *_stages("decoder", "ConvTranspose", 0, 128, 8, (128, 64, 32)),
    ("decoder/Conv_0", (64, 64, 3), conv(3, 32, 3)),
]

# Table 7, CelebA-HQ: 256 → 128 → 64 → 32 → 16 (channels 64, 128, 256, 512); FC 2048.
TABLE7_CELEBA_HQ = [
    *_stages("encoder", "Conv", 0, 3, 256, (64, 128, 256, 512)),
    ("encoder/Dense_0", (2048,), fc(16 * 16 * 512, 2048)),
    ("decoder/Dense_0", (16 * 16 * 512,), fc(2048, 16 * 16 * 512)),
    *_stages("decoder", "ConvTranspose", 0, 512, 16, (512, 256, 128, 64)),
    ("decoder/Conv_0", (256, 256, 3), conv(3, 64, 3)),
]


@pytest.mark.parametrize(
    "name, expected",
    [("mnist", TABLE7_MNIST), ("cifar10", TABLE7_CIFAR10), ("celeba", TABLE7_CELEBA), ("celeba_hq", TABLE7_CELEBA_HQ)],
)
def test_autoencoder_presets_are_table_7_layer_by_layer(name, expected):
    model, x = _autoencoder_layers(name)
    _check(model, x, expected, train=False)
    assert AE_PRESETS[name].code_shape == {layer: shape for layer, shape, _ in expected}["encoder/Dense_0"]


def test_table_7_parameter_totals():
    # MNIST: 160 + 4640 + 18496 + 131200 | 132096 + 36928 + 18464 + 4624 + 145.
    _, counts = _layers(*_autoencoder_layers("mnist"), train=False)
    assert sum(counts.values()) == 160 + 4640 + 18496 + 131200 + 132096 + 36928 + 18464 + 4624 + 145 == 346753
    # CelebA-HQ: the two FC layers between 16·16·512 = 131072 values and 2048 dominate.
    _, counts = _layers(*_autoencoder_layers("celeba_hq"), train=False)
    assert counts["encoder/Dense_0"] == 131072 * 2048 + 2048 == 268437504
    assert counts["decoder/Dense_0"] == 2048 * 131072 + 131072 == 268566528


def test_codes_are_tanh_vectors_of_table_7s_sizes():
    assert {n: AE_PRESETS[n].code_shape for n in ("mnist", "cifar10", "celeba", "celeba_hq")} == {
        "mnist": (128,),
        "cifar10": (1024,),
        "celeba": (2048,),
        "celeba_hq": (2048,),
    }
    arch = AE_PRESETS["digits"]
    model = ConvAutoencoder(arch)
    x = 10.0 * jax.random.normal(jax.random.key(1), (4, *arch.image_shape))
    variables = model.init(jax.random.key(0), x, train=False)
    codes = model.apply(variables, x, method=ConvAutoencoder.encode)
    assert codes.shape == (4, 32) and float(jnp.abs(codes).max()) < 1.0 and float(codes.min()) < 0.0
    assert arch.code_range == (-1.0, 1.0)


# Table 3 (MNIST), discriminator with batch norm (DCGAN): 28 → 14 → 7.
TABLE3_D = [
    ("Conv_0", (14, 14, 64), conv(4, 1, 64)),
    ("Conv_1", (7, 7, 128), conv(4, 64, 128)),
    ("BatchNorm_0", (7, 7, 128), bn(128)),
    ("Dense_0", (1024,), fc(7 * 7 * 128, 1024)),
    ("BatchNorm_1", (1024,), bn(1024)),
    ("Dense_1", (1,), fc(1024, 1)),
]
TABLE3_G = [
    ("Dense_0", (1024,), fc(64, 1024)),
    ("BatchNorm_0", (1024,), bn(1024)),
    ("Dense_1", (7 * 7 * 128,), fc(1024, 7 * 7 * 128)),
    ("BatchNorm_1", (7 * 7 * 128,), bn(7 * 7 * 128)),
    ("ConvTranspose_0", (14, 14, 64), conv(4, 128, 64)),
    ("BatchNorm_2", (14, 14, 64), bn(64)),
    ("ConvTranspose_1", (28, 28, 1), conv(4, 64, 1)),
]
# Table 4 (CIFAR-10): D 32 → 16 → 8 → 4, then FC 1 (no FC 1024); G FC 2·2·448, deconvs
# 2 → 4 → 8 → 16 → 32, batch norm after the FC and the first deconv only.
TABLE4_D = [
    ("Conv_0", (16, 16, 64), conv(4, 3, 64)),
    ("Conv_1", (8, 8, 128), conv(4, 64, 128)),
    ("BatchNorm_0", (8, 8, 128), bn(128)),
    ("Conv_2", (4, 4, 256), conv(4, 128, 256)),
    ("BatchNorm_1", (4, 4, 256), bn(256)),
    ("Dense_0", (1,), fc(4 * 4 * 256, 1)),
]
TABLE4_G = [
    ("Dense_0", (2 * 2 * 448,), fc(64, 2 * 2 * 448)),
    ("BatchNorm_0", (2 * 2 * 448,), bn(2 * 2 * 448)),
    ("ConvTranspose_0", (4, 4, 256), conv(4, 448, 256)),
    ("BatchNorm_1", (4, 4, 256), bn(256)),
    ("ConvTranspose_1", (8, 8, 128), conv(4, 256, 128)),
    ("ConvTranspose_2", (16, 16, 64), conv(4, 128, 64)),
    ("ConvTranspose_3", (32, 32, 3), conv(4, 64, 3)),
]
# Table 5 (CelebA): D 64 → 32 → 16 → 8 → 4 (4th conv 256 channels), FC 1; G 2 → … → 64.
TABLE5_D = [
    ("Conv_0", (32, 32, 64), conv(4, 3, 64)),
    ("Conv_1", (16, 16, 128), conv(4, 64, 128)),
    ("BatchNorm_0", (16, 16, 128), bn(128)),
    ("Conv_2", (8, 8, 256), conv(4, 128, 256)),
    ("BatchNorm_1", (8, 8, 256), bn(256)),
    ("Conv_3", (4, 4, 256), conv(4, 256, 256)),
    ("BatchNorm_2", (4, 4, 256), bn(256)),
    ("Dense_0", (1,), fc(4 * 4 * 256, 1)),
]
TABLE5_G = [
    ("Dense_0", (2 * 2 * 448,), fc(64, 2 * 2 * 448)),
    ("BatchNorm_0", (2 * 2 * 448,), bn(2 * 2 * 448)),
    ("ConvTranspose_0", (4, 4, 256), conv(4, 448, 256)),
    ("BatchNorm_1", (4, 4, 256), bn(256)),
    ("ConvTranspose_1", (8, 8, 128), conv(4, 256, 128)),
    ("ConvTranspose_2", (16, 16, 64), conv(4, 128, 64)),
    ("ConvTranspose_3", (32, 32, 32), conv(4, 64, 32)),
    ("ConvTranspose_4", (64, 64, 3), conv(4, 32, 3)),
]


@pytest.mark.parametrize(
    "shape, d_layers, g_layers",
    [((28, 28, 1), TABLE3_D, TABLE3_G), ((32, 32, 3), TABLE4_D, TABLE4_G), ((64, 64, 3), TABLE5_D, TABLE5_G)],
)
def test_baseline_networks_are_tables_3_to_5_layer_by_layer(shape, d_layers, g_layers):
    _check(ImageDiscriminator(shape, "batch"), jax.ShapeDtypeStruct((B, *shape), jnp.float32), d_layers, train=False)
    _check(ImageGenerator(shape), jax.ShapeDtypeStruct((B, 64), jnp.float32), g_layers, train=False)


def test_baseline_parameter_totals():
    # Table 3 D: 1088 + 131200 + 256 + 6423552 + 2048 + 1025; Table 5 D: 3136 + 131200 + 256 +
    # 524544 + 512 + 1048832 + 512 + 4097.
    _, d3 = _layers(ImageDiscriminator((28, 28, 1), "batch"), jax.ShapeDtypeStruct((B, 28, 28, 1), jnp.float32), train=False)
    assert sum(d3.values()) == 1088 + 131200 + 256 + 6423552 + 2048 + 1025 == 6559169
    _, d5 = _layers(ImageDiscriminator((64, 64, 3), "batch"), jax.ShapeDtypeStruct((B, 64, 64, 3), jnp.float32), train=False)
    assert sum(d5.values()) == 3136 + 131200 + 256 + 524544 + 512 + 1048832 + 512 + 4097 == 1713089


def test_wgan_gp_discriminator_drops_every_batch_norm_and_keeps_the_convolutions():
    # §8.1 under Table 6: "we remove all the batchnorm layers for the discriminators in WGAN-GP".
    _, counts = _layers(ImageDiscriminator((64, 64, 3), "none"), jax.ShapeDtypeStruct((B, 64, 64, 3), jnp.float32), train=False)
    assert not any("BatchNorm" in name for name in counts)
    assert sum(counts.values()) == 3136 + 131200 + 524544 + 1048832 + 4097


def test_images_larger_than_the_tables_are_refused_naming_the_shape():
    assert [image_architecture(s).table for s in [(8, 8, 1), (25, 25, 1), (28, 28, 1), (32, 32, 3), (64, 64, 3)]] == [
        "Table 3", "Table 3", "Table 3", "Table 4", "Table 5",
    ]
    with pytest.raises(ValueError, match=r"Tables 3–5.*up to 64×64.*\(128, 128, 3\)"):
        image_architecture((128, 128, 3))


def test_table_4_and_5_generators_map_their_tanh_output_to_the_unit_interval():
    # The tables' tanh is for pixels in [−1, 1]; gantk's pixels are in [0, 1]: (1 + tanh a)/2.
    # With the output deconvolution's weights zeroed every pixel is (1 + tanh b)/2 of its bias b.
    g = ImageGenerator((32, 32, 3), width=0.125)
    z = jax.random.normal(jax.random.key(0), (2, 64))
    variables = g.init(jax.random.key(1), z, train=False)
    out = variables["params"]["ConvTranspose_3"]
    variables["params"]["ConvTranspose_3"] = {"kernel": jnp.zeros_like(out["kernel"]), "bias": jnp.full_like(out["bias"], 0.5)}
    images = g.apply(variables, z, train=False)
    assert images.shape == (2, 32, 32, 3)
    assert jnp.allclose(images, (1 + math.tanh(0.5)) / 2, rtol=1e-6)  # 0.731, where a sigmoid would give 0.622
