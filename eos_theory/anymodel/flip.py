"""The period doubling of GD at the edge of stability, for any model of :mod:`eos_theory.anymodel.definition`.

At the least-sharp global minimum θ* (one data point) the loss Hessian is H = ℓ''(0)·vvᵀ with
v = ∇f(θ*), so the linearised GD map I − ηH has the multiplier 1 − ηℓ''|v|² along v and 1 on the
tangent space of the minima M.  At η_c = 2/(ℓ''|v|²) the first is −1: a flip, with a (P − 1)-
dimensional family of fixed points (M) all around.

**Method: a Lyapunov–Schmidt series.**  Seek the 2-cycle as p± = θ* + C(a) ± D(a) with C even and D
odd in the amplitude a (swapping the two points is a ↦ −a), η = η_c + Σ η_k a^k (even k), and
D = a·v + a³d₃ + …, vᵀd_k = 0 for k ≥ 3 (a measures the cycle along v).  G(p+) = p− and G(p−) = p+
become S = ½(G(p+) + G(p−)) − θ* − C = 0 and A = ½(G(p+) − G(p−)) + D = 0; order by order these are
linear systems (exact, SymPy linsolve).  Their solvability conditions are what fixes things: at a²
the tangential part of S requires the derivative of the sharpness along M to vanish — the orbit
centre is pinned at a critical point of the sharpness on M, here θ*; at a³ the v-part of A fixes
η₂.  The tangential part of c₂ is left free at a² (fixed at a⁴) and provably drops out of η₂ and
of the offset slope: the code keeps it symbolic and checks that.

Why this method: it needs no centre-manifold computation in P dimensions and handles the line of
fixed points (multiplier 1) directly; every coefficient is an exact number.

**Results.**  ``coefficient`` κ = η₂/(η_c|v|²): η/η_c = 1 + κρ² + O(ρ⁴) with ρ = half the distance
between the two points.  κ > 0: supercritical (the orbit exists for η > η_c, where the minima near
θ* are unstable, and attracts along v); κ < 0: subcritical; κ = 0: degenerate, decided at the next
order (η₄) when the series is taken further.

The sharpness on the orbit is the NTK sharpness S(θ) = ℓ''(0)·|∇f(θ)|² (for the squared loss: the
paper's NTK, whose η-multiple is its η·NTK; for other losses ℓ''(0) times the NTK, which equals the
top loss-Hessian eigenvalue on M but not off it).  ``offset_slope`` = d(mean η·S over the cycle)/
d(η/η_c) at η_c⁺ = m₂η_c/η₂, where mean η·S = 2 + m₂a² + O(a⁴).

**The window** in η where the orbit attracts: exact when the line θ* + s·v is invariant under GD
and the orbit's factor of (g∘g − s)/(g − s) for the reduced map g is quadratic in s (then every
multiplier is a rational function of η, via a resultant and a reduction modulo that factor, and the window is
an exactly solved set); otherwise ``unknown`` with the reason.

The whole analysis of a model (exact first, then the numerical path of :mod:`eos_theory.anymodel.numflip`
where exact algebra does not reach) is :func:`eos_theory.anymodel.analysis.analyze`.

>>> from eos_theory.anymodel.definition import spec
>>> from eos_theory.anymodel.minima import least_sharpness
>>> s = spec(["u", "v"], ["u*v"], [1])
>>> m = least_sharpness(s)
>>> fl = flip_series(s, m)
>>> m.critical_lr, fl.type, fl.coefficient, window(s, m).interval, fl.offset_slope
(1, 'supercritical', 2, Interval.open(1, -1 + sqrt(5)), 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy.polys.matrices import DomainMatrix
from sympy.solvers.inequalities import solve_poly_inequality

from eos_theory.anymodel.continuation import upper_end
from eos_theory.anymodel.definition import Spec, derivatives_at_zero, loss_derivatives, r
from eos_theory.anymodel.evaluate import Evaluator
from eos_theory.anymodel.minima import Minimum
from eos_theory.numbers.intervals import Undecided, exact_sign

__all__ = ["Flip", "Window", "crossing_system", "flip_series", "numerical_window", "window"]

a = sp.Symbol("a", real=True)  #: the cycle amplitude along v
eta = sp.Symbol("eta", positive=True)
s = sp.Symbol("s", real=True)  #: the coordinate on the line θ* + s·v
mu = sp.Symbol("mu")
MAX_PERIOD_TWO_DEGREE = 25  #: g∘g of higher degree is not factored (it would dominate the run time)


def certifiable_crossing(sp_: Spec) -> bool:
    """Whether a window end is certified by Krawczyk's test on the crossing system: polynomial models (its interval
    functions are the symbolic GD map and Jacobian) with at most 6 parameters (4P + 1 unknowns)."""
    return sp_.is_polynomial and sp_.P <= 6


# --------------------------------------------------------------------------------------------
# The series
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flip:
    status: str  #: "exact" | "inconclusive"
    how: str
    type: str | None = None  #: "supercritical" | "subcritical" | "degenerate"
    coefficient: sp.Expr | None = None  #: κ = η₂/(η_c|v|²)
    eta_coeffs: dict = field(default_factory=dict)  #: k ↦ η_k
    c: dict = field(default_factory=dict)  #: k ↦ c_k (even k), free tangential parts as symbols
    d: dict = field(default_factory=dict)  #: k ↦ d_k (odd k)
    free: tuple = ()  #: unknowns the computed orders leave free
    mean_a2: sp.Expr | None = None  #: m₂: mean η·S = 2 + m₂a² + …
    offset_slope: sp.Expr | None = None
    order: int = 0


def _trunc(e: sp.Expr, n: int) -> sp.Expr:
    """ε as a polynomial in a, terms of degree > n dropped."""
    e = sp.expand(e)
    return sp.Add(*[e.coeff(a, k) * a**k for k in range(n + 1)])


def _loss_taylor(loss: sp.Expr, n: int) -> sp.Expr:
    """ℓ'(r) as its Taylor polynomial of degree n at 0 (exact for a polynomial loss of degree ≤ n + 1)."""
    dl = sp.diff(loss, r)
    if dl.is_polynomial(r) and sp.degree(dl, r) <= n:
        return sp.expand(dl)
    ds = derivatives_at_zero(loss, n + 1)  # ℓ^(k+1)(0) is the k-th derivative of ℓ' at 0
    return sp.Add(*[ds[k + 1] * r**k / sp.factorial(k) for k in range(n + 1)])


