"""Your own model: parameters, outputs, targets and a loss of the residual, read safely and checked.

A :class:`Spec` is what a researcher hands over: parameter symbols θ, one output f_i(θ) per data
point with its target y_i, and a loss ℓ of the residual r = f − y (½r² by default; any loss smooth
at 0, such as log(cosh(r))).  The training loss is L(θ) = Σ_i ℓ(f_i(θ) − y_i) and GD is
θ ← θ − η∇L.  From the spec alone SymPy derives, exactly where it can:

* the loss check: ℓ'(0) = 0 and ℓ''(0) > 0, decided exactly (:func:`loss_derivatives`);
* the global minima M = {f_i = y_i} and the sharpness on them, ℓ''(0)·λ_max(JJᵀ) (the top loss
  Hessian eigenvalue there, since ℓ'(0) = 0 kills the ∇²f terms), and its least value over M with
  the critical step η_c = 2/least sharpness (:func:`least_sharpness`, a Lagrange system solved
  exactly);
* polynomial conserved quantities of gradient flow (:func:`conserved_quantities`) and linear
  subspaces that GD maps into themselves, with the reduced map (:func:`invariant_subspaces`).

Whatever cannot be decided exactly is returned with ``status="inconclusive"`` and the reason;
nothing is guessed.  The period-doubling analysis at η_c is in :mod:`eos_theory.flip`.

>>> s = spec(["u", "v"], ["u*v"], [1])
>>> m = least_sharpness(s)
>>> m.value, m.critical_lr, m.point
(2, 1, (1, 1))
>>> conserved_quantities(s, degree=2).quantities
(u**2 - v**2,)
"""

from __future__ import annotations

import itertools
import keyword
import re
import tokenize
from dataclasses import dataclass
from functools import cache, cached_property
from io import StringIO

import sympy as sp
from sympy.parsing.sympy_parser import auto_number, factorial_notation, parse_expr, rationalize

from . import numerics
from .model import InputError, Model, z
from .intervals import Undecided, exact_sign

__all__ = ["MAX_DEGREE", "MAX_OUTPUTS", "MAX_PARAMS", "Conserved", "Invariant", "Invariants", "LossDerivatives",
           "Minimum", "Spec", "conserved_quantities", "derivatives_at_zero", "from_model", "invariant_subspaces",
           "least_sharpness", "loss_derivatives", "parse", "r", "spec"]

MAX_PARAMS = 6  #: the exact path solves polynomial systems in P + 1 unknowns: beyond 6 it is refused
MAX_OUTPUTS = 4  #: data points
MAX_DEGREE = 12  #: the largest total degree of a polynomial output (larger ones make the expansions explode)
MAX_LENGTH = 400  #: characters of one expression

r = sp.Symbol("r", real=True)  #: the residual f − y, the loss's argument

