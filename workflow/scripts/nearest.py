"""The nearest training images by SSIM of a run's first k samples (data of Figs 17-19): saves the
generated images, their nearest training images, those images' indices and the SSIM values."""

from _job import read_subset, start

from gantk.common.io import load_npz, save_npz
from gantk.metrics import nearest_by_ssim

log = start(snakemake)
k = int(snakemake.wildcards.k)
generated, training = load_npz(snakemake.input.samples)["z"][:k], read_subset(snakemake.input.data)
nearest = nearest_by_ssim(generated, training)
log.info("SSIM of %d samples to their nearest training images: %s", len(generated), nearest.values.round(3).tolist())
save_npz(
    snakemake.output[0],
    generated=generated,
    nearest=training[nearest.indices],
    indices=nearest.indices,
    ssim=nearest.values,
)
