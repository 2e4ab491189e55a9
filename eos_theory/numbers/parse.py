"""The one reader of user numbers: every number a user types, or passes to the API, becomes exact here.

:func:`exact` reads ints, fractions, decimals, exact strings ("1.05", "21/20", "1e-3") and finite
binary floats into a ``Fraction`` (never through a float); :func:`exact_vector` a sequence of them;
:func:`to_mpf` rounds one correctly to the working precision.  Bad input raises :class:`InputError`
with a one-line message that names the value, before anything is computed.

>>> exact("1.05") == exact("21/20") == Fraction(21, 20)
True
>>> exact("1e-3"), exact(0.5)
(Fraction(1, 1000), Fraction(1, 2))
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy as sp
from mpmath import mp, mpf
from mpmath.libmp import from_rational, round_nearest

MIN_DPS = 15  #: the least working precision accepted (about float64's 53 bits)
MAX_EXPONENT = 1000  #: the largest decimal exponent read from a string: 1e1000 is exact, 1e999999999 would hang
MAX_DIGITS = 1000  #: the most digits read from a string (Python refuses str() of integers past 4300 digits)
_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")

__all__ = [
    "MIN_DPS",
    "InputError",
    "check_count",
    "check_dps",
    "exact",
    "exact_vector",
    "rational",
    "show_value",
    "to_mpf",
]


class InputError(ValueError):
    """Bad input from a user: the message is one line and says what to change."""


def show_value(value, width: int = 40) -> str:
    """A short one-line repr of a user value, for error messages."""
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def exact(value, name: str = "value") -> Fraction:
    """Convert a user number to an exact ``Fraction``, or raise :class:`InputError`.

    Accepted: int, Fraction (any ``numbers.Rational``), SymPy Rational, Decimal, decimal or
    fraction strings ("1.05", "21/20", "1e-3"), and finite binary floats (float, numpy floats,
    mpmath mpf), which convert exactly to the rational they represent.

    >>> exact("1.05"), exact("21/20"), exact(0.5), exact(sp.Rational(-3, 4))
    (Fraction(21, 20), Fraction(21, 20), Fraction(1, 2), Fraction(-3, 4))
    """
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be a number, got {show_value(value)}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, sp.Basic):
        if isinstance(value, sp.Rational):
            return Fraction(int(value.p), int(value.q))
        raise InputError(f"{name} must be an exact rational, got {show_value(value)}")
    if isinstance(value, numbers.Rational):  # int, numpy integers, other rationals
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise InputError(f"{name} must be finite, got {value}")
        return Fraction(float(value))
    if isinstance(value, type(mpf(0))):
        if not mp.isfinite(value):
            raise InputError(f"{name} must be finite, got {value}")
        sign, man, exp, _ = value._mpf_
        return (-1) ** sign * Fraction(man) * Fraction(2) ** exp
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InputError(f"{name} must be finite, got {value}")
        return Fraction(value)
    if isinstance(value, str):
        power = _EXPONENT.search(value)
        if power and abs(int(power.group(1))) > MAX_EXPONENT:  # 1e999999999 would build a billion-digit integer
            raise InputError(f"{name}: exponent of {show_value(value)} is beyond ±{MAX_EXPONENT}")
        if sum(c.isdigit() for c in value) > MAX_DIGITS:
            raise InputError(f"{name}: {show_value(value)} has more than {MAX_DIGITS} digits")
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InputError(
                f"{name}: cannot read {show_value(value)} as an exact number (use e.g. 1.05 or 21/20)"
            ) from None
    raise InputError(f"{name} must be a number, got {show_value(value)} of type {type(value).__name__}")


def _positive(value, name: str) -> Fraction:
    q = exact(value, name)
    if q <= 0:
        raise InputError(f"{name} must be > 0, got {q}")
    return q


def check_count(value, name: str, least: int = 0) -> int:
    """A non-negative (or >= least) Python int from an int-like value."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InputError(f"{name} must be an integer, got {show_value(value)}")
    if value < least:
        raise InputError(f"{name} must be >= {least}, got {value}")
    return int(value)


def check_dps(value) -> int:
    """A working precision in decimal digits: an int ≥ MIN_DPS, or InputError."""
    return check_count(value, "dps", least=MIN_DPS)


def exact_vector(theta, P: int, name: str = "theta") -> tuple[Fraction, ...]:
    """A sequence of P numbers read exactly (:func:`exact`), or InputError naming the bad entry."""
    if isinstance(theta, np.ndarray):
        theta = theta.tolist()
    if isinstance(theta, sp.MatrixBase):
        theta = list(theta)
    if isinstance(theta, (str, bytes)) or not isinstance(theta, Sequence):
        raise InputError(f"{name} must be a sequence of {P} numbers, got {show_value(theta)}")
    if len(theta) != P:
        raise InputError(f"{name} must have length {P} to match Q, got {len(theta)}")
    return tuple(exact(x, f"{name}[{i}]") for i, x in enumerate(theta))


def to_mpf(value) -> mpf:
    """A value as an mpf, correctly rounded at the current mp precision (Fractions included)."""
    if isinstance(value, type(mpf(0))):
        return +value
    q = exact(value)
    return mp.make_mpf(from_rational(q.numerator, q.denominator, mp.prec, round_nearest))


def rational(value, name: str = "value") -> sp.Rational:
    """:func:`exact`, as a SymPy Rational, refusing binary floats (0.1 is not 1/10): for parameters
    that closed forms are evaluated at.

    >>> rational("1.05"), rational("21/20"), rational(3)
    (21/20, 21/20, 3)
    """
    if isinstance(value, float):
        raise InputError(f"{name} must be exact (int, fraction or decimal string), got {value!r}")
    q = exact(value, name)
    return sp.Rational(q.numerator, q.denominator)
