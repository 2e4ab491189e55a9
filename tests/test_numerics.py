"""Tests of eos_theory.numbers.parse: validation, exact and mpmath GD, agreeing digits, intervals, sweep.

Expected values come from hand calculation, from an independent SymPy derivation of the GD step
(eos_theory.core.model differentiates the loss), or from exact rational arithmetic — never from the
code under test.
"""

from __future__ import annotations

import decimal
import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mpmath import iv, mp, mpf

from eos_theory.core.model import quadratic
from eos_theory.core.notation import E, eta, z
from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import iv_bound, krawczyk
from eos_theory.numbers.parse import InputError, exact
from eos_theory.quadratic.gd import Problem, gd_exact, gd_mp, reduced, sweep
from eos_theory.quadratic.maps import two_d_map
from eos_theory.testing import examples

FAST = settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------
# Validation: every bad input is an InputError with a one-line message naming the problem
# ---------------------------------------------------------------------------------------------

GOOD_Q = [[1, 0], [0, -1]]
P2 = Problem.create(GOOD_Q, 1, "0.1")

BAD_CALLS = {
    "Q not square": (lambda: Problem.create([[1, 2]], 1, 1), "square"),
    "Q empty": (lambda: Problem.create([], 1, 1), "non-empty"),
    "Q empty row": (lambda: Problem.create([[]], 1, 1), "square"),
    "Q ragged": (lambda: Problem.create([[1, 2], [3]], 1, 1), "square"),
    "Q 1-D list": (lambda: Problem.create([1, 2], 1, 1), "row"),
    "Q 3-D array": (lambda: Problem.create(np.zeros((2, 2, 2)), 1, 1), "2-D"),
    "Q a string": (lambda: Problem.create("[[1]]", 1, 1), "matrix"),
    "Q not symmetric": (lambda: Problem.create([[1, 2], [3, 4]], 1, 1), "symmetric"),
    "Q sympy not symmetric": (lambda: Problem.create(sp.Matrix([[1, 2], [0, 1]]), 1, 1), "symmetric"),
    "Q NaN": (lambda: Problem.create(np.array([[1.0, np.nan], [np.nan, 1.0]]), 1, 1), "finite"),
    "Q inf": (lambda: Problem.create([[float("inf")]], 1, 1), "finite"),
    "Q irrational": (lambda: Problem.create(sp.Matrix([[sp.sqrt(2)]]), 1, 1), "rational"),
    "Q bool": (lambda: Problem.create([[True]], 1, 1), "number"),
    "Q garbage string": (lambda: Problem.create([["abc"]], 1, 1), "exact number"),
    "Q None": (lambda: Problem.create([[None]], 1, 1), "number"),
    "lr zero": (lambda: Problem.create(GOOD_Q, 1, 0), "lr must be > 0"),
    "lr negative": (lambda: Problem.create(GOOD_Q, 1, "-1/2"), "lr must be > 0"),
    "lr NaN": (lambda: Problem.create(GOOD_Q, 1, float("nan")), "finite"),
    "lr inf": (lambda: Problem.create(GOOD_Q, 1, float("inf")), "finite"),
    "lr string nan": (lambda: Problem.create(GOOD_Q, 1, "nan"), "lr"),
    "target NaN": (lambda: Problem.create(GOOD_Q, float("nan"), 1), "target"),
    "target 1/0": (lambda: Problem.create(GOOD_Q, "1/0", 1), "target"),
    "diagonal empty": (lambda: Problem.diagonal([], 1, 1), "non-empty"),
    "direct construction": (lambda: Problem(((1.0,),), Fraction(1), Fraction(1)), "Problem.create"),
    "theta short": (lambda: gd_mp(P2, [1], 3), "length 2"),
    "theta NaN": (lambda: gd_mp(P2, [1, float("nan")], 3), "finite"),
    "theta scalar": (lambda: gd_exact(P2, 1, 3), "sequence"),
    "steps negative": (lambda: gd_mp(P2, [1, 1], -1), "steps"),
    "steps float": (lambda: gd_mp(P2, [1, 1], 2.0), "steps"),
    "steps bool": (lambda: gd_exact(P2, [1, 1], True), "steps"),
    "dps too small": (lambda: gd_mp(P2, [1, 1], 3, dps=10), "dps must be >= 15"),
    "dps string": (lambda: gd_mp(P2, [1, 1], 3, dps="50"), "dps"),
    "record not bool": (lambda: gd_mp(P2, [1, 1], 3, record="yes"), "record"),
    "reduced dps": (lambda: reduced(P2, [1, 1], dps=5), "dps"),
    "digits dps": (lambda: agreeing_digits(1, 1, dps=14), "dps"),
    "digits garbage": (lambda: agreeing_digits("x", 1), "exact number"),
    "box empty interval": (lambda: krawczyk(lambda x: x, lambda x: [[1]], [(2, 1)]), "empty"),
    "box not pairs": (lambda: krawczyk(lambda x: x, lambda x: [[1]], [(1, 2, 3)]), "pair"),
    "box nothing": (lambda: iv_bound(lambda x: x[0], []), "box"),
    "center outside": (lambda: krawczyk(lambda x: x, lambda x: [[1]], [(0, 1)], center=[2]), "center"),
    "F wrong size": (lambda: krawczyk(lambda x: [x[0], x[0]], lambda x: [[1]], [(0, 1)]), "F returned"),
    "splits zero": (lambda: iv_bound(lambda x: x[0], [(0, 1)], splits=0), "splits"),
    "sweep lr zero": (lambda: sweep(1, -1, 1, np.array([0.1, 0.0]), (1, 1), 10, 2), "lr must be > 0"),
    "sweep NaN": (lambda: sweep(np.nan, -1, 1, 0.1, (1, 1), 10, 2), "omega1 must be finite"),
    "sweep tail 0": (lambda: sweep(1, -1, 1, 0.1, (1, 1), 10, 0), "tail"),
    "sweep tail long": (lambda: sweep(1, -1, 1, 0.1, (1, 1), 10, 12), "tail"),
    "sweep theta0": (lambda: sweep(1, -1, 1, 0.1, (1, 1, 1), 10, 2), "theta0"),
    "sweep shapes": (lambda: sweep(np.ones(3), np.ones(4), 1, 0.1, (1, 1), 10, 2), "broadcast"),
    "sweep text": (lambda: sweep("a", -1, 1, 0.1, (1, 1), 10, 2), "omega1"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_is_one_line_input_error(case):
    call, fragment = BAD_CALLS[case]
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and 0 < len(message) <= 200
    assert fragment in message


def test_input_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        Problem.create([[1, 2], [3, 4]], 1, 1)


def test_matrix_forms_are_equivalent():
    """List of lists, numpy array and SymPy Matrix give the same exact problem."""
    a = Problem.create([[2, "1/2"], ["1/2", -1]], "0.25", "0.1")
    b = Problem.create(sp.Matrix([[2, sp.Rational(1, 2)], [sp.Rational(1, 2), -1]]), sp.Rational(1, 4), "1/10")
    c = Problem.create(np.array([[2.0, 0.5], [0.5, -1.0]]), 0.25, decimal.Decimal("0.1"))
    assert a == b == c
    assert a.Q[0][1] == Fraction(1, 2) and a.lr == Fraction(1, 10)
    assert not a.is_diagonal and Problem.diagonal([1, -1], 0, 1).is_diagonal


# ---------------------------------------------------------------------------------------------
# exact()
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1.05", Fraction(21, 20)),
        ("21/20", Fraction(21, 20)),
        (" -3 ", Fraction(-3)),
        ("1e-3", Fraction(1, 1000)),
        (7, Fraction(7)),
        (np.int64(-5), Fraction(-5)),
        (Fraction(2, 6), Fraction(1, 3)),
        (sp.Rational(7, 3), Fraction(7, 3)),
        (sp.Integer(4), Fraction(4)),
        (decimal.Decimal("1.05"), Fraction(21, 20)),
        (0.5, Fraction(1, 2)),
        (np.float64(-0.375), Fraction(-3, 8)),
        (np.float32(0.25), Fraction(1, 4)),
        (mpf("0.75"), Fraction(3, 4)),
        (mpf("-0.75"), Fraction(-3, 4)),
        (mpf(0), Fraction(0)),
        # 0.1 is the binary double 3602879701896397 / 2**55 (IEEE 754), not 1/10
        (0.1, Fraction(3602879701896397, 2**55)),
    ],
)
def test_exact_conversions(value, expected):
    assert exact(value) == expected
    assert type(exact(value)) is Fraction


