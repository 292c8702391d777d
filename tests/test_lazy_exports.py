"""gantk.common.lazy: packages that re-export lazily import a submodule only when one of its names is used.

The point is the workflow's start-up cost: a job that scores toy points or Inception features
must not import JAX (through SSIM), and one that scores SSIM must not import torch (through FID).
Each case runs in a fresh interpreter, since this test process has long imported both.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from gantk.common.lazy import lazy_exports

# A hang guard only: a fresh interpreter importing JAX takes ~1 s on the 2-core machine.
HANG_GUARD_S = 120


def _modules_after(code: str) -> set[str]:
    probe = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(m for m in sys.modules if '.' not in m)))\n"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_toy_metrics_import_neither_jax_nor_torch():
    loaded = _modules_after(
        """
        from gantk import metrics
        import numpy as np
        points = np.random.default_rng(0).uniform(size=(16, 2))
        metrics.wasserstein_distance(points, points[::-1])
        """
    )
    assert "gantk" in loaded
    assert "jax" not in loaded and "torch" not in loaded


def test_ssim_imports_jax_not_torch():
    loaded = _modules_after("from gantk.metrics import am_ssim")
    assert "jax" in loaded and "torch" not in loaded


def test_the_package_namespace_is_the_submodules():
    import gantk.metrics as metrics
    from gantk.metrics import ssim, toy

    assert metrics.am_ssim is ssim.am_ssim
    assert metrics.mode_coverage is toy.mode_coverage
    assert {"am_ssim", "frechet_distance", "mode_coverage", "FeatureExtractor"} <= set(metrics.__all__)
    assert set(metrics.__all__) <= set(dir(metrics))
    with pytest.raises(AttributeError, match="gantk.metrics.*no_such_metric"):
        metrics.no_such_metric  # noqa: B018


def test_names_of_submodules_are_the_submodules_in_any_import_order():
    # ssim() and fid() share their modules' names; were they re-exported, the package attribute
    # would be the function or the module depending on which import ran first.
    for first in ("from gantk.metrics import am_ssim, frechet_distance", "import gantk.metrics.ssim", "import gantk.metrics"):
        code = f"""
            {first}
            import types, gantk.metrics as m
            from gantk.metrics import fid, ssim
            assert all(isinstance(x, types.ModuleType) for x in (fid, ssim, m.fid, m.ssim)), (fid, ssim)
            """
        _modules_after(code)


def test_a_name_is_looked_up_once_then_kept():
    namespace: dict = {}
    getattr_, dir_, public = lazy_exports("pkg", {"sqrt": "math"}, namespace, eager=["local"])
    import math

    assert public == ["local", "sqrt"]
    assert getattr_("sqrt") is math.sqrt
    assert namespace["sqrt"] is math.sqrt
    assert dir_() == ["local", "sqrt"]
    with pytest.raises(AttributeError, match="'pkg' has no attribute 'cbrt'"):
        getattr_("cbrt")
