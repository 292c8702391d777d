"""GA-CNTKg (§4, Eq. 8): an autoencoder trained on the real images
(:mod:`~gantk.generator.autoencoder`) and a generator of its codes trained against the
NTK-GP discriminator (:mod:`~gantk.generator.ga_cntkg`)."""
