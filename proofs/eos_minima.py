"""Derived (2-D GD): fixed points of the reduced map, the minima, their least η·NTK and the
control parameter ε = min{ηEω_i > 0}."""

import sympy as sp

from eos_theory.core.evidence import Solutions
from eos_theory.core.model import eigenbasis
from eos_theory.core.notation import E, Tt, eta, zt
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic import closed_forms as A
from eos_theory.quadratic.maps import two_d_map

lam = sp.Symbol("lambda")


def _charpoly_equal(p: Proof, text: str, jac: sp.Matrix, mults) -> None:
    """det(λI − Jac) ≡ Π(λ − m): the multipliers as a set, exactly."""
    p.equal(text, (lam * sp.eye(2) - jac).det(), sp.Mul(*[lam - m for m in mults]))


@claim(
    "eos2d-fixed-points",
    title="fixed points of the 2-D GD map",
    source=Source("derived"),
    statement="For generic ω_1 ≠ ω_2 the reduced GD map (z̃, T̃) ↦ (z̃', T̃') has exactly these fixed points: the line "
    "z̃ = 0 of zero-loss minima (multipliers 1 along it and 1 − T̃ across); θ = 0 at (z̃, T̃) = (−ηE, 0) (multipliers "
    "(1 + ηEω_i)², i.e. 1 + ηEω_i in θ); and on each axis i the point z̃ = 2/ω_i, T̃ = 4 + 2ηEω_i, which in θ is the "
    "2-cycle θ ↦ −θ (multipliers 5 + 2ηEω_i and (1 − 2ω_j/ω_i)²). In θ, the fixed points of GD are exactly the minima "
    "and the critical set J = 0.",
    method="exact factorisation of the fixed-point equations and elimination of T̃; characteristic polynomials of the "
    "Jacobian; parameter-space GD step as an exact identity",
)
def fixed_points(p: Proof) -> None:
    m = two_d_map()
    w1, w2 = m.omega
    F = sp.Matrix([m.next_zt, m.next_Tt])
    jac = F.jacobian([zt, Tt])
    stated = {
        "origin": ({zt: -eta * E, Tt: 0}, [(1 + eta * E * w1) ** 2, (1 + eta * E * w2) ** 2]),
        "flip_1": ({zt: 2 / w1, Tt: 4 + 2 * eta * E * w1}, [5 + 2 * eta * E * w1, (1 - 2 * w2 / w1) ** 2]),
        "flip_2": ({zt: 2 / w2, Tt: 4 + 2 * eta * E * w2}, [5 + 2 * eta * E * w2, (1 - 2 * w1 / w2) ** 2]),
    }
    row = sp.Matrix([[zt, Tt]])
    p.states(sp.Eq(zt, 0), *[sp.Eq(row, sp.Matrix([[pt[zt], pt[Tt]]]), evaluate=False) for pt, _ in stated.values()])
    (R1, _), (R2, _) = (sp.div(sp.expand(e - v), zt, zt) for e, v in ((m.next_zt, zt), (m.next_Tt, Tt)))
    p.equal("z̃' − z̃ = z̃·R₁ with R₁ polynomial", m.next_zt - zt, zt * R1)
    p.equal("T̃' − T̃ = z̃·R₂ with R₂ polynomial", m.next_Tt - Tt, zt * R2)
    p.check(
        "R₁, R₂ are polynomials (z̃ divides both)",
        [R1.is_polynomial(zt, Tt), R2.is_polynomial(zt, Tt)],
        [True, True],
        "is_polynomial in (z̃, T̃)",
    )
    _charpoly_equal(p, "on z̃ = 0 the Jacobian has multipliers 1 and 1 − T̃", jac.subs(zt, 0), [1, 1 - Tt])
    # Off the line: R₁ is linear in T̃; eliminating T̃ from R₂ leaves a product of linear factors.
    p.check("R₁ is linear in T̃", sp.degree(R1, Tt), 1, "degree in T̃")
    c1, c0 = sp.Poly(R1, Tt).all_coeffs()
    T_of_z = -c0 / c1
    elim = sp.numer(sp.together(R2.subs(Tt, T_of_z)))
    roots = w1 * w2 * (zt + eta * E) * (w1 * zt - 2) * (w2 * zt - 2)
    ratio = sp.cancel(elim / roots)
    p.check(
        "off the line (generic: (ω₁+ω₂)z̃ ≠ 2), eliminating T̃ leaves a non-zero rational constant times "
        "ω₁ω₂(z̃ + ηE)(ω₁z̃ − 2)(ω₂z̃ − 2)",
        [ratio.is_Rational, ratio == 0],
        [True, False],
        f"eliminant / product = {ratio}",
    )
    p.equal("the eliminant equals that product", elim, ratio * roots)
    derived = {f.name: f for f in A.fixed_points()}
    p.check(
        "analysis.fixed_points() lists the line and exactly these three points",
        sorted(derived),
        sorted({"minima", *stated}),
        "names of the derived fixed points",
    )
    p.infer(
        "so the fixed points are exactly the line z̃ = 0 and these three points",
        ("z̃' − z̃ = z̃·R₁ with R₁ polynomial", "R₁ is linear in T̃", "the eliminant equals that product"),
    )
    p.covers("exactly these fixed points", "so the fixed points are exactly the line z̃ = 0 and these three points")
    for name, (point, mults) in stated.items():
        p.equal(f"{name}: a fixed point of the map", F.subs(point), sp.Matrix([point[zt], point[Tt]]))
        p.equal(
            f"{name}: the derived point is the stated one",
            sp.Matrix([derived[name].point[k] for k in (zt, Tt)]),
            sp.Matrix([point[zt], point[Tt]]),
        )
        _charpoly_equal(p, f"{name}: its multipliers are the stated ones", jac.subs(point), mults)
    p.covers("on each axis i", "flip_1: a fixed point of the map", "flip_2: a fixed point of the map")
    # Parameter space: θ_i' − θ_i = −ηz ω_i θ_i, so a fixed point has z = 0 or every ω_iθ_i = 0.
    mdl, omega = eigenbasis(2)
    step = mdl.on_theta(mdl.gd_map) - sp.Matrix(mdl.theta)
    p.equal(
        "θ' − θ = −ηz(θ)·(ω_1θ_1, ω_2θ_2) = −z̃·J",
        step,
        -eta * mdl.output * sp.Matrix([w * th for w, th in zip(omega, mdl.theta)]),
    )
    at_origin = (step + sp.Matrix(mdl.theta)).jacobian(mdl.theta).subs(dict.fromkeys(mdl.theta, 0))
    p.equal(
        "at θ = 0 the GD Jacobian is diag(1 + ηEω_1, 1 + ηEω_2)",
        at_origin,
        sp.diag(1 + eta * E * omega[0], 1 + eta * E * omega[1]),
    )


