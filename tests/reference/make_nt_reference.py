"""Reference NTK/NNGP values from neural-tangents for every kernel preset.

neural-tangents 0.6.5 (its last release) imports only with jax <= 0.5.3, so this
script runs in its own environment outside the repository, not the project's
(measured with Python 3.11.7; pip also pulls numpy 2.4.6 and TensorFlow 2.21,
which the script never imports):

    python3 -m venv /work/ntref-venv
    /work/ntref-venv/bin/pip install "jax[cpu]==0.5.3" "jaxlib==0.5.3" "neural-tangents==0.6.5" numpy
    /work/ntref-venv/bin/python tests/reference/make_nt_reference.py   # ~40 s on 2 CPU cores

It writes ``tests/reference/nt_kernels.npz`` (committed, ~1.6 MB). For each
architecture NAME it stores float64 inputs ``NAME/x1`` (4 rows) and ``NAME/x2``
(3 rows, the first an exact copy of ``x1[1]``), the integer ``NAME/pool``, and
``NAME/{nngp,ntk}_12`` = k(x1, x2), shape (4, 3), and ``NAME/{nngp,ntk}_11`` =
k(x1, x1), shape (4, 4), computed by ``neural_tangents.stax`` in its default NTK
parameterisation. Inputs are uniform in [0, 1) and rounded to float32 values, so
that the compressed file stays small while float32 and float64 readers see the
same numbers. Where pool > 1 the inputs are average-pooled over non-overlapping
pool x pool blocks in NumPy before the stax network (stax's AvgPool layer would
need full spatial covariances); the stored x1/x2 are the unpooled images, which
gantk pools itself.

Besides writing the file, the script checks and prints: the _11 matrices are
symmetric, the coincident pair gives k_12[1, 0] == k_11[1, 1], and for inputs of
at most 32 x 32 pixels stax's diagonal-spatial computation (what a Flatten
readout lets it use) equals its full spatial-covariance computation.

The architectures are written out here independently of gantk's presets.
"""

import math
import os
import sys
import time
import types
from pathlib import Path

# neural_tangents/__init__.py imports its TensorFlow-based `experimental` package;
# only `stax` is needed, so an empty module stands in for it.
sys.modules["neural_tangents.experimental"] = types.ModuleType("neural_tangents.experimental")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402
from neural_tangents import stax  # noqa: E402

W_STD = math.sqrt(1.4615)
B_STD = math.sqrt(0.1)
WIDTH = 64  # finite widths only shape init_fn/apply_fn; kernel_fn is the infinite-width limit
OUT = Path(__file__).with_name("nt_kernels.npz")
N1, N2 = 4, 3
# k_12[1, 0] pairs x1[1] with its copy x2[0]: stax takes arctan2(sqrt(q1 q2 - c^2), c)
# there, so rounding puts an angle of up to ~1e-8 rad where the exact one is 0.
SYMMETRY_RTOL = 1e-12
COINCIDENT_RTOL = 1e-12
FULL_SPATIAL_RTOL = 1e-7
FULL_SPATIAL_MAX_PIXELS = 32


def conv(w_std=W_STD, b_std=B_STD, window=4, stride=2, padding="SAME"):
    return stax.Conv(WIDTH, (window, window), (stride, stride), padding, W_std=w_std, b_std=b_std)


def dense(out=WIDTH, w_std=W_STD, b_std=B_STD):
    return stax.Dense(out, W_std=w_std, b_std=b_std)


def conv_relu(depth, **kw):
    return [layer for _ in range(depth) for layer in (conv(**kw), stax.Relu())]


def dense_relu(depth):
    return [layer for _ in range(depth) for layer in (dense(), stax.Relu())]