@given(st.fractions(max_denominator=10**12))
def test_exact_round_trips_fraction_strings(q):
    assert exact(str(q)) == q


@given(st.integers(-(10**30), 10**30), st.integers(-40, 40))
def test_exact_reads_scientific_decimal_strings(m, k):
    expected = m * Fraction(10) ** k
    assert exact(f"{m}e{k}") == expected


@pytest.mark.parametrize("text", ["1e999999999", "1E-10001", "-3.5e+20000", "2 e 99999"])
def test_exact_refuses_exponents_that_would_build_huge_integers(text):
    with pytest.raises(InputError, match="exponent"):
        exact(text)


def test_exact_reads_the_largest_allowed_exponent_exactly():
    assert exact("1e1000") == Fraction(10**1000) and exact("-2.5e-1000") == Fraction(-25, 10**1001)
    assert exact("7" * 1000) == int("7" * 1000)


@pytest.mark.parametrize("text", ["1e1001", "1e-1001", "7" * 1001, "1/" + "3" * 1000])
def test_exact_refuses_numbers_past_the_limits(text):
    with pytest.raises(InputError, match=r"beyond ±1000|more than 1000 digits"):
        exact(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_exact_floats_are_exact(x):
    q = exact(x)
    assert float(q) == x and q == Fraction(x)


# ---------------------------------------------------------------------------------------------
# gd_exact against an independent SymPy evaluation of the GD step
# ---------------------------------------------------------------------------------------------

small = st.fractions(min_value=-2, max_value=2, max_denominator=7)


@st.composite
def problems(draw, max_P=3, positive_lr_max=Fraction(1, 2)):
    P = draw(st.integers(1, max_P))
    entries = {(i, j): draw(small) for i in range(P) for j in range(i, P)}
    Q = [[entries[min(i, j), max(i, j)] for j in range(P)] for i in range(P)]
    target = draw(small)
    lr = draw(st.fractions(min_value=Fraction(1, 50), max_value=positive_lr_max, max_denominator=50))
    theta = [draw(small) for _ in range(P)]
    return Problem.create(Q, target, lr), theta


def sympy_gd(problem: Problem, theta, steps):
    """θ ← θ − η∇θL with the gradient derived by SymPy (eos_theory.core.model), evaluated exactly."""
    Q = sp.Matrix(problem.Q).applyfunc(lambda q: sp.Rational(q.numerator, q.denominator))
    m = quadratic(Q)
    step = m.gd_map.subs(z, m.output)
    E_val = sp.Rational(problem.target.numerator, problem.target.denominator)
    eta_val = sp.Rational(problem.lr.numerator, problem.lr.denominator)
    point = [sp.Rational(t.numerator, t.denominator) for t in problem.theta(theta)]
    out = [point]
    for _ in range(steps):
        subs = {E: E_val, eta: eta_val, **dict(zip(m.theta, point))}
        point = [c.xreplace(subs) for c in step]
        out.append(point)
    return out


@FAST
@given(problems())
def test_gd_exact_matches_sympy_gd_step(case):
    problem, theta = case
    ours = gd_exact(problem, theta, 3)
    ref = sympy_gd(problem, theta, 3)
    assert len(ours) == 4
    for a, b in zip(ours, ref):
        assert [sp.Rational(x.numerator, x.denominator) for x in a] == b


def test_gd_exact_by_hand():
    """Q = diag(−1, 2), E = 1, η = 1/10, θ = (1, 1): z = ½(−1 + 2) − 1 = −½, z̃ = −1/20,
    θ' = (1 − z̃·(−1), 1 − z̃·2) = (19/20, 11/10); T̃ = η(1 + 4) = ½."""
    p = Problem.diagonal([-1, 2], 1, "1/10")
    assert gd_exact(p, [1, 1], 1) == [(1, 1), (Fraction(19, 20), Fraction(11, 10))]
    assert reduced(p, [1, 1]) == (Fraction(-1, 20), Fraction(1, 2))
    assert gd_exact(p, [1, 1], 0) == [(1, 1)]


def test_gd_exact_follows_the_derived_two_d_map():
    """The reduced coordinates of exact GD iterates obey the SymPy-derived 2-D map exactly."""
    p = Problem.diagonal(["-3/4", "5/4"], "1/3", "2/5")
    m = two_d_map()
    its = gd_exact(p, ["1/2", "3/2"], 4)
    w1, w2 = (sp.Rational(str(p.Q[i][i])) for i in range(2))
    for a, b in itertools.pairwise(its):
        zt, Tt = reduced(p, a)
        nxt = m(
            sp.Rational(str(zt)),
            sp.Rational(str(Tt)),
            omega_1=w1,
            omega_2=w2,
            E=sp.Rational(1, 3),
            eta=sp.Rational(2, 5),
        )
        assert tuple(nxt) == tuple(sp.Rational(str(x)) for x in reduced(p, b))


# ---------------------------------------------------------------------------------------------
# gd_mp against gd_exact
# ---------------------------------------------------------------------------------------------
# Tolerance: at dps = 50 mpmath works with 169 bits (unit roundoff 2^-169 ≈ 1.3e-51).  Each
# input is rounded once and each step does O(P²) roundings; for the ranges drawn (|entries| ≤ 2,
# η ≤ 1/4, 4 steps) the step's Jacobian has norm ≲ 10, so 4 steps lose at most ~4 digits plus
# one for the operation count: 45 digits, relative to the size of θ, is the stated bound.


def normwise_digits(approx, exact_vec) -> float:
    """−log10 of the max-norm error relative to max(1, |θ_exact|∞), computed exactly."""
    err = max(abs(exact(a) - b) for a, b in zip(approx, exact_vec))
    if err == 0:
        return float("inf")
    scale = max(Fraction(1), max(abs(b) for b in exact_vec))
    with mp.workdps(30):
        return float(-mp.log10(mpf(err.numerator) / err.denominator / (mpf(scale.numerator) / scale.denominator)))


@FAST
@given(problems(positive_lr_max=Fraction(1, 4)))
def test_gd_mp_50_digits_agrees_with_exact(case):
    problem, theta = case
    ref = gd_exact(problem, theta, 4)
    res = gd_mp(problem, theta, 4, dps=50, record=True)
    assert res.dps == 50 and res.steps == 4 and len(res.zt) == len(res.Tt) == 5
    assert normwise_digits(res.theta, ref[-1]) >= 45
    for k, th in enumerate(ref):  # recorded z̃, T̃ at every iterate
        zt, Tt = reduced(problem, th)
        assert normwise_digits([res.zt[k], res.Tt[k]], [zt, Tt]) >= 45


@pytest.mark.parametrize("omegas", [["-1", "2"], ["1/3", "-2/3", "5/7"]])
def test_gd_mp_digit_count_per_component(omegas):
    """Component by component, for a tame problem: every coordinate to at least 45 digits."""
    p = Problem.diagonal(omegas, "2/3", "1/7")
    theta0 = ["1/3"] * len(omegas)
    ref = gd_exact(p, theta0, 5)[-1]
    res = gd_mp(p, theta0, 5, dps=50)
    assert all(agreeing_digits(a, b, dps=50) >= 45 for a, b in zip(res.theta, ref))


def test_gd_mp_dense_and_diagonal_paths_agree():
    """A rotated Q (dense path) and its eigenbasis (diagonal path) give the same z̃, T̃."""
    # Q = R diag(2, -1) Rᵀ with the rational rotation R = [[3/5, -4/5], [4/5, 3/5]]
    R = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])
    Q = R * sp.diag(2, -1) * R.T
    dense = Problem.create(Q, "1/2", "1/5")
    diag = Problem.diagonal([2, -1], "1/2", "1/5")
    theta_diag = [Fraction(1, 2), Fraction(3, 4)]
    theta_dense = [exact(x) for x in R * sp.Matrix([sp.Rational(1, 2), sp.Rational(3, 4)])]
    a = gd_mp(dense, theta_dense, 30, record=True)
    b = gd_mp(diag, theta_diag, 30, record=True)
    # T̃ stays O(1): compare digits.  z̃ → 0 at a minimum and is computed as a difference of O(1)
    # terms, so only its absolute error is controlled by the precision: compare that instead.
    assert all(agreeing_digits(x, y, dps=50) >= 45 for x, y in zip(a.Tt, b.Tt))
    with mp.workdps(50):
        assert max(abs(x - y) for x, y in zip(a.zt, b.zt)) < mpf("1e-45")


