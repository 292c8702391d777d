"""Which figures and tables the experiments of a workflow config can make.

Targets follow the experiments. A figure names the runs it shows (``figures.fig3``:
``dataset``, ``n``, ``seed``, ``method``; ``figures.fig1``: ``rows`` × ``methods``), or
leaves them out and :func:`resolve_figures` picks them from the experiments:

* a one-run figure (:data:`SINGLE_RUN_FIGURES`) shows the first run of the experiments
  that fits it (Fig 3: a GA-NTK run on images; Fig 7: one with ``batch_size: 1``; ...)
  and agrees with the run fields the config does give;
* a grid figure (:data:`GRID_FIGURES`) shows every image subset of the experiments ×
  the methods of the fitting kinds run on all of them (given ``rows``: the methods run
  on all of those; given ``methods``: the subsets that ran all of them, or when none did,
  the first subset that ran any of them with those it ran).

A configured figure or table whose runs are not all in the experiments is not an error:
:func:`figure_needs` / :func:`table_needs` say what it lacks, the workflow leaves it out
of ``all`` with one log line (:func:`left_out_line`), and asking for it by name stops
with that sentence (:func:`cannot_make`). Fig 5 (the gradient-norm experiment) is made
when its data subset is one of the experiments'. So a config of only ``datasets:`` and
``experiments:`` given with ``--configfile`` over the default gets every target its
runs can make.

Example (the default config's ``fig3: {strip: 6, images: 3}``)::

    >>> resolve_figures(config)["figures"]["fig3"]   # doctest: +SKIP
    {'strip': 6, 'images': 3, 'dataset': 'digits', 'n': 64, 'seed': 0, 'method': 'ga_cntk'}
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, NamedTuple

from gantk.workflow.figures import (
    SAMPLE_FIGURES,
    fill_rows,
    has_rows,
    row_runs,
)
from gantk.workflow.runs import Run, expand_runs, method_kind, run_settings

#: The fields that name a one-run figure's run.
RUN_KEYS = ("dataset", "n", "seed", "method")


class RunFit(NamedTuple):
    """Which runs a one-run figure can show: ``what`` in words, ``test(config, run)``."""

    what: str
    test: Callable[[Mapping, Run], bool]


def _data(config: Mapping, run: Run) -> Mapping:
    return config["datasets"][run.dataset]


def _ga_ntk_on(data_type: str, source: str | None = None) -> Callable[[Mapping, Run], bool]:
    def test(config: Mapping, run: Run) -> bool:
        data = _data(config, run)
        return (
            method_kind(config, run) == "ga_ntk"
            and data["type"] == data_type
            and (source is None or data["source"] == source)
        )

    return test


def _mean_image_run(config: Mapping, run: Run) -> bool:
    return _ga_ntk_on("images")(config, run) and run_settings(config, run).get("batch_size") == 1


def _generator_run(config: Mapping, run: Run) -> bool:
    return method_kind(config, run) == "ga_ntkg"


def _latent_grid_run(config: Mapping, run: Run) -> bool:
    return _generator_run(config, run) and run_settings(config, run).get("latent_dim") == 2


#: One-run figures and the runs each fits when its config leaves the run out.
SINGLE_RUN_FIGURES: dict[str, RunFit] = {
    "fig3": RunFit("a GA-NTK run (kind ga_ntk) on an image data set", _ga_ntk_on("images")),
    "fig4": RunFit("a GA-NTK run on the 25-mode mixture (source grid25)", _ga_ntk_on("toy", "grid25")),
    "fig10": RunFit("a GA-NTK run on the 8-mode mixture (source ring8)", _ga_ntk_on("toy", "ring8")),
    "fig7": RunFit("a GA-NTK run on images with batch_size 1", _mean_image_run),
    "fig11": RunFit("a GA-CNTKg run (kind ga_ntkg)", _generator_run),
    "fig20": RunFit("a GA-CNTKg run with latent_dim 2", _latent_grid_run),
}

#: Grid figures (image subsets × methods) and the method kinds each shows by default.
GRID_FIGURES: dict[str, tuple[str, ...]] = {
    "fig1": ("ga_ntk",),
    "fig6": ("ga_ntk",),
    "fig17": ("ga_ntk", "ga_ntkg"),
    "fig18": ("ga_ntk", "ga_ntkg"),
    "fig19": ("ga_ntk", "ga_ntkg"),
    "frontier": ("ga_ntk",),
    **SAMPLE_FIGURES,
}

_KIND_NAMES = {"ga_ntk": "GA-NTK", "ga_ntkg": "GA-CNTKg"}


# --------------------------------------------------------------------------------------
# Filling in a figure's runs


def resolve_figures(config: dict) -> dict:
    """Fill in, in place, the runs of every figure that leaves them to the experiments.

    A figure with no fitting run keeps its fields as they are; :func:`figure_needs` then
    says what it lacks. Figures that name their runs are not changed. Returns ``config``.
    """
    figures = config.get("figures") or {}
    runs = expand_runs(config)
    for name, fit in SINGLE_RUN_FIGURES.items():
        fig = figures.get(name)
        if fig and fig.get("per_dataset") and not has_rows(fig):
            fill_rows(fig, [r for r in runs if _agrees(fig, r)], lambda r, fit=fit: fit.test(config, r))
        elif fig and not has_rows(fig) and not all(k in fig for k in RUN_KEYS):
            match = _first_fit(config, runs, fig, fit)
            if match is not None:
                fig.update(match._asdict())
    for name, kinds in GRID_FIGURES.items():
        fig = figures.get(name)
        if fig and not ("rows" in fig and "methods" in fig):
            rows, methods = _grid_selection(config, runs, fig, kinds)
            if rows and methods:
                fig["rows"] = [{"dataset": d, "n": n, "seed": s} for d, n, s in rows]
                fig["methods"] = methods
    return config


def _first_fit(config: Mapping, runs: list[Run], fig: Mapping, fit: RunFit) -> Run | None:
    """The first run that agrees with the figure's given fields and fits it. When runs agree
    with given fields but none fits, the first of them: the figure checks then name the
    field (a wrong choice of the user's is an error, not a figure left out)."""
    agreeing = [r for r in runs if _agrees(fig, r)]
    match = next((r for r in agreeing if fit.test(config, r)), None)
    if match is None and agreeing and any(k in fig for k in RUN_KEYS):
        return agreeing[0]
    return match


def _agrees(fig: Mapping, run: Run) -> bool:
    return all(fig[k] == getattr(run, k) for k in RUN_KEYS if k in fig)


def _grid_selection(
    config: Mapping, runs: list[Run], fig: Mapping, kinds: tuple[str, ...]
) -> tuple[list[tuple], list[str]]:
    """(rows, methods) of a grid figure from the image runs of the given method kinds."""
    named = fig.get("methods") or ()  # named methods are shown whatever their kind (Fig 1's GANs)
    fitting = [r for r in runs if _data(config, r)["type"] == "images" and (method_kind(config, r) in kinds or r.method in named)]
    made = set(fitting)
    subsets = list(dict.fromkeys((r.dataset, r.n, r.seed) for r in fitting))
    order = list(dict.fromkeys(r.method for r in fitting))

    def methods_on(rows: list[tuple]) -> list[str]:
        return [m for m in order if all(Run(*row, m) in made for row in rows)]

    if "rows" in fig:
        rows = [(r["dataset"], r["n"], r["seed"]) for r in fig["rows"]]
        return rows, methods_on(rows)
    if "methods" in fig:
        rows = [s for s in subsets if all(Run(*s, m) in made for m in fig["methods"])]
        ran = [m for m in fig["methods"] if subsets and Run(*subsets[0], m) in made]
        return (rows, list(fig["methods"])) if rows else (subsets[:1], ran)
    if not subsets:
        return [], []
    # Every subset when they share a method; else the first subset and its methods.
    return (subsets, methods_on(subsets)) if methods_on(subsets) else (subsets[:1], methods_on(subsets[:1]))


def figure_runs(config: Mapping, name: str) -> list[Run]:
    """The runs figure ``name`` shows, in drawing order (empty if it is not configured,
    shows no run (Fig 5) or has runs left to the experiments that none fit)."""
    fig = (config.get("figures") or {}).get(name)
    if not fig:
        return []
    if name in GRID_FIGURES:
        if "rows" not in fig or "methods" not in fig:
            return []
        return [Run(r["dataset"], r["n"], r["seed"], m) for r in fig["rows"] for m in fig["methods"]]
    if has_rows(fig):
        return row_runs(fig)
    if not all(k in fig for k in RUN_KEYS):
        return []
    runs = [Run(*(fig[k] for k in RUN_KEYS))]
    if fig.get("compare"):
        runs.append(Run(fig["dataset"], fig["n"], fig["seed"], fig["compare"]))
    return runs


# --------------------------------------------------------------------------------------
# What a target lacks


def describe_runs(runs: Iterable[Run], limit: int = 3) -> str:
    """``run grid25 n=256 seed=0 ga_fntk`` or ``runs a, b, c and 4 more``."""
    runs = list(runs)
    shown = [f"{r.dataset} n={r.n} seed={r.seed} {r.method}" for r in runs[:limit]]
    more = f" and {len(runs) - limit} more" if len(runs) > limit else ""
    return f"run{'s' if len(runs) > 1 else ''} {', '.join(shown)}{more}"


def describe_subsets(subsets: Iterable[tuple]) -> str:
    """``the data subset ring8 n=32 seed=0`` (or ``subsets`` for several)."""
    subsets = list(subsets)
    shown = ", ".join(f"{d} n={n} seed={s}" for d, n, s in subsets)
    return f"the data subset{'s' if len(subsets) > 1 else ''} {shown}"


def experiment_subsets(config: Mapping) -> set[tuple]:
    """Every (dataset, n, seed) of the experiments."""
    return {(r.dataset, r.n, r.seed) for r in expand_runs(config)}


def figure_needs(config: Mapping, name: str) -> str | None:
    """What the experiments lack for figure ``name``, in words; None when it can be made
    (or is not configured: absent or null).

    Call it on a config after :func:`resolve_figures` (``validate_config`` does both).
    """
    fig = (config.get("figures") or {}).get(name)
    if not fig:
        return None
    if name == "fig5":
        subset = (fig["dataset"], fig["n"], fig["seed"])
        return None if subset in experiment_subsets(config) else f"{describe_subsets([subset])} in an experiment"
    if name in GRID_FIGURES and not ("rows" in fig and "methods" in fig):
        kinds = " or ".join(_KIND_NAMES[k] for k in GRID_FIGURES[name])
        if "methods" in fig:
            return f"a run of {' or '.join(fig['methods'])} on an image data set in the experiments"
        if "rows" in fig:
            return f"a {kinds} method run on every given row in the experiments"
        return f"a {kinds} run on an image data set in the experiments"
    if name in SINGLE_RUN_FIGURES and not has_rows(fig) and not all(k in fig for k in RUN_KEYS):
        pinned = ", ".join(f"{k} {fig[k]}" for k in RUN_KEYS if k in fig)
        return SINGLE_RUN_FIGURES[name].what + (f" with {pinned}" if pinned else "") + " in the experiments"
    runs = set(expand_runs(config))
    missing = [r for r in figure_runs(config, name) if r not in runs]
    return f"{describe_runs(missing)} in the experiments" if missing else None


def table_sizes(table: Mapping) -> list[int]:
    """The subset sizes of ``tables.table1`` / ``tables.table2`` (one size or a list)."""
    return list(table["n"]) if isinstance(table["n"], list) else [table["n"]]


def table_runs(config: Mapping, name: str) -> list[Run]:
    """The image runs table ``name`` lists: those with an n of ``tables.{name}.n``."""
    table = (config.get("tables") or {}).get(name)
    if not table:
        return []
    sizes = table_sizes(table)
    return [r for r in expand_runs(config) if r.n in sizes and _data(config, r)["type"] == "images"]


def table_needs(config: Mapping, name: str) -> str | None:
    """What the experiments lack for table ``name`` (None: it can be made or is not configured)."""
    table = (config.get("tables") or {}).get(name)
    if not table or table_runs(config, name):
        return None
    return f"image runs with n in {table_sizes(table)} in the experiments"


def target_needs(config: Mapping) -> dict[str, tuple[str, str]]:
    """Every configured figure and table the experiments cannot make: name → (config key, needs)."""
    out = {}
    for name in sorted((config.get("figures") or {}), key=_figure_number):
        needs = figure_needs(config, name)
        if needs:
            out[name] = (f"figures.{name}", needs)
    for name in sorted(config.get("tables") or {}):
        needs = table_needs(config, name)
        if needs:
            out[name] = (f"tables.{name}", needs)
    return out


def _figure_number(name: str) -> tuple:
    digits = "".join(c for c in name if c.isdigit())
    return (int(digits) if digits else 0, name)


def left_out_line(target: str, key: str, needs: str) -> str:
    """The log line of a target left out of ``all``."""
    return f"{target} is left out of 'all': it needs {needs} (config key '{key}')"


def cannot_make(target: str, key: str, needs: str) -> str:
    """The error of a target asked for by name whose runs are not in the experiments."""
    return (
        f"config key '{key}': {target} cannot be made: it needs {needs}; "
        f"add such runs to 'experiments' or name runs of the experiments under '{key}'"
    )


__all__ = [
    "GRID_FIGURES",
    "RUN_KEYS",
    "SINGLE_RUN_FIGURES",
    "RunFit",
    "cannot_make",
    "describe_runs",
    "describe_subsets",
    "experiment_subsets",
    "figure_needs",
    "figure_runs",
    "left_out_line",
    "resolve_figures",
    "table_needs",
    "table_runs",
    "table_sizes",
    "target_needs",
]
