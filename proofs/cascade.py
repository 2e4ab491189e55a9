"""Derived (2-D GD, past the period-2 window): the boundary crisis of the axis map at ε = 2 (exact), the
period-doubling thresholds ε_1 … ε_7 (exact and interval), and the higher thresholds, Feigenbaum ratios and the
onset of chaos (numerical, with stated precision).  Library: ``eos_theory.past_window.cascade``."""

from dataclasses import replace
from functools import cache

import sympy as sp
from mpmath import mp

from eos_theory.core.evidence import Irreducible, Resultant, Root, Solutions, rounding_interval
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.numbers.decimals import agreeing_digits, common_string
from eos_theory.numbers.parse import exact
from eos_theory.past_window import cascade as C
from eos_theory.past_window import minpoly as A
from eos_theory.quadratic.closed_forms import axis_map, eos_orbit, eps, y

a, b, d, t = sp.symbols("a b d t", nonnegative=True)  #: slack variables: y = −ε + a, y = 2 − b, ε = 2 − d, y = 2 + t
h = sp.Symbol("h", positive=True)  #: ε = 2 + h past the crisis
ep = sp.Symbol("epsilon", positive=True)  #: ε > 0 where the sign of an expression needs it


def _nonnegative(p: Proof, text: str, expr: sp.Expr, how: str) -> None:
    """Record that SymPy's sign rules deduce expr ≥ 0 from the declared signs of its symbols."""
    p.positive(text, expr, expr, strict=False)


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
    every_r = (
        "eos2d-axis-map: each eigen-axis q = 0 is invariant under GD (q' = (1 − ry)q) and on it y' = f(y) "
        "and η·NTK = 2(y + ε), for every r"
    )
    p.uses("eos2d-axis-map", every_r)
    no_r = "the derived axis map and the axis η·NTK do not contain r"
    p.check(no_r, C.map_has_no_r(), True, "cascade.map_has_no_r() on analysis.axis_map() and analysis.axis_ntk()")

    # Critical points, critical values, the repelling fixed point and the crisis value.
    p.equal("f'(y) = (y − 1)(3y + 2ε − 1)", sp.diff(f, y), (y - 1) * (3 * y + 2 * eps - 1))
    p.equal(
        "the derived critical points: maximum c = (1 − 2ε)/3, minimum 1",
        sp.Matrix([c, cr.minimum]),
        sp.Matrix([(1 - 2 * eps) / 3, 1]),
    )
    p.equal(
        "f''(c) = −2(1 + ε) and f''(1) = 2(1 + ε): a maximum and a minimum for ε > −1",
        sp.Matrix([sp.diff(f, y, 2).subs(y, c), sp.diff(f, y, 2).subs(y, 1)]),
        sp.Matrix([-2 * (1 + eps), 2 * (1 + eps)]),
    )
    p.equal("f(1) = −ε", f.subs(y, 1), -eps)
    excess = "f(c) − 2 = (ε − 2)(2ε + 5)²/27"
    p.equal(excess, f.subs(y, c) - 2, (eps - 2) * (2 * eps + 5) ** 2 / 27)
    p.check(
        "f(c) = 2 for ε > 0 at ε = 2 and nowhere else",
        sp.solveset(cr.excess, eps, sp.Interval.open(0, sp.oo)),
        sp.FiniteSet(2),
        "solveset of the factored excess on ε > 0",
        evidence=Solutions(eps, (sp.Eq(cr.excess, 0), eps > 0)),
    )
    p.equal(
        "f(c) − 2 at ε = 2 + h is h(9 + 2h)²/27 > 0 for h > 0",
        (f.subs(y, c) - 2).subs(eps, 2 + h),
        h * (9 + 2 * h) ** 2 / 27,
    )
    p.equal(
        "y = 2 is fixed, one step maps p to (1 − y)p = −p there (θ ↦ −θ), and f'(2) = 5 + 2ε",
        sp.Matrix([f.subs(y, 2), 1 - y.subs(y, 2), sp.diff(f, y).subs(y, 2)]),
        sp.Matrix([2, -1, 5 + 2 * eps]),
    )
    p.positive(
        "f'(2) − 1 = 4 + 2ε > 0 for ε > −2 (ε = −2 + s, s > 0): y = 2 repels", (4 + 2 * eps).subs(eps, -2 + h), 2 * h
    )

    # Invariance of [−ε, 2] for 0 < ε ≤ 2.
    below = "f(y) + ε = (y + ε)(y − 1)², which at y = −ε + a is a(a − ε − 1)²"
    p.equal(
        below,
        sp.Matrix([f + eps, (f + eps).subs(y, -eps + a)]),
        sp.Matrix([(y + eps) * (y - 1) ** 2, a * (a - eps - 1) ** 2]),
    )
    lower = "a(a − ε − 1)² ≥ 0 for a ≥ 0: f(y) ≥ −ε whenever y ≥ −ε"
    _nonnegative(p, lower, a * (a - eps - 1) ** 2, "a ≥ 0, ε real")
    above = "2 − f(y) = (2 − y)(y² + εy + 1), which at y = 2 − b, ε = 2 − d is b((2 − b + ε/2)² + d(2 + ε)/4)"
    p.equal(
        above,
        sp.Matrix([2 - f, (2 - f).subs(y, 2 - b)]),
        sp.Matrix([(2 - y) * (y**2 + eps * y + 1), b * ((2 - b + eps / 2) ** 2 + d * (2 + eps) / 4)]),
        modulo=(eps + d - 2,),
    )
    upper = "b((2 − b + ε/2)² + d(2 + ε)/4) ≥ 0 for b, d ≥ 0 and ε > 0: f(y) ≤ 2 whenever y ≤ 2 and 0 < ε ≤ 2"
    _nonnegative(p, upper, b * ((2 - b + ep / 2) ** 2 + d * (2 + ep) / 4), "b, d ≥ 0, ε > 0")
    invariant = (
        "for 0 < ε ≤ 2, f maps [−ε, 2] into itself, so by induction every orbit starting there stays in it; "
        "there η·NTK = 2(y + ε) lies in [0, 2(2 + ε)]"
    )
    p.infer(invariant, (below, lower, above, upper, every_r))

    # Past the crisis: the hole, and escape from above 2.
    q = cr.above
    p.equal("f(y) − 2 = (y − 2)(y² + εy + 1)", f - 2, (y - 2) * q)
    hole = (
        "at ε = 2 + h (h > 0) the quadratic Q(y) = y² + εy + 1 has Q(−ε) = Q(0) = 1, Q(−ε/2) = −h(4 + h)/4 < 0 "
        "and Q(c) = −h(9 + 2h)/9 < 0: its two real roots lie in (−ε, 0), and c lies between them"
    )
    p.equal(
        hole,
        sp.Matrix([q.subs(y, -eps), q.subs(y, 0), q.subs(y, -eps / 2), q.subs(y, c)]).subs(eps, 2 + h),
        sp.Matrix([1, 1, -h * (4 + h) / 4, -h * (9 + 2 * h) / 9]),
    )
    p.positive(
        "h(4 + h)/4 > 0 and h(9 + 2h)/9 > 0 for h > 0",
        h * (4 + h) / 4 + h * (9 + 2 * h) / 9,
        h * (4 + h) / 4 + h * (9 + 2 * h) / 9,
    )
    w = sp.Symbol("w", positive=True)  # w = √(ε² − 4), real for ε > 2
    ends = sp.Matrix(list(cr.hole)).subs(sp.sqrt(eps**2 - 4), w)
    p.equal(
        "the derived hole ends are the roots (−ε ∓ √(ε² − 4))/2 of Q",
        sp.Matrix([*ends, *(q.subs(y, e) for e in ends)]),
        sp.Matrix([(-eps - w) / 2, (-eps + w) / 2, 0, 0]),
        modulo=(w**2 - eps**2 + 4,),
    )
    mapped = "on the hole y − 2 < 0 and Q(y) < 0, so f(y) − 2 = (y − 2)Q(y) > 0: f maps the hole above 2"
    p.infer(mapped, (hole, "f(y) − 2 = (y − 2)(y² + εy + 1)"))
    grow = "f(y) − 2 − (5 + 2ε)(y − 2) = (y − 2)²(y + ε + 2), which at y = 2 + t is t²(4 + ε + t)"
    p.equal(
        grow,
        sp.Matrix([f - 2 - (5 + 2 * eps) * (y - 2), (f - 2 - (5 + 2 * eps) * (y - 2)).subs(y, 2 + t)]),
        sp.Matrix([(y - 2) ** 2 * (y + eps + 2), t**2 * (4 + eps + t)]),
    )
    _nonnegative(p, "t²(4 + ε + t) ≥ 0 for t ≥ 0, ε > 0", t**2 * (4 + ep + t), "t ≥ 0, ε > 0")
    escapes = (
        "from y_0 > 2: y_{n+1} − 2 ≥ (5 + 2ε)(y_n − 2) > 0, so y_n − 2 ≥ (5 + 2ε)^n(y_0 − 2) → ∞; then "
        "η·NTK = 2(y + ε) → ∞ and the loss z²/2 with z = y/(ηω_i) → ∞"
    )
    p.infer(escapes, (grow, "t²(4 + ε + t) ≥ 0 for t ≥ 0, ε > 0", every_r))
    p.infer("every orbit that enters the hole escapes", (mapped, escapes))

    p.covers("for every r", every_r, no_r)
    p.covers("every orbit on the axis that starts in it stays bounded", invariant)
    p.covers("For every ε > 2 the hole", hole, "h(4 + h)/4 > 0 and h(9 + 2h)/9 > 0 for h > 0")
    p.covers("every orbit that enters it escapes", mapped, escapes, "every orbit that enters the hole escapes")