def test_gd_mp_precision_is_local_and_matters():
    p = Problem.diagonal(["1/3", "-1/7"], "1/9", "1/11")
    ref = gd_exact(p, ["1/3", "2/3"], 3)[-1]
    before = mp.prec
    low = gd_mp(p, ["1/3", "2/3"], 3, dps=15)
    high = gd_mp(p, ["1/3", "2/3"], 3, dps=60)
    assert mp.prec == before
    # 1/3 etc. are not binary: at 15 digits (53 bits) the error is near 1e-16, far from 1e-60
    assert all(agreeing_digits(a, b, dps=60) <= 18 for a, b in zip(low.theta, ref))
    assert all(agreeing_digits(a, b, dps=60) >= 55 for a, b in zip(high.theta, ref))


def test_gd_mp_zero_steps_and_no_record():
    r = gd_mp(P2, ["1/2", "1/4"], 0, record=True)
    assert r.theta == (mpf("0.5"), mpf("0.25")) and len(r.zt) == 1
    assert gd_mp(P2, [1, 1], 3).zt is None


def test_reduced_mp_matches_exact():
    p = Problem.create([[2, "1/3"], ["1/3", -1]], "1/7", "1/10")
    th = ["2/3", "-5/9"]
    zt, Tt = reduced(p, th)
    zm, Tm = reduced(p, th, dps=40)
    assert agreeing_digits(zm, zt, dps=40) >= 38 and agreeing_digits(Tm, Tt, dps=40) >= 38


