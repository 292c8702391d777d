"""The metrics table: per-run metrics JSONs assembled into one CSV and one Markdown table.

Each record is the JSON a metrics job writes: ``dataset``, ``n``, ``seed``, ``method``
and the values of :data:`COLUMNS` it has (images: ``am_ssim``; toy data:
``wasserstein``, ``modes_covered``, ``n_modes``, ``high_quality_fraction``). Rows are
grouped by subset (dataset, n, seed) in order of first appearance; within a subset the
held-out reference row (method :data:`REFERENCE_METHOD`) comes first, then the runs in
the order given.
"""

from __future__ import annotations

import functools
import importlib.resources
import math
import os
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from gantk.common.io import load_json, save_csv, save_text

#: Method name of the held-out real-data reference rows.
REFERENCE_METHOD = "real (held-out)"

#: Columns of the table, in order; a record's other keys are appended after them.
COLUMNS = (
    "dataset",
    "n",
    "seed",
    "method",
    "lam",
    "stop_rule",
    "selected_step",
    "steps",
    "loss",
    "final_loss",
    "am_ssim",
    "wasserstein",
    "modes_covered",
    "n_modes",
    "high_quality_fraction",
    "fid_split",
    "fid_subset",
    "fid_samples",
    "paper_fid",
    "ratio_fid",
    "paper_am_ssim",
    "ratio_am_ssim",
    "seconds",
)

#: What each column holds, printed under the Markdown table.
LEGEND = {
    "lam": "λ = η·t of the NTK-GP discriminator (Algorithm 1; one per kernel for multi-resolution)",
    "stop_rule": "the method's stopping rule (config `stop:`): plateau = the paper's early stopping, "
    "heldout_am_ssim = the last snapshot below the held-out AM-SSIM, final = the last step",
    "selected_step": "the step whose samples are scored (the stopping rule's choice)",
    "steps": "optimisation steps run",
    "loss": "GA-NTK loss ½‖1 − D‖² at the selected step",
    "final_loss": "GA-NTK loss ½‖1 − D‖² at the last step (GAN baselines: their monitored loss, see params.json)",
    "am_ssim": "average over samples of the max SSIM to the training subset (paper §8.2 settings); "
    "for the reference row, of held-out real images",
    "wasserstein": "W1 distance to a fresh sample of the mixture (unit-square units)",
    "modes_covered": "modes with enough points within 3σ (gantk.metrics.mode_coverage)",
    "high_quality_fraction": "share of points within 3σ of their nearest mode",
    "fid_split": "FID of `fid_samples` generated images against the data set's selection (split or class)",
    "fid_subset": "FID of the same images against the run's n training images",
    "fid_samples": "generated images scored (pooled over independent Z sets for GA-NTK runs)",
    "paper_fid": "the paper's FID for this data set, n and method (Table 1, n = 2048: Table 2), where it has one",
    "ratio_fid": "ours / paper's FID, ours being `fid_split`",
    "paper_am_ssim": "the paper's AM-SSIM for this data set, n and method (Table 1, n = 2048: Table 2)",
    "ratio_am_ssim": "ours / paper's AM-SSIM",
    "seconds": "wall-clock seconds of the run's optimisation",
}

#: The paper's reported values as data (Tables 1, 2 and 9 in full; see the file's header).
PAPER_VALUES_FILE = "paper_values.csv"

#: Our column for each metric of the paper-values file, and the column of ours it is read against.
PAPER_COLUMNS = {
    "fid": ("paper_fid", "fid_split"),
    "am_ssim": ("paper_am_ssim", "am_ssim"),
    "iterations": ("paper_iterations", "iterations_to_convergence"),
    "iterations_per_second": ("paper_iterations_per_second", "iterations_per_second"),
    "seconds": ("paper_seconds", "seconds_to_convergence"),
}


@functools.cache
def paper_values() -> pd.DataFrame:
    """Every value of the paper's Tables 1, 2 and 9: columns table, dataset (data source), n,
    method (as named in config/paper.yaml), metric, value (NaN where the paper has N/A)."""
    with importlib.resources.files("gantk.experiments").joinpath(PAPER_VALUES_FILE).open() as f:
        frame = pd.read_csv(f, comment="#", dtype={"table": str, "dataset": str, "n": int, "method": str})
    return frame


def paper_table(table: str) -> dict[tuple[str, int, str], dict[str, float]]:
    """One paper table, keyed by (data source, n, method): ``{paper_<metric>: value}`` (NaN = N/A)."""
    rows = paper_values()
    rows = rows[rows["table"] == table]
    if rows.empty:
        raise ValueError(f"no paper table {table!r}; known: {sorted(paper_values()['table'].unique())}")
    out: dict[tuple[str, int, str], dict[str, float]] = {}
    for row in rows.itertuples(index=False):
        out.setdefault((row.dataset, int(row.n), row.method), {})[PAPER_COLUMNS[row.metric][0]] = float(row.value)
    return out


#: The paper's Table 1 (n = 64, 128, 256) and Table 2 (n = 2048); their keys do not overlap.
PAPER_TABLE1 = paper_table("table1")
PAPER_TABLE2 = paper_table("table2")
PAPER_IMAGE_TABLES = {**PAPER_TABLE1, **PAPER_TABLE2}
#: The paper's Table 9 (V100, batch-wise b = 64, n = 256).
PAPER_TABLE9 = paper_table("table9")


