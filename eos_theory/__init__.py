"""eos_theory: a symbolic-and-numeric verifier for "Second-order regression models exhibit
progressive sharpening to the edge of stability" (Agarwala, Pedregosa, Pennington, 2023), and for
the researcher's own claims and models.

The package is layered; each subpackage imports only from those below it (the contract is in
``pyproject.toml``, ``[tool.importlinter]``, and CI checks it):

* :mod:`eos_theory.commands` – the ``eos-theory`` command line (interfaces);
* :mod:`eos_theory.outputs` (LaTeX, figures, the one atomic file writer) and :mod:`eos_theory.proofs`
  (the claims of the paper and beyond, one script per result);
* the analyses: :mod:`eos_theory.past_window` (what GD does past the period-2 window),
  :mod:`eos_theory.anymodel` (your own model), :mod:`eos_theory.random_models` (seeded ensembles);
  under them :mod:`eos_theory.quadratic` (the paper's model, its 2-D map in closed form, GD in θ);
* :mod:`eos_theory.core` – the exact core: notation, models, proof steps, the claim registry;
* :mod:`eos_theory.numbers` (the one reader of user numbers, intervals, certified decimals,
  statistics) and :mod:`eos_theory.running` (the one executor), which import nothing of the package.

The names a claim author or a notebook needs are importable from here, lazily (``import eos_theory``
loads neither SymPy nor mpmath): ``from eos_theory import claim, Proof, Source, Model`` and the rest of
``_API`` below (docs/your-claims.md lists them).  :mod:`eos_theory.testing` holds hypothesis strategies, the
exact-computation profile and the pytest plugin for property tests of claims.
"""

from __future__ import annotations

import importlib

from eos_theory import _moved

__version__ = "0.1.0"

#: the public names, and the module each lives in
_API = {
    # declaring and checking claims (docs/your-claims.md)
    "claim": "core.registry",
    "Source": "core.registry",
    "Claim": "core.registry",
    "Result": "core.registry",
    "Proof": "core.proof",
    "BoxProof": "core.proof",
    "normal_form": "core.proof",
    "same": "core.proof",
    "run_claim": "core.registry",
    "check_premises": "core.registry",
    "load_claims": "core.loader",
    "ClaimsError": "core.loader",
    # models, derived (z(θ), L(z) → Jacobian, NTK, Hessian, gradient flow, GD map)
    "Model": "core.model",
    "quadratic_model": "core.model",  # core.model.quadratic: eos_theory.quadratic is the subpackage
    "linear": "core.model",
    "eigenbasis": "core.model",
    "thetas": "core.model",
    "omegas": "core.model",
    "symmetric_matrix": "core.model",
    "eigen_dynamics": "quadratic.maps",
    "Jt_modes": "quadratic.maps",
    "two_d_map": "quadratic.maps",
    # the paper's symbols and their LaTeX
    "E": "core.notation",
    "eta": "core.notation",
    "t": "core.notation",
    "z": "core.notation",
    "zt": "core.notation",
    "Tt": "core.notation",
    "omega": "core.notation",
    "chain": "core.notation",
    # numbers read exactly, and your own small model analysed
    "InputError": "numbers.parse",
    "exact": "numbers.parse",
    "spec": "anymodel.definition",
    "analyze": "anymodel.analysis",
}
#: public names whose object has another name in its module
_RENAMED = {"run_claim": "run", "load_claims": "load", "quadratic_model": "quadratic"}
__all__ = [*sorted(_API), "__version__"]

_moved.install()


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(f"eos_theory.{_API[name]}"), _RENAMED.get(name, name))
        globals()[name] = value
        return value
    if name in _moved.MOVED:
        return importlib.import_module(f"eos_theory.{name}")
    raise AttributeError(f"module 'eos_theory' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
