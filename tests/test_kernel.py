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
        ("x^(-2", "expected \\) in 'x\\^\\(-2'"),
        (3, "an expression must be a string, not int"),
        ("x" * 20_000_001, "expression longer than 20000000 characters"),
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
    assert number(f"1e-{MAX_EXPONENT}") == Fraction(1, 10**MAX_EXPONENT) and value("x^+2", x=3) == 9
    for bad, message in [
        (0.1, "a number must be a string ('p/q' or a decimal) or an integer, not 0.1"),
        ("2/0", "zero denominator in '2/0'"),
        (f"1e{MAX_EXPONENT + 1}", f"exponent out of range in '1e{MAX_EXPONENT + 1}'"),
        ("1/2/3", "not an exact number: '1/2/3'"),
    ]:
        with pytest.raises(Invalid) as exc:
            number(bad)
        assert str(exc.value) == message


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


def test_the_summary_counts_one_certificate_in_the_singular():
    from eos_theory.kernel import cli

    good = {"claim": "good", "steps": [identity("x", "x", variables=("x",))]}
    assert cli.summary(check_all([good])).startswith("1 certificate: 1 kernel-checked, 0 partly replayed")
    assert cli.summary(check_all([good, {**good, "claim": "again"}])).startswith("2 certificates: 2 kernel-checked")


