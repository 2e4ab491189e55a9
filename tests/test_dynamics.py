"""Tests of eos_theory.quadratic.runs (what a bounded GD run did) and eos_theory.quadratic.escape (proven escape regions).

Expected values come from closed forms (eos_theory.quadratic.closed_forms), from exact rational GD
(numerics.gd_exact) and from region tests written here straight from the lemmas' statements
(proofs/escape.py) — never from the code under test.
"""

from __future__ import annotations

import itertools
import random
import re
from fractions import Fraction

import pytest
import sympy as sp
from mpmath import mp, mpf

from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.parse import InputError, exact, to_mpf
from eos_theory.quadratic import closed_forms, escape
from eos_theory.quadratic.gd import Problem, gd_exact, gd_mp
from eos_theory.quadratic.runs import GUARD_BITS, STATUSES, cycle_digits, outcome, required_digits, trajectory

F = Fraction
DPS = 50
NEED = required_digits(DPS)


# ---------------------------------------------------------------------------------------------
# Independent helpers: exact z̃, exact repeats, and the lemmas' regions as stated
# ---------------------------------------------------------------------------------------------


def zt_exact(problem: Problem, theta) -> Fraction:
    th = [exact(t) for t in theta]
    v = [sum(q * t for q, t in zip(row, th)) for row in problem.Q]
    return problem.lr * (sum(t * vi for t, vi in zip(th, v)) / 2 - problem.target)


def exact_repeat_digits(problem: Problem, theta, n: int) -> int:
    """Digits to which n exact GD steps from θ return to θ (max-norm, relative)."""
    start = [exact(t) for t in theta]
    end = gd_exact(problem, start, n)[-1]
    gap = max(abs(a - b) for a, b in zip(start, end))
    scale = max(max(abs(a) for a in start), max(abs(b) for b in end))
    if gap == 0:
        return DPS
    k = 0
    while gap * 10 ** (k + 1) <= scale and k < DPS:
        k += 1
    return k


def separated_Z(omegas, E, eta):
    """Z₊ of claim escape-separated for a diagonal Q, from its statement (None if it does not apply)."""
    pos, neg = [w for w in omegas if w > 0], [-w for w in omegas if w < 0]
    if not pos:
        return None
    m, M = min(pos), max(neg, default=F(0))
    if m <= M:
        return None
    return max(F(3) / m, F(2) / (m - M), -2 * eta * E)


def in_R_plus(w, E, eta, theta, S) -> bool:
    """θ = (θ on −w, θ on +w) in R₊(S) of claim escape-symmetric, from its statement."""
    t_minus, t_plus = theta
    zt = eta * (w * t_plus**2 / 2 - w * t_minus**2 / 2 - E)
    x, eps = w * zt, eta * E * w
    sigma, T = x + eps, eta * w * w * (t_minus**2 + t_plus**2)
    pi = (T * T - 4 * sigma * sigma) / 4
    return x >= 50 * S and x >= -2 * eps and pi * (x + 20 * S) <= (S * S - 1) * sigma**2 * x


# ---------------------------------------------------------------------------------------------
# The outcome classes
# ---------------------------------------------------------------------------------------------


def test_required_digits_and_statuses():
    assert required_digits(50) == 40 and required_digits(60) == 50
    assert STATUSES == ("converged", "periodic", "diverged", "not converged")


def test_converged_to_a_zero_loss_minimum():
    # e = ηEω₂ = 1/2 < 1: the minimum on the ω₂ axis attracts (docs/eos-2d.md).
    p = Problem.diagonal([-1, 1], 1, "1/2")
    end = outcome(p, ["1/10", "1/10"], dps=DPS)
    assert end.status == "converged" and end.period == 1 and end.settled
    assert end.digits >= NEED and "zero-loss minimum" in end.reason
    # Exact checks at the final iterate: z̃ ≈ 0, one exact GD step returns, 2e ≤ η·NTK < 2.
    assert abs(zt_exact(p, end.theta)) <= F(1, 10 ** (NEED - 2))
    assert exact_repeat_digits(p, end.theta, 1) >= NEED - 1
    with mp.workdps(DPS):
        assert 1 <= end.ntk[0] < 2
    # The run is gd_mp's iteration bit for bit.
    assert end.theta == gd_mp(p, ["1/10", "1/10"], end.steps, dps=DPS).theta