def _ser_mul(A: list, B: list, n: int) -> list:
    """The product of two series in a (coefficient lists), truncated after a^n."""
    return [
        sp.expand(sp.Add(*[A[i] * B[k - i] for i in range(k + 1) if A[i] != 0 and B[k - i] != 0])) for k in range(n + 1)
    ]


def _ser_poly(poly: sp.Poly, X: list, n: int) -> list:
    """A polynomial evaluated at series X[i] (one per generator), truncated after a^n."""
    powers: dict = {}

    def pw(i, e):
        if (i, e) not in powers:
            powers[(i, e)] = [sp.Integer(1)] + [sp.Integer(0)] * n if e == 0 else _ser_mul(pw(i, e - 1), X[i], n)
        return powers[(i, e)]

    out = [sp.Integer(0)] * (n + 1)
    for monom, coeff in poly.terms():
        term = [coeff] + [sp.Integer(0)] * n
        for i, e in enumerate(monom):
            if e:
                term = _ser_mul(term, pw(i, e), n)
        out = [x + y for x, y in zip(out, term)]
    return [sp.expand(x) for x in out]


def _is_zero(e: sp.Expr) -> bool:
    """Whether an exact number is 0, decided exactly (minimal polynomial); False when undecided."""
    try:
        return exact_sign(e) == 0
    except Undecided:
        return False


