"""The claims: ``eos-theory verify`` (and ``--list``), ``latex`` and ``plot``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eos_theory.commands.common import (
    EXIT_OK,
    EXIT_UNEXPECTED,
    UsageError,
    output_error,
    read_jobs_and_timeout,
    rich_console,
    writable,
)

_STYLE = {
    "verified": "green",
    "refuted": "yellow",
    "supported": "cyan",
    "not supported": "magenta",
    "inconclusive": "red",
}


DEFAULT_TIMEOUT = 60  #: seconds per claim; the slowest claim takes about 1 s, so only a hang reaches it


def cmd_verify(args: argparse.Namespace) -> int:
    from eos_theory.core import registry
    from eos_theory.outputs.files import write_json_atomic

    jobs, timeout = read_jobs_and_timeout(args)
    out = writable(args.json) if args.json else None
    if args.claim:
        try:
            selected = [registry.get(c) for c in dict.fromkeys(args.claim)]  # each once, in the order given
        except registry.UnknownClaim as exc:
            raise UsageError(str(exc)) from None
    else:
        selected = registry.claims()

    results = _run_with_progress(registry, selected, quiet=args.quiet, jobs=jobs, timeout=timeout)
    if not args.quiet:
        _print_table(results)
    data = registry.report(results)
    if out is not None:
        try:
            write_json_atomic(out, data)
        except OSError as exc:
            raise output_error("--json", args.json, exc) from None

    unexpected = [r for r in results if not r.as_expected]
    err = rich_console(stderr=True)
    if unexpected:
        names = ", ".join(f"{r.claim.id} ({r.verdict}, expected {r.claim.expect})" for r in unexpected)
        err.print(f"eos-theory: {len(unexpected)} claim(s) did not come out as recorded: {names}")
        return EXIT_UNEXPECTED
    s = data["summary"]
    stat = "".join(f", {s[v]} {v}" for v in ("supported", "not supported") if s[v])
    err.print(
        f"{s['total']} claims decided as recorded: {s['verified']} verified, {s['refuted']} refuted{stat}"
        + (f" (report: {out})" if out else "")
    )
    return EXIT_OK


def _run_with_progress(
    registry, selected, quiet: bool, jobs: int | None = None, timeout: float | None = DEFAULT_TIMEOUT
):
    """Run the claims (``jobs`` None: on every core), with a progress bar that advances per claim."""
    from eos_theory.running.executor import cores

    jobs = cores() if jobs is None else jobs
    if quiet:
        return registry.run_all(selected, jobs=jobs, timeout=timeout)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("checking claims"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    # auto_refresh=False: no refresh thread, so the worker processes are forked from a single thread
    with Progress(*columns, console=rich_console(stderr=True), transient=True, auto_refresh=False) as bar:
        task = bar.add_task("", total=len(selected))

        def advance(result):
            bar.update(task, advance=1, description=result.claim.id, refresh=True)

        return registry.run_all(selected, progress=advance, jobs=jobs, timeout=timeout)


def _print_table(results) -> None:
    from rich.table import Table

    table = Table(title="Claims of the paper (§) and results derived from it (—)", title_justify="left", expand=True)
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("§", no_wrap=True)
    table.add_column("claim", ratio=4)
    table.add_column("checked by", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("evidence", ratio=4)
    for r in results:
        verdict = f"[{_STYLE[r.verdict]}]{r.verdict}[/]"
        if not r.as_expected:
            verdict += f"\n[red](expected {r.claim.expect})[/]"
        table.add_row(
            r.claim.id, r.claim.source.section.replace("derived", "—"), r.claim.short, r.checked_by, verdict, r.summary
        )
    console = rich_console()
    console.print(table)
    refuted = [r for r in results if r.verdict == "refuted" and r.proof.correction is not None]
    if refuted:
        console.print("[bold]Findings[/] (the printed statement is false; the correction is verified):")
        for r in refuted:
            console.print(
                f"  [yellow]{r.claim.id}[/] §{r.claim.source.section}: {r.claim.statement}\n"
                f"    counterexample {r.proof.refutations[0].detail}\n"
                f"    [bold]correct:[/] {r.proof.correction.statement}"
            )


def cmd_list() -> int:
    from eos_theory.core import registry

    for c in registry.claims():
        print(f"{c.id:18} {c.source.section:9} {c.statement}")
    return EXIT_OK


def cmd_latex(args: argparse.Namespace) -> int:
    from eos_theory.core import registry
    from eos_theory.outputs import latex
    from eos_theory.outputs.files import write_text_atomic

    out = writable(args.output, "-o") if args.output else None
    if args.model:
        if args.claim:
            raise UsageError("give either --claim or --model, not both")
        from eos_theory.commands.analyze import model_latex

        text = model_latex(args.model)
    elif args.claim:
        try:
            text = latex.snippet(registry.run(registry.get(args.claim)))
        except registry.UnknownClaim as exc:
            raise UsageError(str(exc)) from None
    else:
        results = _run_with_progress(registry, registry.claims(), quiet=out is None)
        text = latex.document(results)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_text_atomic(out, text)
        except OSError as exc:
            raise output_error("-o", args.output, exc) from None
        hint = (
            f"\\input{{{out.name}}} it in a document that loads amsmath"
            if args.model
            else f"compile with: pdflatex {out.name}"
        )
        rich_console(stderr=True).print(f"wrote {out} ({len(text.splitlines())} lines); {hint}")
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from eos_theory.outputs import plots

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out}: not a directory")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"--out {args.out}: directory {out.parent} does not exist")
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot create the directory: {exc.strerror or exc}") from None
    if args.model:
        from eos_theory.commands.analyze import model_plot

        print(model_plot(args.model, out, args.format))
        return EXIT_OK
    try:
        paths = plots.draw_all(out, args.format)  # checks every target before drawing
    except OSError as exc:
        where = exc.filename if exc.filename is not None else args.out
        raise output_error("--out", where, exc) from None
    for path in paths:
        print(path)
    return EXIT_OK


def register(sub) -> None:
    """Add verify, latex and plot to the subcommands ``sub``."""
    v = sub.add_parser(
        "verify",
        help="check every claim of the paper and print verdicts",
        description="Run the claim registry: every equation and statement of the paper's text, and every result "
        "derived from it, is checked by its proof script (exact identities over the rationals, exact "
        "counterexamples, interval or high-precision evidence) and gets a verdict: verified, refuted (with an "
        "exact counterexample and a verified correction) or inconclusive. A claim whose evidence is statistical "
        "(estimates with confidence intervals over seeded runs) is never verified: it is supported (every interval "
        "lies where the statement needs it) or not supported (one does not), at the confidence it states.",
        epilog="Exit status: 0 when every claim comes out as recorded in the registry (a claim recorded as "
        "supported must come out supported), 1 when some do not "
        "(they are named; a claim stopped by the time limit is inconclusive, so it counts), 2 for bad usage "
        "(unknown claim, unwritable report, bad -j or --timeout). Ctrl-C stops every worker process.",
    )
    v.add_argument(
        "--claim",
        metavar="ID",
        action="append",
        help="run only this claim (repeatable); 'eos-theory verify --list' shows the ids",
    )
    v.add_argument(
        "--json",
        metavar="PATH",
        help="also write a machine-readable report to PATH (atomically; a symlink is written "
        "through, a device or FIFO is refused)",
    )
    v.add_argument("--quiet", "-q", action="store_true", help="no table or progress; only the summary line")
    v.add_argument("--list", action="store_true", help="list the claim ids and statements, and exit")
    v.add_argument(
        "-j",
        "--jobs",
        metavar="N",
        help="check N claims at a time in worker processes (default: every core this process may "
        "use; 1 runs them one by one in this process); the verdicts do not depend on N",
    )
    v.add_argument(
        "--timeout",
        metavar="SECONDS",
        default=str(DEFAULT_TIMEOUT),
        help=f"time limit per claim (default {DEFAULT_TIMEOUT}; the slowest claim takes about 1 s): a "
        "claim still running then is stopped and reported inconclusive with the reason, and the others "
        "still run",
    )
    v.set_defaults(func=cmd_verify)

    t = sub.add_parser(
        "latex",
        help="write the checked claims as a LaTeX document, or one claim as a snippet",
        description="Write a standalone LaTeX document (article, amsmath, amsthm): the model and notation, every "
        "claim as a theorem, lemma or erratum with its proof steps, the numerical and interval evidence, and a "
        "table of verdicts. Equations are printed from the SymPy objects the checks used. With --claim, write "
        "only that claim's environment, for pasting into a paper (its leading comment lists what to add to the "
        "preamble).",
        epilog="Examples: eos-theory latex -o report.tex && pdflatex report.tex;  eos-theory latex --claim gf-J;  "
        "eos-theory latex --model uv.toml -o uv.tex",
    )
    t.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically; a symlink is written through, a device or FIFO "
        "is refused) instead of standard output",
    )
    t.add_argument("--claim", metavar="ID", help="write only this claim's snippet")
    t.add_argument(
        "--model",
        metavar="FILE",
        help="write the edge-of-stability analysis of your own model (a TOML "
        "model file, as for 'eos-theory analyze --model') as a snippet: least sharpness, critical step, "
        "flip, window, offset slope, conserved quantities, each with how it was obtained as a comment",
    )
    t.set_defaults(func=cmd_latex)

    pl = sub.add_parser(
        "plot",
        help="draw the four figures (sharpening, reduced plane, bifurcation diagram, landscape)",
        description="Draw, for the paper's symmetric case ω1 = −1, ω2 = 1, E = 1 (so the control parameter is e = η): "
        "(1) η·NTK against step from the paper's initialisation, sharpening into the edge of stability, with the "
        "closed-form cycle values; (2) GD trajectories in the reduced (z̃, η·NTK) plane with the line of minima, "
        "its stable segment and the period-2 orbit; (3) the bifurcation diagram of the long-run η·NTK against e, "
        "closed forms overlaid, with 50-digit spot checks; (4) the loss landscape (a squared hyperbolic "
        "paraboloid) with GD paths. Sized for a paper's column.",
        epilog="Examples: eos-theory plot --out figures --format pdf;  eos-theory plot --model uv.toml --out figures",
    )
    pl.add_argument(
        "--out",
        metavar="DIR",
        default="figures",
        help="output directory, created if its parent exists (default: ./figures); each figure is written atomically",
    )
    pl.add_argument("--format", choices=("png", "pdf"), default="png", help="file format (default png)")
    pl.add_argument(
        "--model",
        metavar="FILE",
        help="instead, the bifurcation diagram of your own model (a TOML "
        "model file, as for 'eos-theory analyze --model'): long-run eta*sharpness of float64 GD in "
        "parameter space against eta/eta_c, with eta_c, the window's ends and the offset slope's "
        "tangent overlaid; written to DIR/bifurcation_<file name>.<format>",
    )
    pl.set_defaults(func=cmd_plot)