def test_command_line_exit_status_and_report(tmp_path):
    good = {"claim": "good", "steps": [identity("(x + 1)^2", "x^2 + 2*x + 1", variables=("x",))]}
    partly = {"claim": "partly", "steps": [{"kind": "citation", "text": "Weyl", "reference": "Horn & Johnson"}]}
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "partly.json").write_text(json.dumps(partly))
    out = run_kernel(str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "good: kernel-checked (1 step replayed)" in out.stdout
    assert (
        "partly: partly replayed: 0 steps, 1 not (trusted)\n    step 1 (Weyl): a cited theorem: Horn & Johnson"
        in out.stdout
    )
    assert "2 certificates: 1 kernel-checked, 1 partly replayed" in out.stdout and out.stderr == ""
    bad = {"claim": "bad", "steps": [identity("(x + 1)^2", "x^2 + 1", variables=("x",))]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "broken.json").write_text("{not json")
    out = run_kernel(str(tmp_path), "--quiet")
    assert out.returncode == 1
    assert "bad: REJECTED\n    step 1: lhs − rhs is not 0 over ℚ" in out.stdout
    assert "broken.json: REJECTED\n    file:" in out.stdout and "good" not in out.stdout
    out = run_kernel(str(tmp_path), "--json")
    as_json = json.loads(out.stdout)["claims"]  # as `eos-theory check DIR --json` gives it; the summary on stderr
    assert "4 certificates: 1 kernel-checked, 1 partly replayed" in out.stderr
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


# -- what a user reads when a step is rejected, and the edge cases around each check ---------------------------

X = {"variables": ["x"]}
BOX = {"variables": ["x"], "equations": ["x^2 - 2"], "box": [["1", "2"]]}


@pytest.mark.parametrize(
    "step, message",
    [
        ({"kind": "identity", "variables": ["2x"], "lhs": "1", "rhs": "1"}, "variables must be names"),
        ({"kind": "identity", "variables": ["x", "x"], "lhs": "x", "rhs": "x"}, "a variable is declared twice"),
        ({"kind": "identity", "variables": "x", "lhs": "x", "rhs": "x"}, "'variables' must be list"),
        ({"kind": "identity", **X, "definitions": [["x", "2"]], "lhs": "x", "rhs": "2"}, "'x' is defined twice"),
        ({"kind": "identity", "definitions": [["2x", "1"]], "lhs": "1", "rhs": "1"}, "a definition is a pair"),
        ({"kind": "identity", "definitions": ["ab"], "lhs": "1", "rhs": "1"}, "a definition is a pair"),
        ({"kind": "identity", "definitions": [[5, "1"]], "lhs": "1", "rhs": "1"}, "a definition is a pair"),
        ({"kind": "identity", **X, "lhs": ["x"], "rhs": "x"}, "an expression must be a string, not list"),
        ({"kind": "identity", **X, "rhs": "x"}, "missing 'lhs' or 'rhs'"),
        ({"kind": "identity", **X, "lhs": ["x"], "rhs": ["x", "x"]}, "lhs and rhs must list the same number"),
        ({"kind": "identity", **X, "lhs": "x^2", "rhs": "x"}, "lhs − rhs is not 0 over ℚ"),
        ({"kind": "identity", **X, "lhs": ["x", "x^2"], "rhs": ["x", "x"]}, "entry 2: lhs − rhs is not 0 over ℚ"),
        (
            {"kind": "identity", **X, "lhs": "x^2", "rhs": "1", "modulo": ["x^2 - 1"], "cofactors": ["2"]},
            "lhs − rhs − Σ cofactor·relation is not 0 over ℚ",
        ),
        (  # two cofactors for one relation: not silently truncated
            {"kind": "identity", **X, "lhs": "x^2", "rhs": "1", "modulo": ["x^2 - 1"], "cofactors": [["1", "5"]]},
            "one cofactor per relation needed",
        ),
        (
            {"kind": "identity", **X, "lhs": "x^2", "rhs": "1", "modulo": ["x^2 - 1"]},
            "an identity modulo relations needs one list of cofactors per entry",
        ),
        ({"kind": "identity", **X, "lhs": "x", "rhs": "x", "cofactors": ["1"]}, "cofactors without relations"),
        (
            {
                "kind": "counterexample",
                **X,
                "lhs": "x",
                "rhs": "0",
                "point": {"x": "1"},
                "assumptions": {"z": "a", "y": "b"},
            },
            "assumptions on undeclared names: y, z",
        ),
        (
            {"kind": "counterexample", **X, "lhs": "x", "rhs": "0", "point": {"x": "1"}, "assumptions": {"x": 1}},
            "assumptions are words, such as 'positive' or 'nonzero integer'",
        ),
        ({"kind": "positive", **X, "expr": "x^2", "witness": 2}, "'witness' must be str"),
        ({"kind": "positive", **X, "witness": "x^2"}, "missing 'expr'"),
        ({"kind": "krawczyk", **X, "box": [["1", "2"]]}, "missing 'equations'"),
        ({**BOX, "kind": "krawczyk", "box": [["1", "2"], ["1", "2"]]}, "'box' needs one [lo, hi] per variable"),
        ({**BOX, "kind": "krawczyk", "box": ["12"]}, "'box' needs one [lo, hi] per variable"),
        ({**BOX, "kind": "krawczyk", "box": [["2", "1"]]}, "'box' has an empty side (lo > hi)"),
        ({**BOX, "kind": "krawczyk", "box": [["0", "1"]]}, "Krawczyk's test does not prove a unique zero in the box"),
        ({"kind": "compare", "lhs": "1", "op": "=<", "rhs": "2"}, "op must be one of < <= > >= == !="),
    ],
)
def test_a_rejected_step_says_what_is_wrong(step, message):
    assert why(step).startswith(message)


def test_a_rejected_certificate_names_the_place_of_each_problem():
    false = identity("x^2", "x", variables=("x",))
    assert check(None).rejected == [("certificate", "not an object with a 'claim' id")]
    assert check({"claim": "c", "steps": {}, "correction": {"steps": [false]}}).rejected == [
        ("steps", "missing, or not a list"),
        ("correction step 1", "lhs − rhs is not 0 over ℚ"),
    ]
    assert check({"claim": "c", "steps": [], "correction": "x"}).rejected == [
        ("correction steps", "missing, or not a list")
    ]
    c = check({"claim": "c", "steps": [false, {"kind": "identity", "text": "t", "variables": 1}, {"kind": "x"}]})
    assert c.rejected == [
        ("step 1", "lhs − rhs is not 0 over ℚ"),
        ("step 2 (t)", "'variables' must be list"),
        ("step 3", "unknown kind 'x'"),
    ]
    assert why({"kind": "identity", "lhs": "1", "rhs": "1", "definitions": [[1, 2, 3]]}) == (
        "a definition is a pair [name, expression]"
    )


def test_a_verdict_its_steps_cannot_carry_is_rejected_with_the_reason():
    ce = {"kind": "counterexample", "variables": ["x"], "lhs": "x^2", "rhs": "x", "point": {"x": "2"}}
    same = identity("x", "x", variables=("x",))
    assert check({"claim": "c", "steps": [ce], "verdict": "refuted"}).rejected == [
        ("claim", "a refuted claim needs a counterexample step and a correction")
    ]
    assert why(same, verdict="refuted", correction={"steps": [same]}) == (
        "a refuted claim needs a counterexample step and a correction"
    )
    assert why(ce, verdict="supported") == "a supported claim has a counterexample step"
    stat = {"kind": "statistical"}
    assert why(same, verdict="verified", correction={"steps": [stat]}) == (
        "a verified claim rests on statistical evidence (it can only be supported)"
    )
    assert status(stat, verdict="supported") == "partly replayed"
    assert why(same, coverage=["x"]) == "'coverage' must map phrases to lists of step texts"
    assert (
        why(same, coverage={"all x": "x = x"})
        == "coverage of 'all x' names steps that are not recorded: ['(not a list)']"
    )


def test_compare_decides_the_sign_of_the_difference_and_reports_it():
    sqrt5 = {"kind": "compare", "variables": ["s"], "equations": ["s^2 - 5"], "box": [["2", "3"]]}
    assert status({**sqrt5, "lhs": "s", "op": ">", "rhs": "-3"}) == "kernel-checked"  # lhs + rhs < 0 here
    assert status({**sqrt5, "lhs": "s - 1", "op": "<", "rhs": "3/2"}) == "kernel-checked"
    assert why({**sqrt5, "lhs": "s - 1", "op": ">", "rhs": "3/2"}) == "lhs > rhs is false: the sign of lhs − rhs is -1"
    assert why({**sqrt5, "lhs": "s - 1", "op": "<=", "rhs": "6/5"}) == "lhs <= rhs is false: the sign of lhs − rhs is 1"
    # an exact zero of the balls is no sign: s = 2 exactly, and s < 2 or s <= 2 needs cofactors
    two = {"kind": "compare", "variables": ["s"], "equations": ["s - 2"], "box": [["1", "3"]], "lhs": "s", "rhs": "2"}
    assert why({**two, "op": "<"}) == "the sign of lhs − rhs is not decided by balls (equal? then give cofactors)"
    assert status({**two, "op": "<=", "cofactors": ["1"]}) == "kernel-checked"
    # rationals, exactly, also through definitions
    assert status({"kind": "compare", "lhs": "1/2", "op": "==", "rhs": "2/4"}) == "kernel-checked"
    assert status({"kind": "compare", "lhs": "1/2", "op": ">=", "rhs": "2/4", "cofactors": []}) == "kernel-checked"
    assert why({"kind": "compare", "lhs": "1/2", "op": "!=", "rhs": "2/4"}) == (
        "lhs != rhs is false: the sign of lhs − rhs is 0"
    )
    defs = {"kind": "compare", "definitions": [["a", "1/3"], ["b", "3*a"]], "lhs": "b", "rhs": "a + 2/3"}
    assert status({**defs, "op": "=="}) == "kernel-checked"
    assert status({**defs, "lhs": "a", "op": "<"}) == "kernel-checked"
    assert why({**defs, "lhs": "a", "op": ">"}) == "lhs > rhs is false: the sign of lhs − rhs is -1"


def test_cofactors_may_have_the_denominators_of_the_sides_and_relations():
    # 1/x − 1/y = −(x − y)/(xy): the cofactor's denominator xy is that of the sides
    step = {"kind": "identity", "variables": ["x", "y"], "lhs": "1/x", "rhs": "1/y", "modulo": ["x - y"]}
    assert status({**step, "cofactors": ["-1/(x*y)"]}) == "kernel-checked"
    assert "does not divide" in why({**step, "cofactors": ["-1/(x*y*(x + 1))"]})
    # x·y − 1 = y·(x − 1/y): a relation with a denominator
    step = {"kind": "identity", "variables": ["x", "y"], "lhs": "x*y", "rhs": "1", "modulo": ["x - 1/y"]}
    assert status({**step, "cofactors": ["y"]}) == "kernel-checked"


def test_a_bound_over_a_one_point_box():
    b = {"kind": "bound", "variables": ["x", "y"], "box": [["1/3", "1/3"], ["0", "1"]]}
    assert status({**b, "over_box": [{"expr": "3*x + y", "interval": ["0.99", "2.01"]}]}) == "kernel-checked"
    assert "over the box" in why({**b, "over_box": [{"expr": "3*x + y", "interval": ["0.99", "1.9"]}]})


def test_balls_enclose_every_value_of_a_power():
    from flint import arb

    from eos_theory.kernel.expressions import power

    around0 = arb(0, 0.5)  # [−1/2, 1/2]
    for n, values in [(2, (0, 0.25)), (4, (0, 0.0625)), (3, (-0.125, 0.125)), (1, (-0.5, 0.5))]:
        enclosure = power(around0, n)
        assert all(enclosure.contains(v) for v in values), (n, enclosure)
    assert not power(around0, 2).contains(-0.01) and power(arb(1, 0.5), 2).contains(2.25)  # even: never below 0
    assert power(arb(0.1, 0.5), 2).contains(0.36)  # [−0.4, 0.6]²: up to the larger |end|²


def test_krawczyk_needs_the_image_strictly_inside_the_box():
    k = {"kind": "krawczyk", "variables": ["x"], "box": [["1", "2"]]}
    assert status({**k, "equations": ["x - 3/2"]}) == "kernel-checked"
    for outside in ("x - 3", "x", "x - 1", "x - 2"):  # beyond either end, or on it (then uniqueness is not shown)
        assert "does not prove a unique zero" in why({**k, "equations": [outside]}), outside
    # x^0 is 1 also at x = 0, and its derivative 0 (the zero of x + x^0 − 1 is 0)
    assert status({**k, "box": [["-1", "1"]], "equations": ["x + x^0 - 1"]}) == "kernel-checked"
    assert "unique zero" in why({**k, "box": [["-1/2", "1/2"]], "equations": ["x + 2*x^0 - 1"]})


def test_bounds_are_closed_split_along_the_widest_side_and_name_the_one_that_fails():
    b = {"kind": "bound", "variables": ["x"], "box": [["0", "1"]]}
    exact = {"kind": "krawczyk", "variables": ["x"], "equations": ["x - 1"], "box": [["0", "2"]]}
    assert status({**exact, "at_zero": [{"expr": "x", "interval": ["1", "1"]}]}) == "kernel-checked"  # closed
    # the wide side is x, listed first (and y's ends are larger numbers): only splitting x proves it
    wide_x = {"kind": "bound", "variables": ["x", "y"], "box": [["0", "1"], ["10", "10.001"]]}
    bump = [{"expr": "x*(1 - x) + y - 10", "interval": ["-0.01", "0.26"]}]
    assert status({**wide_x, "over_box": bump}) == "kernel-checked"
    # 1/x has no finite ball on a piece that holds 0: never 'inside' any interval
    pole = {**b, "box": [["-1", "1"]], "over_box": [{"expr": "1/x", "interval": ["-100", "100"]}]}
    assert why(pole) == "over the box: not proved on 4096 sub-boxes"
    defs = {**b, "definitions": [["a", "x/2 + 1/4"]], "over_box": [{"expr": "a", "interval": ["0.24", "0.76"]}]}
    assert status(defs) == "kernel-checked"
    none = {"kind": "bound", "box": [], "over_box": [{"expr": "1", "interval": ["0", "2"]}]}
    assert why({**none, "over_box": [*none["over_box"], {"expr": "3", "interval": ["0", "2"]}]}) == (
        "over the box: bound 2 fails"
    )
    point = {**b, "box": [["1", "1"]]}
    two = [{"expr": "x", "interval": ["0", "2"]}, {"expr": "2*x", "interval": ["0", "1"]}]
    assert why({**point, "over_box": two}) == "over the box: bound 2 fails at a point"


def test_the_sign_rules_and_assumptions():
    pos = {"kind": "positive", "variables": ["x"], "expr": "1"}
    assert status({**pos, "witness": "x^0"}) == "kernel-checked"  # x^0 = 1 even where x may be 0
    assert status({**pos, "expr": "1/x^2", "witness": "x^-2", "assumptions": {"x": "nonzero"}}) == "kernel-checked"
    assert why({**pos, "expr": "1/x^2", "witness": "x^-2"}) == (
        "the sign rules cannot show that a base with a negative exponent is non-zero"
    )
    assert why({**pos, "expr": "1/x", "witness": "1/x"}) == "the sign rules cannot show that a denominator is non-zero"
    assert why({**pos, "witness": "1", "assumptions": {"x": "positive zero"}}).startswith("unknown assumption 'zero'")
    assert "(known: positive, negative, nonnegative" in why({**pos, "witness": "1", "assumptions": {"x": "big"}})
    assert why({**pos, "witness": "1", "assumptions": {"x": "positive negative"}}) == (
        "contradictory assumptions 'positive negative'"
    )
    ce = {"kind": "counterexample", "variables": ["x"], "lhs": "x", "rhs": "2"}
    assert status({**ce, "point": {"x": "1/2"}, "assumptions": {"x": "positive"}}) == "kernel-checked"
    assert status({**ce, "point": {"x": "0"}, "assumptions": {"x": "nonnegative"}}) == "kernel-checked"
    assert (
        why({**ce, "point": {"x": "0"}, "assumptions": {"x": "positive"}}) == "x = 0 breaks the assumption 'positive'"
    )
    assert why({**ce, "point": {"x": "-1/2"}, "assumptions": {"x": "positive"}}) == (
        "x = -1/2 breaks the assumption 'positive'"
    )


@pytest.mark.parametrize(
    "text", ["x*y - 3", "(x*y)^2", "-(x - y)^3", "x/(y - 2)", "1/x - y/x", "(2 - x*y)/(1 + y^2)", "x^-2*y^0", "+x - -y"]
)
def test_the_jacobian_encloses_the_exact_derivatives(text):
    """Forward-mode jets (what Krawczyk's A is made of) against FLINT's exact partial derivatives, at a point."""
    from flint import arb, ctx

    from eos_theory.kernel.balls import Program
    from eos_theory.kernel.expressions import ball, jets

    point = {"x": Fraction(3, 2), "y": Fraction(-1, 3)}
    f = evaluate(parse(text, set(point)), *rational_functions(["x", "y"]))
    (jet,) = Program(["x", "y"], []).values([parse(text, set(point))], jets([ball(q) for q in point.values()], 2))
    q = [fmpq(v.numerator, v.denominator) for v in point.values()]
    with ctx.workprec(256):  # the exact values as tight balls (at 53 bits, the rounding of -16/27 sticks out)
        assert jet.value.contains(arb(f.num(*q) / f.den(*q)))
    for k, name in enumerate(point):
        with ctx.workprec(256):
            derivative = arb((f.num.derivative(name) * f.den - f.num * f.den.derivative(name))(*q) / f.den(*q) ** 2)
        assert jet.grad[k].contains(derivative) and jet.grad[k].rad() < 1e-10, (name, jet.grad[k], derivative)


def test_the_term_bound_of_a_power_is_the_count_for_a_generic_polynomial():
    from eos_theory.kernel.expressions import _power_terms

    names = [f"x{i}" for i in range(4)]
    env, const = rational_functions(names)
    for t in range(5):
        p = evaluate(parse(" + ".join(names[:t]) or "0", set(names)), env, const).num
        for n in range(5):
            assert len(p**n) <= _power_terms(t, n) and (t == 0 or len(p**n) == _power_terms(t, n)), (t, n)
    eight = "(" + " + ".join("abcdefgh") + ")^30"  # C(37, 7) = 10 295 472 terms: refused before it is built
    assert why(identity(eight, "1", variables="abcdefgh")) == (
        "a 30th power of a polynomial with 8 terms may exceed 2000000 terms"
    )
    long = " + ".join(f"x^{i}" for i in range(1500))
    assert why(identity(f"({long})*({long})", "1", variables="x")) == (
        "a product of polynomials with 1500 and 1500 terms exceeds 2000000 terms"
    )
    assert why(identity("(x - x)^-1", "1", variables="x")) == "zero to a negative power"
    assert why(identity("1/(x - x)", "1", variables="x")) == "division by the zero polynomial"


def test_resultant_work_is_bounded_before_it_starts():
    # f, g of degree 1 in x and 62 in y, z, w: the resultant's degree in each is at most 1·62 + 1·62, so at most
    # 125³ = 1 953 125 terms (computed); at degree 63, 127³ = 2 048 383 > MAX_TERMS (refused before computing)
    def step(d):
        return {
            "kind": "resultant",
            "variables": ["x", "y", "z", "w"],
            "in": "x",
            "f": f"x + y^{d} + z^{d} + w^{d}",
            "g": f"x - y^{d} - z^{d} - w^{d}",
            "value": f"-2*(y^{d} + z^{d} + w^{d})",
        }

    assert status(step(62)) == "kernel-checked"
    assert why(step(63)) == "a resultant of degrees 1 and 1 in x is too large to compute here"
    assert status({**step(2), "g": "x/3 - (y^2 + z^2 + w^2)/3", "value": "-2/3*(y^2 + z^2 + w^2)"}) == "kernel-checked"


def test_more_steps_rejected_saying_why():
    ce = {"kind": "counterexample", "variables": ["x"], "definitions": [["a", "x^2"]], "lhs": "a", "rhs": "x"}
    assert status({**ce, "point": {"x": "2"}}) == "kernel-checked"
    assert why({**ce, "point": {"x": "1"}}) == "both sides equal 1 at the point"
    assert why({**ce, "point": {"y": "2"}}) == "the point must give a value to every variable, and only to them"
    assert why({**ce, "lhs": "1/x", "point": {"x": "0"}}) == "a side is undefined at the point (division by zero)"
    sqrt2 = {"kind": "krawczyk", "variables": ["x"], "equations": ["x^2 - 2"], "box": [["1", "2"]]}
    assert status({**sqrt2, "at_zero": [{"expr": "x", "interval": ["1.414", "1.415"]}]}) == "kernel-checked"
    for wrong in (["1.41", "1.414"], ["1.415", "1.42"]):
        assert why({**sqrt2, "at_zero": [{"expr": "x", "interval": wrong}]}) == (
            "at the zero, a claimed bound does not hold or claimed distinct values overlap"
        )
    for item in ("x", {"expr": "x", "interval": "01"}, {"expr": "x"}):
        assert why({**sqrt2, "over_box": [item]}) == "each of 'over_box' is {'expr': E, 'interval': [lo, hi]}"
    assert why({"kind": "bound", "variables": ["x"], "box": [["0", "1"]]}) == "a bound needs 'over_box'"
    c = check({"claim": "c", "steps": [1, {"kind": "numerical", "text": 5, "reason": 5}, {"kind": "x", "text": ""}]})
    assert c.rejected == [("step 1", "a step is an object with a 'kind'"), ("step 3", "unknown kind 'x'")]
    assert c.trusted == [("step 2", "numerical evidence")]
