"""The neural-tangents side of ``nt_side_by_side.py``: one GA-NTK step with ``neural_tangents.stax``.

Runs in neural-tangents' own environment (the install line of
``tests/reference/make_nt_reference.py``), started by ``nt_side_by_side.py`` as a subprocess;
never imported by gantk. The architectures are the reference script's (``ARCHITECTURES``,
written independently of gantk's presets). It reads one JSON request per line on stdin and
answers one JSON line on stdout:

* ``{"cmd": "info"}`` → versions and the device;
* ``{"cmd": "setup", "preset": NAME, "data": NPZ, "lam": λ, "grad_out": NPZ}`` → loads float32
  ``x`` and ``z`` (n, H, W, C) from NPZ, computes K_xx, compiles the step, runs it once and
  writes ∇_Z to ``grad_out``; answers ``{"loss": L, "compile_s": s}``;
* ``{"cmd": "time", "repeats": r}`` → ``{"times": [s, ...]}``, one wall time per step;
* ``{"cmd": "quit"}``.

The step is the one of gantk's ``ganntk_loss``: K_xz = k(x, z), K_zz = k(z, z), the stacked
kernel with K_xx, D = (I − exp(−λK)) y through ``jax.scipy.linalg.expm`` (autodiff through
``eigh`` gives NaN on coinciding rows, so expm is neural-tangents' usable route), loss
½‖1 − D‖², value and gradient w.r.t. Z. Every product runs at full float32 precision, as
gantk's do, so the two engines compute the same numbers on a GPU too.
"""

from __future__ import annotations

import json
import sys
import time
import types
from pathlib import Path

# neural_tangents/__init__.py imports its TensorFlow-based `experimental` package; only
# `stax` is needed (as in make_nt_reference.py).
sys.modules["neural_tangents.experimental"] = types.ModuleType("neural_tangents.experimental")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reference"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import make_nt_reference as reference  # noqa: E402
import neural_tangents  # noqa: E402
import numpy as np  # noqa: E402
from neural_tangents import stax  # noqa: E402
from timing import call_seconds  # noqa: E402

jax.config.update("jax_enable_x64", False)  # the reference script turns it on at import; this step is float32
jax.config.update("jax_default_matmul_precision", "highest")


def make_step(name: str, lam: float):
    """(jitted value-and-∇_Z of the GA-NTK loss (z, x, k_xx), jitted K_xx of x) for architecture ``name``."""
    _, _, kernel_fn = stax.serial(*reference.ARCHITECTURES[name][2])

    def ntk(a, b):
        k = kernel_fn(a, b, "ntk")
        return k.reshape(a.shape[0], a.shape[0] if b is None else b.shape[0])

    def loss(z, x, k_xx):
        k_xz, k_zz = ntk(x, z), ntk(z, None)
        k = jnp.block([[k_xx, k_xz], [k_xz.T, k_zz]])
        y = jnp.concatenate([jnp.ones(x.shape[0], k.dtype), jnp.zeros(z.shape[0], k.dtype)])
        d = y - jax.scipy.linalg.expm(-lam * k) @ y
        return 0.5 * jnp.sum((1.0 - d) ** 2)

    return jax.jit(jax.value_and_grad(loss)), jax.jit(lambda x: ntk(x, None))


def main() -> None:
    state = {}
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request["cmd"]
        if cmd == "info":
            device = jax.devices()[0]
            answer = {"jax": jax.__version__, "neural_tangents": neural_tangents.__version__,
                      "device": device.device_kind, "platform": device.platform}  # fmt: skip
        elif cmd == "setup":
            data = np.load(request["data"])
            x, z = jnp.asarray(data["x"], jnp.float32), jnp.asarray(data["z"], jnp.float32)
            step, k_xx_fn = make_step(request["preset"], float(request["lam"]))
            k_xx = jax.block_until_ready(k_xx_fn(x))
            t0 = time.perf_counter()
            loss, grad = jax.block_until_ready(step(z, x, k_xx))
            np.savez(request["grad_out"], grad=np.asarray(grad))
            state = {"step": step, "args": (z, x, k_xx)}
            answer = {"loss": float(loss), "compile_s": time.perf_counter() - t0}
        elif cmd == "time":
            answer = {"times": call_seconds(state["step"], *state["args"], repeats=int(request["repeats"]))}
        elif cmd == "quit":
            return
        else:
            answer = {"error": f"unknown command {cmd!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
