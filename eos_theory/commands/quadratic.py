"""The 2-D quadratic model: ``eos-theory gd`` (GD for your own Q) and ``orbit`` (its regime and attractor)."""

from __future__ import annotations

import argparse

from eos_theory.commands.common import (
    EXIT_OK,
    UsageError,
    cpu_share,
    elapsed,
    eta_progress,
    read_timeout,
    rich_console,
)
from eos_theory.commands.grammar import (
    add_digits,
    add_json,
    add_lr,
    add_omega,
    add_seed,
    add_steps,
    add_target,
    add_timeout,
    deprecated,
    emit,
    json_target,
    refuse,
)
from eos_theory.quadratic.gd import Problem


def _parse_matrix(text: str) -> list[list[str]]:
    """'1 2; 2 -1' (rows separated by ';', entries by spaces or commas) -> rows of strings."""
    rows = [r.replace(",", " ").split() for r in text.split(";")]
    if not any(rows):
        raise UsageError("--Q: empty matrix")
    return rows


MAX_ROWS = 500  #: gd's rows: a longer run shows every k-th step (k a power of 2), so memory stays bounded
PRINT_SECONDS = 1.5  #: the least time kept out of gd's run for printing its rows and exiting
#: the CPU time printing MAX_ROWS rows and exiting take, with room (measured: about 0.4 s, half of it the
#: interpreter's teardown): where this process gets a share s < 1 of a core, the run leaves them
#: PRINT_CPU_SECONDS / s of wall time
PRINT_CPU_SECONDS = 0.75


def print_reserve(timeout: float) -> float:
    """The wall time gd keeps out of its run for printing and exiting: the time their CPU time takes at the share
    of a core this process has had so far (a fixed 1.5 s let a run at --timeout 10 end after 11.4 s at a sixth of a
    core), at least PRINT_SECONDS, at most a quarter of the time limit."""
    return min(max(PRINT_SECONDS, PRINT_CPU_SECONDS / cpu_share()), timeout / 4)


def _two_d_map_alongside(problem: Problem):
    """A function of (z̃_k, η·NTK_k) that returns the derived 2-D map's (z̃, η·NTK) at step k, iterating the
    map one step per call from the first values it is given, at the caller's mp precision."""
    from eos_theory.numbers.parse import to_mpf
    from eos_theory.quadratic.maps import two_d_map

    step = two_d_map().numeric
    state: list = []  # [(z̃, η·NTK), the invariants (tr Q, det Q, E, η) at the working precision]

    def follow(zt, ntk):
        if not state:
            Q = [[to_mpf(q) for q in r] for r in problem.Q]
            inv = (Q[0][0] + Q[1][1], Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0], to_mpf(problem.target), to_mpf(problem.lr))
            state[:] = [(zt, ntk), inv]
        else:
            state[0] = step(*state[0], *state[1])
        return state[0]

    return follow


