# Path templates and input functions of the frontier rules (rules/frontier.smk); no rules
# live here. Needs rules/common.smk and rules/fid_common.smk first.

FID_ALONG_RUN = "results/metrics/{dataset}/n{n}_s{seed}/{method}_fid_along_run.csv"
FID_HELDOUT = "results/metrics/{dataset}/n{n}_s{seed}/reference/heldout_fid.json"
FRONTIER_TABLE = "results/frontier/frontier.csv"
FRONTIER_REFERENCES = "results/frontier/references.csv"


def frontier_runs():
    """The runs the frontier figure shows, in the order of its rows and methods."""
    figure_config("frontier")
    return figure_runs(config, "frontier")


def frontier_rows():
    """The frontier figure's rows (data subsets), each with the paper source it stars."""
    return [
        {
            **row,
            "paper": row.get("paper") or config["datasets"][row["dataset"]]["source"],
        }
        for row in figure_config("frontier")["rows"]
    ]


def frontier_inputs(wildcards):
    """Per shown run its FID along the run and params; per row its held-out references."""
    runs, rows = frontier_runs(), frontier_rows()
    return {
        "along": [FID_ALONG_RUN.format(**r._asdict()) for r in runs],
        "params": [run_files(r, "params.json") for r in runs],
        "reference": [
            REFERENCE.format(dataset=r["dataset"], n=r["n"], seed=r["seed"])
            for r in rows
        ],
        "heldout_fid": [
            FID_HELDOUT.format(dataset=r["dataset"], n=r["n"], seed=r["seed"])
            for r in rows
        ],
    }
