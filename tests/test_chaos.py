"""Tests of eos_theory.past_window.chaos (cycles proved, chaos measured, escape counted) and eos_theory.numbers.stats.

Expectations come from independent facts, never from the code under test:

* the derived axis map and orbit closed forms (:mod:`eos_theory.quadratic.closed_forms`: 1 + e, 7 − 4e − 2e²,
  1 − r(r − 1)(e − 1));
* ε = 2, where f(2cos φ) = 2cos 3φ: the invariant density is 1/(π√(4 − y²)), so the mean of y is 0
  and the mean η·NTK is 2(0 + 2) = 4; λ = ln 3 (φ ↦ 3φ); and by Jensen's formula the transverse
  exponent (1/π)∫ ln|1 − 2r cos φ| dφ is the Mahler measure of −r z² + z − r, which is ln|r| for
  |r| ≥ 1/2 (both roots on the unit circle);
* parameter-space GD at 30–60 digits (:mod:`eos_theory.quadratic.runs`), the documented period-doubling
  thresholds (Krawczyk-proved in tests/test_past_the_window.py) and hand-written interval and
  mpmath iterations here;
* for the intervals: Student's t table, the closed forms of Clopper–Pearson at k = 0 and k = n, and
  the exact binomial coverage.

Statistical tests use fixed seeds (so they are deterministic) and a 99.9 % level with a required
precision: a correct estimator fails such a test with probability 0.1 %; a biased one fails it.
"""

from __future__ import annotations

import json
import math
import re
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from eos_theory.numbers import stats
from eos_theory.numbers.intervals import enclose, iv_workdps
from eos_theory.numbers.parse import InputError
from eos_theory.past_window import attractor, chaos
from eos_theory.quadratic import closed_forms
from eos_theory.quadratic.gd import Problem
from eos_theory.quadratic.runs import outcome, trajectory

F = Fraction
LN3 = math.log(3)


def inside(value, pair) -> bool:
    return pair[0] <= value <= pair[1]


def exact_inside(value, pair) -> bool:
    """An exact rational (or SymPy number) inside a float enclosure, decided without rounding."""
    v = sp.nsimplify(value) if not isinstance(value, (int, Fraction)) else sp.Rational(value)
    return sp.Rational(F(pair[0])) <= v <= sp.Rational(F(pair[1]))


# ---------------------------------------------------------------------------------------------
# The typed map against the derivation
# ---------------------------------------------------------------------------------------------


@given(
    st.fractions(-5, 5, max_denominator=50),
    st.fractions(F(1, 50), 4, max_denominator=50),
    st.fractions(-4, 4, max_denominator=20),
)
@settings(max_examples=30)
def test_the_typed_axis_map_is_the_derived_one(yv, ev, rv):
    y, eps, r, p, q = closed_forms.y, closed_forms.eps, closed_forms.r, closed_forms.p, closed_forms.q
    at = {y: sp.Rational(yv), eps: sp.Rational(ev)}
    assert chaos.axis_map(yv, ev) == closed_forms.axis_map().subs(at)
    assert chaos.axis_slope(yv, ev) == sp.diff(closed_forms.axis_map(), y).subs(at)
    # q'/q on the axis, from the derived frame, at the p with p²/2 − ε = y (p² = 2(y + ε))
    fr = closed_forms.axis_frame()
    ratio = sp.expand(sp.cancel(fr.q_next / q)).subs(q, 0)
    value = sp.expand(ratio).subs(p**2, 2 * (sp.Rational(yv) + sp.Rational(ev)))
    value = value.subs({eps: sp.Rational(ev), r: sp.Rational(rv)})
    assert not value.free_symbols and chaos.transverse_factor(yv, rv) == value


def test_the_critical_points_are_the_roots_of_the_slope():
    y, eps = closed_forms.y, closed_forms.eps
    roots = sp.solve(sp.diff(closed_forms.axis_map(), y), y)
    assert {sp.simplify(rt - chaos.critical_point(eps)) for rt in roots} & {0}
    assert 1 in roots and sp.expand(closed_forms.axis_map().subs(y, 1) + eps) == 0  # 1 ↦ −ε, the origin θ = 0


