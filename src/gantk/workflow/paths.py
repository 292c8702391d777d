"""Every path template of the workflow, in one place, and the wildcard patterns they use.

A template is a ``str.format`` pattern whose fields are the rules' wildcards: ``{dataset}``
(a key of the config's ``datasets``), ``{n}`` and ``{seed}`` (a data subset), ``{method}``
(a key of ``methods``), ``{kernel}`` (a kernel preset), ``{zset}`` (an extra Z set of a
GA-NTK run, 1, 2, ...), ``{ae_scope}`` (``split`` or ``n{n}_s{seed}``), ``{tuned}`` (a
method of Fig 9's grid search). The rules in ``workflow/rules/*.smk`` write these files;
the input functions (:mod:`gantk.workflow.inputs` and beside it) fill them in for a run.
All paths are relative to the workflow's working directory.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from gantk.workflow.runs import Run, expand_runs, methods_of_kind, run_kernels

# Data subsets, λ and runs --------------------------------------------------------------

#: A data subset: n real points drawn with ``seed`` from the data set's selection.
DATA = "results/data/{dataset}/n{n}_s{seed}.npz"
#: Held-out real points drawn beside the subset (the reference of the metrics).
HELDOUT = "results/data/{dataset}/n{n}_s{seed}_heldout.npz"
#: Algorithm 1's λ of one kernel on one subset, with its search trace.
LAMBDA = "results/lambda/{dataset}/{kernel}/n{n}_s{seed}.json"
#: The folder of one run (samples.npz, curve.csv, snapshots.npz, params.json, ...).
RUN = "results/runs/{dataset}/n{n}_s{seed}/{method}"
#: A run's checkpoints while it runs (not an output; removed once the run is saved).
CHECKPOINT = "results/checkpoints/{dataset}/n{n}_s{seed}/{method}"

# Metrics and tables ---------------------------------------------------------------------

METRICS = "results/metrics/{dataset}/n{n}_s{seed}/{method}.json"
ALONG_RUN = "results/metrics/{dataset}/n{n}_s{seed}/{method}_along_run.csv"
REFERENCE = "results/metrics/{dataset}/n{n}_s{seed}/reference/heldout.json"
#: The metrics table (``.csv`` and ``.md``).
TABLE = "results/tables/metrics"
#: Tables 1 and 2 of the paper (``.csv`` and ``.md``).
TABLES = {"table1": "results/tables/table1", "table2": "results/tables/table2"}
#: Table 9 of the paper, the GAN baselines' speed (``.csv`` and ``.md``).
TABLE9 = "results/tables/table9"
REPRODUCTION = "results/reproduction.md"

# Figures --------------------------------------------------------------------------------

#: The folder of Fig 5's gradient-norm experiment.
GRADIENT_NORMS = "results/gradient_norms/{dataset}/n{n}_s{seed}"
#: The figures of GA-NTK and GA-CNTKg runs, by target name (the order of ``all``'s inputs).
FIGURES = {
    "fig1": "results/figures/fig1_samples.png",
    "fig3": "results/figures/fig3_learning_curve.png",
    "fig4": "results/figures/fig4_toy25.png",
    "fig5": "results/figures/fig5_gradient_norms.png",
    "fig6": "results/figures/fig6_kernels.png",
    "fig7": "results/figures/fig7_mean_image.png",
    "fig10": "results/figures/fig10_toy8.png",
    "fig17": "results/figures/fig17_nearest.png",
    "fig18": "results/figures/fig18_nearest.png",
    "fig19": "results/figures/fig19_nearest.png",
    "frontier": "results/figures/frontier.png",
    "fig11": "results/figures/fig11_generator_learning_curve.png",
    "fig20": "results/figures/fig20_latent_grid.png",
    "fig2": "results/figures/fig2_multires_celeba_hq.png",
    "fig8": "results/figures/fig8_batchwise.png",
    "fig12": "results/figures/fig12_generator_mnist.png",
    "fig13": "results/figures/fig13_generator_cifar10.png",
    "fig14": "results/figures/fig14_generator_celeba.png",
    "fig15": "results/figures/fig15_multires_samples.png",
    "fig16": "results/figures/fig16_generator_celeba_hq.png",
}
#: The first k samples of a run and their nearest training images by SSIM (paper §11; Figs 17–19).
NEAREST = "results/nearest/{dataset}/n{n}_s{seed}/{method}_k{k}.npz"
#: The figures of the GAN baselines' section (``baselines``), by target name.
BASELINE_FIGURES = {
    "fig4_methods": "results/figures/fig4_toy25_methods.png",
    "fig10_methods": "results/figures/fig10_toy8_methods.png",
    "fig9": "results/figures/fig9_sensitivity.png",
}
#: One grid-search table of Fig 9: method ``tuned`` on one mixture subset.
SENSITIVITY = "results/sensitivity/{dataset}/n{n}_s{seed}/{tuned}.csv"

# GA-CNTKg ---------------------------------------------------------------------------------

#: An autoencoder: trained on the data set's selection (``split``) or on one subset (``n{n}_s{seed}``).
AE_DIR = "results/ae/{dataset}/{ae_scope}"
#: Algorithm 1's λ of a code-space kernel on one subset's codes.
LAMBDA_CODE = "results/lambda/{dataset}/code_{kernel}/n{n}_s{seed}.json"
#: Fig 20's decoded 2-D latent grid of one GA-CNTKg run.
LATENT_GRID = f"{RUN}/latent_grid.npz"

# FID and the frontier ---------------------------------------------------------------------

FID_EXTRACTOR = "results/fid/extractor.json"
FID_SPLIT_STATS = "results/fid/{dataset}/split_stats.npz"
FID_SUBSET_STATS = "results/fid/{dataset}/n{n}_s{seed}/subset_stats.npz"
#: The folder of extra Z set ``zset`` (1, 2, ...) of a GA-NTK run scored by FID.
ZSET_RUN = "results/runs/{dataset}/n{n}_s{seed}/{method}/zsets/z{zset}"
FID = "results/metrics/{dataset}/n{n}_s{seed}/{method}_fid.json"
FID_ALONG_RUN = "results/metrics/{dataset}/n{n}_s{seed}/{method}_fid_along_run.csv"
FID_HELDOUT = "results/metrics/{dataset}/n{n}_s{seed}/reference/heldout_fid.json"
FRONTIER_TABLE = "results/frontier/frontier.csv"
FRONTIER_REFERENCES = "results/frontier/references.csv"


def run_file(run: Run, name: str) -> str:
    """Path of file ``name`` (``samples.npz``, ``curve.csv``, ...) in the folder of ``run``."""
    return f"{RUN}/{name}".format(**run._asdict())


def run_path(template: str, run: Run) -> str:
    """``template`` (METRICS, ALONG_RUN, FID, ...) filled in for ``run``."""
    return template.format(**run._asdict())


def subset_path(template: str, dataset: str, n: int | str, seed: int | str) -> str:
    """``template`` (DATA, REFERENCE, ...) filled in for the data subset (dataset, n, seed)."""
    return template.format(dataset=dataset, n=n, seed=seed)


def run_subset_path(template: str, run: Run) -> str:
    """``template`` (DATA, REFERENCE, ...) filled in for the data subset of ``run``."""
    return subset_path(template, run.dataset, run.n, run.seed)


def run_of(wildcards) -> Run:
    """The Run a job's wildcards name (``dataset``, ``n``, ``seed``, ``method``)."""
    return Run(wildcards.dataset, int(wildcards.n), int(wildcards.seed), wildcards.method)


