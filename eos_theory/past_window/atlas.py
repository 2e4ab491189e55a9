"""A regime atlas of the 2-D model: what GD does over a grid of (ε, r), computed in float64.

GD runs in θ with Q = diag(1, r), E = ε and η = 1, so ε₁ = ηEω₁ = ε and, with p = θ₁ and q = rθ₂,
it is the axis frame of docs/eos-2d.md §1 (:func:`eos_theory.quadratic.closed_forms.axis_frame`):

    y = z̃ = θ₁²/2 + rθ₂²/2 − ε,     θ₁' = (1 − y)θ₁,     θ₂' = (1 − ry)θ₂.

(ε is the control parameter when r ≤ 0 or r ≥ 1; for 0 < r < 1 the other axis has the smaller
ε = er.)  Every run starts from a stated start (:class:`Start`): a point of the axis of ε pushed a
little across it, or random starts drawn with a seed.  After ``steps`` steps it gets one label:

* ``minimum`` — θ repeats after one step, with |z̃| < ε/2 (the fixed points are the minima, z̃ = 0,
  and θ = 0, where z̃ = −ε: docs/eos-2d.md §2);
* ``period-N`` — θ repeats after N steps, N ≤ ``max_period`` the least such (the period in θ:
  the EOS 2-cycle is period-2, the cascade gives period-4, period-8, …; period-1 is θ = 0, reached
  only from starts that hit y = 1 exactly);
* ``chaotic`` — bounded, no period ≤ ``max_period``, and a finite-time Lyapunov exponent above
  ``lyapunov_min`` over the second half of the run;
* ``divergent`` — an iterate entered an escape region: on the axis (θ₂ = 0 exactly) y > 2, from
  where y − 2 grows at least by the factor 5 + 2ε each step (docs/eos-2d.md §5a); off the axis a
  region of :mod:`eos_theory.quadratic.escape` (claims escape-separated, escape-symmetric), tested in float
  against its exact thresholds (in interval arithmetic on the float iterate for the symmetric one);
* ``unbounded`` — |z̃| passed 10¹⁰⁰ outside every escape region: float64 cannot follow the run much
  further (z̃ grows about cubically), and no proven region says that it diverges.  Typical just off
  the axis when the axis escapes (y > 2) but only the mirror region z̃ ≤ −Z is proven (r < −1);
* ``not converged`` — none of these (slow convergence near a bifurcation, a period above
  ``max_period``, or a float overflow that skipped the 10¹⁰⁰ guard).

Every label is **numerical**: it describes a float64 run, and an escape region entered by a rounded
iterate proves nothing about the exact orbit of the start.  The closed-form boundaries drawn over the
diagram (:func:`boundaries`) are exact.

Work is split into chunks of grid rows (one r per row) that run through :func:`eos_theory.running.executor.run`,
locally or on Dask.  The chunks depend only on the grid, never on the backend or the number of jobs,
and the arithmetic is IEEE float64 additions, multiplications, comparisons and power-of-two scalings
(the Lyapunov sum is kept as a binary exponent; one ``math.log`` per run at the end), so the results are
identical bit for bit, seed for seed, wherever the chunks ran (across machines: given the same NumPy,
whose random streams are fixed per version, and the same libm for that one logarithm).

>>> a = compute(("1/2", "2.3"), (-1, -1), (4, 1), steps=2000)   # r = −1: the paper's symmetric case
>>> a.e.tolist(), a.labels()[0, :, 0].tolist()   # 1.7: a periodic window (period 3 in y) inside the chaos
([0.5, 1.1, 1.7, 2.3], ['minimum', 'period-2', 'period-6', 'divergent'])
"""

from __future__ import annotations

import io
import json
import math
import time
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp
from mpmath import mpf

from eos_theory.numbers.decimals import exact_string
from eos_theory.numbers.parse import InputError, check_count, exact
from eos_theory.past_window import cascade
from eos_theory.quadratic import closed_forms, escape
from eos_theory.quadratic.gd import Problem
from eos_theory.running import executor

__all__ = [
    "CATEGORIES",
    "KINDS",
    "RUN_STEP_SECONDS",
    "Atlas",
    "Chunk",
    "ChunkResult",
    "Plan",
    "Start",
    "boundaries",
    "chunk_seconds",
    "chunks",
    "compute",
    "estimate",
    "execute",
    "grid",
    "plan",
    "run_chunk",
    "time_limit",
    "to_npz",
]

