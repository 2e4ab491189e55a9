"""Past the period-2 window on the axis: where attractors can be, periodic windows, chaos and the crisis.

Exact claims (the axis map's structure, a window with closed-form ends, the exponents at ε = 2),
interval claims (periodic windows at rational ε, found from the critical orbit and proved by
Krawczyk), and one statistical claim (chaos at ε = 7/5 and 3/2: λ, λ⊥ and the mean η·NTK with
confidence intervals, and where GD goes from stated starts).  Code: :mod:`eos_theory.past_window.chaos`.
"""

import sympy as sp

from eos_theory.core.evidence import Resultant, Solutions
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.past_window import attractor, chaos
from eos_theory.quadratic import closed_forms as A
from eos_theory.quadratic.closed_forms import eps, p, q, r, y
from eos_theory.quadratic.gd import Problem

half = sp.Rational(1, 2)
c_sym = (1 - 2 * eps) / 3  #: the free critical point, as documented (checked below against f′)


# --------------------------------------------------------------------------------------------
# Where an attracting cycle of the axis map can be
# --------------------------------------------------------------------------------------------


@claim(
    "chaos-one-attractor",
    title="axis map: at most one attracting cycle, found from the critical orbit",
    source=Source("derived"),
    statement="For 0 < ε ≤ 2 the axis map f(y) = y + y(y + ε)(y − 2) maps [−ε, 2] into itself and has at most one "
    "attracting cycle there; if it has one, the orbit of the critical point c = (1 − 2ε)/3 tends to it. (The other "
    "critical point y = 1 maps to the fixed point −ε, the end points −ε and 2 are repelling fixed points, and f has "
    "negative Schwarzian derivative, so Singer's theorem leaves c as the only critical point an attracting cycle "
    "can attract.)",
    method="exact: f′ = 3(y − 1)(y − c), f(1) = −ε, the end points' multipliers (1 + ε)² and 5 + 2ε, the invariance "
    "identities, the Schwarzian's numerator as −9 times a positive witness; cited: Singer's theorem",
)
def one_attractor(p_: Proof) -> None:
    f = A.axis_map()
    df = sp.diff(f, y)
    a, b = sp.symbols("a b", real=True)
    ep = sp.Symbol("epsilon_pos", positive=True)
    p_.states(sp.Eq(sp.Symbol("c"), c_sym))
    texts = [
        "f′(y) = 3(y − 1)(y − c) with c = (1 − 2ε)/3: the critical points are 1 and c",
        "f(1) = −ε: the critical point 1 lands on the fixed point −ε (θ = 0)",
        "f(−ε) = −ε and f′(−ε) − 1 = ε(ε + 2) > 0: −ε repels",
        "f(2) = 2 and f′(2) − 1 = 4 + 2ε > 0: 2 repels",
    ]
    p_.equal(texts[0], df, 3 * (y - 1) * (y - c_sym))
    p_.equal(texts[1], f.subs(y, 1), -eps)
    p_.equal("f(−ε) = −ε", f.subs(y, -eps), -eps)
    p_.positive(texts[2], (df.subs(y, -eps) - 1).subs(eps, ep), ep * (ep + 2))
    p_.equal("f(2) = 2", f.subs(y, 2), 2)
    p_.positive(texts[3], (df.subs(y, 2) - 1).subs(eps, ep), 4 + 2 * ep)
    inv = [
        "f(y) + ε = (y + ε)(y − 1)² ≥ 0 for y ≥ −ε",
        "f(y) − 2 = (y − 2)(y² + εy + 1)",
        "y² + εy + 1 = (y + ε/2)² + (4 − ε²)/4",
        "4 − ε² ≥ 0 exactly for −2 ≤ ε ≤ 2",
    ]
    p_.equal(inv[0], f + eps, (y + eps) * (y - 1) ** 2)
    p_.equal(inv[1], f - 2, (y - 2) * (y**2 + eps * y + 1))
    p_.equal(inv[2], y**2 + eps * y + 1, (y + eps / 2) ** 2 + (4 - eps**2) / 4)
    p_.check(
        inv[3],
        sp.solve_univariate_inequality(4 - eps**2 >= 0, eps, relational=False),
        sp.Interval(-2, 2),
        "solve_univariate_inequality",
        evidence=Solutions(eps, (4 - eps**2 >= 0,)),
    )
    maps_into = "so for 0 < ε ≤ 2, f maps [−ε, 2] into itself (f ≥ −ε, and f ≤ 2 since y − 2 ≤ 0 ≤ y² + εy + 1)"
    p_.infer(maps_into, inv)
    # Schwarzian Sf = f‴/f′ − (3/2)(f″/f′)² = (2f′f‴ − 3f″²)/(2f′²); at y = 1 + a, y − c = a + 2(1 + ε)/3 = b
    d1, d2, d3 = df, sp.diff(df, y), sp.diff(df, y, 2)
    schwarz = "Sf = f‴/f′ − (3/2)(f″/f′)² = (2f′f‴ − 3f″²)/(2f′²)"
    p_.equal(schwarz, d3 / d1 - sp.Rational(3, 2) * (d2 / d1) ** 2, (2 * d1 * d3 - 3 * d2**2) / (2 * d1**2))
    num = sp.expand(-(2 * d1 * d3 - 3 * d2**2)).subs(y, 1 + a)
    shifted = num.subs(eps, sp.solve(sp.Eq(b, a + 2 * (1 + eps) / 3), eps)[0])
    negative = (
        "with y = 1 + a, a ≠ 0, and b = y − c: −(2f′f‴ − 3f″²) = 9(a + b)² + 18a² + 18b² > 0, so Sf < 0 off y = 1"
    )
    p_.positive(negative, shifted, 9 * (a + b) ** 2 + 18 * a**2 + 18 * b**2, nonzero=(a,))
    singer = (
        "Singer's theorem: for a C³ map of a compact interval into itself with negative Schwarzian derivative, "
        "the immediate basin of every attracting periodic orbit contains a critical point or an end point"
    )
    p_.cite(
        singer,
        "Singer's theorem",
        "D. Singer, Stable orbits and bifurcations of maps of the interval, SIAM J. "
        "Appl. Math. 35 (1978) 260-267; de Melo and van Strien, One-Dimensional Dynamics (1993), ch. II",
    )
    last = (
        "the end points and 1 lie on or land on repelling fixed points, so lie in no basin: every attracting "
        "cycle's basin contains c, which lies in one basin only: at most one attracting cycle, and c's orbit "
        "tends to it"
    )
    p_.infer(last, (texts[0], texts[1], texts[2], texts[3], maps_into, negative, singer))
    p_.covers("the only critical point an attracting cycle can attract", last)


