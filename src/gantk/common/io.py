"""Atomic artefact writers and readers.

Every artefact of the workflow is written to a temporary file in the destination
directory and renamed into place, so an interrupted job never leaves a half file
under the final name.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    The temporary file keeps ``path``'s suffix (or ``suffix``) so that writers that
    choose a format by extension (matplotlib, numpy) behave as for the final name.
    On an exception the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix or "".join(path.suffixes) or ".tmp", dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def save_npz(path: str | os.PathLike, **arrays: Any) -> None:
    """Write ``arrays`` to an uncompressed ``.npz`` file atomically."""
    with atomic_path(path, suffix=".npz") as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **{k: np.asarray(v) for k, v in arrays.items()})


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` file into a dict (the file is closed on return)."""
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def save_run(
    out_dir: str | os.PathLike, *, z: Any, curve: "Any", snapshot_steps: Any, snapshots: Any, params: Mapping[str, Any]
) -> None:
    """The files of one run under ``out_dir``: samples.npz (``z``), curve.csv, snapshots.npz
    (``steps``, ``z``) and params.json, each written atomically."""
    out = Path(out_dir)
    save_npz(out / "samples.npz", z=z)
    save_csv(out / "curve.csv", curve)
    save_npz(out / "snapshots.npz", steps=snapshot_steps, z=snapshots)
    save_json(out / "params.json", params)


def load_checkpoint(path: str | os.PathLike, fingerprint: str) -> dict[str, np.ndarray]:
    """The arrays of checkpoint ``path``, which must hold ``fingerprint`` (the run's settings hash;
    the loop driver's checkpoints, ``gantk.loop.checkpoint``).

    Raises:
      ValueError: the file cannot be read, or was written with other settings (the message
        says to delete it or restore the settings).
    """
    try:
        data = load_npz(path)
    except Exception as err:  # a torn or foreign file: say which
        raise ValueError(f"checkpoint {path} cannot be read ({err}); delete it to start over") from err
    if str(data.get("fingerprint")) != fingerprint:
        raise ValueError(
            f"checkpoint {path} was written with different settings; delete it to start over "
            "or restore the settings it was made with"
        )
    return data


def save_json(path: str | os.PathLike, obj: Mapping[str, Any]) -> None:
    """Write ``obj`` as indented JSON atomically (numpy scalars and arrays are converted)."""
    with atomic_path(path, suffix=".json") as tmp:
        tmp.write_text(json.dumps(obj, indent=2, default=_json_default) + "\n")


def load_json(path: str | os.PathLike) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text())


def save_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def save_csv(path: str | os.PathLike, frame: "Any") -> None:
    """Write a pandas DataFrame as CSV (no index) atomically."""
    with atomic_path(path, suffix=".csv") as tmp:
        frame.to_csv(tmp, index=False)


def save_figure(path: str | os.PathLike, fig: "Any", **kwargs: Any) -> None:
    """Save a matplotlib figure atomically (format from ``path``'s suffix) and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=Path(path).suffix.lstrip(".") or "png", **kwargs)
    plt.close(fig)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray) or hasattr(obj, "__array__"):
        return np.asarray(obj).tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")
