"""Where a GA-NTK step's time goes: the kernel per layer, forward and backward, and the N×N part.

    python benchmarks/step_profile.py --preset cntk_mnist --n 64
    python benchmarks/step_profile.py --preset cntk_cifar10 --n 128 --json benchmarks/out/profile.jsonl

The kernel part of a step is K_xz and K_zz, i.e. the layer rules applied to the (n, n, H, W)
covariance maps of two pairs of input sets. For every prefix of the element network (the
input covariance, then each layer in turn) the script times, as medians of ``--repeats``
compiled calls:

* ``fwd``: the prefix's maps (NNGP and NTK) for K_xz and K_zz;
* ``fwd+bwd``: value and ∇_Z of a fixed random weighting of those maps,

and reports each layer's share as the difference to the previous prefix. Times are the
process's CPU seconds (all threads; ``--wall`` for wall time): on a machine shared with
other jobs they measure the work, which wall time does not. The last rows are
the N×N part (value and gradient of the loss given the stacked 2n×2n kernel) and the whole
step. Differences of medians are noisy on a shared machine: read the table to rank the
layers, not to the millisecond.
"""

from __future__ import annotations

import argparse
import datetime
import time

import jax
import jax.numpy as jnp
import numpy as np
from table_rows import emit
from timing import median_seconds

from gantk.objective.gp import ganntk_loss, ganntk_loss_from_kernel, stack_kernel
from gantk.kernels import input_shape, kernel_matrix, preset
from gantk.kernels.state import input_state


def prefix_maps(net, depth: int, x, z):
    """The (nngp, ntk) arrays after the first ``depth`` layers, for the pairs (x, z) and (z, z)."""
    out = []
    for a, b, same in ((x, z, None), (z, z, jnp.eye(z.shape[0], dtype=bool))):
        state = input_state(net.prepare(a), net.prepare(b), same)
        for layer in net.layers[:depth]:
            state = layer(state)
        out += [state.nngp] if state.ntk is None else [state.nngp, state.ntk]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cntk_mnist")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--lam", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--wall", action="store_true", help="wall time instead of CPU seconds")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    net, n = preset(args.preset), args.n
    clock = time.perf_counter if args.wall else time.process_time
    rng = np.random.default_rng(0)
    x, z = (jnp.asarray(rng.uniform(size=(n, *input_shape(args.preset))).astype(np.float32)) for _ in range(2))
    device = jax.devices()[0]
    print(f"{datetime.date.today()} · {device.device_kind} ({device.platform}) · jax {jax.__version__} · "
          f"{args.preset} n={n} · {'wall' if args.wall else 'CPU'} seconds")  # fmt: skip
    print("| part | fwd (s) | fwd+bwd (s) | fwd share (s) | fwd+bwd share (s) |\n|---|---|---|---|---|")
    previous = (0.0, 0.0)
    for depth in range(len(net.layers) + 1):
        maps = prefix_maps(net, depth, x, z)
        weights = [jnp.asarray(rng.normal(size=m.shape).astype(np.float32)) for m in maps]
        fwd = jax.jit(lambda z, x, d=depth: prefix_maps(net, d, x, z))
        fwd_bwd = jax.jit(jax.value_and_grad(
            lambda z, x, w, d=depth: sum(jnp.sum(wi * m) for wi, m in zip(w, prefix_maps(net, d, x, z)))
        ))  # fmt: skip
        t = (median_seconds(fwd, z, x, repeats=args.repeats, clock=clock), median_seconds(fwd_bwd, z, x, weights, repeats=args.repeats, clock=clock))
        name = "input covariance" if depth == 0 else f"+ {type(net.layers[depth - 1]).__name__} (layer {depth})"
        row = dict(preset=args.preset, n=n, part=name, fwd_s=t[0], fwd_bwd_s=t[1],
                   fwd_share_s=t[0] - previous[0], fwd_bwd_share_s=t[1] - previous[1])  # fmt: skip
        emit(row, f"| {name} | {t[0]:.4f} | {t[1]:.4f} | {row['fwd_share_s']:.4f} | {row['fwd_bwd_share_s']:.4f} |", args.json)
        previous = t

    k_xx = kernel_matrix(net, x)
    k = stack_kernel(k_xx, kernel_matrix(net, x, z), kernel_matrix(net, z))
    exp_part = jax.jit(jax.value_and_grad(lambda k: ganntk_loss_from_kernel(k, n, args.lam)))
    step = jax.jit(jax.value_and_grad(lambda z, x, k_xx: ganntk_loss(z, x, k_xx, net, args.lam)))
    for name, fn, fn_args in (("N×N part (2n×2n, eigh route)", exp_part, (k,)), ("whole step", step, (z, x, k_xx))):
        t = median_seconds(fn, *fn_args, repeats=args.repeats, clock=clock)
        emit(dict(preset=args.preset, n=n, part=name, fwd_bwd_s=t), f"| {name} | – | {t:.4f} | – | – |", args.json)


if __name__ == "__main__":
    main()
