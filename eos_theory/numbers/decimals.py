"""Exact numbers printed as decimals, to exactly the digits they claim.

:func:`decimal_string` prints an exact real number (a SymPy rational, or an expression built from
rationals with +, ×, integer powers and square roots) with ``digits`` significant digits that are
*certified*: a rational is rounded exactly, an irrational is enclosed with interval arithmetic
(``mpmath.iv``, outward rounding) at rising precision until both ends of the enclosure round to
the same string.  Rounding is monotone, so that string is the correctly rounded value.  When the
precision cap is reached first, :class:`Uncertified` is raised: no digit is ever printed on trust.

How to read the output (``D`` = ``digits``):

* a value that D significant digits hold exactly is printed exactly, without padding
  (``2``, ``1.1``, ``0.125``, ``2e+300``): **fewer than D digits, or an integer, means exact**;
* any other value is rounded to nearest (ties to even) and shows all D digits, trailing zeros
  included, and always a decimal point, so a rounded value never looks like an exact integer
  (which is why D ≥ 2, :data:`MIN_DIGITS`);
* fixed notation for magnitudes from 1e-5 up to what D digits reach, scientific otherwise.

>>> decimal_string(sp.sqrt(2), 10), decimal_string(sp.Rational(1, 8), 5), decimal_string(0, 3)
('1.414213562', '0.125', '0')
>>> decimal_string(sp.Rational(11, 10), 2), decimal_string(sp.Rational(101, 100), 2)
('1.1', '1.0')
>>> decimal_string(10**300 + 1 - sp.sqrt(10**600 + 2 * 10**300 - 3), 5)  # 2e-300 after cancelling 300 digits
'2.0000e-300'
>>> exact_string(sp.Rational(10**300)), exact_string(sp.Rational(11, 10)), exact_string(sp.Rational(1, 3))
('1e+300', '1.1', '1/3')
"""

from __future__ import annotations

import decimal
import math
from contextlib import AbstractContextManager
from fractions import Fraction

import numpy as np
import sympy as sp
from mpmath import mp, mpf

from eos_theory.numbers.intervals import Undecided, enclose, exact_sign, iv_workdps
from eos_theory.numbers.parse import InputError, check_dps, exact, to_mpf

MIN_DIGITS = 2  #: fewer would print a rounded value without a decimal point, like an exact integer
MAX_DIGITS = 1000  #: the cap of ``--digits``: certified in well under a second, still readable

__all__ = [
    "MAX_DIGITS",
    "MIN_DIGITS",
    "Uncertified",
    "agreeing_digits",
    "check_digits",
    "common_string",
    "decimal_string",
    "exact_string",
]


class Uncertified(ArithmeticError):
    """The requested digits could not be certified within the precision cap."""


