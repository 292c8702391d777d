"""gantk.data.folder: any folder of PNG/JPEG/WebP images, searched recursively, with size,
channels, glob and list options; unreadable files are named, never skipped; subsamples
depend only on the files and the seed. Also the files each selection makes jobs read."""

from __future__ import annotations

import numpy as np
import pytest
from data_fixtures import save_image

from gantk.data.folder import folder_files, folder_fingerprint, folder_selection
from gantk.data.registry import image_shape, make_subsample, selection_files
from gantk.data.subsample import read_subsample


def grey(value: int, shape=(8, 8)) -> np.ndarray:
    return np.full(shape, value, np.uint8)


@pytest.fixture
def folder(tmp_path):
    """root/{1,2,10}.png, root/sub/a.jpg, root/sub/deeper/b.webp; a hidden file and folder; a text file."""
    root = tmp_path / "images"
    save_image(root / "10.png", grey(100))
    save_image(root / "2.png", grey(20))
    save_image(root / "1.PNG", grey(10))
    save_image(root / "sub" / "a.jpg", np.full((8, 8, 3), 200, np.uint8))
    save_image(root / "sub" / "deeper" / "b.webp", grey(50), lossless=True)
    save_image(root / ".hidden.png", grey(0))
    save_image(root / ".cache" / "c.png", grey(0))
    (root / "notes.txt").write_text("not an image")
    return root


def names(selection) -> list[str]:
    return selection.source_name.tolist()


def test_every_image_of_the_folder_tree_in_natural_order_of_relative_paths(folder):
    selection = folder_selection(folder, size=4, channels=1)
    assert names(selection) == ["1.PNG", "2.png", "10.png", "sub/a.jpg", "sub/deeper/b.webp"]
    images = selection.read()
    assert images.shape == (5, 4, 4, 1) and images.dtype == np.float32
    np.testing.assert_allclose(images[:3, ..., 0].mean(axis=(1, 2)), [10 / 255, 20 / 255, 100 / 255], atol=1e-6)


def test_channels_three_gives_rgb_and_one_gives_grey(tmp_path):
    save_image(tmp_path / "red.png", np.broadcast_to(np.array([255, 0, 0], np.uint8), (6, 6, 3)))
    np.testing.assert_allclose(folder_selection(tmp_path, size=3).read()[0], np.broadcast_to([1.0, 0, 0], (3, 3, 3)))
    # Pillow's L: 0.299 R + 0.587 G + 0.114 B
    np.testing.assert_allclose(folder_selection(tmp_path, size=3, channels=1).read()[0], 76 / 255, atol=1e-6)


def test_size_crops_the_centre_square_then_resizes(tmp_path):
    pixels = np.zeros((16, 32, 3), np.uint8)
    pixels[:, 8:24] = 255  # the centred 16 × 16 square is white, the sides black
    save_image(tmp_path / "wide.png", pixels)
    np.testing.assert_array_equal(folder_selection(tmp_path, size=4).read()[0], np.ones((4, 4, 3), np.float32))


def test_glob_chooses_the_files(folder):
    assert names(folder_selection(folder, size=4, glob="sub/**/*")) == ["sub/a.jpg", "sub/deeper/b.webp"]
    assert names(folder_selection(folder, size=4, glob="*.png")) == ["2.png", "10.png"]


def test_list_file_chooses_the_files_in_its_order_and_names_missing_ones(folder, tmp_path):
    listing = tmp_path / "chosen.txt"
    listing.write_text("# my pick\nsub/a.jpg\n\n10.png\n")
    assert names(folder_selection(folder, size=4, list_file=listing)) == ["sub/a.jpg", "10.png"]
    assert names(folder_selection(folder, size=4, glob="*.png", list_file=listing)) == ["10.png"]
    listing.write_text("10.png\nmissing.png\n")
    with pytest.raises(FileNotFoundError, match="names 1 file.* not in .*images: missing.png"):
        folder_selection(folder, size=4, list_file=listing)
    listing.write_text("10.png\n10.png\n")
    with pytest.raises(ValueError, match="names 10.png more than once"):
        folder_selection(folder, size=4, list_file=listing)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_an_unreadable_file_is_named_in_the_error_and_not_skipped(folder, damage):
    good = (folder / "2.png").read_bytes()
    (folder / "sub" / "broken.png").write_bytes(b"not a png at all" if damage == "garbage" else good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"1 unreadable image file\(s\) in .*images: sub/broken\.png \("):
        folder_selection(folder, size=4)


def test_missing_or_empty_folder_says_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist. Expected a folder holding PNG, JPEG or WebP"):
        folder_files(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="no image files in .* match glob '\\*.gif'"):
        folder_files(tmp_path, glob="*.gif")


def test_bad_size_or_channels_are_named(folder):
    with pytest.raises(ValueError, match="'channels' must be 1 .* or 3"):
        folder_selection(folder, size=4, channels=2)
    with pytest.raises(ValueError, match="'size' must be a positive integer"):
        folder_selection(folder, size=0)


def test_subsample_is_deterministic_given_the_seed_whatever_the_listing_order(folder, tmp_path):
    for i in range(20):
        save_image(folder / "more" / f"{i}.png", grey(3 * i))
    options = {"root": str(folder), "size": 4, "channels": 1}
    first = make_subsample("folder", options, 8, 3, tmp_path / "a.npz")
    again = make_subsample("folder", options, 8, 3, tmp_path / "b.npz")
    other = make_subsample("folder", options, 8, 4, tmp_path / "c.npz")
    np.testing.assert_array_equal(first.images, again.images)
    assert first.source_name.tolist() == again.source_name.tolist() != other.source_name.tolist()
    stored = read_subsample(tmp_path / "a.npz")
    assert stored.meta["dataset"] == "folder" and stored.meta["selection_size"] == 25
    assert stored.images.shape == (8, 4, 4, 1)


def test_fingerprint_changes_when_an_image_is_added_or_rewritten(folder):
    before = folder_fingerprint(folder)
    assert folder_fingerprint(folder) == before
    save_image(folder / "sub" / "new.png", grey(1))
    added = folder_fingerprint(folder)
    save_image(folder / "sub" / "new.png", grey(2, (9, 9)))
    assert len({before, added, folder_fingerprint(folder)}) == 3
    assert folder_fingerprint(folder, glob="*.png") != folder_fingerprint(folder)


def test_registry_shape_and_the_files_a_selection_makes_jobs_read(tmp_path):
    assert image_shape("folder", {"root": "x", "size": 16, "channels": 1}) == (16, 16, 1)
    assert image_shape("folder", {"root": "x"}) == (64, 64, 3)
    assert selection_files("mnist", {"root": "data/mnist", "split": "test"}) == [
        "data/mnist/t10k-images-idx3-ubyte.gz",
        "data/mnist/t10k-labels-idx1-ubyte.gz",
    ]
    assert selection_files("mnist", {"root": "data/mnist/"}) == [
        "data/mnist/train-images-idx3-ubyte.gz",
        "data/mnist/train-labels-idx1-ubyte.gz",
    ]
    assert selection_files("cifar10", {"root": "c", "label": 3}) == ["c/cifar-10-python.tar.gz"]
    assert selection_files("folder", {"root": "x", "list": "pick.txt"}) == ["pick.txt"]
    assert selection_files("folder", {"root": "x"}) == [] and selection_files("digits") == []
