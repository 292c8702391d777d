# Config checks, path templates and input functions of the GAN baseline rules
# (rules/baselines.smk); no rules live here. Needs rules/common.smk first.
#
# A GAN run is a config method of `kind: gan`; it writes the same files as a GA-NTK run
# (samples.npz, curve.csv, snapshots.npz, params.json), so the metrics rules and the metrics
# table treat it like any other. A killed job resumes from its checkpoint (under
# results/checkpoints/, removed once the run is saved). Needs the config section
# `baselines` (table9, sensitivity, toy_figures) and resources.train_gan / .sensitivity_grid.
from gantk.baselines.workflow import check_config as check_baselines_config
from gantk.config import ConfigError

# Cross-section checks of the GAN parts, before any job exists (one line per problem).
_baseline_problems = check_baselines_config(config)
if _baseline_problems:
    raise ConfigError(
        _baseline_problems, ", ".join(map(str, workflow.configfiles)) or None
    )

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


def baseline_section(key):
    """A sub-section of `baselines`; a clear error if the config does not set it."""
    section = baselines_config().get(key)
    if not section:
        raise ValueError(
            f"config key 'baselines.{key}' is not set: add it (see config/config.yaml) "
            "to make this target"
        )
    return section


def table9_runs():
    """Every run of Table 9: its subsets × its methods."""
    t9 = baseline_section("table9")
    return [
        Run(s["dataset"], s["n"], s["seed"], m)
        for s in t9["runs"]
        for m in t9["methods"]
    ]


def table9_inputs(wildcards):
    runs = table9_runs()
    return {
        "curves": [run_files(r, "curve.csv") for r in runs],
        "params": [run_files(r, "params.json") for r in runs],
    }


def sensitivity_files():
    """One grid-search table per (mixture, method) of Fig 9."""
    sens = baseline_section("sensitivity")
    return [
        SENSITIVITY.format(dataset=d, n=sens["n"], seed=sens["seed"], tuned=m)
        for d in sens["datasets"]
        for m in sens["methods"]
    ]


def sensitivity_inputs(wildcards):
    sens = baseline_section("sensitivity")
    return {
        "results": sensitivity_files(),
        "data": [
            DATA.format(dataset=d, n=sens["n"], seed=sens["seed"])
            for d in sens["datasets"]
        ],
        "heldout": [
            HELDOUT.format(dataset=d, n=sens["n"], seed=sens["seed"])
            for d in sens["datasets"]
        ],
    }


def toy_methods_inputs(name):
    def inputs(wildcards):
        fig = baseline_section("toy_figures").get(name)
        if not fig:
            raise ValueError(
                f"config key 'baselines.toy_figures.{name}' is not set: add it to make "
                f"{BASELINE_FIGURES[name]}"
            )
        runs = [Run(fig["dataset"], fig["n"], fig["seed"], m) for m in fig["methods"]]
        return {
            "samples": [run_files(r, "samples.npz") for r in runs],
            "metrics": [METRICS.format(**r._asdict()) for r in runs],
            "data": subset_path(DATA, runs[0]),
        }

    return inputs


def baseline_targets():
    """Table 9, Fig 9 and Figs 4/10 with every method, for those the config sets."""
    section = baselines_config()
    targets = []
    if section.get("table9"):
        targets += [f"{TABLE9}.csv", f"{TABLE9}.md"]
    if section.get("sensitivity"):
        targets.append(BASELINE_FIGURES["fig9"])
    for name in ("fig4_methods", "fig10_methods"):
        if (section.get("toy_figures") or {}).get(name):
            targets.append(BASELINE_FIGURES[name])
    return targets
