"""Test-wide settings: float64 available for reference comparisons."""

import jax

jax.config.update("jax_enable_x64", True)
