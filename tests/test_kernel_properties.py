"""Property tests of the kernel: random true identities, cofactors, counterexamples, boxes and solution sets are
accepted, and perturbed ones rejected; and the finder's printer writes what SymPy means.

The true statements are made independently of the kernel: identities by SymPy's expansion of a random
expression tree, cofactors by multiplying out, boxes around a zero placed by construction, solution sets by
SymPy's polynomial inequality solver.
"""

from __future__ import annotations

import copy
from fractions import Fraction

import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy.solvers.inequalities import solve_poly_inequality

from eos_theory.core.certificates import _evidence, text
from eos_theory.core.evidence import Solutions
from eos_theory.kernel import check
from eos_theory.kernel.expressions import evaluate, exact, parse
from eos_theory.testing import examples, nonzero_rationals, polynomials, rationals

X, Y, Z = sp.symbols("x y z")
NAMES = {X: "x", Y: "y", Z: "z"}
VARIABLES = ["x", "y", "z"]


def accepted(step) -> bool:
    c = check({"claim": "p", "steps": [step]})
    return c.status == "kernel-checked"


def grammar(e) -> str:
    """SymPy's own printing, ** for powers (the kernel reads it as ^): not the printer under test."""
    return str(e)


@st.composite
def trees(draw, depth: int = 3):
    """A random expression tree of +, −, ×, ÷ (by a non-vanishing polynomial) and small powers."""
    leaf = st.one_of(st.sampled_from([X, Y, Z]), rationals().map(lambda q: sp.Rational(q.numerator, q.denominator)))
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(leaf)
    op = draw(st.sampled_from(["+", "-", "*", "/", "^"]))
    a = draw(trees(depth - 1))
    if op == "^":
        return sp.Pow(a, draw(st.integers(0, 3)), evaluate=False)
    if op == "/":
        return sp.Mul(a, sp.Pow(draw(st.sampled_from([X**2 + 1, Y**2 + Z**2 + 2, X + 7])), -1), evaluate=False)
    b = draw(trees(depth - 1))
    return {"+": sp.Add(a, b, evaluate=False), "-": sp.Add(a, -b, evaluate=False), "*": sp.Mul(a, b, evaluate=False)}[
        op
    ]


@given(trees(), polynomials([X, Y, Z], nonzero=True))
def test_random_true_identities_are_accepted_and_perturbed_ones_rejected(tree, bump):
    lhs, rhs = text(tree, NAMES), grammar(sp.cancel(sp.together(tree)))
    step = {"kind": "identity", "variables": VARIABLES, "lhs": lhs, "rhs": rhs}
    assert accepted(step)
    assert not accepted({**step, "rhs": f"{rhs} + ({grammar(bump)})"})


@given(polynomials([X, Y]), polynomials([X, Y], nonzero=True), polynomials([X, Y], nonzero=True), st.integers(1, 3))
def test_random_cofactors_are_accepted_and_perturbed_ones_rejected(a, c, m, k):
    m = m**k
    step = {
        "kind": "identity",
        "variables": ["x", "y"],
        "lhs": grammar(sp.expand(a + c * m)),
        "rhs": grammar(a),
        "modulo": [grammar(m)],
        "cofactors": [grammar(c)],
    }
    assert accepted(step)
    assert not accepted({**step, "cofactors": [grammar(c + 1)]})  # leaves −m ≠ 0
    assert not accepted({**step, "modulo": [grammar(m + 1)]})  # leaves −c ≠ 0


@given(polynomials([X, Y], nonzero=True), polynomials([X, Y]), rationals(), rationals())
def test_counterexamples_are_accepted_exactly_where_the_sides_differ(p, q, a, b):
    point = {X: sp.Rational(a.numerator, a.denominator), Y: sp.Rational(b.numerator, b.denominator)}
    step = {
        "kind": "counterexample",
        "variables": ["x", "y"],
        "lhs": grammar(sp.expand(p + q)),
        "rhs": grammar(q),
        "point": {"x": str(a), "y": str(b)},
    }
    assert accepted(step) == (p.xreplace(point) != 0)


