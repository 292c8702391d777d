"""Iterations per second of each GAN baseline (and batch-wise GA-CNTK) per image shape, batch 64.

Run (GPU, via the device tool; the paper's V100 figures are 18–20 it/s MNIST, 14–17
CIFAR-10, 9–13 CelebA for the baselines):

    python benchmarks/baselines_speed.py --shapes 28,28,1 32,32,3 64,64,3 --ga-ntk \
        --json benchmarks/out/h100_baselines.jsonl

CPU, small settings (the rows in benchmarks/RESULTS.md; 18 minutes on the shared 2-core
development machine, 8 of them compiling StyleGAN2):

    python benchmarks/baselines_speed.py --shapes 28,28,1 --width 0.25 --iterations 10 --ga-ntk

An iteration is what the training loop does once: n_dis discriminator steps and one
generator step, with the loss values fetched to the host (as ``train_gan`` does for its
NaN check). Timing starts after ``--warmup`` iterations (compilation excluded; it is
reported separately). ``ga_cntk_batch`` times ``gantk.synthesis.ga_ntk.synthesize`` batch-wise with
``--ga-ntk-b`` rows per side (32: the paper's b = 64 counts both sides) on n = 256
random images, from the run's own curve (its first, compiling step excluded).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np
from table_rows import emit

from gantk.baselines import METHODS, GANConfig
from gantk.baselines.train import init_state, make_train_step, run_key, steady_rate

PRESETS = {(28, 28, 1): "cntk_mnist", (32, 32, 3): "cntk_cifar10", (64, 64, 3): "cntk_celeba",
           (8, 8, 1): "cntk_digits", (25, 25, 1): "cntk_faces"}
NAMES = {(28, 28, 1): "MNIST", (32, 32, 3): "CIFAR-10", (64, 64, 3): "CelebA", (8, 8, 1): "digits",
         (25, 25, 1): "LFW faces"}


def time_gan(method: str, shape, *, width: float, batch: int, latent: int, iterations: int, warmup: int) -> dict:
    cfg = GANConfig(method, batch_size=batch, latent_dim=latent, width=width)
    m = cfg.gan_method
    g, d = m.networks(shape, width)
    x = jnp.asarray(np.random.default_rng(0).uniform(size=(256, *shape)), jnp.float32)
    state = init_state(m, g, d, shape, cfg, jnp.float32)
    step_fn = make_train_step(m, g, d, cfg)
    key = run_key(0)
    t0 = time.perf_counter()
    for step in range(warmup):
        state, metrics = step_fn(state, step, x, key, regularise=m.penalty != "none" and step % m.penalty_every == 0)
        jax.device_get(metrics)
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for step in range(warmup, warmup + iterations):
        state, metrics = step_fn(state, step, x, key, regularise=m.penalty != "none" and step % m.penalty_every == 0)
        jax.device_get(metrics)
    seconds = time.perf_counter() - t0
    params = sum(np.size(v) for v in jax.tree.leaves((state["g_params"], state["d_params"])))
    return {"method": method, "n_dis": m.n_dis, "iterations_per_second": iterations / seconds,
            "warmup_seconds": compile_s, "parameters": int(params)}


def time_ga_cntk(shape, *, b: int, iterations: int) -> dict:
    from gantk.synthesis.ga_ntk import SynthConfig, synthesize

    x = np.random.default_rng(0).uniform(size=(256, *shape)).astype(np.float32)
    cfg = SynthConfig(kernels=(PRESETS[tuple(shape)],), lambdas=(1.0,), steps=iterations + 1, batch_size=b,
                      snapshot_every=0, checkpoint_every=0, log_every=10**9)
    t0 = time.perf_counter()
    result = synthesize(x, cfg)
    return {"method": f"ga_cntk_batch (b={b}/side)", "n_dis": None,
            "iterations_per_second": steady_rate(result.curve), "warmup_seconds": time.perf_counter() - t0,
            "parameters": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", nargs="+", default=["28,28,1", "32,32,3", "64,64,3"])
    parser.add_argument("--methods", nargs="+", default=[m for m in METHODS if m != "gan"])
    parser.add_argument("--width", type=float, default=1.0, help="network width multiplier (1 = the paper's)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--latent", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--ga-ntk", action="store_true", help="also time batch-wise GA-CNTK")
    parser.add_argument("--ga-ntk-b", type=int, default=32)
    parser.add_argument("--json", help="append one JSON line per row to this file")
    args = parser.parse_args()

    device = jax.devices()[0]
    meta = {"date": datetime.date.today().isoformat(), "device": f"{device.platform}:{device.device_kind}",
            "host": platform.machine(), "jax": jax.__version__, "width": args.width, "batch": args.batch}
    print(f"# {meta}")
    print("| data | shape | method | n_dis | it/s | warm-up s | parameters |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for text in args.shapes:
        shape = tuple(int(v) for v in text.split(","))
        jobs = [(m, lambda m=m: time_gan(m, shape, width=args.width, batch=args.batch, latent=args.latent,
                                          iterations=args.iterations, warmup=args.warmup)) for m in args.methods]
        if args.ga_ntk and shape in PRESETS:
            jobs.append(("ga_cntk_batch", lambda: time_ga_cntk(shape, b=args.ga_ntk_b, iterations=args.iterations)))
        for _, job in jobs:
            row = {**meta, "data": NAMES.get(shape, "?"), "shape": list(shape), **job()}
            rows.append(row)
            emit(
                row,
                f"| {row['data']} | {'×'.join(map(str, shape))} | {row['method']} | {row['n_dis'] or '–'} | "
                f"{row['iterations_per_second']:.2f} | {row['warmup_seconds']:.1f} | {row['parameters'] or '–'} |",
                args.json,
            )


if __name__ == "__main__":
    main()
