"""The exact machinery: normal forms, counterexample search, exact decisions, the Proof record, and the
registry's verdicts, audit and premises.

Expected values are worked out by hand (in comments) or computed independently with Fractions.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from eos_theory.core.proof import (
    BoxProof,
    CorrectionFailed,
    Disproved,
    NotRational,
    Proof,
    Undecided,
    canonical_words,
    exact_sign,
    find_counterexample,
    normal_form,
    same,
)
from eos_theory.core.registry import Claim, Source, check_premises, run
from eos_theory.testing import nonzero_rationals, polynomials, rationals

x, y, u = sp.symbols("x y u", real=True)
pos = sp.Symbol("p", positive=True)
BOX = BoxProof((x,), ((1, 2),), equations=(x**2 - 2,))  #: √2 is the one zero of x² − 2 in [1, 2]
nz = sp.Symbol("n", real=True, nonzero=True)
k_int = sp.Symbol("k", integer=True)
eta = sp.Symbol("eta", positive=True)


def R(v):
    v = Fraction(v)
    return sp.Rational(v.numerator, v.denominator)


def fraction_value(expr, point) -> Fraction:
    """Evaluate at a rational point; the result must be an exact rational."""
    value = sp.sympify(expr).xreplace({s: R(v) for s, v in point.items()})
    assert value.is_Rational, value
    return Fraction(int(value.p), int(value.q))


# -- normal_form ----------------------------------------------------------------------------------

XY = (x, y)


@given(polynomials(XY), polynomials(XY, nonzero=True), polynomials(XY, max_degree=1, nonzero=True))
def test_normal_form_is_canonical(p, q, r):
    """p/q and (pr)/(qr), expanded, are the same rational function: same normal form, difference 0."""
    a = p / q
    b = sp.expand(p * r) / sp.expand(q * r)
    assert normal_form(a) == normal_form(b)
    assert normal_form(a - b) == 0


@given(polynomials(XY), polynomials(XY, max_degree=1, nonzero=True), st.integers(1, 3))
def test_a_polynomial_gets_the_same_normal_form_unexpanded_and_as_a_fraction(p, r, k):
    """A polynomial (built in the ring) has the normal form of its expansion, and of itself written as
    (p·r^k)/r^k (built in the fraction field, with the common factor cancelled)."""
    unexpanded = (p + x) * r**k  # a product, kept unexpanded by SymPy
    assert normal_form(unexpanded) == sp.expand(unexpanded)
    assert normal_form(sp.expand(p * r**k) / sp.expand(r**k)) == normal_form(p) == sp.expand(p)


@given(
    polynomials(XY),
    polynomials(XY, nonzero=True),
    st.lists(st.tuples(rationals(), rationals()), min_size=1, max_size=3),
)
def test_normal_form_preserves_value(p, q, points):
    """Where q ≠ 0, the normal form has the value of p/q (computed with Fractions)."""
    nf = normal_form(p / q)
    for xv, yv in points:
        pt = {x: xv, y: yv}
        qv = fraction_value(q, pt)
        if qv == 0:
            continue
        den = fraction_value(sp.fraction(nf)[1], pt)
        if den == 0:
            continue
        assert fraction_value(nf, pt) == fraction_value(p, pt) / qv


@pytest.mark.parametrize(
    "a, b",
    [
        # 1/(x−1) − 1/(x+1) = 2/(x² − 1)
        (1 / (x - 1) - 1 / (x + 1), 2 / (x**2 - 1)),
        # (x² − y²)/(x − y) = x + y
        ((x**2 - y**2) / (x - y), x + y),
        # x/(xy + x) = 1/(y + 1)
        (x / (x * y + x), 1 / (y + 1)),
        # η^{1/2}·η^{1/2} = η, η^{3/2}/η^{1/2} = η (square roots of a positive symbol)
        (sp.sqrt(eta) * x * sp.sqrt(eta), eta * x),
        (eta ** sp.Rational(3, 2) / sp.sqrt(eta), eta),
        ((sp.sqrt(eta) * x) ** 2, eta * x**2),
    ],
    ids=["partial-fractions", "cancel", "common-factor", "sqrt-eta", "eta^(3/2)", "sqrt-eta-squared"],
)
def test_normal_form_identifies_rewritings(a, b):
    assert normal_form(a) == normal_form(b)
    assert normal_form(a - b) == 0


def test_normal_form_fixes_the_sign_of_the_denominator():
    """Found by random exploration: 1/(1 − y) and (1/2)/(1/2 − y/2) are one function and need one form."""
    assert normal_form(1 / (1 - y)) == normal_form(sp.Rational(1, 2) / (sp.Rational(1, 2) - y / 2))
    assert normal_form(1 / (1 - y)) == normal_form(-1 / (y - 1))


def test_normal_form_separates_different_functions():
    assert normal_form((x + 1) ** 2 - (x**2 + 1)) != 0
    assert normal_form(sp.sqrt(eta) - eta) != 0


@pytest.mark.parametrize(
    "expr",
    [
        x + sp.Float(0.5),
        sp.Float(2),
        x * sp.Float("1e-30"),
        sp.sin(x),
        sp.exp(x),
        x ** sp.Rational(1, 3),
        sp.sqrt(x),
        sp.sqrt(2),
        sp.log(x + 1),
    ],
    ids=["x+0.5", "2.0", "tiny-float", "sin", "exp", "cube-root", "sqrt-of-real", "sqrt2", "log"],
)
def test_normal_form_rejects_non_rational(expr):
    with pytest.raises(NotRational):
        normal_form(expr)


@pytest.mark.parametrize(
    "expr", [x + sp.pi, sp.sqrt(2) * x, sp.I * x, sp.E * x**2], ids=["x+pi", "sqrt2*x", "I*x", "e*x^2"]
)
def test_normal_form_rejects_irrational_coefficients(expr):
    with pytest.raises(NotRational):
        normal_form(expr)


# modulo: x² = 2.  By hand: x³ = x·x² ≡ 2x, x⁴ ≡ 4, (x² − 2)/(y + 1) ≡ 0.
@pytest.mark.parametrize(
    "expr, expected",
    [
        (x**2 - 2, 0),
        (x**3 - 2 * x, 0),
        (x**3, 2 * x),
        (x**4, 4),
        ((x**2 - 2) / (y + 1), 0),
        (x**2 + y, 2 + y),
    ],
)
def test_normal_form_modulo_relation(expr, expected):
    assert sp.expand(normal_form(expr, modulo=(x**2 - 2,)) - expected) == 0


@given(polynomials(XY), polynomials(XY))
def test_normal_form_modulo_ignores_multiples_of_the_relation(f, c):
    """f·g + c ≡ c modulo g, on the curve g = xy − 1 (a relation in two variables)."""
    g = x * y - 1
    assert normal_form(sp.expand(f * g + c), modulo=(g,)) == normal_form(c, modulo=(g,))
    assert normal_form(sp.expand(f * g), modulo=(g,)) == 0


def test_normal_form_modulo_is_not_vacuous():
    # x is not in the ideal (x² − 2): on the variety x = ±√2 it is not zero
    assert normal_form(x, modulo=(x**2 - 2,)) != 0
    assert normal_form(x * y, modulo=(x * y - 1,)) == 1


# -- find_counterexample --------------------------------------------------------------------------

SYMS = (pos, nz, k_int, u)


def _respects_assumptions(point) -> bool:
    return (
        (point[pos] > 0 if pos in point else True)
        and (point[nz] != 0 if nz in point else True)
        and (point[k_int].q == 1 if k_int in point else True)
    )


@given(polynomials(SYMS, max_degree=2, max_terms=3, nonzero=True))
def test_find_counterexample_respects_assumptions(expr):
    point = find_counterexample(expr)
    assert point is not None, f"no point found for the non-zero polynomial {expr}"
    assert set(point) == expr.free_symbols
    assert all(isinstance(v, sp.Rational) for v in point.values())
    assert _respects_assumptions(point), point
    assert fraction_value(expr, point) != 0


def test_find_counterexample_never_leaves_the_domain():
    """max(0, −p) vanishes for every allowed p > 0; only p ≤ 0 would make it non-zero."""
    assert find_counterexample(sp.Max(0, -pos, evaluate=False)) is None
    # control: for a real x the same expression has a counterexample, at some x < 0
    point = find_counterexample(sp.Max(0, -x, evaluate=False))
    assert point is not None and point[x] < 0
    # max(0, 1 − 1000|n|) is non-zero only for |n| < 1/1000, in particular at the excluded n = 0
    point = find_counterexample(sp.Max(0, 1 - 1000 * sp.Abs(nz), evaluate=False))
    assert point is None or point[nz] != 0


def test_find_counterexample_none_for_identities_and_skips_poles():
    assert find_counterexample(sp.Integer(0)) is None
    assert find_counterexample((x + 1) ** 2 - x**2 - 2 * x - 1) is None
    # 1/(x − 1) − 1/(x − 1) is 0 where defined; x = 1 gives nan, not a counterexample
    assert find_counterexample(sp.Add(1 / (x - 1), -1 / (x - 1), evaluate=False)) is None


# -- Proof.equal ----------------------------------------------------------------------------------


def test_equal_records_a_true_identity():
    p = Proof()
    p.equal("difference of squares", (x - y) * (x + y), x**2 - y**2)
    p.equal("matrix", sp.Matrix([[x * (x + 1)], [y]]), sp.Matrix([[x**2 + x], [y]]))
    assert [s.kind for s in p.steps] == ["identity", "identity"]
    assert p.verdict == "verified"


def test_equal_raises_disproved_with_exact_counterexample():
    p = Proof()
    with pytest.raises(Disproved) as info:
        p.equal("binomial", (x + 1) ** 2, x**2 + 1)
    exc = info.value
    assert set(exc.point) == {x} and isinstance(exc.point[x], sp.Rational)
    v = Fraction(int(exc.point[x].p), int(exc.point[x].q))
    # (v + 1)² − (v² + 1) = 2v, so the point must have v ≠ 0, and lhs/rhs are the exact values
    assert v != 0
    assert (Fraction(int(exc.lhs.p), int(exc.lhs.q)), Fraction(int(exc.rhs.p), int(exc.rhs.q))) == (
        (v + 1) ** 2,
        v**2 + 1,
    )
    assert p.steps == [] and p.refutations == []


@given(polynomials((pos, u), nonzero=False), polynomials((pos, u), nonzero=True))
def test_equal_disproves_any_false_identity(f, d):
    """f vs f + d with d ≢ 0: Disproved, at a point with p > 0 where d ≠ 0 (checked with Fractions)."""
    p = Proof()
    with pytest.raises(Disproved) as info:
        p.equal("false", f, sp.expand(f + d))
    point = info.value.point
    assert point[pos] > 0 if pos in point else True
    full = {s: point.get(s, Fraction(1)) for s in (pos, u)}
    assert fraction_value(d, full) != 0


def test_equal_matrix_with_one_wrong_entry():
    with pytest.raises(Disproved):
        Proof().equal("matrix", sp.Matrix([x, y]), sp.Matrix([x, y + x**2]))
    with pytest.raises(AssertionError):
        Proof().equal("shapes", sp.Matrix([x, y]), sp.Matrix([[x, y]]))


def test_equal_modulo():
    p = Proof()
    p.equal("on x² = 2", x**3, 2 * x, modulo=(x**2 - 2,))
    with pytest.raises(AssertionError):
        p.equal("not on x² = 2", x**3, 3 * x, modulo=(x**2 - 2,))
    assert len(p.steps) == 1


# -- Proof.differ, corrections and the verdict ----------------------------------------------------


def test_differ_records_counterexample_and_refuted_needs_verified_correction():
    p = Proof()
    point = p.differ("x² = x", x**2, x)
    v = Fraction(int(point[x].p), int(point[x].q))
    assert v * v != v  # by hand: x² = x only at 0 and 1
    assert len(p.refutations) == 1 and p.steps[-1].kind == "counterexample"
    with pytest.raises(AssertionError):
        p.verdict
    with p.corrected("x² = x·x"):
        pass
    with pytest.raises(AssertionError):
        p.verdict
    with p.corrected("x² = x·x"):
        p.equal("x² = x·x", x**2, x * x)
    assert p.verdict == "refuted"
    assert [s.kind for s in p.correction.steps] == ["identity"]
    # steps after the block go to the main record again
    p.equal("after", x, x)
    assert p.steps[-1].text == "after" and len(p.correction.steps) == 1


def test_correction_block_closes_even_when_a_step_fails():
    p = Proof()
    p.differ("x² = x", x**2, x)
    # a false correction is reported as such, not as a disproof
    with pytest.raises(CorrectionFailed), p.corrected("wrong"):
        p.equal("wrong", x**2, x + 1)
    p.equal("after", x, x)
    assert p.steps[-1].text == "after"
    assert p.correction.steps == []


def test_differ_rejects_identities_and_non_separating_points():
    with pytest.raises(AssertionError):
        Proof().differ("true identity", (x + 1) ** 2, x**2 + 2 * x + 1)
    with pytest.raises(AssertionError):
        Proof().differ("x² vs x at 1", x**2, x, at={x: 1})
    p = Proof()
    point = p.differ("x² vs x at 3", x**2, x, at={x: 3})
    assert point == {x: 3} and "9" in p.steps[-1].detail and "3" in p.steps[-1].detail


def test_differ_as_example_is_not_a_refutation():
    p = Proof()
    p.differ("x² and x are different functions", x**2, x, refutes=False)
    assert p.refutations == [] and p.steps[-1].kind == "example"
    assert p.verdict == "verified"


@st.composite
def separable_pairs(draw):
    """(f, f + d) with d ≢ 0 and f using only symbols of d (see the test below for the rest)."""
    d = draw(polynomials((pos, u), nonzero=True))
    syms = tuple(sorted(d.free_symbols, key=str))
    f = draw(polynomials(syms)) if syms else R(draw(rationals()))
    return sp.sympify(f), sp.expand(f + d), d


@given(separable_pairs())
def test_differ_point_separates(pair):
    f, g, d = pair
    p = Proof()
    point = p.differ("f vs f + d", f, g)
    assert _respects_assumptions(point)
    assert set(point) == d.free_symbols
    assert fraction_value(d, point) != 0


@pytest.mark.parametrize("lhs, rhs", [(u, u + 1), (x + y, x + 2 * y)], ids=["constant-difference", "x-cancels"])
def test_differ_when_the_difference_has_fewer_symbols(lhs, rhs):
    point = Proof().differ("not equal", lhs, rhs)
    assert fraction_value(lhs, point) != fraction_value(rhs, point)


def test_disproved_sides_are_numbers_when_a_symbol_cancels():
    with pytest.raises(Disproved) as info:
        Proof().equal("x + y = x + 2y", x + y, x + 2 * y)
    assert info.value.lhs.is_Rational and info.value.rhs.is_Rational


# -- Proof.positive -------------------------------------------------------------------------------


def test_positive_accepts_manifest_witness():
    p = Proof()
    # x² + 2x + 2 = (x + 1)² + 1 > 0
    p.positive("completed square", x**2 + 2 * x + 2, (x + 1) ** 2 + 1)
    # η x² > 0 for x ≠ 0 (η is a positive symbol)
    p.positive("with x ≠ 0", eta * x**2, eta * x**2, nonzero=(x,))
    assert [s.kind for s in p.steps] == ["sign", "sign"]


@given(
    polynomials((x, y), max_degree=1, max_terms=3), polynomials((x, y), max_degree=1, max_terms=3), nonzero_rationals()
)
def test_positive_accepts_sums_of_squares_plus_a_positive_constant(a, b, c):
    witness = a**2 + b**2 + abs(R(c))
    p = Proof()
    p.positive("sum of squares", sp.expand(witness), witness)
    assert p.steps[-1].kind == "sign"


@pytest.mark.parametrize(
    "expr, witness, why",
    [
        (x**2, x**2, "zero at x = 0"),
        (-(x**2) - 1, -(x**2) - 1, "negative"),
        (x**2 - 1, x**2 - 1, "indefinite"),
        (x * y, x * y, "sign of a product of reals is unknown"),
    ],
)
def test_positive_rejects_non_positive_witness(expr, witness, why):
    p = Proof()
    with pytest.raises(AssertionError):
        p.positive(why, expr, witness)
    assert p.steps == []


def test_positive_rejects_witness_that_is_not_the_expression():
    with pytest.raises(Disproved):
        Proof().positive("wrong witness", x**2 - 2 * x, (x - 1) ** 2 + 1)


# -- registry.run ---------------------------------------------------------------------------------


def _claim(check, expect="verified") -> Claim:
    return Claim("test-claim", Source("derived"), "a statement", "a method", check, expect, __name__)


def test_run_verified():
    r = run(_claim(lambda p: p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)))
    assert r.verdict == "verified" and r.as_expected and r.error is None


@pytest.mark.parametrize("error", [ZeroDivisionError("boom"), KeyError("k"), NotRational("sin(x)"), RuntimeError()])
def test_run_inconclusive_on_unexpected_error(error):
    def check(p):
        p.equal("fine", x, x)
        raise error

    r = run(_claim(check))
    assert r.verdict == "inconclusive"
    assert not r.as_expected
    assert r.error.startswith(type(error).__name__)
    assert r.to_json()["verdict"] == "inconclusive" and r.to_json()["correction"] is None


def test_run_refuted_with_verified_correction():
    def check(p):
        p.differ("x² = x", x**2, x)
        with p.corrected("x² = x·x"):
            p.equal("x² = x·x", x**2, x * x)

    r = run(_claim(check, expect="refuted"))
    assert r.verdict == "refuted" and r.as_expected
    assert r.to_json()["correction"]["steps"]


def test_run_inconclusive_on_refutation_without_correction():
    r = run(_claim(lambda p: p.differ("x² = x", x**2, x), expect="refuted"))
    assert r.verdict == "inconclusive"


def _false_correction(p):
    p.differ("(x + 1)² = x² + 1", (x + 1) ** 2, x**2 + 1)
    with p.corrected("(x + 1)² = x² + 3x + 1"):  # wrong: it is x² + 2x + 1
        p.equal("(x + 1)² = x² + 3x + 1", (x + 1) ** 2, x**2 + 3 * x + 1)


def _uncorrected_disproof(p):
    p.equal("(x + 1)² = x² + 1", (x + 1) ** 2, x**2 + 1)


@pytest.mark.parametrize("check", [_false_correction, _uncorrected_disproof], ids=["false-correction", "no-correction"])
def test_refuted_always_carries_a_verified_correction(check):
    r = run(_claim(check, expect="refuted"))
    if r.verdict == "refuted":
        correction = r.to_json()["correction"]
        assert correction is not None and correction["steps"], "refuted without a verified correction"
    assert not (r.verdict == "refuted" and r.error), f"refuted although a step failed: {r.error}"


# -- cited theorems and inferences ----------------------------------------------------------------


def test_infer_requires_its_premises_to_be_recorded():
    p = Proof()
    p.equal("x + x = 2x", x + x, 2 * x)
    p.infer("so 2x − x = x", from_=("x + x = 2x",))
    assert p.steps[-1].kind == "inference" and "x + x = 2x" in p.steps[-1].detail
    with pytest.raises(AssertionError, match="premises not established"):
        p.infer("unsupported", from_=("a step that was never recorded",))


def test_cite_needs_the_theorem_and_a_reference():
    p = Proof()
    p.cite("|λmax(A + B) − λmax(A)| ≤ ‖B‖", "Weyl's inequality", "Horn & Johnson, Theorem 4.3.1")
    assert (p.steps[-1].kind, p.steps[-1].detail) == ("citation", "Weyl's inequality (Horn & Johnson, Theorem 4.3.1)")
    assert p.verdict == "verified"
    with pytest.raises(ValueError):
        p.cite("unsupported", "Weyl's inequality", " ")
    with pytest.raises(TypeError):
        p.cite("unsupported", "Weyl's inequality")  # a citation without a reference cannot be written


def test_a_bare_true_cannot_be_recorded():
    p = Proof()
    assert not hasattr(p, "fact")
    with pytest.raises(AssertionError, match="no step"):
        p.verdict


# -- exact decisions: exact_sign, same, check, compare --------------------------------------------


@pytest.mark.parametrize(
    "value, sign",
    [
        (sp.Rational(-3, 7), -1),
        (0, 0),
        (sp.sqrt(5) - 1 - sp.Rational(5, 4), -1),  # √5 − 1 = 1.236… < 1.25
        (sp.sqrt(5) - 1 - sp.Rational(6, 5), 1),
        (sp.sqrt(2) + sp.sqrt(3) - sp.sqrt(5 + 2 * sp.sqrt(6)), 0),
        (30 + 6 * sp.sqrt(5), 1),
        (sp.Rational(99, 70) - sp.sqrt(2), 1),  # 99/70 = 1.414285… > √2 = 1.414213…
    ],
)
def test_exact_sign_of_algebraic_numbers(value, sign):
    assert exact_sign(value) == sign


def test_exact_sign_resolves_a_gap_far_below_double_precision():
    tiny = sp.Rational(1, 10**40)
    assert exact_sign(sp.sqrt(2) - sp.sqrt(2 - tiny)) == 1  # (√2 − √(2 − t)) ≈ t/(2√2) = 3.5e-41
    assert exact_sign(sp.sqrt(2 - tiny) - sp.sqrt(2)) == -1


@pytest.mark.parametrize("value", [sp.Symbol("x"), sp.Float(0.5), sp.sqrt(2) * 1.0])
def test_exact_sign_refuses_what_is_not_an_exact_number(value):
    with pytest.raises(Undecided):
        exact_sign(value)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (sp.Interval.open(1, sp.sqrt(5) - 1), sp.Interval.open(1, (sp.sqrt(20) - 2) / 2), True),
        (sp.Interval.open(1, sp.sqrt(5) - 1), sp.Interval(1, sp.sqrt(5) - 1), False),  # openness matters
        (sp.Interval.open(0, 2), sp.Interval.open(0, sp.Rational(199, 100)), False),
        ((x + 1) ** 2, x**2 + 2 * x + 1, True),
        ((x + 1) ** 2, x**2 + 1, False),
        ([1, sp.Rational(1, 2)], (1, Fraction(1, 2)), True),
        ([1, 2], [1, 2, 3], False),
        (sp.Rational(1, 2), 0.5, False),
        (True, sp.true, True),
        (True, 1, False),
        ("minimum", "minimum", True),
        (sp.FiniteSet(sp.sqrt(8)), sp.FiniteSet(2 * sp.sqrt(2)), True),
    ],
)
def test_same_decides_equality_exactly(a, b, expected):
    assert same(a, b) is expected
    assert same(b, a) is expected


def test_normal_form_refuses_non_commuting_symbols():
    A, B = sp.symbols("A B", commutative=False)
    with pytest.raises(NotRational):
        normal_form(A * B - B * A)  # would be 0 if A, B were treated as commuting
    assert not same(A * B, B * A)


def test_check_records_the_computed_value_and_refuses_a_mismatch():
    p = Proof()
    p.check(
        "|1 − s| < 1 ⟺ 0 < s < 2",
        sp.solve_univariate_inequality(sp.Abs(1 - x) < 1, x, relational=False),
        sp.Interval.open(0, 2),
        "solve_univariate_inequality",
    )
    assert p.steps[-1].kind == "check" and "Interval.open(0, 2)" in p.steps[-1].detail
    with pytest.raises(AssertionError, match="computed 1, expected 2"):
        p.check("degree", sp.degree(x**2 - x, x) - 1, 2)


def test_compare_decides_inequalities_of_algebraic_numbers():
    p = Proof()
    p.compare("√5 − 1 < 5/4", sp.sqrt(5) - 1, "<", sp.Rational(5, 4))
    p.compare("√8 = 2√2", sp.sqrt(8), "==", 2 * sp.sqrt(2))
    with pytest.raises(AssertionError, match="is false"):
        p.compare("√2 > 99/70", sp.sqrt(2), ">", sp.Rational(99, 70))
    with pytest.raises(ValueError):
        p.compare("bad op", 1, "=<", 2)


def test_numerical_evidence_must_reach_the_required_digits():
    p = Proof()
    p.numerical("GD settles", 31, "after 100 steps", required=30)
    assert p.basis == "numerical" and "31 agreeing digits (≥ 30 required)" in p.steps[-1].detail
    with pytest.raises(AssertionError, match="only 29 digits"):
        p.numerical("GD settles", 29, "after 100 steps", required=30)


# -- the audit: every quantifier of a statement is covered ----------------------------------------


def _claim_with(statement, check, id="test-claim", expect="verified"):
    return Claim(id, Source("derived"), statement, "a method", check, expect, __name__)


def test_audit_flags_an_uncovered_quantifier():
    r = run(
        _claim_with("For all x, (x + 1)² = x² + 2x + 1.", lambda p: p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1))
    )
    assert r.verdict == "inconclusive" and "'For all' in" in r.error


def test_audit_accepts_a_covered_quantifier():
    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.covers("For all x", "square")

    assert run(_claim_with("For all x, (x + 1)² = x² + 2x + 1.", check)).verdict == "verified"


@pytest.mark.parametrize(
    "statement, covers, problem",
    [
        ("For all x, x = x.", ("For every x", "square"), "does not occur in the statement (copy it from the"),
        (
            "For all x, x = x.",
            ("For all x", "no such step"),
            "names no recorded step: name steps by their exact text (recorded: 'square', 'run')",
        ),
        (
            "GD settles on the cycle.",
            ("settles", "run"),
            "numerical evidence, which does not cover it: cover it with an exact step (p.equal, ",
        ),
    ],
)
def test_audit_rejects_bad_coverage(statement, covers, problem):
    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.numerical("run", 40, "60-digit GD", required=30)
        p.covers(*covers)

    r = run(_claim_with(statement, check))
    assert r.verdict == "inconclusive" and problem in r.error


def test_every_audit_problem_says_how_to_fix_it():
    """A researcher reads these lines and nothing else: each one names the call that fixes it, or the words."""
    from eos_theory.core.registry import Claim, Source

    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.numerical("run", 40, "60-digit GD", required=30)
        p.covers("For every y", "square")  # not in the statement
        p.covers("settles", "run", "nowhere")  # numerical evidence; a step never recorded
        p.treats("y", "elsewhere")  # a step never recorded

    c = Claim(
        "t", Source("derived"), "For all x, GD settles, and every y is fine.", "m", check, scope=(("P", "every P"),)
    )
    p = Proof()
    check(p)
    problems = _registry.audit(c, p)
    assert len(problems) == 7  # p.treats, the scope, the phrase, the two steps of 'settles', 'For all', 'every'
    for problem in problems:
        assert any(advice in problem for advice in ("p.covers(", "p.treats(", "for the examples checked")), problem


def test_an_uncovered_quantifier_over_a_declared_scope_names_the_step_that_treats_it():
    """'For every x' with scope x and an identity in x (among other steps): the advice is that identity."""
    from eos_theory.core.registry import Claim, Source

    y = sp.Symbol("y")

    def check(p):
        p.equal("a constant", y - y, 0)
        p.equal("expand", (x + 1) ** 2 - (x - 1) ** 2, 4 * x)

    c = Claim("t", Source("derived"), "For every x, (x + 1)² − (x − 1)² = 4x.", "m", check, scope=(("x", "every x"),))
    p = Proof()
    check(p)
    (problem,) = _registry.audit(c, p)
    assert "p.covers('For every x', 'expand')" in problem
    p.covers("For every x", "expand")  # doing what it says is enough
    assert _registry.audit(c, p) == []


def test_numerical_steps_cover_a_quantifier_only_for_the_examples_checked():
    def check(p):
        p.numerical("run", 40, "60-digit GD", required=30)
        p.covers("settles", "run")

    assert run(_claim_with("GD settles on the cycle (for the examples checked).", check)).verdict == "verified"


def test_every_registered_quantified_claim_would_fail_without_its_coverage():
    """Gutting a proof to its first step is caught for every claim whose statement quantifies, in words or in the
    scope it declares (unless it says it covers only the examples checked)."""
    from eos_theory.core import registry

    for c in registry.claims():
        quantified = bool(registry.QUANTIFIERS.search(c.statement)) or (
            bool(c.scope) and registry.EXAMPLES_ONLY not in c.statement
        )
        p = Proof()
        p.equal("a trivial step", x, x)
        assert bool(registry.audit(c, p)) is quantified, c.id


# -- premises: a claim used as a premise must be verified -----------------------------------------


def test_premises_must_be_verified():
    good = _claim_with("x = x.", lambda p: p.equal("x = x", x, x), id="good")
    bad = _claim_with("x = x + 1.", lambda p: p.equal("x = x + 1", x, x + 1), id="bad")

    def uses(dep):
        def check(p):
            p.uses(dep, f"{dep} holds")
            p.equal("x = x", x, x)

        return check

    results = [
        run(c)
        for c in (
            good,
            bad,
            _claim_with("uses good.", uses("good"), id="a"),
            _claim_with("uses bad.", uses("bad"), id="b"),
        )
    ]
    out = {r.claim.id: r for r in check_premises(results)}
    assert out["a"].verdict == "verified"
    assert out["b"].verdict == "inconclusive" and out["b"].error == "premise not verified: bad"


def test_premise_cycles_are_an_error():
    def uses(dep):
        def check(p):
            p.uses(dep, f"{dep} holds")

        return check

    a, b = _claim_with("a.", uses("b"), id="a"), _claim_with("b.", uses("a"), id="b")
    out = check_premises([run(a), run(b)])
    assert [r.verdict for r in out] == ["inconclusive", "inconclusive"]
    assert out[0].error == "premise not verified: b; premises form a cycle: a → b → a"


def test_a_premise_no_claim_has_is_inconclusive_with_the_ids_it_may_mean():
    """A misspelt premise (a researcher's p.uses("gf-zz")) was an internal error of verify and of the plugin."""
    r = check_premises([run(_claim_with("x = x.", _uses("gf-zz"), id="t"))])[0]
    assert r.verdict == "inconclusive"
    assert r.error == "premise not verified: gf-zz (no claim has this id; did you mean gf-z?)"


# -- identities for every matrix size -------------------------------------------------------------

n_ = sp.Symbol("n", integer=True, positive=True)
A_, B_, S_ = (sp.MatrixSymbol(name, n_, n_) for name in "ABS")
v_ = sp.MatrixSymbol("v", n_, 1)


def test_equal_any_size_never_lets_matrices_commute():
    p = Proof()
    p.equal_any_size("(A + B)² = A² + AB + BA + B²", (A_ + B_) ** 2, A_**2 + A_ * B_ + B_ * A_ + B_**2)
    with pytest.raises(AssertionError, match="do not cancel"):
        p.equal_any_size("(A + B)² = A² + 2AB + B²", (A_ + B_) ** 2, A_**2 + 2 * A_ * B_ + B_**2)
    assert [s.kind for s in p.steps] == ["identity"]


def test_equal_any_size_uses_only_the_rules_given():
    p = Proof()
    with pytest.raises(AssertionError):  # vᵀSᵀv = vᵀSv needs S symmetric
        p.equal_any_size("vᵀSᵀv = vᵀSv", v_.T * S_.T * v_, v_.T * S_ * v_)
    p.equal_any_size("vᵀSᵀv = vᵀSv for symmetric S", v_.T * S_.T * v_, v_.T * S_ * v_, {(S_.T,): (S_,)})
    p.equal_any_size(
        "with ABA = A: ABAv + (ABA)(ABA)v = Av + A²v",
        A_ * B_ * A_ * v_ + A_ * B_ * A_ * A_ * B_ * A_ * v_,
        A_ * v_ + A_**2 * v_,
        {(A_, B_, A_): (A_,)},
    )
    assert "Sᵀ = S" in p.steps[0].detail and "ABA = A" in p.steps[1].detail


def test_canonical_words_push_transposes_onto_symbols():
    assert canonical_words((A_ * B_ * v_).T - v_.T * B_.T * A_.T, {}) == 0
    assert canonical_words(((A_ + B_) * v_).T - v_.T * A_.T, {}) == v_.T * B_.T


def test_any_size_model_derivatives_are_the_textbook_ones():
    """∂(½θᵀQθ)/∂θ = ½(Q + Qᵀ)θ and ∂²/∂θ² = ½(Q + Qᵀ) for any square Q (worked by hand)."""
    from eos_theory.core.model import quadratic_any_size

    m = quadratic_any_size()
    p = Proof()
    p.equal_any_size("∇z", m.grad_z, (m.Q + m.Q.T) * m.theta / 2)
    p.equal_any_size("∇²z", m.hess_z, (m.Q + m.Q.T) / 2)
    with pytest.raises(AssertionError):
        p.equal_any_size("∇z = Qθ without symmetry", m.grad_z, m.Q * m.theta)


# -- floats are never evidence, not even when they cancel (found by mutation testing) -------------

# SymPy evaluates 0.1 − 1/10 (the float 0.1 against the rational 1/10) to an exact 0, so a check
# on the difference alone would accept the float.
FLOAT_TENTH = sp.Float("0.1")


def test_floats_that_cancel_are_not_an_identity():
    assert (FLOAT_TENTH - sp.Rational(1, 10)).atoms(sp.Float) == set()  # the trap: the difference is an exact 0
    p = Proof()
    with pytest.raises(NotRational, match="floating-point"):
        p.equal("x + 0.1 = x + 1/10", x + FLOAT_TENTH, x + sp.Rational(1, 10))
    with pytest.raises(NotRational, match="floating-point"):
        p.equal("matrix", sp.Matrix([x, FLOAT_TENTH]), sp.Matrix([x, sp.Rational(1, 10)]))
    with pytest.raises(NotRational, match="floating-point"):
        p.positive("x² + 0.1 > 0", x**2 + FLOAT_TENTH, x**2 + sp.Rational(1, 10))
    with pytest.raises(Undecided, match="floating-point"):
        p.compare("0.1 = 1/10", FLOAT_TENTH, "==", sp.Rational(1, 10))
    with pytest.raises(AssertionError):
        p.check("0.1 = 1/10", FLOAT_TENTH, sp.Rational(1, 10))
    assert p.steps == []
    assert not same(x + FLOAT_TENTH, x + sp.Rational(1, 10)) and not same(FLOAT_TENTH, Fraction(1, 10))


def test_a_float_relation_is_not_evidence():
    with pytest.raises(NotRational, match="floating-point"):
        normal_form(x**2 - 2, modulo=(x**2 - sp.Float(2),))


# -- finite sets compare as sets -------------------------------------------------------------------

THREE = (1 + sp.sqrt(2)) ** 2 - 2 * sp.sqrt(2)  # = 3, but not written as 3, so {3, THREE} has two elements


def test_finite_sets_compare_as_sets():
    assert len(sp.FiniteSet(3, THREE)) == 2
    assert not same(sp.FiniteSet(3, THREE), sp.FiniteSet(3, 5))  # {3} ≠ {3, 5}
    assert not same(sp.FiniteSet(3, 5), sp.FiniteSet(3, THREE))
    assert same(sp.FiniteSet(3, THREE), sp.FiniteSet(3))  # both are {3}
    assert same(sp.FiniteSet(THREE, 5), sp.FiniteSet(5, 3 + 0 * x))
    assert not same(sp.FiniteSet(1, 2), sp.FiniteSet(1))


# -- what each step records (the evidence the report shows); found missing by mutation testing ---

from eos_theory.core.proof import Step, _allowed, _brief, format_point  # noqa: E402

nA, nB, nS = (sp.MatrixSymbol(name, n_, n_) for name in "ABS")


def test_each_method_records_its_exact_step():
    p = Proof()
    p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
    p.equal("on x² = 2", x**3, 2 * x, modulo=(x**2 - 2,))
    p.positive("(x + 1)² + 1 > 0", x**2 + 2 * x + 2, (x + 1) ** 2 + 1)
    p.positive("ηx²y² > 0", eta * x**2 * y**2, eta * x**2 * y**2, nonzero=(x, y))
    p.check("degree", sp.degree(x**3 + x, x), 3, "sp.degree")
    p.check("no mismatches", [], [])
    p.compare("√2 > 7/5", sp.sqrt(2), ">", sp.Rational(7, 5))
    p.cite("Weyl", "Weyl's inequality", "Horn & Johnson, Theorem 4.3.1")
    p.uses("z-sign", "z̃ keeps its sign")
    p.infer("so", from_=("square", "degree"))
    p.numerical("run", 30, "60-digit GD", required=30)  # exactly the required count is enough
    box = BoxProof((x,), ((1, 2),), equations=(x**2 - 2,), at_zero=((x**2, 2, 2),))
    p.interval("box", "Krawczyk at 30 digits", box)
    assert p.steps == [
        Step("square", "identity", "normal form of the difference is 0", ((x + 1) ** 2, x**2 + 2 * x + 1)),
        Step(
            "on x² = 2",
            "identity",
            "normal form of the difference is 0 modulo the defining relations",
            (x**3, 2 * x),
            data={"modulo": (x**2 - 2,)},
        ),
        Step(
            "(x + 1)² + 1 > 0",
            "sign",
            "≡ (x + 1)**2 + 1 > 0",
            (x**2 + 2 * x + 2, (x + 1) ** 2 + 1),
            data={"nonzero": ()},
        ),
        Step(
            "ηx²y² > 0",
            "sign",
            "≡ eta*x**2*y**2 > 0 for x ≠ 0, y ≠ 0",
            (eta * x**2 * y**2, eta * x**2 * y**2),
            data={"nonzero": (x, y)},
        ),
        Step("degree", "check", "sp.degree: computed 3", data={"expected": 3}),
        Step("no mismatches", "check", "computed []", data={"expected": []}),
        Step(
            "√2 > 7/5",
            "check",
            "sqrt(2) > 7/5, decided exactly",
            data={"compare": (sp.sqrt(2), ">", sp.Rational(7, 5))},
        ),
        Step(
            "Weyl",
            "citation",
            "Weyl's inequality (Horn & Johnson, Theorem 4.3.1)",
            data={"theorem": "Weyl's inequality", "reference": "Horn & Johnson, Theorem 4.3.1"},
        ),
        Step("z̃ keeps its sign", "premise", "z-sign"),
        Step("so", "inference", "from: square; degree", data={"from": ("square", "degree")}),
        Step(
            "run", "numerical", "60-digit GD; 30 agreeing digits (≥ 30 required)", data={"digits": 30, "required": 30}
        ),
        Step("box", "interval", "Krawczyk at 30 digits", data={"boxes": (box,)}),
    ]
    assert p.premises == ["z-sign"] and p.basis == "numerical"


def test_equal_any_size_records_its_rules():
    p = Proof()
    p.equal_any_size("(A + B)A = A² + BA", (nA + nB) * nA, nA**2 + nB * nA)
    p.equal_any_size("vᵀSᵀv = vᵀSv", v_.T * nS.T * v_, v_.T * nS * v_, {(nS.T,): (nS,)})
    p.equal_any_size("with AB = I", nA * nB * nS + nS.T, 2 * nS, {(nS.T,): (nS,), (nA, nB): ()})
    assert p.steps == [
        Step(
            "(A + B)A = A² + BA",
            "identity",
            "matrix words of symbolic size cancel",
            ((nA + nB) * nA, nA**2 + nB * nA),
            data={"rules": {}},
        ),
        Step(
            "vᵀSᵀv = vᵀSv",
            "identity",
            "matrix words of symbolic size cancel using Sᵀ = S",
            (v_.T * nS.T * v_, v_.T * nS * v_),
            data={"rules": {(nS.T,): (nS,)}},
        ),
        Step(
            "with AB = I",
            "identity",
            "matrix words of symbolic size cancel using Sᵀ = S, AB = I",
            (nA * nB * nS + nS.T, 2 * nS),
            data={"rules": {(nS.T,): (nS,), (nA, nB): ()}},
        ),
    ]


def test_differ_records_the_point_and_both_values():
    p = Proof()
    # the first entries agree as functions; the second differ by 1 everywhere, first tried at y = 1
    assert p.differ("second entry", sp.Matrix([x, y]), sp.Matrix([x, y + 1])) == {y: 1}
    # at a given point: the first entries agree there (1 = 1), the second do not (0 vs 1)
    p.differ("at a point", sp.Matrix([x, y]), sp.Matrix([x, y + x]), at={x: 1, y: 0}, refutes=False)
    # a given point may be a Fraction; it is recorded as an exact SymPy rational
    point = p.differ("x² = x", x**2, x, at={x: Fraction(1, 2)})
    assert point == {x: sp.Rational(1, 2)} and isinstance(point[x], sp.Rational)
    # a symbol that cancels in the difference still gets a value, so both sides are numbers: 1 vs 2
    p.differ("cancels", (x + 1) ** 2 - x**2 - 2 * x, 2)
    assert p.steps == [
        Step("second entry", "counterexample", "at y = 1: 1 ≠ 2", (y, y + 1), {y: 1}),
        Step("at a point", "example", "at x = 1, y = 0: 0 ≠ 1", (y, y + x), {x: 1, y: 0}),
        Step("x² = x", "counterexample", "at x = 1/2: 1/4 ≠ 1/2", (x**2, x), {x: sp.Rational(1, 2)}),
        Step("cancels", "counterexample", "at x = 1: 1 ≠ 2", ((x + 1) ** 2 - x**2 - 2 * x, 2), {x: 1}),
    ]
    assert [s.text for s in p.refutations] == ["second entry", "x² = x", "cancels"]


def test_differ_needs_exact_rational_values():
    with pytest.raises(AssertionError, match=r"^√p vs 1: p = 2 is not a counterexample \(sqrt\(2\) vs 1\)$"):
        Proof().differ("√p vs 1", sp.sqrt(pos), 1, at={pos: 2})
    with pytest.raises(
        AssertionError,
        match=r"^true identity: no counterexample: the two sides are identical \(p.equal records that\)$",
    ):
        Proof().differ("true identity", (x + 1) ** 2, x**2 + 2 * x + 1)
    with pytest.raises(AssertionError, match=r"^shapes: shapes differ \(\(2, 1\) vs \(1, 2\)\)$"):
        Proof().differ("shapes", sp.Matrix([x, y]), sp.Matrix([[x, y]]))


def test_step_to_json():
    assert Step("t", "identity", "d", (x, x)).to_json() == {"text": "t", "kind": "identity", "detail": "d"}
    assert Step("t", "counterexample", "d", (), {x: sp.Rational(1, 2), eta: 3}).to_json() == {
        "text": "t",
        "kind": "counterexample",
        "detail": "d",
        "point": {"x": "1/2", "eta": "3"},
    }


def test_format_point_uses_the_paper_letters_in_name_order():
    theta1 = sp.Symbol("theta_1")
    # sorted by name: eta < theta_1 < x < y (by value the order would be θ₁, x, η, y)
    assert format_point({y: 3, x: sp.Rational(1, 2), eta: 2, theta1: 1}) == "η = 2, θ₁ = 1, x = 1/2, y = 3"


# -- the messages that end up in the report -------------------------------------------------------


def test_failures_say_what_failed():
    with pytest.raises(Disproved) as info:
        Proof().equal("binomial", (x + 1) ** 2, x**2 + 1)
    # (x + 1)² − (x² + 1) = 2x, non-zero at the first value tried, x = 1, where the sides are 4 and 2
    assert str(info.value) == "binomial: fails at x = 1 (4 != 2)" and info.value.text == "binomial"
    with pytest.raises(AssertionError) as info:  # off the curve x² = 2 there is no counterexample to give
        Proof().equal("not on x² = 2", x**3, 3 * x, modulo=(x**2 - 2,))
    assert type(info.value) is AssertionError and str(info.value) == "not on x² = 2: residual -x does not reduce to 0"
    with pytest.raises(AssertionError, match=r"^shapes: shapes differ \(\(2, 1\) vs \(1, 2\)\)$"):
        Proof().equal("shapes", sp.Matrix([x, y]), sp.Matrix([[x, y]]))
    with pytest.raises(Disproved, match=r"^t \(witness\): "):
        Proof().positive("t", x**2 - 2 * x, (x - 1) ** 2 + 1)
    with pytest.raises(AssertionError, match=r"^t: x\*\*2 is not manifestly positive \(write it as a sum of squares"):
        Proof().positive("t", x**2, x**2)
    c = sp.Symbol("c")  # a researcher's sp.Symbol("c") is complex: c² + 1 need not be positive
    with pytest.raises(
        AssertionError, match=r"^t: c\*\*2 \+ 1 is not manifestly positive \(its symbols c are not declared real"
    ):
        Proof().positive("t", c**2 + 1, c**2 + 1)
    p = Proof()
    p.differ("x² = x", x**2, x)
    with pytest.raises(AssertionError, match=r"with verified steps: record them inside 'with p.corrected\("):
        p.verdict
    with pytest.raises(ValueError) as info:
        Proof().compare("bad op", 1, "=<", 2)
    assert str(info.value) == "op must be one of ('<', '<=', '>', '>=', '==', '!=')"
    with pytest.raises(ValueError) as info:
        Proof().cite("unsupported", "Weyl's inequality", " ")
    assert str(info.value) == "a citation names the theorem and where it is proved"
    with pytest.raises(ValueError) as info:
        Proof().covers("for all x")
    assert str(info.value) == "name at least one step"


def test_normal_form_says_why_it_refuses():
    A, B = sp.symbols("A B", commutative=False)
    for expr, message in [
        (x + sp.Float("0.5"), "floating-point numbers are not evidence for an exact identity"),
        (A * B - B * A, "not a commutative expression: A*B - B*A"),
        (sp.sqrt(2), "not a rational number: sqrt(2)"),
        (sp.sin(x), "not a rational function over ℚ of [x]: sin(x)"),
    ]:
        with pytest.raises(NotRational) as info:
            normal_form(expr)
        assert str(info.value) == message


def test_normal_form_modulo_a_relation_with_a_square_root():
    # on the curve √p·x = 1: x·(√p·x − 1) ≡ 0, and √p·x² ≡ x
    assert normal_form(sp.sqrt(pos) * x**2 - x, modulo=(sp.sqrt(pos) * x - 1,)) == 0
    assert normal_form(sp.sqrt(pos) * x**2, modulo=(sp.sqrt(pos) * x - 1,)) == x


def test_a_one_by_one_matrix_is_a_scalar():
    theta = sp.Matrix([x, y])
    p = Proof()
    p.equal("θᵀθ = x² + y²", theta.T * theta, x**2 + y**2)
    p.equal("[x + 1] = x + 1", x + 1, sp.Matrix([[x + 1]]))
    assert [s.kind for s in p.steps] == ["identity", "identity"]
    with pytest.raises(Disproved):
        Proof().equal("θᵀθ = x²", theta.T * theta, x**2)


def test_identity_exprs_keep_both_sides_even_when_a_symbol_cancels():
    with pytest.raises(Disproved) as info:  # residual −1: the point still gives x a value, so the sides are 1 and 2
        Proof().equal("t", (x + 1) ** 2 - x**2 - 2 * x, 2)
    assert (info.value.point, info.value.lhs, info.value.rhs) == ({x: 1}, 1, 2)


# -- the counterexample search --------------------------------------------------------------------


def test_allowed_values_follow_the_assumptions():
    q = sp.Symbol("q", nonnegative=True)
    cases = [
        (pos, 0, False),
        (pos, -1, False),
        (pos, Fraction(1, 2), True),
        (q, 0, True),
        (q, -1, False),
        (q, Fraction(1, 2), True),
        (nz, 0, False),
        (nz, 1, True),
        (nz, -1, True),
        (k_int, Fraction(1, 2), False),
        (k_int, -2, True),
        (k_int, 0, True),
        (x, 0, True),
        (x, Fraction(-5, 2), True),
    ]
    assert [(s, v, _allowed(s, Fraction(v))) for s, v, _ in cases] == cases


def test_find_counterexample_tries_small_values_in_order():
    # the values are tried 1, 2, 1/2, 3, ...: x − 1 vanishes at 1; (x − 1)(x − 2) at 1 and 2
    assert find_counterexample(x - 1) == {x: 2}
    assert find_counterexample((x - 1) * (x - 2)) == {x: sp.Rational(1, 2)}
    assert find_counterexample(1 / (x - 1)) == {x: 2}  # x = 1 is a pole: skipped, not the end of the search


def test_find_counterexample_returns_only_points_with_an_exact_rational_value():
    # √p − 1 is 0 at p = 1 and irrational at every other value tried: no exact counterexample
    assert find_counterexample(sp.sqrt(pos) - 1) is None


def test_find_counterexample_searches_past_the_trial_pairs_reproducibly():
    """A polynomial that vanishes at each pair (x, y) of the first round of trials, and nowhere else."""
    trials = [sp.Rational(v) for v in ("1", "2", "1/2", "3", "-1", "-2", "3/2", "-1/3", "5", "2/7", "-5/2", "7")]
    pairs = [(trials[k], trials[(k + 1) % 12]) for k in range(12)]  # x = value k, y = value k + 1
    expr = sp.Mul(*[(x - a) ** 2 + (y - b) ** 2 for a, b in pairs])
    point = find_counterexample(expr)
    assert point is not None and (point[x], point[y]) not in pairs
    assert fraction_value(expr, point) != 0
    assert find_counterexample(expr) == point  # seeded: the same point every time


# -- same: sets, sequences and mixed types --------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (sp.Interval.open(THREE, sp.oo), sp.Interval.open(3, sp.oo), True),
        (sp.Interval(-sp.oo, THREE), sp.Interval(-sp.oo, 3), True),
        (sp.Interval(THREE, sp.oo), sp.Interval(3, 5), False),
        (sp.Interval(-sp.oo, 3), sp.Interval(3, sp.oo), False),
        (sp.Union(sp.Interval(0, 1), sp.Interval(2, THREE)), sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)), True),
        (sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)), sp.Union(sp.Interval(0, 1), sp.Interval(2, 4)), False),
        (
            sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)),
            sp.Union(sp.Interval(0, 1), sp.Interval(2, 3), sp.Interval(4, 5)),
            False,
        ),
        (sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)), sp.FiniteSet(sp.Interval(0, 1), sp.Interval(2, 3)), False),
        (sp.FiniteSet(THREE, sp.sqrt(2)), sp.FiniteSet(sp.sqrt(2), 3), True),
        (sp.Interval(0, 1), sp.FiniteSet(0, 1), False),
        (sp.FiniteSet(1), 1, False),
        (sp.FiniteSet(1), [1], False),
        ([1], 1, False),
        ("x", x, False),
        (sp.sin(x) * (x + 1), sp.sin(x) * x + sp.sin(x), True),
        (sp.sin(x), sp.sin(x) + 1, False),
    ],
)
def test_same_on_sets_sequences_and_mixed_types(a, b, expected):
    assert same(a, b) is expected
    assert same(b, a) is expected