# ---------------------------------------------------------------------------------------------
# Cycles: proved, against closed forms and against GD in θ
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "e, r",
    [(F(11, 10), F(-1)), (F(6, 5), F(-1)), (F(23, 20), F(4)), (F(21, 20), F(-3)), (F(6, 5), F(2)), (F(11, 10), F(0))],
)
def test_the_eos_cycle_in_the_window_matches_its_closed_forms(e, r):
    orbit = closed_forms.eos_orbit()
    cyc = chaos.find_cycle(e, r=r)
    assert cyc is not None and cyc.period_y == 2 and cyc.period == 2 and cyc.attracting
    vals = {closed_forms.eps: sp.Rational(e), closed_forms.r: sp.Rational(r)}
    assert exact_inside(orbit.mean_ntk.subs(vals), cyc.mean_ntk)  # 1 + e
    assert exact_inside(orbit.along.subs(vals), cyc.multiplier)  # 7 − 4e − 2e²
    assert exact_inside(orbit.across.subs(vals), cyc.transverse)  # 1 − r(r − 1)(e − 1), claim eos2d-multipliers
    across = abs(orbit.across.subs(vals))
    assert cyc.transversally_stable is (None if across == 1 else bool(across < 1))  # r = 0: neutral, undecided
    widths = [b - a for a, b in (cyc.mean_ntk, cyc.multiplier, cyc.transverse)]
    assert max(widths) < 1e-14  # 40-digit enclosures, rounded outward to doubles


@given(
    st.fractions(F(101, 100), F(123, 100), max_denominator=200),
    st.one_of(st.fractions(-6, 0, max_denominator=7), st.fractions(1, 6, max_denominator=7)),
)
@settings(max_examples=15)
def test_transverse_multiplier_of_the_eos_orbit_is_one_minus_r_r_minus_1_e_minus_1(e, r):
    cyc = chaos.find_cycle(e, r=r)
    assert cyc is not None and cyc.period_y == 2
    expected = 1 - r * (r - 1) * (e - 1)  # claim eos2d-multipliers, as documented
    assert exact_inside(expected, cyc.transverse)
    lam = math.log(abs(expected)) / 2 if expected != 0 else None
    assert (
        lam is None
        or cyc.transverse_lyapunov is None
        or inside(lam, (cyc.transverse_lyapunov[0] - 1e-15, cyc.transverse_lyapunov[1] + 1e-15))
    )


@pytest.mark.parametrize("below, above, period", [("1.2880", "1.2881", 4), ("1.2992", "1.2993", 8)])
def test_the_period_found_changes_at_the_documented_doublings(below, above, period):
    # docs/eos-2d.md §5a: the 4-cycle doubles at 1.288031754, the 8-cycle at 1.299227940 (Krawczyk)
    assert chaos.find_cycle(below).period_y == period
    assert chaos.find_cycle(above).period_y == 2 * period


def _mp_orbit(e, y, steps, dps=50):
    with mp.workdps(dps):
        E, y = mp.mpf(e.numerator) / e.denominator, +y if isinstance(y, mp.mpf) else mp.mpf(y)
        out = []
        for _ in range(steps):
            y = y + y * (y + E) * (y - 2)
            out.append(y)
        return out


