"""Property tests of claims: hypothesis strategies, a profile for exact computation, and a pytest plugin.

::

    from hypothesis import given
    from eos_theory.testing import exact_profile, parameter_points

    exact_profile()          # no deadline: SymPy's first derivation takes longer than hypothesis's 200 ms

    @given(parameter_points(2))
    def test_the_loss_is_half_the_squared_output(pt):
        m = pt.model()
        assert (m.loss_of_theta - m.output**2 / 2).subs(pt.values()) == 0

* :mod:`.strategies` – exact rationals, vectors, symmetric matrices, points (Q, θ, E, η) of the quadratic
  model, eigenvalue pairs, mpmath reals, polynomials, small models and exact points on their minima;
* :func:`exact_profile` – load hypothesis settings for exact computation, in one line;
* :mod:`.plugin` – the pytest plugin (entry point ``pytest11``, active once eos-theory is installed): files
  named ``*_claims.py`` or ``claims_*.py`` are collected, each claim a test that passes when its verdict is
  the one it expects.

The top layer, beside :mod:`eos_theory.commands`: it may import everything below; nothing in the package imports
it.  Importing it needs hypothesis (``pip install 'eos-theory[test]'``); the names load on first use, so that
pytest loading the plugin loads neither hypothesis nor SymPy.
"""

from __future__ import annotations

import importlib

_STRATEGIES = (
    "Matrix",
    "Point",
    "Vector",
    "diagonal_matrices",
    "distinct_nonzero_pairs",
    "eigenvalue_pairs",
    "equal_pairs",
    "examples",
    "minima",
    "mixed_sign_pairs",
    "nonsymmetric_matrices",
    "nonzero_rationals",
    "parameter_points",
    "polynomial_models",
    "polynomials",
    "positive_rationals",
    "quadratic_models",
    "rationals",
    "reals",
    "same_sign_pairs",
    "signed_reals",
    "singular_pairs",
    "symmetric_matrices",
    "vectors",
)
#: the public names, and the module each lives in
_API = {**dict.fromkeys(_STRATEGIES, "strategies"), "exact_profile": "profiles", "PROFILES": "profiles"}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        try:
            module = importlib.import_module(f"eos_theory.testing.{_API[name]}")
        except ModuleNotFoundError as exc:
            if exc.name == "hypothesis":
                raise ModuleNotFoundError(
                    "eos_theory.testing needs hypothesis: pip install 'eos-theory[test]'", name="hypothesis"
                ) from None
            raise
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'eos_theory.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