def cmd_gd(args: argparse.Namespace) -> int:
    """Parameter-space GD at high precision, checked step by step against the derived 2-D map."""
    from mpmath import mp

    from eos_theory.numbers.decimals import MAX_DIGITS, MIN_DIGITS, agreeing_digits
    from eos_theory.numbers.parse import MIN_DPS
    from eos_theory.quadratic.gd import Problem
    from eos_theory.quadratic.runs import trajectory

    if (args.Q is None) == (args.omega is None):
        raise UsageError("give the matrix either as --Q 'ROWS' or as its eigenvalues --omega W1 W2 ...")
    if args.precision is not None and not MIN_DPS <= args.precision <= MAX_DIGITS:
        raise UsageError(f"--precision (working digits) must be from {MIN_DPS} to {MAX_DIGITS}, got {args.precision}")
    precision = args.precision if args.precision is not None else max(50, min(args.digits + 10, MAX_DIGITS))
    most = precision if args.precision is not None or args.digits <= 40 else MAX_DIGITS - 10
    if not MIN_DIGITS <= args.digits <= most:
        raise UsageError(
            f"--digits (printed) must be from {MIN_DIGITS} to {most} (no more digits than the working precision, "
            f"--precision, computes), got {args.digits}"
        )
    if args.steps < 0:
        raise UsageError(f"--steps must be >= 0, got {args.steps}")
    timeout = read_timeout(args.timeout)
    target = json_target(args)
    if args.Q is not None:
        problem = Problem.create(_parse_matrix(args.Q), args.target, args.lr)
    else:
        problem = Problem.diagonal(args.omega, args.target, args.lr)
    follow = _two_d_map_alongside(problem) if problem.P == 2 else None
    # --timeout bounds the whole command: the run gets what start-up and printing the rows leave
    seconds = max(timeout - elapsed() - print_reserve(timeout), 0.01)
    eta = eta_progress("gd", "steps", limit=seconds)
    run = trajectory(
        problem,
        args.theta,
        args.steps,
        dps=precision,
        max_seconds=seconds,
        max_records=MAX_ROWS,
        follow=lambda k, zt, ntk: (eta(k, args.steps), follow(zt, ntk) if follow else None)[1],
    )
    rows = []
    with mp.workdps(precision):
        for k, zt, ntk, reduced in zip(run.at, run.zt, run.ntk, run.followed):
            row = {"step": k, "ztilde": mp.nstr(zt, args.digits), "ntk": mp.nstr(ntk, args.digits)}
            if reduced is not None:
                row["map_digits"] = min(
                    agreeing_digits(zt, reduced[0]) if zt != 0 else precision, agreeing_digits(ntk, reduced[1])
                )
            rows.append(row)
    stopped = None
    if run.stopped is not None:
        reason = run.stopped.reason
        if reason.startswith("time limit"):  # the run's share of the budget: say the budget the user gave
            reason = f"--timeout {timeout:g} (start-up and printing included) reached after {run.steps} steps"
        stopped = {"step": run.stopped.step, "status": run.stopped.status, "reason": reason}

    data = {
        "P": problem.P,
        "precision": precision,
        "digits": args.digits,
        "every": run.stride,
        "steps": rows,
        "stopped": stopped,
    }

    def show_text() -> None:
        from rich.table import Table

        table = Table(
            title=f"gradient descent in parameter space, P = {problem.P}, {precision} working digits, "
            f"{args.digits} printed",
            title_justify="left",
        )
        for name in ("step", "z̃ = ηz", "η·NTK"):
            table.add_column(name, justify="right")
        if problem.P == 2:
            table.add_column("digits agreeing with the 2-D map", justify="right")
        for row in rows:
            table.add_row(
                str(row["step"]), row["ztilde"], row["ntk"], *([str(row["map_digits"])] if problem.P == 2 else [])
            )
        console = rich_console()
        console.print(table)
        if run.stride > 1:
            console.print(f"(every {run.stride}th step shown, and the last: at most {MAX_ROWS} rows)")
        if stopped is not None:
            head = "GD diverged" if stopped["status"] == "diverged" else "stopped (not converged)"
            console.print(f"{head}: {stopped['reason']}")  # the reason names the step

    emit(args, data, show_text, target)
    return EXIT_OK


CONTROL_HELP = (
    "ε is the dimensionless control parameter ε = min{ηEω_i : ηEω_i > 0}, half the smallest η·NTK over the "
    "zero-loss minima: GD can settle at a minimum iff ε ≤ 1 (at a linearly stable one, η·NTK < 2, iff ε < 1; at "
    "ε = 1 only at the least-NTK minimum, η·NTK = 2, algebraically slowly), and for ε > 1 the "
    "period-2 orbit on that eigenvalue's axis is the candidate attractor, with cycle-mean η·NTK 1 + ε."
)


