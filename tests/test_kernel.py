"""The kernel (eos_theory.kernel): hand-written certificates of true statements are accepted and of false ones
rejected, in every form; malformed input is rejected (never a crash); premises; the command line; and the
kernel's imports.  Property tests of random identities, cofactors and boxes are in test_kernel_properties.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest
from flint import fmpq

from eos_theory.kernel import Invalid, check, check_all, number, parse
from eos_theory.kernel.expressions import MAX_DEPTH, MAX_EXPONENT, Sign, evaluate, exact, rational_functions


def status(*steps, **extra) -> str:
    """What the kernel makes of a one-claim certificate with these steps."""
    return check({"claim": "c", "steps": list(steps), **extra}).status


def why(*steps, **extra) -> str:
    c = check({"claim": "c", "steps": list(steps), **extra})
    return "; ".join(w for _, w in c.rejected)


def identity(lhs, rhs, variables=("x", "y"), **kw):
    return {"kind": "identity", "variables": list(variables), "lhs": lhs, "rhs": rhs, **kw}


# -- the grammar --------------------------------------------------------------------------------------------


def value(text: str, **point) -> Fraction:
    v = evaluate(parse(text, set(point)), {k: fmpq(*Fraction(p).as_integer_ratio()) for k, p in point.items()}, exact)
    return Fraction(int(v.p), int(v.q))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-x^2", -9),  # −(x²), not (−x)²
        ("(-x)^2", 9),
        ("2^-1 + x**2", Fraction(19, 2)),  # ** is read as ^
        ("x^(-2)", Fraction(1, 9)),
        ("1/2/x", Fraction(1, 6)),  # left to right
        ("2*x/3*x", 6),
        ("0.125 + 1e-3 - .5", Fraction(-3, 8) + Fraction(1, 1000)),
        ("- - x", 3),
        ("+x - -x", 6),
        ("12345678901234567890123/10^22", Fraction(12345678901234567890123, 10**22)),
    ],
)
def test_grammar_reads_exact_numbers_with_the_usual_precedence(text, expected):
    assert value(text, x=3) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("2x", "unexpected 'x'"),  # no implicit product
        ("x^1.5", "exponent must be an integer"),
        ("x^y", "exponent must be an integer"),
        ("y + 1", "undeclared name 'y'"),
        ("(x + 1", "expected \\)"),
        ("x + ", "expected more"),
        ("x $ 1", "unexpected '\\$ 1'"),
        ("x^^2", "exponent must be an integer"),
        (f"x^{MAX_EXPONENT + 1}", "larger than"),
        ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "nested deeper"),
        ("-" * (MAX_DEPTH + 2) + "x", "nested deeper"),  # the first sign is the expression's own
        ("sqrt(x)", "undeclared name 'sqrt'"),
        ("", "expected more"),
    ],
)
def test_grammar_rejects_what_it_does_not_define(text, message):
    with pytest.raises(Invalid, match=message):
        parse(text, {"x"})


def test_nesting_up_to_the_limit_is_read():
    assert value("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=3) == 3
    assert value("-" * (MAX_DEPTH + 1) + "x", x=3) == 3 * (-1) ** (MAX_DEPTH + 1)
    assert value(f"x^{MAX_EXPONENT} / x^{MAX_EXPONENT - 1}", x=3) == 3


def test_numbers_are_exact_and_floats_are_refused():
    assert number("-3/4") == Fraction(-3, 4) and number("1.5e-2") == Fraction(3, 200) and number(7) == 7
    for bad in (0.1, True, "1/0", "1/2/3", "0x10", "1e99999", None, [1]):
        with pytest.raises(Invalid):
            number(bad)


def test_sign_rules_are_sound_on_their_table():
    pos, neg, nonneg, nonzero, real = (Sign.of(w) for w in ("positive", "negative", "nonnegative", "nonzero", "real"))
    assert pos + nonneg == pos and pos + neg == real and nonneg + nonneg == nonneg
    assert neg * neg == pos and nonzero * nonzero == nonzero and nonzero**2 == pos and real**2 == nonneg
    assert real**3 == real and pos / nonzero == nonzero and (-pos) == neg and pos - neg == pos
    with pytest.raises(Invalid):
        pos / real  # a denominator that may vanish
    with pytest.raises(Invalid):
        Sign.of("positive negative")


def test_rational_functions_cancel_exactly():
    env, const = rational_functions(["x", "y"])
    f = evaluate(parse("(x^2 - y^2)/(x - y) - x - y", {"x", "y"}), env, const)
    assert f.is_zero()
    with pytest.raises(Invalid, match="zero polynomial"):
        evaluate(parse("1/(x - x)", {"x", "y"}), env, const)


# -- the forms of the issue, true and false ---------------------------------------------------------------


def test_identity_accepted_iff_lhs_minus_rhs_is_zero():
    assert status(identity("(x + y)^2", "x^2 + 2*x*y + y^2")) == "kernel-checked"
    assert status(identity("(x^2 - y^2)/(x - y)", "x + y")) == "kernel-checked"  # as rational functions
    assert status(identity(["x*y", "x + y"], ["y*x", "y + x"])) == "kernel-checked"  # entries of a matrix
    assert "not 0 over ℚ" in why(identity("(x + y)^2", "x^2 + y^2"))
    assert "entry 2" in why(identity(["x", "x + y"], ["x", "x"]))
    assert "same number of entries" in why(identity(["x"], ["x", "y"]))


def test_identity_modulo_relations_needs_its_cofactors():
    on_circle = identity("x^4", "1 - 2*y^2 + y^4", modulo=["x^2 + y^2 - 1"], cofactors=["x^2 - y^2 + 1"])
    assert status(on_circle) == "kernel-checked"
    assert "not 0" in why({**on_circle, "cofactors": ["x^2 - y^2"]})
    assert "cofactors" in why({**on_circle, "cofactors": []})
    assert "without relations" in why(identity("x", "x", cofactors=["1"]))
    # a cofactor may divide by what the statement divides by, nothing else: otherwise it could hide a point
    # where the relations hold and the sides differ (here x = y on the circle, where the cofactor blows up)
    sneaky = identity("x", "-y", modulo=["x^2 - y^2"], cofactors=["1/(x - y)"])
    assert "denominator does not divide" in why(sneaky)
    allowed = identity("1/x", "x", modulo=["x^2 - 1"], cofactors=["-1/x"], variables=("x",))
    assert status(allowed) == "kernel-checked"


def test_counterexample_accepted_iff_the_sides_differ_at_the_point():
    ce = {"kind": "counterexample", "variables": ["x", "y"], "lhs": "x*y", "rhs": "2*x*y", "point": {"x": "1/2"}}
    assert "every variable" in why(ce)
    assert status({**ce, "point": {"x": "1/2", "y": "3"}}) == "kernel-checked"
    assert "both sides equal 0" in why({**ce, "point": {"x": "0", "y": "3"}})
    assert "undefined" in why({**ce, "lhs": "1/(x - 1/2)", "point": {"x": "0.5", "y": "1"}})
    assigned = {**ce, "point": {"x": "-1", "y": "1"}}
    assert "breaks the assumption" in why({**assigned, "assumptions": {"x": "positive"}})
    assert "breaks the assumption" in why({**ce, "point": {"x": "1/2", "y": "1"}, "assumptions": {"x": "integer"}})
    assert status({**assigned, "assumptions": {"x": "negative integer"}}) == "kernel-checked"


def test_positive_needs_the_identity_and_a_witness_the_sign_rules_prove():
    step = {
        "kind": "positive",
        "variables": ["a", "b"],
        "assumptions": {"a": "positive", "b": "nonzero"},
        "expr": "a*b^2 + a",
        "witness": "a*(b^2 + 1)",
    }
    assert status(step) == "kernel-checked"
    assert "same rational function" in why({**step, "expr": "a*b^2 - a"})
    assert "sign in [-1, 0, 1]" in why({**step, "assumptions": {"b": "nonzero"}})  # a may be negative
    assert "sign in [0, 1]" in why({**step, "expr": "a*b^2", "witness": "a*b^2", "assumptions": {"a": "positive"}})
    nonnegative = {**step, "expr": "a*b^2", "witness": "a*b^2", "assumptions": {"a": "positive"}, "op": ">="}
    assert status(nonnegative) == "kernel-checked"
    assert "sign in [-1, 0, 1]" in why({**nonnegative, "assumptions": {}})
    assert why({**nonnegative, "op": "<"}) == "the op of a positive step is '>' or '>='"
    assert why({**step, "expr": "a"}) == "expr and witness are not the same rational function"
    # a definition takes the sign its expression has: s = b² + 1 > 0, so a·s > 0 for a > 0; not s = b² − 1
    defined = {**step, "definitions": [["s", "b^2 + 1"]], "expr": "a*(b^2 + 1)", "witness": "a*s"}
    assert status(defined) == "kernel-checked"
    assert "sign in [-1, 0, 1]" in why({**defined, "definitions": [["s", "b^2 - 1"]], "expr": "a*(b^2 - 1)"})


def test_krawczyk_proves_exactly_one_zero():
    k = {"kind": "krawczyk", "variables": ["x"], "equations": ["x^2 - 2"], "box": [["1.4", "1.5"]]}
    assert status(k) == "kernel-checked"
    assert "does not prove a unique zero" in why({**k, "box": [["1.5", "2"]]})  # no zero there
    assert "does not prove a unique zero" in why({**k, "box": [["-2", "2"]]})  # two zeros
    tight = {**k, "at_zero": [{"expr": "x", "interval": ["1.41421356", "1.41421357"]}]}
    assert status(tight) == "kernel-checked"
    assert "bound does not hold" in why({**k, "at_zero": [{"expr": "x", "interval": ["1.4143", None]}]})
    system = {
        "kind": "krawczyk",
        "variables": ["x", "y"],
        "definitions": [["s", "x + y"]],
        "equations": ["s - 3", "x*y - 2"],  # {1, 2}: in this box the zero is (x, y) = (1, 2)
        "box": [["0.9", "1.2"], ["1.9", "2.1"]],
        "distinct": ["x", "y"],
        "over_box": [{"expr": "x*y", "interval": ["1.7", "2.6"]}],
    }
    assert status(system) == "kernel-checked"
    assert "overlap" in why({**system, "distinct": ["x", "y - 1"]})  # at the zero both are 1
    assert "over the box" in why({**system, "over_box": [{"expr": "x*y", "interval": ["1.8", "2.6"]}]})
    assert "as many equations" in why({**system, "equations": ["s - 3"]})


def test_bound_over_a_box_splits_the_box_when_it_must():
    b = {"kind": "bound", "variables": ["x"], "box": [["0", "1"]]}
    assert status({**b, "over_box": [{"expr": "x*(1 - x)", "interval": ["-0.01", "0.26"]}]}) == "kernel-checked"
    assert "over the box" in why({**b, "over_box": [{"expr": "x*(1 - x)", "interval": ["-0.01", "0.24"]}]})
    assert "needs 'over_box'" in why(b)


def test_compare_of_algebraic_numbers():
    sqrt5 = {"variables": ["s"], "equations": ["s^2 - 5"], "box": [["2", "3"]]}
    assert status({"kind": "compare", **sqrt5, "lhs": "s - 1", "op": ">", "rhs": "6/5"}) == "kernel-checked"
    assert "is false" in why({"kind": "compare", **sqrt5, "lhs": "s - 1", "op": "<", "rhs": "6/5"})
    assert status({"kind": "compare", "lhs": "1/3", "op": "<", "rhs": "0.3334"}) == "kernel-checked"
    assert "is false" in why({"kind": "compare", "lhs": "1/3", "op": "==", "rhs": "0.3333"})
    nested = {  # √(13 + 3√41) − 2 > 2(2√2 − 1)... the chaos-flip-window comparison, written by hand
        "kind": "compare",
        "variables": ["a", "b", "c"],
        "equations": ["a^2 - 41", "b^2 - 13 - 3*a", "c^2 - 2"],
        "box": [["6.4", "6.41"], ["5.67", "5.68"], ["1.41", "1.42"]],
        "lhs": "-1 + b/2",
        "op": ">",
        "rhs": "-1 + 2*c",
    }
    assert status(nested) == "kernel-checked"
    # equality needs cofactors: √8 = 2√2 (s² − 8 = (s − 2t)(s + 2t) + 4(t² − 2))
    equal = {
        "kind": "compare",
        "variables": ["s", "t"],
        "equations": ["s^2 - 8", "t^2 - 2"],
        "box": [["2.8", "2.9"], ["1.4", "1.5"]],
        "lhs": "s",
        "op": "==",
        "rhs": "2*t",
    }
    assert "not decided" in why(equal)
    assert status({**equal, "cofactors": ["1/(s + 2*t)", "-4/(s + 2*t)"]}) == "kernel-checked"
    # the same cofactors would 'prove' s = −2t, but they are undefined at the zero, where s − 2t = 0
    wrong = {**equal, "rhs": "-2*t", "cofactors": ["1/(s - 2*t)", "-4/(s - 2*t)"]}
    assert "not shown to be defined" in why(wrong)


def solutions(where, pieces=None, count=None, variable="x"):
    conditions = [{"expr": e, "op": op} for e, op in where]
    return {"kind": "solutions", "variables": [variable], "where": conditions} | (
        {"count": count} if count is not None else {"set": pieces}
    )


SQRT2 = ({"root": "x^2 - 2", "in": ["-1.5", "-1.4"]}, {"root": "x^2 - 2", "in": ["1.4", "1.5"]})


@pytest.mark.parametrize(
    "where, pieces",
    [
        ([("(1 - x)^2 - 1", "<")], [["(", "0", "2", ")"]]),  # |1 − x| < 1
        ([("(1 - x^2)^2 - 1", "<=")], [["[", *SQRT2, "]"]]),  # |1 − x²| ≤ 1: ends ±√2
        ([("1 - 4*x^2", "<=")], [["(", None, "-1/2", "]"], ["[", "1/2", None, ")"]]),
        ([("x^-2 - 4", ">="), ("x", ">")], [["(", "0", "1/2", "]"]]),  # a pole at 0, excluded
        ([("(x - 2)*(2*x + 5)^2", "=="), ("x", ">")], [["[", "2", "2", "]"]]),  # a point
        ([("x^2 + 1", "<")], []),  # nowhere
        ([("x^2 - 2", "!=")], [["(", None, SQRT2[0], ")"], ["(", *SQRT2, ")"], ["(", SQRT2[1], None, ")"]]),
    ],
)
def test_solutions_is_accepted_iff_the_claimed_set_is_where_the_conditions_hold(where, pieces):
    assert status(solutions(where, pieces)) == "kernel-checked"
    for k, piece in enumerate(pieces):  # the bracket of every finite end decides that end's membership
        for end, flip in ((0, {"(": "[", "[": "("}), (3, {")": "]", "]": ")"})):
            if piece[1 if end == 0 else 2] is not None and piece[1] != piece[2]:
                changed = [list(p) for p in pieces]
                changed[k][end] = flip[piece[end]]
                assert status(solutions(where, changed)) == "rejected", (k, end)


def test_solutions_rejects_wrong_ends_roots_and_counts():
    where = [("(1 - x)^2 - 1", "<")]
    wrong = "the claimed set says otherwise"
    assert why(solutions(where, [["(", "0", "2.0001", ")"]])) == f"at a point near 2 the conditions fail but {wrong}"
    assert (
        why(solutions(where, [["(", "0", "1", ")"], ["(", "1", "2", ")"]]))
        == f"at a point near 1 the conditions hold but {wrong}"
    )
    assert why(solutions(where, [])) == f"at 1 the conditions hold but {wrong}"  # (a gap: the rational between 0 and 2)
    assert status(solutions([("x^2 + 1", "==")], count=0)) == "kernel-checked"
    two_roots = {"root": "x^2 - 2", "in": ["-2", "2"]}
    assert "2 real roots" in why(solutions(where, [["(", "0", two_roots, ")"]]))
    no_root = {"root": "x^2 + 2", "in": ["-2", "2"]}
    assert "0 real roots" in why(solutions(where, [["(", "0", no_root, ")"]]))
    quartic = [("x^4 - 5*x^2 + 1", "==")]
    assert status(solutions(quartic, count=4)) == "kernel-checked"
    assert "at 4 points, not 3" in why(solutions(quartic, count=3))
    assert status(solutions([*quartic, ("x", ">")], count=2)) == "kernel-checked"
    assert "whole interval" in why(solutions(where, count=1))
    assert "an infinite end is open" in why(solutions(where, [["[", None, "2", ")"]]))
    assert "an empty piece" in why(solutions(where, [["(", "2", "0", ")"]]))
    assert "in one variable" in why({**solutions(where, []), "variables": ["x", "y"]})


def test_resultant_computed_by_the_kernel():
    step = {"kind": "resultant", "variables": ["x", "p"], "f": "x^2 - 3*x + 1", "g": "p - x", "in": "x"}
    assert status({**step, "value": "p^2 - 3*p + 1"}) == "kernel-checked"  # Res_x(f, p − x) = f(p)
    assert "is not 0" in why({**step, "value": "p^2 - 3*p"})
    # Res_v(v² − s, 2v) = −4s ≡ −1 modulo 4s − 1, and not modulo 4s + 1
    mod = {"kind": "resultant", "variables": ["v", "s"], "f": "v^2 - s", "g": "2*v", "in": "v", "value": "-1"}
    assert status({**mod, "modulo": ["4*s - 1"]}) == "kernel-checked"
    assert "modulo the relation" in why({**mod, "modulo": ["4*s + 1"]})
    assert "in one variable" in why({**mod, "modulo": ["4*s*v - 1"]})
    assert "must be polynomials" in why({**mod, "g": "1/v"})
    assert "'in' must name a variable" in why({**mod, "in": "w"})
    assert "too large" in why({**mod, "f": "v^30 - s", "g": "v^30 - 1"})
    assert "too large" in why({**mod, "variables": ["v", "a", "b", "c"], "f": "v - (a*b*c)^200", "g": "v^2 + 1"})
    assert status({**mod, "f": "v^2/2 - s/2", "g": "v", "value": "-s/2", "modulo": []}) == "kernel-checked"
    assert why({**mod, "in": "w"}) == "'in' must name a variable"
    assert why({**mod, "g": "1/v"}) == "f, g and the one relation in 'modulo' must be polynomials"
    assert why({**mod, "modulo": ["4*s*v - 1"]}) == "the relation in 'modulo' must be a polynomial in one variable"
    assert why({**mod, "modulo": ["4*s + 1"]}) == "Res_v(f, g) − value is not 0 modulo the relation"
    assert why({**mod, "value": "1"}) == "Res_v(f, g) − value is not 0"
    assert "must be polynomials" in why({**mod, "modulo": ["4*s - 1", "s"]})


CONDITION = [{"expr": "x", "op": "<"}]


@pytest.mark.parametrize(
    "step, message",
    [
        ({"variables": ["x", "y"], "where": CONDITION, "set": []}, "a solution set is in one variable"),
        ({"where": [], "set": []}, "a solution set needs conditions ('where')"),
        ({"where": [{"expr": "x", "op": "="}], "set": []}, "each condition is {'expr': E, 'op': one of"),
        ({"where": [{"expr": 1, "op": "<"}], "set": []}, "each condition is {'expr': E, 'op': one of"),
        ({"where": ["x < 0"], "set": []}, "each condition is {'expr': E, 'op': one of"),
        ({"where": CONDITION}, "'set' (or 'count') is needed; each piece is ['(' or '[', lo, hi, ')' or ']']"),
        ({"where": CONDITION, "set": "(0, 1)"}, "'set' (or 'count') is needed"),
        ({"where": CONDITION, "set": [["(", "0"]]}, "'set' (or 'count') is needed"),
        ({"where": CONDITION, "set": [["<", "0", "1", ")"]]}, "'set' (or 'count') is needed"),
        ({"where": CONDITION, "set": [["(", "0", "1", ">"]]}, "'set' (or 'count') is needed"),
        (
            {"where": CONDITION, "set": [["(", {"root": "x"}, "1", ")"]]},
            "an algebraic end is {'root': E, 'in': [lo, hi]}",
        ),
        ({"where": CONDITION, "set": [["(", {"root": "x", "in": ["0"]}, "1", ")"]]}, "an algebraic end is {'root': E"),
        ({"where": CONDITION, "set": [["(", {"root": "1/x", "in": ["-1", "1"]}, "1", ")"]]}, "not a polynomial: '1/x'"),
        ({"where": CONDITION, "set": [["[", None, "0", ")"]]}, "an infinite end is open"),
        ({"where": CONDITION, "set": [["(", "0", None, "]"]]}, "an infinite end is open"),
        ({"where": CONDITION, "set": [["(", "1", "1", "]"]]}, "an empty piece (lo > hi, or lo = hi not closed)"),
        ({"where": CONDITION, "set": [["[", "2", "1", "]"]]}, "an empty piece"),
        ({"where": CONDITION, "count": -1}, "'count' is a natural number"),
        ({"where": CONDITION, "count": True}, "'count' is a natural number"),
        ({"where": CONDITION, "count": "1"}, "'count' is a natural number"),
        ({"where": [{"expr": "x^401 + 1", "op": "<"}], "set": []}, "a polynomial of degree 401 (at most 400 here)"),
    ],
)
def test_malformed_solution_sets_are_rejected_saying_why(step, message):
    assert why({"kind": "solutions", "variables": ["x"], **step}).startswith(message)


def test_irreducible_by_factorisation_over_q():
    step = {"kind": "irreducible", "variables": ["x"], "poly": "x^4 - 10*x^2 + 1", "degree": 4}  # √2 + √3
    assert status(step) == "kernel-checked"
    assert "degrees [2, 2]" in why({**step, "poly": "x^4 - 4"})
    assert "degrees [1]" in why({**step, "poly": "(x - 1)^2", "degree": 2})  # a square is not irreducible
    assert "not irreducible of degree 3" in why({**step, "degree": 3})
    assert why({**step, "poly": "1/x"}) == "'poly' is a polynomial and 'degree' an integer"
    assert why({**step, "degree": "4"}) == "'poly' is a polynomial and 'degree' an integer"
    assert why({**step, "variables": ["x", "y"]}) == "irreducibility is of a polynomial in one variable"
    assert status({**step, "poly": "2*x - 3", "degree": 1}) == "kernel-checked"
    assert "not irreducible of degree 0" in why({**step, "poly": "5", "degree": 0})


# -- claims: kinds listed as trusted, premises, consistency, malformed input ---------------------------------


def test_trusted_steps_are_listed_with_why():
    c = check(
        {
            "claim": "c",
            "steps": [
                {"kind": "identity", "text": "square", "variables": ["x"], "lhs": "x*x", "rhs": "x^2"},
                {"kind": "inference", "text": "so", "from": ["square"]},
                {"kind": "citation", "theorem": "Weyl", "reference": "Horn & Johnson 4.3.1"},
                {"kind": "numerical"},
                {"kind": "unreplayable", "reason": "exp is outside the grammar"},
            ],
        }
    )
    assert c.status == "partly replayed" and c.replayed == 1
    assert c.trusted == [
        ("step 2 (so)", "an inference by text"),
        ("step 3", "a cited theorem: Horn & Johnson 4.3.1"),
        ("step 4", "numerical evidence"),
        ("step 5", "not a form the kernel checks: exp is outside the grammar"),
    ]
    assert "not recorded before it" in why({"kind": "inference", "from": ["nothing"]})


def test_a_certificate_must_be_consistent_with_its_verdict_and_coverage():
    ce = {"kind": "counterexample", "variables": ["x"], "lhs": "x^2", "rhs": "x", "point": {"x": "2"}}
    same = identity("x", "x", variables=("x",))
    assert "needs a counterexample step and a correction" in why(same, verdict="refuted")
    assert status(ce, verdict="refuted", correction={"steps": [same]}) == "kernel-checked"
    assert "has a counterexample step" in why(ce, verdict="verified")
    assert "statistical" in why({"kind": "statistical"}, verdict="verified")
    assert "not recorded" in why({**same, "text": "x = x"}, coverage={"for all x": ["x = x", "y = y"]})
    assert status({**same, "text": "x = x"}, coverage={"for all x": ["x = x"]}) == "kernel-checked"


@pytest.mark.parametrize(
    "cert",
    [
        None,
        [],
        {"steps": []},
        {"claim": "c"},
        {"claim": "c", "steps": {}},
        {"claim": "c", "steps": [1]},
        {"claim": "c", "steps": [{"kind": "lemma"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": "x", "lhs": "x", "rhs": "x"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": ["x", "x"], "lhs": "x", "rhs": "x"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": ["2x"], "lhs": "1", "rhs": "1"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": ["x"], "lhs": 1, "rhs": "1"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": ["x"], "lhs": "x", "rhs": "x", "modulo": "x"}]},
        {"claim": "c", "steps": [{"kind": "identity", "definitions": [["x"]], "lhs": "1", "rhs": "1"}]},
        {"claim": "c", "steps": [{"kind": "identity", "variables": ["x"], "definitions": [["x", "1"]], "lhs": "1"}]},
        {"claim": "c", "steps": [{"kind": "positive", "variables": ["x"], "expr": "x^2", "witness": "x^2"}]},
        {"claim": "c", "steps": [{"kind": "positive", "variables": ["x"], "assumptions": {"x": 1}, "expr": "x"}]},
        {"claim": "c", "steps": [{"kind": "krawczyk", "variables": ["x"], "equations": ["x"], "box": [[0, "1/0"]]}]},
        {"claim": "c", "steps": [{"kind": "krawczyk", "variables": ["x"], "equations": ["x"], "box": [["1", "0"]]}]},
        {"claim": "c", "steps": [{"kind": "krawczyk", "variables": ["x"], "equations": ["x"], "box": [[0.5, 1]]}]},
        {"claim": "c", "steps": [{"kind": "bound", "variables": ["x"], "box": [["0", "1"]], "over_box": [{}]}]},
        {"claim": "c", "steps": [{"kind": "compare", "lhs": "1", "op": "≤", "rhs": "2"}]},
        {"claim": "c", "steps": [{"kind": "premise"}]},
        {"claim": "c", "steps": [{"kind": "solutions", "variables": ["x"], "set": []}]},
        {"claim": "c", "steps": [{"kind": "solutions", "variables": ["x"], "where": [{"expr": "x", "op": "="}]}]},
        {"claim": "c", "steps": [{"kind": "solutions", "variables": ["x"], "where": [{"expr": "x", "op": "<"}]}]},
        {
            "claim": "c",
            "steps": [
                {"kind": "solutions", "variables": ["x"], "where": [{"expr": "x", "op": "<"}], "set": [["(", "0"]]}
            ],
        },
        {
            "claim": "c",
            "steps": [
                {
                    "kind": "solutions",
                    "variables": ["x"],
                    "where": [{"expr": "x", "op": "<"}],
                    "set": [["(", None, {"root": "x"}, ")"]],
                }
            ],
        },
        {
            "claim": "c",
            "steps": [{"kind": "solutions", "variables": ["x"], "where": [{"expr": "x", "op": "<"}], "count": -1}],
        },
        {"claim": "c", "steps": [{"kind": "irreducible", "variables": ["x"], "poly": "x", "degree": "1"}]},
        {"claim": "c", "steps": [{"kind": "irreducible", "variables": ["x"], "poly": "x^500 + 1", "degree": 500}]},
    ],
)
def test_malformed_certificates_are_rejected_not_crashed_on(cert):
    assert check(cert).status == "rejected"


def test_premises_resolve_across_certificates():
    exact_step = identity("x", "x", variables=("x",))
    certs = [
        {"claim": "a", "steps": [exact_step]},
        {"claim": "b", "steps": [exact_step, {"kind": "premise", "claim": "a"}]},
        {"claim": "c", "steps": [{"kind": "premise", "claim": "d"}]},  # d has no certificate here
        {"claim": "e", "steps": [{"kind": "citation"}]},
        {"claim": "f", "steps": [{"kind": "premise", "claim": "e"}]},
        {"claim": "g", "steps": [{"kind": "premise", "claim": "h"}]},
        {"claim": "h", "steps": [{"kind": "premise", "claim": "g"}]},
        {"claim": "i", "steps": [{"kind": "lemma"}]},
        {"claim": "j", "steps": [{"kind": "premise", "claim": "i"}]},  # i is rejected
    ]
    got = {c.claim: c for c in check_all(certs)}
    assert ("premise i", "rejected") in got["j"].trusted and got["j"].weak_premises == ["i"]
    assert got["g"].rejected == [("premises", "premises form a cycle: g → h → g")]
    assert got["c"].to_json() == {
        "claim": "c",
        "status": "partly replayed",
        "replayed": 1,  # the premise step itself (d's certificate is what is missing)
        "trusted": [{"step": "premise d", "why": "no certificate here"}],
        "rejected": [],
        "premises": ["d"],
        "weak_premises": ["d"],
    }
    assert got["i"].to_json()["rejected"] == [{"step": "step 1", "why": "unknown kind 'lemma'"}]
    assert got["b"].to_json()["replayed"] == 2 and got["b"].to_json()["status"] == "kernel-checked"
    assert got["b"].status == "kernel-checked" and got["b"].premises == ["a"]
    assert got["c"].status == "partly replayed" and ("premise d", "no certificate here") in got["c"].trusted
    assert got["f"].status == "partly replayed" and got["f"].weak_premises == ["e"] and not got["f"].trusted
    assert got["g"].status == "rejected" and "cycle" in got["g"].rejected[0][1]


# -- the command line and the imports -----------------------------------------------------------------------


def run_kernel(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "eos_theory.kernel", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_command_line_exit_status_and_report(tmp_path):
    good = {"claim": "good", "steps": [identity("(x + 1)^2", "x^2 + 2*x + 1", variables=("x",))]}
    partly = {"claim": "partly", "steps": [{"kind": "citation", "text": "Weyl", "reference": "Horn & Johnson"}]}
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "partly.json").write_text(json.dumps(partly))
    out = run_kernel(str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "good: kernel-checked (1 steps replayed)" in out.stdout
    assert (
        "partly: partly replayed: 0 steps, 1 not (trusted)\n    step 1 (Weyl): a cited theorem: Horn & Johnson"
        in out.stdout
    )
    assert "2 certificates: 1 kernel-checked, 1 partly replayed" in out.stderr
    bad = {"claim": "bad", "steps": [identity("(x + 1)^2", "x^2 + 1", variables=("x",))]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "broken.json").write_text("{not json")
    out = run_kernel(str(tmp_path), "--quiet")
    assert out.returncode == 1
    assert "bad: REJECTED\n    step 1: lhs − rhs is not 0 over ℚ" in out.stdout
    assert "broken.json: REJECTED\n    file:" in out.stdout and "good" not in out.stdout
    as_json = json.loads(run_kernel(str(tmp_path), "--json").stdout)
    assert {c["claim"]: c["status"] for c in as_json} == {
        "broken.json": "rejected",
        "bad": "rejected",
        "good": "kernel-checked",
        "partly": "partly replayed",
    }
    for args, message in (((str(tmp_path / "good.json"),), "not a directory"), ((str(tmp_path / "none"),), "not a")):
        out = run_kernel(*args)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run_kernel(str(empty))
    assert out.returncode == 2 and "no certificates" in out.stderr


def test_importing_the_kernel_loads_none_of_the_finders_libraries():
    code = "import sys, eos_theory.kernel; print(sorted(m for m in ('sympy', 'mpmath', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


def test_the_hand_written_example_of_the_docs_is_accepted_and_each_change_it_names_rejected():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "certificates.md").read_text(encoding="utf-8")
    block = doc.split("## Examples, by hand", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    cert = json.loads(block)
    assert check(cert).status == "kernel-checked"
    changes = [
        (0, "rhs", "x^2 + y^2"),
        (2, "point", {"x": "1"}),
        (3, "box", [["1.5", "2"]]),
        (4, "op", "<"),
        (5, "assumptions", {}),
        (6, "set", lambda s: [[*s[0][:3], ")"]]),
        (7, "count", 3),
        (8, "degree", 2),
        (9, "value", "p^2 - 3*p"),
    ]
    for i, key, value in changes:
        changed = json.loads(block)
        changed["steps"][i][key] = value(changed["steps"][i][key]) if callable(value) else value
        c = check(changed)
        assert c.status == "rejected" and [s for s, _ in c.rejected] == [f"step {i + 1}"], (key, c.rejected)
