"""The GA-NTK optimiser: resumption, NaN handling, mode coverage, b = 1 collapse, settings."""

import json
import logging

import numpy as np
import pandas as pd
import pytest

from gantk.common.io import load_npz
from gantk.synthesis.ga_ntk import NonFiniteLossError, SynthConfig, synthesize


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
    assert after["state_0"].shape == x.shape  # the checkpoint's first state entry is Z
    np.testing.assert_array_equal(after["state_0"], before["state_0"])


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
    from gantk.common.logging_utils import setup_logging

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
    from gantk.synthesis.lambda_search import lambda_search
    from gantk.kernels import preset

    x = sample_mixture("ring8", 128, seed=0)
    lam = lambda_search(x, preset("fntk"), seed=0).lam
    res = synthesize(x, SynthConfig(kernels=("fntk",), lambdas=(lam,), steps=1000, lr=0.01, log_every=0))
    means, std = mixture_modes("ring8")
    dist = np.linalg.norm(res.z[:, None, :] - means[None], axis=-1)
    near = dist.min(axis=1) < 3 * std
    covered = len(set(dist.argmin(axis=1)[near]))
    assert covered >= 7


PLATEAU = {"rule": "plateau", "monitor": "norm", "patience": 6, "delta": 0.05, "window": 1}


def test_plateau_keeps_the_z_of_its_convergence_step_and_halts_early():
    x = _digits()
    run = synthesize(x, SynthConfig(steps=200, stop=PLATEAU, **CFG))
    s, ran = run.stop["selected_step"], run.stop["steps_run"]
    assert run.stop["halted"] and ran == s + 1 + PLATEAU["patience"] < 200 and len(run.curve) == ran
    # The selected Z is the Z after s updates of the same trajectory; the final Z after all of them.
    upto = synthesize(x, SynthConfig(steps=s, **CFG))
    np.testing.assert_array_equal(run.z, upto.z_final)
    np.testing.assert_array_equal(run.z_final, synthesize(x, SynthConfig(steps=ran, **CFG)).z_final)
    assert run.stop["loss"] == pytest.approx(run.curve["loss"].iloc[s]) and run.snapshot_steps[-1] == ran
    best, last = np.inf, None  # the paper's rule by hand on ‖1 − D‖ = √(2L): the last row improving by > delta
    for row, norm in enumerate(np.sqrt(2 * run.curve["loss"].to_numpy()), start=1):
        if norm < best - PLATEAU["delta"]:
            best, last = norm, row
    assert s == last - 1


def test_a_non_halting_plateau_runs_its_budget_and_reports_the_same_step():
    x = _digits()
    halting = synthesize(x, SynthConfig(steps=200, stop=PLATEAU, **CFG))
    budget = halting.stop["steps_run"] + 10
    running = synthesize(x, SynthConfig(steps=budget, stop={**PLATEAU, "halt": False}, **CFG))
    assert running.stop["steps_run"] == budget and not running.stop["halted"]
    assert running.stop["selected_step"] == halting.stop["selected_step"]
    np.testing.assert_array_equal(running.z, halting.z)


def test_resuming_a_plateau_run_after_a_kill_gives_the_same_selected_step_and_z(tmp_path):
    x = _digits()
    cfg = SynthConfig(steps=200, checkpoint_every=3, stop=PLATEAU, batch_size=8, **CFG)
    whole = synthesize(x, cfg)
    for kill in (whole.stop["selected_step"] - 1, whole.stop["steps_run"] - 2):
        ckpt = tmp_path / f"ckpt{kill}.npz"
        synthesize(x, cfg, checkpoint=ckpt, stop_after=kill)
        resumed = synthesize(x, cfg, checkpoint=ckpt)
        assert resumed.stop == whole.stop
        np.testing.assert_array_equal(resumed.z, whole.z)
        np.testing.assert_array_equal(resumed.z_final, whole.z_final)


def test_a_rule_applied_after_the_run_selects_a_snapshot_and_is_saved(tmp_path):
    res = synthesize(_digits(4), SynthConfig(steps=12, **CFG))
    assert res.stop["rule"] == "final" and res.stop["selected_step"] == 12
    np.testing.assert_array_equal(res.z, res.z_final)
    res.select_snapshot(5, heldout_am_ssim=0.5)
    np.testing.assert_array_equal(res.z, res.snapshots[1])
    assert res.stop["selected_step"] == 5 and res.stop["loss"] == pytest.approx(res.curve["loss"].iloc[5])
    with pytest.raises(ValueError, match=r"no snapshot at step 7; snapshots are at \[0, 5, 10, 12\]"):
        res.select_snapshot(7)
    res.save(tmp_path)
    np.testing.assert_array_equal(load_npz(tmp_path / "samples.npz")["z"], res.snapshots[1])
    np.testing.assert_array_equal(load_npz(tmp_path / "final.npz")["z"], res.z_final)
    stop = json.loads((tmp_path / "stop.json").read_text())
    assert (stop["selected_step"], stop["steps_run"], stop["heldout_am_ssim"]) == (5, 12, 0.5)
