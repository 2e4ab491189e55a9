"""Derived (2-D GD): the axis map, where period-2 orbits can be, the EOS 2-cycle in closed form
(η·NTK, cycle mean, EOS offset), its parameter-space multipliers and its attracting window."""

import sympy as sp

from eos_theory.core.evidence import Solutions
from eos_theory.core.model import eigenbasis
from eos_theory.core.notation import E, Tt, eta, zt
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic import closed_forms as A
from eos_theory.quadratic.closed_forms import eps, r, y
from eos_theory.quadratic.closed_forms import p as pp
from eos_theory.quadratic.closed_forms import q as qq
from eos_theory.quadratic.maps import two_d_map

d = sp.Symbol("d", nonnegative=True)  #: √((ε − 1)(ε + 3)), named so identities stay rational
T_sym = sp.Symbol(r"\eta JJ^{T}")


def _orbit_in_d():
    """The orbit points and η·NTK with the square root named d (relation d² = (ε − 1)(ε + 3))."""
    orb = A.eos_orbit()
    rad = sp.expand(orb.discriminant)

    def name(e):
        return e.replace(lambda t: t.is_Pow and t.exp == sp.S.Half and sp.expand(t.base) == rad, lambda t: d)

    pts = tuple(name(v) for v in orb.points)
    ntk = tuple(name(v) for v in orb.ntk)
    if any(v.has(sp.sqrt(rad)) or not v.has(d) for v in (*pts, *ntk)):
        raise ArithmeticError("could not name the orbit's square root")
    return pts, ntk, sp.expand(d**2 - rad)


@claim(
    "eos2d-axis-map",
    title="on an eigen-axis: y ↦ y + y(y + ε)(y − 2)",
    source=Source("derived"),
    statement="With p, q = J̃(ω_i), J̃(ω_j), y = ω_i z̃, ε = ηEω_i and r = ω_j/ω_i, one GD step is p' = (1 − y)p, "
    "q' = (1 − ry)q with y = p²/2 + q²/(2r) − ε: free of η, E and the scale of Q. Each eigen-axis q = 0 is invariant, "
    "η·NTK = 2(y + ε) on it, and y' = f(y) = y + y(y + ε)(y − 2).",
    method="the eigenbasis GD map rewritten by SymPy; exact identities against parameter-space GD (with η^{1/2}) and "
    "against the reduced 2-D map restricted to the axis",
)
def axis_map(p: Proof) -> None:
    f_stated = y + y * (y + eps) * (y - 2)
    p.states(sp.Eq(sp.Symbol("yprime"), f_stated))
    fr = A.axis_frame()
    p.equal("y = p²/2 + q²/(2r) − ε", fr.y, pp**2 / 2 + qq**2 / (2 * r) - eps)
    p.equal("p' = (1 − y)p", fr.p_next, (1 - fr.y) * pp)
    p.equal("q' = (1 − ry)q", fr.q_next, (1 - r * fr.y) * qq)
    # Against GD in θ: p = η^{1/2}ω_1θ_1, q = η^{1/2}ω_2θ_2, ε = ηEω_1, r = ω_2/ω_1.
    mdl, (w1, w2) = eigenbasis(2)
    th1, th2 = mdl.theta
    step = mdl.on_theta(mdl.gd_map)
    frame = {pp: sp.sqrt(eta) * w1 * th1, qq: sp.sqrt(eta) * w2 * th2, eps: eta * E * w1, r: w2 / w1}
    p.equal("θ-space GD: η^{1/2}ω_1θ_1' = p'", sp.sqrt(eta) * w1 * step[0], fr.p_next.subs(frame, simultaneous=True))
    p.equal("θ-space GD: η^{1/2}ω_2θ_2' = q'", sp.sqrt(eta) * w2 * step[1], fr.q_next.subs(frame, simultaneous=True))
    p.equal("y = ω_1·ηz(θ)", fr.y.subs(frame, simultaneous=True), w1 * eta * mdl.output)
    p.equal("the axis q = 0 is invariant: q' = 0 there", fr.q_next.subs(qq, 0), 0)
    p.covers(
        "Each eigen-axis q = 0 is invariant", "the axis q = 0 is invariant: q' = 0 there"
    )  # the frame of any axis i
    p.equal("η·NTK on the axis: p² = 2(y + ε)", A.axis_ntk(), 2 * (y + eps))
    p.equal("analysis.axis_map() = y + y(y + ε)(y − 2)", A.axis_map(), f_stated)
    # Against the reduced 2-D map: on axis 1, T̃ = J̃(ω_1)² = 2ω_1(z̃ + ηE), and ω_1z̃' = f(ω_1z̃).
    m = two_d_map()
    on_axis = {Tt: 2 * w1 * (zt + eta * E)}
    p.equal(
        "reduced map on axis 1: ω_1z̃' = f(ω_1z̃) with ε = ηEω_1",
        w1 * m.next_zt.subs(on_axis),
        f_stated.subs({y: w1 * zt, eps: eta * E * w1}, simultaneous=True),
    )
    p.equal(
        "reduced map on axis 1: T̃' = 2ω_1(z̃' + ηE) (the axis is invariant)",
        m.next_Tt.subs(on_axis),
        2 * w1 * (m.next_zt.subs(on_axis) + eta * E),
    )


