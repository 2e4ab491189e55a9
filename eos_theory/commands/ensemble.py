"""Random models: ``eos-theory ensemble``."""

from __future__ import annotations

import argparse
import sys

from eos_theory.commands.common import (
    DEFAULT_BUDGET,
    EXIT_OK,
    UsageError,
    check_budget,
    output_error,
    progress,
    read_backend,
    read_budget,
    rich_console,
    writable,
)
from eos_theory.commands.grammar import (
    add_budget,
    add_jobs,
    add_json,
    add_lr,
    add_out,
    add_scheduler,
    add_seed,
    add_steps,
    deprecated,
    emit,
    json_target,
)

EXIT_FAILED_RUNS = 1  #: ensemble: some runs did not finish (time limit, lost worker); the others are reported


def cmd_ensemble(args: argparse.Namespace) -> int:
    """GD over a seeded ensemble of random second-order models: outcome fractions with intervals."""
    from eos_theory.outputs import plots
    from eos_theory.random_models import ensemble
    from eos_theory.running.executor import BackendError

    def whole(value: str, flag: str) -> int:
        try:
            return int(value, 10)
        except (TypeError, ValueError):
            raise UsageError(f"{flag} must be a whole number, got {value!r}") from None

    missing = [flag for flag, v in (("--n-params P", args.n_params), ("--n-outputs D", args.n_outputs)) if v is None]
    if missing:
        raise UsageError(f"the model size is needed: {' and '.join(missing)}")
    backend, where = read_backend(args)
    spec = ensemble.Ensemble(
        whole(args.n_params, "--n-params"),
        whole(args.n_outputs, "--n-outputs"),
        args.lr,
        q=args.q,
        g=args.g,
        t=args.t,
        s=args.s,
    )
    first = 0 if args.seed is None else args.seed
    if first < 0:
        raise UsageError(f"--seed must be >= 0, got {first}")
    work = ensemble.plan(spec, whole(args.seeds, "--seeds"), whole(args.steps, "--steps"), first)  # checked first
    figure = None if args.out is None else writable(args.out, "-o")
    target = json_target(args, made=() if figure is None else (figure,))
    if figure is not None and figure.suffix.lstrip(".").lower() not in plots.FORMATS:
        raise UsageError(f"-o {args.out}: the figure's name must end in .png or .pdf")
    budget = read_budget(args.budget)
    try:
        check_budget("ensemble", ensemble.estimate(work), len(work.tasks), backend, where, budget)
        result = ensemble.execute(work, backend, progress=progress("ensemble", "runs finished"))
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    rep = ensemble.report(result)
    rep["ran_on"] = where
    if figure is not None and result.runs:
        try:
            plots.draw_ensemble(result, figure)
        except OSError as exc:
            raise output_error("-o", exc.filename if exc.filename is not None else args.out, exc) from None
    rep["figure"] = str(figure) if figure is not None and result.runs else None  # null: not asked for, or no run

    def show_text() -> None:
        console = rich_console()
        for line in ensemble.table(rep):
            console.print(line, markup=False)
        console.print(f"  ({rep['seconds']} s on {rep['ran_on']})", markup=False)
        if figure is not None:
            drawn = f"figure: {figure}" if result.runs else f"figure: not drawn ({figure}): no run finished"
            console.print(f"  {drawn}", markup=False)

    emit(args, rep, show_text, target)
    if result.failures:
        lost = sum(len(f.seeds) for f in result.failures)
        why = " ".join(result.failures[0].error.split())
        print(f"eos-theory: {lost} of {len(work.seeds)} runs did not finish: {why}", file=sys.stderr)
        return EXIT_FAILED_RUNS
    return EXIT_OK


