"""Algorithm 1 for one (dataset, kernel, n, seed): λ and its search trace as JSON."""

from _job import read_subset, start

from gantk.common.io import save_json
from gantk.kernels import preset
from gantk.synthesis.lambda_search import lambda_search

log = start(snakemake)
x = read_subset(snakemake.input.data)
result = lambda_search(x, preset(snakemake.wildcards.kernel), seed=int(snakemake.wildcards.seed), **snakemake.params.search)
if not result.separated:
    log.warning("no λ up to %g separated real data from noise (ε = %g); using the largest", result.lam, result.eps)
log.info("λ = %g after %d evaluations", result.lam, len(result.trace))
save_json(snakemake.output[0], result.to_dict())
