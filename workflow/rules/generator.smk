# GA-CNTKg (paper Eq. 6): autoencoder -> lambda search in code space -> generator -> samples,
# and the figures of the generator variant (Fig 11 learning curve, Fig 20 2-D latent grid).
# Methods with `kind: ga_ntkg` run here; their samples, curve and snapshots have the layout
# of a GA-NTK run, so the metrics and table rules read them unchanged. Path templates:
# gantk.workflow.paths; input functions: gantk.workflow.generator_inputs.


rule autoencoder:
    input:
        unpack(autoencoder_training_data),
    output:
        info=f"{AE_DIR}/ae.json",
        weights=f"{AE_DIR}/weights.npz",
    log:
        "logs/ae/{dataset}/{ae_scope}.log",
    benchmark:
        "logs/benchmarks/ae/{dataset}/{ae_scope}.tsv"
    wildcard_constraints:
        ae_scope="split|n[1-9][0-9]*_s(?:0|[1-9][0-9]*)",
    conda:
        ENV
    threads: res("autoencoder", "threads")
    resources:
        mem_mb=res("autoencoder", "mem_mb"),
        runtime=res("autoencoder", "runtime"),
        gpu=res("autoencoder", "gpu"),
    params:
        settings=lambda wildcards: autoencoder_settings(wildcards.dataset),
        dataset=autoencoder_dataset,
    script:
        "../scripts/autoencoder.py"


rule lambda_search_code:
    input:
        unpack(run_autoencoder),
        data=DATA,
    output:
        LAMBDA_CODE,
    log:
        "logs/lambda/{dataset}/code_{kernel}/n{n}_s{seed}.log",
    conda:
        ENV
    threads: res("lambda_search", "threads")
    resources:
        mem_mb=res("lambda_search", "mem_mb"),
        runtime=res("lambda_search", "runtime"),
        gpu=res("lambda_search", "gpu"),
    params:
        search=config["lambda_search"],
    script:
        "../scripts/lambda_code.py"


rule ga_cntkg:
    input:
        unpack(run_autoencoder),
        data=DATA,
        lam=code_lambda_input,
    output:
        samples=f"{RUN}/samples.npz",
        final=f"{RUN}/final.npz",
        stop=f"{RUN}/stop.json",
        curve=f"{RUN}/curve.csv",
        snapshots=f"{RUN}/snapshots.npz",
        params=f"{RUN}/params.json",
        generator=f"{RUN}/generator.npz",
    log:
        "logs/synth/{dataset}/n{n}_s{seed}/{method}.log",
    benchmark:
        "logs/benchmarks/synth/{dataset}/n{n}_s{seed}/{method}.tsv"
    wildcard_constraints:
        method=ga_ntkg_methods(),
    conda:
        ENV
    threads: res("ga_cntkg", "threads")
    resources:
        mem_mb=res("ga_cntkg", "mem_mb"),
        runtime=res("ga_cntkg", "runtime"),
        gpu=res("ga_cntkg", "gpu"),
    params:
        settings=synth_settings,
        checkpoint_dir=lambda wildcards: CHECKPOINT.format(**wildcards),
    script:
        "../scripts/generator.py"


rule latent_grid:
    input:
        unpack(run_generator_files),
    output:
        LATENT_GRID,
    log:
        "logs/figures/latent_grid/{dataset}/n{n}_s{seed}/{method}.log",
    wildcard_constraints:
        method=ga_ntkg_methods(),
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig20"),
    script:
        "../scripts/fig20_latent_grid.py"


rule fig11:
    input:
        unpack(
            figure_inputs(
                "fig11",
                "curve.csv",
                "snapshots.npz",
                "stop.json",
                along=True,
                reference=True,
            )
        ),
    output:
        report(
            FIGURES["fig11"],
            caption="../report/fig11.rst",
            category="Figures",
            labels={"figure": "Fig 11", "shows": "GA-CNTKg learning curve"},
        ),
    log:
        "logs/figures/fig11.log",
    localrule: True
    conda:
        ENV
    params:
        figure=lambda wildcards: figure_config("fig11"),
        runs=lambda wildcards: [r._asdict() for r in figure_runs(config, "fig11")],
        title="The learning curve of G in GA-CNTKg and decoder(G(ζ)) for a fixed ζ",
        labels={
            "loss_label": "GA-CNTKg loss",
            "samples_label": "decoder(G(ζ)), fixed ζ",
        },
    script:
        "../scripts/plot_learning_curve.py"


rule fig20:
    input:
        grid=lambda wildcards: (
            [LATENT_GRID.format(**r._asdict()) for r in figure_runs(config, "fig20")]
            if figure_config("fig20")
            else []
        ),
    output:
        report(
            FIGURES["fig20"],
            caption="../report/fig20.rst",
            category="Figures",
            labels={"figure": "Fig 20", "shows": "GA-CNTKg 2-D latent grid"},
        ),
    log:
        "logs/figures/fig20.log",
    localrule: True
    conda:
        ENV
    params:
        runs=lambda wildcards: [r._asdict() for r in figure_runs(config, "fig20")],
    script:
        "../scripts/fig20_plot.py"
