"""The kernel: a small, independent checker that replays the certificates ``eos-theory verify --certificates``
writes, with FLINT (python-flint) and nothing else of eos_theory.

The finder (SymPy, mpmath and the proof scripts) searches; the kernel only checks what the finder wrote
down, in its own parser and its own arithmetic: identities as exact rational functions over ℚ (FLINT's
``fmpq_mpoly``), with cofactors for identities modulo relations; counterexamples as exact rationals;
positivity by exact identity with a witness and sign rules; comparisons of real algebraic numbers, each named
by a defining system and an isolating box; solution sets and root counts of conditions in one variable,
irreducibility and resultants (FLINT's factorisation, root isolation and resultant); and interval proofs
(Krawczyk's test, enclosures, bounds over a box) in FLINT's ``arb`` ball arithmetic.  Steps it cannot replay
(inferences by text, citations, the finder's other computations, numerical and statistical evidence) are listed
per claim as its trusted base.

It imports the standard library and ``flint`` only: importing it loads neither SymPy, mpmath nor numpy
(a contract in pyproject.toml, ``[tool.importlinter]``, and a test check this).  Run it as
``python -m eos_theory.kernel DIR`` or ``eos-theory check DIR``; docs/certificates.md describes the format.

>>> c = check({"claim": "square", "steps": [
...     {"kind": "identity", "variables": ["x"], "lhs": "(x + 1)^2", "rhs": "x^2 + 2*x + 1"}]})
>>> c.status, c.replayed
('kernel-checked', 1)
"""

from eos_theory.kernel.expressions import Invalid, number, parse
from eos_theory.kernel.replay import TRUSTED, ClaimCheck, check, check_all, read_directory, resolve

__all__ = ["TRUSTED", "ClaimCheck", "Invalid", "check", "check_all", "number", "parse", "read_directory", "resolve"]