def test_converged_to_a_fixed_point_that_is_not_a_minimum():
    # E = −1, Q = diag(1, 2) > 0: z ≥ 1 everywhere, GD contracts θ to 0 (factors 1 − ηω_i ≈ 3/4, 1/2),
    # where z̃ = η(0 − E) = 1/4.
    p = Problem.diagonal([1, 2], -1, "1/4")
    end = outcome(p, ["1/2", "1/3"], dps=DPS)
    assert end.status == "converged" and end.period == 1
    assert "z̃ = 0.25" in end.reason and "zero-loss" not in end.reason
    assert max(abs(t) for t in end.theta) < mpf(10) ** -(NEED - 1)


def test_periodic_on_the_closed_form_eos_cycle():
    # e = 11/10 inside 1 < e < √5 − 1: the EOS 2-cycle attracts; period 2 in θ (closed_forms.orbit_theta).
    p = Problem.diagonal([-1, 1], 1, "11/10")
    end = outcome(p, ["1/100", "1/100"], dps=DPS)
    assert end.status == "periodic" and end.period == 2 and end.digits >= NEED
    # θ repeats to ≥ NEED digits; η·NTK is quadratic in θ (≤ 1 digit lost) and the distance to the
    # orbit is at most the repeat gap / (1 − 0.8) (two-step multipliers 0.18 and 0.8; ≤ 1 digit lost).
    assert (
        cycle_digits(end.ntk, closed_forms.orbit_closed_forms(-1, 1, 1, "11/10")["cycle"]["ntk"], dps=DPS) >= NEED - 2
    )
    assert exact_repeat_digits(p, end.theta, 2) >= NEED - 1
    assert exact_repeat_digits(p, end.theta, 1) <= 2


def test_periodic_with_period_four_past_the_window():
    # e = 5/4 > √5 − 1: the 2-cycle has period-doubled; in θ the attractor has period 4.
    p = Problem.diagonal([-1, 1], 1, "5/4")
    end = outcome(p, ["1/100", "1/100"], dps=DPS)
    assert end.status == "periodic" and end.period == 4 and len(end.ntk) == 4
    assert exact_repeat_digits(p, end.theta, 4) >= NEED - 1
    assert exact_repeat_digits(p, end.theta, 2) <= 2 and exact_repeat_digits(p, end.theta, 1) <= 2


def test_contracting_orbit_reports_its_least_period():
    # e = 6/5: along-axis two-step multiplier 7 − 4e − 2e² = −0.68 < 0, so θ_k − θ_{k−4} is about 3×
    # smaller than θ_k − θ_{k−2} on the way in; the period reported must still be 2.
    p = Problem.diagonal([-1, 1], 1, "6/5")
    end = outcome(p, ["1/25", "3/25"], dps=60)
    assert end.status == "periodic" and end.period == 2


def test_not_converged_at_e_equal_1_within_a_small_budget():
    # e = 1: the flip is supercritical, convergence is algebraic (~1/√k), nowhere near 40 digits in 2000 steps.
    end = outcome(Problem.diagonal([-1, 1], 1, 1), ["1/100", "1/100"], dps=DPS, max_steps=2000)
    assert end.status == "not converged" and end.period is None and not end.settled
    assert end.steps == 2000 and "step budget 2000 exhausted" in end.reason
    assert end.digits < NEED and f"({NEED} required)" in end.reason


def test_time_budget_ends_the_run():
    end = outcome(Problem.diagonal([-1, 1], 1, 1), ["1/100", "1/100"], dps=DPS, max_seconds=1e-6)
    assert end.status == "not converged" and "time limit" in end.reason and end.steps < 200_000


REPRODUCERS = {  # problem, θ₀, step at which the run enters the escape region (seen in exact GD below)
    "omega (-1, 3), E 1/2, lr 3/2": (Problem.diagonal([-1, 3], "1/2", "3/2"), [1, 1]),
    "omega (-1, 1), E 1, lr 21/10": (Problem.diagonal([-1, 1], 1, "21/10"), ["1/100", "1/100"]),
    "omega (1, 4), E 1, lr 6/5": (Problem.diagonal([1, 4], 1, "6/5"), ["1/10", "1/10"]),
}