# --------------------------------------------------------------------------------------------
# The thresholds: exact e_1, e_2 and certified e_3 … e_7
# --------------------------------------------------------------------------------------------


@cache
def _newton() -> C.Cascade:
    """Newton's method for ε_1 … ε_9 at 40 and 80 digits, once for the claims that use a prefix of it."""
    return C.cascade(levels=9, digits=30)


@cache
def _certificate(level: int) -> C.Certificate:
    """The Krawczyk certificate of e_level (30 digits), once for the claims that use it."""
    return C.certify_threshold(_newton().thresholds[level - 1], 30)


#: the enclosures of e_3 … e_7 to 25 significant digits, as the statement quotes them (checked below)
CERTIFIED = {
    4: "1.288031754482842761954342",
    8: "1.299227939650204094163177",
    16: "1.301628914037081195197757",
    32: "1.302143271581458122996650",
    64: "1.302253437742128565172079",
}


@claim(
    "cascade-thresholds",
    title="period-doubling thresholds ε_1 … ε_7 (exact, interval)",
    source=Source("derived"),
    statement="Along the axis the period-p orbit of f loses stability (its multiplier reaches −1) at ε_1 = 1 for "
    "p = 1 (the minimum y = 0) and ε_2 = √5 − 1 for p = 2 (the EOS orbit), exactly. For p = 4, 8, 16, 32 and 64 "
    "interval arithmetic proves that a box of half-width 10⁻⁴⁰ around the Newton solution contains exactly one "
    "(y, ε) with f^p(y) = y and (f^p)'(y) = −1 (an orbit of exact period p), with ε = ε_3 = "
    "1.288031754482842761954342…, ε_4 = 1.299227939650204094163177…, ε_5 = 1.301628914037081195197757…, "
    "ε_6 = 1.302143271581458122996650…, ε_7 = 1.302253437742128565172079… (25 certified digits), and that there "
    "the multiplier passes −1 with negative speed dλ/dε, so the orbit is stable just below ε_k and unstable just "
    "above. So 1 < √5 − 1 < ε_3 < ε_4 < ε_5 < ε_6 < ε_7. That these are consecutive doublings of the cascade "
    "that starts at √5 − 1 rests on the Newton continuation (started from the Feigenbaum extrapolation at the "
    "orbit point nearest the critical point), not on this proof.",
    method="exact: ε_1, ε_2 from the claims eos2d-flip-birth and eos2d-period-doubling; interval: Krawczyk operator "
    "K(X) ⊂ int X for F = (f^p(y) − y, (f^p)'(y) + 1) in mpmath.iv (centred forms of f around its critical point, "
    "derived by SymPy), the speed dλ/dε enclosed over the same box; orderings of the enclosures decided exactly",
)
def thresholds(p: Proof) -> None:
    e1, e2 = C.exact_thresholds()
    p.states(sp.Eq(sp.Symbol("epsilon_2"), sp.sqrt(5) - 1))
    p.uses("eos2d-flip-birth", "the minimum y = 0 has multiplier 1 − 2ε, which is −1 at ε = 1 (speed −2)")
    p.uses("eos2d-period-doubling", "the EOS orbit's multiplier 7 − 4ε − 2ε² is −1 at ε = √5 − 1 (speed −4√5)")
    p.check(
        "ε_1 = 1 and ε_2 = √5 − 1 (derived)",
        [e1, e2],
        [1, sp.sqrt(5) - 1],
        "analysis.flip_normal_form().at, analysis.period_doubling().at",
        evidence=(
            Root(eps, (sp.Eq(sp.diff(axis_map(), y).subs(y, 0), -1),)),  # the minimum's multiplier is −1
            Root(eps, (sp.Eq(eos_orbit().along, -1), eps >= 1)),  # the EOS orbit's, where the orbit exists
        ),
    )
    p.compare("ε_1 < ε_2", e1, "<", e2)
    run = _newton()
    if not run.converged:
        raise AssertionError(f"Newton's method did not reach ε_9: {run.reason}")
    previous, proved = e2, []
    for th in run.thresholds[2:7]:
        cert = _certificate(th.level)
        label = f"p = {th.period}: e_{th.level}"
        if not cert.proved:
            raise AssertionError(f"{label}: not proved ({cert.describe()})")
        shown = common_string(cert.e_lo, cert.e_hi, 25)
        proved.append(f"{label}: a unique (y, ε) in the box solves f^p(y) = y, (f^p)'(y) = −1, with dλ/dε < 0")
        p.interval(
            proved[-1],
            f"{cert.describe()}; the ε-enclosure rounds to {shown[0] if shown else '-'} at 25 digits",
            cert.box_proof,
        )
        p.check(
            f"{label} = {CERTIFIED[th.period]}… as stated (25 digits)",
            shown,
            (CERTIFIED[th.period], 25),
            "decimals.common_string of the two ends of the Krawczyk enclosure",
            evidence=replace(
                cert.box_proof, at_zero=((eps, *rounding_interval(CERTIFIED[th.period], 25)),), over_box=()
            ),
        )
        lo, hi = (sp.Rational(*exact(v).as_integer_ratio()) for v in (cert.e_lo, cert.e_hi))
        p.compare(f"e_{th.level - 1} < e_{th.level} (ends of the enclosures)", previous, "<", lo)
        previous = hi
    p.cite(
        "a zero of F in X lies in K(X); K(X) ⊂ int X proves that X holds exactly one zero",
        "Krawczyk's existence and uniqueness test",
        "Krawczyk 1969; Neumaier, Interval Methods for Systems of Equations (1990), §5.1",
    )
    p.infer(
        "each solution has exact period p: p is a power of 2, and on a q-cycle with q | p, q < p, the chain rule "
        "gives (f^p)' = ((f^q)')^(p/q) ≥ 0 ≠ −1",
        tuple(proved),
    )


