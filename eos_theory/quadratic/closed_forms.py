"""The edge of stability of the 2-D quadratic model: fixed points, period-2 orbits, regimes.

Everything symbolic here is derived by SymPy from :func:`eos_theory.quadratic.maps.two_d_map` and
:func:`eos_theory.quadratic.maps.eigen_dynamics` (themselves derived from the model) and returned as exact
SymPy objects; numbers are left to the caller, except in :func:`orbit_report`.

The results live in a dimensionless *axis frame*.  On the eigen-axis i of Q (θ_j = 0) put

    y = ω_i z̃   (one step multiplies θ_i by 1 − y),    ε = ηEω_i,    r = ω_j/ω_i,

and p, q = J̃(ω_i), J̃(ω_j).  GD is then p' = (1 − y)p, q' = (1 − ry)q with
y = p²/2 + q²/(2r) − ε (:func:`axis_frame`), and on the axis y ↦ y + y(y + ε)(y − 2).

The control parameter is ε = ½·min η·NTK over the zero-loss minima = min{ηEω_i > 0} (0 if
E = 0).  GD can settle at a minimum iff ε ≤ 1; for 1 < ε < min(√5 − 1, 1 + 2/(r(r − 1))) it
settles on the period-2 orbit on the axis of that eigenvalue, whose cycle-mean η·NTK is 1 + ε
(EOS offset ε − 1).

>>> axis_map()
y*(epsilon + y)*(y - 2) + y
>>> eos_orbit().mean_ntk, eos_orbit().offset
(epsilon + 1, epsilon - 1)
>>> classify(-1, 1, "11/10", 1)
'period-2'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import sympy as sp
from sympy.solvers.inequalities import solve_poly_inequality

from eos_theory.core.model import eigenbasis
from eos_theory.core.notation import E, Tt, eta, zt
from eos_theory.core.notation import omega as w
from eos_theory.numbers.decimals import check_digits, decimal_string
from eos_theory.numbers.parse import InputError, rational
from eos_theory.quadratic.maps import Jt_modes, eigen_dynamics, two_d_map

y = sp.Symbol("y", real=True)  #: ω_i z̃ on the axis of ω_i
eps = sp.Symbol("epsilon", real=True)  #: ηEω_i, the axis's dimensionless target
r = sp.Symbol("r", real=True)  #: ω_j/ω_i, the other eigenvalue relative to the axis's
p, q = sp.symbols("p q", real=True)  #: J̃(ω_i), J̃(ω_j) in the axis frame
x = sp.Symbol("x", real=True)  #: ωz̃ in the symmetric case ω_1 = −ω, ω_2 = ω
u = sp.Symbol("u", real=True)  #: a displacement, for Taylor expansions

REGIMES = ("minimum", "period-2", "unstable")


# --------------------------------------------------------------------------------------------
# Fixed points of the reduced map and the edge of stability
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point (or line of them) of the reduced map (z̃, T̃) ↦ (z̃', T̃')."""

    name: str  #: "minima" | "origin" | "flip_1" | "flip_2"
    point: dict  #: {z̃: ..., T̃: ...}; on the line of minima T̃ is free
    multipliers: tuple  #: eigenvalues of the reduced map's Jacobian there
    meaning: str


@cache
def fixed_points() -> tuple[FixedPoint, ...]:
    """All fixed points of the reduced 2-D map (generic ω_1, ω_2), exactly, with multipliers.

    Both fixed-point equations carry the factor z̃ (the line of minima); the rest of the first
    is linear in T̃, and eliminating T̃ from the second leaves a polynomial in z̃ that factors.
    In parameter space the minima and θ = 0 are fixed points of GD, while a flip point
    (z̃ = 2/ω_i on axis i) is the 2-cycle θ ↦ −θ, which the reduced map cannot tell apart.
    """
    m = two_d_map()
    w1, _w2 = m.omega
    jac = sp.Matrix([m.next_zt, m.next_Tt]).jacobian([zt, Tt])
    (r1, rem1), (r2, rem2) = (sp.div(sp.expand(e - v), zt, zt) for e, v in ((m.next_zt, zt), (m.next_Tt, Tt)))
    if rem1 != 0 or rem2 != 0:
        raise ArithmeticError("z̃ does not divide the fixed-point equations")
    out = [
        FixedPoint(
            "minima", {zt: sp.Integer(0)}, minimum_multipliers(), "the zero-loss minima z̃ = 0, a line of fixed points"
        )
    ]
    c1, c0 = sp.Poly(r1, Tt).all_coeffs()  # r1 is linear in T̃
    T_of_z = -c0 / c1
    for root in _linear_roots(sp.numer(sp.together(r2.subs(Tt, T_of_z))), zt):
        sol = {zt: root, Tt: sp.factor(T_of_z.subs(zt, root))}
        mult = _linear_roots(jac.subs(sol).charpoly(_lam).as_expr(), _lam)
        if sp.expand(root + eta * E) == 0:
            out.append(FixedPoint("origin", sol, mult, "θ = 0 (J = 0): a critical point with loss E²/2"))
        else:
            i = 1 if sp.expand(root * w1) == 2 else 2
            out.append(
                FixedPoint(f"flip_{i}", sol, mult, f"z̃ = 2/ω_{i} on axis {i}: the parameter-space 2-cycle θ ↦ −θ")
            )
    return tuple(sorted(out, key=lambda f: f.name))


