"""Loaders of the official formats (MNIST IDX, CIFAR-10 python tarball, CelebA, CelebA-HQ, ImageNet)
and the registry that dispatches on dataset names. Fixtures are built in those formats at test time."""

from __future__ import annotations

import gzip
import io
import pickle
import tarfile

import numpy as np
import pytest
from data_fixtures import (
    CELEBA_ATTRIBUTE_NAMES,
    MNIST_NAMES,
    idx_bytes,
    random_cifar10,
    random_mnist,
    save_image,
    write_celeba,
    write_cifar10,
    write_mnist,
)
from PIL import Image

from gantk.data import builtin
from gantk.data.celeba import celeba_selection, load_celeba, load_celeba_hq, read_celeba_attributes
from gantk.data.cifar10 import CIFAR10_CLASSES, cifar10_selection, load_cifar10
from gantk.data.imagenet import imagenet_class_selection, imagenet_wnid, load_imagenet_class
from gantk.data.imagenet import IMAGENET_CLASSES
from gantk.data.images import natural_key, read_square_image
from gantk.data.mnist import load_mnist, load_mnist_labels, mnist_selection, read_idx
from gantk.data.registry import DATASETS, image_shape, load_dataset, resolve_options

# --- MNIST ---------------------------------------------------------------------------------------


@pytest.fixture
def mnist_root(tmp_path):
    rng = np.random.default_rng(0)
    train = random_mnist(rng, 12)
    test = random_mnist(rng, 5)
    write_mnist(tmp_path, "train", *train)
    write_mnist(tmp_path, "test", *test)
    return tmp_path, train, test


def test_load_mnist_returns_idx_bytes_over_255_as_nhwc_float32(mnist_root):
    root, (images, _), _ = mnist_root
    loaded = load_mnist(root)
    assert loaded.dtype == np.float32 and loaded.shape == (12, 28, 28, 1)
    np.testing.assert_array_equal(loaded[..., 0], images.astype(np.float32) / 255)
    assert loaded.min() >= 0 and loaded.max() <= 1


def test_load_mnist_test_split_reads_the_t10k_files(mnist_root):
    root, _, (test_images, test_labels) = mnist_root
    np.testing.assert_array_equal(load_mnist(root, "test")[..., 0], test_images / np.float32(255))
    np.testing.assert_array_equal(load_mnist_labels(root, "test"), test_labels)


def test_mnist_digit_filter_keeps_file_order_and_source_rows(mnist_root):
    root, (images, labels), _ = mnist_root
    selection = mnist_selection(root, "train", digits=[3, 7])
    rows = np.flatnonzero((labels == 3) | (labels == 7))
    np.testing.assert_array_equal(selection.source_index, rows)
    np.testing.assert_array_equal(selection.read()[..., 0], images[rows] / np.float32(255))
    assert selection.source_name[0] == f"train-images-idx3-ubyte.gz[{rows[0]}]"


def test_read_idx_truncated_gzip_names_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    blob = gzip.compress(idx_bytes(np.zeros((4, 28, 28), np.uint8)))
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz.*corrupt or truncated gzip"):
        read_idx(path)


