"""Random second-order regression models: a seeded ensemble, GD over many seeds, and its statistics.

The ensemble (:class:`Ensemble`) with P parameters and D outputs draws, from
``numpy.random.default_rng(seed)`` and in this order:

* Q_α = q·(A_α + A_αᵀ)/√(2P), A_α with i.i.d. standard normal entries (α = 1 … D): symmetric,
  off-diagonal entries of variance q²/P (diagonal 2q²/P), a spectrum of mixed sign filling
  [−2q, 2q] (Wigner's semicircle for large P);
* G_α with i.i.d. N(0, g²/P) entries, so |G_α| ≈ g (g = 0: no linear part, the paper's model);
* E_α i.i.d. N(0, t²/D), so |E| ≈ t whatever D (mixed signs);
* θ₀ with i.i.d. N(0, s²/P) entries, so |θ₀| ≈ s (small: the paper initialises small).

With these scalings the Hessian at θ₀ (≈ −Σ E_α Q_α) has norm about 2qt for every P and D, and
η·NTK starts near η(s²q² + g²)·(a number of order 1): small, so whatever edge GD reaches it reaches
by sharpening.  Each seed is one model and one start; :func:`run_seed` runs float64 GD on it
(:mod:`eos_theory.random_models.gd`, whose docstring states the outcome criteria).

:func:`compute` fans the seeds out through :func:`eos_theory.running.executor.run` (in this process, local
worker processes or a Dask cluster) in chunks of seeds that depend only on the request, and every
run depends only on its seed, so the results are identical, seed for seed, on every backend.
:func:`summary` gives the fraction of each outcome with its Clopper–Pearson interval
(:func:`eos_theory.numbers.stats.proportion_interval`) and the distribution of the long-run top
η·NTK − 2 (quantiles and a Student t interval for its mean, :func:`eos_theory.numbers.stats.mean_interval`).
Everything here is **statistical evidence about float64 runs**, never a proof.

>>> res = compute(Ensemble(params=20, outputs=1, lr="0.9"), seeds=6, steps=2000)
>>> [r.outcome for r in res.runs]
['converged', 'converged', 'converged', 'converged', 'converged', 'not converged']
>>> [(round(r.top_ntk_final, 2), r.reached_edge) for r in res.runs][:2]   # seed 0 settled just below the edge
[(1.97, True), (0.35, False)]
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from eos_theory.numbers import stats
from eos_theory.numbers.decimals import exact_string
from eos_theory.numbers.parse import InputError, check_count, exact
from eos_theory.quadratic import closed_forms
from eos_theory.random_models import gd
from eos_theory.random_models.gd import OUTCOMES
from eos_theory.running import executor

__all__ = [
    "BANDS",
    "OFFSET_BINS",
    "OFFSET_EDGES",
    "STEP_SECONDS",
    "Chunk",
    "Ensemble",
    "EnsembleResult",
    "Failure",
    "Prediction",
    "RunRecord",
    "chunks",
    "compute",
    "draw",
    "eos_by_band",
    "estimate",
    "execute",
    "offset_distribution",
    "plan",
    "report",
    "run_chunk",
    "run_seed",
    "summary",
    "time_limit",
    "two_d_prediction",
]

MAX_PARAMS, MAX_OUTPUTS = 2000, 500  #: the largest P and D accepted
MAX_Q_ENTRIES = 10**8  #: D·P² at most (Q takes 8·D·P² bytes: 800 MB)
MAX_STEPS = 10**6
MAX_SEEDS = 100_000
MAX_SEED = 2**63 - 1
MAX_SCALE = 100  #: the largest q, g, t, s accepted
SAMPLE = 8  #: the first this many seeds keep their whole trace (for the figure)
CHUNK_WORK = 2e8  #: about this many multiply-adds (runs × steps × D·P²) per task
MAX_CHUNK = 64  #: seeds per task, at most
LEVEL = 0.95  #: confidence level of every interval


@dataclass(frozen=True)
class Ensemble:
    """The definition of a random ensemble (see the module docstring); numbers are read exactly."""

    params: int
    outputs: int
    lr: Fraction | str | int = Fraction(1, 2)
    q: Fraction | str | int = 1  #: Q_α entries of variance q²/P
    g: Fraction | str | int = Fraction(1, 10)  #: G_α entries of variance g²/P
    t: Fraction | str | int = 1  #: E_α of variance t²/D
    s: Fraction | str | int = Fraction(1, 10)  #: θ₀ entries of variance s²/P

    def __post_init__(self):
        P = check_count(self.params, "params (P)", least=1)
        D = check_count(self.outputs, "outputs (D)", least=1)
        if P > MAX_PARAMS:
            raise InputError(f"params (P) must be at most {MAX_PARAMS}, got {P}")
        if D > MAX_OUTPUTS:
            raise InputError(f"outputs (D) must be at most {MAX_OUTPUTS}, got {D}")
        if D * P * P > MAX_Q_ENTRIES:
            raise InputError(f"Q would have D·P² = {D * P * P} entries, more than the {MAX_Q_ENTRIES} allowed")
        lr = exact(self.lr, "lr")
        if not lr > 0:
            raise InputError(f"lr must be > 0, got {exact_string(lr)}")
        object.__setattr__(self, "lr", lr)
        for name in ("q", "g", "t", "s"):
            v = exact(getattr(self, name), name)
            if not 0 <= v <= MAX_SCALE:
                raise InputError(f"{name} must lie in [0, {MAX_SCALE}], got {exact_string(v)}")
            object.__setattr__(self, name, v)
        try:
            as_float = float(lr)
        except OverflowError:
            raise InputError("lr is too large for float64") from None
        if as_float == 0:
            raise InputError(f"lr is too small for float64 (it rounds to 0), got {exact_string(lr)}")

    def definition(self) -> dict:
        """The ensemble as JSON: sizes, scales (exact strings) and how each quantity is drawn."""
        return {
            "params": self.params,
            "outputs": self.outputs,
            "lr": exact_string(self.lr),
            "q": exact_string(self.q),
            "g": exact_string(self.g),
            "t": exact_string(self.t),
            "s": exact_string(self.s),
            "model": "z_α(θ) = ½θᵀQ_αθ + G_αᵀθ − E_α (α = 1, …, D), loss |z|²/2, GD θ ← θ − ηJᵀz, float64",
            "draws": "numpy.random.default_rng(seed), in this order: A (D × P × P) standard normal, "
            "Q_α = q(A_α + A_αᵀ)/√(2P); G (D × P) normal with variance g²/P; "
            "E (D) normal with variance t²/D; θ₀ (P) normal with variance s²/P",
            "numpy": np.__version__,
        }


def draw(spec: Ensemble, seed: int) -> tuple[gd.Model, np.ndarray]:
    """The model and start of one seed (see the module docstring for the scalings)."""
    P, D = spec.params, spec.outputs
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((D, P, P))
    A += A.transpose(0, 2, 1)  # in place: A + Aᵀ is exactly symmetric
    A *= float(spec.q) / math.sqrt(2 * P)
    G = rng.standard_normal((D, P)) * (float(spec.g) / math.sqrt(P))
    E = rng.standard_normal(D) * (float(spec.t) / math.sqrt(D))
    theta0 = rng.standard_normal(P) * (float(spec.s) / math.sqrt(P))
    return gd.Model(A.reshape(D * P, P), G, E), theta0


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One seed's run, JSON-ready (``trace``: the top η·NTK at every step, for sampled seeds only)."""

    seed: int
    outcome: str
    reason: str
    steps: int
    sharpened: bool
    reached_edge: bool  #: the top η·NTK reached 2 at some step
    top_ntk0: float
    top_ntk_final: float
    top_hessian_final: float
    loss0: float
    loss_final: float
    trace: np.ndarray | None = field(default=None, repr=False)
    window_max: float = math.nan  #: the largest top η·NTK over the last quarter (nan if the run stopped early)
    pair_deviation: float = math.nan  #: the largest |two-step mean − 2| there (nan if it stopped early)

    def to_json(self) -> dict:
        out = {
            k: getattr(self, k)
            for k in (
                "seed",
                "outcome",
                "top_ntk_final",
                "sharpened",
                "reached_edge",
                "steps",
                "top_ntk0",
                "top_hessian_final",
                "loss0",
                "loss_final",
                "window_max",
                "pair_deviation",
                "reason",
            )
        }
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}


