"""The ReLU / erf Gaussian expectations against 2-D Gauss–Hermite quadrature."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gantk.kernels.activations import arccos_kernels, erf_rule, relu_rule
from scipy.integrate import dblquad, quad
from scipy.special import erf


def _gaussian_expectation(f, g, q1, q2, c, positive_quadrant=False):
    """E[f(u) g(v)] for (u, v) ~ N(0, [[q1, c], [c, q2]]) by adaptive 2-D quadrature.

    With ``positive_quadrant`` the integral is restricted to u, v > 0 (where the
    integrand of a ReLU pair lives), which keeps the kink off the integration domain.
    """
    cov = np.array([[q1, c], [c, q2]])
    inv, det = np.linalg.inv(cov), np.linalg.det(cov)

    def integrand(v, u):
        quad_form = inv[0, 0] * u * u + 2 * inv[0, 1] * u * v + inv[1, 1] * v * v
        return f(u) * g(v) * np.exp(-quad_form / 2) / (2 * math.pi * math.sqrt(det))

    lo1, lo2 = (0.0, 0.0) if positive_quadrant else (-12 * math.sqrt(q1), -12 * math.sqrt(q2))
    value, _ = dblquad(integrand, lo1, 12 * math.sqrt(q1), lo2, 12 * math.sqrt(q2), epsabs=1e-13, epsrel=1e-11)
    return value


CASES = [(1.0, 1.0, 0.3), (0.5, 2.0, -0.4), (1.3, 0.7, 0.9)]


@pytest.mark.parametrize("q1,q2,c", CASES)
def test_relu_rule_matches_quadrature(q1, q2, c):
    identity = lambda a: a  # noqa: E731
    one = lambda a: 1.0  # noqa: E731
    nngp, deriv, v1, v2 = relu_rule(jnp.array([[c]]), jnp.array([q1]), jnp.array([q2]), None)
    expected = _gaussian_expectation(identity, identity, q1, q2, c, positive_quadrant=True)
    assert float(nngp[0, 0]) == pytest.approx(expected, rel=1e-8)
    expected = _gaussian_expectation(one, one, q1, q2, c, positive_quadrant=True)
    assert float(deriv[0, 0]) == pytest.approx(expected, rel=1e-8)
    assert float(v1[0]) == pytest.approx(q1 / 2, rel=1e-12)
    assert float(v2[0]) == pytest.approx(q2 / 2, rel=1e-12)


@pytest.mark.parametrize("q1,q2,c", CASES)
def test_erf_rule_matches_quadrature(q1, q2, c):
    derf = lambda a: 2 / math.sqrt(math.pi) * np.exp(-a * a)  # noqa: E731
    nngp, deriv, v1, _ = erf_rule(jnp.array([[c]]), jnp.array([q1]), jnp.array([q2]), None)
    assert float(nngp[0, 0]) == pytest.approx(_gaussian_expectation(erf, erf, q1, q2, c), rel=1e-8)
    assert float(deriv[0, 0]) == pytest.approx(_gaussian_expectation(derf, derf, q1, q2, c), rel=1e-8)
    var, _ = quad(lambda u: erf(u) ** 2 * np.exp(-u * u / (2 * q1)) / math.sqrt(2 * math.pi * q1), -np.inf, np.inf)
    assert float(v1[0]) == pytest.approx(var, rel=1e-8)


def test_relu_same_pairs_take_exact_theta_zero_values():
    q = jnp.array([0.7, 2.5])
    cov = jnp.array([[0.7 * (1 - 1e-9), 0.1], [0.1, 2.5 * (1 + 1e-9)]])  # rounding-perturbed diagonal
    nngp, deriv, _, _ = relu_rule(cov, q, q, jnp.eye(2, dtype=bool))
    np.testing.assert_array_equal(np.diag(np.asarray(nngp)), np.asarray(q) / 2)
    np.testing.assert_array_equal(np.diag(np.asarray(deriv)), [0.5, 0.5])


def test_arccos_kernel_derivatives_are_finite_at_rho_one_and_exact_inside():
    for rho in (1.0, 1.0 - 1e-12):
        d0, d1 = jax.jacfwd(arccos_kernels)(jnp.float64(rho))
        assert np.isfinite(float(d0)) and np.isfinite(float(d1))
        assert float(d1) == pytest.approx(0.5, abs=1e-5)
    rho = 0.3
    d0, d1 = jax.jacfwd(arccos_kernels)(jnp.float64(rho))
    assert float(d0) == pytest.approx(1 / (2 * math.pi * math.sqrt(1 - rho**2)), rel=1e-12)
    assert float(d1) == pytest.approx((math.pi - math.acos(rho)) / (2 * math.pi), rel=1e-12)


def _relu_rule_by_autodiff(cov, var1, var2, same):
    """The ReLU rule's cross maps as plain jnp, differentiated by JAX (the reference)."""
    norm = jnp.sqrt(var1[:, None] * var2[None, :])
    rho = jnp.clip(cov / norm, -1.0, 1.0)
    if same is not None:
        rho = jnp.where(same, 1.0, rho)
    k0, k1 = arccos_kernels(rho)
    return norm * k1, k0


