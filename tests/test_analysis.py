"""Tests of eos_theory.quadratic.closed_forms against computations that do not use it.

* exact: rational parameters chosen so that the EOS orbit is rational; parameter-space GD and its
  two-step Jacobian evaluated in Fractions must reproduce the closed forms exactly;
* high precision: plain mpmath loops of GD in θ at 60 digits (never the reduced map) from the
  paper's initialisation and from perturbed starts; agreement is reported in digits, and the
  digits required are derived from the working precision and the contraction run (below);
* the regime predicted by ``classify`` must match the multipliers of the exact orbit, computed
  here from the GD Jacobian in Fractions, over the whole range e > 1, and what GD does.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from eos_theory.numbers.parse import InputError, rational
from eos_theory.quadratic import closed_forms as A
from eos_theory.testing import examples

DPS = 60  #: working precision of the mpmath GD
# What rounding leaves near an attractor.  One GD step of the 2-D model rounds about 15 times, each
# time by at most 10^-DPS relative to |θ|.  Near a period-2 orbit or a minimum whose two-step (or
# one-step) map contracts the directions η·NTK depends on by μ ≤ 0.9 — the Jacobian there is
# diagonal in θ, so nothing grows transiently — these errors accumulate to at most
# 15·10^-DPS/(1 − μ) ≤ 1.5·10^-(DPS-2) relative, and η·NTK, quadratic in θ, doubles that:
# 3·10^-(DPS-2), i.e. at least DPS − 3 agreeing digits once the contraction has outrun the start.
PRECISION_DIGITS = DPS - 3


# -- independent computations --------------------------------------------------------------------
def gd_step_exact(w, E, eta, th):
    """One GD step θ_i ↦ (1 − ηz ω_i)θ_i in Fractions, z = ½Σω_iθ_i² − E."""
    z = sum(wi * ti * ti for wi, ti in zip(w, th)) / 2 - E
    return tuple((1 - eta * z * wi) * ti for wi, ti in zip(w, th))


def gd_jacobian_exact(w, E, eta, th):
    """∂θ'/∂θ of one GD step, by hand: δ_ij(1 − ηzω_i) − ηω_iθ_i·ω_jθ_j."""
    z = sum(wi * ti * ti for wi, ti in zip(w, th)) / 2 - E
    n = len(w)
    return [
        [(1 - eta * z * w[i] if i == j else 0) - eta * w[i] * th[i] * w[j] * th[j] for j in range(n)] for i in range(n)
    ]


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def ntk_exact(w, eta, th):
    return eta * sum(wi * wi * ti * ti for wi, ti in zip(w, th))


def mpf(v):
    v = Fraction(v)
    return mpmath.mpf(v.numerator) / v.denominator


STOP = mpmath.mpf(10) ** 8


def gd_mp(w, E, eta, th, steps, dps=DPS, stop=STOP):
    """θ-space GD in a local mpmath context; returns the last three iterates.

    ``stop`` is a guard, not a divergence test: callers expect a bounded run and treat None
    (|θ| left the box) as a failure.
    """
    with mpmath.workdps(dps):
        w1, w2 = mpf(w[0]), mpf(w[1])
        Em, em = mpf(E), mpf(eta)
        a, b = (t if isinstance(t, mpmath.mpf) else mpf(t) for t in th)
        last = []
        for _ in range(steps):
            z = (w1 * a * a + w2 * b * b) / 2 - Em
            a, b = a - em * z * w1 * a, b - em * z * w2 * b
            if abs(a) + abs(b) > stop:
                return None
            last = ([*last, (a, b)])[-3:]
        return last


def reduced_mp(w, E, eta, th):
    """(z̃, T̃) = (ηz, η·NTK) at θ, in the current mpmath context."""
    w1, w2, Em, em = mpf(w[0]), mpf(w[1]), mpf(E), mpf(eta)
    a, b = th
    return em * ((w1 * a * a + w2 * b * b) / 2 - Em), em * (w1 * w1 * a * a + w2 * w2 * b * b)


def digits_agree(x, y) -> int:
    """−log10 of the relative difference, in the current context (capped at its precision)."""
    diff = abs(x - y)
    if diff == 0:
        return mpmath.mp.dps
    scale = max(abs(x), abs(y), mpmath.mpf(1) * 10**-mpmath.mp.dps)
    return int(min(mpmath.mp.dps, -mpmath.log10(diff / scale)))


def mp_of(expr, dps=DPS):
    return mpmath.mpf(sp.N(expr, dps + 10))


# -- strategies ----------------------------------------------------------------------------------
small = st.fractions(min_value=Fraction(-4), max_value=Fraction(4), max_denominator=6)
nonzero = st.builds(
    lambda sign, v: sign * v,
    st.sampled_from([-1, 1]),
    st.fractions(min_value=Fraction(1, 6), max_value=Fraction(4), max_denominator=6),
)
# r = ω_other/ω_axis on the axis of e: r ≤ 0 or r ≥ 1
ratios = st.one_of(
    st.fractions(min_value=Fraction(-6), max_value=Fraction(0), max_denominator=4),
    st.fractions(min_value=Fraction(1), max_value=Fraction(6), max_denominator=4),
)


