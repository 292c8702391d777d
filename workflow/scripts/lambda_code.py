"""Algorithm 1 in an autoencoder's code space for one (dataset, kernel, n, seed): λ and its trace."""

from pathlib import Path

from _job import read_subset, start

from gantk.generator.autoencoder import load_autoencoder
from gantk.generator.ga_cntkg import code_lambda_search
from gantk.common.io import save_json

log = start(snakemake)
ae = load_autoencoder(snakemake.input.ae_info)
x = read_subset(snakemake.input.data)
record = code_lambda_search(
    ae, x, snakemake.wildcards.kernel, seed=int(snakemake.wildcards.seed), **snakemake.params.search
)
if not record["separated"]:
    log.warning(
        "no λ up to %g separated real codes from noise (ε = %g); using the largest", record["lam"], record["eps"]
    )
log.info("λ = %g on codes of shape %s after %d evaluations", record["lam"], record["code_shape"], len(record["trace"]))
save_json(snakemake.output[0], {**record, "autoencoder": str(Path(snakemake.input.ae_info).parent)})
