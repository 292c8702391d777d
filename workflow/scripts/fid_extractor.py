"""Load the FID feature extractor once and record which weights it is (results/fid/extractor.json).

Fails here, before any statistics are computed, when torch or the weights are missing
(the message says how to get them).
"""

import numpy as np
from _job import start

from gantk.common.io import save_json
from gantk.metrics.inception import FEATURE_DIM, FeatureExtractor

log = start(snakemake)
fid = snakemake.params.fid
extractor = FeatureExtractor(fid["weights"], fid["device"])
probe = extractor(np.full((2, 32, 32, 3), 0.5, np.float32))
if probe.shape != (2, FEATURE_DIM) or not np.all(np.isfinite(probe)):
    raise ValueError(f"the Inception network at {extractor.weights_path} gave features {probe.shape} that are not finite")
info = {**extractor.describe(), "feature_dim": FEATURE_DIM, "probe_feature_mean": float(probe.mean())}
log.info("FID extractor %s", info)
save_json(snakemake.output[0], info)
