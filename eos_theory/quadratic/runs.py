"""What a bounded gradient-descent run did: converged, periodic, diverged, or not converged.

:func:`outcome` runs parameter-space GD at a stated precision until one of these is established,
within a step budget and a wall-clock budget:

* ``"converged"`` / ``"periodic"``: θ_k repeats θ_{k−N} (N = 1, or the least N ≤ ``max_period``) to
  at least ``dps − 10`` significant digits (:func:`required_digits`), measured against the scale of
  the run.  A run is never called settled because its progress stalled: a fixed point must also have
  z = 0 (a zero-loss minimum) or Qθ = 0 to half those digits, whatever η (a run whose steps are too
  small for the working precision is "not converged": GD stalled).
* ``"diverged"``: an iterate lies in a proven escape region (:mod:`eos_theory.quadratic.escape`), checked in
  interval arithmetic; from there exact GD provably runs off to infinity.
* ``"not converged"``: the step or time budget ran out, or |z̃| or |θ| passed the magnitude guard
  2^(2^62) outside every proven escape region (divergence is then not claimed).

:func:`trajectory` records z̃ and η·NTK step by step for a fixed number of steps, stopping early at
an escape region or the guard.  θ stays an mpf vector at the working precision throughout (no
round trip through exact rationals), so the numbers' size is bounded by the precision.

>>> end = outcome(Problem.diagonal([-1, 1], target=1, lr="1/2"), ["1/10", "1/10"], dps=30)
>>> end.status, end.period, end.digits >= required_digits(30)
('converged', 1, True)
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp
from mpmath import iv, mp, mpf

from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import enclose, iv_workdps
from eos_theory.numbers.parse import MIN_DPS, InputError, check_count, check_dps, show_value, to_mpf
from eos_theory.quadratic import escape
from eos_theory.quadratic.gd import Problem

__all__ = [
    "GUARD_BITS",
    "STATUSES",
    "Outcome",
    "Stop",
    "Trajectory",
    "cycle_digits",
    "outcome",
    "required_digits",
    "trajectory",
]

STATUSES = ("converged", "periodic", "diverged", "not converged")
GUARD_BITS = 2**62  #: magnitude guard: stop once |z̃| or some |θ_i| reaches 2^GUARD_BITS (keeps exponents machine-size)
CERTIFY_STEPS = 2000  #: longest prefix re-run in interval arithmetic to certify divergence from θ₀ itself
_CHECK_EVERY = 16  #: steps between repeat / time checks


def required_digits(dps: int) -> int:
    """Digits of agreement between θ_k and θ_{k−N} needed to call a run settled: dps − 10.

    Rounding noise at a stable fixed point or cycle stays within a few units in the last place
    (times 1/(1 − |multiplier|)); 10 digits of margin keep it from mattering, and a run whose
    steps merely shrink slowly does not pass.

    >>> required_digits(50), required_digits(15)
    (40, 5)
    """
    return check_dps(dps) - 10


@dataclass(frozen=True)
class Outcome:
    """What :func:`outcome` established, with the evidence in one line (``reason``)."""

    status: str  #: one of STATUSES
    period: int | None  #: in θ (1 for a fixed point); None unless converged or periodic
    steps: int  #: GD steps taken
    digits: int | None  #: agreeing digits of θ_k, θ_{k−period} (best N ≤ max_period if not converged); None if diverged
    ntk: tuple[
        mpf, ...
    ]  #: η·NTK at the last ``period`` iterates (the best N's if not converged; the last one if diverged)
    reason: str
    theta: tuple[mpf, ...]  #: the last iterate
    dps: int

    @property
    def settled(self) -> bool:
        return self.status in ("converged", "periodic")


@dataclass(frozen=True)
class Stop:
    """Why :func:`trajectory` stopped before its step count."""

    step: int  #: the last step recorded
    status: str  #: "diverged" or "not converged"
    reason: str


@dataclass(frozen=True)
class Trajectory:
    """z̃ and η·NTK at the recorded steps ``at`` of θ_0 … θ_steps (all of them unless thinned; ``steps`` may be
    fewer than asked if ``stopped``)."""

    zt: tuple[mpf, ...]
    ntk: tuple[mpf, ...]
    thetas: tuple[tuple[mpf, ...], ...]  #: θ at the recorded steps
    steps: int  #: the last step taken (always recorded)
    dps: int
    stopped: Stop | None
    at: tuple[int, ...] = ()  #: the step number of each record
    followed: tuple = ()  #: what ``follow`` returned at each recorded step
    stride: int = 1  #: records are every stride-th step (and the last)


# --------------------------------------------------------------------------------------------
# One GD step at the working precision
# --------------------------------------------------------------------------------------------


class _Step:
    """θ ↦ (z̃(θ), θ − z̃Qθ) in mpf at the current precision; the same operations, in the same
    order, as :func:`eos_theory.quadratic.gd.gd_mp`, so both give bit-identical iterates."""

    def __init__(self, problem: Problem):
        self.diagonal = problem.is_diagonal
        self.eta = to_mpf(problem.lr)
        self.eta_E = to_mpf(problem.lr * problem.target)
        self.E = to_mpf(problem.target)
        if self.diagonal:
            self.w = [to_mpf(problem.Q[i][i]) for i in range(problem.P)]
            self.a = [self.eta * wi / 2 for wi in self.w]
            self.g = [self.eta * wi * wi for wi in self.w]
        else:
            self.Q = [[to_mpf(q) for q in row] for row in problem.Q]
            self.half_eta = self.eta / 2

    def __call__(self, th):
        if self.diagonal:
            zt = -self.eta_E
            for ai, ti in zip(self.a, th):
                zt += ai * (ti * ti)
            return zt, [ti - zt * wi * ti for wi, ti in zip(self.w, th)]
        v = [mp.fdot(row, th) for row in self.Q]
        zt = self.half_eta * mp.fdot(th, v) - self.eta_E
        return zt, [t - zt * vi for t, vi in zip(th, v)]

    def in_kernel(self, th, rel, size) -> bool:
        """Qθ = 0 up to ``rel``: each |(Qθ)_i| ≤ rel·Σ_j |Q_ij|·size (each row against its own scale; ``size``
        is that of θ over the run)."""
        rows = [[wi] for wi in self.w] if self.diagonal else self.Q
        values = [wi * ti for wi, ti in zip(self.w, th)] if self.diagonal else [mp.fdot(row, th) for row in self.Q]
        return all(abs(v) <= rel * mp.fsum(abs(q) for q in row) * size for v, row in zip(values, rows))

    def ntk(self, th) -> mpf:
        """T̃ = η·θᵀQ²θ."""
        if self.diagonal:
            Tt = 0
            for gi, ti in zip(self.g, th):
                Tt += gi * (ti * ti)
            return Tt
        v = [mp.fdot(row, th) for row in self.Q]
        return self.eta * mp.fdot(v, v)


def _seconds(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputError(f"max_seconds must be a positive number, got {show_value(value)}")
    return float(value)


def _escaped(problem: Problem, cert, theta0, th, k: int, dps: int) -> str | None:
    """If θ_k is in an escape region: the reason line, saying whether θ₀'s exact orbit is certified too."""
    where = cert.test(th, dps)
    if where is None:
        return None
    box = _enclosed_orbit(problem, theta0, k, dps) if k <= CERTIFY_STEPS else None
    if box is not None and cert.test(box, dps) is not None:
        how = "an interval enclosure of exact GD from θ₀ lies in it too"
    else:
        how = "checked on the computed iterate; its rounding error is not enclosed"
    return f"entered the escape region {where} at step {k}: GD diverges ({how})"


