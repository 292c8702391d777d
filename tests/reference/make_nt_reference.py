"""Reference NTK/NNGP values from neural-tangents for every kernel preset.

neural-tangents 0.6.5 (its last release) imports only with jax <= 0.5.3, so this
script runs in its own environment, not the project's:

    python3 -m venv /opt/ntref
    /opt/ntref/bin/pip install "jax[cpu]==0.5.3" "jaxlib==0.5.3" "neural-tangents==0.6.5" "numpy<2.3"
    /opt/ntref/bin/python tests/reference/make_nt_reference.py   # ~1 min on 2 CPU cores

It writes ``tests/reference/nt_kernels.npz`` (committed). For each architecture
NAME it stores float64 inputs ``NAME/x1`` (4 rows) and ``NAME/x2`` (3 rows, the
first an exact copy of ``x1[1]``), and ``NAME/{nngp,ntk}_12`` = k(x1, x2) and
``NAME/{nngp,ntk}_11`` = k(x1, x1) computed with ``neural_tangents.stax`` in the
default NTK parameterisation. Pooled architectures also store ``NAME/pool``: the
inputs there are average-pooled over non-overlapping blocks in NumPy before the
stax network (stax's AvgPool layer would need full spatial covariances), and the
stored x1/x2 are the unpooled images, which gantk pools itself.

The architectures are written out here independently of gantk's presets.
"""

import math
import sys
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
OUT = Path(__file__).with_name("nt_kernels.npz")


def conv(w=W_STD, b=B_STD, k=4, s=2, padding="SAME"):
    return stax.Conv(64, (k, k), (s, s), padding, W_std=w, b_std=b)


def dense(out=64, w=W_STD, b=B_STD):
    return stax.Dense(out, W_std=w, b_std=b)


def conv_stack(depth, **kw):
    layers = []
    for _ in range(depth):
        layers += [conv(**kw), stax.Relu()]
    return layers


def fc_stack():
    layers = []
    for _ in range(3):
        layers += [dense(), stax.Relu()]
    return layers


ARCHITECTURES = {
    # name: (input shape, pool, layers)
    "fntk": ((2,), 1, fc_stack() + [dense(1)]),
    "fntk_img": ((8, 8, 1), 1, [stax.Flatten()] + fc_stack() + [dense(1)]),
    "cntk_mnist": ((28, 28, 1), 1, conv_stack(2) + [stax.Flatten(), dense(), stax.Relu(), dense(1)]),
    "cntk_cifar10": ((32, 32, 3), 1, conv_stack(3) + [stax.Flatten(), dense(1)]),
    "cntk_celeba": ((64, 64, 3), 1, conv_stack(4) + [stax.Flatten(), dense(1)]),
    "cntk_digits": ((8, 8, 1), 1, conv_stack(2) + [stax.Flatten(), dense(1)]),
    "cntk_faces": ((25, 25, 1), 1, conv_stack(3) + [stax.Flatten(), dense(1)]),
    "multires_small": ((64, 64, 3), 16, conv_stack(2) + [stax.Flatten(), dense(1)]),
    "multires_medium": ((64, 64, 3), 4, conv_stack(4) + [stax.Flatten(), dense(1)]),
    "multires_large": ((64, 64, 3), 1, conv_stack(6) + [stax.Flatten(), dense(1)]),
    "test_erf_valid": (
        (9, 9, 2),
        1,
        [conv(k=3, s=1, padding="VALID"), stax.Erf(), conv(k=2, s=2), stax.Relu(), stax.Flatten(), dense(), stax.Erf(), dense(1)],
    ),
    "test_bstd0": ((12, 12, 1), 1, conv_stack(2, w=1.0, b=0.0) + [stax.Flatten(), dense(1, w=1.0, b=0.0)]),
}


def avg_pool(x, m):
    if m == 1:
        return x
    n, h, w, c = x.shape
    return x.reshape(n, h // m, m, w // m, m, c).mean(axis=(2, 4))


def main():
    out = {}
    for seed, (name, (shape, pool, layers)) in enumerate(ARCHITECTURES.items()):
        rng = np.random.default_rng(1000 + seed)
        # float32-representable inputs, stored as float32 to keep the file small
        x1 = rng.uniform(size=(4, *shape)).astype(np.float32).astype(np.float64)
        x2 = rng.uniform(size=(3, *shape)).astype(np.float32).astype(np.float64)
        x2[0] = x1[1]
        _, _, kernel_fn = stax.serial(*layers)
        p1, p2 = avg_pool(x1, pool), avg_pool(x2, pool)
        k12 = kernel_fn(p1, p2, ("nngp", "ntk"))
        k11 = kernel_fn(p1, None, ("nngp", "ntk"))
        out[f"{name}/x1"], out[f"{name}/x2"] = x1.astype(np.float32), x2.astype(np.float32)
        out[f"{name}/pool"] = np.asarray(pool)
        for tag, k in (("12", k12), ("11", k11)):
            out[f"{name}/nngp_{tag}"] = np.asarray(k.nngp, np.float64)
            out[f"{name}/ntk_{tag}"] = np.asarray(k.ntk, np.float64)
        ntk11 = out[f"{name}/ntk_11"]
        sym = np.abs(ntk11 - ntk11.T).max()
        copy = abs(out[f"{name}/ntk_12"][1, 0] - ntk11[1, 1])
        print(f"{name:16s} shape {shape} pool {pool}: asym {sym:.1e}, copy-vs-diag {copy:.1e}")
    np.savez(OUT, **out)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