def test_read_idx_data_shorter_than_header_reports_both_sizes(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    full = idx_bytes(np.zeros((5, 28, 28), np.uint8))
    path.write_bytes(gzip.compress(full[:-784]))  # one image missing, header still says 5
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz: truncated.*\(5, 28, 28\).*3920.*3136"):
        read_idx(path)


def test_read_idx_rejects_a_file_without_the_idx_magic(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(b"PK\x03\x04 not idx"))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz: not an IDX file"):
        read_idx(path)


def test_load_mnist_rejects_labels_in_the_images_file(tmp_path):
    images, labels = random_mnist(np.random.default_rng(1), 4)
    write_mnist(tmp_path, "train", images, labels)
    (tmp_path / MNIST_NAMES["train"][0]).write_bytes(gzip.compress(idx_bytes(labels)))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz: expected IDX magic 0x00000803"):
        load_mnist(tmp_path)


def test_load_mnist_image_and_label_counts_must_agree(tmp_path):
    images, labels = random_mnist(np.random.default_rng(2), 6)
    write_mnist(tmp_path, "train", images, labels[:5])
    with pytest.raises(ValueError, match="has 6 images but .* has 5 labels"):
        load_mnist(tmp_path)


def test_load_mnist_missing_files_name_them_and_the_download_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte\.gz.*gantk\.data\.download mnist"):
        load_mnist(tmp_path)


# --- CIFAR-10 ------------------------------------------------------------------------------------


@pytest.fixture
def cifar_root(tmp_path):
    train, test = random_cifar10(np.random.default_rng(3))
    write_cifar10(tmp_path, train, test)
    return tmp_path, train, test


def test_load_cifar10_horse_class_from_python2_pickled_batches(cifar_root):
    root, train, _ = cifar_root
    images = np.concatenate([b[0] for b in train])
    labels = np.concatenate([b[1] for b in train])
    loaded = load_cifar10(root)  # label 7 by default
    assert loaded.dtype == np.float32 and loaded.shape == ((labels == 7).sum(), 32, 32, 3)
    np.testing.assert_array_equal(loaded, images[labels == 7] / np.float32(255))


def test_cifar10_rows_are_red_then_green_then_blue_planes(tmp_path):
    # An image whose red plane is 10, green 20 and blue 30 must come out as RGB (10, 20, 30) everywhere.
    train, test = random_cifar10(np.random.default_rng(4), per_batch=2)
    train[0][0][0] = np.array([10, 20, 30], np.uint8)
    train[0][1][0] = 7
    write_cifar10(tmp_path, train, test)
    first = cifar10_selection(tmp_path, label=None).read([0])[0]
    np.testing.assert_array_equal(first * 255, np.broadcast_to([10, 20, 30], (32, 32, 3)))


def test_cifar10_class_name_and_number_select_the_same_images(cifar_root):
    root, _, _ = cifar_root
    assert CIFAR10_CLASSES[7] == "horse"
    np.testing.assert_array_equal(load_cifar10(root, label="horse"), load_cifar10(root, label=7))
    with pytest.raises(ValueError, match="label must be 0..9"):
        load_cifar10(root, label=10)


def test_cifar10_source_index_counts_rows_across_batches(cifar_root):
    root, train, _ = cifar_root
    labels = np.concatenate([b[1] for b in train])
    selection = cifar10_selection(root, "train", 7)
    np.testing.assert_array_equal(selection.source_index, np.flatnonzero(labels == 7))
    row = selection.source_index[-1]
    assert selection.source_name[-1] == f"cifar-10-batches-py/data_batch_{row // 6 + 1}[{row % 6}]"


def test_cifar10_test_split_reads_test_batch(cifar_root):
    root, _, (images, labels) = cifar_root
    np.testing.assert_array_equal(load_cifar10(root, "test", label=None), images / np.float32(255))


def test_cifar10_truncated_archive_names_the_file(cifar_root):
    root, _, _ = cifar_root
    path = root / "cifar-10-python.tar.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ValueError, match=r"cifar-10-python\.tar\.gz: corrupt or truncated archive"):
        load_cifar10(root)


def test_cifar10_garbage_archive_names_the_file(tmp_path):
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(b"<html>mirror error page</html>")
    with pytest.raises(ValueError, match=r"cifar-10-python\.tar\.gz: corrupt or truncated archive"):
        load_cifar10(tmp_path)


def test_cifar10_missing_batch_member_is_named(tmp_path):
    train, test = random_cifar10(np.random.default_rng(5))
    members = {f"cifar-10-batches-py/data_batch_{i}" for i in (1, 2, 4, 5)}
    write_cifar10(tmp_path, train, test, members=members)
    with pytest.raises(ValueError, match="lacks cifar-10-batches-py/data_batch_3"):
        load_cifar10(tmp_path)


def test_cifar10_batches_cannot_run_code_when_unpickled(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (exec, ("raise SystemExit('pickle ran code')",))

    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        blob = pickle.dumps({b"data": Exploit(), b"labels": [7]}, protocol=2)
        info = tarfile.TarInfo("cifar-10-batches-py/test_batch")
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    with pytest.raises(ValueError, match="test_batch is not a readable CIFAR-10 batch.*refusing to unpickle .*exec"):
        load_cifar10(tmp_path, "test")


def test_cifar10_missing_archive_says_where_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cifar-10-python\.tar\.gz.*cs\.toronto\.edu"):
        load_cifar10(tmp_path)


# --- image decoding -------------------------------------------------------------------------------


def test_resize_is_antialiased_a_one_pixel_checkerboard_becomes_grey(tmp_path):
    board = ((np.indices((64, 64)).sum(axis=0) % 2) * 255).astype(np.uint8)
    path = save_image(tmp_path / "board.png", np.stack([board] * 3, axis=-1))
    small = read_square_image(path, 16)
    # Point sampling would return pure 0/1 pixels; an antialiased filter averages to mid-grey.
    np.testing.assert_allclose(small, 0.5, atol=0.05)


def test_decoded_channels_are_in_rgb_order_and_grey_becomes_rgb(tmp_path):
    red = save_image(tmp_path / "red.png", np.broadcast_to(np.array([255, 0, 0], np.uint8), (8, 8, 3)))
    np.testing.assert_array_equal(read_square_image(red, 4), np.broadcast_to([1.0, 0.0, 0.0], (4, 4, 3)))
    grey = save_image(tmp_path / "grey.png", np.full((8, 8), 51, np.uint8))
    np.testing.assert_allclose(read_square_image(grey, 8), 0.2, atol=1e-7)


def test_centre_crop_keeps_the_middle_square_of_a_wide_image(tmp_path):
    pixels = np.zeros((32, 64, 3), np.uint8)
    pixels[:, 16:48] = [0, 255, 0]  # the centred 32 × 32 square is green, the sides black
    path = save_image(tmp_path / "wide.png", pixels)
    np.testing.assert_array_equal(read_square_image(path, 8), np.broadcast_to([0.0, 1.0, 0.0], (8, 8, 3)))
    cropped = read_square_image(path, 16, crop=16)  # an explicit crop side cuts the same centre
    np.testing.assert_array_equal(cropped, np.broadcast_to([0.0, 1.0, 0.0], (16, 16, 3)))


def test_natural_order_puts_2_before_10():
    assert sorted(["10.png", "2.png", "1.png"], key=natural_key) == ["1.png", "2.png", "10.png"]


# --- CelebA --------------------------------------------------------------------------------------

COLOURS = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40), (40, 200, 200), (200, 40, 200)]
MALE = [1, 1, -1, 1, -1, 1]
STRAIGHT = [1, -1, 1, 1, -1, 1]


