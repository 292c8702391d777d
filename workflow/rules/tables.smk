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


rule table2:
    input:
        unpack(table2_inputs),
    output:
        csv=report(
            f"{TABLES['table2']}.csv",
            caption="../report/table2.rst",
            category="Tables",
        ),
        md=f"{TABLES['table2']}.md",
    log:
        "logs/tables/table2.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/metrics_table.py"
