"""Every finite network: the finite-width counterparts of the kernel presets
(:mod:`~gantk.nets.finite_net`), GA-CNTKg's autoencoders (Table 7,
:mod:`~gantk.nets.autoencoder`) and code generator (:mod:`~gantk.nets.generator`), the GAN
baselines' generators and discriminators (Tables 3–6, :mod:`~gantk.nets.gan`,
:mod:`~gantk.nets.stylegan2`) and spectral normalisation (:mod:`~gantk.nets.spectral_norm`)."""