@claim(
    "chaos-cycle-multipliers",
    title="a cycle of the axis map is a cycle of GD; its multipliers in θ",
    source=Source("derived"),
    statement="On the axis q = 0 the Jacobian of one GD step in the axis frame (p, q) is diagonal, "
    "diag(f′(y)/(1 − y), 1 − r·y) with y = p²/2 − ε. So a cycle y_0 … y_{N−1} of the axis map is a cycle of GD in θ "
    "of period N when Π(1 − y_k) = 1 and 2N when Π(1 − y_k) = −1 (these are the two cases), with multipliers "
    "μ = Π f′(y_k) along the axis and ν = Π(1 − r·y_k) across it (squared for period 2N): it attracts GD in θ "
    "linearly iff |μ| < 1 and |ν| < 1.",
    method="exact: the entries of the Jacobian from the derived axis frame, with p² = 2(y + ε) on the axis; "
    "p_N = Π(1 − y_k)·p_0 with |p| determined by y; the chain rule along the cycle",
)
def cycle_multipliers(p_: Proof) -> None:
    fr = A.axis_frame()
    f = A.axis_map()
    on_axis = {q: 0}
    y_of_p = fr.y.subs(on_axis)
    k, N, yk = sp.Symbol("k", integer=True), sp.Symbol("N", integer=True, positive=True), sp.IndexedBase("y")
    p_.states(sp.Eq(sp.Symbol("nu"), sp.Product(1 - r * yk[k], (k, 0, N - 1))))
    steps = [
        "∂p′/∂q = 0 on q = 0",
        "∂q′/∂p = 0 on q = 0",
        "∂q′/∂q = 1 − r·y on q = 0",
        "(1 − y)·∂p′/∂p = f′(y) on q = 0 (with p² = 2(y + ε))",
        "p′ = (1 − y)p: p_N = Π(1 − y_k)·p_0",
    ]
    p_.equal("y = p²/2 − ε on the axis", y_of_p, p**2 / 2 - eps)
    p_.equal(steps[0], sp.diff(fr.p_next, q).subs(on_axis), 0)
    p_.equal(steps[1], sp.diff(fr.q_next, p).subs(on_axis), 0)
    p_.equal(steps[2], sp.diff(fr.q_next, q).subs(on_axis), 1 - r * y_of_p)
    dp = sp.diff(fr.p_next, p).subs(on_axis)
    fp = sp.diff(f, y).subs(y, y_of_p)
    p_.equal(steps[3], (1 - y_of_p) * dp, fp)
    p_.equal(steps[4], fr.p_next.subs(on_axis), (1 - y_of_p) * p)
    p_.infer(
        "a cycle of y returns p to ±p_0 (p² = 2(y + ε) is fixed by y), so Π(1 − y_k) = ±1: θ-period N or 2N",
        (steps[4], "y = p²/2 − ε on the axis"),
    )
    p_.infer(
        "by the chain rule the product of the diagonal Jacobians along the θ-cycle is diag(μ, ν) (each "
        "squared for period 2N; Π(1 − y_k)² = 1 cancels in the along entry), and θ ↦ (p, q) is linear "
        "(J̃(ω_i) = η^{1/2}ω_iθ_i): linearly attracting iff |μ| < 1 and |ν| < 1",
        tuple(steps[:4]),
    )
    p_.covers(
        "these are the two cases",
        "a cycle of y returns p to ±p_0 (p² = 2(y + ε) is fixed by y), so Π(1 − y_k) = ±1: θ-period N or 2N",
    )


