"""The exact machinery: normal forms, counterexample search, the Proof record, the registry's verdicts,
and the atomic report writer.

Expected values are worked out by hand (in comments) or computed independently with Fractions.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from eos_theory.proof import CorrectionFailed, Disproved, NotRational, Proof, find_counterexample, normal_form
from eos_theory.registry import Claim, Source, run, write_json_atomic
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


# -- write_json_atomic ----------------------------------------------------------------------------


def test_write_json_atomic_round_trip(tmp_path):
    path = tmp_path / "report.json"
    data = {"claims": [{"id": "a", "verdict": "verified"}], "text": "ż = −η(JJᵀ)z"}
    write_json_atomic(path, data)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    write_json_atomic(path, {"claims": []})
    assert json.loads(path.read_text(encoding="utf-8")) == {"claims": []}
    assert os.listdir(tmp_path) == ["report.json"]


@pytest.mark.parametrize("bad", [object(), {1, 2}, sp.Symbol("x")], ids=["object", "set", "sympy"])
def test_write_json_atomic_keeps_old_file_when_serialisation_fails(tmp_path, bad):
    path = tmp_path / "report.json"
    write_json_atomic(path, {"old": True})
    before = path.read_bytes()
    # a large serialisable prefix first, so that a non-atomic writer would leave a partial file
    data = {"claims": [{"id": str(i), "evidence": "e" * 100} for i in range(500)], "z_bad": bad}
    with pytest.raises(TypeError):
        write_json_atomic(path, data)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["report.json"], "a temporary file was left behind"


def test_write_json_atomic_new_path_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "new.json"
    with pytest.raises(TypeError):
        write_json_atomic(path, {"x": object()})
    assert os.listdir(tmp_path) == []


def test_write_json_atomic_missing_directory(tmp_path):
    with pytest.raises(OSError):
        write_json_atomic(tmp_path / "missing" / "report.json", {"a": 1})
    assert os.listdir(tmp_path) == []


# -- cited theorems and inferences ----------------------------------------------------------------


def test_infer_requires_its_premises_to_be_recorded():
    p = Proof()
    p.equal("x + x = 2x", x + x, 2 * x)
    p.infer("so 2x − x = x", from_=("x + x = 2x",))
    assert p.steps[-1].kind == "inference" and "x + x = 2x" in p.steps[-1].detail
    with pytest.raises(AssertionError, match="premises not established"):
        p.infer("unsupported", from_=("a step that was never recorded",))


def test_cite_records_the_theorem_by_name():
    p = Proof()
    p.cite("|λmax(A + B) − λmax(A)| ≤ ‖B‖", "Weyl's inequality")
    assert (p.steps[-1].kind, p.steps[-1].detail) == ("theorem", "Weyl's inequality")
    assert p.verdict == "verified"
