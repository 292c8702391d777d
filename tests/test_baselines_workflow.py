"""The GAN parts of the workflow config: run settings → GANConfig, and the cross-section checks."""

import copy
from pathlib import Path

import pytest
import yaml

from gantk.baselines import METHODS, GANConfig
from gantk.workflow.baselines import baseline_needs, check_config
from gantk.workflow.config import ConfigError, Run, expand_runs, run_settings, validate_config

CONFIG = {
    "datasets": {
        "digits": {"type": "images", "source": "digits", "kernel": "cntk_digits"},
        "ring8": {"type": "toy", "source": "ring8", "kernel": "fntk"},
    },
    "methods": {
        "ga_fntk": {"kernels": ["fntk"], "steps": 10, "lr": 0.01, "optimizer": "adam"},
        "wgan_gp": {"kind": "gan", "gan": "wgan_gp", "steps": 10},
        "style": {"kind": "gan", "gan": "stylegan2", "steps": 10},
    },
    "experiments": [
        {"dataset": "digits", "n": [16], "seeds": [0], "methods": ["wgan_gp", "style"]},
        {"dataset": "ring8", "n": [32], "seeds": [0], "methods": ["ga_fntk", "wgan_gp"]},
    ],
    "baselines": {
        "table9": {"runs": [{"dataset": "digits", "n": 16, "seed": 0}], "methods": ["wgan_gp"]},
        "sensitivity": {"datasets": ["ring8"], "methods": ["wgan_gp", "ga_fntk"], "n": 32, "seed": 0, "budget_s": 1,
                        "grids": {"wgan_gp": {"lr": [1e-4]}, "ga_fntk": {"lam": [1.0]}}},
        "toy_figures": {"fig10_methods": {"dataset": "ring8", "n": 32, "seed": 0, "methods": ["ga_fntk", "wgan_gp"]}},
    },
}


def test_a_consistent_config_has_no_problems_and_makes_every_baseline_target():
    assert check_config(CONFIG) == []
    assert baseline_needs(CONFIG) == {}


def test_problems_name_their_config_keys():
    bad = copy.deepcopy(CONFIG)
    bad["experiments"][1]["methods"].append("style")
    bad["baselines"]["table9"]["methods"].append("ga_fntk")
    bad["baselines"]["sensitivity"]["datasets"] = ["digits"]
    bad["baselines"]["sensitivity"]["grids"]["wgan_gp"]["momentum"] = [0.9]
    bad["baselines"]["sensitivity"]["grids"]["stylegan2"] = {"lr": [1e-3]}
    problems = "\n".join(check_config(bad))
    assert "'methods.style': StyleGAN2 makes images, but 'ring8' holds 2-D points" in problems
    assert "baselines.table9" not in problems, "runs outside the experiments leave Table 9 out, no error"
    assert baseline_needs(bad)["table9"] == ("baselines.table9", "run digits n=16 seed=0 ga_fntk in the experiments")
    assert "'baselines.sensitivity.datasets': 'digits' is not a 2-D mixture" in problems
    assert "'baselines.sensitivity.grids.wgan_gp': setting(s) ['momentum'] are not allowed" in problems
    assert "'baselines.sensitivity.grids.stylegan2': 'stylegan2' is not a method for 2-D points" in problems


def test_run_settings_become_a_gan_config():
    cfg = GANConfig.from_settings({"kind": "gan", "gan": "sngan", "steps": 5, "hparams": {"n_dis": 2}}, seed=3)
    assert (cfg.method, cfg.steps, cfg.seed, cfg.gan_method.n_dis) == ("sngan", 5, 3, 2)
    with pytest.raises(ValueError, match=r"\['kernels'\]"):
        GANConfig.from_settings({"kind": "gan", "gan": "sngan", "steps": 5, "kernels": ["fntk"]}, seed=0)


# The shipped configs and the schema's GAN method block

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def _merged(*names: str) -> dict:
    """config/config.yaml with the others merged over it, nested mappings key by key (as Snakemake does)."""

    def merge(base, extra):
        for key, value in extra.items():
            base[key] = merge(base.get(key) or {}, value) if isinstance(value, dict) else value
        return base

    config: dict = {}
    for name in ("config.yaml", *names):
        merge(config, yaml.safe_load((REPO / "config" / name).read_text()))
    return config


