"""gantk.workflow's planning (paths, input functions, target lists) against the shipped configs
and the workflow's own rules.

The configs are merged as Snakemake merges them (config/config.yaml, then ``--configfile``)
and checked by ``validate_config``; the rules are the Snakefile's, loaded in this process
through the Snakemake API (no job runs), so that "a rule makes this file" is the rule's
output pattern with its wildcard constraints, as the DAG sees it. Loading a config's rules
takes a few seconds.
"""

from __future__ import annotations

import copy
import math
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from snakemake.api import SnakemakeApi
from snakemake.io import strip_wildcard_constraints
from snakemake.iocontainers import Wildcards
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings
from snakemake.utils import update_config

from gantk.workflow import baseline_inputs, generator_inputs, inputs, paths, plan
from gantk.workflow.baselines import baseline_needs, sensitivity_subsets, table9_runs, toy_figure_runs
from gantk.workflow.config import Run, expand_runs, run_kernels, run_settings, validate_config
from gantk.workflow.fid import fid_runs, zset_files
from gantk.workflow.frontier_inputs import frontier_inputs, frontier_rows, frontier_runs
from gantk.workflow.targets import figure_needs, figure_runs, target_needs

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"

#: Each shipped config as the workflow reads it: the default, then ``--configfile`` files.
CONFIGS = {
    "test": ("config.yaml", "test.yaml"),
    "default": ("config.yaml",),
    "paper": ("config.yaml", "paper.yaml"),
}

#: A restriction of the test config to one digits run (as tests/test_workflow.py merges one).
DIGITS_ONLY = {"experiments": [{"dataset": "digits", "n": [12], "seeds": [0], "methods": ["ga_cntk"]}]}

#: Method kind → the rule that makes its runs.
RUN_RULES = {"ga_ntk": "synthesize", "ga_ntkg": "ga_cntkg", "gan": "train_gan"}


def merged(*names: str, extra: dict | None = None) -> dict:
    """The shipped configs ``names`` (and ``extra``) merged in order and validated."""
    config: dict = {}
    for name in names:
        update_config(config, yaml.safe_load((REPO / "config" / name).read_text()))
    if extra:
        update_config(config, copy.deepcopy(extra))
    return validate_config(config, SCHEMA)


def load_rules(names: tuple[str, ...]) -> list:
    """The Snakefile's rules under the configs ``names`` (parsed, no DAG built, no job run)."""
    workdir = Path(tempfile.mkdtemp(prefix="plan_rules_"))
    (workdir / "config").symlink_to(REPO / "config", target_is_directory=True)
    files = [REPO / "config" / n for n in names if n != "config.yaml"]
    with SnakemakeApi(OutputSettings()) as api:
        workflow = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(configfiles=files),
            snakefile=REPO / "workflow" / "Snakefile",
            workdir=workdir,
        )._workflow
        return list(workflow.rules)


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def planned(request):
    """(name, checked config, the workflow's rules) of each shipped config."""
    names = CONFIGS[request.param]
    return request.param, merged(*names), load_rules(names)


@pytest.fixture(scope="module")
def test_plan():
    return merged(*CONFIGS["test"]), load_rules(CONFIGS["test"])


def wildcards(**values) -> Wildcards:
    """Wildcards as Snakemake passes them to an input function: every value a string."""
    return Wildcards(fromdict={k: str(v) for k, v in values.items()})


def run_wildcards(run: Run) -> Wildcards:
    return wildcards(**run._asdict())


def makers(rules: list, path: str) -> dict[str, dict]:
    """Rule name → its wildcards, for every rule whose output pattern matches ``path``."""
    out = {}
    for rule in rules:
        if rule.is_producer(path):
            out[rule.name] = dict(rule.get_wildcards(path))
    return out


def made_by(rules: list, path: str) -> tuple[str, dict]:
    """The one rule that makes ``path`` and its wildcards (fails on none or several)."""
    found = makers(rules, path)
    assert len(found) == 1, f"{path}: made by {sorted(found) or 'no rule'}"
    return next(iter(found.items()))


def of_run(run: Run) -> dict[str, str]:
    return {"dataset": run.dataset, "n": str(run.n), "seed": str(run.seed), "method": run.method}


def of_subset(run: Run) -> dict[str, str]:
    return {"dataset": run.dataset, "n": str(run.n), "seed": str(run.seed)}


# --- path templates -------------------------------------------------------------------


