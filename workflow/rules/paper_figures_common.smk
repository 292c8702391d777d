# Path templates and input functions of the paper's figures in rules/paper_figures.smk (and
# of Figs 4, 10, 17-19 in rules/figures.smk); no rules live here. Needs rules/common.smk and
# rules/baselines_common.smk first. Which runs a figure shows: gantk.workflow.figures.
from gantk.workflow.figures import SAMPLE_FIGURES, nearest_files

# The first k samples of a run and their nearest training images by SSIM (paper §11).
NEAREST = "results/nearest/{dataset}/n{n}_s{seed}/{method}_k{k}.npz"

FIGURES.update(
    {
        "fig2": "results/figures/fig2_multires_celeba_hq.png",
        "fig8": "results/figures/fig8_batchwise.png",
        "fig12": "results/figures/fig12_generator_mnist.png",
        "fig13": "results/figures/fig13_generator_cifar10.png",
        "fig14": "results/figures/fig14_generator_celeba.png",
        "fig15": "results/figures/fig15_multires_samples.png",
        "fig16": "results/figures/fig16_generator_celeba_hq.png",
    }
)

#: Each sample figure's title (the paper's caption, shortened).
SAMPLE_TITLES = {
    "fig2": "GA-CNTK (a) without and (b) with a generator",
    "fig8": "Batch-wise GA-CNTK (Eq. 5)",
    "fig12": "GA-CNTK (a) without and (b) with a generator",
    "fig13": "GA-CNTK (a) without and (b) with a generator",
    "fig14": "GA-CNTK (a) without and (b) with a generator",
    "fig15": "Multi-resolution GA-CNTK",
    "fig16": "GA-CNTKg",
}


def nearest_inputs(name):
    """Input function of Figs 17-19: the saved nearest-neighbour search of each shown run."""

    def inputs(wildcards):
        fig = figure_config(name)
        return {
            "nearest": nearest_files(figure_runs(config, name), fig["images"], NEAREST)
        }

    return inputs


def toy_methods_shown(name):
    """The methods of `baselines.toy_figures.{name}_methods` that Fig 4 / Fig 10 shows beside
    the truth (the paper's panels): [] when not configured, not made, or on another mixture.
    """
    methods = f"{name}_methods"
    shown = ((config.get("baselines") or {}).get("toy_figures") or {}).get(methods)
    fig = config["figures"].get(name) or {}
    if (
        not shown
        or methods in BASELINE_LEFT_OUT
        or shown["dataset"] != fig.get("dataset")
    ):
        return []
    return toy_figure_runs(config, methods)


def toy_figure_inputs(name):
    """Input function of Fig 4 / Fig 10: the GA-NTK run along its steps, and the final samples
    and scores of every method of `baselines.toy_figures.{name}_methods`."""
    along_run = figure_inputs(
        name, "snapshots.npz", data=True, along=True, metrics=True
    )

    def inputs(wildcards):
        runs = toy_methods_shown(name)
        return {
            **along_run(wildcards),
            "method_samples": [run_files(r, "samples.npz") for r in runs],
            "method_metrics": [METRICS.format(**r._asdict()) for r in runs],
        }

    return inputs
