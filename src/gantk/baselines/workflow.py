"""Checks of the workflow config's GAN parts, across sections (``workflow/rules/baselines.smk``).

The JSON schema checks each key; these checks relate keys to each other: Table 9 and the
every-method toy figures must show runs that the experiments define, Fig 9's data sets
must be 2-D mixtures and its grids must name known methods and settings, StyleGAN2
runs need images, and every GAN run's settings (experiment overrides applied) must make
a :class:`gantk.baselines.GANConfig`. Each problem is one line naming the config key, as
:class:`gantk.config.ConfigError` does.
"""

from __future__ import annotations

from typing import Mapping

from gantk.baselines.methods import METHODS, OVERRIDABLE
from gantk.baselines.train import GANConfig
from gantk.config import Run, expand_runs, run_settings
from gantk.toy_sensitivity import GA_FNTK, GA_FNTK_KEYS


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

    def check_runs(key: str, wanted: list[Run]) -> None:
        for run in wanted:
            if run not in runs:
                problems.append(
                    f"config key '{key}': run {run.dataset} n={run.n} seed={run.seed} {run.method} is not in any "
                    "experiment; add it to 'experiments' or show another run"
                )

    table9 = section.get("table9")
    if table9:
        check_runs("baselines.table9", [Run(s["dataset"], s["n"], s["seed"], m) for s in table9["runs"] for m in table9["methods"]])
    for name, fig in (section.get("toy_figures") or {}).items():
        if not fig:
            continue
        key = f"baselines.toy_figures.{name}"
        if fig["dataset"] not in datasets or datasets[fig["dataset"]]["type"] != "toy":
            problems.append(f"config key '{key}.dataset': {fig['dataset']!r} is not a 2-D mixture under 'datasets'")
            continue
        check_runs(key, [Run(fig["dataset"], fig["n"], fig["seed"], m) for m in fig["methods"]])
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


__all__ = ["check_config"]
