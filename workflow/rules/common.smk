# Config validation, path templates, wildcard constraints and input functions.
# Every rule file includes nothing else; no rules live here.
import re

from snakemake.logging import logger

from gantk.workflow.config import (
    Run,
    expand_runs,
    methods_of_kind,
    run_kernels,
    run_settings,
    validate_config,
)
from gantk.workflow.targets import (
    cannot_make,
    figure_needs,
    figure_runs,
    left_out_line,
    table_needs,
    table_runs,
    target_needs,
)
from gantk.data.checksums import DOWNLOADS
from gantk.data.download import dataset_urls
from gantk.data.folder import folder_fingerprint
from gantk.data.registry import resolve_options, selection_files
from gantk.workflow.fid import fid_runs

# Stops the workflow, before any job exists, with one line per problem naming the key;
# fills in the runs that figures leave to the experiments (gantk.workflow.targets).
validate_config(
    config,
    workflow.source_path("../schemas/config.schema.yaml"),
    source=", ".join(map(str, workflow.configfiles)) or None,
)


def log_left_out(needs):
    """One log line per configured target that the experiments cannot make (not in `all`)."""
    for target, (key, what) in needs.items():
        logger.info(left_out_line(target, key, what))


# Figures and tables whose runs are not in the experiments: name -> (config key, needs).
LEFT_OUT = target_needs(config)
log_left_out(LEFT_OUT)

RUNS = expand_runs(config)
SUBSETS = sorted({(r.dataset, r.n, r.seed) for r in RUNS})
KERNELS = sorted({k for r in RUNS for k in run_kernels(config, r)})
ENV = "../envs/gantk.yaml"

DATA = "results/data/{dataset}/n{n}_s{seed}.npz"
HELDOUT = "results/data/{dataset}/n{n}_s{seed}_heldout.npz"
LAMBDA = "results/lambda/{dataset}/{kernel}/n{n}_s{seed}.json"
RUN = "results/runs/{dataset}/n{n}_s{seed}/{method}"
CHECKPOINT = "results/checkpoints/{dataset}/n{n}_s{seed}/{method}"
METRICS = "results/metrics/{dataset}/n{n}_s{seed}/{method}.json"
ALONG_RUN = "results/metrics/{dataset}/n{n}_s{seed}/{method}_along_run.csv"
REFERENCE = "results/metrics/{dataset}/n{n}_s{seed}/reference/heldout.json"
TABLE = "results/tables/metrics"
GRADIENT_NORMS = "results/gradient_norms/{dataset}/n{n}_s{seed}"
TABLES = {"table1": "results/tables/table1", "table2": "results/tables/table2"}
REPRODUCTION = "results/reproduction.md"
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
}


def alternatives(names):
    """A regex matching exactly one of ``names``."""
    return "|".join(re.escape(str(name)) for name in names)


wildcard_constraints:
    dataset=alternatives(config["datasets"]),
    method=alternatives(config["methods"]),
    kernel=alternatives(KERNELS),
    n="[1-9][0-9]*",
    seed="0|[1-9][0-9]*",


def published_file(wildcards):
    """Name, size and SHA-256 of the file a download job fetches."""
    files, _ = DOWNLOADS[wildcards.source]
    return {f.name: f for f in files}[wildcards.file]


def download_urls(wildcards):
    """URLs of a published file, on the mirrors a data set of that source names (or the default ones)."""
    mirrors = [
        d["options"]["mirrors"]
        for d in config["datasets"].values()
        if d["source"] == wildcards.source and d["options"].get("mirrors")
    ]
    return dataset_urls(wildcards.source, mirrors[0] if mirrors else None)[
        wildcards.file
    ]


def dataset_files(wildcards, options=None):
    """The files a data set's selection reads that its jobs track: an MNIST split's two
    published files (a CIFAR-10 archive), a folder's list file (gantk.data.registry.selection_files).

    ``options`` override the data set's (an autoencoder's ``options``). Published files
    under data/{source}/ are fetched by the download rule; elsewhere they must be there.
    """
    data = config["datasets"][wildcards.dataset]
    if data["type"] != "images":
        return []
    return selection_files(data["source"], {**data["options"], **(options or {})})


def dataset_fingerprint(wildcards, options=None):
    """A digest of a folder data set's selected files (paths, sizes, times), None for other
    sources; ``options`` override the data set's (gantk.data.folder.folder_fingerprint).
    """
    data = config["datasets"][wildcards.dataset]
    if data["type"] != "images" or data["source"] != "folder":
        return None
    opts = resolve_options("folder", {**data["options"], **(options or {})})
    return folder_fingerprint(opts["root"], opts["glob"], opts["list"])


def run_of(wildcards):
    """The Run a job's wildcards name."""
    return Run(
        wildcards.dataset, int(wildcards.n), int(wildcards.seed), wildcards.method
    )


def run_files(run, name):
    """Path of file ``name`` in the directory of ``run``."""
    return f"{RUN}/{name}".format(**run._asdict())


def subset_path(template, run):
    """``template`` (DATA, REFERENCE) filled in for the subset of ``run``."""
    return template.format(dataset=run.dataset, n=run.n, seed=run.seed)


def res(rule_name, key):
    """A job resource of ``rule_name`` from the config's ``resources`` section."""
    return config["resources"][rule_name][key]


def dataset_settings(wildcards, options=None):
    """The config block of the job's data set (a job parameter). A folder's block also holds
    its fingerprint, so that changing the folder's images reruns the jobs that read them.
    """
    data = config["datasets"][wildcards.dataset]
    fingerprint = dataset_fingerprint(wildcards, options)
    return data if fingerprint is None else {**data, "fingerprint": fingerprint}