# --------------------------------------------------------------------------------------------
# A periodic window with closed-form ends
# --------------------------------------------------------------------------------------------


@claim(
    "chaos-flip-window",
    title="window: the period-4 orbit of GD for 2√2 − 1 < ε < (√(13 + 3√41) − 2)/2",
    source=Source("derived"),
    statement="The 2-cycles {y₁, y₂} of the axis map on which θ returns negated (the quartic factor of f∘f − id) "
    "have y₁y₂ = P with P² + (ε + 1)P + 2 = 0 and y₁ + y₂ = P(2 − ε)/(P + 1). For ε > 2√2 − 1 the one with "
    "P = (d − ε − 1)/2, d = √(ε² + 2ε − 7), has along-axis multiplier μ = 8 − ε² − 2ε − 3(ε + 1)d, and |μ| < 1 "
    "exactly for 2√2 − 1 < ε < ε* = (√(13 + 3√41) − 2)/2 ≈ 1.83767: it is born with μ = 1 at 2√2 − 1 and "
    "period-doubles (μ = −1) at ε*. Its transverse multiplier is 1 − r(y₁ + y₂) + r²y₁y₂; in the symmetric case "
    "r = −1 it is 2 − ε + d, in (0, 1) for 2√2 − 1 ≤ ε < 2. So for 2√2 − 1 < ε < ε* GD in the symmetric case has a "
    "linearly attracting period-4 orbit on the axis: a periodic window inside the chaotic band, with exact ends.",
    method="exact: resultants of the quartic with P − y·f(y) and the sum relation modulo the quartic; μ and the "
    "transverse multiplier as identities modulo d² = ε² + 2ε − 7; μ strictly decreasing (positive witness); the "
    "ends solved exactly; premises: the quartic's real roots (eos2d-two-cycles-on-axes), chaos-cycle-multipliers",
)
def flip_window(p_: Proof) -> None:
    f = A.axis_map()
    quart = A.period_two_factors()["sign_flip"]
    P_, s_, d = sp.Symbol("P"), sp.Symbol("s"), sp.Symbol("d", positive=True)
    rel_P = P_**2 + (eps + 1) * P_ + 2
    p_.uses(
        "eos2d-two-cycles-on-axes",
        "the quartic's 2-cycles have (1 − y₁)(1 − y₂) = −1 (θ returns negated) and "
        "are real exactly for ε ≥ 2√2 − 1 (ε > −1)",
    )
    p_.uses("chaos-cycle-multipliers", "a cycle of the axis map attracts GD in θ linearly iff |μ| < 1 and |ν| < 1")
    eps_star = (sp.sqrt(13 + 3 * sp.sqrt(41)) - 2) / 2
    p_.states(sp.Eq(sp.Symbol("epsilon_star"), eps_star))
    res = sp.Poly(sp.resultant(quart, P_ - y * f, y), P_)
    p_.check(
        "Res_y(quartic, P − y·f(y)) = (P² + (ε + 1)P + 2)²: on each of its 2-cycles y₁y₂ = P is a root",
        res.as_expr(),
        rel_P**2,
        "sympy.resultant",
        evidence=Resultant(y, quart, P_ - y * f),
    )
    p_.equal(
        "(y + f(y))(y·f(y) + 1) ≡ y·f(y)(2 − ε) on the quartic's roots: y₁ + y₂ = P(2 − ε)/(P + 1)",
        (y + f) * (y * f + 1),
        y * f * (2 - eps),
        modulo=(quart,),
    )
    y1, y2 = sp.symbols("y1 y2")
    mu_sym = sp.diff(f, y).subs(y, y1) * sp.diff(f, y).subs(y, y2)
    # μ as a polynomial in s = y₁ + y₂ and P = y₁y₂ (symmetric), checked by expanding back
    mu_sP = sp.polys.polyfuncs.symmetrize(sp.expand(mu_sym), [y1, y2], formal=True)
    (s1, _e1), (s2, _e2) = mu_sP[2]
    mu_of = mu_sP[0].subs({s1: s_, s2: P_})
    p_.equal(
        "μ = f′(y₁)f′(y₂) as a polynomial in s = y₁ + y₂ and P = y₁y₂", mu_of.subs({s_: y1 + y2, P_: y1 * y2}), mu_sym
    )
    P_node = (d - eps - 1) / 2
    s_node = P_node * (2 - eps) / (P_node + 1)
    d_rel = d**2 - (eps**2 + 2 * eps - 7)
    p_.equal(
        "P = (d − ε − 1)/2 solves P² + (ε + 1)P + 2 = 0 (d² = ε² + 2ε − 7)", rel_P.subs(P_, P_node), 0, modulo=(d_rel,)
    )
    mu_closed = 8 - eps**2 - 2 * eps - 3 * (eps + 1) * d
    p_.equal(
        "on that cycle μ = 8 − ε² − 2ε − 3(ε + 1)d", mu_of.subs({s_: s_node, P_: P_node}), mu_closed, modulo=(d_rel,)
    )
    a_ = sp.Symbol("a", positive=True)  # a = ε + 1 > 0
    dmu = sp.diff(mu_closed.subs(d, sp.sqrt(eps**2 + 2 * eps - 7)), eps)
    down = "−dμ/dε = 2(ε + 1) + 3d + 3(ε + 1)²/d > 0 for ε > 2√2 − 1 (d > 0): μ strictly decreases"
    p_.positive(down, (-dmu).subs(sp.sqrt(eps**2 + 2 * eps - 7), d).subs(eps, a_ - 1), 2 * a_ + 3 * d + 3 * a_**2 / d)
    born = "at ε = 2√2 − 1, d = 0 and μ = 8 − (ε² + 2ε) = 1"
    birth = 2 * sp.sqrt(2) - 1
    p_.compare("at ε = 2√2 − 1, d² = ε² + 2ε − 7 = 0", (eps**2 + 2 * eps - 7).subs(eps, birth), "==", 0)
    p_.compare(born, (8 - eps**2 - 2 * eps).subs(eps, birth), "==", 1)
    ends = "μ = −1 at ε* = (√(13 + 3√41) − 2)/2 (exact)"
    p_.compare(ends, mu_closed.subs(d, sp.sqrt(eps**2 + 2 * eps - 7)).subs(eps, eps_star), "==", -1)
    p_.compare("ε* > 2√2 − 1", eps_star, ">", 2 * sp.sqrt(2) - 1)
    window = "so |μ| < 1 exactly for 2√2 − 1 < ε < ε* (μ continuous, strictly decreasing from 1)"
    p_.infer(window, (down, "at ε = 2√2 − 1, d² = ε² + 2ε − 7 = 0", born, ends, "ε* > 2√2 − 1"))
    nu_gen = "its transverse multiplier ν = (1 − ry₁)(1 − ry₂) = 1 − r(y₁ + y₂) + r²y₁y₂"
    p_.equal(nu_gen, (1 - r * y1) * (1 - r * y2), 1 - r * (y1 + y2) + r**2 * y1 * y2)
    sym_nu = "r = −1: ν = 1 + s + P = 2 − ε + d"
    p_.equal(sym_nu, (1 + s_node + P_node), 2 - eps + d, modulo=(d_rel,))
    pos = sp.Symbol("delta", positive=True)
    below = "2 − ε + d > 0 for ε < 2"
    p_.positive(below, (2 - eps + d).subs(eps, 2 - pos), pos + d)
    gap = "(ε − 1)² − d² = 8 − 4ε > 0 for ε < 2, so d < ε − 1 (both ≥ 0 for ε ≥ 2√2 − 1) and ν < 1"
    p_.equal(gap, (eps - 1) ** 2 - (eps**2 + 2 * eps - 7), 8 - 4 * eps)
    p_.infer(
        "in the symmetric case ν ∈ (0, 1) for 2√2 − 1 ≤ ε < 2; with |μ| < 1 on (2√2 − 1, ε*) the period-4 orbit "
        "attracts GD in θ linearly there",
        (window, sym_nu, below, gap, "a cycle of the axis map attracts GD in θ linearly iff |μ| < 1 and |ν| < 1"),
    )
    p_.covers("exactly for 2√2 − 1 < ε < ε*", window)


