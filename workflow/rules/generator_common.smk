# Path templates and input functions of the GA-CNTKg rules (rules/generator.smk); no rules
# live here. Needs rules/common.smk first.
#
# The autoencoder of a data set is trained once (config `autoencoders.{dataset}`): on the
# whole selection of the data set (`train_on: split`, the authors' choice) into
# results/ae/{dataset}/split/, or on the run's n images (`train_on: subset`) into
# results/ae/{dataset}/n{n}_s{seed}/. Every GA-CNTKg run of that data set reuses it.

AE_DIR = "results/ae/{dataset}/{ae_scope}"
LAMBDA_CODE = "results/lambda/{dataset}/code_{kernel}/n{n}_s{seed}.json"
LATENT_GRID = f"{RUN}/latent_grid.npz"

FIGURES.update(
    {
        "fig11": "results/figures/fig11_generator_learning_curve.png",
        "fig20": "results/figures/fig20_latent_grid.png",
    }
)


def ga_ntkg_methods():
    """Methods the ga_cntkg rule makes (a regex that matches nothing when there are none)."""
    return alternatives(methods_of_kind(config, "ga_ntkg")) or "(?!)"


def autoencoder_settings(dataset):
    """The config block `autoencoders.{dataset}`; a clear error if GA-CNTKg runs without one."""
    block = config.get("autoencoders", {}).get(dataset)
    if not block:
        raise ValueError(
            f"GA-CNTKg on {dataset!r} needs a pre-trained autoencoder: set config key "
            f"'autoencoders.{dataset}' (architecture, train_on, ...; see config/config.yaml)"
        )
    return block


def autoencoder_dir(dataset, n, seed):
    """Folder of the autoencoder that GA-CNTKg runs on subset (dataset, n, seed) use."""
    scope = (
        "split"
        if autoencoder_settings(dataset)["train_on"] == "split"
        else f"n{n}_s{seed}"
    )
    return AE_DIR.format(dataset=dataset, ae_scope=scope)


def run_autoencoder(wildcards):
    """ae.json and weights.npz of the autoencoder of the job's subset."""
    folder = autoencoder_dir(wildcards.dataset, wildcards.n, wildcards.seed)
    return {"ae_info": f"{folder}/ae.json", "ae_weights": f"{folder}/weights.npz"}


def autoencoder_training_data(wildcards):
    """The images an autoencoder learns from: the data set's files, or the run's subset."""
    if wildcards.ae_scope == "split":
        options = autoencoder_settings(wildcards.dataset).get("options")
        return {"files": dataset_files(wildcards, options)}
    n, seed = re.fullmatch(r"n(\d+)_s(\d+)", wildcards.ae_scope).groups()
    return {"data": DATA.format(dataset=wildcards.dataset, n=n, seed=seed)}


def code_lambda_input(wildcards):
    """The code-space λ search of the run's single kernel."""
    kernels = synth_settings(wildcards)["kernels"]
    if len(kernels) != 1:
        raise ValueError(
            f"config key 'methods.{wildcards.method}.kernels': a GA-CNTKg method takes one "
            f"kernel on codes, got {kernels}"
        )
    return LAMBDA_CODE.format(
        dataset=wildcards.dataset,
        kernel=kernels[0],
        n=wildcards.n,
        seed=wildcards.seed,
    )


def autoencoder_dataset(wildcards):
    """The data set block of an autoencoder job (with a folder's fingerprint under the
    autoencoder's ``options`` for `train_on: split`)."""
    if wildcards.ae_scope != "split":
        return dataset_settings(wildcards)
    return dataset_settings(
        wildcards, autoencoder_settings(wildcards.dataset).get("options")
    )


def run_generator_files(wildcards):
    """The saved generator of the job's GA-CNTKg run and its autoencoder."""
    run = run_of(wildcards)
    return {
        "params": run_files(run, "params.json"),
        "generator": run_files(run, "generator.npz"),
        **run_autoencoder(wildcards),
    }
