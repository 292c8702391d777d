"""gantk: GA-NTK, single-level adversarial data synthesis with neural tangent kernels."""

__version__ = "0.1.0"
