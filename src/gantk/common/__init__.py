"""The floor every other part stands on: atomic artefact files (:mod:`~gantk.common.io`),
the ``gantk`` logger (:mod:`~gantk.common.logging_utils`), JAX's persistent compilation
cache (:mod:`~gantk.common.compile_cache`) and full-precision float32 products
(:mod:`~gantk.common.precision`). Imports nothing else of gantk."""