# r over a wider range, so that the orbit can also lose stability across the axis inside the
# along-window (r(r − 1)(e − 1) > 2 with e < √5 − 1 needs r(r − 1) > 8.5)
wide_ratios = st.one_of(
    st.fractions(min_value=Fraction(-12), max_value=Fraction(0), max_denominator=4),
    st.fractions(min_value=Fraction(1), max_value=Fraction(12), max_denominator=4),
)


@st.composite
def settings_for(draw, e_lo, e_hi, r_strategy=ratios):
    """(w, E, eta, axis, r, e): concrete parameters realising e ∈ [e_lo, e_hi] on a random axis."""
    e = draw(st.fractions(min_value=e_lo, max_value=e_hi, max_denominator=100))
    r = draw(r_strategy)
    s = draw(nonzero)  # ω on the axis
    E = abs(draw(nonzero)) * (1 if s > 0 else -1)  # E with the sign of ω_axis: ηEω_axis > 0
    eta = e / (E * s)
    axis = draw(st.sampled_from([0, 1]))
    w = [s, r * s] if axis == 0 else [r * s, s]
    return tuple(w), E, eta, axis, r, e


def closed(w, E, eta):
    return A.orbit_closed_forms(*(sp.Rational(v.numerator, v.denominator) for v in (*w, E, eta)))


def orbit_start(w, E, eta, axis, kick=Fraction(1, 1000)):
    """A start near the predicted orbit point y₊, kicked along and across the axis."""
    cf = closed(w, E, eta)
    y_hi = cf["cycle"]["points"][1]
    e = cf["epsilon"]
    T = mp_of(2 * (y_hi + e))  # η·NTK at y₊
    wa = mpf(w[axis])
    th_axis = mpmath.sqrt(T / (mpf(eta) * wa * wa)) * (1 + mpf(kick))
    wo = w[1 - axis]
    th_other = mpf(kick) / mpmath.sqrt(mpf(eta) * mpf(wo) ** 2) if wo != 0 else mpf(kick)
    return (th_axis, th_other) if axis == 0 else (th_other, th_axis)


ORBIT_KICK_DIGITS = 3  #: orbit_start kicks θ by 10^-3 (relative)
CONTRACTION_DIGITS = 45  #: steps_for runs until the two-step contraction reaches 10^-45


def steps_for(mu: float, digits: int = CONTRACTION_DIGITS) -> int:
    """GD steps for a contraction by 10^-digits at two-step rate |μ| (plus 200 for the start)."""
    return 2 * math.ceil(digits / -math.log10(mu)) + 200


def rational_orbit(k, s, a, r, axis):
    """Parameters whose EOS orbit is rational, and a point of it: (ε, ω, E, η, θ).

    ε = 1 + 4/(k² − 1) makes (ε − 1)(ε + 3) a square, so y₊ = (1 − ε + √((ε−1)(ε+3)))/2 is
    rational; η is chosen so that θ_axis = a lies on the orbit (η ω_axis² a² = 2(y₊ + ε)), E so
    that ηEω_axis = ε, and ω_other = r ω_axis.  All by hand, in Fractions.
    """
    eps = 1 + Fraction(4, 1) / (k * k - 1)
    root = Fraction(4, 1) * k / (k * k - 1)  # √((ε−1)(ε+3)), by hand
    assert root * root == (eps - 1) * (eps + 3)
    y_hi = ((1 - eps) + root) / 2
    eta = 2 * (y_hi + eps) / (s * s * a * a)
    E = eps / (eta * s)
    w = (s, r * s) if axis == 0 else (r * s, s)
    th = (a, Fraction(0)) if axis == 0 else (Fraction(0), a)
    return eps, w, E, eta, th


def exact_multipliers(w, E, eta, th, axis):
    """(along, across): eigenvalues of the two-step GD Jacobian at the orbit point θ, exactly.

    The product of the one-step Jacobians (by hand, in Fractions) is diagonal there; its diagonal
    entries are the multipliers along the axis and across it.
    """
    th1 = gd_step_exact(w, E, eta, th)
    jac = matmul(gd_jacobian_exact(w, E, eta, th1), gd_jacobian_exact(w, E, eta, th))
    assert jac[0][1] == jac[1][0] == 0
    return jac[axis][axis], jac[1 - axis][1 - axis]