# name: (input shape (H, W, C) or (D,), pool factor, stax layers)
ARCHITECTURES = {
    "fntk": ((2,), 1, dense_relu(3) + [dense(1)]),
    "fntk_img": ((8, 8, 1), 1, [stax.Flatten()] + dense_relu(3) + [dense(1)]),
    "cntk_mnist": ((28, 28, 1), 1, conv_relu(2) + [stax.Flatten(), dense(), stax.Relu(), dense(1)]),
    "cntk_cifar10": ((32, 32, 3), 1, conv_relu(3) + [stax.Flatten(), dense(1)]),
    "cntk_celeba": ((64, 64, 3), 1, conv_relu(4) + [stax.Flatten(), dense(1)]),
    "cntk_digits": ((8, 8, 1), 1, conv_relu(2) + [stax.Flatten(), dense(1)]),
    "cntk_faces": ((25, 25, 1), 1, conv_relu(3) + [stax.Flatten(), dense(1)]),
    "multires_small": ((64, 64, 3), 16, conv_relu(2) + [stax.Flatten(), dense(1)]),
    "multires_medium": ((64, 64, 3), 4, conv_relu(4) + [stax.Flatten(), dense(1)]),
    "multires_large": ((64, 64, 3), 1, conv_relu(6) + [stax.Flatten(), dense(1)]),
    "test_erf_valid": (
        (9, 9, 2),
        1,
        [conv(window=3, stride=1, padding="VALID"), stax.Erf(), conv(window=2, stride=2), stax.Relu()]
        + [stax.Flatten(), dense(), stax.Erf(), dense(1)],
    ),
    "test_bstd0": ((12, 12, 1), 1, conv_relu(2, w_std=1.0, b_std=0.0) + [stax.Flatten(), dense(1, w_std=1.0, b_std=0.0)]),
}


def avg_pool(x, pool):
    """Mean over non-overlapping pool x pool blocks of NHWC images."""
    if pool == 1:
        return x
    n, h, w, c = x.shape
    return x.reshape(n, h // pool, pool, w // pool, pool, c).mean(axis=(2, 4))


def inputs(shape, seed):
    """x1 (4 rows) and x2 (3 rows, x2[0] = x1[1]), float32 values held in float64."""
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(size=(N1, *shape)).astype(np.float32).astype(np.float64)
    x2 = rng.uniform(size=(N2, *shape)).astype(np.float32).astype(np.float64)
    x2[0] = x1[1]
    return x1, x2


def max_rel(a, b):
    return float(np.max(np.abs(a - b) / np.abs(b)))


def check(name, ok, message):
    if not ok:
        raise AssertionError(f"{name}: {message}")


def reference(name, shape, pool, layers, seed):
    """The arrays stored for one architecture, after checking their sanity properties."""
    _, _, kernel_fn = stax.serial(*layers)
    x1, x2 = inputs(shape, seed)
    p1, p2 = avg_pool(x1, pool), avg_pool(x2, pool)
    k12 = kernel_fn(p1, p2, ("nngp", "ntk"))
    k11 = kernel_fn(p1, None, ("nngp", "ntk"))
    out = {"x1": x1, "x2": x2, "pool": np.asarray(pool)}
    for kind in ("nngp", "ntk"):
        out[f"{kind}_12"] = np.asarray(getattr(k12, kind), np.float64).reshape(N1, N2)
        out[f"{kind}_11"] = np.asarray(getattr(k11, kind), np.float64).reshape(N1, N1)

    report = []
    for kind in ("nngp", "ntk"):
        k11_, k12_ = out[f"{kind}_11"], out[f"{kind}_12"]
        asym = max_rel(k11_, k11_.T)
        coincident = abs(k12_[1, 0] - k11_[1, 1]) / abs(k11_[1, 1])
        check(name, asym <= SYMMETRY_RTOL, f"{kind}_11 not symmetric (max rel {asym:.1e})")
        check(name, coincident <= COINCIDENT_RTOL, f"{kind}_12[1, 0] != {kind}_11[1, 1] (rel {coincident:.1e})")
        report.append(f"{kind}: asym {asym:.0e}, coincident {coincident:.0e}")

    if len(shape) == 1 or shape[0] // pool <= FULL_SPATIAL_MAX_PIXELS:
        full = kernel_fn(p1, p2, ("nngp", "ntk"), diagonal_spatial=False)
        for kind in ("nngp", "ntk"):
            diff = max_rel(np.asarray(getattr(full, kind)).reshape(N1, N2), out[f"{kind}_12"])
            check(name, diff <= FULL_SPATIAL_RTOL, f"{kind}_12 diagonal vs full spatial differ (max rel {diff:.1e})")
            report.append(f"{kind} full-spatial {diff:.0e}")
    else:
        report.append("full-spatial skipped (too large)")
    print(f"{name:16s} {str(shape):12s} pool {pool:2d}: " + "; ".join(report), flush=True)
    return out


def main():
    start = time.perf_counter()
    arrays = {}
    for index, (name, (shape, pool, layers)) in enumerate(ARCHITECTURES.items()):
        for key, value in reference(name, shape, pool, layers, seed=1000 + index).items():
            arrays[f"{name}/{key}"] = value
    # Write-then-rename, so an interrupted run never leaves a half file (gantk.common.io is
    # not importable in this environment).
    tmp = OUT.with_name(OUT.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB, {len(arrays)} arrays) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