def run_seed(spec: Ensemble, seed: int, steps: int, keep_trace: bool = False, hessian: bool = True) -> RunRecord:
    """Draw seed ``seed`` of the ensemble and run GD on it for at most ``steps`` steps.

    ``hessian=False`` skips the Lanczos estimates of the top η·Hessian (``top_hessian_final`` is nan):
    everything else is the same, bit for bit, and the run takes about half as long at P = 20."""
    model, theta0 = draw(spec, seed)
    r = gd.run(
        model, theta0, float(spec.lr), steps, keep_trace=keep_trace, hessian_every=gd.HESSIAN_EVERY if hessian else None
    )
    return RunRecord(
        seed,
        r.outcome,
        r.reason,
        r.steps,
        r.sharpened,
        bool(r.ntk_peak >= 2),
        r.ntk0,
        r.ntk_final,
        r.hessian_final,
        r.loss0,
        r.loss_final,
        r.ntk,
        r.window_max,
        r.pair_deviation,
    )


# --------------------------------------------------------------------------------------------
# Fanning out
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One task: these seeds of this ensemble, run one after the other."""

    spec: Ensemble
    seeds: tuple[int, ...]
    steps: int
    traced: tuple[int, ...] = ()  #: the seeds whose traces are kept
    hessian: bool = True  #: estimate the top η·Hessian (see :func:`run_seed`)


def run_chunk(chunk: Chunk) -> list[RunRecord]:
    """The task function: every seed of the chunk, in order."""
    return [run_seed(chunk.spec, s, chunk.steps, s in chunk.traced, chunk.hessian) for s in chunk.seeds]


def _cost(spec: Ensemble, steps: int) -> float:
    """Multiply-adds of one run, roughly: D·P² (forming J) plus the small per-step terms."""
    return steps * (spec.outputs * spec.params**2 + 2000.0)


def chunks(spec: Ensemble, seeds: list[int], steps: int, hessian: bool = True) -> list[Chunk]:
    """Consecutive seeds, about CHUNK_WORK multiply-adds per task (a function of the request alone)."""
    size = int(min(MAX_CHUNK, max(1, CHUNK_WORK // _cost(spec, steps))))
    traced = tuple(seeds[:SAMPLE])
    return [
        Chunk(spec, tuple(seeds[k : k + size]), steps, tuple(s for s in traced if s in seeds[k : k + size]), hessian)
        for k in range(0, len(seeds), size)
    ]


STEP_SECONDS = (3.5e-5, 4.3e-10)  #: a GD step costs a + b·D·P² seconds on one core (benchmarks/README.md, ensemble.py)


def estimate(p: Plan) -> tuple[float, float]:
    """The expected seconds of work on one core: (all of ``p``, its largest task), every run taking all its steps
    at a + b·D·P² seconds a step (:data:`STEP_SECONDS`; runs that converge or diverge early take less)."""
    a, b = STEP_SECONDS
    step = a + b * p.spec.outputs * p.spec.params**2
    each = [len(t.seeds) * t.steps * step for t in p.tasks]
    return sum(each), max(each)


def time_limit(chunk: Chunk) -> float:
    """A chunk's time limit, a guard against hangs: a minute plus about 100 times its expected time
    (3·10⁻¹⁰ s per multiply-add and 3·10⁻⁵ s per step, measured on one core of the development machine)."""
    per_run = chunk.steps * (3e-5 + 3e-10 * chunk.spec.outputs * chunk.spec.params**2)
    return min(60.0 + 100 * per_run * len(chunk.seeds), float(executor.MAX_TIMEOUT))


@dataclass(frozen=True)
class Plan:
    spec: Ensemble
    seeds: tuple[int, ...]
    steps: int
    tasks: tuple[Chunk, ...]


def plan(spec: Ensemble, seeds: int, steps: int = 10_000, seed_start: int = 0, hessian: bool = True) -> Plan:
    """Check the request (InputError says what is wrong) and split it into tasks; nothing runs yet
    (``hessian``: as in :func:`run_seed`)."""
    n = check_count(seeds, "seeds", least=1)
    if n > MAX_SEEDS:
        raise InputError(f"seeds must be at most {MAX_SEEDS}, got {n}")
    steps = check_count(steps, "steps", least=gd.MIN_STEPS)
    if steps > MAX_STEPS:
        raise InputError(f"steps must be at most {MAX_STEPS}, got {steps}")
    start = check_count(seed_start, "seed start")
    if start + n - 1 > MAX_SEED:
        raise InputError(f"seeds must be at most {MAX_SEED}")
    seed_list = list(range(start, start + n))
    return Plan(spec, tuple(seed_list), steps, tuple(chunks(spec, seed_list, steps, hessian)))


@dataclass(frozen=True)
class Failure:
    """Seeds whose task did not finish, and why (time limit, worker died, …)."""

    seeds: tuple[int, ...]
    error: str


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    spec: Ensemble
    seeds: tuple[int, ...]
    steps: int
    runs: list[RunRecord]  #: the runs that finished, by seed
    failures: list[Failure]
    seconds: float = 0.0


def execute(p: Plan, backend: executor.Backend | None = None, progress=None) -> EnsembleResult:
    """Run the tasks of ``p`` on ``backend`` (default: this process); ``progress(runs_done, runs_total,
    runs_failed)`` as tasks finish.  A task that fails is recorded in ``failures``; the other runs are kept."""
    timeout = max(time_limit(c) for c in p.tasks)
    done, failed = [0], [0]

    def tick(i, outcome):
        (done if outcome.error is None else failed)[0] += len(p.tasks[i].seeds)
        if progress is not None:
            progress(done[0], len(p.seeds), failed[0])

    began = time.perf_counter()
    outcomes = executor.run(run_chunk, p.tasks, backend=backend, timeout=timeout, progress=tick)
    runs, failures = [], []
    for task, o in zip(p.tasks, outcomes):
        if o.error is None:
            runs.extend(o.value)
        else:
            failures.append(Failure(task.seeds, o.error))
    return EnsembleResult(p.spec, p.seeds, p.steps, runs, failures, time.perf_counter() - began)


def compute(
    spec: Ensemble,
    seeds: int,
    steps: int = 10_000,
    seed_start: int = 0,
    backend: executor.Backend | None = None,
    progress=None,
    hessian: bool = True,
) -> EnsembleResult:
    """:func:`plan`, then :func:`execute`."""
    return execute(plan(spec, seeds, steps, seed_start, hessian), backend, progress)


# --------------------------------------------------------------------------------------------
# Statistics and the report
# --------------------------------------------------------------------------------------------


def _proportion(k: int, n: int) -> dict:
    est = stats.proportion_interval(k, n, LEVEL)
    return {"count": k, "fraction": est.value, "ci": [est.low, est.high]}


def _distribution(values: list[float]) -> dict | None:
    """Quantiles of the values, and a Student t interval for their mean when there are at least 2."""
    if not values:
        return None
    xs = np.sort(np.array(values))
    out = {
        "count": len(values),
        "min": float(xs[0]),
        "median": float(np.median(xs)),
        "max": float(xs[-1]),
        "quantiles": {f"{q:g}": float(np.quantile(xs, q)) for q in (0.1, 0.25, 0.75, 0.9)},
    }
    if len(values) >= 2 and float(xs[-1] - xs[0]) > 0:
        est = stats.mean_interval(values, LEVEL, "independent seeds")
        out["mean"], out["mean_ci"] = est.value, [est.low, est.high]
    else:
        out["mean"], out["mean_ci"] = float(xs.mean()), None
    return out


OFFSET_BINS = (-2.0, 2.0, 0.1)  #: the offset's histogram: from, to, bin width
OFFSET_EDGES = tuple(round(-2 + 0.1 * k, 1) for k in range(41))  #: the bins' edges, −2 … 2
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
BANDS = (0.1, 0.25, 0.5, 0.75, 1.0)  #: cut-offs at which the eos fraction is re-read (EOS_BAND is one of them)


def offset_distribution(res: EnsembleResult) -> dict | None:
    """The long-run offset top η·NTK − 2 of every run that did not diverge, whatever its label: quantiles and
    histogram counts over the fixed bins :data:`OFFSET_EDGES` (with the counts below and above them), so that
    the distribution can be read without the eos cut-off."""
    xs = np.array([r.top_ntk_final - 2 for r in res.runs if r.outcome != "diverged"])
    if xs.size == 0:
        return None
    counts, _ = np.histogram(np.clip(xs, OFFSET_EDGES[0], OFFSET_EDGES[-1]), bins=OFFSET_EDGES)
    low, high, width = OFFSET_BINS
    return {
        "runs": "every run that did not diverge (converged: the value where it stopped; the others: the mean over "
        "the last quarter)",
        "count": int(xs.size),
        "quantiles": {f"{q:g}": float(np.quantile(xs, q)) for q in QUANTILES},
        "histogram": {
            "from": low,
            "to": high,
            "width": width,
            "counts": [int(c) for c in counts],
            "below": int((xs < low).sum()),
            "above": int((xs > high).sum()),
        },
    }


def eos_by_band(res: EnsembleResult) -> dict:
    """The eos fraction re-read at each cut-off of :data:`BANDS` (|mean − 2| ≤ band, the other two criteria as they
    are): how much of the split between eos and not converged the constant EOS_BAND decides."""
    n = len(res.runs)

    def eos(r, band):
        ran = math.isfinite(r.window_max)
        return ran and r.window_max >= 2 and abs(r.top_ntk_final - 2) <= band and r.pair_deviation <= gd.PAIR_BAND

    return {f"{band:g}": _proportion(sum(eos(r, band) for r in res.runs), n) for band in BANDS} if n else {}


def summary(res: EnsembleResult) -> dict:
    """Outcome fractions with Clopper–Pearson intervals over the finished runs, the sharpening and edge
    fractions, and the distribution of the long-run top η·NTK − 2 (all runs that did not diverge,
    and the eos and converged runs separately)."""
    n = len(res.runs)
    out: dict = {"runs": n, "level": LEVEL, "outcomes": {}, "flags": {}, "offset": {}}
    if n == 0:
        return out
    for name in OUTCOMES:
        out["outcomes"][name] = _proportion(sum(r.outcome == name for r in res.runs), n)
    for flag in ("sharpened", "reached_edge"):
        out["flags"][flag] = _proportion(sum(getattr(r, flag) for r in res.runs), n)
    for name, keep in (
        ("not diverged", lambda r: r.outcome != "diverged"),
        ("eos", lambda r: r.outcome == "eos"),
        ("converged", lambda r: r.outcome == "converged"),
    ):
        out["offset"][name] = _distribution([r.top_ntk_final - 2 for r in res.runs if keep(r)])
    return out


CRITERIA = {
    "converged": f"|z| <= {gd.Z_TOL:g} (1 + |E|) at some step",
    "eos": f"not converged or diverged; over the last quarter of the steps the top η·NTK reaches 2, its mean is "
    f"within {gd.EOS_BAND:g} of 2 and every two-step mean within {gd.PAIR_BAND:g} of 2",
    "diverged": f"magnitude criterion, not a proof: the loss passed {gd.LOSS_CAP:g} max(1, L0)",
    "not converged": "none of these within the steps",
    "sharpened": f"the top η·NTK rose at least {gd.SHARPEN_MARGIN:g} above its start before the loss "
    f"settled (L <= {gd.SETTLE:g} L0, else the end of the run)",
    "reached_edge": "the top η·NTK reached 2 at some step",
    "top_ntk_final": "mean of the top η·NTK over the last quarter of the steps (an even number), or its value "
    "where the run stopped (converged, diverged)",
    "top_hessian_final": f"mean over the last quarter of Lanczos estimates ({gd.LANCZOS_STEPS} steps, "
    f"warm-started, every {gd.HESSIAN_EVERY} steps) of the top η·Hessian eigenvalue",
}


def report(res: EnsembleResult) -> dict:
    """The JSON report: the ensemble and its seeds, outcome fractions, statistics, criteria, runs, failures."""
    s = summary(res)
    return {
        "ensemble": {
            **res.spec.definition(),
            "seeds": {"first": res.seeds[0], "count": len(res.seeds)},
            "steps": res.steps,
        },
        "outcomes": s["outcomes"],
        "flags": s["flags"],
        "offset": s["offset"],
        "offset_distribution": offset_distribution(res),
        "eos_by_band": {"band": gd.EOS_BAND, "fractions": eos_by_band(res)},
        "level": LEVEL,
        "intervals": "Clopper-Pearson for fractions, Student t for means, over the finished runs",
        "criteria": CRITERIA,
        "evidence": "statistical: float64 GD on seeded random models; every label describes a float run",
        "runs": [r.to_json() for r in res.runs],
        "failures": [{"seeds": list(f.seeds), "error": f.error} for f in res.failures],
        "seconds": round(res.seconds, 3),
    }


def table(rep: dict) -> list[str]:
    """A :func:`report` as plain lines, everything it holds: the ensemble's definition, the outcome fractions with
    their intervals, the flags, the long-run offset top η·NTK − 2, the criteria, and one line per run."""
    e = rep["ensemble"]
    level = f"{rep['level']:.0%}"
    n = sum(o["count"] for o in rep["outcomes"].values())
    lines = [
        f"ensemble  P = {e['params']}, D = {e['outputs']}, η = {e['lr']} (q = {e['q']}, g = {e['g']}, "
        f"t = {e['t']}, s = {e['s']}); seeds {e['seeds']['first']} … {e['seeds']['first'] + e['seeds']['count'] - 1}, "
        f"{e['steps']} float64 GD steps",
        f"  model: {e['model']}",
        f"  draws: {e['draws']} (numpy {e['numpy']})",
        f"  {'outcome':<15}{'runs':>6}  {'fraction':>8}  {level} interval (Clopper–Pearson)",
    ]
    for name, o in [*rep["outcomes"].items(), *rep["flags"].items()]:
        label = name.replace("_", " ")
        lines.append(f"  {label:<15}{o['count']:>6}  {o['fraction']:>8.4g}  [{o['ci'][0]:.4g}, {o['ci'][1]:.4g}]")
        if name == OUTCOMES[-1]:
            lines.append(f"  {f'(of {n} run' + 's' * (n != 1) + ')':<15}")
    for name, d in rep["offset"].items():
        if d is None:
            lines.append(f"  long-run top η·NTK − 2, {name}: no runs")
            continue
        ci = "" if d["mean_ci"] is None else f" [{d['mean_ci'][0]:.4g}, {d['mean_ci'][1]:.4g}]"
        quantiles = ", ".join(f"{float(q):.0%} {v:.4g}" for q, v in d["quantiles"].items())
        lines.append(
            f"  long-run top η·NTK − 2, {name} ({d['count']} run{'s' * (d['count'] != 1)}): median {d['median']:.4g}, mean {d['mean']:.4g}"
            f"{ci}; min {d['min']:.4g}, max {d['max']:.4g}; quantiles {quantiles}"
        )
    lines.append(f"  intervals: {rep['intervals']}")
    lines += [f"  {name.replace('_', ' ')}: {what}" for name, what in rep["criteria"].items()]
    lines.append(f"  evidence: {rep['evidence']}")
    lines.append(
        "  runs: seed, outcome, steps, top η·NTK start → end, top η·Hessian at the end, loss start → end, "
        "over the last quarter the largest top η·NTK and |two-step mean − 2| (- if the run stopped), flags"
    )
    for r in rep["runs"]:
        flags = ", ".join(f for f in ("sharpened", "reached_edge") if r.get(f)) or "-"
        g = {
            k: "-" if r.get(k) is None else f"{r[k]:.4g}"
            for k in (
                "top_ntk0",
                "top_ntk_final",
                "top_hessian_final",
                "loss0",
                "loss_final",
                "window_max",
                "pair_deviation",
            )
        }
        lines.append(
            f"    {r['seed']:>6}  {r['outcome']:<13} {r['steps']:>7}  {g['top_ntk0']} → {g['top_ntk_final']}  "
            f"{g['top_hessian_final']}  {g['loss0']} → {g['loss_final']}  {g['window_max']}, "
            f"{g['pair_deviation']}  {flags.replace('_', ' ')}: {r['reason']}"
        )
    dist = rep.get("offset_distribution")
    if dist is not None:
        h = dist["histogram"]
        lines.append(
            f"  long-run top η·NTK − 2, whatever the label ({dist['count']} run{'s' * (dist['count'] != 1)}: {dist['runs']}): quantiles "
            + ", ".join(f"{float(q):.0%} {v:.4g}" for q, v in dist["quantiles"].items())
        )
        lines.append(
            f"    histogram, bins of {h['width']:g} from {h['from']:g} to {h['to']:g} (the values beyond counted in "
            f"the end bins: {h['below']} below, {h['above']} above): " + " ".join(map(str, h["counts"]))
        )
    bands = rep.get("eos_by_band", {}).get("fractions")
    if bands:
        lines.append(
            f"  eos at other cut-offs |mean − 2| ≤ c (the label uses c = {rep['eos_by_band']['band']:g}): "
            + "; ".join(
                f"c = {b}: {o['count']} runs, {o['fraction']:.4g} [{o['ci'][0]:.4g}, {o['ci'][1]:.4g}]"
                for b, o in bands.items()
            )
        )
    for f in rep["failures"]:
        lines.append(f"  failed: seeds {f['seeds'][0]} … {f['seeds'][-1]}: {f['error']}")
    return lines


# --------------------------------------------------------------------------------------------
# What the 2-D theory predicts for one output and no linear part
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """The 2-D theory applied to one seed of a D = 1, G = 0 ensemble (see :func:`two_d_prediction`)."""

    eps: float  #: ε = ηEω on the axis GD grows along from a small start (the largest ηEω_i)
    regime: str  #: "minimum" (ε ≤ 1), "period-2" (the window holds for every transverse ratio), "unstable"
    ntk: float | None  #: the predicted long-run top η·NTK: 2ε on the axis minimum, 1 + ε on the 2-cycle
    along: float | None  #: the orbit's two-step multiplier along the axis (ε > 1)
    across: float | None  #: the largest |two-step multiplier| across it, over every other eigenvalue (ε > 1)


@functools.cache
def _multipliers():
    """The orbit's two-step multipliers as functions of floats and arrays.  They are polynomials, so
    the generated code is plain arithmetic: lambdify's "math" namespace prints the same code as its
    "numpy" one without importing NumPy's whole namespace (about 0.1 s in a fresh process)."""
    orbit = closed_forms.eos_orbit()
    return sp.lambdify(closed_forms.eps, orbit.along, "math"), sp.lambdify(
        (closed_forms.eps, closed_forms.r), orbit.across, "math"
    )