@pytest.fixture
def celeba_root(tmp_path):
    return write_celeba(tmp_path / "celeba", COLOURS, {"Male": MALE, "Straight_Hair": STRAIGHT})


def test_read_celeba_attributes_parses_the_official_layout(celeba_root):
    table = read_celeba_attributes(celeba_root / "list_attr_celeba.txt")
    assert table.names == tuple(CELEBA_ATTRIBUTE_NAMES)
    assert list(table.filenames) == [f"{i:06d}.jpg" for i in range(1, 7)]
    np.testing.assert_array_equal(table.values[:, CELEBA_ATTRIBUTE_NAMES.index("Male")], MALE)
    np.testing.assert_array_equal(table.values[:, CELEBA_ATTRIBUTE_NAMES.index("Straight_Hair")], STRAIGHT)
    assert table.values.dtype == np.int8 and set(np.unique(table.values)) <= {-1, 1}


def test_load_celeba_keeps_male_straight_haired_rows_in_file_order(celeba_root):
    images = load_celeba(celeba_root, size=16)  # paper filter by default: Male = 1, Straight_Hair = 1
    wanted = [i for i in range(6) if MALE[i] == 1 and STRAIGHT[i] == 1]
    assert images.dtype == np.float32 and images.shape == (len(wanted), 16, 16, 3)
    np.testing.assert_allclose(images.mean(axis=(1, 2)), np.array(COLOURS)[wanted] / 255, atol=0.01)
    np.testing.assert_array_equal(celeba_selection(celeba_root).source_index, wanted)


def test_load_celeba_centre_crops_away_the_top_and_bottom_bands(celeba_root):
    # Rows 0-19 and 198-217 are blue; the centred 178 × 178 square holds only the image's colour.
    image = load_celeba(celeba_root, attributes={}, size=64)[0]
    np.testing.assert_allclose(image, np.broadcast_to(np.array(COLOURS[0]) / 255, (64, 64, 3)), atol=0.06)
    assert np.abs(image - np.array(COLOURS[0]) / 255).mean() < 0.01


def test_celeba_other_attribute_values_select_the_complement(celeba_root):
    images = load_celeba(celeba_root, attributes={"Male": -1}, size=8)
    assert len(images) == MALE.count(-1)


