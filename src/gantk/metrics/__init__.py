"""Sample-quality metrics: SSIM / AM-SSIM for images, Wasserstein and mode coverage for 2-D toys, FID.

Names are re-exported lazily (PEP 562), as in :mod:`gantk.data`: a submodule is imported when
one of its names is first used. SSIM is JAX code and FID is torch code, so a job that scores
toy points or Inception features does not pay JAX's import (~1 s of CPU per job on the 2-core
machine, for about 20 of the default run's jobs).

The functions ``ssim`` and ``fid`` share their names with their modules, so the package does
not re-export them: ``gantk.metrics.ssim`` and ``gantk.metrics.fid`` are always the modules
(``gantk.metrics.ssim.ssim``, ``gantk.metrics.fid.fid``), whatever was imported before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gantk.common.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "NearestSSIM": "gantk.metrics.ssim",
    "am_ssim": "gantk.metrics.ssim",
    "argmax_ssim_to_set": "gantk.metrics.ssim",
    "gaussian_window": "gantk.metrics.ssim",
    "max_ssim_to_set": "gantk.metrics.ssim",
    "nearest_by_ssim": "gantk.metrics.ssim",
    "mode_coverage": "gantk.metrics.toy",
    "wasserstein_distance": "gantk.metrics.toy",
    "wasserstein_to_mixture": "gantk.metrics.toy",
    "FID_SAMPLES": "gantk.metrics.fid",
    "frechet_distance": "gantk.metrics.fid",
    "load_stats": "gantk.metrics.fid",
    "save_stats": "gantk.metrics.fid",
    "statistics": "gantk.metrics.fid",
    "FeatureExtractor": "gantk.metrics.inception",
    "MissingWeightsError": "gantk.metrics.inception",
    "inception_features": "gantk.metrics.inception",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:
    from gantk.metrics.fid import FID_SAMPLES, frechet_distance, load_stats, save_stats, statistics
    from gantk.metrics.inception import FeatureExtractor, MissingWeightsError, inception_features
    from gantk.metrics.ssim import (
        NearestSSIM,
        am_ssim,
        argmax_ssim_to_set,
        gaussian_window,
        max_ssim_to_set,
        nearest_by_ssim,
    )
    from gantk.metrics.toy import mode_coverage, wasserstein_distance, wasserstein_to_mixture