# --------------------------------------------------------------------------------------------
# Higher thresholds, Feigenbaum ratios and the onset of chaos (numerical)
# --------------------------------------------------------------------------------------------

#: the ratios (e_k − e_{k−1})/(e_{k+1} − e_k), k = 2 … 8, to 6 digits, as the statement quotes them
RATIOS = ("4.54293", "4.64120", "4.66318", "4.66791", "4.66893", "4.66914", "4.66919")


@claim(
    "cascade-feigenbaum",
    title="Feigenbaum ratios → δ, onset of chaos ≈ 1.30228346 (numerical)",
    source=Source("derived"),
    statement="Numerical, for the examples checked: Newton's method at 40 and 80 digits puts ε_8 (p = 128) at "
    "1.30227703225964167036217… and ε_9 (p = 256) at 1.30228208549649349904494… (at least 30 agreeing digits). "
    "The ratios (ε_k − ε_{k−1})/(ε_{k+1} − ε_k) for k = 2 … 8 are 4.54293, 4.64120, 4.66318, 4.66791, 4.66893, "
    "4.66914, 4.66919, approaching Feigenbaum's δ = 4.6692016…: the last agrees with δ to 5 digits. Extrapolating "
    "with δ, E_k = ε_k + (ε_k − ε_{k−1})/(δ − 1), puts the accumulation point of the thresholds (the onset of "
    "chaos along the axis) at ε ≈ 1.3022834627, E_8 and E_9 differing by less than 2·10⁻¹¹ (an estimate of "
    "its error, not a bound).",
    method="numerical: Newton's method on f^p(y) = y, (f^p)'(y) = −1 in mpmath at 40 digits and again at 80, "
    "started from the Feigenbaum extrapolation; agreeing digits between the precisions; δ cited",
)
def feigenbaum(p: Proof) -> None:
    e_k = sp.Symbol("epsilon_k")
    p.states(sp.Eq(sp.Symbol("E_k"), e_k + (e_k - sp.Symbol("epsilon_k-1")) / (sp.Symbol("delta") - 1)))
    run = _newton()
    if not run.converged:
        raise AssertionError(f"Newton's method did not reach ε_9: {run.reason}")
    quoted = {8: "1.30227703225964167036217", 9: "1.30228208549649349904494"}
    for th in run.thresholds[7:]:
        shown = common_string(th.e_low, th.e, 24)
        if shown is None or shown[0] != quoted[th.level]:
            raise AssertionError(f"e_{th.level}: computed {shown}, stated {quoted[th.level]}")
        p.numerical(
            f"e_{th.level} (p = {th.period}) = {quoted[th.level]}…",
            th.agree,
            f"Newton at {th.dps[0]} and {th.dps[1]} digits ({th.iterations[0]} and {th.iterations[1]} iterations)",
            required=30,
        )
    p.cite(
        "δ = 4.669201609102990671853204… is the universal rate at which period-doubling thresholds of smooth "
        "one-parameter families of unimodal maps with a quadratic maximum accumulate",
        "Feigenbaum's universality (existence of the period-doubling fixed point and its eigenvalue δ)",
        "Feigenbaum, J. Stat. Phys. 19 (1978) 25; Lanford, Bull. AMS 6 (1982) 427; digits: Briggs, Math. Comp. "
        "57 (1991) 435",
    )
    with mp.workdps(run.thresholds[0].dps[1]):
        hi = C.feigenbaum_ratios([th.e for th in run.thresholds])
        with mp.workdps(run.thresholds[0].dps[0]):
            lo = C.feigenbaum_ratios([th.e_low for th in run.thresholds])
        for k, (ratio_lo, ratio_hi, text) in enumerate(zip(lo, hi, RATIOS), start=2):
            shown = common_string(ratio_hi, ratio_hi, 6)[0]
            if shown != text:
                raise AssertionError(f"ratio {k}: computed {shown}, stated {text}")
            p.numerical(
                f"(e_{k} − e_{k - 1})/(e_{k + 1} − e_{k}) = {text}",
                agreeing_digits(ratio_lo, ratio_hi, dps=30),
                "the ratio at the two precisions",
                required=25,
            )
        delta = mp.mpf(C.FEIGENBAUM_DELTA)
        p.numerical(
            "the last ratio agrees with δ to 5 digits",
            agreeing_digits(hi[-1], delta, dps=30),
            f"(ε_8 − ε_7)/(ε_9 − ε_8) = {mp.nstr(hi[-1], 10)}, δ = {mp.nstr(delta, 10)}",
            required=5,
        )
        values = [th.e for th in run.thresholds]
        e_inf, err = C.onset(values)
        e_prev, _ = C.onset(values[:-1])
        bound = 2 * mp.mpf(10) ** -11
        if not (err < bound and abs(e_inf - mp.mpf("1.3022834627")) < mp.mpf(10) ** -10 / 2):
            raise AssertionError(f"onset {mp.nstr(e_inf, 15)} ± {mp.nstr(err, 3)} is not as stated")
        p.numerical(
            "E_9 = ε_9 + (ε_9 − ε_8)/(δ − 1) rounds to 1.3022834627 and lies within 2·10⁻¹¹ of E_8",
            agreeing_digits(e_inf, e_prev, dps=30),
            f"E_9 = {mp.nstr(e_inf, 15)}, |E_9 − E_8| = {mp.nstr(err, 3)}",
            required=10,
        )