# ---------------------------------------------------------------------------------------------
# agreeing_digits
# ---------------------------------------------------------------------------------------------


def test_agreeing_digits_basics():
    assert agreeing_digits(1, 2) == 0  # differ in the first digit
    assert agreeing_digits(5, -5) == 0
    assert agreeing_digits(0, "1e-40") == 0
    assert agreeing_digits(0, 0, dps=20) == 20
    assert agreeing_digits(mpf("nan"), 1) == 0 and agreeing_digits(float("inf"), float("inf")) == 0
    assert agreeing_digits("1.0001", "1.0002", dps=30) == 4  # |diff|/max = 1e-4/1.0002 ≥ 10^-4.0001
    assert agreeing_digits(Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**100), dps=60) == 60  # capped
    with mp.workdps(25):
        assert agreeing_digits(1, Fraction(1, 3) * 3) == 25  # default cap = current mp.dps


@given(st.integers(2, 45), st.fractions(min_value=Fraction(1, 10**6), max_value=10**6))
def test_agreeing_digits_relative_perturbation(k, a):
    """b = a(1 + 5·10^-k): |a−b|/|b| = 5·10^-k/(1 + 5·10^-k) ∈ (10^-k, 10^-(k-1)), so k − 1 digits."""
    b = a * (1 + 5 * Fraction(1, 10**k))
    assert agreeing_digits(a, b, dps=50) == k - 1
    assert agreeing_digits(b, a, dps=50) == k - 1
    assert agreeing_digits(-a, -b, dps=50) == k - 1


