"""Log-log scaling plot of step time and peak memory against n, with fitted slopes.

    python benchmarks/step_time.py --preset cntk_mnist --n 256 512 1024 2048 4096 8192 --tile 512 --json benchmarks/out/steps.jsonl
    python benchmarks/scaling.py benchmarks/out/steps.jsonl --out benchmarks/scaling.png

Reads the JSON lines written by ``step_time.py --json`` (one row per preset, n,
device) and draws, per preset and device, step time and peak memory against n on
log-log axes; the legend gives the least-squares slope of log y on log n over the
largest three sizes (the asymptotic regime: 2 for kernel work, 3 for an
eigendecomposition).
"""

import argparse
import json
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def slope(n, y) -> float:
    n, y = np.asarray(n[-3:], float), np.asarray(y[-3:], float)
    return float(np.polyfit(np.log(n), np.log(y), 1)[0]) if len(n) >= 2 else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("jsonl", nargs="+")
    parser.add_argument("--out", default="benchmarks/scaling.png")
    args = parser.parse_args()
    series = defaultdict(list)
    for path in args.jsonl:
        with open(path) as f:
            for line in f:
                row = json.loads(line)
                series[(row["preset"], row["device"], row.get("method", "eigh"))].append(row)
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
    for (preset, device, method), rows in sorted(series.items()):
        rows.sort(key=lambda r: r["n"])
        n = [r["n"] for r in rows]
        t = [r["step_s"] for r in rows]
        m = [r["peak_gb"] for r in rows]
        label = f"{preset} · {device} · {method}"
        ax_t.loglog(n, t, "o-", label=f"{label} (slope {slope(n, t):.2f})")
        ax_m.loglog(n, m, "o-", label=f"{label} (slope {slope(n, m):.2f})")
    ax_t.set(xlabel="n (real = fake points)", ylabel="step time (s)", title="GA-CNTK step (value + ∇Z)")
    ax_m.set(xlabel="n (real = fake points)", ylabel="peak memory (GB)", title="peak memory")
    for ax in (ax_t, ax_m):
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
