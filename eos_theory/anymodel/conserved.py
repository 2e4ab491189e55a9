"""What GD and gradient flow keep: conserved quantities of gradient flow and invariant subspaces of GD.

Neither needs the minima: a polynomial I is conserved by gradient flow for every target and loss
iff ∇I·∇f_i ≡ 0 for each output (:func:`conserved_quantities`, exact linear algebra over ℚ; for smooth
non-polynomial outputs a sufficient form of it); a
linear subspace that GD maps into itself gives a reduced map (:func:`invariant_subspaces`).

>>> from eos_theory.anymodel.definition import spec
>>> conserved_quantities(spec(["u", "v"], ["u*v"], [1]), degree=2).quantities
(u**2 - v**2,)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from eos_theory.anymodel.definition import Spec
from eos_theory.numbers.parse import InputError, check_count

__all__ = ["Conserved", "Invariant", "Invariants", "conserved_quantities", "invariant_subspaces"]


# --------------------------------------------------------------------------------------------
# Conserved quantities of gradient flow and invariant subspaces of GD
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conserved:
    """Polynomials I (no constant term) of degree ≤ ``degree`` with ∇I·∇f_i ≡ 0 for every output."""

    degree: int
    quantities: tuple[sp.Expr, ...]  #: a basis of the space found (exact linear algebra)
    how: str


MAX_DEGREE = 6  #: the highest degree looked for: the unknowns grow as P^D


def conserved_quantities(s: Spec, degree: int = 2) -> Conserved:
    """Conserved quantities of gradient flow for every target: ∇L = Σ ℓ'(r_i)∇f_i, so I is conserved
    for every target and loss iff ∇I·∇f_i ≡ 0 for each i; solved as a linear system for I's
    coefficients (the null space of a sparse matrix over ℚ).  u² − v² for the uv model.

    Non-polynomial outputs: in ∇f_i every function application (tanh(w), exp(w), …) and fractional power is
    replaced by an unknown of its own and the denominators cleared, and the identity is required for every value
    of those unknowns — a sufficient condition, so what is found is conserved (v²/2 − w for v·exp(w)), but a
    quantity that needs a relation between them (sin²w + cos²w = 1) is not looked for.

    >>> from eos_theory.anymodel.definition import spec
    >>> conserved_quantities(spec(["v", "w"], ["v*exp(w)"], [1])).quantities
    (v**2 - 2*w,)
    """
    degree = check_count(degree, "degree", least=1)
    if degree > MAX_DEGREE:
        raise InputError(f"degree must be at most {MAX_DEGREE}")
    P = len(s.params)
    grads, apps = _polynomial_gradients(s)
    # the exponent vectors of the monomials of degree 1..D: the unknowns are I's coefficients on them
    monos = [
        tuple(combo.count(j) for j in range(P))
        for d in range(1, degree + 1)
        for combo in itertools.combinations_with_replacement(range(P), d)
    ]
    pad = (0,) * len(apps)
    rows: dict = {}  # (output, monomial of ∇I·∇f_i) ↦ {unknown: coefficient}
    for i, row in enumerate(grads):
        for col, e in enumerate(monos):
            for j in range(P):
                if not e[j]:
                    continue
                base = (*e[:j], e[j] - 1, *e[j + 1 :], *pad)  # ∂_j x^e = e_j x^(e − 1_j)
                for mu, c in row[j].items():
                    key = (i, tuple(a + b for a, b in zip(base, mu)))
                    entry = rows.setdefault(key, {})
                    entry[col] = entry.get(col, 0) + e[j] * c
    rows = {key: row for key, row in rows.items() if any(v != 0 for v in row.values())}
    n = len(monos)
    if rows:
        sparse = {k: {c: sp.QQ.convert(v) for c, v in r.items() if v != 0} for k, r in enumerate(rows.values())}
        M = DomainMatrix(sparse, (len(rows), n), sp.QQ)
        null = M.nullspace().to_Matrix()
        vectors = [list(null.row(k)) for k in range(null.rows)]
    else:
        vectors = [[int(c == k) for c in range(n)] for k in range(n)]
    basis = []
    for vec in vectors:
        b = sp.expand(
            sum(sp.Rational(c) * sp.Mul(*(t**k for t, k in zip(s.params, e))) for c, e in zip(vec, monos) if c)
        )
        basis.append(sp.expand(b / sp.Poly(b, *s.params).LC()))
    how = f"exact: linear system for the coefficients of I (degree ≤ {degree}) from ∇I·∇f_i ≡ 0, solved over ℚ"
    if apps:
        shown = ", ".join(sp.sstr(a) for a in apps[:4]) + (", …" if len(apps) > 4 else "")
        how += (
            f", with {shown} treated as independent unknowns (sufficient: each quantity listed is conserved; one "
            "that needs a relation between the model's functions, such as sin² + cos² = 1, is not looked for)"
        )
    return Conserved(degree, tuple(basis), how)


def _polynomial_gradients(s: Spec) -> tuple[list[list[dict]], tuple[sp.Expr, ...]]:
    """∇f_i as polynomials (exponent dictionaries) in θ and one unknown per function application or fractional
    power in them (those applications, in order), each output's row multiplied by a common denominator (a
    nonzero factor: it does not change where ∇I·∇f_i vanishes)."""
    if all(f.is_polynomial(*s.params) for f in s.outputs):
        return [[sp.Poly(f, *s.params).diff(t).as_dict() for t in s.params] for f in s.outputs], ()
    jac = [[sp.diff(f, t) for t in s.params] for f in s.outputs]
    apps: dict = {}

    def collect(e: sp.Expr) -> None:
        if isinstance(e, sp.Function) or (e.is_Pow and not e.exp.is_Integer and e.base.free_symbols):
            apps.setdefault(e, sp.Dummy(f"t{len(apps)}"))
            return
        for a in e.args:
            collect(a)

    for row in jac:
        for e in row:
            collect(e)
    unknowns = (*s.params, *apps.values())
    out = []
    for row in jac:
        fractions = [sp.fraction(sp.cancel(sp.together(e.xreplace(apps)))) for e in row]
        common = sp.lcm([d for _, d in fractions]) if fractions else sp.Integer(1)
        out.append([sp.Poly(sp.cancel(num * common / den), *unknowns).as_dict() for num, den in fractions])
    return out, tuple(apps)


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
    for _i, th in enumerate(s.params):
        coords = tuple(t for t in s.params if t != th)
        inv = _invariant(s, G, f"{th} = 0", {th: 0}, coords, (th,))
        if inv:
            out.append(inv)
    for (_i, a), (_j, b) in itertools.combinations(enumerate(s.params), 2):
        for sign in (1, -1):
            coords = tuple(t for t in s.params if t != b)
            inv = _invariant(s, G, f"{b} = {a}" if sign == 1 else f"{b} = −{a}", {b: sign * a}, coords, (b - sign * a,))
            if inv:
                out.append(inv)
    if len(s.params) > 2:
        a = s.params[0]
        eqs = tuple(t - a for t in s.params[1:])
        inv = _invariant(s, G, "all parameters equal", dict.fromkeys(s.params[1:], a), (a,), eqs)
        if inv:
            out.append(inv)
    return Invariants(
        tuple(out),
        "exact: each candidate slice (θ_i = 0, θ_j = ±θ_i, all equal) tested by "
        "substituting it into the GD map and simplifying the defining forms of its image to 0",
    )
