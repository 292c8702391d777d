# Path templates and input functions of the FID rules (rules/fid.smk); no rules live
# here. Needs rules/common.smk first.
from gantk.metrics.fid_sets import zset_seed
from gantk.workflow.fid import fid_runs, run_zsets

FID_EXTRACTOR = "results/fid/extractor.json"
FID_SPLIT_STATS = "results/fid/{dataset}/split_stats.npz"
FID_SUBSET_STATS = "results/fid/{dataset}/n{n}_s{seed}/subset_stats.npz"
ZSET_RUN = "results/runs/{dataset}/n{n}_s{seed}/{method}/zsets/z{zset}"
FID = "results/metrics/{dataset}/n{n}_s{seed}/{method}_fid.json"


def fid_settings(wildcards=None):
    """The config's `metrics.fid` block."""
    return config["metrics"]["fid"]


def zset_files(name):
    """Input function: file ``name`` of the run and of each of its extra Z sets, in set order."""

    def inputs(wildcards):
        run = run_of(wildcards)
        extra = [
            f"{ZSET_RUN}/{name}".format(**run._asdict(), zset=k)
            for k in range(1, run_zsets(config, run))
        ]
        return [run_files(run, name), *extra]

    return inputs


#: The run's samples and those of its extra Z sets, in set order.
fid_sample_files = zset_files("samples.npz")