@claim(
    "eos2d-two-cycles-on-axes",
    title="period-2 orbits lie on the eigen-axes",
    source=Source("derived"),
    statement="For ω_1 ≠ ω_2 (both ≠ 0) every period-2 orbit of GD in θ that is not a fixed point lies on an "
    "eigen-axis. On axis i, f∘f − id = (f − id)·(y² + (ε − 1)y + 1 − ε)·(y⁴ + (ε−3)y³ + (3−3ε)y² + (2ε−2)y + 2): "
    "the fixed points y = 0 (minimum), −ε (θ = 0) and 2 (θ ↦ −θ); the EOS 2-cycle, on which (1 − y₁)(1 − y₂) = 1 so "
    "θ returns after two steps; and 2-cycles of y with (1 − y₁)(1 − y₂) = −1, which are 4-cycles θ → θ' → −θ → −θ' "
    "(for ε > −1 real exactly when ε ≥ 2√2 − 1).",
    method="exact identity for the two-step factor in θ; a Gröbner basis shows z̃₁ = z̃₂ = 0; exact factorisation "
    "over ℚ(ε); Vieta via resultants and a reduction modulo the quartic; exact discriminant, its real zeros, and "
    "exact real-root counts (Sturm) on each side",
)
def two_cycles_on_axes(p: Proof) -> None:
    a, b = sp.symbols("a b", real=True)  # z̃ at the two points of the orbit
    w, t = sp.Symbol("omega", real=True), sp.Symbol("t")
    fn = sp.Function("f")
    p.states(sp.Eq(fn(fn(y)) - y, sp.Mul(*[sp.factor(g) for g in A.period_two_factors().values()], evaluate=False)))
    # θ_i'' = (1 − ω_i a)(1 − ω_i b)θ_i, so θ_i ≠ 0 returns iff ω_i(ω_i ab − a − b) = 0.
    p.equal("(1 − ωa)(1 − ωb) − 1 = ω(ωab − a − b)", (1 - w * a) * (1 - w * b) - 1, w * (w * a * b - a - b))
    w1, w2 = sp.symbols("omega_1 omega_2", real=True)
    G = sp.groebner([w1 * a * b - a - b, w2 * a * b - a - b, (w1 - w2) * t - 1], t, w1, w2, a, b, order="lex")
    off_axes = (
        "with ω_1 ≠ ω_2 (t = 1/(ω_1 − ω_2)), both θ_i ≠ 0 forces z̃ = 0 at both points: the Gröbner basis "
        "contains a + b and b², so b = 0 and a = 0"
    )
    p.check(
        off_axes,
        [(a + b) in G.exprs, b**2 in G.exprs],
        [True, True],
        "a lex Gröbner basis (sympy.groebner) holds a + b and b²",
    )
    p.covers("every period-2 orbit", off_axes, "(1 − ωa)(1 − ωb) − 1 = ω(ωab − a − b)")
    fac = A.period_two_factors()
    f = A.axis_map()
    quart = y**4 + (eps - 3) * y**3 + (3 - 3 * eps) * y**2 + (2 * eps - 2) * y + 2
    p.equal("f − id = y(y + ε)(y − 2)", fac["fixed"], y * (y + eps) * (y - 2))
    p.equal("the EOS factor is y² + (ε − 1)y + 1 − ε", fac["eos"], y**2 + (eps - 1) * y + 1 - eps)
    p.equal("the other factor is the stated quartic", fac["sign_flip"], quart)
    p.equal("f∘f − id = product of the three factors", f.subs(y, f) - y, fac["fixed"] * fac["eos"] * fac["sign_flip"])
    p.equal(
        "EOS factor: Π(1 − y_k) = Res(q, 1 − y) = 1, so θ returns after two steps",
        sp.resultant(fac["eos"], 1 - y, y),
        1,
    )
    p.equal(
        "quartic: (1 − y)(1 − f(y)) ≡ −1 on its roots, so θ ↦ −θ after two steps",
        (1 - y) * (1 - f),
        -1,
        modulo=(quart,),
    )
    p.equal("y = 2: (1 − y)² = 1 with f(2) = 2 (θ ↦ −θ each step)", f.subs(y, 2), 2)
    disc = sp.factor(sp.discriminant(quart, y))
    p.equal(
        "discriminant of the quartic = 4(ε² + 2ε − 7)²(ε² + 2ε + 2)",
        disc,
        4 * (eps**2 + 2 * eps - 7) ** 2 * (eps**2 + 2 * eps + 2),
    )
    zeros = sp.solveset(disc, eps, sp.Interval.open(-1, sp.oo))
    p.check(
        "for ε > −1 the discriminant vanishes only at ε = 2√2 − 1",
        zeros,
        sp.FiniteSet(2 * sp.sqrt(2) - 1),
        "solveset over (−1, ∞)",
        evidence=Solutions(eps, (sp.Eq(disc, 0), eps > -1)),
    )
    counts = [sp.Poly(quart.subs(eps, v), y).count_roots() for v in (0, 2)]
    p.check(
        "real roots of the quartic (Sturm count): none at ε = 0, four at ε = 2",
        counts,
        (0, 4),
        "Poly.count_roots",
        evidence=tuple(Solutions(y, (sp.Eq(quart.subs(eps, v), 0),)) for v in (0, 2)),
    )
    c = 2 * sp.sqrt(2) - 1
    double = y**2 + (sp.sqrt(2) - 2) * y - sp.sqrt(2)
    root2 = sp.Symbol("sqrt2", positive=True)  # √2, by its relation root2² = 2
    p.equal(
        "at ε = 2√2 − 1 the quartic is (y² + (√2 − 2)y − √2)²",
        quart.subs(eps, c).subs(sp.sqrt(2), root2),
        double.subs(sp.sqrt(2), root2) ** 2,
        modulo=(root2**2 - 2,),
    )
    p.compare(
        "whose discriminant (√2 − 2)² + 4√2 = 6 is > 0: two real double roots",
        (sp.sqrt(2) - 2) ** 2 + 4 * sp.sqrt(2),
        ">",
        0,
    )
    p.cite(
        "the number of real roots of a monic real polynomial whose coefficients vary continuously can change only "
        "where its discriminant vanishes",
        "continuity of the roots in the coefficients; non-real roots come in "
        "conjugate pairs, which can reach the real line only as a multiple root",
        "Marden, Geometry of Polynomials, AMS Math. Surveys 3 (1966), §1",
    )
    real = "so for ε > −1 the quartic has real roots exactly when ε ≥ 2√2 − 1"
    p.infer(
        real,
        (
            "for ε > −1 the discriminant vanishes only at ε = 2√2 − 1",
            "real roots of the quartic (Sturm count): none at ε = 0, four at ε = 2",
            "whose discriminant (√2 − 2)² + 4√2 = 6 is > 0: two real double roots",
            "the number of real roots of a monic real polynomial whose coefficients vary continuously can change "
            "only where its discriminant vanishes",
        ),
    )