#: the functions an expression may use (real-analytic where they are used; see _check_real)
FUNCTIONS = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "cosh": sp.cosh, "sinh": sp.sinh, "tanh": sp.tanh,
             "cos": sp.cos, "sin": sp.sin, "atan": sp.atan}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ALLOWED_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^().,\s]*$")


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def parse(text: str, symbols: dict[str, sp.Symbol], what: str = "expression") -> sp.Expr:
    """``text`` as a real SymPy expression in ``symbols`` only, or :class:`InputError` (one line).

    Only the given names, numbers (decimals are read exactly: 0.1 is 1/10), + − * / ^ ** and the
    functions in :data:`FUNCTIONS` are accepted; every other name (I, E, pi, oo, __import__, …) is
    refused before SymPy evaluates anything.

    >>> u = sp.Symbol("u", real=True)
    >>> parse("0.5*u^2", {"u": u})
    u**2/2
    >>> parse("u*I", {"u": u})
    Traceback (most recent call last):
    ...
    eos_theory.model.InputError: expression 'u*I': unknown name 'I' (allowed: u and the functions atan, cos, cosh, exp, log, sin, sinh, sqrt, tanh)
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what} must be a non-empty string, got {numerics.show_value(text)}")
    if len(text) > MAX_LENGTH:
        raise InputError(f"{what} is longer than {MAX_LENGTH} characters")
    shown = numerics.show_value(text)[1:-1]
    if not _ALLOWED_CHARS.match(text):
        bad = next(c for c in text if not _ALLOWED_CHARS.match(c))
        raise InputError(f"{what} '{shown}': character {bad!r} is not allowed")
    allowed = ", ".join(sorted(symbols))
    try:
        tokens = list(tokenize.generate_tokens(StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise InputError(f"{what} '{shown}': cannot parse (unbalanced parentheses?)") from None
    for tok in tokens:
        if tok.type == tokenize.NAME and tok.string not in symbols and tok.string not in FUNCTIONS:
            raise InputError(f"{what} '{shown}': unknown name {tok.string!r} (allowed: {allowed or 'none'} and the "
                             f"functions {', '.join(sorted(FUNCTIONS))})")
        if tok.type == tokenize.NUMBER and re.search(r"[eEjJxXoObB]", tok.string):
            raise InputError(f"{what} '{shown}': write the number {tok.string!r} as a plain decimal or fraction")
    glob = {"__builtins__": {}, "Integer": sp.Integer, "Rational": sp.Rational, "Float": sp.Float, **FUNCTIONS}
    try:
        expr = parse_expr(text.replace("^", "**"), local_dict=dict(symbols), global_dict=glob,
                          transformations=(auto_number, rationalize, factorial_notation), evaluate=True)
    except (SyntaxError, TypeError, ValueError, NameError, AttributeError, ZeroDivisionError, sp.SympifyError):
        raise InputError(f"{what} '{shown}': cannot parse") from None
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.Tuple):
        raise InputError(f"{what} '{shown}': not a single expression")
    _check_real(expr, f"{what} '{shown}'")
    return expr


def _check_real(expr: sp.Expr, what: str) -> None:
    """Refuse non-real or non-finite constants (I, zoo, nan, oo) and floats."""
    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo) or expr.atoms(sp.Float):
        raise InputError(f"{what}: not a finite real expression ({expr})")


def _names(params) -> tuple[sp.Symbol, ...]:
    if isinstance(params, str) or not params:
        raise InputError("give the parameters as a list of names, e.g. u v")
    out = []
    for name in params:
        name = str(name)
        if not _NAME.match(name) or keyword.iskeyword(name):
            raise InputError(f"parameter name {numerics.show_value(name)} is not a plain identifier")
        if name in FUNCTIONS or name in ("r", "eta", "I", "E", "pi", "oo", "S", "N", "O", "Q"):
            raise InputError(f"parameter name {name!r} is reserved (r is the residual, eta the step)")
        out.append(name)
    if len(set(out)) != len(out):
        raise InputError(f"parameter names must be distinct, got {' '.join(out)}")
    if len(out) > MAX_PARAMS:
        raise InputError(f"{len(out)} parameters: the exact path handles at most {MAX_PARAMS}")
    return tuple(sp.Symbol(n, real=True) for n in out)


# --------------------------------------------------------------------------------------------
# The model specification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Parameters θ, outputs f_i(θ), targets y_i and a loss ℓ(r): L(θ) = Σ_i ℓ(f_i(θ) − y_i)."""

    params: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]
    targets: tuple[sp.Expr, ...]
    loss: sp.Expr = r**2 / 2
    name: str = "model"

    @property
    def P(self) -> int:
        return len(self.params)

    @cached_property
    def residuals(self) -> tuple[sp.Expr, ...]:
        return tuple(f - y for f, y in zip(self.outputs, self.targets))

    @cached_property
    def jacobian(self) -> sp.Matrix:
        """J = ∂f/∂θ, one row per data point."""
        return sp.Matrix(list(self.outputs)).jacobian(self.params)

    @cached_property
    def ntk(self) -> sp.Matrix:
        """The NTK JJᵀ (n × n)."""
        return (self.jacobian * self.jacobian.T).applyfunc(sp.expand)

    @cached_property
    def loss_of_theta(self) -> sp.Expr:
        return sum(self.loss.subs(r, res) for res in self.residuals)

    @cached_property
    def gradient(self) -> sp.Matrix:
        """∇L = Σ_i ℓ'(r_i)∇f_i."""
        dl = sp.diff(self.loss, r)
        return sum((dl.subs(r, res) * self.jacobian[i, :].T for i, res in enumerate(self.residuals)),
                   sp.zeros(self.P, 1))

    @cached_property
    def hessian(self) -> sp.Matrix:
        return sp.hessian(self.loss_of_theta, self.params)

    def gd_map(self, step: sp.Expr) -> sp.Matrix:
        """One GD step θ ↦ θ − η∇L(θ)."""
        return sp.Matrix(self.params) - step * self.gradient

    @cached_property
    def is_polynomial(self) -> bool:
        """Polynomial outputs and a polynomial loss: GD is a polynomial map (exact algebra applies)."""
        return all(f.is_polynomial(*self.params) for f in self.outputs) and self.loss.is_polynomial(r)

    def model(self) -> Model:
        """The one-data-point spec as a :class:`~eos_theory.model.Model` (output z = f − y, loss ℓ(z))."""
        if len(self.outputs) != 1:
            raise InputError("a Model has one output; this spec has several data points")
        return Model(self.params, self.residuals[0], self.loss.subs(r, z), self.name)

    def describe(self) -> str:
        out = "; ".join(f"{f} = {y}" for f, y in zip(self.outputs, self.targets))
        return f"θ = ({', '.join(map(str, self.params))}), {out}, loss ℓ(r) = {self.loss}"


