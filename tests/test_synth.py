"""The GA-NTK optimiser: resumption, NaN handling, mode coverage, b = 1 collapse, settings."""

import logging

import numpy as np
import pandas as pd
import pytest

from gantk.io import load_npz
from gantk.synth import NonFiniteLossError, SynthConfig, synthesize


def _digits(n=16, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, 8, 8, 1)).astype(np.float32) ** 3


CFG = dict(kernels=("cntk_digits",), lambdas=(2.0,), lr=0.02, log_every=0, snapshot_every=5)


def test_resuming_after_a_kill_gives_the_uninterrupted_result(tmp_path):
    x = _digits()
    cfg = SynthConfig(steps=12, checkpoint_every=4, batch_size=4, **CFG)
    whole = synthesize(x, cfg)
    ckpt = tmp_path / "ckpt.npz"
    first = synthesize(x, cfg, checkpoint=ckpt, stop_after=6)
    assert len(first.curve) == 6 and int(load_npz(ckpt)["step"]) == 6
    resumed = synthesize(x, cfg, checkpoint=ckpt)
    np.testing.assert_array_equal(resumed.z, whole.z)
    np.testing.assert_array_equal(resumed.curve["loss"], whole.curve["loss"])
    np.testing.assert_array_equal(resumed.snapshot_steps, [0, 5, 10, 12])
    np.testing.assert_array_equal(resumed.snapshots, whole.snapshots)


def test_a_checkpoint_from_other_settings_is_refused(tmp_path):
    x = _digits()
    ckpt = tmp_path / "ckpt.npz"
    synthesize(x, SynthConfig(steps=2, **CFG), checkpoint=ckpt)
    other = SynthConfig(steps=2, **{**CFG, "lr": 0.5})
    with pytest.raises(ValueError, match="different settings"):
        synthesize(x, other, checkpoint=ckpt)


def test_non_finite_loss_names_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    x = _digits()
    ckpt = tmp_path / "ckpt.npz"
    synthesize(x, SynthConfig(steps=3, checkpoint_every=1, **CFG), checkpoint=ckpt)
    before = load_npz(ckpt)
    bad = x.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(NonFiniteLossError, match="step 4"):
        synthesize(bad, SynthConfig(steps=6, checkpoint_every=1, **CFG), checkpoint=ckpt)
    after = load_npz(ckpt)
    assert int(after["step"]) == 3
    np.testing.assert_array_equal(after["z"], before["z"])


def test_loss_decreases_and_samples_stay_in_the_data_range():
    res = synthesize(_digits(), SynthConfig(steps=40, **CFG))
    assert res.curve["loss"].iloc[-1] < res.curve["loss"].iloc[0]
    assert res.z.min() >= 0.0 and res.z.max() <= 1.0
    assert list(res.curve.columns) == ["step", "loss", "grad_norm", "seconds"]


def test_same_seed_same_result_and_different_seed_differs():
    x = _digits()
    a = synthesize(x, SynthConfig(steps=5, seed=1, **CFG))
    b = synthesize(x, SynthConfig(steps=5, seed=1, **CFG))
    c = synthesize(x, SynthConfig(steps=5, seed=2, **CFG))
    np.testing.assert_array_equal(a.z, b.z)
    assert not np.array_equal(a.z, c.z)


def test_batch_size_one_collapses_fakes_towards_the_mean_image():
    # Each step pairs one fake with one random real: the fakes average the data (paper Fig 7).
    x = _digits(32, seed=3)
    res = synthesize(
        x, SynthConfig(kernels=("cntk_digits",), lambdas=(2.0,), steps=600, lr=0.02, batch_size=1, log_every=0)
    )
    mean = x.mean(axis=0)
    spread_fake = np.sqrt(((res.z - mean) ** 2).sum(axis=(1, 2, 3))).mean()
    spread_real = np.sqrt(((x - mean) ** 2).sum(axis=(1, 2, 3))).mean()
    assert spread_fake < 0.5 * spread_real


def test_float64_runs_in_float64():
    res = synthesize(_digits(4), SynthConfig(steps=2, dtype="float64", **CFG))
    assert res.z.dtype == np.float64


def test_progress_is_logged(caplog):
    from gantk.logging_utils import setup_logging

    logger = setup_logging()
    logger.propagate = True
    with caplog.at_level(logging.INFO, logger="gantk"):
        synthesize(_digits(4), SynthConfig(steps=4, **{**CFG, "log_every": 2}))
    assert any("step 4/4 loss" in r.getMessage() and "steps/s" in r.getMessage() for r in caplog.records)


def test_save_writes_the_run_artefacts(tmp_path):
    res = synthesize(_digits(4), SynthConfig(steps=3, **CFG))
    res.save(tmp_path)
    assert load_npz(tmp_path / "samples.npz")["z"].shape == (4, 8, 8, 1)
    assert len(pd.read_csv(tmp_path / "curve.csv")) == 3
    assert (tmp_path / "params.json").exists() and (tmp_path / "snapshots.npz").exists()


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"optimizer": "sgdm"}, "optimizer"),
        ({"lambdas": (1.0, 2.0)}, "one λ per kernel"),
        ({"kernels": ("cntk_mnsit",), "lambdas": (1.0,)}, "unknown kernel preset"),
        ({"batch_size": 0}, "batch_size"),
        ({"clip": (1.0, 0.0)}, "clip"),
    ],
)
def test_bad_settings_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        SynthConfig(**{**CFG, **bad})


def test_ga_fntk_covers_the_eight_mode_mixture():
    from gantk.data.toy import mixture_modes, sample_mixture
    from gantk.lambda_search import lambda_search
    from gantk.kernels import preset

    x = sample_mixture("ring8", 128, seed=0)
    lam = lambda_search(x, preset("fntk"), seed=0).lam
    res = synthesize(x, SynthConfig(kernels=("fntk",), lambdas=(lam,), steps=1000, lr=0.01, log_every=0))
    means, std = mixture_modes("ring8")
    dist = np.linalg.norm(res.z[:, None, :] - means[None], axis=-1)
    near = dist.min(axis=1) < 3 * std
    covered = len(set(dist.argmin(axis=1)[near]))
    assert covered >= 7
