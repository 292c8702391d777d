"""GA-CNTKg training speed: generator iterations per second.

    python benchmarks/generator_speed.py --architecture celeba --batch-size 64 --steps 300   # GPU: the paper's setting
    python benchmarks/generator_speed.py --architecture digits --batch-size 64 --steps 200   # CPU, default-run sizes

Runs ``gantk.generator.ga_cntkg.train_generator`` (the public training loop, including the host
sync of each step's loss) on random images of the architecture's shape, with a randomly
initialised autoencoder of that architecture (the weights do not change the cost), and
reports iterations per second over the steps after the first (compilation excluded),
from the run's own per-step clock, and the median step time (robust on a shared
machine). Each iteration: sample b real codes and b latents, G forward, the 2b × 2b
code-space NTK, the exp(−λK) discriminator and its gradient, G backward, clip, Adam.
K_xx of the n real codes is computed once before the loop (the authors' TensorFlow code
re-encoded the real batch every step).

The paper reports 5 it/s for GA-CNTKg on CelebA 64×64 at b = 64 on a V100.
Results go to stdout as a Markdown row and, with ``--json``, to a file.
"""

from __future__ import annotations

import argparse
import datetime
import platform

import jax
import numpy as np
from table_rows import emit

from gantk.generator.autoencoder import AE_PRESETS, Autoencoder, init_variables
from gantk.generator.ga_cntkg import GeneratorConfig, train_generator


def bench(architecture: str, b: int, n: int, steps: int, width: float, kernel: str, method: str) -> dict:
    arch = AE_PRESETS[architecture]
    ae = Autoencoder(arch, init_variables(arch, seed=0))
    x = np.random.default_rng(0).uniform(size=(n, *arch.image_shape)).astype(np.float32)
    cfg = GeneratorConfig(
        kernel=kernel,
        lam=1.0,
        steps=steps,
        batch_size=b,
        width=width,
        method=method,
        snapshot_every=0,
        log_every=0,
        checkpoint_every=0,
        fixed_samples=1,
        samples=1,
    )
    seconds = train_generator(x, ae, cfg).curve["seconds"].to_numpy()
    return {
        "architecture": architecture,
        "image_shape": list(arch.image_shape),
        "code_shape": list(arch.code_shape),
        "batch_size": b,
        "n": n,
        "steps": steps,
        "width": width,
        "kernel": kernel,
        "method": method,
        "first_step_s": float(seconds[0]),
        "it_per_s": float((steps - 1) / (seconds[-1] - seconds[0])),
        "median_step_ms": float(1e3 * np.median(np.diff(seconds))),
        "device": str(jax.devices()[0].device_kind),
        "platform": platform.machine(),
        "jax": jax.__version__,
        "date": datetime.date.today().isoformat(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--architecture", nargs="+", default=["celeba"], choices=sorted(AE_PRESETS))
    parser.add_argument("--batch-size", type=int, nargs="+", default=[64])
    parser.add_argument("--n", type=int, default=2048, help="real images (their codes are sampled from)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--width", type=float, default=1.0, help="generator width multiplier (1 = DCGAN)")
    parser.add_argument("--kernel", default="fntk")
    parser.add_argument("--method", default="eigh", choices=["eigh", "expm", "lanczos"])
    parser.add_argument("--json", help="append one JSON line per row to this file")
    args = parser.parse_args()
    if args.steps < 2:
        parser.error("--steps must be at least 2 (the first step compiles)")
    print("| architecture | code | b | n | width | kernel | it/s | median step (ms) | first step (s) | device |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for architecture in args.architecture:
        for b in args.batch_size:
            row = bench(architecture, b, max(args.n, b), args.steps, args.width, args.kernel, args.method)
            code = "×".join(map(str, row["code_shape"]))
            emit(
                row,
                f"| {architecture} {'×'.join(map(str, row['image_shape']))} | {code} | {b} | {row['n']} | "
                f"{row['width']:g} | {row['kernel']} | {row['it_per_s']:.1f} | {row['median_step_ms']:.1f} | "
                f"{row['first_step_s']:.1f} | {row['device']} |",
                args.json,
            )


if __name__ == "__main__":
    main()