_lam = sp.Symbol("lambda")


def _linear_roots(expr: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, ...]:
    """The roots of a polynomial that factors into linear factors in ``var`` (with multiplicity)."""
    _, facs = sp.factor_list(sp.expand(sp.numer(sp.together(expr))))
    roots = []
    for g, mult in facs:
        if not g.has(var):
            continue
        if sp.degree(g, var) != 1:
            raise ArithmeticError(f"{g} is not linear in {var}")
        a, b = sp.Poly(g, var).all_coeffs()
        roots += [sp.factor(-b / a)] * mult
    return tuple(roots)


@cache
def minimum_multipliers() -> tuple[sp.Expr, sp.Expr]:
    """Eigenvalues of the reduced map's Jacobian on the line of minima z̃ = 0: (1, 1 − T̃)."""
    m = two_d_map()
    jac = sp.Matrix([m.next_zt, m.next_Tt]).jacobian([zt, Tt]).subs(zt, 0)
    ev = sorted(jac.eigenvals(multiple=True), key=lambda k: k.has(Tt))
    return tuple(sp.expand(k) for k in ev)


@cache
def edge_of_stability() -> sp.Set:
    """The η·NTK values at which a minimum is linearly stable: |1 − T̃| < 1, i.e. (0, 2)."""
    transverse = minimum_multipliers()[1]
    T = sp.Symbol("T", real=True)
    return _inside_unit(transverse.subs(Tt, T), T)


@cache
def minima_amplitudes() -> tuple[sp.Expr, sp.Expr]:
    """J̃(ω_i)² on the line of minima as functions of T̃ (valid for ω_1 ≠ ω_2)."""
    return tuple(sp.factor(a.subs(zt, 0)) for a in two_d_map().amplitudes)


@cache
def minima_vertices() -> tuple[sp.Expr, sp.Expr]:
    """η·NTK at the minimum on each eigen-axis: where the other amplitude vanishes (2ηEω_i)."""
    A1, A2 = minima_amplitudes()
    (T_on_axis_2,) = sp.solve(A1, Tt)
    (T_on_axis_1,) = sp.solve(A2, Tt)
    return sp.expand(T_on_axis_1), sp.expand(T_on_axis_2)


@cache
def ntk_gap_on_minima(P: int = 2, k: int = 0) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """T̃ − 2ω_k(z̃ + ηE) expanded in θ, for P modes: on a minimum, the gap T̃ − 2ηEω_k.

    It equals Σ ω_i(ω_i − ω_k)·ηθ_i², a sum of non-negative terms when no eigenvalue lies
    strictly between 0 and ω_k: the certificate that 2·min{ηEω_i > 0} is the least η·NTK.
    """
    m, omega = eigenbasis(P)
    gap = eta * m.ntk - 2 * omega[k] * (eta * m.output + eta * E)
    return sp.expand(gap), omega


# --------------------------------------------------------------------------------------------
# The axis frame, the axis map and its period-2 orbits
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisFrame:
    """GD in the dimensionless axis frame: p' = (1 − y)p, q' = (1 − ry)q."""

    y: sp.Expr  #: y = ω_i z̃ as a function of (p, q)
    p_next: sp.Expr
    q_next: sp.Expr
    ntk: sp.Expr  #: T̃ = p² + q²


@cache
def axis_frame() -> AxisFrame:
    """Rewrite the eigenbasis GD map (axis i = 1) in (p, q; ε, r), eliminating η, E and ω_2."""
    dyn = eigen_dynamics(2)
    w1, w2 = dyn.omega
    J1, J2 = Jt_modes(2)
    m, _ = eigenbasis(2)
    # z̃ = η z(θ) with θ_i = J̃_i/(ω_i η^{1/2}): the definition of the rescaled output.
    zt_of_J = sp.expand(
        eta
        * m.output.subs({m.theta[0]: J1 / (w1 * sp.sqrt(eta)), m.theta[1]: J2 / (w2 * sp.sqrt(eta))}, simultaneous=True)
    )
    frame = {J1: p, J2: q, w2: r * w1, E: eps / (eta * w1)}
    yy = sp.expand((w1 * zt_of_J).subs(frame, simultaneous=True))
    nxt = [sp.expand(e.subs(frame, simultaneous=True).subs(zt, y / w1)) for e in dyn.Jt_next]
    if any(e.has(w1, eta, E) for e in (*nxt, yy)):
        raise ArithmeticError("the axis frame did not eliminate ω_1, η and E")
    return AxisFrame(yy, nxt[0].subs(y, yy), nxt[1].subs(y, yy), p**2 + q**2)


