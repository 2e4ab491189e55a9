"""The axis map past the period-2 window: the boundary crisis and the period-doubling cascade.

On an eigen-axis GD is y ↦ f(y) = y + y(y + ε)(y − 2) (:func:`eos_theory.quadratic.closed_forms.axis_map`; it does
not involve r, so everything here holds on the axis for every r).  This module

* derives the **boundary crisis** exactly (:func:`crisis`): f's local maximum c = (1 − 2ε)/3 has
  f(c) − 2 = (ε − 2)(2ε + 5)²/27, so the critical value reaches the repelling fixed point y = 2
  (θ ↦ −θ) exactly at ε = 2;
* computes the **period-doubling thresholds** ε_k at which the period-2^(k−1) orbit of f loses
  stability ((f^p)'(y) = −1 with f^p(y) = y, p = 2^(k−1)): Newton's method on that system in mpmath
  at two precisions, started from the Feigenbaum extrapolation of the previous thresholds, bounded in
  iterations and time (:func:`cascade`);
* **certifies** a threshold with the Krawczyk operator in interval arithmetic (:func:`certify`): a box
  with exactly one solution of the system, and the sign of the multiplier's speed dλ/dε over it;
* estimates the **accumulation point** of the cascade (onset of chaos) with Feigenbaum's δ
  (:func:`onset`): an extrapolation with an error estimate, not a proof.

>>> crisis().value, crisis().excess
(2, (epsilon - 2)*(2*epsilon + 5)**2/27)
>>> run = cascade(levels=4, digits=20)
>>> [t.period for t in run.thresholds], mp.nstr(run.thresholds[2].e, 15)
([1, 2, 4, 8], '1.28803175448284')
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

import sympy as sp
from mpmath import iv, mp, mpf

from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import KrawczykResult, iv_workdps, krawczyk
from eos_theory.numbers.parse import MIN_DPS, InputError, check_count, check_dps, exact, to_mpf
from eos_theory.quadratic.closed_forms import (
    axis_frame,
    axis_map,
    axis_ntk,
    eps,
    flip_normal_form,
    p,
    period_doubling,
    q,
    r,
    y,
)

__all__ = [
    "FEIGENBAUM_DELTA",
    "MAX_DIGITS",
    "MAX_LEVELS",
    "MIN_LEVELS",
    "Cascade",
    "Certificate",
    "Crisis",
    "NotConverged",
    "Threshold",
    "cascade",
    "certify",
    "certify_threshold",
    "crisis",
    "cycle_system",
    "exact_thresholds",
    "feigenbaum_ratios",
    "map_function",
    "map_has_no_r",
    "onset",
    "orbit_jet",
    "refine",
    "report",
]

#: Feigenbaum's δ to 25 significant digits (Feigenbaum, J. Stat. Phys. 19 (1978) 25; digits: K. Briggs,
#: Math. Comp. 57 (1991) 435).  The ratios computed here reach about 6 digits, so 25 are ample.
FEIGENBAUM_DELTA = "4.669201609102990671853204"
MIN_LEVELS, MAX_LEVELS = 3, 12  #: levels k = 1..K; K ≥ 3 gives one ratio and two extrapolations
MAX_NEWTON = 60  #: Newton iterations per precision; it converges in about 6
_GUARD = 10  #: digits above the requested ones at the lower precision


class NotConverged(ArithmeticError):
    """Newton's method, or the search for its starting point, did not converge within its budget."""


