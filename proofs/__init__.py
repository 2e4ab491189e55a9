"""Proof scripts, one per result; installed as ``eos_theory.proofs``.

Each module declares its claims with :func:`eos_theory.core.registry.claim` and proves them step
by step with a :class:`eos_theory.core.proof.Proof`.  Run one directly to read its steps::

    python -m eos_theory.proofs.gradient_flow

``ORDER`` is the order of the report: the seed text's claims in the paper's order (``PAPER``),
then the results the project derives beyond the text (``DERIVED``).
"""

PAPER = [
    "model_definition",  # abstract, §1, §2.1: the model, NTK vs Hessian, constant-NTK contrast
    "gradient_flow",  # §2.1 eq. (1)-(2)
    "target_identity",  # §2.1: E in terms of J, Q⁺, z
    "eigenbasis",  # §2.1: rescaling, rotation, eigenbasis GF equations
    "curvature",  # §2.1: sign of z, sharpening modes, the PS initialisation
    "gradient_descent",  # §1, §2.2: GD counterparts, 2-D map, 2/η, oscillation, landscape
    "headline",  # abstract: the 2-D result the text announces (derived in the eos_* scripts)
    "higher_dim",  # abstract: "in higher dimensions … similar behavior", statistically (eos_theory.random_models.ensemble)
]

DERIVED: list[str] = [
    "eos_minima",
    "eos_orbit",
    "eos_bifurcation",
    "eos_sharpening",
    "eos_interval",
    "eos_numerics",
    "escape",
    "cascade",
    "chaos",
    "gallery",
    "gallery_numerical",
]

ORDER = PAPER + DERIVED
