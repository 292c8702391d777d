"""Wall-clock timing shared by the benchmark scripts (and by ``nt_worker.py`` in neural-tangents' environment)."""

from __future__ import annotations

import statistics
import time

import jax


def call_seconds(fn, *args, repeats: int, clock=time.perf_counter) -> list[float]:
    """Seconds of each of ``repeats`` calls of ``fn(*args)``, already compiled.

    Each call is waited for with ``jax.block_until_ready``, so asynchronous dispatch is not
    mistaken for speed. ``clock`` is wall time by default; ``time.process_time`` gives the CPU
    seconds of all the process's threads instead, the work done, which other jobs sharing the
    cores inflate far less than wall time.
    """
    times = []
    for _ in range(repeats):
        t0 = clock()
        jax.block_until_ready(fn(*args))
        times.append(clock() - t0)
    return times


def median_seconds(fn, *args, repeats: int, clock=time.perf_counter) -> float:
    """Median time of ``fn(*args)`` over ``repeats`` calls (``clock`` as in :func:`call_seconds`),
    after one warm-up call (compilation)."""
    jax.block_until_ready(fn(*args))
    return statistics.median(call_seconds(fn, *args, repeats=repeats, clock=clock))
