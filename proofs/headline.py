"""Abstract: the paper's headline 2-D result, stated in the text and derived here from the model."""

import sympy as sp
from mpmath import mp
from sympy.solvers.inequalities import solve_poly_inequality

from eos_theory.core.evidence import Solutions
from eos_theory.core.notation import Tt, Tt_next
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic import closed_forms as A
from eos_theory.quadratic.closed_forms import eps, r
from eos_theory.quadratic.gd import Problem
from eos_theory.quadratic.runs import cycle_digits, outcome


def _below_one(m: sp.Expr) -> sp.Set:
    """{ε ∈ ℝ : |m(ε)| < 1} for a polynomial multiplier m, as −1 < m < 1: SymPy's polynomial inequality
    solver (exact real roots), where ``solve_univariate_inequality`` on ``Abs`` first searches for a period."""
    below, above = (sp.Union(*solve_poly_inequality(sp.Poly(m + c, eps), rel)) for c, rel in ((-1, "<"), (1, ">")))
    return below & above


@claim(
    "headline-2d",
    title="2-D: sharpening to 1 + ε, slightly off the EOS",
    source=Source(
        "abstract",
        "For quadratic objectives in two dimensions, we prove that this second-order regression "
        "model exhibits progressive sharpening of the NTK eigenvalue towards a value that differs slightly "
        "from the edge of stability, which we explicitly compute.",
    ),
    statement="The project's reading of the abstract's 2-D claim (the abstract does not state the value). For P = 2 "
    "and the paper's symmetric case, GD from the initialisation J̃(ω1) = J̃(ω2) first raises the η·NTK (by exactly "
    "ε²T̃ on the first step). For 1 < ε < √5 − 1 the period-2 orbit on an eigen-axis is linearly attracting and its "
    "mean η·NTK is 1 + ε: it differs from the edge of stability 2 by ε − 1, which lies in (0, √5 − 2). GD from the "
    "paper's small initialisation settles on it (60-digit numerics, for the examples checked: ε = 11/10 and 6/5 "
    "from θ1 = θ2 = 1/100); other starts are outside this claim.",
    method="exact: the derived first-step rise, cycle mean and attracting window; numerical: 60-digit GD in θ from "
    "the paper's initialisation at ε = 11/10 and 6/5",
)
def headline(p: Proof) -> None:
    orbit, sh = A.eos_orbit(), A.sharpening()
    p.states(sp.Eq(sp.Symbol("Ttilde_mean") - 2, eps - 1), sp.Eq(Tt_next - Tt, eps**2 * Tt))
    p.equal("the paper's initialisation: first step T̃' − T̃ = ε²T̃", sh.paper_first_step, eps**2 * Tt)
    p.equal("the EOS orbit's mean η·NTK is 1 + ε", orbit.mean_ntk, 1 + eps)
    p.equal("its offset from the edge of stability is ε − 1", orbit.offset, eps - 1)
    window = orbit.symmetric_window
    multipliers = (orbit.along, orbit.across.subs(r, -1))
    attracting = Solutions(eps, (*(sp.Abs(m) < 1 for m in multipliers), eps > 1))
    p.check(
        "symmetric case (r = −1): the orbit is linearly attracting exactly for 1 < ε < √5 − 1",
        window,
        sp.Interval.open(1, sp.sqrt(5) - 1),
        "analysis.eos_orbit().symmetric_window",
        evidence=attracting,
    )
    check = (
        _below_one(orbit.along).intersect(_below_one(orbit.across.subs(r, -1))).intersect(sp.Interval.open(1, sp.oo))
    )
    p.check(
        "recomputed from both multipliers, |7 − 4ε − 2ε²| < 1 and |3 − 2ε| < 1 for ε > 1",
        check,
        window,
        "solve_poly_inequality on m − 1 < 0 and m + 1 > 0",
        evidence=attracting,
    )
    offsets = sp.imageset(sp.Lambda(eps, eps - 1), window)
    offset = sp.Symbol("o", real=True)  # o = ε − 1
    p.check(
        "so the offset lies in (0, √5 − 2): slightly above the edge of stability",
        offsets,
        sp.Interval.open(0, sp.sqrt(5) - 2),
        "image of the window under ε ↦ ε − 1",
        evidence=Solutions(offset, tuple(c.subs(eps, 1 + offset) for c in attracting.conditions)),
    )
    dps, runs = 60, []
    for lr in ("11/10", "6/5"):
        example = (-1, 1, 1, lr)
        with mp.workdps(dps):
            end = outcome(Problem.diagonal(example[:2], example[2], example[3]), ["1/100", "1/100"], dps=dps)
            if not (end.settled and end.period == 2):
                raise AssertionError(f"GD from the paper's initialisation at ε = {lr}: {end.status} ({end.reason})")
            cycle = A.orbit_closed_forms(*example)["cycle"]
            digits = min(cycle_digits(end.ntk, cycle["ntk"], dps=dps), end.digits)
        text = f"ε = {lr}, θ1 = θ2 = 1/100 (the paper's initialisation): GD in θ settles on the cycle with mean {1 + sp.Rational(lr)}"
        p.numerical(text, digits, f"after {end.steps} steps", required=30)
        runs.append(text)
    p.covers("settles on it", *runs)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
