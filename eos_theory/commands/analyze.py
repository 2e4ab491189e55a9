"""Your own model: ``eos-theory analyze``."""

from __future__ import annotations

import argparse
import sys

from eos_theory.commands.common import EXIT_OK, UsageError, output_error, read_timeout
from eos_theory.commands.grammar import add_json, add_lr, add_model, add_target, add_timeout, emit, json_target


def cmd_analyze(args: argparse.Namespace) -> int:
    """The edge-of-stability analysis of the model given on the command line or in a TOML file."""
    from eos_theory.anymodel import analysis, report
    from eos_theory.anymodel.conserved import MAX_DEGREE
    from eos_theory.anymodel.definition import spec

    target = json_target(args)
    if args.model:
        given = [
            o
            for o, v in (
                ("--params", args.params),
                ("--output", args.output),
                ("--target", args.target),
                ("--loss", args.loss),
            )
            if v
        ]
        if given:
            raise UsageError(
                f"give the model either with --model FILE or with --params/--output/--target/--loss, not "
                f"both ({', '.join(given)} given with --model)"
            )
        model = report.load_model_file(args.model)
    else:
        if not (args.params and args.output and args.target):
            raise UsageError("give --params, --output and --target (or --model FILE)")
        model = spec(args.params, args.output, args.target, args.loss or "r^2/2")
    if not 0 <= args.degree <= MAX_DEGREE:
        raise UsageError(f"--degree must be from 0 (none looked for) to {MAX_DEGREE}, got {args.degree}")
    reach = analysis.exact_reach(model)
    if reach is not None and not args.check:
        raise UsageError(
            "--no-check is not used: it skips the 50-digit check of the exact flip series, and this model takes the "
            f"numerical path: {reach}"
        )
    timeout = read_timeout(args.timeout)
    result = analysis.analyze(
        model, lr=args.lr, check=args.check, degree=args.degree, seconds=timeout, invariants=args.invariants
    )
    if not args.check and result.minimum.status != "exact":
        print(
            "eos-theory: note: --no-check had nothing to skip: the exact path found no least-sharp minimum, so there "
            "is no exact flip series to check",
            file=sys.stderr,
        )
    emit(args, report.report(result), lambda: print(report.text(result)), target)
    return EXIT_OK


def model_latex(path: str, seconds: float = 20.0) -> str:
    """``eos-theory latex --model FILE``: the analysis of the model in a TOML file as a LaTeX snippet."""
    from eos_theory.anymodel import analysis, report
    from eos_theory.outputs import latex

    return latex.model_snippet(analysis.analyze(report.load_model_file(path), seconds=seconds))


def model_plot(path: str, out_dir, fmt: str = "png", seconds: float = 20.0):
    """``eos-theory plot --model FILE``: the model's bifurcation diagram, written to
    ``out_dir/bifurcation_<file stem>.<fmt>``; returns that path."""
    from pathlib import Path

    from eos_theory.anymodel import analysis, report
    from eos_theory.outputs import plots
    from eos_theory.outputs.files import check_writable

    target = Path(out_dir) / f"bifurcation_{Path(path).stem}.{fmt}"
    model = report.load_model_file(path)
    try:
        check_writable(target)
    except OSError as exc:
        raise output_error("-o", str(target), exc) from None
    plots.model_bifurcation(analysis.analyze(model, degree=0, seconds=seconds), target)
    return target


