"""Making data: λ from Algorithm 1 (:mod:`~gantk.synthesis.lambda_search`) and gradient
descent on the fake points Z of GA-NTK (:mod:`~gantk.synthesis.ga_ntk`)."""