# -- canonical words: scalar factors and the empty word -------------------------------------------


def test_canonical_words_keep_scalar_factors():
    assert canonical_words(3 * nA * nB - 3 * nB * nA, {}) == 3 * nA * nB - 3 * nB * nA
    assert canonical_words(nA * (2 * nB + nA) - 2 * nA * nB - nA**2, {}) == 0
    # AB = I rewrites AB to the empty word (the identity), which collects with I: AB + I = 2I, printed as 2
    assert canonical_words(nA * nB + sp.Identity(n_), {(nA, nB): ()}) == 2


def test_brief_is_one_bounded_line():
    assert _brief("a\n   b") == "a b"
    assert _brief("a" * 80) == "a" * 80  # 80 characters fit
    assert _brief("a" * 81) == "a" * 79 + "…"  # 81 do not: 79 and an ellipsis


def test_a_float_on_either_side_is_refused():
    p = Proof()
    with pytest.raises(NotRational, match="floating-point"):
        p.equal("x + 1/10 = x + 0.1", x + sp.Rational(1, 10), x + FLOAT_TENTH)
    with pytest.raises(Undecided, match="floating-point"):
        p.compare("1/10 = 0.1", sp.Rational(1, 10), "==", FLOAT_TENTH)
    assert not same(sp.Rational(1, 10), FLOAT_TENTH) and p.steps == []


