"""`snakemake --profile slurm` against a real, throw-away SLURM cluster on 127.0.0.1.

Each test class starts its own single-node cluster (tests/slurm/cluster.py) in a
temporary directory and stops it in the fixture's teardown, also when a test fails; the
teardown fails if any process of the cluster is still alive afterwards. Every snakemake
and SLURM call runs under a hang guard, a timeout at least 5x the time it takes on the
2-core machine (measured there under load), so a hung status poll fails the test instead
of hanging CI; no test asserts how long anything takes. Skips only when the SLURM binaries are absent (CI installs them with
.ci/install_slurm.sh). About 3 min on a 2-core machine, two thirds of it the workflow.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from slurm.cluster import (
    ACCOUNTING_BINARIES,
    SLURM_BINARIES,
    LocalSlurm,
    missing_binaries,
    start_local_slurm,
)
from slurm.results import compare_results

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "slurm"
SNAKEFILE = REPO / "workflow" / "Snakefile"
TEST_CONFIG = REPO / "config" / "test.yaml"
WORKFLOW_PROFILE = REPO / "workflow" / "profiles" / "default" / "config.yaml"
GPU_SNAKEFILE = REPO / "tests" / "slurm" / "gpu_check.smk"

NODE_GPUS = 3  # the GPU test's two jobs (1 and 2 GPUs) fit side by side

# What the workflow test builds from config/test.yaml, locally and through SLURM: Fig 3
# needs the main chain on the digits data (subsample, lambda_search and synthesize, both
# GPU rules, reference_metrics, run_metrics, then the figure). The whole `all` (25 SLURM
# jobs) took 3-5 min through SLURM on 2 cores, as each level of the DAG waits for the
# plugin's next status poll (1 s, 11 s, 21 s... after the last); Fig 3 takes 1-2 min.
WORKFLOW_TARGETS = ("fig3",)
# Hang guards: the side-by-side Fig 3 runs took 140 s (local and SLURM together) on the
# 2-core machine under load; a GPU-check job through SLURM 15-18 s; a refused submission 2.5 s.
LOCAL_TIMEOUT_S = 900
SLURM_TIMEOUT_S = 900
GPU_JOB_TIMEOUT_S = 300
REFUSAL_TIMEOUT_S = 120

# Status polling made fast for a test. On a real cluster snakemake polls after 10 s, then
# the plugin waits 40 s after a poll that saw a job end and 10 s longer after each poll
# that saw none. The test cluster's MinJobAge (600 s) stays above 3 x 1 s, so the plugin
# keeps the profile's squeue.
FAST_POLLING = ["--slurm-init-seconds-before-status-checks", "1", "--seconds-between-status-checks", "1"]
FAST_POLLING += ["--latency-wait", "5"]

_missing_slurm = missing_binaries(SLURM_BINARIES)
needs_slurm = pytest.mark.skipif(
    bool(_missing_slurm),
    reason=f"SLURM binaries not found ({', '.join(_missing_slurm)}); install with .ci/install_slurm.sh",
)
_missing_accounting = missing_binaries(ACCOUNTING_BINARIES)
needs_accounting = pytest.mark.skipif(
    bool(_missing_accounting),
    reason=f"accounting binaries not found ({', '.join(_missing_accounting)}); install with .ci/install_slurm.sh",
)


@dataclass
class SnakemakeRun:
    """What a finished snakemake process printed, parsed."""

    returncode: int
    output: str
    seconds: float

    def submissions(self) -> dict[str, tuple[str, Path]]:
        """Snakemake job id -> (SLURM job id, SLURM log file) from the plugin's submission lines."""
        pattern = re.compile(r"Job (\S+) has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.")
        return {m[1]: (m[2], Path(m[3])) for m in pattern.finditer(self.output)}

    def executed_jobs(self) -> dict[str, tuple[str, bool, str]]:
        """Snakemake job id -> (rule, ran locally, resources line) for every job snakemake started."""
        pattern = re.compile(r"^(local)?rule (\S+):\n((?:    .*\n)+)", re.MULTILINE)
        jobs = {}
        for m in pattern.finditer(self.output):
            fields = dict(re.findall(r"^    (\w+): (.*)$", m[3], re.MULTILINE))
            jobs[fields["jobid"]] = (m[2], m[1] is not None, fields.get("resources", ""))
        return jobs


