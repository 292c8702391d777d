"""GAN baselines of the paper's tables: DCGAN, LSGAN, WGAN, WGAN-GP, SN-GAN, vanilla GAN, StyleGAN2.

* :mod:`~gantk.baselines.methods` — the registry: each method is its loss, its networks
  and its optimiser settings (:func:`get_method`, :data:`METHODS`).
* :mod:`~gantk.baselines.train` — the GAN run through the library's one loop driver
  (:func:`train_gan`); its settings and result are :mod:`~gantk.baselines.config`
  (:class:`GANConfig`), one iteration's maths :mod:`~gantk.baselines.steps`.
* :mod:`~gantk.baselines.losses` — the GAN objectives and the gradient penalties.
* :mod:`~gantk.nets.gan` — DCGAN/InfoGAN-shaped CNNs and the toy MLPs.
* :mod:`~gantk.nets.stylegan2` — StyleGAN2's generator and discriminator, small.
* :mod:`~gantk.nets.spectral_norm` — spectral normalisation (SN-GAN).
* the stopping rule of Table 9 is :mod:`gantk.loop.stopping`, shared with the GA-NTK methods.
* :mod:`~gantk.experiments.table9_speed` — Table 9 rows from recorded curves.

Example (a few WGAN-GP iterations on the 8-mode mixture)::

    from gantk.baselines import GANConfig, train_gan
    from gantk.data.toy import sample_mixture

    result = train_gan(sample_mixture("ring8", 256, seed=0), GANConfig("wgan_gp", steps=20, width=0.25))
    result.z.shape   # (256, 2)
"""

from gantk.baselines.losses import LOSSES as LOSSES
from gantk.baselines.losses import GANLoss as GANLoss
from gantk.baselines.losses import get_loss as get_loss
from gantk.baselines.losses import gradient_penalty as gradient_penalty
from gantk.baselines.losses import r1_penalty as r1_penalty
from gantk.baselines.methods import METHODS as METHODS
from gantk.baselines.methods import GANMethod as GANMethod
from gantk.baselines.methods import OptimizerSettings as OptimizerSettings
from gantk.baselines.methods import get_method as get_method
from gantk.nets.spectral_norm import power_iteration as power_iteration
from gantk.baselines.config import GANConfig as GANConfig
from gantk.baselines.config import GANResult as GANResult
from gantk.baselines.train import train_gan as train_gan
