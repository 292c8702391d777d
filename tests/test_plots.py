"""gantk.plots: image tiling is exact, snapshot selection is right, and each figure shows
what its caption claims (panels, labels, the numbers in titles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from gantk.common.io import save_figure
from gantk.plots.curves import (
    CROSSING_LABEL,
    LearningCurve,
    learning_curves_figure,
    loss_curves_figure,
)
from gantk.plots.frontier import frontier_figure
from gantk.plots.grids import (
    evenly_spaced,
    image_grid,
    latent_grid_figure,
    nearest_snapshots,
    samples_figure,
)
from gantk.plots.neighbours import mean_image_figure, nearest_neighbours_figure
from gantk.plots.toy import MODE_RADIUS_STD, toy_figure


def constant_images(n: int, h: int = 3, w: int = 2, c: int = 1) -> np.ndarray:
    """Image i is filled with the value i / 10 (identifies where it lands)."""
    return np.stack([np.full((h, w, c), i / 10, np.float32) for i in range(n)])


def test_image_grid_puts_image_i_at_row_i_div_ncols_and_column_i_mod_ncols():
    images = constant_images(5)
    grid = image_grid(images, ncols=2, pad=1, pad_value=-1.0)
    assert grid.shape == (3 * (3 + 1) - 1, 2 * (2 + 1) - 1, 1)
    for i in range(5):
        r, q = divmod(i, 2)
        block = grid[r * 4 : r * 4 + 3, q * 3 : q * 3 + 2]
        np.testing.assert_array_equal(block, images[i])
    # The padding rows/columns and the empty sixth cell hold the pad value.
    assert np.all(grid[3, :] == -1.0) and np.all(grid[:, 2] == -1.0)
    assert np.all(grid[8:11, 3:5] == -1.0)


def test_image_grid_defaults_to_a_square_layout_without_padding_loss():
    grid = image_grid(constant_images(9, c=3), pad=0)
    assert grid.shape == (9, 6, 3)


@pytest.mark.parametrize("bad", [np.zeros((0, 2, 2, 1)), np.zeros((2, 2, 2))])
def test_image_grid_rejects_what_is_not_a_nonempty_image_stack(bad):
    with pytest.raises(ValueError, match="shape"):
        image_grid(bad)


def test_evenly_spaced_keeps_first_and_last_and_never_repeats():
    assert evenly_spaced(21, 6).tolist() == [0, 4, 8, 12, 16, 20]
    assert evenly_spaced(3, 6).tolist() == [0, 1, 2]
    picked = evenly_spaced(5, 4)
    assert picked[0] == 0 and picked[-1] == 4 and len(set(picked)) == len(picked)


def test_nearest_snapshots_picks_the_closest_step_once():
    steps = np.array([0, 25, 50, 75, 100])
    assert nearest_snapshots(steps, [0, 30, 100, 1000]).tolist() == [0, 1, 4]
    assert nearest_snapshots(steps, [12]).tolist() == [0]  # tie: the earlier snapshot


def test_samples_figure_has_one_panel_per_set_with_column_titles_and_row_labels():
    sets = [[constant_images(4), constant_images(9)], [constant_images(2, 5, 5), constant_images(3, 5, 5)]]
    fig = samples_figure(sets, ["digits", "faces"], ["training data", "ga_cntk"], grid=2)
    axes = fig.axes
    assert len(axes) == 4
    assert [a.get_title() for a in axes[:2]] == ["training data", "ga_cntk"]
    assert axes[0].get_ylabel() == "digits" and axes[2].get_ylabel() == "faces"
    # Each panel shows grid × grid images: a 2 × 2 grid of 3 × 2 images with 1-pixel padding.
    assert axes[1].images[0].get_array().shape == (7, 5)


def test_samples_figure_rejects_ragged_panels():
    with pytest.raises(ValueError, match="rows"):
        samples_figure([[constant_images(1)]], ["a"], ["x", "y"])


def learning_run(steps=100, every=10, n=4):
    curve = pd.DataFrame({"step": np.arange(1, steps + 1), "loss": np.linspace(30, 16, steps)})
    snap_steps = np.arange(0, steps + 1, every)
    snapshots = np.stack([constant_images(n, 8, 8) for _ in snap_steps])
    along = pd.DataFrame({"step": snap_steps, "am_ssim": np.linspace(0.2, 0.95, len(snap_steps))})
    return curve, snap_steps, snapshots, along


def test_learning_curve_marks_where_samples_pass_the_held_out_level():
    curve, steps, snaps, along = learning_run()
    fig = learning_curves_figure([LearningCurve(curve, steps, snaps, along, reference_am_ssim=0.8)], strip=4, images=2)
    strips = [a for a in fig.axes if a.get_title().startswith("step")]
    assert [a.get_title() for a in strips] == ["step 0", "step 30", "step 70", "step 100"]
    first_above = int(along.loc[along["am_ssim"] > 0.8, "step"].iloc[0])
    assert f"{CROSSING_LABEL} (from step {first_above})" in legend_texts(fig)
    twin = [a for a in fig.axes if a.get_ylabel().startswith("average max-SSIM")][0]
    np.testing.assert_allclose(twin.lines[0].get_ydata(), along["am_ssim"])


def test_learning_curve_without_a_reference_draws_no_level():
    curve, steps, snaps, along = learning_run()
    fig = learning_curves_figure([LearningCurve(curve, steps, snaps, along, reference_am_ssim=None)])
    assert not [t for a in fig.axes for t in a.texts]
    assert not [t for t in legend_texts(fig) if CROSSING_LABEL in t]


def legend_texts(fig) -> list[str]:
    return [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]


@pytest.mark.parametrize("steps", [300, 750, 1500])
@pytest.mark.parametrize("crossing", [0.3, 0.97])
def test_learning_curve_crossing_note_overlaps_no_tick_label_and_stays_in_the_figure(steps, crossing):
    """The note of where samples pass the held-out level, early or late in runs of Fig 3's lengths."""
    every = steps // 30
    snap_steps = np.arange(0, steps + 1, every)
    curve = pd.DataFrame({"step": np.arange(1, steps + 1), "loss": 16 + 14 * np.exp(-np.arange(steps) / (steps / 6))})
    along = pd.DataFrame({"step": snap_steps, "am_ssim": np.minimum(0.2 + 0.46 * snap_steps / (crossing * steps), 0.97)})
    snapshots = np.stack([constant_images(3, 8, 8) for _ in snap_steps])
    fig = learning_curves_figure([LearningCurve(curve, snap_steps, snapshots, along, reference_am_ssim=0.66)])
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    notes = [t for a in fig.axes for t in [*a.texts, *(a.get_legend().get_texts() if a.get_legend() else [])]]
    notes = [t for t in notes if "closer to the training set" in t.get_text()]
    assert len(notes) == 1, [t.get_text() for t in notes]
    box = notes[0].get_window_extent(renderer)
    ticks = [
        label
        for a in fig.axes
        for label in [*a.get_xticklabels(), *a.get_yticklabels()]
        if label.get_visible() and label.get_text()
    ]
    assert ticks, "no tick labels drawn"
    overlapping = [t.get_text() for t in ticks if box.overlaps(t.get_window_extent(renderer))]
    assert not overlapping, f"the note overlaps tick labels {overlapping}"
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0, "the note leaves the figure"


