"""The single-level objective of GA-NTK (§3): the NTK-GP discriminator D = (I − e^{−λK}) y
(Eq. 3), its losses (Eq. 16 and the authors' cross-entropy), batch-wise (Eq. 5) and
multi-resolution (Eq. 7) forms (:mod:`~gantk.objective.gp`), and the Lanczos route for
large N (:mod:`~gantk.objective.krylov`)."""