# ---------------------------------------------------------------------------------------------
# Interval arithmetic
# ---------------------------------------------------------------------------------------------


def sq2(x):
    return [x[0] ** 2 - 2]


def dsq2(x):
    return [[2 * x[0]]]


def test_krawczyk_proves_sqrt2():
    r = krawczyk(sq2, dsq2, [("1.4", "1.5")], dps=40)
    assert r.status == "unique zero" and r.exists and r.unique and not r.excluded
    (k,) = r.image
    with mp.workdps(50):
        root = mp.sqrt(2)
        lo, hi = mpf(k.a), mpf(k.b)
        assert lo < root < hi and mpf("1.4") < lo and hi < mpf("1.5")
    assert "unique zero" in r.describe()


def test_krawczyk_excludes_box_without_zero():
    r = krawczyk(sq2, dsq2, ("1.5", "1.6"))  # √2 ≈ 1.414 is not in [1.5, 1.6]
    assert r.status == "no zero" and not r.exists


def test_krawczyk_fails_on_too_wide_box():
    """Box [0, 3]: c = 3/2, A = [0, 6], Y = 1/3, K = 17/12 + [−1, 1]·[−3/2, 3/2] ∌ inside (0, 3)."""
    r = krawczyk(sq2, dsq2, [(0, 3)])
    assert r.status == "undecided" and not r.exists and not r.unique


def test_krawczyk_double_root_is_not_proved():
    r = krawczyk(lambda x: [x[0] ** 2], lambda x: [[2 * x[0]]], [("-1/10", "1/10")])
    assert not r.unique


def circle_line(x):
    return [x[0] ** 2 + x[1] ** 2 - 1, x[0] - x[1]]


def d_circle_line(x):
    return iv.matrix([[2 * x[0], 2 * x[1]], [1, -1]])


def test_krawczyk_two_dimensional():
    """x² + y² = 1, x = y has the zero (1/√2, 1/√2) ≈ (0.7071, 0.7071)."""
    r = krawczyk(circle_line, d_circle_line, [("0.6", "0.8"), ("0.6", "0.8")], dps=30)
    assert r.unique
    with mp.workdps(40):
        s = 1 / mp.sqrt(2)
        assert all(mpf(k.a) < s < mpf(k.b) for k in r.image)
    assert krawczyk(circle_line, d_circle_line, [("0.8", "0.9"), ("0.8", "0.9")]).excluded


def test_iv_bound_encloses_range():
    """x² − x on [0, 1] has range [−1/4, 0]; every enclosure must contain it."""
    f = lambda x: x[0] ** 2 - x[0]  # noqa: E731
    coarse = iv_bound(f, [(0, 1)])
    fine = iv_bound(f, [(0, 1)], splits=64)
    for b in (coarse, fine):
        assert mpf(b.a) <= mpf("-0.25") and mpf(b.b) >= 0
    assert mpf(fine.b) - mpf(fine.a) < mpf(coarse.b) - mpf(coarse.a)
    assert mpf(fine.a) > mpf("-0.3")  # 64 pieces: overestimate ≤ 2·(1/64) on each side


def test_iv_bound_proves_contraction():
    """|x/2 + x²/8| ≤ 5/8 < 1 on [−1, 1]; also vector-valued output."""
    lo_hi = iv_bound(lambda x: [x[0] / 2 + x[0] ** 2 / 8, x[0] * x[1]], [(-1, 1), (0, "1/2")], splits=4)
    m, p = lo_hi
    assert mpf(m.a) > -1 and mpf(m.b) < 1
    assert mpf(p.a) <= mpf("-0.5") and mpf(p.b) >= mpf("0.5")