def _enclosed_orbit(problem: Problem, theta0, steps: int, dps: int):
    """An interval box containing exact GD's θ_steps from the exact θ₀ (None once it gets too wide)."""
    with iv_workdps(dps + 10):
        box = [enclose(t) for t in theta0]
        Q = [[enclose(q) for q in row] for row in problem.Q]
        eta, E = enclose(problem.lr), enclose(problem.target)
        for k in range(steps):
            v = [sum((q * t for q, t in zip(row, box)), iv.mpf(0)) for row in Q]
            zt = eta * (sum((t * vi for t, vi in zip(box, v)), iv.mpf(0)) / 2 - E)
            box = [t - zt * vi for t, vi in zip(box, v)]
            if k % _CHECK_EVERY == 0 and _wide(box):
                return None
        return box


def _wide(box) -> bool:
    """A box with a side wider than 2^−20 of its largest coordinate: too loose to be worth continuing."""
    ends = [(mp.make_mpf(x._mpi_[0]), mp.make_mpf(x._mpi_[1])) for x in box]
    return max(hi - lo for lo, hi in ends) > max(max(abs(lo), abs(hi)) for lo, hi in ends) * mpf(2) ** -20


# --------------------------------------------------------------------------------------------
# Repeats
# --------------------------------------------------------------------------------------------


