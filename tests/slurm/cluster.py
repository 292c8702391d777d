"""Start and stop a throw-away single-node SLURM cluster on 127.0.0.1.

The cluster lives entirely under one directory (configs, state, spool, logs, fake GPU
device files, and with accounting a MariaDB data directory); its daemons listen on free
ephemeral ports and run in the foreground (``-D``) as children of the test, so that
:meth:`LocalSlurm.stop` ends them by the pids it started. Every process of the cluster,
including the job steps that ``slurmd`` forks, carries the environment variable
``GANTK_SLURM_TEST_ROOT=<root>``: ``stop`` also ends any such process left behind. Should
the test process itself be killed, Linux sends each daemon SIGTERM (``PR_SET_PDEATHSIG``).

No munge daemon (``auth/none``), no cgroups (``proctrack/linuxproc``, ``task/none``).
The node advertises ``cpus`` CPUs, ``memory_mb`` MiB and ``gpus`` GPUs whatever the
machine has (``SlurmdParameters=config_overrides``); each GPU's device file is a
symlink to ``/dev/null``.

Example::

    with start_local_slurm(tmp_path / "slurm", gpus=2) as cluster:
        subprocess.run(["sbatch", "--wrap", "hostname"], env=cluster.env, check=True)
"""

from __future__ import annotations

import contextlib
import ctypes
import getpass
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent

MARKER_VAR = "GANTK_SLURM_TEST_ROOT"
"""Environment variable that tags every process belonging to one test cluster."""

SLURM_BINARIES = ("slurmctld", "slurmd", "slurmstepd", "sbatch", "srun", "squeue", "sinfo", "scontrol", "scancel")
"""Daemons and clients the cluster and the snakemake SLURM plugin need (Debian: slurmctld, slurmd, slurm-client)."""

ACCOUNTING_BINARIES = ("slurmdbd", "sacct", "sacctmgr", "mariadbd", "mariadb-install-db")
"""Extra binaries for a cluster with accounting (Debian: slurmdbd, mariadb-server)."""

_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def find_binary(name: str) -> str | None:
    """Path of executable ``name`` on PATH or in the sbin directories, or None."""
    search = os.pathsep.join([os.environ.get("PATH", ""), *_SBIN_DIRS])
    return shutil.which(name, path=search)


def missing_binaries(names: tuple[str, ...]) -> list[str]:
    """The names in ``names`` that :func:`find_binary` cannot find."""
    return [n for n in names if find_binary(n) is None]


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that were free a moment ago."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class ClusterError(RuntimeError):
    """The test cluster could not be started or did not answer in time."""


