"""The prepared GPU script runs: its core part at tiny sizes (SMOKE=1) on the CPU.

A session lent a GPU has minutes of device time; a wrong flag found there costs a
start-up. This runs the same commands with every size shrunk, and checks each wrote
finite rows.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_part_runs_every_command_and_writes_finite_rows(tmp_path):
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # this venv's python
    env = {**os.environ, "SMOKE": "1", "OUT": str(tmp_path), "PATH": path}
    done = subprocess.run(
        ["bash", "benchmarks/gpu_pending_rows.sh", "core"],
        # Hang guard, not a budget: 286 s on the 2-core machine under load (one JAX start-up per command).
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "== 0 command(s) failed" in done.stdout
    rows = [
        json.loads(line)
        for name in ("gpu_step_mnist", "gpu_step_mnist_lanczos")
        for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()
    ]
    assert {(r["n"], r["method"]) for r in rows} == {(8, "eigh"), (16, "eigh"), (16, "lanczos")}
    assert all(r["finite"] and r["step_s"] > 0 for r in rows)


def test_a_failing_command_makes_the_script_fail(tmp_path):
    """A broken benchmark must not pass silently: the script counts failures and exits 1."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "python").write_text("#!/bin/sh\nexit 3\n")
    (fake_bin / "python").chmod(0o755)
    env = {**os.environ, "SMOKE": "1", "OUT": str(tmp_path / "out"), "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "benchmarks/gpu_pending_rows.sh", "core"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    commands = done.stdout.count("== python ")
    assert commands >= 3 and done.returncode == 1, done.stdout
    assert f"== {commands} command(s) failed" in done.stdout, done.stdout