def regime_from_multipliers(along: Fraction, across: Fraction) -> str:
    """The regime for e > 1 from the orbit's exact multipliers (docs/eos-2d.md §5–6).

    The orbit attracts iff |μ∥| < 1 and −1 < μ⊥ ≤ 1 (μ⊥ = 1 when r = 0 or r = 1: a family of
    orbits, each normally attracting).  μ⊥ = −1 is the transverse flip, subcritical (its cubic
    coefficient is measured in θ in test_transverse_flip_coefficient_in_parameter_space), so
    unstable; μ∥ = −1 needs ε = √5 − 1, never rational.  Every minimum has η·NTK ≥ 2e > 2.
    """
    assert along != -1
    return "period-2" if abs(along) < 1 and -1 < across <= 1 else "unstable"


# k for ε = 1 + 4/(k² − 1), a band drawn first so that each is well represented:
# e ∈ (1, √5 − 1), (√5 − 1, 2), (2, 4.2) and (4.2, 16]
K_BANDS = (
    (Fraction(17, 4), Fraction(12)),
    (Fraction(9, 4), Fraction(21, 5)),
    (Fraction(3, 2), Fraction(11, 5)),
    (Fraction(9, 8), Fraction(3, 2)),
)
orbit_k = st.sampled_from(K_BANDS).flatmap(lambda band: st.fractions(*band, max_denominator=8))
orbit_scale = st.fractions(min_value=Fraction(1, 4), max_value=Fraction(3), max_denominator=5)


# -- exact: rational EOS orbits ------------------------------------------------------------------
@settings(max_examples=examples(25))
@given(
    k=st.fractions(min_value=Fraction(3, 2), max_value=Fraction(9), max_denominator=6),
    s=nonzero,
    a=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(3), max_denominator=5),
    r=ratios,
    axis=st.sampled_from([0, 1]),
)
def test_rational_orbit_is_an_exact_two_cycle_of_parameter_space_gd(k, s, a, r, axis):
    """A rational orbit (see rational_orbit): GD in θ, in Fractions, must close the cycle."""
    eps, w, E, eta, th = rational_orbit(k, s, a, r, axis)
    th1 = gd_step_exact(w, E, eta, th)
    th2 = gd_step_exact(w, E, eta, th1)
    assert th2 == th and th1 != th
    cf = closed(w, E, eta)
    assert cf["epsilon"] == sp.Rational(eps.numerator, eps.denominator)
    assert cf["cycle"]["axis"] == axis + 1 or r == 1  # ω_1 = ω_2: every direction is an axis
    ntk = sorted([ntk_exact(w, eta, th), ntk_exact(w, eta, th1)])
    assert [Fraction(str(v)) for v in cf["cycle"]["ntk"]] == ntk
    assert Fraction(str(cf["cycle"]["mean_ntk"])) == sum(ntk) / 2
    assert Fraction(str(cf["cycle"]["offset"])) == sum(ntk) / 2 - 2
    along, across = exact_multipliers(w, E, eta, th, axis)
    assert [Fraction(str(m)) for m in cf["cycle"]["multipliers"]] == [along, across]


@settings(max_examples=examples(60))
@given(k=orbit_k, s=nonzero, a=orbit_scale, r=wide_ratios, axis=st.sampled_from([0, 1]))
@example(k=Fraction(2), s=Fraction(1), a=Fraction(1), r=Fraction(-1), axis=1)  # symmetric, e = 7/3 > 2
@example(k=Fraction(3), s=Fraction(1), a=Fraction(1), r=Fraction(-1), axis=0)  # symmetric, e = 3/2
@example(k=Fraction(5), s=Fraction(1), a=Fraction(1), r=Fraction(5), axis=0)  # e = 7/6, across −7/3
@example(k=Fraction(5), s=Fraction(-2), a=Fraction(1, 2), r=Fraction(4), axis=1)  # e = 7/6, across = −1
@example(k=Fraction(5), s=Fraction(1), a=Fraction(1), r=Fraction(-3), axis=1)  # e = 7/6, across = −1
@example(k=Fraction(5), s=Fraction(1), a=Fraction(1), r=Fraction(0), axis=0)  # ω_other = 0, e = 7/6
@example(k=Fraction(2), s=Fraction(3, 2), a=Fraction(1), r=Fraction(1), axis=0)  # ω_1 = ω_2, e = 7/3
def test_classify_follows_the_multipliers_of_the_exact_orbit_for_every_e_above_1(k, s, a, r, axis):
    """Over the whole range e > 1 (up to 16), and r on both sides of the window's edge, classify
    agrees with the multipliers of the exact orbit, computed from the GD Jacobian in Fractions."""
    eps, w, E, eta, th = rational_orbit(k, s, a, r, axis)
    along, across = exact_multipliers(w, E, eta, th, axis)
    assert across <= 1  # μ⊥ = 1 − r(r − 1)(ε − 1) and r(r − 1) ≥ 0 for r ≤ 0 or r ≥ 1
    want = regime_from_multipliers(along, across)
    assert A.classify(*w, E, eta) == want
    band = "e < √5-1" if eps * eps + 2 * eps - 4 < 0 else "√5-1 < e < 2" if eps < 2 else "e > 2"
    event(f"{band}: {want}" + (" (across)" if want == "unstable" and abs(along) < 1 else ""))