# ---------------------------------------------------------------------------------------------
# float64 sweep
# ---------------------------------------------------------------------------------------------
# Dyadic parameters are exact in both float64 and mpmath; gd_mp at dps = 15 works with 53 bits and
# rounds to nearest-even, as IEEE float64 does, and sweep performs the same operations in the same
# order — so the two must agree bit for bit.


@pytest.mark.parametrize("lr", [0.125, 0.25, 0.375, 0.5625, 0.625])
def test_sweep_reproduces_float_like_gd_mp(lr):
    steps, tail = 300, 40
    T = sweep(-1, 2, 1.25, np.array([lr]), (0.75, 1.0), steps, tail)
    assert T.shape == (1, tail)
    p = Problem.diagonal([-1, 2], "1.25", lr)
    ref = gd_mp(p, ["0.75", "1"], steps, dps=15, record=True).Tt[-tail:]
    assert [float(x) for x in ref] == T[0].tolist()


U64 = 2.0**-53  #: float64 unit roundoff


def float64_error_bound(w, E, eta, theta0, steps, tail) -> np.ndarray:
    """First-order bound on |T̃_float − T̃_exact| for the last ``tail`` iterates of diagonal GD in float64.

    Step k rounds: z̃ = (a₁θ₁² − ηE) + a₂θ₂² is off by ≤ 4u·S (S the sum of the magnitudes of its
    terms) and θ_i' = θ_i − (z̃ω_i)θ_i by ≤ u(|θ_i'| + 2|z̃ω_iθ_i|) + |ω_iθ_i|·4u·S.  Each step's
    error δ_k reaches θ_n through the product of the GD Jacobians of the later steps, P_k (signed
    products: at a minimum they contract or keep the neutral direction), so |θ_n error| ≤ Σ|P_k|δ_k,
    and T̃ = Σ g_iθ_i² adds 2|g_iθ_i|·that plus 4u·T̃ for its own roundings (and the conversion of
    the 50-digit reference to float).  Evaluated along the float trajectory (first order); the
    inputs are dyadic, so a_i = ηω_i/2, ηE and g_i = ηω_i² are exact in float64.
    """
    w1, w2 = w
    a, g = (eta * w1 / 2, eta * w2 / 2), (eta * w1 * w1, eta * w2 * w2)
    t = [float(theta0[0]), float(theta0[1])]
    thetas, deltas, jacobians = [t], [], []
    for _ in range(steps):
        t1, t2 = t
        S = abs(a[0]) * t1 * t1 + abs(eta * E) + abs(a[1]) * t2 * t2
        zt = (a[0] * (t1 * t1) - eta * E) + a[1] * (t2 * t2)
        new = [ti - (zt * wi) * ti for wi, ti in zip(w, t)]
        deltas.append(
            np.array(
                [U64 * (abs(n) + 2 * abs(zt * wi * ti)) + abs(wi * ti) * 4 * U64 * S for n, wi, ti in zip(new, w, t)]
            )
        )
        jacobians.append(
            np.array(
                [
                    [(1 - zt * w[i] if i == j else 0) - eta * w[i] * t[i] * w[j] * t[j] for j in range(2)]
                    for i in range(2)
                ]
            )
        )
        t = new
        thetas.append(t)
    bounds = []
    for n in range(steps - tail + 1, steps + 1):
        P, err = np.eye(2), np.zeros(2)
        for k in range(n - 1, -1, -1):
            err += np.abs(P) @ deltas[k]
            P = P @ jacobians[k]
        t1, t2 = thetas[n]
        T = g[0] * t1 * t1 + g[1] * t2 * t2
        bounds.append(2 * abs(g[0] * t1) * err[0] + 2 * abs(g[1] * t2) * err[1] + 4 * U64 * T)
    return np.array(bounds)


@pytest.mark.parametrize("lr", ["0.125", "0.25", "0.375"])
def test_sweep_close_to_50_digit_gd(lr):
    """Where GD converges, float64 GD stays within its propagated round-off of 50-digit GD.

    The tolerance is twice the first-order bound (second-order terms are ~bound², negligible):
    3e-13 to 1e-12 here, against differences of at most 2e-14.
    """
    T = sweep(-1, 2, 1.25, float(lr), (0.75, 1.0), 2000, 5)
    ref = gd_mp(Problem.diagonal([-1, 2], "1.25", lr), ["0.75", "1"], 2000, dps=50, record=True).Tt[-5:]
    bound = float64_error_bound((-1.0, 2.0), 1.25, float(lr), (0.75, 1.0), 2000, 5)
    assert np.all(np.abs(T - np.array([float(x) for x in ref])) <= 2 * bound)


