"""RunProgress: the curve, snapshot, log and checkpoint cadences of the loop driver, shared by every trainer."""

import logging

import numpy as np
import pytest

from gantk.loop.progress import NonFiniteLossError, RunProgress


def _run(progress, steps, interrupt_at=None):
    snapped, checkpointed = [], []
    progress.start_clock()
    for step in range(progress.start, steps):
        done = step + 1
        progress.record(done, {"loss": 1.0 / done, "grad_norm": 2.0})
        if progress.snapshot_due(done):
            progress.add_snapshot(done, np.full(2, done))
            snapped.append(done)
        if progress.checkpoint_due(done, interrupted=done == interrupt_at):
            progress.checkpointed(done)
            checkpointed.append(done)
        if done == interrupt_at:
            break
    return snapped, checkpointed


def test_cadences_include_the_last_step_once_and_the_early_stop(caplog):
    progress = RunProgress(10, snapshot_every=4, log_every=5, checkpoint_every=3, snapshot_steps=[0], snapshots=[0])
    with caplog.at_level(logging.INFO, logger="gantk"):
        snapped, checkpointed = _run(progress, 10)
    assert snapped == [4, 8, 10] and progress.snapshot_steps == [0, 4, 8, 10]
    assert checkpointed == [3, 6, 9, 10]
    assert [r.getMessage().split(" loss")[0] for r in caplog.records] == ["step 5/10", "step 10/10"]
    curve = progress.curve()
    assert list(curve["step"]) == list(range(1, 11)) and curve["loss"].iloc[-1] == pytest.approx(0.1)
    assert np.all(np.diff(curve["seconds"]) >= 0)

    stopped = RunProgress(10, snapshot_every=None, log_every=None, checkpoint_every=None, snapshot_steps=[0],
                          snapshots=[0])  # fmt: skip
    assert _run(stopped, 10, interrupt_at=7) == ([], [7])


def test_resume_continues_the_curve_and_its_clock():
    first = RunProgress(6, snapshot_every=2, log_every=None, checkpoint_every=2, snapshot_steps=[0], snapshots=[0])
    _run(first, 6, interrupt_at=4)
    state = {"step": 4, "loss": first.losses, "grad_norm": first.values["grad_norm"], "seconds": first.seconds,
             "snapshot_steps": first.snapshot_steps, "snapshots": first.snapshots}  # fmt: skip
    resumed = RunProgress(6, snapshot_every=2, log_every=None, checkpoint_every=2, snapshot_steps=[0], snapshots=[0])
    resumed.resume(state)
    snapped, _ = _run(resumed, 6)
    assert snapped == [6] and resumed.snapshot_steps == [0, 2, 4, 6]
    assert len(resumed.losses) == 6 and resumed.seconds[4] >= state["seconds"][3]


def test_a_non_finite_loss_names_the_step_settings_and_last_checkpoint():
    progress = RunProgress(5, snapshot_every=None, log_every=None, checkpoint_every=1, snapshot_steps=[0],
                           snapshots=[0])  # fmt: skip
    progress.start_clock()
    progress.check_finite(0, {"loss": 1.0, "grad_norm": 1.0}, "run.npz", "GA-NTK", "λ 1")
    progress.checkpointed(2)
    message = r"GA-NTK loss nan .* at step 3 \(λ 1\); last good checkpoint run.npz \(step 2\)"
    with pytest.raises(NonFiniteLossError, match=message):
        progress.check_finite(2, {"loss": float("nan"), "grad_norm": 1.0}, "run.npz", "GA-NTK", "λ 1")
    with pytest.raises(NonFiniteLossError, match="no checkpoint was configured"):
        progress.check_finite(2, {"loss": 1.0, "grad_norm": float("inf")}, None, "GA-NTK", "λ 1")
