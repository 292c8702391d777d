"""The images of a GA-CNTKg generator with 2-D latents on a grid of ζ (data of Fig 20)."""

from pathlib import Path

from _job import start

from gantk.generator.autoencoder import load_autoencoder
from gantk.generator.ga_cntkg import latent_grid, load_generator
from gantk.common.io import save_npz

log = start(snakemake)
fig_cfg = snakemake.params.figure
generator, variables, cfg = load_generator(Path(snakemake.input.params).parent)
ae = load_autoencoder(snakemake.input.ae_info)
zeta, images = latent_grid(generator, variables, ae, size=fig_cfg["size"], span=fig_cfg["span"])
log.info("latent grid %d × %d over [−%g, %g]²", fig_cfg["size"], fig_cfg["size"], fig_cfg["span"], fig_cfg["span"])
save_npz(snakemake.output[0], zeta=zeta, images=images)
