"""Sample-quality metrics: SSIM / AM-SSIM for images, Wasserstein and mode coverage for 2-D toys."""

from gantk.metrics.ssim import NearestSSIM as NearestSSIM
from gantk.metrics.ssim import am_ssim as am_ssim
from gantk.metrics.ssim import argmax_ssim_to_set as argmax_ssim_to_set
from gantk.metrics.ssim import gaussian_window as gaussian_window
from gantk.metrics.ssim import max_ssim_to_set as max_ssim_to_set
from gantk.metrics.ssim import nearest_by_ssim as nearest_by_ssim
from gantk.metrics.ssim import ssim as ssim
from gantk.metrics.toy import mode_coverage as mode_coverage
from gantk.metrics.toy import wasserstein_distance as wasserstein_distance
from gantk.metrics.toy import wasserstein_to_mixture as wasserstein_to_mixture
from gantk.metrics.fid import FID_SAMPLES as FID_SAMPLES
from gantk.metrics.fid import fid as fid
from gantk.metrics.fid import frechet_distance as frechet_distance
from gantk.metrics.fid import load_stats as load_stats
from gantk.metrics.fid import save_stats as save_stats
from gantk.metrics.fid import statistics as statistics
from gantk.metrics.inception import FeatureExtractor as FeatureExtractor
from gantk.metrics.inception import MissingWeightsError as MissingWeightsError
from gantk.metrics.inception import inception_features as inception_features
