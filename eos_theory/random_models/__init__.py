"""Random second-order regression models z_α = ½θᵀQ_αθ + G_αᵀθ − E_α, P parameters, D outputs.

* :mod:`.gd` – float64 GD for one model, with its outcome (converged, at the edge, diverged);
* :mod:`.ensemble` – seeded ensembles over many models and their statistics (never a proof).

May import :mod:`eos_theory.quadratic` (the 2-D prediction) and what it may import.
"""
