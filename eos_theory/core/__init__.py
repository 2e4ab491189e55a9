"""The exact core: the paper's notation, symbolic models, proof steps and the claim registry.

* :mod:`.notation` – the paper's symbols and a LaTeX printer that writes them its way;
* :mod:`.model` – a model z(θ) with loss L(z) and everything derived from it (Jacobian, NTK,
  Hessian, gradient flow, the GD map), also for a symbolic number of parameters;
* :mod:`.proof` – exact checks (normal forms over ℚ, counterexamples, signs) and the step-by-step
  record of a proof;
* :mod:`.registry` – claims declared next to their proofs, their verdicts and the audit of what a
  statement asserts against what its steps cover.

May import :mod:`eos_theory.numbers` and :mod:`eos_theory.running`, nothing above.
"""
