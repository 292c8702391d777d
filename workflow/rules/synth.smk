# GA-NTK runs: optimise Z against the NTK-GP discriminator (full-batch, batch-wise or
# multi-resolution, as the method's settings say). A killed job resumes from its
# checkpoint (under results/checkpoints/, not an output, removed once the run is saved).


rule synthesize:
    input:
        unpack(stop_inputs),
        data=DATA,
        lambdas=lambda_inputs,
    output:
        samples=f"{RUN}/samples.npz",
        final=f"{RUN}/final.npz",
        stop=f"{RUN}/stop.json",
        curve=f"{RUN}/curve.csv",
        snapshots=f"{RUN}/snapshots.npz",
        params=f"{RUN}/params.json",
    log:
        "logs/synth/{dataset}/n{n}_s{seed}/{method}.log",
    benchmark:
        "logs/benchmarks/synth/{dataset}/n{n}_s{seed}/{method}.tsv"
    wildcard_constraints:
        method=ga_ntk_methods(),
    conda:
        ENV
    threads: res("synthesize", "threads")
    resources:
        mem_mb=res("synthesize", "mem_mb"),
        runtime=res("synthesize", "runtime"),
        gpu=res("synthesize", "gpu"),
    params:
        settings=synth_settings,
        dataset=dataset_settings,
        seed=lambda wildcards: int(wildcards.seed),
        checkpoint_dir=lambda wildcards: CHECKPOINT.format(**wildcards),
    script:
        "../scripts/synthesize.py"