@cache
def axis_map() -> sp.Expr:
    """y ↦ f(y) on the eigen-axis (q = 0), from the axis frame; factored as y + y(y+ε)(y−2)."""
    fr = axis_frame()
    p_sq = _p_squared()
    nxt = sp.expand(fr.y.subs({p: fr.p_next.subs(q, 0), q: 0}, simultaneous=True))
    f = sp.expand(nxt.subs(p**2, p_sq))
    if f.has(p):
        raise ArithmeticError("the axis map is not closed in y")
    fixed = sp.factor(f - y)
    return y + fixed


@cache
def axis_ntk() -> sp.Expr:
    """η·NTK at a point y of the axis: p² = 2(y + ε)."""
    return sp.expand(axis_frame().ntk.subs(q, 0).subs(p**2, _p_squared()))


def _p_squared() -> sp.Expr:
    """p² on the axis as a function of y, solved from the frame's definition of y (linear in p²:
    y = a·p² + b, so p² = (y − b)/a; a linear solve, without ``sp.solve``'s simplification)."""
    P2 = sp.Symbol("P2", positive=True)
    on_axis = sp.expand(axis_frame().y.subs(q, 0).subs(p**2, P2))
    if on_axis.has(p) or sp.degree(on_axis, P2) != 1:
        raise ArithmeticError(f"y on the axis is not linear in p²: {on_axis}")
    a, b = sp.Poly(on_axis, P2).all_coeffs()
    return sp.expand((y - b) / a)


@cache
def period_two_factors() -> dict[str, sp.Expr]:
    """f∘f − id = (fixed points)·(EOS 2-cycle)·(sign-flip 2-cycles), factored over ℚ(ε).

    "eos": the quadratic whose two roots form the 2-cycle with (1 − y₁)(1 − y₂) = 1 (θ returns);
    "sign_flip": the quartic whose 2-cycles have (1 − y₁)(1 − y₂) = −1 (θ ↦ −θ after two steps,
    so they are 4-cycles in parameter space).
    """
    f = axis_map()
    ff = sp.expand(f.subs(y, f) - y)
    _, facs = sp.factor_list(ff, y, eps)
    fixed = sp.expand(f - y)
    rest = [g for g, mult in facs if sp.rem(fixed, g, y) != 0]
    by_degree = {sp.degree(g, y): sp.expand(g) for g in rest}
    if sorted(by_degree) != [2, 4]:
        raise ArithmeticError(f"unexpected factorisation of f∘f − id: {facs}")
    return {"fixed": fixed, "eos": by_degree[2], "sign_flip": by_degree[4]}


@dataclass(frozen=True)
class EOSOrbit:
    """The period-2 orbit on an eigen-axis, in closed form in ε (and r for the transverse)."""

    relation: sp.Expr  #: q(y) = 0 at both points
    points: tuple[sp.Expr, sp.Expr]  #: y₋ < y₊
    ntk: tuple[sp.Expr, sp.Expr]  #: η·NTK at the points, ascending
    mean_ntk: sp.Expr
    offset: sp.Expr  #: mean_ntk − 2, the EOS offset
    discriminant: sp.Expr
    exists: sp.Set  #: the ε for which both points are real with η·NTK ≥ 0
    along: sp.Expr  #: two-step multiplier along the axis
    across: sp.Expr  #: two-step multiplier across it
    along_window: sp.Set  #: ε with |along| < 1 on which the orbit exists
    across_boundary: sp.Expr  #: the ε at which across = −1
    symmetric_window: sp.Set  #: the attracting window for ω_1 = −ω_2 (r = −1)


def _real_set(expr: sp.Expr, rel: str, var: sp.Symbol) -> sp.Set:
    """{var ∈ ℝ : expr rel 0} for a polynomial expr, exactly (real-root isolation)."""
    return sp.Union(*solve_poly_inequality(sp.Poly(sp.expand(expr), var), rel))


def _inside_unit(expr: sp.Expr, var: sp.Symbol) -> sp.Set:
    """{var ∈ ℝ : |expr| < 1} for a polynomial multiplier expr."""
    return _real_set(expr - 1, "<", var) & _real_set(expr + 1, ">", var)


