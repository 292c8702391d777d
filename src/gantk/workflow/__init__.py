"""The Snakemake workflow's planning as importable Python. The top floor: it imports the
library, the library never imports it; ``workflow/rules/common.smk`` binds it to a config.

* the config: :mod:`~gantk.workflow.runs` (the runs a config defines and their settings),
  :mod:`~gantk.workflow.schema` (the JSON schema's messages and defaults),
  :mod:`~gantk.workflow.config` (loading and checking across sections),
  :mod:`~gantk.workflow.figure_checks` and :mod:`~gantk.workflow.baselines` (checks of the
  figures and of the GAN baselines);
* the targets: :mod:`~gantk.workflow.targets` (the runs each figure and table needs, and
  what it lacks), :mod:`~gantk.workflow.plan` (the target lists of ``all``);
* the files: :mod:`~gantk.workflow.paths` (every path template), and the rules' input
  functions, :mod:`~gantk.workflow.inputs` (data, λ, synthesis, metrics, figures, tables),
  :mod:`~gantk.workflow.baseline_inputs`, :mod:`~gantk.workflow.generator_inputs`,
  :mod:`~gantk.workflow.fid` (FID runs and Z sets) and :mod:`~gantk.workflow.frontier_inputs`.
"""
