"""Any folder of your own images: the ``folder`` source.

The folder is searched recursively for PNG, JPEG and WebP files (by suffix, any case;
files and folders whose names start with ``.`` are not taken unless a list names them).
Two options narrow it:

* ``glob``: a pattern relative to the folder (``"cats/*.png"``, ``"**/*.jpg"``); every
  file it matches is taken, whatever its suffix;
* ``list``: a text file (its own path as given, like ``root``: relative to the working
  directory or absolute) naming one image per line, relative to the folder (blank lines
  and lines starting with ``#`` are skipped); its images are taken in its order. With
  ``glob`` too, only the listed files that the pattern matches.

Without ``list`` the images are in natural order of their relative paths (``a/2.png``
before ``a/10.png``), so a subsample depends only on the folder's files, n and the seed.
Every selected file is opened and checked (``PIL.Image.verify``: the header, and for
PNG the checksum of every chunk) when the selection is made; a file that fails is named
in the error, with the reason, and never skipped. Each image is turned upright by its
EXIF orientation, converted to grey (``channels: 1``) or RGB (``channels: 3``; alpha is
dropped), centre-cropped to a square and resized to ``size × size`` with Pillow's
antialiased LANCZOS filter (:mod:`gantk.data.images`).

Example (a data set of the workflow config)::

    datasets:
      mine: {type: images, source: folder, kernel: cntk_celeba,
             options: {root: /data/my_images, size: 64, channels: 3}}
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from gantk.data.images import natural_key, read_square_images
from gantk.data.subsample import Selection

#: Suffixes (lower case) of the files a folder search takes when no ``glob`` is given.
FOLDER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")

FOLDER_SOURCE = "your own files: any folder of PNG, JPEG or WebP images"
FOLDER_EXPECTED = (
    "Expected a folder holding PNG, JPEG or WebP images (searched recursively; the options "
    "'glob' and 'list' narrow the search)."
)

#: Unreadable files named in one error; the count of the others follows.
_SHOWN_BAD_FILES = 10


def folder_files(
    root: str | os.PathLike, glob: str | None = None, list_file: str | os.PathLike | None = None
) -> list[Path]:
    """The image files a folder selection takes (see the module docstring for the rules).

    Raises:
        FileNotFoundError: if the folder or the list file does not exist, the list names
            files that are not there, or nothing is selected (the message says which rule).
        ValueError: if the list names a file twice.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist. {FOLDER_EXPECTED}")
    matched = {p for p in root.glob(glob) if p.is_file() and not _hidden(p, root)} if glob else None
    if list_file is not None:
        files = [p for p in _listed(root, Path(list_file)) if matched is None or p in matched]
    elif matched is not None:
        files = sorted(matched, key=lambda p: natural_key(_relative(p, root)))
    else:
        files = _search(root)
    if not files:
        rule = " and ".join(
            part for part in (f"glob {glob!r}" if glob else "", f"list {list_file}" if list_file else "") if part
        )
        raise FileNotFoundError(
            f"no image files in {root}" + (f" match {rule}" if rule else "") + f". {FOLDER_EXPECTED}"
        )
    return files


def _relative(path: Path, root: str | os.PathLike) -> str:
    """``path`` relative to ``root``, with ``/`` separators (how errors and artefacts name a file)."""
    return Path(os.path.relpath(path, root)).as_posix()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in Path(_relative(path, root)).parts)


def _search(root: Path) -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found += [
            Path(folder) / name
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in FOLDER_SUFFIXES
        ]
    return sorted(found, key=lambda p: natural_key(_relative(p, root)))


def _listed(root: Path, list_file: Path) -> list[Path]:
    if not list_file.is_file():
        raise FileNotFoundError(f"image list {list_file} does not exist")
    lines = [line.strip() for line in list_file.read_text().splitlines()]
    names = [line for line in lines if line and not line.startswith("#")]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{list_file} names {', '.join(repeated[:_SHOWN_BAD_FILES])} more than once")
    files = [root / name for name in names]
    missing = [name for name, path in zip(names, files) if not path.is_file()]
    if missing:
        more = f" and {len(missing) - _SHOWN_BAD_FILES} more" if len(missing) > _SHOWN_BAD_FILES else ""
        raise FileNotFoundError(
            f"{list_file} names {len(missing)} file(s) that are not in {root}: "
            f"{', '.join(missing[:_SHOWN_BAD_FILES])}{more}"
        )
    return files


def check_images(paths: list[Path], root: str | os.PathLike) -> None:
    """Open every file and check it with ``PIL.Image.verify``; raise naming each one that fails.

    Raises:
        ValueError: ``"2 unreadable image file(s) in ROOT: a.png (reason), b/c.jpg (reason)"``.
    """
    from PIL import Image

    bad = []
    for path in paths:
        try:
            with Image.open(path) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many types here (OSError, SyntaxError, struct.error, ...)
            bad.append(f"{_relative(path, root)} ({exc.__class__.__name__}: {exc})")
    if bad:
        more = f" and {len(bad) - _SHOWN_BAD_FILES} more" if len(bad) > _SHOWN_BAD_FILES else ""
        raise ValueError(
            f"{len(bad)} unreadable image file(s) in {root}: {', '.join(bad[:_SHOWN_BAD_FILES])}{more}; "
            "repair or remove them, or leave them out with the 'glob' or 'list' option"
        )


def folder_selection(
    root: str | os.PathLike,
    size: int = 64,
    channels: int = 3,
    glob: str | None = None,
    list_file: str | os.PathLike | None = None,
) -> Selection:
    """The images of a folder (see the module docstring), every file checked.

    Args:
        root: the folder.
        size: output side in pixels (centre crop to a square, then resize).
        channels: 1 (grey) or 3 (RGB).
        glob: a pattern relative to ``root`` that chooses the files; None = every PNG,
            JPEG and WebP file, recursively.
        list_file: a text file of relative paths, one per line, that chooses the files.

    Returns:
        A :class:`~gantk.data.subsample.Selection` of float32 (size, size, channels)
        images in [0, 1]; ``source_index`` is the position in the file order,
        ``source_name`` the path relative to ``root``.

    Raises:
        FileNotFoundError: see :func:`folder_files`.
        ValueError: for a bad ``size`` or ``channels``, and naming every unreadable file.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"folder option 'size' must be a positive integer, got {size!r}")
    if channels not in (1, 3):
        raise ValueError(f"folder option 'channels' must be 1 (grey) or 3 (RGB), got {channels!r}")
    files = folder_files(root, glob, list_file)
    check_images(files, root)
    names = [_relative(p, root) for p in files]
    what = " ".join(part for part in (str(root), f"glob={glob}" if glob else "", f"list={list_file}" if list_file else "") if part)
    return Selection(
        description=f"folder {what}",
        source_index=np.arange(len(files), dtype=np.int64),
        source_name=np.array(names),
        reader=lambda positions: read_square_images(
            [files[i] for i in positions], size, channels=channels, exif_transpose=True
        ),
    )


def folder_fingerprint(
    root: str | os.PathLike, glob: str | None = None, list_file: str | os.PathLike | None = None
) -> str:
    """SHA-256 (hex) of the selected files' relative paths, sizes and modification times.

    It changes when an image is added, removed, renamed or rewritten, so the workflow
    passes it as a job parameter: Snakemake reruns what reads the folder.
    """
    digest = hashlib.sha256()
    for path in folder_files(root, glob, list_file):
        stat = path.stat()
        digest.update(f"{_relative(path, root)}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
