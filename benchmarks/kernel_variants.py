"""Candidate fast paths for one kernel tile, side by side with the library's path.

    python benchmarks/kernel_variants.py --preset cntk_mnist --n 128
    python benchmarks/kernel_variants.py --preset cntk_celeba --n 256     # on a GPU

Each variant computes the NTK of one n×n tile (``ElementNet.state``, no tiling) and
the gradient of a weighted sum of it w.r.t. the fakes, the part of a GA-CNTK step
that dominates on the CPU. Variants (each checked equal to the library's path first):

* ``library``      – ``gantk.kernels`` as it is: per-pixel input covariances in (H, W, N1, N2)
  maps, then k strided-slice sums per axis for each conv's k×k window mean; the ReLU rule's
  closed-form VJP.
* ``patch_input``  – the first conv fused with the input covariance: Σ¹ = w²·⟨patches(x₁),
  patches(x₂)⟩/(k²C) + b², one batched product per output position, so the
  full-resolution input map is never formed.
* ``block_window`` – each window mean (k a multiple of s) as a sum of s×s blocks and
  k/s shifted adds instead of k strided slices.
* ``relu_autodiff`` – the ReLU rule's formula differentiated by JAX instead of the
  library's closed-form VJP (the library's path before 2026-12-01).

Times are medians of the repeats after a warm-up; ratios are to ``library`` in the same run.
The script exits non-zero if a variant's kernel or gradient differs from the library's by
more than 1e-5 (relative).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from table_rows import emit
from timing import median_seconds

from gantk.kernels import Conv, Relu, input_shape, preset
from gantk.kernels.activations import _pair_shapes, _safe_sqrt, arccos_kernels
from gantk.kernels.layers import _activation
from gantk.kernels.state import KernelState
from gantk.common.precision import FULL


class PatchInputNet:
    """The net with its first Conv applied to the inputs' patches (see the module doc)."""

    def __init__(self, net):
        if not isinstance(net.layers[0], Conv):
            raise ValueError(f"{net.name} does not start with a Conv")
        self.net = net

    def state(self, x1, x2, same=None):
        conv = self.net.layers[0]
        k, channels = conv.kernel, x1.shape[-1]

        def patches(x):
            return lax.conv_general_dilated_patches(
                x, (k, k), (conv.stride, conv.stride), conv.padding,
                dimension_numbers=("NHWC", "HWIO", "NHWC"), precision=FULL,
            )  # fmt: skip

        p1, p2 = jnp.moveaxis(patches(x1), 0, 2), jnp.moveaxis(patches(x2), 0, 2)  # (H', W', N, k·k·C)
        scale, b2 = conv.w_std**2 / (k * k * channels), conv.b_std**2
        nngp = scale * jnp.einsum("hwnd,hwmd->hwnm", p1, p2, precision=FULL) + b2
        state = KernelState(
            nngp=nngp, ntk=nngp, var1=scale * jnp.sum(p1 * p1, -1) + b2, var2=scale * jnp.sum(p2 * p2, -1) + b2,
            same=same,
        )  # fmt: skip
        for layer in self.net.layers[1:]:
            state = layer(state)
        return state