# --------------------------------------------------------------------------------------------
# The boundary crisis, exactly
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crisis:
    """The critical points of the axis map and how the critical value meets y = 2 (all derived)."""

    derivative: sp.Expr  #: f'(y), factored
    maximum: sp.Expr  #: c = (1 − 2ε)/3, the local maximum (f''(c) = −2(1 + ε) < 0 for ε > −1)
    minimum: sp.Expr  #: 1, the local minimum (f''(1) = 2(1 + ε)); f(1) = −ε
    fixed_points: tuple[sp.Expr, ...]  #: 0 (minimum of the loss), −ε (θ = 0), 2 (θ ↦ −θ)
    repeller: sp.Expr  #: 2: the fixed point where one step maps p to −p (θ ↦ −θ)
    repeller_multiplier: sp.Expr  #: f'(2) = 5 + 2ε > 1 for ε > −2
    excess: sp.Expr  #: f(c) − 2, factored: (ε − 2)(2ε + 5)²/27
    value: sp.Expr  #: the ε > 0 at which f(c) = 2: the boundary crisis
    above: sp.Expr  #: f(y) − 2 = (y − 2)·above, above = y² + εy + 1
    below: sp.Expr  #: f(y) + ε, factored: (y + ε)(y − 1)²
    hole: tuple[sp.Expr, sp.Expr]  #: the roots of y² + εy + 1 (real for ε ≥ 2): the hole is between them
    escape: sp.Expr  #: f(y) − 2 − (5 + 2ε)(y − 2), factored: (y − 2)²(y + ε + 2)


@cache
def crisis() -> Crisis:
    """Derive the boundary crisis of the axis map from :func:`analysis.axis_map`.

    The critical points solve f'(y) = 0; the local maximum is the one with f'' < 0 for ε > −1.  The
    repelling fixed point is where one GD step maps p to −p: p' = (1 − y)p with 1 − y = −1.
    """
    f = axis_map()
    f1 = sp.factor(sp.diff(f, y))
    crit = sp.solve(f1, y)
    second = {c: sp.factor(sp.diff(f, y, 2).subs(y, c)) for c in crit}
    at_zero = {c: v.subs(eps, 0) for c, v in second.items()}  # the sign of −2(1 + ε), 2(1 + ε) on ε > −1
    (cmax,) = [c for c in crit if at_zero[c] < 0]
    (cmin,) = [c for c in crit if at_zero[c] > 0]
    fixed = tuple(sorted(sp.solve(f - y, y), key=lambda v: v.subs(eps, 1)))
    step = sp.expand(sp.cancel(axis_frame().p_next.subs(q, 0) / p)).subs(p**2, axis_ntk())  # p'/p = 1 − y
    (rep,) = sp.solve(sp.Eq(step, -1), y)
    if rep not in fixed:
        raise ArithmeticError(f"p ↦ −p at y = {rep}, which is not a fixed point")
    excess = sp.factor(f.subs(y, cmax) - 2)
    (value,) = sp.solveset(excess, eps, sp.Interval.open(0, sp.oo))
    above, remainder = sp.div(sp.expand(f - 2), y - rep, y)
    if remainder != 0:
        raise ArithmeticError("y = 2 is not a root of f(y) − 2")
    mult = sp.expand(sp.diff(f, y).subs(y, rep))
    hole = tuple(sorted(sp.solve(above, y), key=lambda v: v.subs(eps, 3)))
    return Crisis(
        f1,
        cmax,
        cmin,
        fixed,
        rep,
        mult,
        excess,
        value,
        sp.expand(above),
        sp.factor(f + eps),
        hole,
        sp.factor(f - 2 - mult * (y - 2)),
    )


def map_has_no_r() -> bool:
    """Whether the axis map and the axis η·NTK are free of r = ω_j/ω_i (so the crisis is the same for every r)."""
    return not (axis_map().has(r) or axis_ntk().has(r))


# --------------------------------------------------------------------------------------------
# The orbit system: f^p(y) = y and (f^p)'(y) = −1, with derivatives (mpmath or interval)
# --------------------------------------------------------------------------------------------


