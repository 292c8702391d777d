"""Subsampling: deterministic per seed, different across seeds, uniform; the atomic
``results/data/{dataset}/n{n}_s{seed}.npz`` artefact; and make_subsample on official-format fixtures."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from data_fixtures import random_cifar10, save_image, write_celeba, write_cifar10

from gantk.data.cifar10 import load_cifar10
from gantk.data.registry import dataset_selection, make_subsample
from gantk.data.subsample import (
    read_subsample,
    subsample,
    subsample_indices,
    subsample_path,
    write_subsample,
)

IMAGES = np.random.default_rng(0).random((300, 4, 4, 1), dtype=np.float32)
SEEDS = range(40)


def test_subsample_is_deterministic_per_seed():
    for seed in SEEDS:
        first, first_idx = subsample(IMAGES, 32, seed)
        again, again_idx = subsample(IMAGES, 32, seed)
        np.testing.assert_array_equal(first_idx, again_idx)
        np.testing.assert_array_equal(first, again)


def test_subsample_differs_across_seeds():
    draws = {seed: frozenset(subsample_indices(len(IMAGES), 32, seed).tolist()) for seed in SEEDS}
    for a, b in itertools.combinations(SEEDS, 2):
        assert draws[a] != draws[b], f"seeds {a} and {b} drew the same subset"


def test_subsample_returns_distinct_sorted_indices_and_their_images():
    for seed in SEEDS:
        images, indices = subsample(IMAGES, 50, seed)
        assert indices.dtype == np.int64 and indices.shape == (50,)
        assert np.all(np.diff(indices) > 0) and indices[0] >= 0 and indices[-1] < len(IMAGES)
        np.testing.assert_array_equal(images, IMAGES[indices])


def test_subsample_picks_every_image_equally_often():
    count, n, trials = 20, 5, 2000
    hits = np.zeros(count)
    for seed in range(trials):
        hits[subsample_indices(count, n, seed)] += 1
    # Each image is chosen with probability n/count = 0.25; the binomial sd over 2000 draws is 0.0097.
    np.testing.assert_allclose(hits / trials, n / count, atol=0.05)


def test_subsample_of_everything_keeps_the_original_order():
    images, indices = subsample(IMAGES, len(IMAGES), 3)
    np.testing.assert_array_equal(indices, np.arange(len(IMAGES)))
    np.testing.assert_array_equal(images, IMAGES)


def test_subsample_with_too_few_images_names_what_and_both_counts():
    with pytest.raises(ValueError, match=r"cifar10 train label=7 \(horse\) has 300 images, fewer than the n = 512"):
        subsample(IMAGES, 512, 0, what="cifar10 train label=7 (horse)")


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_subsample_size_must_be_a_positive_integer(n):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        subsample_indices(10, n, 0)


def test_subsample_seed_must_be_a_non_negative_integer():
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        subsample_indices(10, 2, -1)


def test_subsample_path_follows_the_results_layout(tmp_path):
    assert subsample_path(tmp_path, "mnist", 256, 3) == tmp_path / "data" / "mnist" / "n256_s3.npz"


def test_write_subsample_round_trips_images_indices_and_meta(tmp_path):
    images, indices = subsample(IMAGES, 8, 1)
    path = subsample_path(tmp_path, "toy", 8, 1)
    write_subsample(path, images, indices, {"dataset": "toy", "n": 8}, source_name=[f"f{i}" for i in indices])
    back = read_subsample(path)
    np.testing.assert_array_equal(back.images, images)
    np.testing.assert_array_equal(back.indices, indices)
    np.testing.assert_array_equal(back.source_index, indices)
    assert back.images.dtype == np.float32 and back.source_name[0] == f"f{indices[0]}"
    assert back.meta == {"dataset": "toy", "n": 8}
    assert [p.name for p in path.parent.iterdir()] == ["n8_s1.npz"]


def test_write_subsample_interrupted_leaves_no_artefact(tmp_path, monkeypatch):
    def fail_midway(file, **arrays):
        file.write(b"PK\x03\x04 half an npz")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", fail_midway)
    path = subsample_path(tmp_path, "toy", 8, 1)
    with pytest.raises(KeyboardInterrupt):
        write_subsample(path, IMAGES[:8], np.arange(8), {})
    assert list(path.parent.iterdir()) == []


# --- make_subsample on official-format fixtures ----------------------------------------------------


@pytest.fixture
def cifar_root(tmp_path):
    train, test = random_cifar10(np.random.default_rng(1), per_batch=8)
    write_cifar10(tmp_path / "cifar10", train, test)
    labels = np.concatenate([b[1] for b in train])
    return tmp_path / "cifar10", labels


def test_make_subsample_writes_the_chosen_images_with_their_archive_rows(tmp_path, cifar_root):
    root, labels = cifar_root
    path = subsample_path(tmp_path / "results", "cifar10", 4, 5)
    written = make_subsample("cifar10", {"root": str(root)}, 4, 5, path)
    back = read_subsample(path)
    horses = load_cifar10(root)
    np.testing.assert_array_equal(back.images, horses[back.indices])
    np.testing.assert_array_equal(back.source_index, np.flatnonzero(labels == 7)[back.indices])
    np.testing.assert_array_equal(written.images, back.images)
    assert back.meta["dataset"] == "cifar10" and back.meta["n"] == 4 and back.meta["seed"] == 5
    assert back.meta["selection_size"] == len(horses) and back.meta["options"]["label"] == 7
    np.testing.assert_array_equal(back.indices, subsample_indices(len(horses), 4, 5))


def test_make_subsample_is_reproducible_and_seed_dependent(tmp_path, cifar_root):
    root, _ = cifar_root
    options = {"root": str(root), "label": None}
    a = make_subsample("cifar10", options, 6, 0, tmp_path / "a.npz")
    b = make_subsample("cifar10", options, 6, 0, tmp_path / "b.npz")
    c = make_subsample("cifar10", options, 6, 1, tmp_path / "c.npz")
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.array_equal(a.indices, c.indices)
    given = make_subsample(
        "cifar10", options, 6, 0, tmp_path / "d.npz", selection=dataset_selection("cifar10", options)
    )
    np.testing.assert_array_equal(given.images, a.images)
    np.testing.assert_array_equal(given.source_index, a.source_index)


def test_make_subsample_filter_with_too_few_images_writes_nothing(tmp_path, cifar_root):
    root, labels = cifar_root
    path = subsample_path(tmp_path / "results", "cifar10", 64, 0)
    with pytest.raises(ValueError, match=rf"cifar10 train label=7 \(horse\) has {(labels == 7).sum()} images, fewer"):
        make_subsample("cifar10", {"root": str(root)}, 64, 0, path)
    assert not path.exists() and not path.parent.exists()


def test_make_subsample_decodes_only_the_chosen_images(tmp_path):
    # CelebA-HQ is 30,000 files: only the n drawn ones may be read, so a broken unchosen file is harmless.
    folder = tmp_path / "celeba_hq"
    chosen = subsample_indices(6, 2, 0)
    for i in range(6):
        save_image(folder / f"{i}.png", np.full((16, 16, 3), 40 * i, np.uint8))
    broken = next(i for i in range(6) if i not in chosen)
    (folder / f"{broken}.png").write_bytes(b"not a png")
    sub = make_subsample("celeba_hq", {"root": str(folder), "size": 8}, 2, 0, tmp_path / "out.npz")
    np.testing.assert_allclose(sub.images[:, 0, 0, 0], 40 * chosen / 255)
    assert list(sub.source_name) == [f"{i}.png" for i in chosen]


def test_make_subsample_of_an_undecodable_chosen_image_names_it_and_writes_nothing(tmp_path):
    root = write_celeba(tmp_path / "celeba", [(200, 0, 0), (0, 200, 0)], {"Male": [1, 1], "Straight_Hair": [1, 1]})
    (root / "img_align_celeba" / "000002.jpg").write_bytes(b"\xff\xd8 broken")
    path = tmp_path / "results" / "data" / "celeba" / "n2_s0.npz"
    with pytest.raises(ValueError, match=r"000002\.jpg: cannot decode image"):
        make_subsample("celeba", {"root": str(root), "size": 8}, 2, 0, path)
    assert not path.exists()