def register(sub) -> None:
    """Add analyze to the subcommands ``sub``."""

    from eos_theory.anymodel.analysis import MAX_EXACT_PARAMS
    from eos_theory.anymodel.definition import MAX_OUTPUTS, MAX_PARAMS
    from eos_theory.anymodel.report import MODEL_KEYS

    an = sub.add_parser(
        "analyze",
        help="the edge-of-stability analysis of your own model (least sharpness, critical step, flip, window)",
        description="Analyse gradient descent on your own model: parameters, one output per data point with its target, "
        "and a loss ℓ(r) of the residual r = output − target (default r^2/2; any loss smooth at 0 with ℓ'(0) = 0 < "
        "ℓ''(0), e.g. log(cosh(r))); the training loss is the sum over data points. The least sharpness "
        "ℓ''(0)·λ_max(JJᵀ) over the zero-residual minima, the critical step η_c = 2/least sharpness, the flip "
        "of GD at η_c (supercritical, subcritical or degenerate, with its coefficient), the period-2 orbit's "
        "attracting window in η, the EOS offset slope d(mean η·sharpness)/d(η/η_c) at η_c+, and conserved "
        "quantities of gradient flow. Exact first: one data point, polynomial outputs and at most "
        f"{MAX_EXACT_PARAMS} parameters go through exact algebra (Lagrange system over Q, Lyapunov-Schmidt series). "
        "Any other smooth model (several data points, tanh/exp/sin..., up to "
        f"{MAX_PARAMS} parameters and {MAX_OUTPUTS} data points) takes the numerical path: a seeded multi-start "
        "search over the minima, Newton at two working precisions, interval certification (Krawczyk) where the top "
        "eigenvalue is simple, the flip coefficients in closed form at the point found, the window by continuation. "
        "Each result says how it was obtained (exact, certified with its enclosure, or numerical with its agreeing "
        "digits) and what is not proved (global optimality over the minima); a degenerate top eigenvalue or a "
        "continuum of least-sharp minima is reported. Expressions may use "
        "the declared parameters, numbers (read exactly: 0.1 is 1/10), + - * / ^ and exp, log, sqrt, cosh, sinh, tanh, "
        "cos, sin, atan; any other name is refused.",
        epilog="Model file (--model FILE, TOML) keys: "
        + "; ".join(f"{k}: {v}" for k, v in MODEL_KEYS.items())
        + ". The JSON object (--json): path (exact or numerical), least_sharpness, critical_lr, flip {type, "
        "coefficient, eta_2, meaning, how}, "
        "period_two_window [lo, hi] (in η; where no closed form exists hi is a decimal string from the numerical "
        "continuation of the 2-cycle at two precisions, with the digits they agree on, and "
        "period_two_window_upper_enclosure [lo, hi] when interval arithmetic certifies the crossing; null when "
        "unknown), "
        "offset_slope, form (exact, certified or decimal per field), digits and enclosure (numerical path: agreeing "
        "digits, certified [lo, hi]), "
        "decimal (the same numbers as decimals), how (per field), minimum, check, conserved_quantities, gd and "
        "gd_float64 (with --lr), notes. "
        "Exact values are strings SymPy parses. Bad input: one line on stderr and exit status 2. "
        "Example: eos-theory analyze --params u v --output 'u*v' --target 1 --loss 'log(cosh(r))' --lr 1.1",
    )
    an.add_argument("--params", metavar="NAME", nargs="+", help="your model's parameter names, e.g. u v")
    an.add_argument(
        "--output",
        metavar="EXPR",
        action="append",
        help="your model's output for one data point (repeatable: one per data point), e.g. 'u*v'",
    )
    add_target(an, ": one per --output, in the same order (repeatable)", action="append")
    an.add_argument("--loss", metavar="EXPR", help="the loss of the residual r (default 'r^2/2')")
    add_model(an, "read the model from it instead of --params/--output/--target/--loss (keys listed below)")
    add_lr(
        an,
        ": also run GD at this step from next to the least-sharp minimum (or, with none known, from a seeded "
        "start): in mpmath (30 digits, at most 20000 steps) and in float64 (at most 200000 steps), fewer for large "
        "models (a fixed amount of work, the same on any machine), and say what each did: converged, period-N, "
        "diverged (|θ| passed 1e40: a magnitude criterion, not a proof), not converged, or not finished (past a "
        "60 s safety limit)",
        required=False,
    )
    add_json(an)
    an.add_argument(
        "--degree",
        metavar="D",
        type=int,
        default=2,
        help="highest degree of the polynomial conserved quantities looked for (default 2, at most 6; 0: none looked for)",
    )
    an.add_argument(
        "--invariants",
        action="store_true",
        help="also list the slices θ_i = 0, θ_j = ±θ_i that GD maps into themselves",
    )
    an.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="skip the 50-digit mpmath check of the exact flip series (the exact path only)",
    )
    add_timeout(
        an,
        "20",
        "for each part of the analysis (default 20), a safety net only: every part is bounded by work (steps, "
        "iterations), so the report does not depend on the machine's load; a part still running at the limit is "
        "reported inconclusive ('timed out')",
    )
    an.set_defaults(func=cmd_analyze)