@cache
def _centred_forms() -> tuple[sp.Expr, tuple[tuple[sp.Expr, ...], ...]]:
    """f, f_y, f_yy, ∂f/∂ε and ∂²f/∂y∂ε as polynomials in u = y − c, c = (1 − 2ε)/3 the local maximum.

    Written around the critical point so that interval evaluation does not wrap: f(c + u) =
    f(c) − (1 + ε)u² + u³, evaluated in u by Horner's rule, has width about |f'|·width(u), where the
    expanded form y³ + (ε − 2)y² + (1 − 2ε)y would give the sum of its terms' moduli (about 3 per step
    near c, so 3^p over a p-cycle).  Returns c(ε) and, for each of the five, its coefficients in u
    (highest power first) as polynomials in ε; each is checked to reproduce the derivative it stands for.
    """
    f = axis_map()
    c = crisis().maximum
    uu = sp.Dummy("u")
    forms = []
    for g in (f, sp.diff(f, y), sp.diff(f, y, 2), sp.diff(f, eps), sp.diff(f, y, eps)):
        coeffs = tuple(sp.expand(a) for a in sp.Poly(sp.expand(g.subs(y, c + uu)), uu).all_coeffs())
        if sp.expand(sum(a * (y - c) ** k for k, a in enumerate(reversed(coeffs))) - g) != 0:
            raise ArithmeticError(f"the centred form of {g} does not reproduce it")
        forms.append(coeffs)
    return c, tuple(forms)


@cache
def map_function() -> Callable:
    """f(y, ε) as an mpmath function (lambdified from the derived axis map)."""
    return sp.lambdify([y, eps], axis_map(), modules=["mpmath"])


@cache
def _numeric_forms(interval: bool) -> Callable:
    """ε ↦ (c, coefficient lists of the five centred forms) as numbers; rationals print as mpf(1)/mpf(3),
    so with ``interval`` (mpf mapped to iv.mpf) they are enclosed."""
    c, forms = _centred_forms()
    modules = [{"mpf": iv.mpf}, "mpmath"] if interval else ["mpmath"]
    return sp.lambdify([eps], (c, [list(a) for a in forms]), modules=modules)


def _horner(coeffs, u):
    out = coeffs[0]
    for a in coeffs[1:]:
        out = out * u + a
    return out


def orbit_jet(y0, e, period: int, interval: bool = False) -> tuple:
    """(y_p, ∂y_p/∂y, ∂y_p/∂ε, λ, ∂λ/∂y, ∂λ/∂ε) for y_k = f^k(y0) at ε = e, λ = (f^p)'(y0) = Π f'(y_k).

    Forward recurrences, so one pass serves mpmath numbers (at the current ``mp`` precision) and
    ``mpmath.iv`` intervals (``interval=True``, at the current ``iv`` precision, enclosing the exact
    values for every y0, ε in the given intervals).
    """
    c, (cf, cfy, cfyy, cfe, cfye) = _numeric_forms(interval)(e)
    Y, Yy, Ye = y0, 1, 0
    M, My, Me = 1, 0, 0
    for _ in range(period):
        u = Y - c
        fy, fyy = _horner(cfy, u), _horner(cfyy, u)
        M, My, Me = M * fy, My * fy + M * fyy * Yy, Me * fy + M * (fyy * Ye + _horner(cfye, u))
        Y, Yy, Ye = _horner(cf, u), fy * Yy, fy * Ye + _horner(cfe, u)
    return Y, Yy, Ye, M, My, Me


def cycle_system(period: int, interval: bool = False) -> tuple[Callable, Callable]:
    """F(y, ε) = (f^p(y) − y, (f^p)'(y) + 1) and its Jacobian, as functions of a list [y, ε].

    A zero is a point of a p-cycle with multiplier −1.  Since −1 is not a square, the point has exact
    period p when p is a power of 2 (a q-cycle, q | p, q < p, would have (f^p)' = ((f^q)')^(p/q) ≥ 0).
    """
    period = check_count(period, "period", least=1)

    def F(X):
        Y, _, _, M, _, _ = orbit_jet(X[0], X[1], period, interval)
        return [Y - X[0], M + 1]

    def DF(X):
        _, Yy, Ye, _, My, Me = orbit_jet(X[0], X[1], period, interval)
        return [[Yy - 1, Ye], [My, Me]]

    return F, DF