def with_ratios(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with ``ratio_<metric>`` = ours / paper's beside every ``paper_<metric>`` it has
    (missing where either value is missing or the paper's is 0)."""
    out = dict(record)
    for metric, (paper_col, ours_col) in PAPER_COLUMNS.items():
        if paper_col not in out:
            continue
        ours, theirs = out.get(ours_col), out[paper_col]
        ok = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (ours, theirs)) and theirs != 0
        out[f"ratio_{metric}"] = float(ours) / float(theirs) if ok else math.nan
    return out


_KEY = ("dataset", "n", "seed")
_DROP = ("type", "heldout_count", "inception_weights_sha1")


def _run_key(record: Mapping[str, Any]) -> tuple:
    return tuple(record[k] for k in (*_KEY, "method"))


def metrics_table(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per record, ordered by subset, reference row first (module doc).

    Raises:
      ValueError: a record lacks one of dataset, n, seed, method, or two records name the
        same (dataset, n, seed, method).
    """
    seen: set[tuple] = set()
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    for i, record in enumerate(records):
        missing = [k for k in (*_KEY, "method") if k not in record]
        if missing:
            raise ValueError(f"metrics record {i} lacks {missing}: {dict(record)}")
        key = _run_key(record)
        if key in seen:
            raise ValueError(f"two metrics records for {key}")
        seen.add(key)
        groups.setdefault(tuple(record[k] for k in _KEY), []).append(record)
    rows = []
    for group in groups.values():
        rows += sorted(group, key=lambda r: r["method"] != REFERENCE_METHOD)
    frame = pd.DataFrame([{k: v for k, v in r.items() if k not in _DROP} for r in rows])
    present = [c for c in COLUMNS if c in frame.columns]
    extra = [c for c in frame.columns if c not in COLUMNS]
    frame = frame[present + extra]
    for col in ("n", "seed", "steps", "selected_step", "modes_covered", "n_modes", "fid_samples", "fid_zsets"):
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    return frame


def merge_records(
    records: Sequence[Mapping[str, Any]], extra: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``records`` with the values of the ``extra`` record of the same run added (e.g. its FID).

    Raises:
      ValueError: an extra record names a run that no record has.
    """
    merged = {_run_key(r): dict(r) for r in records}
    for record in extra:
        if _run_key(record) not in merged:
            raise ValueError(f"no metrics record for the run {_run_key(record)} of {dict(record)}")
        merged[_run_key(record)].update(record)
    return list(merged.values())


def with_paper_values(
    records: Sequence[Mapping[str, Any]],
    sources: Mapping[str, str],
    paper: Mapping[tuple[str, int, str], Mapping[str, float]] = PAPER_IMAGE_TABLES,
) -> list[dict[str, Any]]:
    """``records`` with the ``paper`` values (:data:`PAPER_IMAGE_TABLES`, :data:`PAPER_TABLE9`) of
    the same (data source, n, method) beside ours, and the ratio ours / paper's
    (:func:`with_ratios`); ``sources`` maps data set → source."""
    return [
        with_ratios({**r, **paper.get((sources.get(r["dataset"]), int(r["n"]), r["method"]), {})}) for r in records
    ]


def run_lambda(params: Mapping[str, Any]) -> float | str:
    """λ of a GA-NTK run (``config.lambdas``: one number, or "a / b / c" for multi-resolution)
    or of a GA-CNTKg run (``config.lam``), from its params.json."""
    config = params["config"]
    lams = config["lambdas"] if "lambdas" in config else [config["lam"]]
    return lams[0] if len(lams) == 1 else " / ".join(f"{v:.4g}" for v in lams)


def run_facts(params: Mapping[str, Any], stop: Mapping[str, Any]) -> dict[str, Any]:
    """The λ and stopping-rule columns of a GA-NTK or GA-CNTKg run's record, from its params.json
    (``config.lambdas``, or GA-CNTKg's ``config.lam``) and stop.json."""
    return {
        "lam": run_lambda(params),
        "stop_rule": stop["rule"],
        "selected_step": int(stop["selected_step"]),
        "loss": stop["loss"],
    }


def read_metrics(paths: Iterable[str | os.PathLike]) -> list[dict]:
    """The JSON records at ``paths``, in order."""
    return [load_json(p) for p in paths]


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def to_markdown(frame: pd.DataFrame, *, legend: Mapping[str, str] = LEGEND) -> str:
    """A GitHub Markdown table of ``frame`` (4 significant digits, "–" for missing), then the legend."""
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.astype(object).itertuples(index=False)]
    notes = [f"- `{c}`: {legend[c]}" for c in frame.columns if c in legend]
    return "\n".join([header, rule, *body, "", *notes]) + "\n"


def write_metrics_table(frame: pd.DataFrame, csv_path: str | os.PathLike, md_path: str | os.PathLike) -> None:
    """Write ``frame`` as CSV and as Markdown (:func:`to_markdown`), each atomically."""
    save_csv(csv_path, frame)
    save_text(md_path, to_markdown(frame))


__all__ = [
    "COLUMNS",
    "LEGEND",
    "PAPER_COLUMNS",
    "PAPER_IMAGE_TABLES",
    "PAPER_TABLE1",
    "PAPER_TABLE2",
    "PAPER_TABLE9",
    "paper_table",
    "paper_values",
    "with_ratios",
    "REFERENCE_METHOD",
    "merge_records",
    "metrics_table",
    "read_metrics",
    "run_facts",
    "run_lambda",
    "to_markdown",
    "with_paper_values",
    "write_metrics_table",
]
