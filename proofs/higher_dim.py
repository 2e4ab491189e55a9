"""Abstract: "in higher dimensions, the model generically shows similar behavior" — checked statistically.

The claim cannot be proved in closed form; it is checked on a stated random ensemble
(:mod:`eos_theory.random_models.ensemble`, float64 GD by :mod:`eos_theory.random_models.gd`) and recorded as
*supported* or *not supported* at 95 % confidence, never verified.  Everything is computed here,
nothing precomputed; the ensemble is small so that ``verify`` stays fast (about 0.35 s of runs, without
the Hessian estimates that the claim does not read, after the closed forms of
:func:`eos_theory.quadratic.closed_forms.eos_orbit`, which other claims derive too).  Larger
ensembles (P = 200, D = 20) are measured by ``benchmarks/ensemble.py`` and reported in
docs/ensemble.md, not cited here.
"""

import math

import sympy as sp

from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.numbers import stats
from eos_theory.random_models import ensemble

SPEC = ensemble.Ensemble(params=20, outputs=1, lr="9/10", g=0)  #: the paper's model (D = 1, G = 0) with random Q
SEEDS, STEPS = 40, 1500
SMALL = ensemble.Ensemble(params=2, outputs=1, lr="11/20", g=0)  #: random 2-D models, for the closed forms
SMALL_SCAN, SMALL_STEPS = 128, 3000  #: seeds scanned for the period-2 window; steps of each run there
LEVEL = 0.95
SHARPEN_MIN, NEAR, NEAR_MIN = 0.8, 0.1, 0.5
DIGITS = 10  #: agreeing digits required between a run's long-run η·NTK and 1 + ε (float64 runs: about 15)


