"""Metrics of one run, of its samples (the stopping rule's step) and at every snapshot.

Images: AM-SSIM of the samples to the training subset. Toy data: Wasserstein distance to
the held-out fresh sample of the mixture, and mode coverage. GA-NTK and GA-CNTKg runs also
record their λ and their stopping rule's outcome (stop.json: rule, selected step, loss there).
"""

import numpy as np
import pandas as pd
from _job import read_subset, start

from gantk.common.io import load_json, load_npz, save_csv, save_json
from gantk import metrics  # lazily: SSIM imports JAX, which toy points do not need
from gantk.experiments.tables import run_facts

log = start(snakemake)
wc, dataset = snakemake.wildcards, snakemake.params.dataset
x, heldout = read_subset(snakemake.input.data), read_subset(snakemake.input.heldout)
z = load_npz(snakemake.input.samples)["z"]
snapshots = load_npz(snakemake.input.snapshots)
curve = pd.read_csv(snakemake.input.curve)
params = load_json(snakemake.input.params)
stop = load_json(snakemake.input.stop) if hasattr(snakemake.input, "stop") else None


def scores(points: np.ndarray) -> dict:
    if dataset["type"] == "images":
        return {"am_ssim": metrics.am_ssim(points, x)}
    coverage = metrics.mode_coverage(points, dataset["source"])
    return {
        "wasserstein": metrics.wasserstein_distance(points, heldout),
        "modes_covered": coverage["modes_covered"],
        "n_modes": coverage["n_modes"],
        "high_quality_fraction": coverage["high_quality_fraction"],
    }


along = pd.DataFrame([{"step": int(step), **scores(snap)} for step, snap in zip(snapshots["steps"], snapshots["z"])])
final = scores(z)
log.info("final %s", final)
save_csv(snakemake.output.along_run, along)
save_json(
    snakemake.output.metrics,
    {
        "dataset": wc.dataset,
        "n": int(wc.n),
        "seed": int(wc.seed),
        "method": wc.method,
        "type": dataset["type"],
        "steps": int(len(curve)),
        **(run_facts(params, stop) if stop is not None else {}),
        "final_loss": params["final_loss"],
        "seconds": float(curve["seconds"].iloc[-1]) if len(curve) else 0.0,
        **final,
    },
)
