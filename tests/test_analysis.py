"""Tests of eos_theory.analysis against computations that do not use it.

* exact: rational parameters chosen so that the EOS orbit is rational; parameter-space GD and its
  two-step Jacobian evaluated in Fractions must reproduce the closed forms exactly;
* high precision: plain mpmath loops of GD in θ at 60 digits (never the reduced map) from the
  paper's initialisation and from perturbed starts; agreement is reported in digits and must
  reach 25 where an attractor is predicted;
* the regime predicted by ``classify`` must match what that GD does.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from eos_theory import analysis as A
from eos_theory.model import InputError

DPS = 60  #: working precision of the mpmath GD
AGREE = 25  #: digits that must agree where an attractor is predicted
SQRT5_M1 = (math.sqrt(5) - 1)  # only used to place test parameters, never as evidence


def examples(n: int) -> int:
    """n examples under the default (ci) profile, proportionally more under 'thorough'."""
    return n * max(1, settings.default.max_examples // 40)


# -- independent computations --------------------------------------------------------------------
def gd_step_exact(w, E, eta, th):
    """One GD step θ_i ↦ (1 − ηz ω_i)θ_i in Fractions, z = ½Σω_iθ_i² − E."""
    z = sum(wi * ti * ti for wi, ti in zip(w, th)) / 2 - E
    return tuple((1 - eta * z * wi) * ti for wi, ti in zip(w, th))


def gd_jacobian_exact(w, E, eta, th):
    """∂θ'/∂θ of one GD step, by hand: δ_ij(1 − ηzω_i) − ηω_iθ_i·ω_jθ_j."""
    z = sum(wi * ti * ti for wi, ti in zip(w, th)) / 2 - E
    n = len(w)
    return [[(1 - eta * z * w[i] if i == j else 0) - eta * w[i] * th[i] * w[j] * th[j] for j in range(n)]
            for i in range(n)]


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def ntk_exact(w, eta, th):
    return eta * sum(wi * wi * ti * ti for wi, ti in zip(w, th))


def mpf(v):
    v = Fraction(v)
    return mpmath.mpf(v.numerator) / v.denominator


def gd_mp(w, E, eta, th, steps, dps=DPS, stop=mpmath.mpf(10) ** 8):
    """θ-space GD in a local mpmath context; returns the last three iterates (or None if |θ| > stop)."""
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
            last = (last + [(a, b)])[-3:]
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
    scale = max(abs(x), abs(y), mpmath.mpf(1) * 10 ** -mpmath.mp.dps)
    return int(min(mpmath.mp.dps, -mpmath.log10(diff / scale)))


def mp_of(expr, dps=DPS):
    return mpmath.mpf(sp.N(expr, dps + 10))


# -- strategies ----------------------------------------------------------------------------------
small = st.fractions(min_value=Fraction(-4), max_value=Fraction(4), max_denominator=6)
nonzero = st.builds(lambda sign, v: sign * v, st.sampled_from([-1, 1]),
                    st.fractions(min_value=Fraction(1, 6), max_value=Fraction(4), max_denominator=6))
# r = ω_other/ω_axis on the axis of e: r ≤ 0 or r ≥ 1
ratios = st.one_of(st.fractions(min_value=Fraction(-6), max_value=Fraction(0), max_denominator=4),
                   st.fractions(min_value=Fraction(1), max_value=Fraction(6), max_denominator=4))


far_ratios = st.one_of(st.fractions(min_value=Fraction(-12), max_value=Fraction(-6), max_denominator=3),
                       st.fractions(min_value=Fraction(7), max_value=Fraction(12), max_denominator=3))


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
    e = cf["e"]
    T = mp_of(2 * (y_hi + e))  # η·NTK at y₊
    wa = mpf(w[axis])
    th_axis = mpmath.sqrt(T / (mpf(eta) * wa * wa)) * (1 + mpf(kick))
    wo = w[1 - axis]
    th_other = mpf(kick) / mpmath.sqrt(mpf(eta) * mpf(wo) ** 2) if wo != 0 else mpf(kick)
    return (th_axis, th_other) if axis == 0 else (th_other, th_axis)


def steps_for(mu: float, digits: int = 45) -> int:
    """Two-step iterations for a contraction by 10^-digits at rate |μ| (plus a transient)."""
    return 2 * math.ceil(digits / -math.log10(mu)) + 200


# -- exact: rational EOS orbits ------------------------------------------------------------------
@settings(max_examples=examples(25))
@given(k=st.fractions(min_value=Fraction(3, 2), max_value=Fraction(9), max_denominator=6),
       s=nonzero, a=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(3), max_denominator=5),
       r=ratios, axis=st.sampled_from([0, 1]))
