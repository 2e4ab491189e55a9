"""What every command shares: exit codes, one-line usage errors, the console, output checks,
-j / --timeout, and progress lines on stderr."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2
_STARTED = [time.monotonic()]  #: when the command started (set by cli.main): time budgets count from there


def start_clock(process: bool) -> None:
    """Count the command's time from now, or (``process``: the command is this whole process) from when the
    process started, so that its import time counts too (Linux's /proc; elsewhere from now)."""
    _STARTED[0] = time.monotonic()
    if process:
        try:
            with open("/proc/self/stat") as fh:
                ticks = int(fh.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime, in clock ticks
            with open("/proc/uptime") as fh:
                uptime = float(fh.read().split()[0])
            _STARTED[0] -= max(0.0, uptime - ticks / os.sysconf("SC_CLK_TCK"))
        except (OSError, ValueError, IndexError):
            pass


def elapsed() -> float:
    """Seconds since the command started (:func:`start_clock`)."""
    return time.monotonic() - _STARTED[0]


def cpu_share() -> float:
    """The share of a core this process has had since the command started: its CPU time over the wall time, at
    most 1 (at least 0.05).  Below 1 on a machine busy with other work, where what is left to do takes that much
    longer in wall time than in CPU time.  (Called in a process that ran before the command, the ratio counts
    that CPU time too and is read as 1.)"""
    spent = elapsed()
    return min(1.0, max(0.05, time.process_time() / spent)) if spent > 0 else 1.0


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line."""


def rich_console(stderr: bool = False):
    """A rich console; when writing to a file or pipe, wide enough for the report table."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 140
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def output_error(flag: str, path, exc: OSError) -> UsageError:
    """One line for any failure to write an output: the flag, the path and the reason."""
    return UsageError(f"{flag} {path}: {exc.strerror or exc}")


def writable(path: str, flag: str = "--json") -> Path:
    """Fail before any work if an output file could not be written to ``path``."""
    from eos_theory.outputs.files import check_writable

    try:
        check_writable(path)
    except OSError as exc:
        raise output_error(flag, path, exc) from None
    return Path(path)


def read_jobs(args: argparse.Namespace) -> int:
    """-j: a positive whole number of worker processes (default: every core this process may use)."""
    from eos_theory.running.executor import cores

    try:
        jobs = cores() if args.jobs is None else int(args.jobs)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UsageError(f"-j must be a positive whole number of worker processes, got {args.jobs!r}")
    return jobs


def read_backend(args: argparse.Namespace):
    """-j N or --scheduler ADDR, not both: the executor backend to run on and where that is, in words.

    A Dask backend connects only when it first runs, so an unreachable scheduler is reported then.
    """
    from eos_theory.running import executor

    if args.scheduler is not None and args.jobs is not None:
        raise UsageError("give -j (local worker processes) or --scheduler (a Dask cluster), not both")
    if args.scheduler is not None:
        if not args.scheduler.strip():
            raise UsageError("--scheduler: give the Dask scheduler's address, e.g. tcp://host:8786")
        return executor.Dask(args.scheduler, connect_timeout=executor.CONNECT_TIMEOUT), args.scheduler
    jobs = read_jobs(args)
    return executor.local(jobs), f"{jobs} local process{'es' if jobs > 1 else ''}"


def read_timeout(value) -> float:
    """--timeout: seconds, read as an exact number, from a millisecond (a clock's resolution; 1e-400 would become
    the float 0) to the executor's cap."""
    from fractions import Fraction

    from eos_theory.numbers.parse import exact
    from eos_theory.running.executor import MAX_TIMEOUT

    timeout = exact(value, "--timeout")
    if not Fraction(1, 1000) <= timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be at least 0.001 and at most {MAX_TIMEOUT} seconds, got {value}")
    return float(timeout)


def progress(name: str, what: str):
    """``show(done, total, failed=0)``: ``name: done/total what[, F failed][, about T left]`` on stderr as work
    finishes, rewritten in place on a terminal; the estimate of the time left (from the pace so far) once the
    work has run two seconds.  Only work that finished counts as done; what failed is counted apart.

    Nothing is written before the first piece finishes, so an early error (an unreachable
    scheduler) is the only line on stderr.
    """
    tty = sys.stderr.isatty()
    start = time.monotonic()

    def show(done: int, total: int, failed: int = 0) -> None:
        over = done + failed
        line = f"{name}: {done}/{total} {what}" + (f", {failed} failed" if failed else "")
        spent = time.monotonic() - start
        if 0 < over < total and spent > 2:
            line += f", about {_duration(spent * (total - over) / over)} left"
        end = "\n" if over == total or not tty else ""
        print(f"\r{line}\x1b[K" if tty else line, end=end, file=sys.stderr, flush=True)

    return show


def output_dir(path: str, flag: str = "-o", create: bool = True) -> Path:
    """The output directory ``path``, created if its parent exists (``create``: else only checked, so that a
    run refused later leaves nothing behind); a one-line error otherwise."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{flag} {path}: not a directory")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"{flag} {path}: directory {out.parent} does not exist")
    if not create:
        return out
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot create the directory: {exc.strerror or exc}") from None
    return out


def eta_progress(name: str, what: str, after: float = 2.0, every: float = 5.0, limit: float | None = None):
    """A function ``show(done, total)`` that writes ``name: done/total what, about T left`` on stderr once the
    work has run ``after`` seconds, then every ``every`` seconds: nothing for a short run, an ETA (from the
    pace so far; at most the ``limit`` seconds the run has left, if it has one) for a long one.  Cheap
    enough to call at every step."""
    start = time.monotonic()
    shown = [start + after - every]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - shown[0] < every or done <= 0:
            return
        shown[0] = now
        left = (now - start) * (total - done) / done
        tail = ""
        if limit is not None and start + limit - now < left:
            left, tail = max(0.0, start + limit - now), " (then the time limit stops it)"
        print(f"{name}: {done}/{total} {what}, about {_duration(left)} left{tail}", file=sys.stderr, flush=True)

    return show


def _duration(seconds: float) -> str:
    """3 s, 4 min, 2.5 h, 3.7 days."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    days = seconds / 86400
    return f"{days:.1f} days" if days < 10 else f"{days:,.0f} days"


DEFAULT_BUDGET = 3600.0  #: seconds: the longest estimated run atlas and ensemble start without --budget


def read_budget(value) -> float:
    """--budget: seconds, read exactly, > 0 and at most the executor's cap (11.6 days)."""
    from eos_theory.numbers.parse import exact
    from eos_theory.running.executor import MAX_TIMEOUT

    budget = exact(value, "--budget")
    if not 0 < budget <= MAX_TIMEOUT:
        raise UsageError(f"--budget must be > 0 and at most {MAX_TIMEOUT} seconds, got {value}")
    return float(budget)


def slots(backend) -> int:
    """How many tasks ``backend`` runs at once: its local worker processes, or the Dask cluster's worker
    threads (asked of the scheduler: this connects once)."""
    from eos_theory.running import executor

    if isinstance(backend, executor.Processes):
        return backend.jobs
    if isinstance(backend, executor.Dask):
        return backend.threads()
    return 1


def check_budget(name: str, work: tuple[float, float], tasks: int, backend, where: str, budget: float) -> float:
    """The estimated wall time of ``work`` (core-seconds of everything, of the largest task) on ``backend``;
    refused (UsageError) above ``budget`` seconds, announced on stderr above ten seconds."""
    total, largest = work
    wall = max(total / max(1, min(slots(backend), tasks)), largest)
    if wall > budget:
        from eos_theory.running.executor import MAX_TIMEOUT

        raise_it = (
            f"or raise the budget with --budget {int(wall * 1.5) + 1} (seconds)"
            if wall * 1.5 < MAX_TIMEOUT
            else f"since it is beyond even the largest --budget, {_duration(MAX_TIMEOUT)}"
        )
        raise UsageError(
            f"the run would take about {_duration(wall)} on {where} (estimated before starting), over the "
            f"budget of {_duration(budget)}: ask for fewer runs or steps, {raise_it}"
        )
    if wall > 10:
        print(f"{name}: about {_duration(wall)} on {where} (estimated before starting)", file=sys.stderr, flush=True)
    return wall