def test_learning_curves_figure_has_one_panel_per_data_set_each_from_its_own_run():
    """Paper Fig 3: (a) MNIST, (b) CIFAR-10, (c) CelebA side by side, each with its own curve and Z."""
    runs = []
    for i, name in enumerate(("mnist", "cifar10", "celeba")):
        curve, steps, snaps, along = learning_run(steps=100 + 50 * i)
        curve["loss"] += 100 * i  # tells the panels apart
        runs.append(LearningCurve(curve, steps, snaps * (i + 1) / 3, along, 0.8, (20, "plateau"), title=f"({'abc'[i]}) {name}"))
    fig = learning_curves_figure(runs, strip=3, images=2, title="Fig 3")
    panels = fig.subfigs[1].subfigs
    assert fig.subfigs[0]._suptitle.get_text() == "Fig 3"
    assert [p._suptitle.get_text() for p in panels] == ["(a) mnist", "(b) cifar10", "(c) celeba"]
    for i, (panel, run) in enumerate(zip(panels, runs)):
        strips = [a for a in panel.axes if a.get_title().startswith("step")]
        assert [a.get_title() for a in strips] == [f"step {run.snapshot_steps[k]}" for k in evenly_spaced(len(run.snapshot_steps), 3)]
        assert strips[-1].get_title() == f"step {run.snapshot_steps[-1]}"
        (loss,) = [a for a in panel.axes if a.get_ylabel() == "loss"]
        np.testing.assert_allclose(loss.lines[0].get_ydata(), run.curve["loss"])
        # The first snapshot's two images, stacked: this run's pixel values.
        np.testing.assert_allclose(strips[0].images[0].get_array()[:8, :, ], run.snapshots[0][0, ..., 0])
    with pytest.raises(ValueError, match="no runs"):
        learning_curves_figure([])