def register(sub) -> None:
    """Add ensemble to the subcommands ``sub``."""
    n = sub.add_parser(
        "ensemble",
        help="random second-order models: how often GD converges, sits at the edge of stability or diverges",
        description="Float64 gradient descent on random models z_α(θ) = ½θᵀQ_αθ + G_αᵀθ − E_α "
        "(α = 1, …, D, P parameters, loss |z|²/2), one model and start per seed: Q_α = q(A + Aᵀ)/√(2P) with A "
        "standard normal (mixed-sign spectrum in [−2q, 2q]), G_α entries of variance g²/P, E_α of variance t²/D, "
        "θ₀ entries of variance s²/P, all from numpy.random.default_rng(seed). Along each run the top eigenvalue "
        "of η·NTK is recorded every step and that of η·Hessian every 10 steps (warm-started Lanczos). Outcomes: "
        "converged (|z| ≤ 1e-10 (1 + |E|)), eos (over the last quarter of the steps the top η·NTK reaches 2, its "
        "mean is within 0.5 of 2 and every two-step mean within 1), diverged (the loss passed 1e16 max(1, L0): a "
        "magnitude criterion, not a proof), not converged; flags: sharpened (the top η·NTK rose at least 0.1 before "
        "the loss fell to 1 % of its start), reached edge (it reached 2). Prints the outcome fractions with 95 % "
        "Clopper–Pearson intervals and the distribution of the long-run top η·NTK − 2; progress on stderr. Runs go "
        "to N local processes (-j) or the Dask cluster at --scheduler, with the same results seed for seed. "
        "Everything is statistical evidence about float64 runs, not a proof (docs/ensemble.md).",
        epilog="Example: eos-theory ensemble --n-params 200 --n-outputs 20 --lr 0.8 --seeds 64 -o ens.png. "
        'JSON: {"ensemble": {definition, "seeds": {"first", "count"}, "steps"}, "outcomes": {NAME: {"count", '
        '"fraction", "ci": [lo, hi]}}, "flags", "offset", "criteria", "runs": [{"seed", "outcome", "top_ntk_final", '
        '"sharpened", ...}], "failures": [{"seeds", "error"}], "seconds", "ran_on", "figure" (the -o file, or '
        "null)}. Exit status: 0 when every run finished, 1 when some did not (a time limit or a lost worker: the "
        "report keeps the runs that finished, lists the others under failures, and stderr names the cause), 2 for "
        "bad usage (sizes, lr, seeds, steps, an "
        "unwritable output, an unreachable scheduler).",
    )
    n.add_argument("--n-params", metavar="P", help="parameters per model, 1 to 2000 (required)")
    n.add_argument("--n-outputs", metavar="D", help="outputs per model, 1 to 500, with D*P^2 <= 1e8 (required)")
    add_lr(n)
    n.add_argument("--seeds", metavar="N", required=True, help="how many seeds (models), 1 to 100000")
    add_seed(n, "of the first model; the runs use seeds S … S+N−1")
    add_steps(n, "10000", "per run, 8 to 10^6")
    for flag, default, what in (
        ("--q", "1", "Q_α entries of variance q²/P"),
        ("--g", "1/10", "G_α entries of variance g²/P (0: the paper's model)"),
        ("--t", "1", "E_α of variance t²/D"),
        ("--s", "1/10", "θ₀ entries of variance s²/P"),
    ):
        n.add_argument(flag, metavar="X", default=default, help=f"{what}; 0 <= X <= 100 (default {default})")
    add_json(n, "Keys: listed below")
    add_out(
        n,
        "a file, the figure, FILE.png or FILE.pdf: top η·NTK against step for the first 8 seeds, and the histogram "
        "of the long-run offset",
    )
    add_budget(n, DEFAULT_BUDGET, "the runs")
    add_scheduler(n, "the runs go there")
    add_jobs(n, "the runs")
    deprecated(
        n,
        "--params",
        now="--n-params",
        dest="n_params",
        metavar="P",
        meaning="--params names parameters in analyze; here it was their number",
    )
    deprecated(n, "--outputs", now="--n-outputs", dest="n_outputs", metavar="D")
    deprecated(n, "--plot", now="-o/--out", dest="out", metavar="FILE")
    deprecated(n, "--seed-start", now="--seed", dest="seed", metavar="K", type=int)
    n.set_defaults(func=cmd_ensemble)
