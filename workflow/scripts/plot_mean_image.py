"""Fig 7: batch-wise samples with one real and one fake row per step collapse to the mean image."""

from _job import read_subset, start

from gantk.common.io import load_npz, save_figure
from gantk.plots.neighbours import mean_image_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
labels = [f"{fig_cfg['method']} (b = 1)"]
if fig_cfg.get("compare"):
    labels.append(f"{fig_cfg['compare']}")
rows = {label: load_npz(path)["z"] for label, path in zip(labels, snakemake.input.samples)}
figure = mean_image_figure(
    read_subset(snakemake.input.data[0]),
    rows,
    images=fig_cfg["images"],
    title=f"{fig_cfg['dataset']}, n = {fig_cfg['n']}: RMS pixel distance to the training mean above each image",
)
save_figure(snakemake.output[0], figure, dpi=150)
