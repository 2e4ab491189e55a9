"""Derived (2-D GD, the paper's case ω_1 = −ω, ω_2 = ω): progressive sharpening under gradient
descent, an exact product law, the final η·NTK from the trajectory, and a bound on it."""

import sympy as sp

from eos_theory.core.evidence import Solutions
from eos_theory.core.model import eigenbasis
from eos_theory.core.notation import E, Tt, Tt_next, eta, zt
from eos_theory.core.notation import omega as w
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic import closed_forms as A
from eos_theory.quadratic.closed_forms import eps, x
from eos_theory.quadratic.maps import Jt_modes, eigen_dynamics, two_d_map

J1, J2 = Jt_modes(2)
P = sp.Symbol("P", real=True)  #: J̃(ω_1)J̃(ω_2)


@claim(
    "eos2d-product-law",
    title="GD multiplies J̃(ω₁)J̃(ω₂) by 1 − x²",
    source=Source("derived"),
    statement="For ω_1 = −ω, ω_2 = ω one GD step multiplies P = J̃(ω_1)J̃(ω_2) by 1 − x² with x = ωz̃, so "
    "P_n = P_0·Π_{k<n}(1 − x_k²) exactly, and |P| does not increase while |x| ≤ √2. Gradient flow conserves "
    "J̃(ω_1)^{2ω_2}J̃(ω_2)^{−2ω_1} for any ω_1, ω_2 (J̃(ω_1)²J̃(ω_2)² in the symmetric case), where the J̃ are "
    "non-zero.",
    method="the eigenbasis GD and GF equations (derived) specialised exactly; the region |1 − x²| ≤ 1 solved exactly",
)
def product_law(p: Proof) -> None:
    sh = A.sharpening()
    p.states(sp.Eq(sp.Symbol("Pprime"), (1 - x**2) * P))
    dyn = eigen_dynamics(2)
    w1, w2 = dyn.omega
    sym = {w1: -w, w2: w}
    n1, n2 = (e.subs(sym) for e in dyn.Jt_next)
    p.equal("J̃(ω_1)'J̃(ω_2)' = (1 − ω²z̃²)J̃(ω_1)J̃(ω_2)", n1 * n2, (1 - w**2 * zt**2) * J1 * J2)
    p.equal("analysis.sharpening(): the factor is 1 − x²", sh.product_factor, 1 - x**2)
    region = A._real_set(1 - x**2 - 1, "<=", x) & A._real_set(1 - x**2 + 1, ">=", x)
    p.check(
        "|1 − x²| ≤ 1 ⟺ |x| ≤ √2",
        region,
        sp.Interval(-sp.sqrt(2), sp.sqrt(2)),
        "real-root isolation",
        evidence=Solutions(x, (sp.Abs(1 - x**2) <= 1,)),
    )
    rate = w2 * dyn.Jt_sq_dot[0] / J1**2 - w1 * dyn.Jt_sq_dot[1] / J2**2
    p.equal("GF: d/dt[ω_2 ln J̃(ω_1)² − ω_1 ln J̃(ω_2)²] = 0", rate, 0)
    p.covers("for any ω_1, ω_2", "GF: d/dt[ω_2 ln J̃(ω_1)² − ω_1 ln J̃(ω_2)²] = 0")
    p.equal("analysis.sharpening(): the same rate", sh.gf_invariant_rate, 0)