#: codes 0 … 6 of ``Atlas.kind``; "not run": the run's chunk failed or was lost with its worker or cluster
KINDS = ("minimum", "periodic", "chaotic", "divergent", "unbounded", "not converged", "not run")
MINIMUM, PERIODIC, CHAOTIC, DIVERGENT, UNBOUNDED, NOT_CONVERGED, NOT_RUN = range(len(KINDS))
#: the colours of the phase diagram, in this order (period-2ᵏ: k ≥ 4; other: periods not a power of 2)
CATEGORIES = (
    "minimum",
    "period-2",
    "period-4",
    "period-8",
    "period-2ᵏ",
    "other period",
    "chaotic",
    "divergent",
    "unbounded",
    "not converged",
    "not run",
)

MAX_PERIOD = 64  #: the longest period looked for (2⁶)
LYAPUNOV_MIN = 0.01  #: least finite-time Lyapunov exponent called chaos (see :func:`run_chunk`)
#: θ_k and θ_{k−N} "repeat" when they differ by at most this times the run's scale: float64's unit
#: roundoff 2⁻⁵² amplified 2²³-fold, room for rounding noise near a cycle whose multiplier is as close
#: to 1 as 1 − 10⁻⁷ (noise grows like 1/(1 − |μ|)), yet 10⁻⁹ relative: chaos never repeats that well
#: for 2·max_period steps in a row.
REPEAT_TOL = float(np.finfo(np.float64).eps) * 2.0**23
GUARD = (
    1e100  #: |z̃| at which a run outside every escape region stops as "unbounded" (a step from here cubes it to ~1e300)
)
AXIS_ESCAPE = 2  #: on the axis, y > 2 escapes (docs/eos-2d.md §5a: f(y) − 2 − (5 + 2ε)(y − 2) = (y − 2)²(y + 2 + ε))
CHUNK_RUNS = 4096  #: about this many runs per chunk (whole rows): numpy's per-call cost stays small
MAX_RUNS = 4_000_000  #: grid cells × starts, at most (the results take about 50 bytes a run)
MAX_ROW_RUNS = 32_768  #: runs in one grid row (values of e × starts), at most: a running chunk takes 3 kB a run
E_MAX, R_MAX = 10, 100  #: the largest |e| and |r| accepted
MAX_STEPS = 10**7
_RENORMALISE = 16  #: steps between power-of-two rescalings of the tangent vector


