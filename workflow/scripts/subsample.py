"""The data of one (dataset, n, seed): the training subset and a held-out reference.

Images: the subset artefact of gantk.data (n images of the data set's selection) and, in
the same format, up to n other images of the selection drawn with the reference seed.
Toy mixtures: n points (``points``) and a fresh sample of n points drawn with the
reference seed.
"""

import json

import numpy as np
from _job import start

from gantk.data.toy import sample_mixture
from gantk.common.io import save_npz

log = start(snakemake)
dataset = snakemake.params.dataset
n, seed, reference_seed = int(snakemake.wildcards.n), int(snakemake.wildcards.seed), snakemake.params.reference_seed
source, out = dataset["source"], snakemake.output

if dataset["type"] == "toy":
    for path, s in ((out.data, seed), (out.heldout, reference_seed)):
        meta = {"dataset": source, "n": n, "seed": s, "sampling": "gantk.data.toy.sample_mixture"}
        save_npz(path, points=sample_mixture(source, n, s), meta=np.array(json.dumps(meta)))
else:
    from gantk.data.registry import dataset_selection, make_subsample
    from gantk.data.subsample import heldout_indices, write_subsample

    subset = make_subsample(source, dataset["options"], n, seed, out.data)
    selection = dataset_selection(source, dataset["options"])
    picked = heldout_indices(len(selection), subset.indices, n, reference_seed)
    count, rest = len(picked), len(selection) - len(subset.indices)
    meta = {**subset.meta, "n": count, "seed": reference_seed, "heldout_from": "images outside the subset"}
    write_subsample(
        out.heldout,
        selection.read(picked),
        picked,
        meta,
        source_index=selection.source_index[picked],
        source_name=selection.source_name[picked],
    )
    log.info("%s: %d images, %d held out of %d outside the subset", selection.description, n, count, rest)
