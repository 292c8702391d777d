"""What every optimisation loop shares: the one loop driver (:mod:`~gantk.loop.driver`: step
counter, snapshots, checkpoints and exact resume, the NaN stop, logging, early stopping, time
budgets), its per-step record (:mod:`~gantk.loop.progress`), its checkpoint file
(:mod:`~gantk.loop.checkpoint`) and the rules that pick a run's result step, the paper's
early stopping of §13 / Table 9 (:mod:`~gantk.loop.stopping`)."""