def alternatives(names: Iterable) -> str:
    """A regex matching exactly one of ``names`` (a wildcard constraint)."""
    return "|".join(re.escape(str(name)) for name in names)


def method_pattern(config: Mapping, kind: str) -> str:
    """The ``{method}`` constraint of a rule that makes runs of ``kind`` (``ga_ntk``, ``ga_ntkg``,
    ``gan``): the config's methods of that kind, or a regex matching nothing when it has none."""
    return alternatives(methods_of_kind(config, kind)) or "(?!)"


def wildcard_patterns(config: Mapping) -> dict[str, str]:
    """The regex each shared wildcard matches: a data set or method the config defines, a
    kernel some run of the experiments uses, a subset size n ≥ 1 and a seed ≥ 0 (no leading zeros)."""
    kernels = sorted({k for r in expand_runs(config) for k in run_kernels(config, r)})
    return {
        "dataset": alternatives(config["datasets"]),
        "method": alternatives(config["methods"]),
        "kernel": alternatives(kernels),
        "n": "[1-9][0-9]*",
        "seed": "0|[1-9][0-9]*",
    }


__all__ = [
    "ALONG_RUN",
    "AE_DIR",
    "BASELINE_FIGURES",
    "CHECKPOINT",
    "DATA",
    "FID",
    "FID_ALONG_RUN",
    "FID_EXTRACTOR",
    "FID_HELDOUT",
    "FID_SPLIT_STATS",
    "FID_SUBSET_STATS",
    "FIGURES",
    "NEAREST",
    "FRONTIER_REFERENCES",
    "FRONTIER_TABLE",
    "GRADIENT_NORMS",
    "HELDOUT",
    "LAMBDA",
    "LAMBDA_CODE",
    "LATENT_GRID",
    "METRICS",
    "REFERENCE",
    "REPRODUCTION",
    "RUN",
    "SENSITIVITY",
    "TABLE",
    "TABLE9",
    "TABLES",
    "ZSET_RUN",
    "alternatives",
    "method_pattern",
    "run_file",
    "run_of",
    "run_path",
    "run_subset_path",
    "subset_path",
    "wildcard_patterns",
]
