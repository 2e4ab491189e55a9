"""Exact checking, and the step-by-step record of a proof.

An identity is *verified* when the difference of its two sides reduces to the zero rational
function over ℚ (optionally modulo polynomial relations, for algebraic points such as orbit
coordinates).  It is *refuted* only by an exact rational point at which the sides differ.
Floating point never enters either decision.

Every step of a :class:`Proof` carries the check that established it: an identity, a sign
witness, an exactly decided comparison or computed value, an interval or numerical certificate
with its precision, another registered claim used as a premise, or a named citation of a
published theorem.  There is no way to record a bare ``True``.

>>> x, y = sp.symbols("x y")
>>> normal_form((x**2 - y**2) / (x - y) - x - y)
0
>>> p = Proof()
>>> p.equal("difference of squares", (x - y) * (x + y), x**2 - y**2)
>>> p.verdict
'verified'
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from eos_theory.numbers.intervals import Undecided, exact_sign

Verdict = str  # "verified" | "refuted" | "supported" | "not supported" | "inconclusive"


class NotRational(ValueError):
    """The expression is not a rational function over ℚ, so no exact normal form exists here."""


class CorrectionFailed(AssertionError):
    """A step of a refuted claim's correction failed: the correction itself is not verified."""


class NotSupported(AssertionError):
    """A statistical step whose confidence interval does not lie where the claim needs it: the claim is
    *not supported* at the stated confidence (which is not a refutation)."""


class Disproved(AssertionError):
    """An identity that was asserted is false; carries an exact counterexample."""

    def __init__(self, text: str, point: dict, lhs, rhs):
        self.text, self.point, self.lhs, self.rhs = text, point, lhs, rhs
        super().__init__(f"{text}: fails at {format_point(point)} ({lhs} != {rhs})")


def _root_symbols(expr: sp.Expr) -> dict[sp.Symbol, sp.Expr]:
    """s ↦ r² for every positive symbol s that appears under a square root."""
    subs = {}
    for p in expr.atoms(sp.Pow):
        base, ex = p.base, p.exp
        if isinstance(base, sp.Symbol) and ex.is_Rational and ex.q == 2 and base.is_positive:
            subs[base] = sp.Symbol(f"sqrt_{base.name}", positive=True) ** 2
    return subs


def _has_float(*exprs) -> bool:
    """Whether a floating-point number occurs in any of the expressions.

    Checked on each side, never on a difference: SymPy evaluates 0.1 − 1/10 to an exact 0.
    """
    return any(e.atoms(sp.Float) for e in exprs)


def normal_form(expr, modulo: tuple = ()) -> sp.Expr:
    """Reduce ``expr`` to a canonical reduced fraction of polynomials over ℚ.

    The expression is converted into SymPy's sparse rational-function field ℚ(symbols), whose
    elements are kept as reduced fractions: equal rational functions get equal forms, and
    anything that is not a rational function with rational coefficients is rejected.  Square
    roots of positive symbols (η^{1/2}) are renamed first.  With ``modulo``, the numerator is
    reduced by the Gröbner basis of those polynomials, so identities that hold on an algebraic
    variety (a period-2 orbit, say) reduce to 0 there; relations that no point satisfies are refused.
    """
    expr, modulo = sp.sympify(expr), tuple(sp.sympify(m) for m in modulo)
    if _has_float(expr, *modulo):
        raise NotRational("floating-point numbers are not evidence for an exact identity")
    if not expr.is_commutative:  # ℚ(symbols) is commutative: AB − BA would wrongly reduce to 0
        raise NotRational(f"not a commutative expression: {expr}")
    roots = _root_symbols(expr)
    if roots:
        expr = expr.subs(roots)
        modulo = tuple(m.subs(roots) for m in modulo)
    syms = sorted(expr.free_symbols | set().union(*(m.free_symbols for m in modulo)), key=str)
    if not syms:
        if not expr.is_Rational:
            raise NotRational(f"not a rational number: {expr}")
        return expr
    field = sp.field(syms, sp.QQ)[0]
    try:
        f = None
        if not any(a.exp.is_negative for a in expr.atoms(sp.Pow)):  # (a failed try prints expr: slow)
            with contextlib.suppress(ValueError):  # a polynomial: built in the ring, no gcd at every + and ×
                f = field(field.ring.from_expr(expr))
        if f is None:
            f = field.from_expr(expr)
    except ValueError:
        raise NotRational(f"not a rational function over ℚ of {syms}: {expr}") from None
    if modulo:
        basis = sp.groebner([sp.fraction(sp.together(m))[0] for m in modulo], *syms, order="grevlex")
        if basis.exprs == [1]:  # no point satisfies them: every identity would hold vacuously
            raise ValueError(f"the relations {list(modulo)} are inconsistent (1 is in their ideal)")
        if f != 0:
            num = basis.reduce(f.numer.as_expr())[1]
            f = field.from_expr(num) / f.denom
    return _monic(f)


