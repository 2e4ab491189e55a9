"""Derived (2-D GD, past the period-2 window): the boundary crisis of the axis map at ε = 2 (exact), the
period-doubling thresholds e_1 … e_7 (exact and interval), and the higher thresholds, Feigenbaum ratios and the
onset of chaos (numerical, with stated precision).  Library: ``eos_theory.cascade``."""

import sympy as sp
from mpmath import mp

from eos_theory import cascade as C
from eos_theory.analysis import axis_map, eps, y
from eos_theory.decimals import common_string
from eos_theory.numerics import agreeing_digits, exact
from eos_theory.proof import Proof
from eos_theory.registry import Source, claim

a, b, d, t = sp.symbols("a b d t", nonnegative=True)  #: slack variables: y = −ε + a, y = 2 − b, ε = 2 − d, y = 2 + t
h = sp.Symbol("h", positive=True)  #: ε = 2 + h past the crisis
ep = sp.Symbol("epsilon", positive=True)  #: ε > 0 where the sign of an expression needs it


def _nonnegative(p: Proof, text: str, expr: sp.Expr, how: str) -> None:
    """Record that SymPy's sign rules deduce expr ≥ 0 from the declared signs of its symbols."""
    p.check(text, sp.sympify(expr).is_nonnegative, True, f"SymPy's assumptions ({how}) decide {expr} ≥ 0")


