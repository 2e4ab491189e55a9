"""The ``eos-theory`` command line.

Every user error ends in one line on stderr and exit code 2; a run whose claims do not all come
out as recorded ends with exit code 1 and names them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from . import __version__
from .model import InputError

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line."""


def _console(stderr: bool = False):
    """A rich console; when writing to a file or pipe, wide enough for the report table."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 140
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _output_error(flag: str, path, exc: OSError) -> UsageError:
    """One line for any failure to write an output: the flag, the path and the reason."""
    return UsageError(f"{flag} {path}: {exc.strerror or exc}")


def _check_writable(path: str, flag: str = "--json") -> Path:
    """Fail before any work if an output file could not be written to ``path``."""
    from .files import check_writable

    try:
        check_writable(path)
    except OSError as exc:
        raise _output_error(flag, path, exc) from None
    return Path(path)


# -- verify -------------------------------------------------------------------------------

_STYLE = {"verified": "green", "refuted": "yellow", "supported": "cyan", "not supported": "magenta",
          "inconclusive": "red"}


DEFAULT_TIMEOUT = 60  #: seconds per claim; the slowest claim takes about 1 s, so only a hang reaches it


def cmd_verify(args: argparse.Namespace) -> int:
    from . import registry
    from .files import write_json_atomic

    jobs, timeout = _jobs_and_timeout(args)
    out = _check_writable(args.json) if args.json else None
    if args.claim:
        try:
            selected = [registry.get(c) for c in args.claim]
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
            raise _output_error("--json", args.json, exc) from None

    unexpected = [r for r in results if not r.as_expected]
    err = _console(stderr=True)
    if unexpected:
        names = ", ".join(f"{r.claim.id} ({r.verdict}, expected {r.claim.expect})" for r in unexpected)
        err.print(f"eos-theory: {len(unexpected)} claim(s) did not come out as recorded: {names}")
        return EXIT_UNEXPECTED
    s = data["summary"]
    stat = "".join(f", {s[v]} {v}" for v in ("supported", "not supported") if s[v])
    err.print(f"{s['total']} claims decided as recorded: {s['verified']} verified, {s['refuted']} refuted{stat}"
              + (f" (report: {out})" if out else ""))
    return EXIT_OK


def _jobs(args: argparse.Namespace) -> int:
    """-j: a positive whole number of worker processes (default: every core this process may use)."""
    from .executor import cores

    try:
        jobs = cores() if args.jobs is None else int(args.jobs)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UsageError(f"-j must be a positive whole number of worker processes, got {args.jobs!r}")
    return jobs


def _jobs_and_timeout(args: argparse.Namespace) -> tuple[int, float]:
    """-j (see :func:`_jobs`) and --timeout, read as an exact number and checked."""
    from .executor import MAX_TIMEOUT
    from .numerics import exact

    jobs = _jobs(args)
    timeout = exact(args.timeout, "--timeout")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be > 0 and at most {MAX_TIMEOUT} seconds, got {args.timeout}")
    return jobs, float(timeout)


def _run_with_progress(registry, selected, quiet: bool, jobs: int | None = None,
                       timeout: float | None = DEFAULT_TIMEOUT):
    """Run the claims (``jobs`` None: on every core), with a progress bar that advances per claim."""
    from .executor import cores

    jobs = cores() if jobs is None else jobs
    if quiet:
        return registry.run_all(selected, jobs=jobs, timeout=timeout)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("checking claims"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    # auto_refresh=False: no refresh thread, so the worker processes are forked from a single thread
    with Progress(*columns, console=_console(stderr=True), transient=True, auto_refresh=False) as bar:
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
        table.add_row(r.claim.id, r.claim.source.section.replace("derived", "—"), r.claim.short,
                      r.checked_by, verdict, r.summary)
    console = _console()
    console.print(table)
    refuted = [r for r in results if r.verdict == "refuted" and r.proof.correction is not None]
    if refuted:
        console.print("[bold]Findings[/] (the printed statement is false; the correction is verified):")
        for r in refuted:
            console.print(f"  [yellow]{r.claim.id}[/] §{r.claim.source.section}: {r.claim.statement}\n"
                          f"    counterexample {r.proof.refutations[0].detail}\n"
                          f"    [bold]correct:[/] {r.proof.correction.statement}")


# -- latex --------------------------------------------------------------------------------

def cmd_latex(args: argparse.Namespace) -> int:
    from . import latex, registry
    from .files import write_text_atomic

    out = _check_writable(args.output, "-o") if args.output else None
    if args.claim:
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
            raise _output_error("-o", args.output, exc) from None
        _console(stderr=True).print(f"wrote {out} ({len(text.splitlines())} lines); compile with: pdflatex {out.name}")
    return EXIT_OK


# -- plot ---------------------------------------------------------------------------------

def cmd_plot(args: argparse.Namespace) -> int:
    from . import plots

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out}: not a directory")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"--out {args.out}: directory {out.parent} does not exist")
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot create the directory: {exc.strerror or exc}") from None
    try:
        paths = plots.draw_all(out, args.format)  # checks every target before drawing
    except OSError as exc:
        where = exc.filename if exc.filename is not None else args.out
        raise _output_error("--out", where, exc) from None
    for path in paths:
        print(path)
    return EXIT_OK


# -- gd -----------------------------------------------------------------------------------

def _parse_matrix(text: str) -> list[list[str]]:
    """'1 2; 2 -1' (rows separated by ';', entries by spaces or commas) -> rows of strings."""
    rows = [r.replace(",", " ").split() for r in text.split(";")]
    if not any(rows):
        raise UsageError("--Q: empty matrix")
    return rows


def cmd_gd(args: argparse.Namespace) -> int:
    """Parameter-space GD at high precision, checked step by step against the derived 2-D map."""
    from mpmath import mp

    from .decimals import MAX_DIGITS, MIN_DIGITS
    from .dynamics import trajectory
    from .numerics import MIN_DPS, Problem, agreeing_digits, to_mpf

    if (args.Q is None) == (args.omega is None):
        raise UsageError("give the matrix either as --Q 'ROWS' or as its eigenvalues --omega W1 W2 ...")
    if not MIN_DPS <= args.digits <= MAX_DIGITS:
        raise UsageError(f"--digits (working precision) must be from {MIN_DPS} to {MAX_DIGITS}, got {args.digits}")
    if not MIN_DIGITS <= args.show <= args.digits:
        raise UsageError(f"--show must be from {MIN_DIGITS} to --digits ({args.digits}): no more digits than are "
                         f"computed, got {args.show}")
    if args.steps < 0:
        raise UsageError(f"--steps must be >= 0, got {args.steps}")
    if not args.max_seconds > 0:
        raise UsageError(f"--max-seconds must be > 0, got {args.max_seconds}")
    if args.Q is not None:
        problem = Problem.create(_parse_matrix(args.Q), args.target, args.lr)
    else:
        problem = Problem.diagonal(args.omega, args.target, args.lr)
    run = trajectory(problem, args.theta, args.steps, dps=args.digits, max_seconds=args.max_seconds)

    rows = []
    with mp.workdps(args.digits):
        reduced = None
        if problem.P == 2:
            from .maps import two_d_map

            step = two_d_map().numeric
            Q = [[to_mpf(q) for q in r] for r in problem.Q]
            inv = (Q[0][0] + Q[1][1], Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0], to_mpf(problem.target), to_mpf(problem.lr))
            reduced = [(run.zt[0], run.ntk[0])]
            for _ in range(run.steps):
                reduced.append(step(*reduced[-1], *inv))
        for k in range(run.steps + 1):
            row = {"step": k, "ztilde": mp.nstr(run.zt[k], args.show), "ntk": mp.nstr(run.ntk[k], args.show)}
            if reduced is not None:
                row["map_digits"] = min(agreeing_digits(run.zt[k], reduced[k][0]) if run.zt[k] != 0 else args.digits,
                                        agreeing_digits(run.ntk[k], reduced[k][1]))
            rows.append(row)
    stopped = None if run.stopped is None else {"step": run.stopped.step, "status": run.stopped.status,
                                                "reason": run.stopped.reason}

    if args.json:
        print(json.dumps({"P": problem.P, "digits": args.digits, "steps": rows, "stopped": stopped}))
        return EXIT_OK
    from rich.table import Table

    table = Table(title=f"gradient descent in parameter space, P = {problem.P}, {args.digits} digits",
                  title_justify="left")
    for name in ("step", "z̃ = ηz", "η·NTK"):
        table.add_column(name, justify="right")
    if problem.P == 2:
        table.add_column("digits agreeing with the 2-D map", justify="right")
    for row in rows:
        table.add_row(str(row["step"]), row["ztilde"], row["ntk"], *([str(row["map_digits"])] if problem.P == 2 else []))
    console = _console()
    console.print(table)
    if stopped is not None:
        head = "GD diverged" if stopped["status"] == "diverged" else "stopped (not converged)"
        console.print(f"{head}: {stopped['reason']}")  # the reason names the step
    return EXIT_OK


# -- orbit --------------------------------------------------------------------------------

CONTROL_HELP = (
    "e is the dimensionless control parameter e = min{ηEω_i : ηEω_i > 0}, half the smallest η·NTK over the "
    "zero-loss minima: GD can settle at a stable minimum iff e ≤ 1 (η·NTK < 2 there), and for e > 1 the "
    "period-2 orbit on that eigenvalue's axis is the candidate attractor, with cycle-mean η·NTK 1 + e."
)


def cmd_orbit(args: argparse.Namespace) -> int:
    from . import analysis
    from .decimals import Uncertified, check_digits

    check_digits(args.digits, "--digits")
    omega1, omega2 = args.omega
    st = analysis.setting(omega1, omega2, args.target, args.lr)
    if st.E == 0:
        raise UsageError("E = 0: the minimum θ = 0 has NTK 0 and there is no edge of stability to analyse")
    try:
        report = analysis.orbit_report(omega1, omega2, args.target, args.lr, digits=args.digits)
    except Uncertified as exc:
        raise UsageError(str(exc)) from None
    report["closed_form_regime"] = report["regime"]
    if args.attractor:
        from . import chaos

        found = chaos.attractor(omega1, omega2, args.target, args.lr, seed=args.seed)
        report["attractor"] = found.to_json()
        # what GD does; closed_form_regime is what the closed forms decide, and stands when the bounded
        # simulation could not decide (e.g. η so small that GD has not converged within the budget)
        if not (found.label == "not converged" and report["closed_form_regime"] in ("minimum", "period-2")):
            report["regime"] = found.label
    else:
        report["attractor"] = None
    if args.check:
        report["check"] = _check_orbit(st, analysis.orbit_closed_forms(omega1, omega2, args.target, args.lr),
                                       args.digits)
    if args.json:
        print(json.dumps(report, allow_nan=False))
        return EXIT_OK
    _print_orbit(report, st)
    return EXIT_OK


def _check_orbit(st, cf: dict, digits: int) -> dict:
    """Parameter-space GD from a point next to the predicted attractor, until it settles, provably
    diverges or runs out of budget; digits vs the closed form only when it settled with the predicted period."""
    from mpmath import mp

    from . import dynamics, numerics

    dps = max(50, digits + 20)
    problem = numerics.Problem.diagonal([str(w) for w in st.omega], str(st.E), str(st.eta))
    i = st.axis - 1
    with mp.workdps(dps):
        w_axis, eta_v = mp.mpf(str(st.omega[i])), mp.mpf(str(st.eta))
        if cf["cycle"] is not None:
            predicted, period = cf["cycle"]["ntk"], 2  # the EOS orbit: period 2 in θ (analysis.orbit_theta)
            across = mp.mpf(10) ** -6  # a small push off the axis tests the transverse multiplier too
        else:
            predicted, period = [cf["min_ntk"]], 1  # a zero-loss minimum: a fixed point
            across = mp.mpf(0)  # on the axis the minimum is unique
        start_ntk = mp.mpf(str(min(predicted).evalf(dps + 10)))
        along = mp.sqrt(start_ntk / eta_v) / abs(w_axis) * (1 + mp.mpf(10) ** -3)
        theta0 = [across * along] * 2
        theta0[i] = along
        end = dynamics.outcome(problem, theta0, dps=dps)
        agree = None
        if end.settled and end.period == period:
            agree = int(min(dynamics.cycle_digits(end.ntk, predicted, dps=dps), end.digits))
        return {"steps": end.steps, "ntk": [mp.nstr(v, digits, strip_zeros=False) for v in end.ntk],
                "digits_agree": agree, "status": end.status, "period": end.period, "predicted_period": period,
                "reason": end.reason}


def _print_orbit(report: dict, st) -> None:
    from .decimals import exact_string

    console = _console()
    w1, w2, E, eta = (exact_string(v) for v in (*st.omega, st.E, st.eta))  # the inputs, exactly
    console.print(f"[bold]2-D model[/]  ω = ({w1}, {w2}), E = {E}, η = {eta}")
    console.print(f"  control parameter e = {report['e']}   (edge of stability at e = 1)")
    console.print(f"  smallest η·NTK over zero-loss minima = {report['min_ntk']}   (= 2e)")
    console.print(f"  regime: [bold]{report['regime']}[/]" + (
        f"   (closed forms alone: {report['closed_form_regime']})" if report["regime"] != report["closed_form_regime"]
        else ""))
    c = report["cycle"]
    if c is None:
        console.print("  period-2 orbit: none (it is born at e = 1)")
    else:
        console.print(f"  period-2 orbit on the ω = {exact_string(st.omega[st.axis - 1])} axis:")
        console.print(f"    η·NTK at its two points = {c['ntk'][0]}, {c['ntk'][1]}")
        console.print(f"    cycle mean η·NTK = {c['mean_ntk']}   EOS offset (mean − 2) = {c['offset']}")
        console.print(f"    two-step multipliers in θ: along the axis {c['multipliers'][0]}, "
                      f"across it {c['multipliers'][1]}")
    a = report["attractor"]
    if a is not None:
        console.print(f"  attractor: [bold]{a['label']}[/]" + ("" if a["period"] is None else f", period {a['period']} in θ"))
        for name, key, ci in (("time-averaged η·NTK", "mean_ntk", "mean_ntk_ci"), ("Lyapunov exponent", "lyapunov",
                              "lyapunov_ci"), ("transverse Lyapunov exponent", "transverse_lyapunov",
                              "transverse_lyapunov_ci"), ("fraction of starts that escape", "escape_fraction", "escape_ci")):
            if a[key] is not None:
                rng = "" if a[ci] is None else f"  [{a[ci][0]:.6g}, {a[ci][1]:.6g}]"
                console.print(f"    {name} = {a[key]:.6g}{rng}")
        console.print(f"    how: {a['how']} (intervals at {a['level']:.0%})")
    chk = report["check"]
    if chk is not None:
        console.print(f"  check: {_describe_check(chk)}")


def _describe_check(chk: dict) -> str:
    """One honest line for orbit --check: 'settled' only for a run that settled."""
    ntk = ", ".join(chk["ntk"])
    if chk["status"] in ("converged", "periodic"):
        what = "a fixed point" if chk["period"] == 1 else f"a period-{chk['period']} orbit in θ"
        head = f"parameter-space GD settled on {what} after {chk['steps']} steps, η·NTK = {ntk}"
        if chk["digits_agree"] is not None:
            return f"{head}: [bold]{chk['digits_agree']}[/] digits agree with the closed form"
        return f"{head}; the closed form predicts period {chk['predicted_period']}, so no digits are compared ({chk['reason']})"
    return f"parameter-space GD [bold]{chk['status']}[/]: {chk['reason']}"  # the reason names the step


# -- atlas --------------------------------------------------------------------------------

def cmd_atlas(args: argparse.Namespace) -> int:
    """The regime atlas: float64 GD over a grid of (e, r), locally or on a Dask cluster."""
    from . import atlas, executor, plots
    from .decimals import exact_string
    from .executor import BackendError

    try:
        n_e, n_r = (int(v) for v in args.grid)
    except ValueError:
        n_e = n_r = 0
    if n_e < 1 or n_r < 1:
        raise UsageError(f"--grid N M: two whole numbers >= 1 (N values of e, M values of r), got {' '.join(args.grid)}")
    if args.scheduler is not None and args.jobs is not None:
        raise UsageError("give -j (local worker processes) or --scheduler (a Dask cluster), not both")
    jobs = _jobs(args)
    start = atlas.Start(count=args.starts, seed=args.seed)
    work = atlas.plan(args.e_range, args.r_range, (n_e, n_r), steps=args.steps, start=start)  # checked before any run
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out}: not a directory")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"--out {args.out}: directory {out.parent} does not exist")
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot create the directory: {exc.strerror or exc}") from None
    data_path, figure_path = out / "atlas.npz", out / f"atlas.{args.format}"
    for path in (data_path, figure_path):
        _check_writable(str(path), "--out")
    if args.scheduler is not None:
        backend = executor.Dask(args.scheduler, connect_timeout=executor.CONNECT_TIMEOUT)
    else:
        backend = executor.local(jobs)
    try:
        result = atlas.execute(work, backend, progress=_atlas_progress())
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    except ArithmeticError as exc:
        print(f"eos-theory: {exc}", file=sys.stderr)
        return EXIT_UNEXPECTED
    try:
        atlas.save(result, data_path)
        plots.draw_atlas(result, figure_path)
    except OSError as exc:
        raise _output_error("--out", exc.filename if exc.filename is not None else args.out, exc) from None
    where = args.scheduler if args.scheduler is not None else f"{jobs} local process{'es' if jobs > 1 else ''}"
    if args.json:
        print(json.dumps({**result.meta(), "seconds": round(result.seconds, 3), "ran_on": where,
                          "files": {"data": str(data_path), "figure": str(figure_path)}}, ensure_ascii=False))
        return EXIT_OK
    console = _console()
    runs = result.kind.size
    (e_lo, e_hi), (r_lo, r_hi) = ((exact_string(v) for v in rng) for rng in (result.e_range, result.r_range))
    console.print(f"[bold]regime atlas[/]  {n_e} values of e in [{e_lo}, {e_hi}] × {n_r} of r in "
                  f"[{r_lo}, {r_hi}], {runs} runs of {result.steps} float64 GD steps "
                  f"({result.seconds:.1f} s on {where})")
    console.print("  labels (numerical, not proofs): " + ", ".join(f"{k} {v}" for k, v in result.counts().items()))
    console.print(f"  data: {data_path}\n  phase diagram: {figure_path}")
    return EXIT_OK


def _atlas_progress():
    """A line on stderr per finished chunk ("atlas: 3/10 chunks"), rewritten in place on a terminal.

    Nothing is written before the first chunk finishes, so an error before then (an unreachable
    scheduler) is the only line on stderr.
    """
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        end = "\n" if done == total or not tty else ""
        print(f"{chr(13) if tty else ''}atlas: {done}/{total} chunks of grid rows finished", end=end, file=sys.stderr,
              flush=True)

    return show


# -- cascade ------------------------------------------------------------------------------


def cmd_cascade(args: argparse.Namespace) -> int:
    """The period-doubling thresholds of the axis map, their Feigenbaum ratios, the chaos onset and the crisis."""
    import time

    from . import cascade as C

    if not C.MIN_LEVELS <= args.levels <= C.MAX_LEVELS:
        raise UsageError(f"--levels must be from {C.MIN_LEVELS} to {C.MAX_LEVELS}, got {args.levels}")
    if not 2 <= args.digits <= C.MAX_DIGITS:
        raise UsageError(f"--digits must be from 2 to {C.MAX_DIGITS}, got {args.digits}")
    start = time.perf_counter()

    def progress(line: str) -> None:  # only for runs long enough to need it
        if time.perf_counter() - start > 2:
            print(f"eos-theory: cascade: {line}", file=sys.stderr, flush=True)

    data, run = C.report(args.levels, args.digits, progress=progress)
    if args.json:
        print(json.dumps(data))
    else:
        _print_cascade(data)
    if not run.converged:
        print(f"eos-theory: not converged: {run.reason}; the levels before it are shown", file=sys.stderr)
        return EXIT_UNEXPECTED
    return EXIT_OK


def _print_cascade(data: dict) -> None:
    from rich.table import Table

    from .cascade import FEIGENBAUM_DELTA

    how = {"exact": "exact closed form", "interval": "interval proof (Krawczyk): certified digits",
           "two precisions": "Newton at two precisions: the digits they agree on"}
    console = _console()
    console.print("[bold]Axis map[/] y ↦ y + y(y + ε)(y − 2) (ε = e on the axis of e; the same map for every r)")
    table = Table(title="period doubling: e at which the period-p orbit loses stability (multiplier −1)",
                  title_justify="left")
    for name in ("p", "e", "digits", "evidence"):
        table.add_column(name, justify="right" if name != "evidence" else "left")
    for row in data["thresholds"]:
        table.add_row(str(row["period"]), row["e"] or "-", str(row["digits"]), how[row["evidence"]])
    console.print(table)
    ratios = Table(title="Feigenbaum ratios (e(p) − e(p/2))/(e(2p) − e(p))", title_justify="left")
    for name in ("p/2, p, 2p", "ratio", "digits"):
        ratios.add_column(name, justify="right")
    for row in data["feigenbaum"]:
        ratios.add_row(", ".join(map(str, row["periods"])), row["ratio"] or "-", str(row["digits"]))
    console.print(ratios)
    console.print(f"(they approach Feigenbaum's δ = {FEIGENBAUM_DELTA}…)")
    chaos = data["chaos_onset"]
    if chaos is not None:
        console.print(f"onset of chaos (accumulation of the thresholds) ≈ {chaos['e']} ± {chaos['error']}  "
                      "(an estimate: extrapolation with δ, error = spread of the last two extrapolations; not a proof)")
    cr = data["crisis"]
    console.print(f"boundary crisis at e = {cr['e']} (exact: {cr['exact']}): the local maximum's value reaches the "
                  "repelling fixed point y = 2 (θ ↦ −θ); beyond it starts in the hole y² + ey + 1 < 0 escape")


# -- ensemble -----------------------------------------------------------------------------

EXIT_FAILED_RUNS = 1  #: ensemble: some runs did not finish (time limit, lost worker); the others are reported


def cmd_ensemble(args: argparse.Namespace) -> int:
    """GD over a seeded ensemble of random second-order models: outcome fractions with intervals."""
    from . import ensemble, executor, plots
    from .executor import BackendError
    from .files import write_json_atomic

    def whole(value: str, flag: str) -> int:
        try:
            return int(value, 10)
        except (TypeError, ValueError):
            raise UsageError(f"{flag} must be a whole number, got {value!r}") from None

    if args.scheduler is not None and args.jobs is not None:
        raise UsageError("give -j (local worker processes) or --scheduler (a Dask cluster), not both")
    jobs = _jobs(args)
    spec = ensemble.Ensemble(whole(args.params, "--params"), whole(args.outputs, "--outputs"), args.lr,
                             q=args.q, g=args.g, t=args.t, s=args.s)
    work = ensemble.plan(spec, whole(args.seeds, "--seeds"), whole(args.steps, "--steps"),
                         whole(args.seed_start, "--seed-start"))  # checked before any run
    out = None if args.json in (None, "-") else _check_writable(args.json, "--json")
    figure = None if args.plot is None else _check_writable(args.plot, "--plot")
    if figure is not None and figure.suffix.lstrip(".").lower() not in plots.FORMATS:
        raise UsageError(f"--plot {args.plot}: the name must end in .png or .pdf")
    backend = (executor.Dask(args.scheduler, connect_timeout=executor.CONNECT_TIMEOUT) if args.scheduler is not None
               else executor.local(jobs))
    try:
        result = ensemble.execute(work, backend, progress=_progress("ensemble", "runs finished"))
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    rep = ensemble.report(result)
    rep["ran_on"] = args.scheduler if args.scheduler is not None else f"{jobs} local process{'es' if jobs > 1 else ''}"
    try:
        if out is not None:
            write_json_atomic(out, rep)
        if figure is not None and result.runs:
            plots.draw_ensemble(result, figure)
    except OSError as exc:
        flag, path = ("--json", args.json) if out is not None and not out.exists() else ("--plot", args.plot)
        raise _output_error(flag, exc.filename if exc.filename is not None else path, exc) from None
    if args.json == "-":
        print(json.dumps(rep, ensure_ascii=False, allow_nan=False))
    else:
        console = _console()
        for line in ensemble.table(rep):
            console.print(line, markup=False)
        console.print(f"  ({result.seconds:.1f} s on {rep['ran_on']})", markup=False)
    if result.failures:
        lost = sum(len(f.seeds) for f in result.failures)
        print(f"eos-theory: {lost} of {len(work.seeds)} runs did not finish: {result.failures[0].error}", file=sys.stderr)
        return EXIT_FAILED_RUNS
    return EXIT_OK


def _progress(name: str, what: str):
    """``name: done/total what`` on stderr as work finishes, rewritten in place on a terminal; nothing
    before the first piece finishes, so an early error is the only line on stderr."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        end = "\n" if done == total or not tty else ""
        print(f"{chr(13) if tty else ''}{name}: {done}/{total} {what}", end=end, file=sys.stderr, flush=True)

    return show