@claim(
    "eos2d-minimum-stability",
    title="minima are stable iff 0 < η·NTK < 2",
    source=Source("derived"),
    statement="On the line of minima the reduced map's Jacobian has eigenvalues 1 (along the line) and 1 − T̃, so a "
    "minimum is normally attracting iff 0 < T̃ = η·NTK < 2 and the edge of stability is η·NTK = 2; near it "
    "z̃' = (1 − T̃)z̃ + O(z̃²).",
    method="exact Jacobian and characteristic polynomial on z̃ = 0; stability region solved exactly",
)
def minimum_stability(p: Proof) -> None:
    m = two_d_map()
    p.states(sp.And(sp.Lt(0, Tt), sp.Lt(Tt, 2)))
    p.equal("∂z̃'/∂z̃ at z̃ = 0 is 1 − T̃", sp.diff(m.next_zt, zt).subs(zt, 0), 1 - Tt)
    p.equal("∂z̃'/∂T̃ at z̃ = 0 is 0 (the line is fixed)", sp.diff(m.next_zt, Tt).subs(zt, 0), 0)
    p.equal("T̃' = T̃ on z̃ = 0", m.next_Tt.subs(zt, 0), Tt)
    p.equal("analysis.minimum_multipliers() = (1, 1 − T̃)", sp.Matrix(A.minimum_multipliers()), sp.Matrix([1, 1 - Tt]))
    T = sp.Symbol("T", real=True)
    p.check(
        "|1 − T̃| < 1 ⟺ 0 < T̃ < 2",
        A.edge_of_stability(),
        sp.Interval.open(0, 2),
        "analysis.edge_of_stability",
        evidence=Solutions(T, (sp.Abs(A.minimum_multipliers()[1].subs(Tt, T)) < 1,)),
    )