# --------------------------------------------------------------------------------------------
# Newton's method at two precisions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """ε_k: the ε at which the period-p orbit of f (p = 2^(k−1)) loses stability, its multiplier passing −1.

    ``ε`` and ``y`` (the orbit point nearest the critical point) were computed at ``dps[1]`` digits,
    ``e_low`` at ``dps[0]``; ``agree`` is the number of significant digits on which the two agree.
    ``exact`` is the closed form where one is derived (k = 1, 2), else None.
    """

    level: int
    period: int
    e: mpf
    e_low: mpf
    y: mpf | None  #: None for the exact levels
    agree: int
    dps: tuple[int, int]
    exact: sp.Expr | None = None
    iterations: tuple[int, int] = (0, 0)


def _deadline_check(deadline: float | None, what: str) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise NotConverged(f"the time budget ran out during {what}")


def refine(period: int, y0, e0, deadline: float | None = None) -> tuple[mpf, mpf, int]:
    """Newton's method on F = (f^p(y) − y, (f^p)'(y) + 1) at the current mp precision, from (y0, e0):
    (y, ε, iterations), or :class:`NotConverged`."""
    y_, e_ = to_mpf(y0), to_mpf(e0)
    tol = mpf(10) ** (-mp.dps + 6)
    for it in range(1, MAX_NEWTON + 1):
        _deadline_check(deadline, f"Newton's method for period {period}")
        Y, Yy, Ye, M, My, Me = orbit_jet(y_, e_, period)  # F = (Y − y, M + 1), DF = [[Yy − 1, Ye], [My, Me]]
        f1, f2, a, b, c, d = Y - y_, M + 1, Yy - 1, Ye, My, Me
        det = a * d - b * c
        if det == 0 or not mp.isfinite(det):
            raise NotConverged(f"period {period}: singular Jacobian at Newton iteration {it}")
        dy, de = (d * f1 - b * f2) / det, (a * f2 - c * f1) / det
        y_, e_ = y_ - dy, e_ - de
        if not (mp.isfinite(y_) and mp.isfinite(e_)):
            raise NotConverged(f"period {period}: Newton's method left the finite numbers at iteration {it}")
        if abs(dy) <= tol * max(1, abs(y_)) and abs(de) <= tol * max(1, abs(e_)):
            return y_, e_, it
    raise NotConverged(f"period {period}: Newton's method did not converge in {MAX_NEWTON} iterations")


def _start(period: int, e_guess: mpf, deadline: float | None) -> mpf:
    """A Newton start for the orbit point: the point nearest the critical point c on the orbit of c.

    Near ε_k the attractor of f is the period-p cycle (or the 2p-cycle just born from it), and its
    point nearest c is near the orbit point sought; 16p steps from c reach it closely enough.
    """
    f = map_function()
    c = _numeric_forms(False)(e_guess)[0]
    Y = c
    for k in range(16 * period):
        if k % 4096 == 0:
            _deadline_check(deadline, f"the search for a period-{period} start")
        Y = f(Y, e_guess)
    best = Y
    for _ in range(period):
        Y = f(Y, e_guess)
        if abs(Y - c) < abs(best - c):
            best = Y
    return best


def _solve(level: int, y0: mpf, e_guess: mpf, dps: int, deadline: float | None) -> tuple[mpf, mpf, int]:
    with mp.workdps(dps):
        return refine(2 ** (level - 1), y0, e_guess, deadline)


@dataclass(frozen=True)
class Cascade:
    """The thresholds ε_1 < ε_2 < … computed by :func:`cascade`, and how the run ended."""

    thresholds: tuple[Threshold, ...]
    levels: int  #: levels asked for
    status: str  #: "converged" (every level asked for) or "not converged"
    reason: str
    seconds: float

    @property
    def converged(self) -> bool:
        return self.status == "converged"


def exact_thresholds() -> tuple[sp.Expr, sp.Expr]:
    """ε_1 and ε_2, derived in :mod:`analysis`: the minimum's multiplier 1 − 2ε = −1 (ε = 1), and the EOS
    2-cycle's multiplier 7 − 4ε − 2ε² = −1 on the orbit (ε = √5 − 1)."""
    return flip_normal_form().at, period_doubling().at