class Snakemake:
    """``python -m snakemake *args`` running in the background in its own process group.

    Its output goes to ``log`` (a file, so that two runs can go on side by side).
    """

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str], log: Path):
        self.args, self.log, self.start = args, log, time.monotonic()
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "snakemake", *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, timeout_s: float) -> SnakemakeRun:
        """Wait until it ends; fail the test (after killing it) if it runs past ``timeout_s`` from its start."""
        try:
            self.proc.wait(timeout=max(0.0, timeout_s - (time.monotonic() - self.start)))
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(
                f"snakemake {' '.join(self.args)} did not finish within {timeout_s:.0f} s; "
                f"it printed:\n{self.log.read_text(errors='replace')[-6000:]}"
            )
        return SnakemakeRun(self.proc.returncode, self.log.read_text(errors="replace"), time.monotonic() - self.start)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def run_snakemake(args: list[str], *, cwd: Path, env: dict[str, str], timeout_s: float) -> SnakemakeRun:
    """Run snakemake in ``cwd`` to the end, failing the test after ``timeout_s``."""
    run = Snakemake(args, cwd=cwd, env=env, log=cwd / "snakemake.out")
    try:
        return run.wait(timeout_s)
    finally:
        run.kill()


def slurm_args(cluster_logdir: Path) -> list[str]:
    """Command-line options of a test run through the repository's SLURM profile."""
    return ["--profile", str(PROFILE), "--slurm-logdir", str(cluster_logdir), *FAST_POLLING]


def start_cluster(root: Path, *, accounting: bool) -> LocalSlurm:
    """A test cluster whose node advertises NODE_GPUS fake GPUs, 8 CPUs and 32000 MiB."""
    return start_local_slurm(root, gpus=NODE_GPUS, cpus=8, memory_mb=32000, accounting=accounting)


def stop_and_check(cluster: LocalSlurm) -> None:
    leftover = cluster.stop()
    assert not leftover, f"processes of the test cluster still alive after stop: {leftover}"


def assert_every_job_went_through_sbatch(run: SnakemakeRun, cluster: LocalSlurm, *, accounting: bool) -> None:
    """Each non-local job has a SLURM job id, the controller ran it to COMPLETED, and its log exists."""
    executed = run.executed_jobs()
    remote = {jobid: rule for jobid, (rule, local, _) in executed.items() if not local}
    assert remote, f"no job ran through the executor:\n{run.output[-4000:]}"
    submitted = run.submissions()
    not_submitted = {jobid: rule for jobid, rule in remote.items() if jobid not in submitted}
    assert not not_submitted, f"jobs that never went through sbatch: {not_submitted}"
    states = cluster.job_states()
    for jobid, (slurm_id, log) in submitted.items():
        assert (
            states.get(slurm_id) == "COMPLETED"
        ), f"snakemake job {jobid} ({remote.get(jobid)}) is SLURM job {slurm_id}, state {states.get(slurm_id)}"
        assert log.is_file() and log.stat().st_size > 0, f"SLURM log {log} of job {slurm_id} is missing or empty"
    if accounting:
        accounted = cluster.accounted_job_states()
        for slurm_id, _ in submitted.values():
            assert accounted.get(slurm_id) == "COMPLETED", f"sacct has job {slurm_id} as {accounted.get(slurm_id)}"


def read_visible_gpus(path: Path) -> tuple[str, list[str]]:
    """(SLURM job id, CUDA_VISIBLE_DEVICES entries) written by tests/slurm/gpu_check.smk."""
    fields = dict(line.split("=", 1) for line in path.read_text().splitlines())
    devices = fields["cuda_visible_devices"]
    return fields["slurm_job_id"], ([] if devices in ("", "unset") else devices.split(","))


def plain_env() -> dict[str, str]:
    """This process's environment without SLURM variables, for a local run."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SBATCH_", "SRUN_"))}


def workflow_workdir(path: Path) -> Path:
    """An empty working directory for the workflow; ``config/`` links to the repository's."""
    path.mkdir(parents=True)
    (path / "config").symlink_to(REPO / "config", target_is_directory=True)
    return path


