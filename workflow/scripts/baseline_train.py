"""One GAN baseline run: samples, curve, snapshots and params in the GA-NTK run format.

A checkpoint named for the run's settings lives in ``params.checkpoint_dir``: a killed job
started again resumes from it; it is removed once the outputs are written. Sample grids
(PNG) of the saved snapshots go to ``params.grid_dir`` beside the outputs
(``gantk.plots.sample_grid``: every ``grid_every`` iterations and the last).
"""

from pathlib import Path

from _job import read_subset, start

from gantk.baselines import GANConfig, train_gan
from gantk.plots.sample_grid import save_sample_grids

log = start(snakemake)
cfg = GANConfig.from_settings(snakemake.params.settings, seed=int(snakemake.wildcards.seed))
log.info("settings %s; method %s", cfg.to_dict(), cfg.gan_method.to_dict())
x = read_subset(snakemake.input.data)

checkpoint = Path(snakemake.params.checkpoint_dir) / f"{cfg.fingerprint()}.npz"
result = train_gan(x, cfg, checkpoint=checkpoint)
result.save(Path(snakemake.output.samples).parent)
save_sample_grids(snakemake.params.grid_dir, result.snapshot_steps, result.snapshots, every=cfg.grid_every,
                  label=cfg.gan_method.name)
log.info("%s after %d iterations (%s it/s)", result.stop_reason, len(result.curve), result.iterations_per_second())
checkpoint.unlink(missing_ok=True)
for folder in checkpoint.parents:
    if folder == Path("results") or not folder.is_dir() or any(folder.iterdir()):
        break
    folder.rmdir()
