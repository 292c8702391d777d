# The quality–memorisation frontier (gantk.experiments.frontier): FID at snapshots along each GA-NTK run
# that `figures.frontier` shows, beside the AM-SSIM of the same snapshots, against FID of as
# many held-out real images; the figure draws FID against AM-SSIM, one curve per setting.
# Scores use the extractor and split statistics of `metrics.fid` (rules/fid.smk) and
# `metrics.fid.samples` images per score, pooled over the run's Z sets.
# Templates: gantk.workflow.paths; input functions: gantk.workflow.frontier_inputs.


rule fid_along_run:
    input:
        snapshots=zset_files("snapshots.npz"),
        samples=zset_files("samples.npz"),
        along=ALONG_RUN,
        metrics=METRICS,
        split=FID_SPLIT_STATS,
        extractor=FID_EXTRACTOR,
    output:
        FID_ALONG_RUN,
    log:
        "logs/fid/{dataset}/n{n}_s{seed}/{method}_along_run.log",
    benchmark:
        "logs/benchmarks/fid/{dataset}/n{n}_s{seed}/{method}_along_run.tsv"
    wildcard_constraints:
        method=ga_ntk_methods(),
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
        along=lambda wildcards: config["metrics"]["fid_along_run"],
    script:
        "../scripts/frontier_fid_along_run.py"


rule fid_heldout:
    input:
        data=DATA,
        files=dataset_files,
        split=FID_SPLIT_STATS,
        extractor=FID_EXTRACTOR,
    output:
        FID_HELDOUT,
    log:
        "logs/fid/{dataset}/n{n}_s{seed}/heldout.log",
    benchmark:
        "logs/benchmarks/fid/{dataset}/n{n}_s{seed}/heldout.tsv"
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
        along=lambda wildcards: config["metrics"]["fid_along_run"],
        dataset=dataset_settings,
        reference_seed=reference_seed,
    script:
        "../scripts/frontier_fid_heldout.py"


rule frontier_data:
    input:
        unpack(frontier_inputs),
    output:
        table=FRONTIER_TABLE,
        references=FRONTIER_REFERENCES,
    log:
        "logs/frontier/data.log",
    localrule: True
    conda:
        ENV
    params:
        runs=lambda wildcards: [r._asdict() for r in frontier_runs()],
        rows=lambda wildcards: frontier_rows(),
        settings=lambda wildcards: [run_settings(config, r) for r in frontier_runs()],
    script:
        "../scripts/frontier_data.py"


rule frontier:
    input:
        table=FRONTIER_TABLE,
        references=FRONTIER_REFERENCES,
    output:
        report(
            FIGURES["frontier"],
            caption="../report/frontier.rst",
            category="Figures",
            labels={"figure": "Frontier", "shows": "FID against AM-SSIM along runs"},
        ),
    log:
        "logs/figures/frontier.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/frontier_plot.py"
