# The metrics table: one row per run plus the held-out reference of each subset.


rule metrics_table:
    input:
        unpack(table_inputs),
    output:
        csv=report(
            f"{TABLE}.csv",
            caption="../report/metrics_table.rst",
            category="Tables",
        ),
        md=f"{TABLE}.md",
    log:
        "logs/tables/metrics.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/metrics_table.py"


for subset_table in ("table1", "table2"):

    rule:
        name:
            subset_table
        input:
            unpack(subset_size_table_inputs(subset_table)),
        output:
            csv=report(
                f"{TABLES[subset_table]}.csv",
                caption=f"../report/{subset_table}.rst",
                category="Tables",
            ),
            md=f"{TABLES[subset_table]}.md",
        log:
            f"logs/tables/{subset_table}.log",
        localrule: True
        conda:
            ENV
        script:
            "../scripts/metrics_table.py"


rule reproduction:
    input:
        unpack(reproduction_inputs),
    output:
        report(
            REPRODUCTION,
            caption="../report/reproduction.rst",
            category="Reproduction",
        ),
    log:
        "logs/tables/reproduction.log",
    localrule: True
    conda:
        ENV
    params:
        datasets=config["datasets"],
        configfiles=[str(path) for path in workflow.configfiles],
    script:
        "../scripts/reproduction.py"
