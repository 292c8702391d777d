"""The metrics of held-out real data against the subset: the level a run's metrics are read against.

Images: AM-SSIM of held-out real images (outside the subset) to the subset. Toy data: the
Wasserstein distance between the subset and the fresh sample of the mixture, and the
subset's mode coverage.
"""

from _job import read_subset, start

from gantk.common.io import save_json
from gantk import metrics  # lazily: SSIM imports JAX, which toy points do not need

log = start(snakemake)
wc, dataset = snakemake.wildcards, snakemake.params.dataset
x, heldout = read_subset(snakemake.input.data), read_subset(snakemake.input.heldout)
record = {
    "dataset": wc.dataset,
    "n": int(wc.n),
    "seed": int(wc.seed),
    "method": "real (held-out)",
    "type": dataset["type"],
    "heldout_count": int(len(heldout)),
}
if dataset["type"] == "images":
    # A subset of the whole selection leaves nothing to hold out.
    record["am_ssim"] = metrics.am_ssim(heldout, x) if len(heldout) else None
else:
    coverage = metrics.mode_coverage(x, dataset["source"])
    record.update(
        wasserstein=metrics.wasserstein_distance(x, heldout),
        modes_covered=coverage["modes_covered"],
        n_modes=coverage["n_modes"],
        high_quality_fraction=coverage["high_quality_fraction"],
    )
log.info("reference %s", record)
save_json(snakemake.output[0], record)