@dataclass(frozen=True)
class Start:
    """Where the runs start.

    ``count = 0``: every cell runs from θ = (axis, transverse): a small start on the axis of ε (the
    paper initialises small) pushed ``transverse`` across it.  ``count = K ≥ 1``: K random starts per
    cell, θ₁ uniform on (0, √(2(ε + 2))) (y₀ uniform over the axis interval (−ε, 2)) and
    θ₂ = transverse × a standard normal draw, from ``numpy.random.default_rng([seed, row])`` for each
    grid row, so a row's starts do not depend on how the grid is split.  ``transverse = 0`` keeps
    every run exactly on the axis.
    """

    axis: float = 0.1
    transverse: float = 1e-6
    count: int = 0
    seed: int = 0

    def __post_init__(self):
        for name in ("axis", "transverse"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(f"start {name} must be a finite number, got {v!r}")
        if not 0 < self.axis < 10:
            raise InputError(f"start axis θ₁ must be in (0, 10), got {self.axis}")
        if not abs(self.transverse) < 10:
            raise InputError(f"start transverse θ₂ must be in (−10, 10), got {self.transverse}")
        check_count(self.count, "starts")
        check_count(self.seed, "seed")


@dataclass(frozen=True)
class Chunk:
    """One task: grid rows ``rows`` (r values ``r``) against every ε of the grid."""

    rows: tuple[int, ...]
    r: tuple[float, ...]
    e: tuple[float, ...]
    steps: int
    start: Start
    max_period: int = MAX_PERIOD
    lyapunov_min: float = LYAPUNOV_MIN


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """Per run, arrays of shape (rows, len(ε), starts): see :class:`Atlas`."""

    rows: tuple[int, ...]
    kind: np.ndarray
    period: np.ndarray
    lyapunov: np.ndarray
    stop_step: np.ndarray
    theta0: np.ndarray  #: (…, 2)
    theta: np.ndarray  #: (…, 2): the last iterate; for a stopped run the one that was divergent or unbounded


@dataclass(frozen=True, eq=False)
class Atlas:
    """The labels of a grid: rows are r, columns ε, the last axis the starts (1 for the stated start)."""

    e: np.ndarray  #: (N,)
    r: np.ndarray  #: (M,)
    e_range: tuple[Fraction, Fraction]
    r_range: tuple[Fraction, Fraction]
    steps: int
    start: Start
    max_period: int
    lyapunov_min: float
    kind: np.ndarray  #: (M, N, K) int8: index into KINDS
    period: np.ndarray  #: (M, N, K) int32: the period in θ (1 for a minimum), 0 if none
    lyapunov: np.ndarray  #: (M, N, K): finite-time Lyapunov exponent, nan after an escape or overflow
    stop_step: np.ndarray  #: (M, N, K) int32: the step whose iterate was divergent or unbounded, −1 if none
    theta0: np.ndarray  #: (M, N, K, 2)
    theta: np.ndarray  #: (M, N, K, 2): the last iterate, or the one at stop_step
    seconds: float = field(default=0.0, compare=False)
    #: the chunks that did not finish: (first r, last r, why); their runs are "not run"
    failures: tuple[tuple[float, float, str], ...] = ()

    def labels(self) -> np.ndarray:
        """Each run's label: "minimum", "period-N", "chaotic", "divergent" or "not converged"."""
        out = np.array(KINDS, dtype=object)[self.kind]
        periodic = self.kind == PERIODIC
        out[periodic] = [f"period-{n}" for n in self.period[periodic]]
        return out

    def categories(self) -> np.ndarray:
        """(M, N): the index into CATEGORIES of each cell's most frequent label (ties: the earlier category)."""
        cat = np.full(self.kind.shape, CATEGORIES.index("other period"), dtype=np.int8)
        for name, k in (
            ("minimum", MINIMUM),
            ("chaotic", CHAOTIC),
            ("divergent", DIVERGENT),
            ("unbounded", UNBOUNDED),
            ("not converged", NOT_CONVERGED),
            ("not run", NOT_RUN),
        ):
            cat[self.kind == k] = CATEGORIES.index(name)
        p = np.where(self.kind == PERIODIC, self.period, 0)
        for n, name in ((2, "period-2"), (4, "period-4"), (8, "period-8")):
            cat[p == n] = CATEGORIES.index(name)
        cat[(p >= 16) & ((p & (p - 1)) == 0)] = CATEGORIES.index("period-2ᵏ")
        votes = np.stack([(cat == c).sum(axis=-1) for c in range(len(CATEGORIES))], axis=-1)
        return votes.argmax(axis=-1).astype(np.int8)

    def escape_fraction(self) -> np.ndarray:
        """(M, N): the fraction of each cell's starts labelled divergent."""
        return (self.kind == DIVERGENT).mean(axis=-1)

    def counts(self) -> dict[str, int]:
        """How many runs got each label, most frequent first."""
        names, n = np.unique(self.labels(), return_counts=True)
        return {str(k): int(v) for k, v in sorted(zip(names, n), key=lambda kv: (-kv[1], kv[0]))}

    def meta(self) -> dict:
        """Everything but the arrays, JSON-ready: the settings and how to read the labels."""
        return {
            "grid": [len(self.e), len(self.r)],
            "epsilon_range": [exact_string(v) for v in self.e_range],
            "r_range": [exact_string(v) for v in self.r_range],
            "steps": self.steps,
            "start": asdict(self.start),
            "max_period": self.max_period,
            "lyapunov_min": self.lyapunov_min,
            "repeat_tolerance": REPEAT_TOL,
            "kinds": list(KINDS),
            "layout": "arrays are [r index, ε index, start index]; model Q = diag(1, r), E = ε, eta = 1",
            "evidence": "numerical: float64 GD; every label describes the float run, none is a proof. "
            "divergent = an iterate entered an escape region (on the axis y > 2, docs/eos-2d.md §5a; "
            "off it the regions of claims escape-separated / escape-symmetric), which proves "
            "divergence of exact GD from that rounded iterate, not from the start; unbounded = "
            f"|z̃| passed {GUARD:g} outside every escape region",
            "counts": self.counts(),
            "failures": [{"r": [lo, hi], "error": why} for lo, hi, why in self.failures],
        }


# --------------------------------------------------------------------------------------------
# Closed forms drawn over the diagram
# --------------------------------------------------------------------------------------------


@cache
def boundaries() -> dict[str, sp.Expr]:
    """The exact curves of the phase diagram, in (ε, r): the minimum's edge ε = 1, the window's end
    √5 − 1 along the axis, the transverse boundary ε = 1 + 2/(r(r − 1)), and the crisis ε = 2."""
    orbit = closed_forms.eos_orbit()
    return {
        "edge": orbit.along_window.left,
        "along": orbit.along_window.right,
        "across": orbit.across_boundary,
        "crisis": cascade.crisis().value,
    }


# --------------------------------------------------------------------------------------------
# The grid and its chunks
# --------------------------------------------------------------------------------------------


def grid(lo, hi, n: int, name: str = "range") -> tuple[tuple[Fraction, Fraction], np.ndarray]:
    """n equally spaced values from lo to hi: the floats nearest lo + k(hi − lo)/(n − 1), k = 0 … n − 1
    (exact endpoints read by numerics.exact; n = 1 needs lo = hi).

    >>> grid("1/2", 1, 3)[1].tolist(), grid(-1, -1, 1)[1].tolist()
    ([0.5, 0.75, 1.0], [-1.0])
    """
    n = check_count(n, f"{name} points", least=1)
    lo, hi = exact(lo, f"{name} low end"), exact(hi, f"{name} high end")
    if n == 1 and lo != hi:
        raise InputError(f"{name}: one point needs equal ends, got {lo} and {hi}")
    if n > 1 and not lo < hi:
        raise InputError(f"{name}: the low end must be below the high end, got {lo} and {hi}")
    return (lo, hi), np.array([float(lo + (hi - lo) * k / max(n - 1, 1)) for k in range(n)])


def chunks(
    e: np.ndarray,
    r: np.ndarray,
    steps: int,
    start: Start,
    max_period: int = MAX_PERIOD,
    lyapunov_min: float = LYAPUNOV_MIN,
) -> list[Chunk]:
    """The tasks for a grid: whole rows, about CHUNK_RUNS runs each (a function of the grid alone)."""
    per_row = len(e) * max(1, start.count)
    size = max(1, CHUNK_RUNS // per_row)
    out = []
    for k in range(0, len(r), size):
        rows = tuple(range(k, min(k + size, len(r))))
        out.append(
            Chunk(
                rows,
                tuple(float(r[i]) for i in rows),
                tuple(float(v) for v in e),
                steps,
                start,
                max_period,
                lyapunov_min,
            )
        )
    return out


def _starts(chunk: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """θ₁, θ₂ of every run of the chunk, shape (rows, len(ε), starts)."""
    st, n = chunk.start, len(chunk.e)
    shape = (len(chunk.rows), n, max(1, st.count))
    if st.count == 0:
        return np.full(shape, float(st.axis)), np.full(shape, float(st.transverse))
    t1, t2 = np.empty(shape), np.empty(shape)
    top = np.sqrt(2 * (np.asarray(chunk.e) + 2))
    for j, row in enumerate(chunk.rows):
        rng = np.random.default_rng([st.seed, row])
        t1[j] = rng.uniform(0, 1, (n, st.count)) * top[:, None]
        t2[j] = st.transverse * rng.standard_normal((n, st.count))
    return t1, t2


def _regions(e: np.ndarray, r: np.ndarray, on_axis: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
    """Per run: escape when z̃ > up or z̃ < −down (float thresholds of the exact regions), and for the
    symmetric lemma the certificate to test instead (up = down = its trigger)."""
    up, down, certs = np.full(e.shape, np.inf), np.full(e.shape, np.inf), [None] * e.size
    cache_: dict = {}
    for k, (ev, rv, axis) in enumerate(zip(e.ravel(), r.ravel(), on_axis.ravel())):
        if axis:
            up.flat[k] = AXIS_ESCAPE
            continue
        if (ev, rv) not in cache_:
            cert = escape.certificate(Problem.diagonal([1, exact(rv)], exact(ev), 1))
            cache_[ev, rv] = cert
        cert = cache_[ev, rv]
        if cert is None:
            continue  # no proven region: such a run can only end "not converged" if it grows
        if cert.lemma == escape.SYMMETRIC:
            up.flat[k] = down.flat[k] = float(cert.trigger)
            certs[k] = cert
        else:
            zu, zd = cert.thresholds
            up.flat[k] = np.inf if zu is None else float(zu)
            down.flat[k] = np.inf if zd is None else float(zd)
    return up, down, certs


# --------------------------------------------------------------------------------------------
# One chunk: float64 GD, vectorised over its runs
# --------------------------------------------------------------------------------------------


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run and label every run of ``chunk`` (the task function of :func:`compute`).

    The run takes ``steps`` steps.  Over its last 3·max_period iterates it looks for the least N with
    |θ_k − θ_{k−N}| ≤ REPEAT_TOL·scale for every pair (scale: the largest |θᵢ| there).  Over its
    second half it follows a tangent vector v ← J(θ)v (J the Jacobian of the step), rescaled by
    powers of two every 16 steps, and λ = ln(|v_end|/|v_start|)/(steps/2); chaos needs λ >
    lyapunov_min (0.01 by default: a bounded quasi-periodic or slowly converging run has |λ| of order
    ln(amplitude)/(steps/2), about 10⁻³ at 10⁴ steps).
    """
    steps, P = chunk.steps, chunk.max_period
    history = 3 * P
    if steps < 2 * history:
        raise InputError(
            f"steps must be at least {2 * history} (twice the {history} iterates compared for "
            f"periods up to {P}), got {steps}"
        )
    t1, t2 = _starts(chunk)
    shape = t1.shape
    e = np.broadcast_to(np.asarray(chunk.e)[None, :, None], shape).ravel().copy()
    r = np.broadcast_to(np.asarray(chunk.r)[:, None, None], shape).ravel().copy()
    theta0 = np.stack([t1, t2], axis=-1)
    t1, t2 = t1.ravel().copy(), t2.ravel().copy()
    up, down, certs = _regions(e, r, t2 == 0)
    trigger = np.minimum(np.minimum(up, down), GUARD)
    half_r = r / 2
    n = e.size
    zt, a, b, c = (np.empty(n) for _ in range(4))  # work arrays: the loop allocates nothing
    hit = np.empty(n, dtype=bool)
    stop_step, stopped = np.full(n, -1, dtype=np.int64), np.full(n, NOT_CONVERGED, dtype=np.int8)
    last = np.zeros((2, n))  # the iterate at which a run stopped
    hist = np.empty((history, 2, n))
    window = steps // 2
    v1, v2, scale_exp = np.ones(n), np.ones(n), np.zeros(n, dtype=np.int64)
    with np.errstate(all="ignore"):
        for k in range(steps):
            # z̃ = θ₁²/2 + (r/2)θ₂² − e
            np.multiply(t1, t1, out=a)
            a *= 0.5
            np.multiply(t2, t2, out=b)
            b *= half_r
            a += b
            np.subtract(a, e, out=zt)
            np.abs(zt, out=b)
            np.greater_equal(b, trigger, out=hit)
            if hit.any():
                _stop(np.nonzero(hit)[0], k, zt, t1, t2, up, down, certs, trigger, stop_step, stopped, last)
            if k >= steps - window:  # tangent: v ← (1 − z̃ωᵢ)vᵢ − ωᵢθᵢ(θ₁v₁ + rθ₂v₂), ω = (1, r)
                np.multiply(t1, v1, out=c)
                np.multiply(t2, v2, out=b)
                b *= r
                c += b
                np.multiply(zt, v1, out=a)
                v1 -= a
                np.multiply(t1, c, out=a)
                v1 -= a
                np.multiply(zt, r, out=a)
                a *= v2
                v2 -= a
                np.multiply(t2, c, out=a)
                a *= r
                v2 -= a
                if (k - (steps - window)) % _RENORMALISE == _RENORMALISE - 1:
                    _rescale(v1, v2, scale_exp)
            # θ₁ ← θ₁ − z̃θ₁, θ₂ ← θ₂ − (rz̃)θ₂
            np.multiply(zt, t1, out=a)
            t1 -= a
            np.multiply(zt, r, out=a)
            a *= t2
            t2 -= a
            if k >= steps - history:
                hist[k - (steps - history), 0] = t1
                hist[k - (steps - history), 1] = t2
        kind, period, lyap = _label(hist, t1, t2, e, r, v1, v2, scale_exp, window, stopped, P, chunk.lyapunov_min)
    end = np.where(stop_step >= 0, last, np.stack([t1, t2]))
    return ChunkResult(
        chunk.rows,
        kind.reshape(shape),
        period.reshape(shape),
        lyap.reshape(shape),
        stop_step.astype(np.int32).reshape(shape),
        theta0,
        np.stack(list(end), axis=-1).reshape((*shape, 2)),
    )


def _stop(idx, k, zt, t1, t2, up, down, certs, trigger, stop_step, stopped, last) -> None:
    """Stop the runs ``idx`` (|z̃| ≥ trigger at step k) that are in their escape region (divergent) or
    past the guard (unbounded): keep the step and the iterate, and freeze them at θ = 0, a fixed point."""
    for i in idx:
        cert = certs[i]
        if cert is None:
            inside = zt[i] > up[i] or zt[i] < -down[i]
        else:  # the symmetric regions, in interval arithmetic on the float iterate taken as exact
            inside = cert.test([mpf(float(t1[i])), mpf(float(t2[i]))]) is not None
        if inside or abs(zt[i]) >= GUARD:
            stopped[i] = DIVERGENT if inside else UNBOUNDED
            stop_step[i] = k
            last[0, i], last[1, i] = t1[i], t2[i]
            t1[i] = t2[i] = 0.0
            trigger[i] = np.inf


def _rescale(v1, v2, scale_exp) -> None:
    """v ← v·2⁻ᵐ with 2ᵐ⁻¹ ≤ max|vᵢ| < 2ᵐ: exact, and the exponents add up exactly."""
    _, m = np.frexp(np.maximum(np.abs(v1), np.abs(v2)))
    m = m.astype(np.int64)
    np.ldexp(v1, -m, out=v1)
    np.ldexp(v2, -m, out=v2)
    scale_exp += m


def _periods(hist: np.ndarray, finite: np.ndarray, max_period: int) -> np.ndarray:
    """Per run, the least N ≤ max_period with |θ_k − θ_{k−N}| ≤ REPEAT_TOL·scale for every pair of the
    window ``hist`` (iterates × 2 × runs), else 0.

    The last pair of each N screens first (all N at once, on small arrays); the whole window is then
    checked only for the runs an N passes.  The result is the same as checking every pair for every
    N, without a temporary of the window's size for each N (in a Dask worker those made labelling
    about 6× slower than in a local process: measured, the cause not pinned down).
    """
    period = np.zeros(hist.shape[2], dtype=np.int32)
    idx = np.nonzero(finite)[0]
    if idx.size == 0:
        return period
    h = hist if idx.size == hist.shape[2] else hist[:, :, idx]
    tol = REPEAT_TOL * np.abs(h).max(axis=(0, 1))
    screen = np.stack([(np.abs(h[-1 - N] - h[-1]) <= tol).all(axis=0) for N in range(1, max_period + 1)])
    open_ = np.ones(idx.size, dtype=bool)
    for N in range(1, max_period + 1):
        cand = np.nonzero(open_ & screen[N - 1])[0]
        if cand.size:
            sub = h[:, :, cand]
            ok = cand[(np.abs(sub[N:] - sub[:-N]) <= tol[cand]).all(axis=(0, 1))]
            period[idx[ok]] = N
            open_[ok] = False
    return period


def _label(hist, t1, t2, e, r, v1, v2, scale_exp, window, stopped, max_period, lyapunov_min):
    n = e.size
    kind = np.full(n, NOT_CONVERGED, dtype=np.int8)
    escaped = stopped != NOT_CONVERGED
    finite = np.isfinite(hist).all(axis=(0, 1)) & ~escaped
    period = _periods(hist, finite, max_period)
    periodic = period > 0
    z_end = t1 * t1 * 0.5 + (r / 2) * (t2 * t2) - e
    kind[periodic] = PERIODIC
    kind[(period == 1) & (np.abs(z_end) < e / 2)] = MINIMUM  # a fixed point off θ = 0 (z̃ = −e there)
    lyap = np.full(n, np.nan)
    size = np.maximum(np.abs(v1), np.abs(v2))  # |v| in the max-norm, exactly; |v_start| = |(1, 1)| = 1
    for i in np.nonzero(finite)[0]:
        if 0 < size[i] < math.inf:
            lyap[i] = (int(scale_exp[i]) * math.log(2) + math.log(size[i])) / window
        elif size[i] == 0:
            lyap[i] = -math.inf
    kind[finite & ~periodic & (lyap > lyapunov_min)] = CHAOTIC
    kind[escaped] = stopped[escaped]
    return kind, period, lyap


def _not_run(chunk: Chunk) -> ChunkResult:
    """The result of a chunk that did not finish: every run "not run", no period, exponent or iterate."""
    shape = (len(chunk.rows), len(chunk.e), max(1, chunk.start.count))
    return ChunkResult(
        chunk.rows,
        np.full(shape, NOT_RUN, dtype=np.int8),
        np.zeros(shape, dtype=np.int32),
        np.full(shape, np.nan),
        np.full(shape, -1, dtype=np.int32),
        np.full((*shape, 2), np.nan),
        np.full((*shape, 2), np.nan),
    )


# --------------------------------------------------------------------------------------------
# The whole grid
# --------------------------------------------------------------------------------------------


#: the cost of a chunk of R runs and S steps on one core of the development machine: CHUNK_SECONDS +
#: R·RUN_SECONDS (labelling) + S·(STEP_SECONDS + R·RUN_STEP_SECONDS), NumPy's per-call cost shared by the runs
#: and the runs' own (measured in CPU time by benchmarks/estimates.py)
CHUNK_SECONDS, RUN_SECONDS, STEP_SECONDS, RUN_STEP_SECONDS = 0.005, 5e-5, 8e-6, 1e-8


def chunk_seconds(runs: int, steps: int) -> float:
    """The expected seconds of a chunk of ``runs`` runs and ``steps`` steps on one core."""
    return CHUNK_SECONDS + runs * RUN_SECONDS + steps * (STEP_SECONDS + runs * RUN_STEP_SECONDS)


def time_limit(task: Chunk) -> float:
    """A chunk's time limit, a guard against hangs: a minute, plus 10⁻⁶ s per run and step (about
    100 times :data:`RUN_STEP_SECONDS`, what a run-step costs on one core of the development machine)."""
    return 60.0 + 1e-6 * len(task.rows) * len(task.e) * max(1, task.start.count) * task.steps


def estimate(p: Plan) -> tuple[float, float]:
    """The expected seconds of work on one core: (all of ``p``, its largest chunk), from :func:`chunk_seconds`
    (``benchmarks/estimates.py`` measures its constants against this machine)."""
    each = [chunk_seconds(len(t.rows) * len(t.e) * max(1, t.start.count), t.steps) for t in p.tasks]
    return sum(each), max(each)


@dataclass(frozen=True, eq=False)
class Plan:
    """A validated grid and its chunks: what :func:`execute` runs."""

    e: np.ndarray
    r: np.ndarray
    e_range: tuple[Fraction, Fraction]
    r_range: tuple[Fraction, Fraction]
    steps: int
    start: Start
    max_period: int
    lyapunov_min: float
    tasks: tuple[Chunk, ...]


def plan(
    e_range: tuple[object, object],  # (low, high): ends that numerics.exact reads
    r_range: tuple[object, object],
    shape: tuple[int, int],
    steps: int = 10_000,
    start: Start | None = None,
    max_period: int = MAX_PERIOD,
    lyapunov_min: float = LYAPUNOV_MIN,
) -> Plan:
    """Check the request (InputError names what is wrong) and split an N × M grid (``shape`` = (N values
    of ε, M values of r)) into its chunks; nothing runs yet."""
    start = Start() if start is None else start
    n_e, n_r = shape
    (e_lo, e_hi), e = grid(*e_range, n_e, "ε range")
    (r_lo, r_hi), r = grid(*r_range, n_r, "r range")
    if not (e_lo > 0 and e_hi <= E_MAX):
        raise InputError(f"the ε range must lie in (0, {E_MAX}], got {exact_string(e_lo)} to {exact_string(e_hi)}")
    if not (r_lo >= -R_MAX and r_hi <= R_MAX):
        raise InputError(
            f"the r range must lie in [−{R_MAX}, {R_MAX}], got {exact_string(r_lo)} to {exact_string(r_hi)}"
        )
    steps = check_count(steps, "steps", least=1)
    if steps > MAX_STEPS:
        raise InputError(f"steps must be at most {MAX_STEPS}, got {steps}")
    max_period = check_count(max_period, "max_period", least=1)
    if 2 * 3 * max_period > steps:
        raise InputError(f"steps must be at least {6 * max_period} for periods up to {max_period}, got {steps}")
    runs = len(e) * len(r) * max(1, start.count)
    if runs > MAX_RUNS:
        raise InputError(f"{runs} runs (grid cells × starts) is more than the {MAX_RUNS} allowed")
    if len(e) * max(1, start.count) > MAX_ROW_RUNS:
        raise InputError(
            f"a grid row holds {len(e) * max(1, start.count)} runs (values of ε × starts), more than "
            f"the {MAX_ROW_RUNS} allowed"
        )
    if isinstance(lyapunov_min, bool) or not isinstance(lyapunov_min, (int, float)) or not 0 <= lyapunov_min < math.inf:
        raise InputError(f"lyapunov_min must be a finite number >= 0, got {lyapunov_min!r}")
    tasks = tuple(chunks(e, r, steps, start, max_period, float(lyapunov_min)))
    return Plan(e, r, (e_lo, e_hi), (r_lo, r_hi), steps, start, max_period, float(lyapunov_min), tasks)


def execute(p: Plan, backend: executor.Backend | None = None, timeout: float | None = None, progress=None) -> Atlas:
    """Run the chunks of ``p`` on ``backend`` (default: in this process), each within ``timeout`` seconds
    (default: the largest :func:`time_limit` of the chunks); ``progress(done, total, failed)`` as chunks
    finish.  A chunk that fails, runs out of time or is lost with its worker or cluster leaves its runs
    "not run" and is listed in ``failures``: the chunks that finished are kept."""
    if timeout is None:
        timeout = min(max(time_limit(t) for t in p.tasks), executor.MAX_TIMEOUT)
    done, failed = [0], [0]

    def tick(i, outcome):
        (done if outcome.error is None else failed)[0] += 1
        if progress is not None:
            progress(done[0], len(p.tasks), failed[0])

    began = time.perf_counter()
    outcomes = executor.run(run_chunk, p.tasks, backend=backend, timeout=timeout, progress=tick)
    parts = [o.value if o.error is None else _not_run(task) for task, o in zip(p.tasks, outcomes)]
    failures = tuple(
        (task.r[0], task.r[-1], " ".join(o.error.split())) for task, o in zip(p.tasks, outcomes) if o.error is not None
    )

    def joined(name):
        return np.concatenate([getattr(part, name) for part in parts], axis=0)

    return Atlas(
        p.e,
        p.r,
        p.e_range,
        p.r_range,
        p.steps,
        p.start,
        p.max_period,
        p.lyapunov_min,
        joined("kind"),
        joined("period"),
        joined("lyapunov"),
        joined("stop_step"),
        joined("theta0"),
        joined("theta"),
        time.perf_counter() - began,
        failures,
    )


def compute(
    e_range: tuple[object, object],
    r_range: tuple[object, object],
    shape: tuple[int, int],
    steps: int = 10_000,
    start: Start | None = None,
    backend: executor.Backend | None = None,
    timeout: float | None = None,
    progress=None,
    max_period: int = MAX_PERIOD,
    lyapunov_min: float = LYAPUNOV_MIN,
) -> Atlas:
    """:func:`plan`, then :func:`execute`: the atlas of an N × M grid of (ε, r)."""
    return execute(plan(e_range, r_range, shape, steps, start, max_period, lyapunov_min), backend, timeout, progress)


# --------------------------------------------------------------------------------------------
# Output: the data and the phase diagram
# --------------------------------------------------------------------------------------------


def to_npz(atlas: Atlas) -> bytes:
    """The arrays and :meth:`Atlas.meta` (as JSON, key ``meta``) as the bytes of an .npz file (written by the
    caller, with :func:`eos_theory.outputs.files.write_bytes_atomic`: an analysis writes no files)."""
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        epsilon=atlas.e,
        r=atlas.r,
        kind=atlas.kind,
        period=atlas.period,
        lyapunov=atlas.lyapunov,
        stop_step=atlas.stop_step,
        theta0=atlas.theta0,
        theta=atlas.theta,
        meta=np.array(json.dumps(atlas.meta(), ensure_ascii=False)),
    )
    return buffer.getvalue()
