"""The metrics table: per-run metrics JSONs assembled into one CSV and one Markdown table.

Each record is the JSON a metrics job writes: ``dataset``, ``n``, ``seed``, ``method``
and the values of :data:`COLUMNS` it has (images: ``am_ssim``; toy data:
``wasserstein``, ``modes_covered``, ``n_modes``, ``high_quality_fraction``). Rows are
grouped by subset (dataset, n, seed) in order of first appearance; within a subset the
held-out reference row (method :data:`REFERENCE_METHOD`) comes first, then the runs in
the order given.
"""

from __future__ import annotations

import math
import os
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from gantk.io import load_json, save_csv, save_text

#: Method name of the held-out real-data reference rows.
REFERENCE_METHOD = "real (held-out)"

#: Columns of the table, in order; a record's other keys are appended after them.
COLUMNS = (
    "dataset",
    "n",
    "seed",
    "method",
    "steps",
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
    "paper_am_ssim",
    "seconds",
)

#: What each column holds, printed under the Markdown table.
LEGEND = {
    "steps": "optimisation steps of the run",
    "final_loss": "GA-NTK loss ½‖1 − D‖² at the last step (GAN baselines: their monitored loss, see params.json)",
    "am_ssim": "average over samples of the max SSIM to the training subset (paper §8.2 settings); "
    "for the reference row, of held-out real images",
    "wasserstein": "W1 distance to a fresh sample of the mixture (unit-square units)",
    "modes_covered": "modes with enough points within 3σ (gantk.metrics.mode_coverage)",
    "high_quality_fraction": "share of points within 3σ of their nearest mode",
    "fid_split": "FID of `fid_samples` generated images against the data set's selection (split or class)",
    "fid_subset": "FID of the same images against the run's n training images",
    "fid_samples": "generated images scored (pooled over independent Z sets for GA-NTK runs)",
    "paper_fid": "the paper's FID for this data set, n and method (Table 1), where known",
    "paper_am_ssim": "the paper's AM-SSIM for this data set, n and method (Table 1), where known",
    "seconds": "wall-clock seconds of the run's optimisation",
}

#: Paper Table 1 values quoted in DESIGN §1 and §3, keyed by (data source, n, method name in
#: config/paper.yaml); the rest of the paper's table was not available to us and is left out.
PAPER_TABLE1: dict[tuple[str, int, str], dict[str, float]] = {
    ("mnist", 256, "ga_cntk"): {"paper_fid": 14.96, "paper_am_ssim": 0.54},
    ("mnist", 256, "wgan_gp"): {"paper_fid": 24.37},
    ("cifar10", 256, "ga_cntk"): {"paper_fid": 28.40},
    ("cifar10", 256, "wgan_gp"): {"paper_fid": 85.34},
    ("celeba", 256, "ga_cntk"): {"paper_fid": 63.15},
    ("celeba", 256, "wgan_gp"): {"paper_fid": 79.36},
}

#: Paper Table 9 (V100, b = 64, n = 256) as quoted in DESIGN §3: batch-wise GA-CNTK only.
PAPER_TABLE9: dict[tuple[str, int, str], dict[str, float]] = {
    ("mnist", 256, "ga_cntk_batch"): {"paper_iterations": 500, "paper_iterations_per_second": 14},
    ("cifar10", 256, "ga_cntk_batch"): {"paper_iterations": 600, "paper_iterations_per_second": 13},
    ("celeba", 256, "ga_cntk_batch"): {"paper_iterations": 1200, "paper_iterations_per_second": 6},
}

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
    for col in ("n", "seed", "steps", "modes_covered", "n_modes", "fid_samples", "fid_zsets"):
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
    paper: Mapping[tuple[str, int, str], Mapping[str, float]] = PAPER_TABLE1,
) -> list[dict[str, Any]]:
    """``records`` with the ``paper`` values (:data:`PAPER_TABLE1`, :data:`PAPER_TABLE9`) of the
    same (data source, n, method) beside ours; ``sources`` maps data set → source."""
    return [{**r, **paper.get((sources.get(r["dataset"]), int(r["n"]), r["method"]), {})} for r in records]


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
    "PAPER_TABLE1",
    "PAPER_TABLE9",
    "REFERENCE_METHOD",
    "merge_records",
    "metrics_table",
    "read_metrics",
    "to_markdown",
    "with_paper_values",
    "write_metrics_table",
]
