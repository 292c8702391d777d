"""Every figure, drawn only from saved arrays and tables: sample grids, learning curves,
toy panels, nearest neighbours, gradient norms, the frontier (:mod:`~gantk.plots.figures`)
and the GAN baselines' Fig. 4 / Fig. 9 panels (:mod:`~gantk.plots.baselines`). Imports no
other part of gantk, so a figure redraws without recomputing."""