def test_the_period_3_window_near_1_7_against_direct_iteration_and_gd_in_theta():
    e = F(17, 10)
    cyc = chaos.find_cycle(e, r=-1)
    assert (cyc.period_y, cyc.period, cyc.attracting, cyc.transversally_stable) == (3, 6, True, True)
    # 50-digit iteration of the critical orbit, written here: it ends on the enclosed points
    tail = _mp_orbit(e, chaos.critical_point(mp.mpf(17) / 10), 3000)[-3:]
    for y in tail:
        assert any(a - 1e-13 <= y <= b + 1e-13 for a, b in cyc.points)
    # GD in θ at 30 digits from the paper's initialisation settles with period 6 (θ returns negated
    # after 3 steps) on a cycle whose mean η·NTK lies in the enclosure
    end = outcome(Problem.diagonal([-1, 1], 1, e), ["1/100", "1/100"], dps=30)
    assert end.status == "periodic" and end.period == 6
    with mp.workdps(30):
        mean = sum(end.ntk) / len(end.ntk)
    assert inside(float(mean), (cyc.mean_ntk[0] - 1e-13, cyc.mean_ntk[1] + 1e-13))


def test_the_window_born_at_2_sqrt2_minus_1_is_a_period_4_orbit_of_gd():
    # the quartic 2-cycles of y (θ ↦ −θ after two steps) are real only for ε ≥ 2√2 − 1 = 1.828427…
    # (docs/eos-2d.md §4); just above, the critical orbit finds one of them attracting
    above = chaos.find_cycle("1.8285", r=-1)
    assert (above.period_y, above.period, above.attracting) == (2, 4, True)
    q = closed_forms.period_two_factors()["sign_flip"].subs(closed_forms.eps, sp.Rational("1.8285"))
    for a, b in above.points:  # each point is a root of the quartic: it changes sign on the enclosure
        assert q.subs(closed_forms.y, sp.Rational(F(a))) * q.subs(closed_forms.y, sp.Rational(F(b))) <= 0
    below = chaos.find_cycle("1.8284", r=-1)
    assert below is None or below.period_y != 2
    end = outcome(Problem.diagonal([-1, 1], 1, "1.83"), ["1/100", "1/100"], dps=30)
    assert end.status == "periodic" and end.period == 4


def test_certify_cycle_refuses_what_it_cannot_prove():
    assert chaos.certify_cycle("7/5", -1, 0.3, 1) is not None  # the fixed point 0 exists (repelling)
    assert not chaos.certify_cycle("7/5", -1, 0.0, 1).attracting
    assert chaos.certify_cycle("7/5", -1, 0.3, 2) is None or chaos.certify_cycle("7/5", -1, 0.3, 2).period_y == 2
    assert chaos.certify_cycle("11/10", -1, 0.0, 2) is None  # a 2-cycle "through" the fixed point: periods overlap
    assert chaos.find_cycle("7/5") is None and chaos.find_cycle("3/2") is None  # chaotic band: none found


# ---------------------------------------------------------------------------------------------
# Chaos measured: at ε = 2 against the exact values
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chebyshev():
    return {r: chaos.axis_runs(2, r=r, runs=16, steps=40_000, transient=500, level=0.999) for r in (F(-1), F(4), F(-3))}


def test_at_the_crisis_the_estimator_recovers_ln3_and_mean_ntk_4(chebyshev):
    st_ = chebyshev[F(-1)]
    assert st_.escaped == 0 and st_.invalid == 0
    lam, ntk = st_.lyapunov, st_.mean_ntk
    assert lam.low <= LN3 <= lam.high and lam.high - lam.low < 0.002
    assert ntk.low <= 4 <= ntk.high and ntk.high - ntk.low < 0.05


@pytest.mark.parametrize("r", [F(-1), F(4), F(-3)])
def test_at_the_crisis_the_transverse_exponent_is_ln_abs_r(chebyshev, r):
    # Jensen: (1/π)∫₀^π ln|1 − 2r cos φ| dφ = ln|r| for |r| ≥ 1/2; for r = −1 it is 0 (a blowout point)
    est = chebyshev[r].transverse_lyapunov
    assert est.low <= math.log(abs(r)) <= est.high and est.high - est.low < 0.01