@claim(
    "cascade-crisis",
    title="boundary crisis of the axis map at ε = 2",
    source=Source("derived"),
    statement="On an eigen-axis, for every r (the axis map f(y) = y + y(y + ε)(y − 2) and η·NTK = 2(y + ε) do not "
    "involve r = ω_j/ω_i): for ε > −1, f has its local maximum at c = (1 − 2ε)/3 and its local minimum at 1, with "
    "f(1) = −ε and f(c) − 2 = (ε − 2)(2ε + 5)²/27. So the critical value f(c) reaches the repelling fixed point "
    "y = 2 (one step maps θ to −θ; multiplier 5 + 2ε) at ε = 2 and exceeds it beyond: the boundary crisis. For "
    "0 < ε ≤ 2 the interval [−ε, 2] (η·NTK from 0 to 2(2 + ε)) is invariant, so every orbit on the axis that "
    "starts in it stays bounded. For every ε > 2 the hole y² + εy + 1 < 0 is an open interval inside (−ε, 0) that "
    "contains c, f maps it above 2, and every orbit that enters it escapes: from y > 2 on, y − 2 grows at least "
    "by the factor 5 + 2ε per step, so η·NTK and the loss grow without bound. Whether the starts in [−ε, 2] that stay "
    "out of the hole form a set of measure zero (the usual picture after a boundary crisis) is not "
    "proved here.",
    method="exact: derivatives and factorisations of the derived axis map, the crisis value solved exactly; "
    "invariance and escape as identities in slack variables whose signs SymPy decides; the absence of r checked "
    "on the derived map, the axis's invariance for every r from the claim eos2d-axis-map",
)
def crisis(p: Proof) -> None:
    f = axis_map()
    cr = C.crisis()
    c = cr.maximum
    p.states(sp.Eq(sp.Function("f")(c) - 2, cr.excess))

    # The same map for every r.
    every_r = ("eos2d-axis-map: each eigen-axis q = 0 is invariant under GD (q' = (1 − ry)q) and on it y' = f(y) "
               "and η·NTK = 2(y + ε), for every r")
    p.uses("eos2d-axis-map", every_r)
    no_r = "the derived axis map and the axis η·NTK do not contain r"
    p.check(no_r, C.map_has_no_r(), True, "cascade.map_has_no_r() on analysis.axis_map() and analysis.axis_ntk()")

    # Critical points, critical values, the repelling fixed point and the crisis value.
    p.equal("f'(y) = (y − 1)(3y + 2ε − 1)", sp.diff(f, y), (y - 1) * (3 * y + 2 * eps - 1))
    p.check("the derived critical points: maximum c = (1 − 2ε)/3, minimum 1", [c, cr.minimum],
            [(1 - 2 * eps) / 3, 1], "cascade.crisis(): roots of f', told apart by the sign of f''")
    p.equal("f''(c) = −2(1 + ε) and f''(1) = 2(1 + ε): a maximum and a minimum for ε > −1",
            sp.Matrix([sp.diff(f, y, 2).subs(y, c), sp.diff(f, y, 2).subs(y, 1)]),
            sp.Matrix([-2 * (1 + eps), 2 * (1 + eps)]))
    p.equal("f(1) = −ε", f.subs(y, 1), -eps)
    excess = "f(c) − 2 = (ε − 2)(2ε + 5)²/27"
    p.equal(excess, f.subs(y, c) - 2, (eps - 2) * (2 * eps + 5) ** 2 / 27)
    p.check("f(c) = 2 for ε > 0 at ε = 2 and nowhere else", sp.solveset(cr.excess, eps, sp.Interval.open(0, sp.oo)),
            sp.FiniteSet(2), "solveset of the factored excess on ε > 0")
    p.equal("f(c) − 2 at ε = 2 + h is h(9 + 2h)²/27 > 0 for h > 0", (f.subs(y, c) - 2).subs(eps, 2 + h),
            h * (9 + 2 * h) ** 2 / 27)
    p.equal("y = 2 is fixed, one step maps p to (1 − y)p = −p there (θ ↦ −θ), and f'(2) = 5 + 2ε",
            sp.Matrix([f.subs(y, 2), 1 - y.subs(y, 2), sp.diff(f, y).subs(y, 2)]), sp.Matrix([2, -1, 5 + 2 * eps]))
    p.positive("f'(2) − 1 = 4 + 2ε > 0 for ε > −2 (ε = −2 + s, s > 0): y = 2 repels",
               (4 + 2 * eps).subs(eps, -2 + h), 2 * h)

    # Invariance of [−ε, 2] for 0 < ε ≤ 2.
    below = ("f(y) + ε = (y + ε)(y − 1)², which at y = −ε + a is a(a − ε − 1)²")
    p.equal(below, sp.Matrix([f + eps, (f + eps).subs(y, -eps + a)]),
            sp.Matrix([(y + eps) * (y - 1) ** 2, a * (a - eps - 1) ** 2]))
    lower = "a(a − ε − 1)² ≥ 0 for a ≥ 0: f(y) ≥ −ε whenever y ≥ −ε"
    _nonnegative(p, lower, a * (a - eps - 1) ** 2, "a ≥ 0, ε real")
    above = ("2 − f(y) = (2 − y)(y² + εy + 1), which at y = 2 − b, ε = 2 − d is b((2 − b + ε/2)² + d(2 + ε)/4)")
    p.equal(above, sp.Matrix([2 - f, (2 - f).subs(y, 2 - b)]),
            sp.Matrix([(2 - y) * (y**2 + eps * y + 1), b * ((2 - b + eps / 2) ** 2 + d * (2 + eps) / 4)]),
            modulo=(eps + d - 2,))
    upper = "b((2 − b + ε/2)² + d(2 + ε)/4) ≥ 0 for b, d ≥ 0 and ε > 0: f(y) ≤ 2 whenever y ≤ 2 and 0 < ε ≤ 2"
    _nonnegative(p, upper, b * ((2 - b + ep / 2) ** 2 + d * (2 + ep) / 4), "b, d ≥ 0, ε > 0")
    invariant = ("for 0 < ε ≤ 2, f maps [−ε, 2] into itself, so by induction every orbit starting there stays in it; "
                 "there η·NTK = 2(y + ε) lies in [0, 2(2 + ε)]")
    p.infer(invariant, (below, lower, above, upper, every_r))

    # Past the crisis: the hole, and escape from above 2.
    q = cr.above
    p.equal("f(y) − 2 = (y − 2)(y² + εy + 1)", f - 2, (y - 2) * q)
    hole = ("at ε = 2 + h (h > 0) the quadratic Q(y) = y² + εy + 1 has Q(−ε) = Q(0) = 1, Q(−ε/2) = −h(4 + h)/4 < 0 "
            "and Q(c) = −h(9 + 2h)/9 < 0: its two real roots lie in (−ε, 0), and c lies between them")
    p.equal(hole, sp.Matrix([q.subs(y, -eps), q.subs(y, 0), q.subs(y, -eps / 2), q.subs(y, c)]).subs(eps, 2 + h),
            sp.Matrix([1, 1, -h * (4 + h) / 4, -h * (9 + 2 * h) / 9]))
    p.positive("h(4 + h)/4 > 0 and h(9 + 2h)/9 > 0 for h > 0", h * (4 + h) / 4 + h * (9 + 2 * h) / 9,
               h * (4 + h) / 4 + h * (9 + 2 * h) / 9)
    p.check("the derived hole ends are the roots (−ε ∓ √(ε² − 4))/2 of Q", list(cr.hole),
            [(-eps - sp.sqrt(eps**2 - 4)) / 2, (-eps + sp.sqrt(eps**2 - 4)) / 2], "cascade.crisis().hole")
    mapped = "on the hole y − 2 < 0 and Q(y) < 0, so f(y) − 2 = (y − 2)Q(y) > 0: f maps the hole above 2"
    p.infer(mapped, (hole, "f(y) − 2 = (y − 2)(y² + εy + 1)"))
    grow = "f(y) − 2 − (5 + 2ε)(y − 2) = (y − 2)²(y + ε + 2), which at y = 2 + t is t²(4 + ε + t)"
    p.equal(grow, sp.Matrix([f - 2 - (5 + 2 * eps) * (y - 2), (f - 2 - (5 + 2 * eps) * (y - 2)).subs(y, 2 + t)]),
            sp.Matrix([(y - 2) ** 2 * (y + eps + 2), t**2 * (4 + eps + t)]))
    _nonnegative(p, "t²(4 + ε + t) ≥ 0 for t ≥ 0, ε > 0", t**2 * (4 + ep + t), "t ≥ 0, ε > 0")
    escapes = ("from y_0 > 2: y_{n+1} − 2 ≥ (5 + 2ε)(y_n − 2) > 0, so y_n − 2 ≥ (5 + 2ε)^n(y_0 − 2) → ∞; then "
               "η·NTK = 2(y + ε) → ∞ and the loss z²/2 with z = y/(ηω_i) → ∞")
    p.infer(escapes, (grow, "t²(4 + ε + t) ≥ 0 for t ≥ 0, ε > 0", every_r))
    p.infer("every orbit that enters the hole escapes", (mapped, escapes))

    p.covers("for every r", every_r, no_r)
    p.covers("every orbit on the axis that starts in it stays bounded", invariant)
    p.covers("For every ε > 2 the hole", hole, "h(4 + h)/4 > 0 and h(9 + 2h)/9 > 0 for h > 0")
    p.covers("every orbit that enters it escapes", mapped, escapes, "every orbit that enters the hole escapes")


