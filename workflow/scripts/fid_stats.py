"""Real-image Inception statistics (μ, Σ) of a data set's selection or of a run's training subset.

Selection ("split"): `metrics.fid.reference_images` images drawn with seed
`metrics.fid.reference_seed` (all of them when null). Subset: the n images of the
subsample artefact. Written with the image count and the weights' SHA-1.
"""

from _job import read_subset, start

from gantk.common.io import load_json
from gantk.metrics.fid import save_stats, statistics
from gantk.metrics.inception import default_extractor

log = start(snakemake)
fid, dataset = snakemake.params.fid, snakemake.params.dataset
if "data" in snakemake.input.keys():
    images, what = read_subset(snakemake.input.data), "training subset"
else:
    from gantk.data.registry import dataset_selection
    from gantk.data.subsample import subsample_indices

    selection = dataset_selection(dataset["source"], dataset["options"])
    count = len(selection) if fid["reference_images"] is None else min(fid["reference_images"], len(selection))
    images = selection.read(subsample_indices(len(selection), count, fid["reference_seed"], what=selection.description))
    what = f"{selection.description}, {count} of {len(selection)} images"
extractor = default_extractor(fid["weights"], fid["device"])
recorded = load_json(snakemake.input.extractor)["weights_sha1"]
if recorded != extractor.weights_sha1:
    raise ValueError(f"{snakemake.input.extractor} records weights {recorded}, loaded {extractor.weights_sha1}: rerun fid_extractor")
log.info("features of %d images (%s)", len(images), what)
mu, sigma = statistics(extractor(images, batch=fid["batch"]))
save_stats(snakemake.output[0], mu, sigma, count=len(images), weights_sha1=extractor.weights_sha1)
