"""Input and parameter functions of the GA-CNTKg rules (``workflow/rules/generator.smk``).

The autoencoder of a data set is trained once (config ``autoencoders.{dataset}``): on the
whole selection of the data set (``train_on: split``, the authors' choice) into
results/ae/{dataset}/split/, or on the run's n images (``train_on: subset``) into
results/ae/{dataset}/n{n}_s{seed}/. Every GA-CNTKg run of that data set reuses it.
Functions take the checked config and, for input functions, a job's ``wildcards``
(``workflow/rules/common.smk`` binds the config).
"""

from __future__ import annotations

import re
from typing import Mapping

from gantk.workflow.inputs import dataset_files, dataset_settings, job_run_settings
from gantk.workflow.paths import AE_DIR, DATA, LAMBDA_CODE, run_file, run_of, subset_path


def autoencoder_settings(config: Mapping, dataset: str) -> Mapping:
    """The config block `autoencoders.{dataset}`; a clear error if GA-CNTKg runs without one."""
    block = config.get("autoencoders", {}).get(dataset)
    if not block:
        raise ValueError(
            f"GA-CNTKg on {dataset!r} needs a pre-trained autoencoder: set config key "
            f"'autoencoders.{dataset}' (architecture, train_on, ...; see config/config.yaml)"
        )
    return block


def autoencoder_dir(config: Mapping, dataset: str, n: int | str, seed: int | str) -> str:
    """Folder of the autoencoder that GA-CNTKg runs on subset (dataset, n, seed) use."""
    scope = "split" if autoencoder_settings(config, dataset)["train_on"] == "split" else f"n{n}_s{seed}"
    return AE_DIR.format(dataset=dataset, ae_scope=scope)


def run_autoencoder(config: Mapping, wildcards) -> dict[str, str]:
    """ae.json and weights.npz of the autoencoder of the job's subset."""
    folder = autoencoder_dir(config, wildcards.dataset, wildcards.n, wildcards.seed)
    return {"ae_info": f"{folder}/ae.json", "ae_weights": f"{folder}/weights.npz"}


def autoencoder_training_data(config: Mapping, wildcards) -> dict[str, list[str] | str]:
    """The images an autoencoder learns from: the data set's files, or the run's subset."""
    if wildcards.ae_scope == "split":
        options = autoencoder_settings(config, wildcards.dataset).get("options")
        return {"files": dataset_files(config, wildcards, options)}
    n, seed = re.fullmatch(r"n(\d+)_s(\d+)", wildcards.ae_scope).groups()
    return {"data": subset_path(DATA, wildcards.dataset, n, seed)}


def code_lambda_input(config: Mapping, wildcards) -> str:
    """The code-space λ search of the run's single kernel."""
    kernels = job_run_settings(config, wildcards)["kernels"]
    if len(kernels) != 1:
        raise ValueError(
            f"config key 'methods.{wildcards.method}.kernels': a GA-CNTKg method takes one "
            f"kernel on codes, got {kernels}"
        )
    return LAMBDA_CODE.format(dataset=wildcards.dataset, kernel=kernels[0], n=wildcards.n, seed=wildcards.seed)


def autoencoder_dataset(config: Mapping, wildcards) -> Mapping:
    """The data set block of an autoencoder job (with a folder's fingerprint under the
    autoencoder's ``options`` for `train_on: split`)."""
    if wildcards.ae_scope != "split":
        return dataset_settings(config, wildcards)
    return dataset_settings(config, wildcards, autoencoder_settings(config, wildcards.dataset).get("options"))


def run_generator_files(config: Mapping, wildcards) -> dict[str, str]:
    """The saved generator of the job's GA-CNTKg run and its autoencoder."""
    run = run_of(wildcards)
    return {
        "params": run_file(run, "params.json"),
        "generator": run_file(run, "generator.npz"),
        **run_autoencoder(config, wildcards),
    }


__all__ = [
    "autoencoder_dataset",
    "autoencoder_dir",
    "autoencoder_settings",
    "autoencoder_training_data",
    "code_lambda_input",
    "run_autoencoder",
    "run_generator_files",
]
