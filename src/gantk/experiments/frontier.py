"""The quality–memorisation frontier: FID against AM-SSIM along GA-NTK runs.

A GA-NTK run approaches copies of its training set (the objective's minimum is Z = X,
DESIGN §1), so along a run the samples' FID falls while their AM-SSIM (average max-SSIM
to the training images, paper §4) rises. The paper reports both low together (Table 1,
MNIST n = 64: FID 31.10, AM-SSIM 0.49). This module scores FID at snapshots of a run,
beside the AM-SSIM the metrics job computed at the same snapshots, and assembles the
frontier figure's data: one row per (setting, snapshot), the held-out real images as the
reference point and the paper's value.

FID at a snapshot step s scores the first ``samples`` images of the run's Z sets at step s
pooled in set order (set 0 is the run, set k ≥ 1 an independent Z set of it,
:mod:`gantk.metrics.fid_sets`), with the extractor and reference statistics of the run's
own FID (:func:`gantk.metrics.fid.fid`). FID is biased upwards at small sample counts:
every row carries its ``fid_samples``, and only rows with equal counts are comparable.

The *selected* step of a run is the one its stopping rule chose (``stop.json`` beside
``samples.npz``, field ``selected_step``), else its last step; ``samples.npz`` holds Z
there, and its row is marked ``selected``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
from jaxtyping import Float

from gantk.metrics.fid import Stats, frechet_distance_to
from gantk.metrics.fid_sets import pool_sets
from gantk.experiments.tables import PAPER_TABLE1

#: GA-CNTK in the paper's Table 1, keyed by (data source, n): FID of 2048 images (§8.2) and
#: AM-SSIM, read from the paper-values file (``gantk.experiments.tables.PAPER_TABLE1``).
PAPER_GA_CNTK: dict[tuple[str, int], dict[str, float]] = {
    (source, n): {"fid": v["paper_fid"], "am_ssim": v["paper_am_ssim"]}
    for (source, n, method), v in PAPER_TABLE1.items()
    if method == "ga_cntk"
}

#: Generated images behind each FID of the paper (§8.2).
PAPER_FID_SAMPLES = 2048

#: The frontier's target region: AM-SSIM below the held-out real images' with an FID within
#: this factor of theirs (at the same sample count).
FID_FACTOR = 1.5

#: Columns of the frontier table, one row per (data subset, method, scored snapshot).
TABLE_COLUMNS = (
    "dataset", "n", "seed", "method", "setting", "step", "selected", "am_ssim", "fid", "fid_samples",
    "fid_ratio", "below_heldout_am_ssim", "in_target",
)  # fmt: skip

#: Columns of the reference table: per data subset, the held-out real images and the paper.
REFERENCE_COLUMNS = ("dataset", "n", "seed", "kind", "label", "am_ssim", "fid", "fid_samples")

Features = Callable[[Float[np.ndarray, "n h w c"]], Float[np.ndarray, "n d"]]
FrechetMethod = Literal["sqrtm", "eigh"]


def fid_steps(snapshot_steps: Sequence[int], points: int | None) -> list[int]:
    """The snapshot steps a run's FID is scored at.

    ``points`` steps spaced geometrically from the first non-zero snapshot to the last (the
    early steps, where samples are still far from copies, change fastest), each the nearest
    snapshot step, repeats dropped; None = every non-zero snapshot. Step 0 (the initial
    noise) is never scored.
    """
    steps = np.asarray(sorted(int(s) for s in snapshot_steps if int(s) > 0))
    if steps.size == 0:
        raise ValueError(f"no snapshot after step 0 to score (snapshot steps {list(snapshot_steps)})")
    if points is None or points >= steps.size:
        return steps.tolist()
    if points < 1:
        raise ValueError(f"points must be >= 1 or None, got {points}")
    if points == 1:
        return [int(steps[-1])]
    targets = np.geomspace(steps[0], steps[-1], points)
    picked = [int(steps[np.argmin(np.abs(np.log(steps) - np.log(t)))]) for t in targets]
    return sorted(set(picked))


def common_steps(sets: Sequence[Mapping[str, np.ndarray]]) -> list[int]:
    """Snapshot steps every Z set has (sets of one run share them unless a stopping rule cut one short)."""
    if not sets:
        raise ValueError("no Z sets")
    common = set(int(s) for s in sets[0]["steps"])
    for snapshots in sets[1:]:
        common &= set(int(s) for s in snapshots["steps"])
    return sorted(common)


def images_at(sets: Sequence[Mapping[str, np.ndarray]], step: int, samples: int) -> np.ndarray:
    """The first ``samples`` images of the Z sets' snapshots at ``step``, pooled in set order."""
    picked = []
    for k, snapshots in enumerate(sets):
        where = np.flatnonzero(np.asarray(snapshots["steps"]) == int(step))
        if where.size == 0:
            raise ValueError(f"Z set {k} has no snapshot at step {step} (it has {list(snapshots['steps'])})")
        picked.append(np.asarray(snapshots["z"][where[0]]))
    return pool_sets(picked, samples)