def test_basis_is_the_weakest_evidence_used():
    p = Proof()
    p.equal("x = x", x, x)
    assert p.basis == "exact"
    p.interval("box", "Krawczyk at 30 digits", BOX)
    assert p.basis == "interval"
    p.numerical("run", 40, "60-digit GD", required=30)
    p.interval("another box", "Krawczyk at 30 digits", BOX)
    assert p.basis == "numerical"  # an interval step after a numerical one does not strengthen the claim


# -- statistical steps --------------------------------------------------------------------------------


def test_statistical_records_the_estimate_its_interval_and_what_it_lies_in():
    p = Proof()
    p.statistical("λ > 0", 0.342, (0.340, 0.344), 0.95, "8 runs of 20000 steps", inside=(0, None))
    step = p.steps[-1]
    assert step.kind == "statistical" and p.basis == "statistical"
    assert step.detail == ("8 runs of 20000 steps; estimate 0.342, 95% confidence interval [0.34, 0.344], entirely > 0")
    p.statistical("mean", 2.4757, (2.4746, 2.4768), 0.9, "runs")  # nothing asserted beyond the interval itself
    assert p.steps[-1].detail == "runs; estimate 2.4757, 90% confidence interval [2.4746, 2.4768]"


@pytest.mark.parametrize(
    "estimate, ci, level, inside, message",
    [
        (0.5, (0.6, 0.7), 0.95, (None, None), "not inside its interval"),
        (0.5, (0.4, 0.45), 0.95, (None, None), "not inside its interval"),
        (0.5, (0.4, float("nan")), 0.95, (None, None), "finite numbers"),
        (0.5, (0.4, 0.6, 0.7), 0.95, (None, None), "finite numbers"),
        (0.5, (0.4, 0.6), 1.0, (None, None), "confidence level"),
        (0.5, (0.4, 0.6), 0, (None, None), "confidence level"),
        (0.5, (0.4, 0.6), True, (None, None), "confidence level"),
        (0.5, (-0.1, 0.6), 0.95, (0, None), "not entirely > 0"),
        (0.5, (0.0, 0.6), 0.95, (0, None), "not entirely > 0"),  # strictly inside: touching the bound is not enough
        (0.5, (0.4, 0.6), 0.95, (None, 0.6), "not entirely < 0.6"),
        (0.5, (0.4, 0.6), 0.95, (0.45, 0.55), "not entirely > 0.45 and < 0.55"),
    ],
)
def test_statistical_refuses_what_the_interval_does_not_show(estimate, ci, level, inside, message):
    p = Proof()
    with pytest.raises(AssertionError, match=message):
        p.statistical("s", estimate, ci, level, "runs", inside=inside)
    assert p.steps == [] and p.basis == "exact"


