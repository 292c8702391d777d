"""Train the autoencoder of one data set (GA-CNTKg's code space): weights.npz and ae.json.

``train_on: split`` learns from every image of the data set's selection (the authors' choice),
with the autoencoder's ``options`` merged over the data set's (``{label: null}``: all of
CIFAR-10's classes; ``{attributes: {}}``: all of CelebA) and at most ``max_images`` of them (a
seeded random choice: all of CelebA at 64×64 is 10 GB as float32); ``train_on: subset``
learns from the run's n images.
"""

from pathlib import Path

from _job import read_subset, start

from gantk.generator.autoencoder import AETrainConfig, ae_preset, train_autoencoder

log = start(snakemake)
name = snakemake.wildcards.dataset
settings = dict(snakemake.params.settings)
dataset = snakemake.params.dataset
arch_name = settings.pop("architecture")
train_on = settings.pop("train_on")
max_images = settings.pop("max_images", None)
options = {**dataset["options"], **settings.pop("options", {})}
arch = ae_preset(arch_name)

if train_on == "split":
    from gantk.data.registry import dataset_selection
    from gantk.data.subsample import subsample_indices

    selection = dataset_selection(dataset["source"], options)
    if max_images is not None and max_images < len(selection):
        images = selection.read(subsample_indices(len(selection), max_images, settings.get("seed", 0)))
        source = f"{selection.description}: {max_images} of {len(selection)} images (seeded random choice)"
    else:
        images = selection.read()
        source = f"{selection.description}: all {len(images)} images"
else:
    images = read_subset(snakemake.input.data)
    source = f"the subset {snakemake.input.data} ({len(images)} images)"

if tuple(images.shape[1:]) != arch.image_shape:
    raise ValueError(
        f"config key 'autoencoders.{name}.architecture': {arch_name!r} is for {arch.image_shape} images, "
        f"but {name!r} has images of shape {tuple(images.shape[1:])}"
    )
log.info("autoencoder %s (code %s, %d values) on %s", arch_name, arch.code_shape, arch.code_size, source)
ae = train_autoencoder(images, arch, AETrainConfig(**settings), source=source)
ae.info["architecture_name"] = arch_name
ae.save(Path(snakemake.output.info).parent)
