"""Closed-form NTK / NNGP kernels of infinitely wide element networks."""

from gantk.kernels.evaluate import kernel_fn as kernel_fn
from gantk.kernels.evaluate import kernel_matrix as kernel_matrix
from gantk.kernels.layers import B_STD as B_STD
from gantk.kernels.layers import W_STD as W_STD
from gantk.kernels.layers import Conv as Conv
from gantk.kernels.layers import Dense as Dense
from gantk.kernels.layers import ElementNet as ElementNet
from gantk.kernels.layers import Erf as Erf
from gantk.kernels.layers import Flatten as Flatten
from gantk.kernels.layers import Relu as Relu
from gantk.kernels.layers import serial as serial
from gantk.kernels.presets import INPUT_SHAPES as INPUT_SHAPES
from gantk.kernels.presets import PRESETS as PRESETS
from gantk.kernels.presets import input_shape as input_shape
from gantk.kernels.presets import preset as preset
from gantk.kernels.state import KernelState as KernelState