@settings(max_examples=examples(12))
@given(k=orbit_k, s=nonzero, a=orbit_scale, r=wide_ratios, axis=st.sampled_from([0, 1]))
@example(k=Fraction(2), s=Fraction(1), a=Fraction(1), r=Fraction(-1), axis=1)  # symmetric, e = 7/3 > 2
@example(k=Fraction(5), s=Fraction(1), a=Fraction(1), r=Fraction(5), axis=0)  # e = 7/6, unstable across
@example(k=Fraction(4), s=Fraction(1), a=Fraction(1), r=Fraction(-1), axis=0)  # e = 19/15: μ∥ = −1.28, slow
@example(k=Fraction(5), s=Fraction(1), a=Fraction(1), r=Fraction(9, 2), axis=1)  # e = 7/6: μ⊥ = −1.625, slow
def test_gd_is_repelled_from_an_unstable_orbit_at_the_rate_of_its_multiplier(k, s, a, r, axis):
    """Where the exact multipliers say "unstable", GD in θ at 60 digits, started 10^-20 off the
    orbit, moves away: the kick in the repelling coordinate grows by exactly μ^n (n two-step
    iterations) until it reaches 10^-10.

    Linear theory: each two-step iteration multiplies that coordinate's offset d by μ up to a
    relative C·d (the map is smooth, its Jacobian at the orbit diagonal, C the size of its second
    derivative against its first), so after n iterations the ratio is μ^n up to a relative
    C·Σ d_j ≤ C·10^-10·|μ|²/(|μ| − 1) ≤ C·2·10^-7 over the range drawn (101/100 ≤ |μ| ≤ 2·10^3).
    Requiring 4 digits leaves room for C up to 500 (8 to 20 digits agree in practice).  Rounding
    at 60 digits, amplified by at most 10^14, stays below 10^-35 relative to the offset.  The run is
    bounded by construction (offset ≤ 10^-10·|μ|), so no divergence test is needed.
    """
    _eps, w, E, eta, th = rational_orbit(k, s, a, r, axis)
    along, across = exact_multipliers(w, E, eta, th, axis)
    assume(regime_from_multipliers(along, across) == "unstable")
    assert A.classify(*w, E, eta) == "unstable"
    mu, c = max((abs(along), axis), (abs(across), 1 - axis))  # the repelling coordinate
    assume(mu >= Fraction(101, 100))  # slower repulsion needs more steps than the time budget
    mu_c = along if c == axis else across
    n = math.ceil(10 / math.log10(mu))  # two-step iterations: 10^-20·|μ|^n ≥ 10^-10
    with mpmath.workdps(DPS):
        kick = mpmath.mpf(10) ** -20
        start = [mpf(t) + kick * mpf(a) for t in th]  # offset 10^-20·a in both coordinates
        (point,) = gd_mp(w, E, eta, start, 2 * n)[-1:]
        ratio = (point[c] - mpf(th[c])) / (start[c] - mpf(th[c]))
        grown = digits_agree(ratio, mpf(mu_c) ** n)
        assert abs(point[c] - mpf(th[c])) >= mpmath.mpf(10) ** -10 * mpf(a) * (1 - mpmath.mpf(10) ** -2)
    event(f"multiplier {'along' if c == axis else 'across'}, |μ| {'< 2' if mu < 2 else '≥ 2'}: {grown} digits")
    assert grown >= 4, f"offset grew by {ratio}, μ^n = {mpf(mu_c) ** n}"


@settings(max_examples=examples(30))
@given(
    w=st.tuples(small, small),
    E=small,
    eta=st.fractions(min_value=Fraction(1, 8), max_value=Fraction(3), max_denominator=8),
    u=st.fractions(min_value=Fraction(0), max_value=Fraction(5), max_denominator=7),
    idx=st.sampled_from([0, 1]),
)
def test_min_ntk_bounds_every_exact_minimum_and_is_attained(w, E, eta, u, idx):
    """In u_i = θ_i² (z and NTK are linear in u), every feasible minimum has η·NTK ≥ min_ntk."""
    args = [sp.Rational(v.numerator, v.denominator) for v in (*w, E, eta)]
    eps = [eta * E * wi for wi in w]
    if E != 0 and not any(v > 0 for v in eps):
        with pytest.raises(InputError):
            A.min_ntk(*args)
        return
    m = Fraction(str(A.min_ntk(*args)))
    assert m == (0 if E == 0 else 2 * min(v for v in eps if v > 0))
    # a minimum: u_idx = u, the other from Σ ω_i u_i = 2E (if it is ≥ 0)
    j = 1 - idx
    if w[j] != 0:
        uj = (2 * E - w[idx] * u) / w[j]
        if uj >= 0:
            us = [0, 0]
            us[idx], us[j] = u, uj
            assert sum(wi * ui for wi, ui in zip(w, us)) == 2 * E
            assert eta * sum(wi * wi * ui for wi, ui in zip(w, us)) >= m
    if E != 0:  # attained at the vertex of the least positive ε
        k = min((i for i in (0, 1) if eps[i] > 0), key=lambda i: eps[i])
        uk = 2 * E / w[k]
        assert eta * w[k] * w[k] * uk == m