def test_latent_grid_figure_places_each_image_at_its_latent_point():
    """Paper Fig 20: one panel per data set; image (i, j) is centred on zeta[i, j] on the axes."""
    size, span = 3, 1.0
    u = np.linspace(-span, span, size)
    zeta = np.stack(np.meshgrid(u, -u, indexing="xy"), axis=-1)
    images = np.stack([constant_images(size, 2, 2) + 0.3 * r for r in range(size)])  # (3, 3, 2, 2, 1)
    fig = latent_grid_figure([("(a) mnist", zeta, images), ("(b) celeba", zeta, images[::-1])])
    axes = [a for a in fig.axes if a.images]
    assert [a.get_title() for a in axes] == ["(a) mnist", "(b) celeba"]
    shown = axes[0].images[0]
    x0, x1, _, y1 = shown.get_extent()
    cell = (x1 - x0) / size
    for i in range(size):
        for j in range(size):
            # the image whose cell centre is at zeta[i, j] (the tiling has 1-pixel gaps)
            col, row = (zeta[i, j, 0] - x0) / cell - 0.5, (y1 - zeta[i, j, 1]) / cell - 0.5
            assert (col, row) == pytest.approx((j, i))
            np.testing.assert_allclose(shown.get_array()[3 * i : 3 * i + 2, 3 * j : 3 * j + 2], images[i, j, ..., 0])
    np.testing.assert_allclose(axes[1].images[0].get_array()[:2, :2], images[-1, 0, ..., 0])
    with pytest.raises(ValueError, match="zeta"):
        latent_grid_figure([("bad", zeta[:2], images)])


def test_toy_figure_with_methods_draws_the_truth_and_each_method_above_the_run():
    """Paper Fig 4: (a) truth, then each method's final points; the run's steps in the row below."""
    rng = np.random.default_rng(1)
    modes = np.array([[0.25, 0.25], [0.75, 0.75]])
    real = rng.uniform(size=(10, 2))
    snap_steps = np.array([0, 10, 20])
    snapshots = rng.uniform(size=(3, 16, 2))
    methods = {"gan": rng.uniform(size=(16, 2)), "wgan_gp": rng.uniform(size=(16, 2))}
    scores = {"gan": {"wasserstein": 0.25, "modes_covered": 1, "n_modes": 2}}
    fig = toy_figure(snap_steps, snapshots, real, modes, 0.01, panels=3, methods=methods, method_scores=scores)
    titles = [a.get_title() for a in fig.axes]
    assert titles == ["(a) truth", "(b) gan\nW = 0.250, modes 1/2", "(c) wgan_gp", "step 0", "step 10", "step 20"]
    truth, gan = fig.axes[0], fig.axes[1]
    np.testing.assert_allclose(truth.collections[1].get_offsets(), real)
    assert len(truth.collections[0].get_offsets()) == 0, "no second copy of the real points under the truth"
    np.testing.assert_allclose(gan.collections[1].get_offsets(), methods["gan"])
    np.testing.assert_allclose(fig.axes[5].collections[1].get_offsets(), snapshots[2])


def test_nearest_neighbours_figure_pairs_each_sample_with_its_saved_neighbour():
    """Paper Figs 17-19: one row pair per data set, generated above nearest, SSIM under each."""
    generated, nearest = constant_images(3, 4, 4), constant_images(3, 4, 4)[::-1]
    ssim = np.array([0.9, 0.5, 0.1])
    fig = nearest_neighbours_figure([("wgan_gp\nmnist", generated, nearest, ssim), ("wgan_gp\ncelebA", generated[:2], nearest[:2], ssim[:2])])
    axes = np.array(fig.axes).reshape(4, 3)
    assert axes[0, 0].get_ylabel() == "wgan_gp\nmnist\ngenerated" and axes[2, 0].get_ylabel() == "wgan_gp\ncelebA\ngenerated"
    assert [a.get_title() for a in axes[1]] == ["0.90", "0.50", "0.10"]
    for j in range(3):
        np.testing.assert_allclose(axes[0, j].images[0].get_array(), generated[j, ..., 0])
        np.testing.assert_allclose(axes[1, j].images[0].get_array(), nearest[j, ..., 0])
    assert not axes[2, 2].images and not axes[2, 2].axison, "the shorter row leaves its last cell empty"
    with pytest.raises(ValueError, match="as many nearest"):
        nearest_neighbours_figure([("x", generated, nearest[:2], ssim)])


