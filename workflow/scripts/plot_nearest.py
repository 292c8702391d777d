"""Generated images above their nearest training images by SSIM, one row pair per subset × method (Figs 17–19)."""

from _job import read_subset, start

from gantk.common.io import load_npz, save_figure
from gantk.metrics import nearest_by_ssim
from gantk.plots.figures import nearest_neighbours_figure

log = start(snakemake)
fig_cfg = snakemake.params.figure
methods, k = fig_cfg["methods"], fig_cfg["images"]
rows = []
for i, (samples_path, data_path) in enumerate(zip(snakemake.input.samples, snakemake.input.data)):
    subset, method = fig_cfg["rows"][i // len(methods)], methods[i % len(methods)]
    generated, training = load_npz(samples_path)["z"][:k], read_subset(data_path)
    nearest = nearest_by_ssim(generated, training)
    log.info("%s %s: SSIM to nearest %s", subset["dataset"], method, nearest.values.round(3).tolist())
    label = f"{method}\n{subset['dataset']}, n = {subset['n']}"
    rows.append((label, generated, training[nearest.indices], nearest.values))
save_figure(snakemake.output[0], nearest_neighbours_figure(rows, title=snakemake.params.title), dpi=150)