def regime_by_hand(w, E, eta):
    """The classification theorem (docs/eos-2d.md) in Fractions; None where InputError is due."""
    eps = [eta * E * wi for wi in w]
    if E == 0:
        return "minimum"
    pos = [(v, i) for i, v in enumerate(eps) if v > 0]
    if not pos:
        return None
    e, i = min(pos)
    if e <= 1:
        return "minimum"
    r = w[1 - i] / w[i]
    return "period-2" if e * e + 2 * e - 4 < 0 and r * (r - 1) * (e - 1) < 2 else "unstable"


@settings(max_examples=examples(80))
@given(
    w=st.tuples(small, small),
    E=small,
    eta=st.fractions(min_value=Fraction(1, 8), max_value=Fraction(4), max_denominator=8),
)
def test_classify_matches_the_theorem_on_all_inputs(w, E, eta):
    want = regime_by_hand(w, E, eta)
    if want is None:
        with pytest.raises(InputError, match="no zero-loss minimum"):
            A.classify(*w, E, eta)
    else:
        assert A.classify(*w, E, eta) == want
        event(want)


# -- high precision: the orbit, from perturbed starts --------------------------------------------
@settings(max_examples=examples(12))
@given(par=settings_for(Fraction(21, 20), Fraction(6, 5)))
def test_gd_converges_to_the_predicted_orbit(par):
    w, E, eta, axis, r, _e = par
    cf = closed(w, E, eta)
    along, across = (float(m) for m in cf["cycle"]["multipliers"])
    mu = abs(along) if r in (0, 1) else max(abs(along), abs(across))
    assume(mu <= 0.85)
    assert cf["regime"] == "period-2"
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, orbit_start(w, E, eta, axis), steps_for(mu))
        assert last is not None
        ntk = sorted(reduced_mp(w, E, eta, th)[1] for th in last[-2:])
        want = [mp_of(t) for t in cf["cycle"]["ntk"]]
        agree = min(digits_agree(a, b) for a, b in zip(ntk, want))
    event(f"digits agreeing with the closed form: {10 * (agree // 10)}+")
    # The 10^-3 kick, contracted by 10^-45 (no transient growth: the two-step Jacobian at the
    # orbit is diagonal), is 10^-48 relative in θ, 2·10^-48 in η·NTK: 47 digits; rounding allows 57.
    assert agree >= min(PRECISION_DIGITS, ORBIT_KICK_DIGITS + CONTRACTION_DIGITS - 1), f"only {agree} digits agree"


@pytest.mark.parametrize(
    "lr, regime",
    [("1/2", "minimum"), ("11/10", "period-2"), ("6/5", "period-2"), ("5/4", "unstable"), ("3/2", "unstable")],
)
def test_paper_initialisation_symmetric_case(lr, regime):
    """ω = (−1, 1), E = 1, J̃(ω_1) = J̃(ω_2) (θ_1 = −θ_2) with small NTK: the paper's set-up."""
    w, E, eta = (Fraction(-1), Fraction(1)), Fraction(1), Fraction(lr)
    assert A.classify(*w, E, eta) == regime
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, (mpf("1/10"), mpf("-1/10")), 4000)
        assert last is not None
        zs = [reduced_mp(w, E, eta, th) for th in last]
        # 4000 steps: after the sharpening transient (a few hundred steps, figure 1) the two-step
        # contraction μ ≤ 0.8 (minimum: one-step |1 − η·NTK| ≤ 1/2) has run for far more than the
        # 60 digits, so what remains is rounding: PRECISION_DIGITS (see its derivation).
        settled = mpmath.mpf(10) ** -PRECISION_DIGITS
        zt, T = zs[-1]
        if regime == "minimum":
            assert abs(zt) < settled
            # on a minimum η·NTK ≥ 2e, and off it by z̃: η·NTK − 2ω₂z̃ − 2e = 2ηθ₁² ≥ 0 (ω = ∓1)
            assert 2 * mpf(eta * E) + 2 * zt - settled * T <= T < 2
        elif regime == "period-2":
            cf = closed(w, E, eta)
            ntk = sorted(t for _, t in zs[-2:])
            agree = min(digits_agree(a, mp_of(b)) for a, b in zip(ntk, cf["cycle"]["ntk"]))
            assert agree >= PRECISION_DIGITS, f"only {agree} digits agree"
        else:  # settled on a 2-cycle or a minimum would leave rounding-sized differences
            (a0, b0), (a2, b2) = last[0], last[2]
            assert abs(a2 - a0) + abs(b2 - b0) > settled * (abs(a0) + abs(b0))  # no 2-cycle
            assert abs(zt) > settled  # no minimum