def test_sweep_broadcasts_and_runs_independently():
    lrs = np.array([[0.1], [0.3]])
    targets = np.array([[0.5, 1.0, 1.5]])
    T = sweep(-1, 2, targets, lrs, (0.75, 1.0), 50, 3)
    assert T.shape == (2, 3, 3)
    for i in range(2):
        for j in range(3):
            assert np.array_equal(T[i, j], sweep(-1, 2, targets[0, j], lrs[i, 0], (0.75, 1.0), 50, 3))
    assert sweep(-1, 2, 1, 0.1, (1, 1), 4, 5).shape == (5,)  # tail = steps + 1 includes θ_0
    assert sweep(-1, 2, 1, 0.1, (1, 1), 4, 5)[0] == pytest.approx(0.1 * (1 + 4))  # T̃(θ_0) by hand


def test_sweep_divergence_gives_nonfinite_without_warnings():
    with np.errstate(all="raise"):
        T = sweep(-1, 2, 1, np.array([0.1, 5.0]), (1, 1), 200, 2)
    assert np.isfinite(T[0]).all() and not np.isfinite(T[1]).all()


@pytest.mark.parametrize("omegas", [["-1", "2"], None])
def test_gd_mp_record_does_not_change_the_trajectory(omegas):
    p = Problem.diagonal(omegas, "1.25", "0.375") if omegas else Problem.create([[1, "1/2"], ["1/2", -2]], 1, "0.3")
    a = gd_mp(p, ["0.75", "1"], 200, dps=20)
    b = gd_mp(p, ["0.75", "1"], 200, dps=20, record=True)
    assert a.theta == b.theta


def test_module_doctests():
    """The examples of the number reader, quadratic GD and agreeing_digits (exact, the module headers) hold."""
    import doctest

    from eos_theory.numbers import decimals, parse
    from eos_theory.quadratic import gd

    results = [doctest.testmod(m) for m in (parse, gd, decimals)]
    assert all(r.failed == 0 for r in results) and sum(r.attempted for r in results) >= 10


# ---------------------------------------------------------------------------------------------
# Exactness helpers: to_mpf, enclose, exact_sign, and exact()'s messages (found missing by mutation testing)
# ---------------------------------------------------------------------------------------------

from flint import arb, ctx  # noqa: E402

from eos_theory.numbers.intervals import Undecided, arb_enclose, enclose, exact_sign, iv_workdps  # noqa: E402
from eos_theory.numbers.parse import to_mpf  # noqa: E402

THIRDS_AND_TENTHS = [Fraction(s) for s in ("1/3", "-1/3", "2/3", "-2/3", "1/10", "-1/10", "7/10", "-7/10")]


@pytest.mark.parametrize("q", THIRDS_AND_TENTHS, ids=str)
def test_to_mpf_rounds_to_nearest(q):
    # Python's int / int is correctly rounded to the nearest double, so at 53 bits both must agree
    with mp.workprec(53):
        assert to_mpf(q) == mpf(q.numerator / q.denominator)


def _ends(box) -> tuple[Fraction, Fraction]:
    """The exact end points of an iv interval (mp.make_mpf keeps every bit; mpf() would round them)."""
    return exact(mp.make_mpf(box._mpi_[0])), exact(mp.make_mpf(box._mpi_[1]))


@pytest.mark.parametrize("q", THIRDS_AND_TENTHS, ids=str)
def test_enclose_contains_a_rational_strictly_and_tightly(q):
    with iv_workdps(30):
        box = enclose(q)
    lo, hi = _ends(box)
    assert lo < q < hi  # none of these is a binary fraction, so the ends differ from q
    assert hi - lo <= abs(q) * Fraction(1, 2**95)  # 30 digits: about 103 bits, ends one unit apart


def _contains(box, value) -> bool:
    """Whether an iv interval contains an exact rational, compared exactly."""
    lo, hi = _ends(box)
    return lo <= Fraction(value) <= hi


# (expression, exact polynomial relation P with P(value) = 0 as a function of an iv interval, value's sign)
ENCLOSED = {
    "2 sqrt 3": (2 * sp.sqrt(3), lambda b: b * b - 12, 1),
    "1/sqrt 2": (1 / sp.sqrt(2), lambda b: 2 * b * b - 1, 1),
    "sqrt 2 - 7/5": (sp.sqrt(2) - sp.Rational(7, 5), lambda b: (b + iv.mpf(7) / 5) ** 2 - 2, 1),
    "cbrt 2": (sp.cbrt(2), lambda b: b**3 - 2, 1),
    "3^(2/3)": (sp.Integer(3) ** sp.Rational(2, 3), lambda b: b**3 - 9, 1),
    "2^(-2/3)": (sp.Pow(2, sp.Rational(-2, 3), evaluate=False), lambda b: 4 * b**3 - 1, 1),
    "(sqrt 2 - 1)^(1/3)": (sp.Pow(sp.sqrt(2) - 1, sp.Rational(1, 3), evaluate=False), lambda b: (b**3 + 1) ** 2 - 2, 1),
    "|1 - sqrt 2|": (sp.Abs(1 - sp.sqrt(2), evaluate=False), lambda b: (b + 1) ** 2 - 2, 1),
    "exp(log 3)": (sp.exp(sp.log(3), evaluate=False), lambda b: b - 3, 1),
    "log(exp 2)": (sp.log(sp.exp(2), evaluate=False), lambda b: b - 2, 1),
}


