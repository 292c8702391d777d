"""Input and parameter functions of the GAN baselines' rules (``workflow/rules/baselines.smk``):
Table 9 (speed), Fig 9 (hyper-parameter sensitivity on the mixtures) and Figs 4/10 with
every method.

A GAN run is a config method of ``kind: gan``; it writes the files of a GA-NTK run
(samples.npz, curve.csv, snapshots.npz, params.json), so the metrics rules and the metrics
table read it like any other. The config section ``baselines`` sets the targets; which runs
each needs is :mod:`gantk.workflow.baselines`. Functions take the checked config and, for
input functions, a job's ``wildcards`` (``workflow/rules/common.smk`` binds the config).
"""

from __future__ import annotations

from typing import Callable, Mapping

from gantk.workflow.baselines import (
    baseline_needs,
    sensitivity_subsets,
    table9_runs as configured_table9_runs,
    toy_figure_runs,
)
from gantk.workflow.paths import (
    BASELINE_FIGURES,
    DATA,
    HELDOUT,
    METRICS,
    SENSITIVITY,
    run_file,
    run_path,
    run_subset_path,
    subset_path,
)
from gantk.workflow.runs import Run
from gantk.workflow.targets import cannot_make


def baselines_config(config: Mapping) -> Mapping:
    """The config's `baselines` section ({} when absent)."""
    return config.get("baselines") or {}


def baseline_section(config: Mapping, key: str, target: str | None = None) -> Mapping:
    """A sub-section of `baselines`; a clear error if the config does not set it, or if the
    experiments lack what ``target`` (a name of gantk.workflow.baselines.BASELINE_TARGETS) needs."""
    section = baselines_config(config).get(key)
    if not section:
        raise ValueError(
            f"config key 'baselines.{key}' is not set: add it (see config/config.yaml) "
            "to make this target"
        )
    left_out = baseline_needs(config)
    if target in left_out:
        raise ValueError(cannot_make(target, *left_out[target]))
    return section


def table9_runs(config: Mapping) -> list[Run]:
    """Every run of Table 9: its subsets × its methods (a clear error if it cannot be made)."""
    baseline_section(config, "table9", "table9")
    return configured_table9_runs(config)


def table9_inputs(config: Mapping, wildcards) -> dict[str, list[str]]:
    """The loss curve and params.json of every Table 9 run, in the order of :func:`table9_runs`."""
    runs = table9_runs(config)
    return {
        "curves": [run_file(r, "curve.csv") for r in runs],
        "params": [run_file(r, "params.json") for r in runs],
    }


def sensitivity_files(config: Mapping) -> list[str]:
    """One grid-search table per (mixture, method) of Fig 9."""
    sens = baseline_section(config, "sensitivity", "fig9")
    return [
        SENSITIVITY.format(dataset=d, n=n, seed=s, tuned=m)
        for d, n, s in sensitivity_subsets(config)
        for m in sens["methods"]
    ]


def sensitivity_inputs(config: Mapping, wildcards) -> dict[str, list[str]]:
    """Fig 9's grid-search tables, and the subset and held-out points of each mixture."""
    subsets = sensitivity_subsets(config)
    return {
        "results": sensitivity_files(config),
        "data": [subset_path(DATA, *s) for s in subsets],
        "heldout": [subset_path(HELDOUT, *s) for s in subsets],
    }


def toy_methods_inputs(config: Mapping, name: str) -> Callable:
    """Input function of ``baselines.toy_figures.{name}`` (fig4_methods, fig10_methods): the
    samples and metrics of each method's run, and the mixture subset they share."""

    def inputs(wildcards) -> dict:
        fig = baseline_section(config, "toy_figures").get(name)
        if not fig:
            raise ValueError(
                f"config key 'baselines.toy_figures.{name}' is not set: add it to make "
                f"{BASELINE_FIGURES[name]}"
            )
        left_out = baseline_needs(config)
        if name in left_out:
            raise ValueError(cannot_make(name, *left_out[name]))
        runs = toy_figure_runs(config, name)
        return {
            "samples": [run_file(r, "samples.npz") for r in runs],
            "metrics": [run_path(METRICS, r) for r in runs],
            "data": run_subset_path(DATA, runs[0]),
        }

    return inputs


__all__ = [
    "baseline_section",
    "baselines_config",
    "sensitivity_files",
    "sensitivity_inputs",
    "table9_inputs",
    "table9_runs",
    "toy_methods_inputs",
]
