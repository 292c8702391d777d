"""A grid of sample panels: one row per subset, training data then one column per method
(Figs 1, 2, 6, 8, 12-16)."""

from _job import read_subset, start

from gantk.common.io import load_npz, save_figure
from gantk.plots.grids import samples_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
rows, methods = fig_cfg["rows"], fig_cfg["methods"]
samples = [load_npz(p)["z"] for p in snakemake.input.samples]
data = [read_subset(p) for p in snakemake.input.data[:: len(methods)]]
panels = [[data[i], *samples[i * len(methods) : (i + 1) * len(methods)]] for i in range(len(rows))]
labels = [f"{r['dataset']}, n = {r['n']}, seed {r['seed']}" for r in rows]
columns = ["training data", *(f"({chr(ord('a') + j)}) {m}" for j, m in enumerate(methods))]
figure = samples_figure(panels, labels, columns, grid=fig_cfg["grid"], title=snakemake.params.title)
save_figure(snakemake.output[0], figure, dpi=150)
