"""One GA-NTK run, or one extra Z set of it for FID (seed `params.seed`): samples, curve, snapshots, params.

A checkpoint named for the run's settings lives in ``params.checkpoint_dir``: a killed job
started again resumes from it; it is removed once the outputs are written.
"""

from pathlib import Path

from _job import read_subset, remove_checkpoint, start

from gantk.config import run_lambdas, synth_kwargs
from gantk.io import load_json
from gantk.synth import SynthConfig, synthesize

log = start(snakemake)
settings = snakemake.params.settings
x = read_subset(snakemake.input.data)
searches = [load_json(path) for path in snakemake.input.lambdas]
found = [s["kernel"] for s in searches]
if found != list(settings["kernels"]):
    raise ValueError(f"λ files {list(snakemake.input.lambdas)} are for kernels {found}, the run uses {settings['kernels']}")
lambdas = run_lambdas(settings, [s["lam"] for s in searches], len(x))
cfg = SynthConfig(**synth_kwargs(settings), lambdas=lambdas, seed=int(snakemake.params.seed))
log.info("settings %s", cfg.to_dict())

checkpoint = Path(snakemake.params.checkpoint_dir) / f"{cfg.fingerprint()}_{cfg.steps}.npz"
result = synthesize(x, cfg, checkpoint=checkpoint)
result.save(Path(snakemake.output.samples).parent)
remove_checkpoint(checkpoint)
