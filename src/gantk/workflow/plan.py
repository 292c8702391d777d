"""What ``snakemake all`` makes for a config: the target lists, built from the checked config.

Targets follow the experiments (:mod:`gantk.workflow.targets`): every table and figure the
config sets is a target of ``all`` unless its runs are not in the experiments; those are
left out, each with one log line (:func:`left_out_lines`). The lists:

* :func:`table_targets` — the metrics table and Tables 1 and 2;
* :func:`figure_targets` — every figure of GA-NTK and GA-CNTKg runs (``figures``);
* :func:`baseline_targets` — Table 9 and the figures of the ``baselines`` section;
* :func:`reproduction_target` — the reproduction report, when any of Tables 1, 2, 9 is made;
* :func:`all_inputs` — all of these, in that order: the inputs of ``rule all``.

Example (the test config, ``config/test.yaml``, after ``validate_config``)::

    >>> figure_targets(config)[:2]   # doctest: +SKIP
    ['results/figures/fig1_samples.png', 'results/figures/fig3_learning_curve.png']
"""

from __future__ import annotations

from typing import Mapping

from gantk.workflow.baselines import BASELINE_TARGETS, baseline_needs
from gantk.workflow.paths import BASELINE_FIGURES, FIGURES, REPRODUCTION, TABLE, TABLE9, TABLES
from gantk.workflow.targets import left_out_line, target_needs

def left_out_lines(needs: Mapping[str, tuple[str, str]]) -> list[str]:
    """One log line per target of ``needs`` (name → (config key, needs), as
    :func:`gantk.workflow.targets.target_needs` and :func:`gantk.workflow.baselines.baseline_needs`
    give) that the experiments cannot make and ``all`` leaves out."""
    return [left_out_line(target, key, what) for target, (key, what) in needs.items()]


def table_targets(config: Mapping) -> list[str]:
    """The metrics table, and Tables 1 and 2 where the config sets them and the experiments make them."""
    left_out = target_needs(config)
    tables = [
        f"{TABLES[name]}.{ext}"
        for name in TABLES
        if config["tables"].get(name) and name not in left_out
        for ext in ("csv", "md")
    ]
    return [f"{TABLE}.csv", f"{TABLE}.md", *tables]


def figure_targets(config: Mapping) -> list[str]:
    """Every figure of :data:`gantk.workflow.paths.FIGURES` the config sets and the experiments make."""
    left_out = target_needs(config)
    return [path for name, path in FIGURES.items() if config["figures"].get(name) and name not in left_out]


def all_targets(config: Mapping) -> list[str]:
    """The metrics table, and every configured table and figure that the experiments make."""
    return [*table_targets(config), *figure_targets(config)]


def _baseline_configured(config: Mapping, name: str) -> bool:
    """Whether the config key of baseline target ``name`` (BASELINE_TARGETS) is set."""
    node = config
    for key in BASELINE_TARGETS[name].split("."):
        node = (node or {}).get(key)
    return bool(node)


def baseline_targets(config: Mapping) -> list[str]:
    """Table 9, Fig 9 and Figs 4/10 with every method, for those the config sets and the
    experiments make."""
    left_out = baseline_needs(config)
    paths = {
        "table9": [f"{TABLE9}.csv", f"{TABLE9}.md"],
        **{name: [path] for name, path in BASELINE_FIGURES.items()},
    }
    return [
        path
        for name in BASELINE_TARGETS
        if _baseline_configured(config, name) and name not in left_out
        for path in paths[name]
    ]


def reproduction_tables(config: Mapping) -> dict[str, str]:
    """Tables 1, 2 and 9 that the config sets and its experiments make: name → CSV."""
    left_out = target_needs(config)
    tables = {
        name: f"{TABLES[name]}.csv"
        for name in TABLES
        if config["tables"].get(name) and name not in left_out
    }
    if _baseline_configured(config, "table9") and "table9" not in baseline_needs(config):
        tables["table9"] = f"{TABLE9}.csv"
    return tables


def reproduction_target(config: Mapping) -> list[str]:
    """results/reproduction.md when the config makes any of Tables 1, 2 and 9."""
    return [REPRODUCTION] if reproduction_tables(config) else []


def all_inputs(config: Mapping) -> list[str]:
    """The inputs of ``rule all``: tables, figures, baseline targets, the reproduction report."""
    return [*all_targets(config), *baseline_targets(config), *reproduction_target(config)]


__all__ = [
    "all_inputs",
    "all_targets",
    "baseline_targets",
    "figure_targets",
    "left_out_lines",
    "reproduction_target",
    "reproduction_tables",
    "table_targets",
]