def test_every_path_template_is_what_a_rule_writes(test_plan):
    """Each file template of gantk.workflow.paths is a rule's output pattern; each folder
    template holds a rule's outputs (CHECKPOINT is a job parameter, not an output)."""
    _, rules = test_plan
    outputs = {strip_wildcard_constraints(str(f)) for rule in rules for f in rule.output}
    folders = {"RUN": paths.RUN, "ZSET_RUN": paths.ZSET_RUN, "GRADIENT_NORMS": paths.GRADIENT_NORMS,
               "AE_DIR": paths.AE_DIR}
    stems = {"TABLE": paths.TABLE, "TABLE9": paths.TABLE9, **{k.upper(): v for k, v in paths.TABLES.items()}}
    files = {
        name: value
        for name, value in vars(paths).items()
        if name.isupper() and isinstance(value, str) and name not in {*folders, *stems, "CHECKPOINT"}
    }
    files.update({f"FIGURES.{k}": v for k, v in paths.FIGURES.items()})
    files.update({f"BASELINE_FIGURES.{k}": v for k, v in paths.BASELINE_FIGURES.items()})
    assert len(files) >= 30
    for name, template in files.items():
        assert template in outputs, f"{name} = {template!r} is no rule's output"
    for name, stem in stems.items():
        assert {f"{stem}.csv", f"{stem}.md"} <= outputs, name
    for name, folder in folders.items():
        assert any(o.startswith(folder + "/") for o in outputs), f"{name} = {folder!r} holds no rule's output"
    assert not any(o.startswith(paths.CHECKPOINT) for o in outputs)


def test_wildcard_patterns_match_the_runs_and_nothing_else(planned):
    _, config, _ = planned
    patterns = {k: re.compile(v) for k, v in paths.wildcard_patterns(config).items()}
    for run in expand_runs(config):
        assert patterns["dataset"].fullmatch(run.dataset) and patterns["method"].fullmatch(run.method)
        assert patterns["n"].fullmatch(str(run.n)) and patterns["seed"].fullmatch(str(run.seed))
        assert all(patterns["kernel"].fullmatch(k) for k in run_kernels(config, run))
    for name, bad in (("n", "0"), ("n", "012"), ("seed", "01"), ("seed", "-1"), ("dataset", "digits2")):
        assert not patterns[name].fullmatch(bad), (name, bad)
    assert not re.fullmatch(paths.method_pattern({"methods": {"a": {"kind": "gan"}}}, "ga_ntkg"), "a")


# --- target lists -----------------------------------------------------------------------


def test_every_target_of_all_is_made_by_exactly_one_target_rule(planned):
    _, config, rules = planned
    targets = plan.all_inputs(config)
    assert len(targets) == len(set(targets)) and targets[:2] == ["results/tables/metrics.csv", "results/tables/metrics.md"]
    names = set(paths.FIGURES) | set(paths.BASELINE_FIGURES) | set(paths.TABLES) | {"table9", "metrics_table", "reproduction"}
    for target in targets:
        rule, found = made_by(rules, target)
        assert rule in names and not found, (target, rule)


def test_figure_targets_are_the_configured_figures_the_experiments_make(planned):
    name, config, _ = planned
    configured = [f for f in paths.FIGURES if config["figures"].get(f)]
    made = [f for f in configured if not figure_needs(config, f)]
    assert plan.figure_targets(config) == [paths.FIGURES[f] for f in made]
    assert made == configured, f"the shipped {name} config makes every figure it sets"
    assert plan.all_inputs(config)[-1:] == plan.reproduction_target(config) == ["results/reproduction.md"]


def test_a_restricted_config_leaves_out_what_its_experiments_cannot_make():
    config = merged(*CONFIGS["test"], extra=DIGITS_ONLY)
    needs = target_needs(config)
    assert set(needs) == {"fig1", "fig4", "fig7", "fig8", "fig10", "fig11", "fig12", "fig17", "fig18", "fig19", "fig20"}
    targets = plan.all_inputs(config)
    assert not any(paths.FIGURES[f] in targets for f in needs)
    assert [t for t in targets if "figures" in t] == ["results/figures/fig3_learning_curve.png", "results/figures/fig5_gradient_norms.png"]
    assert plan.baseline_targets(config) == [] and set(baseline_needs(config)) == {"table9", "fig9", "fig10_methods"}
    assert plan.reproduction_tables(config) == {"table1": "results/tables/table1.csv"}, "Table 1 of the digits run stays"
    lines = plan.left_out_lines(needs)
    assert len(lines) == len(needs)
    assert "fig4 is left out of 'all': it needs run grid25 n=50 seed=0 ga_fntk in the experiments (config key 'figures.fig4')" in lines


def test_without_tables_1_2_and_9_there_is_no_reproduction_report():
    config = merged(*CONFIGS["test"], extra={"tables": {"table1": None}, "baselines": {"table9": None}})
    assert plan.reproduction_target(config) == [] and "results/reproduction.md" not in plan.all_inputs(config)
    with pytest.raises(ValueError, match=r"set config key 'tables.table1', 'tables.table2' or 'baselines.table9'"):
        inputs.reproduction_inputs(config, wildcards())


