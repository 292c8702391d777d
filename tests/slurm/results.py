"""Compare two results trees of the workflow, e.g. a local run and a SLURM run.

Arrays (``.npz``), numbers in ``.json`` and numeric ``.csv`` columns must agree to a
tight tolerance; other values must be equal. Quantities that legitimately differ between
two runs (wall-clock times, speeds, host names, paths) are skipped by name, and figures
and logs are only checked for existence, since their bytes carry timestamps.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

VOLATILE_NAME = re.compile(
    r"(^|[_\W])(time|times|timing|seconds|secs|sec|elapsed|wall|duration|runtime|"
    r"it_per_s|its|per_s|per_second|throughput|speed|timestamp|date|started|finished|"
    r"host|hostname|node|pid|platform|device|devices|path|paths|dir|workdir|version|versions)($|[_\W])",
    re.IGNORECASE,
)
"""Keys and column names whose values may differ between two correct runs."""

EXISTENCE_ONLY = {".png", ".pdf", ".svg", ".log", ".html", ".md", ".txt"}
"""Suffixes compared by presence only."""


def result_files(root: Path) -> set[str]:
    """Paths (relative to ``root``, POSIX form) of all non-hidden files under ``root``."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def compare_results(expected: Path, actual: Path, *, rtol: float = 1e-9, atol: float = 1e-12) -> list[str]:
    """Differences between the results trees ``expected`` and ``actual``; empty when they agree.

    Args:
        expected, actual: two ``results/`` directories.
        rtol, atol: tolerance for floating-point values (``|a - e| <= atol + rtol |e|``).

    Returns:
        One line per difference, naming the file and the key, column or array.
    """
    want, got = result_files(expected), result_files(actual)
    problems = [f"missing from {actual}: {name}" for name in sorted(want - got)]
    problems += [f"not in {expected}: {name}" for name in sorted(got - want)]
    for name in sorted(want & got):
        a, b = expected / name, actual / name
        suffix = a.suffix.lower()
        if suffix in EXISTENCE_ONLY:
            continue
        if suffix == ".npz":
            problems += _compare_npz(a, b, name, rtol, atol)
        elif suffix == ".json":
            problems += _compare_values(json.loads(a.read_text()), json.loads(b.read_text()), name, rtol, atol)
        elif suffix == ".csv":
            problems += _compare_csv(a, b, name, rtol, atol)
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{name}: contents differ")
    return problems


def _compare_npz(a: Path, b: Path, name: str, rtol: float, atol: float) -> list[str]:
    with np.load(a, allow_pickle=False) as fa, np.load(b, allow_pickle=False) as fb:
        if set(fa.files) != set(fb.files):
            return [f"{name}: arrays {sorted(fa.files)} != {sorted(fb.files)}"]
        return [p for key in fa.files for p in _compare_arrays(fa[key], fb[key], f"{name}[{key}]", rtol, atol)]


def _compare_arrays(x: np.ndarray, y: np.ndarray, where: str, rtol: float, atol: float) -> list[str]:
    if x.shape != y.shape or x.dtype != y.dtype:
        return [f"{where}: {x.dtype}{x.shape} != {y.dtype}{y.shape}"]
    if np.issubdtype(x.dtype, np.inexact):
        close = np.isclose(y, x, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            worst = np.nanmax(np.abs(y.astype(np.float64) - x.astype(np.float64)))
            return [f"{where}: {np.count_nonzero(~close)} of {x.size} values differ (max |diff| {worst:.3g})"]
        return []
    if not np.array_equal(x, y):
        return [f"{where}: {np.count_nonzero(x != y)} of {x.size} entries differ"]
    return []


def _compare_values(x: object, y: object, where: str, rtol: float, atol: float) -> list[str]:
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y):
            return [f"{where}: keys {sorted(x)} != {sorted(y)}"]
        return [
            p
            for key in x
            if not VOLATILE_NAME.search(str(key))
            for p in _compare_values(x[key], y[key], f"{where}.{key}", rtol, atol)
        ]
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{where}: length {len(x)} != {len(y)}"]
        return [p for i, (u, v) in enumerate(zip(x, y)) for p in _compare_values(u, v, f"{where}[{i}]", rtol, atol)]
    if isinstance(x, float) or isinstance(y, float):
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
            if (math.isnan(x) and math.isnan(y)) or math.isclose(y, x, rel_tol=rtol, abs_tol=atol):
                return []
        return [f"{where}: {x!r} != {y!r}"]
    return [] if x == y else [f"{where}: {x!r} != {y!r}"]


def _compare_csv(a: Path, b: Path, name: str, rtol: float, atol: float) -> list[str]:
    x, y = pd.read_csv(a), pd.read_csv(b)
    if list(x.columns) != list(y.columns) or len(x) != len(y):
        return [f"{name}: columns/rows {list(x.columns)}x{len(x)} != {list(y.columns)}x{len(y)}"]
    problems = []
    for col in x.columns:
        if VOLATILE_NAME.search(str(col)):
            continue
        u, v = x[col].to_numpy(), y[col].to_numpy()
        if np.issubdtype(u.dtype, np.number) and np.issubdtype(v.dtype, np.number):
            problems += _compare_arrays(u.astype(np.float64), v.astype(np.float64), f"{name}:{col}", rtol, atol)
        elif not (x[col].fillna("<NA>").astype(str) == y[col].fillna("<NA>").astype(str)).all():
            problems.append(f"{name}:{col}: values differ")
    return problems