# --------------------------------------------------------------------------------------------
# The thresholds: exact e_1, e_2 and certified e_3 … e_7
# --------------------------------------------------------------------------------------------

#: the enclosures of e_3 … e_7 to 25 significant digits, as the statement quotes them (checked below)
CERTIFIED = {4: "1.288031754482842761954342", 8: "1.299227939650204094163177", 16: "1.301628914037081195197757",
             32: "1.302143271581458122996650", 64: "1.302253437742128565172079"}


@claim(
    "cascade-thresholds",
    title="period-doubling thresholds e_1 … e_7 (exact, interval)",
    source=Source("derived"),
    statement="Along the axis the period-p orbit of f loses stability (its multiplier reaches −1) at e_1 = 1 for "
    "p = 1 (the minimum y = 0) and e_2 = √5 − 1 for p = 2 (the EOS orbit), exactly. For p = 4, 8, 16, 32 and 64 "
    "interval arithmetic proves that a box of half-width 10⁻⁴⁰ around the Newton solution contains exactly one "
    "(y, ε) with f^p(y) = y and (f^p)'(y) = −1 (an orbit of exact period p), with ε = e_3 = "
    "1.288031754482842761954342…, e_4 = 1.299227939650204094163177…, e_5 = 1.301628914037081195197757…, "
    "e_6 = 1.302143271581458122996650…, e_7 = 1.302253437742128565172079… (25 certified digits), and that there "
    "the multiplier passes −1 with negative speed dλ/dε, so the orbit is stable just below e_k and unstable just "
    "above. So 1 < √5 − 1 < e_3 < e_4 < e_5 < e_6 < e_7. That these are consecutive doublings of the cascade "
    "that starts at √5 − 1 rests on the Newton continuation (started from the Feigenbaum extrapolation at the "
    "orbit point nearest the critical point), not on this proof.",
    method="exact: e_1, e_2 from the claims eos2d-flip-birth and eos2d-period-doubling; interval: Krawczyk operator "
    "K(X) ⊂ int X for F = (f^p(y) − y, (f^p)'(y) + 1) in mpmath.iv (centred forms of f around its critical point, "
    "derived by SymPy), the speed dλ/dε enclosed over the same box; orderings of the enclosures decided exactly",
)
def thresholds(p: Proof) -> None:
    e1, e2 = C.exact_thresholds()
    p.states(sp.Eq(sp.Symbol("e_2"), sp.sqrt(5) - 1))
    p.uses("eos2d-flip-birth", "the minimum y = 0 has multiplier 1 − 2ε, which is −1 at ε = 1 (speed −2)")
    p.uses("eos2d-period-doubling", "the EOS orbit's multiplier 7 − 4ε − 2ε² is −1 at ε = √5 − 1 (speed −4√5)")
    p.check("e_1 = 1 and e_2 = √5 − 1 (derived)", [e1, e2], [1, sp.sqrt(5) - 1],
            "analysis.flip_normal_form().at, analysis.period_doubling().at")
    p.compare("e_1 < e_2", e1, "<", e2)
    run = C.cascade(levels=7, digits=30)
    if not run.converged:
        raise AssertionError(f"Newton's method did not reach e_7: {run.reason}")
    previous, proved = e2, []
    for th in run.thresholds[2:]:
        cert = C.certify_threshold(th, 30)
        label = f"p = {th.period}: e_{th.level}"
        if not cert.proved:
            raise AssertionError(f"{label}: not proved ({cert.describe()})")
        shown = common_string(cert.e_lo, cert.e_hi, 25)
        proved.append(f"{label}: a unique (y, ε) in the box solves f^p(y) = y, (f^p)'(y) = −1, with dλ/dε < 0")
        p.interval(proved[-1], f"{cert.describe()}; the ε-enclosure rounds to {shown[0] if shown else '-'} at 25 digits")
        p.check(f"{label} = {CERTIFIED[th.period]}… as stated (25 digits)", shown, (CERTIFIED[th.period], 25),
                "decimals.common_string of the two ends of the Krawczyk enclosure")
        lo, hi = (sp.Rational(*exact(v).as_integer_ratio()) for v in (cert.e_lo, cert.e_hi))
        p.compare(f"e_{th.level - 1} < e_{th.level} (ends of the enclosures)", previous, "<", lo)
        previous = hi
    p.cite("a zero of F in X lies in K(X); K(X) ⊂ int X proves that X holds exactly one zero",
           "Krawczyk's existence and uniqueness test", "Krawczyk 1969; Neumaier, Interval Methods for Systems of "
           "Equations (1990), §5.1")
    p.infer("each solution has exact period p: p is a power of 2, and on a q-cycle with q | p, q < p, the chain rule "
            "gives (f^p)' = ((f^q)')^(p/q) ≥ 0 ≠ −1", tuple(proved))