def fid_of(images: np.ndarray, reference: Stats, features: Features, *, method: FrechetMethod = "eigh") -> float:
    """FID of ``images`` against reference statistics (μ, Σ): :func:`gantk.metrics.fid.fid` on given features.

    ``method`` is the route of :func:`gantk.metrics.fid.frechet_distance`; the default
    ``"eigh"`` gives the same trace as the reference code's ``"sqrtm"`` (to ~1e-7 relative on
    64-image digits scores) in about a tenth of its time at d = 2048, which matters for the
    many scores along runs; with no more images than feature dimensions it takes the exact N×N
    form (:func:`gantk.metrics.fid.frechet_distance_to`).
    """
    return frechet_distance_to(features(images), *reference, method=method)


def selected_step(run_dir: str | Path, last_step: int) -> tuple[int, str]:
    """(step, rule) of the Z in ``samples.npz``: ``stop.json``'s ``selected_step`` and ``rule``, else (last_step, "final")."""
    path = Path(run_dir) / "stop.json"
    if not path.exists():
        return int(last_step), "final"
    record = json.loads(path.read_text())
    return int(record["selected_step"]), str(record.get("rule", "?"))


def fid_along_run(
    sets: Sequence[Mapping[str, np.ndarray]],
    finals: Sequence[np.ndarray],
    along: pd.DataFrame,
    final_am_ssim: float,
    selected: int,
    reference: Stats,
    features: Features,
    *,
    samples: int,
    points: int | None,
    method: FrechetMethod = "eigh",
) -> pd.DataFrame:
    """FID and AM-SSIM at snapshots of one run, and at its selected step.

    Args:
      sets: each Z set's ``snapshots.npz`` contents, set 0 (the run) first: ``steps`` (S,)
        and ``z`` (S, n, H, W, C).
      finals: each Z set's ``samples.npz`` Z (n, H, W, C), the Z at its selected step.
      along: the run's AM-SSIM along the run (``{method}_along_run.csv``: ``step``, ``am_ssim``).
      final_am_ssim: AM-SSIM of set 0's ``samples.npz`` (the run's metrics JSON).
      selected: set 0's selected step.
      reference: (μ, Σ) of the real images the run's FID is scored against.
      features: images → Inception pool features (the run's FID extractor).
      samples: images per score (the first ones of the pooled sets).
      points: snapshot steps scored (:func:`fid_steps`).
      method: the Fréchet distance's route (:func:`fid_of`).

    Returns:
      One row per scored step, in step order: ``step``, ``selected`` (the row of the Z in
      samples.npz), ``am_ssim`` (of set 0 at that step), ``fid``, ``fid_samples``. The selected
      Z gets its own row unless it is exactly the pooled snapshot at its step.
    """
    am_ssim = dict(zip(along["step"].astype(int), along["am_ssim"].astype(float)))
    rows = []
    for step in fid_steps(common_steps(sets), points):
        if step not in am_ssim:
            raise ValueError(f"the run's along-run metrics have no AM-SSIM at step {step} (steps {sorted(am_ssim)})")
        images = images_at(sets, step, samples)
        score = fid_of(images, reference, features, method=method)
        rows.append({"step": step, "selected": False, "am_ssim": am_ssim[step], "fid": score,
                     "fid_samples": len(images), "_images": images})  # fmt: skip
    chosen = pool_sets([np.asarray(z) for z in finals], samples)
    same = [r for r in rows if r["step"] == selected and np.array_equal(r["_images"], chosen)]
    if same:
        same[0]["selected"] = True
    else:
        rows.append({"step": int(selected), "selected": True, "am_ssim": float(final_am_ssim),
                     "fid": fid_of(chosen, reference, features, method=method), "fid_samples": len(chosen)})  # fmt: skip
    table = pd.DataFrame(rows).drop(columns="_images", errors="ignore")
    return table.sort_values(["step", "selected"], kind="stable").reset_index(drop=True)


def setting_label(settings: Mapping[str, Any], lambdas: Sequence[float]) -> str:
    """A short description of a GA-NTK setting: optimiser and rate, loss, λ and where λ came from."""
    optimizer = {"adam": "Adam", "gd": "GD"}.get(settings["optimizer"], settings["optimizer"])
    loss = {"squared": "½‖1−D‖²", "cross_entropy": "cross-entropy"}[settings.get("loss", "squared")]
    lam = ", ".join(f"{v:.3g}" for v in lambdas)
    training = settings.get("lambda_from_training")
    source = f"η t = {training['rate']:g}·{training['time']:g}" if training else "Alg. 1"
    return f"{optimizer} {settings['lr']:g}, {loss}, λ {lam} ({source}), {settings['steps']} steps"


