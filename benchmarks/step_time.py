"""Time one full-batch GA-CNTK step (loss and ∇_Z) and its parts; record peak memory.

Run (GPU, via the device tool, or CPU):

    python benchmarks/step_time.py --preset cntk_mnist --n 256 1024 4096 --tile 512
    python benchmarks/step_time.py --preset cntk_digits --n 64 256 --shape 8 8 1   # CPU, default-run sizes
    python benchmarks/step_time.py --preset multires_small+multires_medium+multires_large --n 256 --tile 32

A '+'-joined preset list times the multi-resolution objective (Eq. 7: the sum of the
members' losses, each with its own kernel; the CelebA-HQ setting at 256×256×3).

For each n it times, after a warm-up call (compilation excluded), the median of
``--repeats`` calls of:
  * step      – value and gradient of the GA-NTK loss w.r.t. Z (K_xx precomputed);
  * kernel    – forward of K_xz and K_zz;
  * kernel+bw – value and gradient of sum(w ⊙ [K_xz, K_zz]) (forward + backward);
  * exp       – value and gradient of the loss given the stacked kernel (exp(−λK) part).
Peak device memory is read from the device's allocator (GPU); on the CPU the
process's peak resident set size is reported instead. Results go to stdout as a
Markdown table and, with ``--json``, to a file.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import resource

import jax
import jax.numpy as jnp
import numpy as np
from table_rows import emit
from timing import median_seconds

from gantk.objective.gp import ganntk_loss_from_kernel, multires_loss, stack_kernel
from gantk.kernels import input_shape, kernel_matrix, preset


def _peak_bytes() -> int | None:
    stats = jax.devices()[0].memory_stats()
    if stats and "peak_bytes_in_use" in stats:
        return int(stats["peak_bytes_in_use"])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def bench(preset_name: str, n: int, shape, tile: int | None, lam: float, repeats: int, method: str) -> dict:
    """One row: ``preset_name`` is a preset or several joined by '+' (the multi-resolution sum, Eq. 7)."""
    nets = [preset(name) for name in preset_name.split("+")]
    lams = [lam] * len(nets)
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.uniform(size=(n, *shape)).astype(np.float32))
    z = jnp.asarray(rng.uniform(size=(n, *shape)).astype(np.float32))
    k_xx = [jax.block_until_ready(kernel_matrix(net, x, tile=tile)) for net in nets]

    # Data enter as arguments (not closure constants) so XLA does not constant-fold them.
    step = jax.jit(
        jax.value_and_grad(lambda z, x, k_xx: multires_loss(z, x, k_xx, nets, lams, method=method, tile=tile))
    )

    def cross_kernels(z, x):
        return [(kernel_matrix(net, x, z, tile=tile), kernel_matrix(net, z, tile=tile)) for net in nets]

    fwd = jax.jit(cross_kernels)
    w = jnp.asarray(rng.normal(size=(n, 2 * n)).astype(np.float32))

    def kernel_sum(z, x, w):
        return sum(jnp.sum(w * jnp.concatenate(pair, axis=1)) for pair in cross_kernels(z, x))

    fwd_bwd = jax.jit(jax.value_and_grad(kernel_sum))
    k_full = [stack_kernel(kxx, *pair) for kxx, pair in zip(k_xx, fwd(z, x))]
    exp_part = jax.jit(
        jax.value_and_grad(lambda ks: sum(ganntk_loss_from_kernel(k, n, lam, method=method) for k in ks))
    )

    row = {
        "preset": preset_name,
        "n": n,
        "tile": tile,
        "method": method,
        "step_s": median_seconds(step, z, x, k_xx, repeats=repeats),
    }
    row["peak_gb"] = (_peak_bytes() or 0) / 1e9
    row["kernel_fwd_s"] = median_seconds(fwd, z, x, repeats=repeats)
    row["kernel_fwd_bwd_s"] = median_seconds(fwd_bwd, z, x, w, repeats=repeats)
    row["exp_s"] = median_seconds(exp_part, k_full, repeats=repeats)
    loss, grad = step(z, x, k_xx)
    row["finite"] = bool(jnp.isfinite(loss) and jnp.all(jnp.isfinite(grad)))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--preset",
        default="cntk_mnist",
        help="a kernel preset, or several joined by '+' for the multi-resolution objective "
        "(multires_small+multires_medium+multires_large: CelebA-HQ)",
    )
    parser.add_argument("--n", type=int, nargs="+", default=[256, 1024, 4096])
    parser.add_argument("--shape", type=int, nargs=3, default=None, help="H W C (default: the preset's; 28 28 1 for fntk)")
    parser.add_argument("--tile", type=int, default=None)
    parser.add_argument("--lam", type=float, default=1.28)
    parser.add_argument("--method", default="eigh", choices=["eigh", "expm", "lanczos"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    first = args.preset.split("+")[0]
    shape = tuple(args.shape) if args.shape else (28, 28, 1) if first == "fntk" else input_shape(first)
    device = jax.devices()[0]
    header = (
        f"{datetime.date.today()} · {device.device_kind} ({device.platform}) · jax {jax.__version__} · "
        f"{platform.processor() or platform.machine()}"
    )
    print(header)
    print("| preset | n | tile | step (s) | peak (GB) | kernel fwd (s) | kernel fwd+bwd (s) | exp part (s) | finite |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.n:
        row = bench(args.preset, n, shape, args.tile, args.lam, args.repeats, args.method)
        row.update(device=device.device_kind, platform=device.platform, date=str(datetime.date.today()))
        emit(
            row,
            f"| {row['preset']} | {n} | {row['tile']} | {row['step_s']:.4f} | {row['peak_gb']:.2f} | "
            f"{row['kernel_fwd_s']:.4f} | {row['kernel_fwd_bwd_s']:.4f} | {row['exp_s']:.4f} | {row['finite']} |",
            args.json,
        )


if __name__ == "__main__":
    main()
