"""Input functions of the paper's figures added beside the first rules (issue 14): Figs 4 and
10 with the methods of ``baselines.toy_figures`` beside the truth, and Figs 17–19 from the
saved nearest-neighbour searches (rule ``nearest``). Functions of (config, figure name) that
return Snakemake input functions; ``workflow/rules/common.smk`` binds the config.
Which runs a figure shows is :mod:`gantk.workflow.figures` and :mod:`gantk.workflow.targets`.
"""

from __future__ import annotations

from typing import Callable, Mapping

from gantk.workflow.baselines import baseline_needs, toy_figure_runs
from gantk.workflow.figures import nearest_files
from gantk.workflow.inputs import figure_config, figure_inputs, run_file
from gantk.workflow.paths import METRICS, NEAREST
from gantk.workflow.runs import Run
from gantk.workflow.targets import figure_runs

#: Each sample figure's title (the paper's caption, shortened).
SAMPLE_TITLES = {
    "fig2": "GA-CNTK (a) without and (b) with a generator",
    "fig8": "Batch-wise GA-CNTK (Eq. 5)",
    "fig12": "GA-CNTK (a) without and (b) with a generator",
    "fig13": "GA-CNTK (a) without and (b) with a generator",
    "fig14": "GA-CNTK (a) without and (b) with a generator",
    "fig15": "Multi-resolution GA-CNTK",
    "fig16": "GA-CNTKg",
}


def nearest_inputs(config: Mapping, name: str) -> Callable:
    """Input function of Figs 17–19: the saved nearest-neighbour search of each shown run."""

    def inputs(wildcards) -> dict[str, list[str]]:
        fig = figure_config(config, name)
        return {"nearest": nearest_files(figure_runs(config, name), fig["images"], NEAREST)}

    return inputs


def toy_methods_shown(config: Mapping, name: str) -> list[Run]:
    """The runs of ``baselines.toy_figures.{name}_methods`` that Fig 4 / Fig 10 shows beside
    the truth (the paper's panels): [] when not configured, not made, or on another mixture."""
    key = f"{name}_methods"
    shown = ((config.get("baselines") or {}).get("toy_figures") or {}).get(key)
    fig = config["figures"].get(name) or {}
    if not shown or key in baseline_needs(config) or shown["dataset"] != fig.get("dataset"):
        return []
    return toy_figure_runs(config, key)


def toy_figure_inputs(config: Mapping, name: str) -> Callable:
    """Input function of Fig 4 / Fig 10: the GA-NTK run along its steps, and the final samples
    and scores of every method :func:`toy_methods_shown` gives."""
    along_run = figure_inputs(config, name, "snapshots.npz", data=True, along=True, metrics=True)

    def inputs(wildcards) -> dict[str, list[str]]:
        runs = toy_methods_shown(config, name)
        return {
            **along_run(wildcards),
            "method_samples": [run_file(r, "samples.npz") for r in runs],
            "method_metrics": [METRICS.format(**r._asdict()) for r in runs],
        }

    return inputs


__all__ = ["SAMPLE_TITLES", "nearest_inputs", "toy_figure_inputs", "toy_methods_shown"]
