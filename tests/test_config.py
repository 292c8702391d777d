"""The workflow config schema and gantk.workflow.config: every shipped config is valid, bad ones are
rejected with the key named, and runs/settings come out as the configs say."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gantk.workflow.config import (
    ConfigError,
    Run,
    expand_runs,
    load_config,
    load_schema,
    run_settings,
    synth_kwargs,
    validate_config,
)
from gantk.workflow.targets import figure_needs, figure_runs, target_needs

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO / "workflow" / "schemas" / "config.schema.yaml"
CONFIGS = ["config.yaml", "paper.yaml", "test.yaml"]


@pytest.fixture(scope="module")
def schema():
    return load_schema(SCHEMA_PATH)


@pytest.fixture
def default(schema):
    """The default config as parsed, before validation (tests modify it)."""
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def problems_of(config, schema) -> list[str]:
    with pytest.raises(ConfigError) as info:
        validate_config(config, schema)
    return info.value.problems


@pytest.mark.parametrize("name", CONFIGS)
def test_shipped_configs_are_valid(name, schema):
    config = load_config(REPO / "config" / name, schema)
    assert expand_runs(config)


def test_unknown_key_is_named_with_the_allowed_keys(default, schema):
    default["methods"]["ga_cntk"]["stepz"] = 10
    (problem,) = problems_of(default, schema)
    assert "'methods.ga_cntk.stepz' is not allowed" in problem
    assert "'steps'" in problem and "'optimizer'" in problem


def test_unknown_top_level_key_is_named(default, schema):
    default["experiment"] = []
    (problem,) = problems_of(default, schema)
    assert "'experiment' is not allowed" in problem and "'experiments'" in problem


def test_value_outside_enum_names_key_and_allowed_values(default, schema):
    default["methods"]["ga_cntk"]["optimizer"] = "sgd"
    (problem,) = problems_of(default, schema)
    assert problem == "config key 'methods.ga_cntk.optimizer': 'sgd' is not allowed; allowed values: 'gd', 'adam'"


def test_wrong_type_names_key_and_expected_type(default, schema):
    default["methods"]["ga_cntk"]["lr"] = "fast"
    (problem,) = problems_of(default, schema)
    assert "'methods.ga_cntk.lr': expected a number, got 'fast'" in problem


def test_yaml_exponent_read_as_string_gets_a_hint(default, schema):
    default["lambda_search"]["eps"] = "1e-2"  # what PyYAML makes of `eps: 1e-2`
    (problem,) = problems_of(default, schema)
    assert "'lambda_search.eps'" in problem and "write 0.01" in problem


def test_missing_required_key_is_named(default, schema):
    del default["datasets"]["digits"]["kernel"]
    (problem,) = problems_of(default, schema)
    assert problem == "config key 'datasets.digits.kernel' is missing (required)"


def test_out_of_range_value_names_the_bound(default, schema):
    default["experiments"][0]["n"] = [1]
    (problem,) = problems_of(default, schema)
    assert problem == "config key 'experiments[0].n[0]': 1 is out of range; allowed values are >= 2"


def test_toy_dataset_source_must_be_a_mixture(default, schema):
    default["datasets"]["grid25"]["source"] = "digits"
    (problem,) = problems_of(default, schema)
    assert problem == "config key 'datasets.grid25.source': 'digits' is not allowed; allowed values: 'ring8', 'grid25'"


def test_dataset_names_must_be_path_safe(default, schema):
    default["datasets"]["Digits-8"] = default["datasets"].pop("digits")
    problems = problems_of(default, schema)
    assert any("'Digits-8' is not allowed" in p and "pattern" in p for p in problems)


def test_every_problem_is_reported_at_once(default, schema):
    default["methods"]["ga_cntk"]["optimizer"] = "sgd"
    default["methods"]["ga_fntk"]["steps"] = 0
    problems = problems_of(default, schema)
    assert len(problems) == 2
    assert any("ga_cntk.optimizer" in p for p in problems) and any("ga_fntk.steps" in p for p in problems)


def test_experiment_naming_an_undefined_method_is_rejected(default, schema):
    index = len(default["experiments"][0]["methods"])
    default["experiments"][0]["methods"].append("biggan")
    (problem,) = problems_of(default, schema)
    assert f"'experiments[0].methods[{index}]': 'biggan' is not defined under 'methods'" in problem
    assert "'ga_cntk'" in problem


def test_experiment_naming_an_undefined_dataset_is_rejected(default, schema):
    default["experiments"][0]["dataset"] = "mnist"
    (problem,) = problems_of(default, schema)
    assert "'experiments[0].dataset': 'mnist' is not defined under 'datasets'" in problem


def test_convolutional_kernel_on_toy_data_is_rejected(default, schema):
    default["experiments"][2]["methods"] = ["ga_cntk"]  # grid25 with the data set's kernel: fntk, fine
    default["methods"]["ga_cntk"]["kernels"] = ["cntk_digits"]
    problems = problems_of(default, schema)
    assert any("'methods.ga_cntk.kernels'" in p and "'grid25' holds 2-D points" in p for p in problems)


def test_batch_larger_than_the_subset_is_rejected(default, schema):
    default["methods"]["ga_cntk_batch"]["batch_size"] = 100
    problems = problems_of(default, schema)
    assert any("'methods.ga_cntk_batch.batch_size': 100 exceeds n = 64" in p for p in problems)


def test_one_run_with_two_different_settings_is_rejected(default, schema):
    extra = copy.deepcopy(default["experiments"][0])
    extra["settings"] = {"ga_cntk": {"steps": 7}}
    default["experiments"].append(extra)
    problems = problems_of(default, schema)
    assert any("digits n=64 seed=0 ga_cntk appears in several experiments" in p for p in problems)


def test_figure_showing_a_run_outside_the_experiments_is_left_out_naming_the_run(default, schema):
    default["figures"]["fig4"].update(dataset="grid25", n=512, seed=0, method="ga_fntk")
    config = validate_config(default, schema)
    assert figure_needs(config, "fig4") == "run grid25 n=512 seed=0 ga_fntk in the experiments"
    assert target_needs(config) == {"fig4": ("figures.fig4", "run grid25 n=512 seed=0 ga_fntk in the experiments")}


def test_figure_naming_an_undefined_method_or_dataset_is_rejected(default, schema):
    default["figures"]["fig3"]["method"] = "ga_cntkk"
    default["figures"]["fig1"]["rows"] = [{"dataset": "digitz", "n": 64, "seed": 0}]
    problems = problems_of(default, schema)
    assert any(p.startswith("config key 'figures.fig3.method': 'ga_cntkk' is not defined under 'methods'") for p in problems)
    assert any(p.startswith("config key 'figures.fig1.rows[0].dataset': 'digitz' is not defined") for p in problems)


def test_toy_figure_of_image_data_is_rejected(default, schema):
    default["figures"]["fig4"].update(dataset="digits", n=64, method="ga_cntk")
    (problem,) = problems_of(default, schema)
    assert "fig4 shows toy data, but 'digits' is of type 'images'" in problem


def test_mean_image_figure_needs_a_batch_size_1_run(default, schema):
    default["figures"]["fig7"]["method"] = "ga_cntk_batch"
    (problem,) = problems_of(default, schema)
    assert "'figures.fig7.method': 'ga_cntk_batch' has batch_size 16" in problem


def test_defaults_are_filled_in(default, schema):
    del default["resources"]
    del default["methods"]["ga_cntk"]["snapshot_every"]
    config = validate_config(default, schema)
    assert config["methods"]["ga_cntk"]["snapshot_every"] == 50
    assert config["methods"]["ga_cntk"]["batch_size"] is None
    assert config["resources"]["synthesize"] == {"threads": 1, "mem_mb": 8000, "runtime": 60, "gpu": 1}
    assert config["resources"]["subsample"] == {"threads": 1, "mem_mb": 4000, "runtime": 30}
    assert config["figures"]["fig3"]["strip"] == 6
    # Overrides get no defaults: they would undo the method's own settings.
    assert set(config["experiments"][1]["settings"]["ga_cntk"]) == {"steps", "snapshot_every", "stop"}
    # A method without `stop:` takes the last Z; a partial `stop:` gets the paper's numbers.
    assert config["methods"]["ga_fntk"]["stop"] == {
        "rule": "final", "monitor": "norm", "patience": 10000, "delta": 0.05, "window": 1, "halt": True}


def test_a_partial_stop_block_gets_the_papers_patience_and_delta(default, schema):
    default["methods"]["ga_cntk"]["stop"] = {"rule": "plateau"}
    config = validate_config(default, schema)
    assert config["methods"]["ga_cntk"]["stop"]["patience"] == 10000
    assert config["methods"]["ga_cntk"]["stop"]["delta"] == 0.05


def test_heldout_stop_rule_on_toy_data_or_a_generator_is_rejected(default, schema):
    default["methods"]["ga_fntk"]["stop"] = {"rule": "heldout_am_ssim"}
    default["methods"]["ga_cntkg"]["stop"] = {"rule": "heldout_am_ssim"}
    problems = problems_of(default, schema)
    assert any("'methods.ga_fntk.stop.rule': heldout_am_ssim" in p and "has 2-D points" in p for p in problems)
    assert any("'methods.ga_cntkg.stop.rule'" in p and "a generator (kind ga_ntkg)" in p for p in problems)


def test_unknown_stop_rule_names_the_allowed_ones(default, schema):
    default["methods"]["ga_cntk"]["stop"] = {"rule": "early"}
    problems = problems_of(default, schema)
    assert any("'methods.ga_cntk.stop.rule'" in p and "'plateau', 'heldout_am_ssim', 'final'" in p for p in problems)


def test_run_settings_apply_overrides_and_resolve_the_dataset_kernel(default, schema):
    config = validate_config(default, schema)
    faces = run_settings(config, Run("lfw_faces", 64, 0, "ga_cntk"))
    digits = run_settings(config, Run("digits", 64, 0, "ga_cntk"))
    assert faces["kernels"] == ["cntk_faces"] and faces["steps"] == 300 and faces["snapshot_every"] == 25
    assert digits["kernels"] == ["cntk_digits"] and digits["steps"] == 1000
    assert config["methods"]["ga_cntk"]["kernels"] == ["dataset"], "run_settings must not modify the config"


def test_expand_runs_is_the_product_of_each_experiment_without_repeats(default, schema):
    default["experiments"][0]["seeds"] = [0, 1]
    default["experiments"].append(copy.deepcopy(default["experiments"][0]))
    config = validate_config(default, schema)
    runs = expand_runs(config)
    assert len(runs) == len(set(runs))
    first = default["experiments"][0]["methods"]
    digits = [r for r in runs if r.dataset == "digits" and r.method in first]  # other experiments: GAN runs
    assert digits == [Run("digits", 64, s, m) for s in (0, 1) for m in first]


def test_figure_runs_list_rows_times_methods(default, schema):
    config = validate_config(default, schema)
    assert figure_runs(config, "fig8") == [Run(d, 64, 0, "ga_cntk_batch") for d in ("digits", "lfw_faces")]
    assert figure_runs(config, "fig12") == [Run("digits", 64, 0, m) for m in ("ga_cntk", "ga_cntkg")]
    assert figure_runs(config, "fig7") == [Run("digits", 64, 0, "ga_cntk_b1"), Run("digits", 64, 0, "ga_cntk")]
    assert figure_runs(config, "fig6") == []


def test_schema_kernel_names_are_the_library_presets(schema):
    from gantk.generator.ga_cntkg import CODE_KERNELS
    from gantk.kernels import PRESETS

    assert sorted(schema["$defs"]["kernel"]["enum"]) == sorted(PRESETS)
    assert sorted(schema["$defs"]["method_kernel"]["enum"]) == sorted([*PRESETS, *CODE_KERNELS, "dataset"])


def test_schema_resource_sections_are_the_workflow_rules(schema):
    rules = set()
    for smk in (REPO / "workflow" / "rules").glob("*.smk"):
        rules |= {line.split()[1].rstrip(":") for line in smk.read_text().splitlines() if line.startswith("rule ")}
    assert set(schema["properties"]["resources"]["properties"]) <= rules


@pytest.mark.parametrize("name", CONFIGS)
def test_every_run_of_a_shipped_config_makes_a_valid_synth_config(name, schema):
    from gantk.synthesis.ga_ntk import SynthConfig

    config = load_config(REPO / "config" / name, schema)
    for run in expand_runs(config):
        settings = run_settings(config, run)
        if settings.get("kind") == "ga_ntkg":
            continue  # GA-CNTKg runs: test_every_ga_cntkg_run_of_a_shipped_config_makes_a_valid_generator_config
        if settings.get("kind") == "gan":
            continue  # GAN baselines: tests/test_baselines_workflow.py
        cfg = SynthConfig(**synth_kwargs(settings), lambdas=(1.0,) * len(settings["kernels"]), seed=run.seed)
        assert cfg.kernels == tuple(settings["kernels"]) and cfg.method == settings["solver"]


def test_dataset_options_are_checked_against_the_data_registry(default, schema):
    default["datasets"]["cifar10"] = {
        "type": "images", "source": "cifar10", "kernel": "cntk_cifar10", "options": {"root": "data/c", "lable": 7}
    }
    default["datasets"]["ring8"]["options"] = {"radius": 0.4}
    problems = problems_of(default, schema)
    assert any(p.startswith("config key 'datasets.cifar10.options': dataset 'cifar10' has no option 'lable'")
               and "label" in p for p in problems), problems
    assert "config key 'datasets.ring8.options': toy mixtures take no options" in problems


# GA-CNTKg (kind ga_ntkg): autoencoder, code kernel and figure checks


def _with_generator(config: dict, **method) -> dict:
    config["methods"]["gen"] = {
        "kind": "ga_ntkg", "kernels": ["fntk"], "steps": 10, "lr": 2e-4, "optimizer": "adam", "batch_size": 8, **method
    }
    config["experiments"][0]["methods"].append("gen")
    return config


@pytest.mark.parametrize("name", CONFIGS)
def test_every_ga_cntkg_run_of_a_shipped_config_makes_a_valid_generator_config(name, schema):
    from gantk.generator.ga_cntkg import GeneratorConfig

    config = load_config(REPO / "config" / name, schema)
    for run in expand_runs(config):
        settings = run_settings(config, run)
        if settings.get("kind") != "ga_ntkg":
            continue
        assert run.dataset in config["autoencoders"]
        settings["batch_size"] = settings["batch_size"] or run.n
        cfg = GeneratorConfig.from_settings(settings, lam=1.0, seed=run.seed)
        assert cfg.kernel == settings["kernels"][0] and cfg.batch_size <= run.n


def test_ga_cntkg_without_an_autoencoder_names_the_autoencoders_key(default, schema):
    config = _with_generator(default)
    config.pop("autoencoders", None)
    config["figures"]["fig11"] = config["figures"]["fig20"] = None
    problems = problems_of(config, schema)
    assert any(p.startswith("config key 'autoencoders.digits' is missing") and "'gen'" in p for p in problems), problems


def test_ga_cntkg_kernel_that_cannot_take_the_codes_names_the_kernels_key(default, schema):
    # multires_small takes 256×256×3 images; the digits autoencoder's codes are 32-vectors (Table 7's pattern).
    problems = problems_of(_with_generator(default, kernels=["multires_small"]), schema)
    assert any(
        p.startswith("config key 'methods.gen.kernels': kernel 'multires_small' cannot take the codes")
        and "(32,)" in p
        for p in problems
    ), problems


def test_autoencoder_for_other_images_names_the_architecture_key(default, schema):
    default["autoencoders"]["digits"]["architecture"] = "mnist"
    problems = problems_of(default, schema)
    assert any(
        p.startswith("config key 'autoencoders.digits.architecture': 'mnist' is for (28, 28, 1) images") for p in problems
    ), problems


def test_unknown_autoencoder_architecture_names_the_allowed_ones(default, schema):
    default["autoencoders"]["digits"]["architecture"] = "resnet"
    problems = problems_of(default, schema)
    assert any(p.startswith("config key 'autoencoders.digits.architecture': 'resnet' is not allowed") for p in problems)


def test_generator_settings_on_a_ga_ntk_method_are_named(default, schema):
    default["methods"]["ga_cntk"]["latent_dim"] = 2
    problems = problems_of(default, schema)
    assert any(p.startswith("config key 'methods.ga_cntk.latent_dim': generator settings") for p in problems), problems


def test_latent_grid_figure_needs_a_2d_latent_ga_cntkg_run(default, schema):
    default["figures"]["fig20"]["method"] = "ga_cntkg"
    default["figures"]["fig11"]["method"] = "ga_cntk"
    problems = problems_of(default, schema)
    assert "config key 'figures.fig20.method': 'ga_cntkg' has latent_dim 64; the latent grid needs latent_dim 2" in problems
    assert "config key 'figures.fig11.method': 'ga_cntk' is not a GA-CNTKg method (kind ga_ntkg)" in problems


def test_overrides_of_a_gan_method_get_no_stop_block(schema):
    config = validate_config(yaml.safe_load((REPO / "config" / "paper.yaml").read_text()), schema)
    assert "stop" not in run_settings(config, Run("cifar10", 64, 0, "wgan_gp"))
    assert run_settings(config, Run("cifar10", 64, 0, "ga_cntk"))["stop"]["rule"] == "plateau"


def _merged(*names: str) -> dict:
    """Configs merged in order as Snakemake merges `configfile:` and `--configfile` files."""
    from snakemake.utils import update_config

    config: dict = {}
    for name in names:
        update_config(config, yaml.safe_load((REPO / "config" / name).read_text()))
    return config


def test_authors_config_runs_the_paper_experiments_with_the_authors_ga_cntk(schema):
    from gantk.workflow.config import run_lambdas

    paper = validate_config(_merged("config.yaml", "paper.yaml"), schema)
    authors = validate_config(_merged("config.yaml", "paper.yaml", "authors.yaml"), schema)
    frontier_only = {"ga_cntk_gd", "ga_cntk_authors"}
    assert expand_runs(authors) == [r for r in expand_runs(paper) if r.method not in frontier_only]
    for run in expand_runs(authors):
        if run.method != "ga_cntk":
            assert run_settings(authors, run) == run_settings(paper, run), run
            continue
        settings = run_settings(authors, run)
        assert (settings["loss"], settings["optimizer"], settings["lr"], settings["steps"]) == (
            "cross_entropy", "gd", 1000.0, 100000)
        rate = 4 if run.dataset == "celeba" else 2
        assert settings["lambda_from_training"] == {"rate": 0.01, "time": 65536 * rate}
    settings = {r: run_settings(authors, r) for r in expand_runs(authors) if r.method == "ga_cntk" and r.n == 256}
    lams = {r.dataset: run_lambdas(s, [1.0], r.n) for r, s in settings.items()}
    assert lams == {"mnist": pytest.approx((1.28,)), "cifar10": pytest.approx((1.28,)), "celeba": pytest.approx((2.56,))}
    assert authors["figures"]["frontier"] is None


def test_run_lambdas_are_searched_unless_set_from_training():
    from gantk.workflow.config import run_lambdas

    assert run_lambdas({"kernels": ["a", "b"]}, [2.0, 4.0], 64) == (2.0, 4.0)
    training = {"kernels": ["a"], "lambda_from_training": {"rate": 0.01, "time": 131072}}
    assert run_lambdas(training, [2.0], 64) == pytest.approx((5.12,))
    assert run_lambdas({**training, "batch_size": 16}, [2.0], 64) == pytest.approx((0.01 * 131072 / 64,))


def test_free_point_settings_on_a_generator_method_are_named(default, schema):
    default["methods"]["ga_cntkg"]["loss"] = "cross_entropy"
    assert any("'methods.ga_cntkg.loss'" in p and "kind ga_ntk" in p for p in problems_of(default, schema))


def test_unknown_loss_names_the_key_and_allowed_values(default, schema):
    default["methods"]["ga_cntk"]["loss"] = "hinge"
    assert "config key 'methods.ga_cntk.loss': 'hinge' is not allowed; allowed values: 'squared', 'cross_entropy'" in (
        problems_of(default, schema)
    )


def test_frontier_without_fid_names_the_metrics_fid_key(default, schema):
    default["metrics"]["fid"] = None
    assert any(p.startswith("config key 'metrics.fid' is missing: figures.frontier") for p in problems_of(default, schema))


def test_frontier_of_a_generator_method_is_rejected(default, schema):
    default["figures"]["frontier"]["methods"].append("ga_cntkg")
    assert any("'figures.frontier.methods[3]'" in p and "kind 'ga_ntkg'" in p for p in problems_of(default, schema))


def test_a_plateau_on_the_norm_of_a_cross_entropy_run_is_rejected(default, schema):
    default["methods"]["ga_cntk"]["loss"] = "cross_entropy"
    assert any("'methods.ga_cntk.stop.monitor'" in p and "monitor 'loss'" in p for p in problems_of(default, schema))
    default["methods"]["ga_cntk"]["stop"]["monitor"] = "loss"
    default["experiments"][1]["settings"]["ga_cntk"]["stop"]["monitor"] = "loss"  # lfw_faces' own stop block
    validate_config(default, schema)


def test_a_multires_kernel_on_images_of_another_shape_is_refused_before_any_job(default, schema):
    default["methods"]["ga_cntk"]["kernels"] = ["multires_small"]
    assert (
        "config key 'methods.ga_cntk.kernels' (run digits n=64): kernel preset 'multires_small' expects inputs "
        "of shape (256, 256, 3) (it works at 16×16 pixels), got shape (8, 8, 1)"
    ) in problems_of(default, schema)