def check_digits(digits, name: str = "digits") -> int:
    """``digits`` as an int in [MIN_DIGITS, MAX_DIGITS], or InputError naming the range."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise InputError(f"{name} must be an integer from {MIN_DIGITS} to {MAX_DIGITS}, got {digits!r}")
    return digits


def decimal_string(value, digits: int = 30) -> str:
    """``value`` (exact: rationals, +, ×, integer powers, square roots) with ``digits`` certified significant
    digits; see the module docstring.  Raises :class:`Uncertified` rather than print an unproved digit."""
    digits = check_digits(digits)
    value = sp.sympify(value)
    if not value.is_real and value.is_real is not None:
        raise InputError(f"not a real number: {value}")
    if value.is_Rational:
        d, is_exact = _round(exact(value), digits)
        return _render(d, digits, is_exact)
    text = _certified(value, digits)
    if text is None:
        raise Uncertified(f"cannot certify {digits} digits of {_short(value)} (precision cap reached)")
    return text


def common_string(a, b, digits: int) -> tuple[str, int] | None:
    """The rounded decimal string, with as many significant digits as possible up to ``digits``, that a
    and b both round to; with the number of digits shown.  None if they differ at MIN_DIGITS digits.

    For the two ends of an enclosure of x, the string is x correctly rounded (rounding is monotone),
    so every digit shown is certified.  For two approximations of x (say, at two precisions) it shows
    the digits on which they agree, and nothing more.  Values are read exactly (mpf, Fraction, str).

    >>> common_string("1.41421356237", "1.41421356238", 12), common_string("2.0049", "2.0051", 5)
    (('1.4142135624', 11), ('2.005', 4))
    >>> common_string("0.99999", "1.00001", 8), common_string(1, 3, 5)
    (('1.000', 4), None)
    """
    digits = check_digits(digits)
    qa, qb = exact(a), exact(b)
    for n in range(digits, MIN_DIGITS - 1, -1):
        text = _render(_round(qa, n)[0], n, False)
        if text == _render(_round(qb, n)[0], n, False):
            return text, n
    return None


def exact_string(value) -> str:
    """An exact rational in its shortest exact form: a terminating decimal, else ``p/q``.

    For echoing inputs: 1e300 prints as ``1e+300``, not as 301 digits; 1/3 stays ``1/3``; a terminating
    decimal much longer than its fraction prints as the fraction (2⁻¹⁸ as ``1/262144``, 1/8 as ``0.125``).
    """
    q = exact(value)
    den = q.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return f"{q.numerator}/{q.denominator}"
    d, _ = _round(q, q.numerator.bit_length() + q.denominator.bit_length())  # enough digits: exact
    significant = len("".join(map(str, d.as_tuple().digits)).rstrip("0"))
    text = _render(d, max(significant, 20), True)  # integers up to 20 digits in full
    fraction = f"{q.numerator}/{q.denominator}"
    return fraction if q.denominator != 1 and len(text) > len(fraction) + 4 else text  # 1/262144, not 3.814697265625e-6


# --------------------------------------------------------------------------------------------
# Exact rounding and layout
# --------------------------------------------------------------------------------------------


def _context(prec: int) -> AbstractContextManager[decimal.Context]:
    return decimal.localcontext(
        prec=prec, rounding=decimal.ROUND_HALF_EVEN, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
    )


def _round(q: Fraction, digits: int) -> tuple[decimal.Decimal, bool]:
    """q rounded to ``digits`` significant digits, and whether that was exact.

    One Decimal division, which is correctly rounded to the context precision.
    """
    if q == 0:
        return decimal.Decimal(0), True
    with _context(digits) as ctx:
        d = decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator)
        return d, not ctx.flags[decimal.Inexact]


def _render(d: decimal.Decimal, digits: int, is_exact: bool) -> str:
    """Lay out ``d`` (at most ``digits`` significant digits): exact unpadded, rounded with all D digits."""
    if d == 0:
        return "0"
    sign, digit_tuple, exp = d.as_tuple()
    assert isinstance(exp, int)  # d is finite (rounded from a Fraction): no 'n', 'N' or 'F' exponent
    lead = exp + len(digit_tuple) - 1  # the exponent of the leading digit
    ds = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    if is_exact:
        fixed = -5 <= lead < digits
    else:
        ds = ds.ljust(digits, "0")
        fixed = -5 <= lead <= digits - 2  # at least one digit after the point
    if not fixed:
        return ("-" if sign else "") + (ds if len(ds) == 1 else f"{ds[0]}.{ds[1:]}") + f"e{lead:+d}"
    if lead < 0:
        body = "0." + "0" * (-lead - 1) + ds
    elif len(ds) > lead + 1:
        body = f"{ds[: lead + 1]}.{ds[lead + 1 :]}"
    else:
        body = ds + "0" * (lead + 1 - len(ds))
    return ("-" if sign else "") + body


# --------------------------------------------------------------------------------------------
# Interval enclosure of an exact expression
# --------------------------------------------------------------------------------------------


def _certified(value: sp.Expr, digits: int) -> str | None:
    """Raise the interval precision until the enclosure rounds to one string; None at the cap."""
    size = sum(int(a.p).bit_length() + int(a.q).bit_length() for a in value.atoms(sp.Rational))
    # bits: the digits asked for, plus the cancellation a ± b√c can suffer (|a² − b²c| ≥ 1/denominators,
    # so about 2·size bits at most), with a factor 2 to spare
    cap = 4 * (size + int(digits * 3.33)) + 512
    dps = digits + 10
    while True:
        with iv_workdps(dps):
            try:
                box = _enclose(value)
                lo, hi = mp.make_mpf(box._mpi_[0]), mp.make_mpf(box._mpi_[1])
            except (ValueError, ZeroDivisionError):  # e.g. √ of an enclosure reaching below 0: refine
                lo = hi = None
        if lo is not None and mp.isfinite(lo) and mp.isfinite(hi) and (lo > 0 or hi < 0):
            a, b = (_render(_round(exact(v), digits)[0], digits, False) for v in (lo, hi))
            if a == b:
                return a
        if dps * 3.33 > cap:
            return "0" if _is_zero(value) else None
        dps *= 2


def _enclose(e: sp.Expr):
    """:func:`intervals.enclose`, with an unsupported operation reported as :class:`Uncertified`."""
    try:
        return enclose(e)
    except InputError as exc:
        raise Uncertified(str(exc)) from None


def _is_zero(value: sp.Expr) -> bool:
    """Exact zero test (:func:`intervals.exact_sign`); False when it cannot be decided."""
    try:
        return exact_sign(value) == 0
    except Undecided:
        return False


def _short(value, width: int = 60) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


# --------------------------------------------------------------------------------------------
# Agreement of two numbers
# --------------------------------------------------------------------------------------------


def agreeing_digits(a, b, dps: int | None = None) -> int:
    """Agreeing significant decimal digits of a and b: the largest k ≤ cap with
    |a − b| ≤ 10^(−k)·max(|a|, |b|); 0 if they differ in the first digit or either is not finite.

    The cap is ``dps`` (default: the current ``mp.dps``), since no more digits than the working
    precision can be claimed.  Values may be mpf, ints, floats, Fractions or exact strings.

    >>> agreeing_digits(mpf("3.14159"), mpf("3.14160"))
    5
    >>> agreeing_digits(1, 2), agreeing_digits(0, "1e-30"), agreeing_digits("-1", "1")
    (0, 0, 0)
    >>> agreeing_digits(Fraction(1, 3), Fraction(1, 3), dps=40)
    40
    >>> with mp.workdps(50):                 # π = 3.14159265…, 22/7 = 3.142…, 355/113 = 3.1415929…
    ...     agreeing_digits(+mp.pi, Fraction(22, 7)), agreeing_digits(+mp.pi, Fraction(355, 113))
    (3, 7)

    Being relative, the count can differ by one from the number of equal leading characters
    (0.99999 and 1.00001 agree to 4 digits; 3.14159 and 3.14150 to 4 digits, not 5):

    >>> agreeing_digits("0.99999", "1.00001"), agreeing_digits("3.14159", "3.14150")
    (4, 4)
    """
    cap = mp.dps if dps is None else check_dps(dps)
    with mp.workprec(int(cap * 3.33) + 40):
        x, y = _finite_mpf(a), _finite_mpf(b)
        if x is None or y is None:
            return 0
        if x == y:
            return cap
        scale = max(abs(x), abs(y))
        k = int(mp.floor(-mp.log10(abs(x - y) / scale)))
    return max(0, min(cap, k))


def _finite_mpf(value):
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    if isinstance(value, type(mpf(0))) and not mp.isfinite(value):
        return None
    return to_mpf(value)