@st.composite
def systems(draw, n: int):
    """A system with a zero at a rational point r by construction: A(x − r) + c·(x₁ − r₁)² e, A diagonally
    dominant (so r is the only zero within distance ~1/|c| of r)."""
    r = [draw(rationals()) for _ in range(n)]
    A = [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(n)]
    for i in range(n):
        A[i][i] = (sum(abs(a) for j, a in enumerate(A[i]) if j != i) + draw(st.integers(1, 4))) * draw(
            st.sampled_from([1, -1])
        )
    c = [draw(rationals(max_numerator=5)) for _ in range(n)]
    names = [f"x{i}" for i in range(n)]
    sq = f"({names[0]} - ({r[0]}))^2"
    equations = [
        " + ".join(f"({A[i][j]})*({names[j]} - ({r[j]}))" for j in range(n)) + f" + ({c[i]})*{sq}" for i in range(n)
    ]
    return names, equations, r


@given(systems(2), st.integers(3, 30), st.sampled_from([1, -1]))
def test_boxes_around_a_zero_are_accepted_and_boxes_beside_it_rejected(system, digits, side):
    names, equations, r = system
    delta = Fraction(1, 10**digits)
    step = {"kind": "krawczyk", "variables": names, "equations": equations}
    box = [[str(v - delta), str(v + delta)] for v in r]
    assert accepted({**step, "box": box})
    beside = [[str(v + side * 2 * delta), str(v + side * 4 * delta)] for v in r]
    assert not accepted({**step, "box": beside})
    tight = {"expr": names[0], "interval": [str(r[0] - delta / 2), str(r[0] + delta / 2)]}
    assert accepted({**step, "box": box, "at_zero": [tight]})


@given(nonzero_rationals(), st.integers(2, 40))
def test_one_dimensional_boxes_and_perturbed_equations(root, digits):
    delta = Fraction(1, 10**digits)
    step = {"kind": "krawczyk", "variables": ["x"], "box": [[str(root - delta), str(root + delta)]]}
    assert accepted({**step, "equations": [f"(x - ({root}))*(x^2 + 1)"]})
    # the zero moves by about c/f'(root) = c/(root² + 1): 3δ, out of the box
    shift = 3 * delta * (root**2 + 1)
    assert not accepted({**step, "equations": [f"(x - ({root}))*(x^2 + 1) + {shift}"]})


@given(trees(), rationals(), rationals(), rationals())
def test_the_printer_writes_what_sympy_means(tree, a, b, c):
    """The finder's printer (core.certificates.text), read back by the kernel, has SymPy's exact value at
    every rational point where it is defined."""
    point = dict(zip((X, Y, Z), (sp.Rational(v.numerator, v.denominator) for v in (a, b, c))))
    expected = tree.xreplace(point)
    assume(expected.is_Rational)  # defined there (no division by zero, no 0^0 ambiguity)
    got = evaluate(
        parse(text(tree, NAMES), set(VARIABLES)), {NAMES[s]: exact(Fraction(str(v))) for s, v in point.items()}, exact
    )
    assert Fraction(int(got.p), int(got.q)) == Fraction(int(expected.p), int(expected.q))


@given(
    st.lists(rationals(), min_size=1, max_size=4),
    st.lists(st.integers(1, 2), min_size=4, max_size=4),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    st.booleans(),
    st.data(),
)
@settings(max_examples=examples(25))
def test_solution_sets_are_accepted_as_sympy_solves_them_and_rejected_with_one_end_changed(
    roots, powers, op, radical, data
):
    """SymPy solves p(x) op 0 (p with rational roots, and ±√2 as well when ``radical``); the finder writes its
    set; the kernel accepts it, and rejects it with one finite end's bracket flipped."""
    p = sp.Mul(*((X - sp.Rational(r.numerator, r.denominator)) ** k for r, k in zip(roots, powers)))
    p *= X**2 - 2 if radical else 1
    expected = sp.Union(*solve_poly_inequality(sp.Poly(p, X), op))
    (form,) = _evidence(Solutions(X, (sp.Rel(p, 0, op),)), expected)
    assert accepted(form)
    finite = [(k, end) for k, piece in enumerate(form["set"]) for end in (1, 2) if piece[end] is not None]
    assume(finite)
    k, end = data.draw(st.sampled_from(finite))
    flip = {"(": "[", "[": "(", ")": "]", "]": ")"}
    changed = copy.deepcopy(form)
    changed["set"][k][0 if end == 1 else 3] = flip[changed["set"][k][0 if end == 1 else 3]]
    assert not accepted(changed)
