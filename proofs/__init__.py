"""Proof scripts, one per result; installed as ``eos_theory.proofs``.

Each module declares its claims with :func:`eos_theory.registry.claim` and proves them step
by step with a :class:`eos_theory.proof.Proof`.  Run one directly to read its steps::

    python -m eos_theory.proofs.gradient_flow

``ORDER`` is the order of the report: the seed text's claims in the paper's order (``PAPER``),
then the results the project derives beyond the text (``DERIVED``).
"""

PAPER = [
    "gradient_flow",
]

DERIVED: list[str] = []

ORDER = PAPER + DERIVED