def spec(params, outputs, targets, loss="r^2/2", name: str = "model") -> Spec:
    """Build and validate a :class:`Spec` from names and strings (or SymPy objects).

    Targets are exact numbers (numerics.exact: 1.05 and 21/20 are the same); the loss is an
    expression in r with a strict minimum at r = 0 (checked exactly by :func:`loss_derivatives`).
    """
    theta = _names(params)
    table = {s.name: s for s in theta}
    outputs = [outputs] if isinstance(outputs, (str, sp.Expr)) else list(outputs)
    targets = [targets] if isinstance(targets, (str, int, sp.Rational)) else list(targets)
    if not outputs:
        raise InputError("give at least one output")
    if len(outputs) > MAX_OUTPUTS:
        raise InputError(f"{len(outputs)} outputs: at most {MAX_OUTPUTS} data points")
    if len(outputs) != len(targets):
        raise InputError(f"{len(outputs)} output(s) but {len(targets)} target(s): give one target per output")
    fs = []
    for k, f in enumerate(outputs):
        e = _as_expr(f, table, f"output {k + 1}")
        if not e.free_symbols & set(theta):
            raise InputError(f"output {k + 1} ({e}) does not depend on the parameters")
        if e.is_polynomial(*theta) and sp.Poly(e, *theta).total_degree() > MAX_DEGREE:
            raise InputError(f"output {k + 1} has degree above {MAX_DEGREE}")
        fs.append(e)
    ys = []
    for k, y in enumerate(targets):
        q = numerics.exact(y if not isinstance(y, sp.Rational) else sp.Rational(y), f"target {k + 1}")
        ys.append(sp.Rational(q.numerator, q.denominator))
    ell = _as_expr(loss, {"r": r}, "loss")
    loss_derivatives(ell)  # raises InputError unless ℓ'(0) = 0 < ℓ''(0)
    return Spec(theta, tuple(fs), tuple(ys), ell, name)


def _as_expr(value, table: dict, what: str) -> sp.Expr:
    if isinstance(value, sp.Expr):
        extra = value.free_symbols - set(table.values())
        if extra:
            raise InputError(f"{what}: unknown symbol(s) {', '.join(sorted(map(str, extra)))}")
        _check_real(value, what)
        return value
    return parse(str(value), table, what)


def from_model(m: Model, values: dict | None = None, target: sp.Expr = 0) -> Spec:
    """A :class:`~eos_theory.model.Model` (output z(θ) = residual, loss in z) as a Spec, with its
    symbolic constants (E, ω, …) given exact ``values``."""
    values = values or {}
    out = sp.expand(m.output.subs(values))
    extra = out.free_symbols - set(m.theta)
    if extra:
        raise InputError(f"give values for {', '.join(sorted(map(str, extra)))}")
    theta = tuple(sp.Symbol(t.name, real=True) for t in m.theta)
    ren = dict(zip(m.theta, theta))
    return Spec(theta, (out.subs(ren) + target,), (sp.sympify(target),), m.loss.subs(z, r), m.name)


# --------------------------------------------------------------------------------------------
# The loss
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossDerivatives:
    """ℓ^(k)(0) for k = 1..4, exact."""

    d1: sp.Expr
    d2: sp.Expr
    d3: sp.Expr
    d4: sp.Expr


