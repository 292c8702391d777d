"""Start-up shared by the workflow scripts: the job's log file receives progress and errors,
and compiled XLA programs go to the persistent compilation cache (``gantk.common.compile_cache``)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import numpy as np

from gantk.common.compile_cache import enable as enable_compile_cache
from gantk.common.io import load_npz
from gantk.common.logging_utils import setup_logging


def start(snakemake) -> logging.Logger:
    """Route the ``gantk`` logger to the job's ``log:`` file (and stderr), uncaught errors included,
    turn on the persistent compilation cache (folder: ``$GANTK_JAX_CACHE``, default ``.jax_cache/``),
    and hold torch's CPU threads to the job's ``threads`` (``OMP_NUM_THREADS``, unless set): two
    FID jobs of two threads each on 2 cores scored 6 images/s each, of one thread 11."""
    os.environ.setdefault("OMP_NUM_THREADS", str(snakemake.threads))
    log = setup_logging(snakemake.log[0] if snakemake.log else None)
    cache = enable_compile_cache()

    def log_uncaught(kind, value, traceback):
        log.error("%s failed", snakemake.rule, exc_info=(kind, value, traceback))

    sys.excepthook = log_uncaught
    log.info("rule %s, wildcards %s, threads %d", snakemake.rule, dict(snakemake.wildcards), snakemake.threads)
    log.info("XLA compilation cache: %s", cache or "off")
    return log


def read_subset(path) -> np.ndarray:
    """The array of a data artefact of the subsample rule: images (n, H, W, C) or 2-D points (n, 2)."""
    arrays = load_npz(path)
    return arrays["images"] if "images" in arrays else arrays["points"]


def remove_checkpoint(checkpoint: Path) -> None:
    """Delete a finished run's checkpoint and the folders it leaves empty (up to results/)."""
    checkpoint.unlink(missing_ok=True)
    for folder in checkpoint.parents:
        if folder == Path("results") or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()
