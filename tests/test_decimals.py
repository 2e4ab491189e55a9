"""Printed digits are certified: checked against exact integer arithmetic, never against mpmath or SymPy evalf.

A printed string s claims: it is the value exactly (fewer than D significant digits, or an
integer), or the value correctly rounded to D significant digits.  Both are checked with
Fractions; square roots are enclosed by ``math.isqrt``, independent of the interval code under test.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from eos_theory.numbers.decimals import MAX_DIGITS, MIN_DIGITS, Uncertified, check_digits, decimal_string, exact_string
from eos_theory.numbers.parse import InputError

NUMBER = re.compile(r"^-?(\d+)(\.(\d+))?(e[+-]\d+)?$")


def significant(s: str) -> str:
    """The significant digits of a printed number, as printed (trailing zeros kept)."""
    m = NUMBER.match(s)
    assert m, f"not a decimal number: {s!r}"
    return (m.group(1) + (m.group(3) or "")).lstrip("0")


def ulp(s: str, digits: int) -> Fraction:
    """One unit in the D-th significant digit of the printed value s."""
    v = abs(Fraction(s))
    lead = len(str(v.numerator)) - len(str(v.denominator))  # floor(log10 v) or one less
    if Fraction(10) ** lead > v:
        lead -= 1
    return Fraction(10) ** (lead - digits + 1)


def sqrt_enclosure(c: Fraction, k: int) -> tuple[Fraction, Fraction]:
    """√c within 10^-k·(1/den): [isqrt(pq·10^2k), that + 1] / (q·10^k), by integer arithmetic only."""
    n = c.numerator * c.denominator * 10 ** (2 * k)
    r = math.isqrt(n)
    scale = c.denominator * 10**k
    return Fraction(r, scale), Fraction(r + 1, scale)


def assert_correct(s: str, digits: int, lo: Fraction, hi: Fraction) -> None:
    """s is exact (lo = hi = s) or is the rounding of every value in [lo, hi] to D digits."""
    v = Fraction(s)
    if lo == hi == v:
        return
    assert len(significant(s)) == digits, f"{s!r}: a rounded value must show all {digits} digits"
    assert "." in s, f"{s!r}: a rounded value must not look like an exact integer"
    half = ulp(s, digits) / 2
    if lo == hi and abs(lo - v) == half:  # an exact tie: rounded to the even neighbour
        assert int(significant(s)[-1]) % 2 == 0, f"{s!r}: a tie must round to even"
        return
    assert v - half < lo and hi < v + half, f"{s!r} is not the {digits}-digit rounding of [{float(lo)}, {float(hi)}]"


def check_root_expression(a: Fraction, b: Fraction, c: Fraction, digits: int) -> None:
    """decimal_string(a + b√c) against an isqrt enclosure tightened until it decides."""
    s = decimal_string(sp.Rational(a) + sp.Rational(b) * sp.sqrt(sp.Rational(c)), digits)
    for k in range(digits + 20, 20 * (digits + 700), digits + 100):
        r_lo, r_hi = sqrt_enclosure(c, k)
        lo, hi = sorted((a + b * r_lo, a + b * r_hi))
        v, half = Fraction(s), ulp(s, digits) / 2
        if v - half < lo and hi < v + half:
            assert_correct(s, digits, lo, hi)
            return
    pytest.fail(f"{s!r} is not the {digits}-digit rounding of {a} + {b}·√{c}")


# -- the reproducers: huge and tiny η ---------------------------------------------------------


@pytest.mark.parametrize("k", [200, 300])
def test_cycle_ntk_at_huge_eta_survives_cancellation(k):
    # η = 10^k, ω = (−1, 1), E = 1: e = 10^k and the small cycle value 1 + e − √((e−1)(e+3)) = 4/(1 + e + √…)
    # ≈ 2·10^-k, after cancelling k digits (printed as −5.9e107 and as 67108864 on main).
    e = Fraction(10) ** k
    for digits in (2, 5, 30):
        check_root_expression(1 + e, Fraction(-1), (e - 1) * (e + 3), digits)
        check_root_expression(1 + e, Fraction(1), (e - 1) * (e + 3), digits)
    assert (
        decimal_string(1 + sp.Integer(10) ** k - sp.sqrt((sp.Integer(10) ** k - 1) * (sp.Integer(10) ** k + 3)), 5)
        == f"2.0000e-{k}"
    )  # 4/(2·10^k + 2 − 2·10^-k + …) = 1.99999…e-k


def test_rationals_near_one_and_tiny_rationals_are_rounded_exactly():
    # across multiplier 1 − r(r − 1)(e − 1) at r = −10^-300, e = 11/10: 1 − 10^-301 − 10^-601, which is
    # 0.[300 nines]8[299 nines]9: it rounds up to 1 at any D < 300, and is not the integer 1
    r, e = Fraction(-1, 10**300), Fraction(11, 10)
    m = 1 - r * (r - 1) * (e - 1)
    assert decimal_string(sp.Rational(m), 30) == "1." + "0" * 29
    assert decimal_string(sp.Rational(m), 2) == "1.0"
    assert decimal_string(sp.Rational(m), 305) == "0." + "9" * 301 + "0000"  # …8|9999|9… rounds up
    assert decimal_string(sp.Rational(m), 301) == "0." + "9" * 301  # …8|9… rounds the 8 up
    assert decimal_string(sp.Rational(1, 10**300), 30) == "1e-300"
    assert decimal_string(sp.Rational(-3, 10**300), 30) == "-3e-300"
    assert decimal_string(sp.Rational(1, 3 * 10**300), 3) == "3.33e-301"


# -- the layout rule: fewer than D digits (or an integer) means exact ----------------------------


def test_small_digit_counts_do_not_round_to_an_integer_look():
    assert decimal_string(sp.Rational(11, 10), 2) == "1.1"  # exact: main printed "1" at --digits 1
    assert decimal_string(sp.Rational(101, 100), 2) == "1.0"  # rounded: shows D digits and a point
    assert decimal_string(sp.Rational(123, 10), 2) == "1.2e+1"  # not "12", which would read as exact
    assert decimal_string(2, 2) == "2" and decimal_string(1000, 2) == "1e+3"
    assert decimal_string(sp.Rational(1, 8), 2) == "0.12"  # a tie: to even


rationals = st.fractions(max_denominator=10**12).filter(lambda q: q != 0) | st.builds(
    lambda m, k: Fraction(m) * Fraction(10) ** k, st.integers(-(10**6), 10**6).filter(bool), st.integers(-400, 400)
)
digit_counts = st.integers(MIN_DIGITS, 60)


@settings(max_examples=300)
@given(rationals, digit_counts)
def test_every_rational_is_exact_or_correctly_rounded(q, digits):
    s = decimal_string(sp.Rational(q.numerator, q.denominator), digits)
    if Fraction(s) == q:
        assert len(significant(s).rstrip("0")) <= digits
    else:
        assert_correct(s, digits, q, q)


@settings(max_examples=60, deadline=None)
@given(
    st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=1000),
    st.fractions(min_value=-100, max_value=100, max_denominator=100).filter(bool),
    st.fractions(min_value=Fraction(1, 10**4), max_value=10**12, max_denominator=10**4),
    digit_counts,
)
def test_every_root_expression_is_correctly_rounded(a, b, c, digits):
    if math.isqrt(c.numerator) ** 2 == c.numerator and math.isqrt(c.denominator) ** 2 == c.denominator:
        return  # a rational root: covered above
    check_root_expression(a, b, c, digits)


@given(rationals)
@example(Fraction(1, 262144))  # found by exploration: 2⁻¹⁸ = 3.814697265625e-6 is longer than its fraction
def test_exact_string_is_exact(q):
    s = exact_string(q)
    assert Fraction(s) == q
    assert len(s) <= len(f"{q.numerator}/{q.denominator}") + 8  # 10^300 prints as 1e+300


# -- caps and the honest refusal -----------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 1, MAX_DIGITS + 1, 10**7, True, 2.5])
def test_digit_counts_outside_the_cap_are_refused(bad):
    with pytest.raises(InputError, match=f"from {MIN_DIGITS} to {MAX_DIGITS}"):
        check_digits(bad)
    with pytest.raises(InputError):
        decimal_string(sp.sqrt(2), bad)


def test_max_digits_is_certified():
    s = decimal_string(sp.sqrt(2), MAX_DIGITS)
    check_root_expression(Fraction(0), Fraction(1), Fraction(2), MAX_DIGITS)
    assert len(significant(s)) == MAX_DIGITS


def test_what_cannot_be_enclosed_is_refused_not_guessed():
    with pytest.raises(Uncertified, match="sin is not supported"):
        decimal_string(sp.sin(1), 5)
    assert decimal_string(sp.log(2), 5) == "0.69315"  # ln 2 = 0.693147…: log has an interval rule


def test_an_algebraic_zero_in_disguise_is_printed_as_zero():
    # (√2 + √3)² − 5 − 2√6 = 0; SymPy keeps it unevaluated, every enclosure straddles 0
    zero = (sp.sqrt(2) + sp.sqrt(3)) ** 2 - 5 - 2 * sp.sqrt(6)
    assert zero.is_Add and decimal_string(zero, 5) == "0"