# --------------------------------------------------------------------------------------------
# Periodic windows at rational e (interval proofs)
# --------------------------------------------------------------------------------------------

WINDOWS = (("279/200", 5, 5), ("291/200", 3, 3), ("15483/10000", 4, 4), ("17/10", 3, 6))  #: (e, period of y, of θ)


@claim(
    "chaos-windows",
    title="periodic windows in the chaotic band, proved at rational ε",
    source=Source("derived"),
    statement="In the symmetric case r = −1, for the examples checked, the axis map has an attracting cycle of exact "
    "period 5 at ε = 279/200, 3 at ε = 291/200, 4 at ε = 15483/10000 and 3 at ε = 17/10; GD in θ has period 5, 3, 4 "
    "and 6 on them (at ε = 17/10 θ returns negated after 3 steps); each transverse multiplier lies in (−1, 1), so "
    "GD in θ has a linearly attracting orbit of that period on the axis, and it is the only attracting cycle of the "
    "axis map there. The cycle means of η·NTK are enclosed: at ε = 15483/10000 it is about 1.7328, below the edge "
    "of stability 2.",
    method="interval: the critical orbit (float64) suggests the period; Newton at 60 digits; a Krawczyk proof at 50 "
    "digits of a unique cycle point in a box of radius 1e-25; disjoint enclosures of the N iterates (exact period); "
    "enclosures of Π f′(y_k), Π(1 − y_k), Π(1 + y_k) and the mean η·NTK; premises: chaos-cycle-multipliers, "
    "chaos-one-attractor",
)
def windows(p_: Proof) -> None:
    p_.uses("chaos-cycle-multipliers", "a cycle of the axis map attracts GD in θ linearly iff |μ| < 1 and |ν| < 1")
    p_.uses("chaos-one-attractor", "the axis map has at most one attracting cycle for 0 < ε ≤ 2")
    p_.states(sp.StrictLessThan(sp.Symbol("NTK_mean"), 2))
    found = []
    for e, N, N_theta in WINDOWS:
        cyc = chaos.find_cycle(e, r=-1, dps=50)
        if cyc is None or cyc.period_y != N:
            raise AssertionError(f"ε = {e}: no attracting cycle of period {N} proved ({cyc})")
        text = (
            f"ε = {e}: an attracting cycle of exact period {N}, GD period {cyc.period}, "
            f"μ ∈ [{cyc.multiplier[0]:.12g}, {cyc.multiplier[1]:.12g}], ν ∈ [{cyc.transverse[0]:.12g}, "
            f"{cyc.transverse[1]:.12g}]"
        )
        if not (cyc.period == N_theta and cyc.attracting and cyc.transversally_stable):
            raise AssertionError(f"{text}: not as stated")
        p_.interval(text, f"{cyc.proof}; mean η·NTK ∈ [{cyc.mean_ntk[0]:.15g}, {cyc.mean_ntk[1]:.15g}]", cyc.box_proof)
        found.append(text)
        if e == "15483/10000" and not cyc.mean_ntk[1] < 2:
            raise AssertionError(f"ε = {e}: the cycle mean {cyc.mean_ntk} is not below 2")
    last = "each is linearly attracting for GD in θ, and the only attracting cycle of the axis map at its ε"
    p_.infer(
        last,
        (
            *tuple(found),
            "a cycle of the axis map attracts GD in θ linearly iff |μ| < 1 and |ν| < 1",
            "the axis map has at most one attracting cycle for 0 < ε ≤ 2",
        ),
    )
    p_.covers("each transverse multiplier lies in (−1, 1)", *found)
    p_.covers("it is the only attracting cycle of the axis map there", last)


