"""The least sharpness of your own model over its global minima, and where it is attained, found exactly.

At a global minimum (every residual zero) ℓ'(0) = 0 kills the ∇²f terms of the loss Hessian, so the
sharpness there is ℓ''(0)·λ_max(JJᵀ).  :func:`least_sharpness` minimises it over the set of minima
M = {f_i = y_i} by solving the Lagrange system exactly and gives the critical step
η_c = 2/least sharpness; whatever cannot be decided exactly is ``status="inconclusive"`` with the
reason, never guessed.

>>> from eos_theory.anymodel.definition import spec
>>> m = least_sharpness(spec(["u", "v"], ["u*v"], [1]))
>>> m.value, m.critical_lr, m.point
(2, 1, (1, 1))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from eos_theory.anymodel.definition import Spec, loss_derivatives
from eos_theory.numbers.intervals import Undecided, exact_sign

__all__ = ["Minimum", "least_sharpness"]


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
    free = sorted(
        (set().union(*(sp.sympify(v).free_symbols for v in sol.values())) | (set(unknowns) - set(sol))) & set(unknowns),
        key=str,
    )
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
        return Minimum(
            "inconclusive",
            f"{len(s.outputs)} data points: the least λ_max(JJᵀ) over the minima is a "
            "non-smooth min-max; the exact path handles one data point",
        )
    if not s.is_polynomial and not all(f.is_polynomial(*s.params) for f in s.outputs):
        return Minimum(
            "inconclusive",
            "the output is not a polynomial in the parameters: the Lagrange system is "
            "solved exactly only for polynomial outputs",
        )
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
                sp.sympify(v).free_symbols & set(s.params) for v in sol.values()
            )
        if rep is None:
            continue
        point = tuple(sp.radsimp(rep[th]) for th in s.params)
        if any(exact_sign(e.xreplace(rep)) != 0 for e in eqs):  # every solution is re-checked exactly
            continue
        val = sp.radsimp(S.xreplace(dict(zip(s.params, point))))
        found.append((val, point))
        family_of[point] = on_family
    if not found:
        return Minimum(
            "inconclusive",
            f"the Lagrange system has no real solution: the minima {s.minima_set} are empty, "
            "or the sharpness has no critical point on them (its infimum is not attained)",
        )
    found.sort(key=lambda vp: (float(vp[0]), _preference(vp[1])))
    least = found[0][0]
    best = [vp for vp in found if exact_sign(vp[0] - least) == 0]
    if exact_sign(least) <= 0:
        return Minimum(
            "inconclusive",
            f"a global minimum with sharpness {least}: it is stable for every step size, "
            "so there is no edge of stability",
            all_critical=tuple(found),
        )
    least, point = _simplest(least), tuple(_simplest(c) for c in best[0][1])
    direction = tuple(sp.radsimp(g.subs(dict(zip(s.params, point)))) for g in s.jacobian)
    family = any(family_of[p] for _, p in best)
    how = (
        f"exact: Lagrange system ∇S = μ∇f on {s.minima_set} solved by {method} ({len(sols)} solution(s), {len(found)} real); "
        "least over the real critical points of the sharpness on the minima (a global minimum over M if the "
        "sharpness attains its infimum there, not proved here)"
    )
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