@cache
def eos_orbit() -> EOSOrbit:
    """Derive the EOS 2-cycle: points, η·NTK, mean, offset, existence, multipliers, window."""
    qy = period_two_factors()["eos"]
    lo, hi = sorted(sp.roots(sp.Poly(qy, y)), key=lambda v: v.subs(eps, 2))
    T = axis_ntk()
    ntk = tuple(sp.expand(T.subs(y, v)) for v in (lo, hi))
    mean = sp.expand((ntk[0] + ntk[1]) / 2)
    disc = sp.factor(sp.discriminant(qy, y))
    # real points: disc ≥ 0; physical: both η·NTK ≥ 0 ⇔ their sum and product are ≥ 0 (Vieta).
    t_sum = sp.expand(ntk[0] + ntk[1])
    t_prod = sp.expand(sp.resultant(qy, T, y))  # q monic: Π T(y_k)
    exists = _real_set(disc, ">=", eps) & _real_set(t_sum, ">=", eps) & _real_set(t_prod, ">=", eps)
    f = axis_map()
    fr = axis_frame()
    along = sp.expand(sp.resultant(qy, sp.diff(f, y), y))  # Π f'(y_k) over the orbit
    across_factor = sp.diff(fr.q_next, q).subs(q, 0)  # ∂q'/∂q on the axis
    across_factor = sp.expand(across_factor.subs(p**2, 2 * (y + eps)))
    across = sp.factor(sp.resultant(qy, across_factor, y))
    window = _inside_unit(along, eps) & exists
    (boundary,) = sp.solve(across + 1, eps)
    sym_cross = across.subs(r, -1)
    sym_window = window & _inside_unit(sym_cross, eps)
    return EOSOrbit(
        qy,
        (lo, hi),
        ntk,
        mean,
        sp.expand(mean - 2),
        disc,
        exists,
        along,
        across,
        window,
        sp.factor(boundary),
        sym_window,
    )


# --------------------------------------------------------------------------------------------
# Normal forms: how the orbit is born and how it dies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlipNormalForm:
    """A flip of a 1-D map g(c + u) = c − u + a₂u² + a₃u³: supercritical iff a₂² + a₃ > 0."""

    at: sp.Expr  #: the ε at which the multiplier is −1
    a2: sp.Expr
    a3: sp.Expr
    coefficient: sp.Expr  #: a₂² + a₃ (g∘g = c + u − 2(a₂² + a₃)u³ + …)
    transversality: sp.Expr  #: d(multiplier)/dε at the bifurcation


@cache
def flip_normal_form() -> FlipNormalForm:
    """The birth of the EOS orbit: the flip of the minimum y = 0 of the axis map."""
    f = axis_map()
    mult = sp.diff(f, y).subs(y, 0)
    (at,) = sp.solve(mult + 1, eps)
    series = sp.Poly(sp.expand(f.subs(eps, at)), y)
    a2, a3 = series.coeff_monomial(y**2), series.coeff_monomial(y**3)
    return FlipNormalForm(at, a2, a3, sp.expand(a2**2 + a3), sp.diff(mult, eps).subs(eps, at))


@cache
def period_doubling() -> FlipNormalForm:
    """Loss of stability along the axis: the two-step map's multiplier reaches −1.

    At that ε (ε² + 2ε − 4 = 0, ε = √5 − 1) the orbit points are rational in ε, so the
    Taylor coefficients of f∘f at the point are reduced exactly in ℚ(ε).
    """
    orbit = eos_orbit()
    crit = [v for v in sp.solve(orbit.along + 1, eps) if v in orbit.exists]
    (at,) = crit
    minpoly = sp.minimal_polynomial(at, eps)
    red = lambda e: sp.rem(sp.expand(e), minpoly, eps)  # noqa: E731  (arithmetic in ℚ(ε))
    disc = red(orbit.discriminant)
    if not disc.is_Rational or sp.sqrt(disc) ** 2 != disc or not sp.sqrt(disc).is_Rational:
        raise ArithmeticError("the orbit is not rational over ℚ(ε) at the period doubling")
    qp = sp.Poly(orbit.relation, y)
    point = red((-qp.coeff_monomial(y) + sp.sqrt(disc)) / 2)
    f = axis_map()
    G = sp.expand(f.subs(y, f))
    shifted = sp.Poly(G, y, domain=sp.QQ[eps]).shift(point)  # G(point + u) as a polynomial in u (written y)
    c = [red(shifted.coeff_monomial(y**k)) for k in range(4)]
    if red(c[0] - point) != 0 or red(c[1] + 1) != 0:
        raise ArithmeticError("not a flip of the two-step map")
    ev = lambda e: sp.expand(e.subs(eps, at))  # noqa: E731
    return FlipNormalForm(at, ev(c[2]), ev(c[3]), ev(red(c[2] ** 2 + c[3])), ev(sp.diff(orbit.along, eps)))