# --- input functions of a run -----------------------------------------------------------


def test_a_runs_inputs_are_its_subset_its_lambdas_and_its_autoencoder(planned):
    _, config, rules = planned
    for run in expand_runs(config):
        kind = config["methods"][run.method].get("kind", "ga_ntk")
        wc = run_wildcards(run)
        assert made_by(rules, paths.run_file(run, "samples.npz")) == (RUN_RULES[kind], of_run(run))
        stop = inputs.run_stop_file(config, wc)
        assert stop == {} if kind == "gan" else made_by(rules, stop["stop"]) == (RUN_RULES[kind], of_run(run))
        if kind == "gan":
            continue
        if kind == "ga_ntk":
            lams = inputs.lambda_inputs(config, wc)
            kernels = run_kernels(config, run)
            assert len(lams) == len(kernels) >= 1
            assert [made_by(rules, p) for p in lams] == [("lambda_search", {**of_subset(run), "kernel": k}) for k in kernels]
        else:
            block = config["autoencoders"][run.dataset]
            scope = "split" if block["train_on"] == "split" else f"n{run.n}_s{run.seed}"
            ae = generator_inputs.run_autoencoder(config, wc)
            assert [made_by(rules, p) for p in ae.values()] == [("autoencoder", {"dataset": run.dataset, "ae_scope": scope})] * 2
            (kernel,) = run_settings(config, run)["kernels"]
            code = generator_inputs.code_lambda_input(config, wc)
            assert made_by(rules, code) == ("lambda_search_code", {**of_subset(run), "kernel": kernel})
        stop_rule = (run_settings(config, run).get("stop") or {}).get("rule")
        reference = inputs.stop_inputs(config, wc)
        if stop_rule == "heldout_am_ssim":
            assert made_by(rules, reference["reference"]) == ("reference_metrics", of_subset(run))
        else:
            assert reference == {}


def test_an_autoencoder_learns_from_its_data_sets_files_or_from_its_subset(test_plan):
    config, rules = test_plan
    run = next(r for r in expand_runs(config) if config["methods"][r.method].get("kind") == "ga_ntkg")
    data = generator_inputs.autoencoder_training_data(config, wildcards(dataset=run.dataset, ae_scope=f"n{run.n}_s{run.seed}"))
    assert made_by(rules, data["data"]) == ("subsample", of_subset(run))
    split = generator_inputs.autoencoder_training_data(config, wildcards(dataset=run.dataset, ae_scope="split"))
    assert split == {"files": []}, "the packaged digits read no tracked file"
    with pytest.raises(ValueError, match=r"set config key 'autoencoders.lfw_faces'"):
        generator_inputs.autoencoder_settings(config, "lfw_faces")


def test_zset_inputs_count_ceil_samples_over_n_minus_one_per_free_point_run(planned):
    name, config, rules = planned
    if not fid_runs(config):  # the test config scores nothing, the default only the frontier's runs
        config = merged(*CONFIGS[name], extra={"metrics": {"fid": {"samples": 100, "methods": None}}})
    samples = config["metrics"]["fid"]["samples"]
    scored = fid_runs(config)
    assert scored
    pooled = 0
    for run in scored:
        files = zset_files(config, "samples.npz")(run_wildcards(run))
        free = config["methods"][run.method].get("kind", "ga_ntk") == "ga_ntk"
        extra = math.ceil(samples / run.n) - 1 if free else 0
        assert len(files) == 1 + extra and files[0] == paths.run_file(run, "samples.npz")
        assert [made_by(rules, f) for f in files[1:]] == [("synthesize_zset", {**of_run(run), "zset": str(k)}) for k in range(1, extra + 1)]
        pooled = max(pooled, extra)
    assert pooled >= 1, "some run pools extra Z sets"


# --- input functions of the figures and tables -----------------------------------------


def test_figure_inputs_hold_one_file_per_shown_run_and_each_is_made_for_that_run(planned):
    _, config, rules = planned
    drawn = [f for f in paths.FIGURES if f not in ("fig5", "frontier") and config["figures"].get(f)]
    assert drawn
    for figure in drawn:
        runs = figure_runs(config, figure)
        files = inputs.figure_inputs(config, figure, "samples.npz", "curve.csv", data=True, metrics=True, along=True, reference=True)(wildcards())
        assert set(files) == {"samples", "curve", "data", "metrics", "along", "reference"}
        for key, listed in files.items():
            assert len(listed) == len(runs) >= 1, (figure, key)
            for path, run in zip(listed, runs):
                rule, found = made_by(rules, path)
                assert found == (of_subset(run) if key in ("data", "reference") else of_run(run)), (figure, key, rule)


