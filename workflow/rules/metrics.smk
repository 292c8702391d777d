# Metrics of each run (AM-SSIM for images; Wasserstein distance and modes covered for
# toy data), at the end and along the run from its snapshots, and the same metrics of
# held-out real data as the reference they are read against.


rule run_metrics:
    input:
        unpack(run_stop_file),
        data=DATA,
        heldout=HELDOUT,
        samples=f"{RUN}/samples.npz",
        snapshots=f"{RUN}/snapshots.npz",
        curve=f"{RUN}/curve.csv",
        params=f"{RUN}/params.json",
    output:
        metrics=METRICS,
        along_run=ALONG_RUN,
    log:
        "logs/metrics/{dataset}/n{n}_s{seed}/{method}.log",
    benchmark:
        "logs/benchmarks/metrics/{dataset}/n{n}_s{seed}/{method}.tsv"
    conda:
        ENV
    threads: res("run_metrics", "threads")
    resources:
        mem_mb=res("run_metrics", "mem_mb"),
        runtime=res("run_metrics", "runtime"),
    params:
        dataset=dataset_settings,
    script:
        "../scripts/run_metrics.py"


rule reference_metrics:
    input:
        data=DATA,
        heldout=HELDOUT,
    output:
        REFERENCE,
    log:
        "logs/metrics/{dataset}/n{n}_s{seed}/reference.log",
    conda:
        ENV
    threads: res("reference_metrics", "threads")
    resources:
        mem_mb=res("reference_metrics", "mem_mb"),
        runtime=res("reference_metrics", "runtime"),
    params:
        dataset=dataset_settings,
    script:
        "../scripts/reference_metrics.py"
