"""The checkpoint of a run of the loop driver (:mod:`gantk.loop.driver`): one file format for every trainer.

A checkpoint ``.npz`` holds the step reached (``step``), the settings hash (``fingerprint``),
the format version (``loop_format``), the curve so far (``curve_<column>`` and
``curve_seconds``), the snapshots (stacked, ``snapshots``) with their steps
(``snapshot_steps``), and the leaves of the trainer's state (and of the selected state,
if the run keeps one) as ``state_<i>`` in ``jax.tree.leaves`` order. It is written
atomically (``gantk.common.io.save_npz``), so a killed job leaves the last good one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from gantk.common.io import load_checkpoint as load_checked
from gantk.common.io import save_npz
from gantk.loop.progress import RunProgress

#: Version of the file layout above; checkpoints of earlier layouts are refused.
LOOP_FORMAT = 1


def save_checkpoint(path: str | Path, fingerprint: str, tree: Any, step: int, progress: RunProgress) -> None:
    """Write the checkpoint of ``tree`` (the trainer's state pytree) after ``step`` steps."""
    leaves = {f"state_{i}": np.asarray(leaf) for i, leaf in enumerate(jax.tree.leaves(tree))}
    snapshots = np.stack([np.asarray(s) for s in progress.snapshots]) if progress.snapshots else np.zeros((0,))
    save_npz(
        path,
        step=np.asarray(step),
        fingerprint=np.asarray(fingerprint),
        loop_format=np.asarray(LOOP_FORMAT),
        snapshot_steps=np.asarray(progress.snapshot_steps, np.int64),
        snapshots=snapshots,
        **{f"curve_{k}": np.asarray(v, np.float64) for k, v in progress.values.items()},
        **leaves,
    )


def load_checkpoint(path: str | Path, fingerprint: str, template: Any, progress: RunProgress) -> Any:
    """Read checkpoint ``path`` into ``progress`` (curve, snapshots, step) and return the state.

    Args:
      template: a state pytree of the run (its initial state): the structure, shapes and
        dtypes the stored leaves must have.

    Raises:
      ValueError: the file cannot be read, holds other settings (``fingerprint``), predates
        this layout, or its state or curve does not fit the run; each message names the
        file and says to delete it.
    """
    data = load_checked(path, fingerprint)
    if "loop_format" not in data or int(data["loop_format"]) != LOOP_FORMAT:
        raise ValueError(
            f"checkpoint {path} was written by an older gantk (before the shared loop driver, format "
            f"{LOOP_FORMAT}); delete it to start over"
        )
    leaves, treedef = jax.tree.flatten(template)
    restored = []
    for i, leaf in enumerate(leaves):
        stored = data.get(f"state_{i}")
        if stored is None or stored.shape != np.shape(leaf):
            raise ValueError(f"checkpoint {path}: state entry {i} is missing or has another shape; delete it")
        restored.append(jnp.asarray(stored, dtype=leaf.dtype))
    missing = [k for k in progress.values if f"curve_{k}" not in data]
    if missing:
        raise ValueError(f"checkpoint {path} has no curve of {missing}; delete it")
    progress.resume(
        {
            "step": int(data["step"]),
            **{k: data[f"curve_{k}"].tolist() for k in progress.values},
            "snapshot_steps": data["snapshot_steps"].tolist(),
            "snapshots": list(data["snapshots"]),
        }
    )
    return jax.tree.unflatten(treedef, restored)


__all__ = ["LOOP_FORMAT", "load_checkpoint", "save_checkpoint"]
