"""The claims: ``eos-theory verify`` (and ``--list``), ``latex`` and ``plot``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eos_theory.commands.common import (
    EXIT_OK,
    EXIT_UNEXPECTED,
    UsageError,
    output_dir,
    output_error,
    read_jobs,
    read_timeout,
    rich_console,
    writable,
)
from eos_theory.commands.grammar import (
    EPS,
    add_claim,
    add_claims,
    add_format,
    add_jobs,
    add_json,
    add_model,
    add_out,
    add_timeout,
    deprecated,
    emit,
    in_directory,
    json_target,
    not_an_input,
    refuse,
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

    refuse(
        args,
        [
            ("-v", args.verbose and args.quiet, "with -q, which prints only the summary line"),
            ("-v", args.verbose and args.json == "-", "with --json on stdout, whose JSON holds every record"),
            ("-q", args.quiet and args.json == "-", "with --json on stdout, which prints no text to quieten"),
        ],
    )
    report = None if args.json in (None, "-") else Path(args.json).resolve()
    if report is not None and args.certificates and Path(args.certificates).resolve() in (report, report.parent):
        raise UsageError(
            f"--json {args.json}: in the --certificates directory, whose every *.json 'eos-theory check' reads as a "
            "certificate; write the report elsewhere"
        )
    target = json_target(args)  # before loading --claims: the JSON may not replace one of them
    _load_claims(args)
    if args.list:
        return _list(args, target)
    jobs = read_jobs(args)
    timeout = _per_claim_timeout(args)
    certificates = output_dir(args.certificates, "--certificates") if args.certificates else None
    selected = _select(registry, args.claim)
    quiet = args.quiet or args.json == "-"
    premises: dict = {}
    results = _run_with_progress(registry, selected, quiet=quiet, jobs=jobs, timeout=timeout, premises=premises)
    data = registry.report(results)
    if certificates is not None:
        _write_certificates(certificates, [*results, *premises.values()])
    unexpected = [r for r in results if not r.as_expected]
    s = data["summary"]
    stat = "".join(f", {s[v]} {v}" for v in ("supported", "not supported", "inconclusive") if s[v])
    total = f"{s['total']} claim{'s' if s['total'] != 1 else ''}"
    decided = f"{s['total'] - len(unexpected)} of {total}" if unexpected else total
    summary = f"{decided} decided as recorded: {s['verified']} verified, {s['refuted']} refuted{stat}" + (
        f" (report: {target})" if target else ""
    )
    k = s["kernel"]
    kernel_line = (
        f"kernel: {k['kernel-checked']} kernel-checked, {k['partly replayed']} partly (steps it cannot replay: "
        f"'eos-theory check DIR' lists them), {k['rejected']} rejected"
        + (f"; certificates in {certificates}" if certificates else "")
    )

    def show_text() -> None:
        console = rich_console()
        if not args.quiet:
            _print_table(results, console)
            for r in results:
                if args.verbose or not r.as_expected:
                    console.print("\n".join(registry.record_lines(r)), markup=False)
            console.print(kernel_line, markup=False)
        console.print(summary, markup=False)

    emit(args, data, show_text, target)
    if args.json == "-":
        print(summary, file=sys.stderr)
    if unexpected:
        names = ", ".join(f"{r.claim.id} ({r.verdict}, expected {r.claim.expect})" for r in unexpected)
        many = "claims did" if len(unexpected) > 1 else "claim did"
        print(f"eos-theory: {len(unexpected)} {many} not come out as recorded: {names}", file=sys.stderr)
        return EXIT_UNEXPECTED
    return EXIT_OK


def _per_claim_timeout(args: argparse.Namespace) -> float:
    """verify's and latex's --timeout, per claim: DEFAULT_TIMEOUT when not given (None until read, so that --list
    and --model can tell it was not given)."""
    return read_timeout(DEFAULT_TIMEOUT if args.timeout is None else args.timeout)


def _load_claims(args: argparse.Namespace) -> None:
    """--claims PATH…: load a researcher's claim files (an error is one line, exit 2)."""
    if args.claims:
        from eos_theory.core import loader

        loader.load(args.claims, timeout=DEFAULT_TIMEOUT)