def _to_mp(value: sp.Expr) -> mpf:
    """An exact real SymPy number at the current mp precision (evaluated by SymPy with 10 guard digits)."""
    return +mp.make_mpf(sp.Float(sp.N(value, mp.dps + 10))._mpf_)


def cascade(
    levels: int = 7, digits: int = 30, max_seconds: float = 60.0, progress: Callable[[Threshold], None] | None = None
) -> Cascade:
    """The thresholds ε_1, …, e_levels where the period-2^(k−1) orbit of the axis map loses stability.

    ε_1 = 1 and ε_2 = √5 − 1 are exact (derived in :mod:`analysis`).  For k ≥ 3 the start is the
    Feigenbaum extrapolation ε_{k−1} + (ε_{k−1} − ε_{k−2})/δ, and Newton's method runs twice, at
    ``digits + 10`` digits (at least 15) and then, from that result, at twice as many, each in a local mp context
    and each until its step is below 10^(6 − precision); ``agree`` counts the digits on which the two
    results agree (an estimate of the first one's error; the second is far more precise).  A level
    whose Newton run fails, whose result is not inside (ε_{k−1}, ε_{k−1} + (ε_{k−1} − ε_{k−2})) (the
    cascade's gaps shrink), or that runs past ``max_seconds`` ends the run with status "not
    converged" and the reason; the levels before it stand.
    """
    levels = check_count(levels, "levels", least=1)
    if levels > MAX_LEVELS:
        raise InputError(f"levels must be at most {MAX_LEVELS}, got {levels}")
    digits = check_count(digits, "digits", least=2)
    if not max_seconds > 0:
        raise InputError(f"max_seconds must be > 0, got {max_seconds}")
    lo = check_dps(max(digits + _GUARD, MIN_DPS))  # a few digits shown are computed at float64's precision at least
    dps = (lo, 2 * lo)
    start = time.perf_counter()
    deadline = start + max_seconds
    out: list[Threshold] = []
    for k, ex in tuple(enumerate(exact_thresholds(), start=1))[:levels]:
        with mp.workdps(dps[0]):
            low = _to_mp(ex)
        with mp.workdps(dps[1]):
            out.append(Threshold(k, 2 ** (k - 1), _to_mp(ex), low, None, dps[1], dps, ex))
        if progress:
            progress(out[-1])
    delta = mp.mpf(FEIGENBAUM_DELTA)
    status, reason = "converged", f"{levels} levels"
    for k in range(3, levels + 1):
        with mp.workdps(dps[1]):
            prev, gap = out[-1].e, out[-1].e - out[-2].e
            guess = prev + gap / delta
        try:
            with mp.workdps(dps[0]):
                y0 = _start(2 ** (k - 1), +guess, deadline)
            found = [_solve(k, y0, guess, dps[0], deadline)]
            found.append(_solve(k, found[0][0], found[0][1], dps[1], deadline))  # refined from the first
        except NotConverged as exc:
            status, reason = "not converged", f"level {k}: {exc}"
            break
        (_y_lo, e_lo, it_lo), (y_hi, e_hi, it_hi) = found
        with mp.workdps(dps[1]):
            inside = prev < e_hi < prev + gap and prev < e_lo < prev + gap
        if not inside:
            status = "not converged"
            reason = (
                f"level {k}: Newton's method ended at ε = {mp.nstr(e_hi, 12)}, outside ({mp.nstr(prev, 12)}, "
                f"{mp.nstr(prev + gap, 12)}) where the cascade's next threshold lies"
            )
            break
        agree = agreeing_digits(e_lo, e_hi, dps=dps[0])
        out.append(Threshold(k, 2 ** (k - 1), e_hi, e_lo, y_hi, agree, dps, None, (it_lo, it_hi)))
        if progress:
            progress(out[-1])
    return Cascade(tuple(out), levels, status, reason, time.perf_counter() - start)