@dataclasses.dataclass(frozen=True)
class BlockConv(Conv):
    """Conv whose window mean is s×s block sums plus k/s shifted adds (k a multiple of s)."""

    def window_mean(self, a, axes=None):
        k, s = self.kernel, self.stride
        if k % s:
            return super().window_mean(a, axes)
        for axis in (a.ndim - 2, a.ndim - 1) if axes is None else axes:
            size = a.shape[axis]
            ((lo, hi),) = lax.padtype_to_pads((size,), (k,), (s,), self.padding)
            out = (size + lo + hi - k) // s + 1
            length = (out - 1) * s + k
            pad = [(0, 0)] * a.ndim
            pad[axis] = (lo, max(length - size - lo, 0))
            a = lax.slice_in_dim(jnp.pad(a, pad), 0, length, axis=axis)
            blocks = a.reshape(a.shape[:axis] + (length // s, s) + a.shape[axis + 1 :]).sum(axis=axis + 1)
            a = sum(lax.slice_in_dim(blocks, r, r + out, axis=axis) for r in range(k // s))
        return a / k**2


def _relu_autodiff_rule(cov, var1, var2, same, spatial_first=False):
    q1, q2 = _pair_shapes(var1, var2, spatial_first)
    norm = _safe_sqrt(q1 * q2)
    rho = jnp.clip(cov / jnp.where(norm > 0, norm, 1.0), -1.0, 1.0)
    if same is not None:
        rho = jnp.where(same, 1.0, rho)
    k0, k1 = arccos_kernels(rho)
    return norm * k1, k0, var1 / 2, var2 / 2


@dataclasses.dataclass(frozen=True)
class AutodiffRelu(Relu):
    def __call__(self, state):
        return _activation(state, _relu_autodiff_rule)


def variants(net) -> dict:
    """name → object with ``.state(x1, x2)`` computing the same kernel."""
    blocks = tuple(BlockConv(**vars(layer)) if isinstance(layer, Conv) else layer for layer in net.layers)
    relus = tuple(AutodiffRelu() if isinstance(layer, Relu) else layer for layer in net.layers)
    block, autodiff = dataclasses.replace(net, layers=blocks), dataclasses.replace(net, layers=relus)
    return {"library": net, "patch_input": PatchInputNet(net), "block_window": block, "relu_autodiff": autodiff}


def _temp_gb(fn, args) -> float:
    """XLA's planned temporary buffers of the compiled ``fn`` in GB (NaN if the backend does not say)."""
    analysis = fn.lower(*args).compile().memory_analysis()
    return analysis.temp_size_in_bytes / 1e9 if analysis is not None else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cntk_mnist")
    parser.add_argument("--n", type=int, default=128, help="rows and columns of the tile")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    net = preset(args.preset)
    rng = np.random.default_rng(0)
    shape = (args.n, *input_shape(args.preset))
    x, z = (jnp.asarray(rng.uniform(size=shape).astype(np.float32)) for _ in range(2))
    w = jnp.asarray(rng.normal(size=(args.n, args.n)).astype(np.float32))
    device = jax.devices()[0]
    print(f"{datetime.date.today()} · {device.device_kind} ({device.platform}) · {args.preset} tile {args.n}×{args.n}")
    print("| variant | fwd (s) | fwd+bwd (s) | fwd ratio | fwd+bwd ratio | fwd / fwd+bwd temp (GB) | max rel. diff |")
    print("|---|---|---|---|---|---|---|")
    reference, failed = None, []
    for name, variant in variants(net).items():
        fwd = jax.jit(lambda z, x, v=variant: v.state(x, z).ntk)
        grad = jax.jit(jax.grad(lambda z, x, v=variant: jnp.sum(w * v.state(x, z).ntk)))
        value, gradient = fwd(z, x), grad(z, x)
        if reference is None:
            reference = (value, gradient)
        diff = max(
            float(jnp.max(jnp.abs(value - reference[0])) / jnp.max(jnp.abs(reference[0]))),
            float(jnp.linalg.norm(gradient - reference[1]) / jnp.linalg.norm(reference[1])),
        )
        t_fwd = median_seconds(fwd, z, x, repeats=args.repeats)
        t_grad = median_seconds(grad, z, x, repeats=args.repeats)
        m_fwd, m_grad = _temp_gb(fwd, (z, x)), _temp_gb(grad, (z, x))
        if name == "library":
            base = (t_fwd, t_grad)
        row = dict(preset=args.preset, n=args.n, variant=name, fwd_s=t_fwd, fwd_bwd_s=t_grad, fwd_temp_gb=m_fwd,
                   fwd_bwd_temp_gb=m_grad, max_rel_diff=diff, device=device.device_kind,
                   date=str(datetime.date.today()))  # fmt: skip
        line = (
            f"| {name} | {t_fwd:.4f} | {t_grad:.4f} | {base[0] / t_fwd:.2f}× | {base[1] / t_grad:.2f}× | "
            f"{m_fwd:.3f} / {m_grad:.3f} | {diff:.1e} |"
        )
        emit(row, line, args.json)
        if not diff < 1e-5:
            failed.append(f"{name}: relative difference {diff:.1e} from the library's kernel or gradient")
    if failed:
        raise SystemExit("variants disagree with the library: " + "; ".join(failed))


if __name__ == "__main__":
    main()