def _write_certificates(directory, results) -> None:
    """One JSON file per claim, ``<id>.json`` (docs/certificates.md), each written atomically."""
    from eos_theory.outputs.files import write_text_atomic

    for r in results:
        if r.certificate is None:
            continue
        path = directory / f"{r.claim.id}.json"
        try:
            write_text_atomic(path, r.certificate + "\n")
        except OSError as exc:
            raise output_error("--certificates", path, exc) from None


def cmd_check(args: argparse.Namespace) -> int:
    """eos-theory check DIR: the kernel's replay of the certificates in DIR (``python -m eos_theory.kernel DIR``)."""
    from eos_theory.kernel import check_all, cli, read_directory

    refuse(args, [("-q", args.quiet and args.json == "-", "with --json on stdout, which prints no text to quieten")])
    if args.dir is None:  # `check --json certs`: --json took the directory as its FILE
        taken = args.json not in (None, "-") and Path(args.json).is_dir()
        raise UsageError(
            f"--json took {args.json} as its FILE: give DIR first, eos-theory check {args.json} --json [FILE]"
            if taken
            else "give DIR, a directory of certificates (eos-theory verify --certificates DIR writes them)"
        )
    if args.json not in (None, "-") and in_directory(args.json, args.dir):
        raise UsageError(f"--json {args.json}: in DIR, whose every *.json is read as a certificate; write it elsewhere")
    target = json_target(args)
    if not Path(args.dir).is_dir():
        raise UsageError(f"{args.dir}: not a directory")
    certs, unreadable = read_directory(args.dir)
    if not certs and not unreadable:
        raise UsageError(f"{args.dir}: no certificates (*.json) there")
    checks = unreadable + check_all(certs)
    summary = cli.summary(checks)

    def show_text() -> None:
        cli.report(checks, quiet=args.quiet)
        print(summary)  # the report's summary goes with the report, on stdout

    emit(args, {"summary": summary, "claims": [c.to_json() for c in checks]}, show_text, target)
    if args.json == "-":
        print(summary, file=sys.stderr)
    return EXIT_UNEXPECTED if any(c.status == "rejected" for c in checks) else EXIT_OK


def _select(registry, ids: list[str] | None) -> list:
    """The claims ``--claim`` names (each once, in the order given), or every registered claim."""
    if not ids:
        return registry.claims()
    try:
        return [registry.get(c) for c in dict.fromkeys(ids)]
    except registry.UnknownClaim as exc:
        raise UsageError(str(exc)) from None


def _list(args: argparse.Namespace, target: Path | None) -> int:
    """verify --list: every registered claim's id, source and statement (as JSON with --json)."""
    from eos_theory.core import registry

    refuse(
        args,
        [
            ("--claim", bool(args.claim), "with --list, which lists every claim and runs none"),
            ("-j", args.jobs is not None, "with --list, which runs no claim"),
            ("--timeout", args.timeout is not None, "with --list, which runs no claim"),
            ("-q", args.quiet, "with --list, which prints only the list"),
            ("--certificates", bool(args.certificates), "with --list, which runs no claim"),
        ],
    )
    known = registry.claims()
    data: dict[str, list[dict[str, Any]]] = {
        "claims": [
            {
                "id": c.id,
                "source": c.source.to_json() if c.cited else None,
                "origin": c.origin_json(),
                "statement": c.statement,
                "expect": c.expect,
            }
            for c in known
        ]
    }

    def show_text() -> None:
        width = max((len(c.id) for c in known), default=0)  # a researcher's ids can be long: the columns stay aligned
        for c, d in zip(known, data["claims"]):
            own = f"  [{c.origin or c.module}]" if c.own else ""
            print(f"{c.id:{width}} {c.where:9} {c.expect:13} {c.statement}{own}")
            if args.verbose:  # the rest of what the JSON has: the source's words and where the claim comes from
                if d["source"] is not None and d["source"]["quote"] is not None:
                    print(f"{'':{width + 1}}source: “{d['source']['quote']}”")
                origin = ", ".join(f"{k} {v}" if k != "author" else v for k, v in d["origin"].items())
                print(f"{'':{width + 1}}origin: {origin}")

    emit(args, data, show_text, target)
    return EXIT_OK


