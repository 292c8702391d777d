"""The workflow's configuration: loading, checking against the JSON schema, and the runs it defines.

The schema's own messages and defaults are :mod:`gantk.workflow.schema`; the checks across
sections live here. A config (``config/config.yaml``, ``config/paper.yaml``, ``config/test.yaml``) names
data sets, GA-NTK methods and experiments; the runs of the workflow are the union over
experiments of dataset × n × seed × method. :func:`validate_config` checks a config
against ``workflow/schemas/config.schema.yaml`` *and* across sections (an experiment's
method must exist, a figure must name data sets and methods that exist, a toy data set
needs a kernel for 2-D points, ...), fills in the schema's defaults and the runs that
figures leave to the experiments (:mod:`gantk.workflow.targets`), and raises :class:`ConfigError`
listing every problem, each naming its key and the allowed values, e.g.::

    config key 'methods.ga_cntk.optimizer': 'sgd' is not allowed; allowed values: 'gd', 'adam'

The Snakefile calls it before any job exists; the same check is available from Python.

Settings of one run (:func:`run_settings`) are the method's settings updated with the
experiment's ``settings`` overrides, with ``"dataset"`` in ``kernels`` replaced by the
data set's own kernel preset. ``batch_size`` counts rows per side, as
:class:`gantk.synthesis.ga_ntk.SynthConfig` does: b real and b fake rows per step.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import yaml

from gantk.workflow.runs import (
    DATASET_KERNEL,
    VECTOR_KERNELS,
    Run,
    expand_runs,
    experiments_with,
    methods_of_kind,
    run_kernels,
    run_lambdas,
    run_settings,
    synth_kwargs,
)
from gantk.workflow.schema import fill_defaults, load_schema, schema_problems, show_values


class ConfigError(ValueError):
    """A workflow config breaks the schema or refers to something it does not define."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = problems
        where = f" in {source}" if source else ""
        super().__init__(
            f"{len(problems)} problem(s) with the workflow config{where}:\n" + "\n".join(f"  - {p}" for p in problems)
        )


def load_config(path: str | os.PathLike, schema: Mapping | str | os.PathLike) -> dict:
    """Read a YAML config and :func:`validate_config` it (defaults filled in)."""
    config = yaml.safe_load(Path(path).read_text())
    return validate_config(config, schema, source=str(path))


def validate_config(config: Any, schema: Mapping | str | os.PathLike, *, source: str | None = None) -> dict:
    """Check ``config`` against ``schema`` and across its sections; fill in defaults.

    Args:
      config: the parsed config (a dict; modified in place: missing keys that have a
        default in the schema are added).
      schema: the schema itself or the path of its YAML file.
      source: a name for messages (e.g. the config file).

    Returns:
      ``config`` with defaults filled in.

    Raises:
      ConfigError: listing every problem found, each naming the key
        (``methods.ga_cntk.lr``, ``experiments[1].methods[0]``) and what is allowed.
    """
    if not isinstance(schema, Mapping):
        schema = load_schema(schema)
    if not isinstance(config, dict):
        raise ConfigError([f"the config must be a mapping of keys to values, got {type(config).__name__}"], source)
    problems = schema_problems(config, schema)
    if problems:
        raise ConfigError(problems, source)
    fill_defaults(config, schema)
    problems = _cross_check(config)
    if problems:
        raise ConfigError(problems, source)
    return config


# --------------------------------------------------------------------------------------
# Checks across sections


def _check_dataset_options(datasets: Mapping) -> list[str]:
    from gantk.data.registry import resolve_options

    problems = []
    for name, data in datasets.items():
        if data["type"] != "images":
            if data.get("options"):
                problems.append(f"config key 'datasets.{name}.options': toy mixtures take no options")
            continue
        try:
            resolve_options(data["source"], data.get("options", {}))
        except ValueError as err:
            problems.append(f"config key 'datasets.{name}.options': {err}")
    return problems