@claim(
    "higher-dim",
    title="random models, P = 20: sharpening stops at the edge of stability (statistical)",
    source=Source(
        "abstract",
        "in higher dimensions, the model generically shows similar behavior, even without "
        "the specific structure of a neural network",
    ),
    expect="supported",
    statement="Random second-order models with P = 20 sharpen, and most of those that reach the edge of stability end "
    "just under it, not on the 2-D model's 2-cycle (statistical, for the examples checked): in "
    "the ensemble of eos_theory.random_models.ensemble with P = 20 parameters, one output and G = 0 (q = 1, t = 1, s = 1/10, "
    "η = 9/10; seeds 0 to 39, 1500 float64 GD steps), more than 80 % of runs sharpen (the top η·NTK rises by at "
    "least 0.1 before the loss falls to 1 % of its start), and of the runs whose top η·NTK reaches 2 without "
    "diverging more than half end with it within 0.1 of 2, at 95 % confidence, every one of those below 2, just "
    "under the edge. Against the 2-D theory: for random "
    "2-D models (P = 2) the runs that the closed forms put in the period-2 window end on the 2-cycle with mean "
    "η·NTK 1 + ε; for P = 20 the window, required across every other eigenvalue of Q, holds for none of the "
    "seeds with ε > 1, and more than half of their runs that do not diverge are not labelled eos (a lasting "
    "oscillation about 2), at 95 % confidence: the edge is reached, but mostly not on a 2-cycle.",
    method="statistical: float64 GD on seeded random models (eos_theory.random_models.ensemble), Clopper-Pearson intervals for "
    "the fractions; the 2-D comparison evaluates the derived closed forms (analysis.eos_orbit) at ε = ηEω_top and "
    "r_j = ω_j/ω_top in float64, and counts agreeing digits",
)
def higher_dim(p: Proof) -> None:
    p.states(
        sp.StrictGreaterThan(sp.Symbol("f_sharpened"), sp.Rational(4, 5)),
        sp.StrictGreaterThan(sp.Symbol("f_edge"), sp.Rational(1, 2)),
    )
    res = ensemble.compute(SPEC, SEEDS, STEPS, hessian=False)  # the claim reads no Hessian estimate
    runs = res.runs
    if len(runs) != SEEDS:
        raise AssertionError(f"only {len(runs)} of {SEEDS} runs finished")
    outcomes = {name: sum(r.outcome == name for r in runs) for name in ensemble.OUTCOMES}
    sample = f"{SEEDS} seeds of P = 20, D = 1, G = 0, η = 9/10, {STEPS} steps; outcomes " + ", ".join(
        f"{k} {v}" for k, v in outcomes.items()
    )

    k = sum(r.sharpened for r in runs)
    est = stats.proportion_interval(k, len(runs), LEVEL)
    sharpen = "more than 80 % of runs sharpen (top η·NTK up by ≥ 0.1 before the loss settles)"
    p.statistical(
        sharpen,
        est.value,
        (est.low, est.high),
        LEVEL,
        f"{k} of {len(runs)} runs sharpened; {sample}",
        inside=(SHARPEN_MIN, None),
    )

    edge = [r for r in runs if r.reached_edge and r.outcome != "diverged"]
    near = [r for r in edge if abs(r.top_ntk_final - 2) <= NEAR]
    if not edge:
        raise AssertionError("no run reached the edge without diverging")
    est = stats.proportion_interval(len(near), len(edge), LEVEL)
    offsets = sorted(r.top_ntk_final - 2 for r in edge)
    at_edge = "of the runs that reach η·NTK = 2 without diverging, more than half end within 0.1 of 2"
    p.statistical(
        at_edge,
        est.value,
        (est.low, est.high),
        LEVEL,
        f"{len(near)} of {len(edge)} such runs; their long-run top η·NTK − 2 runs from {offsets[0]:.3g} to "
        f"{offsets[-1]:.3g}, median {offsets[len(offsets) // 2]:.3g}",
        inside=(NEAR_MIN, None),
    )
    below = "every one of those below 2"
    p.check(
        below,
        [r.seed for r in near if not r.top_ntk_final < 2],
        [],
        f"the seeds of the {len(near)} runs within {NEAR:g} of 2 whose long-run top η·NTK is not below 2",
    )

    # the 2-D closed forms on random 2-D models: every run the window predicts ends on the cycle, 1 + ε
    window_seeds = [s for s in range(SMALL_SCAN) if ensemble.two_d_prediction(SMALL, s).regime == "period-2"]
    if not window_seeds:
        raise AssertionError(f"no seed below {SMALL_SCAN} falls in the period-2 window")
    cycles = []
    for s in window_seeds:
        pred = ensemble.two_d_prediction(SMALL, s)
        r = ensemble.run_seed(SMALL, s, SMALL_STEPS, hessian=False)
        if r.outcome != "eos":
            raise AssertionError(f"P = 2, seed {s}: predicted period-2 (ε = {pred.eps:.6g}), the run ended {r.outcome}")
        gap = abs(r.top_ntk_final - pred.ntk)
        digits = 16 if gap == 0 else int(-math.log10(gap / pred.ntk))
        text = f"P = 2, seed {s}: long-run η·NTK = 1 + ε"
        p.numerical(
            text,
            min(digits, 16),
            f"ε = {pred.eps:.9g}, multipliers along {pred.along:.3g}, across "
            f"{pred.across:.3g}; run {r.top_ntk_final!r} (mean over the last quarter of {SMALL_STEPS} steps, "
            f"labelled eos) vs 1 + ε = {pred.ntk!r}",
            required=DIGITS,
        )
        cycles.append(text)
    p.infer(f"the {len(window_seeds)} seeds below {SMALL_SCAN} in the window end on the 2-cycle", tuple(cycles))

    # P = 20: the window from all transverse directions, and what the runs did
    preds = {r.seed: ensemble.two_d_prediction(SPEC, r.seed) for r in runs}
    above = [r for r in runs if preds[r.seed].eps > 1]
    minimum = [r for r in runs if preds[r.seed].eps <= 1]
    worst = min(preds[r.seed].across for r in above) if above else math.nan
    none_inside = "P = 20: seeds with ε > 1 for which the period-2 window holds across every other eigenvalue"
    p.check(
        none_inside,
        sum(preds[r.seed].regime == "period-2" for r in above),
        0,
        f"{len(above)} of {SEEDS} seeds have ε > 1; the least of their largest |across multiplier| is {worst:.4g} "
        "(float64 values of analysis.eos_orbit's multipliers)",
    )
    ends = {name: sum(r.outcome == name for r in above) for name in ensemble.OUTCOMES}
    bounded = [r for r in above if r.outcome != "diverged"]
    if not bounded:
        raise AssertionError("every run with ε > 1 diverged")
    k = sum(r.outcome != "eos" for r in bounded)
    est = stats.proportion_interval(k, len(bounded), LEVEL)
    p.statistical(
        "P = 20: runs with ε > 1 that do not diverge and are not labelled eos",
        est.value,
        (est.low, est.high),
        LEVEL,
        f"{k} of {len(bounded)}; outcomes of the {len(above)} seeds with ε > 1: "
        + ", ".join(f"{name} {v}" for name, v in ends.items())
        + f"; the {len(minimum)} seeds with ε ≤ 1 (2-D theory: the axis minimum, η·NTK = 2ε): "
        f"{sum(r.outcome == 'converged' for r in minimum)} converged, η·NTK/(2ε) from "
        f"{min((r.top_ntk_final / preds[r.seed].ntk for r in minimum), default=math.nan):.3g} to "
        f"{max((r.top_ntk_final / preds[r.seed].ntk for r in minimum), default=math.nan):.3g}",
        inside=(0.5, None),
    )
    p.covers("more than 80 % of runs sharpen (the top η·NTK rises by at least 0.1 before the loss falls", sharpen)
    p.covers("end on the 2-cycle", *cycles)
    p.covers("required across every other eigenvalue of Q, holds for none", none_inside)
    p.covers("every one of those below 2", below)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
