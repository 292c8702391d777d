"""FID of one run: its samples pooled over its Z sets, against the split and the training subset."""

from _job import start

from gantk.common.io import load_json, load_npz, save_json
from gantk.metrics.fid import frechet_distance, load_stats, statistics
from gantk.metrics.fid_sets import pool_sets
from gantk.metrics.inception import default_extractor

log = start(snakemake)
fid, wc = snakemake.params.fid, snakemake.wildcards
images = pool_sets([load_npz(path)["z"] for path in snakemake.input.samples], fid["samples"])
if len(images) < fid["samples"]:
    log.warning("only %d generated images for a %d-image FID: not comparable with full scores", len(images), fid["samples"])
extractor = default_extractor(fid["weights"], fid["device"])
info = load_json(snakemake.input.extractor)
mu, sigma = statistics(extractor(images, batch=fid["batch"]))
scores = {}
for reference in ("split", "subset"):
    path = getattr(snakemake.input, reference)
    arrays = load_npz(path)
    if str(arrays["weights_sha1"]) != extractor.weights_sha1:
        raise ValueError(f"{path} was computed with other Inception weights: rerun its fid_*_stats job")
    scores[f"fid_{reference}"] = frechet_distance(mu, sigma, *load_stats(path))
    scores[f"fid_{reference}_images"] = int(arrays["count"])
log.info("FID %s", scores)
save_json(
    snakemake.output[0],
    {
        "dataset": wc.dataset,
        "n": int(wc.n),
        "seed": int(wc.seed),
        "method": wc.method,
        "fid_samples": int(len(images)),
        "fid_zsets": len(snakemake.input.samples),
        **scores,
        "inception_weights_sha1": info["weights_sha1"],
    },
)