def test_rational_orbit_is_an_exact_two_cycle_of_parameter_space_gd(k, s, a, r, axis):
    """ε = 1 + 4/(k² − 1) makes (ε−1)(ε+3) a square; GD in θ, in Fractions, must close the cycle."""
    eps = 1 + Fraction(4, 1) / (k * k - 1)
    root = Fraction(4, 1) * k / (k * k - 1)  # √((ε−1)(ε+3)), by hand
    assert root * root == (eps - 1) * (eps + 3)
    y_hi = ((1 - eps) + root) / 2
    eta = 2 * (y_hi + eps) / (s * s * a * a)  # η ω_axis² a² = 2(y + ε): θ_axis = a is on the orbit
    E = eps / (eta * s)
    w = (s, r * s) if axis == 0 else (r * s, s)
    th = (a, Fraction(0)) if axis == 0 else (Fraction(0), a)
    th1 = gd_step_exact(w, E, eta, th)
    th2 = gd_step_exact(w, E, eta, th1)
    assert th2 == th and th1 != th
    cf = closed(w, E, eta)
    assert cf["e"] == sp.Rational(eps.numerator, eps.denominator)
    assert cf["cycle"]["axis"] == axis + 1 or r == 1  # ω_1 = ω_2: every direction is an axis
    ntk = sorted([ntk_exact(w, eta, th), ntk_exact(w, eta, th1)])
    assert [Fraction(str(v)) for v in cf["cycle"]["ntk"]] == ntk
    assert Fraction(str(cf["cycle"]["mean_ntk"])) == sum(ntk) / 2
    assert Fraction(str(cf["cycle"]["offset"])) == sum(ntk) / 2 - 2
    jac = matmul(gd_jacobian_exact(w, E, eta, th1), gd_jacobian_exact(w, E, eta, th))
    assert jac[0][1] == jac[1][0] == 0
    along, across = jac[axis][axis], jac[1 - axis][1 - axis]
    assert [Fraction(str(m)) for m in cf["cycle"]["multipliers"]] == [along, across]


@settings(max_examples=examples(30))
@given(w=st.tuples(small, small), E=small, eta=st.fractions(min_value=Fraction(1, 8), max_value=Fraction(3),
                                                            max_denominator=8),
       u=st.fractions(min_value=Fraction(0), max_value=Fraction(5), max_denominator=7), idx=st.sampled_from([0, 1]))
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
@given(w=st.tuples(small, small), E=small, eta=st.fractions(min_value=Fraction(1, 8), max_value=Fraction(4),
                                                            max_denominator=8))
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
    w, E, eta, axis, r, e = par
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
    assert agree >= AGREE, f"only {agree} digits agree"


@pytest.mark.parametrize("lr, regime", [("1/2", "minimum"), ("11/10", "period-2"), ("6/5", "period-2"),
                                        ("5/4", "unstable"), ("3/2", "unstable")])
def test_paper_initialisation_symmetric_case(lr, regime):
    """ω = (−1, 1), E = 1, J̃(ω_1) = J̃(ω_2) (θ_1 = −θ_2) with small NTK: the paper's set-up."""
    w, E, eta = (Fraction(-1), Fraction(1)), Fraction(1), Fraction(lr)
    assert A.classify(*w, E, eta) == regime
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, (mpf("1/10"), mpf("-1/10")), 4000)
        assert last is not None
        zs = [reduced_mp(w, E, eta, th) for th in last]
        if regime == "minimum":
            assert abs(zs[-1][0]) < mpmath.mpf(10) ** -40
            assert 2 * mpf(eta * E) <= zs[-1][1] < 2
        elif regime == "period-2":
            cf = closed(w, E, eta)
            ntk = sorted(t for _, t in zs[-2:])
            agree = min(digits_agree(a, mp_of(b)) for a, b in zip(ntk, cf["cycle"]["ntk"]))
            assert agree >= AGREE, f"only {agree} digits agree"
        else:
            (a0, b0), (a2, b2) = last[0], last[2]
            assert abs(a2 - a0) + abs(b2 - b0) > mpmath.mpf(10) ** -20  # no 2-cycle
            assert abs(zs[-1][0]) > mpmath.mpf(10) ** -20  # no minimum


# -- the regime matches GD -----------------------------------------------------------------------
@settings(max_examples=examples(12))
@given(par=settings_for(Fraction(1, 10), Fraction(9, 10)),
       kick=st.fractions(min_value=Fraction(-1, 20), max_value=Fraction(1, 20), max_denominator=100))