def gpu_requests(run: SnakemakeRun, cluster: LocalSlurm) -> dict[str, str]:
    """SLURM job id -> the controller's GPU request, for jobs whose rule declares a ``gpu`` resource."""
    submitted = run.submissions()
    requests = {}
    for jobid, (_, _, resources) in run.executed_jobs().items():
        if re.search(r"(^|, )gpu=[1-9]", resources) and jobid in submitted:
            slurm_id = submitted[jobid][0]
            shown = cluster.client("scontrol", "show", "job", slurm_id).stdout
            requests[slurm_id] = ",".join(re.findall(r"Tres\w*=(\S*gpu\S*)", shown))
    return requests


# --------------------------------------------------------------------------------------
# The profile itself (no cluster needed)


def test_profile_submits_with_slurm_plugin_and_polls_with_squeue():
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["slurm-status-command"] == "squeue"
    assert profile["default-resources"]["runtime"] > 0
    assert profile["default-resources"]["mem_mb"] > 0
    assert "gpu_model" not in profile["default-resources"], "gpu_model there makes every job a GPU job"
    assert "slurm-array-jobs" not in profile, "the plugin's array-job mode can deadlock"
    logdir = os.path.expanduser(os.path.expandvars(profile["slurm-logdir"]))
    assert os.path.isabs(logdir), f"slurm-logdir {profile['slurm-logdir']!r} does not expand to an absolute path"


def test_workflow_profile_leaves_executor_settings_to_the_slurm_profile():
    if not WORKFLOW_PROFILE.is_file():
        pytest.skip(f"{WORKFLOW_PROFILE} does not exist")
    workflow_profile = yaml.safe_load(WORKFLOW_PROFILE.read_text()) or {}
    # The workflow profile wins key by key over --profile slurm.
    clashes = {"executor", "jobs", "default-resources", "latency-wait"} & set(workflow_profile)
    assert not clashes, f"{WORKFLOW_PROFILE} sets {sorted(clashes)}, which would override slurm/config.yaml"


# --------------------------------------------------------------------------------------
# Cluster without accounting: squeue polling, GPUs, the workflow's test config


@pytest.fixture(scope="class")
def cluster(tmp_path_factory) -> LocalSlurm:
    c = start_cluster(tmp_path_factory.mktemp("slurm"), accounting=False)
    try:
        yield c
    finally:
        stop_and_check(c)


@needs_slurm
@pytest.mark.slurm
@pytest.mark.workflow
@pytest.mark.slow
class TestWithoutAccounting:
    def test_gpu_jobs_see_exactly_their_gpus_in_cuda_visible_devices(self, cluster, tmp_path):
        targets = ["gpus1/visible.txt", "gpus2/visible.txt"]
        run = run_snakemake(
            ["--snakefile", str(GPU_SNAKEFILE), *slurm_args(tmp_path / "logs"), *targets],
            cwd=tmp_path,
            env=cluster.env,
            timeout_s=GPU_JOB_TIMEOUT_S,
        )
        assert run.returncode == 0, run.output[-6000:]
        assert_every_job_went_through_sbatch(run, cluster, accounting=False)
        for n, target in enumerate(targets, start=1):
            slurm_id, devices = read_visible_gpus(tmp_path / target)
            assert slurm_id in cluster.job_states()
            assert len(devices) == n and len(set(devices)) == n, f"{target}: {devices}"
            assert set(devices) <= {str(i) for i in range(NODE_GPUS)}

    def test_more_gpus_than_the_node_has_fail_at_submission(self, cluster, tmp_path):
        target = f"gpus{NODE_GPUS + 1}/visible.txt"
        jobs_before = set(cluster.job_states())
        run = run_snakemake(
            ["--snakefile", str(GPU_SNAKEFILE), *slurm_args(tmp_path / "logs"), target],
            cwd=tmp_path,
            env=cluster.env,
            timeout_s=REFUSAL_TIMEOUT_S,
        )
        assert run.returncode != 0
        assert "SLURM sbatch failed" in run.output
        assert "Requested node configuration is not available" in run.output
        # Refused at submission: SLURM records the job as FAILED at once; none of it ever ran.
        new = {job: state for job, state in cluster.job_states().items() if job not in jobs_before}
        assert set(new.values()) <= {"FAILED"}, new
        assert not (tmp_path / target).exists()

    def test_workflow_test_config_through_slurm_equals_local_run(self, cluster, tmp_path):
        assert SNAKEFILE.is_file(), f"{SNAKEFILE} is missing"
        assert TEST_CONFIG.is_file(), f"{TEST_CONFIG} is missing"
        args = [*WORKFLOW_TARGETS, "--snakefile", str(SNAKEFILE), "--configfile", "config/test.yaml"]
        local_dir, slurm_dir = workflow_workdir(tmp_path / "local"), workflow_workdir(tmp_path / "slurm")
        # Side by side: the SLURM run spends most of its time waiting for status polls.
        local = Snakemake([*args, "--cores", "2"], cwd=local_dir, env=plain_env(), log=tmp_path / "local.out")
        remote = Snakemake(
            [*args, *slurm_args(slurm_dir / "slurm_logs")], cwd=slurm_dir, env=cluster.env, log=tmp_path / "slurm.out"
        )
        try:
            local_run = local.wait(LOCAL_TIMEOUT_S)
            slurm_run = remote.wait(SLURM_TIMEOUT_S)
        finally:
            local.kill()
            remote.kill()
        assert local_run.returncode == 0, f"local run failed:\n{local_run.output[-6000:]}"
        assert slurm_run.returncode == 0, f"SLURM run failed:\n{slurm_run.output[-6000:]}"
        assert_every_job_went_through_sbatch(slurm_run, cluster, accounting=False)
        gpu_jobs = gpu_requests(slurm_run, cluster)
        assert gpu_jobs, f"no job of {WORKFLOW_TARGETS} declares a GPU"
        for slurm_id, request in gpu_jobs.items():
            assert "gpu" in request, f"SLURM job {slurm_id} of a GPU rule requested no GPU ({request!r})"
        differences = compare_results(local_dir / "results", slurm_dir / "results")
        assert not differences, "SLURM results differ from the local run's:\n" + "\n".join(differences[:50])