@dataclass(frozen=True)
class TransverseFlip:
    """Loss of stability across the axis (across = −1): the centre-manifold cubic coefficient.

    The two-step map restricted to its centre manifold is q ↦ −q + c·q³ (c < 0: subcritical).
    ``c`` is given at an orbit point y (a root of the EOS quadratic) with ε = ``at`` (a function
    of r); ``c_sum`` and ``c_prod`` are its sum and product over the two orbit points, rational
    in r, which decide its sign at both points at once.
    """

    at: sp.Expr
    c: sp.Expr  #: c₀(r) + c₁(r)·y
    c_sum: sp.Expr
    c_prod: sp.Expr


@cache
def transverse_flip() -> TransverseFlip:
    """Centre-manifold reduction of the two-step axis-frame map at across = −1.

    With w = q², the frame map is even in q: p' = g(p, w), q' = q·k(p, w).  Two steps give
    G₁(p, w) and q'' = q·H(p, w).  At the orbit point (w = 0) with λ = ∂G₁/∂p ≠ 1 the centre
    manifold is p = p* + h·w, h = (∂G₁/∂w)/(1 − λ), and on it q ↦ −q + (h·∂H/∂p + ∂H/∂w)q³.
    """
    fr = axis_frame()
    wq = sp.Symbol("w", nonnegative=True)
    even = lambda e: sp.expand(e).subs(q, sp.sqrt(wq))  # noqa: E731
    g = even(fr.p_next)
    k = sp.cancel(fr.q_next / q)
    if k.has(q**-1) or k.subs(q, -q) != k:
        raise ArithmeticError("the frame map is not odd in q")
    k = even(k)
    p1, w1 = g, wq * k**2
    G1 = g.subs({p: p1, wq: w1}, simultaneous=True)
    H = k * k.subs({p: p1, wq: w1}, simultaneous=True)
    at0 = lambda e: sp.expand(e.subs(wq, 0))  # noqa: E731
    lam = at0(sp.diff(G1, p))
    alpha = at0(sp.diff(G1, wq))
    beta = at0(sp.diff(H, p))
    gamma = at0(sp.diff(H, wq))
    # c = βα/(1 − λ) + γ; α, β are odd in p and γ, λ even, so numerator and denominator are
    # polynomials in p² = 2(y + ε), the axis relation.
    num = _in_y(sp.expand(beta * alpha + gamma * (1 - lam)))
    den = _in_y(sp.expand(1 - lam))
    orbit = eos_orbit()
    at = orbit.across_boundary
    c_lin = _reduce_mod_quadratic(num, den, y, orbit.relation, {eps: at})
    c0, c1 = c_lin.coeff(y, 0), c_lin.coeff(y, 1)
    rel = sp.Poly(orbit.relation, y)
    total, prod = (-rel.coeff_monomial(y)).subs(eps, at), rel.coeff_monomial(1).subs(eps, at)  # Vieta
    c_sum = sp.factor(2 * c0 + c1 * total)
    c_prod = sp.factor(c0**2 + c0 * c1 * total + c1**2 * prod)
    return TransverseFlip(at, sp.factor(c0) + sp.factor(c1) * y, c_sum, c_prod)


