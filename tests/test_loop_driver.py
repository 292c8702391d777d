"""The one loop driver: exact resume, the NaN stop, time budgets and early stopping, for a toy
trainer whose every step is known and for the real trainers that run through it (GA-NTK, the GANs)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.baselines import GANConfig, train_gan
from gantk.common.io import load_npz, save_npz
from gantk.data.toy import sample_mixture
from gantk.loop.driver import LoopSpec, Trainer, run
from gantk.loop.progress import NonFiniteLossError
from gantk.loop.stopping import EarlyStopping, PatienceTracker, StopRule, StopTracker, convergence
from gantk.synthesis.ga_ntk import SynthConfig, synthesize

KEY = jax.random.key(0)


def _noisy_descent(nan_at: int | None = None) -> Trainer:
    """θ ← 0.8 θ + 0.01 ξ_t, ξ_t ~ N(0, I) from fold_in(key, t); loss ½‖θ‖² at the step's start."""

    def update(theta, t):
        noise = jax.random.normal(jax.random.fold_in(KEY, t), theta.shape)
        loss = 0.5 * jnp.sum(theta**2) * (jnp.nan if t == nan_at else 1.0)
        return 0.8 * theta + 0.01 * noise, {"loss": loss, "grad_norm": jnp.linalg.norm(theta)}

    return Trainer(lambda: jnp.ones(3), update, lambda theta: np.asarray(theta))


def _scripted(losses) -> Trainer:
    """State = steps done; step t reports ``losses[t]``."""
    return Trainer(lambda: jnp.zeros((), jnp.int32), lambda n, t: (n + 1, {"loss": losses[t]}))


SPEC = LoopSpec("toy", 20, snapshot_every=5, checkpoint_every=4, fingerprint="toy-1")
PLATEAU = StopRule("plateau", monitor="loss", patience=3, delta=0.01, halt=False)


def test_a_killed_and_resumed_run_ends_exactly_as_an_uninterrupted_one(tmp_path):
    whole = run(_noisy_descent(), SPEC, stopper=StopTracker(PLATEAU))
    ckpt = tmp_path / "ckpt.npz"
    first = run(_noisy_descent(), SPEC, stopper=StopTracker(PLATEAU), checkpoint=ckpt, stop_after=7)
    assert first.stop_reason == "interrupted" and first.done == 7 and int(load_npz(ckpt)["step"]) == 7
    resumed = run(_noisy_descent(), SPEC, stopper=StopTracker(PLATEAU), checkpoint=ckpt)
    assert resumed.stop_reason == "steps" and resumed.progress.start == 7
    np.testing.assert_array_equal(resumed.curve()["loss"], whole.curve()["loss"])
    np.testing.assert_array_equal(resumed.state, whole.state)
    np.testing.assert_array_equal(resumed.selected, whole.selected)
    assert resumed.progress.snapshot_steps == whole.progress.snapshot_steps == [0, 5, 10, 15, 20]
    np.testing.assert_array_equal(np.stack(resumed.progress.snapshots), np.stack(whole.progress.snapshots))
    with pytest.raises(ValueError, match="different settings"):
        run(_noisy_descent(), LoopSpec("toy", 20, fingerprint="toy-2"), checkpoint=ckpt)


def test_a_checkpoint_of_the_old_layout_is_refused_with_a_clear_message(tmp_path):
    ckpt = tmp_path / "old.npz"
    save_npz(ckpt, step=3, fingerprint="toy-1", z=np.ones(3), loss=np.ones(3))
    with pytest.raises(ValueError, match=r"older gantk .*delete it"):
        run(_noisy_descent(), SPEC, checkpoint=ckpt)


def test_a_non_finite_loss_names_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    ckpt = tmp_path / "ckpt.npz"
    spec = LoopSpec("toy", 20, checkpoint_every=4, fingerprint="toy-1", settings="lr 0.2")
    message = r"toy loss nan .* at step 7 \(lr 0.2\); last good checkpoint .* \(step 4\)"
    with pytest.raises(NonFiniteLossError, match=message):
        run(_noisy_descent(nan_at=6), spec, checkpoint=ckpt)
    kept = load_npz(ckpt)
    assert int(kept["step"]) == 4 and len(kept["curve_loss"]) == 4
    np.testing.assert_array_equal(kept["state_0"], run(_noisy_descent(), LoopSpec("toy", 4)).state)
    with pytest.raises(NonFiniteLossError, match="no checkpoint was configured"):
        run(_noisy_descent(nan_at=0), spec)