# --------------------------------------------------------------------------------------
# Cluster with accounting (slurmdbd + MariaDB): the plugin's default sacct polling


@pytest.fixture(scope="class")
def accounting_cluster(tmp_path_factory) -> LocalSlurm:
    c = start_cluster(tmp_path_factory.mktemp("slurmacct"), accounting=True)
    try:
        yield c
    finally:
        stop_and_check(c)


@needs_slurm
@needs_accounting
@pytest.mark.slurm
@pytest.mark.workflow
class TestWithAccounting:
    def test_default_sacct_polling_sees_gpu_job_complete(self, accounting_cluster, tmp_path):
        # sacct is what the plugin picks by itself where sacct exists; the profile's squeue
        # is overridden on the command line.
        run = run_snakemake(
            [
                "--snakefile",
                str(GPU_SNAKEFILE),
                *slurm_args(tmp_path / "logs"),
                "--slurm-status-command",
                "sacct",
                "--verbose",
                "gpus1/visible.txt",
            ],
            cwd=tmp_path,
            env=accounting_cluster.env,
            timeout_s=GPU_JOB_TIMEOUT_S,
        )
        assert run.returncode == 0, run.output[-6000:]
        assert "command=sacct" in run.output, "the plugin did not poll with sacct"
        assert_every_job_went_through_sbatch(run, accounting_cluster, accounting=True)
        _, devices = read_visible_gpus(tmp_path / "gpus1" / "visible.txt")
        assert len(devices) == 1


# --------------------------------------------------------------------------------------
# The harness itself


@needs_slurm
@pytest.mark.slurm
def test_stop_ends_daemons_and_running_jobs(tmp_path):
    cluster = start_cluster(tmp_path / "slurm", accounting=False)
    try:
        cluster.client("sbatch", "--parsable", f"--output={tmp_path}/sleep.out", "--wrap", "sleep 300")
        deadline = time.monotonic() + 120  # hang guard: the job starts within 4 s on the 2-core machine
        while "RUNNING" not in cluster.job_states().values():
            assert time.monotonic() < deadline, f"hang guard: job never started: {cluster.job_states()}"
            time.sleep(0.2)
        before = cluster.alive_pids()
        daemons = {p.pid for p in cluster.procs.values()}
        assert daemons < set(before), "the running job's processes do not carry the cluster marker"
    finally:
        leftover = cluster.stop()
    assert not leftover
    still_running = [pid for pid in before if _running(pid)]
    assert not still_running, f"pids alive after stop: {still_running}"


def _running(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
