"""Past the period-2 window: ``eos-theory cascade`` (the period-doubling thresholds) and ``atlas``
(the regime over a grid of parameters)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eos_theory.commands.common import (
    DEFAULT_BUDGET,
    EXIT_OK,
    EXIT_UNEXPECTED,
    UsageError,
    check_budget,
    output_dir,
    output_error,
    progress,
    read_backend,
    read_budget,
    rich_console,
    writable,
)
from eos_theory.commands.grammar import (
    add_budget,
    add_digits,
    add_format,
    add_jobs,
    add_json,
    add_out,
    add_scheduler,
    add_seed,
    add_steps,
    deprecated,
    emit,
    in_directory,
    json_target,
    refuse,
)


def cmd_cascade(args: argparse.Namespace) -> int:
    """The period-doubling thresholds of the axis map, their Feigenbaum ratios, the chaos onset and the crisis."""
    import time

    from eos_theory.past_window import cascade as C

    if not C.MIN_LEVELS <= args.levels <= C.MAX_LEVELS:
        raise UsageError(f"--levels must be from {C.MIN_LEVELS} to {C.MAX_LEVELS}, got {args.levels}")
    if not 2 <= args.digits <= C.MAX_DIGITS:
        raise UsageError(f"--digits must be from 2 to {C.MAX_DIGITS}, got {args.digits}")
    target = json_target(args)
    start = time.perf_counter()

    def progress(line: str) -> None:  # only for runs long enough to need it
        if time.perf_counter() - start > 2:
            print(f"eos-theory: cascade: {line}", file=sys.stderr, flush=True)

    data, run = C.report(args.levels, args.digits, progress=progress)
    emit(args, data, lambda: _print_cascade(data), target)
    if not run.converged:
        print(f"eos-theory: not converged: {run.reason}; the levels before it are shown", file=sys.stderr)
        return EXIT_UNEXPECTED
    return EXIT_OK


def _print_cascade(data: dict) -> None:
    from rich.table import Table

    from eos_theory.past_window.cascade import FEIGENBAUM_DELTA

    how = {
        "exact": "exact closed form",
        "interval": "interval proof (Krawczyk): certified digits",
        "two precisions": "Newton at two precisions: the digits they agree on",
    }
    console = rich_console()
    console.print(
        "[bold]Axis map[/] y ↦ y + y(y + ε)(y − 2) (on the axis whose ε is the control parameter; the same map for every r)"
    )
    table = Table(
        title="period doubling: ε at which the period-p orbit loses stability (multiplier −1)", title_justify="left"
    )
    for name in ("p", "ε", "digits", "evidence"):
        table.add_column(name, justify="right" if name != "evidence" else "left")
    for row in data["thresholds"]:
        table.add_row(str(row["period"]), row["epsilon"] or "-", str(row["digits"]), how[row["evidence"]])
    console.print(table)
    ratios = Table(title="Feigenbaum ratios (ε(p) − ε(p/2))/(ε(2p) − ε(p))", title_justify="left")
    for name in ("p/2, p, 2p", "ratio", "digits"):
        ratios.add_column(name, justify="right")
    for row in data["feigenbaum"]:
        ratios.add_row(", ".join(map(str, row["periods"])), row["ratio"] or "-", str(row["digits"]))
    console.print(ratios)
    console.print(f"(they approach Feigenbaum's δ = {FEIGENBAUM_DELTA}…)")
    chaos = data["chaos_onset"]
    if chaos is not None:
        console.print(
            f"onset of chaos (accumulation of the thresholds) ≈ {chaos['epsilon']} ± {chaos['error']}  "
            "(an estimate: extrapolation with δ, error = spread of the last two extrapolations; not a proof)"
        )
    cr = data["crisis"]
    console.print(
        f"boundary crisis at ε = {cr['epsilon']} (exact: {cr['exact']}): the local maximum's value reaches the "
        "repelling fixed point y = 2 (θ ↦ −θ); beyond it starts in the hole y² + εy + 1 < 0 escape"
    )


def cmd_atlas(args: argparse.Namespace) -> int:
    """The regime atlas: float64 GD over a grid of (ε, r), locally or on a Dask cluster."""
    from eos_theory.numbers.decimals import exact_string
    from eos_theory.outputs import plots
    from eos_theory.outputs.files import write_bytes_atomic
    from eos_theory.past_window import atlas
    from eos_theory.running.executor import BackendError

    try:
        n_e, n_r = (int(v) for v in args.grid)
    except ValueError:
        n_e = n_r = 0
    if n_e < 1 or n_r < 1:
        raise UsageError(
            f"--grid N M: two whole numbers >= 1 (N values of ε, M values of r), got {' '.join(args.grid)}"
        )
    refuse(
        args,
        [
            (
                "--seed",
                args.seed is not None and args.starts == 0,
                "without --starts K (it seeds the K random starts per cell; the default start is not random)",
            )
        ],
    )
    backend, where = read_backend(args)
    start = atlas.Start(count=args.starts, seed=args.seed or 0)
    work = atlas.plan(
        args.epsilon_range, args.r_range, (n_e, n_r), steps=args.steps, start=start
    )  # checked before any run
    budget = read_budget(args.budget)
    made = output_dir(args.out, create=False) / "atlas.npz", Path(args.out) / f"atlas.{args.format}"
    if args.json not in (None, "-") and Path(args.json).resolve() == Path(args.out).resolve():
        raise UsageError(
            f"--json {args.json}: that is the -o directory; give the JSON a file, e.g. {made[0].parent / 'atlas.json'}"
        )
    # --json FILE in the -o directory not made yet (--json atlas/report.json): checked once it is made
    later = args.json not in (None, "-") and not Path(args.out).exists() and in_directory(args.json, args.out)
    target = json_target(args, made, writable_now=not later)
    try:
        check_budget("atlas", atlas.estimate(work), len(work.tasks), backend, where, budget)
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    out = output_dir(args.out)  # only now: a run refused above leaves no empty directory behind
    if later:
        writable(args.json, "--json")
    data_path, figure_path = (out / p.name for p in made)
    for path in (data_path, figure_path):
        writable(str(path), "-o")
    try:
        result = atlas.execute(work, backend, progress=progress("atlas", "chunks of grid rows finished"))
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    try:
        write_bytes_atomic(data_path, atlas.to_npz(result))
        plots.draw_atlas(result, figure_path)
    except OSError as exc:
        raise output_error("-o", exc.filename if exc.filename is not None else args.out, exc) from None
    meta = result.meta()
    data = {
        **meta,
        "seconds": round(result.seconds, 3),
        "ran_on": where,
        "files": {"data": str(data_path), "figure": str(figure_path)},
    }

    def show_text() -> None:
        console = rich_console()
        runs = result.kind.size
        (e_lo, e_hi), (r_lo, r_hi) = ((exact_string(v) for v in rng) for rng in (result.e_range, result.r_range))
        st = meta["start"]
        starts = (
            f"{st['count']} random starts per cell (seed {st['seed']}, θ₁ uniform over the axis interval, so the "
            f"axis start {st['axis']:g} is unused; θ₂ = {st['transverse']:g} × a normal draw)"
            if st["count"]
            else f"one start per cell (starts 0, seed {st['seed']} unused): {st['axis']:g} along the axis of ε, "
            f"pushed {st['transverse']:g} across it"
        )
        console.print(
            f"[bold]regime atlas[/]  {n_e} values of ε in [{e_lo}, {e_hi}] × {n_r} of r in "
            f"[{r_lo}, {r_hi}], {runs} runs of {result.steps} float64 GD steps "
            f"({data['seconds']} s on {where})"
        )
        console.print(
            f"  {starts}; periods looked for up to {meta['max_period']} (repeat tolerance {meta['repeat_tolerance']:g}),"
            f" chaotic when the Lyapunov exponent exceeds {meta['lyapunov_min']:g}",
            markup=False,
        )
        console.print("  labels (numerical, not proofs): " + ", ".join(f"{k} {v}" for k, v in meta["counts"].items()))
        console.print(f"  evidence: {meta['evidence']}", markup=False)
        console.print(f"  data: {data_path} ({meta['layout']}; kinds {', '.join(meta['kinds'])})", markup=False)
        console.print(f"  phase diagram: {figure_path}", markup=False)

    emit(args, data, show_text, target)
    if result.failures:  # what finished is written; the rest is one line and exit status 1
        lo, hi, why = result.failures[0]
        print(
            f"eos-theory: {len(result.failures)} of {len(work.tasks)} chunks did not finish (their runs are 'not run' "
            f"in {data_path}); the first, r = {lo:g} … {hi:g}: {why}",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
    return EXIT_OK


def register(sub) -> None:
    """Add atlas and cascade to the subcommands ``sub``."""
    a = sub.add_parser(
        "atlas",
        help="regime atlas: what GD does over a grid of (ε, r), with a phase diagram (locally or on Dask)",
        description="Run float64 gradient descent for the 2-D model with Q = diag(1, r), E = ε, η = 1 (so ε is the "
        "control parameter when r <= 0 or r >= 1) over an N x M grid of (ε, r), from a small start on the axis of ε "
        "pushed 1e-6 across it (or --starts K random starts per cell), and label every run: minimum, period-N (the "
        "period in parameter space), chaotic (bounded, no period <= 64, finite-time Lyapunov exponent > 0.01), "
        "divergent (an iterate entered a proven escape region), unbounded (|z̃| passed 1e100 outside every such "
        "region) or not converged. Every label is numerical: it describes a float64 run, not a proof. Writes the "
        "data (DIR/atlas.npz: the arrays and a JSON 'meta' entry) and the phase diagram (DIR/atlas.png or .pdf) with "
        "the exact boundaries ε = 1, ε = sqrt(5) - 1, r(r - 1)(ε - 1) = 2 and the crisis ε = 2 drawn over it. The "
        "grid runs in chunks of rows on N local processes (-j) or on the Dask cluster at --scheduler; the results "
        "are identical bit for bit either way.",
        epilog="Example: eos-theory atlas --grid 200 200 --epsilon-range 0.5 2.5 --r-range -4 4 -o atlas. Exit status: "
        "0 on success, 1 if a chunk failed, ran out of time or was lost with its worker or cluster (what finished is "
        "written: the other chunks' runs are 'not run' in the data, listed under 'failures', and stderr says why in "
        "one line), 2 for bad usage (grid, ranges, steps, an unwritable -o, an unreachable scheduler).",
    )
    a.add_argument(
        "--grid",
        metavar=("N", "M"),
        nargs=2,
        default=["200", "200"],
        help="N values of ε by M values of r (default 200 200; one value needs equal range ends)",
    )
    a.add_argument(
        "--epsilon-range",
        metavar=("LO", "HI"),
        nargs=2,
        default=["0.5", "2.5"],
        help="the values of ε, 0 < LO < HI <= 10 (default 0.5 2.5; exact: 1.05 or 21/20)",
    )
    a.add_argument(
        "--r-range",
        metavar=("LO", "HI"),
        nargs=2,
        default=["-4", "4"],
        help="the values of r, -100 <= LO < HI <= 100 (default -4 4)",
    )
    add_steps(
        a,
        10_000,
        "per run, from 384 to 10^7; periods are looked for in the last 192 iterates, the Lyapunov exponent over "
        "the second half",
        type_=int,
    )
    a.add_argument(
        "--starts",
        metavar="K",
        type=int,
        default=0,
        help="K random starts per cell (θ₁ uniform over the axis interval, θ₂ = 1e-6 × a normal "
        "draw) instead of the one stated start; the diagram shows each cell's most frequent label",
    )
    add_seed(a, "of the random starts of --starts")
    add_out(
        a,
        "a directory, created if its parent exists, for the data (atlas.npz) and the phase diagram; files are "
        "written atomically",
        default="atlas",
    )
    add_format(a)
    deprecated(a, "--e-range", now="--epsilon-range", dest="epsilon_range", metavar=("LO", "HI"), nargs=2)
    add_json(a, 'Keys: the settings, "counts" per label, "evidence", "seconds", "ran_on" and "files"')
    add_budget(a, DEFAULT_BUDGET, "the grid")
    add_scheduler(a, "the chunks of grid rows run there")
    add_jobs(a, "the chunks of grid rows")
    a.set_defaults(func=cmd_atlas)

    c = sub.add_parser(
        "cascade",
        help="the period-doubling cascade of the axis map past the window, the chaos onset and the crisis",
        description="On an eigen-axis GD is y ↦ f(y) = y + y(y + ε)(y − 2) (y = ω z̃, the same map for every ratio r "
        "of the eigenvalues). Print the thresholds ε at which the period-p orbit of f loses stability (its "
        "multiplier reaches −1; p = 1, 2, 4, …: ε = 1, √5 − 1, …), their Feigenbaum ratios, the accumulation point "
        "of the thresholds (onset of chaos, extrapolated with Feigenbaum's δ, with an error estimate) and the "
        "boundary crisis ε = 2 (exact). Thresholds past √5 − 1 come from Newton's method at two precisions "
        "(D + 10 and 2D + 20 digits); each is then proved by interval arithmetic (Krawczyk: a box holding exactly one "
        "solution), and the digits shown are certified. Every threshold says how its digits are known (digits that "
        "are not certified, if the certification fails or the time budget is spent, are those two precisions agree "
        "on).",
        epilog='The JSON object (--json): {"thresholds": [{"period", "epsilon", "digits", '
        '"evidence"}], "feigenbaum": [{"periods", "ratio", "digits"}], "chaos_onset": {"epsilon", '
        '"error"}, "crisis": {"epsilon", "exact"}}: numbers are decimal strings, "digits" is how many '
        'significant digits are shown and "evidence" is exact, interval or two precisions. Progress goes to '
        "stderr for runs longer than two seconds. Exit status 1 if a level did not converge within the budget "
        "(60 s; the levels before it are shown). Example: eos-theory cascade --levels 7 --digits 30",
    )
    c.add_argument(
        "--levels",
        metavar="K",
        type=int,
        default=7,
        help="thresholds ε_1, …, ε_K: periods 1 to 2^(K−1) (K from 3 to 12; default 7)",
    )
    add_digits(c, 30, "from 2 to 100; fewer are shown where fewer are known")
    add_json(c)
    c.set_defaults(func=cmd_cascade)
