"""Stopping rules: Table 9's early stopping (last improvement by more than delta, stop after
patience steps) and the GA-NTK methods' rules built on it (plateau, heldout_am_ssim, final)."""

import numpy as np
import pytest

from gantk.loop.stopping import EarlyStopping, StopRule, StopTracker, convergence, heldout_step, outcome, plateau_step


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


# --------------------------------------------------------------------------------------
# The GA-NTK stopping rules (config `stop:`)


def _creeping(n_fast=200, n_slow=800):
    """A loss like a GA-NTK run's (DESIGN §1): a fast fall to ~16, then a slow creep down."""
    fast = 32.0 - 16.0 * (1 - np.exp(-np.arange(n_fast) / 40.0))
    slow = fast[-1] - 0.004 * np.arange(1, n_slow + 1)
    return np.concatenate([fast, slow])


def test_plateau_selects_the_last_improving_row_and_numbers_it_by_updates():
    losses = [5.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    out = plateau_step(losses, StopRule("plateau", monitor="loss", patience=3, delta=0.05))
    # Row 3 (loss 3.0) is the last improvement; it holds the loss of Z after 2 updates.
    assert out == {"selected_step": 2, "steps_run": 6, "halted": True, "monitored": 3.0}


def test_what_the_rule_watches_changes_the_selected_step():
    losses = _creeping()
    on_norm = plateau_step(losses, StopRule("plateau", monitor="norm", patience=10_000, delta=0.05))
    on_loss = plateau_step(losses, StopRule("plateau", monitor="loss", patience=10_000, delta=0.05))
    # √(2L) moves 1/√(2L) as fast as L: the slow creep (0.004 per step) adds up past delta on L
    # every ~13 steps, on the norm only every ~70; both keep selecting as long as it creeps.
    norm = np.sqrt(2 * losses)
    assert on_loss["selected_step"] > on_norm["selected_step"] > 200
    expected = 0
    best = np.inf
    for t, value in enumerate(norm, start=1):
        if value < best - 0.05:
            best, expected = value, t
    assert on_norm["selected_step"] == expected - 1 and not on_norm["halted"]


def test_a_halting_rule_stops_patience_steps_after_convergence_and_a_non_halting_one_runs_on():
    losses = np.concatenate([np.linspace(10, 5, 50), np.full(200, 5.0)])
    halting = plateau_step(losses, StopRule("plateau", monitor="loss", patience=30, delta=0.05))
    assert halting["halted"] and halting["steps_run"] == halting["selected_step"] + 1 + 30
    tracker = StopTracker(StopRule("plateau", monitor="loss", patience=30, delta=0.05, halt=False))
    assert not any(tracker.update(v)[1] for v in losses)
    assert tracker.selected_step == halting["selected_step"] and not tracker.halted


def test_replaying_a_curve_rebuilds_the_tracker_a_run_had():
    losses = _creeping(100, 300)
    rule = StopRule("plateau", patience=50, delta=0.05, window=5)
    whole = StopTracker(rule)
    for v in losses:
        whole.update(v)
    resumed = StopTracker(rule)
    resumed.replay(losses[:170])
    for v in losses[170:]:
        resumed.update(v)
    assert (resumed.selected_step, resumed.monitored_value, resumed.halted) == (
        whole.selected_step, whole.monitored_value, whole.halted)


def test_final_and_heldout_rules_leave_the_choice_to_the_end():
    tracker = StopTracker(StopRule("final"))
    assert tracker.update(3.0) == (False, False) and tracker.selected_step is None
    record = outcome(tracker, [3.0], halted=False, final_loss=2.5)
    assert record["selected_step"] == 1 and record["loss"] == 2.5 and record["rule"] == "final"


def test_heldout_rule_takes_the_last_snapshot_before_the_first_crossing():
    steps = [0, 50, 100, 150, 200, 250]
    values = [0.10, 0.40, 0.60, 0.71, 0.69, 0.80]
    assert heldout_step(steps, values, 0.70) == 100  # 150 crosses first; 200's dip back does not count
    assert heldout_step(steps, values, 0.90) == 250  # never crossed: the last snapshot
    assert heldout_step(steps, [0.95] + values[1:], 0.90) == 0  # the first snapshot already above
    with pytest.raises(ValueError, match="one AM-SSIM per snapshot"):
        heldout_step(steps, values[:-1], 0.7)
    with pytest.raises(ValueError, match="must increase"):
        heldout_step([0, 50, 50], [0.1, 0.2, 0.3], 0.7)


@pytest.mark.parametrize(
    "bad, match",
    [({"rule": "earliest"}, "stop rule"), ({"monitor": "grad"}, "monitor"), ({"patience": 0}, "patience")],
)
def test_bad_stop_settings_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        StopRule(**bad)
