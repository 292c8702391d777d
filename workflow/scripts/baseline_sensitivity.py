"""Fig 9 data: one method's grid search on one mixture: §4.2's steps per point, one time budget for all."""

from _job import read_subset, start

from gantk.common.io import save_csv
from gantk.experiments.toy_sensitivity import sensitivity

log = start(snakemake)
sens, dataset = snakemake.params.sensitivity, snakemake.params.dataset
wc = snakemake.wildcards
if dataset["type"] != "toy":
    raise ValueError(f"config key 'baselines.sensitivity.datasets': {wc.dataset!r} is not a 2-D mixture")
grids = sens["grids"]
if wc.tuned not in grids:
    raise ValueError(f"config key 'baselines.sensitivity.grids' has no grid for {wc.tuned!r}; it has {sorted(grids)}")
frame = sensitivity(
    read_subset(snakemake.input.data),
    read_subset(snakemake.input.heldout),
    mixture=dataset["source"],
    method=wc.tuned,
    grid=grids[wc.tuned],
    budget_s=float(sens["budget_s"]),
    steps=int(sens["steps"]),
    seed=int(wc.seed),
    gan_options=sens.get("gan", {}),
)
frame.insert(0, "dataset", wc.dataset)
save_csv(snakemake.output[0], frame)
