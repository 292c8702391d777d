"""Generated images above their nearest training images by SSIM, one row pair per subset × method
(Figs 17-19), drawn from the saved search (rule nearest)."""

from _job import start

from gantk.common.io import load_npz, save_figure
from gantk.plots.neighbours import nearest_neighbours_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
methods = fig_cfg["methods"]
rows = []
for i, path in enumerate(snakemake.input.nearest):
    subset, method = fig_cfg["rows"][i // len(methods)], methods[i % len(methods)]
    found = load_npz(path)
    label = f"{method}\n{subset['dataset']}, n = {subset['n']}"
    rows.append((label, found["generated"], found["nearest"], found["ssim"]))
save_figure(snakemake.output[0], nearest_neighbours_figure(rows, title=snakemake.params.title), dpi=150)
