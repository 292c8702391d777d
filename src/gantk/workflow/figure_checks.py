"""Checks of the config's ``figures`` section against the rest of the config: every name a
figure gives is defined, and a figure that can be made shows runs of its data type and
kind (Fig 7 a ``batch_size: 1`` run, Figs 11/20 GA-CNTKg runs, the frontier GA-NTK runs
and FID). Each problem is one line naming the config key, as
:class:`gantk.workflow.config.ConfigError` lists them. Which runs a figure shows and what
it lacks when they are not in the experiments is :mod:`gantk.workflow.targets`.
"""

from __future__ import annotations

from typing import Mapping

from gantk.workflow.figures import SAMPLE_FIGURES, row_problems
from gantk.workflow.runs import Run, method_kind, run_settings
from gantk.workflow.targets import figure_needs, figure_runs

#: The data each figure shows (a figure's runs must be on data sets of this type).
FIGURE_DATA_TYPES = {
    "fig1": "images",
    "fig3": "images",
    "fig6": "images",
    "fig7": "images",
    "fig4": "toy",
    "fig10": "toy",
    "fig11": "images",
    "fig20": "images",
    "fig17": "images",
    "fig18": "images",
    "fig19": "images",
    "frontier": "images",
    **{name: "images" for name in SAMPLE_FIGURES},
}


def check_figures(config: Mapping) -> list[str]:
    """Problems with the ``figures`` section, one line each naming the key.

    A figure must name data sets and methods that the config defines; a figure that can
    be made must show runs of its data type (and Figs 7, 11, 20 runs of their kind).
    Runs that are not in the experiments are no problem here (see :func:`figure_needs`).
    """
    figures = config.get("figures") or {}
    problems = [p for name, fig in figures.items() if fig for p in _undefined_names(config, name, fig) + row_problems(name, fig)]
    if problems:
        return problems
    for name, fig in figures.items():
        if not fig or figure_needs(config, name):
            continue
        problems += _wrong_data(config, name)
        problems += _wrong_kind(config, name, fig)
    return problems + _check_frontier(config)


def _check_frontier(config: Mapping) -> list[str]:
    """The frontier figure needs FID (``metrics.fid``) and GA-NTK runs on free points."""
    fig = (config.get("figures") or {}).get("frontier")
    if not fig:
        return []
    problems = []
    if not (config.get("metrics") or {}).get("fid"):
        problems.append(
            "config key 'metrics.fid' is missing: figures.frontier scores FID along each run with "
            "the extractor and split statistics of metrics.fid (set at least {samples: ...})"
        )
    for j, method in enumerate(fig.get("methods") or []):
        kind = config["methods"].get(method, {}).get("kind", "ga_ntk")
        if method in config["methods"] and kind != "ga_ntk":
            problems.append(
                f"config key 'figures.frontier.methods[{j}]': {method!r} is of kind {kind!r}; the frontier "
                "follows GA-NTK runs on free points (kind ga_ntk) along their snapshots"
            )
    return problems


def _undefined_names(config: Mapping, name: str, fig: Mapping) -> list[str]:
    datasets, methods = config["datasets"], config["methods"]
    named = [("dataset", fig.get("dataset"), datasets)]
    named += [(f"rows[{i}].dataset", row["dataset"], datasets) for i, row in enumerate(fig.get("rows") or [])]
    named += [("method", fig.get("method"), methods), ("compare", fig.get("compare"), methods)]
    named += [(f"methods[{i}]", m, methods) for i, m in enumerate(fig.get("methods") or [])]
    problems = [
        f"config key 'figures.{name}.{key}': {value!r} is not defined under "
        f"'{'datasets' if defined is datasets else 'methods'}'; defined: {', '.join(map(repr, defined))}"
        for key, value, defined in named
        if value is not None and value not in defined
    ]
    if name == "fig5" and not problems and datasets[fig["dataset"]]["type"] != "images":
        images = ", ".join(repr(n) for n, d in datasets.items() if d["type"] == "images")
        problems.append(
            f"config key 'figures.fig5.dataset': {fig['dataset']!r} is not an image data set under 'datasets'; "
            f"image data sets: {images}"
        )
    return problems


def _wrong_data(config: Mapping, name: str) -> list[str]:
    wanted = FIGURE_DATA_TYPES.get(name)
    for run in figure_runs(config, name):
        found = config["datasets"][run.dataset]["type"]
        if found != wanted:
            return [f"config key 'figures.{name}': {name} shows {wanted} data, but {run.dataset!r} is of type {found!r}"]
    return []


def _wrong_kind(config: Mapping, name: str, fig: Mapping) -> list[str]:
    if name not in ("fig7", "fig11", "fig20"):
        return []
    return [p for run in figure_runs(config, name)[: 1 if name == "fig7" else None] for p in _run_kind(config, name, run)]


def _run_kind(config: Mapping, name: str, run: Run) -> list[str]:
    settings = run_settings(config, run)
    if name == "fig7" and settings.get("batch_size") != 1:
        return [
            f"config key 'figures.fig7.method': {run.method!r} has batch_size {settings.get('batch_size')}; "
            "the mean-image figure shows a batch_size 1 run"
        ]
    if name in ("fig11", "fig20") and method_kind(config, run) != "ga_ntkg":
        return [f"config key 'figures.{name}.method': {run.method!r} is not a GA-CNTKg method (kind ga_ntkg)"]
    if name == "fig20" and settings.get("latent_dim") != 2:
        return [
            f"config key 'figures.fig20.method': {run.method!r} has latent_dim {settings.get('latent_dim', 64)}; "
            "the latent grid needs latent_dim 2"
        ]
    return []


__all__ = ["FIGURE_DATA_TYPES", "check_figures"]
