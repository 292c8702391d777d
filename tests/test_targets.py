"""gantk.workflow.targets: figures pick the runs they leave out from the experiments, and a target whose
runs are not in the experiments is named with what it lacks instead of stopping the workflow."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from snakemake.utils import update_config

from gantk.workflow.baselines import baseline_needs
from gantk.workflow.config import ConfigError, Run, expand_runs, validate_config
from gantk.workflow.targets import (
    cannot_make,
    figure_needs,
    figure_runs,
    left_out_line,
    resolve_figures,
    table_needs,
    target_needs,
)

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"

#: A user's config of only datasets and experiments (what `--configfile` merges over the default).
MINE = {
    "datasets": {"mine": {"type": "images", "source": "digits", "kernel": "cntk_digits"}},
    "experiments": [{"dataset": "mine", "n": [40], "seeds": [0], "methods": ["ga_cntk", "ga_cntk_batch"]}],
}


@pytest.fixture
def default():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def merged(default, user):
    """``default`` with ``user`` merged over it as snakemake merges `--configfile`, validated."""
    update_config(default, copy.deepcopy(user))
    return validate_config(default, SCHEMA)


def test_user_experiments_replace_the_default_ones_and_figures_follow_them(default):
    config = merged(default, MINE)
    assert {r.dataset for r in expand_runs(config)} == {"mine"}
    assert figure_runs(config, "fig8") == [Run("mine", 40, 0, "ga_cntk_batch")]
    # Fig 1's methods that ran (no subset ran the default's GANs and GA-CNTKg).
    assert figure_runs(config, "fig1") == [Run("mine", 40, 0, "ga_cntk")]
    assert figure_runs(config, "fig3") == [Run("mine", 40, 0, "ga_cntk")]
    assert figure_runs(config, "fig18") == [Run("mine", 40, 0, "ga_cntk")]
    assert config["figures"]["fig3"]["strip"] == 6, "the default's other figure settings stay"


def test_targets_the_user_runs_cannot_make_are_each_named_once_with_what_they_need(default):
    config = merged(default, MINE)
    needs = {**target_needs(config), **baseline_needs(config)}
    assert set(needs) == {"fig4", "fig5", "fig7", "fig10", "fig11", "fig17", "fig19", "fig20",
                          "table1", "table9", "fig9", "fig4_methods", "fig10_methods", "frontier"}
    assert needs["fig17"] == ("figures.fig17", "a run of wgan_gp on an image data set in the experiments")
    assert needs["fig4"] == ("figures.fig4", "a GA-NTK run on the 25-mode mixture (source grid25) in the experiments")
    assert needs["fig5"] == ("figures.fig5", "the data subset digits n=64 seed=0 in an experiment")
    assert needs["table1"] == ("tables.table1", "image runs with n in [64] in the experiments")
    assert needs["fig7"][1] == "a GA-NTK run on images with batch_size 1 in the experiments"
    line = left_out_line("fig4", *needs["fig4"])
    assert line.startswith("fig4 is left out of 'all': it needs a GA-NTK run") and "'figures.fig4'" in line
    assert "add such runs to 'experiments'" in cannot_make("fig4", *needs["fig4"])


def test_the_default_config_makes_every_target_it_configures(default):
    config = validate_config(default, SCHEMA)
    assert target_needs(config) == {} and baseline_needs(config) == {}
    assert figure_runs(config, "fig7") == [Run("digits", 64, 0, "ga_cntk_b1"), Run("digits", 64, 0, "ga_cntk")]
    assert figure_runs(config, "fig20") == [Run("digits", 64, 0, "ga_cntkg_2d")]
    assert figure_runs(config, "fig4") == [Run("grid25", 256, 0, "ga_fntk")]
    # The paper's per-method and per-data-set figures, from the default's runs.
    assert figure_runs(config, "fig1") == [Run("digits", 64, 0, m) for m in ("wgan_gp", "dcgan", "ga_cntk", "ga_cntkg")]
    assert figure_runs(config, "fig3") == [Run("digits", 64, 0, "ga_cntk"), Run("lfw_faces", 64, 0, "ga_cntk")]
    assert figure_runs(config, "fig8") == [Run("digits", 64, 0, "ga_cntk_batch"), Run("lfw_faces", 64, 0, "ga_cntk_batch")]
    assert figure_runs(config, "fig12") == [Run("digits", 64, 0, "ga_cntk"), Run("digits", 64, 0, "ga_cntkg")]
    assert [figure_runs(config, f) for f in ("fig17", "fig19")] == [[Run("digits", 64, 0, "wgan_gp")], [Run("digits", 64, 0, "ga_cntkg")]]
    assert figure_runs(config, "fig18") == [Run("digits", 64, 0, "ga_cntk"), Run("lfw_faces", 64, 0, "ga_cntk")]


def test_given_run_fields_narrow_the_choice(default):
    user = copy.deepcopy(MINE)
    user["experiments"].append({"dataset": "digits", "n": [16], "seeds": [3], "methods": ["ga_cntk"]})
    user["figures"] = {"fig3": {"dataset": "digits"}}
    assert figure_runs(merged(default, user), "fig3") == [Run("digits", 16, 3, "ga_cntk")]


def test_grid_figure_rows_are_the_subsets_that_ran_every_shown_method(default):
    default["figures"]["fig1"] = {"grid": 4}  # rows and methods left to the experiments
    user = copy.deepcopy(MINE)
    user["experiments"].append({"dataset": "digits", "n": [16], "seeds": [0], "methods": ["ga_cntk"]})
    both = figure_runs(merged(copy.deepcopy(default), user), "fig1")
    assert both == [Run("mine", 40, 0, "ga_cntk"), Run("digits", 16, 0, "ga_cntk")], "only the shared method"
    user["figures"] = {"fig1": {"methods": ["ga_cntk_batch"]}}
    assert figure_runs(merged(copy.deepcopy(default), user), "fig1") == [Run("mine", 40, 0, "ga_cntk_batch")]
    user["figures"] = {"fig1": {"rows": [{"dataset": "digits", "n": 16, "seed": 0}]}}
    assert figure_runs(merged(default, user), "fig1") == [Run("digits", 16, 0, "ga_cntk")]


def test_grid_figure_of_subsets_without_a_shared_method_shows_the_first_subset(default):
    user = {
        "datasets": MINE["datasets"],
        "experiments": [
            {"dataset": "mine", "n": [40], "seeds": [0], "methods": ["ga_cntk"]},
            {"dataset": "digits", "n": [16], "seeds": [0], "methods": ["ga_cntk_batch"]},
        ],
    }
    default["figures"]["fig1"] = {"grid": 4}
    assert figure_runs(merged(default, user), "fig1") == [Run("mine", 40, 0, "ga_cntk")]


def test_a_given_field_that_no_fitting_run_has_is_an_error_naming_it(default):
    user = copy.deepcopy(MINE)
    user["figures"] = {"fig7": {"method": "ga_cntk_batch"}}
    update_config(default, user)
    with pytest.raises(ConfigError) as info:
        validate_config(default, SCHEMA)
    assert any("'figures.fig7.method': 'ga_cntk_batch' has batch_size 16" in p for p in info.value.problems)


def test_figures_that_name_their_runs_are_left_as_they_are(default):
    config = copy.deepcopy(default)
    config["figures"]["fig3"] = {"dataset": "lfw_faces", "n": 64, "seed": 0, "method": "ga_cntk_batch"}
    before = copy.deepcopy(config["figures"])
    resolve_figures(config)
    assert config["figures"]["fig3"] == before["fig3"]


def test_fig5_needs_its_subset_in_an_experiment(default):
    default["figures"]["fig5"]["n"] = 32
    config = validate_config(default, SCHEMA)
    assert figure_needs(config, "fig5") == "the data subset digits n=32 seed=0 in an experiment"


def test_a_table_with_some_runs_of_its_sizes_is_made(default):
    default["tables"]["table1"] = {"n": [64, 128]}
    assert table_needs(validate_config(default, SCHEMA), "table1") is None


def test_a_figure_of_rows_shows_its_method_on_each_subset_and_per_dataset_picks_one_per_data_set(default):
    """Paper Figs 3, 11, 20: one panel per data set."""
    user = copy.deepcopy(MINE)
    user["experiments"].append({"dataset": "digits", "n": [16, 32], "seeds": [0], "methods": ["ga_cntk"]})
    config = merged(copy.deepcopy(default), user)
    assert figure_runs(config, "fig3") == [Run("mine", 40, 0, "ga_cntk"), Run("digits", 16, 0, "ga_cntk")]
    user["figures"] = {"fig3": {"rows": [{"dataset": "digits", "n": 32, "seed": 0}, {"dataset": "mine", "n": 40, "seed": 0}],
                                "method": "ga_cntk_batch", "per_dataset": False}}
    config = merged(copy.deepcopy(default), user)
    assert figure_needs(config, "fig3") == "run digits n=32 seed=0 ga_cntk_batch in the experiments"
    user["figures"]["fig3"]["method"] = "ga_cntk"
    assert figure_runs(merged(copy.deepcopy(default), user), "fig3") == [Run("digits", 32, 0, "ga_cntk"), Run("mine", 40, 0, "ga_cntk")]
    user["figures"]["fig3"]["dataset"] = "digits"
    with pytest.raises(ConfigError) as info:
        merged(default, user)
    assert "config key 'figures.fig3': give either rows (one panel per data subset) or dataset of one run, not both" in info.value.problems
