"""The Table 9 stopping rule: last improvement by more than delta, stop after patience steps."""

import numpy as np
import pytest

from gantk.baselines.early_stopping import EarlyStopping, convergence


def test_convergence_is_the_last_step_that_improved_by_more_than_delta():
    # 10, 9, ..., 1 then flat at 1: every step of the descent improves by 1 > delta.
    losses = [10.0 - t for t in range(10)] + [1.0] * 30
    out = convergence(losses, patience=5, delta=0.05, window=1)
    assert out == {"converged_step": 10, "stop_step": 15, "stopped": True, "best": 1.0}


def test_improvements_smaller_than_delta_do_not_count():
    losses = [1.0, 0.97, 0.94, 0.91, 0.88, 0.85]  # steps of 0.03 < delta, but 0.06 over two
    out = convergence(losses, patience=100, delta=0.05, window=1)
    assert out["converged_step"] == 5 and not out["stopped"]  # 1.0 → 0.94 (step 3) → 0.88 (step 5)
    assert out["best"] == pytest.approx(0.88)


def test_the_window_averages_out_noise():
    rng = np.random.default_rng(0)
    noisy = 1.0 + 0.5 * rng.standard_normal(5000)  # a flat loss with noise far above delta
    raw = convergence(noisy, patience=10_000, delta=0.05, window=1)
    smoothed = convergence(noisy, patience=10_000, delta=0.05, window=500)
    # Record lows of raw noise keep "improving"; the windowed mean stops improving early.
    assert raw["converged_step"] > 100
    assert smoothed["converged_step"] < raw["converged_step"]


def test_online_and_offline_rules_agree():
    losses = list(np.linspace(5, 0, 50)) + [0.0] * 20
    stopper = EarlyStopping(patience=7, delta=0.05, window=3)
    stopped_at = next(i + 1 for i, v in enumerate(losses) if stopper.update(v))
    out = convergence(losses, patience=7, delta=0.05, window=3)
    assert stopped_at == out["stop_step"] and stopper.converged_step == out["converged_step"]


def test_bad_settings_and_non_finite_losses_are_refused():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="step 2"):
        convergence([1.0, float("nan")], patience=3)


def test_plateau_mode_waits_for_a_rising_gan_loss_to_settle():
    # A critic's Wasserstein estimate: 0 at the start, rising to 2 over 50 steps, then flat.
    losses = list(np.linspace(0.0, 2.0, 50)) + [2.0] * 40
    assert convergence(losses, patience=10, delta=0.05, window=1)["converged_step"] == 1  # "min" sees no fall
    out = convergence(losses, patience=10, delta=0.05, window=1, mode="plateau")
    assert out["stopped"] and 47 <= out["converged_step"] <= 50 and out["stop_step"] == out["converged_step"] + 10
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="max")