def test_float_statistics_agree_with_a_30_digit_run_written_here():
    # The same averages from 8 runs at 30 digits in y (another precision, another coordinate): the two
    # means must agree within t(0.9995, 7)·√(s₁²/n₁ + s₂²/n₂); a float64 bias larger than about 0.02
    # in λ (6 %) would fail it.
    e = F(7, 5)
    flt = chaos.axis_runs(e, r=-1, runs=16, steps=20_000, transient=500)
    lams, ntks = [], []
    with mp.workdps(30):
        E = mp.mpf(7) / 5
        for i in range(8):
            ys = _mp_orbit(e, mp.mpf(-1.4 + 3.4 * (i + 0.5) / 8), 2500, dps=30)[500:]
            lams.append(float(sum(mp.log(abs(chaos.axis_slope(y, E))) for y in ys) / len(ys)))
            ntks.append(float(sum(2 * (y + E) for y in ys) / len(ys)))
    t = stats.t_quantile(0.9995, 7)
    for mine, theirs in ((flt.lyapunov, lams), (flt.mean_ntk, ntks)):
        se_mine = (mine.high - mine.low) / 2 / stats.t_quantile((1 + mine.level) / 2, mine.samples - 1)
        se_theirs = stats.mean_interval(theirs).high - stats.mean_interval(theirs).value
        se_theirs /= stats.t_quantile(0.975, 7)
        assert abs(mine.value - sum(theirs) / 8) <= t * math.hypot(se_mine, se_theirs)


def test_chaotic_statistics_at_1_4_and_1_5():
    for e in (F(7, 5), F(3, 2)):
        ax = chaos.axis_attractor(e, -1)
        assert ax.kind == "chaotic" and ax.runs.lyapunov.low > 0
        assert ax.runs.transverse_lyapunov.high < 0  # transversally stable in the symmetric case
        assert ax.runs.mean_ntk.low > 2 and ax.runs.mean_ntk.high < 2 * (2 + float(e))  # above the EOS, bounded


def test_axis_runs_are_deterministic_and_independent_of_the_number_of_jobs():
    a = chaos.axis_runs("3/2", r=-1, runs=32, steps=2_000, seed=7)
    b = chaos.axis_runs("3/2", r=-1, runs=32, steps=2_000, seed=7, jobs=2)
    c = chaos.axis_runs("3/2", r=-1, runs=32, steps=2_000, seed=8)
    assert a == b and a.lyapunov_runs != c.lyapunov_runs
    assert a.lyapunov_runs[:16] == chaos.axis_runs("3/2", r=-1, runs=16, steps=2_000, seed=7).lyapunov_runs


# ---------------------------------------------------------------------------------------------
# Escape: clear cases, with intervals that contain the truth
# ---------------------------------------------------------------------------------------------


def test_past_the_crisis_every_axis_run_escapes_and_each_escape_is_certified():
    e = F(21, 10)
    st_ = chaos.axis_runs(e, r=-1, runs=16, steps=200, transient=0)
    assert st_.escaped == 16 and st_.escape.value == 1 and st_.escape.high == 1
    assert st_.escape.low == pytest.approx(0.025 ** (1 / 16))  # Clopper–Pearson at k = n: (α/2)^(1/n)
    # each start, taken exactly, escapes in exact arithmetic: an interval iteration written here
    with iv_workdps(200):
        E = enclose(e)
        for p0 in chaos.axis_starts(e, 16, 0):
            Y = enclose(F(p0)) ** 2 / 2 - E
            for _ in range(200):
                if Y.a > 2:
                    break
                Y = Y + Y * (Y + E) * (Y - 2)
            assert Y.a > 2


def test_deep_in_the_window_no_plane_start_escapes():
    pl = attractor.plane_runs(Problem.diagonal([-1, 1], 1, "11/10"), steps=2_000)
    assert pl.fates["escaped"] == 0 and pl.fates["axis"] == pl.count == 64
    assert pl.escape.low == 0 and pl.escape.high == pytest.approx(1 - 0.025 ** (1 / 64))