# -- analyze ------------------------------------------------------------------------------

def cmd_analyze(args: argparse.Namespace) -> int:
    from . import anyreport, flip
    from .anymodel import spec
    from .files import write_json_atomic

    out = _check_writable(args.json) if args.json not in (None, "-") else None
    if args.model:
        if args.params or args.output or args.target:
            raise UsageError("give the model either with --model FILE or with --params/--output/--target, not both")
        model = anyreport.load_model_file(args.model)
    else:
        if not (args.params and args.output and args.target):
            raise UsageError("give --params, --output and --target (or --model FILE)")
        model = spec(args.params, args.output, args.target, args.loss or "r^2/2")
    timeout = _jobs_and_timeout(argparse.Namespace(jobs=1, timeout=args.timeout))[1]
    result = flip.analyze(model, lr=args.lr, check=args.check, degree=args.degree, seconds=timeout,
                          invariants=args.invariants)
    if args.json is None:
        print(anyreport.text(result))
        return EXIT_OK
    data = anyreport.report(result)
    if out is None:
        print(json.dumps(data, allow_nan=False))
        return EXIT_OK
    try:
        write_json_atomic(out, data)
    except OSError as exc:
        raise _output_error("--json", args.json, exc) from None
    return EXIT_OK


# -- parser -------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with exact negative numbers as values (``--target -1/2``) and one-line errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?$")

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eos-theory",
        description="Check, symbolically and at high precision, the equations and claims of 'Second-order "
        "regression models exhibit progressive sharpening to the edge of stability' (Agarwala, Pedregosa, "
        "Pennington).",
        epilog="Run 'eos-theory COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
    v.add_argument("--claim", metavar="ID", action="append",
                   help="run only this claim (repeatable); 'eos-theory verify --list' shows the ids")
    v.add_argument("--json", metavar="PATH", help="also write a machine-readable report to PATH (atomically; a symlink is written "
                   "through, a device or FIFO is refused)")
    v.add_argument("--quiet", "-q", action="store_true", help="no table or progress; only the summary line")
    v.add_argument("--list", action="store_true", help="list the claim ids and statements, and exit")
    v.add_argument("-j", "--jobs", metavar="N",
                   help="check N claims at a time in worker processes (default: every core this process may "
                   "use; 1 runs them one by one in this process); the verdicts do not depend on N")
    v.add_argument("--timeout", metavar="SECONDS", default=str(DEFAULT_TIMEOUT),
                   help=f"time limit per claim (default {DEFAULT_TIMEOUT}; the slowest claim takes about 1 s): a "
                   "claim still running then is stopped and reported inconclusive with the reason, and the others "
                   "still run")
    v.set_defaults(func=cmd_verify)

    t = sub.add_parser(
        "latex",
        help="write the checked claims as a LaTeX document, or one claim as a snippet",
        description="Write a standalone LaTeX document (article, amsmath, amsthm): the model and notation, every "
        "claim as a theorem, lemma or erratum with its proof steps, the numerical and interval evidence, and a "
        "table of verdicts. Equations are printed from the SymPy objects the checks used. With --claim, write "
        "only that claim's environment, for pasting into a paper (its leading comment lists what to add to the "
        "preamble).",
        epilog="Examples: eos-theory latex -o report.tex && pdflatex report.tex;  eos-theory latex --claim gf-J",
    )
    t.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically; a symlink is written through, a device or FIFO "
                   "is refused) instead of standard output")
    t.add_argument("--claim", metavar="ID", help="write only this claim's snippet")
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
        epilog="Example: eos-theory plot --out figures --format pdf",
    )
    pl.add_argument("--out", metavar="DIR", default="figures", help="output directory, created if its parent exists (default: ./figures); each "
                    "figure is written atomically")
    pl.add_argument("--format", choices=("png", "pdf"), default="png", help="file format (default png)")
    pl.set_defaults(func=cmd_plot)

    g = sub.add_parser(
        "gd",
        help="run gradient descent for your own Q, θ, E, η and check it against the derived 2-D map",
        description="Run gradient descent θ ← θ − η z Qθ (z = ½θᵀQθ − E) in parameter space with mpmath at the "
        "stated precision, and print z̃ = ηz and the η-normalised NTK η·θᵀQ²θ (edge of stability at 2) at each "
        "step. For P = 2 each step is compared with the closed 2-D map derived by SymPy, as a number of agreeing "
        "digits. Numbers are read exactly: decimals and fractions such as 1.05 or 21/20. The run stops early, and says "
        "why, when an iterate enters a proven escape region (GD diverges), when |z̃| or |θ| passes 2^(2^62) outside "
        "every such region, or when --max-seconds is spent; with --json, \"stopped\" is then {\"step\", \"status\", "
        "\"reason\"} (otherwise null).",
        epilog="Example: eos-theory gd --Q '1 1/2; 1/2 -1' --theta 1 1 --target 1 --lr 1/4 --steps 8",
    )
    g.add_argument("--Q", metavar="ROWS", help="symmetric matrix, rows separated by ';': '1 1/2; 1/2 -1'")
    g.add_argument("--omega", metavar="W", nargs="+", help="or: the eigenvalues of a diagonal Q")
    g.add_argument("--theta", metavar="T", nargs="+", required=True, help="initial parameters θ_0 (one per row of Q)")
    g.add_argument("--target", metavar="E", required=True, help="regression target E")
    g.add_argument("--lr", metavar="ETA", required=True, help="step size η > 0")
    g.add_argument("--steps", type=int, default=10, help="number of GD steps (default 10)")
    g.add_argument("--digits", type=int, default=50,
                   help="working precision in decimal digits, from 15 to 1000 (default 50)")
    g.add_argument("--show", type=int, default=20,
                   help="significant digits printed, from 2 to the working precision (default 20)")
    g.add_argument("--max-seconds", type=float, default=60.0,
                   help="wall-clock budget in seconds (default 60); the run stops early, and says so, when it is spent")
    g.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    g.set_defaults(func=cmd_gd)

    o = sub.add_parser(
        "orbit",
        help="closed-form edge-of-stability analysis of the 2-D model (regime, period-2 orbit, EOS offset)",
        description="For Q = diag(ω1, ω2), target E and step size η, print the regime of gradient descent and the "
        "closed forms derived by SymPy: the control parameter, the smallest η·NTK over the zero-loss minima, and "
        "the period-2 orbit (η·NTK at both points, the cycle mean and its offset from 2, and both multipliers of "
        "the two-step map in parameter space). NTK values are η·JJᵀ, so the edge of stability is 2. "
        + CONTROL_HELP + " Inputs are exact: 1.05 and 21/20 are the same number.",
        epilog="Regimes (the 'regime' key): 'minimum' (GD settles at a stable zero-loss minimum), 'period-2', "
        "'period-N' (N = 4, 6, 8, …: the attracting period in θ), 'chaotic' (bounded, Lyapunov exponent > 0 at 95%), "
        "'divergent' (every simulated start escaped into a proven escape region), 'split' (starts split between "
        "attractors; see the escape fraction), 'not converged'. 'closed_form_regime' is what the closed forms alone "
        "decide (minimum, period-2, or unstable: neither attracts); past the window the label comes from the "
        "attractor search (cycles proved by interval arithmetic, chaos and escape measured over seeded float64 runs, "
        "with confidence intervals), and 'how' in the attractor says which. With --json, stdout is one JSON object "
        '{"e", "regime", "closed_form_regime", "min_ntk", "cycle": null | {"ntk", "mean_ntk", "offset", '
        '"multipliers"}, "attractor": null | {"label", "period", "mean_ntk", "mean_ntk_ci", "lyapunov", '
        '"lyapunov_ci", "transverse_lyapunov", "transverse_lyapunov_ci", "escape_fraction", "escape_ci", "level", '
        '"how"}, "check": null | {"steps", "ntk", "digits_agree", "status", "period", "predicted_period", "reason"}}: '
        "check's status is converged, periodic, diverged (a proven escape region was entered) or not converged (a "
        "budget ran out), and digits_agree is null unless GD settled with the predicted period. Example: eos-theory "
        "orbit --omega -1 1 --target 1 --lr 1.4",
    )
    o.add_argument("--omega", metavar="W", nargs=2, required=True, help="the two eigenvalues ω1 ω2 of Q")
    o.add_argument("--target", metavar="E", required=True, help="regression target E (non-zero)")
    o.add_argument("--lr", metavar="ETA", required=True, help="step size η > 0")
    o.add_argument("--digits", metavar="D", type=int, default=30,
                   help="significant digits of every number, from 2 to 1000 (default 30). Each digit is certified "
                   "(exact rounding, or interval arithmetic for square roots); a value shown with fewer than D "
                   "digits, or as an integer, is exact; any other is rounded to nearest and shows all D digits")
    o.add_argument("--check", action="store_true",
                   help="also run parameter-space GD at max(50, D + 20) digits from next to the predicted attractor "
                   "(at most 200000 steps and 20 s) and report what it did: settled (and how many digits of its η·NTK "
                   "agree with the closed form), diverged (with the escape certificate) or not converged")
    o.add_argument("--no-attractor", dest="attractor", action="store_false",
                   help="only the closed forms: skip the bounded simulation that finds the attractor (period, "
                   "time-averaged η·NTK, Lyapunov exponents, escape fraction)")
    o.add_argument("--seed", metavar="S", type=int, default=0,
                   help="seed of the simulated starts and runs (default 0): the same seed gives the same numbers")
    o.add_argument("--json", action="store_true", help="print exactly one JSON object")
    o.set_defaults(func=cmd_orbit)

    a = sub.add_parser(
        "atlas",
        help="regime atlas: what GD does over a grid of (e, r), with a phase diagram (locally or on Dask)",
        description="Run float64 gradient descent for the 2-D model with Q = diag(1, r), E = e, eta = 1 (so e is the "
        "control parameter when r <= 0 or r >= 1) over an N x M grid of (e, r), from a small start on the axis of e "
        "pushed 1e-6 across it (or --starts K random starts per cell), and label every run: minimum, period-N (the "
        "period in parameter space), chaotic (bounded, no period <= 64, finite-time Lyapunov exponent > 0.01), "
        "divergent (an iterate entered a proven escape region), unbounded (|z~| passed 1e100 outside every such "
        "region) or not converged. Every label is numerical: it describes a float64 run, not a proof. Writes the "
        "data (DIR/atlas.npz: the arrays and a JSON 'meta' entry) and the phase diagram (DIR/atlas.png or .pdf) with "
        "the exact boundaries e = 1, e = sqrt(5) - 1, r(r - 1)(e - 1) = 2 and the crisis e = 2 drawn over it. The "
        "grid runs in chunks of rows on N local processes (-j) or on the Dask cluster at --scheduler; the results "
        "are identical bit for bit either way.",
        epilog="Example: eos-theory atlas --grid 200 200 --e-range 0.5 2.5 --r-range -4 4 --out atlas. With --json, "
        'stdout is one JSON object: the settings, "counts" per label, "seconds", "ran_on" and "files". Exit status: '
        "0 on success, 1 if a chunk failed or ran out of time, 2 for bad usage (grid, ranges, steps, an unwritable "
        "--out, an unreachable scheduler).",
    )
    a.add_argument("--grid", metavar=("N", "M"), nargs=2, default=["200", "200"],
                   help="N values of e by M values of r (default 200 200; one value needs equal range ends)")
    a.add_argument("--e-range", metavar=("LO", "HI"), nargs=2, default=["0.5", "2.5"],
                   help="the e values, 0 < LO < HI <= 10 (default 0.5 2.5; exact: 1.05 or 21/20)")
    a.add_argument("--r-range", metavar=("LO", "HI"), nargs=2, default=["-4", "4"],
                   help="the r values, -100 <= LO < HI <= 100 (default -4 4)")
    a.add_argument("--steps", metavar="S", type=int, default=10_000,
                   help="GD steps per run, from 384 to 10^7 (default 10000); periods are looked for in the last "
                   "192 iterates, the Lyapunov exponent over the second half")
    a.add_argument("--starts", metavar="K", type=int, default=0,
                   help="K random starts per cell (theta_1 uniform over the axis interval, theta_2 = 1e-6 x a normal "
                   "draw) instead of the one stated start; the diagram shows each cell's most frequent label")
    a.add_argument("--seed", metavar="SEED", type=int, default=0, help="seed of the random starts (default 0)")
    a.add_argument("--out", metavar="DIR", default="atlas",
                   help="output directory, created if its parent exists (default ./atlas); files written atomically")
    a.add_argument("--format", choices=("png", "pdf"), default="png", help="figure format (default png)")
    a.add_argument("--json", action="store_true", help="print one JSON object (the summary) instead of text")
    a.add_argument("--scheduler", metavar="ADDR",
                   help="run the chunks on the Dask cluster whose scheduler is at ADDR (e.g. tcp://host:8786; needs "
                   "pip install 'eos-theory[dask]'); an unreachable scheduler is an error after 10 s")
    a.add_argument("-j", "--jobs", metavar="N",
                   help="run the chunks in N local worker processes (default: every core this process may use; 1 runs "
                   "them in this process)")
    a.set_defaults(func=cmd_atlas)
    c = sub.add_parser(
        "cascade",
        help="the period-doubling cascade of the axis map past the window, the chaos onset and the crisis",
        description="On an eigen-axis GD is y ↦ f(y) = y + y(y + e)(y − 2) (y = ω z̃, the same map for every ratio r "
        "of the eigenvalues). Print the thresholds e at which the period-p orbit of f loses stability (its "
        "multiplier reaches −1; p = 1, 2, 4, …: e = 1, √5 − 1, …), their Feigenbaum ratios, the accumulation point "
        "of the thresholds (onset of chaos, extrapolated with Feigenbaum's δ, with an error estimate) and the "
        "boundary crisis e = 2 (exact). Thresholds past √5 − 1 come from Newton's method at two precisions "
        "(D + 10 and 2D + 20 digits); each is then proved by interval arithmetic (Krawczyk: a box holding exactly one "
        "solution), and the digits shown are certified. Every threshold says how its digits are known (digits that "
        "are not certified, if the certification fails or the time budget is spent, are those two precisions agree "
        "on).",
        epilog="With --json, stdout is one JSON object {\"thresholds\": [{\"period\", \"e\", \"digits\", "
        "\"evidence\"}], \"feigenbaum\": [{\"periods\", \"ratio\", \"digits\"}], \"chaos_onset\": {\"e\", "
        "\"error\"}, \"crisis\": {\"e\", \"exact\"}}: numbers are decimal strings, \"digits\" is how many "
        "significant digits are shown and \"evidence\" is exact, interval or two precisions. Progress goes to "
        "stderr for runs longer than two seconds. Exit status 1 if a level did not converge within the budget "
        "(60 s; the levels before it are shown). Example: eos-theory cascade --levels 7 --digits 30",
    )
    c.add_argument("--levels", metavar="K", type=int, default=7,
                   help="thresholds e_1, …, e_K: periods 1 to 2^(K−1) (K from 3 to 12; default 7)")
    c.add_argument("--digits", metavar="D", type=int, default=30,
                   help="significant digits of every number, from 2 to 100 (default 30); fewer are shown where fewer "
                   "are known")
    c.add_argument("--json", action="store_true", help="print exactly one JSON object")
    c.set_defaults(func=cmd_cascade)

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
    for flag, default, what in (("--q", "1", "Q_a entries of variance q^2/P"),
                                ("--g", "1/10", "G_a entries of variance g^2/P (0: the paper's model)"),
                                ("--t", "1", "E_a of variance t^2/D"), ("--s", "1/10", "theta0 entries of variance s^2/P")):
        n.add_argument(flag, metavar="X", default=default, help=f"{what}; 0 <= X <= 100 (default {default})")
    n.add_argument("--json", metavar="FILE", help="write the JSON report to FILE (atomically), or to stdout with -")
    n.add_argument("--plot", metavar="FILE", help="draw the figure (top lr*NTK against step for the first 8 seeds, "
                   "histogram of the long-run offset) to FILE.png or FILE.pdf")
    n.add_argument("--scheduler", metavar="ADDR",
                   help="run on the Dask cluster whose scheduler is at ADDR (e.g. tcp://host:8786; needs "
                   "pip install 'eos-theory[dask]'); an unreachable scheduler is an error after 10 s")
    n.add_argument("-j", "--jobs", metavar="N",
                   help="run in N local worker processes (default: every core this process may use; 1: in this process)")
    n.set_defaults(func=cmd_ensemble)

    from .anymodel import MAX_PARAMS
    from .anyreport import MODEL_KEYS

    an = sub.add_parser(
        "analyze",
        help="the edge-of-stability analysis of your own small model (least sharpness, critical step, flip, window)",
        description="Analyse gradient descent on your own model: parameters, one output per data point with its target, "
        "and a loss l(r) of the residual r = output - target (default r^2/2; any loss smooth at 0 with l'(0) = 0 < "
        "l''(0), e.g. log(cosh(r))); the training loss is the sum over data points. Derived by SymPy, exactly where "
        "possible: the least sharpness l''(0)|grad f|^2 over the global minima (exact Lagrange system), the critical "
        "step eta_c = 2/least sharpness, the flip of GD at eta_c (Lyapunov-Schmidt series: supercritical, "
        "subcritical or degenerate, with its coefficient), the period-2 orbit's attracting window in eta, the EOS "
        "offset slope d(mean eta*sharpness)/d(eta/eta_c) at eta_c+, and conserved quantities of gradient flow; each "
        "result says how it was obtained, and what could not be decided is reported inconclusive with the reason. "
        f"Exact path: one data point for the minima and the flip, at most {MAX_PARAMS} parameters. Expressions may use "
        "the declared parameters, numbers (read exactly: 0.1 is 1/10), + - * / ^ and exp, log, sqrt, cosh, sinh, tanh, "
        "cos, sin, atan; any other name is refused.",
        epilog="Model file (--model FILE, TOML) keys: " + "; ".join(f"{k}: {v}" for k, v in MODEL_KEYS.items())
        + ". With --json, one JSON object: least_sharpness, critical_lr, flip {type, coefficient, eta_2, meaning, how}, "
        "period_two_window [lo, hi] (in eta; hi null when unknown), offset_slope, form (exact or decimal per field), "
        "decimal (the same numbers as decimals), how (per field), minimum, check, conserved_quantities, gd, notes. "
        "Exact values are strings SymPy parses. Bad input: one line on stderr and exit status 2. "
        "Example: eos-theory analyze --params u v --output 'u*v' --target 1 --loss 'log(cosh(r))' --lr 1.1",
    )
    an.add_argument("--params", metavar="NAME", nargs="+", help="the parameter names, e.g. u v")
    an.add_argument("--output", metavar="EXPR", action="append",
                    help="the model output for one data point, e.g. 'u*v' (repeat for several data points)")
    an.add_argument("--target", metavar="Y", action="append", help="the target of the matching --output (exact number)")
    an.add_argument("--loss", metavar="EXPR", help="loss of the residual r (default 'r^2/2')")
    an.add_argument("--model", metavar="FILE", help="read the model from a TOML file instead (keys listed below)")
    an.add_argument("--lr", metavar="ETA", help="also run GD at this step from next to the least-sharp minimum (mpmath, "
                    "30 digits, at most 20000 steps and 10 s) and say what it did: converged, period-N, diverged "
                    "(|theta| passed 1e40: a magnitude criterion, not a proof) or not converged")
    an.add_argument("--json", metavar="FILE", nargs="?", const="-",
                    help="print one JSON object (or write it to FILE, atomically)")
    an.add_argument("--degree", metavar="D", type=int, default=2,
                    help="highest degree of the polynomial conserved quantities looked for (default 2, at most 6)")
    an.add_argument("--invariants", action="store_true",
                    help="also list the slices theta_i = 0, theta_j = +-theta_i that GD maps into themselves")
    an.add_argument("--no-check", dest="check", action="store_false",
                    help="skip the 50-digit mpmath check of the flip series")
    an.add_argument("--timeout", metavar="SECONDS", default="20",
                    help="time limit of each part of the analysis (default 20): a part still running is reported "
                    "inconclusive ('timed out')")
    an.set_defaults(func=cmd_analyze)
    return parser


def cmd_list() -> int:
    from . import registry

    for c in registry.claims():
        print(f"{c.id:18} {c.source.section:9} {c.statement}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "verify" and args.list:
            return cmd_list()
        return args.func(args)
    except (UsageError, InputError) as exc:
        print(f"eos-theory: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eos-theory: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