@claim(
    "eos2d-final-ntk",
    title="final η·NTK from the trajectory, and its bound",
    source=Source("derived"),
    statement="For ω_1 = −ω, ω_2 = ω, on the zero-loss minima T̃² = 4ε² + 4P² (ε = ηEω, P = J̃(ω_1)J̃(ω_2)). Gradient "
    "flow from a start with P_0 ≠ 0 converges to the minimum with η·NTK = 2√(ε² + P_0²). If GD converges to a minimum, "
    "its η·NTK is 2√(ε² + P_0²Π_n(1 − x_n²)²), computed from the trajectory; and if |x_n| ≤ √2 throughout, it is at "
    "most 2√(ε² + P_0²), the value gradient flow reaches from the same start.",
    method="exact identity on z̃ = 0 (eliminating J̃(ω_2)² with the definition of z̃); product law; GF convergence "
    "from z-sign and T̃ ≥ 2|P_0|; monotonicity",
)
def final_ntk(p: Proof) -> None:
    sh = A.sharpening()
    T = sp.Symbol("Ttilde_infinity")  # η·NTK at convergence
    p.states(sp.Le(T, 2 * sp.sqrt(eps**2 + sp.Symbol("P_0") ** 2)))
    p.equal("analysis: T̃² = 4ε² + 4P² on the minima", sh.ntk_sq_at_minimum, 4 * eps**2 + 4 * P**2)
    # Directly: z̃ = (J̃₂² − J̃₁²)/(2ω) − ηE in the symmetric case, so z̃ = 0 ⇔ J̃₂² = J̃₁² + 2ε.
    a = sp.Symbol("a", nonnegative=True)  # J̃(ω_1)²
    zt_sym = sp.expand(two_d_map().amplitudes[0].subs({two_d_map().omega[0]: -w, two_d_map().omega[1]: w}))
    p.equal("symmetric case: J̃(ω_1)² = (T̃ − 2ω(z̃ + ηE))/2", zt_sym, (Tt - 2 * w * (zt + eta * E)) / 2)
    amp = [e.subs({two_d_map().omega[0]: -w, two_d_map().omega[1]: w}) for e in two_d_map().amplitudes]
    p.equal("on z̃ = 0: J̃(ω_2)² − J̃(ω_1)² = 2ηEω", (amp[1] - amp[0]).subs(zt, 0), 2 * eta * E * w)
    A2 = a + 2 * eta * E * w  # J̃(ω_2)² on z̃ = 0
    p.equal("on z̃ = 0: (J̃₁² + J̃₂²)² = 4(ηEω)² + 4J̃₁²J̃₂²", (a + A2) ** 2, 4 * (eta * E * w) ** 2 + 4 * a * A2)
    # Gradient flow converges: P is conserved, T̃ ≥ 2|P| > 0, so z̃ = z̃(0)e^{−∫T̃} → 0, and on z̃ → 0 the amplitudes
    # (fixed by z̃ and P) converge to the minimum with the same P.
    p.uses("eos2d-product-law", "gradient flow conserves P² = J̃(ω_1)²J̃(ω_2)²")
    p.uses("z-sign", "under gradient flow z̃(t) = z̃(0)·exp(−∫₀ᵗ T̃(s) ds)")
    a2 = sp.Symbol("b", nonnegative=True)  # J̃(ω_2)²
    bound = "T̃² − 4P² = (J̃(ω_1)² + J̃(ω_2)²)² − 4J̃(ω_1)²J̃(ω_2)² = (J̃(ω_2)² − J̃(ω_1)²)² ≥ 0"
    p.equal(bound, (a + a2) ** 2 - 4 * a * a2, (a2 - a) ** 2)
    decay = "so T̃(t) ≥ 2|P_0| > 0 and |z̃(t)| ≤ |z̃(0)|e^{−2|P_0|t} → 0 under gradient flow"
    p.infer(
        decay,
        ("gradient flow conserves P² = J̃(ω_1)²J̃(ω_2)²", bound, "under gradient flow z̃(t) = z̃(0)·exp(−∫₀ᵗ T̃(s) ds)"),
    )
    S = sp.Symbol("S", positive=True)  # S = √(ω²(z̃ + ηE)² + P²)
    root = -w * (zt + eta * E) + S
    p.equal(
        "J̃(ω_1)² is the root of A(A + 2ω(z̃ + ηE)) = P² with A ≥ 0: A = −ω(z̃ + ηE) + √(ω²(z̃ + ηE)² + P²), "
        "continuous in z̃",
        root * (root + 2 * w * (zt + eta * E)),
        P**2,
        modulo=(S**2 - w**2 * (zt + eta * E) ** 2 - P**2,),
    )
    gf = "so gradient flow converges to the minimum with P = P_0, where T̃ = 2√(ε² + P_0²)"
    p.infer(
        gf,
        (
            decay,
            "J̃(ω_1)² is the root of A(A + 2ω(z̃ + ηE)) = P² with A ≥ 0: A = −ω(z̃ + ηE) + "
            "√(ω²(z̃ + ηE)² + P²), continuous in z̃",
            "analysis: T̃² = 4ε² + 4P² on the minima",
        ),
    )
    p.uses("eos2d-product-law", "one GD step multiplies P by 1 − x_n², and |1 − x²| ≤ 1 for |x| ≤ √2")
    Q2 = sp.Symbol("Q2", positive=True)
    p.positive(
        "2√(ε² + P²) increases with P²: d/d(P²) = 1/√(ε² + P²) > 0",
        sp.diff(2 * sp.sqrt(eps**2 + Q2), Q2),
        1 / sp.sqrt(eps**2 + Q2),
    )
    p.infer(
        "so |P_∞| ≤ |P_0| gives T̃_∞ ≤ 2√(ε² + P_0²)",
        (
            gf,
            "one GD step multiplies P by 1 − x_n², and |1 − x²| ≤ 1 for |x| ≤ √2",
            "2√(ε² + P²) increases with P²: d/d(P²) = 1/√(ε² + P²) > 0",
        ),
    )
    p.covers(
        "converges to a minimum",
        "analysis: T̃² = 4ε² + 4P² on the minima",
        "one GD step multiplies P by 1 − x_n², and |1 − x²| ≤ 1 for |x| ≤ √2",
    )
    p.covers("converges to the minimum", gf)


