# Config checks, wildcard constraints, and the workflow's planning (gantk.workflow) bound to
# this config: path templates, input functions and target lists. No rules and no functions
# live here; every rule file includes nothing else.
from functools import partial

from snakemake.logging import logger

from gantk.data.checksums import DOWNLOADS
from gantk.metrics.fid_sets import zset_seed
from gantk.workflow import (
    baseline_inputs,
    fid,
    frontier_inputs as frontier,
    generator_inputs as generator,
    inputs,
    plan,
)
from gantk.workflow.baselines import baseline_needs, check_config as check_baselines
from gantk.workflow.config import ConfigError, run_settings, validate_config
from gantk.workflow.paths import (
    AE_DIR,
    ALONG_RUN,
    BASELINE_FIGURES,
    CHECKPOINT,
    DATA,
    FID,
    FID_ALONG_RUN,
    FID_EXTRACTOR,
    FID_HELDOUT,
    FID_SPLIT_STATS,
    FID_SUBSET_STATS,
    FIGURES,
    NEAREST,
    FRONTIER_REFERENCES,
    FRONTIER_TABLE,
    GRADIENT_NORMS,
    HELDOUT,
    LAMBDA,
    LAMBDA_CODE,
    LATENT_GRID,
    METRICS,
    REFERENCE,
    REPRODUCTION,
    RUN,
    SENSITIVITY,
    TABLE,
    TABLE9,
    TABLES,
    ZSET_RUN,
    alternatives,
    method_pattern,
    wildcard_patterns,
)
from gantk.workflow.figures import SAMPLE_FIGURES
from gantk.workflow.figure_inputs import SAMPLE_TITLES
from gantk.workflow import figure_inputs as paper_figures
from gantk.workflow.targets import figure_runs, target_needs

# Stops the workflow, before any job exists, with one line per problem naming the key;
# fills in the runs that figures leave to the experiments (gantk.workflow.targets). Then
# one log line per configured target that the experiments cannot make (not in `all`).
CONFIG_SOURCE = ", ".join(map(str, workflow.configfiles)) or None
validate_config(
    config, workflow.source_path("../schemas/config.schema.yaml"), source=CONFIG_SOURCE
)
for line in plan.left_out_lines(target_needs(config)):
    logger.info(line)
BASELINE_PROBLEMS = check_baselines(config)
if BASELINE_PROBLEMS:
    raise ConfigError(BASELINE_PROBLEMS, CONFIG_SOURCE)
for line in plan.left_out_lines(baseline_needs(config)):
    logger.info(line)

ENV = "../envs/gantk.yaml"

# Scheduling (`priority:`; locally both cores stay busy to the end). Unprioritised, the
# scheduler left the FID jobs and the ring8 data set's subsample and λ search to the end of
# the default run, where they ran with one core idle (the FID part alone 80 s of 3 min 58 s,
# warm). Subsets and λ come first (every run waits on them); FID jobs next: the reference
# images' Inception statistics need no run, and a run's FID job is the longest step left
# once the run ends.
UPSTREAM_PRIORITY = 20
FID_PRIORITY = 10


wildcard_constraints:
    **wildcard_patterns(config),


# Target lists (gantk.workflow.plan).
all_inputs = partial(plan.all_inputs, config)
baseline_targets = partial(plan.baseline_targets, config)

# Data, λ, synthesis, metrics, figures and tables (gantk.workflow.inputs).
res = partial(inputs.resource, config)
published_file = inputs.published_file
download_urls = partial(inputs.download_urls, config)
dataset_files = partial(inputs.dataset_files, config)
dataset_settings = partial(inputs.dataset_settings, config)
reference_seed = partial(inputs.reference_seed, config)
ga_ntk_methods = partial(method_pattern, config, "ga_ntk")
synth_settings = partial(inputs.job_run_settings, config)
lambda_inputs = partial(inputs.lambda_inputs, config)
stop_inputs = partial(inputs.stop_inputs, config)
run_stop_file = partial(inputs.run_stop_file, config)
figure_config = partial(inputs.figure_config, config)
figure_inputs = partial(inputs.figure_inputs, config)
gradient_norms_dir = partial(inputs.gradient_norms_dir, config)
table_inputs = partial(inputs.table_inputs, config)
subset_size_table_inputs = partial(inputs.subset_size_table_inputs, config)
reproduction_inputs = partial(inputs.reproduction_inputs, config)

# GAN baselines (gantk.workflow.baseline_inputs).
gan_methods = partial(method_pattern, config, "gan")
gan_run_settings = synth_settings
baseline_section = partial(baseline_inputs.baseline_section, config)
table9_runs = partial(baseline_inputs.table9_runs, config)
table9_inputs = partial(baseline_inputs.table9_inputs, config)
sensitivity_inputs = partial(baseline_inputs.sensitivity_inputs, config)
toy_methods_inputs = partial(baseline_inputs.toy_methods_inputs, config)

# GA-CNTKg (gantk.workflow.generator_inputs).
ga_ntkg_methods = partial(method_pattern, config, "ga_ntkg")
autoencoder_settings = partial(generator.autoencoder_settings, config)
autoencoder_training_data = partial(generator.autoencoder_training_data, config)
autoencoder_dataset = partial(generator.autoencoder_dataset, config)
run_autoencoder = partial(generator.run_autoencoder, config)
code_lambda_input = partial(generator.code_lambda_input, config)
run_generator_files = partial(generator.run_generator_files, config)

# FID and the frontier (gantk.workflow.fid, gantk.workflow.frontier_inputs).
fid_settings = partial(fid.fid_settings, config)
zset_files = partial(fid.zset_files, config)
fid_sample_files = zset_files("samples.npz")
frontier_runs = partial(frontier.frontier_runs, config)
frontier_rows = partial(frontier.frontier_rows, config)
frontier_inputs = partial(frontier.frontier_inputs, config)

# The paper's figures added beside the first rules (gantk.workflow.figure_inputs).
nearest_inputs = partial(paper_figures.nearest_inputs, config)
toy_methods_shown = partial(paper_figures.toy_methods_shown, config)
toy_figure_inputs = partial(paper_figures.toy_figure_inputs, config)
