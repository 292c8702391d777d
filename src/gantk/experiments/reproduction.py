"""The reproduction report: every number of the paper's Tables 1, 2 and 9 that a config made,
ours beside the paper's, with the stopping step, λ and FID reference set behind each.

Input are the table CSVs the workflow writes (``results/tables/table1.csv``, ``table2.csv``
from :func:`gantk.experiments.tables.metrics_table`; ``table9.csv`` from :func:`gantk.experiments.table9_speed.table9`),
which already carry the paper's values (``paper_*``, from ``paper_values.csv``) and the ratios
(``ratio_*``). The report has one Markdown section per table and one row per (run, metric):

    | data set | n | method | metric | ours | paper | ours / paper | selected step | stop rule | λ | FID reference |

A row whose paper value is missing is a run the paper has no number for (our stand-in data
sets, such as the offline digits, or a method it did not run at that size).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

#: Per table: (metric label, our column, the paper's column, the ratio column).
METRICS = {
    "table1": (
        ("FID", "fid_split", "paper_fid", "ratio_fid"),
        ("AM-SSIM", "am_ssim", "paper_am_ssim", "ratio_am_ssim"),
    ),
    "table2": (
        ("FID", "fid_split", "paper_fid", "ratio_fid"),
        ("AM-SSIM", "am_ssim", "paper_am_ssim", "ratio_am_ssim"),
    ),
    "table9": (
        ("iterations", "iterations_to_convergence", "paper_iterations", "ratio_iterations"),
        ("iterations / s", "iterations_per_second", "paper_iterations_per_second", "ratio_iterations_per_second"),
        ("seconds", "seconds_to_convergence", "paper_seconds", "ratio_seconds"),
    ),
}

TITLES = {
    "table1": "Table 1: FID and AM-SSIM, n = 64, 128, 256",
    "table2": "Table 2: FID and AM-SSIM, n = 2048 (batch 256)",
    "table9": "Table 9: iterations to convergence, iterations per second, seconds (paper: V100, b = 64, n = 256)",
}

COLUMNS = ("data set", "n", "method", "metric", "ours", "paper", "ours / paper", "selected step", "stop rule",
           "λ", "FID reference")


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _cell(value: Any) -> str:
    number = _number(value)
    if number is not None:
        return str(int(number)) if number.is_integer() else f"{number:.4g}"
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return str(value)


def fid_reference(dataset: Mapping[str, Any], samples: Any) -> str:
    """Which real images a run's ``fid_split`` is measured against, and on how many samples."""
    options = {k: v for k, v in (dataset.get("options") or {}).items() if k not in ("root", "mirrors")}
    selection = ", ".join(f"{k} {v}" for k, v in sorted(options.items())) or "all images"
    count = _number(samples)
    return f"{dataset['source']} ({selection}); {int(count)} generated images" if count else f"{dataset['source']} ({selection})"


def report_rows(table: str, frame: pd.DataFrame, datasets: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per (run, metric) of ``table`` that our ``frame`` holds a value for (module doc).

    Reference rows (held-out real data) are left out: the paper's tables have none.
    """
    if table not in METRICS:
        raise ValueError(f"no reproduction layout for {table!r}; known: {sorted(METRICS)}")
    rows = []
    for record in frame.to_dict("records"):
        if record.get("method") == "real (held-out)":
            continue
        for label, ours, paper, ratio in METRICS[table]:
            if _number(record.get(ours)) is None:
                continue
            fid = "fid" in ours
            rows.append({
                "data set": record["dataset"],
                "n": int(record["n"]),
                "method": record["method"],
                "metric": label,
                "ours": record.get(ours),
                "paper": record.get(paper),
                "ours / paper": record.get(ratio),
                "selected step": record.get("selected_step", record.get("iterations_to_convergence")),
                "stop rule": record.get("stop_rule"),
                "λ": record.get("lam"),
                "FID reference": fid_reference(datasets[record["dataset"]], record.get("fid_samples")) if fid else "",
            })  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS))


def to_markdown(sections: Mapping[str, pd.DataFrame], *, config_note: str = "") -> str:
    """The whole report: a header, then one Markdown table per section (``table1`` … ``table9``)."""
    lines = [
        "# Reproduction: our numbers beside the paper's",
        "",
        "Every number of the paper's Tables 1, 2 and 9 that this config produced, with the paper's",
        "value (`src/gantk/experiments/paper_values.csv`), the ratio ours / paper's, the step whose samples are scored",
        "(the method's stopping rule, config `stop:`), λ (Algorithm 1) and the real images each FID is",
        "measured against. A missing paper value (–) is a run the paper has no number for.",
    ]
    if config_note:
        lines += ["", config_note]
    for name, rows in sections.items():
        lines += ["", f"## {TITLES[name]}", ""]
        if rows.empty:
            lines.append("No run of this config has a value for this table.")
            continue
        lines.append("| " + " | ".join(rows.columns) + " |")
        lines.append("|" + "|".join("---" for _ in rows.columns) + "|")
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows.itertuples(index=False)]
    return "\n".join(lines) + "\n"


__all__ = ["COLUMNS", "METRICS", "fid_reference", "report_rows", "to_markdown"]