def _in_y(expr: sp.Expr) -> sp.Expr:
    """An even polynomial in p rewritten in y through p² = 2(y + ε) (the axis relation)."""
    poly = sp.Poly(expr, p)
    out = 0
    for (k,), coeff in poly.terms():
        if k % 2:
            raise ArithmeticError("expected an even function of p")
        out += coeff * (2 * (y + eps)) ** (k // 2)
    return sp.expand(out)


def _reduce_mod_quadratic(num: sp.Expr, den: sp.Expr, var: sp.Symbol, rel: sp.Expr, then: dict) -> sp.Expr:
    """num/den, polynomials in ``var``, reduced modulo the monic quadratic ``rel``: c₀ + c₁·var.

    ``then`` is a substitution applied to the coefficients after the polynomial remainders
    (cheaper than substituting into the unreduced expression).
    """
    rel_p = sp.Poly(rel, var)
    if rel_p.degree() != 2 or rel_p.LC() != 1:
        raise ValueError("rel must be a monic quadratic")
    lin = lambda e: sp.Poly(e, var).rem(rel_p)  # noqa: E731
    n, d = lin(num), lin(den)
    n0, n1, d0, d1 = (sp.factor(poly.coeff_monomial(m).subs(then)) for poly in (n, d) for m in (1, var))
    total, prod = (sp.factor(c.subs(then)) for c in (-rel_p.coeff_monomial(var), rel_p.coeff_monomial(1)))
    # divide by d(y) = d0 + d1·y: multiply by d(ȳ), ȳ = total − y the other root; d(y)d(ȳ) ∈ ℚ(...)
    norm = sp.factor(d0**2 + d0 * d1 * total + d1**2 * prod)
    # (n0 + n1 y)(d0 + d1 total − d1 y) with y² = total·y − prod
    c0 = n0 * (d0 + d1 * total) + n1 * d1 * prod
    c1 = n1 * d0 - n0 * d1
    return sp.factor(sp.cancel(c0 / norm)) + sp.factor(sp.cancel(c1 / norm)) * var


# --------------------------------------------------------------------------------------------
# Progressive sharpening under GD (symmetric case ω_1 = −ω, ω_2 = ω)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sharpening:
    """Invariants and monotone quantities of GD in the paper's symmetric case."""

    product_factor: sp.Expr  #: (J̃₁J̃₂)' / (J̃₁J̃₂) = 1 − x²
    ntk_sq_at_minimum: sp.Expr  #: T̃² on z̃ = 0, in ε and P = J̃₁J̃₂: 4ε² + 4P²
    ntk_step: sp.Expr  #: T̃' − T̃ in (x, T̃, ε)
    paper_init_x: sp.Expr  #: x = ωz̃ when J̃₁ = J̃₂
    paper_first_step: sp.Expr  #: T̃' − T̃ at the paper's initialisation
    gf_invariant_rate: sp.Expr  #: d/dt of J̃₁^{2ω₂}J̃₂^{−2ω₁} (logarithmic), general ω


@cache
def sharpening() -> Sharpening:
    """Derive the symmetric-case product law, the NTK on minima and the one-step NTK change."""
    dyn = eigen_dynamics(2)
    w1, w2 = dyn.omega
    J1, J2 = Jt_modes(2)
    sym = {w1: -w, w2: w}
    n1, n2 = (sp.expand(e.subs(sym)) for e in dyn.Jt_next)
    factor = sp.factor(sp.cancel(n1 * n2 / (J1 * J2)).subs(zt, x / w))
    m, _ = eigenbasis(2)
    zt_of_J = sp.expand(
        eta
        * m.output.subs({m.theta[0]: J1 / (w1 * sp.sqrt(eta)), m.theta[1]: J2 / (w2 * sp.sqrt(eta))}, simultaneous=True)
    )
    zt_sym = sp.expand(zt_of_J.subs(sym))
    T_of_J = J1**2 + J2**2
    # On z̃ = 0: J̃₂² − J̃₁² = 2ηEω; eliminate J̃₂² and write T̃² in ε = ηEω and P² = J̃₁²J̃₂².
    A1, A2, P2 = sp.symbols("A1 A2 P2", nonnegative=True)
    (A2_min,) = sp.solve(zt_sym.subs({J1**2: A1, J2**2: A2}), A2)
    T_sq = sp.expand(((A1 + A2_min) ** 2 - 4 * A1 * A2_min).subs(E, eps / (eta * w)))  # (A₂ − A₁)²
    ntk_sq = sp.expand(T_sq + 4 * P2)  # (A₁ + A₂)² = (A₂ − A₁)² + 4A₁A₂
    # One step of T̃ = J̃₁² + J̃₂², with A₁, A₂ recovered from (z̃, T̃).
    step = sp.expand((n1**2 + n2**2 - T_of_J).subs(sym))
    sol = sp.solve([sp.Eq(Tt, A1 + A2), sp.Eq(x / w, zt_sym.subs({J1**2: A1, J2**2: A2}))], [A1, A2], dict=True)[0]
    step = sp.expand(step.subs({J1**2: A1, J2**2: A2}).subs(zt, x / w).subs(sol).subs(E, eps / (eta * w)))
    init_x = sp.expand(w * zt_sym.subs(J2, J1))
    first = sp.factor(step.subs(x, init_x.subs(E, eps / (eta * w))))
    rate = sp.expand(w2 * dyn.Jt_sq_dot[0] / J1**2 - w1 * dyn.Jt_sq_dot[1] / J2**2)  # d/dt ln of it
    return Sharpening(factor, ntk_sq.subs(P2, sp.Symbol("P", real=True) ** 2), step, init_x, first, sp.expand(rate))


# --------------------------------------------------------------------------------------------
# Concrete parameters: control parameter, regime, report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """Validated exact parameters, with the derived dimensionless quantities."""

    omega: tuple[sp.Rational, sp.Rational]
    E: sp.Rational
    eta: sp.Rational
    eps: tuple[sp.Rational, sp.Rational]  #: ηEω_i
    e: sp.Rational  #: the control parameter
    axis: int | None  #: the eigen-axis (1 or 2) carrying the EOS orbit; None if E = 0
    r: sp.Rational | None  #: ω_other/ω_axis


#: digits of e and r (numerator, denominator): √((e − 1)(e + 3)) factors them, in ≤ 0.6 s at 400, 5 s at 2000
MAX_SETTING_DIGITS = 400


def setting(omega1, omega2, target, lr) -> Setting:
    """Validate (ω₁, ω₂, E, η) and compute ε, the orbit's axis and r (each of at most MAX_SETTING_DIGITS digits)."""
    w1, w2 = rational(omega1, "omega1"), rational(omega2, "omega2")
    Ev, lv = rational(target, "target"), rational(lr, "lr")
    if lv <= 0:
        raise InputError(f"lr must be positive, got {lv}")
    e1, e2 = lv * Ev * w1, lv * Ev * w2
    if Ev == 0:
        return Setting((w1, w2), Ev, lv, (e1, e2), sp.Integer(0), None, None)
    positive = [(ev, i) for i, ev in ((1, e1), (2, e2)) if ev > 0]
    if not positive:
        raise InputError(
            "no zero-loss minimum: E*omega_i <= 0 for both eigenvalues, so the loss "
            "never reaches 0 (give E the sign of an eigenvalue)"
        )
    e, axis = min(positive)
    wa, wo = (w1, w2) if axis == 1 else (w2, w1)
    for name, value in (("ε = ηEω", e), ("r = ω_other/ω_axis", wo / wa)):
        digits = int(int(max(abs(value.p), value.q)).bit_length() * math.log10(2)) + 1  # str() refuses > 4300
        if digits > MAX_SETTING_DIGITS:
            raise InputError(
                f"{name} has {digits} digits (numerator or denominator): the closed forms take at most "
                f"{MAX_SETTING_DIGITS} (their square roots factor these numbers)"
            )
    return Setting((w1, w2), Ev, lv, (e1, e2), e, axis, wo / wa)


def min_ntk(omega1, omega2, target, lr) -> sp.Rational:
    """The least η·NTK over the zero-loss minima: the smallest feasible axis vertex 2ηEω_i.

    >>> min_ntk(-1, 2, 1, "1/4"), min_ntk(3, 2, 1, "1/4"), min_ntk(1, -1, 0, 1)
    (1, 1, 0)
    """
    st = setting(omega1, omega2, target, lr)
    if st.E == 0:
        return sp.Integer(0)  # θ = 0 is a minimum with NTK 0
    w1, w2 = sp.Symbol("omega_1", real=True), sp.Symbol("omega_2", real=True)
    vals = {w1: st.omega[0], w2: st.omega[1], E: st.E, eta: st.eta}
    vertices = [sp.Rational(v.subs(vals)) for v in minima_vertices()]
    feasible = [v for v, ev in zip(vertices, st.eps) if ev > 0]  # u_i = 2ηE/ω_i > 0
    return min(feasible)


def control_parameter(omega1, omega2, target, lr) -> sp.Rational:
    """ε = ½·min η·NTK over the zero-loss minima = min{ηEω_i : ηEω_i > 0} (0 when E = 0)."""
    return min_ntk(omega1, omega2, target, lr) / 2


def _transverse_coefficient_sign(rv: sp.Rational) -> int:
    """Sign of the transverse-flip coefficient at r = rv (decided by its sum and product)."""
    tf = transverse_flip()
    total, prod = tf.c_sum.subs(r, rv), tf.c_prod.subs(r, rv)
    if prod <= 0:
        raise ArithmeticError("the transverse coefficient changes sign along the orbit")
    return 1 if total > 0 else -1


def classify(omega1, omega2, target, lr) -> str:
    """The closed-form regime: "minimum" | "period-2" | "unstable" (see docs/eos-2d.md).

    "unstable" says only that no minimum and no EOS 2-cycle attracts; what GD does there (a
    period-2ᵏ orbit, chaos, divergence, …) is :func:`eos_theory.past_window.attractor.classify`.

    "minimum": ε ≤ 1 (at ε = 1 convergence is algebraic: the flip is supercritical).
    "period-2": ε > 1 and the EOS orbit attracts (both two-step multipliers in (−1, 1), or the
    transverse one exactly 1 when ω_1 = ω_2 or an ω_i = 0: then a family of orbits, each
    normally attracting).  "unstable": neither.  Raises InputError without a zero-loss minimum.

    >>> classify(-1, 1, 1, "1/2"), classify(-1, 1, 1, "6/5"), classify(-1, 1, 1, "5/4")
    ('minimum', 'period-2', 'unstable')
    """
    st = setting(omega1, omega2, target, lr)
    if st.e <= 1:
        return "minimum"
    orbit = eos_orbit()
    along = orbit.along.subs(eps, st.e)
    across = orbit.across.subs({eps: st.e, r: st.r})
    if across > 1:
        raise ArithmeticError("the orbit of the smallest positive ε has across > 1")  # impossible
    if not (-1 < along < 1):
        return "unstable"
    if -1 < across <= 1:
        return "period-2"
    if across == -1:  # on the transverse flip: the cubic coefficient decides
        return "period-2" if _transverse_coefficient_sign(st.r) > 0 else "unstable"
    return "unstable"


def orbit_closed_forms(omega1, omega2, target, lr) -> dict:
    """The exact closed-form quantities for concrete parameters (SymPy numbers)."""
    st = setting(omega1, omega2, target, lr)
    out = {"epsilon": st.e, "regime": classify(omega1, omega2, target, lr), "min_ntk": 2 * st.e, "cycle": None}
    if st.e > 1:
        orbit = eos_orbit()
        val = {eps: st.e, r: st.r}
        out["cycle"] = {
            "ntk": [sp.radsimp(t.subs(val)) for t in orbit.ntk],
            "mean_ntk": orbit.mean_ntk.subs(val),
            "offset": orbit.offset.subs(val),
            "multipliers": [orbit.along.subs(val), orbit.across.subs(val)],
            "axis": st.axis,
            "points": [sp.radsimp(v.subs(val)) for v in orbit.points],
        }
    return out


def orbit_theta(omega1, omega2, target, lr) -> tuple[tuple[sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]:
    """The two points of the EOS orbit in parameter space θ (exact), for starting GD or boxes.

    On the axis of ε, θ_axis = ±√(2(y + ε)/(η ω_axis²)) at y = y₋, y₊; one GD step multiplies
    θ_axis by 1 − y, which is negative on one of the two points, so the signs alternate.

    >>> (_, a), (_, b) = orbit_theta(-1, 1, 1, 2)        # axis 2 (ω_2 = 1), ε = 2
    >>> step = lambda t: t - 2 * ((t**2) / 2 - 1) * t     # θ₂' = θ₂ − ηzω₂θ₂ on the axis
    >>> sp.simplify(step(a) - b), sp.simplify(step(b) - a)
    (0, 0)
    """
    st = setting(omega1, omega2, target, lr)
    if st.e <= 1:
        raise InputError(f"the EOS orbit exists only for ε > 1 (here ε = {st.e})")
    orbit = eos_orbit()
    assert st.axis is not None  # e > 1, so E ≠ 0 and setting() chose an axis
    wa = st.omega[st.axis - 1]
    lo, _hi = (v.subs(eps, st.e) for v in orbit.points)
    a = sp.sqrt(2 * (lo + st.e) / (st.eta * wa**2))
    b = sp.radsimp((1 - lo) * a)  # the image of (a, 0) under one step: θ' = (1 − y)θ
    place = (lambda t: (t, sp.Integer(0))) if st.axis == 1 else (lambda t: (sp.Integer(0), t))
    return place(a), place(b)


def orbit_report(omega1, omega2, target, lr, digits: int = 30) -> dict:
    """The issue's JSON object for ``eos-theory orbit`` (with ``"check": None``).

    ``cycle`` is given whenever the EOS orbit exists (ε > 1), attracting or not; its ``ntk`` is
    ascending and ``multipliers`` is [along the axis, across it] for the two-step map in θ.

    Every number is printed by :func:`eos_theory.numbers.decimals.decimal_string`: certified digits, and
    a value that ``digits`` digits hold exactly is printed exactly (1.1, not 1.10000).

    >>> rep = orbit_report(-1, 1, 1, "11/10", digits=6)
    >>> rep["epsilon"], rep["regime"], rep["cycle"]["ntk"], rep["cycle"]["offset"]
    ('1.1', 'period-2', ['1.45969', '2.74031'], '0.1')
    """
    digits = check_digits(digits)
    cf = orbit_closed_forms(omega1, omega2, target, lr)
    fmt = lambda v: decimal_string(v, digits)  # noqa: E731
    cycle = None
    if cf["cycle"] is not None:
        c = cf["cycle"]
        cycle = {
            "ntk": [fmt(t) for t in c["ntk"]],
            "mean_ntk": fmt(c["mean_ntk"]),
            "offset": fmt(c["offset"]),
            "multipliers": [fmt(m) for m in c["multipliers"]],
        }
    return {
        "epsilon": fmt(cf["epsilon"]),
        "regime": cf["regime"],
        "min_ntk": fmt(cf["min_ntk"]),
        "cycle": cycle,
        "check": None,
    }


__all__ = [
    "MAX_SETTING_DIGITS",
    "REGIMES",
    "AxisFrame",
    "EOSOrbit",
    "FixedPoint",
    "FlipNormalForm",
    "Setting",
    "Sharpening",
    "TransverseFlip",
    "axis_frame",
    "axis_map",
    "axis_ntk",
    "classify",
    "control_parameter",
    "edge_of_stability",
    "eos_orbit",
    "eps",
    "fixed_points",
    "flip_normal_form",
    "min_ntk",
    "minima_amplitudes",
    "minima_vertices",
    "minimum_multipliers",
    "ntk_gap_on_minima",
    "orbit_closed_forms",
    "orbit_report",
    "orbit_theta",
    "p",
    "period_doubling",
    "period_two_factors",
    "q",
    "r",
    "setting",
    "sharpening",
    "transverse_flip",
    "u",
    "x",
    "y",
]
