"""The whole edge-of-stability analysis of one model, bounded in time: exact first, numerics where exact stops.

:func:`analyze` runs, for any :class:`~eos_theory.anymodel.definition.Spec`:

* **the exact path** (one data point, polynomial outputs, at most :data:`MAX_EXACT_PARAMS` parameters): the
  least sharpness by the Lagrange system over ℚ (:mod:`.minima`), the flip series (:mod:`.flip`), the exact
  window or its continued end;
* **the numerical path** where the exact one is out of reach or inconclusive (non-polynomial outputs,
  several data points, more parameters, a timeout): a seeded multi-start search (:mod:`.search`), Newton at
  two precisions and interval certification (:mod:`.certify`), the flip coefficients in closed form
  (:mod:`.numflip`) and the window's end by continuation;
* **always**: conserved quantities of gradient flow (:mod:`.conserved`; they need no minima), and at a given
  step GD itself, in float64 and in mpmath, bounded (:func:`simulate`).

Each part runs within ``seconds``; a part that does not finish is reported inconclusive with the reason.

>>> from eos_theory.anymodel.definition import spec
>>> res = analyze(spec(["u", "v"], ["u*v"], [1]))
>>> res.path, res.critical_lr, res.flip.type, res.window.interval
('exact', 1, 'supercritical', Interval.open(1, -1 + sqrt(5)))
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from mpmath import mp, mpf

from eos_theory.anymodel.certify import NumericMinimum, refine
from eos_theory.anymodel.compiled import FLOAT, MP, NotReal
from eos_theory.anymodel.conserved import Conserved, Invariants, invariant_subspaces
from eos_theory.anymodel.continuation import NoConvergence, solve_cycle
from eos_theory.anymodel.definition import Spec, r
from eos_theory.anymodel.evaluate import Evaluator
from eos_theory.anymodel.flip import Flip, Window, flip_series, numerical_window, window
from eos_theory.anymodel.minima import Minimum, least_sharpness
from eos_theory.anymodel.numflip import NumericFlip, continued_window, numeric_flip
from eos_theory.anymodel.search import search
from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import Undecided
from eos_theory.numbers.parse import InputError
from eos_theory.running import executor

__all__ = [
    "MAX_EXACT_PARAMS",
    "Analysis",
    "NumericalCheck",
    "Simulation",
    "analyze",
    "check_series",
    "exact_reach",
    "simulate",
    "simulate_float",
]

MAX_EXACT_PARAMS = 6  #: the exact path solves polynomial systems in P + 1 unknowns: beyond this, numerics


# --------------------------------------------------------------------------------------------
# The mpmath check of the exact series
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumericalCheck:
    dps: int
    rho: str  #: the half-distance used
    kappa_digits: int  #: agreeing digits of (η/η_c − 1)/ρ² with κ
    slope_digits: int | None  #: of (mean η·S − 2)/(η/η_c − 1) with the offset slope
    expected_digits: int  #: what the truncation error O(ρ²) allows
    how: str


def _sharpness(ev: Evaluator, theta: Sequence) -> mpf:
    """S(θ) = ℓ''(0)·λ_max(J(θ)J(θ)ᵀ) in mpmath (the NTK sharpness; on the minima, the top loss-Hessian eigenvalue)."""
    J = ev.jacobian(MP, theta)
    l2 = ev.loss_at_zero(MP)[0]
    if ev.n == 1:
        return l2 * mp.fsum(x * x for x in J[0])
    K = mp.matrix([[mp.fsum(a * b for a, b in zip(J[i], J[j])) for j in range(ev.n)] for i in range(ev.n)])
    return l2 * max(mp.eigsy(K, eigvals_only=True))


def check_series(sp_: Spec, m: Minimum, fl: Flip, dps: int = 50, rho: str = "1e-8") -> NumericalCheck | None:
    """The exact series against mpmath: the 2-cycle with half-distance ρ found by Newton at ``dps`` digits in
    parameter space; (η/η_c − 1)/ρ² is compared with κ and (mean η·S − 2)/(η/η_c − 1) with the slope.
    Both differ from their limits by O(ρ²): about 2·|log₁₀ ρ| digits can agree."""
    if fl.status != "exact" or fl.coefficient is None or fl.coefficient == 0:
        return None
    assert m.point is not None and m.direction is not None  # an exact flip is computed at an exact minimum
    ev = Evaluator(sp_)
    num = ev.mp_gd()
    P = sp_.P
    with mp.workdps(dps):
        rv = mpf(rho)
        th0 = [mpf(sp.N(x, dps + 10)) for x in m.point]
        v = [mpf(sp.N(x, dps + 10)) for x in m.direction]
        amp = rv / mp.sqrt(mp.fsum(x * x for x in v))
        c2 = [mpf(sp.N(x.subs(dict.fromkeys(x.free_symbols, 0)), dps)) for x in fl.c.get(2, sp.zeros(P, 1))]
        ec = mpf(sp.N(m.critical_lr, dps))
        guess = (
            [th0[i] + amp**2 * c2[i] + amp * v[i] for i in range(P)]
            + [th0[i] + amp**2 * c2[i] - amp * v[i] for i in range(P)]
            + [ec + mpf(sp.N(fl.eta_coeffs[2], dps)) * amp**2]
        )
        try:
            x = solve_cycle(num, P, v, rv, guess, dps, 60)
        except NoConvergence:
            return NumericalCheck(dps, rho, 0, None, 0, f"Newton on the 2-cycle did not converge at {dps} digits")
        pp, pm, et = x[:P], x[P : 2 * P], x[2 * P]
        ratio = (et / ec - 1) / rv**2
        kd = agreeing_digits(ratio, mpf(sp.N(fl.coefficient, dps)), dps)
        sd = None
        if fl.offset_slope is not None:
            mean = et * (_sharpness(ev, pp) + _sharpness(ev, pm)) / 2
            sd = agreeing_digits((mean - 2) / (et / ec - 1), mpf(sp.N(fl.offset_slope, dps)), dps)
        expected = int(-2 * mp.log10(rv)) - 2
    return NumericalCheck(
        dps,
        rho,
        kd,
        sd,
        expected,
        f"numerical: 2-cycle with half-distance ρ = {rho} by Newton in parameter space at {dps} digits "
        "(mp.workdps); truncation error O(ρ²)",
    )


# --------------------------------------------------------------------------------------------
# GD at a given step, bounded: mpmath and float64
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    status: str  #: "converged" | "period-N" | "diverged" | "not converged" | "not finished" | "not run" (how says why)
    steps: int
    mean_sharpness: str | None  #: mean η·S over the last period, when settled
    how: str


def _mpf(x) -> mpf:
    return mpf(x) if isinstance(x, (str, int)) else mpf(sp.N(x, mp.dps + 5))


def _start(sp_: Spec, at) -> tuple[list, list, str]:
    """GD's start: θ* pushed by 10⁻³ along the top eigenvector and 10⁻⁴ across it (``at`` has ``point`` and
    ``direction``), or, with no minimum known, the first seeded start of the search (uniform in [−3, 3]^P)."""
    P = sp_.P
    if at is not None and getattr(at, "point", None) and getattr(at, "direction", None):
        th = [_mpf(x) for x in at.point]
        v = [_mpf(x) for x in at.direction]
        nv = mp.sqrt(mp.fsum(x * x for x in v))
        push = [mpf(10) ** -4 * (1 if i % 2 else -1) for i in range(P)]
        return (
            [th[i] + mpf(10) ** -3 * v[i] / nv + push[i] for i in range(P)],
            th,
            "θ* pushed by 10⁻³ along the top loss-Hessian eigenvector",
        )
    first = np.random.default_rng(0).uniform(-3, 3, size=(1, P))[0]
    th = [mpf(float(x)) for x in first]
    return th, th, "the first seeded start (uniform in [−3, 3]^P, seed 0): no least-sharp minimum is known"


def _diameter(points) -> float:
    """The largest coordinate difference between two of the points."""
    return max(max(abs(a - b) for a, b in zip(p, q)) for p in points for q in points)


def _step(lr) -> mpf:
    from eos_theory.numbers.parse import exact as exact_number

    q = exact_number(lr, "lr")
    if q <= 0:
        raise InputError(f"lr must be positive, got {lr}")
    return mpf(q.numerator) / q.denominator


def _stalled(k: int, precision: str, gradient: str) -> Simulation:
    """θ repeats only because each step η∇L is below the working precision: not convergence, whatever η."""
    return Simulation(
        "not converged",
        k,
        None,
        f"GD stalled: θ repeats at step {k} only because each step η∇L is below the working precision "
        f"({precision}; |∇L| = {gradient}, not near 0)",
    )


MP_WORK = 2_500_000  #: operations (:func:`step_work`) one mpmath GD run may spend: 2–6 s at 30 digits on this machine
FLOAT_WORK = 20_000_000  #: the same for a float64 GD run: 3–5 s
SAFETY_SECONDS = 60.0  #: wall time after which a GD run stops "not finished" (the work bound is what normally ends it)


def step_work(sp_: Spec, max_period: int = 32) -> int:
    """Operations in one GD step, counted on the model's expressions so that it does not depend on the machine:
    the outputs and their Jacobian (SymPy's ``count_ops``), ℓ′ at each residual, Jᵀℓ′ and the test for a
    period (one comparison per candidate period).  A GD run is bounded by a number of steps that this makes a
    fixed amount of work, so its result is the same on a loaded machine as on an idle one."""
    ops = sum(sp.count_ops(f) for f in sp_.outputs) + sum(sp.count_ops(e) for e in sp_.jacobian)
    ops += len(sp_.outputs) * (sp.count_ops(sp.diff(sp_.loss, r)) + 2 * sp_.P)
    return int(ops) + max_period + 1


def _work_steps(sp_: Spec, max_steps: int, work: int, max_period: int) -> tuple[int, str]:
    """The step bound: at most ``max_steps``, and at most ``work`` operations (:func:`step_work` per step)."""
    per_step = step_work(sp_, max_period)
    steps = max(100, min(max_steps, work // per_step))
    if steps == max_steps:
        return steps, f"{steps} steps"
    return steps, f"{steps} steps, a work bound of {work} operations at {per_step} a step"


def _unfinished(k: int, seconds: float, bound: str, precision: str) -> Simulation:
    return Simulation(
        "not finished",
        k,
        None,
        f"stopped by the safety limit of {seconds:g} s of wall time after {k} steps, before its bound of {bound} "
        f"({precision}): the machine is slower than expected; nothing is concluded",
    )


def simulate(
    sp_: Spec,
    m,
    lr,
    dps: int = 30,
    max_steps: int = 20_000,
    work: int = MP_WORK,
    max_period: int = 32,
    bound: str = "1e40",
    max_seconds: float = SAFETY_SECONDS,
) -> Simulation:
    """GD at step ``lr`` at ``dps`` digits (mpmath) from the start :func:`_start` gives for ``m`` (an exact or a
    numerical minimum, or None), bounded in steps: at most ``max_steps`` and ``work`` operations
    (:func:`step_work`), so the result does not depend on the machine's load; ``max_seconds`` is only a safety
    net (status "not finished").  Settled: θ_k repeats θ_{k−N} to dps − 10 digits, and for a fixed point ∇L
    vanishes to half those digits (a step η∇L too small for the precision is "not converged": stalled; the
    repeat alone is no evidence, whatever η).  There is no escape lemma for a generic model: "diverged" means
    only that |θ| passed ``bound`` (a stated magnitude criterion)."""
    ev = Evaluator(sp_)
    steps, told = _work_steps(sp_, max_steps, work, max_period)
    start = time.perf_counter()
    with mp.workdps(dps):
        et = _step(lr)
        th, _, origin = _start(sp_, m)
        G = ev.mp_gd()[0]
        hist = [th]
        big, tol = mpf(bound), mpf(10) ** (-(dps - 10))
        for k in range(1, steps + 1):
            try:
                th = list(G(*th, et))
            except (NotReal, ZeroDivisionError, ValueError):
                return Simulation(
                    "diverged", k, None, f"GD left the outputs' real domain at step {k} ({dps}-digit mpmath)"
                )
            if any(not mp.isfinite(x) or abs(x) > big for x in th):
                return Simulation(
                    "diverged",
                    k,
                    None,
                    f"|θ| passed {bound} at step {k} (a magnitude criterion, not a proof of divergence), "
                    f"{dps}-digit mpmath GD from {origin}",
                )
            hist.append(th)
            if len(hist) > max_period + 1:
                hist.pop(0)
            scale = max(1, max(abs(x) for x in th))
            near = tol * scale
            for N in range(1, min(max_period, len(hist) - 1) + 1):
                if all(abs(x - y) <= near for x, y in zip(th, hist[-1 - N])):  # stops at the first coordinate apart
                    pts = hist[-N:]
                    if N > 1 and _diameter(pts) <= 1000 * near:
                        continue  # still converging to a fixed point with a negative multiplier: not a cycle
                    if N == 1 and (g := max(abs(x) for x in ev.gradient(MP, th))) > mp.sqrt(tol) * scale:
                        return _stalled(k, f"{dps} digits", mp.nstr(g, 3))
                    mean = et * mp.fsum(_sharpness(ev, p) for p in pts) / N
                    label = "converged" if N == 1 else f"period-{N}"
                    return Simulation(
                        label,
                        k,
                        mp.nstr(mean, 15),
                        f"θ_k = θ_(k−{N}) to {dps - 10} digits at step {k}, {dps}-digit mpmath GD from {origin} "
                        "(numerical)",
                    )
            if k % 64 == 0 and time.perf_counter() - start > max_seconds:
                return _unfinished(k, max_seconds, told, f"{dps}-digit mpmath")
    return Simulation("not converged", steps, None, f"θ did not settle within its bound of {told} ({dps}-digit mpmath)")


def simulate_float(
    sp_: Spec,
    m,
    lr,
    max_steps: int = 200_000,
    work: int = FLOAT_WORK,
    max_period: int = 32,
    bound: float = 1e40,
    max_seconds: float = SAFETY_SECONDS,
) -> Simulation:
    """The same GD in float64 (longer horizons, cheaper; rounding at 10⁻¹⁶), bounded the same way: settled when
    θ_k repeats θ_{k−N} to 10⁻¹² relative (and, for a fixed point, |∇L| ≤ 10⁻⁶ relative: not a stall)."""
    ev = Evaluator(sp_)
    steps, told = _work_steps(sp_, max_steps, work, max_period)
    start = time.perf_counter()
    with mp.workdps(30):
        et = float(_step(lr))
        th0, _, origin = _start(sp_, m)
    th = np.array([float(x) for x in th0])
    ring = np.full((max_period + 1, len(th)), np.nan)  # θ_j at row j mod (max_period + 1)
    ring[0] = th
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            g = np.array(ev.gradient(FLOAT, list(th)), dtype=float)
            th = th - et * g
            if not np.all(np.isfinite(th)) or np.abs(th).max() > bound:
                return Simulation(
                    "diverged",
                    k,
                    None,
                    f"|θ| passed {bound:g} at step {k} (a magnitude criterion), float64 GD from {origin}",
                )
            ring[k % (max_period + 1)] = th
            scale = max(1.0, float(np.abs(th).max()))
            gaps = np.abs(ring - th).max(axis=1)  # rows not yet written are nan: never close
            for N in range(1, min(max_period, k) + 1):
                if gaps[(k - N) % (max_period + 1)] <= 1e-12 * scale:
                    pts = [ring[(k - j) % (max_period + 1)] for j in range(N)]
                    if N > 1 and _diameter(pts) <= 1e-9 * scale:
                        continue  # still converging to a fixed point with a negative multiplier: not a cycle
                    if N == 1 and (gmax := float(np.abs(g).max())) > 1e-6 * scale:
                        return _stalled(k, "float64", f"{gmax:.3g}")
                    with mp.workdps(20):
                        mean = et * sum(float(_sharpness(ev, [mpf(float(x)) for x in p])) for p in pts) / N
                    label = "converged" if N == 1 else f"period-{N}"
                    return Simulation(
                        label,
                        k,
                        f"{mean:.12g}",
                        f"θ_k = θ_(k−{N}) to 10⁻¹² at step {k}, float64 GD from {origin} (numerical)",
                    )
            if k % 256 == 0 and time.perf_counter() - start > max_seconds:
                return _unfinished(k, max_seconds, told, "float64")
    return Simulation("not converged", steps, None, f"θ did not settle within its bound of {told} (float64)")


# --------------------------------------------------------------------------------------------
# The whole analysis, bounded in time
# --------------------------------------------------------------------------------------------


@dataclass
class Analysis:
    spec: Spec
    minimum: Minimum  #: the exact path's result (``inconclusive`` with the reason where it does not apply)
    flip: Flip | None = None
    window: Window | None = None
    check: NumericalCheck | None = None
    conserved: Conserved | None = None
    invariants: Invariants | None = None
    simulation: Simulation | None = None  #: GD at the given step, mpmath
    simulation_float: Simulation | None = None  #: the same in float64
    numeric: NumericMinimum | None = None  #: the numerical path's least sharpness, where the exact one did not decide
    numeric_flip: NumericFlip | None = None
    notes: list = field(default_factory=list)

    @property
    def path(self) -> str:
        """ "exact" when the exact path decided the least sharpness, "numerical" when the numerical one ran."""
        return "exact" if self.minimum.status == "exact" else "numerical" if self.numeric is not None else "none"

    @property
    def least_sharpness(self):
        return self.minimum.value

    @property
    def critical_lr(self):
        return self.minimum.critical_lr


def _bounded(fn, seconds: float):
    """fn() within ``seconds`` (executor's Serial time limit): (value, None) or (None, reason)."""

    def call(_):
        try:
            return ("ok", fn())
        except InputError:
            raise
        except (ArithmeticError, NotImplementedError, ValueError, TypeError, Undecided) as exc:
            return ("error", f"{type(exc).__name__}: {str(exc)[:120]}")

    out = executor.run(call, [None], timeout=seconds)[0]
    if out.timed_out:
        return None, f"inconclusive: timed out after {seconds:g} s"
    if out.error:
        if out.error.startswith("InputError"):
            raise InputError(out.error.split(": ", 1)[1])
        return None, f"inconclusive: {out.error}"
    kind, val = out.value
    return (val, None) if kind == "ok" else (None, f"inconclusive: {val}")


def exact_reach(sp_: Spec) -> str | None:
    """Why the exact path does not apply, or None when it does."""
    if len(sp_.outputs) != 1:
        return f"{len(sp_.outputs)} data points (the exact path handles one)"
    if not all(f.is_polynomial(*sp_.params) for f in sp_.outputs):
        return "the output is not a polynomial in the parameters (the exact path solves polynomial systems)"
    if sp_.P > MAX_EXACT_PARAMS:
        return f"{sp_.P} parameters (the exact path handles at most {MAX_EXACT_PARAMS})"
    return None


def analyze(
    sp_: Spec,
    lr=None,
    order: int = 3,
    check: bool = False,
    degree: int = 2,
    seconds: float = 20.0,
    invariants: bool = False,
    continuation: bool = True,
    numeric: bool = True,
    starts: int = 32,
) -> Analysis:
    """Everything for one model: least sharpness, η_c, flip, window, offset slope, and on request the
    conserved quantities, invariant slices, the mpmath check of the exact series and GD at ``lr``.  The
    exact path first; the numerical path (``numeric``, ``starts`` seeded starts) where it does not apply or
    is inconclusive.  A window without a closed form gets its upper end from the numerical continuation of
    the 2-cycle (``continuation``).  Each part runs within ``seconds``."""
    from eos_theory.anymodel.conserved import conserved_quantities

    reach = exact_reach(sp_)
    if reach is None:
        m, why = _bounded(lambda: least_sharpness(sp_), seconds)
        m = m if m is not None else Minimum("inconclusive", why or "")
    else:
        m = Minimum("inconclusive", f"not on the exact path: {reach}")
    out = Analysis(sp_, m)
    if m.status == "exact":
        fl, why = _bounded(lambda: flip_series(sp_, m, order), seconds)
        out.flip = fl if fl is not None else Flip("inconclusive", why or "")
        w, why = _bounded(lambda: window(sp_, m), seconds)
        out.window = w if w is not None else Window("unknown", why or "")
        if continuation and out.window.status == "unknown" and out.flip.type == "supercritical":
            reason = out.window.how
            w, why = _bounded(lambda: numerical_window(sp_, m, out.flip, reason), seconds)
            out.window = w if w is not None else Window("unknown", f"{reason}; numerical continuation: {why}")
        if check:
            out.check, why = _bounded(lambda: check_series(sp_, m, out.flip), seconds)
            if why:
                out.notes.append(f"numerical check: {why}")
    elif numeric and not _flat(m):
        ev = Evaluator(sp_)
        nm, why = (
            (None, huge)
            if (huge := _beyond_float64(sp_))
            else _bounded(lambda: refine(ev, search(ev, starts=starts)), seconds)
        )
        out.numeric = nm if nm is not None else NumericMinimum("inconclusive", f"numerical search: {why}")
        if out.numeric.search is not None:
            out.notes += [f"search: {note}" for note in out.numeric.search.notes]
        nf, why = _bounded(lambda: numeric_flip(ev, out.numeric), seconds)
        out.numeric_flip = nf if nf is not None else NumericFlip("inconclusive", why or "")
        if out.numeric_flip.type == "supercritical" and continuation:
            w, why = _bounded(lambda: continued_window(ev, out.numeric, out.numeric_flip), seconds)
            out.window = w if w is not None else Window("unknown", f"numerical continuation: {why}")
        elif out.numeric_flip.type == "subcritical":
            out.window = Window("empty", "subcritical flip: the orbit born at η_c exists below η_c and repels")
    if degree:
        out.conserved, why = _bounded(lambda: conserved_quantities(sp_, degree), seconds)
        if why:
            out.notes.append(f"conserved quantities: {why}")
    if invariants:
        out.invariants, why = _bounded(lambda: invariant_subspaces(sp_), seconds)
        if why:
            out.notes.append(f"invariant subspaces: {why}")
    if lr is not None:
        start = m if m.status == "exact" else out.numeric if out.numeric is not None and out.numeric.found else None
        out.simulation = simulate(sp_, start, lr)
        out.simulation_float = simulate_float(sp_, start, lr)
    return out


def _beyond_float64(sp_: Spec) -> str | None:
    """Why the float64 search cannot start (a target beyond float64's range), or None."""
    big = [y for y in sp_.targets if abs(y) > sp.Float("1e300")]
    if big:
        return f"inconclusive: a target of about 10^{len(str(int(abs(big[0])))) - 1} is beyond float64's range, in which the search runs"
    return None


def _flat(m: Minimum) -> bool:
    """The exact path found a minimum of sharpness ≤ 0 (no edge of stability), or no real critical point: the
    numerical path would not change that."""
    return m.status == "inconclusive" and ("stable for every step size" in m.how or "has no real solution" in m.how)