def test_past_the_crisis_every_plane_start_escapes_into_a_proven_region():
    problem = Problem.diagonal([-1, 1], 1, "21/10")
    pl = attractor.plane_runs(problem, families=(("paper", 8), ("ball", 8)), steps=2_000)
    assert pl.fates["escaped"] == 16 and pl.escape.low > 0.79
    # the escaping iterates really lie in the symmetric lemma's region: rerun one start at 60 digits
    theta0 = [F(t) for t in attractor.plane_starts(problem, "paper", 1, 0)[0]]
    tr = trajectory(problem, theta0, 2_000, dps=60)
    assert tr.stopped is not None and tr.stopped.status == "diverged"


def test_the_other_axis_fate_is_confirmed_by_60_digit_gd():
    # (ω₁, ω₂) = (2, 3), E = 1, η = 3/5: e = 6/5 on axis 1, and ε₂ = 9/5 on the other axis, which
    # has its own bounded attractor; some small starts go there
    problem = Problem.diagonal([2, 3], 1, "3/5")
    starts = attractor.plane_starts(problem, "paper", 16, 0)
    pl = attractor.plane_runs(problem, families=(("paper", 16),), steps=4_000)
    i = pl.per_start.index("other axis")
    tr = trajectory(problem, [F(t) for t in starts[i]], 4_000, dps=60)
    assert tr.stopped is None and abs(tr.thetas[-1][0]) < 1e-50 and abs(tr.thetas[-1][1]) > 0.1


# ---------------------------------------------------------------------------------------------
# The attractor of a parameter point
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "omegas, target, lr, label, period",
    [
        ((-1, 1), 1, "1/2", "minimum", 1),
        ((-1, 1), 1, "11/10", "period-2", 2),
        ((-1, 1), 1, "5/4", "period-4", 4),
        ((-1, 1), 1, "7/5", "chaotic", None),
        ((-1, 1), 1, "17/10", "period-6", 6),
        ((-1, 1), 1, "21/10", "divergent", None),
        ((1, 4), 1, "6/5", "divergent", None),  # past the transverse bound 7/6: GD leaves the axis
        ((1, 4), 1, "1/2", "split", 1),  # minima, and the chaotic attractor of the other axis (ε₂ = 2)
        ((-1, 1), 1, "1e-300", "not converged", 1),  # e ≤ 1, but with this step GD has not reached a minimum
    ],
)
def test_attractor_labels(omegas, target, lr, label, period):
    a = attractor.attractor(*omegas, target, lr)
    assert a.label == label and a.period == period
    data = json.loads(json.dumps(a.to_json()))  # plain JSON: no NaN or infinity
    assert {"period", "mean_ntk", "mean_ntk_ci", "lyapunov", "transverse_lyapunov", "escape_fraction"} <= set(data)
    assert data["label"] in attractor.LABELS or re.fullmatch(r"period-\d+", data["label"])


@pytest.mark.parametrize("omegas, lr", [((1, 1), "11/10"), ((0, 1), "11/10"), ((3, 3), "1/4")])
def test_degenerate_r_0_and_1_take_the_label_of_the_axis_map(omegas, lr):
    # r = 1: GD moves along rays; r = 0: the other mode is frozen; either way y follows the axis map
    a = attractor.attractor(*omegas, 1, lr)
    e = F(lr) * max(omegas)
    assert a.r in (0, 1) and a.label == ("period-2" if e > 1 else "minimum")
    assert a.transverse_lyapunov is None or abs(a.transverse_lyapunov) < 1e-12


def test_attractor_numbers_in_the_window_and_in_chaos():
    a = attractor.attractor(-1, 1, 1, "11/10")
    assert exact_inside(F(21, 10), a.mean_ntk_ci) and a.escape_fraction == 0  # mean 1 + e
    assert "Krawczyk" in a.how and "ε = 11/10" in a.how
    b = attractor.attractor(-1, 1, 1, "7/5", seed=3)
    assert b.lyapunov_ci[0] > 0 and b.transverse_lyapunov_ci[1] < 0 and inside(b.mean_ntk, b.mean_ntk_ci)
    assert "Student t" in b.how and "shadowing is not proved" in b.how
    assert attractor.attractor(-1, 1, 1, "7/5", seed=3) == b  # deterministic for a seed