def test_celeba_missing_attribute_column_is_named_with_the_available_ones(celeba_root):
    with pytest.raises(ValueError, match=r"'Straight_Hiar' is not a column .*available: 5_o_Clock_Shadow.*Young"):
        load_celeba(celeba_root, attributes={"Straight_Hiar": 1})


def test_celeba_attribute_value_other_than_plus_minus_one_names_the_line(celeba_root):
    path = celeba_root / "list_attr_celeba.txt"
    lines = path.read_text().splitlines()
    lines[4] = lines[4][:-2] + " 0"  # third image, last column (Young)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"list_attr_celeba\.txt: line 5, attribute Young: value 0 is not"):
        read_celeba_attributes(path)


def test_celeba_non_numeric_attribute_value_names_the_line_and_column(celeba_root):
    path = celeba_root / "list_attr_celeba.txt"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(" -1", " no", 1)  # first image, first column
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 3, attribute 5_o_Clock_Shadow: 'no' is not -1 or 1"):
        read_celeba_attributes(path)


def test_celeba_row_with_missing_fields_names_the_line(celeba_root):
    path = celeba_root / "list_attr_celeba.txt"
    lines = path.read_text().splitlines()
    lines[3] = lines[3][:-3]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 4 has 40 fields, expected 41"):
        read_celeba_attributes(path)


def test_celeba_count_line_must_match_the_rows(celeba_root):
    path = celeba_root / "list_attr_celeba.txt"
    path.write_text(path.read_text().replace("6\n", "202599\n", 1))
    with pytest.raises(ValueError, match="declares 202599 images but the file has 6"):
        read_celeba_attributes(path)


def test_celeba_undecodable_image_names_the_file(celeba_root):
    (celeba_root / "img_align_celeba" / "000004.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    with pytest.raises(ValueError, match=r"000004\.jpg: cannot decode image"):
        load_celeba(celeba_root, size=8)


def test_celeba_missing_folder_names_the_expected_files_and_the_source(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"img_align_celeba.*list_attr_celeba\.txt.*mmlab\.ie\.cuhk\.edu\.hk"):
        load_celeba(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"list_attr_celeba\.txt not found"):
        load_celeba(tmp_path / "empty")


def test_celeba_drive_layout_with_anno_and_img_folders_is_accepted(celeba_root):
    (celeba_root / "Anno").mkdir()
    (celeba_root / "list_attr_celeba.txt").rename(celeba_root / "Anno" / "list_attr_celeba.txt")
    (celeba_root / "Img").mkdir()
    (celeba_root / "img_align_celeba").rename(celeba_root / "Img" / "img_align_celeba")
    assert load_celeba(celeba_root, size=8).shape == (3, 8, 8, 3)


def test_celeba_hq_folder_is_read_in_natural_order_and_resized(tmp_path):
    colours = {0: (255, 0, 0), 1: (0, 255, 0), 2: (0, 0, 255), 10: (255, 255, 255)}
    for number, colour in colours.items():
        save_image(tmp_path / f"{number}.png", np.broadcast_to(np.array(colour, np.uint8), (32, 32, 3)))
    images = load_celeba_hq(tmp_path, size=16)
    assert images.shape == (4, 16, 16, 3)
    np.testing.assert_array_equal(images[:, 0, 0], np.array([colours[k] for k in (0, 1, 2, 10)]) / 255)


def test_celeba_hq_empty_folder_says_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match="no image files in .*progressive_growing_of_gans"):
        load_celeba_hq(tmp_path)


# --- ImageNet -------------------------------------------------------------------------------------


def test_imagenet_class_index_has_1000_sorted_wnids_with_daisy_at_985():
    assert len(IMAGENET_CLASSES) == 1000
    wnids = [wnid for wnid, _ in IMAGENET_CLASSES]
    assert wnids == sorted(wnids) and len(set(wnids)) == 1000
    assert IMAGENET_CLASSES[985] == ("n11939491", "daisy")
    assert IMAGENET_CLASSES[0] == ("n01440764", "tench") and IMAGENET_CLASSES[999] == ("n15075141", "toilet_tissue")


