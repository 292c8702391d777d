"""Fetch one published data set file; it appears under its name only once its size and SHA-256 match."""

from _job import start

from gantk.data.download import fetch

log = start(snakemake)
published = snakemake.params.published
fetch(snakemake.params.urls, snakemake.output[0], published.sha256, size=published.size)
