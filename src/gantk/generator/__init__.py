"""GA-CNTKg (§4, Eq. 8): an autoencoder trained on the real images
(:mod:`~gantk.generator.autoencoder`) and a generator of its codes trained against the
NTK-GP discriminator (:mod:`~gantk.generator.ga_cntkg`), with the code kernels and λ on codes
(:mod:`~gantk.generator.code_space`), the run settings (:mod:`~gantk.generator.config`) and
sampling, saving and loading a trained generator (:mod:`~gantk.generator.artefacts`)."""