def test_imagenet_names_resolve_through_the_class_index():
    assert imagenet_wnid("daisy") == "n11939491"
    assert imagenet_wnid("n11939491") == "n11939491"
    with pytest.raises(ValueError, match="ambiguous: give one of the ids n02012849, n03126707"):
        imagenet_wnid("crane")
    with pytest.raises(ValueError, match="close names: daisy"):
        imagenet_wnid("daisey")


@pytest.fixture
def imagenet_root(tmp_path):
    folder = tmp_path / "train" / "n11939491"
    rng = np.random.default_rng(6)
    save_image(folder / "n11939491_10.JPEG", rng.integers(0, 256, (375, 500, 3), dtype=np.uint8))
    save_image(folder / "n11939491_2.JPEG", rng.integers(0, 256, (500, 333, 3), dtype=np.uint8))
    save_image(folder / "n11939491_7.JPEG", np.full((64, 64), 128, np.uint8))  # grey JPEG
    Image.new("CMYK", (80, 60), (0, 255, 255, 0)).save(folder / "n11939491_30.JPEG", format="JPEG")  # red
    return tmp_path


def test_load_imagenet_class_by_name_reads_the_wnid_train_folder(imagenet_root):
    images = load_imagenet_class(imagenet_root, "daisy", size=32)
    assert images.dtype == np.float32 and images.shape == (4, 32, 32, 3)
    names = imagenet_class_selection(imagenet_root, "daisy", size=32).source_name
    assert list(names) == ["n11939491_2.JPEG", "n11939491_7.JPEG", "n11939491_10.JPEG", "n11939491_30.JPEG"]
    np.testing.assert_allclose(images[1], 128 / 255, atol=0.01)  # grey -> equal RGB channels
    np.testing.assert_allclose(images[3].mean(axis=(0, 1)), [1, 0, 0], atol=0.05)  # CMYK -> RGB red


def test_imagenet_missing_class_folder_names_it_and_image_net(imagenet_root):
    with pytest.raises(FileNotFoundError, match=r"n01440764.*train/n01440764.*image-net\.org"):
        load_imagenet_class(imagenet_root, "tench")


# --- registry ------------------------------------------------------------------------------------


def test_load_dataset_dispatches_with_the_paper_defaults(cifar_root, mnist_root):
    root, _, _ = cifar_root
    np.testing.assert_array_equal(load_dataset("cifar10", {"root": root}), load_cifar10(root, "train", 7))
    mroot = mnist_root[0]
    np.testing.assert_array_equal(
        load_dataset("mnist", {"root": str(mroot), "digits": [1]}), load_mnist(mroot, digits=[1])
    )


def test_load_dataset_bundled_datasets_need_no_options():
    np.testing.assert_array_equal(load_dataset("digits"), builtin.load_digits())
    assert load_dataset("lfw_faces").shape == (100, *DATASETS["lfw_faces"].image_shape)


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown dataset 'mnsit'; valid names: mnist, cifar10, celeba, celeba_hq"):
        load_dataset("mnsit", {})


def test_unknown_option_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match="no option 'atributes'; valid: attributes, crop, root, size"):
        resolve_options("celeba", {"root": tmp_path, "atributes": {"Male": 1}})


def test_missing_root_says_which_files_and_where_to_get_them():
    with pytest.raises(ValueError, match=r"'imagenet' needs option 'root'.*train/<wnid>.*image-net\.org"):
        load_dataset("imagenet", {"class": "daisy"})


def test_dataset_table_shapes_and_downloadability():
    assert {name for name, info in DATASETS.items() if info.downloadable} == {"mnist", "cifar10"}
    assert image_shape("celeba") == (64, 64, 3) and image_shape("imagenet") == (128, 128, 3)
    assert image_shape("celeba_hq") == (256, 256, 3) and image_shape("celeba", {"size": 32}) == (32, 32, 3)
    assert DATASETS["mnist"].image_shape == (28, 28, 1) and DATASETS["digits"].image_shape == (8, 8, 1)


def test_package_reexports_every_public_name_and_subsample_stays_the_function():
    import gantk.data
    import gantk.data.subsample  # noqa: F401  (importing the module must not shadow the function)

    for name in gantk.data.__all__:
        assert getattr(gantk.data, name) is not None
    assert callable(gantk.data.subsample) and gantk.data.subsample.__name__ == "subsample"
    assert (
        gantk.data.load_lfw_faces is builtin.load_lfw_faces and gantk.data.sample_mixture.__name__ == "sample_mixture"
    )