def cmd_orbit(args: argparse.Namespace) -> int:
    from eos_theory.numbers.decimals import Uncertified, check_digits
    from eos_theory.numbers.parse import check_count
    from eos_theory.quadratic import closed_forms

    check_digits(args.digits, "--digits")
    refuse(
        args,
        [
            (
                "--seed",
                args.seed is not None and not args.attractor,
                "with --no-attractor (it seeds the attractor search's simulated starts)",
            )
        ],
    )
    if args.seed is not None:
        check_count(args.seed, "seed")  # before any work
    target = json_target(args)
    omega1, omega2 = args.omega
    st = closed_forms.setting(omega1, omega2, args.target, args.lr)
    if st.E == 0:
        raise UsageError("E = 0: the minimum θ = 0 has NTK 0 and there is no edge of stability to analyse")
    try:
        report = closed_forms.orbit_report(omega1, omega2, args.target, args.lr, digits=args.digits)
    except Uncertified as exc:
        raise UsageError(str(exc)) from None
    report["closed_form_regime"] = report["regime"]
    if args.attractor:
        from eos_theory.past_window import attractor

        found = attractor.attractor(omega1, omega2, args.target, args.lr, seed=args.seed or 0)
        report["attractor"] = found.to_json()
        # what GD does; closed_form_regime is what the closed forms decide, and stands when the bounded
        # simulation could not decide (e.g. η so small that GD has not converged within the budget)
        if not (found.label == "not converged" and report["closed_form_regime"] in ("minimum", "period-2")):
            report["regime"] = found.label
    else:
        report["attractor"] = None
    if args.check:
        report["check"] = _check_orbit(
            st, closed_forms.orbit_closed_forms(omega1, omega2, args.target, args.lr), args.digits
        )
    emit(args, report, lambda: _print_orbit(report, st), target)
    return EXIT_OK


def _check_orbit(st, cf: dict, digits: int) -> dict:
    """Parameter-space GD from a point next to the predicted attractor, until it settles, provably
    diverges or runs out of budget; digits vs the closed form only when it settled with the predicted period."""
    from mpmath import mp

    from eos_theory.quadratic import runs

    dps = max(50, digits + 20)
    problem = Problem.diagonal(list(st.omega), st.E, st.eta)  # exact: no round trip through strings
    i = st.axis - 1
    with mp.workdps(dps):
        w_axis, eta_v = mp.mpf(str(st.omega[i])), mp.mpf(str(st.eta))
        if cf["cycle"] is not None:
            predicted, period = cf["cycle"]["ntk"], 2  # the EOS orbit: period 2 in θ (closed_forms.orbit_theta)
            across = mp.mpf(10) ** -6  # a small push off the axis tests the transverse multiplier too
        else:
            predicted, period = [cf["min_ntk"]], 1  # a zero-loss minimum: a fixed point
            across = mp.mpf(0)  # on the axis the minimum is unique
        start_ntk = mp.mpf(str(min(predicted).evalf(dps + 10)))
        along = mp.sqrt(start_ntk / eta_v) / abs(w_axis) * (1 + mp.mpf(10) ** -3)
        theta0 = [across * along] * 2
        theta0[i] = along
        end = runs.outcome(problem, theta0, dps=dps)
        agree = None
        if end.settled and end.period == period:
            assert end.digits is not None  # a settled run reports its agreeing digits
            agree = int(min(runs.cycle_digits(end.ntk, predicted, dps=dps), end.digits))
        return {
            "steps": end.steps,
            "ntk": [mp.nstr(v, digits, strip_zeros=False) for v in end.ntk],
            "digits_agree": agree,
            "status": end.status,
            "period": end.period,
            "predicted_period": period,
            "reason": end.reason,
        }


