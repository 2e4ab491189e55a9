"""A number found numerically, saying how far it can be trusted: certified enclosure, or agreeing digits.

:class:`Estimate` is what the numerical path reports for each quantity: the decimal digits it claims
(``text``), how many (``digits``), a rigorous enclosure ``[lo, hi]`` when interval arithmetic proved one,
and ``how``.  The digits shown are never more than the evidence: for an enclosure, the correctly rounded
digits both ends share; for two working precisions, the digits on which the two results agree.

>>> from fractions import Fraction
>>> e = from_two(Fraction(1414213562373095, 10**15), Fraction(14142135623730951, 10**16), 15, "two precisions")
>>> e.text, e.digits, e.form
('1.41421356237310', 15, 'decimal')
"""

from __future__ import annotations

from dataclasses import dataclass

from eos_theory.numbers.decimals import common_string

__all__ = ["Estimate", "from_enclosure", "from_two"]


@dataclass(frozen=True)
class Estimate:
    """A real number from the numerical path, with its evidence."""

    text: str  #: the decimal digits claimed (correctly rounded)
    digits: int  #: how many significant digits ``text`` has
    how: str
    enclosure: tuple[str, str] | None = None  #: a certified enclosure (decimal strings rounded outward)

    @property
    def form(self) -> str:
        """ "certified" with an enclosure, else "decimal" (agreeing digits of two precisions)."""
        return "certified" if self.enclosure is not None else "decimal"

    def sign(self) -> int | None:
        """The sign, when the evidence decides it: an enclosure that excludes 0, or at least one agreeing digit
        of a nonzero value; None otherwise."""
        if self.enclosure is not None:
            lo, hi = (float(x) for x in self.enclosure)
            return 1 if lo > 0 else -1 if hi < 0 else None
        if self.digits < 1 or float(self.text) == 0:
            return None
        return 1 if float(self.text) > 0 else -1


def from_two(a, b, digits: int, how: str) -> Estimate | None:
    """The digits on which two approximations (two working precisions) agree, at most ``digits``; None if they
    disagree in the first digits."""
    got = common_string(a, b, digits)
    if got is None:
        return None
    text, n = got
    return Estimate(text, n, how)


def from_enclosure(lo, hi, digits: int, how: str, outward: tuple[str, str]) -> Estimate | None:
    """The correctly rounded digits shared by both ends of a certified enclosure [lo, hi] (exact numbers), and
    the enclosure as outward-rounded strings; None when the ends differ in the first digits."""
    got = common_string(lo, hi, digits)
    if got is None:
        return None
    text, n = got
    return Estimate(text, n, how, outward)
