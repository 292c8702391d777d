"""Input and parameter functions of the workflow's core rules: downloads, data subsets, λ
search, GA-NTK synthesis, metrics, the figures and the tables.

Each is a plain function of the checked config (:func:`gantk.workflow.config.validate_config`)
and a job's ``wildcards`` (anything with the wildcards as attributes, e.g. Snakemake's);
``workflow/rules/common.smk`` binds the config (``functools.partial``) so that a rule
calls it with the wildcards alone. Functions that take a figure or table name return the
input function of that target. Paths come from :mod:`gantk.workflow.paths`.
"""

from __future__ import annotations

from typing import Callable, Mapping

from gantk.data.checksums import DOWNLOADS
from gantk.data.download import dataset_urls
from gantk.data.folder import folder_fingerprint
from gantk.data.registry import resolve_options, selection_files
from gantk.workflow.fid import fid_runs
from gantk.workflow.paths import (
    ALONG_RUN,
    DATA,
    FID,
    FIGURES,
    GRADIENT_NORMS,
    LAMBDA,
    METRICS,
    REFERENCE,
    run_file,
    run_of,
    run_path,
    run_subset_path,
    subset_path,
)
from gantk.workflow.plan import reproduction_tables
from gantk.workflow.runs import expand_runs, run_kernels, run_settings
from gantk.workflow.targets import cannot_make, figure_needs, figure_runs, table_needs, table_runs

# Data -------------------------------------------------------------------------------------


def published_file(wildcards):
    """Name, size and SHA-256 of the file ``data/{source}/{file}`` a download job fetches."""
    files, _ = DOWNLOADS[wildcards.source]
    return {f.name: f for f in files}[wildcards.file]


def download_urls(config: Mapping, wildcards) -> list[str]:
    """URLs of a published file, on the mirrors a data set of that source names (or the default ones)."""
    mirrors = [
        d["options"]["mirrors"]
        for d in config["datasets"].values()
        if d["source"] == wildcards.source and d["options"].get("mirrors")
    ]
    return dataset_urls(wildcards.source, mirrors[0] if mirrors else None)[wildcards.file]


def dataset_files(config: Mapping, wildcards, options: Mapping | None = None) -> list[str]:
    """The files a data set's selection reads that its jobs track: an MNIST split's two
    published files (a CIFAR-10 archive), a folder's list file (gantk.data.registry.selection_files).

    ``options`` override the data set's (an autoencoder's ``options``). Published files
    under data/{source}/ are fetched by the download rule; elsewhere they must be there.
    """
    data = config["datasets"][wildcards.dataset]
    if data["type"] != "images":
        return []
    return selection_files(data["source"], {**data["options"], **(options or {})})


def dataset_fingerprint(config: Mapping, wildcards, options: Mapping | None = None) -> str | None:
    """A digest of a folder data set's selected files (paths, sizes, times), None for other
    sources; ``options`` override the data set's (gantk.data.folder.folder_fingerprint).
    """
    data = config["datasets"][wildcards.dataset]
    if data["type"] != "images" or data["source"] != "folder":
        return None
    opts = resolve_options("folder", {**data["options"], **(options or {})})
    return folder_fingerprint(opts["root"], opts["glob"], opts["list"])


def dataset_settings(config: Mapping, wildcards, options: Mapping | None = None) -> Mapping:
    """The config block of the job's data set (a job parameter). A folder's block also holds
    its fingerprint, so that changing the folder's images reruns the jobs that read them.
    """
    data = config["datasets"][wildcards.dataset]
    fingerprint = dataset_fingerprint(config, wildcards, options)
    return data if fingerprint is None else {**data, "fingerprint": fingerprint}


def reference_seed(config: Mapping, wildcards) -> int:
    """Seed of the held-out reference drawn beside subset seed ``s``."""
    return int(wildcards.seed) + config["metrics"]["reference_seed_offset"]


def resource(config: Mapping, rule_name: str, key: str):
    """A job resource (threads, mem_mb, runtime, gpu) of ``rule_name`` from the config's ``resources``."""
    return config["resources"][rule_name][key]


# Runs -------------------------------------------------------------------------------------


def job_run_settings(config: Mapping, wildcards) -> dict:
    """The settings of the job's run (experiment overrides applied, kernels resolved)."""
    return run_settings(config, run_of(wildcards))


def lambda_inputs(config: Mapping, wildcards) -> list[str]:
    """One λ-search result per kernel of the run, in the order of its ``kernels``."""
    run = run_of(wildcards)
    return [
        LAMBDA.format(dataset=run.dataset, kernel=k, n=run.n, seed=run.seed)
        for k in run_kernels(config, run)
    ]