@pytest.mark.parametrize("name", REPRODUCERS)
def test_diverged_reproducers_are_certified_by_exact_gd(name):
    p, theta0 = REPRODUCERS[name]
    end = outcome(p, theta0, dps=DPS)
    assert end.status == "diverged" and end.period is None and end.digits is None
    assert "escape region" in end.reason and "claim escape-" in end.reason
    assert "interval enclosure of exact GD from θ₀" in end.reason
    # Exact rational GD from θ₀ is in the stated region at that step, and z̃ then keeps doubling.
    path = gd_exact(p, theta0, end.steps + 2)
    omegas = [p.Q[i][i] for i in range(p.P)]
    if omegas[0] == -omegas[1]:
        w, th = omegas[1], path[end.steps]
        assert any(in_R_plus(w, p.target, p.lr, th, S) for S in range(1, 20)) or any(
            in_R_plus(w, -p.target, p.lr, th[::-1], S) for S in range(1, 20)
        )  # R₋ by the stated mirror
    else:
        Z = separated_Z(omegas, p.target, p.lr)
        assert zt_exact(p, path[end.steps]) >= Z
    zts = [zt_exact(p, th) for th in path[end.steps :]]
    assert all(abs(b) > 2 * abs(a) for a, b in itertools.pairwise(zts))


def test_magnitude_guard_without_an_escape_lemma():
    # Spectrum (3, −27/10, 3/5): min positive 3/5 < max |negative| 27/10 and min |negative| 27/10 < max
    # positive 3, so neither side of the separated lemma applies (and P = 3: not the symmetric one).
    p = Problem.diagonal([3, "-27/10", "3/5"], "17/10", "13/10")
    theta0 = ["-27/10", "-8/5", "-14/5"]
    assert escape.certificate(p, theta0) is None
    end = outcome(p, theta0, dps=30)
    assert end.status == "not converged" and "2^(2^62)" in end.reason and "no escape lemma" in end.reason
    assert "likely but not proved" in end.reason
    with mp.workdps(30):
        assert mp.mag(max(abs(t) for t in end.theta)) > GUARD_BITS // 4  # huge, but it stopped


def test_bad_arguments_are_input_errors():
    p = Problem.diagonal([-1, 1], 1, "1/2")
    for call in (
        lambda: outcome(p, [0, 0], max_seconds=-1),
        lambda: outcome(p, [0, 0], max_steps=0),
        lambda: outcome([[1]], [0]),
        lambda: trajectory(p, [0, 0], 5, max_seconds=float("nan")),
        lambda: outcome(p, [0, 0], dps=5),
    ):
        with pytest.raises(InputError):
            call()


# ---------------------------------------------------------------------------------------------
# trajectory: gd_mp's iteration, stopping at an escape region
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "problem, theta0",
    [
        (Problem.diagonal([-1, 2], 1, "0.55"), ["0.75", 1]),
        (Problem.create([["23/25", "-36/25"], ["-36/25", "2/25"]], 1, "0.55"), ["-7/20", "6/5"]),  # rotated diag(−1, 2)
    ],
)
def test_trajectory_is_gd_mp_bit_for_bit(problem, theta0):
    run = trajectory(problem, theta0, 40, dps=DPS)
    ref = gd_mp(problem, theta0, 40, dps=DPS, record=True)
    assert run.stopped is None and run.steps == 40
    assert run.zt == ref.zt and run.ntk == ref.Tt and run.thetas[-1] == ref.theta


def test_trajectory_stops_at_the_escape_region():
    p, theta0 = REPRODUCERS["omega (-1, 3), E 1/2, lr 3/2"]
    run = trajectory(p, theta0, 100_000, dps=DPS)
    # By hand / exact GD: z̃ = 0.75, 0.46875, −5.12…, 70.5…; Z = max(3/3, 2/(3 − 1), −3/2) = 1.
    zts = [zt_exact(p, th) for th in gd_exact(p, theta0, 3)]
    assert [z >= 1 for z in zts] == [False, False, False, True]
    assert run.stopped is not None and run.stopped.step == 3 and run.stopped.status == "diverged"
    assert run.steps == 3 and len(run.zt) == len(run.ntk) == 4


# ---------------------------------------------------------------------------------------------
# The escape lemmas against exact GD, and the runtime membership test
# ---------------------------------------------------------------------------------------------


