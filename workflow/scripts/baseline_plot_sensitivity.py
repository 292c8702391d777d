"""Fig 9: distribution of the Wasserstein distance over each method's grid, per mixture."""

import pandas as pd
from _job import read_subset, start

from gantk.plots.baselines import sensitivity_figure
from gantk.common.io import save_figure
from gantk.metrics.toy import wasserstein_distance

log = start(snakemake)
sens = snakemake.params.sensitivity
frame = pd.concat([pd.read_csv(path) for path in snakemake.input.results], ignore_index=True)
floors = {}
for name, data, heldout in zip(sens["datasets"], snakemake.input.data, snakemake.input.heldout):
    floors[name] = wasserstein_distance(read_subset(data), read_subset(heldout))
log.info("real-vs-real W: %s", floors)
figure = sensitivity_figure(
    frame,
    floors=floors,
    methods=sens["methods"],
    title=f"Sensitivity: W over each grid search, {sens['budget_s']:g} s per method, {sens['steps']} steps per setting (n = {sens['n']})",
)
save_figure(snakemake.output[0], figure, dpi=150)
