"""One GA-NTK step with neural-tangents and with gantk, side by side; the ratio per row.

    python benchmarks/nt_side_by_side.py                                  # both presets, n = 32 … 256
    python benchmarks/nt_side_by_side.py --results benchmarks/RESULTS.md  # and write the table there
    python benchmarks/nt_side_by_side.py --preset cntk_mnist --n 64 --rounds 3   # one quick row

The step is the same on both sides: value and ∇_Z of the GA-NTK loss ½‖1 − D‖² with
D = (I − exp(−λK)) y, K_xx precomputed, λ = 1 (``--lam``), float32, uniform inputs in [0, 1)
shared by both engines, every product at full float32 precision. gantk runs its default
route (``gantk.objective.gp.ganntk_loss``: eigendecomposition with its own VJP, untiled unless
``--tile``); neural-tangents 0.6.5 runs ``stax`` kernels and ``jax.scipy.linalg.expm``
(``nt_worker.py``) in its own environment, a subprocess started with ``--nt-python``
(default ``$NT_PYTHON``, else ``/work/ntenv/bin/python``), made with the install line of
``tests/reference/make_nt_reference.py``. On a GPU machine the same command runs unchanged
once that environment has ``jax[cuda12]==0.5.3`` instead of ``jax[cpu]``.

Both engines are compiled and checked first (the losses must agree to ``--rtol``, the
gradients are compared and reported); then ``--rounds`` rounds alternate the engines, who
goes first swapping each round, ``--repeats`` timed steps per engine per round, so a change
of load on a shared machine hits both. The step time is the median over all timed steps;
``ratio`` = neural-tangents / gantk (> 1: gantk is faster).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from table_rows import emit
from timing import call_seconds

from gantk.objective.gp import ganntk_loss
from gantk.kernels import input_shape, kernel_matrix, preset

HERE = Path(__file__).resolve().parent
COLUMNS = "| preset | n | neural-tangents (s) | gantk (s) | ratio | loss rel. diff | ∇Z rel. diff |"


class NeuralTangents:
    """The ``nt_worker.py`` subprocess in neural-tangents' environment, one request at a time."""

    def __init__(self, python: str):
        self.proc = subprocess.Popen(
            [python, str(HERE / "nt_worker.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"nt_worker.py exited (code {self.proc.wait()}) on {request['cmd']}: see its stderr above")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def close(self) -> None:
        self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait()


def gantk_step(name: str, x, z, lam: float, tile: int | None):
    """(the compiled step, its arguments, loss, ∇_Z) of gantk's GA-NTK step, K_xx precomputed."""
    net = preset(name)
    k_xx = jax.block_until_ready(kernel_matrix(net, x, tile=tile))
    step = jax.jit(jax.value_and_grad(lambda z, x, k: ganntk_loss(z, x, k, net, lam, tile=tile)))
    loss, grad = jax.block_until_ready(step(z, x, k_xx))
    return step, (z, x, k_xx), float(loss), np.asarray(grad)


def side_by_side(nt: NeuralTangents, name: str, n: int, args, workdir: Path) -> dict:
    """One row: both engines set up and compared, then timed in alternating rounds."""
    rng = np.random.default_rng(n)
    shape = (n, *input_shape(name))
    x, z = (rng.uniform(size=shape).astype(np.float32) for _ in range(2))
    data, grad_out = workdir / "data.npz", workdir / "nt_grad.npz"
    np.savez(data, x=x, z=z)
    step, step_args, loss, grad = gantk_step(name, jnp.asarray(x), jnp.asarray(z), args.lam, args.tile)
    nt_loss = nt.ask(cmd="setup", preset=name, data=str(data), lam=args.lam, grad_out=str(grad_out))["loss"]
    nt_grad = np.load(grad_out)["grad"]
    loss_diff = abs(loss - nt_loss) / abs(nt_loss)
    grad_diff = float(np.linalg.norm(grad - nt_grad) / np.linalg.norm(nt_grad))
    if not loss_diff <= args.rtol:
        raise SystemExit(f"{name} n={n}: losses differ, gantk {loss!r} vs neural-tangents {nt_loss!r}")

    times = {"gantk": [], "nt": []}
    for round_ in range(args.rounds):
        order = ("gantk", "nt") if round_ % 2 == 0 else ("nt", "gantk")
        for engine in order:
            if engine == "gantk":
                times["gantk"] += call_seconds(step, *step_args, repeats=args.repeats)
            else:
                times["nt"] += nt.ask(cmd="time", repeats=args.repeats)["times"]
    nt_s, gantk_s = statistics.median(times["nt"]), statistics.median(times["gantk"])
    return {"preset": name, "n": n, "tile": args.tile, "nt_s": nt_s, "gantk_s": gantk_s, "ratio": nt_s / gantk_s,
            "loss_rel_diff": loss_diff, "grad_rel_diff": grad_diff, "times": times}  # fmt: skip


def write_results(path: Path, platform_name: str, block: str) -> None:
    """Replace the block between this platform's markers in ``path`` (append it if there are none)."""
    begin, end = f"<!-- nt_side_by_side {platform_name} begin -->", f"<!-- nt_side_by_side {platform_name} end -->"
    text = path.read_text()
    if begin in text and end in text:
        text = text[: text.index(begin)] + begin + "\n" + block + text[text.index(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n{begin}\n{block}{end}\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", nargs="+", default=["cntk_mnist", "cntk_cifar10"])
    parser.add_argument("--n", type=int, nargs="+", default=[32, 64, 128, 256])
    parser.add_argument("--lam", type=float, default=1.0)
    parser.add_argument("--tile", type=int, default=None, help="gantk's kernel tile (default: untiled)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1, help="timed steps per engine per round")
    parser.add_argument("--rtol", type=float, default=1e-4, help="the largest loss difference accepted")
    parser.add_argument("--nt-python", default=os.environ.get("NT_PYTHON", "/work/ntenv/bin/python"))
    parser.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    parser.add_argument("--results", type=Path, default=None, help="write the table into this Markdown file")
    args = parser.parse_args()

    nt = NeuralTangents(args.nt_python)
    info = nt.ask(cmd="info")
    device = jax.devices()[0]
    load = os.getloadavg()[0]
    header = (
        f"{datetime.date.today()} · {device.device_kind} ({device.platform}, {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}) · gantk on jax {jax.__version__} · neural-tangents "
        f"{info['neural_tangents']} on jax {info['jax']} ({info['device']}) · load average {load:.1f} at the start"
    )
    print(header, flush=True)
    print(COLUMNS + "\n|---|---|---|---|---|---|---|", flush=True)
    lines = []
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.preset:
            for n in args.n:
                row = side_by_side(nt, name, n, args, Path(workdir))
                row.update(device=device.device_kind, platform=device.platform, date=str(datetime.date.today()),
                           jax=jax.__version__, nt_jax=info["jax"])  # fmt: skip
                line = (
                    f"| {name} | {n} | {row['nt_s']:.4f} | {row['gantk_s']:.4f} | {row['ratio']:.2f}× | "
                    f"{row['loss_rel_diff']:.1e} | {row['grad_rel_diff']:.1e} |"
                )
                emit(row, line, args.json)
                lines.append(line)
    nt.close()
    if args.results:
        command = "python benchmarks/nt_side_by_side.py " + " ".join(sys.argv[1:])
        block = (
            f"{header}, {os.getloadavg()[0]:.1f} at the end. Command: `{command}`\n\n"
            + COLUMNS + "\n|---|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n"
        )  # fmt: skip
        write_results(args.results, device.platform, block)


if __name__ == "__main__":
    main()