def _dyadic(rng, lo, hi, bits=6):
    return F(rng.randint(int(lo * 2**bits), int(hi * 2**bits)), 2**bits)


def _mpf(q: Fraction) -> mpf:
    """A dyadic rational as an mpf, exactly (numerator and a power-of-two denominator)."""
    assert q.denominator & (q.denominator - 1) == 0
    return mpf(q.numerator) / q.denominator


def test_separated_lemma_on_exact_gd_and_certificate():
    rng, tested = random.Random(8), 0
    while tested < 60:
        omegas = [_dyadic(rng, -4, 4, 2) for _ in range(rng.randint(1, 3))]
        E, eta = _dyadic(rng, -2, 2), _dyadic(rng, 0.1, 2)
        Z = separated_Z(omegas, E, eta)
        if eta <= 0 or Z is None or 0 in omegas:
            continue
        p = Problem.diagonal(omegas, E, eta)
        theta = [_dyadic(rng, -3, 3) for _ in omegas]
        while zt_exact(p, theta) < Z and max(map(abs, theta)) < 2**20:
            theta = [2 * t for t in theta]
        if zt_exact(p, theta) < Z:
            continue
        tested += 1
        z0, z1 = zt_exact(p, theta), zt_exact(p, gd_exact(p, theta, 1)[1])
        assert z1 > 2 * z0  # the lemma's conclusion, in exact arithmetic
        cert = escape.certificate(p)
        assert cert is not None and cert.thresholds[0] == Z
        with mp.workdps(DPS):
            assert cert.test([_mpf(t) for t in theta], DPS) is not None  # dyadic: exact as mpf
        below = [t / 2 for t in theta]
        if zt_exact(p, below) < Z and (cert.thresholds[1] is None or zt_exact(p, below) > -cert.thresholds[1]):
            with mp.workdps(DPS):
                assert cert.test([_mpf(t) for t in below], DPS) is None


def test_symmetric_lemma_on_exact_gd_and_certificate():
    rng, tested = random.Random(9), 0
    while tested < 60:
        w, E, eta = _dyadic(rng, 0.25, 3, 2), _dyadic(rng, -2, 2), _dyadic(rng, 0.1, 2)
        if eta <= 0:
            continue
        theta = [_dyadic(rng, -4, 4), _dyadic(rng, -40, 40)]  # (on −w, on +w)
        members = [S for S in range(1, 30) if in_R_plus(w, E, eta, theta, S)]
        if not members:
            continue
        tested += 1
        S = members[0]
        p = Problem.diagonal([-w, w], E, eta)
        nxt = gd_exact(p, theta, 1)[1]
        assert in_R_plus(w, E, eta, nxt, S)  # invariance
        assert w * zt_exact(p, nxt) > 2 * w * zt_exact(p, theta)  # x' > 2x
        cert = escape.certificate(p)
        assert cert.lemma == "escape-symmetric"
        with mp.workdps(DPS):
            assert cert.test([_mpf(t) for t in theta], DPS) is not None
            # the mirror: θ_1 ↔ θ_2 with E ↦ −E is in R₋(S)
            mirror = escape.certificate(Problem.diagonal([-w, w], -E, eta))
            assert "R₋" in mirror.test([_mpf(theta[1]), _mpf(theta[0])], DPS)


def test_symmetric_certificate_respects_the_boundary_x_50():
    # w = 1, E = 0, η = 1, θ = (0, t): π = 0 and x = z̃ = t²/2, so R₊(1) holds iff t² ≥ 100 (and R₊(S ≥ 2)
    # needs x ≥ 100): t = 81/8 gives x ≈ 51.3 (inside), t = 79/8 gives x ≈ 48.8 (outside every R₊(S)).
    cert = escape.certificate(Problem.diagonal([-1, 1], 0, 1))
    assert in_R_plus(F(1), F(0), F(1), [F(0), F(81, 8)], 1) and not any(
        in_R_plus(F(1), F(0), F(1), [F(0), F(79, 8)], S) for S in range(1, 10)
    )
    with mp.workdps(DPS):
        assert cert.test([mpf(0), _mpf(F(81, 8))], DPS) == "R₊(1): x = wz̃ ≥ 50 (claim escape-symmetric)"
        assert cert.test([mpf(0), _mpf(F(79, 8))], DPS) is None