def flip_series(sp_: Spec, m: Minimum, order: int = 3) -> Flip:
    """The 2-cycle series at (θ*, η_c) to order ``order`` (3 gives η₂, κ and the offset slope; 5 adds η₄)."""
    if m.status != "exact":
        return Flip("inconclusive", f"no least-sharp minimum: {m.how}")
    if not all(f.is_polynomial(*sp_.params) for f in sp_.outputs):
        return Flip("inconclusive", "the series is computed for polynomial outputs only")
    P, N = sp_.P, order
    th0, v = sp.Matrix(m.point), sp.Matrix(m.direction)
    eta_c = m.critical_lr
    f, y = sp_.outputs[0], sp_.targets[0]
    dl = _loss_taylor(sp_.loss, N)
    grad = [sp.diff(f, t) for t in sp_.params]
    c = {k: sp.Matrix(sp.symbols(f"c{k}_1:{P + 1}")) for k in range(2, N, 2)}
    d = {k: sp.Matrix(sp.symbols(f"d{k}_1:{P + 1}")) for k in range(3, N + 1, 2)}
    etas = {k: sp.Symbol(f"eta{k}") for k in range(2, N, 2)}

    fpoly = sp.Poly(f - y, *sp_.params)
    gpolys = [sp.Poly(gi, *sp_.params) for gi in grad]
    dl_coeffs = [sp.Poly(dl, r).coeff_monomial(r**k) for k in range(N + 1)]
    step_ser = [eta_c] + [etas.get(k, sp.Integer(0)) for k in range(1, N + 1)]  # η = η_c + η₂a² + …

    def G(sign):
        """GD at θ* + C ± D as truncated series in a (lists of coefficients): fast exact arithmetic."""
        X = [
            [th0[i]]
            + [
                (c[k][i] if k in c else 0) + (sign * (v[i] if k == 1 else d[k][i]) if k % 2 else 0)
                for k in range(1, N + 1)
            ]
            for i in range(P)
        ]
        res = _ser_poly(fpoly, X, N)
        lp = [sp.Integer(0)] * (N + 1)
        power = [sp.Integer(1)] + [sp.Integer(0)] * N
        for k in range(N + 1):
            if dl_coeffs[k] != 0:
                lp = [x + dl_coeffs[k] * y for x, y in zip(lp, power)]
            power = _ser_mul(power, res, N)
        force = _ser_mul(step_ser, lp, N)
        out = []
        for i in range(P):
            gi = _ser_mul(force, _ser_poly(gpolys[i], X, N), N)
            out.append([sp.expand(X[i][k] - gi[k]) for k in range(N + 1)])
        return out

    # θ* + C − D at a is θ* + C + D at −a (C even, D odd, η even in a): G(p−)(a) = G(p+)(−a), so the
    # half-sum and half-difference of G(p+) and G(p−) are the even and odd parts of G(p+) in a.  At
    # order k the equations are the a^k coefficients: of G(p+) − θ* − C (k even), of G(p+) + D (k odd).
    Gp = G(1)
    known: dict = {}
    free: set = set()
    for k in range(1, N + 1):
        if k % 2 == 0:
            eqs = [Gp[i][k] - (c[k][i] if k in c else 0) for i in range(P)]
        else:
            eqs = [Gp[i][k] + (v[i] if k == 1 else d[k][i]) for i in range(P)]
        eqs = [sp.expand(e.xreplace(known)) for e in eqs]
        new = list(c[k]) if k in c else []
        if k in d:
            new += [*list(d[k]), etas[k - 1]]
            eqs.append(sp.expand((v.T * d[k])[0, 0]))  # normalisation: a measures the cycle along v
        unknowns = new + sorted(free, key=str)
        eqs = [e for e in eqs if e != 0 and not (e.is_number and _is_zero(e))]  # radicals SymPy leaves unsimplified
        if not eqs:
            free |= set(new)
            continue
        if not unknowns:
            return Flip("inconclusive", f"order a^{k}: the equations {eqs[:2]} do not vanish (not a flip of GD)")
        try:
            sols = sp.linsolve(eqs, unknowns)
        except (sp.PolynomialError, ValueError, NotImplementedError):
            sols = sp.FiniteSet(*[tuple(sol.get(u, u) for u in unknowns) for sol in sp.solve(eqs, unknowns, dict=True)])
        if sols == sp.EmptySet or len(sols) == 0:
            return Flip(
                "inconclusive",
                f"order a^{k}: no solution — the orbit centre θ* is not a critical point of "
                "the sharpness on the minima, or the flip is not generic",
            )
        if len(sols) > 1:
            return Flip("inconclusive", f"order a^{k}: several branches of solutions")
        (sol,) = sols
        vals = dict(zip(unknowns, sol))
        for u, val in vals.items():
            if val != u:
                known[u] = val
        known = {u: sp.expand(val.xreplace(known)) for u, val in known.items()}
        free = {u for u in (free | set(new)) if u not in known}
        # a free unknown that appears in the value of another stays free; nothing else to do
    eta_k = {k: sp.radsimp(known.get(etas[k], etas[k])) for k in etas}
    csol = {k: c[k].subs(known) for k in c}
    dsol = {k: d[k].subs(known) for k in d}
    vv = sp.radsimp((v.T * v)[0, 0])
    e2 = eta_k.get(2)
    if e2 is None or e2.free_symbols:
        return Flip(
            "inconclusive",
            f"η₂ depends on unknowns the orders computed leave free ({e2})",
            eta_coeffs=eta_k,
            c=csol,
            d=dsol,
            free=tuple(free),
            order=N,
        )
    kappa = sp.radsimp(e2 / (eta_c * vv))
    sign = exact_sign(kappa)
    kind = {1: "supercritical", -1: "subcritical", 0: "degenerate"}[sign]
    how = f"exact: Lyapunov–Schmidt series to order a^{N} (linear systems over the exact numbers, SymPy linsolve)"
    if sign == 0 and 4 in eta_k and not eta_k[4].free_symbols and exact_sign(eta_k[4]) != 0:
        kind = "degenerate (" + ("supercritical" if exact_sign(eta_k[4]) > 0 else "subcritical") + " at order a⁴)"
    # the mean NTK sharpness over the cycle, to order a²
    ell2 = loss_derivatives(sp_.loss).d2
    Sh = ell2 * sum(g**2 for g in grad)
    Shp = sp.Poly(Sh, *sp_.params)
    total = [sp.Integer(0)] * 3
    c2 = csol.get(2, sp.zeros(P, 1))
    for sgn in (1, -1):  # θ* + C ± D to order a²: θ* ± a·v + a²·c₂
        X = [[th0[i], sgn * v[i], c2[i]] for i in range(P)]
        total = [x + y for x, y in zip(total, _ser_poly(Shp, X, 2))]
    mean = _ser_mul([eta_c, 0, sp.expand(etas[2].xreplace(known)) if 2 in etas else 0], [t / 2 for t in total], 2)
    m0, m1, m2 = (sp.radsimp(x) for x in mean)
    if exact_sign(m0 - 2) != 0 or m1 != 0:
        return Flip("inconclusive", f"the cycle mean of η·S does not start at 2 (got {m0} + {m1}a)")
    slope = None
    if m2.free_symbols:
        how += "; the offset slope depends on free unknowns: not determined"
    elif sign != 0:
        slope = sp.radsimp(m2 * eta_c / e2)
    return Flip("exact", how, kind, kappa, eta_k, csol, dsol, tuple(sorted(free, key=str)), m2, slope, N)