def _cross_check(config: Mapping) -> list[str]:
    datasets, methods = config["datasets"], config["methods"]
    problems = _check_dataset_options(datasets)
    for i, exp in enumerate(config["experiments"]):
        where = f"experiments[{i}]"
        if exp["dataset"] not in datasets:
            problems.append(
                f"config key '{where}.dataset': {exp['dataset']!r} is not defined under 'datasets'; "
                f"defined: {show_values(datasets)}"
            )
            continue
        for j, method in enumerate(exp["methods"]):
            if method not in methods:
                problems.append(
                    f"config key '{where}.methods[{j}]': {method!r} is not defined under 'methods'; "
                    f"defined: {show_values(methods)}"
                )
        for method in exp.get("settings", {}):
            if method not in exp["methods"]:
                problems.append(
                    f"config key '{where}.settings.{method}': {method!r} is not one of this experiment's "
                    f"methods: {show_values(exp['methods'])}"
                )
    if problems:
        return problems
    from gantk.workflow.figure_checks import check_figures
    from gantk.workflow.targets import resolve_figures

    problems += _check_runs(config)
    problems += _check_generators(config)
    resolve_figures(config)
    problems += check_figures(config)
    return problems


def _check_runs(config: Mapping) -> list[str]:
    from gantk.data.registry import image_shape
    from gantk.kernels import preset

    problems: list[str] = []
    seen: dict[Run, dict] = {}
    for run in expand_runs(config):
        # Overrides merged over all holding experiments must agree with each one's own view.
        views = []
        for exp in experiments_with(config, run):
            settings = dict(config["methods"][run.method])
            settings.update(exp.get("settings", {}).get(run.method, {}))
            views.append(settings)
        if any(v != views[0] for v in views[1:]):
            problems.append(
                f"run {run.dataset} n={run.n} seed={run.seed} {run.method} appears in several experiments "
                "with different 'settings'; give it one set of settings"
            )
            continue
        settings = run_settings(config, run)
        seen[run] = settings
        data = config["datasets"][run.dataset]
        if data["type"] == "toy":
            bad = [k for k in settings.get("kernels", []) if k not in VECTOR_KERNELS]
            if bad:
                problems.append(
                    f"config key 'methods.{run.method}.kernels': {show_values(bad)} is a convolutional kernel, but "
                    f"{run.dataset!r} holds 2-D points; allowed for toy data: {show_values(VECTOR_KERNELS)}"
                )
        elif settings.get("kind", "ga_ntk") == "ga_ntk":  # GA-CNTKg's kernels take codes (_check_generators)
            for name in settings.get("kernels", []):
                try:  # the multi-resolution presets are built for one image shape
                    preset(name).check_input_shape(image_shape(data["source"], data.get("options", {})))
                except ValueError as err:
                    problems.append(f"config key 'methods.{run.method}.kernels' (run {run.dataset} n={run.n}): {err}")
        stop = settings.get("stop") or {}
        rule = stop.get("rule")
        if rule == "plateau" and stop.get("monitor", "norm") == "norm" and settings.get("loss") == "cross_entropy":
            problems.append(
                f"config key 'methods.{run.method}.stop.monitor': 'norm' is ‖1 − D‖ of the squared loss, but "
                f"run {run.dataset} n={run.n} uses loss cross_entropy; monitor 'loss' instead"
            )
        if rule == "heldout_am_ssim" and (data["type"] != "images" or settings.get("kind") == "ga_ntkg"):
            what = "2-D points" if data["type"] != "images" else "a generator (kind ga_ntkg), whose snapshots are not its samples"
            problems.append(
                f"config key 'methods.{run.method}.stop.rule': heldout_am_ssim selects a snapshot of Z by its "
                f"AM-SSIM to held-out images, but run {run.dataset} n={run.n} has {what}; use plateau or final"
            )
        b = settings.get("batch_size")
        if b is not None and b > run.n:
            problems.append(
                f"config key 'methods.{run.method}.batch_size': {b} exceeds n = {run.n} of {run.dataset!r} "
                f"(b real rows are drawn from the n real points each step)"
            )
    return problems


#: Method settings that only GA-CNTKg (kind ga_ntkg) takes: its generator and Adam.
GENERATOR_SETTINGS = ("latent_dim", "width", "beta1", "beta2", "clip_norm", "fixed_samples", "samples")

#: Method settings that only GA-NTK on free points (kind ga_ntk) takes.
FREE_POINT_SETTINGS = ("loss", "lambda_from_training")


