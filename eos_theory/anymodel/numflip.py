"""The flip at η_c for any smooth model, numerically and with certified enclosures: κ, η₂ and the offset slope.

At a least-sharp zero-residual point θ* whose top NTK eigenvalue λ is simple, with unit eigenvector u of JJᵀ,
w = Jᵀu is the top eigenvector of the loss Hessian H = ℓ''·JᵀJ (eigenvalue S = ℓ''λ), and GD's 2-cycle born
at η_c = 2/S is, to leading orders (the Lyapunov–Schmidt series of :mod:`eos_theory.anymodel.flip`, solved in
closed form): p± = θ* + a²c₂ ± a·w + O(a³), η = η_c + η₂a² + O(a⁴), with

    g  = D³L[w, w, ·],          c₂ = −½·H⁺g = −(1/2ℓ'')·Jᵀ(JJᵀ)⁻²J·g,
    η₂ = −(η_c²/2|w|²)·(g·c₂ + D⁴L[w, w, w, w]/6),        κ = η₂/(η_c|w|²),

so η/η_c = 1 + κρ² + O(ρ⁴) in the half-diameter ρ.  (The tangential freedom of c₂ drops out because θ* is a
critical point of the sharpness on the minima: g ⊥ ker J.  For one parameter this is the 1-D normal form
κ = (3ℓ'''² − ℓ''ℓ'''')/(6ℓ''²).)  The derivatives of L at a zero residual come from those of the outputs:

    D³L[w,w,e_k] = Σ_i ℓ'''p_i²J_ik + ℓ''(2p_i(H_iw)_k + q_iJ_ik),
    D⁴L[w⁴]      = Σ_i ℓ''''p_i⁴ + 6ℓ'''p_i²q_i + ℓ''(3q_i² + 4p_it_i),

p_i = ∇f_i·w, q_i = wᵀH_iw, t_i = D³f_i[w, w, w] (SymPy derivatives, :mod:`eos_theory.anymodel.evaluate`).

The offset slope: the cycle mean of η·S(θ), S = ℓ''λ_max(J(θ)J(θ)ᵀ), is 2 + m₂a² + …, m₂ = η₂S + η_cS₂ with
S₂ = ℓ''(Dλ[c₂] + uᵀK₂u + uᵀK₁RK₁u) (K(θ* + sw) = K + sK₁ + s²K₂, R the reduced resolvent of K at λ), and
slope = m₂η_c/η₂ = d(mean η·S)/d(η/η_c) at η_c⁺.

Everything is evaluated in arb: on exact midpoints at two working precisions (numerical; the digits on which
they agree are reported), and on the certified box of the Lagrange system when there is one (an enclosure,
valid at the true θ*, since the formulas hold there exactly).  The type is decided only when the evidence
excludes κ = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from flint import arb, arb_mat

from eos_theory.anymodel.certify import NumericMinimum
from eos_theory.anymodel.compiled import ARB, arb_dps
from eos_theory.anymodel.estimate import Estimate, from_enclosure, from_two
from eos_theory.anymodel.evaluate import Evaluator, dot, matvec, transpose
from eos_theory.numbers.balls import bounds, exact_fraction, outward
from eos_theory.numbers.decimals import agreeing_digits

__all__ = ["NumericFlip", "coefficients", "numeric_flip"]


@dataclass(frozen=True)
class NumericFlip:
    status: str  #: "certified" | "numerical" | "inconclusive"
    how: str
    type: str | None = None  #: "supercritical" | "subcritical" | None (undecided)
    coefficient: Estimate | None = None  #: κ
    eta_2: Estimate | None = None
    offset_slope: Estimate | None = None
    c2: tuple[str, ...] = ()  #: the centre correction c₂ (decimals), a start for the continuation
    pinning: str = ""  #: |g − P_row g|: how well θ* is a critical point (numerical)
    notes: tuple[str, ...] = field(default=())


def _solve(A: list[list], b: list) -> list:
    x = arb_mat([list(r) for r in A]).solve(arb_mat([[v] for v in b]))
    return [x[i, 0] for i in range(len(b))]


def _row_basis(J: list[list]) -> list[int]:
    """Rows of J that form a basis of its row space: greedy Gram–Schmidt on the midpoints (float64), a row kept
    when its part orthogonal to those kept is above 10⁻⁹ of the largest row."""
    import numpy as np

    M = np.array([[float(exact_fraction(x)) for x in row] for row in J])
    scale = max(float(np.linalg.norm(M, axis=1).max()), 1e-300)
    kept: list[int] = []
    basis: list = []
    for i in np.argsort(-np.linalg.norm(M, axis=1)):
        v = M[i] - sum((b @ M[i]) * b for b in basis) if basis else M[i].copy()
        norm = float(np.linalg.norm(v))
        if norm > 1e-9 * scale:
            basis.append(v / norm)
            kept.append(int(i))
    return sorted(kept)


def coefficients(ev: Evaluator, theta: list, u: list) -> dict:
    """η_c, η₂, κ, m₂, the offset slope and c₂ at (θ, u) in arb at the current precision (see the module
    docstring); θ and u may be balls (then every value is an enclosure over them)."""
    P, n = ev.P, ev.n
    l2, l3, l4 = ev.loss_at_zero(ARB)
    J = ev.jacobian(ARB, theta)
    Hs = ev.hessians(ARB, theta)
    w = [dot([J[i][k] for i in range(n)], u) for k in range(P)]  # w = Jᵀu
    K = [[dot(J[i], J[j]) for j in range(n)] for i in range(n)]
    lam = dot(w, w)
    p = matvec(J, w)
    Hw = [matvec(H, w) for H in Hs]
    q = [dot(w, hw) for hw in Hw]
    G3 = ev.third_ww(ARB, theta, w)
    t = [dot(row, w) for row in G3]
    g = [
        sum((l3 * p[i] ** 2 * J[i][k] + l2 * (2 * p[i] * Hw[i][k] + q[i] * J[i][k]) for i in range(n)), arb(0))
        for k in range(P)
    ]
    D4 = sum(
        (l4 * p[i] ** 4 + 6 * l3 * p[i] ** 2 * q[i] + l2 * (3 * q[i] ** 2 + 4 * p[i] * t[i]) for i in range(n)), arb(0)
    )
    S = l2 * lam
    eta_c = 2 / S
    # H⁺g through a basis R of J's row space (J = CR, C of full column rank): for g = Rᵀγ,
    # H⁺g = Rᵀ(RRᵀ)⁻¹(CᵀC)⁻¹γ/ℓ''; with J of full row rank R = J, C = I and this is Jᵀ(JJᵀ)⁻²Jg/ℓ''
    rows = _row_basis(J)
    R = [J[i] for i in rows]
    RRt = [[dot(a, b) for b in R] for a in R]
    C = [_solve(RRt, matvec(R, row)) for row in J]  # J_i = Σ_j C_ij R_j
    CtC = [[sum((C[i][a] * C[i][b] for i in range(n)), arb(0)) for b in range(len(rows))] for a in range(len(rows))]
    gamma = _solve(RRt, matvec(R, g))
    delta = _solve(RRt, _solve(CtC, gamma))
    Rt = transpose(R)
    c2 = [-dot(Rt[k], delta) / (2 * l2) for k in range(P)]
    pin = [g[k] - dot(Rt[k], gamma) for k in range(P)]
    eta2 = -(eta_c**2) / (2 * lam) * (dot(g, c2) + D4 / 6)
    kappa = eta2 / (eta_c * lam)
    # the offset slope
    hv = ev.hvp_uz(ARB, theta, u, w)  # Σ u_i H_i w = ∇λ/2
    dlam_c2 = 2 * dot(c2, hv)
    J1 = Hw  # rows H_i w = ∂J_i/∂s along w
    J2 = [[x / 2 for x in row] for row in G3]  # ½ D³f_i[w, w, ·]
    K1 = [[dot(J1[i], J[j]) + dot(J[i], J1[j]) for j in range(n)] for i in range(n)]
    K2 = [[dot(J2[i], J[j]) + dot(J1[i], J1[j]) + dot(J[i], J2[j]) for j in range(n)] for i in range(n)]
    uK2u = dot(u, matvec(K2, u))
    v1 = matvec(K1, u)
    if n > 1:
        perp = [v1[i] - dot(u, v1) * u[i] for i in range(n)]
        border = [[(lam if i == j else 0) - K[i][j] for j in range(n)] + [u[i]] for i in range(n)]
        border.append([*u, arb(0)])
        y = _solve(border, [*perp, arb(0)])[:n]
        res_term = dot(perp, y)
    else:
        res_term = arb(0)
    S2 = l2 * (dlam_c2 + uK2u + res_term)
    m2 = eta2 * S + eta_c * S2
    slope = m2 * eta_c / eta2
    return {"eta_c": eta_c, "eta_2": eta2, "kappa": kappa, "m_2": m2, "slope": slope, "c2": c2, "pin": pin}


def numeric_flip(ev: Evaluator, m: NumericMinimum) -> NumericFlip:
    """κ, η₂ and the offset slope at the least-sharp point: at two precisions, and enclosed on the certified box."""
    if m.multiplicity > 1:
        return NumericFlip(
            "inconclusive",
            f"not analysed: the top NTK eigenvalue has multiplicity {m.multiplicity} at θ*, so GD loses stability in "
            "several directions at once at η_c (not the single flip the series describes)",
        )
    if not m.found or not m.points:
        return NumericFlip("inconclusive", f"no least-sharp point: {m.how}")
    vals = []
    for pt in m.points:
        with arb_dps(pt.dps + 10):
            try:
                vals.append(coefficients(ev, pt.part("theta"), pt.part("u")))
            except (ZeroDivisionError, ValueError) as exc:
                return NumericFlip("inconclusive", f"the flip coefficients could not be evaluated ({exc})")
    a, b = vals
    d1, d2 = (pt.dps for pt in m.points)
    pin = max(abs(float(exact_fraction(x))) for x in b["pin"])
    how_num = f"numerical: closed-form Lyapunov–Schmidt coefficients at θ*, evaluated in arb at {d1} and {d2} digits"

    def two(key: str) -> Estimate | None:
        x, y = exact_fraction(a[key]), exact_fraction(b[key])
        got = from_two(x, y, min(d1, d2), f"{how_num}, {agreeing_digits(x, y, min(d1, d2))} agreeing")
        return got

    kappa, eta2, slope = two("kappa"), two("eta_2"), two("slope")
    status, how = "numerical", kappa.how if kappa is not None else how_num
    if m.box:
        with arb_dps(m.box_dps):
            P, n = ev.P, ev.n
            box = list(m.box)
            try:
                enc = coefficients(ev, box[:P], box[P : P + n])
            except (ZeroDivisionError, ValueError):
                enc = None
            if enc is not None:
                cert_how = "certified: the same closed form evaluated in arb over the certified box of θ* and u"
                found = {}
                for key in ("kappa", "eta_2", "slope"):
                    lo, hi = bounds(enc[key])
                    if enc[key].is_finite():
                        found[key] = from_enclosure(lo, hi, 30, cert_how, outward(enc[key], 32))
                kappa = found.get("kappa") or kappa
                eta2 = found.get("eta_2") or eta2
                slope = found.get("slope") or slope
                if found.get("kappa") is not None:
                    status, how = "certified", cert_how
    sign = kappa.sign() if kappa is not None else None
    kind = {1: "supercritical", -1: "subcritical"}.get(sign) if sign else None
    if kind is None:
        how += "; the type is undecided: the evidence does not exclude κ = 0 (a degenerate flip needs higher orders)"
    with arb_dps(d2 + 10):
        c2 = tuple(_decimal(x, 25) for x in b["c2"])
    return NumericFlip(status, how, kind, kappa, eta2, slope, c2, f"{pin:.1e}")


def _decimal(x: arb, digits: int) -> str:
    q = exact_fraction(x)
    return "0" if q == 0 else format(Fraction(q).__float__(), ".17g") if digits <= 17 else _long(q, digits)


def _long(q: Fraction, digits: int) -> str:
    from eos_theory.numbers.decimals import common_string

    got = common_string(q, q, digits)
    return got[0] if got else "0"


def continued_window(ev: Evaluator, m: NumericMinimum, fl: NumericFlip):
    """The window's upper end for a supercritical flip found numerically: the 2-cycle continued from
    (θ*, w, η_c, κ, c₂) at 20 and 30 digits (:func:`eos_theory.anymodel.continuation.upper_end`); the lower end
    η_c is the least-sharpness result (certified or numerical)."""
    from eos_theory.anymodel.continuation import upper_end
    from eos_theory.anymodel.flip import Window, certifiable_crossing, crossing_system

    if fl.type != "supercritical" or fl.coefficient is None or m.critical_lr is None or not m.points:
        return Window("unknown", "no supercritical flip found")
    pt = m.points[-1]
    with arb_dps(pt.dps + 10):
        theta = [_long(exact_fraction(v), 40) for v in pt.part("theta")]
        w = [_long(exact_fraction(v), 40) for v in pt.part("z")]
    end = upper_end(
        ev.mp_gd,
        theta,
        w,
        m.critical_lr.text,
        fl.coefficient.text,
        list(fl.c2),
        precisions=(20, 30),
        crossing_system=(lambda: crossing_system(ev.spec)) if certifiable_crossing(ev.spec) else None,
    )
    how = f"lower end η_c ({m.critical_lr.form}); upper end: {end.how}"
    if end.status == "decimal":
        return Window("decimal", how, neutral=end.neutral, upper=end.value, digits=end.digits, enclosure=end.enclosure)
    if end.status == "empty":
        return Window("empty", how, neutral=end.neutral)
    return Window("unknown", how, neutral=end.neutral)


def one_output_expressions(ev: Evaluator):
    """κ and the offset slope as SymPy expressions in θ, for one data point (u = 1, w = ∇f): the closed form of
    :func:`coefficients` written out, for a proof record a checker evaluates over the certified box."""
    import sympy as sp

    from eos_theory.anymodel.definition import derivatives_at_zero

    if ev.n != 1:
        raise ValueError("the written-out form is for one data point")
    th, P = ev.theta, ev.P
    l2, l3, l4 = derivatives_at_zero(ev.spec.loss, 4)[2:5]
    J = ev._jac[0]
    H = ev._hess[0]
    w = J
    lam = sum(x * x for x in w)
    Hw = [sum(H[a][b] * w[b] for b in range(P)) for a in range(P)]
    q = sum(w[a] * Hw[a] for a in range(P))
    third = [sp.diff(q, t) for t in th]  # ∇(wᵀHw) with w fixed would be D³f[w,w,·]; w = ∇f moves: subtract 2H·Hw
    D3ww = [third[a] - 2 * sum(H[a][b] * Hw[b] for b in range(P)) for a in range(P)]
    t3 = sum(D3ww[a] * w[a] for a in range(P))
    p = lam
    g = [l3 * p**2 * J[k] + l2 * (2 * p * Hw[k] + q * J[k]) for k in range(P)]
    D4 = l4 * p**4 + 6 * l3 * p**2 * q + l2 * (3 * q**2 + 4 * p * t3)
    S = l2 * lam
    eta_c = 2 / S
    Jg = sum(J[k] * g[k] for k in range(P))
    c2 = [-J[k] * Jg / (2 * l2 * lam**2) for k in range(P)]
    eta2 = -(eta_c**2) / (2 * lam) * (sum(g[k] * c2[k] for k in range(P)) + D4 / 6)
    kappa = eta2 / (eta_c * lam)
    K2 = sum(D3ww[a] * J[a] for a in range(P)) + sum(x * x for x in Hw)  # 2·(½D³f[w,w,·])·J + |Hw|²
    S2 = l2 * (2 * sum(c2[k] * Hw[k] for k in range(P)) + K2)
    slope = (eta2 * S + eta_c * S2) * eta_c / eta2
    return kappa, slope