def _print_orbit(report: dict, st) -> None:
    from eos_theory.numbers.decimals import exact_string

    console = rich_console()
    w1, w2, E, eta = (exact_string(v) for v in (*st.omega, st.E, st.eta))  # the inputs, exactly
    console.print(f"[bold]2-D model[/]  ω = ({w1}, {w2}), E = {E}, η = {eta}")
    console.print(f"  control parameter ε = {report['epsilon']}   (edge of stability at ε = 1)")
    console.print(f"  smallest η·NTK over zero-loss minima = {report['min_ntk']}   (= 2ε)")
    console.print(
        f"  regime: [bold]{report['regime']}[/]"
        + (
            f"   (closed forms alone: {report['closed_form_regime']})"
            if report["regime"] != report["closed_form_regime"]
            else ""
        )
    )
    c = report["cycle"]
    if c is None:
        console.print("  period-2 orbit: none (it is born at ε = 1)")
    else:
        console.print(f"  period-2 orbit on the ω = {exact_string(st.omega[st.axis - 1])} axis:")
        console.print(f"    η·NTK at its two points = {c['ntk'][0]}, {c['ntk'][1]}")
        console.print(f"    cycle mean η·NTK = {c['mean_ntk']}   EOS offset (mean − 2) = {c['offset']}")
        console.print(
            f"    two-step multipliers in θ: along the axis {c['multipliers'][0]}, across it {c['multipliers'][1]}"
        )
    a = report["attractor"]
    if a is not None:
        console.print(
            f"  attractor: [bold]{a['label']}[/]" + ("" if a["period"] is None else f", period {a['period']} in θ")
        )
        for name, key, ci in (
            ("time-averaged η·NTK", "mean_ntk", "mean_ntk_ci"),
            ("Lyapunov exponent", "lyapunov", "lyapunov_ci"),
            ("transverse Lyapunov exponent", "transverse_lyapunov", "transverse_lyapunov_ci"),
            ("fraction of starts that escape", "escape_fraction", "escape_ci"),
        ):
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
        head = f"parameter-space GD settled ({chk['status']}) on {what} after {chk['steps']} steps, η·NTK = {ntk}"
        if chk["digits_agree"] is not None:
            return f"{head}: [bold]{chk['digits_agree']}[/] digits agree with the closed form ({chk['reason']})"
        return f"{head}; the closed form predicts period {chk['predicted_period']}, so no digits are compared ({chk['reason']})"
    steps = "step" if len(chk["ntk"]) == 1 else f"{len(chk['ntk'])} steps"
    last = f"; η·NTK at its last {steps}: {ntk}" if chk["ntk"] else ""
    return f"parameter-space GD [bold]{chk['status']}[/] after {chk['steps']} steps: {chk['reason']}{last}"


