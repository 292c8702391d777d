"""FID of held-out real images against the split statistics: `metrics.fid.samples` images outside the subset.

Drawn with the subset's reference seed (gantk.data.subsample.heldout_indices): with as many
images as the subset, they are the held-out reference images of the subsample rule.
"""

from _job import start

from gantk.data.registry import dataset_selection
from gantk.data.subsample import heldout_indices, read_subsample
from gantk.experiments.frontier import fid_of
from gantk.common.io import load_npz, save_json
from gantk.metrics.fid import load_stats
from gantk.metrics.inception import default_extractor

log = start(snakemake)
fid, dataset, wc = snakemake.params.fid, snakemake.params.dataset, snakemake.wildcards
subset = read_subsample(snakemake.input.data)
selection = dataset_selection(dataset["source"], dataset["options"])
picked = heldout_indices(len(selection), subset.indices, fid["samples"], int(snakemake.params.reference_seed))
if len(picked) < fid["samples"]:
    log.warning("only %d images outside the subset for a %d-image FID", len(picked), fid["samples"])
images = selection.read(picked)
extractor = default_extractor(fid["weights"], fid["device"])
split = load_npz(snakemake.input.split)
if str(split["weights_sha1"]) != extractor.weights_sha1:
    raise ValueError(f"{snakemake.input.split} was computed with other Inception weights: rerun its fid_split_stats job")
method = snakemake.params.along["method"]
score = fid_of(images, load_stats(snakemake.input.split), lambda x: extractor(x, batch=fid["batch"]), method=method)
log.info("FID of %d held-out real images: %.3f", len(images), score)
save_json(
    snakemake.output[0],
    {
        "dataset": wc.dataset,
        "n": int(wc.n),
        "seed": int(wc.seed),
        "reference_seed": int(snakemake.params.reference_seed),
        "fid": score,
        "fid_samples": int(len(images)),
        "fid_reference": "split",
        "fid_reference_images": int(split["count"]),
        "frechet_method": method,
        "inception_weights_sha1": extractor.weights_sha1,
    },
)