# --------------------------------------------------------------------------------------------
# The window: exact on an invariant line with a quadratic orbit factor
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    status: str  #: "exact" | "decimal" (upper end from the numerical continuation) | "empty" | "unknown"
    how: str
    interval: sp.Set | None = None  #: the η for which the orbit born at η_c exists and attracts
    reduced_map: sp.Expr | None = None  #: g on the line θ* + s·v (in s, or in w = x² for θ = xθ*)
    orbit_factor: sp.Expr | None = None  #: q(s, η) = 0 at the two points
    multipliers: tuple = ()  #: two-step multipliers along the line, then across (rational in η)
    neutral: int = 0  #: multipliers identically 1 (a family of orbits), left out of the window
    upper: str | None = None  #: status "decimal": the upper end in η, a decimal string of ``digits`` digits
    digits: int = 0
    enclosure: tuple | None = None  #: status "decimal": a certified enclosure (lo, hi) of the crossing, or None


def crossing_system(sp_: Spec):
    """Interval functions (F, DF) of x = (p+, p−, η, w, u) whose zeros are the 2-cycles of GD with a
    two-step multiplier −1 and its eigenvector: G(p+) = p−, G(p−) = p+, DG(p+)w = u, DG(p−)u = −w,
    c·w = 1 (c fixed, passed as ``c``).  Polynomial models; rational constants are evaluated as
    intervals, so the enclosures are rigorous."""
    from mpmath import iv

    P = sp_.P
    pp, pm = sp.symbols(f"pp0:{P}", real=True), sp.symbols(f"pm0:{P}", real=True)
    w, u, c = sp.symbols(f"w0:{P}", real=True), sp.symbols(f"u0:{P}", real=True), sp.symbols(f"c0:{P}", real=True)
    G = sp_.gd_map(eta)
    JG = _gd_jacobian(sp_, G)
    at_p, at_m = dict(zip(sp_.params, pp)), dict(zip(sp_.params, pm))
    W, U = sp.Matrix(w), sp.Matrix(u)
    F = [
        *(G.xreplace(at_p) - sp.Matrix(pm)),
        *(G.xreplace(at_m) - sp.Matrix(pp)),
        *(JG.xreplace(at_p) * W - U),
        *(JG.xreplace(at_m) * U + W),
        sum(ci * wi for ci, wi in zip(c, w)) - 1,
    ]
    X = [*pp, *pm, eta, *w, *u]
    DF = sp.Matrix(F).jacobian(X)
    modules = [{"mpf": iv.mpf}, "mpmath"]
    f = sp.lambdify([*X, *c], F, modules=modules)
    df = sp.lambdify([*X, *c], DF.tolist(), modules=modules)

    def system(cv):
        cs = [iv.mpf(x) for x in cv]
        return (lambda xs: f(*xs, *cs)), (lambda xs: df(*xs, *cs))

    return system


