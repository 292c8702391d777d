"""One GA-NTK run, or one extra Z set of it for FID (seed `params.seed`): the selected samples,
the final Z, curve, snapshots, stop.json and params.

The method's stopping rule (``stop:``) picks the samples: ``plateau`` inside the run
(``gantk.synthesis.ga_ntk``), ``heldout_am_ssim`` here from the snapshots and the subset's held-out
AM-SSIM (``input.reference``). For images stop.json also holds the AM-SSIM of the selected Z.
A checkpoint named for the run's settings lives in ``params.checkpoint_dir``: a killed job
started again resumes from it; it is removed once the outputs are written.
"""

from pathlib import Path

from _job import read_subset, remove_checkpoint, start

from gantk.workflow.config import run_lambdas, synth_kwargs
from gantk.common.io import load_json
from gantk.metrics import am_ssim
from gantk.loop.stopping import heldout_step
from gantk.synthesis.ga_ntk import SynthConfig, synthesize

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
images = snakemake.params.dataset["type"] == "images"
if cfg.stop.rule == "heldout_am_ssim":
    level = load_json(snakemake.input.reference)["am_ssim"]
    if level is None:
        raise ValueError(f"stop rule heldout_am_ssim needs held-out images, but {snakemake.input.reference} has none")
    along = [am_ssim(snap, x) for snap in result.snapshots]
    step = heldout_step(result.snapshot_steps, along, level)
    result.select_snapshot(step, heldout_am_ssim=level, snapshot_am_ssim=dict(zip(result.snapshot_steps.tolist(), along)))
result.stop["am_ssim"] = am_ssim(result.z, x) if images else None
log.info(
    "stop rule %s: samples are Z at step %d of %d (loss %.6g%s)",
    cfg.stop.rule, result.stop["selected_step"], result.stop["steps_run"], result.stop["loss"],
    f", AM-SSIM {result.stop['am_ssim']:.3f}" if images else "",
)
result.save(Path(snakemake.output.samples).parent)
remove_checkpoint(checkpoint)
