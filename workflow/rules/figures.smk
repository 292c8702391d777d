# One rule per figure, named for it (`snakemake fig4`). Plotting only: every number
# drawn comes from files made upstream, so a figure is redrawn without recomputing.


rule fig1:
    input:
        unpack(figure_inputs("fig1", "samples.npz", data=True)),
    output:
        report(
            FIGURES["fig1"],
            caption="../report/fig1.rst",
            category="Figures",
            labels={"figure": "Fig 1", "shows": "samples per method"},
        ),
    log:
        "logs/figures/fig1.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig1"),
        title="Samples of each method, from 256 training images in the paper",
    script:
        "../scripts/plot_samples.py"


rule fig6:
    input:
        unpack(figure_inputs("fig6", "samples.npz", data=True)),
    output:
        report(
            FIGURES["fig6"],
            caption="../report/fig6.rst",
            category="Figures",
            labels={"figure": "Fig 6", "shows": "samples per kernel"},
        ),
    log:
        "logs/figures/fig6.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig6"),
        title="GA-FNTK vs GA-CNTK vs multi-resolution GA-CNTK",
    script:
        "../scripts/plot_samples.py"


rule fig3:
    input:
        unpack(
            figure_inputs(
                "fig3",
                "curve.csv",
                "snapshots.npz",
                "stop.json",
                along=True,
                reference=True,
            )
        ),
    output:
        report(
            FIGURES["fig3"],
            caption="../report/fig3.rst",
            category="Figures",
            labels={"figure": "Fig 3", "shows": "learning curve"},
        ),
    log:
        "logs/figures/fig3.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig3"),
        runs=lambda wildcards: [r._asdict() for r in figure_runs(config, "fig3")],
        title="The learning curve and image quality at different stages of training",
    script:
        "../scripts/plot_learning_curve.py"


rule fig4:
    input:
        unpack(toy_figure_inputs("fig4")),
    output:
        report(
            FIGURES["fig4"],
            caption="../report/fig4.rst",
            category="Figures",
            labels={"figure": "Fig 4", "shows": "25-mode mixture"},
        ),
    log:
        "logs/figures/fig4.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig4"),
        dataset=lambda wildcards: config["datasets"][figure_config("fig4")["dataset"]],
        methods=lambda wildcards: [r.method for r in toy_methods_shown("fig4")],
    script:
        "../scripts/plot_toy.py"


rule fig10:
    input:
        unpack(toy_figure_inputs("fig10")),
    output:
        report(
            FIGURES["fig10"],
            caption="../report/fig10.rst",
            category="Figures",
            labels={"figure": "Fig 10", "shows": "8-mode mixture"},
        ),
    log:
        "logs/figures/fig10.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig10"),
        dataset=lambda wildcards: config["datasets"][figure_config("fig10")["dataset"]],
        methods=lambda wildcards: [r.method for r in toy_methods_shown("fig10")],
    script:
        "../scripts/plot_toy.py"


rule fig7:
    input:
        unpack(figure_inputs("fig7", "samples.npz", data=True)),
    output:
        report(
            FIGURES["fig7"],
            caption="../report/fig7.rst",
            category="Figures",
            labels={"figure": "Fig 7", "shows": "b = 1 mean image"},
        ),
    log:
        "logs/figures/fig7.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig7"),
    script:
        "../scripts/plot_mean_image.py"


# Figs 17-19 (the paper's WGAN-GP, GA-CNTK and GA-CNTKg pages): generated images above their
# nearest training images by SSIM (searched by rule nearest); one rule each (`snakemake fig17`).
for nearest_fig in ("fig17", "fig18", "fig19"):

    rule:
        name:
            nearest_fig
        input:
            unpack(nearest_inputs(nearest_fig)),
        output:
            report(
                FIGURES[nearest_fig],
                caption="../report/nearest.rst",
                category="Figures",
                labels={
                    "figure": f"Fig {nearest_fig[3:]}",
                    "shows": "nearest training images by SSIM",
                },
            ),
        log:
            f"logs/figures/{nearest_fig}.log",
        localrule: True
        conda:
            ENV
        params:
            figure=lambda wildcards, name=nearest_fig: figure_config(name),
            title="Generated images and their nearest training images by SSIM",
        script:
            "../scripts/plot_nearest.py"


# Fig 5: one fake image's gradient norm against a finite-width discriminator trained by
# gradient descent and against the NTK-GP (gantk.experiments.gradient_vanishing); compute, then plot.
rule gradient_norms:
    input:
        data=DATA,
    output:
        curve=f"{GRADIENT_NORMS}/curve.csv",
        disc_curve=f"{GRADIENT_NORMS}/disc_curve.csv",
        info=f"{GRADIENT_NORMS}/info.json",
        images=f"{GRADIENT_NORMS}/images.npz",
    log:
        "logs/gradient_norms/{dataset}/n{n}_s{seed}.log",
    benchmark:
        "logs/benchmarks/gradient_norms/{dataset}/n{n}_s{seed}.tsv"
    conda:
        ENV
    threads: res("gradient_norms", "threads")
    resources:
        mem_mb=res("gradient_norms", "mem_mb"),
        runtime=res("gradient_norms", "runtime"),
        gpu=res("gradient_norms", "gpu"),
    params:
        figure=lambda wildcards: figure_config("fig5"),
        kernel=lambda wildcards: config["datasets"][wildcards.dataset]["kernel"],
    script:
        "../scripts/gradient_norms.py"


rule fig5:
    input:
        curve=lambda wildcards: f"{gradient_norms_dir()}/curve.csv",
        disc_curve=lambda wildcards: f"{gradient_norms_dir()}/disc_curve.csv",
        info=lambda wildcards: f"{gradient_norms_dir()}/info.json",
        images=lambda wildcards: f"{gradient_norms_dir()}/images.npz",
    output:
        report(
            FIGURES["fig5"],
            caption="../report/fig5.rst",
            category="Figures",
            labels={"figure": "Fig 5", "shows": "gradient norm of a fake image"},
        ),
    log:
        "logs/figures/fig5.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/plot_gradient_norms.py"