def register(sub) -> None:
    """Add gd and orbit to the subcommands ``sub``."""
    g = sub.add_parser(
        "gd",
        help="run gradient descent for your own Q, θ, E, η and check it against the derived 2-D map",
        description="Run gradient descent θ ← θ − η z Qθ (z = ½θᵀQθ − E) in parameter space with mpmath at the "
        "working precision, and print z̃ = ηz and the η-normalised NTK η·θᵀQ²θ (edge of stability at 2) at each "
        "step. For P = 2 each step is compared with the closed 2-D map derived by SymPy, as a number of agreeing "
        "digits. Numbers are read exactly: decimals and fractions such as 1.05 or 21/20. The run stops early, and says "
        "why, when an iterate enters a proven escape region (GD diverges), when |z̃| or |θ| passes 2^(2^62) outside "
        "every such region, or when the time limit is spent.",
        epilog='With --json: {"P", "precision", "digits", "every" (the rows are every such step, and the last), '
        '"steps": [{"step", "ztilde", "ntk", "map_digits" (P = 2)}], '
        '"stopped": null | {"step", "status", "reason"}}. '
        "Example: eos-theory gd --Q '1 1/2; 1/2 -1' --theta 1 1 --target 1 --lr 1/4 --steps 8",
    )
    g.add_argument("--Q", metavar="ROWS", help="symmetric matrix, rows separated by ';': '1 1/2; 1/2 -1'")
    add_omega(g, "+", "Q is diagonal with these entries, one per parameter (or give Q itself with --Q)")
    g.add_argument("--theta", metavar="T", nargs="+", required=True, help="initial parameters θ₀, one per row of Q")
    add_target(g, required=True)
    add_lr(g)
    add_steps(
        g,
        10,
        f"(0 or more); at most {MAX_ROWS} rows are kept and shown: a longer run shows every 2^k-th step and the "
        "last, so memory does not grow with the steps",
        type_=int,
    )
    add_digits(g, 20, "from 2 to the working precision")
    g.add_argument(
        "--precision",
        metavar="W",
        type=int,
        help="working precision in decimal digits, from 15 to 1000 (default: 50, or D + 10 for --digits D > 40)",
    )
    add_timeout(
        g,
        "60",
        "for the whole command, start-up and printing included (default 60): the run stops early, and says so, "
        "when the time is spent",
    )
    add_json(g)
    deprecated(g, "--max-seconds", now="--timeout", dest="timeout", metavar="SECONDS")
    deprecated(
        g,
        "--show",
        now="--digits",
        dest="digits",
        metavar="D",
        moves="precision",
        meaning="printed digits; given with --show, --digits keeps its old meaning, the working precision, now "
        "spelled --precision",
    )
    g.set_defaults(func=cmd_gd)

    o = sub.add_parser(
        "orbit",
        help="closed-form edge-of-stability analysis of the 2-D model (regime, period-2 orbit, EOS offset)",
        description="For Q = diag(ω1, ω2), target E and step size η, print the regime of gradient descent and the "
        "closed forms derived by SymPy: the control parameter, the smallest η·NTK over the zero-loss minima, and "
        "the period-2 orbit (η·NTK at both points, the cycle mean and its offset from 2, and both multipliers of "
        "the two-step map in parameter space). NTK values are η·JJᵀ, so the edge of stability is 2. "
        + CONTROL_HELP
        + " Inputs are exact: 1.05 and 21/20 are the same number.",
        epilog="Regimes (the 'regime' key): 'minimum' (GD settles at a stable zero-loss minimum), 'period-2', "
        "'period-N' (N = 4, 6, 8, …: the attracting period in θ), 'chaotic' (bounded, Lyapunov exponent > 0 at 95%), "
        "'divergent' (every simulated start escaped into a proven escape region), 'split' (starts split between "
        "attractors; see the escape fraction), 'not converged'. 'closed_form_regime' is what the closed forms alone "
        "decide (minimum, period-2, or unstable: neither attracts); past the window the label comes from the "
        "attractor search (cycles proved by interval arithmetic, chaos and escape measured over seeded float64 runs, "
        "with confidence intervals), and 'how' in the attractor says which. The JSON object (--json) is "
        '{"epsilon", "regime", "closed_form_regime", "min_ntk", "cycle": null | {"ntk", "mean_ntk", "offset", '
        '"multipliers"}, "attractor": null | {"label", "period", "mean_ntk", "mean_ntk_ci", "lyapunov", '
        '"lyapunov_ci", "transverse_lyapunov", "transverse_lyapunov_ci", "escape_fraction", "escape_ci", "level", '
        '"how"}, "check": null | {"steps", "ntk", "digits_agree", "status", "period", "predicted_period", "reason"}}: '
        "check's status is converged, periodic, diverged (a proven escape region was entered) or not converged (a "
        "budget ran out), and digits_agree is null unless GD settled with the predicted period. Example: eos-theory "
        "orbit --omega -1 1 --target 1 --lr 1.4",
    )
    add_omega(o, 2, "the two, ω1 ω2", required=True)
    add_target(o, ", non-zero", required=True)
    add_lr(o)
    add_digits(
        o,
        30,
        "from 2 to 1000. Each digit is certified (exact rounding, or interval arithmetic for square roots); a value "
        "shown with fewer than D digits, or as an integer, is exact; any other is rounded to nearest and shows all "
        "D digits",
    )
    o.add_argument(
        "--check",
        action="store_true",
        help="also run parameter-space GD at max(50, D + 20) digits from next to the predicted attractor "
        "(at most 200000 steps and 20 s) and report what it did: settled (and how many digits of its η·NTK "
        "agree with the closed form), diverged (with the escape certificate) or not converged",
    )
    o.add_argument(
        "--no-attractor",
        dest="attractor",
        action="store_false",
        help="only the closed forms: skip the bounded simulation that finds the attractor (period, "
        "time-averaged η·NTK, Lyapunov exponents, escape fraction)",
    )
    add_seed(o, "of the attractor search's simulated starts and runs")
    add_json(o)
    o.set_defaults(func=cmd_orbit)