def test_symmetric_certificate_for_a_dense_trace_zero_q():
    # Q = [[0, 1], [1, 0]] has eigenvalues ±1 (w = 1); θ = (3, 3)/√2·… : take θ on the +1 eigenvector (1, 1).
    p = Problem.create([[0, 1], [1, 0]], 1, "21/10")
    cert = escape.certificate(p)
    assert cert.lemma == "escape-symmetric" and cert.w_squared == 1
    theta = [8, 8]  # z̃ = η(θ₁θ₂ − E) = 2.1·63 = 132.3, x = z̃, π = 0 (an eigenvector)
    with mp.workdps(DPS):
        assert cert.test([mpf(8), mpf(8)], DPS) is not None
        assert cert.test([mpf(1), mpf(1)], DPS) is None  # x = 0 here
    assert zt_exact(p, theta) == F(21, 10) * 63


def test_eigenvalue_bounds_enclose_the_exact_eigenvalues():
    Q = [[F(2), F(1), F(0)], [F(1), F(-1), F(3)], [F(0), F(3), F(1)]]
    exact_roots = sorted(
        sp.Poly(sp.Matrix(Q).charpoly(sp.Symbol("l")).as_expr(), sp.Symbol("l")).real_roots(), key=lambda r: float(r)
    )
    bounds = escape.eigenvalue_bounds(Q)
    assert len(bounds) == 3
    for (lo, hi), r in zip(bounds, exact_roots):
        assert sp.Rational(lo.numerator, lo.denominator) <= r <= sp.Rational(hi.numerator, hi.denominator)
        assert lo * hi > 0 and (hi - lo) * 2**20 <= min(abs(lo), abs(hi))
    assert escape.eigenvalue_bounds([[F(1), F(1)], [F(1), F(1)]]) == [(0, 0), (2, 2)]  # eigenvalues 0 and 2


def test_eigenvalues_absent_from_theta0_are_left_out():
    # diag(3, −9/5) is not separated on the negative side (9/5 < 3), but with θ₁ = 0 only −9/5 is present.
    p = Problem.diagonal([3, "-9/5"], "19/10", "7/5")
    assert escape.certificate(p).thresholds[1] is None
    up, down = escape.certificate(p, [0, "27/10"]).thresholds
    assert up is None and down == max(F(3) / F(9, 5), F(2) / F(9, 5), 2 * F(7, 5) * F(19, 10))
    assert outcome(p, [0, "27/10"], dps=30).status == "diverged"


# ---------------------------------------------------------------------------------------------
# cycle_digits
# ---------------------------------------------------------------------------------------------


def test_cycle_digits_is_order_free_and_takes_the_worse_pair():
    with mp.workdps(30):
        assert cycle_digits([mp.sqrt(2), mpf(3)], [3, sp.sqrt(2)]) == 30
        # 1.4142 vs √2: relative error 9.6e-6, so 5 digits; 3.001 vs 3: 3.3e-4, so 3 digits.
        assert cycle_digits([mpf("1.4142"), mpf(3)], [sp.sqrt(2), 3]) == 5
        assert cycle_digits([mpf("3.001"), mpf("1.4142")], [sp.sqrt(2), 3]) == 3
        assert cycle_digits([mpf(1), mpf(2)], [sp.Integer(5), sp.Integer(7)]) == 0


def test_module_doctests():
    import doctest

    from eos_theory.quadratic import runs

    assert doctest.testmod(runs).failed == 0
    assert doctest.testmod(escape).failed == 0


# ---------------------------------------------------------------------------------------------
# Repeat detection, directly on hand-made histories (found missing by mutation testing)
# ---------------------------------------------------------------------------------------------

from eos_theory.quadratic.runs import _best, _digits, _gap, _period  # noqa: E402


def test_digits_of_a_relative_gap():
    with mp.workdps(30):
        assert _digits(mpf(0), 30) == 30  # an exact repeat: every digit of the precision
        assert _digits(mpf("3e-8"), 30) == 7  # −log₁₀(3·10⁻⁸) = 7.52…
        assert _digits(mpf("0.5"), 30) == 0 and _digits(mpf(3), 30) == 0  # not even the first digit
        assert _digits(mpf("1e-45"), 30) == 30  # capped at the precision


