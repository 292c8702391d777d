"""JAX's persistent compilation cache, set up in one place for workflow jobs and tests.

Every workflow job is a fresh Python process, so without a disk cache each one pays XLA's
compilation again for programs that an earlier job (or an earlier run) already compiled.
:func:`enable` points JAX's persistent cache at one folder, by default ``.jax_cache/`` in
the working directory (the repository root for ``snakemake`` and ``pytest``):

    GANTK_JAX_CACHE=/scratch/me/jax_cache snakemake --cores 2 all   # another folder
    GANTK_JAX_CACHE=off snakemake --cores 2 all                      # no disk cache

The folder is safe to delete at any time: a missing entry is compiled again and written
back. Entries are keyed by the program, the JAX/XLA version, the device and the compile
options, so an entry is only ever reused where the same compilation would have produced
it; results do not change. A cache is trusted code: do not share one with untrusted users.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The environment variable naming the cache folder; ``off`` (or ``0``, ``none``, empty) disables it.
ENV_VAR = "GANTK_JAX_CACHE"

#: The folder used when :data:`ENV_VAR` is unset, relative to the working directory.
DEFAULT_DIR = ".jax_cache"

#: Programs that compile faster than this (seconds) are not written: reading an entry back
#: costs a few milliseconds, so caching the many tiny eager-op programs would gain nothing.
MIN_COMPILE_SECONDS = 0.05

_OFF = {"", "0", "off", "none", "false", "no"}


def cache_dir(path: str | os.PathLike | None = None) -> Path | None:
    """The absolute cache folder that :func:`enable` would use, or ``None`` when disabled.

    Args:
      path: the folder; ``None`` reads :data:`ENV_VAR`, falling back to :data:`DEFAULT_DIR`.
    """
    value = os.environ.get(ENV_VAR, DEFAULT_DIR) if path is None else os.fspath(path)
    if value.strip().lower() in _OFF:
        return None
    return Path(value).expanduser().resolve()


def enable(path: str | os.PathLike | None = None) -> Path | None:
    """Turn on JAX's persistent compilation cache in ``path`` (see :func:`cache_dir`).

    Call it before the process's first compilation that should be cached; programs compiled
    earlier are simply not written. Setting it again with the same folder is harmless.
    Before JAX is imported the settings go into JAX's environment variables, which it reads
    when imported, so a job that never uses JAX (a plot, a table) does not pay its import
    (~0.7 s of each such job's start-up on the 2-core machine).

    Returns:
      The cache folder (created if missing), or ``None`` when the cache is switched off.
    """
    folder = cache_dir(path)
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "jax_compilation_cache_dir": str(folder),
        "jax_persistent_cache_min_compile_time_secs": MIN_COMPILE_SECONDS,
        "jax_persistent_cache_min_entry_size_bytes": -1,
    }
    if "jax" in sys.modules:
        for name, value in settings.items():
            sys.modules["jax"].config.update(name, value)
    else:
        os.environ.update({name.upper(): str(value) for name, value in settings.items()})
    return folder