@pytest.mark.parametrize("with_same", [False, True])
def test_relu_rule_vjp_equals_autodiff_of_the_formula(with_same):
    """Spatial maps (N1, N2, H, W), some pairs coinciding, some correlations clipped."""
    rng = np.random.default_rng(3)
    var1 = jnp.asarray(rng.uniform(0.5, 2.0, size=(3, 2, 2)))
    var2 = jnp.asarray(rng.uniform(0.5, 2.0, size=(4, 2, 2)))
    corr = rng.uniform(-0.95, 0.95, size=(3, 4, 2, 2))
    corr[0, 1, 0, 0] = 1.2  # a rounding overshoot: clipped to ρ = 1
    cov = jnp.asarray(corr) * jnp.sqrt(var1[:, None] * var2[None, :])
    same = jnp.zeros((3, 4, 1, 1), bool).at[1, 2].set(True) if with_same else None
    cts = tuple(jnp.asarray(rng.normal(size=(3, 4, 2, 2))) for _ in range(2))

    def ours(c, v1, v2):
        return relu_rule(c, v1, v2, same)[:2]

    def reference(c, v1, v2):
        return _relu_rule_by_autodiff(c, v1, v2, same)

    got_value, got_vjp = jax.vjp(ours, cov, var1, var2)
    want_value, want_vjp = jax.vjp(reference, cov, var1, var2)
    for got, want in zip(got_value, want_value):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    for got, want in zip(got_vjp(cts), want_vjp(cts)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert float(jnp.abs(got_vjp(cts)[0][0, 1, 0, 0])) == 0.0  # clipped: ρ does not move


def test_float32_arccos_is_within_two_ulps_of_pi_of_the_float64_one_and_exact_at_the_ends():
    """The float32 polynomial (half-angle identity past |ρ| = ½) against float64 ``arccos``."""
    from gantk.kernels.activations import arccos

    rho = np.concatenate([np.linspace(-1, 1, 400_001), 1 - np.logspace(-8, -1, 200), -1 + np.logspace(-8, -1, 200),
                          np.nextafter(np.float32([0.5, -0.5]), 0), np.float32([0.5, -0.5, 0])]).astype(np.float32)  # fmt: skip
    got = np.asarray(jax.jit(arccos)(jnp.asarray(rho)), np.float64)
    want = np.arccos(rho.astype(np.float64))
    assert np.max(np.abs(got - want)) <= 2 * np.spacing(np.float32(np.pi))
    assert arccos(jnp.float32(1.0)) == 0.0 and arccos(jnp.float32(-1.0)) == np.float32(np.pi)
    assert np.all(np.diff(got[:400_001]) <= 0)  # decreasing, as arccos is
    x64 = jnp.asarray(np.linspace(-1, 1, 1001))
    np.testing.assert_array_equal(arccos(x64), jnp.arccos(x64))  # float64 keeps the library's arccos