def _digits(gap, dps: int) -> int:
    """Agreeing digits for a relative gap: ⌊−log₁₀ gap⌋, capped at dps (0 ≤ digits)."""
    if gap == 0:
        return dps
    return max(0, min(dps, int(mp.floor(-mp.log10(gap)))))


def _norm(th) -> mpf:
    return max(abs(t) for t in th)


def _period(hist, floor, tol) -> int | None:
    """The least N with |θ_k − θ_{k−N}|∞ ≤ tol·max(|θ_k|∞, |θ_{k−N}|∞, floor)."""
    new = hist[-1]
    new_norm = _norm(new)
    for N in range(1, len(hist)):
        old = hist[-1 - N]
        limit = tol * max(new_norm, _norm(old), floor)
        if all(abs(a - b) <= limit for a, b in zip(new, old)):  # stops at the first coordinate that differs
            return N
    return None


def _gap(hist, N: int, floor) -> mpf:
    """|θ_k − θ_{k−N}|∞ relative to max(|θ_k|∞, |θ_{k−N}|∞, floor)."""
    new, old = hist[-1], hist[-1 - N]
    scale = max(_norm(new), _norm(old), floor)
    return max(abs(a - b) for a, b in zip(new, old)) / scale if scale != 0 else mpf(0)


def _best(hist, floor) -> tuple[int, mpf]:
    """The N ≤ len(hist) − 1 with the smallest relative gap, and that gap."""
    return min((_gap(hist, N, floor), N) for N in range(1, len(hist)))[::-1]


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def outcome(
    problem: Problem, theta0, dps: int = 50, max_steps: int = 200_000, max_seconds: float = 20.0, max_period: int = 64
) -> Outcome:
    """Run GD from θ₀ at ``dps`` digits until it settles, provably diverges, or a budget runs out.

    Settled means θ_k agrees with θ_{k−N} to :func:`required_digits` digits, for the least such
    N ≤ ``max_period``, relative to max(|θ_k|, |θ_{k−N}|, |θ₀|) (so an orbit decaying to θ = 0
    settles once its steps are negligible against its start).  Once settled, the run continues
    while the agreement still improves (at most as many steps again), so ``digits`` is what the
    precision allows.  Budgets: ``max_steps`` GD steps and ``max_seconds`` of wall-clock time.
    """
    if not isinstance(problem, Problem):
        raise InputError(f"problem must be a Problem (build it with Problem.create), got {show_value(problem)}")
    theta = problem.theta(theta0)
    dps, max_steps = check_dps(dps), check_count(max_steps, "max_steps", least=1)
    max_period, max_seconds = check_count(max_period, "max_period", least=1), _seconds(max_seconds)
    need = required_digits(dps)
    cert = escape.certificate(problem, theta)
    deadline = time.monotonic() + max_seconds
    check = max(_CHECK_EVERY, max_period)  # a repeat check costs about max_period·P operations
    with mp.workdps(dps):
        step = _Step(problem)
        th = [to_mpf(t) for t in theta]
        floor = _norm(th)
        tol = mpf(10) ** -need
        guard = mpf(2) ** GUARD_BITS
        trigger = min(to_mpf(cert.trigger), guard) if cert is not None else guard  # one comparison per step
        hist = deque([tuple(th)], maxlen=max_period + 1)
        k = 0

        def result(status, N, digits, ntk_of, reason):
            return Outcome(status, N, k, digits, tuple(step.ntk(t) for t in ntk_of), reason, tuple(th), dps)

        def unsettled(why):
            N, gap = _best(hist, floor)
            d = _digits(gap, dps)
            return result(
                "not converged",
                None,
                d,
                list(hist)[-N:],
                f"{why}; θ repeats best with period {N}, to only {d} digits ({need} required)",
            )

        def settled(N, d):
            # A contracting orbit can pass the test for a multiple of its period first (with a multiplier
            # near −1, θ_k − θ_{k−2} is much smaller than θ_k − θ_{k−1}); after polishing, take the least N.
            least = _period(hist, floor, tol)
            if least is not None and least < N:
                N, d = least, _digits(_gap(hist, least, floor), dps)
            if N == 1:  # a fixed point of exact GD has z = 0 or Qθ = 0: read z itself, not z̃ = ηz (tiny with η)
                zt = step(th)[0]
                z = zt / step.eta
                # half the required digits: far above rounding at a run that converged, far below the z or Qθ
                # kept by a run whose steps ηzQθ drown in rounding (its θ repeats without approaching anything)
                small = mp.sqrt(tol)
                if abs(z) <= small * max(abs(step.E), abs(z + step.E)):  # relative to E and ½θᵀQθ
                    kind = "a zero-loss minimum"
                elif step.in_kernel(th, small, max(_norm(th), floor)):
                    kind = f"a fixed point with z̃ = {mp.nstr(zt, 5)} ≠ 0 (Qθ = 0)"
                else:
                    return result(
                        "not converged",
                        None,
                        d,
                        [th],
                        f"GD stalled: θ repeats to {d} digits only because each step ηzQθ is below the working "
                        f"precision (η = {mp.nstr(step.eta, 5)}; z = {mp.nstr(z, 5)} and Qθ at step {k}, neither near 0)",
                    )
                return result("converged", 1, d, [th], f"θ repeats every step to {d} digits: {kind}")
            return result(
                "periodic",
                N,
                d,
                list(hist)[-N:],
                f"θ repeats every {N} steps to {d} digits (no shorter period up to {max_period})",
            )

        found = None  # (N, digits, step) once θ repeats to `need` digits; then polish while digits improve
        while True:
            zt, th_next = step(th)
            big = abs(zt) >= trigger
            if big and cert is not None:
                why = _escaped(problem, cert, theta, th, k, dps)
                if why is not None:
                    return result("diverged", None, None, [th], why)
            if (big and abs(zt) >= guard) or (k % check == 0 and _norm(th) >= guard):
                lemma = "" if cert is not None else "; no escape lemma covers this spectrum"
                return result(
                    "not converged",
                    None,
                    None,
                    [th],
                    f"|z̃| or |θ| passed 2^(2^62) at step {k} outside every proven escape region{lemma}: "
                    "divergence is likely but not proved",
                )
            if k == max_steps:
                return settled(*found[:2]) if found else unsettled(f"step budget {max_steps} exhausted")
            th, k = th_next, k + 1
            hist.append(tuple(th))
            if k % check and k != max_steps:
                continue
            if found is not None:  # settled already: keep going only while the repeat gets sharper
                N, before, first = found
                d = _digits(_gap(hist, N, floor), dps)
                if d >= need and (d <= before or k >= 2 * first or time.monotonic() > deadline):
                    return settled(N, d)
                found = (N, d, first) if d >= need else None
                continue
            period = _period(hist, floor, tol)
            if period is not None:
                found = (period, _digits(_gap(hist, period, floor), dps), k)
            elif time.monotonic() > deadline:
                return unsettled(f"time limit {max_seconds:g} s reached after {k} steps")