# -- the regime matches GD -----------------------------------------------------------------------
@settings(max_examples=examples(12))
@given(
    par=settings_for(Fraction(1, 10), Fraction(9, 10)),
    kick=st.fractions(min_value=Fraction(-1, 20), max_value=Fraction(1, 20), max_denominator=100),
)
def test_minimum_regime_gd_settles_at_a_stable_minimum(par, kick):
    w, E, eta, axis, _r, e = par
    assert A.classify(*w, E, eta) == "minimum"
    with mpmath.workdps(DPS):
        wa = mpf(w[axis])
        th_axis = mpmath.sqrt(2 * mpf(E) / wa) * (1 + mpf(kick))  # the least-NTK minimum, kicked
        wo = w[1 - axis]
        th_other = mpf(kick) / (mpmath.sqrt(mpf(eta)) * abs(mpf(wo))) if wo != 0 else mpf(kick)
        start = (th_axis, th_other) if axis == 0 else (th_other, th_axis)
        # one-step multiplier 1 − η·NTK at a minimum with η·NTK ∈ [2e, 2.6e] (checked below)
        mu = max(abs(1 - 2 * float(e)), abs(1 - 2 * float(e) * 1.3), 0.3)
        assume(mu < 0.9)
        last = gd_mp(w, E, eta, start, steps_for(mu) // 2)  # contracts one-step by 10^-45
        assert last is not None
        zt, T = reduced_mp(w, E, eta, last[-1])
        assert 2 * mpf(e) * mpf("1.3") >= T  # the rate assumed for the step count holds
        # |z̃₀| < 1 (kick ≤ 1/20), contracted by 10^-45 with 5 digits left for the nonlinear start;
        # rounding (10^-(DPS-3)) is far below.
        assert abs(zt) < mpmath.mpf(10) ** -(CONTRACTION_DIGITS - 5)
        # η·NTK − 2ω_axis z̃ − 2e = Σ ω_i(ω_i − ω_axis)ηθ_i² ≥ 0 (no ω_i strictly between 0 and
        # ω_axis: r ≤ 0 or r ≥ 1), so η·NTK ≥ 2e up to the offset z̃ and rounding
        wa = mpf(w[axis])
        assert 2 * mpf(e) + 2 * wa * zt - mpmath.mpf(10) ** -PRECISION_DIGITS * T <= T < 2


@pytest.mark.parametrize(
    "w, E, eta, regime",
    [
        ((Fraction(-1), Fraction(2)), Fraction(0), Fraction(1, 2), "minimum"),  # E = 0: minima through θ = 0
        ((Fraction(0), Fraction(1)), Fraction(1), Fraction(11, 10), "period-2"),  # ω_1 = 0: θ_1 is frozen
        ((Fraction(2), Fraction(2)), Fraction(1), Fraction(23, 40), "period-2"),  # ω_1 = ω_2: radial
        ((Fraction(2), Fraction(2)), Fraction(1), Fraction(1, 5), "minimum"),
    ],
)
def test_degenerate_cases_are_classified_and_gd_agrees(w, E, eta, regime):
    assert A.classify(*w, E, eta) == regime
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, (mpf("7/10"), mpf("3/5")), 4000)
        zs = [reduced_mp(w, E, eta, th) for th in last]
        # 4000 steps at contraction ≤ 0.25 (two-step along the orbit; one-step 1 − η·NTK ≈ 0.2 at
        # these minima) leave only rounding; the neutral direction (r = 0: θ₁ frozen; r = 1: along
        # the circle of orbits) does not change η·NTK.  See PRECISION_DIGITS.
        if regime == "minimum":
            assert abs(zs[-1][0]) < mpmath.mpf(10) ** -PRECISION_DIGITS and 0 <= zs[-1][1] < 2
        else:
            cf = closed(w, E, eta)
            assert cf["cycle"]["multipliers"][1] == 1  # a family of orbits
            ntk = sorted(t for _, t in zs[-2:])
            agree = min(digits_agree(a, mp_of(b)) for a, b in zip(ntk, cf["cycle"]["ntk"]))
            assert agree >= PRECISION_DIGITS