def test_gap_is_relative_to_the_larger_iterate_or_the_floor():
    with mp.workdps(30):
        new, old = (mpf(1), mpf(0)), (mpf(3), mpf(-1))  # |θ_k − θ_{k−1}|∞ = 2
        assert _gap([old, new], 1, mpf(0)) == mpf(2) / 3  # scale |old|∞ = 3
        assert _gap([new, old], 1, mpf(0)) == mpf(2) / 3  # scale |new|∞ = 3
        assert _gap([old, new], 1, mpf(8)) == mpf(2) / 8  # scale the floor 8
        assert _gap([(mpf(1), mpf(0)), (mpf(-1), mpf(0))], 1, mpf(0)) == 2  # scale exactly 1
        zero = (mpf(0), mpf(0))
        assert _gap([zero, zero], 1, mpf(0)) == 0  # 0 against 0 with no floor: an exact repeat
        # N counts back from the newest iterate
        assert _gap([new, old, new], 2, mpf(0)) == 0 and _gap([new, old, new], 1, mpf(0)) == mpf(2) / 3


def test_period_is_the_least_repeat_within_the_tolerance():
    with mp.workdps(30):
        a, b = (mpf(3),), (mpf(4),)
        # |3 − 4| = 1 = (1/4)·max(3, 4): exactly at the tolerance counts as a repeat
        assert _period([b, a], mpf(0), mpf(1) / 4) == 1
        assert _period([a, b], mpf(0), mpf(1) / 4) == 1  # the scale is the larger of the two, either way
        assert _period([a, b], mpf(0), mpf(1) / 5) is None
        assert _period([a, b], mpf(20), mpf(1) / 5) == 1  # 1 ≤ (1/5)·20 with the floor
        # the least N: θ repeats every 2 steps (and so every 4), not every step
        c = (mpf(-3),)
        assert _period([a, c, a, c, a], mpf(0), mpf(10) ** -20) == 2


def test_best_period_may_be_one():
    with mp.workdps(30):
        hist = [(mpf(8),), (mpf(4),), (mpf(3),), (mpf("2.875"),)]  # gaps: N = 1: 1/24, N = 2: 9/32, N = 3: 41/64
        N, gap = _best(hist, mpf(0))
        assert N == 1 and gap == mpf("0.125") / 3


# ---------------------------------------------------------------------------------------------
# outcome: budgets, arguments and what the reason says (found missing by mutation testing)
# ---------------------------------------------------------------------------------------------

HALF = Problem.diagonal([-1, 1], 1, "1/2")  # e = 1/2: converges to a zero-loss minimum


def test_defaults_and_the_exact_reason_of_a_minimum():
    end = outcome(HALF, ["1/10", "1/10"])
    assert end.dps == DPS == 50  # the default precision
    assert re.fullmatch(r"θ repeats every step to \d+ digits: a zero-loss minimum", end.reason), end.reason


def test_a_fixed_point_that_is_not_a_minimum_names_its_z():
    # Q = diag(4, 8) > 0 and E = −1/3: z ≥ 1/3 everywhere, GD contracts θ to 0 (factors about 2/3, 1/3),
    # where z̃ = η(0 − E) = 1/12 = 0.0833333…, shown to 5 significant digits
    end = outcome(Problem.diagonal([4, 8], "-1/3", "1/4"), ["1/10", "1/10"], dps=30)
    assert end.status == "converged"
    assert end.reason.endswith(": a fixed point with z̃ = 0.083333 ≠ 0 (Qθ = 0)"), end.reason


def test_periodic_reason_names_the_period_and_the_search_bound():
    end = outcome(Problem.diagonal([-1, 1], 1, "11/10"), ["1/100", "1/100"], dps=30, max_period=2)
    assert end.status == "periodic" and end.period == 2
    assert re.fullmatch(r"θ repeats every 2 steps to \d+ digits \(no shorter period up to 2\)", end.reason), end.reason


def test_max_period_bounds_the_periods_searched():
    # e = 5/4: period 4 in θ (test_periodic_with_period_four_past_the_window); with periods up to 3 only,
    # the run must not call it settled
    p = Problem.diagonal([-1, 1], 1, "5/4")
    end = outcome(p, ["1/100", "1/100"], dps=30, max_steps=3000, max_period=3)
    assert end.status == "not converged" and end.period is None
    # a fixed point is found with max_period = 1
    assert outcome(HALF, ["1/10", "1/10"], dps=30, max_period=1).status == "converged"