def numerical_window(sp_: Spec, m: Minimum, fl: Flip, reason: str, precisions: tuple[int, int] = (20, 30)) -> Window:
    """The window's upper end by continuing the 2-cycle numerically (:mod:`eos_theory.anymodel.continuation`), for
    a supercritical flip whose window has no closed form (``reason``); the lower end is η_c, exact."""
    if fl.status != "exact" or fl.type != "supercritical":
        return Window("unknown", reason)
    assert m.point is not None and m.direction is not None  # an exact flip is computed at an exact minimum
    dig = max(precisions) + 10
    text = lambda e: str(sp.N(e, dig))  # noqa: E731
    c2 = [x.subs(dict.fromkeys(x.free_symbols, 0)) for x in fl.c.get(2, sp.zeros(sp_.P, 1))]
    end = upper_end(
        lambda: Evaluator(sp_).mp_gd(),
        [text(x) for x in m.point],
        [text(x) for x in m.direction],
        text(m.critical_lr),
        text(fl.coefficient),
        [text(x) for x in c2],
        precisions=precisions,
        crossing_system=(lambda: crossing_system(sp_)) if certifiable_crossing(sp_) else None,
    )
    reason = reason.replace("; upper end not computed", "").replace(": upper end not computed", "")
    how = f"no closed form ({reason}); upper end: {end.how}"
    if end.status == "decimal":
        return Window("decimal", how, neutral=end.neutral, upper=end.value, digits=end.digits, enclosure=end.enclosure)
    if end.status == "empty":
        return Window("empty", how, interval=sp.EmptySet, neutral=end.neutral)
    return Window("unknown", how, neutral=end.neutral)


def _is_odd(sp_: Spec, G: sp.Matrix) -> bool:
    """Whether GD commutes with θ ↦ −θ (every output even): G(−θ) ≡ −G(θ)."""
    neg = {t: -t for t in sp_.params}
    return all(sp.expand(G[i].xreplace(neg) + G[i]) == 0 for i in range(sp_.P))


