"""Checks of the workflow config's GAN parts, across sections (``workflow/rules/baselines.smk``).

The JSON schema checks each key; these checks relate keys to each other: Table 9 and the
every-method toy figures must name defined methods, Fig 9's data sets
must be 2-D mixtures and its grids must name known methods and settings, StyleGAN2
runs need images, and every GAN run's settings (experiment overrides applied) must make
a :class:`gantk.baselines.GANConfig`. Each problem is one line naming the config key, as
:class:`gantk.workflow.config.ConfigError` does.

Targets follow the experiments (as :mod:`gantk.workflow.targets` for the figures): a baseline table
or figure whose runs are not in the experiments is no config problem;
:func:`baseline_needs` says what it lacks, and the workflow leaves it out of ``all``.
"""

from __future__ import annotations

from typing import Mapping

from gantk.baselines.methods import METHODS, OVERRIDABLE
from gantk.baselines.train import GANConfig
from gantk.workflow.runs import Run, expand_runs, run_settings
from gantk.workflow.targets import describe_runs, describe_subsets, experiment_subsets
from gantk.experiments.toy_sensitivity import GA_FNTK, GA_FNTK_KEYS


def check_config(config: Mapping) -> list[str]:
    """Problems with the config's GAN methods and its ``baselines`` section (empty if none)."""
    problems: list[str] = []
    runs = set(expand_runs(config))
    datasets, methods = config["datasets"], config["methods"]
    for run in sorted(runs):
        m = methods.get(run.method, {})
        if m.get("kind") != "gan":
            continue
        if m.get("gan") == "stylegan2" and datasets[run.dataset]["type"] != "images":
            problems.append(
                f"config key 'methods.{run.method}': StyleGAN2 makes images, but {run.dataset!r} holds 2-D points"
            )
        try:
            GANConfig.from_settings(run_settings(config, run), seed=run.seed)
        except ValueError as err:  # e.g. an experiment's override that is not a GAN setting
            problems.append(f"config key 'methods.{run.method}' (run {run.dataset} n={run.n} seed={run.seed}): {err}")
    section = config.get("baselines") or {}

    def check_methods(key: str, names: list[str]) -> None:
        for name in names:
            if name not in methods:
                problems.append(
                    f"config key '{key}.methods': {name!r} is not defined under 'methods'; "
                    f"defined: {', '.join(map(repr, methods))}"
                )

    if section.get("table9"):
        check_methods("baselines.table9", section["table9"]["methods"])
        for i, row in enumerate(section["table9"]["runs"]):
            if row["dataset"] not in datasets:
                problems.append(
                    f"config key 'baselines.table9.runs[{i}].dataset': {row['dataset']!r} is not defined under "
                    f"'datasets'; defined: {', '.join(map(repr, datasets))}"
                )
    for name, fig in (section.get("toy_figures") or {}).items():
        if not fig:
            continue
        key = f"baselines.toy_figures.{name}"
        if fig["dataset"] not in datasets or datasets[fig["dataset"]]["type"] != "toy":
            problems.append(f"config key '{key}.dataset': {fig['dataset']!r} is not a 2-D mixture under 'datasets'")
            continue
        check_methods(key, fig["methods"])
    sens = section.get("sensitivity")
    if sens:
        for name in sens["datasets"]:
            if name not in datasets or datasets[name]["type"] != "toy":
                problems.append(f"config key 'baselines.sensitivity.datasets': {name!r} is not a 2-D mixture under 'datasets'")
        for method in sens["methods"]:
            if method not in sens["grids"]:
                problems.append(f"config key 'baselines.sensitivity.grids': no grid for method {method!r}")
        for method, grid in sens["grids"].items():
            key = f"baselines.sensitivity.grids.{method}"
            if method == GA_FNTK:
                allowed = GA_FNTK_KEYS
            elif method in METHODS and method != "stylegan2":
                allowed = OVERRIDABLE
            else:
                known = [GA_FNTK, *(m for m in METHODS if m != "stylegan2")]
                problems.append(f"config key '{key}': {method!r} is not a method for 2-D points; known: {', '.join(known)}")
                continue
            bad = sorted(set(grid) - set(allowed))
            if bad:
                problems.append(f"config key '{key}': setting(s) {bad} are not allowed; allowed: {', '.join(allowed)}")
    return problems


def table9_runs(config: Mapping) -> list[Run]:
    """Every run of Table 9: its subsets × its methods (empty when not configured)."""
    t9 = (config.get("baselines") or {}).get("table9")
    return [Run(s["dataset"], s["n"], s["seed"], m) for s in t9["runs"] for m in t9["methods"]] if t9 else []


def toy_figure_runs(config: Mapping, name: str) -> list[Run]:
    """The runs of ``baselines.toy_figures.{name}``, one per method (empty when not configured)."""
    fig = ((config.get("baselines") or {}).get("toy_figures") or {}).get(name)
    return [Run(fig["dataset"], fig["n"], fig["seed"], m) for m in fig["methods"]] if fig else []


def sensitivity_subsets(config: Mapping) -> list[tuple]:
    """The (mixture, n, seed) subsets of Fig 9's grid searches (empty when not configured)."""
    sens = (config.get("baselines") or {}).get("sensitivity")
    return [(d, sens["n"], sens["seed"]) for d in sens["datasets"]] if sens else []


#: Baseline targets → (config key, what they show).
BASELINE_TARGETS = {
    "table9": "baselines.table9",
    "fig9": "baselines.sensitivity",
    "fig4_methods": "baselines.toy_figures.fig4_methods",
    "fig10_methods": "baselines.toy_figures.fig10_methods",
}


def baseline_needs(config: Mapping) -> dict[str, tuple[str, str]]:
    """Every configured baseline target the experiments cannot make: name → (config key, needs).

    Table 9 and the every-method toy figures need their runs in the experiments; Fig 9's
    grid searches run on their own but need their data subsets to be the experiments'.
    """
    runs = set(expand_runs(config))
    subsets = experiment_subsets(config)
    missing = {
        "table9": [r for r in table9_runs(config) if r not in runs],
        "fig4_methods": [r for r in toy_figure_runs(config, "fig4_methods") if r not in runs],
        "fig10_methods": [r for r in toy_figure_runs(config, "fig10_methods") if r not in runs],
    }
    out = {
        name: (BASELINE_TARGETS[name], f"{describe_runs(lack)} in the experiments")
        for name, lack in missing.items()
        if lack
    }
    lacking = [s for s in sensitivity_subsets(config) if s not in subsets]
    if lacking:
        out["fig9"] = (BASELINE_TARGETS["fig9"], f"{describe_subsets(lacking)} in an experiment")
    return out


__all__ = ["BASELINE_TARGETS", "baseline_needs", "check_config", "sensitivity_subsets", "table9_runs", "toy_figure_runs"]