def trajectory(
    problem: Problem,
    theta0,
    steps: int,
    dps: int = 50,
    max_seconds: float = 60.0,
    max_records: int | None = None,
    follow: Callable[[int, mpf, mpf], Any] | None = None,
) -> Trajectory:
    """z̃ and η·NTK at θ_0 … θ_steps, stopping early (``stopped``) when an iterate lies in a proven escape
    region, passes the magnitude guard, or the time budget runs out.

    With ``max_records``, memory does not grow with the steps: once the records would pass it, every
    other one is dropped and the stride doubles, so a run of any length keeps at most that many, evenly
    spaced (every ``stride``-th step), plus the last iterate.  ``follow(k, z̃_k, η·NTK_k)`` is called at
    every step, inside the time budget (for a computation that must see every step, such as the 2-D
    map iterated alongside); its values at the recorded steps are in ``followed``.
    """
    if not isinstance(problem, Problem):
        raise InputError(f"problem must be a Problem (build it with Problem.create), got {show_value(problem)}")
    theta = problem.theta(theta0)
    dps, steps, max_seconds = check_dps(dps), check_count(steps, "steps"), _seconds(max_seconds)
    if max_records is not None:
        max_records = check_count(max_records, "max_records", least=2)
    cert = escape.certificate(problem, theta)
    deadline = time.monotonic() + max_seconds
    stride = 1
    with mp.workdps(dps):
        step = _Step(problem)
        th = [to_mpf(t) for t in theta]
        trigger = to_mpf(cert.trigger) if cert is not None else None
        guard = mpf(2) ** GUARD_BITS
        records: list[tuple] = []  # (k, z̃, η·NTK, θ, followed)
        stop = None
        for k in range(steps + 1):
            zt, th_next = step(th)
            Tt = step.ntk(th)
            extra = None if follow is None else follow(k, zt, Tt)
            if trigger is not None and abs(zt) >= trigger:
                why = _escaped(problem, cert, theta, th, k, dps)
                if why is not None:
                    stop = Stop(k, "diverged", why)
            if stop is None and (abs(zt) >= guard or _norm(th) >= guard):
                stop = Stop(
                    k,
                    "not converged",
                    f"|z̃| or |θ| passed 2^(2^62) at step {k} outside every proven "
                    "escape region: divergence is likely but not proved",
                )
            if stop is None and k < steps and k % _CHECK_EVERY == 0 and time.monotonic() > deadline:
                stop = Stop(k, "not converged", f"time limit {max_seconds:g} s reached after {k} steps")
            last = stop is not None or k == steps  # the last iterate is always recorded
            if k % stride == 0 or last:
                if max_records is not None and len(records) >= max_records:
                    stride *= 2
                    records = [r for r in records if r[0] % stride == 0]
                if k % stride == 0 or last:
                    records.append((k, zt, Tt, tuple(th), extra))
            if stop is not None:
                break
            th = th_next
    at, zts, Tts, ths, seen = (tuple(col) for col in zip(*records))
    return Trajectory(zts, Tts, ths, at[-1], dps, stop, at, seen, stride)


# --------------------------------------------------------------------------------------------
# Comparison with a predicted cycle
# --------------------------------------------------------------------------------------------


def cycle_digits(values, predicted, dps: int | None = None) -> int:
    """Agreeing digits of two η·NTK values with a predicted pair, order-free: the worse of the two.

    ``predicted`` may hold exact SymPy numbers (evaluated here at the working precision) or mpf.
    (1.4142 vs √2 = 1.41421356…: relative error 9.6e-6, so 5 digits.)

    >>> with mp.workdps(30):
    ...     cycle_digits([mp.sqrt(2), mpf(3)], [3, sp.sqrt(2)]), cycle_digits([mpf("1.4142"), mpf(3)], [3, sp.sqrt(2)])
    (30, 5)
    """
    cap = mp.dps if dps is None else check_dps(dps)
    with mp.workdps(cap):
        want = sorted(v if isinstance(v, type(mpf(0))) else mp.mpf(str(sp.N(v, cap + 10))) for v in predicted)
        return min(agreeing_digits(a, b, dps=cap) for a, b in zip(sorted(values), want))


assert MIN_DPS > 10  # required_digits stays positive