@claim(
    "eos2d-eos-orbit",
    title="EOS 2-cycle: mean η·NTK 1 + ε, offset ε − 1",
    source=Source("derived"),
    statement="The EOS 2-cycle on the axis of ε = ηEω_i is y± = [1 − ε ± √((ε−1)(ε+3))]/2; it exists (real, with "
    "η·NTK ≥ 0) iff ε ≥ 1, branching from the minimum y = 0 at ε = 1. Its η·NTK values are "
    "1 + ε ± √((ε−1)(ε+3)), the cycle mean is 1 + ε and the EOS offset (mean − 2) is ε − 1.",
    method="exact identities with the square root named d, modulo d² = (ε−1)(ε+3); existence from the exact "
    "discriminant and Vieta (sum 2(1+ε), product 4 of the η·NTK values); sets solved exactly",
    scope={"epsilon": "every value of the control parameter ε"},
)
def eos_orbit(p: Proof) -> None:
    orb = A.eos_orbit()
    (lo, hi), (t_lo, t_hi), rel = _orbit_in_d()
    root = sp.sqrt((eps - 1) * (eps + 3))
    p.states(
        sp.Eq(sp.Symbol("Ttilde_-"), 1 + eps - root),
        sp.Eq(sp.Symbol("Ttilde_+"), 1 + eps + root),
        sp.Eq(sp.Symbol("Ttilde_mean") - 2, orb.offset),
    )
    f, qy = A.axis_map(), orb.relation
    p.equal("y₊ = (1 − ε + d)/2", hi, (1 - eps + d) / 2)
    p.equal("y₋ = (1 − ε − d)/2", lo, (1 - eps - d) / 2)
    for name, v in (("y₊", hi), ("y₋", lo)):
        p.equal(f"q({name}) = 0", qy.subs(y, v), 0, modulo=(rel,))
    p.equal("f(y₊) = y₋", f.subs(y, hi), lo, modulo=(rel,))
    p.equal("f(y₋) = y₊", f.subs(y, lo), hi, modulo=(rel,))
    p.equal("η·NTK at y₊ is 1 + ε + d", t_hi, 1 + eps + d)
    p.equal("η·NTK at y₋ is 1 + ε − d", t_lo, 1 + eps - d)
    p.equal("cycle mean = 1 + ε", (t_hi + t_lo) / 2, 1 + eps)
    p.equal("analysis: mean 1 + ε, offset ε − 1", sp.Matrix([orb.mean_ntk, orb.offset]), sp.Matrix([1 + eps, eps - 1]))
    p.equal("discriminant (ε − 1)(ε + 3)", orb.discriminant, (eps - 1) * (eps + 3))
    p.equal("product of the η·NTK values = 4", t_hi * t_lo, 4, modulo=(rel,))
    p.check(
        "real iff ε ≤ −3 or ε ≥ 1; η·NTK ≥ 0 needs sum 2(1 + ε) ≥ 0: together ε ≥ 1",
        orb.exists,
        sp.Interval(1, sp.oo),
        "analysis.eos_orbit().exists",
        evidence=Solutions(eps, (orb.discriminant >= 0, t_hi + t_lo >= 0)),
    )
    p.equal("at ε = 1 the orbit collapses onto the minimum: q = y²", qy.subs(eps, 1), y**2)