def stop_inputs(config: Mapping, wildcards) -> dict[str, str]:
    """The held-out reference a ``heldout_am_ssim`` stopping rule reads (no input for other rules)."""
    stop = job_run_settings(config, wildcards).get("stop") or {}
    if stop.get("rule") != "heldout_am_ssim":
        return {}
    return {"reference": subset_path(REFERENCE, wildcards.dataset, wildcards.n, wildcards.seed)}


def run_stop_file(config: Mapping, wildcards) -> dict[str, str]:
    """The stop.json of a GA-NTK or GA-CNTKg run (GAN baselines have their own early stopping)."""
    if config["methods"][wildcards.method].get("kind", "ga_ntk") == "gan":
        return {}
    return {"stop": run_file(run_of(wildcards), "stop.json")}


# Figures ----------------------------------------------------------------------------------


def figure_config(config: Mapping, name: str) -> Mapping:
    """The settings of figure ``name``; a clear error if the config or its experiments do not make it."""
    fig = config["figures"].get(name)
    if not fig:
        raise ValueError(
            f"figure {name} is not configured: set config key 'figures.{name}' "
            f"(see config/config.yaml) to make {FIGURES[name]}"
        )
    needs = figure_needs(config, name)
    if needs:
        raise ValueError(cannot_make(name, f"figures.{name}", needs))
    return fig


def figure_inputs(
    config: Mapping, name: str, *files: str, data=False, metrics=False, along=False, reference=False
) -> Callable:
    """Input function of figure ``name``: per shown run, the named run files and extras.

    Each key (a file's stem: ``samples``, ``curve``, ...; ``data``, ``metrics``, ``along``,
    ``reference``) holds one path per run, in the order of gantk.workflow.targets.figure_runs.
    """

    def inputs(wildcards) -> dict[str, list[str]]:
        figure_config(config, name)
        runs = figure_runs(config, name)
        out = {f.split(".")[0]: [run_file(r, f) for r in runs] for f in files}
        if data:
            out["data"] = [run_subset_path(DATA, r) for r in runs]
        if metrics:
            out["metrics"] = [run_path(METRICS, r) for r in runs]
        if along:
            out["along"] = [run_path(ALONG_RUN, r) for r in runs]
        if reference:
            out["reference"] = [run_subset_path(REFERENCE, r) for r in runs]
        return out

    return inputs


def gradient_norms_dir(config: Mapping) -> str:
    """The folder of the gradient-norm experiment that figure fig5 shows."""
    fig = figure_config(config, "fig5")
    return subset_path(GRADIENT_NORMS, fig["dataset"], fig["n"], fig["seed"])


# Tables -----------------------------------------------------------------------------------


def table_inputs(config: Mapping, wildcards) -> dict[str, list[str]]:
    """Metrics of every run, the held-out reference of every subset, FID where configured."""
    runs = expand_runs(config)
    subsets = sorted({(r.dataset, r.n, r.seed) for r in runs})
    return {
        "runs": [run_path(METRICS, r) for r in runs],
        "references": [subset_path(REFERENCE, *s) for s in subsets],
        "fid": [run_path(FID, r) for r in fid_runs(config)],
    }


def subset_size_table_inputs(config: Mapping, name: str) -> Callable:
    """Input function of table ``name``: metrics (and FID where configured) of every image run
    with an n of config key `tables.{name}.n` (one size or a list), and their subsets' references.
    """

    def inputs(wildcards) -> dict[str, list[str]]:
        if not config["tables"].get(name):
            raise ValueError(
                f"{name} is not configured: set config key 'tables.{name}' (see config/paper.yaml)"
            )
        needs = table_needs(config, name)
        if needs:
            raise ValueError(cannot_make(name, f"tables.{name}", needs))
        runs = table_runs(config, name)
        return {
            "runs": [run_path(METRICS, r) for r in runs],
            "references": sorted({run_subset_path(REFERENCE, r) for r in runs}),
            "fid": [run_path(FID, r) for r in fid_runs(config) if r in runs],
        }

    return inputs


def reproduction_inputs(config: Mapping, wildcards) -> dict[str, str]:
    """The CSVs of the tables the reproduction report reads (a clear error if none)."""
    inputs = reproduction_tables(config)
    if not inputs:
        raise ValueError(
            "the reproduction report needs Table 1, 2 or 9 that the experiments make: set config "
            "key 'tables.table1', 'tables.table2' or 'baselines.table9' (see config/paper.yaml)"
        )
    return inputs


__all__ = [
    "dataset_files",
    "dataset_fingerprint",
    "dataset_settings",
    "download_urls",
    "figure_config",
    "figure_inputs",
    "gradient_norms_dir",
    "job_run_settings",
    "lambda_inputs",
    "published_file",
    "reference_seed",
    "reproduction_inputs",
    "resource",
    "run_stop_file",
    "stop_inputs",
    "subset_size_table_inputs",
    "table_inputs",
]
