"""The paper's experiments that are more than one run: gradient vanishing (Fig. 5,
:mod:`~gantk.experiments.gradient_vanishing`), sensitivity to hyperparameters (Fig. 9,
:mod:`~gantk.experiments.toy_sensitivity`), speed to convergence (Table 9,
:mod:`~gantk.experiments.table9_speed`), the metrics tables beside the paper's
(:mod:`~gantk.experiments.tables`, ``paper_values.csv``), the AM-SSIM/FID frontier
(:mod:`~gantk.experiments.frontier`), the reproduction report
(:mod:`~gantk.experiments.reproduction`) and the float32-vs-float64 check
(:mod:`~gantk.experiments.precision_check`)."""
