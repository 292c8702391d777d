"""K_zz with only the upper-triangle tiles vs all tiles, side by side in one run.

    python benchmarks/symmetric_tiles.py --preset cntk_mnist --n 256 --tile 64

Times the forward and forward+backward of K(z, z) computed as ``kernel_matrix(net, z,
tile=T)`` (symmetric path: B(B+1)/2 tiles) and as ``kernel_matrix(net, z, z, tile=T)``
(general path: B² tiles), median of the repeats after a warm-up, and checks they agree.
Off the diagonal the two are identical; on it the symmetric path is exact (θ = 0),
while the general path sees a correlation rounded to just below 1, where arccos is
steep, so its float32 diagonal is off by ~1e-4.
"""

import argparse

import jax
import jax.numpy as jnp
import numpy as np
from timing import median_seconds

from gantk.kernels import input_shape, kernel_matrix, preset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="cntk_mnist")
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--tile", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    net = preset(args.preset)
    z = jnp.asarray(np.random.default_rng(0).uniform(size=(args.n, *input_shape(args.preset))).astype(np.float32))
    paths = {
        "symmetric (upper tiles)": lambda z: kernel_matrix(net, z, tile=args.tile),
        "general (all tiles)": lambda z: kernel_matrix(net, z, z, tile=args.tile),
    }
    delta = np.abs(np.asarray(paths["symmetric (upper tiles)"](z) - paths["general (all tiles)"](z)))
    on_diag = np.diag(delta).max()
    np.fill_diagonal(delta, 0)
    print(
        f"{jax.devices()[0].device_kind} · {args.preset} n={args.n} tile={args.tile} · "
        f"max |Δ| off-diagonal {delta.max():.1e}, on the diagonal {on_diag:.1e}"
    )
    print("| path | fwd (s) | fwd+bwd (s) |\n|---|---|---|")
    for name, fn in paths.items():
        fwd = median_seconds(jax.jit(fn), z, repeats=args.repeats)
        bwd = median_seconds(jax.jit(jax.grad(lambda z, fn=fn: jnp.sum(jnp.sin(fn(z))))), z, repeats=args.repeats)
        print(f"| {name} | {fwd:.4f} | {bwd:.4f} |")


if __name__ == "__main__":
    main()
