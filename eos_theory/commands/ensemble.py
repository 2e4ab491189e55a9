"""Random models: ``eos-theory ensemble``."""

from __future__ import annotations

import argparse
import json
import sys

from eos_theory.commands.common import EXIT_OK, UsageError, output_error, progress, read_backend, rich_console, writable

EXIT_FAILED_RUNS = 1  #: ensemble: some runs did not finish (time limit, lost worker); the others are reported


def cmd_ensemble(args: argparse.Namespace) -> int:
    """GD over a seeded ensemble of random second-order models: outcome fractions with intervals."""
    from eos_theory.outputs import plots
    from eos_theory.outputs.files import write_json_atomic
    from eos_theory.random_models import ensemble
    from eos_theory.running.executor import BackendError

    def whole(value: str, flag: str) -> int:
        try:
            return int(value, 10)
        except (TypeError, ValueError):
            raise UsageError(f"{flag} must be a whole number, got {value!r}") from None

    backend, where = read_backend(args)
    spec = ensemble.Ensemble(
        whole(args.params, "--params"),
        whole(args.outputs, "--outputs"),
        args.lr,
        q=args.q,
        g=args.g,
        t=args.t,
        s=args.s,
    )
    work = ensemble.plan(
        spec, whole(args.seeds, "--seeds"), whole(args.steps, "--steps"), whole(args.seed_start, "--seed-start")
    )  # checked before any run
    out = None if args.json in (None, "-") else writable(args.json, "--json")
    figure = None if args.plot is None else writable(args.plot, "--plot")
    if figure is not None and figure.suffix.lstrip(".").lower() not in plots.FORMATS:
        raise UsageError(f"--plot {args.plot}: the name must end in .png or .pdf")
    try:
        result = ensemble.execute(work, backend, progress=progress("ensemble", "runs finished"))
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    rep = ensemble.report(result)
    rep["ran_on"] = where
    try:
        if out is not None:
            write_json_atomic(out, rep)
        if figure is not None and result.runs:
            plots.draw_ensemble(result, figure)
    except OSError as exc:
        flag, path = ("--json", args.json) if out is not None and not out.exists() else ("--plot", args.plot)
        raise output_error(flag, exc.filename if exc.filename is not None else path, exc) from None
    if args.json == "-":
        print(json.dumps(rep, ensure_ascii=False, allow_nan=False))
    else:
        console = rich_console()
        for line in ensemble.table(rep):
            console.print(line, markup=False)
        console.print(f"  ({result.seconds:.1f} s on {rep['ran_on']})", markup=False)
    if result.failures:
        lost = sum(len(f.seeds) for f in result.failures)
        print(
            f"eos-theory: {lost} of {len(work.seeds)} runs did not finish: {result.failures[0].error}", file=sys.stderr
        )
        return EXIT_FAILED_RUNS
    return EXIT_OK


def register(sub) -> None:
    """Add ensemble to the subcommands ``sub``."""
    n = sub.add_parser(
        "ensemble",
        help="random second-order models: how often GD converges, sits at the edge of stability or diverges",
        description="Float64 gradient descent on random models z_a(theta) = theta^T Q_a theta / 2 + G_a^T theta - E_a "
        "(a = 1..D, P parameters, loss |z|^2/2), one model and start per seed: Q_a = q (A + A^T)/sqrt(2P) with A "
        "standard normal (mixed-sign spectrum in [-2q, 2q]), G_a entries of variance g^2/P, E_a of variance t^2/D, "
        "theta0 entries of variance s^2/P, all from numpy.random.default_rng(seed). Along each run the top eigenvalue "
        "of lr*NTK is recorded every step and that of lr*Hessian every 10 steps (warm-started Lanczos). Outcomes: "
        "converged (|z| <= 1e-10 (1 + |E|)), eos (over the last quarter of the steps the top lr*NTK reaches 2, its "
        "mean is within 0.5 of 2 and every two-step mean within 1), diverged (the loss passed 1e16 max(1, L0): a "
        "magnitude criterion, not a proof), not converged; flags: sharpened (the top lr*NTK rose at least 0.1 before "
        "the loss fell to 1 % of its start), reached edge (it reached 2). Prints the outcome fractions with 95 % "
        "Clopper-Pearson intervals and the distribution of the long-run top lr*NTK - 2; progress on stderr. Runs go "
        "to N local processes (-j) or the Dask cluster at --scheduler, with the same results seed for seed. "
        "Everything is statistical evidence about float64 runs, not a proof (docs/ensemble.md).",
        epilog="Example: eos-theory ensemble --params 200 --outputs 20 --lr 0.8 --seeds 64 --plot ens.png. "
        'JSON: {"ensemble": {definition, "seeds": {"first", "count"}, "steps"}, "outcomes": {NAME: {"count", '
        '"fraction", "ci": [lo, hi]}}, "flags", "offset", "criteria", "runs": [{"seed", "outcome", "top_ntk_final", '
        '"sharpened", ...}], "failures": [{"seeds", "error"}], "seconds", "ran_on"}. Exit status: 0 when every run '
        "finished, 1 when some did not (a time limit or a lost worker: the report keeps the runs that finished, lists "
        "the others under failures, and stderr names the cause), 2 for bad usage (sizes, lr, seeds, steps, an "
        "unwritable output, an unreachable scheduler).",
    )
    n.add_argument("--params", metavar="P", required=True, help="parameters per model, 1 to 2000")
    n.add_argument("--outputs", metavar="D", required=True, help="outputs per model, 1 to 500, with D*P^2 <= 1e8")
    n.add_argument("--lr", metavar="ETA", required=True, help="step size > 0 (exact: 0.8 or 4/5)")
    n.add_argument("--seeds", metavar="N", required=True, help="number of seeds (models), 1 to 100000")
    n.add_argument("--seed-start", metavar="K", default="0", help="the first seed (default 0): seeds K … K+N-1")
    n.add_argument("--steps", metavar="S", default="10000", help="GD steps per run, 8 to 10^6 (default 10000)")
    for flag, default, what in (
        ("--q", "1", "Q_a entries of variance q^2/P"),
        ("--g", "1/10", "G_a entries of variance g^2/P (0: the paper's model)"),
        ("--t", "1", "E_a of variance t^2/D"),
        ("--s", "1/10", "theta0 entries of variance s^2/P"),
    ):
        n.add_argument(flag, metavar="X", default=default, help=f"{what}; 0 <= X <= 100 (default {default})")
    n.add_argument("--json", metavar="FILE", help="write the JSON report to FILE (atomically), or to stdout with -")
    n.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the figure (top lr*NTK against step for the first 8 seeds, "
        "histogram of the long-run offset) to FILE.png or FILE.pdf",
    )
    n.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="run on the Dask cluster whose scheduler is at ADDR (e.g. tcp://host:8786; needs "
        "pip install 'eos-theory[dask]'); an unreachable scheduler is an error after 10 s",
    )
    n.add_argument(
        "-j",
        "--jobs",
        metavar="N",
        help="run in N local worker processes (default: every core this process may use; 1: in this process)",
    )
    n.set_defaults(func=cmd_ensemble)
