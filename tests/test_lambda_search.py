"""Algorithm 1 (λ search): the answer separates real data from noise; smaller ones do not."""

import jax.numpy as jnp
import numpy as np
import pytest

from gantk.objective.gp import labels, stack_kernel, discriminator
from gantk.kernels import kernel_matrix, preset
from gantk.synthesis.lambda_search import lambda_search, separation_errors


def _data(n=16, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, 8, 8, 1)) ** 3  # darker than the U[0,1] noise


def _error(x, net, lam, seed, noise_range=(0.0, 1.0)):
    import jax

    x = jnp.asarray(x)
    z = jax.random.uniform(jax.random.key(seed), x.shape, x.dtype, *noise_range)
    k = stack_kernel(kernel_matrix(net, x), kernel_matrix(net, x, z), kernel_matrix(net, z))
    y = labels(x.shape[0], x.shape[0], k.dtype)
    d = discriminator(k, y, lam)
    return float(jnp.sum((d - y) ** 2) / (2 * x.shape[0]))


def test_separation_errors_match_the_discriminator():
    k = jnp.asarray(np.cov(np.random.default_rng(1).normal(size=(6, 30))))
    y = labels(3, 3, k.dtype)
    lams = np.array([0.5, 2.0])
    want = [float(jnp.sum((discriminator(k, y, lam) - y) ** 2) / 6) for lam in lams]
    np.testing.assert_allclose(separation_errors(k, 3, lams), want, rtol=1e-10)


def test_doubling_returns_the_first_separating_power_of_two():
    net, x = preset("cntk_digits"), _data()
    res = lambda_search(x, net, seed=3, start=1 / 64, eps=1e-2)
    assert res.separated
    assert _error(x, net, res.lam, 3) <= 1e-2
    assert _error(x, net, res.lam / 2, 3) > 1e-2
    lams = [lam for lam, _ in res.trace]
    assert lams[0] == 1 / 64 and all(b == 2 * a for a, b in zip(lams, lams[1:]))
    assert res.trace[-1] == (res.lam, pytest.approx(_error(x, net, res.lam, 3), rel=1e-6))


def test_bisection_narrows_to_the_minimal_separating_lambda():
    net, x = preset("cntk_digits"), _data()
    coarse = lambda_search(x, net, seed=3, start=1 / 64, eps=1e-2)
    fine = lambda_search(x, net, seed=3, start=1 / 64, eps=1e-2, bisect_steps=6)
    assert coarse.lam / 2 < fine.lam <= coarse.lam
    assert _error(x, net, fine.lam, 3) <= 1e-2
    # six geometric halvings of a factor-2 bracket leave a factor 2**(1/64) between failing and separating
    failing = max(lam for lam, err in fine.trace if err > 1e-2)
    assert failing < fine.lam <= failing * 2 ** (1 / 64) * (1 + 1e-12)
    assert _error(x, net, failing, 3) > 1e-2


def test_a_start_that_already_separates_is_lowered_when_bisecting():
    net, x = preset("cntk_digits"), _data()
    res = lambda_search(x, net, seed=3, start=1024.0, eps=1e-2, bisect_steps=4)
    assert res.lam < 1024.0
    assert _error(x, net, res.lam, 3) <= 1e-2
    no_bisect = lambda_search(x, net, seed=3, start=1024.0, eps=1e-2)
    assert no_bisect.lam == 1024.0 and len(no_bisect.trace) == 1


def test_result_serialises_with_its_trace():
    res = lambda_search(_data(8), preset("fntk"), seed=0, start=1.0, eps=1e-2)
    d = res.to_dict()
    assert d["lam"] == res.lam and d["kernel"] == "fntk" and d["n"] == 8
    assert [t["lam"] for t in d["trace"]] == [lam for lam, _ in res.trace]


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="positive"):
        lambda_search(_data(4), preset("fntk"), eps=0.0)


def test_noise_is_drawn_over_the_given_range():
    # GA-CNTKg's codes lie in (−1, 1) (Table 7's tanh): its search draws the noise there.
    codes = np.random.default_rng(1).uniform(-1.0, 1.0, size=(16, 32)) ** 3
    net = preset("fntk")
    result = lambda_search(codes, net, seed=4, start=0.5, noise_range=(-1.0, 1.0))
    lam, err = result.trace[0]
    assert err == pytest.approx(_error(codes, net, lam, 4, (-1.0, 1.0)), rel=1e-6)
    assert err != pytest.approx(_error(codes, net, lam, 4), rel=1e-3)
    with pytest.raises(ValueError, match=r"noise_range .*lo < hi.*\(1.0, -1.0\)"):
        lambda_search(codes, net, noise_range=(1.0, -1.0))