# --------------------------------------------------------------------------------------------
# Chaos at e = 7/5 and 3/2, measured
# --------------------------------------------------------------------------------------------

CHAOS = ("7/5", "3/2")
RUNS, STEPS, TRANSIENT, STARTS, PLANE_STEPS = 16, 5_000, 1_000, 32, 1_000


@claim(
    "chaos-statistics",
    title="chaos at ε = 7/5 and 3/2: λ > 0, mean η·NTK, λ⊥ < 0 (statistical)",
    expect="supported",
    source=Source("derived"),
    statement="In the symmetric case at ε = 7/5 and ε = 3/2 (statistical, for the examples checked, float64 "
    "statistics of computed orbits, where the critical orbit finds no attracting cycle): the Lyapunov "
    "exponent of the axis map is positive and the transverse exponent negative at 95 % confidence, with the "
    "time-averaged η·NTK above the edge of stability; and of 64 starts from the paper's family and the small ball "
    "none escaped within 1000 GD steps and all ended on the axis (|q| ≤ 1e-12·√(η·NTK)).",
    method="statistical: 16 independent float64 runs per ε from seeded uniform starts on the axis, 1000 transient "
    "steps discarded, 5000 averaged; Student t intervals; plane runs of float64 GD in θ with Clopper–Pearson "
    "intervals for the escape fraction (attractor.attractor's machinery)",
)
def statistics(p_: Proof) -> None:
    p_.states(sp.StrictGreaterThan(sp.Symbol("lambda"), 0), sp.StrictLessThan(sp.Symbol("lambda_perp"), 0))
    runs = []
    for e in CHAOS:
        if chaos.find_cycle(e, r=-1) is not None:
            raise AssertionError(f"ε = {e}: the critical orbit found an attracting cycle")
        st = chaos.axis_runs(e, r=-1, runs=RUNS, steps=STEPS, transient=TRANSIENT, seed=0)
        detail = st.describe()
        p_.statistical(
            f"ε = {e}: λ > 0",
            st.lyapunov.value,
            (st.lyapunov.low, st.lyapunov.high),
            0.95,
            "no attracting cycle of period ≤ 64 found from the critical orbit (50000 float64 steps, "
            f"Krawczyk attempts on near-returns); {detail}",
            inside=(0, None),
        )
        p_.statistical(
            f"ε = {e}: mean η·NTK > 2",
            st.mean_ntk.value,
            (st.mean_ntk.low, st.mean_ntk.high),
            0.95,
            detail,
            inside=(2, None),
        )
        p_.statistical(
            f"ε = {e}: λ⊥ < 0",
            st.transverse_lyapunov.value,
            (st.transverse_lyapunov.low, st.transverse_lyapunov.high),
            0.95,
            detail,
            inside=(None, 0),
        )
        pl = attractor.plane_runs(
            Problem.diagonal([-1, 1], 1, e), families=(("paper", STARTS), ("ball", STARTS)), steps=PLANE_STEPS, seed=0
        )
        if pl.fates["escaped"] or pl.fates["axis"] != pl.count:
            raise AssertionError(f"ε = {e}: plane starts {pl.fates}")
        text = f"ε = {e}: no plane start escaped, all reached the axis"
        p_.statistical(text, pl.escape.value, (pl.escape.low, pl.escape.high), 0.95, pl.describe(), inside=(None, 0.06))
        runs.append(text)
    p_.covers("all ended on the axis", *runs)