def test_minimum_regime_gd_settles_at_a_stable_minimum(par, kick):
    w, E, eta, axis, r, e = par
    assert A.classify(*w, E, eta) == "minimum"
    with mpmath.workdps(DPS):
        wa = mpf(w[axis])
        th_axis = mpmath.sqrt(2 * mpf(E) / wa) * (1 + mpf(kick))  # the least-NTK minimum, kicked
        wo = w[1 - axis]
        th_other = mpf(kick) / (mpmath.sqrt(mpf(eta)) * abs(mpf(wo))) if wo != 0 else mpf(kick)
        start = (th_axis, th_other) if axis == 0 else (th_other, th_axis)
        mu = max(abs(1 - 2 * float(e)), abs(1 - 2 * float(e) * 1.3), 0.3)
        assume(mu < 0.9)
        last = gd_mp(w, E, eta, start, steps_for(mu) // 2)
        assert last is not None
        zt, T = reduced_mp(w, E, eta, last[-1])
        assert abs(zt) < mpmath.mpf(10) ** -30
        assert 2 * mpf(e) - mpmath.mpf(10) ** -30 <= T < 2  # a minimum inside the stable interval


@settings(max_examples=examples(10))
@given(par=st.one_of(settings_for(Fraction(63, 50), Fraction(19, 10)),  # beyond √5 − 1 along the axis
                     settings_for(Fraction(6, 5), Fraction(6, 5), far_ratios)))  # across: r(r − 1)/5 > 2
def test_unstable_regime_gd_finds_neither_minimum_nor_two_cycle(par):
    w, E, eta, axis, r, e = par
    assert A.classify(*w, E, eta) == "unstable"
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, orbit_start(w, E, eta, axis), 3000)
        if last is None:
            return  # diverged
        (a0, b0), (a2, b2) = last[0], last[2]
        assert abs(a2 - a0) + abs(b2 - b0) > mpmath.mpf(10) ** -20
        assert abs(reduced_mp(w, E, eta, last[-1])[0]) > mpmath.mpf(10) ** -20


@pytest.mark.parametrize("w, E, eta, regime", [
    ((Fraction(-1), Fraction(2)), Fraction(0), Fraction(1, 2), "minimum"),  # E = 0: minima through θ = 0
    ((Fraction(0), Fraction(1)), Fraction(1), Fraction(11, 10), "period-2"),  # ω_1 = 0: θ_1 is frozen
    ((Fraction(2), Fraction(2)), Fraction(1), Fraction(23, 40), "period-2"),  # ω_1 = ω_2: radial
    ((Fraction(2), Fraction(2)), Fraction(1), Fraction(1, 5), "minimum"),
])
def test_degenerate_cases_are_classified_and_gd_agrees(w, E, eta, regime):
    assert A.classify(*w, E, eta) == regime
    with mpmath.workdps(DPS):
        last = gd_mp(w, E, eta, (mpf("7/10"), mpf("3/5")), 4000)
        zs = [reduced_mp(w, E, eta, th) for th in last]
        if regime == "minimum":
            assert abs(zs[-1][0]) < mpmath.mpf(10) ** -30 and 0 <= zs[-1][1] < 2
        else:
            cf = closed(w, E, eta)
            assert cf["cycle"]["multipliers"][1] == 1  # a family of orbits
            ntk = sorted(t for _, t in zs[-2:])
            agree = min(digits_agree(a, mp_of(b)) for a, b in zip(ntk, cf["cycle"]["ntk"]))
            assert agree >= AGREE


# -- progressive sharpening in the symmetric case ------------------------------------------------
@settings(max_examples=examples(15))
@given(eps=st.fractions(min_value=Fraction(1, 10), max_value=Fraction(9, 10), max_denominator=20),
       c=st.fractions(min_value=Fraction(1, 20), max_value=Fraction(1, 2), max_denominator=20))
