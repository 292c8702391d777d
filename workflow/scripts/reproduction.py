"""The reproduction report (results/reproduction.md): gantk.experiments.reproduction over Tables 1, 2 and 9."""

import pandas as pd
from _job import start

from gantk.common.io import save_text
from gantk.experiments.reproduction import report_rows, to_markdown

log = start(snakemake)
sections = {
    name: report_rows(name, pd.read_csv(path), snakemake.params.datasets)
    for name, path in snakemake.input.items()
}
for name, rows in sections.items():
    log.info("%s: %d numbers, %d with a paper value", name, len(rows), int(rows["paper"].notna().sum()))
config_note = "Config: " + ", ".join(snakemake.params.configfiles)
save_text(snakemake.output[0], to_markdown(sections, config_note=config_note))