def _check_generators(config: Mapping) -> list[str]:
    """GA-CNTKg runs need an image data set, its ``autoencoders`` entry and one kernel that takes its codes."""
    problems: list[str] = []
    methods, autoencoders = config["methods"], config.get("autoencoders") or {}
    for name, method in methods.items():
        if method.get("kind", "ga_ntk") == "ga_ntk":  # GAN baselines have a latent_dim and width of their own
            extra = [k for k in GENERATOR_SETTINGS if k in method]
            if extra:
                problems.append(
                    f"config key 'methods.{name}.{extra[0]}': generator settings ({show_values(GENERATOR_SETTINGS)}) "
                    "belong to GA-CNTKg methods; set 'kind: ga_ntkg' or remove them"
                )
            if "fntk_erf" in method.get("kernels", []):
                problems.append(
                    f"config key 'methods.{name}.kernels': 'fntk_erf' is a code-space kernel of GA-CNTKg "
                    "(kind ga_ntkg), not a GA-NTK preset"
                )
        elif method.get("kind") == "ga_ntkg":
            extra = [k for k in FREE_POINT_SETTINGS if k in method]
            if extra:
                problems.append(
                    f"config key 'methods.{name}.{extra[0]}': {show_values(FREE_POINT_SETTINGS)} are settings of GA-NTK "
                    "on free points (kind ga_ntk); GA-CNTKg trains its generator on the squared loss with "
                    "Algorithm 1's λ on the codes"
                )
    runs = [r for r in expand_runs(config) if methods[r.method].get("kind", "ga_ntk") == "ga_ntkg"]
    if not runs:
        return problems
    from gantk.generator.autoencoder import ae_preset
    from gantk.data.registry import image_shape
    from gantk.generator.ga_cntkg import check_code_kernel

    checked: set[tuple] = set()
    for run in runs:
        data, where = config["datasets"][run.dataset], f"methods.{run.method}"
        if data["type"] != "images":
            problems.append(
                f"config key '{where}.kind': GA-CNTKg works in an autoencoder's code space of images, "
                f"but {run.dataset!r} holds 2-D points"
            )
            continue
        block = autoencoders.get(run.dataset)
        if not block:
            problems.append(
                f"config key 'autoencoders.{run.dataset}' is missing: GA-CNTKg method {run.method!r} runs on "
                f"{run.dataset!r} and needs its pre-trained autoencoder (architecture, train_on, ...)"
            )
            continue
        arch = ae_preset(block["architecture"])
        shape = image_shape(data["source"], data.get("options", {}))
        if tuple(arch.image_shape) != tuple(shape) and ("shape", run.dataset) not in checked:
            checked.add(("shape", run.dataset))
            problems.append(
                f"config key 'autoencoders.{run.dataset}.architecture': {block['architecture']!r} is for "
                f"{arch.image_shape} images, but {run.dataset!r} has images of shape {tuple(shape)}"
            )
            continue
        settings = run_settings(config, run)
        if settings["optimizer"] != "adam":
            problems.append(
                f"config key '{where}.optimizer': {settings['optimizer']!r} is not allowed for GA-CNTKg; "
                "allowed values: 'adam' (the generator is trained with Adam)"
            )
        kernels = settings["kernels"]
        if len(kernels) != 1:
            problems.append(f"config key '{where}.kernels': a GA-CNTKg method takes one code kernel, got {kernels}")
            continue
        if (kernels[0], run.dataset) in checked:
            continue
        checked.add((kernels[0], run.dataset))
        try:
            check_code_kernel(arch.code_shape, kernels[0], where=f"autoencoder {block['architecture']!r}")
        except ValueError as err:
            problems.append(f"config key '{where}.kernels': {err}; code kernels: 'fntk', 'fntk_erf'")
    return problems


__all__ = [
    "ConfigError",
    "DATASET_KERNEL",
    "FREE_POINT_SETTINGS",
    "GENERATOR_SETTINGS",
    "Run",
    "VECTOR_KERNELS",
    "expand_runs",
    "load_config",
    "load_schema",
    "methods_of_kind",
    "run_kernels",
    "run_lambdas",
    "run_settings",
    "synth_kwargs",
    "validate_config",
]