def test_statistical_is_the_weakest_basis_whatever_comes_after():
    p = Proof()
    p.statistical("s", 1.0, (0.9, 1.1), 0.95, "runs")
    p.numerical("run", 40, "60-digit GD", required=30)
    p.interval("box", "Krawczyk at 30 digits", BOX)
    assert p.basis == "statistical"
    q = Proof()
    q.numerical("run", 40, "60-digit GD", required=30)
    q.statistical("s", 1.0, (0.9, 1.1), 0.95, "runs")
    assert q.basis == "statistical"


def test_statistical_steps_cover_a_quantifier_only_for_the_examples_checked():
    def check(p):
        p.statistical("runs", 0.3, (0.2, 0.4), 0.95, "8 runs", inside=(0, None))
        p.covers("every run", "runs")

    assert run(_claim_with("λ > 0 in every run (for the examples checked).", check)).verdict == "supported"
    r = run(_claim_with("λ > 0 in every run.", check))
    assert r.verdict == "inconclusive" and "statistical evidence, which does not cover it" in r.error


def test_checked_by_and_summary_name_statistical_steps():
    def mixed(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.statistical("s", 1.0, (0.9, 1.1), 0.95, "runs")
        p.statistical("t", 1.0, (0.9, 1.1), 0.95, "runs")

    r = run(_claim_with("x = x.", mixed, id="s"))
    assert r.checked_by == "exact + statistical" and r.summary == "1 identity, 2 statistical estimates"
    assert r.to_json()["basis"] == "statistical"


def test_states_records_the_formula():
    p = Proof()
    p.states(sp.Eq(x, y))
    assert p.formula == sp.Eq(x, y)
    p.states(sp.Eq(x, y), x > 0)
    assert p.formula == sp.Tuple(sp.Eq(x, y), x > 0)


def test_format_point_keeps_the_paper_letters_when_unicode_printing_is_off():
    from sympy.printing.pretty.pretty import pretty_use_unicode

    before = pretty_use_unicode(False)
    try:
        assert format_point({eta: 2}) == "η = 2"
    finally:
        pretty_use_unicode(before)


def test_inconsistent_relations_are_refused():
    """x = 0 and x = 1 hold nowhere: modulo them every identity, even 1 = 0, would reduce to 0."""
    for expr in (sp.Integer(1), x, sp.Integer(0)):
        with pytest.raises(ValueError, match="inconsistent"):
            normal_form(expr, modulo=(x, x - 1))
    with pytest.raises(ValueError, match="inconsistent"):
        Proof().equal("1 = 0 on x = 0, x = 1", 1, 0, modulo=(x, x - 1))


@pytest.mark.parametrize(
    "expr, at_3",
    [
        ((x + 1) / (x - 1), 2),
        (1 / (2 * x), sp.Rational(1, 6)),
        ((x**2 - 1) / (x - 1), 4),
        (-1 / (x - 1), sp.Rational(-1, 2)),
    ],
    ids=["(x+1)/(x-1)", "1/(2x)", "(x^2-1)/(x-1)", "-1/(x-1)"],
)
def test_normal_form_keeps_the_value_of_a_fraction(expr, at_3):
    """The value at x = 3, worked by hand: 4/2, 1/6, 8/2, −1/2."""
    assert normal_form(expr).xreplace({x: 3}) == at_3


# -- the registry's record of a run: evidence, audit messages, premises, summary, report ----------
# (found missing by mutation testing; expected strings worked out by hand from the steps recorded)

from eos_theory.core import registry as _registry  # noqa: E402


def _square_and_box(p):
    p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
    p.interval("box", "", BOX)


def _refuted_with_two_step_correction(p):
    p.differ("x² = x", x**2, x)  # x² − x: 0 at x = 1, 2 at x = 2
    with p.corrected("x² = x·x"):
        p.equal("x² = x·x", x**2, x * x)
        p.equal("x·x = x²", x * x, x**2)


def test_run_evidence_is_every_step_in_order():
    r = run(_claim(_square_and_box))
    assert r.verdict == "verified" and r.evidence == "square: normal form of the difference is 0; box"
    assert 0 <= r.seconds < 60
    r = run(_claim(_refuted_with_two_step_correction, expect="refuted"))
    assert r.verdict == "refuted" and r.evidence == (
        "x² = x: counterexample at x = 2: 4 ≠ 2; correction (x² = x·x) verified: x² = x·x: normal form of the "
        "difference is 0; x·x = x²: normal form of the difference is 0"
    )


def test_run_says_why_a_claim_is_inconclusive():
    r = run(_claim(_uncorrected_disproof, expect="refuted"))  # (x + 1)² − (x² + 1) = 2x: x = 1 gives 4 vs 2
    assert r.verdict == "inconclusive"
    assert r.error == "disproved, with no verified correction: (x + 1)² = x² + 1: fails at x = 1 (4 != 2)"
    assert r.evidence == "(x + 1)² = x² + 1: counterexample at x = 1; no verified correction"

    def boom(p):
        raise ZeroDivisionError("boom")  # the line the error names: the claim's own file, where it raised

    r = run(_claim(boom))
    line = boom.__code__.co_firstlineno + 1
    error = f"ZeroDivisionError: boom (test_proof.py, line {line})"
    assert (r.verdict, r.error, r.evidence) == ("inconclusive", error, error)
    r = run(_claim_with("For all x and every y, x = x.", lambda p: p.equal("x = x", x, x)))
    problem = (
        "{!r} in “For all x and every y, x = x.” is covered by no step: declare the step that proves it in every "
        "case, p.covers({!r}, 'x = x'), or say 'for the examples checked' in the statement"
    )
    assert r.error == "audit: " + problem.format("For all", "For all x and every y") + "; " + problem.format(
        "every", "every y"
    )
    assert r.evidence == "x = x: normal form of the difference is 0; " + r.error


def test_a_refuted_claim_is_not_audited():
    """Its statement is false anyway; the audit is for what a verified claim asserts."""
    assert (
        run(_claim_with("For all x, x² = x.", _refuted_with_two_step_correction, expect="refuted")).verdict == "refuted"
    )


def test_audit_quotes_30_characters_either_side():
    statement = "012345678 " * 4 + "every" + " abcdefghi" * 4  # "every" starts at 40
    c = _claim_with(statement, lambda p: None)
    (problem,) = _registry.audit(c, Proof())
    assert problem.startswith("'every' in “…" + "012345678 " * 3 + "every" + " abcdefghi" * 3 + "…” is covered")


def test_audit_a_covered_phrase_covers_only_itself():
    c = _claim_with("For all x, x = x, and every y is y.", lambda p: None)
    p = Proof()
    p.equal("x = x", x, x)
    p.covers("For every x", "x = x")  # not in the statement: reported, and the next phrase is still read
    p.covers("For all x", "x = x")
    assert _registry.audit(c, p) == [
        "p.covers('For every x', …): the phrase does not occur in the statement (copy it from the statement, exactly)",
        "'every' in “For all x, x = x, and every y is y.” is covered by no step: declare the step that proves it in "
        "every case, p.covers('every y is y', 'x = x'), or say 'for the examples checked' in the statement",
    ]


def test_audit_counts_the_steps_of_a_correction():
    c = _claim_with("For all x, x² = x·x.", lambda p: None)
    p = Proof()
    _refuted_with_two_step_correction(p)
    p.covers("For all x", "x² = x·x")
    assert _registry.audit(c, p) == []


def _uses(*deps):
    def check(p):
        for dep in deps:
            p.uses(dep, f"{dep} holds")
        p.equal("x = x", x, x)

    return check


def test_premises_are_checked_through_a_chain():
    good_c, bad_c = (
        _claim_with("c.", _uses(), id="c"),
        _claim_with("c.", lambda p: p.equal("x = x + 1", x, x + 1), id="c"),
    )
    b, a = _claim_with("b.", _uses("c"), id="b"), _claim_with("a.", _uses("b"), id="a")
    out = {r.claim.id: r for r in check_premises([run(a), run(b), run(good_c)])}
    assert [out[i].verdict for i in "abc"] == ["verified"] * 3
    results = [run(a), run(b), run(bad_c)]
    out = {r.claim.id: r for r in check_premises(results)}
    assert [out[i].verdict for i in "abc"] == ["inconclusive"] * 3
    assert out["a"].error == "premise not verified: b" and out["b"].error == "premise not verified: c"
    # the rest of the record is kept, with the reason added to the evidence
    assert out["a"].evidence == results[0].evidence + "; premise not verified: b"
    assert out["a"].proof is results[0].proof and out["a"].seconds == results[0].seconds


def test_premise_errors_name_every_bad_premise_and_keep_an_earlier_error():
    bad1 = _claim_with("1.", lambda p: p.equal("x = x + 1", x, x + 1), id="bad1")
    bad2 = _claim_with("2.", lambda p: p.equal("x = x + 2", x, x + 2), id="bad2")

    def broken(p):
        p.uses("bad1", "bad1 holds")
        raise RuntimeError("broken")

    out = check_premises(
        [
            run(c)
            for c in (bad1, bad2, _claim_with("u.", _uses("bad1", "bad2"), id="u"), _claim_with("w.", broken, id="w"))
        ]
    )
    assert out[2].error == "premise not verified: bad1, bad2"
    assert out[3].error.startswith("RuntimeError: broken (")  # already inconclusive for its own reason


def test_premise_cycle_message_names_the_cycle():
    a, b, c = (_claim_with(f"{n}.", _uses(d), id=n) for n, d in (("a", "b"), ("b", "c"), ("c", "b")))
    out = check_premises([run(a), run(b), run(c)])
    assert out[0].error == "premise not verified: b; premises form a cycle: b → c → b"  # a only rests on it
    assert out[1].error == "premise not verified: c; premises form a cycle: b → c → b"


def test_premises_outside_the_results_are_run_once():
    calls = []

    def run_claim(c):
        calls.append(c.id)
        return run(c)

    user = _claim_with("uses z-sign.", _uses("z-sign"), id="user")
    (r,) = check_premises([run(user)], run_claim=run_claim)
    assert calls == ["z-sign"] and r.verdict == "verified"


def test_summary_checked_by_and_report():
    def mixed(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.check("one", 1, 1)
        p.check("two", 2, 2)
        p.differ("x² and x differ", x**2, x, refutes=False)
        p.cite("Weyl", "Weyl's inequality", "Horn & Johnson, Theorem 4.3.1")
        p.interval("box", "Krawczyk", BOX)
        p.numerical("run", 40, "GD", required=30)

    verified = run(_claim_with("x = x.", mixed, id="v"))
    assert verified.summary == (
        "1 identity, 2 exact checks, 1 example, 1 cited theorem, 1 interval proof, 1 numerical check"
    )
    assert verified.checked_by == "exact + cited + interval + numerical"
    refuted = run(_claim_with("x² = x.", _refuted_with_two_step_correction, id="r", expect="refuted"))
    assert refuted.summary == "counterexample at x = 2: 4 ≠ 2" and refuted.checked_by == "counterexample"
    audit = run(_claim_with("For all x, x = x.", lambda p: p.equal("x = x", x, x), id="i"))
    assert audit.summary == "audit"
    cited = run(_claim_with("Weyl.", lambda p: p.cite("Weyl", "Weyl's inequality", "Horn & Johnson"), id="c"))
    assert cited.summary == "1 cited theorem" and cited.checked_by == "cited"
    report = _registry.report([verified, refuted, audit])
    assert report["tool"] == "eos-theory" and report["paper"].startswith("Second-order regression models")
    assert report["summary"] == {
        "verified": 1,
        "refuted": 1,
        "supported": 0,
        "not supported": 0,
        "inconclusive": 1,
        "total": 3,
        "unexpected": ["i"],
        # the mixed claim cites, computes and has numerical evidence (trusted steps); the other two are an
        # exact counterexample with identities, and one identity: every step replayed
        "kernel": {"kernel-checked": 2, "partly replayed": 1, "rejected": 0},
    }
    assert [c["id"] for c in report["claims"]] == ["v", "r", "i"]


# -- statistical verdicts: supported / not supported, never verified ------------------------------------


def test_a_statistical_claim_is_supported_not_verified():
    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.statistical("λ > 0", 0.3, (0.2, 0.4), 0.95, "8 runs", inside=(0, None))

    r = run(_claim_with("λ > 0 (statistical).", check, id="s", expect="supported"))
    assert (r.verdict, r.as_expected, r.error) == ("supported", True, None)
    assert r.to_json()["verdict"] == "supported" and r.to_json()["basis"] == "statistical"


def test_an_interval_outside_the_needed_region_is_not_supported_with_the_reason():
    def check(p):
        p.statistical("first", 0.3, (0.2, 0.4), 0.95, "8 runs", inside=(0, None))
        p.statistical("λ > 0", 0.1, (-0.1, 0.3), 0.95, "8 runs", inside=(0, None))

    r = run(_claim_with("λ > 0 (statistical).", check, id="n", expect="not supported"))
    assert (r.verdict, r.as_expected, r.error) == ("not supported", True, None)
    assert r.summary == "λ > 0: the interval [-0.1, 0.3] is not entirely > 0"
    assert r.evidence.startswith("first: 8 runs; estimate 0.3") and "not supported: λ > 0" in r.evidence


def test_a_premise_that_is_only_supported_does_not_make_a_claim_verified():
    def stat(p):
        p.statistical("λ > 0", 0.3, (0.2, 0.4), 0.95, "8 runs", inside=(0, None))

    s = run(_claim_with("λ > 0 (statistical).", stat, id="stat", expect="supported"))
    uses = run(_claim_with("x = x.", lambda p: p.uses("stat", "uses stat"), id="u"))
    out = check_premises([s, uses], run_claim=lambda c: None)
    assert [r.verdict for r in out] == ["supported", "inconclusive"]
    assert out[1].error == "premise not verified: stat"


def test_box_proof_needs_its_parts_and_interval_takes_only_box_proofs():
    BoxProof((x,), ((0, 1),), over_box=((x**2, 0, 1),))  # a bound over the box alone is a proof
    with pytest.raises(ValueError, match="one interval per variable"):
        BoxProof((x, y), ((0, 1),), over_box=((x, 0, 1),))
    with pytest.raises(ValueError, match="as many equations"):
        BoxProof((x, y), ((0, 1), (0, 1)), equations=(x - y,))
    with pytest.raises(ValueError, match=r"a zero .* or a bound"):
        BoxProof((x,), ((0, 1),))
    with pytest.raises(ValueError, match="give the equations"):
        BoxProof((x,), ((0, 1),), over_box=((x, 0, 1),), distinct=(x, 2 * x))
    with pytest.raises(TypeError, match="BoxProof"):
        Proof().interval("box", "Krawczyk", "K(X) ⊂ int X")
    with pytest.raises(TypeError, match="BoxProof"):  # words alone are not evidence
        Proof().interval("box", "Krawczyk")


def test_statistical_step_records_its_interval():
    p = Proof()
    p.statistical("mean", 0.5, (0.4, 0.6), 0.95, "64 runs", inside=(0, None))
    assert p.steps[0].data == {"estimate": 0.5, "ci": (0.4, 0.6), "level": 0.95, "inside": (0, None)}