@claim(
    "eos2d-multipliers",
    title="multipliers 7 − 4ε − 2ε², 1 − r(r − 1)(ε − 1)",
    source=Source("derived"),
    statement="At a point of the EOS orbit on axis i, the Jacobian of the two-step GD map in parameter space θ is "
    "diagonal with eigenvalues 7 − 4ε − 2ε² (along the axis) and 1 − r(r − 1)(ε − 1) (across, r = ω_j/ω_i); in the "
    "symmetric case r = −1 the latter is 3 − 2ε.",
    method="the two-step Jacobian of θ-space GD (model.gd_map, Q = diag(ω_1, ω_2)) reduced exactly modulo the orbit "
    "relation; independently, resultants of the EOS quadratic with f' and with 1 − ry",
)
def multipliers(p: Proof) -> None:
    along, across = 7 - 4 * eps - 2 * eps**2, 1 - r * (r - 1) * (eps - 1)
    p.states(sp.Eq(sp.Symbol("mu_along"), along), sp.Eq(sp.Symbol("mu_across"), across))
    orb = A.eos_orbit()
    p.equal("Res(q, f') = f'(y₊)f'(y₋) = 7 − 4ε − 2ε²", orb.along, along)
    p.equal("Res(q, 1 − ry) = (1 − ry₊)(1 − ry₋) = 1 − r(r − 1)(ε − 1)", orb.across, across)
    p.equal("r = −1: 3 − 2ε", orb.across.subs(r, -1), 3 - 2 * eps)
    # Directly in θ: GD g, two steps, Jacobian at (a, 0) with y = ηω_1z(a, 0) on the orbit.
    mdl, (w1, w2) = eigenbasis(2)
    th = mdl.theta
    g = mdl.on_theta(mdl.gd_map)
    g2 = g.subs(dict(zip(th, g)), simultaneous=True)
    a = sp.Symbol("a", real=True)
    jac = g2.jacobian(th).subs({th[0]: a, th[1]: 0}).applyfunc(sp.expand)
    y_a = sp.expand(eta * w1 * mdl.output.subs({th[0]: a, th[1]: 0}))
    rel = sp.expand(orb.relation.subs(y, y_a).subs(eps, eta * E * w1))
    concrete = {eps: eta * E * w1, r: w2 / w1}
    p.equal("θ-space: ∂θ₁''/∂θ₁ = 7 − 4ε − 2ε² on the orbit", jac[0, 0], along.subs(concrete), modulo=(rel,))
    p.equal(
        "θ-space: ∂θ₂''/∂θ₂ = 1 − r(r − 1)(ε − 1) on the orbit",
        jac[1, 1],
        across.subs(concrete, simultaneous=True),
        modulo=(rel,),
    )
    p.equal("θ-space: the off-diagonal entries vanish on the axis", sp.Matrix([jac[0, 1], jac[1, 0]]), sp.zeros(2, 1))


