"""What GD does past the period-2 window: attracting cycles proved, chaos measured, escape counted.

The axis frame (claim ``eos2d-axis-map``): with p, q = J̃ of the axis mode and of the other mode,
ε = ηEω_axis and r = ω_other/ω_axis, GD is p' = (1 − y)p, q' = (1 − ry)q, y = p²/2 + q²/(2r) − ε,
and η·NTK = p² + q².  On the axis (q = 0) y ↦ f(y) = y + y(y + ε)(y − 2) and η·NTK = p² = 2(y + ε).

* **Cycles** (:func:`find_cycle`).  f′(y) = 3(y − 1)(y − c) with c = (1 − 2ε)/3; the critical point
  y = 1 maps to the repelling fixed point −ε, and f has negative Schwarzian derivative, so by
  Singer's theorem f has at most one attracting cycle and it attracts the orbit of c (claim
  ``chaos-one-attractor``).  So the critical orbit is iterated in float64; where it nearly repeats
  with some period N, the cycle is refined by Newton's method and *proved* by a Krawczyk test at
  ``dps`` digits: existence and uniqueness in a small box, exact period N (the N enclosures are
  disjoint), and enclosures of its multiplier Π f′(y_k), of the transverse multiplier
  Π(1 − r·y_k), of the cycle mean of η·NTK and of both Lyapunov exponents.  Its period in θ is N,
  or 2N when Π(1 − y_k) < 0 (θ then returns with the opposite sign).
* **Chaos** (:func:`axis_runs`).  Without an attracting cycle, λ = lim (1/n) Σ ln|f′(y_k)|, the
  transverse λ⊥ = lim (1/n) Σ ln|1 − r·y_k| and the time-averaged η·NTK are estimated from
  ``runs`` independent runs from seeded uniform starts y₀ ∈ (−ε, 2): ``transient`` steps are
  discarded, the next ``steps`` averaged; each run's averages are i.i.d. (functions of i.i.d.
  starts), so Student t intervals over the runs are confidence intervals for their expectation.
  Arithmetic is float64 on p (no cancellation near the origin θ = 0, where y + ε is tiny), with ε
  rounded to the nearest double, which is fast enough for 10⁵–10⁷ steps.  A computed chaotic orbit leaves the exact orbit of its start
  within a few dozen steps, and no shadowing theorem is proved for this map, so the intervals are
  statements about computed orbits; at ε = 2, where λ = ln 3 and the mean η·NTK = 4 are known
  exactly, the estimator recovers them (tests/test_chaos.py).
* **Escape.**  For ε ≤ 2 the interval [−ε, 2] is invariant (docs/eos-2d.md §5a), so an iterate that
  rounding pushes above 2 (only possible within rounding of the crisis, ε = 2) is put back at the
  largest double below 2 and counted in ``projected``.  For ε > 2, y > 2 is a proven escape: y − 2
  then grows at least by the factor 5 + 2ε per step.

What GD does in the plane, and the attractor of a parameter point, are :mod:`eos_theory.past_window.attractor`.

Everything is bounded in steps and in time, deterministic for a given seed (and for any number of
worker processes: runs are grouped in fixed chunks), and says "not converged" when it could not
decide.

>>> cyc = find_cycle("17/10", r=-1)        # the period-3 window near ε = 1.7 (symmetric case)
>>> cyc.period_y, cyc.period, cyc.attracting, cyc.transversally_stable
(3, 6, True, True)
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import deque
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
from mpmath import iv, mp, mpf

from eos_theory.numbers.intervals import enclose, iv_workdps, krawczyk
from eos_theory.numbers.parse import InputError, check_count, check_dps, exact, show_value
from eos_theory.numbers.stats import Estimate, mean_interval, proportion_interval
from eos_theory.running import executor

__all__ = [
    "CHUNK",
    "AxisAttractor",
    "AxisRuns",
    "Cycle",
    "axis_attractor",
    "axis_map",
    "axis_runs",
    "axis_slope",
    "axis_starts",
    "certify_cycle",
    "check_level",
    "check_seconds",
    "critical_point",
    "find_cycle",
    "transverse_factor",
]

CHUNK = 16  #: runs per task handed to the executor (fixed, so results do not depend on the number of jobs)
NEAR = 1e-6  #: a float critical orbit that returns this close after N steps makes N a candidate period


# --------------------------------------------------------------------------------------------
# The axis map, generic in the number type (Fraction, mpf, iv, float)
# --------------------------------------------------------------------------------------------


def axis_map(y, eps):
    """f(y) = y + y(y + ε)(y − 2): one GD step on the axis (typed here; tests compare it with the
    derivation :func:`eos_theory.quadratic.closed_forms.axis_map`)."""
    return y + y * (y + eps) * (y - 2)


def axis_slope(y, eps):
    """f′(y) = 3y² + 2(ε − 2)y + 1 − 2ε."""
    return (3 * y + 2 * (eps - 2)) * y + 1 - 2 * eps


def transverse_factor(y, r):
    """q′/q = 1 − r·y at a point y of the axis."""
    return 1 - r * y


def critical_point(eps):
    """The critical point c = (1 − 2ε)/3 of f whose orbit finds the attracting cycle (the other, y = 1,
    maps to the repelling fixed point −ε)."""
    return (1 - 2 * eps) / 3


# --------------------------------------------------------------------------------------------
# Validation and budgets
# --------------------------------------------------------------------------------------------


def _eps(value) -> Fraction:
    e = exact(value, "eps")
    if e <= 0:
        raise InputError(f"eps must be > 0 (the axis of a zero-loss minimum), got {e}")
    return e


def _r(value) -> Fraction | None:
    return None if value is None else exact(value, "r")


def check_seconds(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputError(f"max_seconds must be a positive number, got {show_value(value)}")
    return float(value)


def check_level(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise InputError(f"level must be a number strictly between 0 and 1, got {show_value(value)}")
    return float(value)


def _out(lo: mpf, hi: mpf) -> tuple[float, float]:
    """An mpf interval as floats rounded outward (so the float pair still encloses it)."""
    a, b = float(lo), float(hi)
    if a > lo:
        a = math.nextafter(a, -math.inf)
    if b < hi:
        b = math.nextafter(b, math.inf)
    return a, b


def _ends(x) -> tuple[mpf, mpf]:
    return mp.make_mpf(x._mpi_[0]), mp.make_mpf(x._mpi_[1])


# --------------------------------------------------------------------------------------------
# Cycles: found from the critical orbit, proved by Krawczyk
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    """A cycle of the axis map, proved to exist with exact period ``period_y`` (interval arithmetic).

    Every ``(lo, hi)`` pair encloses the exact value (outward-rounded floats; mpf enclosures at
    ``dps`` digits in ``enclosures``).
    """

    eps: Fraction
    r: Fraction | None
    period_y: int  #: exact period of y (the N enclosures are disjoint)
    period: int  #: period in θ: period_y, or 2·period_y when Π(1 − y_k) < 0
    points: tuple[tuple[float, float], ...]  #: enclosures of the cycle's y values
    multiplier: tuple[float, float]  #: Π f′(y_k) (along the axis)
    transverse: tuple[float, float] | None  #: Π (1 − r·y_k) (across the axis)
    mean_ntk: tuple[float, float]  #: (1/N) Σ 2(y_k + ε): the cycle mean of η·NTK
    lyapunov: tuple[float, float] | None  #: ln|multiplier|/N (None if the enclosure touches 0)
    transverse_lyapunov: tuple[float, float] | None
    attracting: bool  #: |multiplier| < 1 proved
    transversally_stable: bool | None  #: |transverse| < 1 proved (None without r)
    dps: int
    proof: str  #: what was proved, in one line
    enclosures: dict = field(default_factory=dict, compare=False, repr=False)
    #: the proof as data (:class:`eos_theory.core.proof.BoxProof`), for the kernel to re-prove in ball arithmetic
    box_proof: object = field(default=None, compare=False, repr=False)

    @property
    def mean(self) -> float:
        """The midpoint of the mean η·NTK enclosure."""
        return (self.mean_ntk[0] + self.mean_ntk[1]) / 2


def _orbit_jet(Y, E, N: int):
    """f^N(Y) and (f^N)′(Y) by forward recurrence (any number type)."""
    d = 1
    for _ in range(N):
        d = d * axis_slope(Y, E)
        Y = axis_map(Y, E)
    return Y, d


def _newton(eps: Fraction, y0: float, N: int, dps: int) -> mpf | None:
    """A zero of f^N(y) − y near y0 at ``dps`` + 10 digits, or None if Newton does not converge."""
    with mp.workdps(dps + 10):
        E, y = mp.mpf(eps.numerator) / eps.denominator, mp.mpf(y0)
        tol = mp.mpf(10) ** -(dps + 5)
        for _ in range(60):
            g, d = _orbit_jet(y, E, N)
            if d == 1:
                return None
            step = (g - y) / (d - 1)
            y -= step
            if not mp.isfinite(y) or abs(y) > 10:
                return None
            if abs(step) <= tol * (1 + abs(y)):
                return +y
    return None


def certify_cycle(eps, r, y0, period_y: int, dps: int = 40) -> Cycle | None:
    """Prove a cycle of exact period ``period_y`` near y0 and enclose what matters about it, or None.

    Newton's method on f^N(y) = y from y0, then a Krawczyk test (:func:`eos_theory.numbers.intervals.krawczyk`)
    on boxes of radius 10^-(dps/2) and 10^-(3·dps/4) around the Newton point: a unique zero of
    f^N − id in the box.  Its N iterates are enclosed by interval arithmetic; if they are pairwise
    disjoint the period is exactly N.  Returns None when any of this fails (no proof, no cycle).
    """
    eps, r = _eps(eps), _r(r)
    N = check_count(period_y, "period_y", least=1)
    dps = check_dps(dps)
    centre = _newton(eps, float(y0), N, dps)
    if centre is None:
        return None

    def F(X):
        return [_orbit_jet(X[0], enclose(eps), N)[0] - X[0]]

    def DF(X):
        return [[_orbit_jet(X[0], enclose(eps), N)[1] - 1]]

    result = None
    for k in (dps // 2, (3 * dps) // 4):
        with iv_workdps(dps):
            rad = mp.mpf(10) ** -k
            box = [iv.mpf([centre - rad, centre + rad])]
        kr = krawczyk(F, DF, box, dps=dps)
        if kr.unique:
            result = kr
            break
    if result is None:
        return None
    with iv_workdps(dps):
        E = enclose(eps)
        Y = [result.image[0]]
        for _ in range(N - 1):
            Y.append(axis_map(Y[-1], E))
        ends = [_ends(v) for v in Y]
        order = sorted(range(N), key=lambda i: ends[i][0])
        if any(ends[a][1] >= ends[b][0] for a, b in itertools.pairwise(order)):
            return None  # enclosures overlap: exact period not proved
        mult, sign, total = iv.mpf(1), iv.mpf(1), iv.mpf(0)
        for v in Y:
            mult *= axis_slope(v, E)
            sign *= 1 - v
            total += v + E
        mean = 2 * total / N
        s_lo, s_hi = _ends(sign)
        if s_lo <= 0 <= s_hi:
            return None  # the sign of θ after N steps is undecided (an orbit point at y = 1?)
        period = N if s_lo > 0 else 2 * N
        trans = None
        if r is not None:
            trans = iv.mpf(1)
            for v in Y:
                trans *= transverse_factor(v, enclose(r))

        def lyap(m):
            lo, _hi = _ends(abs(m))
            if lo <= 0:
                return None
            return _out(*_ends(iv.log(abs(m)) / N))

        _m_lo, m_hi = _ends(abs(mult))
        attracting = bool(m_hi < 1)
        stable = None
        if trans is not None:
            t_lo, t_hi = _ends(abs(trans))
            stable = bool(t_hi < 1) if (t_hi < 1 or t_lo > 1) else None
        encl = {"points": Y, "multiplier": mult, "transverse": trans, "mean_ntk": mean, "sign": sign}
        out = Cycle(
            eps,
            r,
            N,
            period,
            tuple(_out(*e) for e in ends),
            _out(*_ends(mult)),
            None if trans is None else _out(*_ends(trans)),
            _out(*_ends(mean)),
            lyap(mult),
            None if trans is None else lyap(trans),
            attracting,
            stable,
            dps,
            f"{result.describe()} for f^{N}(y) − y; the {N} iterates' enclosures are disjoint (exact period {N})",
            encl,
        )
    return replace(out, box_proof=cycle_box_proof(out, result.box[0]))


def cycle_box_proof(cyc: Cycle, box):
    """The cycle's proof as data: f^N(y) = y has exactly one zero in ``box`` (an iv interval), its N iterates
    differ, and at it Π f′(y_k), Π(1 − y_k), Π(1 − r·y_k) and the mean η·NTK lie in the enclosures of ``cyc``
    (outward-rounded floats, as exact rationals)."""
    import sympy as sp

    from eos_theory.core.proof import BoxProof

    N, e = cyc.period_y, sp.Rational(cyc.eps.numerator, cyc.eps.denominator)
    ys = sp.symbols(f"y0:{N + 1}")
    pts = ys[:N]
    lo, hi = _ends(box)
    at_zero = [
        (sp.Mul(*(axis_slope(v, e) for v in pts)), *cyc.multiplier),
        (sp.Mul(*(1 - v for v in pts)), *_out(*_ends(cyc.enclosures["sign"]))),
        (2 * sp.Add(*(v + e for v in pts)) / N, *cyc.mean_ntk),
    ]
    if cyc.r is not None and cyc.transverse is not None:
        r = sp.Rational(cyc.r.numerator, cyc.r.denominator)
        at_zero.append((sp.Mul(*(transverse_factor(v, r) for v in pts)), *cyc.transverse))
    return BoxProof(
        (ys[0],),
        ((exact(lo), exact(hi)),),
        equations=(ys[N] - ys[0],),
        definitions=tuple((ys[k + 1], axis_map(ys[k], e)) for k in range(N)),
        at_zero=tuple((expr, Fraction(a), Fraction(b)) for expr, a, b in at_zero),
        distinct=pts if N > 1 else (),
    )


def _p_top(eps: float) -> float:
    """The largest double p with p²/2 − ε < 2 in float arithmetic (the top of the invariant interval)."""
    p = math.sqrt(2 * (2 + eps))
    while 0.5 * p * p - eps >= 2:
        p = math.nextafter(p, 0)
    return p


def _critical_orbit(eps: Fraction, steps: int, keep: int, deadline: float) -> tuple[list[float] | None, str]:
    """The last ``keep`` values of y on the float64 orbit of the critical point (None if it escaped)."""
    e = float(eps)
    can_escape = eps > 2
    top = _p_top(e)
    p = math.sqrt(2 * (critical_point(e) + e))
    hist: deque[float] = deque(maxlen=keep)
    for k in range(steps):
        y = 0.5 * p * p - e
        if y >= 2:
            if can_escape and y > 2:
                return None, f"the critical orbit escaped (y > 2) at step {k}"
            if not can_escape:
                p, y = top, 0.5 * top * top - e
        hist.append(y)
        p = abs(1 - y) * p
        if k % 4096 == 0 and time.monotonic() > deadline:
            return None, f"time limit reached after {k} steps of the critical orbit"
    return list(hist), f"{steps} float64 steps of the critical orbit of c = (1 − 2ε)/3"


def find_cycle(
    eps, r=None, steps: int = 50_000, max_period: int = 64, dps: int = 40, max_seconds: float = 5.0, tries: int = 4
) -> Cycle | None:
    """The attracting cycle of the axis map, proved, if the critical orbit finds one; else None.

    The float64 critical orbit runs ``steps`` steps; each N ≤ ``max_period`` after which it returns
    within NEAR (smallest N first, at most ``tries`` of them) is handed to :func:`certify_cycle`,
    and the first proved cycle with |multiplier| < 1 is returned.  None means: no attracting cycle
    of period ≤ max_period was found this way (not that there is none).
    """
    eps, r = _eps(eps), _r(r)
    max_period = check_count(max_period, "max_period", least=1)
    steps = check_count(steps, "steps", least=max_period + 1)
    tries = check_count(tries, "tries", least=1)
    deadline = time.monotonic() + check_seconds(max_seconds)
    hist, _ = _critical_orbit(eps, steps, max_period + 1, deadline)
    if hist is None:
        return None
    last = hist[-1]
    candidates = [N for N in range(1, max_period + 1) if abs(last - hist[-1 - N]) <= NEAR * (1 + abs(last))]
    for N in candidates[:tries]:
        if time.monotonic() > deadline:
            return None
        cyc = certify_cycle(eps, r, last, N, dps)
        if cyc is not None and cyc.attracting:
            return cyc
    return None


# --------------------------------------------------------------------------------------------
# Statistics of independent axis runs (float64, vectorised over runs)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisRuns:
    """Time averages over independent float64 runs on the axis, with confidence intervals."""

    eps: Fraction
    r: Fraction | None
    runs: int
    steps: int  #: averaged steps per run (after the transient)
    transient: int  #: discarded steps per run
    seed: int
    lyapunov: Estimate | None  #: λ = mean ln|f′(y)| (None unless at least 2 runs stayed bounded)
    mean_ntk: Estimate | None  #: mean η·NTK = mean p²
    transverse_lyapunov: Estimate | None  #: mean ln|1 − r·y|
    escaped: int  #: runs whose computed orbit passed y > 2 (only for ε > 2: a proven escape)
    escape: Estimate  #: fraction escaped within transient + steps, Clopper–Pearson
    projected: int  #: iterates put back below 2 after rounding pushed them above (ε ≤ 2)
    invalid: int  #: bounded runs whose averages are not finite (an iterate hit a zero of f′ or of 1 − ry)
    stopped: str | None  #: why the runs stopped early (time limit), else None
    lyapunov_runs: tuple[float, ...] = ()  #: each bounded run's λ, for diagnostics

    def describe(self) -> str:
        base = (
            f"{self.runs} independent float64 runs from y₀ uniform on (−ε, 2) (seed {self.seed}), "
            f"{self.transient} transient steps discarded, {self.steps} steps averaged"
        )
        if self.stopped:
            return f"{base}: stopped early ({self.stopped}), no statistics"
        parts = [base]
        if self.escaped:
            parts.append(f"{self.escaped} escaped (y > 2)")
        if self.projected:
            parts.append(f"{self.projected} iterates put back below 2 after rounding (ε ≤ 2: [−ε, 2] is invariant)")
        if self.invalid:
            parts.append(f"{self.invalid} runs with a non-finite average left out")
        return "; ".join(parts)


def _walk(task) -> dict:
    """One chunk of axis runs (module level, so that the executor can ship it to a worker)."""
    e, r, p0, transient, steps, can_escape, seconds = task
    deadline = time.monotonic() + seconds
    p = np.array(p0, dtype=np.float64)
    n = p.size
    alive = np.ones(n, dtype=bool)
    escaped_at = np.full(n, -1, dtype=np.int64)
    L, M, X = np.zeros(n), np.zeros(n), np.zeros(n)
    a, b = 2 * (e - 2), 1 - 2 * e
    top = _p_top(e)
    y_top = 0.5 * top * top - e
    projected = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for k in range(transient + steps):
            y = 0.5 * p * p - e
            over = y >= 2
            if over.any():
                if can_escape:
                    gone = over & (y > 2)
                    escaped_at[gone & alive] = k
                    alive &= ~gone
                    p[gone] = 1.0  # a harmless bounded value; these runs are no longer counted
                    y[gone] = 0.5 - e
                    over &= ~gone
                if over.any():
                    projected += int(np.count_nonzero(over & alive))
                    p[over], y[over] = top, y_top
            if k >= transient:
                L += np.log(np.abs((3 * y + a) * y + b))
                M += p * p
                if r is not None:
                    X += np.log(np.abs(1 - r * y))
            p = np.abs(1 - y) * p
            if k % 1024 == 0 and time.monotonic() > deadline:
                return {"stopped": f"time limit {seconds:g} s reached after {k} steps"}
    return {
        "L": (L / steps).tolist(),
        "M": (M / steps).tolist(),
        "X": (X / steps).tolist(),
        "alive": alive.tolist(),
        "escaped_at": escaped_at.tolist(),
        "projected": projected,
        "stopped": None,
    }


def axis_starts(eps, runs: int, seed: int = 0) -> list[float]:
    """The starts of :func:`axis_runs`: p₀ = √(2(y₀ + ε)) with y₀ uniform on (−ε, 2), each a double taken
    as the exact start; the i-th depends on (seed, i) only."""
    eps, runs, seed = _eps(eps), check_count(runs, "runs"), check_count(seed, "seed")
    rng = random.Random(f"axis:{seed}")
    e = float(eps)
    out = []
    for _ in range(runs):
        u = rng.random()
        while u == 0.0:
            u = rng.random()
        out.append(math.sqrt(2 * u * (2 + e)))
    return out


def axis_runs(
    eps,
    r=None,
    runs: int = 8,
    steps: int = 20_000,
    transient: int = 1_000,
    seed: int = 0,
    level: float = 0.95,
    jobs: int = 1,
    max_seconds: float = 10.0,
) -> AxisRuns:
    """λ, λ⊥ and the mean η·NTK on the axis from ``runs`` independent float64 runs, with Student t
    intervals at ``level``; runs go to the executor in chunks of CHUNK (``jobs`` worker processes)."""
    eps, r = _eps(eps), _r(r)
    runs = check_count(runs, "runs", least=2)
    steps = check_count(steps, "steps", least=1)
    transient = check_count(transient, "transient")
    seed = check_count(seed, "seed")
    level, seconds = check_level(level), check_seconds(max_seconds)
    jobs = check_count(jobs, "jobs", least=1)
    starts = axis_starts(eps, runs, seed)
    rf = None if r is None else float(r)
    tasks = [
        (float(eps), rf, tuple(starts[i : i + CHUNK]), transient, steps, eps > 2, seconds)
        for i in range(0, runs, CHUNK)
    ]
    outcomes = executor.run(_walk, tasks, backend=executor.local(min(jobs, len(tasks))))
    L, M, X, alive, escaped_at, projected, stopped = [], [], [], [], [], 0, None
    for o in outcomes:
        if o.error is not None:
            stopped = o.error
            break
        v = o.value
        if v["stopped"]:
            stopped = v["stopped"]
            break
        L += v["L"]
        M += v["M"]
        X += v["X"]
        alive += v["alive"]
        escaped_at += v["escaped_at"]
        projected += v["projected"]
    if stopped:
        return AxisRuns(
            eps,
            r,
            runs,
            steps,
            transient,
            seed,
            None,
            None,
            None,
            0,
            proportion_interval(0, runs, level),
            0,
            0,
            stopped,
        )
    escaped = sum(1 for a in alive if not a)
    keep = [i for i in range(runs) if alive[i]]
    finite = [i for i in keep if all(math.isfinite(v[i]) for v in (L, M, X))]
    invalid = len(keep) - len(finite)
    lyap = ntk = trans = None
    if len(finite) >= 2:
        what = "independent runs"
        lyap = mean_interval([L[i] for i in finite], level, what)
        ntk = mean_interval([M[i] for i in finite], level, what)
        trans = None if r is None else mean_interval([X[i] for i in finite], level, what)
    return AxisRuns(
        eps,
        r,
        runs,
        steps,
        transient,
        seed,
        lyap,
        ntk,
        trans,
        escaped,
        proportion_interval(escaped, runs, level),
        projected,
        invalid,
        None,
        tuple(L[i] for i in finite),
    )


# --------------------------------------------------------------------------------------------
# The axis attractor: a proved cycle, or measured chaos, or escape
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisAttractor:
    """What the axis map does at (ε, r): ``kind`` is "cycle", "chaotic", "escapes" or "not converged"."""

    eps: Fraction
    r: Fraction | None
    kind: str
    cycle: Cycle | None
    runs: AxisRuns | None
    reason: str


def axis_attractor(
    eps,
    r=None,
    *,
    steps: int = 20_000,
    runs: int = 8,
    transient: int = 1_000,
    seed: int = 0,
    level: float = 0.95,
    max_period: int = 64,
    dps: int = 40,
    jobs: int = 1,
    max_seconds: float = 5.0,
) -> AxisAttractor:
    """A proved attracting cycle if the critical orbit finds one (:func:`find_cycle`); otherwise the
    statistics of independent runs (:func:`axis_runs`): "chaotic" when λ > 0 at ``level``,
    "escapes" when every run escaped (ε > 2), else "not converged"."""
    eps, r = _eps(eps), _r(r)
    start = time.monotonic()
    seconds = check_seconds(max_seconds)
    cyc = find_cycle(eps, r, steps=max(50_000, max_period + 1), max_period=max_period, dps=dps, max_seconds=seconds / 2)
    if cyc is not None:
        return AxisAttractor(
            eps,
            r,
            "cycle",
            cyc,
            None,
            f"attracting cycle of period {cyc.period_y} in y ({cyc.period} in θ), found from the "
            f"critical orbit and proved: {cyc.proof}; |multiplier| < 1 proved",
        )
    left = max(seconds - (time.monotonic() - start), 0.1)
    st = axis_runs(
        eps, r, runs=runs, steps=steps, transient=transient, seed=seed, level=level, jobs=jobs, max_seconds=left
    )
    none_found = f"no attracting cycle of period ≤ {max_period} found from the critical orbit"
    if st.stopped:
        return AxisAttractor(eps, r, "not converged", None, st, f"{none_found}; {st.describe()}")
    if st.escaped == st.runs:
        return AxisAttractor(
            eps, r, "escapes", None, st, f"every run escaped (y > 2, a proven escape for ε > 2); {st.describe()}"
        )
    if st.escaped:
        return AxisAttractor(
            eps,
            r,
            "not converged",
            None,
            st,
            f"{st.escaped} of {st.runs} runs escaped and the others were still bounded "
            f"(transient chaos?); {st.describe()}",
        )
    if st.lyapunov is not None and st.lyapunov.low > 0:
        return AxisAttractor(eps, r, "chaotic", None, st, f"{none_found}; λ = {st.lyapunov} > 0; {st.describe()}")
    return AxisAttractor(
        eps,
        r,
        "not converged",
        None,
        st,
        f"{none_found}, and λ = {st.lyapunov} is not > 0 at this level (a long period, a slow "
        f"approach, or a bifurcation); {st.describe()}",
    )