def _monic(f) -> sp.Expr:
    """A field element as an expression with a monic denominator: one form for each rational function.

    (SymPy's fraction field keeps whatever sign its arithmetic left on the denominator, so 1/(1 − y)
    and (1/2)/(1/2 − y/2) would otherwise print as 1/(1 − y) and −1/(y − 1).)
    """
    num, den = f.numer, f.denom
    lc = den.LC
    num, den = num.quo_ground(lc), den.quo_ground(lc)
    return num.as_expr() if den == 1 else num.as_expr() / den.as_expr()


# Small exact values tried, in order, when searching for a counterexample.
_TRIAL = [Fraction(v) for v in ("1", "2", "1/2", "3", "-1", "-2", "3/2", "-1/3", "5", "2/7", "-5/2", "7")]


def _allowed(sym: sp.Symbol, value: Fraction) -> bool:
    if sym.is_positive and value <= 0:
        return False
    if sym.is_nonnegative and value < 0:
        return False
    if sym.is_nonzero and value == 0:
        return False
    return not (sym.is_integer and value.denominator != 1)


def find_counterexample(expr, seed: int = 0, tries: int = 400, symbols=()) -> dict | None:
    """A rational point (respecting symbol assumptions) where ``expr`` is defined and non-zero.

    The point gives a value to every free symbol of ``expr`` and to any extra ``symbols`` (the
    symbols of the two sides of an identity, some of which may cancel in their difference).
    """
    expr = sp.sympify(expr)
    syms = sorted(expr.free_symbols | set(symbols), key=str)
    rng = random.Random(seed)
    for k in range(tries):
        point = {}
        for i, s in enumerate(syms):
            choices = [v for v in _TRIAL if _allowed(s, v)] or _TRIAL
            point[s] = choices[(k + i) % len(choices)] if k < len(choices) else rng.choice(choices)
        value = expr.xreplace({s: sp.Rational(v.numerator, v.denominator) for s, v in point.items()})
        if value.has(sp.zoo, sp.nan, sp.oo) or not value.is_Rational:
            continue
        if value != 0:
            return {s: sp.Rational(v.numerator, v.denominator) for s, v in point.items()}
    return None


def _entries(lhs, rhs, text: str) -> list[tuple[sp.Expr, sp.Expr]]:
    """Pair up the entries of two scalars or two equally shaped matrices (1×1 counts as scalar)."""
    lhs, rhs = (m[0, 0] if isinstance(m, sp.MatrixBase) and m.shape == (1, 1) else m for m in (lhs, rhs))
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        lhs, rhs = sp.Matrix(lhs), sp.Matrix(rhs)
        if lhs.shape != rhs.shape:
            raise AssertionError(f"{text}: shapes differ ({lhs.shape} vs {rhs.shape})")
        return [(sp.sympify(a), sp.sympify(b)) for a, b in zip(lhs, rhs)]
    return [(sp.sympify(lhs), sp.sympify(rhs))]