# --------------------------------------------------------------------------------------------
# The exponents at the crisis ε = 2, exactly
# --------------------------------------------------------------------------------------------


@claim(
    "chaos-crisis-exponents",
    title="at ε = 2: λ = ln 3, mean η·NTK = 4, λ⊥ = ln|r|",
    source=Source("derived"),
    statement="At ε = 2 the axis map is y ↦ 2T₃(y/2) on [−2, 2]; for Lebesgue-almost every start its Lyapunov "
    "exponent is ln 3 and the time-averaged η·NTK is 4, and the transverse exponent (time average of ln|1 − r·y|) "
    "is ln|r| for |r| ≥ 1/2. In the symmetric case r = −1 it is 0: the chaotic axis attractor at the crisis is "
    "transversally neutral.",
    method="exact: y = 2cos φ conjugates f to φ ↦ 3φ (identities in cos φ), f′(2cos φ)·sin φ = 3 sin 3φ, the mean "
    "of 2cos φ over [0, π]; cited: invariance and ergodicity of Lebesgue measure under φ ↦ 3φ, Birkhoff's ergodic "
    "theorem, Jensen's formula; the roots of −rz² + z − r lie on the unit circle for |r| ≥ 1/2 (exact)",
)
def crisis_exponents(p_: Proof) -> None:
    f2 = A.axis_map().subs(eps, 2)
    cs, sn, phi, z = sp.Symbol("c", real=True), sp.Symbol("s", real=True), sp.Symbol("phi", real=True), sp.Symbol("z")
    circle = (cs**2 + sn**2 - 1,)
    p_.states(sp.Eq(sp.Symbol("lambda"), sp.log(3)), sp.Eq(sp.Symbol("NTK_mean"), 4))
    conj = "f(2cos φ) = 2cos 3φ at ε = 2 (cos 3φ = 4c³ − 3c, c = cos φ)"
    p_.equal(conj, f2.subs(y, 2 * cs), 2 * (4 * cs**3 - 3 * cs))
    cos3 = sp.expand(sp.expand_trig(sp.cos(3 * phi)) - (4 * sp.cos(phi) ** 3 - 3 * sp.cos(phi)))
    p_.check("cos 3φ = 4cos³φ − 3cos φ", cos3, 0, "expand_trig")
    slope = "f′(2cos φ)·sin φ = 3 sin 3φ (sin 3φ = s(4c² − 1), with s² + c² = 1)"
    p_.equal(slope, sp.diff(f2, y).subs(y, 2 * cs) * sn, 3 * sn * (4 * cs**2 - 1), modulo=circle)
    sin3 = sp.simplify(sp.expand_trig(sp.sin(3 * phi)) - sp.sin(phi) * (4 * sp.cos(phi) ** 2 - 1))
    p_.check("sin 3φ = sin φ(4cos²φ − 1)", sin3, 0, "expand_trig")
    mean_y = "(1/π)∫₀^π 2cos φ dφ = 0, so the mean of η·NTK = 2(y + 2) is 4"
    p_.check(mean_y, sp.integrate(2 * sp.cos(phi), (phi, 0, sp.pi)) / sp.pi, 0, "sympy.integrate")
    ergodic = (
        "Lebesgue measure on the circle is invariant and ergodic for φ ↦ 3φ (mod 2π), and by Birkhoff's "
        "theorem time averages equal space averages for almost every start; y = 2cos φ carries it to the "
        "density 1/(π√(4 − y²)) on [−2, 2]"
    )
    p_.cite(
        ergodic,
        "ergodicity of expanding circle maps; Birkhoff's ergodic theorem",
        "Walters, An Introduction to Ergodic Theory, GTM 79 (1982), ch. 1 (ergodicity of z ↦ z^k; "
        "Birkhoff's theorem, Thm. 1.14)",
    )
    lyap = "λ = ln 3 + avg ln|sin 3φ| − avg ln|sin φ| = ln 3 (the two averages agree: the measure is invariant)"
    p_.infer(lyap, (slope, ergodic))
    jensen = "Jensen's formula: (1/2π)∫ ln|g(e^{iφ})| dφ = ln|a| + Σ ln max(1, |z_k|) for g = a·Π(z − z_k)"
    p_.cite(
        jensen,
        "Jensen's formula (the Mahler measure of a polynomial)",
        "Ahlfors, Complex Analysis, 3rd ed. (1979), §5.3.1",
    )
    rr = sp.Symbol("r", real=True)
    g = -rr * z**2 + z - rr
    p_.equal("1 − 2r cos φ = (−r z² + z − r)/z with z = e^{iφ} (2cos φ = z + 1/z)", (1 - rr * (z + 1 / z)) * z, g)
    p_.equal("its roots have product 1", sp.Poly(g, z).all_coeffs()[2] / sp.Poly(g, z).all_coeffs()[0], 1)
    disc = "discriminant 1 − 4r² ≤ 0 for |r| ≥ 1/2: a conjugate pair with |z|² = 1"
    p_.check(
        disc,
        sp.solve_univariate_inequality(sp.discriminant(g, z) <= 0, rr, relational=False),
        sp.Union(sp.Interval(-sp.oo, -half), sp.Interval(half, sp.oo)),
        "solve_univariate_inequality",
        evidence=Solutions(rr, (sp.discriminant(g, z) <= 0,)),
    )
    p_.infer(
        "so the transverse exponent is ln|r| + 0 = ln|r| for |r| ≥ 1/2, and 0 for r = −1",
        (jensen, "its roots have product 1", disc, ergodic),
    )
    p_.covers("for Lebesgue-almost every start", ergodic)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
