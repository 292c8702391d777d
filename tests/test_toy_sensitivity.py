"""Fig 9's grid search: grid expansion, one budgeted run per point, scores and the figure."""

import json

import numpy as np
import pandas as pd
import pytest

from gantk.plots.baselines import sensitivity_figure, toy_methods_figure
from gantk.data.toy import mixture_modes, sample_mixture
from gantk.experiments.toy_sensitivity import grid_points, search_order, sensitivity


def test_grid_points_are_the_cartesian_product_in_sorted_key_order():
    points = grid_points({"n_dis": [1, 5], "lr": [1e-4, 1e-3, 1e-2]})
    assert len(points) == 6
    assert points[0] == {"lr": 1e-4, "n_dis": 1} and points[1] == {"lr": 1e-4, "n_dis": 5}
    assert grid_points({}) == [{}]
    with pytest.raises(ValueError, match="'lr'"):
        grid_points({"lr": []})


def test_each_grid_point_trains_its_steps_and_is_scored():
    x, reference = sample_mixture("ring8", 32, 0), sample_mixture("ring8", 32, 1)
    frame = sensitivity(
        x, reference, mixture="ring8", method="wgan_gp", grid={"lr": [1e-3]}, budget_s=60.0, steps=6, seed=0,
        gan_options={"width": 0.0625, "batch_size": 16, "latent_dim": 8},
    )
    row = frame.iloc[0]
    assert len(frame) == 1 and row["status"] == "ok" and json.loads(row["params"]) == {"lr": 1e-3}
    assert row["iterations"] == 6 and row["wasserstein"] > 0 and row["n_modes"] == 8 and row["grid_size"] == 1


def test_the_budget_is_for_the_whole_search_and_points_run_in_the_seeded_order():
    x, reference = sample_mixture("ring8", 32, 0), sample_mixture("ring8", 32, 1)
    grid = {"lam": [1.0, 2.0, 4.0], "lr": [0.01, 0.1]}
    points = grid_points(grid)
    order = search_order(len(points), 3)
    assert sorted(order.tolist()) == list(range(6)) and order.tolist() != list(range(6))
    # A budget that any run spends: the search stops after the first point of its order.
    short = sensitivity(x, reference, mixture="ring8", method="ga_fntk", grid=grid, budget_s=1e-9, steps=4, seed=3)
    assert len(short) == 1 and json.loads(short["params"].iloc[0]) == points[order[0]]
    assert short["grid_size"].iloc[0] == 6 and short["budget_used_s"].iloc[0] > 0
    # A budget no run spends: every point, each with its §4.2-style fixed step count.
    full = sensitivity(x, reference, mixture="ring8", method="ga_fntk", grid=grid, budget_s=1e6, steps=4, seed=3)
    assert [json.loads(p) for p in full["params"]] == [points[i] for i in order]
    assert (full["iterations"] == 4).all() and full["budget_used_s"].is_monotonic_increasing


def test_sensitivity_figure_counts_diverged_runs():
    frame = pd.DataFrame({
        "dataset": ["ring8"] * 4,
        "method": ["wgan", "wgan", "wgan_gp", "wgan_gp"],
        "wasserstein": [0.1, np.nan, 0.05, 0.07],
        "status": ["ok", "non_finite", "ok", "ok"],
    })
    fig = sensitivity_figure(frame, floors={"ring8": 0.02})
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["wgan\n(2 runs, 1 diverged)", "wgan_gp\n(2 runs)"]


def test_toy_methods_figure_has_one_panel_per_method():
    modes, std = mixture_modes("ring8")
    real = sample_mixture("ring8", 16, 0)
    fig = toy_methods_figure({"a": real, "b": real + 0.01}, real, modes, std,
                             scores={"a": {"wasserstein": 0.1, "modes_covered": 8, "n_modes": 8}})
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == ["a", "b"]
