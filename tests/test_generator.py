"""GA-CNTKg: gradient flow, training, resumption, artefacts, the latent grid and bad input."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gantk.generator.ga_cntkg as generator_module
from gantk.generator.autoencoder import AE_PRESETS, AEArchitecture, Autoencoder, ConvAutoencoder, init_variables, numpy_init
from gantk.data.builtin import load_digits
from gantk.generator.ga_cntkg import (
    CodeGenerator,
    GeneratorConfig,
    check_code_kernel,
    code_lambda_search,
    generator_loss,
    kernel_input,
    latent_grid,
    load_generator,
    sample_images,
    train_generator,
)
from gantk.objective.gp import batchwise_loss
from gantk.common.io import load_npz
from gantk.kernels import kernel_matrix, preset
from gantk.synthesis.ga_ntk import NonFiniteLossError

TINY = AEArchitecture((8, 8, 1), stages=(8, 16), convs_per_stage=1, code_channels=4, ssim_filter_size=4)
CFG = dict(
    kernel="fntk",
    lam=4.0,
    batch_size=8,
    latent_dim=8,
    width=1 / 32,
    lr=2e-3,
    log_every=0,
    snapshot_every=5,
    fixed_samples=4,
)


@pytest.fixture(scope="module")
def ae():
    """An untrained autoencoder (fixed weights): its codes of digits are real data for the generator."""
    return Autoencoder(TINY, init_variables(TINY, seed=1))


@pytest.fixture(scope="module")
def digits():
    return load_digits()[:32]


@pytest.fixture(scope="module")
def run(ae, digits):
    return train_generator(digits, ae, GeneratorConfig(steps=120, **CFG))


def _nonzero(tree) -> bool:
    return any(bool(jnp.any(leaf != 0)) for leaf in jax.tree.leaves(tree))


def _all_zero(tree) -> bool:
    return all(bool(jnp.all(leaf == 0)) for leaf in jax.tree.leaves(tree))


def test_generator_gradient_flows_only_through_the_fake_half(ae, digits):
    generator = CodeGenerator(TINY.code_shape, width=1 / 32)
    g_vars = numpy_init(
        jax.eval_shape(lambda z: generator.init(jax.random.key(0), z, train=False), jnp.zeros((2, 3), jnp.float32)),
        0,
        lambda shape: 0.1,
    )
    zeta = jnp.asarray(np.random.default_rng(0).normal(size=(6, 3)), jnp.float32)
    x = jnp.asarray(digits[:6])
    net = preset("fntk")
    model = ConvAutoencoder(TINY)

    def objective(g_params, ae_vars):
        # The whole pipeline as a function of every parameter: real codes from the
        # encoder, K_xx over them, the loss; samples would go through the decoder.
        codes = model.apply(ae_vars, x, method=ConvAutoencoder.encode)
        k_xx = kernel_matrix(net, kernel_input(codes, net))
        return loss_of(g_params, codes, k_xx)

    def loss_of(g_params, codes, k_xx):
        return generator_loss(
            g_params, g_vars["batch_stats"], zeta, codes, k_xx, generator=generator, net=net, lam=4.0
        )[0]

    def unstopped(codes):
        # The same loss without the stop-gradients, as a function of the real codes.
        fake = kernel_input(generator.apply(g_vars, zeta, train=True, mutable=["batch_stats"])[0], net)
        flat = kernel_input(codes, net)
        return batchwise_loss(fake, flat, [kernel_matrix(net, flat)], [net], [4.0])

    @jax.jit
    def all_gradients(g_params, ae_vars):
        codes = model.apply(ae_vars, x, method=ConvAutoencoder.encode)
        k_xx = kernel_matrix(net, kernel_input(codes, net))
        return (
            jax.grad(objective, argnums=(0, 1))(g_params, ae_vars),
            jax.grad(loss_of, argnums=(1, 2))(g_params, codes, k_xx),
            jax.grad(unstopped)(codes),
            objective(g_params, ae_vars) - unstopped(codes),
        )

    (g_grad, ae_grad), (real_grad, kxx_grad), direct, difference = all_gradients(g_vars["params"], ae.variables)
    assert _nonzero(g_grad)
    assert _all_zero(ae_grad["params"]["encoder"]) and _all_zero(ae_grad["params"]["decoder"])
    assert _all_zero(real_grad) and _all_zero(kxx_grad)
    # Not vacuous: the same loss value, without the stop-gradients, does depend on the real codes.
    assert abs(float(difference)) < 1e-5
    assert _nonzero(direct)


def test_training_leaves_the_autoencoder_untouched(run, ae):
    # The frozen autoencoder makes the real codes and decodes samples; training updates only G.
    fresh = init_variables(TINY, seed=1)
    for a, b in zip(jax.tree.leaves(ae.variables), jax.tree.leaves(fresh), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    initial = numpy_init(
        jax.eval_shape(
            lambda z: CodeGenerator(TINY.code_shape, 1 / 32).init(jax.random.key(0), z, train=False),
            jnp.zeros((2, CFG["latent_dim"]), jnp.float32),
        ),
        0,
        lambda shape: 0.02,
    )
    moved = [
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        for a, b in zip(jax.tree.leaves(run.variables["params"]), jax.tree.leaves(initial["params"]), strict=True)
    ]
    assert max(moved) > 1e-3


def test_ga_cntkg_loss_decreases_over_training(run):
    loss = run.curve["loss"].to_numpy()
    assert len(loss) == 120
    assert loss[-20:].mean() < loss[:20].mean() - 0.1
    # Bounds of ½‖1 − D‖² with b real and b fake rows: b/4 when fakes copy reals, b/2 when separated.
    assert np.all(loss > 0) and np.all(loss < 8 / 2 + 1e-3)


def test_samples_are_decoded_generator_outputs_of_the_recorded_latents(run, ae):
    assert run.images.shape == (32, 8, 8, 1) and run.codes.shape == (32, 2, 2, 4) and run.zeta.shape == (32, 8)
    np.testing.assert_allclose(run.images, ae.decode(run.codes), atol=1e-6)
    images, codes = sample_images(CodeGenerator(TINY.code_shape, 1 / 32), run.variables, ae, run.zeta)
    np.testing.assert_array_equal(codes, run.codes)
    np.testing.assert_array_equal(run.snapshot_steps, [0] + list(range(5, 121, 5)))
    assert run.snapshots.shape == (25, 4, 8, 8, 1)
    first, _ = sample_images(CodeGenerator(TINY.code_shape, 1 / 32), run.variables, ae, run.fixed_zeta)
    np.testing.assert_allclose(run.snapshots[-1], first, atol=1e-6)


def test_saved_run_reloads_to_the_same_generator(run, ae, tmp_path):
    run.save(tmp_path / "run")
    samples = load_npz(tmp_path / "run" / "samples.npz")
    np.testing.assert_array_equal(samples["z"], run.images)
    generator, variables, cfg = load_generator(tmp_path / "run")
    assert cfg == run.config
    images, _ = sample_images(generator, variables, ae, run.zeta)
    np.testing.assert_array_equal(images, run.images)


def test_resuming_after_a_kill_gives_the_uninterrupted_result(ae, digits, tmp_path):
    cfg = GeneratorConfig(steps=10, checkpoint_every=4, **CFG)
    whole = train_generator(digits, ae, cfg)
    ckpt = tmp_path / "ckpt.npz"
    first = train_generator(digits, ae, cfg, checkpoint=ckpt, stop_after=6)
    assert len(first.curve) == 6 and int(load_npz(ckpt)["step"]) == 6
    resumed = train_generator(digits, ae, cfg, checkpoint=ckpt)
    np.testing.assert_array_equal(resumed.curve["loss"], whole.curve["loss"])
    np.testing.assert_array_equal(resumed.images, whole.images)
    np.testing.assert_array_equal(resumed.snapshots, whole.snapshots)
    other = GeneratorConfig(steps=10, **{**CFG, "lr": 1e-2})
    with pytest.raises(ValueError, match="different settings"):
        train_generator(digits, ae, other, checkpoint=ckpt)


def test_plateau_samples_come_from_the_generator_of_the_convergence_step_and_survive_a_kill(ae, digits, tmp_path):
    stop = {"rule": "plateau", "monitor": "loss", "patience": 4, "delta": 0.05, "window": 2}
    cfg = GeneratorConfig(steps=60, checkpoint_every=3, **{**CFG, "stop": stop})
    whole = train_generator(digits, ae, cfg)
    s, ran = whole.stop["selected_step"], whole.stop["steps_run"]
    assert whole.stop["halted"] and ran == s + 1 + stop["patience"] < 60
    # The generator after s updates (a run of s steps) makes the samples; the last one final.npz's.
    np.testing.assert_array_equal(whole.images, train_generator(digits, ae, GeneratorConfig(steps=s, **CFG)).images)
    np.testing.assert_array_equal(
        whole.final_images, train_generator(digits, ae, GeneratorConfig(steps=ran, **CFG)).images
    )
    ckpt = tmp_path / "ckpt.npz"
    train_generator(digits, ae, cfg, checkpoint=ckpt, stop_after=s + 2)
    resumed = train_generator(digits, ae, cfg, checkpoint=ckpt)
    assert resumed.stop == whole.stop
    np.testing.assert_array_equal(resumed.images, whole.images)
    with pytest.raises(ValueError, match="plateau' or 'final"):
        GeneratorConfig(**{**CFG, "stop": {"rule": "heldout_am_ssim"}})


def test_non_finite_loss_names_the_step_and_keeps_the_last_good_checkpoint(ae, digits, tmp_path, monkeypatch):
    ckpt = tmp_path / "ckpt.npz"
    train_generator(digits, ae, GeneratorConfig(steps=3, checkpoint_every=1, **CFG), checkpoint=ckpt)
    before = load_npz(ckpt)
    real = generator_module.batchwise_loss
    monkeypatch.setattr(generator_module, "batchwise_loss", lambda *a, **k: real(*a, **k) * jnp.nan)
    generator_module._step_fn.cache_clear()  # compiled steps are cached by settings: retrace with the NaN loss
    try:
        with pytest.raises(NonFiniteLossError, match=r"step 4 .*last good checkpoint .*step 3"):
            train_generator(digits, ae, GeneratorConfig(steps=6, checkpoint_every=1, **CFG), checkpoint=ckpt)
    finally:
        generator_module._step_fn.cache_clear()
    after = load_npz(ckpt)
    assert int(after["step"]) == 3
    np.testing.assert_array_equal(after["state_0"], before["state_0"])


def test_an_autoencoder_with_another_code_size_is_refused(ae, digits):
    cfg = GeneratorConfig(steps=1, code_shape=(4, 4, 8), **CFG)
    with pytest.raises(ValueError, match=r"codes of shape \(2, 2, 4\) \(16 values\).*\(4, 4, 8\) \(128 values\)"):
        train_generator(digits, ae, cfg)


def test_a_generator_for_another_code_shape_is_refused_by_the_decoder(ae):
    generator = CodeGenerator((4, 4, 8), 1 / 32)
    with pytest.raises(ValueError, match=r"codes of shape \(4, 4, 8\), but the autoencoder decodes .*\(2, 2, 4\)"):
        sample_images(generator, {}, ae, np.zeros((2, 8), np.float32))


def test_a_kernel_that_cannot_take_the_codes_is_refused():
    with pytest.raises(ValueError, match=r"kernel 'multires_small' cannot take the codes of .*\(2, 2, 4\)"):
        check_code_kernel((2, 2, 4), "multires_small")
    check_code_kernel((2, 2, 4), "fntk_erf")


def test_images_that_do_not_fit_the_autoencoder_are_refused(ae):
    with pytest.raises(ValueError, match=r"\(N, 8, 8, 1\)"):
        train_generator(np.zeros((16, 25, 25, 1), np.float32), ae, GeneratorConfig(steps=1, **CFG))


@pytest.mark.parametrize("name", sorted(AE_PRESETS))
def test_generator_makes_codes_of_every_preset_shape_in_the_unit_interval(name):
    shape = AE_PRESETS[name].code_shape
    generator = CodeGenerator(shape, width=1 / 16)
    zeta = jax.ShapeDtypeStruct((3, 64), jnp.float32)
    variables = jax.eval_shape(lambda z: generator.init(jax.random.key(0), z, train=False), zeta)
    out = jax.eval_shape(lambda v, z: generator.apply(v, z, train=False), variables, zeta)
    assert out.shape == (3, *shape)


def test_latent_grid_spans_the_square_with_the_second_coordinate_upwards(ae):
    generator = CodeGenerator(TINY.code_shape, 1 / 32)
    shapes = jax.eval_shape(lambda z: generator.init(jax.random.key(0), z, train=False), jnp.zeros((2, 2)))
    g_vars = numpy_init(shapes, 0, lambda shape: 0.1)
    zeta, images = latent_grid(generator, g_vars, ae, size=3, span=2.0)
    np.testing.assert_array_equal(zeta[0, 0], [-2.0, 2.0])
    np.testing.assert_array_equal(zeta[2, 2], [2.0, -2.0])
    np.testing.assert_array_equal(zeta[1, 1], [0.0, 0.0])
    assert images.shape == (3, 3, 8, 8, 1)
    expected, _ = sample_images(generator, g_vars, ae, zeta.reshape(9, 2))
    np.testing.assert_array_equal(images.reshape(9, 8, 8, 1), expected)
    with pytest.raises(ValueError, match="2-D latents"):
        latent_grid(generator, {"params": {"Dense_0": {"kernel": np.zeros((8, 4))}}}, ae)


def test_code_lambda_search_records_the_code_shape_and_separates(ae, digits):
    record = code_lambda_search(ae, digits, "fntk", seed=0, eps=0.01)
    assert record["space"] == "code" and record["code_shape"] == [2, 2, 4] and record["code_size"] == 16
    assert record["separated"] and record["trace"][-1]["error"] <= 0.01


def test_workflow_settings_map_to_the_config_and_bad_ones_are_named():
    settings = {
        "kind": "ga_ntkg",
        "kernels": ["fntk"],
        "steps": 50,
        "lr": 2e-4,
        "optimizer": "adam",
        "batch_size": 16,
        "solver": "expm",
        "dtype": "float32",
        "tile": None,
        "latent_dim": 2,
    }
    cfg = GeneratorConfig.from_settings(settings, lam=2.5, seed=3, code_shape=[2, 2, 4])
    assert (cfg.kernel, cfg.lam, cfg.seed, cfg.method, cfg.latent_dim, cfg.code_shape) == (
        "fntk",
        2.5,
        3,
        "expm",
        2,
        (2, 2, 4),
    )
    with pytest.raises(ValueError, match="one code kernel"):
        GeneratorConfig.from_settings({**settings, "kernels": ["fntk", "fntk_erf"]}, lam=1.0, seed=0)
    with pytest.raises(ValueError, match="optimizer 'gd'"):
        GeneratorConfig.from_settings({**settings, "optimizer": "gd"}, lam=1.0, seed=0)
    with pytest.raises(ValueError, match=r"unknown GA-CNTKg settings \['beta3'\]"):
        GeneratorConfig.from_settings({**settings, "beta3": 0.1}, lam=1.0, seed=0)
