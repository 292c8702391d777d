"""Test-wide settings: float64 available for reference comparisons; one persistent XLA
compilation cache for the whole suite.

The cache folder (``gantk.common.compile_cache``) is the repository's ``.jax_cache/`` unless
``GANTK_JAX_CACHE`` says otherwise. It is exported before any test starts, so the workflow
jobs that tests launch as subprocesses (in temporary working directories) share it: the
same job programs compile once per suite, not once per workflow run.
"""

import os
from pathlib import Path

import jax

from gantk.common.compile_cache import ENV_VAR, cache_dir, enable

jax.config.update("jax_enable_x64", True)

os.environ.setdefault(ENV_VAR, str(Path(__file__).resolve().parents[1] / ".jax_cache"))
os.environ[ENV_VAR] = str(cache_dir() or "off")  # absolute, for subprocesses in other folders
enable()

def pytest_terminal_summary(terminalreporter):
    """Print the wall-clock seconds that tests recorded with ``record_property("wall_seconds", s)``.

    Speed is reported, never asserted (a busy CI machine is slower, not wrong); the numbers go
    into benchmarks/RESULTS.md by hand.
    """
    rows = [
        (report.nodeid, value)
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "wall_seconds" and report.when == "call"
    ]
    if rows:
        terminalreporter.section("recorded wall-clock times (benchmarks, not assertions)")
        for nodeid, seconds in rows:
            terminalreporter.write_line(f"{seconds:8.1f} s  {nodeid}")