@claim(
    "eos2d-sharpening-steps",
    title="GD steps with −ε ≤ x < 0 sharpen",
    source=Source("derived"),
    statement="For ω_1 = −ω, ω_2 = ω, one GD step changes the η·NTK by T̃' − T̃ = x²T̃ − 4x(x + ε) (x = ωz̃, "
    "ε = ηEω). So every step with −ε ≤ x < 0 and θ ≠ 0 strictly raises it (progressive sharpening under GD). The paper's "
    "initialisation J̃(ω_1) = J̃(ω_2) has x = −ε, its first step raises T̃ by exactly ε²T̃ and leads to "
    "x₁ = −ε(1 − T̃₀): if ε > 0 and T̃₀ < 1 the second step sharpens too.",
    method="the derived symmetric 2-D map; exact identities; a positivity witness with x = −v, ε = v + δ",
)
def sharpening_steps(p: Proof) -> None:
    sh = A.sharpening()
    p.states(sp.Eq(Tt_next - Tt, x**2 * Tt - 4 * x * (x + eps)))
    Fz, FT = two_d_map().symmetric()
    on_x = {zt: x / w, E: eps / (eta * w)}
    p.equal("T̃' − T̃ from the symmetric 2-D map", (FT - Tt).subs(on_x), x**2 * Tt - 4 * x * (x + eps))
    p.equal("analysis.sharpening(): the same", sh.ntk_step, x**2 * Tt - 4 * x * (x + eps))
    v, dl, T0 = sp.Symbol("v", positive=True), sp.Symbol("delta", nonnegative=True), sp.Symbol("T", positive=True)
    p.positive(
        "x = −v < 0, ε = v + δ ≥ v, T̃ > 0: T̃' − T̃ = v²T̃ + 4vδ > 0",
        sh.ntk_step.subs({x: -v, eps: v + dl, Tt: T0}),
        v**2 * T0 + 4 * v * dl,
    )
    p.covers("every step with −ε ≤ x < 0", "x = −v < 0, ε = v + δ ≥ v, T̃ > 0: T̃' − T̃ = v²T̃ + 4vδ > 0")
    p.equal("paper's init J̃₁ = J̃₂: x = ωz̃ = −ηEω = −ε", sh.paper_init_x, -eta * E * w)
    p.equal("first step: T̃' − T̃ = ε²T̃", sh.paper_first_step, eps**2 * Tt)
    p.equal("after it: x₁ = ωz̃' = −ε(1 − T̃₀)", (w * Fz).subs(zt, -eta * E).subs(E, eps / (eta * w)), -eps * (1 - Tt))
    p.infer(
        "for ε > 0 and 0 < T̃₀ < 1, x₁ = −ε(1 − T̃₀) ∈ (−ε, 0): the sharpening condition holds again",
        from_=("after it: x₁ = ωz̃' = −ε(1 − T̃₀)", "x = −v < 0, ε = v + δ ≥ v, T̃ > 0: T̃' − T̃ = v²T̃ + 4vδ > 0"),
    )


