"""Which runs get an FID score, how many Z sets each pools (paper §8.2; the Z-set
arithmetic is :mod:`gantk.metrics.fid_sets`), and the FID rules' input functions
(``workflow/rules/fid.smk``, ``frontier.smk``; ``workflow/rules/common.smk`` binds the config)."""

from __future__ import annotations

from typing import Callable, Mapping

from gantk.metrics.fid_sets import zset_count
from gantk.workflow.paths import ZSET_RUN, run_file, run_of
from gantk.workflow.runs import Run, expand_runs, method_kind

#: Method kinds whose runs optimise free points Z (one n-image set per run).
FREE_POINT_KINDS = ("ga_ntk",)


def run_zsets(config: Mapping, run: Run) -> int:
    """Z sets of ``run`` for one score under the config's ``metrics.fid.samples``."""
    if method_kind(config, run) not in FREE_POINT_KINDS:
        return 1
    return zset_count(int(config["metrics"]["fid"]["samples"]), run.n)


def fid_runs(config: Mapping) -> list[Run]:
    """Runs that get an FID score when ``metrics.fid`` is set: those on image data sets, of
    the methods in ``metrics.fid.methods`` (all when it is absent or null)."""
    fid = (config.get("metrics") or {}).get("fid")
    if not fid:
        return []
    datasets, methods = config["datasets"], fid.get("methods")
    return [
        r
        for r in expand_runs(config)
        if datasets[r.dataset]["type"] == "images" and (methods is None or r.method in methods)
    ]


def fid_settings(config: Mapping, wildcards=None) -> Mapping:
    """The config's `metrics.fid` block (a job parameter of every FID rule)."""
    return config["metrics"]["fid"]


def zset_files(config: Mapping, name: str) -> Callable:
    """Input function: file ``name`` of the run and of each of its extra Z sets, in set order
    (:func:`run_zsets` files in all: the run's own, then z1, z2, ...)."""

    def inputs(wildcards) -> list[str]:
        run = run_of(wildcards)
        extra = [f"{ZSET_RUN}/{name}".format(**run._asdict(), zset=k) for k in range(1, run_zsets(config, run))]
        return [run_file(run, name), *extra]

    return inputs


__all__ = ["FREE_POINT_KINDS", "fid_runs", "fid_settings", "run_zsets", "zset_files"]