def two_d_prediction(spec: Ensemble, seed: int) -> Prediction:
    """For D = 1 and G = 0: from a small start, z ≈ −E and GD multiplies the component of θ along each
    eigenvector of Q by 1 + ηEω_i, so it grows fastest along the largest ε = ηEω_i.  On that axis the
    2-D closed forms (:func:`eos_theory.quadratic.closed_forms.eos_orbit`) predict: for ε ≤ 1 the axis minimum,
    η·NTK = 2ε; for ε > 1 the period-2 orbit with mean η·NTK 1 + ε, which attracts iff its multiplier
    along the axis and, for every other eigenvalue ω_j, the one across it at r = ω_j/ω lie in (−1, 1)
    (the window from all transverse directions; multipliers evaluated in float64)."""
    if spec.outputs != 1 or spec.g != 0:
        raise InputError("the 2-D prediction needs one output and no linear part (D = 1, g = 0)")
    model, _ = draw(spec, seed)
    w = np.linalg.eigvalsh(model.Q)
    eps_all = float(spec.lr) * float(model.E[0]) * w
    i = int(np.argmax(eps_all))
    eps = float(eps_all[i])
    if eps <= 1:
        return Prediction(eps, "minimum", 2 * eps, None, None)
    along, across = _multipliers()
    a = float(along(eps))
    c = float(np.max(np.abs(across(eps, np.delete(w, i) / w[i])))) if len(w) > 1 else 0.0
    attracts = abs(a) < 1 and c < 1
    return Prediction(eps, "period-2" if attracts else "unstable", 1 + eps if attracts else None, a, c)