# --------------------------------------------------------------------------------------------
# The minimal polynomial of e_3 (exact, with a certificate)
# --------------------------------------------------------------------------------------------

#: m̂(s), s = (ε + 1)²: the factor of the period-4 eliminant that vanishes at (e_3 + 1)² (derived by
#: minpoly.minimal_polynomial_e3 from minpoly.period4_eliminant; tests/test_cascade.py re-derives it)
M_HAT = [
    8192,
    -387072,
    7834624,
    -88031232,
    585876512,
    -2158227720,
    2211361312,
    15958823175,
    -68871388441,
    59290039854,
    234882618673,
    -524807876277,
    -72612143404,
    308406843576,
    1539579145957,
    0,
    -7984925229121,
]

#: the certificate q(v) = v⁴ + c₃v³ + c₂v² + c₁v + c₀: c_k = (a_0 + a_1 s + … + a_15 s¹⁵)/d as (d, [a_0, …, a_15]),
#: found by minpoly.period4_certificate (PSLQ at 1500 digits) and checked exactly below
CERTIFICATE = {
    3: (
        24171295418745028811891643911022276276386430720000,
        [
            55948328038543699783402447709657137988306568764561,
            -4126782349176816525780497481476768680780471456611,
            -3175020620112253222005740610149057875915309944076,
            -2500535716358823998200990114576234546646480890740,
            1060994063538466588181849590599739773194384084904,
            916717518893080389940311590765718926229411038253,
            -646130938507998442997196370048798612966591398296,
            87031929200887573193818500631699701104421462282,
            49356424108798069844817229121571723154138197499,
            -26383567917145154602647816720651627757662860424,
            6160928242290620734187024673736386315290186232,
            -867171581999767293738126255274137795601487712,
            80546560026787976159512610232308776676049920,
            -5158674113272538127629322193478446691601408,
            220656607696441472758323569940645414017024,
            -4799191449038533570805790218334955855872,
        ],
    ),
    2: (
        5946138673011277087725344402111479963991061957120000,
        [
            7739998279149227815493018714095683481071246169975517,
            -929978613363883242274061577276991092710958266839947,
            -505181117948813466942709976821358122273612480288612,
            -896990356774428951371064691991741028053025467215260,
            445990932883387254307496766384319170569449123627968,
            213392149148637670391288372328033610493326302712641,
            -208128726426826225209098878891505559972650013450452,
            45961341579660892679048197955082339971583207081174,
            9770190585634624324088955963723388067569654004923,
            -8329551118713006032303805396048603598063572624168,
            2343340610831732163764354529524194718955684716664,
            -376847730449258650343542766255986641048091039584,
            37319257588947682511551731117394005435303326720,
            -2222685805164357613399493664835374942938950656,
            71429929491439804324971569695238668292200448,
            -907323149924614086291898054008618807681024,
        ],
    ),
    1: (
        217541658768705259307024795199200486487477876480000,
        [
            7744963711250921414706535007510072487443704515439,
            16885754252052978802529760307458235717713294496611,
            171013683181406134347816350730183022652753784076,
            -19211073760868194514180199481132807248788605189260,
            8656237556142739392889685677804324025092577835096,
            1536146184927993337707478323521088440933753121747,
            -2203118772820946562142903909398869940891601241704,
            573193940406369639330051291834902694643130537718,
            42128889640287017953847946300181365481274282501,
            -62903577984669628130474793228441217224045939576,
            18077126492448093203617324158050008116730293768,
            -2774732088619617744931060405378196160207792288,
            243576427409338430536676054627301858628910080,
            -10854721423370486539885945786776790551278592,
            118251234348913546659988979906026273662976,
            4799191449038533570805790218334955855872,
        ],
    ),
    0: (
        53515248057101493789528099619003319675919557614080000,
        [
            -3305217013944688907169338363623582194565786747255517,
            1950696365593976224414002603355508455665584110039947,
            264860562994345699930076036067848134012607987488612,
            -839938401403732529619430475664982315581781419184740,
            331387596691109224178226055088005933293507829972032,
            -17163052842951772179465179185089021120273169912641,
            -19811250479489375202109143464307924336005397749548,
            6856727988919684322861385442245851688220952918826,
            -2451365485707817300195741929983140976736655604923,
            1186579446567823413653996600121175999526868624168,
            -404296232052635048740006622981283164394046316664,
            85495436799707847250007833403799924583348639584,
            -11389418594057569975856637928625154610906526720,
            941614162232915639998272226414955963508550656,
            -44317302127811402771506565707504933277800448,
            907323149924614086291898054008618807681024,
        ],
    ),
}