@cache
def derivatives_at_zero(loss: sp.Expr, n: int) -> tuple[sp.Expr, ...]:
    """ℓ(0), ℓ'(0), …, ℓ⁽ⁿ⁾(0), exact (each derivative from the previous one; simplified unless rational).

    >>> derivatives_at_zero(sp.log(sp.cosh(r)), 4)
    (0, 0, 1, 0, -2)
    """
    out, d = [], loss
    for k in range(n + 1):
        if k:
            d = sp.diff(d, r)
        v = d.subs(r, 0)
        out.append(v if v.is_Rational else sp.simplify(v))
    return tuple(out)


@cache  # a loss is checked once: spec, the flip series and the numerics all ask
def loss_derivatives(loss: sp.Expr) -> LossDerivatives:
    """ℓ'(0)..ℓ''''(0), after checking exactly that ℓ'(0) = 0 and ℓ''(0) > 0.

    >>> loss_derivatives(sp.log(sp.cosh(r)))
    LossDerivatives(d1=0, d2=1, d3=0, d4=-2)
    >>> loss_derivatives(r**3)
    Traceback (most recent call last):
    ...
    eos_theory.model.InputError: loss without a minimum at zero residual: l'(0) = 0 but l''(0) = 0 is not > 0
    """
    ds = []
    for k, v in enumerate(derivatives_at_zero(loss, 4)[1:], start=1):
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) or not v.is_number:
            raise InputError(f"loss: the derivative of order {k} at r = 0 is not a finite real number ({v})")
        ds.append(v)
    try:
        s1, s2 = exact_sign(ds[0]), exact_sign(ds[1])
    except Undecided as exc:
        raise InputError(f"loss: cannot decide the sign of its derivatives at 0 ({exc})") from None
    if s1 != 0:
        raise InputError(f"loss without a minimum at zero residual: l'(0) = {ds[0]} is not 0")
    if s2 <= 0:
        raise InputError(f"loss without a minimum at zero residual: l'(0) = 0 but l''(0) = {ds[1]} is not > 0")
    return LossDerivatives(*ds)


# --------------------------------------------------------------------------------------------
# Minima and their sharpness
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Minimum:
    """The least sharpness over the global minima, where it is attained, and how it was found."""

    status: str  #: "exact" | "inconclusive"
    how: str
    value: sp.Expr | None = None  #: least sharpness ℓ''(0)·|∇f(θ*)|²
    point: tuple | None = None  #: θ*, a least-sharp global minimum (exact)
    direction: tuple | None = None  #: ∇f(θ*): the top Hessian eigenvector there (eigenvalue = value)
    count: int = 0  #: least-sharp minima found (isolated points, or families counted once)
    family: bool = False  #: θ* lies on a family (a manifold) of least-sharp minima
    all_critical: tuple = ()  #: (sharpness, point) for every real critical point found, ascending

    @property
    def critical_lr(self) -> sp.Expr | None:
        """η_c = 2 / least sharpness."""
        if self.value is None:
            return None
        lr = 2 / self.value
        return lr if lr.is_Rational else sp.radsimp(lr)


_TRIALS = [sp.Integer(0), sp.Integer(1), sp.Rational(1, 2), sp.Integer(-1), sp.Integer(2)]


def _real_representative(sol: dict, unknowns) -> dict | None:
    """A real point of a solution (its free unknowns set to small rationals), or None."""
    free = sorted((set().union(*(sp.sympify(v).free_symbols for v in sol.values())) | (set(unknowns) - set(sol)))
                  & set(unknowns), key=str)
    for values in itertools.product(_TRIALS, repeat=len(free)):
        sub = dict(zip(free, values))
        point = {u: sp.sympify(sol.get(u, u)).subs(sub) for u in unknowns}
        try:
            if all(v.is_number and exact_sign(sp.im(v)) == 0 for v in point.values()):
                return {u: sp.radsimp(sp.re(v)) if not v.is_real else v for u, v in point.items()}
        except Undecided:
            continue
    return None


