"""Evidence a computed value rests on, as data: what :meth:`~eos_theory.core.proof.Proof.check` records beside
the value so that the kernel can re-decide it (docs/certificates.md, the ``solutions`` and ``irreducible`` forms).

A check records that a computation returned the expected object; with ``evidence`` it also records the
question the object answers — the conditions whose solution set it is, the polynomial it says is irreducible,
the interval proof whose enclosure rounds to the digits shown — and :mod:`eos_theory.core.certificates` writes
that question with the expected answer for the kernel to decide without the finder.

>>> x = sp.Symbol("x")
>>> Solutions(x, (sp.Abs(1 - x) < 1,)).conditions
(Abs(x - 1) < 1,)
>>> [float(q) for q in rounding_interval("1.2880", 5)]   # 1.2880 ± half a unit of its last digit
[1.28795, 1.28805]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp


@dataclass(frozen=True)
class Solutions:
    """The real values of ``variable`` where every one of ``conditions`` (SymPy relations in it) holds.

    The check's expected value is that set (an ``Interval``, ``Union``, ``FiniteSet`` or ``EmptySet``, its ends
    real algebraic numbers) or, as an integer, the number of its points."""

    variable: sp.Symbol
    conditions: tuple

    def __post_init__(self):
        if not self.conditions or not all(isinstance(c, sp.core.relational.Relational) for c in self.conditions):
            raise ValueError("a solution set needs conditions, each a relation such as x**2 < 2")


@dataclass(frozen=True)
class Root(Solutions):
    """The check's expected value is the one real value of ``variable`` where every one of ``conditions`` holds
    (a solution set with one point)."""


@dataclass(frozen=True)
class Holds:
    """Every one of ``conditions`` (relations) holds at ``point`` (symbol ↦ rational): the check's expected value is
    what that means (a regime's name, say)."""

    point: dict
    conditions: tuple


@dataclass(frozen=True)
class Resultant:
    """The check's expected value is Res_variable(f, g) (f and g polynomials over ℚ), or is congruent to it modulo
    the polynomial ``modulo``."""

    variable: sp.Symbol
    f: sp.Expr
    g: sp.Expr
    modulo: sp.Expr | None = None


@dataclass(frozen=True)
class Irreducible:
    """``poly``, a polynomial in ``variable`` with rational coefficients, is irreducible over ℚ (the check's
    expected value is then its degree)."""

    variable: sp.Symbol
    poly: sp.Expr


def rounding_interval(text: str, digits: int) -> tuple[Fraction, Fraction]:
    """The closed interval of the reals that round to the decimal ``text`` shown with ``digits`` significant
    digits: text ± half a unit of its last digit."""
    value = Fraction(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    if digits != len(text.replace("-", "").replace(".", "").lstrip("0")):
        raise ValueError(f"{text!r} does not show {digits} significant digits")
    half = Fraction(1, 2 * 10**decimals)
    return value - half, value + half