def test_final_ntk_from_the_trajectory_and_bound(eps, c):
    """ω = (−1, 1), E = 1, η = ε; start J̃₁ = J̃₂ = c (θ₁ = −θ₂ = c/√η)."""
    w, E, eta = (Fraction(-1), Fraction(1)), Fraction(1), eps
    with mpmath.workdps(DPS):
        s = mpmath.sqrt(mpf(eta))
        th = (-mpf(c) / s, mpf(c) / s)
        P0 = mpf(c) ** 2  # J̃₁J̃₂
        prod, max_x = mpmath.mpf(1), mpmath.mpf(0)
        a, b = th
        for n in range(3000):
            zt, T = reduced_mp(w, E, eta, (a, b))
            if n == 0:
                assert abs(zt + mpf(eps)) < mpmath.mpf(10) ** -(DPS - 5)  # x₀ = ωz̃ = −ε
                T0 = T
            if n == 1:  # first step raises T̃ by ε²T̃₀
                assert digits_agree(T - T0, mpf(eps) ** 2 * T0) >= DPS - 10
            x = zt  # ω = 1
            prod *= 1 - x * x
            max_x = max(max_x, abs(x))
            z = zt / mpf(eta)
            a, b = a - mpf(eta) * z * (-1) * a, b - mpf(eta) * z * b
        zt, T = reduced_mp(w, E, eta, (a, b))
        assert abs(zt) < mpmath.mpf(10) ** -40
        predicted = 2 * mpmath.sqrt(mpf(eps) ** 2 + (P0 * prod) ** 2)
        assert digits_agree(T, predicted) >= AGREE
        if max_x <= mpmath.sqrt(2):
            assert T <= 2 * mpmath.sqrt(mpf(eps) ** 2 + P0**2)


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
            (a, b), = gd_mp(w, E, eta, (a, b), 1)[-1:]
        q1 = 4 * b
        (a2, b2), = gd_mp(w, E, eta, (a, b), 2)[-1:]
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
    assert set(rep) == {"e", "regime", "min_ntk", "cycle", "check"} and rep["check"] is None
    assert rep["regime"] == "period-2"
    # e = 1.1 and everything rational in it prints exactly (fewer than D digits): by hand, min η·NTK = 2e = 2.2,
    # mean 1 + e = 2.1, offset e − 1 = 0.1, multipliers 7 − 4e − 2e² = 0.18 and 3 − 2e = 0.8
    exact = [rep["e"], rep["min_ntk"], rep["cycle"]["mean_ntk"], rep["cycle"]["offset"], *rep["cycle"]["multipliers"]]
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
    assert zero["e"] == "0" and zero["min_ntk"] == "0" and zero["regime"] == "minimum"


@pytest.mark.parametrize("args, message", [
    ((-1, 1, 1, 0), "lr must be positive"),
    ((-1, -2, 1, 1), "no zero-loss minimum"),
    ((1, 2, -1, 1), "no zero-loss minimum"),
    ((0, 0, 1, 1), "no zero-loss minimum"),
    ((-1, 1, 1.5, 1), "must be exact"),
    ((-1, 1, "one", 1), "as an exact number"),
])
def test_invalid_inputs_raise_one_line_input_errors(args, message):
    with pytest.raises(InputError, match=message) as info:
        A.orbit_report(*args)
    assert "\n" not in str(info.value)


def test_exact_accepts_decimals_and_fractions_exactly():
    assert A.exact("1.05") == A.exact("21/20") == sp.Rational(21, 20)
    assert A.exact(Fraction(-3, 7)) == sp.Rational(-3, 7)
    assert A.exact(" -2/4 ") == sp.Rational(-1, 2)


@settings(max_examples=examples(25))
@given(par=settings_for(Fraction(21, 20), Fraction(5, 2)))
def test_orbit_theta_is_a_two_cycle_of_gd_at_high_precision(par):
    w, E, eta, axis, r, e = par
    p1, p2 = A.orbit_theta(*(sp.Rational(v.numerator, v.denominator) for v in (*w, E, eta)))
    with mpmath.workdps(DPS):
        a = tuple(mp_of(v) for v in p1)
        b = tuple(mp_of(v) for v in p2)
        (a1,) = gd_mp(w, E, eta, a, 1)
        (b1,) = gd_mp(w, E, eta, b, 1)
        agree = min(digits_agree(u, v) for u, v in zip((*a1, *b1), (*b, *a)) if u != 0 or v != 0)
    assert agree >= DPS - 5


@settings(max_examples=examples(40))
@given(a=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(4), max_denominator=4),
       b=st.fractions(min_value=Fraction(1, 4), max_value=Fraction(4), max_denominator=4),
       E=nonzero, eta=st.fractions(min_value=Fraction(1, 20), max_value=Fraction(1, 2), max_denominator=20),
       th=st.tuples(nonzero, nonzero))
def test_gf_invariant_does_not_increase_on_steps_without_overshoot(a, b, E, eta, th):
    """ω = (−a, b): I = J̃₁^{2b}J̃₂^{2a}; on a step with 1 − ω_i z̃ ≥ 0 for both i, I' ≤ I."""
    w = (-a, b)
    with mpmath.workdps(DPS):
        th0 = tuple(mpf(t) for t in th)
        zt, _ = reduced_mp(w, E, eta, th0)
        assume(1 + mpf(a) * zt >= 0 and 1 - mpf(b) * zt >= 0)
        (th1,) = gd_mp(w, E, eta, th0, 1)
        logI = lambda t: (2 * mpf(b) * mpmath.log(abs(mpf(a) * t[0])) + 2 * mpf(a) * mpmath.log(abs(mpf(b) * t[1])))  # noqa: E731
        assert logI(th1) <= logI(th0) + mpmath.mpf(10) ** -(DPS - 10)