@claim(
    "eos2d-gd-monotone",
    title="a GF invariant is monotone under GD",
    source=Source("derived"),
    statement="For ω_1 = −a < 0 < ω_2 = b, I = J̃(ω_1)^{2b}J̃(ω_2)^{2a} (the gradient-flow invariant "
    "J̃(ω_1)^{2ω_2}J̃(ω_2)^{−2ω_1}) is multiplied by (1 + az̃)^{2b}(1 − bz̃)^{2a} ≤ 1 on every GD step on which no mode "
    "changes sign (−1/a ≤ z̃ ≤ 1/b), by weighted AM–GM. On the zero-loss minima η·NTK is an increasing function of "
    "I, so if GD converges to a minimum with no mode overshooting on the way, it ends at an η·NTK no larger than at "
    "the minimum with the starting value of I, which gradient flow conserves (where gradient flow ends, if it "
    "converges).",
    method="the derived eigenbasis GD step; the AM–GM weights checked by an exact identity; monotonicity on the "
    "minima by exact derivatives with positive witnesses",
)
def gd_monotone(p: Proof) -> None:
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    p.states(sp.Le((1 + a * zt) ** (2 * b) * (1 - b * zt) ** (2 * a), 1))
    dyn = eigen_dynamics(2)
    w1, w2 = dyn.omega
    sq = [sp.expand(e**2) for e in dyn.Jt_next]
    p.equal(
        "one step: J̃(ω_i)'² = (1 − ω_i z̃)²J̃(ω_i)²",
        sp.Matrix(sq),
        sp.Matrix([(1 - w1 * zt) ** 2 * J1**2, (1 - w2 * zt) ** 2 * J2**2]),
    )
    p.equal(
        "so ln I' − ln I = 2b ln|1 + az̃| + 2a ln|1 − bz̃| (ω_1 = −a, ω_2 = b): the bases",
        sp.Matrix([1 - w1 * zt, 1 - w2 * zt]).subs({w1: -a, w2: b}),
        sp.Matrix([1 + a * zt, 1 - b * zt]),
    )
    p.equal(
        "weighted AM–GM with weights b/(a+b), a/(a+b): b(1 + az̃) + a(1 − bz̃) = a + b",
        b * (1 + a * zt) + a * (1 - b * zt),
        a + b,
    )
    p.cite(
        "hence (1 + az̃)^{b/(a+b)}(1 − bz̃)^{a/(a+b)} ≤ 1 when both bases are ≥ 0",
        "weighted AM–GM: u^λ v^{1−λ} ≤ λu + (1−λ)v for u, v ≥ 0, λ ∈ [0, 1]",
        "Hardy, Littlewood & Pólya, Inequalities, 2nd ed. (1952), Theorem 9",
    )
    p.infer(
        "so every step with −1/a ≤ z̃ ≤ 1/b multiplies I by at most 1",
        (
            "one step: J̃(ω_i)'² = (1 − ω_i z̃)²J̃(ω_i)²",
            "weighted AM–GM with weights b/(a+b), a/(a+b): b(1 + az̃) + a(1 − bz̃) = a + b",
            "hence (1 + az̃)^{b/(a+b)}(1 − bz̃)^{a/(a+b)} ≤ 1 when both bases are ≥ 0",
        ),
    )
    p.covers("on every GD step", "so every step with −1/a ≤ z̃ ≤ 1/b multiplies I by at most 1")
    p.uses("eos2d-product-law", "gradient flow conserves J̃(ω_1)^{2ω_2}J̃(ω_2)^{−2ω_1} = I")
    # On the minima (E > 0): z̃ = ½(−A₁/a + A₂/b) − ηE = 0 gives A₂ = b(2ηE + A₁/a).
    A1 = sp.Symbol("A_1", positive=True)
    Epos = sp.Symbol("E", positive=True)
    amp = [e.subs({w1: -a, w2: b, E: Epos}) for e in two_d_map().amplitudes]
    A2_of = b * (2 * eta * Epos + A1 / a)
    p.equal(
        "on z̃ = 0: J̃(ω_1)² + J̃(ω_2)² = T̃ and J̃(ω_2)² = b(2ηE + J̃(ω_1)²/a)",
        sp.Matrix([amp[0] + amp[1], amp[1].subs(zt, 0)]),
        sp.Matrix([Tt, A2_of.subs(A1, amp[0].subs(zt, 0))]),
    )
    p.positive("dT̃/dA₁ = 1 + b/a > 0 along the minima", sp.diff(A1 + A2_of, A1), 1 + b / a)
    p.positive(
        "d ln I/dA₁ = b/A₁ + a·(dA₂/dA₁)/A₂ > 0 along the minima",
        sp.diff(b * sp.log(A1) + a * sp.log(A2_of), A1),
        b / A1 + a * (b / a) / A2_of,
    )
    m, omega = eigenbasis(2)
    step = m.on_theta(m.gd_map)
    mirror = {**{wi: -wi for wi in omega}, E: -E}
    p.equal("E < 0 is the mirror image: GD in θ is unchanged by ω ↦ −ω, E ↦ −E", step.xreplace(mirror), step)
    end = (
        "so a GD run that converges to a minimum with every step in −1/a ≤ z̃ ≤ 1/b ends with I_∞ ≤ I_0, hence at "
        "an η·NTK no larger than at the minimum with I = I_0"
    )
    p.infer(
        end,
        (
            "so every step with −1/a ≤ z̃ ≤ 1/b multiplies I by at most 1",
            "d ln I/dA₁ = b/A₁ + a·(dA₂/dA₁)/A₂ > 0 along the minima",
            "dT̃/dA₁ = 1 + b/a > 0 along the minima",
        ),
    )
    p.covers("if GD converges to a minimum", end)
    p.covers("if it converges", "gradient flow conserves J̃(ω_1)^{2ω_2}J̃(ω_2)^{−2ω_1} = I")


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
