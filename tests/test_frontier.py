"""gantk.experiments.frontier: FID along a run equals FID of each snapshot scored alone; the frontier table
has one row per (setting, scored snapshot) and marks the target region against held-out images.

A projection stands in for Inception here; tests/test_workflow_frontier.py checks the same
equality with the Inception extractor on a workflow run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gantk.data.subsample import heldout_indices, subsample_indices
from gantk.experiments.frontier import (
    PAPER_GA_CNTK,
    TABLE_COLUMNS,
    fid_along_run,
    fid_steps,
    frontier_tables,
    images_at,
    selected_step,
    setting_label,
    summary,
)
from gantk.metrics.fid import fid, statistics


class ProjectionFeatures:
    """A deterministic stand-in for the Inception extractor: tanh of a fixed random projection."""

    weights_sha1 = "projection"

    def __init__(self, pixels: int, dim: int = 12):
        self.w = np.random.default_rng(0).normal(size=(pixels, dim))

    def __call__(self, images, batch: int = 32):
        return np.tanh(np.asarray(images, np.float64).reshape(len(images), -1) @ self.w)


def _run(n=6, steps=(0, 10, 20, 30), seed=0, shape=(8, 8, 1)):
    rng = np.random.default_rng(seed)
    return {"steps": np.asarray(steps), "z": rng.uniform(size=(len(steps), n, *shape))}


def _along(steps, start=0.3):
    return pd.DataFrame({"step": list(steps), "am_ssim": np.linspace(start, 0.9, len(steps))})


def test_fid_steps_are_geometric_from_the_first_snapshot_to_the_last():
    steps = range(0, 1001, 50)
    assert fid_steps(steps, 4) == [50, 150, 350, 1000]
    assert fid_steps(steps, None) == list(range(50, 1001, 50))
    assert fid_steps(steps, 100) == list(range(50, 1001, 50))
    assert fid_steps(steps, 1) == [1000]
    with pytest.raises(ValueError, match="no snapshot after step 0"):
        fid_steps([0], 3)


def test_fid_along_run_equals_the_fid_of_each_snapshot_computed_alone():
    sets = [_run(seed=1), _run(seed=2)]
    finals = [s["z"][-1] for s in sets]
    features = ProjectionFeatures(64)
    reference = statistics(features(np.random.default_rng(3).uniform(size=(40, 8, 8, 1))))
    table = fid_along_run(sets, finals, _along(sets[0]["steps"]), 0.9, 30, reference, features, samples=9, points=None)
    assert table["step"].tolist() == [10, 20, 30]
    for step in (10, 20, 30):
        k = list(sets[0]["steps"]).index(step)
        pooled = np.concatenate([sets[0]["z"][k], sets[1]["z"][k][:3]])
        alone = fid(pooled, reference, extractor=features, method="eigh")
        assert table.loc[table["step"] == step, "fid"].item() == pytest.approx(alone, rel=1e-12)
    assert (table["fid_samples"] == 9).all()
    # samples.npz is the last snapshot: that row is the selected one, no extra score
    assert table["selected"].tolist() == [False, False, True]
    assert table.loc[table["step"] == 20, "am_ssim"].item() == pytest.approx(0.3 + 0.6 * 2 / 3)
    # the reference code's sqrtm route gives the same scores
    wide = fid_along_run(sets, finals, _along(sets[0]["steps"]), 0.9, 30, reference, features, samples=12,
                         points=None, method="sqrtm")  # fmt: skip
    narrow = fid_along_run(sets, finals, _along(sets[0]["steps"]), 0.9, 30, reference, features, samples=12, points=None)
    np.testing.assert_allclose(wide["fid"], narrow["fid"], rtol=1e-8)


def test_a_stopping_step_between_snapshots_gets_its_own_selected_row():
    sets = [_run(seed=4)]
    features = ProjectionFeatures(64)
    reference = statistics(features(np.random.default_rng(5).uniform(size=(30, 8, 8, 1))))
    stopped = np.random.default_rng(6).uniform(size=(6, 8, 8, 1))
    table = fid_along_run(sets, [stopped], _along(sets[0]["steps"]), 0.42, 15, reference, features, samples=6, points=2)
    assert table["step"].tolist() == [10, 15, 30]
    row = table[table["selected"]].iloc[0]
    assert (row["step"], row["am_ssim"]) == (15, 0.42)
    assert row["fid"] == pytest.approx(fid(stopped, reference, extractor=features, method="eigh"), rel=1e-12)


def test_z_sets_missing_a_step_are_named():
    with pytest.raises(ValueError, match="Z set 1 has no snapshot at step 20"):
        images_at([_run(), _run(steps=(0, 10, 30))], 20, 8)


def test_selected_step_is_the_stopping_rules_or_the_last(tmp_path):
    assert selected_step(tmp_path, 500) == (500, "final")
    (tmp_path / "stop.json").write_text(json.dumps({"rule": "plateau", "selected_step": 225, "steps_run": 500}))
    assert selected_step(tmp_path, 500) == (225, "plateau")


def _frontier_inputs():
    along = {
        "ga_cntk": pd.DataFrame({"step": [50, 150, 350], "selected": [False, False, True], "am_ssim": [0.40, 0.55, 0.80],
                                 "fid": [180.0, 120.0, 70.0], "fid_samples": 64}),
        "ga_cntk_gd": pd.DataFrame({"step": [25, 225, 225, 500], "selected": [False, False, True, False],
                                    "am_ssim": [0.45, 0.50, 0.51, 0.70], "fid": [150.0, 80.0, 82.0, 60.0],
                                    "fid_samples": 64}),
    }  # fmt: skip
    runs = [{"dataset": "digits", "n": 64, "seed": 0, "method": m, "setting": m, "along": a} for m, a in along.items()]
    subsets = [{"dataset": "digits", "n": 64, "seed": 0, "heldout_am_ssim": 0.6, "heldout_fid": 56.0,
                "heldout_fid_samples": 64, "paper": "mnist"}]  # fmt: skip
    return runs, subsets


def test_frontier_table_has_one_row_per_setting_and_snapshot():
    runs, subsets = _frontier_inputs()
    table, references = frontier_tables(runs, subsets)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == sum(len(r["along"]) for r in runs) == 7
    assert not table.duplicated(["dataset", "n", "seed", "method", "step", "selected"]).any()
    assert table.groupby("method")["selected"].sum().tolist() == [1, 1]
    # target: AM-SSIM < 0.6 and FID <= 1.5 * 56 = 84
    assert table.loc[table["in_target"], ["method", "step"]].values.tolist() == [["ga_cntk_gd", 225], ["ga_cntk_gd", 225]]
    assert table["fid_ratio"].iloc[0] == pytest.approx(180 / 56)
    assert references["kind"].tolist() == ["heldout", "paper"]
    paper = references[references["kind"] == "paper"].iloc[0]
    assert (paper["am_ssim"], paper["fid"], paper["fid_samples"]) == (0.49, 31.10, 2048)
    lines = summary(table, references)
    assert "never in the target region" in lines[0] and "step(s) 225" in lines[1]


def test_frontier_refuses_fids_of_other_sample_counts():
    runs, subsets = _frontier_inputs()
    subsets[0]["heldout_fid_samples"] = 2048
    with pytest.raises(ValueError, match="only equal counts compare"):
        frontier_tables(runs, subsets)


def test_paper_values_are_the_ga_cntk_column_of_table_1():
    assert PAPER_GA_CNTK[("mnist", 64)] == {"fid": 31.10, "am_ssim": 0.49}
    assert PAPER_GA_CNTK[("mnist", 256)] == {"fid": 14.96, "am_ssim": 0.54}
    assert PAPER_GA_CNTK[("celeba", 256)] == {"fid": 63.15, "am_ssim": 0.38}
    assert len(PAPER_GA_CNTK) == 9


def test_setting_label_names_optimiser_loss_and_lambda_source():
    authors = {"optimizer": "gd", "lr": 1000.0, "loss": "cross_entropy", "steps": 500,
               "lambda_from_training": {"rate": 0.01, "time": 131072}}  # fmt: skip
    assert setting_label(authors, [5.12]) == "GD 1000, cross-entropy, λ 5.12 (η t = 0.01·131072), 500 steps"
    ours = {"optimizer": "adam", "lr": 0.01, "steps": 1000}
    assert setting_label(ours, [2.0]) == "Adam 0.01, ½‖1−D‖², λ 2 (Alg. 1), 1000 steps"


def test_heldout_indices_avoid_the_subset_and_repeat_the_subsample_rules_draw():
    subset = subsample_indices(100, 10, 0)
    picked = heldout_indices(100, subset, 10, 1000)
    rest = np.setdiff1d(np.arange(100), subset)
    np.testing.assert_array_equal(picked, rest[subsample_indices(90, 10, 1000)])
    assert not set(picked) & set(subset)
    assert len(heldout_indices(100, subset, 500, 1000)) == 90