def _run_with_progress(
    registry,
    selected,
    quiet: bool,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    premises: dict | None = None,
):
    """Run the claims (``jobs`` None: on every core), with a progress bar that advances per claim; premises
    outside ``selected`` go to ``premises`` (see :func:`registry.run_all`)."""
    from eos_theory.running.executor import cores

    jobs = cores() if jobs is None else jobs
    if quiet:
        return registry.run_all(selected, jobs=jobs, timeout=timeout, premises=premises)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("checking claims"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    # auto_refresh=False: no refresh thread, so the worker processes are forked from a single thread
    console = rich_console(stderr=True)  # not a terminal: no bar (rich would leave a blank line on stderr)
    with Progress(
        *columns, console=console, transient=True, auto_refresh=False, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("", total=len(selected))

        def advance(result):
            bar.update(task, advance=1, description=result.claim.id, refresh=True)

        return registry.run_all(selected, progress=advance, jobs=jobs, timeout=timeout, premises=premises)


def _print_table(results, console) -> None:
    from rich.table import Table

    from eos_theory.outputs.latex import PAPER

    own = any(r.claim.own for r in results)
    title = f"eos-theory: the claims of “{PAPER}” (§) and results derived from it (—)" + (", and yours" if own else "")
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("§", no_wrap=True)
    table.add_column("claim", ratio=4)
    table.add_column("checked by", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("kernel", no_wrap=True)
    table.add_column("evidence", ratio=4)
    for r in results:
        verdict = f"[{_STYLE[r.verdict]}]{r.verdict}[/]"
        if not r.as_expected:
            verdict += f"\n[red](expected {r.claim.expect})[/]"
        table.add_row(r.claim.id, r.claim.where, r.claim.short, r.checked_by, verdict, _kernel_cell(r), r.summary)
    console.print(table)
    refuted = [r for r in results if r.verdict == "refuted"]  # a refutation always carries its verified correction
    if refuted:
        console.print(
            "[bold]Findings[/] (refuted statements: every false member with its exact counterexample; the correction):"
        )
        for r in refuted:
            section = r.claim.source.section
            where = r.claim.where if r.claim.own or section == "derived" else section
            where = f"§{where}" if where[:1].isdigit() else where
            console.print(f"  [yellow]{r.claim.id}[/] {where}: {r.claim.statement}", highlight=False)
            for step in r.proof.refutations:  # every refuted member, each with its own counterexample
                console.print(f"    ✗ {step.text}: counterexample {step.detail}", markup=False)
            console.print(f"    correct: {r.proof.correction.statement}", markup=False, highlight=False)


def _kernel_cell(r) -> str:
    """What the independent kernel made of the claim's certificate: checked, partly (n trusted steps), rejected."""
    k = r.kernel
    if k is None or r.kernel_status == "-":
        return "-"
    if k.status == "kernel-checked":
        return "[green]checked[/]"
    if k.status == "rejected":
        return "[red]rejected[/]"
    if k.trusted:
        return f"partly ({len(k.trusted)} trusted)"
    return f"partly (premise{'s' * (len(k.weak_premises) > 1)})"


def cmd_latex(args: argparse.Namespace) -> int:
    from eos_theory.core import registry
    from eos_theory.outputs import latex
    from eos_theory.outputs.files import write_text_atomic

    if args.out:
        not_an_input(args, "-o", args.out)
    out = writable(args.out, "-o") if args.out else None
    if args.model:
        refuse(
            args,
            [
                ("--claim", bool(args.claim), "with --model, which writes your model's analysis"),
                ("--claims", bool(args.claims), "with --model, which writes your model's analysis"),
                ("-j", args.jobs is not None, "with --model, which runs no claim"),
                ("--timeout", args.timeout is not None, "with --model, which runs no claim"),
            ],
        )
        from eos_theory.commands.analyze import model_latex

        text, what = model_latex(args.model), "snippet"
    else:
        jobs = read_jobs(args) if args.jobs is not None or not args.claim else 1  # a few snippets: in this process
        timeout = _per_claim_timeout(args)
        _load_claims(args)
        selected = _select(registry, args.claim)
        results = _run_with_progress(
            registry, selected, quiet=out is None or bool(args.claim), jobs=jobs, timeout=timeout
        )
        text, what = (latex.snippets(results), "snippet") if args.claim else (latex.document(results), "document")
    if out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        raise output_error("-o", args.out, exc) from None
    if what == "document":
        hint = f"compile with: pdflatex {out.name} (twice, so the claim numbers resolve)"
    else:
        packages = "amsmath" if args.model else latex.SNIPPET_PACKAGES
        hint = f"paste it, or \\input{{{out.stem}}} it, in a document that loads {packages}" + (
            "" if args.model else " (its leading comment has the theorem environments it uses)"
        )
    print(f"wrote {out} ({len(text.splitlines())} lines); {hint}")
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from eos_theory.outputs import plots

    out = output_dir(args.out)
    if args.model:
        from eos_theory.commands.analyze import model_plot

        print(model_plot(args.model, out, args.format))
        return EXIT_OK
    try:
        paths = plots.draw_all(out, args.format)  # checks every target before drawing
    except OSError as exc:
        where = exc.filename if exc.filename is not None else args.out
        raise output_error("-o", where, exc) from None
    for path in paths:
        print(path)
    return EXIT_OK


def register(sub) -> None:
    """Add verify, latex and plot to the subcommands ``sub``."""
    v = sub.add_parser(
        "verify",
        help="check the claims (the paper's, derived ones, and yours with --claims) and print verdicts",
        description="Run the claim registry: every equation and statement of the paper's text, and every result "
        "derived from it, is checked by its proof script (exact identities over the rationals, exact "
        "counterexamples, interval or high-precision evidence) and gets a verdict: verified, refuted (with an "
        "exact counterexample and a verified correction) or inconclusive. A claim whose evidence is statistical "
        "(estimates with confidence intervals over seeded runs) is never verified: it is supported (every interval "
        "lies where the statement needs it) or not supported (one does not), at the confidence it states. Prints a "
        "table of verdicts, the findings (every refuted member of a statement with its own counterexample, and the "
        "correction), the full record of each claim that did not come out as recorded (of every claim with -v), "
        "and a summary line.",
        epilog="Exit status: 0 when every claim comes out as recorded in the registry (a claim recorded as "
        "supported must come out supported), 1 when some do not "
        "(they are named on stderr; a claim stopped by the time limit is inconclusive, so it counts), 2 for bad usage "
        "(unknown claim, unwritable report, bad -j or --timeout). Ctrl-C stops every worker process.",
    )
    add_claim(v, "run only the claims named")
    add_claims(v)
    add_json(
        v,
        'Keys: "tool", "paper", "summary" {verified, refuted, supported, not supported, inconclusive, total, '
        'unexpected}, "claims" [{id, source, statement, latex, method, verdict, expected, basis, evidence, '
        "correction, steps, kernel, error, seconds}]",
    )
    v.add_argument(
        "--certificates",
        metavar="DIR",
        help="also write each claim's certificate to DIR/<id>.json (DIR is created if its parent exists): the data "
        "every step rests on, which 'eos-theory check DIR' (the independent kernel) replays; docs/certificates.md",
    )
    v.add_argument("-q", "--quiet", action="store_true", help="print less: no table or progress, only the summary line")
    v.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print every claim's full record: method, formula, each step with its evidence, the correction "
        "(with --list: each claim's source text and origin)",
    )
    v.add_argument(
        "--list", action="store_true", help="list the claim ids and statements (with --json, as JSON), and exit"
    )
    add_jobs(v, "N claims at a time (the verdicts do not depend on N)")
    add_timeout(
        v,
        None,  # None: not given (refused with --list); DEFAULT_TIMEOUT otherwise
        f"per claim (default {DEFAULT_TIMEOUT}; the slowest claim takes about 1 s): a claim still running then is "
        "stopped and reported inconclusive with the reason, and the others still run",
    )
    v.set_defaults(func=cmd_verify)

    k = sub.add_parser(
        "check",
        usage="%(prog)s [-h] [-q] [--json [FILE]] DIR",
        help="replay certificates with the independent kernel (FLINT), and say what it checked",
        description="Replay the certificates in DIR (written by 'eos-theory verify --certificates DIR', or by hand: "
        "docs/certificates.md) with the kernel, eos_theory.kernel: a small checker that shares no code with the "
        "proof scripts and imports only the standard library and python-flint. Per claim it prints: "
        "kernel-checked (every step replayed, every premise too), or the steps it cannot replay and why "
        "(inferences by text, citations, the finder's computations, numerical and statistical evidence: the "
        "claim's trusted base), or REJECTED with the step and the reason. Same as 'python -m eos_theory.kernel DIR'.",
        epilog="Exit status: 0 when no certificate is rejected, 1 when one is (the claim and step are named), 2 for "
        "bad usage. Example: eos-theory verify --certificates certs && eos-theory check certs",
    )
    # DIR is required, but read here so that `check --json DIR` (--json taking DIR as its FILE) is explained
    k.add_argument("dir", metavar="DIR", nargs="?", help="a directory of certificates (*.json)")
    k.add_argument("-q", "--quiet", action="store_true", help="print less: only rejected claims and the summary")
    add_json(k, 'Keys: "summary", "claims" [{claim, status, replayed, trusted, rejected, premises, weak_premises}]')
    k.set_defaults(func=cmd_check)

    t = sub.add_parser(
        "latex",
        help="write the checked claims as a LaTeX document, or claims as snippets",
        description="Write a standalone LaTeX document (article, amsmath, amsthm): the model and notation, every "
        "claim as a theorem, lemma or erratum with its proof steps, the numerical and interval evidence, and a "
        "table of verdicts. Equations are printed from the SymPy objects the checks used. With --claim, write "
        "only those claims' environments, for pasting into a paper (the leading comment lists what to add to the "
        "preamble).",
        epilog="Examples: eos-theory latex -o report.tex && pdflatex report.tex;  eos-theory latex --claim gf-J;  "
        "eos-theory latex --model uv.toml -o uv.tex",
    )
    add_out(
        t,
        "a file, written atomically (a symlink is written through, a device or FIFO refused); without it, the "
        "LaTeX goes to standard output",
    )
    deprecated(t, "--output", now="-o/--out", dest="out", metavar="FILE")
    add_claim(t, "write only the snippets of the claims named")
    add_claims(t)
    add_model(
        t,
        "write its edge-of-stability analysis as a snippet (least sharpness, critical step, flip, window, offset "
        "slope, conserved quantities, each with how it was obtained as a comment)",
    )
    add_jobs(t, "N claims at a time (the LaTeX does not depend on N; with --claim the default is 1)")
    add_timeout(
        t,
        None,  # None: not given (refused with --model); DEFAULT_TIMEOUT otherwise
        f"per claim (default {DEFAULT_TIMEOUT}): a claim still running then is stopped and written as inconclusive "
        "with the reason",
    )
    t.set_defaults(func=cmd_latex)

    pl = sub.add_parser(
        "plot",
        help="draw the four figures (sharpening, reduced plane, bifurcation diagram, landscape)",
        description=f"Draw, for the paper's symmetric case ω1 = −1, ω2 = 1, E = 1 (so the control parameter is "
        f"{EPS} = η): (1) η·NTK against step from the paper's initialisation, sharpening into the edge of stability, "
        "with the closed-form cycle values; (2) GD trajectories in the reduced (z̃, η·NTK) plane with the line of "
        f"minima, its stable segment and the period-2 orbit; (3) the bifurcation diagram of the long-run η·NTK "
        f"against {EPS}, closed forms overlaid, with 50-digit spot checks; (4) the loss landscape (a squared "
        "hyperbolic paraboloid) with GD paths. Sized for a paper's column.",
        epilog="Examples: eos-theory plot -o figures --format pdf;  eos-theory plot --model uv.toml -o figures",
    )
    add_out(
        pl,
        "a directory, created if its parent exists; each figure is written atomically",
        default="figures",
    )
    add_format(pl)
    add_model(
        pl,
        "instead, its bifurcation diagram: long-run η·sharpness of float64 GD in parameter space against η/η_c, with "
        "η_c, the window's ends and the offset slope's tangent overlaid; written to DIR/bifurcation_<file name>."
        "<format>",
    )
    pl.set_defaults(func=cmd_plot)
