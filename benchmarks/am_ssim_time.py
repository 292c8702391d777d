"""Time AM-SSIM: the max SSIM of each of G generated images to R reference images (G × R pairs).

Run (GPU, via the device tool, or CPU):

    python benchmarks/am_ssim_time.py --g 2048 --r 2048 --shape 64 64 3 --json benchmarks/out/h100_am_ssim.jsonl
    python benchmarks/am_ssim_time.py --g 256 --r 256 --shape 64 64 3        # CPU: a few 10 s on 2 cores

Images are uniform noise of the given shape (the cost does not depend on content); the
paper's settings (4×4 window, σ 1.5, k1 0.01, k2 0.03) and the default tile size of
``gantk.metrics.am_ssim``. The first call (compilation) is timed apart from a second
call on the same shapes. Results go to stdout as a Markdown row and, with ``--json``,
to a file.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time

import jax
import numpy as np
from table_rows import emit

from gantk.metrics import am_ssim


def bench(g: int, r: int, shape: tuple[int, int, int]) -> dict:
    rng = np.random.default_rng(0)
    generated = rng.uniform(size=(g, *shape)).astype(np.float32)
    reference = rng.uniform(size=(r, *shape)).astype(np.float32)
    t0 = time.perf_counter()
    am_ssim(generated, reference)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    value = am_ssim(generated, reference)
    second_s = time.perf_counter() - t0
    return {
        "g": g,
        "r": r,
        "shape": list(shape),
        "device": jax.devices()[0].device_kind,
        "jax": jax.__version__,
        "first_s": first_s,
        "seconds": second_s,
        "pairs_per_s": g * r / second_s,
        "am_ssim": value,
        "date": str(datetime.date.today()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--g", type=int, default=2048, help="generated images")
    parser.add_argument("--r", type=int, default=2048, help="reference (training) images")
    parser.add_argument("--shape", type=int, nargs=3, default=[64, 64, 3], metavar=("H", "W", "C"))
    parser.add_argument("--json", default=None, help="append the row to this JSON-lines file")
    args = parser.parse_args()
    print(f"{datetime.date.today()} · {jax.devices()[0].device_kind} · {os.cpu_count()} CPU cores · {platform.machine()}")
    print("| G | R | shape | device | first call, compile (s) | AM-SSIM (s) | pairs/s |")
    print("|---|---|---|---|---|---|---|")
    row = bench(args.g, args.r, tuple(args.shape))
    emit(
        row,
        f"| {row['g']} | {row['r']} | {'×'.join(map(str, row['shape']))} | {row['device']} | {row['first_s']:.2f} | "
        f"{row['seconds']:.2f} | {row['pairs_per_s']:.3g} |",
        args.json,
    )


if __name__ == "__main__":
    main()