def test_the_step_budget_is_exact():
    p = Problem.diagonal([-1, 1], 1, 1)  # e = 1: far from settled within a few steps
    for n in (1, 5):
        end = outcome(p, ["1/100", "1/100"], dps=30, max_steps=n)
        assert end.status == "not converged" and end.steps == n
        assert end.theta == gd_mp(p, ["1/100", "1/100"], n, dps=30).theta


def test_not_converged_reports_the_best_period_and_its_ntk_values():
    p = Problem.diagonal([-1, 1], 1, 1)
    end = outcome(p, ["1/100", "1/100"], dps=30, max_steps=500)
    N = int(re.search(r"θ repeats best with period (\d+), to only \d+ digits", end.reason).group(1))
    assert len(end.ntk) == N
    # the last value is η·NTK = η·θᵀQ²θ = η(θ₁² + θ₂²) at the last iterate (ω = ∓1), computed here
    with mp.workdps(30):
        assert agreeing_digits(end.ntk[-1], exact(p.lr) * sum(exact(t) ** 2 for t in end.theta), dps=30) >= 28


def test_a_run_settled_when_the_budget_ends_is_settled():
    """If θ already repeats to the required digits when the step budget ends, the run is settled."""
    full = outcome(HALF, ["1/10", "1/10"], dps=30)
    short = outcome(HALF, ["1/10", "1/10"], dps=30, max_steps=full.steps - 1)
    assert short.status == "converged" and short.steps == full.steps - 1 and short.digits >= required_digits(30)


def test_the_guard_stops_at_the_first_iterate_past_it():
    p = Problem.diagonal([3, "-27/10", "3/5"], "17/10", "13/10")  # as in test_magnitude_guard_without_an_escape_lemma
    theta0 = ["-27/10", "-8/5", "-14/5"]
    end = outcome(p, theta0, dps=30)
    assert re.fullmatch(
        r"\|z̃\| or \|θ\| passed 2\^\(2\^62\) at step \d+ outside every proven escape region; no "
        r"escape lemma covers this spectrum: divergence is likely but not proved",
        end.reason,
    ), end.reason
    before = gd_mp(p, theta0, end.steps - 1, dps=30).theta
    guard = mpf(2) ** GUARD_BITS
    with mp.workdps(30):

        def zt(th):  # z̃ = η(½θᵀQθ − E), for the diagonal Q, computed here
            return to_mpf(p.lr) * (sum(to_mpf(p.Q[i][i]) * th[i] ** 2 for i in range(3)) / 2 - to_mpf(p.target))

        assert abs(zt(before)) < guard and max(abs(t) for t in before) < guard
        assert abs(zt(end.theta)) >= guard or max(abs(t) for t in end.theta) >= guard


def test_bad_budgets_name_the_argument():
    for kwargs, message in [
        ({"max_steps": 0}, "max_steps must be >= 1, got 0"),
        ({"max_period": 0}, "max_period must be >= 1, got 0"),
    ]:
        with pytest.raises(InputError) as info:
            outcome(HALF, [0, 0], **kwargs)
        assert str(info.value) == message
    with pytest.raises(InputError) as info:
        outcome([[1]], [0])
    assert str(info.value) == "problem must be a Problem (build it with Problem.create), got [[1]]"


@pytest.mark.parametrize("steps, most", [(0, 2), (1, 2), (5, 3), (1000, 7), (1001, 64)])
def test_trajectory_keeps_a_bounded_evenly_spaced_record(steps, most):
    """max_records: at most that many records, every stride-th step (a power of 2) and the last; the values
    are those of the full run at the same steps."""
    p = Problem.diagonal([-1, 1], 1, "1/2")
    full = trajectory(p, ["1/10", "1/10"], steps, dps=30)
    thin = trajectory(p, ["1/10", "1/10"], steps, dps=30, max_records=most, follow=lambda k, zt, ntk: k)
    assert len(thin.at) <= most and thin.at[-1] == steps == thin.steps
    assert all(k % thin.stride == 0 for k in thin.at[:-1]) and list(thin.followed) == list(thin.at)
    assert thin.stride == 1 or len(thin.at) > most // 2  # thinned only when needed
    assert [full.zt[k] for k in thin.at] == list(thin.zt)