def _line(sp_: Spec, m: Minimum):
    """The invariant line through θ* along v = ∇f(θ*), or None: (coordinate, reduced map, its value at
    θ*, the point as a function of the coordinate, and whether the coordinate is w = x² for θ = x·θ*).

    When θ* ∥ v and GD is odd, θ = xθ* and θ ↦ −θ maps the line to itself, so each orbit has a
    mirror image; the coordinate w = x² identifies the two (the map x' = x·k(x²) becomes
    w' = w·k(w)²) and the orbit's factor is then quadratic where in x it would be quartic.
    Multipliers are unchanged: Π h'(w_k) = Π g'(x_k) over a cycle (the factors x_{k+1}/x_k telescope).
    """
    th0, v = sp.Matrix(m.point), sp.Matrix(m.direction)
    G = sp_.gd_map(eta)
    clean = lambda e: sp.expand(sp.radsimp(sp.expand(e)))  # noqa: E731
    vv = (v.T * v)[0, 0]
    lam = sp.radsimp((v.T * th0)[0, 0] / vv)
    if lam != 0 and all(clean(th0[i] - lam * v[i]) == 0 for i in range(sp_.P)) and _is_odd(sp_, G):
        x, w = sp.Symbol("x", real=True), sp.Symbol("w", nonnegative=True)
        img = G.xreplace(dict(zip(sp_.params, x * th0))).applyfunc(clean)
        tt = (th0.T * th0)[0, 0]
        gx = clean((th0.T * img)[0, 0] / tt)
        if any(clean(img[i] - gx * th0[i]) != 0 for i in range(sp_.P)):
            return None
        h = _even_in(clean(gx**2), x, w)
        return w, h, sp.Integer(1), (lambda c: (x * th0, {x**2: c})), True
    img = (G.xreplace(dict(zip(sp_.params, th0 + s * v))) - th0).applyfunc(clean)
    g = clean((v.T * img)[0, 0] / vv)
    if any(clean(img[i] - g * v[i]) != 0 for i in range(sp_.P)):
        return None
    return s, g, sp.Integer(0), (lambda c: (th0 + c * v, None)), False