# -- progressive sharpening in the symmetric case ------------------------------------------------
@settings(max_examples=examples(15))
@given(
    eps=st.fractions(min_value=Fraction(1, 10), max_value=Fraction(9, 10), max_denominator=20),
    c=st.fractions(min_value=Fraction(1, 20), max_value=Fraction(1, 2), max_denominator=20),
)
def test_final_ntk_from_the_trajectory_and_bound(eps, c):
    """ω = (−1, 1), E = 1, η = ε; start J̃₁ = J̃₂ = c (θ₁ = −θ₂ = c/√η)."""
    w, E, eta = (Fraction(-1), Fraction(1)), Fraction(1), eps
    with mpmath.workdps(DPS):
        s = mpmath.sqrt(mpf(eta))
        th = (-mpf(c) / s, mpf(c) / s)
        P0 = mpf(c) ** 2  # J̃₁J̃₂
        prod, max_x = mpmath.mpf(1), mpmath.mpf(0)
        a, b = th
        em, half_em = mpf(eta), mpf(eta) / 2
        for n in range(3000):
            if n < 2:
                zt, T = reduced_mp(w, E, eta, (a, b))
            if n == 0:  # x₀ = ωz̃ = −ε: θ₁² = θ₂² exactly, so only a few roundings of size ε
                assert abs(zt + mpf(eps)) < mpmath.mpf(10) ** -PRECISION_DIGITS
                T0 = T
            if n == 1:  # first step raises T̃ by ε²T̃₀
                # T̃₁ − T̃₀ cancels: ~15 roundings of T̃₁ ≤ 2T̃₀ against ε²T̃₀ ≥ T̃₀/100 give a relative
                # error ≤ 15·10^-DPS·200 = 3·10^-(DPS-3): DPS − 4 digits
                assert digits_agree(T - T0, mpf(eps) ** 2 * T0) >= DPS - 4
            x = half_em * (b * b - a * a) - em  # x = ωz̃ = η((θ₂² − θ₁²)/2 − E) with ω = 1, E = 1
            prod *= 1 - x * x
            max_x = max(max_x, abs(x))
            a, b = a * (1 + x), b * (1 - x)  # θ_i ← (1 − ηzω_i)θ_i, ω = (−1, 1)
        zt, T = reduced_mp(w, E, eta, (a, b))
        # a minimum with η·NTK ∈ [2ε, 2√(ε² + 1/16)] ⊂ [0.2, 1.87]: one-step contraction ≤ 0.87, so
        # 3000 steps leave only rounding (PRECISION_DIGITS)
        assert abs(zt) < mpmath.mpf(10) ** -PRECISION_DIGITS
        predicted = 2 * mpmath.sqrt(mpf(eps) ** 2 + (P0 * prod) ** 2)
        # the product of 3000 rounded factors is off by ≤ 3000·2·10^-DPS = 6·10^-(DPS+3) relative,
        # which η·NTK's rounding (PRECISION_DIGITS) barely adds to: DPS − 4 digits
        assert digits_agree(T, predicted) >= DPS - 4
        if max_x <= mpmath.sqrt(2):
            assert 2 * mpmath.sqrt(mpf(eps) ** 2 + P0**2) >= T


# -- the transverse flip, measured in θ ----------------------------------------------------------
def test_transverse_flip_coefficient_in_parameter_space():
    """ω = (1, 4), E = 7/6, η = 1: ε = 7/6 = 1 + 2/(r(r−1)) with r = 4, orbit point y = 1/3 (θ₁ = √3).

    Near the orbit the two-step map acts on q = η^{1/2}ω₂θ₂ as q ↦ −q + c q³ + O(q⁵) once the
    along-axis transient (multiplier 7 − 4ε − 2ε² = −7/18) has died out; measure c.
    """
    tf = A.transverse_flip()
    c_exact = tf.c.subs({A.r: 4, A.y: sp.Rational(1, 3)})
    w, E, eta = (Fraction(1), Fraction(4)), Fraction(7, 6), Fraction(1)
    with mpmath.workdps(DPS):
        q0 = mpmath.mpf(10) ** -7
        a, b = mpmath.sqrt(3), q0 / 4
        for _ in range(2 * 80):  # settle onto the centre manifold
            ((a, b),) = gd_mp(w, E, eta, (a, b), 1)[-1:]
        q1 = 4 * b
        ((_a2, b2),) = gd_mp(w, E, eta, (a, b), 2)[-1:]
        q2 = 4 * b2
        c_est = (q2 + q1) / q1**3
        agree = digits_agree(c_est, mp_of(c_exact))
    assert agree >= 10, f"c ≈ {c_est}, exact {c_exact}: {agree} digits"  # O(q²) = 1e-14 truncation


# -- the report ----------------------------------------------------------------------------------
def significant_digits(text: str) -> int:
    return len(text.lstrip("-").replace(".", "").lstrip("0"))


@pytest.mark.parametrize("digits", [5, 30, 45])
def test_orbit_report_shape_and_digits(digits):
    rep = A.orbit_report(-1, 1, "1.1", 1, digits=digits)
    assert set(rep) == {"epsilon", "regime", "min_ntk", "cycle", "check"} and rep["check"] is None
    assert rep["regime"] == "period-2"
    # e = 1.1 and everything rational in it prints exactly (fewer than D digits): by hand, min η·NTK = 2e = 2.2,
    # mean 1 + e = 2.1, offset e − 1 = 0.1, multipliers 7 − 4e − 2e² = 0.18 and 3 − 2e = 0.8
    exact = [
        rep["epsilon"],
        rep["min_ntk"],
        rep["cycle"]["mean_ntk"],
        rep["cycle"]["offset"],
        *rep["cycle"]["multipliers"],
    ]
    assert exact == ["1.1", "2.2", "2.1", "0.1", "0.18", "0.8"]
    assert all(significant_digits(t) == digits for t in rep["cycle"]["ntk"]), rep["cycle"]["ntk"]  # irrational
    with mpmath.workdps(digits + 10):  # ntk = 2.1 ± √(0.1·4.1), rounded to `digits`
        d = mpmath.sqrt(mpmath.mpf("0.41"))
        for text, v in zip(rep["cycle"]["ntk"], (mpmath.mpf("2.1") - d, mpmath.mpf("2.1") + d)):
            assert abs(mpmath.mpf(text) - v) <= mpmath.mpf(10) ** (-digits + 1) * abs(v) / 2


