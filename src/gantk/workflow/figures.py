"""Which runs the paper's figures show beyond the first ones (issue 14), and the files they read.

:mod:`gantk.workflow.targets` resolves and checks every figure; this module adds

* the sample-grid figures of the paper that the workflow did not draw
  (:data:`SAMPLE_FIGURES`: rows of data subsets × methods, drawn like Fig 1):
  Fig 2 (multi-resolution GA-CNTK vs GA-CNTKg, CelebA-HQ), Fig 8 (batch-wise GA-CNTK on
  CelebA n = 2048 and ImageNet daisy n = 1300), Figs 12-14 (GA-CNTK without and with a
  generator on MNIST, CIFAR-10, CelebA), Fig 15 (multi-resolution GA-CNTK, CelebA-HQ) and
  Fig 16 (GA-CNTKg, CelebA-HQ);
* the per-data-set form of the one-run figures (Figs 3, 11, 20): paper Figs 3, 11
  and 20 have one panel per data set ((a) MNIST, (b) CIFAR-10, (c) CelebA; Fig 20 MNIST
  and CelebA), so ``figures.fig3`` may give ``rows`` (data subsets) and one ``method``
  instead of one run, or ``per_dataset: true`` to show the first fitting run of each data
  set of the experiments (:func:`fill_rows`; the default config's Fig 3);
* the nearest-neighbour files of Figs 17-19 (:func:`nearest_files`): the SSIM search runs
  in its own job (gantk.metrics.nearest_by_ssim) and the figure only draws.

Example (paper.yaml's Fig 3)::

    >>> row_runs({"rows": [{"dataset": "mnist", "n": 256, "seed": 0}], "method": "ga_cntk"})
    [Run(dataset='mnist', n=256, seed=0, method='ga_cntk')]
"""

from __future__ import annotations

from typing import Callable, Mapping

from gantk.workflow.runs import Run

#: Sample-grid figures (rows × methods, a training-data column first) and the method kinds
#: each shows when its config leaves rows and methods to the experiments.
SAMPLE_FIGURES: dict[str, tuple[str, ...]] = {
    "fig2": ("ga_ntk", "ga_ntkg"),
    "fig8": ("ga_ntk",),
    "fig12": ("ga_ntk", "ga_ntkg"),
    "fig13": ("ga_ntk", "ga_ntkg"),
    "fig14": ("ga_ntk", "ga_ntkg"),
    "fig15": ("ga_ntk",),
    "fig16": ("ga_ntkg",),
}


def has_rows(fig: Mapping | None) -> bool:
    """Whether a one-run figure's config lists data subsets (``rows``) instead of one run."""
    return bool(fig) and "rows" in fig


def row_runs(fig: Mapping) -> list[Run]:
    """The runs of a ``rows`` + ``method`` figure, one per row in order (empty without a method)."""
    if not fig.get("method"):
        return []
    return [Run(r["dataset"], int(r["n"]), int(r["seed"]), fig["method"]) for r in fig["rows"]]


def fill_rows(fig: dict, agreeing: list[Run], fits: Callable[[Run], bool]) -> None:
    """Fill in, in place, ``rows`` and ``method`` of a ``per_dataset`` figure.

    ``agreeing`` are the experiments' runs that agree with the figure's given fields, in
    order; of those that ``fits`` (else, when the figure names a field, of all of them: the
    figure checks then name the field, a wrong choice being an error), the figure's
    ``method`` (else the first run's) on the first subset of each data set that ran it.
    Nothing is filled when no run is left.
    """
    fitting = [r for r in agreeing if fits(r)]
    if not fitting and any(k in fig for k in ("dataset", "n", "seed", "method")):
        fitting = agreeing
    method = fig.get("method") or (fitting[0].method if fitting else None)
    subsets = {}
    for run in fitting:
        if run.method == method:
            subsets.setdefault(run.dataset, {"dataset": run.dataset, "n": run.n, "seed": run.seed})
    if subsets:
        fig["rows"], fig["method"] = list(subsets.values()), method


def row_problems(name: str, fig: Mapping) -> list[str]:
    """A ``rows`` figure must not also name one run's data subset (which would be ignored)."""
    given = [k for k in ("dataset", "n", "seed") if k in fig]
    if has_rows(fig) and given and not fig.get("per_dataset"):
        return [
            f"config key 'figures.{name}': give either rows (one panel per data subset) or "
            f"{', '.join(given)} of one run, not both"
        ]
    return []


def nearest_files(runs: list[Run], images: int, template: str) -> list[str]:
    """The nearest-neighbour file (``template`` filled in, with ``k`` = ``images``) of each run."""
    return [template.format(**run._asdict(), k=images) for run in runs]


__all__ = [
    "SAMPLE_FIGURES",
    "fill_rows",
    "has_rows",
    "nearest_files",
    "row_problems",
    "row_runs",
]
