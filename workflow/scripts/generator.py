"""One GA-CNTKg run: a generator trained in an autoencoder's code space; samples decoder(G(ζ)).

Writes the files of a GA-NTK run (samples.npz with the images as ``z``, curve.csv,
snapshots.npz of decoder(G(ζ_fixed)), params.json) plus generator.npz. A checkpoint named
for the run's settings and codes lives in ``params.checkpoint_dir``: a killed job started
again resumes from it; it is removed once the outputs are written.
"""

from pathlib import Path

from _job import read_subset, remove_checkpoint, start

from gantk.generator.autoencoder import load_autoencoder
from gantk.generator.ga_cntkg import GeneratorConfig, train_generator
from gantk.common.io import load_json

log = start(snakemake)
settings = dict(snakemake.params.settings)
x = read_subset(snakemake.input.data)
ae = load_autoencoder(snakemake.input.ae_info)
lam = load_json(snakemake.input.lam)
if lam.get("space") != "code" or [lam["kernel"]] != list(settings["kernels"]):
    raise ValueError(
        f"λ file {snakemake.input.lam} is a search for kernel {lam.get('kernel')!r} in {lam.get('space', 'image')} "
        f"space; the run needs one in code space for kernels {settings['kernels']}"
    )
if settings.get("batch_size") is None:
    settings["batch_size"] = len(x)
cfg = GeneratorConfig.from_settings(
    settings, lam=lam["lam"], seed=int(snakemake.wildcards.seed), code_shape=lam["code_shape"]
)
log.info("settings %s; autoencoder %s (held-out %s)", cfg.to_dict(), snakemake.input.ae_info, ae.info.get("heldout"))

if tuple(cfg.code_shape) != tuple(ae.code_shape):
    raise ValueError(
        f"autoencoder {snakemake.input.ae_info} makes codes of shape {tuple(ae.code_shape)}, but λ file "
        f"{snakemake.input.lam} was searched on codes of shape {tuple(cfg.code_shape)}: rerun its λ search "
        f"(delete {snakemake.input.lam})"
    )
checkpoint = Path(snakemake.params.checkpoint_dir) / f"{cfg.fingerprint(ae.encode(x))}_{cfg.steps}.npz"
result = train_generator(x, ae, cfg, checkpoint=checkpoint)
result.save(Path(snakemake.output.samples).parent)
remove_checkpoint(checkpoint)
