# Algorithm 1: λ for each (dataset, kernel, n, seed), with its search trace.


rule lambda_search:
    input:
        data=DATA,
    output:
        LAMBDA,
    log:
        "logs/lambda/{dataset}/{kernel}/n{n}_s{seed}.log",
    benchmark:
        "logs/benchmarks/lambda/{dataset}/{kernel}/n{n}_s{seed}.tsv"
    priority: UPSTREAM_PRIORITY
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
        "../scripts/lambda_search.py"
