"""Which runs get an FID score and how many Z sets each pools (paper §8.2; the Z-set
arithmetic is :mod:`gantk.metrics.fid_sets`)."""

from __future__ import annotations

from typing import Mapping

from gantk.metrics.fid_sets import zset_count
from gantk.workflow.runs import Run, expand_runs

#: Method kinds whose runs optimise free points Z (one n-image set per run).
FREE_POINT_KINDS = ("ga_ntk",)


def run_zsets(config: Mapping, run: Run) -> int:
    """Z sets of ``run`` for one score under the config's ``metrics.fid.samples``."""
    kind = config["methods"][run.method].get("kind", "ga_ntk")
    if kind not in FREE_POINT_KINDS:
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


__all__ = ["FREE_POINT_KINDS", "fid_runs", "run_zsets"]