@claim(
    "eos2d-min-ntk",
    title="least η·NTK over the minima is 2ε",
    source=Source("derived"),
    statement="On the zero-loss minima (any P), η·NTK − 2ηEω_k = Σ_i ω_i(ω_i − ω_k)·ηθ_i². If ηEω_k is the least "
    "positive ηEω_i, every term is ≥ 0, so the least η·NTK over the minima is 2·min{ηEω_i : ηEω_i > 0}, attained "
    "on the eigen-axis k. If E ≠ 0 and no ηEω_i > 0 there is no zero-loss minimum; if E = 0 it is 0 (θ = 0).",
    method="exact identity in θ (P = 2, 3); sign of each coefficient by exact witnesses in the four sign cases; "
    "the axis vertex evaluated exactly; sign witness for no minimum",
)
def min_ntk(p: Proof) -> None:
    ek = sp.Symbol("epsilon")
    p.states(sp.Eq(sp.Symbol("Ttilde_min"), 2 * ek))
    for P in (2, 3):
        for k in range(P):
            gap, omega = A.ntk_gap_on_minima(P, k)
            mdl, _ = eigenbasis(P)
            stated = sum(omega[i] * (omega[i] - omega[k]) * eta * th**2 for i, th in enumerate(mdl.theta))
            p.equal(f"P = {P}, k = {k + 1}: η·NTK − 2ω_k(z̃ + ηE) = Σ ω_i(ω_i − ω_k)ηθ_i²", gap, stated)
    # Any P: η·NTK = Σ ηω_i²θ_i² and z̃ + ηE = Σ ηω_iθ_i²/2 are sums over modes, so the identity holds term by term.
    w_i, w_k, th_i = sp.symbols("omega_i omega_k theta_i", real=True)
    term = "any P: term i of η·NTK − 2ω_k(z̃ + ηE) is ω_i(ω_i − ω_k)ηθ_i²"
    p.equal(term, eta * w_i**2 * th_i**2 - 2 * w_k * (eta * w_i * th_i**2 / 2), w_i * (w_i - w_k) * eta * th_i**2)
    a, b, wk = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True), sp.Symbol("omega_k", real=True)
    pos_k, neg_k = sp.Symbol("omega_k", positive=True), sp.Symbol("omega_k", negative=True)
    coeff = lambda wi, wkk: wi * (wi - wkk)  # noqa: E731
    # E > 0: ω_k > 0 least positive, so no ω_i lies in (0, ω_k): ω_i = −a ≤ 0 or ω_i = ω_k + b ≥ ω_k.
    p.positive("E > 0, ω_i = −a < 0: ω_i(ω_i − ω_k) > 0", coeff(-a, pos_k), a * (a + pos_k))
    p.positive("E > 0, ω_i = ω_k + b: ω_i(ω_i − ω_k) > 0", coeff(pos_k + b, pos_k), b * (pos_k + b))
    # E < 0: ω_k < 0 is the one with least positive ηEω_k, so no ω_i lies in (ω_k, 0).
    p.positive("E < 0, ω_i = a > 0: ω_i(ω_i − ω_k) > 0", coeff(a, neg_k), a * (a - neg_k))
    p.positive("E < 0, ω_i = ω_k − b: ω_i(ω_i − ω_k) > 0", coeff(neg_k - b, neg_k), b * (b - neg_k))
    p.equal("ω_i = 0 or ω_i = ω_k give a zero coefficient", sp.Matrix([coeff(0, wk), coeff(wk, wk)]), sp.zeros(2, 1))
    every = "so every term is ≥ 0 (the four sign cases and the zero cases exhaust the ω_i)"
    p.infer(
        every,
        (
            "E > 0, ω_i = −a < 0: ω_i(ω_i − ω_k) > 0",
            "E > 0, ω_i = ω_k + b: ω_i(ω_i − ω_k) > 0",
            "E < 0, ω_i = a > 0: ω_i(ω_i − ω_k) > 0",
            "E < 0, ω_i = ω_k − b: ω_i(ω_i − ω_k) > 0",
            "ω_i = 0 or ω_i = ω_k give a zero coefficient",
        ),
    )
    p.covers("(any P)", term)
    p.covers("every term is ≥ 0", every)
    # Attained: on axis k, ηθ_k² = 2ηE/ω_k gives z̃ = 0 and η·NTK = 2ηEω_k.
    mdl, omega = eigenbasis(2)
    vertex = {mdl.theta[0]: sp.sqrt(2 * E / omega[0]), mdl.theta[1]: 0}
    p.equal("on axis 1 with θ_1² = 2E/ω_1: z = 0", mdl.output.subs(vertex), 0)
    p.equal("… and η·NTK = 2ηEω_1", eta * mdl.ntk.subs(vertex), 2 * eta * E * omega[0])
    p.equal(
        "the 2-D minima amplitudes vanish exactly at T̃ = 2ηEω_i (analysis.minima_vertices)",
        sp.Matrix(A.minima_vertices()),
        sp.Matrix([2 * eta * E * omega[0], 2 * eta * E * omega[1]]),
    )
    # No minimum: if Eω_i = −c_i ≤ 0 for all i then −2Ez = 2E² + Σ c_iθ_i² > 0.
    c1, c2 = sp.symbols("c_1 c_2", nonnegative=True)
    Enz = sp.Symbol("E", real=True)
    no_min = (-2 * Enz * mdl.output.subs(E, Enz)).subs({omega[0]: -c1 / Enz, omega[1]: -c2 / Enz})
    th1, th2 = mdl.theta
    p.positive(
        "if every Eω_i ≤ 0 (Eω_i = −c_i), then −2E·z = 2E² + Σ c_iθ_i² > 0: z ≠ 0 everywhere",
        no_min,
        2 * Enz**2 + c1 * th1**2 + c2 * th2**2,
        nonzero=(Enz,),
    )
    p.equal(
        "E = 0: θ = 0 is a zero-loss minimum with NTK 0",
        sp.Matrix([mdl.output.subs({E: 0, th1: 0, th2: 0}), mdl.ntk.subs({th1: 0, th2: 0})]),
        sp.zeros(2, 1),
    )
    checks = [((-1, 2, 1, "1/4"), 1), ((3, 2, 1, "1/4"), 1), ((1, -1, 0, 1), 0), ((-3, 2, -1, "1/3"), 2)]
    p.check(
        "analysis.min_ntk agrees with 2·min{ηEω_i > 0} on exact examples (worked by hand)",
        [A.min_ntk(*args) for args, _ in checks],
        [want for _, want in checks],
        f"min_ntk at {[a for a, _ in checks]}",
    )