def reference_seed(wildcards):
    """Seed of the held-out reference drawn beside subset seed ``s``."""
    return int(wildcards.seed) + config["metrics"]["reference_seed_offset"]


def lambda_inputs(wildcards):
    """One λ-search result per kernel of the run, in the order of its ``kernels``."""
    run = run_of(wildcards)
    return [
        LAMBDA.format(dataset=run.dataset, kernel=k, n=run.n, seed=run.seed)
        for k in run_kernels(config, run)
    ]


def stop_inputs(wildcards):
    """The held-out reference a ``heldout_am_ssim`` stopping rule reads (no input for other rules)."""
    stop = run_settings(config, run_of(wildcards)).get("stop") or {}
    if stop.get("rule") != "heldout_am_ssim":
        return {}
    return {"reference": REFERENCE.format(**wildcards)}


def run_stop_file(wildcards):
    """The stop.json of a GA-NTK or GA-CNTKg run (GAN baselines have their own early stopping)."""
    if config["methods"][wildcards.method].get("kind", "ga_ntk") == "gan":
        return {}
    return {"stop": f"{RUN}/stop.json".format(**wildcards)}


def synth_settings(wildcards):
    """The run's method settings (experiment overrides applied, kernels resolved)."""
    return run_settings(config, run_of(wildcards))


def ga_ntk_methods():
    """Methods the synthesize rule makes (other kinds plug in with their own rules)."""
    return alternatives(methods_of_kind(config, "ga_ntk")) or "(?!)"


def figure_config(name):
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
    name, *files, data=False, metrics=False, along=False, reference=False
):
    """Input function of figure ``name``: per shown run, the named run files and extras.

    Each key holds one path per run, in the order of gantk.workflow.config.figure_runs.
    """

    def inputs(wildcards):
        figure_config(name)
        runs = figure_runs(config, name)
        out = {f.split(".")[0]: [run_files(r, f) for r in runs] for f in files}
        if data:
            out["data"] = [subset_path(DATA, r) for r in runs]
        if metrics:
            out["metrics"] = [METRICS.format(**r._asdict()) for r in runs]
        if along:
            out["along"] = [ALONG_RUN.format(**r._asdict()) for r in runs]
        if reference:
            out["reference"] = [subset_path(REFERENCE, r) for r in runs]
        return out

    return inputs


def gradient_norms_dir():
    """The folder of the gradient-norm experiment that figure fig5 shows."""
    fig = figure_config("fig5")
    return GRADIENT_NORMS.format(dataset=fig["dataset"], n=fig["n"], seed=fig["seed"])


def table_inputs(wildcards):
    """Metrics of every run, the held-out reference of every subset, FID where configured."""
    return {
        "runs": [METRICS.format(**r._asdict()) for r in RUNS],
        "references": [REFERENCE.format(dataset=d, n=n, seed=s) for d, n, s in SUBSETS],
        "fid": [FID.format(**r._asdict()) for r in fid_runs(config)],
    }


def subset_size_table_inputs(name):
    """Input function of table ``name``: metrics (and FID where configured) of every image run
    with an n of config key `tables.{name}.n` (one size or a list), and their subsets' references.
    """

    def inputs(wildcards):
        if not config["tables"].get(name):
            raise ValueError(
                f"{name} is not configured: set config key 'tables.{name}' (see config/paper.yaml)"
            )
        needs = table_needs(config, name)
        if needs:
            raise ValueError(cannot_make(name, f"tables.{name}", needs))
        runs = table_runs(config, name)
        return {
            "runs": [METRICS.format(**r._asdict()) for r in runs],
            "references": sorted(
                {REFERENCE.format(dataset=r.dataset, n=r.n, seed=r.seed) for r in runs}
            ),
            "fid": [FID.format(**r._asdict()) for r in fid_runs(config) if r in runs],
        }

    return inputs


def reproduction_tables():
    """Tables 1, 2 and 9 that the config sets and its experiments make: name -> CSV."""
    tables = {
        name: f"{TABLES[name]}.csv"
        for name in TABLES
        if config["tables"].get(name) and name not in LEFT_OUT
    }
    if (config.get("baselines") or {}).get(
        "table9"
    ) and "table9" not in BASELINE_LEFT_OUT:
        tables["table9"] = "results/tables/table9.csv"
    return tables


def reproduction_inputs(wildcards):
    """The CSVs of the tables the reproduction report reads (a clear error if none)."""
    inputs = reproduction_tables()
    if not inputs:
        raise ValueError(
            "the reproduction report needs Table 1, 2 or 9 that the experiments make: set config "
            "key 'tables.table1', 'tables.table2' or 'baselines.table9' (see config/paper.yaml)"
        )
    return inputs


def reproduction_target():
    """results/reproduction.md when the config makes any of Tables 1, 2 and 9."""
    return [REPRODUCTION] if reproduction_tables() else []


def all_targets():
    """The metrics table, and every configured table and figure that the experiments make."""
    figures = [
        path
        for name, path in FIGURES.items()
        if config["figures"].get(name) and name not in LEFT_OUT
    ]
    tables = [
        f"{TABLES[name]}.{ext}"
        for name in TABLES
        if config["tables"].get(name) and name not in LEFT_OUT
        for ext in ("csv", "md")
    ]
    return [f"{TABLE}.csv", f"{TABLE}.md", *tables, *figures]
