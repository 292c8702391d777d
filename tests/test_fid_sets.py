"""gantk.metrics.fid_sets: how many independent Z sets one FID score pools, their seeds, and the pooling."""

import numpy as np
import pytest

from gantk.workflow.config import Run
from gantk.metrics.fid_sets import ZSET_SEED_STRIDE, pool_sets, zset_count, zset_seed
from gantk.workflow.fid import fid_runs, run_zsets

CONFIG = {
    "datasets": {
        "mnist": {"type": "images", "source": "mnist", "kernel": "cntk_mnist"},
        "ring8": {"type": "toy", "source": "ring8", "kernel": "fntk"},
    },
    "methods": {"ga_cntk": {"kernels": ["dataset"]}, "ga_fntk": {"kernels": ["fntk"]}, "dcgan": {"kind": "gan"}},
    "experiments": [
        {"dataset": "mnist", "n": [64, 256, 3000], "seeds": [0], "methods": ["ga_cntk", "dcgan"]},
        {"dataset": "ring8", "n": [256], "seeds": [0], "methods": ["ga_fntk"]},
    ],
    "metrics": {"fid": {"samples": 2048}},
}


@pytest.mark.parametrize(("samples", "n", "sets"), [(2048, 64, 32), (2048, 256, 8), (2048, 1300, 2), (2048, 2048, 1), (2048, 3000, 1), (20, 12, 2)])
def test_zset_count_is_the_ceiling_of_samples_over_n(samples, n, sets):
    assert zset_count(samples, n) == sets


def test_set_zero_is_the_run_and_other_sets_get_distinct_seeds():
    seeds = {zset_seed(s, k) for s in range(5) for k in range(40)}
    assert len(seeds) == 5 * 40
    assert zset_seed(3, 0) == 3 and zset_seed(3, 2) == 3 + 2 * ZSET_SEED_STRIDE
    with pytest.raises(ValueError, match="subset seeds"):
        zset_seed(ZSET_SEED_STRIDE, 1)


def test_only_free_point_runs_pool_several_sets():
    assert run_zsets(CONFIG, Run("mnist", 64, 0, "ga_cntk")) == 32
    assert run_zsets(CONFIG, Run("mnist", 256, 0, "ga_cntk")) == 8
    assert run_zsets(CONFIG, Run("mnist", 64, 0, "dcgan")) == 1


def test_fid_is_scored_for_image_runs_only_and_only_when_configured():
    runs = fid_runs(CONFIG)
    assert {r.dataset for r in runs} == {"mnist"} and len(runs) == 6
    assert fid_runs({**CONFIG, "metrics": {"fid": None}}) == []
    only = fid_runs({**CONFIG, "metrics": {"fid": {"samples": 2048, "methods": ["dcgan"]}}})
    assert [r.n for r in only] == [64, 256, 3000] and {r.method for r in only} == {"dcgan"}


def test_pooling_keeps_set_order_and_cuts_at_the_sample_count():
    sets = [np.full((3, 2, 2, 1), k, np.float32) for k in range(3)]
    pooled = pool_sets(sets, 7)
    assert pooled.shape == (7, 2, 2, 1)
    assert pooled[:, 0, 0, 0].tolist() == [0, 0, 0, 1, 1, 1, 2]
    with pytest.raises(ValueError, match="one shape"):
        pool_sets([np.zeros((2, 2, 2, 1)), np.zeros((2, 3, 3, 1))], 4)
