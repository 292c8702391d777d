"""The runs a workflow config defines and the settings of each (no checking: that is
:mod:`gantk.workflow.config`).

The runs of the workflow are the union over experiments of dataset × n × seed × method.
Settings of one run (:func:`run_settings`) are the method's settings updated with the
experiment's ``settings`` overrides, with ``"dataset"`` in ``kernels`` replaced by the
data set's own kernel preset.
"""

from __future__ import annotations

import copy
from typing import Iterable, Mapping, NamedTuple

#: Kernel presets that take flat vectors (the toy mixtures); every other preset is a CNN on images.
VECTOR_KERNELS = ("fntk",)

#: A method's ``kernels`` entry standing for the data set's own kernel preset.
DATASET_KERNEL = "dataset"

#: Method settings that are not :class:`gantk.synthesis.ga_ntk.SynthConfig` fields, or are named differently.
_NOT_SYNTH = ("kind", "kernels", "lambda_from_training")
_RENAMED = {"solver": "method"}


class Run(NamedTuple):
    """One GA-NTK run: a data subset (dataset, n, seed) and a method."""

    dataset: str
    n: int
    seed: int
    method: str


def expand_runs(config: Mapping) -> list[Run]:
    """Every (dataset, n, seed, method) of the experiments, first occurrence order, no repeats."""
    runs: dict[Run, None] = {}
    for exp in config["experiments"]:
        for n in exp["n"]:
            for seed in exp["seeds"]:
                for method in exp["methods"]:
                    runs[Run(exp["dataset"], int(n), int(seed), method)] = None
    return list(runs)


def run_settings(config: Mapping, run: Run) -> dict:
    """The settings of ``run``: its method's, updated by the overrides of the experiments holding it.

    ``kernels`` is resolved (``"dataset"`` → the data set's kernel preset) and returned as a list.
    A run outside every experiment gets its method's settings unchanged.
    """
    settings = copy.deepcopy(dict(config["methods"][run.method]))
    for exp in experiments_with(config, run):
        settings.update(copy.deepcopy(exp.get("settings", {}).get(run.method, {})))
    kernel = config["datasets"][run.dataset]["kernel"]
    if "kernels" in settings:  # GAN baselines (kind gan) have no kernel
        settings["kernels"] = [kernel if k == DATASET_KERNEL else k for k in settings["kernels"]]
    return dict(sorted(settings.items()))


def run_kernels(config: Mapping, run: Run) -> list[str]:
    """The kernel presets of ``run``, one λ search each (none for a GAN baseline)."""
    return run_settings(config, run).get("kernels", [])


def synth_kwargs(settings: Mapping) -> dict:
    """Keyword arguments of :class:`gantk.synthesis.ga_ntk.SynthConfig` from run settings (without λ and seed)."""
    out = {_RENAMED.get(k, k): v for k, v in settings.items() if k not in _NOT_SYNTH}
    out["kernels"] = tuple(settings["kernels"])
    return out


def run_lambdas(settings: Mapping, searched: Iterable[float], n_real: int) -> tuple[float, ...]:
    """λ of each kernel of a GA-NTK run: Algorithm 1's (``searched``), or from the NTK-GP's training.

    With ``lambda_from_training: {rate, time}`` in the settings every kernel gets
    λ = rate · time / (2 · rows) (:func:`gantk.objective.gp.lambda_from_training`), where rows are
    those of the kernel each step's discriminator sees: n real + n fake, or b + b
    batch-wise; otherwise the searched values are returned unchanged.
    """
    searched = tuple(float(v) for v in searched)
    training = settings.get("lambda_from_training")
    if not training:
        return searched
    from gantk.objective.gp import lambda_from_training

    b = settings.get("batch_size")
    rows = 2 * (int(b) if b is not None else int(n_real))
    return tuple(lambda_from_training(training["rate"], training["time"], rows) for _ in settings["kernels"])


def method_kind(config: Mapping, run: Run) -> str:
    """The ``kind`` of the method of ``run``: ``ga_ntk`` (free points, the default), ``ga_ntkg`` or ``gan``."""
    return config["methods"][run.method].get("kind", "ga_ntk")


def methods_of_kind(config: Mapping, kind: str) -> list[str]:
    """Names of the methods whose ``kind`` is ``kind`` (e.g. ``"ga_ntk"``)."""
    return [name for name, m in config["methods"].items() if m.get("kind", "ga_ntk") == kind]


def experiments_with(config: Mapping, run: Run) -> list[Mapping]:
    """The experiments of the config that hold ``run``."""
    return [
        exp
        for exp in config["experiments"]
        if exp["dataset"] == run.dataset and run.n in exp["n"] and run.seed in exp["seeds"] and run.method in exp["methods"]
    ]


__all__ = [
    "DATASET_KERNEL",
    "VECTOR_KERNELS",
    "Run",
    "expand_runs",
    "experiments_with",
    "method_kind",
    "methods_of_kind",
    "run_kernels",
    "run_lambdas",
    "run_settings",
    "synth_kwargs",
]
