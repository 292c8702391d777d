# FID (paper §8.2): Inception-v3 pool features of `metrics.fid.samples` generated images
# per run, scored against two real references: the data set's selection ("split", e.g.
# the MNIST training split or the CIFAR-10 horse class) and the run's n training images
# ("subset"). A GA-NTK run makes n images, so its score pools ⌈samples / n⌉ independent
# Z sets, one synthesis job each (gantk.metrics.fid_sets); runs of generator methods
# score their own samples. Nothing here runs unless the config sets `metrics.fid`.
# Templates: gantk.workflow.paths; input functions: gantk.workflow.fid.


rule fid_extractor:
    output:
        FID_EXTRACTOR,
    log:
        "logs/fid/extractor.log",
    priority: FID_PRIORITY
    conda:
        ENV
    threads: res("fid", "threads")
    resources:
        mem_mb=res("fid", "mem_mb"),
        runtime=res("fid", "runtime"),
        gpu=res("fid", "gpu"),
    params:
        fid=fid_settings,
    script:
        "../scripts/fid_extractor.py"


rule fid_split_stats:
    input:
        files=dataset_files,
        extractor=FID_EXTRACTOR,
    output:
        FID_SPLIT_STATS,
    log:
        "logs/fid/{dataset}/split_stats.log",
    benchmark:
        "logs/benchmarks/fid/{dataset}/split_stats.tsv"
    priority: FID_PRIORITY
    conda:
        ENV
    threads: res("fid", "threads")
    resources:
        mem_mb=res("fid", "mem_mb"),
        runtime=res("fid", "runtime"),
        gpu=res("fid", "gpu"),
    params:
        fid=fid_settings,
        dataset=dataset_settings,
    script:
        "../scripts/fid_stats.py"


rule fid_subset_stats:
    input:
        data=DATA,
        extractor=FID_EXTRACTOR,
    output:
        FID_SUBSET_STATS,
    log:
        "logs/fid/{dataset}/n{n}_s{seed}/subset_stats.log",
    priority: FID_PRIORITY
    conda:
        ENV
    threads: res("fid", "threads")
    resources:
        mem_mb=res("fid", "mem_mb"),
        runtime=res("fid", "runtime"),
        gpu=res("fid", "gpu"),
    params:
        fid=fid_settings,
        dataset=dataset_settings,
    script:
        "../scripts/fid_stats.py"


rule synthesize_zset:
    input:
        unpack(stop_inputs),
        data=DATA,
        lambdas=lambda_inputs,
    output:
        samples=f"{ZSET_RUN}/samples.npz",
        final=f"{ZSET_RUN}/final.npz",
        stop=f"{ZSET_RUN}/stop.json",
        curve=f"{ZSET_RUN}/curve.csv",
        snapshots=f"{ZSET_RUN}/snapshots.npz",
        params=f"{ZSET_RUN}/params.json",
    log:
        "logs/synth/{dataset}/n{n}_s{seed}/{method}/z{zset}.log",
    benchmark:
        "logs/benchmarks/synth/{dataset}/n{n}_s{seed}/{method}/z{zset}.tsv"
    wildcard_constraints:
        method=ga_ntk_methods(),
        zset="[1-9][0-9]*",
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
        seed=lambda wildcards: zset_seed(int(wildcards.seed), int(wildcards.zset)),
        checkpoint_dir=lambda wildcards: f"{CHECKPOINT}/z{{zset}}".format(**wildcards),
    script:
        "../scripts/synthesize.py"


rule fid:
    input:
        samples=fid_sample_files,
        split=FID_SPLIT_STATS,
        subset=FID_SUBSET_STATS,
        extractor=FID_EXTRACTOR,
    output:
        FID,
    log:
        "logs/fid/{dataset}/n{n}_s{seed}/{method}.log",
    benchmark:
        "logs/benchmarks/fid/{dataset}/n{n}_s{seed}/{method}.tsv"
    conda:
        ENV
    threads: res("fid", "threads")
    resources:
        mem_mb=res("fid", "mem_mb"),
        runtime=res("fid", "runtime"),
        gpu=res("fid", "gpu"),
    params:
        fid=fid_settings,
    script:
        "../scripts/run_fid.py"