# --------------------------------------------------------------------------------------------
# Higher thresholds, Feigenbaum ratios and the onset of chaos (numerical)
# --------------------------------------------------------------------------------------------

#: the ratios (e_k − e_{k−1})/(e_{k+1} − e_k), k = 2 … 8, to 6 digits, as the statement quotes them
RATIOS = ("4.54293", "4.64120", "4.66318", "4.66791", "4.66893", "4.66914", "4.66919")


@claim(
    "cascade-feigenbaum",
    title="Feigenbaum ratios → δ, onset of chaos ≈ 1.30228346 (numerical)",
    source=Source("derived"),
    statement="Numerical, for the examples checked: Newton's method at 40 and 80 digits puts e_8 (p = 128) at "
    "1.30227703225964167036217… and e_9 (p = 256) at 1.30228208549649349904494… (at least 30 agreeing digits). "
    "The ratios (e_k − e_{k−1})/(e_{k+1} − e_k) for k = 2 … 8 are 4.54293, 4.64120, 4.66318, 4.66791, 4.66893, "
    "4.66914, 4.66919, approaching Feigenbaum's δ = 4.6692016…: the last agrees with δ to 5 digits. Extrapolating "
    "with δ, E_k = e_k + (e_k − e_{k−1})/(δ − 1), puts the accumulation point of the thresholds (the onset of "
    "chaos along the axis) at ε ≈ 1.3022834627, E_8 and E_9 differing by less than 2·10⁻¹¹ (an estimate of "
    "its error, not a bound).",
    method="numerical: Newton's method on f^p(y) = y, (f^p)'(y) = −1 in mpmath at 40 digits and again at 80, "
    "started from the Feigenbaum extrapolation; agreeing digits between the precisions; δ cited",
)
def feigenbaum(p: Proof) -> None:
    e_k = sp.Symbol("e_k")
    p.states(sp.Eq(sp.Symbol("E_k"), e_k + (e_k - sp.Symbol("e_{k-1}")) / (sp.Symbol("delta") - 1)))
    run = C.cascade(levels=9, digits=30)
    if not run.converged:
        raise AssertionError(f"Newton's method did not reach e_9: {run.reason}")
    quoted = {8: "1.30227703225964167036217", 9: "1.30228208549649349904494"}
    for th in run.thresholds[7:]:
        shown = common_string(th.e_low, th.e, 24)
        if shown is None or shown[0] != quoted[th.level]:
            raise AssertionError(f"e_{th.level}: computed {shown}, stated {quoted[th.level]}")
        p.numerical(f"e_{th.level} (p = {th.period}) = {quoted[th.level]}…", th.agree,
                    f"Newton at {th.dps[0]} and {th.dps[1]} digits ({th.iterations[0]} and {th.iterations[1]} "
                    "iterations)", required=30)
    p.cite("δ = 4.669201609102990671853204… is the universal rate at which period-doubling thresholds of smooth "
           "one-parameter families of unimodal maps with a quadratic maximum accumulate",
           "Feigenbaum's universality (existence of the period-doubling fixed point and its eigenvalue δ)",
           "Feigenbaum, J. Stat. Phys. 19 (1978) 25; Lanford, Bull. AMS 6 (1982) 427; digits: Briggs, Math. Comp. "
           "57 (1991) 435")
    with mp.workdps(run.thresholds[0].dps[1]):
        hi = C.feigenbaum_ratios([th.e for th in run.thresholds])
        with mp.workdps(run.thresholds[0].dps[0]):
            lo = C.feigenbaum_ratios([th.e_low for th in run.thresholds])
        for k, (ratio_lo, ratio_hi, text) in enumerate(zip(lo, hi, RATIOS), start=2):
            shown = common_string(ratio_hi, ratio_hi, 6)[0]
            if shown != text:
                raise AssertionError(f"ratio {k}: computed {shown}, stated {text}")
            p.numerical(f"(e_{k} − e_{k - 1})/(e_{k + 1} − e_{k}) = {text}", agreeing_digits(ratio_lo, ratio_hi, dps=30),
                        "the ratio at the two precisions", required=25)
        delta = mp.mpf(C.FEIGENBAUM_DELTA)
        p.numerical("the last ratio agrees with δ to 5 digits", agreeing_digits(hi[-1], delta, dps=30),
                    f"(e_8 − e_7)/(e_9 − e_8) = {mp.nstr(hi[-1], 10)}, δ = {mp.nstr(delta, 10)}", required=5)
        values = [th.e for th in run.thresholds]
        e_inf, err = C.onset(values)
        e_prev, _ = C.onset(values[:-1])
        bound = 2 * mp.mpf(10) ** -11
        if not (err < bound and abs(e_inf - mp.mpf("1.3022834627")) < mp.mpf(10) ** -10 / 2):
            raise AssertionError(f"onset {mp.nstr(e_inf, 15)} ± {mp.nstr(err, 3)} is not as stated")
        p.numerical("E_9 = e_9 + (e_9 − e_8)/(δ − 1) rounds to 1.3022834627 and lies within 2·10⁻¹¹ of E_8",
                    agreeing_digits(e_inf, e_prev, dps=30),
                    f"E_9 = {mp.nstr(e_inf, 15)}, |E_9 − E_8| = {mp.nstr(err, 3)}", required=10)


if __name__ == "__main__":
    from eos_theory.registry import print_proof

    print_proof(__name__)
