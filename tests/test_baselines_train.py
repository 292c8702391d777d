"""The shared GAN loop: each method's steps lower its own losses, resumption, NaN handling, artefacts, WGAN-GP on 8 modes."""

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from gantk.baselines import METHODS, GANConfig, get_method, train_gan
from gantk.baselines.train import init_state, make_updates
from gantk.plots.sample_grid import save_sample_grids
from gantk.data.toy import sample_mixture
from gantk.common.io import load_json, load_npz
from gantk.metrics.toy import mode_coverage, wasserstein_distance
from gantk.synthesis.ga_ntk import NonFiniteLossError

TINY = dict(width=0.0625, batch_size=16, latent_dim=8, log_every=0)


def _data_shape(method):
    return (8, 8, 1) if method == "stylegan2" else (2,)


@pytest.mark.parametrize(
    "method", [pytest.param(m, marks=pytest.mark.slow) if m == "stylegan2" else m for m in sorted(METHODS)]
)
def test_each_methods_steps_lower_its_own_losses_on_a_fixed_batch(method):
    shape = _data_shape(method)
    m = get_method(method)
    cfg = GANConfig(method, dtype="float64", **TINY)
    g, d = m.networks(shape, cfg.width)
    state = init_state(m, g, d, shape, cfg, jnp.float64)
    updates = make_updates(m, g, d)
    rng = np.random.default_rng(0)
    real = jnp.asarray(rng.uniform(size=(16, *shape)))
    z = jnp.asarray(rng.normal(size=(16, 8)))
    key = jax.random.key(0, impl="rbg")
    regularise = m.penalty != "none"

    @jax.jit
    def objectives(state):
        d_loss, (d_state, *_) = updates.d_objective(state, real, z, key, regularise)
        return d_loss, updates.g_objective(state, z, key)[0], d_state

    d_steps = jax.jit(lambda s: jax.lax.fori_loop(0, 3, lambda i, t: updates.d_update(t, real, z, key, regularise)[0], s))
    g_steps = jax.jit(lambda s: jax.lax.fori_loop(0, 3, lambda i, t: updates.g_update(t, z, key, i)[0], s))

    # Start where training sits after its first steps: D's weights inside WGAN's clipping
    # box and spectral norm's power iteration converged (u is not a gradient-trained
    # variable; its first updates move the loss by more than three small Adam steps).
    if m.clip is not None:
        state["d_params"] = jax.tree.map(lambda p: jnp.clip(p, -m.clip, m.clip), state["d_params"])
    for _ in range(30):
        state = {**state, "d_state": objectives(state)[2]}
    d_before = float(objectives(state)[0])
    state = d_steps(state)
    d_after, g_before, _ = map(np.asarray, objectives(state))
    state = g_steps(state)
    g_after = float(objectives(state)[1])
    assert d_after < d_before, f"{method}: D loss {d_before} -> {d_after}"
    assert g_after < g_before, f"{method}: G loss {g_before} -> {g_after}"


def test_wgan_weights_stay_clipped():
    m = get_method("wgan")
    cfg = GANConfig("wgan", **TINY)
    g, d = m.networks((2,), cfg.width)
    state = init_state(m, g, d, (2,), cfg, jnp.float32)
    updates = make_updates(m, g, d)
    real, z = jnp.ones((16, 2)), jnp.ones((16, 8))
    state = jax.jit(lambda s: updates.d_update(s, real, z, jax.random.key(0, impl="rbg"), False)[0])(state)
    assert max(float(jnp.max(jnp.abs(leaf))) for leaf in jax.tree.leaves(state["d_params"])) <= 0.01 + 1e-7


def test_paper_settings_are_the_registered_defaults():
    table = {
        "dcgan": ("adam", 2e-4, 0.5, 0.999, 1),
        "lsgan": ("adam", 2e-4, 0.5, 0.999, 1),
        "wgan": ("rmsprop", 5e-5, None, None, 5),
        "wgan_gp": ("adam", 1e-4, 0.5, 0.9, 5),
        "sngan": ("adam", 1e-4, 0.9, 0.999, 5),
    }
    for name, (opt, lr, b1, b2, n_dis) in table.items():
        m = get_method(name)
        for o in (m.g_opt, m.d_opt):
            assert (o.name, o.lr, m.n_dis) == (opt, lr, n_dis)
            if b1 is not None:
                assert (o.b1, o.b2) == (b1, b2)
    assert get_method("wgan_gp").d_norm == "none" and get_method("sngan").d_norm == "spectral"
    assert GANConfig().latent_dim == 64 and GANConfig().batch_size == 64


def test_unknown_method_or_setting_is_named():
    with pytest.raises(ValueError, match="'biggan'"):
        GANConfig("biggan")
    with pytest.raises(ValueError, match=r"\['momentum'\]"):
        GANConfig("dcgan", hparams={"momentum": 0.9})


RING = sample_mixture("ring8", 64, 0)
SHORT = dict(method="wgan_gp", steps=6, snapshot_every=2, checkpoint_every=2, **TINY)