@claim(
    "eos2d-window",
    title="the 2-cycle attracts for 1 < ε < √5 − 1 (r = −1)",
    source=Source("derived"),
    statement="The EOS orbit is linearly attracting (both two-step multipliers in (−1, 1)) iff 1 < ε < √5 − 1 and "
    "r(r − 1)(ε − 1) < 2, i.e. for 1 < ε < min(√5 − 1, "
    "1 + 2/(r(r − 1))) (r ≤ 0 or r ≥ 1 on the axis of ε); so the cycle-mean η·NTK lies in (2, √5) and the EOS offset "
    "in (0, √5 − 2). In the symmetric case (r = −1) the window is 1 < ε < √5 − 1. It loses stability along the axis "
    "at ε = √5 − 1 and across it at ε = 1 + 2/(r(r − 1)); the latter comes first iff r(r − 1) > 4 + 2√5.",
    method="|multiplier| < 1 solved exactly as sets in ε; the across condition rewritten by exact identities; "
    "comparisons of algebraic numbers decided exactly",
)
def window(p: Proof) -> None:
    orb = A.eos_orbit()
    ek = sp.Symbol("epsilon")
    p.states(sp.And(sp.Lt(1, ek), sp.Lt(ek, sp.Min(sp.sqrt(5) - 1, 1 + 2 / (r * (r - 1))))))
    p.check(
        "|7 − 4ε − 2ε²| < 1 and ε ≥ 1 ⟺ 1 < ε < √5 − 1",
        orb.along_window,
        sp.Interval.open(1, sp.sqrt(5) - 1),
        "analysis.eos_orbit().along_window",
        evidence=Solutions(eps, (sp.Abs(orb.along) < 1, eps >= 1)),
    )
    p.equal("1 − across = r(r − 1)(ε − 1)", 1 - orb.across, r * (r - 1) * (eps - 1))
    p.equal("across + 1 = 2 − r(r − 1)(ε − 1)", orb.across + 1, 2 - r * (r - 1) * (eps - 1))
    p.equal("across = −1 at ε = 1 + 2/(r(r − 1))", orb.across_boundary, 1 + 2 / (r * (r - 1)))
    # On the axis of e = the least positive ε, r ∉ (0, 1): ε_j = rε_i would be a smaller positive value.
    rr = sp.Symbol("r", positive=True)
    p.check(
        "0 < r < 1 would give 0 < rε < ε: excluded, so r(r − 1) ≥ 0 on the axis of ε",
        sp.solve_univariate_inequality(rr * (rr - 1) < 0, rr, relational=False),
        sp.Interval.open(0, 1),
        "where r(r − 1) < 0",
        evidence=Solutions(rr, (rr * (rr - 1) < 0,)),
    )
    p.equal("symmetric case (r = −1): across = 3 − 2ε", orb.across.subs(r, -1), 3 - 2 * eps)
    p.check(
        "|3 − 2ε| < 1 ⟺ 1 < ε < 2",
        sp.solve_univariate_inequality(sp.Abs(3 - 2 * eps) < 1, eps, relational=False),
        sp.Interval.open(1, 2),
        "solve_univariate_inequality",
        evidence=Solutions(eps, (sp.Abs(3 - 2 * eps) < 1,)),
    )
    p.check(
        "so the symmetric window is the along window (1, √5 − 1), which lies inside (1, 2)",
        orb.symmetric_window,
        sp.Interval.open(1, sp.sqrt(5) - 1),
        "analysis.eos_orbit().symmetric_window",
        evidence=Solutions(eps, (sp.Abs(orb.along) < 1, eps >= 1, sp.Abs(3 - 2 * eps) < 1)),
    )
    k = sp.Symbol("k", positive=True)  # k = r(r − 1)
    first = sp.solve_univariate_inequality(1 + 2 / k < sp.sqrt(5) - 1, k, relational=False) & sp.Interval.open(0, sp.oo)
    p.check(
        "for k = r(r − 1) > 0: 1 + 2/k < √5 − 1 ⟺ k > 2/(√5 − 2) = 4 + 2√5",
        first,
        sp.Interval.open(4 + 2 * sp.sqrt(5), sp.oo),
        "solve_univariate_inequality",
    )
    p.equal(
        "mean η·NTK at the window ends: 1 + 1 = 2 and 1 + (√5 − 1) = √5",
        sp.Matrix([orb.mean_ntk.subs(eps, 1), orb.mean_ntk.subs(eps, sp.sqrt(5) - 1)]),
        sp.Matrix([2, sp.sqrt(5)]),
    )


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