def frontier_tables(
    runs: Sequence[Mapping[str, Any]],
    subsets: Sequence[Mapping[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frontier figure's data.

    Args:
      runs: one entry per shown run: ``dataset``, ``n``, ``seed``, ``method``, ``setting``
        (:func:`setting_label`) and ``along`` (its :func:`fid_along_run` table).
      subsets: one entry per panel (data subset): ``dataset``, ``n``, ``seed``,
        ``heldout_am_ssim`` (AM-SSIM of held-out real images to the training subset),
        ``heldout_fid`` and ``heldout_fid_samples`` (FID of as many held-out real images as
        the runs' scores use) and ``paper`` (the data source of paper Table 1 whose GA-CNTK
        value is starred, or None).

    Returns:
      ``(table, references)``: the table has one row per (run, scored step) with
      :data:`TABLE_COLUMNS` (``fid_ratio`` = FID / the held-out images' FID;
      ``in_target``: AM-SSIM below the held-out level and FID ≤ :data:`FID_FACTOR` × theirs);
      the references one row per held-out point and paper value, :data:`REFERENCE_COLUMNS`.
    """
    keyed = {(s["dataset"], int(s["n"]), int(s["seed"])): s for s in subsets}
    frames = []
    for run in runs:
        key = (run["dataset"], int(run["n"]), int(run["seed"]))
        if key not in keyed:
            raise ValueError(f"run {run['method']} on {key} has no held-out reference")
        ref = keyed[key]
        along = run["along"].copy()
        if (along["fid_samples"] != ref["heldout_fid_samples"]).any():
            raise ValueError(
                f"run {run['method']} on {key}: FIDs of {sorted(set(along['fid_samples']))} samples against a "
                f"held-out FID of {ref['heldout_fid_samples']} images; only equal counts compare"
            )
        for column, value in zip(("dataset", "n", "seed", "method", "setting"), (*key, run["method"], run["setting"])):
            along[column] = value
        along["fid_ratio"] = along["fid"] / ref["heldout_fid"]
        along["below_heldout_am_ssim"] = along["am_ssim"] < ref["heldout_am_ssim"]
        along["in_target"] = along["below_heldout_am_ssim"] & (along["fid_ratio"] <= FID_FACTOR)
        frames.append(along[list(TABLE_COLUMNS)])
    references = []
    for key, ref in keyed.items():
        references.append(dict(zip(REFERENCE_COLUMNS, (*key, "heldout", "held-out real images",
                                                       ref["heldout_am_ssim"], ref["heldout_fid"],
                                                       ref["heldout_fid_samples"]))))  # fmt: skip
        paper = PAPER_GA_CNTK.get((ref["paper"], key[1])) if ref.get("paper") else None
        if paper is not None:
            label = f"paper Table 1, GA-CNTK on {ref['paper']} n = {key[1]} ({PAPER_FID_SAMPLES} samples)"
            references.append(dict(zip(REFERENCE_COLUMNS, (*key, "paper", label, paper["am_ssim"], paper["fid"],
                                                           PAPER_FID_SAMPLES))))  # fmt: skip
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TABLE_COLUMNS))
    return table, pd.DataFrame(references, columns=list(REFERENCE_COLUMNS))


def summary(table: pd.DataFrame, references: pd.DataFrame) -> list[str]:
    """One line per (subset, method): the scored range and whether any step reaches the target region."""
    lines = []
    held = references[references["kind"] == "heldout"].set_index(["dataset", "n", "seed"])
    for (dataset, n, seed, method), rows in table.groupby(["dataset", "n", "seed", "method"], sort=False):
        ref = held.loc[(dataset, n, seed)]
        sel = rows[rows["selected"]].iloc[0]
        hit = rows[rows["in_target"]]
        verdict = (
            f"reaches AM-SSIM < {ref['am_ssim']:.3f} with FID ≤ {FID_FACTOR}× held-out at step(s) "
            f"{', '.join(str(s) for s in hit['step'])}" if len(hit) else "never in the target region"
        )
        lines.append(
            f"{dataset} n={n} s{seed} {method}: steps {rows['step'].min()}–{rows['step'].max()}, "
            f"AM-SSIM {rows['am_ssim'].min():.3f}–{rows['am_ssim'].max():.3f}, FID {rows['fid'].min():.1f}–"
            f"{rows['fid'].max():.1f} ({int(rows['fid_samples'].iloc[0])} samples; held-out {ref['fid']:.1f}); "
            f"selected step {sel['step']}: AM-SSIM {sel['am_ssim']:.3f}, FID {sel['fid']:.1f}; {verdict}"
        )
    return lines


__all__ = [
    "FID_FACTOR",
    "PAPER_FID_SAMPLES",
    "PAPER_GA_CNTK",
    "REFERENCE_COLUMNS",
    "TABLE_COLUMNS",
    "common_steps",
    "fid_along_run",
    "fid_of",
    "fid_steps",
    "frontier_tables",
    "images_at",
    "selected_step",
    "setting_label",
    "summary",
]