@dataclass
class LocalSlurm:
    """A running single-node cluster; use as a context manager or call :meth:`stop`.

    Attributes:
        root: directory holding everything the cluster writes.
        conf: its ``slurm.conf``.
        env: environment for SLURM clients and for ``snakemake --executor slurm``:
            ``SLURM_CONF`` set, ``root/bin`` (an ``srun`` that restores ``SLURM_CONF``)
            first on PATH, inherited ``SLURM_*`` variables removed, the marker set.
        node, partition: names of the single node and its (default) partition.
        gpus: number of fake GPUs the node advertises.
        accounting: whether slurmdbd + MariaDB record jobs (``sacct`` works).
    """

    root: Path
    conf: Path
    env: dict[str, str]
    node: str
    partition: str
    gpus: int
    accounting: bool
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def client(self, *args: str, timeout_s: float = 15.0, check: bool = True) -> subprocess.CompletedProcess:
        """Run a SLURM client command (``sinfo``, ``squeue``...) against this cluster."""
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout_s, check=check)

    def job_states(self) -> dict[str, str]:
        """SLURM job id -> state for every job the controller still remembers (MinJobAge = 600 s)."""
        out = self.client("squeue", "--states=all", "--noheader", "--format=%i|%T").stdout
        return dict(line.split("|", 1) for line in out.split())

    def accounted_job_states(self) -> dict[str, str]:
        """SLURM job id -> state as recorded by accounting (``sacct``); needs ``accounting``."""
        out = self.client(
            "sacct", "-X", "--parsable2", "--noheader", "--format=JobIdRaw,State", "--starttime=now-1days"
        ).stdout
        return dict(line.split("|", 1) for line in out.split())

    def marked_pids(self) -> list[int]:
        """Pids of live processes whose environment carries this cluster's marker."""
        needle = f"{MARKER_VAR}={self.root}".encode() + b"\0"
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                zombie = "State:\tZ" in (entry / "status").read_text()
            except OSError:
                continue
            if not zombie and (environ.startswith(needle) or b"\0" + needle in environ):
                found.append(int(entry.name))
        return found

    def alive_pids(self) -> list[int]:
        """Pids started by this harness that are still running, plus any marked process."""
        started = [p.pid for p in self.procs.values() if p.poll() is None]
        return sorted(set(started) | set(self.marked_pids()))

    def stop(self, timeout_s: float = 60.0) -> list[int]:
        """Cancel all jobs, end the daemons by their pids, and sweep up marked processes.

        Safe to call twice and on a half-started cluster. Returns the pids still alive
        afterwards (empty when everything is gone).
        """
        ctld = self.procs.get("slurmctld")
        if ctld is not None and ctld.poll() is None:
            with contextlib.suppress(subprocess.SubprocessError, OSError, ValueError):
                ids = list(self.job_states())
                if ids:
                    self.client("scancel", "--full", *ids, timeout_s=10, check=False)
                    deadline = time.monotonic() + 10
                    while time.monotonic() < deadline and any(
                        s in ("PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED")
                        for s in self.job_states().values()
                    ):
                        time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "slurmdbd", "mariadbd"):
            proc = self.procs.get(name)
            if proc is not None:
                _terminate(proc, timeout_s / 4)
        deadline = time.monotonic() + timeout_s / 2
        while (leftover := self.marked_pids()) and time.monotonic() < deadline:
            for pid in leftover:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        return self.alive_pids()

    def __enter__(self) -> LocalSlurm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _terminate(proc: subprocess.Popen, timeout_s: float) -> None:
    """SIGTERM ``proc``, then SIGKILL it if it has not exited within ``timeout_s``; reap it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout_s)


def _render(template: str, dest: Path, **values: object) -> None:
    dest.write_text(Template((HERE / template).read_text()).substitute(**values))


def _clean_env(root: Path, conf: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_"))}
    env["SLURM_CONF"] = str(conf)
    env[MARKER_VAR] = str(root)
    env["PATH"] = os.pathsep.join([str(root / "bin"), env.get("PATH", ""), *_SBIN_DIRS])
    return env


def start_local_slurm(
    root: Path,
    *,
    gpus: int = 2,
    cpus: int = 8,
    memory_mb: int = 32000,
    accounting: bool = False,
    timeout_s: float = 60.0,
) -> LocalSlurm:
    """Start a single-node cluster under ``root`` (created; must not hold another cluster).

    Args:
        root: directory for configs, state, logs (``root/log``) and fake devices; keep it
            short (under ~80 characters), since sockets are created beneath it.
        gpus: fake GPUs the node advertises (>= 1), GRES type ``fake``.
        cpus, memory_mb: CPUs and memory (MiB) the node advertises.
        accounting: also start MariaDB and slurmdbd so that ``sacct`` answers.
        timeout_s: how long to wait for each daemon to come up.

    Returns:
        The running cluster; its node is idle and accepts jobs.

    Raises:
        ClusterError: a binary is missing or a daemon did not come up in time (the
            partly started cluster is stopped first; its logs stay under ``root/log``).
    """
    if gpus < 1:
        raise ValueError(f"gpus must be >= 1, got {gpus}")
    needed = SLURM_BINARIES + (ACCOUNTING_BINARIES if accounting else ())
    if missing := missing_binaries(needed):
        raise ClusterError(f"SLURM binaries not found: {', '.join(missing)} (run .ci/install_slurm.sh)")
    root = Path(root).resolve()
    if re.search(r"[\s'\"#=]", str(root)):
        raise ValueError(f"root {str(root)!r} holds a character slurm.conf cannot carry (space, quote, # or =)")
    for sub in ("state", "spool", "log", "dev", "bin"):
        (root / sub).mkdir(parents=True, exist_ok=False)
    for i in range(gpus):
        (root / "dev" / f"nvidia{i}").symlink_to("/dev/null")

    conf = root / "slurm.conf"
    user = getpass.getuser()
    ctld_port, slurmd_port, dbd_port, db_port = free_ports(4)
    values = dict(
        root=root,
        user=user,
        cluster_name="gantktest",
        node="gantk-node",
        partition="debug",
        cpus=cpus,
        memory_mb=memory_mb,
        gpus=gpus,
        last_gpu=gpus - 1,
        gpu_type="fake",
        slurmctld_port=ctld_port,
        slurmd_port=slurmd_port,
        slurmdbd_port=dbd_port,
        mariadb_port=db_port,
        jobacct_gather="jobacct_gather/linux" if accounting else "jobacct_gather/none",
        accounting=(
            "AccountingStorageType=accounting_storage/slurmdbd\n"
            f"AccountingStorageHost=127.0.0.1\nAccountingStoragePort={dbd_port}\n"
            "AccountingStorageTRES=gres/gpu"
            if accounting
            else "AccountingStorageType=accounting_storage/none"
        ),
    )
    _render("slurm.conf.in", conf, **values)
    _render("gres.conf.in", root / "gres.conf", **values)
    srun = root / "bin" / "srun"
    srun.write_text(
        "#!/bin/sh\n"
        "# The slurm executor's job step drops every SLURM_* variable before calling srun.\n"
        f"SLURM_CONF='{conf}' exec '{find_binary('srun')}' \"$@\"\n"
    )
    srun.chmod(srun.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    env = _clean_env(root, conf)
    cluster = LocalSlurm(
        root=root,
        conf=conf,
        env=env,
        node=values["node"],
        partition=values["partition"],
        gpus=gpus,
        accounting=accounting,
    )
    try:
        if accounting:
            _start_accounting(cluster, values, timeout_s)
        _spawn(cluster, "slurmctld", [find_binary("slurmctld"), "-D", "-f", str(conf)])
        _wait_for_port(cluster, "slurmctld", ctld_port, timeout_s)
        _spawn(cluster, "slurmd", [find_binary("slurmd"), "-D", "-f", str(conf), "-N", cluster.node])
        _wait_until(
            cluster,
            "slurmd",
            timeout_s,
            lambda: cluster.client("sinfo", "--noheader", "--Node", "--format=%T", check=False).stdout.strip()
            == "idle",
        )
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_accounting(cluster: LocalSlurm, values: dict, timeout_s: float) -> None:
    root = cluster.root
    dbd_conf = root / "slurmdbd.conf"
    _render("slurmdbd.conf.in", dbd_conf, **values)
    dbd_conf.chmod(0o600)  # slurmdbd refuses a config others can read
    datadir = root / "mariadb"
    init = subprocess.run(
        [
            find_binary("mariadb-install-db"),
            "--no-defaults",
            f"--datadir={datadir}",
            f"--user={values['user']}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ],
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if init.returncode != 0:
        raise ClusterError(f"mariadb-install-db failed ({init.returncode}): {init.stdout[-2000:]}{init.stderr[-2000:]}")
    _spawn(
        cluster,
        "mariadbd",
        [
            find_binary("mariadbd"),
            "--no-defaults",
            f"--datadir={datadir}",
            f"--user={values['user']}",
            f"--socket={root}/mariadb.sock",
            f"--pid-file={root}/mariadb.pid",
            f"--port={values['mariadb_port']}",
            "--bind-address=127.0.0.1",
            "--skip-grant-tables",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=8M",
            f"--log-error={root}/log/mariadb.log",
        ],
    )
    _wait_for_port(cluster, "mariadbd", values["mariadb_port"], timeout_s)
    _spawn(cluster, "slurmdbd", [find_binary("slurmdbd"), "-D"])
    _wait_for_port(cluster, "slurmdbd", values["slurmdbd_port"], timeout_s)
    _wait_until(
        cluster,
        "slurmdbd",
        timeout_s,
        lambda: cluster.client("sacctmgr", "-i", "add", "cluster", values["cluster_name"], check=False).returncode == 0,
    )


def _spawn(cluster: LocalSlurm, name: str, argv: list[str]) -> None:
    with open(cluster.root / "log" / f"{name}.out", "wb") as out:
        cluster.procs[name] = subprocess.Popen(
            argv,
            env=cluster.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cluster.root,
            preexec_fn=_die_with_parent,
        )


def _die_with_parent() -> None:
    """In the child before exec: have Linux SIGTERM the daemon if the test process is killed."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _daemon_died(cluster: LocalSlurm, name: str) -> ClusterError | None:
    proc = cluster.procs[name]
    if proc.poll() is None:
        return None
    tail = (cluster.root / "log" / f"{name}.out").read_text(errors="replace")[-3000:]
    return ClusterError(f"{name} exited with {proc.returncode} while starting; its output:\n{tail}")


def _wait_until(cluster: LocalSlurm, name: str, timeout_s: float, ready) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if err := _daemon_died(cluster, name):
            raise err
        with contextlib.suppress(subprocess.TimeoutExpired):
            if ready():
                return
        time.sleep(0.2)
    raise ClusterError(f"{name} was not ready after {timeout_s:.0f} s; see {cluster.root / 'log'}")


def _wait_for_port(cluster: LocalSlurm, name: str, port: int, timeout_s: float) -> None:
    def accepts() -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            return s.connect_ex(("127.0.0.1", port)) == 0

    _wait_until(cluster, name, timeout_s, accepts)