@claim(
    "eos2d-control-parameter",
    title="control parameter ε = min{ηEω_i > 0}",
    source=Source("derived"),
    statement="GD depends on (ω_1, ω_2, E, η) only through ε_i = ηEω_i (equivalently ε and r). With the control "
    "parameter ε = ½·min η·NTK over the zero-loss minima = min{ε_i > 0} (0 when E = 0), for E ≠ 0 a linearly stable "
    "minimum exists iff ε < 1 (the least-NTK minimum, with multiplier 1 − 2ε); for ε > 1 every minimum has "
    "η·NTK ≥ 2ε > 2 and is unstable.",
    method="the eigenbasis GD map rewritten in the axis frame, exactly, is free of η, E and ω_1; the least η·NTK "
    "from eos2d-min-ntk against the stability interval of eos2d-minimum-stability, solved exactly",
)
def control_parameter(p: Proof) -> None:
    ek = sp.Symbol("epsilon", real=True)
    p.states(sp.Lt(ek, 1))
    fr = A.axis_frame()
    free = fr.p_next.free_symbols | fr.q_next.free_symbols | fr.y.free_symbols
    p.check(
        "the axis-frame map (p, q) ↦ (p', q') involves only ε = ηEω_1 and r = ω_2/ω_1",
        sorted(map(str, free - {A.p, A.q})),
        sorted(map(str, (A.eps, A.r))),
        "its parameters (free symbols but p, q)",
    )
    p.covers("only through ε_i = ηEω_i", "the axis-frame map (p, q) ↦ (p', q') involves only ε = ηEω_1 and r = ω_2/ω_1")
    vertex = A.minimum_multipliers()[1].subs(Tt, 2 * ek)
    p.equal("at the least-NTK minimum (T̃ = 2ε) the transverse multiplier is 1 − 2ε", vertex, 1 - 2 * ek)
    stable = sp.solve_univariate_inequality(sp.Abs(vertex) < 1, ek, relational=False)
    p.check(
        "|1 − 2ε| < 1 ⟺ 0 < ε < 1 (ε > 0 when E ≠ 0)",
        stable,
        sp.Interval.open(0, 1),
        "solve_univariate_inequality",
        evidence=Solutions(ek, (sp.Abs(vertex) < 1,)),
    )
    p.uses("eos2d-min-ntk", "every zero-loss minimum has η·NTK ≥ 2ε")
    p.uses("eos2d-minimum-stability", "a minimum is linearly stable iff 0 < η·NTK < 2")
    outside = "for ε ≥ 1 every minimum has η·NTK ≥ 2ε ≥ 2, outside the stable interval (0, 2)"
    T = sp.Symbol("T", real=True)
    p.check(
        outside,
        sp.Interval(2, sp.oo).intersect(A.edge_of_stability()),
        sp.EmptySet,
        "[2, ∞) ∩ stable interval",
        evidence=Solutions(T, (T >= 2, sp.Abs(A.minimum_multipliers()[1].subs(Tt, T)) < 1)),
    )
    p.covers("every minimum", outside, "every zero-loss minimum has η·NTK ≥ 2ε")


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
