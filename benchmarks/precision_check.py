"""Float32 GA-CNTK step against float64 on this device: relative error of loss and ∇_Z.

    python benchmarks/precision_check.py --preset cntk_mnist --n 64 256 --tile 128 --method eigh lanczos

For each n, method and regime it runs ``gantk.experiments.precision_check.step_error``: the same step in
float32 (the runtime's dtype, every product at full float32 precision) and in float64,
on real rows x ~ U[0, 1] and fakes z that are either fresh noise (a run's start) or
x + 0.01·N(0, 1) (a run's end, correlations near 1 where arccos is steep). The issue's
bar for any reduced-precision path is 1e-3 relative in both loss and gradient.
"""

from __future__ import annotations

import argparse
import datetime

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402
from table_rows import emit  # noqa: E402

from gantk.kernels import input_shape, preset  # noqa: E402
from gantk.experiments.precision_check import step_error  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cntk_mnist")
    parser.add_argument("--n", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--tile", type=int, default=None)
    parser.add_argument("--lam", type=float, default=1.28)
    parser.add_argument("--method", nargs="+", default=["eigh", "lanczos"], choices=["eigh", "expm", "lanczos"])
    parser.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    device = jax.devices()[0]
    shape = input_shape(args.preset)
    print(f"{datetime.date.today()} · {device.device_kind} ({device.platform}) · jax {jax.__version__}")
    print("| preset | n | method | fakes | loss rel. err. | ∇Z rel. err. | within 1e-3 |")
    print("|---|---|---|---|---|---|---|")
    for n in args.n:
        rng = np.random.default_rng(n)
        x = rng.uniform(size=(n, *shape))
        fakes = {"noise": rng.uniform(size=x.shape), "near reals": x + 0.01 * rng.normal(size=x.shape)}
        for method in args.method:
            for regime, z in fakes.items():
                err = step_error(preset(args.preset), x, z, args.lam, method=method, tile=args.tile)
                ok = err["loss"] < 1e-3 and err["grad"] < 1e-3
                row = dict(
                    preset=args.preset, n=n, method=method, fakes=regime, tile=args.tile, lam=args.lam,
                    loss_rel=err["loss"], grad_rel=err["grad"], within=ok,
                    device=device.device_kind, platform=device.platform, date=str(datetime.date.today()),
                )  # fmt: skip
                line = f"| {args.preset} | {n} | {method} | {regime} | {err['loss']:.1e} | {err['grad']:.1e} | {ok} |"
                emit(row, line, args.json)


if __name__ == "__main__":
    main()
