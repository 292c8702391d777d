"""Test-wide settings: float64 available for reference comparisons."""

import jax

jax.config.update("jax_enable_x64", True)


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
