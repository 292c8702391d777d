"""Every figure, drawn only from saved arrays and tables, one module per kind of figure:
image grids and sample panels (:mod:`~gantk.plots.grids`: Figs 1, 2, 6, 8, 12-16, 20), curves
along runs (:mod:`~gantk.plots.curves`: Figs 3, 5, 11), toy panels (:mod:`~gantk.plots.toy`:
Figs 4, 10), samples beside what they resemble (:mod:`~gantk.plots.neighbours`: Figs 7,
17-19), the frontier (:mod:`~gantk.plots.frontier`) and the GAN baselines' Fig 4 / Fig 9
panels (:mod:`~gantk.plots.baselines`). Imports no other part of gantk, so a figure redraws
without recomputing."""