def test_fig5_reads_the_gradient_norm_experiment_of_its_subset(planned):
    _, config, rules = planned
    fig = config["figures"]["fig5"]
    assert made_by(rules, f"{inputs.gradient_norms_dir(config)}/curve.csv") == (
        "gradient_norms", {"dataset": fig["dataset"], "n": str(fig["n"]), "seed": str(fig["seed"])})


def test_tables_read_every_runs_metrics_and_every_subsets_reference(planned):
    _, config, rules = planned
    runs = expand_runs(config)
    table = inputs.table_inputs(config, wildcards())
    assert [made_by(rules, p) for p in table["runs"]] == [("run_metrics", of_run(r)) for r in runs]
    subsets = {(r.dataset, r.n, r.seed) for r in runs}
    assert len(table["references"]) == len(subsets)
    assert {made_by(rules, p)[0] for p in table["references"]} == {"reference_metrics"}
    assert [made_by(rules, p) for p in table["fid"]] == [("fid", of_run(r)) for r in fid_runs(config)]
    for name in paths.TABLES:
        if not config["tables"].get(name):
            continue
        sizes = config["tables"][name]["n"]
        sizes = sizes if isinstance(sizes, list) else [sizes]
        listed = inputs.subset_size_table_inputs(config, name)(wildcards())
        shown = [r for r in runs if r.n in sizes and config["datasets"][r.dataset]["type"] == "images"]
        assert [made_by(rules, p)[1] for p in listed["runs"]] == [of_run(r) for r in shown]


def test_an_unconfigured_figure_names_its_config_key(test_plan):
    config, _ = test_plan
    with pytest.raises(ValueError, match=r"figure fig6 is not configured: set config key 'figures.fig6'"):
        inputs.figure_inputs(config, "fig6", "samples.npz")(wildcards())


def test_the_frontier_reads_fid_along_each_shown_run_and_the_references_of_its_rows(planned):
    _, config, rules = planned
    if not config["figures"].get("frontier"):
        with pytest.raises(ValueError, match=r"figure frontier is not configured"):
            frontier_runs(config)
        return
    runs, rows = frontier_runs(config), frontier_rows(config)
    files = frontier_inputs(config, wildcards())
    assert [made_by(rules, p) for p in files["along"]] == [("fid_along_run", of_run(r)) for r in runs]
    assert [made_by(rules, p)[1] for p in files["params"]] == [of_run(r) for r in runs]
    subsets = [{"dataset": r["dataset"], "n": str(r["n"]), "seed": str(r["seed"])} for r in rows]
    assert [made_by(rules, p) for p in files["heldout_fid"]] == [("fid_heldout", s) for s in subsets]
    assert all(row["paper"] for row in rows)


# --- the GAN baselines ------------------------------------------------------------------


def test_baseline_targets_read_their_runs_and_grid_searches(planned):
    _, config, rules = planned
    section = config.get("baselines") or {}
    if section.get("table9"):
        runs = table9_runs(config)
        files = baseline_inputs.table9_inputs(config, wildcards())
        assert [made_by(rules, p)[1] for p in files["curves"]] == [of_run(r) for r in runs]
        assert len(files["params"]) == len(runs)
    if section.get("sensitivity"):
        subsets = sensitivity_subsets(config)
        files = baseline_inputs.sensitivity_inputs(config, wildcards())
        tuned = section["sensitivity"]["methods"]
        assert [made_by(rules, p) for p in files["results"]] == [
            ("sensitivity_grid", {"dataset": d, "n": str(n), "seed": str(s), "tuned": m}) for d, n, s in subsets for m in tuned
        ]
        assert [made_by(rules, p)[0] for p in files["data"] + files["heldout"]] == ["subsample"] * (2 * len(subsets))
    for name in ("fig4_methods", "fig10_methods"):
        if not (section.get("toy_figures") or {}).get(name):
            continue
        runs = toy_figure_runs(config, name)
        files = baseline_inputs.toy_methods_inputs(config, name)(wildcards())
        assert [made_by(rules, p)[1] for p in files["samples"]] == [of_run(r) for r in runs]
        assert made_by(rules, files["data"]) == ("subsample", of_subset(runs[0]))


def test_a_baseline_target_whose_runs_are_not_in_the_experiments_says_what_it_needs():
    config = merged(*CONFIGS["test"], extra=DIGITS_ONLY)
    with pytest.raises(ValueError, match=r"config key 'baselines.table9': table9 cannot be made: it needs runs digits n=12"):
        baseline_inputs.table9_inputs(config, wildcards())
    with pytest.raises(ValueError, match=r"config key 'baselines.toy_figures.fig4_methods' is not set"):
        baseline_inputs.toy_methods_inputs(config, "fig4_methods")(wildcards())
