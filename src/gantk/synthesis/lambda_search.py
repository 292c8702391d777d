"""Choosing λ = η·t (Algorithm 1, with the loop condition the text means).

With fakes Z drawn as pure noise, λ starts at ``start`` and doubles until the
discriminator nearly separates real data from noise:

    err(λ) = (1 / 2n) ‖D(X, Z; k, λ) − y‖² ≤ ε.

The paper's printed ``while err ≤ ε`` is inverted; its text ("search from small to
large for a value that makes the discriminator nearly separate real data from pure
noise") is what is implemented. The aim is the *minimal* separating λ, so an
optional bisection (geometric, between the last failing and the first separating
value) refines it; when ``start`` already separates, λ is first halved until it
fails, so the bracket exists.

One eigendecomposition of K serves every λ: D(λ) = y − V (e^{−λw} ∘ Vᵀy).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from gantk.objective.gp import labels, stack_kernel
from gantk.kernels import ElementNet, kernel_matrix


@dataclasses.dataclass(frozen=True)
class LambdaResult:
    """The chosen λ and every (λ, separation error) evaluated, in order."""

    lam: float
    trace: list[tuple[float, float]]
    start: float
    eps: float
    separated: bool
    kernel: str
    n: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able record of the search."""
        out = dataclasses.asdict(self)
        out["trace"] = [{"lam": lam, "error": err} for lam, err in self.trace]
        return out


def separation_errors(k: jax.Array, n_real: int, lams: np.ndarray) -> np.ndarray:
    """err(λ) = (1/2n)‖D − y‖² for each λ, from one eigendecomposition of K."""
    y = labels(n_real, k.shape[0] - n_real, k.dtype)
    w, v = jnp.linalg.eigh(k)
    b = v.T @ y
    lams = jnp.asarray(lams, k.dtype)
    residual = (v @ (jnp.exp(-lams[:, None] * w[None, :]) * b[None, :]).T).T  # D − y = −exp(−λK) y
    return np.asarray(jnp.sum(residual**2, axis=1) / k.shape[0])


def lambda_search(
    x: np.ndarray,
    net: ElementNet,
    *,
    seed: int = 0,
    start: float = 1.0,
    eps: float = 1e-2,
    bisect_steps: int = 0,
    max_doublings: int = 60,
    tile: int | None = None,
    noise_range: tuple[float, float] = (0.0, 1.0),
) -> LambdaResult:
    """Algorithm 1: the first λ (from ``start``, doubling) that separates X from noise.

    Args:
      x: (n, ...) real data in [0, 1].
      net: the element network of the discriminator.
      seed: seeds the noise Z ~ U[lo, hi] of the same shape as ``x``.
      start: the first λ tried (the paper's 1).
      eps: the separation threshold ε on err(λ) (the paper uses 1e-3 to 1e-2).
      bisect_steps: geometric bisection steps towards the minimal separating λ
        (0 = return the first separating value of the doubling sequence).
      max_doublings: give up after this many doublings (or halvings).
      tile: tile size for the kernel matrix.
      noise_range: (lo, hi) of the noise: the data's range, [0, 1] for pixels (the paper says
        only "pure noises"); GA-CNTKg passes its code range (−1, 1).

    Returns:
      A :class:`LambdaResult`; ``separated`` is False only if no λ up to
      ``start · 2**max_doublings`` separated, in which case ``lam`` is the largest tried.
    """
    if start <= 0 or eps <= 0:
        raise ValueError(f"start and eps must be positive, got start={start}, eps={eps}")
    if not noise_range[0] < noise_range[1]:
        raise ValueError(f"noise_range must be (lo, hi) with lo < hi, got {tuple(noise_range)}")
    x = jnp.asarray(x)
    z = jax.random.uniform(jax.random.key(seed), x.shape, x.dtype, *noise_range)
    k = stack_kernel(kernel_matrix(net, x, tile=tile), kernel_matrix(net, x, z, tile=tile), kernel_matrix(net, z, tile=tile))
    n = x.shape[0]

    def err(lam: float) -> float:
        value = float(separation_errors(k, n, np.array([lam]))[0])
        trace.append((lam, value))
        return value

    trace: list[tuple[float, float]] = []
    lam = start
    if err(lam) <= eps:
        separating = lam
        failing = None
        if bisect_steps:
            for _ in range(max_doublings):
                lam /= 2
                if err(lam) > eps:
                    failing = lam
                    break
                separating = lam
    else:
        failing, separating = lam, None
        for _ in range(max_doublings):
            lam *= 2
            if err(lam) <= eps:
                separating = lam
                break
            failing = lam
        if separating is None:
            return LambdaResult(lam, trace, start, eps, False, net.name, n, seed)
    if failing is not None:
        for _ in range(bisect_steps):
            mid = math.sqrt(failing * separating)
            if err(mid) <= eps:
                separating = mid
            else:
                failing = mid
    return LambdaResult(separating, trace, start, eps, True, net.name, n, seed)
