"""What every optimisation loop shares: the per-step record, snapshots and NaN stop
(:mod:`~gantk.loop.progress`) and the rule that picks a run's result step, the paper's
early stopping of §13 / Table 9 (:mod:`~gantk.loop.stopping`)."""