@pytest.mark.parametrize("extra", [(), ("paper.yaml",)], ids=["default", "paper"])
def test_every_gan_run_of_a_shipped_config_makes_a_gan_config(extra):
    config = validate_config(_merged(*extra), SCHEMA)
    assert check_config(config) == []
    gan_runs = [r for r in expand_runs(config) if config["methods"][r.method].get("kind") == "gan"]
    names = {config["methods"][r.method]["gan"] for r in gan_runs}
    assert {"wgan_gp"} < names  # WGAN-GP and at least one other GAN
    for run in gan_runs:
        cfg = GANConfig.from_settings(run_settings(config, run), seed=run.seed)
        assert cfg.batch_size <= run.n or config["datasets"][run.dataset]["type"] == "toy"
    assert config["baselines"]["table9"] and config["baselines"]["sensitivity"]
    if extra:  # the paper: every baseline, the per-data-set iteration counts, Table 9's rule
        assert names == set(METHODS)
        steps = {(r.dataset, cfg.steps) for r in gan_runs if (cfg := GANConfig.from_settings(
            run_settings(config, r), seed=0)).method == "wgan_gp" and r.n == 256}
        assert steps == {("mnist", 80_000), ("cifar10", 400_000), ("celeba", 100_000), ("grid25", 20_000),
                         ("ring8", 20_000)} - {("grid25", 20_000), ("ring8", 20_000)}
        t9 = config["baselines"]["table9"]
        assert (t9["patience"], t9["delta"]) == (10_000, 0.05)
        assert {"ga_cntk_batch", "wgan_gp", "stylegan2"} <= set(t9["methods"])


def _gan_config(**method) -> dict:
    return {
        "datasets": {"ring8": {"type": "toy", "source": "ring8", "kernel": "fntk"}},
        "methods": {
            "fntk": {"kernels": ["fntk"], "steps": 5, "lr": 0.01, "optimizer": "adam"},
            "wgp": {"kind": "gan", "gan": "wgan_gp", "steps": 5, **method},
        },
        "experiments": [{"dataset": "ring8", "n": [64], "seeds": [0], "methods": ["fntk", "wgp"]}],
    }


def test_the_schema_fills_gan_defaults_and_leaves_ga_ntk_defaults_alone():
    config = validate_config(_gan_config(), SCHEMA)
    gan, ntk = config["methods"]["wgp"], config["methods"]["fntk"]
    assert (gan["batch_size"], gan["latent_dim"], gan["width"], gan["hparams"]) == (64, 64, 1.0, {})
    assert "solver" not in gan and "kernels" not in gan
    assert ntk["kind"] == "ga_ntk" and ntk["solver"] == "eigh" and "latent_dim" not in ntk
    assert run_settings(config, Run("ring8", 64, 0, "wgp"))["gan"] == "wgan_gp"


def test_a_gan_method_with_a_wrong_key_or_value_is_named():
    with pytest.raises(ConfigError) as info:
        validate_config(_gan_config(kernels=["fntk"], hparams={"momentum": 0.9}, gan_width=1), SCHEMA)
    text = "\n".join(info.value.problems)
    assert "config key 'methods.wgp.kernels' is not allowed" in text
    assert "config key 'methods.wgp.hparams.momentum' is not allowed" in text
    with pytest.raises(ConfigError, match=r"'methods.wgp.gan': 'biggan' is not allowed; allowed values: 'dcgan'"):
        validate_config(_gan_config(gan="biggan"), SCHEMA)


def test_an_experiment_override_that_no_gan_takes_is_named():
    config = _gan_config()
    config["experiments"][0]["settings"] = {"wgp": {"solver": "expm"}}
    problems = check_config(validate_config(config, SCHEMA))
    assert any(p.startswith("config key 'methods.wgp' (run ring8 n=64 seed=0)") and "['solver']" in p for p in problems)