def certificate() -> list[sp.Expr]:
    """c₃, c₂, c₁, c₀ as polynomials in s."""
    s = A.s_sym
    return [
        sum(sp.Integer(a) * s**i for i, a in enumerate(nums)) / d for d, nums in (CERTIFICATE[k] for k in (3, 2, 1, 0))
    ]


@claim(
    "cascade-e3-minpoly",
    title="the minimal polynomial of ε_3 (exact, certificate)",
    source=Source("derived"),
    statement="(ε_3 + 1)² is a root of m̂(s) = 8192s¹⁶ − 387072s¹⁵ + 7834624s¹⁴ − 88031232s¹³ + 585876512s¹² − "
    "2158227720s¹¹ + 2211361312s¹⁰ + 15958823175s⁹ − 68871388441s⁸ + 59290039854s⁷ + 234882618673s⁶ − "
    "524807876277s⁵ − 72612143404s⁴ + 308406843576s³ + 1539579145957s² − 7984925229121, which is irreducible over "
    "ℚ: m̂ is the minimal polynomial of (ε_3 + 1)², and m(ε) = m̂((ε + 1)²), irreducible of degree 32, is the "
    "minimal polynomial of ε_3, with exactly one root in the certified enclosure of ε_3. Proof: y = (2 − ε)/3 + "
    "(ε + 1)v conjugates f to F(v) = s(v³ − v/3) + 2(s − 9)/27 with s = (ε + 1)²; a quartic q(v) with "
    "coefficients in ℚ[s]/(m̂) (a certificate) has q(F(v)) ≡ 0 mod q and Res_v(q, F') ≡ −1, so at a root of m̂ "
    "the map F sends roots of q to roots of q and the product of F' over them is −1; at the root of m̂ in the "
    "enclosure of (ε_3 + 1)², interval arithmetic finds four real roots of q that F permutes in one 4-cycle, one "
    "of them in the Krawczyk box of ε_3, whose uniqueness makes that root (ε_3 + 1)².",
    method="exact: the conjugacy derived from the axis map; irreducibility by factorisation over ℚ; the "
    "certificate's two identities by normal forms in ℚ[s]/(m̂)[v]/(q) (a resultant as a 4×4 determinant); root "
    "counts by Sturm sequences; interval: Krawczyk for ε_3, sign changes and images of the four roots at 200 "
    "digits. m̂ was derived as a factor of the period-4 eliminant by modular elimination and q by PSLQ "
    "(minpoly.period4_eliminant, minpoly.period4_certificate); the proof does not depend on how they were found",
)
def e3_minpoly(p: Proof) -> None:
    s, v = A.s_sym, A.v_sym
    m_hat = sp.Poly(M_HAT, s)
    p.states(sp.Eq(m_hat.as_expr(), 0))
    f = axis_map()
    h, F, F_eps = A.conjugate_map()
    conj = "f(h(v)) = h(F(v)) for h(v) = (2 − ε)/3 + (ε + 1)v, and f'(h(v)) = F'(v) (h is affine)"
    p.equal(conj, sp.Matrix([f.subs(y, h), sp.diff(f, y).subs(y, h)]), sp.Matrix([h.subs(v, F_eps), sp.diff(F_eps, v)]))
    p.equal(
        "F(v) = s(v³ − v/3) + 2(s − 9)/27 with s = (ε + 1)²",
        sp.Matrix([F, F_eps]),
        sp.Matrix(
            [s * (v**3 - v / 3) + 2 * (s - 9) / 27, (s * (v**3 - v / 3) + 2 * (s - 9) / 27).subs(s, (eps + 1) ** 2)]
        ),
    )
    irreducible = "m̂ is irreducible over ℚ"
    p.check(
        irreducible,
        sp.factor_list(m_hat.as_expr())[1],
        [(m_hat.as_expr(), 1)],
        "sympy.factor_list over ℚ",
        evidence=Irreducible(s, m_hat.as_expr()),
    )
    m_eps = sp.expand(m_hat.as_expr().subs(s, (eps + 1) ** 2))
    p.check(
        "m(ε) = m̂((ε + 1)²) is irreducible over ℚ, of degree 32",
        [len(sp.factor_list(m_eps)[1]), sp.degree(m_eps, eps)],
        [1, 32],
        "sympy.factor_list over ℚ",
        evidence=Irreducible(eps, m_eps),
    )
    q_of_F, res = A.certificate_checks(m_hat, certificate())
    exact_q = (
        "q(F(v)) ≡ 0 modulo q and m̂: at every root of m̂, F maps the roots of q to roots of q",
        "Res_v(q, F') = Π F'(v_i) over the roots of q ≡ −1 modulo m̂",
    )
    p.check(exact_q[0], q_of_F, 0, "normal form in ℚ[v, s] modulo the Gröbner basis {q, m̂}")
    q = v**4 + sum(c * v**k for k, c in zip((3, 2, 1, 0), certificate()))
    p.check(
        exact_q[1],
        res,
        -1,
        "determinant of multiplication by F' on ℚ[s]/(m̂)[v]/(q), reduced modulo m̂",
        evidence=Resultant(v, q, sp.diff(F, v), modulo=m_hat.as_expr()),
    )
    cert = _certificate(3)
    if not cert.proved:
        raise AssertionError(f"ε_3 not certified: {cert.describe()}")
    box = "the Krawczyk box X of ε_3 holds exactly one solution (y, ε) of f⁴(y) = y, (f⁴)'(y) = −1"
    p.interval(box, cert.describe(), cert.box_proof)
    orbit = A.certificate_orbit(m_hat, certificate(), cert)
    e_lo, e_hi = (sp.Rational(exact(mp.make_mpf(end))) for end in cert.krawczyk.box[1]._mpi_)  # X's ε side
    p.check(
        "m̂ has exactly one real root s_r in {(ε + 1)² : ε ∈ X}",
        orbit.roots_in_box,
        1,
        "Sturm count of m̂ between the exact ends",
        evidence=Solutions(s, (sp.Eq(m_hat.as_expr(), 0), s >= (e_lo + 1) ** 2, s <= (e_hi + 1) ** 2)),
    )
    four = (
        "at s_r, q changes sign across four disjoint intervals (its four real roots), F maps each interval "
        "into a neighbourhood meeting the next one only (1 → 2 → 3 → 4 → 1), and h maps the first into X"
    )
    if not (orbit.one_four_cycle and orbit.inside_box):
        raise AssertionError(f"interval check failed: {orbit}")
    with mp.workdps(15):
        p.interval(
            four,
            f"at 200 digits, s_r in an isolating interval of width < 1e-100; root intervals of "
            f"half-width 1e-45 around {', '.join(mp.nstr(mp.mpf(J.mid), 12) for J in orbit.intervals)}; "
            f"cycle {orbit.cycle}",
            orbit.box_proof,
        )
    lo, hi = (sp.Rational(exact(mp.make_mpf(end))) for end in (cert.krawczyk.image[1]._mpi_))
    p.check(
        "m has exactly one real root in the certified enclosure of ε_3",
        sp.Poly(m_eps, eps).count_roots(lo, hi),
        1,
        "Sturm count",
        evidence=Solutions(eps, (sp.Eq(m_eps, 0), eps >= lo, eps <= hi)),
    )
    unique = (
        "at s_r the root v_r of q in the first interval lies on a 4-cycle of F with multiplier Π F' = −1, so "
        "y_r = h(v_r) solves f⁴(y) = y, (f⁴)'(y) = −1 with (y_r, √s_r − 1) in X: by uniqueness it is "
        "(y*, ε_3), so s_r = (ε_3 + 1)²"
    )
    p.infer(unique, (conj, *exact_q, box, four))
    p.infer(
        "m̂((ε_3 + 1)²) = 0 and m(ε_3) = 0 with m̂ and m irreducible: they are the minimal polynomials",
        (unique, irreducible, "m(ε) = m̂((ε + 1)²) is irreducible over ℚ, of degree 32"),
    )


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
