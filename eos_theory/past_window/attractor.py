"""What GD does at one parameter point of the 2-D model: the plane runs and the attractor.

:mod:`eos_theory.past_window.chaos` finds what GD does *on an eigen-axis* (attracting cycles proved, chaos
measured); this module asks whether GD gets there.  GD runs in θ (float64) from stated
distributions of starts (:func:`plane_starts`: the paper's small initialisation, and a small ball),
and each run ends at a minimum, on the axis, on the other axis, escaped (an iterate lies in a proven
escape region of :mod:`eos_theory.quadratic.escape`, tested in interval arithmetic on the computed iterate),
or elsewhere; escape fractions get Clopper–Pearson intervals.  :func:`attractor` combines the axis
and the plane into one label (LABELS) with its statistics and how each part was established;
:func:`classify` is that label alone.

Everything is bounded in steps and in time, deterministic for a given seed (and for any number of
worker processes: runs are grouped in fixed chunks), and says "not converged" when it could not
decide.

>>> classify(-1, 1, 1, "1/2"), classify(-1, 1, 1, "5/4"), classify(-1, 1, 1, "21/10")
('minimum', 'period-4', 'divergent')
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from mpmath import mp

from eos_theory.numbers.decimals import decimal_string
from eos_theory.numbers.parse import InputError, check_count, show_value
from eos_theory.numbers.stats import Estimate, proportion_interval
from eos_theory.past_window.chaos import CHUNK, AxisAttractor, axis_attractor, check_level, check_seconds
from eos_theory.quadratic import escape
from eos_theory.quadratic.gd import Problem
from eos_theory.running import executor

__all__ = [
    "FAMILIES",
    "FATES",
    "LABELS",
    "Attractor",
    "PlaneRuns",
    "attractor",
    "classify",
    "describe_family",
    "plane_runs",
    "plane_starts",
]

LABELS = ("minimum", "period-2", "period-N", "chaotic", "divergent", "split", "not converged")
FAMILIES = ("paper", "ball")  #: the stated distributions of plane starts (see :func:`plane_starts`)
PAPER_T = (Fraction(1, 1000), Fraction(1, 10))  #: the paper's family: |ω_i|θ_i = t, t uniform on this range
BALL_RADIUS = Fraction(1, 10)  #: the small ball: (|ω_1|θ_1, |ω_2|θ_2) uniform in the disc of this radius
AXIS_TOL = 1e-12  #: a plane run has reached the axis once |q| ≤ AXIS_TOL·√(η·NTK)
MIN_TOL = 1e-9  #: ... a minimum once |z̃| ≤ MIN_TOL·(|ηE| + Σ η|ω_i|θ_i²/2) on its last two iterates
BLOWUP = 1e100  #: |z̃| beyond which a float plane run outside every proven escape region is stopped


# --------------------------------------------------------------------------------------------
# GD in the plane from stated distributions of starts
# --------------------------------------------------------------------------------------------


def plane_starts(problem: Problem, family: str, count: int, seed: int = 0) -> list[tuple[float, float]]:
    """``count`` seeded starts θ (doubles, each taken as the exact start) from a stated family.

    "paper": the paper's small initialisation J̃(ω₁) = ±J̃(ω₂), i.e. |ω_i|θ_i = t (θ₁ = θ₂ = t
    when |ω₁| = |ω₂| = 1), t uniform on [1/1000, 1/10].  "ball": (|ω₁|θ₁, |ω₂|θ₂) uniform in the
    disc of radius 1/10 around 0.  Where ω_i = 0, |ω_i| is replaced by 1.
    """
    if family not in FAMILIES:
        raise InputError(f"family must be one of {FAMILIES}, got {show_value(family)}")
    count = check_count(count, "count")
    seed = check_count(seed, "seed")
    if problem.P != 2 or not problem.is_diagonal:
        raise InputError("plane starts need a diagonal 2x2 Q")
    w = [abs(float(problem.Q[i][i])) or 1.0 for i in range(2)]
    rng = random.Random(f"{family}:{seed}")
    out: list[tuple[float, float]] = []
    lo, hi = float(PAPER_T[0]), float(PAPER_T[1])
    rad = float(BALL_RADIUS)
    while len(out) < count:
        if family == "paper":
            t = lo + (hi - lo) * rng.random()
            out.append((t / w[0], t / w[1]))
        else:
            u, v = (2 * rng.random() - 1) * rad, (2 * rng.random() - 1) * rad
            if u * u + v * v <= rad * rad:
                out.append((u / w[0], v / w[1]))
    return out


def describe_family(family: str) -> str:
    return {
        "paper": f"the paper's family |ω_i|θ_i = t, t uniform on [{PAPER_T[0]}, {PAPER_T[1]}]",
        "ball": f"(|ω₁|θ₁, |ω₂|θ₂) uniform in the disc of radius {BALL_RADIUS}",
    }[family]


FATES = ("escaped", "unbounded", "minimum", "axis", "other axis", "elsewhere")


@dataclass(frozen=True)
class PlaneRuns:
    """Where float64 GD in θ went from each start of stated families, after at most ``steps`` steps.

    Fates: "escaped" (an iterate lay in a proven escape region), "unbounded" (|z̃| passed 1e100 or
    overflowed outside every proven region: divergence likely, not proved), "minimum" (z̃ ≤ 1e-9
    times the sum of the sizes of its terms ηE and ηω_iθ_i²/2, on the last two iterates), "axis" /
    "other axis" (the other mode's |J̃| ≤ 1e-12·√(η·NTK)),
    "elsewhere" (none of these: still moving off the axes when the steps ran out).  When r = 0 or
    r = 1 the transverse factor 1 − r·y is 1 (a frozen mode, or GD along rays) and y follows the
    axis map whatever q is, so every bounded start not at a minimum counts as "axis".
    """

    families: tuple[tuple[str, int], ...]  #: (family, count) in the order drawn
    seed: int
    steps: int
    fates: dict[str, int]
    escape: Estimate  #: fraction escaped, Clopper–Pearson
    escape_steps: tuple[int, ...]  #: the step at which each escaped start entered an escape region
    stopped: str | None
    per_start: tuple[str, ...] = ()  #: each start's fate, in the order drawn (:func:`plane_starts`)

    @property
    def count(self) -> int:
        return sum(n for _, n in self.families)

    def describe(self) -> str:
        fams = "; ".join(f"{n} from {describe_family(f)}" for f, n in self.families)
        fates = ", ".join(f"{k} {v}" for k, v in self.fates.items() if v)
        base = f"{self.count} starts ({fams}; seed {self.seed}), at most {self.steps} float64 GD steps in θ"
        if self.stopped:
            return f"{base}: stopped early ({self.stopped})"
        return f"{base}: {fates}; escape fraction {self.escape} ({self.escape.method})"


def _plane_chunk(task) -> dict:
    """One chunk of plane runs (module level, for the executor)."""
    problem, axis, thetas, steps, seconds, neutral = task
    deadline = time.monotonic() + seconds
    cert = escape.certificate(problem)
    trigger = float(cert.trigger) if cert is not None else math.inf
    w1, w2 = float(problem.Q[0][0]), float(problem.Q[1][1])
    eta, eta_E = float(problem.lr), float(problem.lr * problem.target)
    a1, a2 = eta * w1 / 2, eta * w2 / 2
    t1 = np.array([t[0] for t in thetas], dtype=np.float64)
    t2 = np.array([t[1] for t in thetas], dtype=np.float64)
    n = t1.size
    fate = [""] * n
    when = [-1] * n
    alive = np.ones(n, dtype=bool)
    prev_rel = np.full(n, np.inf)  # |z̃| relative to the size of its terms, one step back
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            zt = -eta_E + a1 * (t1 * t1) + a2 * (t2 * t2)
            big = alive & ~(np.abs(zt) < trigger)
            for i in np.flatnonzero(big):
                if (
                    cert is not None
                    and math.isfinite(t1[i])
                    and math.isfinite(t2[i])
                    and cert.test([mp.mpf(float(t1[i])), mp.mpf(float(t2[i]))], 30) is not None
                ):
                    fate[i], when[i], alive[i] = "escaped", k, False
                elif not (abs(zt[i]) < BLOWUP):
                    fate[i], when[i], alive[i] = "unbounded", k, False
            if k == steps or not alive.any():
                break
            rel = np.abs(zt) / (abs(eta_E) + abs(a1) * (t1 * t1) + abs(a2) * (t2 * t2))
            prev_rel = np.where(alive, rel, prev_rel)
            t1, t2 = np.where(alive, t1 - zt * w1 * t1, 0.0), np.where(alive, t2 - zt * w2 * t2, 0.0)
            if k % 256 == 0 and time.monotonic() > deadline:
                return {"stopped": f"time limit {seconds:g} s reached after {k} steps"}
        zt = -eta_E + a1 * (t1 * t1) + a2 * (t2 * t2)
        rel = np.abs(zt) / (abs(eta_E) + abs(a1) * (t1 * t1) + abs(a2) * (t2 * t2))
        J1, J2 = eta * (w1 * t1) ** 2, eta * (w2 * t2) ** 2  # J̃_i² = η ω_i² θ_i²
        ntk = J1 + J2
    for i in np.flatnonzero(alive):
        if rel[i] <= MIN_TOL and prev_rel[i] <= MIN_TOL:
            fate[i] = "minimum"
        elif axis and (neutral or (J2[i] if axis == 1 else J1[i]) <= AXIS_TOL**2 * ntk[i]):
            fate[i] = "axis"
        elif axis and (J1[i] if axis == 1 else J2[i]) <= AXIS_TOL**2 * ntk[i]:
            fate[i] = "other axis"
        else:
            fate[i] = "elsewhere"
    return {"fate": fate, "when": when, "stopped": None}


def plane_runs(
    problem: Problem,
    *,
    families=(("paper", 32), ("ball", 32)),
    steps: int = 4_000,
    seed: int = 0,
    level: float = 0.95,
    jobs: int = 1,
    max_seconds: float = 5.0,
) -> PlaneRuns:
    """Run float64 GD in θ from seeded starts of the stated ``families`` (see :func:`plane_starts`) and
    count where they go; the escape fraction gets a Clopper–Pearson interval at ``level``."""
    if not isinstance(problem, Problem):
        raise InputError(f"problem must be a Problem, got {show_value(problem)}")
    steps, seed = check_count(steps, "steps", least=1), check_count(seed, "seed")
    level, seconds = check_level(level), check_seconds(max_seconds)
    jobs = check_count(jobs, "jobs", least=1)
    fams = tuple((f, check_count(n, f"count of {f}", least=1)) for f, n in families)
    thetas = [t for f, n in fams for t in plane_starts(problem, f, n, seed)]
    _, axis, r = _axis_of(problem)
    neutral = r in (0, 1)
    tasks = [(problem, axis, thetas[i : i + CHUNK], steps, seconds, neutral) for i in range(0, len(thetas), CHUNK)]
    outcomes = executor.run(_plane_chunk, tasks, backend=executor.local(min(jobs, len(tasks))))
    fate, when = [], []
    for o in outcomes:
        if o.error is not None or o.value["stopped"]:
            why = o.error or o.value["stopped"]
            return PlaneRuns(fams, seed, steps, {}, proportion_interval(0, len(thetas), level), (), why)
        fate += o.value["fate"]
        when += o.value["when"]
    counts = {k: fate.count(k) for k in FATES}
    esc = proportion_interval(counts["escaped"], len(thetas), level)
    return PlaneRuns(
        fams, seed, steps, counts, esc, tuple(w for f, w in zip(fate, when) if f == "escaped"), None, tuple(fate)
    )


# --------------------------------------------------------------------------------------------
# The attractor of one parameter point
# --------------------------------------------------------------------------------------------


def _axis_of(problem: Problem) -> tuple[Fraction, int | None, Fraction | None]:
    """(ε, axis, r): ε = min{ηEω_i > 0} (0 if E = 0), its axis (1 or 2) and r = ω_other/ω_axis.

    The same selection as :func:`eos_theory.quadratic.closed_forms.setting` (this module sits below analysis).
    """
    if problem.P != 2 or not problem.is_diagonal:
        raise InputError("the attractor is computed for diagonal 2x2 Q = diag(omega1, omega2)")
    w = (problem.Q[0][0], problem.Q[1][1])
    if problem.target == 0:
        return Fraction(0), None, None
    eps = [problem.lr * problem.target * wi for wi in w]
    positive = [(ev, i + 1) for i, ev in enumerate(eps) if ev > 0]
    if not positive:
        raise InputError(
            "no zero-loss minimum: E*omega_i <= 0 for both eigenvalues, so the loss "
            "never reaches 0 (give E the sign of an eigenvalue)"
        )
    e, axis = min(positive)
    return e, axis, w[2 - axis] / w[axis - 1]


FLOAT_RANGE = (Fraction(1, 10**300), Fraction(10**300))  #: magnitudes the float64 search takes


def _check_float_range(problem: Problem, e: Fraction, r: Fraction | None) -> None:
    """InputError unless ω₁, ω₂, E, η, e and r (those not 0) lie within :data:`FLOAT_RANGE` in magnitude:
    the attractor search runs GD in float64, where 1e1000 overflows and 1e-1000 is 0."""
    lo, hi = FLOAT_RANGE
    named = (("omega1", problem.Q[0][0]), ("omega2", problem.Q[1][1]), ("E", problem.target), ("eta", problem.lr))
    for name, value in (*named, ("ε", e), ("r", r)):
        if value and not lo <= abs(value) <= hi:
            raise InputError(
                f"{name} = {decimal_string(value, 3)} is outside 1e-300 … 1e300 in magnitude, the range of the float64 "
                "attractor search (--no-attractor gives the closed forms alone, which are exact)"
            )


@dataclass(frozen=True)
class Attractor:
    """What GD does at one parameter point, and how each part was established (``how``)."""

    label: str  #: one of LABELS
    period: int | None  #: the attracting period in θ (1 for a minimum), None if not periodic
    mean_ntk: float | None  #: time-averaged η·NTK on the attractor (None for minima: it depends on the start)
    mean_ntk_ci: tuple[float, float] | None  #: an enclosure (cycles) or a confidence interval (chaos)
    lyapunov: float | None
    lyapunov_ci: tuple[float, float] | None
    transverse_lyapunov: float | None
    transverse_lyapunov_ci: tuple[float, float] | None
    escape_fraction: float | None  #: of the plane starts (``plane``)
    escape_ci: tuple[float, float] | None
    level: float
    how: str
    e: Fraction
    r: Fraction | None
    axis: AxisAttractor | None
    plane: PlaneRuns | None

    def to_json(self) -> dict:
        """The issue's keys (``period``, ``mean_ntk``, ``mean_ntk_ci``, ``lyapunov``, ``transverse_lyapunov``,
        ``escape_fraction``) and the rest of the record; numbers are JSON numbers."""
        ci = lambda v: None if v is None else [v[0], v[1]]  # noqa: E731
        return {
            "label": self.label,
            "period": self.period,
            "mean_ntk": self.mean_ntk,
            "mean_ntk_ci": ci(self.mean_ntk_ci),
            "lyapunov": self.lyapunov,
            "lyapunov_ci": ci(self.lyapunov_ci),
            "transverse_lyapunov": self.transverse_lyapunov,
            "transverse_lyapunov_ci": ci(self.transverse_lyapunov_ci),
            "escape_fraction": self.escape_fraction,
            "escape_ci": ci(self.escape_ci),
            "level": self.level,
            "how": self.how,
        }


def _mid(pair):
    return None if pair is None else (pair[0] + pair[1]) / 2


def _cycle_label(period: int) -> str:
    return "period-2" if period == 2 else ("minimum" if period == 1 else f"period-{period}")


_BOUNDED = ("minimum", "axis", "other axis")


def _label(base: str, expected: str, fates: dict[str, int], n: int) -> str:
    """The label from the axis's verdict (``base``) and the plane starts' fates.

    Every start escaped: "divergent".  Some start undecided ("unbounded" without proof, or
    "elsewhere"): "not converged".  Every start at the expected attractor: ``base``.  Starts at two
    or more of {escaped, minimum, axis, other axis}: "split".  All at one unexpected attractor (the
    other axis, whose attractor is not analysed here): "not converged".
    """
    if fates["escaped"] == n:
        return "divergent"
    if fates["unbounded"] or fates["elsewhere"]:
        return "not converged"
    reached = [k for k in ("escaped", *_BOUNDED) if fates[k]]
    if len(reached) > 1:
        return "split"
    if reached == [expected] and base != "divergent":
        return base
    return "not converged"


def classify(omega1, omega2, target, lr, *, seed: int = 0) -> str:
    """What GD does at (ω₁, ω₂, E, η), in one word: the label of :func:`attractor` at its defaults
    (minimum, period-2, period-N with N the period in θ, chaotic, divergent, split, not converged).

    :func:`analysis.classify` is its closed-form part ("unstable" there means only that no minimum
    and no EOS 2-cycle attracts); this one says what GD does there.

    >>> classify(-1, 1, 1, "1/2"), classify(-1, 1, 1, "5/4"), classify(-1, 1, 1, "21/10")
    ('minimum', 'period-4', 'divergent')
    """
    return attractor(omega1, omega2, target, lr, seed=seed).label


def attractor(
    omega1,
    omega2,
    target,
    lr,
    *,
    seed: int = 0,
    runs: int = 8,
    steps: int = 20_000,
    transient: int = 1_000,
    starts: int = 32,
    plane_steps: int = 4_000,
    level: float = 0.95,
    max_period: int = 64,
    dps: int = 40,
    jobs: int = 1,
    max_seconds: float = 60.0,
) -> Attractor:
    """The attractor of GD at (ω₁, ω₂, E, η), labelled, with its statistics and how each was obtained.

    * ε ≤ 1 (exact comparison): "minimum" (ε < 1: a linearly stable minimum exists, claim
      eos2d-control-parameter; ε = 1: the least-NTK minimum attracts only algebraically, claim eos2d-flip-birth).
    * otherwise the axis of ε: a proved attracting cycle ("period-2", "period-N", N in θ), or
      "chaotic" (λ > 0 at ``level``), from :func:`axis_attractor`.
    * the plane: ``starts`` starts from each of the paper's family and the small ball
      (:func:`plane_starts`), ``plane_steps`` float64 GD steps in θ: all escaped → "divergent";
      some escaped and the rest reached the expected attractor → "split"; mixed in any other way,
      or an undecided axis → "not converged".

    Deterministic for a given seed: the step counts above bound the work (about 1 s at the defaults);
    ``max_seconds`` is only a safety net (past it the label is "not converged", saying so), far enough above
    that work for a loaded machine not to change the result.
    """
    problem = Problem.diagonal([omega1, omega2], target, lr)
    seed, level, seconds = check_count(seed, "seed"), check_level(level), check_seconds(max_seconds)
    e, _axis, r = _axis_of(problem)
    _check_float_range(problem, e, r)
    begin = time.monotonic()
    plane = plane_runs(
        problem,
        families=(("paper", starts), ("ball", starts)),
        steps=plane_steps,
        seed=seed,
        level=level,
        jobs=jobs,
        max_seconds=seconds / 3,
    )
    how = [f"ε = {e}" + ("" if r is None else f", r = {r}") + " (exact)"]
    ax = None
    period = mean = mean_ci = lyap = lyap_ci = trans = trans_ci = None
    if e <= 1:
        expected, base = "minimum", "minimum"
        period = 1
        how.append(
            "ε < 1: a linearly stable minimum exists (closed form, claim eos2d-control-parameter); the "
            "η·NTK GD settles at depends on the start (in [2ε, 2))"
            if e < 1
            else "ε = 1: no minimum is linearly stable (the least-NTK one, η·NTK = 2, has multiplier −1; claim "
            "eos2d-control-parameter), but the flip there is supercritical (claim eos2d-flip-birth), so GD near it "
            "still converges to it, algebraically slowly (η·NTK → 2)"
        )
    else:
        left = max(seconds - (time.monotonic() - begin), 0.5)
        ax = axis_attractor(
            e,
            r,
            steps=steps,
            runs=runs,
            transient=transient,
            seed=seed,
            level=level,
            max_period=max_period,
            dps=dps,
            jobs=jobs,
            max_seconds=left,
        )
        expected = "axis"
        if ax.kind == "cycle":
            c = ax.cycle
            assert c is not None  # kind "cycle" carries the proved cycle
            base, period = _cycle_label(c.period), c.period
            mean, mean_ci = c.mean, c.mean_ntk
            lyap, lyap_ci = _mid(c.lyapunov), c.lyapunov
            trans, trans_ci = _mid(c.transverse_lyapunov), c.transverse_lyapunov
            how.append(f"axis: {ax.reason}; mean η·NTK, λ and λ⊥ are interval enclosures at {c.dps} digits")
            if c.transversally_stable is False:
                how.append("the cycle is transversally unstable (|Π(1 − r·y)| > 1 proved)")
        elif ax.kind == "chaotic":
            st = ax.runs
            # "chaotic" means λ > 0 was estimated, from at least 2 finite runs, which give the mean too
            assert st is not None and st.lyapunov is not None and st.mean_ntk is not None
            base = "chaotic"
            mean, mean_ci = st.mean_ntk.value, (st.mean_ntk.low, st.mean_ntk.high)
            lyap, lyap_ci = st.lyapunov.value, (st.lyapunov.low, st.lyapunov.high)
            if st.transverse_lyapunov is not None:
                trans = st.transverse_lyapunov.value
                trans_ci = (st.transverse_lyapunov.low, st.transverse_lyapunov.high)
            how.append(
                f"axis: {ax.reason}; intervals are {level:.0%} Student t over runs, for the computed "
                "(float64) orbits: shadowing is not proved"
            )
        elif ax.kind == "escapes":
            base = "divergent"
            how.append(f"axis: {ax.reason}")
        else:
            base = "not converged"
            how.append(f"axis: {ax.reason}")
    fates = plane.fates
    if plane.stopped:
        label = "not converged"
        how.append(f"plane: {plane.describe()}")
    else:
        how.append(
            f"plane: {plane.describe()}; escape means the computed iterate lay in a proven escape region "
            "(rounding before it is not enclosed)"
        )
        label = _label(base, expected, fates, plane.count)
        if label == "not converged" and fates[expected] < plane.count and base != "not converged":
            how.append("the starts did not all reach one attractor within the steps (see the fates)")
    if label == "divergent":  # no attractor is reached: the axis's own statistics stay in `axis` and `how`
        period = mean = mean_ci = lyap = lyap_ci = trans = trans_ci = None
    escape_fraction = None if plane.stopped else plane.escape.value
    escape_ci = None if plane.stopped else (plane.escape.low, plane.escape.high)
    return Attractor(
        label,
        period,
        mean,
        mean_ci,
        lyap,
        lyap_ci,
        trans,
        trans_ci,
        escape_fraction,
        escape_ci,
        level,
        "; ".join(how),
        e,
        r,
        ax,
        plane,
    )