def least_sharpness(s: Spec) -> Minimum:
    """Minimise the sharpness ℓ''(0)|∇f|² over M = {f = y} (one data point) by solving the
    Lagrange system ∇S = μ∇f, f = y exactly; θ* is the least-sharp real critical point.

    The minimum is over the real critical points of S on M: it is the least sharpness over M when
    S attains its infimum on M (true when S grows without bound along M, as for every model of the
    gallery), which this function does not prove; ``how`` says so.
    """
    if len(s.outputs) != 1:
        return Minimum("inconclusive", f"{len(s.outputs)} data points: the least λ_max(JJᵀ) over the minima is a "
                       "non-smooth min-max; the exact path handles one data point")
    if not s.is_polynomial and not all(f.is_polynomial(*s.params) for f in s.outputs):
        return Minimum("inconclusive", "the output is not a polynomial in the parameters: the Lagrange system is "
                       "solved exactly only for polynomial outputs")
    f, y = s.outputs[0], s.targets[0]
    mu = sp.Dummy("mu")
    fP = sp.Poly(f, *s.params, mu)  # Poly arithmetic: much faster than differentiating expressions
    grad = [fP.diff(th) for th in s.params]
    SP = loss_derivatives(s.loss).d2 * sum((g**2 for g in grad), sp.Poly(0, *s.params, mu))
    S = SP.as_expr()
    eqs = [(SP.diff(th) - sp.Poly(mu, *s.params, mu) * g).as_expr() for th, g in zip(s.params, grad)]
    eqs.append(sp.expand(f - y))
    unknowns = [*s.params, mu]
    sols = _real_solutions(eqs, [mu, *s.params])  # μ eliminated first: a much smaller Gröbner computation
    method = "lex Gröbner basis, real roots back-substituted"
    if sols is None:  # roots without radicals, or signs undecided
        method = "SymPy solve"
        try:
            sols = sp.solve(eqs, unknowns, dict=True, check=False, simplify=False)  # polynomials: no denominators
        except NotImplementedError as exc:
            return Minimum("inconclusive", f"SymPy cannot solve the Lagrange system exactly ({str(exc)[:80]})")
    found, family_of = [], {}
    for sol in sols:
        if isinstance(sol, tuple):  # from _real_solutions: a real point and whether it is on a family
            rep, on_family = sol
        else:  # from sp.solve: possibly parametric
            rep = _real_representative(sol, unknowns)
            on_family = any(th not in sol for th in s.params) or any(
                sp.sympify(v).free_symbols & set(s.params) for v in sol.values())
        if rep is None:
            continue
        point = tuple(sp.radsimp(rep[th]) for th in s.params)
        if any(exact_sign(e.xreplace(rep)) != 0 for e in eqs):  # every solution is re-checked exactly
            continue
        val = sp.radsimp(S.xreplace(dict(zip(s.params, point))))
        found.append((val, point))
        family_of[point] = on_family
    if not found:
        return Minimum("inconclusive", "the Lagrange system has no real solution: the minima M = {f = y} are empty, "
                       "or the sharpness has no critical point on them (its infimum is not attained)")
    found.sort(key=lambda vp: (float(vp[0]), _preference(vp[1])))
    least = found[0][0]
    best = [vp for vp in found if exact_sign(vp[0] - least) == 0]
    if exact_sign(least) <= 0:
        return Minimum("inconclusive", f"a global minimum with sharpness {least}: it is stable for every step size, "
                       "so there is no edge of stability", all_critical=tuple(found))
    least, point = _simplest(least), tuple(_simplest(c) for c in best[0][1])
    direction = tuple(sp.radsimp(g.subs(dict(zip(s.params, point)))) for g in s.jacobian)
    family = any(family_of[p] for _, p in best)
    how = (f"exact: Lagrange system ∇S = μ∇f, f = y solved by {method} ({len(sols)} solution(s), {len(found)} real); "
           "least over the real critical points of the sharpness on the minima (a global minimum over M if the "
           "sharpness attains its infimum there, not proved here)")
    return Minimum("exact", how, least, point, direction, len(best), family, tuple(found))