# --------------------------------------------------------------------------------------------
# Interval certification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A Krawczyk proof for one threshold: exactly one (y, ε) in ``krawczyk.box`` solves the system.

    ``e_lo``, ``e_hi`` enclose that solution's ε (the Krawczyk image); ``speed`` encloses dλ/dε along
    the period-p branch y(ε) through the box (λ the multiplier (f^p)'): negative means the multiplier
    passes −1 decreasing, so the orbit is stable just below and unstable just above.
    """

    level: int
    period: int
    krawczyk: KrawczykResult
    e_lo: mpf
    e_hi: mpf
    speed: tuple[mpf, mpf]
    radius: Fraction
    #: the proof as data (:class:`eos_theory.core.proof.BoxProof`), for the kernel to re-prove in ball arithmetic
    box_proof: object = field(default=None, compare=False, repr=False)

    @property
    def proved(self) -> bool:
        return self.krawczyk.unique and self.speed[1] < 0

    def describe(self) -> str:
        with mp.workdps(12):
            return f"{self.krawczyk.describe()}; dλ/dε ∈ [{mp.nstr(self.speed[0], 6)}, {mp.nstr(self.speed[1], 6)}]"


def certify(level: int, y_centre, e_centre, radius, dps: int, deadline: float | None = None) -> Certificate:
    """Krawczyk test for the period-2^(k−1) system on the box of half-width ``radius`` around (y, ε).

    The centre (y_centre, e_centre) is first refined by Newton's method at ``dps`` digits (it must be
    accurate to well within ``radius``); the box is exact rationals around it, rounded outward.  Over
    the same box the speed dλ/dε = ∂λ/∂ε + ∂λ/∂y·y'(ε), y'(ε) = −(∂y_p/∂ε)/(∂y_p/∂y − 1) (implicit
    function theorem on f^p(y) = y) is enclosed.
    """
    level = check_count(level, "level", least=1)
    period = 2 ** (level - 1)
    radius = Fraction(radius)
    if radius <= 0:
        raise InputError(f"radius must be > 0, got {radius}")
    with mp.workdps(check_dps(dps)):  # the centre, refined to the working precision (a few Newton steps)
        yc, ec, _ = refine(period, to_mpf(y_centre), to_mpf(e_centre), deadline)
        yc, ec = exact(yc), exact(ec)
    box = [(yc - radius, yc + radius), (ec - radius, ec + radius)]
    F, DF = cycle_system(period, interval=True)
    k = krawczyk(F, DF, box, dps=dps)
    with iv_workdps(dps):
        X = list(k.box)
        _, Yy, Ye, _, My, Me = orbit_jet(X[0], X[1], period, interval=True)
        speed = Me - My * Ye / (Yy - 1)
        lo, hi = mp.make_mpf(speed._mpi_[0]), mp.make_mpf(speed._mpi_[1])
        e_lo, e_hi = mp.make_mpf(k.image[1]._mpi_[0]), mp.make_mpf(k.image[1]._mpi_[1])
    proof = threshold_box_proof(period, k.box, (e_lo, e_hi), hi) if k.unique and hi < 0 else None
    return Certificate(level, period, k, e_lo, e_hi, (lo, hi), radius, proof)


def threshold_box_proof(period: int, box, e_range, speed_hi):
    """The threshold's proof as data: (y, ε) ↦ (f^p(y) − y, (f^p)'(y) + 1) has exactly one zero in ``box``
    (iv intervals), its ε lies in ``e_range``, and over the box dλ/dε ≤ ``speed_hi`` < 0; written as the
    forward recurrences of :func:`orbit_jet` on the centred forms (so the kernel meets the same expression
    sizes as the finder, and its own derivative of the system for Krawczyk's test)."""
    from eos_theory.core.proof import BoxProof

    c, (cf, cfy, cfyy, cfe, cfye) = _centred_forms()
    defs: list = []

    def define(name: str, k: int, expr):
        sym = sp.Symbol(f"{name}{k}")
        defs.append((sym, expr))
        return sym

    Y, Yy, Ye, M, My, Me = y, sp.Integer(1), sp.Integer(0), sp.Integer(1), sp.Integer(0), sp.Integer(0)
    for k in range(period):
        u = define("u", k, Y - c)
        fy, fyy = define("fy", k, _horner(cfy, u)), define("fyy", k, _horner(cfyy, u))
        fe, fye = _horner(cfe, u), _horner(cfye, u)
        M, My, Me = (
            define("M", k + 1, M * fy),
            define("My", k + 1, My * fy + M * fyy * Yy),
            define("Me", k + 1, Me * fy + M * (fyy * Ye + fye)),
        )
        Y, Yy, Ye = define("Y", k + 1, _horner(cf, u)), define("Yy", k + 1, fy * Yy), define("Ye", k + 1, fy * Ye + fe)
    ends = [tuple(exact(mp.make_mpf(end)) for end in x._mpi_) for x in box]
    return BoxProof(
        (y, eps),
        tuple(ends),
        equations=(Y - y, M + 1),
        definitions=tuple(defs),
        at_zero=((eps, exact(e_range[0]), exact(e_range[1])),),
        over_box=((Me - My * Ye / (Yy - 1), None, _round_up(speed_hi)),),
    )


def _round_up(x: mpf) -> Fraction:
    """x rounded up to 4 significant digits (a readable bound a little looser than the finder's)."""
    with mp.workdps(30):
        scale = Fraction(10) ** (int(mp.floor(mp.log10(abs(x)))) - 3)
    return math.ceil(exact(x) / scale) * scale


# --------------------------------------------------------------------------------------------
# Feigenbaum ratios and the accumulation point
# --------------------------------------------------------------------------------------------


def feigenbaum_ratios(values) -> list:
    """(ε_k − ε_{k−1})/(ε_{k+1} − ε_k) for consecutive thresholds (at the current mp precision)."""
    vals = [to_mpf(v) for v in values]
    return [(b - a) / (c - b) for a, b, c in zip(vals, vals[1:], vals[2:])]


def onset(values) -> tuple:
    """The accumulation point of the cascade, extrapolated, and an error estimate.

    If the gaps shrink by δ per level from level k on, the thresholds accumulate at
    E_k = ε_k + (ε_k − ε_{k−1})/(δ − 1).  The ratios approach δ geometrically, so the E_k converge
    much faster than the ε_k; the estimate is E_K and its error is taken as |E_K − E_{K−1}|, the
    spread of the last two extrapolations.  An estimate under that assumption, not a bound.
    """
    vals = [to_mpf(v) for v in values]
    if len(vals) < 3:
        raise InputError("the onset needs at least 3 thresholds (two extrapolations)")
    d1 = mp.mpf(FEIGENBAUM_DELTA) - 1
    ext = [b + (b - a) / d1 for a, b in itertools.pairwise(vals)]
    return ext[-1], abs(ext[-1] - ext[-2])


# --------------------------------------------------------------------------------------------
# The report behind `eos-theory cascade`
# --------------------------------------------------------------------------------------------

MAX_DIGITS = 100  #: the cap of ``digits`` in :func:`report`: 12 levels, certified, then take about 15 s


def certify_threshold(th: Threshold, digits: int, deadline: float | None = None) -> Certificate:
    """:func:`certify` with a precision schedule that succeeds for every level up to MAX_LEVELS (measured:
    level 12, p = 2048, takes about 5 s at 1188 digits).

    Interval wrapping along a p-cycle grows with p, so the box half-width is 10^−R with
    R = max(digits + 5, 40, ⌈0.32p⌉) and the working precision R + 20 + ⌈p/4⌉ digits.
    """
    p = th.period
    R = max(digits + 5, 40, -(-32 * p // 100))
    return certify(th.level, th.y, th.e, Fraction(1, 10**R), R + 20 + -(-p // 4), deadline)


def report(
    levels: int = 7, digits: int = 30, max_seconds: float = 60.0, progress: Callable[[str], None] | None = None
) -> tuple[dict, Cascade]:
    """The thresholds, Feigenbaum ratios, chaos onset and crisis value as decimal strings, and the run.

    Every threshold entry says how its digits are known: "exact" (a closed form, printed with
    certified digits), "interval" (a Krawczyk enclosure; the digits shown are those both ends round
    to, so they are the threshold correctly rounded) or "two precisions" (the digits on which Newton's
    results at two precisions agree: an estimate, shown when the certification fails or the time
    budget ``max_seconds`` is spent).  Ratios show the digits on which the two
    precisions' ratios agree; the onset is shown to the digit its error estimate reaches.
    """
    from eos_theory.numbers.decimals import check_digits, common_string, decimal_string

    digits = check_digits(digits)
    if digits > MAX_DIGITS:
        raise InputError(f"digits must be at most {MAX_DIGITS}, got {digits}")
    levels = check_count(levels, "levels", least=MIN_LEVELS)
    start = time.perf_counter()
    note = (
        (
            lambda th: progress(
                f"level {th.level} (period {th.period}) computed after {time.perf_counter() - start:.1f} s"
            )
        )
        if progress
        else None
    )
    run = cascade(levels, digits, max_seconds, note)
    deadline = start + max_seconds
    rows = []
    for th in run.thresholds:
        if th.exact is not None:
            rows.append(
                {
                    "period": th.period,
                    "epsilon": decimal_string(th.exact, digits),
                    "digits": digits,
                    "evidence": "exact",
                }
            )
            continue
        shown, evidence = None, "two precisions"
        if time.perf_counter() < deadline:
            try:
                cert = certify_threshold(th, digits, deadline)
            except NotConverged:
                cert = None
            if cert is not None and cert.proved:
                shown, evidence = common_string(cert.e_lo, cert.e_hi, digits), "interval"
            if progress:
                progress(
                    f"level {th.level} {'certified' if evidence == 'interval' else 'not certified'} after "
                    f"{time.perf_counter() - start:.1f} s"
                )
        if shown is None:
            shown, evidence = common_string(th.e_low, th.e, digits), "two precisions"
        rows.append(
            {
                "period": th.period,
                "epsilon": shown[0] if shown else None,
                "digits": shown[1] if shown else 0,
                "evidence": evidence,
            }
        )
    ratios = []
    values = [th.e for th in run.thresholds]
    with mp.workdps(run.thresholds[0].dps[1]):
        hi = feigenbaum_ratios(values)
        with mp.workdps(run.thresholds[0].dps[0]):
            lo = feigenbaum_ratios([th.e_low for th in run.thresholds])
        for k, (a, b) in enumerate(zip(lo, hi)):
            shown = common_string(a, b, digits)
            ratios.append(
                {
                    "periods": [2**k, 2 ** (k + 1), 2 ** (k + 2)],
                    "ratio": shown[0] if shown else None,
                    "digits": shown[1] if shown else 0,
                }
            )
        chaos = None
        if len(values) >= 3:
            e_inf, err = onset(values)
            n = max(2, min(digits, int(mp.floor(mp.log10(abs(e_inf) / err))) + 1)) if err > 0 else digits
            chaos = {
                "epsilon": decimal_string(sp.Rational(*exact(e_inf).as_integer_ratio()), n),
                "error": decimal_string(sp.Rational(*exact(err).as_integer_ratio()), 2),
            }
    cr = crisis()
    data = {
        "thresholds": rows,
        "feigenbaum": ratios,
        "chaos_onset": chaos,
        "crisis": {"epsilon": decimal_string(cr.value, digits), "exact": sp.sstr(cr.value)},
    }
    return data, run
