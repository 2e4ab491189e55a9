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

from eos_theory.proof import (CorrectionFailed, Disproved, NotRational, Proof, Undecided, canonical_words, exact_sign,
                              find_counterexample, normal_form, same)
from eos_theory.registry import Claim, Source, check_premises, run
from strategies import nonzero_rationals, polynomials, rationals

x, y, u = sp.symbols("x y u", real=True)
pos = sp.Symbol("p", positive=True)
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


@given(polynomials(XY), polynomials(XY, nonzero=True), st.lists(st.tuples(rationals(), rationals()), min_size=1,
                                                               max_size=3))
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


@pytest.mark.parametrize("a, b", [
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
], ids=["partial-fractions", "cancel", "common-factor", "sqrt-eta", "eta^(3/2)", "sqrt-eta-squared"])
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


@pytest.mark.parametrize("expr", [
    x + sp.Float(0.5), sp.Float(2), x * sp.Float("1e-30"),
    sp.sin(x), sp.exp(x), x ** sp.Rational(1, 3), sp.sqrt(x), sp.sqrt(2), sp.log(x + 1),
], ids=["x+0.5", "2.0", "tiny-float", "sin", "exp", "cube-root", "sqrt-of-real", "sqrt2", "log"])
def test_normal_form_rejects_non_rational(expr):
    with pytest.raises(NotRational):
        normal_form(expr)


@pytest.mark.parametrize("expr", [x + sp.pi, sp.sqrt(2) * x, sp.I * x, sp.E * x**2],
                         ids=["x+pi", "sqrt2*x", "I*x", "e*x^2"])
def test_normal_form_rejects_irrational_coefficients(expr):
    with pytest.raises(NotRational):
        normal_form(expr)


# modulo: x² = 2.  By hand: x³ = x·x² ≡ 2x, x⁴ ≡ 4, (x² − 2)/(y + 1) ≡ 0.
@pytest.mark.parametrize("expr, expected", [
    (x**2 - 2, 0), (x**3 - 2 * x, 0), (x**3, 2 * x), (x**4, 4), ((x**2 - 2) / (y + 1), 0), (x**2 + y, 2 + y),
])
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
    return (point[pos] > 0 if pos in point else True) and (point[nz] != 0 if nz in point else True) \
        and (point[k_int].q == 1 if k_int in point else True)


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
    assert (Fraction(int(exc.lhs.p), int(exc.lhs.q)), Fraction(int(exc.rhs.p), int(exc.rhs.q))) == ((v + 1) ** 2, v**2 + 1)
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
        p.verdict  # noqa: B018 - a refutation without a correction is not a verdict
    with p.corrected("x² = x·x"):
        pass
    with pytest.raises(AssertionError):
        p.verdict  # noqa: B018 - a correction with no verified step is not enough
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
    with pytest.raises(CorrectionFailed):  # a false correction is reported as such, not as a disproof
        with p.corrected("wrong"):
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


@given(polynomials((x, y), max_degree=1, max_terms=3), polynomials((x, y), max_degree=1, max_terms=3),
       nonzero_rationals())
def test_positive_accepts_sums_of_squares_plus_a_positive_constant(a, b, c):
    witness = a**2 + b**2 + abs(R(c))
    p = Proof()
    p.positive("sum of squares", sp.expand(witness), witness)
    assert p.steps[-1].kind == "sign"


@pytest.mark.parametrize("expr, witness, why", [
    (x**2, x**2, "zero at x = 0"),
    (-(x**2) - 1, -(x**2) - 1, "negative"),
    (x**2 - 1, x**2 - 1, "indefinite"),
    (x * y, x * y, "sign of a product of reals is unknown"),
])
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


@pytest.mark.parametrize("value, sign", [
    (sp.Rational(-3, 7), -1), (0, 0), (sp.sqrt(5) - 1 - sp.Rational(5, 4), -1),  # √5 − 1 = 1.236… < 1.25
    (sp.sqrt(5) - 1 - sp.Rational(6, 5), 1), (sp.sqrt(2) + sp.sqrt(3) - sp.sqrt(5 + 2 * sp.sqrt(6)), 0),
    (30 + 6 * sp.sqrt(5), 1), (sp.Rational(99, 70) - sp.sqrt(2), 1),  # 99/70 = 1.414285… > √2 = 1.414213…
])
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