@pytest.mark.parametrize("name", ENCLOSED)
def test_enclose_expressions_contain_their_value(name):
    """P(box) ∋ 0 for the exact relation P(value) = 0 (a box that misses the value gives P ∌ 0 here)."""
    expr, relation, sign = ENCLOSED[name]
    with iv_workdps(30):
        box = enclose(expr)
        assert _contains(relation(box), 0)
        assert box.delta < mpf(10) ** -25 * max(abs(mpf(box.a)), 1)
    assert (box.a > 0) if sign > 0 else (box.b < 0)


@pytest.mark.parametrize("name", ENCLOSED)
def test_arb_enclose_holds_the_value_tightly(name):
    """exact_sign's balls (python-flint's arb) hold SymPy's own 60-digit value (mpmath's evalf, another library)."""
    expr, _, sign = ENCLOSED[name]
    with ctx.workdps(80):
        value = arb(str(sp.N(expr, 60)))  # within 10^-60 of the value
    with ctx.workdps(30):
        ball = arb_enclose(expr)
        assert ball.contains(value) and ball.rad() < arb("1e-25") * max(abs(ball.mid()), 1)
        assert (ball > 0) if sign > 0 else (ball < 0)


def test_arb_enclose_refuses_what_it_cannot_enclose():
    with pytest.raises(InputError, match="sin is not supported"):
        arb_enclose(sp.sin(1))
    with ctx.workdps(30):  # a cube root of a ball below 0: not finite, so no sign is read from it
        assert not arb_enclose(sp.Pow(-1, sp.Rational(1, 3), evaluate=False)).is_finite()


@pytest.mark.parametrize(
    "expr, message",
    [
        (sp.sqrt(2) * sp.Float("0.5"), "cannot enclose 0.5*sqrt(2): not an exact real number"),
        (sp.Symbol("x") + 1, "cannot enclose x + 1: not an exact real number"),
        (
            sp.Pow(-1, sp.Rational(1, 3), evaluate=False),
            "cannot enclose (-1)**(1/3): root of a number not known to be positive",
        ),
        (sp.sin(1), "cannot enclose sin(1): sin is not supported"),
    ],
)
def test_enclose_refuses_what_it_cannot_enclose_rigorously(expr, message):
    with pytest.raises(InputError) as info:
        enclose(expr)
    assert str(info.value) == message


def test_exact_sign_says_why_it_cannot_decide():
    with pytest.raises(Undecided) as info:
        exact_sign(sp.Symbol("x"))
    assert str(info.value) == "not an exact real number: x"
    with pytest.raises(Undecided, match=r"^no exact zero test for -3 \+ pi: "):  # π is transcendental
        exact_sign(sp.pi - 3)
    # √2 − √(2 − 10^-2000) ≈ 3.5·10^-2001 is not 0 (its minimal polynomial is not x), but no enclosure up
    # to 960 digits separates it from 0: the sign is refused, not guessed
    v = sp.sqrt(2) - sp.sqrt(2 - sp.Rational(1, 10**2000))
    with pytest.raises(Undecided) as info:
        exact_sign(v)
    assert str(info.value).endswith("is non-zero but its sign was not resolved at 960 digits")


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "value: cannot read 'abc' as an exact number (use e.g. 1.05 or 21/20)"),
        (True, "value must be a number, got True"),
        (sp.sqrt(2), "value must be an exact rational, got sqrt(2)"),
        (float("inf"), "value must be finite, got inf"),
        (mpf("nan"), "value must be finite, got nan"),
        (decimal.Decimal("NaN"), "value must be finite, got NaN"),
        ([1], "value must be a number, got [1] of type list"),
    ],
)
def test_exact_messages_name_the_value(value, message):
    with pytest.raises(InputError) as info:
        exact(value)
    assert str(info.value) == message


def test_enclose_an_integer_power_of_a_negative_number():
    # (1 − √2)³ = 7 − 5√2 = −0.0710…: an integer power needs no positive base
    with iv_workdps(30):
        box = enclose(sp.Pow(1 - sp.sqrt(2), 3, evaluate=False))
        assert _contains((box - 7) ** 2 - 50, 0) and box.b < 0
        assert box.delta < mpf(10) ** -25


def test_exact_sign_refuses_a_float_as_not_exact():
    with pytest.raises(Undecided) as info:
        exact_sign(sp.sqrt(2) * sp.Float(1))
    assert str(info.value) == "not an exact real number: 1.0*sqrt(2)"