def _real_solutions(eqs: list, unknowns: list) -> list[tuple[dict, bool]] | None:
    """Real solutions of a polynomial system over ℚ, exactly: every one when there are finitely many,
    one point per branch of a family otherwise; each with whether it lies on a family.  None when a
    root has no radical form SymPy finds or a sign is undecided (the caller then uses sp.solve).

    A lex Gröbner basis is triangular: its elements whose leading unknown is u or a later one
    generate an elimination ideal, whose zeros over a point already found are the common roots of
    the elements led by u.  So the solutions are found unknown by unknown from the last: the roots
    (SymPy radicals) of the lowest-degree such element, kept when real and when every other one
    vanishes there (exact zero tests).  An unknown that no element constrains there is free (a
    family): it takes the first of a few small rationals for which the rest has a real solution,
    as :func:`_real_representative` does for SymPy's parametric solutions; the sharpness is
    constant along a connected family of its critical points, so one point stands for it."""
    G = sp.groebner(eqs, *unknowns, order="lex")
    if G.exprs == [1]:
        return []
    lead: dict = {}
    for g in G.exprs:
        p = sp.Poly(g, *unknowns)
        k = min(i for i, u in enumerate(unknowns) if p.degree(u) > 0)  # its leading unknown
        lead.setdefault(unknowns[k], []).append(g)
    order = list(reversed(unknowns))  # the last unknown is solved first

    class _Fail(Exception):
        pass

    def extend(sol: dict, i: int, free: bool) -> list:
        if i == len(order):
            return [(sol, free)]
        u = order[i]
        cands = [c for c in (sp.expand(e.xreplace(sol)) for e in lead.get(u, [])) if c != 0]
        if not cands:  # u is free here: one point of the family
            for value in _TRIALS:
                out = extend({**sol, u: value}, i + 1, True)
                if out:
                    return out
            return []
        cands.sort(key=lambda c: sp.degree(c, u))
        roots = _exact_roots(sp.Poly(cands[0], u))
        if roots is None:
            raise _Fail
        out = []
        for root in roots:
            root = sp.radsimp(root)
            try:
                if exact_sign(sp.im(root)) != 0 or any(exact_sign(c.subs(u, root)) != 0 for c in cands[1:]):
                    continue
            except Undecided:
                raise _Fail from None
            out += extend({**sol, u: sp.re(root) if not root.is_real else root}, i + 1, free)
        return out

    try:
        return extend({}, 0, False)
    except _Fail:
        return None


def _exact_roots(poly: sp.Poly) -> list | None:
    """The roots of a univariate polynomial as SymPy radicals — all of them, except that over ℚ an
    irreducible factor without real roots (Sturm count, exact) is left out — or None if SymPy finds no
    radical form for some root that may be real."""
    if poly.degree() == 1:
        return [-poly.nth(0) / poly.nth(1)]
    if poly.domain.is_QQ or poly.domain.is_ZZ:
        out = []
        for factor, _ in poly.factor_list()[1]:
            if factor.degree() == 0 or factor.count_roots() == 0:  # no real root: no real solution through it
                continue
            found = sp.roots(factor)
            if sum(found.values()) != factor.degree():
                return None
            out += list(found)
        return out
    found = sp.roots(poly)
    return list(found) if sum(found.values()) == poly.degree() else None


def _simplest(v: sp.Expr) -> sp.Expr:
    """A long radical expression rewritten, when its minimal polynomial over ℚ has degree ≤ 2, as the
    root of that polynomial it equals (checked exactly): 18 − 6√2 instead of nested square roots."""
    if v.is_Rational or sp.count_ops(v) <= 12:
        return v
    x = sp.Dummy("x")
    try:
        p = sp.Poly(sp.minimal_polynomial(v, x), x)
    except (NotImplementedError, ValueError, sp.PolynomialError):
        return v
    if p.degree() > 2:
        return v
    for root in sp.roots(p):
        try:
            if exact_sign(v - root) == 0:
                return root
        except Undecided:
            continue
    return v


def _preference(point: tuple) -> tuple:
    """Rational, non-negative coordinates first (a canonical choice among symmetric minimisers)."""
    return (sum(not c.is_Rational for c in point), sum(bool(c.is_negative) for c in point), tuple(map(str, point)))


# --------------------------------------------------------------------------------------------
# Conserved quantities of gradient flow and invariant subspaces of GD
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conserved:
    """Polynomials I (no constant term) of degree ≤ ``degree`` with ∇I·∇f_i ≡ 0 for every output."""

    degree: int
    quantities: tuple[sp.Expr, ...]  #: a basis of the space found (exact linear algebra)
    how: str


