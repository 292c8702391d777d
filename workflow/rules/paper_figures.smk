# The paper's figures the first rules did not draw (issue 14), and the computation behind
# Figs 17-19. Plotting only in the figure rules: they read saved arrays, so a figure is
# redrawn without recomputing. Paths and input functions: gantk.workflow.paths, gantk.workflow.figure_inputs.
#
#   Fig 2   multi-resolution GA-CNTK (a) and GA-CNTKg (b) on CelebA-HQ, n = 256
#   Fig 8   batch-wise GA-CNTK on (a) CelebA n = 2048, (b) ImageNet "daisy" n = 1300
#   Fig 12-14  GA-CNTK (a) without and (b) with a generator: MNIST, CIFAR-10, CelebA
#   Fig 15  multi-resolution GA-CNTK on CelebA-HQ;  Fig 16  GA-CNTKg on CelebA-HQ
rule nearest:
    input:
        samples=f"{RUN}/samples.npz",
        data=DATA,
    output:
        NEAREST,
    log:
        "logs/nearest/{dataset}/n{n}_s{seed}/{method}_k{k}.log",
    wildcard_constraints:
        k="[1-9][0-9]*",
    conda:
        ENV
    threads: res("run_metrics", "threads")
    resources:
        mem_mb=res("run_metrics", "mem_mb"),
        runtime=res("run_metrics", "runtime"),
    script:
        "../scripts/nearest.py"


for sample_fig in SAMPLE_FIGURES:

    rule:
        name:
            sample_fig
        input:
            unpack(figure_inputs(sample_fig, "samples.npz", data=True)),
        output:
            report(
                FIGURES[sample_fig],
                caption=f"../report/{sample_fig}.rst",
                category="Figures",
                labels={"figure": f"Fig {sample_fig[3:]}", "shows": "samples"},
            ),
        log:
            f"logs/figures/{sample_fig}.log",
        localrule: True
        conda:
            ENV
        params:
            figure=lambda wildcards, name=sample_fig: figure_config(name),
            title=SAMPLE_TITLES[sample_fig],
        script:
            "../scripts/plot_samples.py"