def _even_in(e: sp.Expr, x: sp.Symbol, w: sp.Symbol) -> sp.Expr:
    """An even polynomial in x rewritten in w = x²."""
    poly = sp.Poly(sp.expand(e), x)
    out = 0
    for (k,), coeff in poly.terms():
        if k % 2:
            raise ArithmeticError("expected an even function of x")
        out += coeff * w ** (k // 2)
    return sp.expand(out)


def _poly_set(expr: sp.Expr, rel: str) -> sp.Set:
    """{η ∈ ℝ : expr rel 0} for a polynomial in η (exact real-root isolation)."""
    poly = sp.Poly(sp.expand(expr), eta)
    return sp.Union(*solve_poly_inequality(poly, rel))


def _rational_set(R: sp.Expr, rel: str) -> sp.Set:
    """{η : R(η) rel 0} for a rational function R = N/D: N·D rel 0, D ≠ 0."""
    num, den = sp.fraction(sp.cancel(sp.together(R)))
    out = _poly_set(num * den, rel)
    return out - sp.FiniteSet(*sp.Poly(den, eta).real_roots()) if sp.degree(den, eta) > 0 else out


def _inside_unit(R: sp.Expr, dom: sp.Set) -> sp.Set:
    """{η ∈ dom : |R(η)| < 1} for a rational function R, solved exactly."""
    return _rational_set(R + 1, ">") & _rational_set(R - 1, "<") & dom


def _orbit_charpoly(K: sp.Matrix, c: sp.Symbol, q: sp.Expr, var: sp.Symbol) -> list | None:
    """The characteristic coefficients of K(s₂)K(s₁) at the orbit's points s₁, s₂ (the roots of the
    quadratic q), as rational functions of η, or None when they are not symmetric in s₁, s₂.

    A symmetric function of the two roots is its value in ℚ(η)[s]/(q) with s₁ = s, s₂ = ε₁ − s
    (ε₁ = s₁ + s₂): the remainder modulo q is free of s.  Exact: over the field ℚ(η) when the entries
    are rational (fast), else over the domain SymPy picks for them."""
    s1, s2 = sp.Symbol("s_1"), sp.Symbol("s_2")
    try:
        R, S = sp.ring(s1, sp.QQ.frac_field(eta))
        qR = R.from_expr(q.subs(var, s1)).monic()
        e1 = -qR.coeff(S)
        KR = [[R.from_expr(sp.expand(K[i, j].subs(c, s1))) for j in range(K.cols)] for i in range(K.rows)]
    except (sp.polys.polyerrors.CoercionFailed, ValueError, sp.PolynomialError):
        return _orbit_charpoly_expr(K, c, q, var, s1, s2)
    n = K.rows
    first = [[x.rem(qR) for x in row] for row in KR]
    second = [[x.compose(S, e1 - S).rem(qR) for x in row] for row in KR]
    M2 = [[sum((second[i][k] * first[k][j] for k in range(n)), R.zero).rem(qR) for j in range(n)] for i in range(n)]
    out = []
    for co in DomainMatrix(M2, (n, n), R.to_domain()).charpoly():
        co = R(co).rem(qR)
        if co.degree() > 0:
            return None
        out.append(sp.cancel(R.domain.to_sympy(co.coeff(R.one))))
    return out


def _orbit_charpoly_expr(K, c, q, var, s1, s2) -> list | None:
    """:func:`_orbit_charpoly` with SymPy expressions (entries with radicals): the same reduction."""
    q2, q1, _ = sp.Poly(q, var).all_coeffs()
    M2 = (K.subs(c, s2) * K.subs(c, s1)).applyfunc(sp.expand)
    ideal = [s2 + s1 + q1 / q2, sp.expand(q.subs(var, s1) / q2)]  # a Gröbner basis for lex s2 > s1
    out = []
    for co in M2.charpoly(mu).all_coeffs():
        _, red = sp.reduced(co, ideal, s2, s1)
        if red.has(s1, s2):
            return None
        out.append(sp.cancel(red))
    return out


def window(sp_: Spec, m: Minimum) -> Window:
    """The attracting window of the orbit born at η_c, exactly, through the reduced line map."""
    if m.status != "exact":
        return Window("unknown", "no least-sharp minimum")
    if not sp_.is_polynomial:
        return Window(
            "unknown",
            "not a polynomial map (non-polynomial loss or output): the exact line path needs "
            "polynomial algebra; no certified upper end is computed",
        )
    line = _line(sp_, m)
    if line is None:
        return Window("unknown", "the line θ* + s·∇f(θ*) is not invariant under GD: no exact reduction")
    var, g, birth, point_of, even = line
    eta_c = m.critical_lr
    if sp.degree(g, var) ** 2 > MAX_PERIOD_TWO_DEGREE:
        return Window(
            "unknown",
            f"the reduced map has degree {sp.degree(g, var)}: its period-2 polynomial (degree "
            f"{sp.degree(g, var) ** 2}) is beyond the factoring cap {MAX_PERIOD_TWO_DEGREE}; upper end not "
            "computed",
            reduced_map=g,
        )
    gP, V = sp.Poly(g, var, eta), sp.Poly(var, var, eta)
    quo, rem = (gP.compose(gP) - V).div(gP - V)  # g∘g − id over g − id, exact polynomial division
    if not rem.is_zero:
        return Window("unknown", "g∘g − id is not divisible by g − id (unexpected)", reduced_map=g)
    try:
        _, facs = quo.factor_list()
    except (sp.PolynomialError, NotImplementedError):
        return Window("unknown", "cannot factor the period-2 polynomial exactly", reduced_map=g)
    born = [
        h.as_expr() for h, _ in facs if h.degree(var) > 0 and sp.expand(h.as_expr().subs({var: birth, eta: eta_c})) == 0
    ]
    if len(born) != 1:
        return Window("unknown", f"{len(born)} factors of the period-2 polynomial vanish at (θ*, η_c)", reduced_map=g)
    q = sp.expand(born[0])
    if sp.degree(q, var) != 2:
        return Window(
            "unknown",
            f"the orbit's factor of the reduced map's period-2 polynomial has degree "
            f"{sp.degree(q, var)} in {var}: no closed form for its points; upper end not computed",
            reduced_map=g,
            orbit_factor=q,
        )
    qp = sp.Poly(q, var)
    q2 = qp.LC()
    gp = sp.Poly(sp.diff(g, var), var)
    along = sp.factor(sp.resultant(qp, gp) / q2 ** gp.degree())
    # across: the GD Jacobian on the line is block triangular in the basis (v, T), T a basis of v⊥
    v = sp.Matrix(m.direction)
    multipliers, neutral = [along], 0
    if sp_.P > 1:
        T = sp.Matrix.hstack(*sp.Matrix(v.T).nullspace())
        B = sp.Matrix.hstack(v, T)
        Binv = B.inv()
        JG = _gd_jacobian(sp_, sp_.gd_map(eta))
        c0 = sp.Dummy("c")
        pt, ren = point_of(c0)
        J = JG.xreplace(dict(zip(sp_.params, pt)))
        K = (Binv * J * B).applyfunc(lambda e: sp.expand(sp.radsimp(e)))
        if any(K[i, 0] != 0 for i in range(1, sp_.P)):
            raise ArithmeticError("the Jacobian on the line is not block triangular")
        K = K[1:, 1:]
        if ren is not None:  # θ = xθ*: entries even in x, written in w = x² = c
            ((xx, cc),) = ren.items()
            K = K.applyfunc(lambda e: _even_in(e, xx.base, cc))
        coeffs = _orbit_charpoly(K, c0, q, var)
        if coeffs is None:
            return Window("unknown", "the transverse characteristic polynomial is not symmetric", reduced_map=g)
        char = sp.Add(*[co * mu ** (len(coeffs) - 1 - k) for k, co in enumerate(coeffs)])
        _, mfacs = sp.factor_list(sp.numer(sp.together(char)), mu)
        for h, mult in mfacs:
            if not h.has(mu):
                continue
            if sp.degree(h, mu) != 1:
                return Window(
                    "unknown",
                    "a transverse multiplier is not rational in η (irreducible factor of degree "
                    f"{sp.degree(h, mu)}): upper end not computed",
                    reduced_map=g,
                    orbit_factor=q,
                )
            h1, h0 = sp.Poly(h, mu).all_coeffs()
            val = sp.factor(-h0 / h1)
            if sp.cancel(val - 1) == 0:
                neutral += mult
                continue
            multipliers += [val] * mult
    disc = sp.factor(sp.discriminant(qp))
    dom = sp.Interval.open(eta_c, sp.oo)
    real = _rational_set(disc, ">=") & dom
    W = real
    for R in dict.fromkeys(multipliers):
        W = W & _inside_unit(R, dom)
    parts = W.args if isinstance(W, sp.Union) else (W,)
    first = [I for I in parts if isinstance(I, sp.Interval) and exact_sign(I.start - eta_c) == 0]
    interval = first[0] if first else sp.EmptySet
    rest = (
        " and the orbit's quadratic factor of (g∘g − id)/(g − id) give every two-step multiplier as a rational"
        " function of η (resultant along the line; across it, the two-step characteristic polynomial reduced"
        " modulo the orbit's factor), and |μ| < 1 is solved exactly"
    )
    how = (
        "exact: the line θ* + s·∇f(θ*) is invariant; its map g"
        + (" (in w = |θ|²/|θ*|², GD being odd)" if even else "")
        + rest
    )
    if neutral:
        how += f"; {neutral} multiplier(s) ≡ 1 (a family of orbits through the symmetry directions) are left out"
    return Window("exact", how, interval, g, q, tuple(multipliers), neutral)


def _gd_jacobian(sp_: Spec, G: sp.Matrix) -> sp.Matrix:
    """∂G/∂θ of the GD map G (in θ and η); Poly derivatives when G is polynomial (much faster)."""
    if not sp_.is_polynomial:
        return G.jacobian(sp_.params)
    polys = [sp.Poly(gi, *sp_.params, eta) for gi in G]
    return sp.Matrix([[p.diff(x).as_expr() for x in sp_.params] for p in polys])