@pytest.mark.parametrize("a, b, expected", [
    (sp.Interval.open(1, sp.sqrt(5) - 1), sp.Interval.open(1, (sp.sqrt(20) - 2) / 2), True),
    (sp.Interval.open(1, sp.sqrt(5) - 1), sp.Interval(1, sp.sqrt(5) - 1), False),  # openness matters
    (sp.Interval.open(0, 2), sp.Interval.open(0, sp.Rational(199, 100)), False),
    ((x + 1) ** 2, x**2 + 2 * x + 1, True), ((x + 1) ** 2, x**2 + 1, False),
    ([1, sp.Rational(1, 2)], (1, Fraction(1, 2)), True), ([1, 2], [1, 2, 3], False),
    (sp.Rational(1, 2), 0.5, False), (True, sp.true, True), (True, 1, False), ("minimum", "minimum", True),
    (sp.FiniteSet(sp.sqrt(8)), sp.FiniteSet(2 * sp.sqrt(2)), True),
])
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
    p.check("|1 − s| < 1 ⟺ 0 < s < 2", sp.solve_univariate_inequality(sp.Abs(1 - x) < 1, x, relational=False),
            sp.Interval.open(0, 2), "solve_univariate_inequality")
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
    r = run(_claim_with("For all x, (x + 1)² = x² + 2x + 1.", lambda p: p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)))
    assert r.verdict == "inconclusive" and "'For all' in" in r.error


def test_audit_accepts_a_covered_quantifier():
    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.covers("For all x", "square")

    assert run(_claim_with("For all x, (x + 1)² = x² + 2x + 1.", check)).verdict == "verified"


@pytest.mark.parametrize("statement, covers, problem", [
    ("For all x, x = x.", ("For every x", "square"), "does not occur in the statement"),
    ("For all x, x = x.", ("For all x", "no such step"), "no recorded step"),
    ("GD settles on the cycle.", ("settles", "run"), "numerical evidence, which does not cover it"),
])
def test_audit_rejects_bad_coverage(statement, covers, problem):
    def check(p):
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)
        p.numerical("run", 40, "60-digit GD", required=30)
        p.covers(*covers)

    r = run(_claim_with(statement, check))
    assert r.verdict == "inconclusive" and problem in r.error


def test_numerical_steps_cover_a_quantifier_only_for_the_examples_checked():
    def check(p):
        p.numerical("run", 40, "60-digit GD", required=30)
        p.covers("settles", "run")

    assert run(_claim_with("GD settles on the cycle (for the examples checked).", check)).verdict == "verified"


def test_every_registered_quantified_claim_would_fail_without_its_coverage():
    """Gutting a proof to its first step is caught for every claim whose statement quantifies."""
    from eos_theory import registry

    for c in registry.claims():
        quantified = bool(registry.QUANTIFIERS.search(c.statement))
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

    results = [run(c) for c in (good, bad, _claim_with("uses good.", uses("good"), id="a"),
                                _claim_with("uses bad.", uses("bad"), id="b"))]
    out = {r.claim.id: r for r in check_premises(results)}
    assert out["a"].verdict == "verified"
    assert out["b"].verdict == "inconclusive" and out["b"].error == "premise not verified: bad"


def test_premise_cycles_are_an_error():
    def uses(dep):
        def check(p):
            p.uses(dep, f"{dep} holds")
        return check

    a, b = _claim_with("a.", uses("b"), id="a"), _claim_with("b.", uses("a"), id="b")
    with pytest.raises(ValueError, match="cycle"):
        check_premises([run(a), run(b)])



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
    p.equal_any_size("with ABA = A: ABAv + (ABA)(ABA)v = Av + A²v", A_ * B_ * A_ * v_ + A_ * B_ * A_ * A_ * B_ * A_ * v_,
                     A_ * v_ + A_**2 * v_, {(A_, B_, A_): (A_,)})
    assert "Sᵀ = S" in p.steps[0].detail and "ABA = A" in p.steps[1].detail


def test_canonical_words_push_transposes_onto_symbols():
    assert canonical_words((A_ * B_ * v_).T - v_.T * B_.T * A_.T, {}) == 0
    assert canonical_words(((A_ + B_) * v_).T - v_.T * A_.T, {}) == v_.T * B_.T


def test_any_size_model_derivatives_are_the_textbook_ones():
    """∂(½θᵀQθ)/∂θ = ½(Q + Qᵀ)θ and ∂²/∂θ² = ½(Q + Qᵀ) for any square Q (worked by hand)."""
    from eos_theory.model import quadratic_any_size

    m = quadratic_any_size()
    p = Proof()
    p.equal_any_size("∇z", m.grad_z, (m.Q + m.Q.T) * m.theta / 2)
    p.equal_any_size("∇²z", m.hess_z, (m.Q + m.Q.T) / 2)
    with pytest.raises(AssertionError):
        p.equal_any_size("∇z = Qθ without symmetry", m.grad_z, m.Q * m.theta)