def format_point(point: dict) -> str:
    """``θ₁ = 3, η = 2`` — symbols in the paper's letters, exact values."""
    items = sorted(point.items(), key=lambda kv: str(kv[0]))
    return ", ".join(f"{sp.pretty(s, use_unicode=True)} = {v}" for s, v in items)


def same(a, b) -> bool:
    """Exact equality of two computed objects: numbers, rational functions, sets, booleans, sequences.

    Real numbers compare by :func:`exact_sign` of their difference, rational functions by their
    normal form over ℚ, intervals and unions of intervals by their end points and openness, and
    sequences entry by entry.  Anything else must be structurally equal.

    >>> same(sp.Interval.open(1, sp.sqrt(5) - 1), sp.Interval.open(1, (sp.sqrt(20) - 2) / 2))
    True
    >>> same([sp.Rational(1, 2), True], (0.5, True))       # a float is never an exact value
    False
    """
    if isinstance(a, (bool, sp.logic.boolalg.BooleanAtom)) or isinstance(b, (bool, sp.logic.boolalg.BooleanAtom)):
        return (
            isinstance(a, (bool, sp.logic.boolalg.BooleanAtom))
            and isinstance(b, (bool, sp.logic.boolalg.BooleanAtom))
            and bool(a) == bool(b)
        )
    if isinstance(a, float) or isinstance(b, float):
        return False
    if isinstance(a, (list, tuple, sp.Tuple)) and isinstance(b, (list, tuple, sp.Tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, sp.Set) or isinstance(b, sp.Set):
        return _same_set(a, b)
    if isinstance(a, (int, Fraction, sp.Expr)) and isinstance(b, (int, Fraction, sp.Expr)):
        a, b = (sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.sympify(v) for v in (a, b))
        if _has_float(a, b):
            return False
        d = a - b
        if d.is_number:
            return exact_sign(d) == 0
        try:
            return normal_form(d) == 0
        except NotRational:
            return sp.expand(d) == 0
    return a == b


def _same_set(a, b) -> bool:
    if not (isinstance(a, sp.Set) and isinstance(b, sp.Set)):
        return False
    if a == b:
        return True
    if isinstance(a, sp.Interval) and isinstance(b, sp.Interval):
        ends = all(
            x == y if not (x.is_finite and y.is_finite) else same(x, y) for x, y in ((a.start, b.start), (a.end, b.end))
        )
        return ends and (a.left_open, a.right_open) == (b.left_open, b.right_open)
    if isinstance(a, sp.Union) and isinstance(b, sp.Union) and len(a.args) == len(b.args):
        return all(_same_set(x, y) for x, y in zip(a.args, b.args))
    if isinstance(a, sp.FiniteSet) and isinstance(b, sp.FiniteSet):  # as sets: {3, (1 + √2)² − 2√2} = {3} ≠ {3, 5}
        return all(any(same(x, y) for y in b) for x in a) and all(any(same(x, y) for x in a) for y in b)
    return False


def canonical_words(expr, rules: dict) -> sp.Basic:
    """A matrix expression as a sum of scalar × word terms, with the ``rules`` applied; 0 if it cancels.

    Products are distributed over sums by hand (matrices never commute here), transposes are
    pushed onto the symbols, and each word is rewritten with the ``rules`` (a tuple of factors ↦
    the tuple that replaces it wherever it occurs consecutively) until none applies.  Equal words
    are then collected, so an identity reduces to 0.

    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    >>> canonical_words((A + B) * (A - B) - A**2 + B**2, {})
    -A*B + B*A
    >>> canonical_words((A * B).T - B * A, {(A.T,): (A,), (B.T,): (B,)})
    0
    """
    collected: dict[tuple, sp.Expr] = {}
    for coeff, word in _terms(sp.sympify(expr).doit()):
        word = _rewrite(word, rules)
        collected[word] = collected.get(word, 0) + coeff
    out = [sp.expand(c) * sp.MatMul(*w) if w else sp.expand(c) for w, c in collected.items() if sp.expand(c) != 0]
    return sp.Add(*out) if out else sp.Integer(0)


def _terms(e) -> list[tuple[sp.Expr, tuple]]:
    """e as a list of (scalar coefficient, tuple of matrix factors), products distributed over sums."""
    if isinstance(e, (sp.MatAdd, sp.Add)):
        return [t for a in e.args for t in _terms(a)]
    if isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp > 0:
        return _terms(sp.MatMul(*[e.base] * int(e.exp), evaluate=False))
    if isinstance(e, sp.MatMul):
        out = [(sp.Integer(1), ())]
        for f in e.args:
            if not isinstance(f, sp.MatrixExpr):
                out = [(c * f, w) for c, w in out]
                continue
            out = [(c * c2, w + w2) for c, w in out for c2, w2 in _terms(f)]
        return out
    if isinstance(e, sp.Transpose) and not isinstance(e.arg, sp.MatrixSymbol):
        pushed = e.doit()  # (AB)ᵀ = BᵀAᵀ, (A + B)ᵀ = Aᵀ + Bᵀ
        if pushed == e:
            raise ValueError(f"cannot push the transpose into {e}")
        return _terms(pushed)
    if isinstance(e, sp.ZeroMatrix):
        return []
    if isinstance(e, sp.Identity):
        return [(sp.Integer(1), ())]
    if isinstance(e, sp.MatrixExpr):
        return [(sp.Integer(1), (e,))]
    return [(e, ())]  # a scalar


def _rewrite(word: tuple, rules: dict) -> tuple:
    """Apply the rules to a word until none applies."""
    factors = list(word)
    changed = True
    while changed:
        changed = False
        for pattern, replacement in rules.items():
            k = len(pattern)
            for i in range(len(factors) - k + 1):
                if tuple(factors[i : i + k]) == tuple(pattern):
                    factors[i : i + k] = list(replacement)
                    changed = True
                    break
    return tuple(factors)


def _word(factors: tuple) -> str:
    """A product of matrix symbols in the paper's notation (``Q.T`` as Qᵀ; the empty product is I)."""
    return "".join(str(f).replace(".T", "ᵀ") for f in factors) or "I"


_OPS = {
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
    "==": lambda s: s == 0,
    "!=": lambda s: s != 0,
}

#: step kinds that establish a statement for every value of their free symbols (or of a box)
UNIVERSAL = ("identity", "sign", "check", "inference", "citation", "premise", "interval")


@dataclass(frozen=True)
class BoxProof:
    """The data of one interval proof, for a checker to re-prove in its own ball arithmetic.

    With ``equations`` (as many as ``variables``): they have exactly one zero in ``box`` (Krawczyk's
    test), and at that zero each ``at_zero`` expression lies in its interval and the ``distinct``
    expressions differ pairwise.  With or without: at every point of the box each ``over_box``
    expression lies in its interval.  Intervals are closed, (lo, hi), with None for an open end.
    ``definitions`` name intermediate values in order (a straight-line program, y₁ = f(y₀), y₂ = f(y₁), …),
    so that an iterated map stays as small as the map.  Every number is exact (a rational).
    """

    variables: tuple
    box: tuple  #: one (lo, hi) pair of rationals per variable
    equations: tuple = ()
    definitions: tuple = ()  #: (symbol, expression) pairs, each using the variables and the earlier ones
    at_zero: tuple = ()  #: (expression, lo, hi)
    over_box: tuple = ()  #: (expression, lo, hi)
    distinct: tuple = ()

    def __post_init__(self):
        if len(self.box) != len(self.variables) or (self.equations and len(self.equations) != len(self.variables)):
            raise ValueError("a box proof needs one interval per variable, and as many equations as variables")
        if not (self.equations or self.over_box):
            raise ValueError("a box proof proves a zero (equations) or a bound over the box (over_box)")
        if (self.at_zero or self.distinct) and not self.equations:
            raise ValueError("at_zero and distinct are about the zero of equations: give the equations")


@dataclass
class Step:
    """One asserted step: what was shown, how, and the exact objects involved."""

    text: str
    kind: str  # identity | counterexample | example | sign | check | citation | premise | inference | numerical | interval | statistical
    detail: str = ""
    exprs: tuple = ()
    point: dict | None = None  #: the exact rational point of a counterexample or example
    #: what a checker needs beyond ``exprs`` and ``point`` to replay the step without the code that found it:
    #: an identity's ``modulo`` relations (or matrix-word ``rules``), a sign witness's ``nonzero`` symbols, a
    #: ``compare`` triple (lhs, op, rhs), a check's ``evidence`` and ``expected`` value, an interval step's
    #: ``boxes`` (:class:`BoxProof`), a citation's
    #: ``theorem`` and ``reference``, an inference's ``from`` texts, numerical ``digits`` and ``required``
    data: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out: dict[str, str | dict[str, str]] = {"text": self.text, "kind": self.kind, "detail": self.detail}
        if self.point is not None:
            out["point"] = {str(k): str(v) for k, v in self.point.items()}
        return out


@dataclass
class Correction:
    """The statement that replaces a refuted one; its own steps must all verify."""

    statement: str
    formula: sp.Basic | None
    steps: list[Step] = field(default_factory=list)


@dataclass
class Proof:
    """Records the steps of one claim's check.  Every method asserts before it records."""

    steps: list[Step] = field(default_factory=list)
    formula: sp.Basic | None = None  #: the claim as stated, as a SymPy object (for LaTeX)
    refutations: list[Step] = field(default_factory=list)
    correction: Correction | None = None
    basis: str = "exact"  #: weakest kind of evidence used: exact < interval < numerical < statistical
    coverage: dict[str, tuple[str, ...]] = field(default_factory=dict)  #: quantifier phrase → covering steps
    treated: dict[str, tuple[str, ...]] = field(default_factory=dict)  #: scope symbols → checks, citations declared
    _sink: list[Step] | None = None

    # -- what the claim says --------------------------------------------------------------
    def states(self, *formulas: sp.Basic) -> None:
        """Record the claim's own formula(s), as printed (read charitably) or as derived."""
        self.formula = formulas[0] if len(formulas) == 1 else sp.Tuple(*formulas)

    # -- exact steps ----------------------------------------------------------------------
    def _record(self, step: Step) -> None:
        (self._sink if self._sink is not None else self.steps).append(step)

    @staticmethod
    def _require_identity(text: str, lhs, rhs, modulo: tuple = ()) -> None:
        for a, b in _entries(lhs, rhs, text):
            if _has_float(a, b):
                raise NotRational(
                    f"{text}: floating-point numbers are not evidence for an exact identity (write 0.1 as "
                    "sp.Rational(1, 10) or exact('0.1'))"
                )
            residual = normal_form(a - b, modulo)
            if residual != 0:
                point = find_counterexample(residual, symbols=a.free_symbols | b.free_symbols) if not modulo else None
                if point is None:
                    raise AssertionError(f"{text}: residual {residual} does not reduce to 0")
                raise Disproved(text, point, a.xreplace(point), b.xreplace(point))

    def equal_any_size(self, text: str, lhs, rhs, rules: dict | None = None) -> None:
        """Assert lhs ≡ rhs for matrices of every size: matrix expressions in MatrixSymbols of symbolic size.

        Both sides are canonicalised (:func:`canonical_words`) with the ``rules``, which rewrite
        products of matrices (``{(Q.T,): (Q,)}`` says Q is symmetric; ``{(Q, Qp, Q): (Q,)}`` says
        QQ⁺Q = Q); the difference must become the zero matrix.  Scalars commute, matrices do not.
        """
        residual = canonical_words(lhs - rhs, rules or {})
        if not (residual == 0 or isinstance(residual, sp.ZeroMatrix)):
            raise AssertionError(f"{text}: the words do not cancel: {residual}")
        self._record(
            Step(
                text,
                "identity",
                "matrix words of symbolic size cancel"
                + (f" using {', '.join(f'{_word(a)} = {_word(b)}' for a, b in rules.items())}" if rules else ""),
                (lhs, rhs),
                data={"rules": dict(rules or {})},
            )
        )

    def equal(self, text: str, lhs, rhs, modulo: tuple = ()) -> None:
        """Assert lhs ≡ rhs exactly (rational-function normal form, optionally modulo relations)."""
        self._require_identity(text, lhs, rhs, modulo)
        how = "normal form of the difference is 0" + (" modulo the defining relations" if modulo else "")
        self._record(Step(text, "identity", how, (lhs, rhs), data={"modulo": tuple(modulo)} if modulo else {}))

    def differ(self, text: str, lhs, rhs, at: dict | None = None, refutes: bool = True) -> dict:
        """Assert lhs ≢ rhs by an exact rational point where they differ (searched for when not given).

        With ``refutes`` (the default) the point is a counterexample to the claim as stated;
        otherwise it is an example inside a proof (two quantities that are not the same).
        """
        pairs = _entries(lhs, rhs, text)
        if at is None:  # search the first entry that is not identically equal
            pairs = [(a, b) for a, b in pairs if normal_form(a - b) != 0][:1] or pairs[:1]
        lhs, rhs = pairs[0]
        point = (
            at
            if at is not None
            else find_counterexample(normal_form(lhs - rhs), symbols=lhs.free_symbols | rhs.free_symbols)
        )
        if point is None:
            if normal_form(lhs - rhs) == 0:
                raise AssertionError(f"{text}: no counterexample: the two sides are identical (p.equal records that)")
            raise AssertionError(
                f"{text}: no counterexample found (give one: p.differ(text, lhs, rhs, at={{symbol: value}}))"
            )
        if at is not None:  # the given point must separate some entry
            lhs, rhs = next(((a, b) for a, b in pairs if a.xreplace(point) != b.xreplace(point)), pairs[0])
        point = {k: v if isinstance(v, sp.Basic) else sp.Rational(v) for k, v in point.items()}
        a, b = sp.expand(lhs.xreplace(point)), sp.expand(rhs.xreplace(point))
        if not (a.is_Rational and b.is_Rational) or a == b:
            raise AssertionError(f"{text}: {format_point(point)} is not a counterexample ({a} vs {b})")
        step = Step(
            text, "counterexample" if refutes else "example", f"at {format_point(point)}: {a} ≠ {b}", (lhs, rhs), point
        )
        if refutes:
            self.refutations.append(step)
        self._record(step)
        return point

    def positive(self, text: str, expr, witness, nonzero: tuple = (), strict: bool = True) -> None:
        """Assert expr > 0 (expr ≥ 0 when not ``strict``): expr ≡ witness exactly, and the witness is manifestly
        positive (non-negative).

        ``nonzero`` lists symbols assumed non-zero (real symbols otherwise carry their declared
        assumptions); SymPy's assumption system must then deduce ``witness > 0`` (``≥ 0``).
        """
        self._require_identity(f"{text} (witness)", expr, witness)
        fresh = {s: sp.Symbol(s.name, real=True, nonzero=True) for s in nonzero}
        w = sp.sympify(witness).xreplace(fresh)
        if (w.is_positive if strict else w.is_nonnegative) is not True:
            complex_ = sorted(str(s) for s in w.free_symbols if s.is_real is not True)
            how = (
                f" (its symbols {', '.join(complex_)} are not declared real: sp.Symbol(name, real=True))"
                if complex_
                else " (write it as a sum of squares with positive coefficients; nonzero=(…) for symbols that are not 0)"
            )
            raise AssertionError(f"{text}: {witness} is not manifestly {'positive' if strict else 'non-negative'}{how}")
        cond = f" for {', '.join(f'{s} ≠ 0' for s in nonzero)}" if nonzero else ""
        data = {"nonzero": tuple(nonzero)} | ({} if strict else {"op": ">="})
        self._record(Step(text, "sign", f"≡ {witness} {data.get('op', '>')} 0{cond}", (expr, witness), data=data))

    def check(self, text: str, computed, expected, how: str = "", evidence=None) -> None:
        """Assert that a computed object equals the expected one exactly (:func:`same`), and record both.

        ``computed`` is what a computation returned (a solution set, a root, a degree, a list of
        mismatches that must be empty); ``how`` says what computed it.  ``evidence`` states the question
        the expected value answers, for the kernel to decide it again (:mod:`eos_theory.core.evidence`: a
        ``Solutions``, an ``Irreducible``, a :class:`BoxProof`; a tuple of them for a list of values).
        """
        if not same(computed, expected):
            raise AssertionError(f"{text}: computed {_brief(computed)}, expected {_brief(expected)}")
        detail = f"{how + ': ' if how else ''}computed {_brief(computed)}"
        data = {"expected": expected} | ({"evidence": evidence} if evidence is not None else {})  # LaTeX prints it
        self._record(Step(text, "check", detail, data=data))

    def compare(self, text: str, lhs, op: str, rhs) -> None:
        """Assert ``lhs op rhs`` for exact real numbers, decided by :func:`exact_sign` of lhs − rhs."""
        if op not in _OPS:
            raise ValueError(f"op must be one of {tuple(_OPS)}")
        lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
        if _has_float(lhs, rhs):
            raise Undecided(f"{text}: a floating-point number is not an exact real number")
        if not _OPS[op](exact_sign(lhs - rhs)):
            raise AssertionError(f"{text}: {lhs} {op} {rhs} is false")
        self._record(Step(text, "check", f"{lhs} {op} {rhs}, decided exactly", data={"compare": (lhs, op, rhs)}))

    def cite(self, text: str, theorem: str, reference: str) -> None:
        """Use a published theorem, named with a reference, as a premise (not re-proved here)."""
        if not theorem.strip() or not reference.strip():
            raise ValueError("a citation names the theorem and where it is proved")
        self._record(
            Step(text, "citation", f"{theorem} ({reference})", data={"theorem": theorem, "reference": reference})
        )

    def uses(self, claim_id: str, text: str) -> None:
        """Use another registered claim as a premise; the registry requires it to be verified."""
        self._record(Step(text, "premise", claim_id))

    def infer(self, text: str, from_: tuple[str, ...]) -> None:
        """Record a logical step that combines earlier steps, named by their texts (which must exist)."""
        known = {s.text for s in self.steps} | {s.text for s in (self._sink or [])}
        missing = [t for t in from_ if t not in known]
        if missing:
            raise AssertionError(f"{text}: premises not established: {missing}")
        self._record(Step(text, "inference", "from: " + "; ".join(from_), data={"from": tuple(from_)}))

    def treats(self, names: str, *by: str) -> None:
        """Declare that recorded steps treat the scope symbols ``names`` (comma-separated) over their whole domain,
        where the step cannot show it itself: a check (which records its result, not its expressions) or a
        citation (whose theorem states its own scope).  See registry.audit."""
        if not by:
            raise ValueError("name at least one step")
        key = ", ".join(n.strip() for n in names.split(",") if n.strip())
        self.treated[key] = self.treated.get(key, ()) + tuple(by)

    def covers(self, phrase: str, *by: str) -> None:
        """Declare which recorded steps cover a quantifier phrase of the claim's statement (see registry.audit)."""
        if not by:
            raise ValueError("name at least one step")
        self.coverage[phrase] = tuple(by)

    # -- weaker evidence ------------------------------------------------------------------
    def numerical(self, text: str, digits: int, detail: str, required: int) -> None:
        """Record high-precision numerical evidence: ``digits`` agreeing digits, at least ``required``.

        The claim's basis becomes 'numerical'.
        """
        if digits < required:
            raise AssertionError(f"{text}: only {digits} digits agree, {required} required ({detail})")
        if self.basis in ("exact", "interval"):  # never stronger than a statistical step already recorded
            self.basis = "numerical"
        self._record(
            Step(
                text,
                "numerical",
                f"{detail}; {digits} agreeing digits (≥ {required} required)",
                data={"digits": digits, "required": required},
            )
        )

    def statistical(
        self, text: str, estimate, ci: tuple, level: float, detail: str, inside: tuple = (None, None)
    ) -> None:
        """Record a statistical estimate with its confidence interval ``ci`` = (low, high) at ``level``.

        What is asserted: low ≤ estimate ≤ high, all finite, 0 < level < 1, and the whole interval
        lies strictly inside ``inside`` = (a, b) (None: unbounded on that side), e.g. (0, None) for
        "λ > 0 at this level".  ``detail`` states the sample (runs, steps, transient, precision).
        The claim's basis becomes 'statistical', the weakest kind of evidence, and its verdict at best
        'supported'; an interval outside ``inside`` raises :class:`NotSupported` ('not supported').
        """
        values = [float(v) for v in (estimate, *ci)]
        if len(ci) != 2 or not all(math.isfinite(v) for v in values):
            raise AssertionError(f"{text}: an estimate and a confidence interval (low, high) of finite numbers needed")
        est, lo, hi = values
        if not lo <= est <= hi:
            raise AssertionError(f"{text}: the estimate {est:.6g} is not inside its interval [{lo:.6g}, {hi:.6g}]")
        if isinstance(level, bool) or not 0 < level < 1:
            raise AssertionError(f"{text}: the confidence level must lie in (0, 1), got {level}")
        a, b = inside
        if (a is not None and not lo > a) or (b is not None and not hi < b):
            side = " and ".join(s for s in (a is not None and f"> {a}", b is not None and f"< {b}") if s)
            raise NotSupported(f"{text}: the interval [{lo:.6g}, {hi:.6g}] is not entirely {side} ({detail})")
        self.basis = "statistical"
        within = " and ".join(s for s in (a is not None and f"> {a}", b is not None and f"< {b}") if s)
        self._record(
            Step(
                text,
                "statistical",
                f"{detail}; estimate {est:.6g}, {level:.0%} confidence interval "
                f"[{lo:.6g}, {hi:.6g}]" + (f", entirely {within}" if within else ""),
                data={"estimate": est, "ci": (lo, hi), "level": level, "inside": tuple(inside)},
            )
        )

    def interval(self, text: str, detail: str, *boxes: BoxProof) -> None:
        """Record a computer-assisted (interval arithmetic) proof step, with the ``boxes`` it rests on: the
        equations, box and bounds that a checker re-proves in its own ball arithmetic (:class:`BoxProof`; at
        least one: the words of ``detail`` are not evidence)."""
        if not boxes or not all(isinstance(b, BoxProof) for b in boxes):
            raise TypeError(f"{text}: an interval step's evidence is one or more BoxProofs")
        if self.basis == "exact":
            self.basis = "interval"
        self._record(Step(text, "interval", detail, data={"boxes": boxes}))

    # -- corrections ----------------------------------------------------------------------
    @contextlib.contextmanager
    def corrected(self, statement: str, formula: sp.Basic | None = None) -> Iterator[Correction]:
        """Steps recorded inside this block verify the corrected statement."""
        self.correction = Correction(statement, formula)
        self._sink = self.correction.steps
        try:
            yield self.correction
        except AssertionError as exc:
            raise CorrectionFailed(f"the correction is not verified: {exc}") from exc
        finally:
            self._sink = None

    @property
    def premises(self) -> list[str]:
        """Ids of the registered claims this proof uses as premises."""
        return [
            s.detail for s in (*self.steps, *(self.correction.steps if self.correction else ())) if s.kind == "premise"
        ]

    @property
    def verdict(self) -> Verdict:
        if not self.steps:
            raise AssertionError("no step was recorded: a claim needs evidence (p.equal, p.differ, p.positive, …)")
        if self.refutations:
            if self.correction is None or not self.correction.steps:
                raise AssertionError(
                    "a refutation needs a corrected statement with verified steps: record them inside "
                    "'with p.corrected(\"the correct statement\"):'"
                )
            return "refuted"
        return "supported" if self.basis == "statistical" else "verified"


def _brief(value, width: int = 80) -> str:
    """A one-line, bounded rendering of a computed value for a step's detail."""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"
