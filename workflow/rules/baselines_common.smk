# Config checks, path templates and input functions of the GAN baseline rules
# (rules/baselines.smk); no rules live here. Needs rules/common.smk first.
#
# A GAN run is a config method of `kind: gan`; it writes the same files as a GA-NTK run
# (samples.npz, curve.csv, snapshots.npz, params.json), so the metrics rules and the metrics
# table treat it like any other. A killed job resumes from its checkpoint (under
# results/checkpoints/, removed once the run is saved). Needs the config section
# `baselines` (table9, sensitivity, toy_figures) and resources.train_gan / .sensitivity_grid.
from gantk.workflow.baselines import (
    baseline_needs,
    check_config as check_baselines_config,
    sensitivity_subsets,
    table9_runs as configured_table9_runs,
    toy_figure_runs,
)
from gantk.workflow.config import ConfigError

# Cross-section checks of the GAN parts, before any job exists (one line per problem).
_baseline_problems = check_baselines_config(config)
if _baseline_problems:
    raise ConfigError(
        _baseline_problems, ", ".join(map(str, workflow.configfiles)) or None
    )

# Baseline targets whose runs are not in the experiments: name -> (config key, needs).
BASELINE_LEFT_OUT = baseline_needs(config)
log_left_out(BASELINE_LEFT_OUT)

SENSITIVITY = "results/sensitivity/{dataset}/n{n}_s{seed}/{tuned}.csv"
BASELINE_FIGURES = {
    "fig4_methods": "results/figures/fig4_toy25_methods.png",
    "fig10_methods": "results/figures/fig10_toy8_methods.png",
    "fig9": "results/figures/fig9_sensitivity.png",
}
TABLE9 = "results/tables/table9"


def baselines_config():
    """The config's `baselines` section ({} when absent)."""
    return config.get("baselines") or {}


def gan_methods():
    """Methods the train_gan rule makes."""
    return alternatives(methods_of_kind(config, "gan")) or "(?!)"


def gan_run_settings(wildcards):
    """The GAN run's settings (its method block with the experiment's overrides)."""
    return run_settings(config, run_of(wildcards))


def baseline_section(key, target=None):
    """A sub-section of `baselines`; a clear error if the config does not set it, or if the
    experiments lack what ``target`` (a name of BASELINE_LEFT_OUT) needs."""
    section = baselines_config().get(key)
    if not section:
        raise ValueError(
            f"config key 'baselines.{key}' is not set: add it (see config/config.yaml) "
            "to make this target"
        )
    if target in BASELINE_LEFT_OUT:
        raise ValueError(cannot_make(target, *BASELINE_LEFT_OUT[target]))
    return section


def table9_runs():
    """Every run of Table 9: its subsets × its methods."""
    baseline_section("table9", "table9")
    return configured_table9_runs(config)


def table9_inputs(wildcards):
    runs = table9_runs()
    return {
        "curves": [run_files(r, "curve.csv") for r in runs],
        "params": [run_files(r, "params.json") for r in runs],
    }


def sensitivity_files():
    """One grid-search table per (mixture, method) of Fig 9."""
    sens = baseline_section("sensitivity", "fig9")
    return [
        SENSITIVITY.format(dataset=d, n=n, seed=s, tuned=m)
        for d, n, s in sensitivity_subsets(config)
        for m in sens["methods"]
    ]


def sensitivity_inputs(wildcards):
    subsets = sensitivity_subsets(config)
    return {
        "results": sensitivity_files(),
        "data": [DATA.format(dataset=d, n=n, seed=s) for d, n, s in subsets],
        "heldout": [HELDOUT.format(dataset=d, n=n, seed=s) for d, n, s in subsets],
    }


def toy_methods_inputs(name):
    def inputs(wildcards):
        fig = baseline_section("toy_figures").get(name)
        if not fig:
            raise ValueError(
                f"config key 'baselines.toy_figures.{name}' is not set: add it to make "
                f"{BASELINE_FIGURES[name]}"
            )
        if name in BASELINE_LEFT_OUT:
            raise ValueError(cannot_make(name, *BASELINE_LEFT_OUT[name]))
        runs = toy_figure_runs(config, name)
        return {
            "samples": [run_files(r, "samples.npz") for r in runs],
            "metrics": [METRICS.format(**r._asdict()) for r in runs],
            "data": subset_path(DATA, runs[0]),
        }

    return inputs


def baseline_targets():
    """Table 9, Fig 9 and Figs 4/10 with every method, for those the config sets and the
    experiments make."""
    section = baselines_config()
    configured = {
        "table9": bool(section.get("table9")),
        "fig9": bool(section.get("sensitivity")),
        **{
            name: bool((section.get("toy_figures") or {}).get(name))
            for name in ("fig4_methods", "fig10_methods")
        },
    }
    paths = {
        "table9": [f"{TABLE9}.csv", f"{TABLE9}.md"],
        **{k: [v] for k, v in BASELINE_FIGURES.items()},
    }
    return [
        path
        for name, wanted in configured.items()
        if wanted and name not in BASELINE_LEFT_OUT
        for path in paths[name]
    ]
