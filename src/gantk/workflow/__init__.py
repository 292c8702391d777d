"""The Snakemake workflow's planning as importable Python: the runs a config defines
(:mod:`~gantk.workflow.runs`), loading and checking a config (:mod:`~gantk.workflow.config`),
which runs each figure and table needs (:mod:`~gantk.workflow.targets`), the FID Z sets
(:mod:`~gantk.workflow.fid`) and the GAN baselines' runs (:mod:`~gantk.workflow.baselines`).
The top floor: it imports the library, the library never imports it."""
