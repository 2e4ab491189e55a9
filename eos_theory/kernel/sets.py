"""Sets of real numbers cut out by rational conditions in one variable, decided exactly with FLINT.

A real algebraic number is written ``(f, i)``: ``f`` an irreducible primitive integer polynomial with a positive
leading coefficient, ``i`` the index of the root among the real roots of ``f`` in increasing order.  FLINT
(``arb_fmpz_poly_complex_roots``) isolates every root in disjoint balls and lists the real ones first, in
increasing order, with an imaginary part exactly 0; so two numbers are equal iff their pairs are, and their
order is decided by balls, refined until they separate.

The solution set of conditions ``e op 0`` (a conjunction) is then decided as a finite computation: every real
root of a numerator or denominator, and every end point of the claimed set, is a *critical point*; between two
consecutive ones every condition keeps its truth value and the claimed set its membership, so it suffices to
compare them at each critical point (signs at algebraic numbers) and at one rational point of each gap (exact).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

from flint import arb, ctx, fmpq, fmpq_poly, fmpz_poly

from eos_theory.kernel.balls import MAX_PREC
from eos_theory.kernel.expressions import Invalid, evaluate, number

MAX_DEGREE = 400  #: the largest degree of a polynomial factored or isolated here
PRECISIONS = (64, 256, 1024, 4096, MAX_PREC)  #: bits: the ladder on which balls are refined

SIGNS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {0, 1}, "==": {0}, "!=": {-1, 1}}

_roots: dict = {}  #: (f, precision) ↦ the balls of the real roots of f (within one step: the same factors recur)


def _real_balls(f: fmpz_poly, prec: int) -> list[arb]:
    key = (str(f), prec)
    if key not in _roots:
        with ctx.workprec(prec):
            found: list = f.complex_roots()  # (acb, multiplicity) pairs
            _roots[key] = [c.real for c, _ in found if c.imag.is_exact() and c.imag.is_zero()]
    return _roots[key]


def _check_degree(p: fmpz_poly) -> None:
    if p.degree() > MAX_DEGREE:
        raise Invalid(f"a polynomial of degree {p.degree()} (at most {MAX_DEGREE} here)")


def real_roots(p: fmpz_poly) -> list[tuple[fmpz_poly, int]]:
    """The distinct real roots of p (not 0), as (irreducible factor, index) pairs (FLINT's factors are primitive
    with a positive leading coefficient: one representation of each number)."""
    _check_degree(p)
    return [(f, i) for f, _ in p.factor()[1] for i in range(len(_real_balls(f, PRECISIONS[0])))]


def rational(q: Fraction) -> tuple[fmpz_poly, int]:
    return (fmpz_poly([-q.numerator, q.denominator]), 0)


def _ball(a, prec: int) -> arb:
    return _real_balls(a[0], prec)[a[1]]


def _separated(a, b) -> tuple[arb, arb]:
    """Balls around the distinct algebraic numbers a and b at the first precision where they are disjoint."""
    for prec in PRECISIONS:
        x, y = _ball(a, prec), _ball(b, prec)
        if not x.overlaps(y):
            return x, y
    raise Invalid("two algebraic numbers are not told apart within the precision limit")


def compare(a, b) -> int:
    """The sign of a − b for two real algebraic numbers."""
    if a == b:
        return 0
    x, y = _separated(a, b)
    return -1 if x < y else 1


def sign_at(g: fmpz_poly, a) -> int:
    """The sign of the integer polynomial g at the real algebraic number a (0 iff a's polynomial divides g)."""
    if (fmpq_poly(g) % fmpq_poly(a[0])).is_zero():
        return 0
    for prec in PRECISIONS:
        with ctx.workprec(prec):
            x, v = _ball(a, prec), arb(0)
            for c in reversed(g.coeffs()):
                v = v * x + c
            if not v.contains(0):
                return 1 if v > 0 else -1
    raise Invalid("the sign of a polynomial at an algebraic number is not decided within the precision limit")


def _exact(x: arb) -> Fraction:
    m, e = x.man_exp()
    return Fraction(int(m)) * Fraction(2) ** int(e)


def samples(points: list) -> list[Fraction]:
    """One rational in each gap of the sorted distinct algebraic numbers ``points`` (n + 1 gaps)."""
    if not points:
        return [Fraction(0)]
    out = [_exact(_ball(points[0], PRECISIONS[0]).lower()) - 1]
    for a, b in pairwise(points):
        x, y = _separated(a, b)
        out.append((_exact(x.upper()) + _exact(y.lower())) / 2)
    return [*out, _exact(_ball(points[-1], PRECISIONS[0]).upper()) + 1]


def polynomials(rf) -> tuple[fmpz_poly, fmpz_poly]:
    """Numerator and denominator of a rational function of one variable, as integer polynomials (scaled by
    positive constants, so their signs are unchanged)."""
    x = fmpq_poly([0, 1])
    num, den = (sum((c * x**e for (e, *_), c in p.to_dict().items()), fmpq_poly([])).numer() for p in (rf.num, rf.den))
    return num, den


def end_point(spec, var_poly) -> tuple | None:
    """A claimed end: a number, ``null`` (infinite) or ``{"root": E, "in": [lo, hi]}`` (the one real root of the
    polynomial E in [lo, hi]); ``var_poly`` turns E into an integer polynomial."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        return rational(number(spec))
    interval = spec.get("in")
    if set(spec) != {"root", "in"} or not (isinstance(interval, list) and len(interval) == 2):
        raise Invalid("an algebraic end is {'root': E, 'in': [lo, hi]}")
    lo, hi = (rational(number(e)) for e in interval)
    inside = [a for a in real_roots(var_poly(spec["root"])) if compare(lo, a) <= 0 <= compare(hi, a)]
    if len(inside) != 1:
        raise Invalid(f"{spec['root'][:60]!r} has {len(inside)} real roots in {interval}, not exactly one")
    return inside[0]


def solutions(step: dict, scope) -> None:
    """The set where every condition holds is the claimed set (``set``), or has ``count`` points."""
    if len(scope.variables) != 1:
        raise Invalid("a solution set is in one variable")
    _roots.clear()
    env, const = scope.exact_env()

    def var_poly(text: str) -> fmpz_poly:
        num, den = polynomials(evaluate(scope.tree(text), env, const))
        if den.degree() > 0:
            raise Invalid(f"not a polynomial: {text[:60]!r}")
        return num

    conditions = []
    for item in step.get("where") or []:
        if not (isinstance(item, dict) and item.get("op") in SIGNS and isinstance(item.get("expr"), str)):
            raise Invalid("each condition is {'expr': E, 'op': one of < <= > >= == !=}")
        num, den = polynomials(evaluate(scope.tree(item["expr"]), env, const))
        conditions.append((num, den, SIGNS[item["op"]]))
    if not conditions:
        raise Invalid("a solution set needs conditions ('where')")
    pieces = []
    if "count" in step:
        count = step["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise Invalid("'count' is a natural number")
    else:
        count, given = None, step.get("set")
        for piece in given if isinstance(given, list) else [None]:
            if not (isinstance(piece, list) and len(piece) == 4 and piece[0] in ("(", "[") and piece[3] in (")", "]")):
                raise Invalid("'set' (or 'count') is needed; each piece is ['(' or '[', lo, hi, ')' or ']']")
            lo, hi = end_point(piece[1], var_poly), end_point(piece[2], var_poly)
            if (lo is None and piece[0] == "[") or (hi is None and piece[3] == "]"):
                raise Invalid("an infinite end is open")
            if lo is not None and hi is not None and compare(lo, hi) >= (0 if piece[0] + piece[3] != "[]" else 1):
                raise Invalid("an empty piece (lo > hi, or lo = hi not closed)")
            pieces.append((lo, piece[0] == "[", hi, piece[3] == "]"))
    points: list = []
    for num, den, _ in conditions:
        points += [a for p in (num, den) if not p.is_zero() for a in real_roots(p)]
    points += [e for lo, _, hi, _ in pieces for e in (lo, hi) if e is not None]
    distinct: list = []
    for a in points:  # sorted insertion: few points
        k = 0
        while k < len(distinct) and compare(distinct[k], a) < 0:
            k += 1
        if k == len(distinct) or compare(distinct[k], a) != 0:
            distinct.insert(k, a)
    n = len(distinct)

    def position(a, default: int) -> int:  # critical point k ↦ 2k + 1; the gap before it ↦ 2k; the last gap ↦ 2n
        return default if a is None else 2 * next(k for k, b in enumerate(distinct) if compare(a, b) == 0) + 1

    spans = [(position(lo, -1), lc, position(hi, 2 * n + 1), hc) for lo, lc, hi, hc in pieces]
    gaps = samples(distinct)
    found = 0
    for t in range(2 * n + 1):
        if t % 2:
            a = distinct[t // 2]
            holds = all(
                sign_at(den, a) != 0 and sign_at(num, a) * sign_at(den, a) in want for num, den, want in conditions
            )
        else:
            q = fmpq(gaps[t // 2].numerator, gaps[t // 2].denominator)
            holds = all(den(q) != 0 and _sgn(num(q) * den(q)) in want for num, den, want in conditions)
        if count is not None:
            if holds and t % 2 == 0:
                raise Invalid("the conditions hold on a whole interval, not at finitely many points")
            found += holds
            continue
        claimed = any(lo < t < hi or (t == lo and lc) or (t == hi and hc) for lo, lc, hi, hc in spans)
        if holds != claimed:
            where = f"at a point near {float(_ball(a, 64).mid()):.6g}" if t % 2 else f"at {gaps[t // 2]}"
            raise Invalid(f"{where} the conditions {'hold' if holds else 'fail'} but the claimed set says otherwise")
    if count is not None and found != count:
        raise Invalid(f"the conditions hold at {found} points, not {count}")


def _sgn(v) -> int:
    return (v > 0) - (v < 0)


def irreducible(step: dict, scope) -> None:
    """The polynomial is irreducible over ℚ, of the stated degree (FLINT's factorisation over ℤ)."""
    if len(scope.variables) != 1:
        raise Invalid("irreducibility is of a polynomial in one variable")
    env, const = scope.exact_env()
    num, den = polynomials(evaluate(scope.tree(step.get("poly")), env, const))
    degree = step.get("degree")
    if den.degree() > 0 or not isinstance(degree, int):
        raise Invalid("'poly' is a polynomial and 'degree' an integer")
    _check_degree(num)
    factors = num.factor()[1]
    if not (len(factors) == 1 and factors[0][1] == 1 and num.degree() == degree >= 1):
        raise Invalid(f"not irreducible of degree {degree}: factors of degrees {[f.degree() for f, _ in factors]}")
