"""gantk.common.compile_cache: where the persistent XLA cache goes, and that a second process reuses it.

The end-to-end case starts a workflow job's start-up (``workflow/scripts/_job.start``) in
two fresh processes with one cache folder: the first writes the compiled program, the
second loads it instead of compiling (JAX logs the hit).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gantk.common.compile_cache import DEFAULT_DIR, ENV_VAR, cache_dir

REPO = Path(__file__).resolve().parents[1]
# A hang guard only, about 10x a cold start of JAX plus one compilation on 2 shared cores.
HANG_GUARD_S = 300

JOB = textwrap.dedent(
    """
    import sys, types
    sys.path.insert(0, {scripts!r})
    if {jax_first}:
        import jax
    from _job import start
    job = types.SimpleNamespace(log=[{log!r}], rule="probe", wildcards={{}}, threads=1)
    start(job)
    print("jax imported by start", "jax" in sys.modules and not {jax_first})
    import jax, jax.numpy as jnp
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)  # cache even this tiny program
    def probe_program(x):
        return jnp.sum(jnp.sin(x) * x.T)
    print("result", float(jax.jit(probe_program)(jnp.ones((64, 64)))))
    print("cache_dir", jax.config.jax_compilation_cache_dir)
    """
)


def test_default_folder_is_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cache_dir() == tmp_path.resolve() / DEFAULT_DIR


@pytest.mark.parametrize("value", ["off", "OFF", "0", "none", ""])
def test_cache_can_be_switched_off(monkeypatch, value):
    monkeypatch.setenv(ENV_VAR, value)
    assert cache_dir() is None


def test_env_var_and_argument_name_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from_env"))
    assert cache_dir() == tmp_path / "from_env"
    assert cache_dir(tmp_path / "given") == tmp_path / "given"


def _run_job(tmp_path: Path, cache: Path, jax_first: bool = True) -> subprocess.CompletedProcess:
    script = JOB.format(scripts=str(REPO / "workflow" / "scripts"), log=str(tmp_path / "job.log"), jax_first=jax_first)
    env = {**os.environ, ENV_VAR: str(cache), "JAX_LOG_COMPILES": "1", "JAX_PLATFORMS": "cpu"}
    try:
        return subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=HANG_GUARD_S, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"a one-program job did not finish in {HANG_GUARD_S} s (hang guard, not a timing test)")


@pytest.mark.parametrize("jax_first", [True, False], ids=["jax-imported-first", "jax-imported-after-start"])
def test_second_job_loads_the_program_from_the_cache(tmp_path, jax_first):
    """Either order: a job that imports JAX before ``start`` (settings by ``jax.config``) or after it
    (settings by JAX's environment variables; ``start`` itself does not import JAX)."""
    cache = tmp_path / "cache"
    first = _run_job(tmp_path, cache, jax_first)
    assert "jax imported by start False" in first.stdout
    assert f"cache_dir {cache.resolve()}" in first.stdout
    assert "Persistent compilation cache hit" not in first.stderr
    assert any(cache.iterdir()), "the first job wrote no cache entry"
    assert "XLA compilation cache: " + str(cache.resolve()) in (tmp_path / "job.log").read_text()

    second = _run_job(tmp_path, cache, jax_first)
    assert "Persistent compilation cache hit for 'jit_probe_program'" in second.stderr, second.stderr[-2000:]
    result = [line for line in first.stdout.splitlines() if line.startswith("result")]
    assert result and result == [line for line in second.stdout.splitlines() if line.startswith("result")]


def test_deleted_folder_is_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    _run_job(tmp_path, cache)
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    again = _run_job(tmp_path, cache)
    assert "Persistent compilation cache hit" not in again.stderr
    assert any(cache.iterdir())
