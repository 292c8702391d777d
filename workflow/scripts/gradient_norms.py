"""Fig 5's experiment on one data subset: gradient norms of a fake image, finite discriminator vs NTK-GP."""

import dataclasses

from _job import read_subset, start

from gantk.experiments.gradient_vanishing import GradientNormConfig, gradient_norms
from gantk.common.io import save_csv, save_json, save_npz

log = start(snakemake)
fig = snakemake.params.figure
fields = {f.name for f in dataclasses.fields(GradientNormConfig)}
settings = {k: v for k, v in fig.items() if k in fields}
cfg = GradientNormConfig(**{"kernel": snakemake.params.kernel, **settings, "seed": int(snakemake.wildcards.seed)})
result = gradient_norms(read_subset(snakemake.input.data), cfg)
log.info("finite discriminator: %s", {k: v for k, v in result.info.items() if k.startswith("disc_final")})
save_csv(snakemake.output.curve, result.curve)
save_csv(snakemake.output.disc_curve, result.disc_curve)
save_json(snakemake.output.info, result.info)
save_npz(snakemake.output.images, start=result.start, fakes=result.fakes)