def test_toy_figure_titles_carry_each_step_metrics():
    modes = np.array([[0.25, 0.25], [0.75, 0.75]])
    snap_steps = np.array([0, 10, 20])
    snapshots = np.random.default_rng(0).uniform(size=(3, 16, 2))
    along = pd.DataFrame(
        {"step": snap_steps, "wasserstein": [0.3, 0.2, 0.1], "modes_covered": [0, 1, 2], "n_modes": [2, 2, 2]}
    )
    fig = toy_figure(snap_steps, snapshots, modes, modes, 0.01, along_run=along, steps=[0, 20])
    titles = [a.get_title() for a in fig.axes]
    assert titles == ["step 0\nW = 0.300, modes 0/2", "step 20\nW = 0.100, modes 2/2"]
    circles = [p for p in fig.axes[0].patches]
    assert len(circles) == 2 and circles[0].radius == pytest.approx(MODE_RADIUS_STD * 0.01)
    generated = fig.axes[1].collections[1].get_offsets()
    np.testing.assert_allclose(generated, snapshots[2])


def test_mean_image_figure_reports_distance_to_the_training_mean():
    rng = np.random.default_rng(0)
    real = rng.uniform(size=(6, 4, 4, 1))
    at_mean = np.repeat(real.mean(0, keepdims=True), 5, axis=0)
    fig = mean_image_figure(real, {"b = 1": at_mean, "full batch": real[:5]}, images=3)
    labels = [a.get_ylabel() for a in fig.axes if a.get_ylabel()]
    assert labels[1] == "b = 1\nto mean 0.000\nspread 0.000"
    rms = np.sqrt(((real[:5] - real.mean(0)) ** 2).reshape(5, -1).mean(1))
    assert labels[2].startswith(f"full batch\nto mean {np.median(rms):.3f}")
    assert len(fig.axes) == 3 * 4


def test_loss_curves_figure_draws_one_line_per_run():
    curves = {k: pd.DataFrame({"step": [1, 2, 3], "loss": [3.0, 2.0, v]}) for k, v in (("a", 1.0), ("b", 1.5))}
    fig = loss_curves_figure(curves, logy=True)
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["a", "b"] and ax.get_yscale() == "log"


def test_frontier_figure_has_a_panel_per_subset_a_curve_per_method_and_the_reference_points():
    rows = []
    for dataset in ("mnist", "cifar10"):
        for method, fids in (("ours", [150.0, 60.0, 40.0]), ("authors", [110.0, 70.0, 72.0])):
            for step, am, fid, sel in zip([50, 250, 1000], [0.5, 0.7, 0.9], fids, [False, False, True]):
                rows.append({"dataset": dataset, "n": 64, "seed": 0, "method": method, "setting": f"{method} s",
                             "step": step, "selected": sel, "am_ssim": am, "fid": fid, "fid_samples": 64})  # fmt: skip
    refs = pd.DataFrame([{"dataset": d, "n": 64, "seed": 0, "kind": kind, "label": kind, "am_ssim": am, "fid": fid,
                          "fid_samples": count}
                         for d in ("mnist", "cifar10")
                         for kind, am, fid, count in (("heldout", 0.66, 41.0, 64), ("paper", 0.49, 31.1, 2048))])  # fmt: skip
    fig = frontier_figure(pd.DataFrame(rows), refs)
    assert [ax.get_title() for ax in fig.axes] == ["mnist, n = 64, seed 0", "cifar10, n = 64, seed 0"]
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert labels[:1] == ["ours: ours s"] and "authors: authors s" in labels
    assert "heldout (64 images)" in labels and "paper" in labels
    curve = next(line for line in ax.lines if line.get_label() == "ours: ours s")
    np.testing.assert_array_equal(curve.get_xdata(), [0.5, 0.7, 0.9])
    assert ax.get_yscale() == "log" and "FID of 64 samples" in ax.get_ylabel()


def test_figures_save_as_png(tmp_path):
    curve, steps, snaps, along = learning_run()
    path = tmp_path / "fig.png"
    save_figure(path, learning_curves_figure([LearningCurve(curve, steps, snaps, along, reference_am_ssim=0.5)]))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