def test_a_parameter_that_is_not_finite_stops_the_run():
    trainer = Trainer(lambda: jnp.ones(2), lambda th, t: (th * jnp.inf, {"loss": 1.0, "finite": t < 2}))
    with pytest.raises(NonFiniteLossError, match="a parameter is not finite at step 3"):
        run(trainer, LoopSpec("toy", 5, columns=("loss",)))


@pytest.mark.parametrize("scored, expected", [("before", 3), ("after", 4)])
def test_early_stopping_selects_the_state_of_the_convergence_step(scored, expected):
    losses = [5.0, 4.0, 3.0, 2.0, 1.99, 1.98, 1.97, 1.96, 1.95, 0.5]
    spec = LoopSpec("toy", len(losses), columns=("loss",), scored=scored)
    rule = StopRule("plateau", monitor="loss", patience=4, delta=0.1)
    stopper = StopTracker(rule) if scored == "before" else PatienceTracker(EarlyStopping(4, 0.1, 1), select=True)
    out = run(_scripted(losses), spec, stopper=stopper)
    ref = convergence(losses, patience=4, delta=0.1, window=1)
    assert ref["converged_step"] == 4 and ref["stop_step"] == 8
    # Step 4's loss 2.0 is the last improvement: measured before step 4 (3 updates) or after it (4).
    assert out.stop_reason == "early_stopping" and out.done == ref["stop_step"]
    assert int(out.selected) == expected and int(out.state) == ref["stop_step"]


def test_a_time_budget_stops_the_run_once_spent_not_counting_the_first_step():
    spec = LoopSpec("toy", 1000, columns=("loss", "grad_norm"), time_budget_s=1e-9, snapshot_every=100)
    out = run(_noisy_descent(), spec)
    # The first (compiling) step is not counted: any second step spends the budget.
    assert out.stop_reason == "time_budget" and out.done == 2
    assert out.progress.snapshot_steps == [0, 2] and out.progress.training_seconds() > 0


# The real trainers through the same driver.

RING = sample_mixture("ring8", 32, 0)
GAN = dict(method="wgan_gp", steps=40, batch_size=16, latent_dim=4, width=1 / 16, snapshot_every=0, log_every=0,
           checkpoint_every=3)  # fmt: skip
SYNTH = dict(kernels=("fntk",), lambdas=(1.0,), lr=0.01, log_every=0, snapshot_every=0, checkpoint_every=3)


def test_gan_time_budget_and_early_stopping_go_through_the_driver(tmp_path):
    budget = train_gan(RING, GANConfig(**GAN, time_budget_s=1e-9))
    assert budget.stop_reason == "time_budget" and len(budget.curve) == 2
    cfg = GANConfig(**GAN, patience=4, delta=0.05, monitor_window=2)
    whole = train_gan(RING, cfg)
    ref = convergence(whole.curve["loss"], 4, 0.05, 2, mode=cfg.gan_method.monitor_mode)
    assert whole.stop_reason == "early_stopping" and ref["stopped"]
    assert whole.converged_step == ref["converged_step"] and len(whole.curve) == ref["stop_step"]
    ckpt = tmp_path / "gan.npz"
    train_gan(RING, cfg, checkpoint=ckpt, stop_after=ref["converged_step"] + 1)
    resumed = train_gan(RING, cfg, checkpoint=ckpt)
    assert (resumed.stop_reason, resumed.converged_step) == (whole.stop_reason, whole.converged_step)
    np.testing.assert_array_equal(resumed.z, whole.z)
    np.testing.assert_array_equal(resumed.curve["w_estimate"], whole.curve["w_estimate"])


def test_ga_ntk_plateau_selection_survives_a_kill_through_the_driver(tmp_path):
    stop = {"rule": "plateau", "monitor": "loss", "patience": 5, "delta": 1e-3}
    cfg = SynthConfig(steps=200, stop=stop, **SYNTH)
    whole = synthesize(RING, cfg)
    s = whole.stop["selected_step"]
    assert whole.stop["halted"] and whole.stop["steps_run"] == s + 1 + 5 < 200
    np.testing.assert_array_equal(whole.z, synthesize(RING, SynthConfig(steps=s, **SYNTH)).z_final)
    ckpt = tmp_path / "synth.npz"
    synthesize(RING, cfg, checkpoint=ckpt, stop_after=s + 2)
    resumed = synthesize(RING, cfg, checkpoint=ckpt)
    assert resumed.stop == whole.stop
    np.testing.assert_array_equal(resumed.z, whole.z)
    np.testing.assert_array_equal(resumed.z_final, whole.z_final)