def test_orbit_report_regimes_and_null_cycle():
    assert A.orbit_report(-1, 1, 1, "1/2")["cycle"] is None
    assert A.orbit_report(-1, 1, 1, "1/2")["regime"] == "minimum"
    unstable = A.orbit_report(-1, 1, 1, 2, digits=8)
    assert unstable["regime"] == "unstable" and unstable["cycle"] is not None
    assert unstable["cycle"]["multipliers"] == ["-9", "-1"]  # 7 − 8 − 8, 3 − 4: exact integers print exactly
    zero = A.orbit_report(-1, 1, 0, 1)
    assert zero["epsilon"] == "0" and zero["min_ntk"] == "0" and zero["regime"] == "minimum"


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 1, 1, 0), "lr must be positive"),
        ((-1, -2, 1, 1), "no zero-loss minimum"),
        ((1, 2, -1, 1), "no zero-loss minimum"),
        ((0, 0, 1, 1), "no zero-loss minimum"),
        ((-1, 1, 1.5, 1), "must be exact"),
        ((-1, 1, "one", 1), "as an exact number"),
    ],
)
def test_invalid_inputs_raise_one_line_input_errors(args, message):
    with pytest.raises(InputError, match=message) as info:
        A.orbit_report(*args)
    assert "\n" not in str(info.value)


def test_exact_accepts_decimals_and_fractions_exactly():
    assert rational("1.05") == rational("21/20") == sp.Rational(21, 20)
    assert rational(Fraction(-3, 7)) == sp.Rational(-3, 7)
    assert rational(" -2/4 ") == sp.Rational(-1, 2)


@settings(max_examples=examples(25))
@given(par=settings_for(Fraction(21, 20), Fraction(5, 2)))
def test_orbit_theta_is_a_two_cycle_of_gd_at_high_precision(par):
    w, E, eta, _axis, _r, _e = par
    p1, p2 = A.orbit_theta(*(sp.Rational(v.numerator, v.denominator) for v in (*w, E, eta)))
    with mpmath.workdps(DPS):
        a = tuple(mp_of(v) for v in p1)
        b = tuple(mp_of(v) for v in p2)
        (a1,) = gd_mp(w, E, eta, a, 1)
        (b1,) = gd_mp(w, E, eta, b, 1)
        agree = min(digits_agree(u, v) for u, v in zip((*a1, *b1), (*b, *a)) if u != 0 or v != 0)
    # the rounded start (10^-DPS) and the step's ~15 roundings, through a one-step Jacobian with
    # entries |1 − ω_i z̃| ≤ 10 for e ≤ 5/2, |r| ≤ 6: ≤ 10·16·10^-DPS relative, so DPS − 3 digits
    assert agree >= DPS - 3


@settings(max_examples=examples(40))
@given(
    a=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(4), max_denominator=4),
    b=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(4), max_denominator=4),
    E=nonzero,
    eta=st.fractions(min_value=Fraction(1, 20), max_value=Fraction(1, 2), max_denominator=20),
    th=st.tuples(nonzero, nonzero),
)
def test_gf_invariant_does_not_increase_on_steps_without_overshoot(a, b, E, eta, th):
    """ω = (−a, b): I = J̃₁^{2b}J̃₂^{2a}; on a step with 1 − ω_i z̃ ≥ 0 for both i, I' ≤ I."""
    w = (-a, b)
    with mpmath.workdps(DPS):
        th0 = tuple(mpf(t) for t in th)
        zt, _ = reduced_mp(w, E, eta, th0)
        assume(1 + mpf(a) * zt >= 0 and 1 - mpf(b) * zt >= 0)
        (th1,) = gd_mp(w, E, eta, th0, 1)
        logI = lambda t: 2 * mpf(b) * mpmath.log(abs(mpf(a) * t[0])) + 2 * mpf(a) * mpmath.log(abs(mpf(b) * t[1]))  # noqa: E731
        # log I evaluated twice: 2 terms with coefficients ≤ 8 and |log| ≤ 4 each rounded at
        # 10^-DPS, plus θ₁'s ~15 roundings through the logs: < 10^-(DPS-3) in all (I' = I when z̃ = 0)
        assert logI(th1) <= logI(th0) + mpmath.mpf(10) ** -(DPS - 3)