def conserved_quantities(s: Spec, degree: int = 2) -> Conserved:
    """Conserved quantities of gradient flow for every target: ∇L = Σ ℓ'(r_i)∇f_i, so I is conserved
    for every target and loss iff ∇I·∇f_i ≡ 0 for each i; solved as a linear system for I's
    coefficients (SymPy linsolve over ℚ).  u² − v² for the uv model."""
    degree = numerics.check_count(degree, "degree", least=1)
    if degree > 6:
        raise InputError("degree must be at most 6")
    if not all(f.is_polynomial(*s.params) for f in s.outputs):
        return Conserved(degree, (), "not computed: the outputs are not polynomial")
    monos = [m for d in range(1, degree + 1) for m in itertools.combinations_with_replacement(s.params, d)]
    coeffs = sp.symbols(f"k0:{len(monos)}")
    I = sum(c * sp.Mul(*m) for c, m in zip(coeffs, monos))
    eqs = []
    for f in s.outputs:
        rate = sp.expand(sum(sp.diff(I, th) * sp.diff(f, th) for th in s.params))
        eqs += sp.Poly(rate, *s.params).coeffs() if rate != 0 else []
    (sol,) = sp.linsolve(eqs, coeffs) if eqs else [tuple(coeffs)]
    general = sp.expand(I.subs(dict(zip(coeffs, sol))))
    free = sorted(general.free_symbols & set(coeffs), key=str)
    basis = tuple(sp.factor_terms(sp.expand(general.subs({c: int(c == k) for c in free}))) for k in free)
    basis = tuple(sp.expand(b / sp.Poly(b, *s.params).LC()) for b in basis)
    return Conserved(degree, basis, f"exact: linear system for the coefficients of I (degree ≤ {degree}) "
                     "from ∇I·∇f_i ≡ 0, solved over ℚ")


@dataclass(frozen=True)
class Invariant:
    """A linear subspace that GD maps into itself for every η, with the reduced map on it."""

    name: str  #: e.g. "u = v", "w = 0", "line through θ* along ∇f(θ*)"
    equations: tuple[sp.Expr, ...]  #: linear forms vanishing on it
    coordinates: tuple[sp.Symbol, ...]  #: the free coordinates on it
    reduced_map: tuple[sp.Expr, ...] | None  #: GD in those coordinates (η as the symbol ``eta``)


@dataclass(frozen=True)
class Invariants:
    subspaces: tuple[Invariant, ...]
    how: str


def _invariant(s: Spec, G: sp.Matrix, name: str, param_of: dict, coords: tuple, eqs: tuple) -> Invariant | None:
    """Whether G maps {θ = param_of(coords)} into itself: every form in ``eqs`` vanishes on G's image."""
    image = G.subs(param_of, simultaneous=True)
    img = dict(zip(s.params, image))
    if any(sp.simplify(sp.expand(e.subs(img, simultaneous=True))) != 0 for e in eqs):
        return None
    red = tuple(sp.expand(img[th]) if th in coords else None for th in s.params)
    return Invariant(name, eqs, coords, tuple(v for v in red if v is not None) or None)


def invariant_subspaces(s: Spec, step: sp.Symbol | None = None) -> Invariants:
    """The coordinate hyperplanes θ_i = 0 and the slices θ_i = ±θ_j that GD maps into itself for
    every η, each tested as an exact identity; on each, the reduced map in the remaining
    coordinates.  (Candidates are these simple slices only: other invariant subspaces may exist.)"""
    step = step if step is not None else sp.Symbol("eta", positive=True)
    G = s.gd_map(step)
    out = []
    for i, th in enumerate(s.params):
        coords = tuple(t for t in s.params if t != th)
        inv = _invariant(s, G, f"{th} = 0", {th: 0}, coords, (th,))
        if inv:
            out.append(inv)
    for (i, a), (j, b) in itertools.combinations(enumerate(s.params), 2):
        for sign in (1, -1):
            coords = tuple(t for t in s.params if t != b)
            inv = _invariant(s, G, f"{b} = {a}" if sign == 1 else f"{b} = −{a}", {b: sign * a}, coords,
                             (b - sign * a,))
            if inv:
                out.append(inv)
    if len(s.params) > 2:
        a = s.params[0]
        eqs = tuple(t - a for t in s.params[1:])
        inv = _invariant(s, G, "all parameters equal", {t: a for t in s.params[1:]}, (a,), eqs)
        if inv:
            out.append(inv)
    return Invariants(tuple(out), "exact: each candidate slice (θ_i = 0, θ_j = ±θ_i, all equal) tested by "
                      "substituting it into the GD map and simplifying the defining forms of its image to 0")
