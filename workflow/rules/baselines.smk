# GAN baselines (gantk.baselines): training runs beside the GA-NTK runs, Table 9 (speed),
# Fig 9 (hyper-parameter sensitivity on the mixtures) and Figs 4/10 with every method.
# Paths: gantk.workflow.paths; input functions: gantk.workflow.baseline_inputs.


rule train_gan:
    input:
        data=DATA,
    output:
        samples=f"{RUN}/samples.npz",
        curve=f"{RUN}/curve.csv",
        snapshots=f"{RUN}/snapshots.npz",
        params=f"{RUN}/params.json",
    log:
        "logs/baselines/{dataset}/n{n}_s{seed}/{method}.log",
    benchmark:
        "logs/benchmarks/baselines/{dataset}/n{n}_s{seed}/{method}.tsv"
    wildcard_constraints:
        method=gan_methods(),
    conda:
        ENV
    threads: res("train_gan", "threads")
    resources:
        mem_mb=res("train_gan", "mem_mb"),
        runtime=res("train_gan", "runtime"),
        gpu=res("train_gan", "gpu"),
    params:
        settings=gan_run_settings,
        checkpoint_dir=lambda wildcards: CHECKPOINT.format(**wildcards),
        grid_dir=lambda wildcards: f"{RUN}/grids".format(**wildcards),
    script:
        "../scripts/baseline_train.py"


rule table9:
    input:
        unpack(table9_inputs),
    output:
        csv=report(f"{TABLE9}.csv", caption="../report/table9.rst", category="Tables"),
        md=f"{TABLE9}.md",
    log:
        "logs/tables/table9.log",
    localrule: True
    conda:
        ENV
    params:
        table9=lambda wildcards: baseline_section("table9"),
        runs=lambda wildcards: [r._asdict() for r in table9_runs()],
    script:
        "../scripts/baseline_table9.py"


rule sensitivity_grid:
    input:
        data=DATA,
        heldout=HELDOUT,
    output:
        SENSITIVITY,
    log:
        "logs/sensitivity/{dataset}/n{n}_s{seed}/{tuned}.log",
    benchmark:
        "logs/benchmarks/sensitivity/{dataset}/n{n}_s{seed}/{tuned}.tsv"
    wildcard_constraints:
        tuned="[a-z][a-z0-9_]*",
    conda:
        ENV
    threads: res("sensitivity_grid", "threads")
    resources:
        mem_mb=res("sensitivity_grid", "mem_mb"),
        runtime=res("sensitivity_grid", "runtime"),
        gpu=res("sensitivity_grid", "gpu"),
    params:
        sensitivity=lambda wildcards: baseline_section("sensitivity"),
        dataset=dataset_settings,
    script:
        "../scripts/baseline_sensitivity.py"


rule fig9:
    input:
        unpack(sensitivity_inputs),
    output:
        report(
            BASELINE_FIGURES["fig9"], caption="../report/fig9.rst", category="Figures"
        ),
    log:
        "logs/figures/fig9.log",
    localrule: True
    conda:
        ENV
    params:
        sensitivity=lambda wildcards: baseline_section("sensitivity"),
    script:
        "../scripts/baseline_plot_sensitivity.py"


rule fig4_methods:
    input:
        unpack(toy_methods_inputs("fig4_methods")),
    output:
        report(
            BASELINE_FIGURES["fig4_methods"],
            caption="../report/fig4_methods.rst",
            category="Figures",
        ),
    log:
        "logs/figures/fig4_methods.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: baseline_section("toy_figures")["fig4_methods"],
        datasets=lambda wildcards: config["datasets"],
    script:
        "../scripts/baseline_plot_toy_methods.py"


rule fig10_methods:
    input:
        unpack(toy_methods_inputs("fig10_methods")),
    output:
        report(
            BASELINE_FIGURES["fig10_methods"],
            caption="../report/fig10_methods.rst",
            category="Figures",
        ),
    log:
        "logs/figures/fig10_methods.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: baseline_section("toy_figures")["fig10_methods"],
        datasets=lambda wildcards: config["datasets"],
    script:
        "../scripts/baseline_plot_toy_methods.py"


rule baselines:
    input:
        baseline_targets(),