def test_resuming_after_a_kill_gives_the_uninterrupted_result(tmp_path):
    cfg = GANConfig(**SHORT)
    whole = train_gan(RING, cfg)
    ckpt = tmp_path / "ckpt.npz"
    first = train_gan(RING, cfg, checkpoint=ckpt, stop_after=3)
    assert first.stop_reason == "interrupted" and int(load_npz(ckpt)["step"]) == 3
    resumed = train_gan(RING, cfg, checkpoint=ckpt)
    np.testing.assert_array_equal(resumed.z, whole.z)
    np.testing.assert_array_equal(resumed.curve["d_loss"], whole.curve["d_loss"])
    np.testing.assert_array_equal(resumed.snapshot_steps, [0, 2, 4, 6])
    np.testing.assert_array_equal(resumed.snapshots, whole.snapshots)
    other = GANConfig(**{**SHORT, "hparams": {"lr": 1e-3}})
    with pytest.raises(ValueError, match="different settings"):
        train_gan(RING, other, checkpoint=ckpt)


def test_non_finite_loss_names_the_iteration_and_keeps_the_last_good_checkpoint(tmp_path):
    ckpt = tmp_path / "ckpt.npz"
    train_gan(RING, GANConfig(**{**SHORT, "steps": 2}), checkpoint=ckpt)
    before = load_npz(ckpt)
    bad = RING.copy()
    bad[:] = np.nan
    with pytest.raises(NonFiniteLossError, match=r"iteration 3 .*last good checkpoint .* \(iteration 2\)"):
        train_gan(bad, GANConfig(**{**SHORT, "steps": 4}), checkpoint=ckpt)
    after = load_npz(ckpt)
    assert int(after["step"]) == 2
    np.testing.assert_array_equal(after["state_0"], before["state_0"])


def test_artefacts_match_the_ga_ntk_run_format(tmp_path):
    images = np.random.default_rng(0).uniform(size=(20, 8, 8, 1)).astype(np.float32)
    cfg = GANConfig("dcgan", steps=3, snapshot_every=2, n_samples=10, **TINY)
    result = train_gan(images, cfg)
    result.save(tmp_path / "run")
    save_sample_grids(tmp_path / "grids", result.snapshot_steps, result.snapshots, every=cfg.grid_every)
    z = load_npz(tmp_path / "run" / "samples.npz")["z"]
    assert z.shape == (10, 8, 8, 1) and z.min() >= 0.0 and z.max() <= 1.0
    curve = pd.read_csv(tmp_path / "run" / "curve.csv")
    assert list(curve.columns) == ["step", "loss", "d_loss", "g_loss", "penalty", "w_estimate", "seconds"]
    assert curve["step"].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(curve["loss"], curve["g_loss"])  # DCGAN monitors its G loss
    snaps = load_npz(tmp_path / "run" / "snapshots.npz")
    assert snaps["steps"].tolist() == [0, 2, 3] and snaps["z"].shape == (3, 10, 8, 8, 1)
    params = load_json(tmp_path / "run" / "params.json")
    assert params["method"]["n_dis"] == 1 and params["final_loss"] == pytest.approx(curve["loss"].iloc[-1])
    assert params["stop_reason"] == "steps"
    assert sorted(p.name for p in (tmp_path / "grids").iterdir()) == ["step_0000003.png"]


def test_early_stopping_ends_a_run_that_stops_improving():
    cfg = GANConfig("wgan_gp", steps=50, patience=3, delta=1e9, monitor_window=1, **TINY)
    result = train_gan(RING, cfg)
    # With an unreachable delta only the first iteration counts as an improvement.
    assert result.stop_reason == "early_stopping" and result.converged_step == 1 and len(result.curve) == 4


def test_wgan_gp_covers_the_8_mode_ring_on_the_cpu():
    """WGAN-GP (toy settings: λ = 0.1 as in the WGAN-GP authors' toy script, lr 3e-4, 128-unit
    MLPs, batch 64) gets from W ≈ 0.5 to W < 0.2 in 600 iterations (about 10 s on 2 cores)."""
    x = sample_mixture("ring8", 256, 0)
    reference = sample_mixture("ring8", 256, 1000)
    cfg = GANConfig("wgan_gp", hparams={"penalty_weight": 0.1, "lr": 3e-4}, steps=600, width=0.25,
                    snapshot_every=0, log_every=0)
    result = train_gan(x, cfg)
    start, end = (wasserstein_distance(s, reference) for s in (result.snapshots[0], result.z))
    assert start > 0.4
    assert end < 0.2
    assert mode_coverage(result.z, "ring8")["modes_covered"] >= 6


def test_sample_grids_are_drawn_from_the_snapshots_every_grid_every_iterations_and_at_the_end(tmp_path):
    snaps = np.random.default_rng(0).uniform(size=(5, 4, 8, 8, 1))
    written = save_sample_grids(tmp_path, [0, 2, 4, 6, 7], snaps, every=4, label="DCGAN")
    assert [p.name for p in written] == ["step_0000004.png", "step_0000007.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["step_0000004.png", "step_0000007.png"]
    with pytest.raises(ValueError, match=r"grid_every \(3\) must be a multiple of snapshot_every \(2\)"):
        GANConfig("dcgan", snapshot_every=2, grid_every=3)
    with pytest.raises(ValueError, match="one snapshot per step"):
        save_sample_grids(tmp_path, [0, 2], snaps)
