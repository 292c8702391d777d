"""Input and parameter functions of the frontier rules (``workflow/rules/frontier.smk``): FID
and AM-SSIM at snapshots along each GA-NTK run that ``figures.frontier`` shows, against as
many held-out real images per row (gantk.experiments.frontier). Functions take the checked
config and, for input functions, a job's ``wildcards`` (``workflow/rules/common.smk``
binds the config).
"""

from __future__ import annotations

from typing import Mapping

from gantk.workflow.inputs import figure_config
from gantk.workflow.paths import FID_ALONG_RUN, FID_HELDOUT, REFERENCE, run_file, run_path, subset_path
from gantk.workflow.runs import Run
from gantk.workflow.targets import figure_runs


def frontier_runs(config: Mapping) -> list[Run]:
    """The runs the frontier figure shows, in the order of its rows and methods."""
    figure_config(config, "frontier")
    return figure_runs(config, "frontier")


def frontier_rows(config: Mapping) -> list[dict]:
    """The frontier figure's rows (data subsets), each with the paper source it stars."""
    return [
        {**row, "paper": row.get("paper") or config["datasets"][row["dataset"]]["source"]}
        for row in figure_config(config, "frontier")["rows"]
    ]


def frontier_inputs(config: Mapping, wildcards) -> dict[str, list[str]]:
    """Per shown run its FID along the run and params; per row its held-out references."""
    runs, rows = frontier_runs(config), frontier_rows(config)
    return {
        "along": [run_path(FID_ALONG_RUN, r) for r in runs],
        "params": [run_file(r, "params.json") for r in runs],
        "reference": [subset_path(REFERENCE, r["dataset"], r["n"], r["seed"]) for r in rows],
        "heldout_fid": [subset_path(FID_HELDOUT, r["dataset"], r["n"], r["seed"]) for r in rows],
    }


__all__ = ["frontier_inputs", "frontier_rows", "frontier_runs"]
