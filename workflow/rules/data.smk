# Downloads of the openly available data sets, and the data subset of each
# (dataset, n, seed) with its held-out reference.


rule download:
    output:
        "data/{source}/{file}",
    log:
        "logs/download/{source}/{file}.log",
    wildcard_constraints:
        source=alternatives(DOWNLOADS),
        file=alternatives(f.name for files, _ in DOWNLOADS.values() for f in files),
    # Compute nodes of a cluster often have no internet access; the submitting host has.
    localrule: True
    conda:
        ENV
    params:
        published=published_file,
        urls=download_urls,
    script:
        "../scripts/download.py"


rule subsample:
    input:
        dataset_files,
    output:
        data=DATA,
        heldout=HELDOUT,
    log:
        "logs/data/{dataset}/n{n}_s{seed}.log",
    priority: UPSTREAM_PRIORITY
    conda:
        ENV
    threads: res("subsample", "threads")
    resources:
        mem_mb=res("subsample", "mem_mb"),
        runtime=res("subsample", "runtime"),
    params:
        dataset=dataset_settings,
        reference_seed=reference_seed,
    script:
        "../scripts/subsample.py"