def test_attractor_stays_within_its_budget_and_says_so():
    start = time.monotonic()
    a = attractor.attractor(-1, 1, 1, "7/5", steps=10**7, max_seconds=1.0)
    assert time.monotonic() - start < 3.0  # a hang guard, not a benchmark: the budget is 1 s
    assert a.label == "not converged" and "time limit" in a.how
    st_ = chaos.axis_runs("7/5", runs=4, steps=10**8, max_seconds=0.2)
    assert st_.stopped and st_.lyapunov is None and "no statistics" in st_.describe()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: chaos.find_cycle(0), "eps must be > 0"),
        (lambda: chaos.find_cycle("x"), "cannot read"),
        (lambda: chaos.axis_runs(1.5, runs=1), "runs must be >= 2"),
        (lambda: chaos.axis_runs(1.5, level=1.5), "level"),
        (lambda: chaos.axis_runs(1.5, max_seconds=0), "max_seconds"),
        (lambda: attractor.plane_starts(Problem.diagonal([1, 2], 1, 1), "disc", 4), "family"),
        (lambda: attractor.attractor(1, 2, -1, "1/2"), "no zero-loss minimum"),
        (lambda: attractor.attractor(-1, 1, 1, 0), "lr must be > 0"),
        (lambda: chaos.certify_cycle(1.5, None, 0.1, 0), "period_y must be >= 1"),
    ],
)
def test_bad_input_is_an_input_error(call, message):
    with pytest.raises(InputError, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# The intervals themselves
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p, dof, table", [(0.975, 1, 12.7062), (0.975, 9, 2.2622), (0.995, 20, 2.8453), (0.975, 1000, 1.9623)]
)
def test_t_quantiles_match_the_table(p, dof, table):
    assert stats.t_quantile(p, dof) == pytest.approx(table, abs=1e-4)


def test_normal_quantile_and_the_large_sample_limit():
    assert stats.normal_quantile(0.975) == pytest.approx(1.959964, abs=1e-6)
    assert stats.t_quantile(0.975, 10**6) == pytest.approx(stats.normal_quantile(0.975), abs=1e-5)


@pytest.mark.parametrize("n", [1, 7, 64])
def test_clopper_pearson_at_the_ends_has_its_closed_form(n):
    low0 = stats.proportion_interval(0, n)
    assert (low0.low, low0.value) == (0, 0) and low0.high == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-12)
    alln = stats.proportion_interval(n, n)
    assert (alln.high, alln.value) == (1, 1) and alln.low == pytest.approx(0.025 ** (1 / n), rel=1e-12)


@pytest.mark.parametrize("n, p", [(10, F(1, 2)), (20, F(3, 10)), (30, F(1, 20))])
def test_clopper_pearson_covers_at_least_the_level(n, p):
    # exact coverage: Σ_k C(n, k) p^k (1 − p)^(n−k) over the k whose interval contains p
    cover = sum(
        math.comb(n, k) * p**k * (1 - p) ** (n - k)
        for k in range(n + 1)
        if inside(float(p), (stats.proportion_interval(k, n).low, stats.proportion_interval(k, n).high))
    )
    assert cover >= F(95, 100)


def test_mean_interval_by_hand_and_its_refusals():
    est = stats.mean_interval([2.0, 4.0, 6.0])  # mean 4, s = 2, t(0.975, 2) = 4.302653
    assert est.value == 4 and est.high - 4 == pytest.approx(4.302653 * 2 / math.sqrt(3), rel=1e-6)
    assert est.excludes(10) and not est.excludes(4)
    with pytest.raises(InputError, match="at least 2"):
        stats.mean_interval([1.0])
    with pytest.raises(InputError, match="finite"):
        stats.mean_interval([1.0, float("inf")])
    with pytest.raises(InputError, match="exceed"):
        stats.proportion_interval(5, 4)
