"""Issue 15's reproducers, run as a new user runs them: ``eos-theory`` as a fresh process, from a directory outside
the repository, each under ``/usr/bin/time -v`` and ``timeout 60``.

Issue 15's "Done when": every reproducer ends within 10 s and 500 MB with one line and exit status 2, or with the
correct result; work finished before a cluster failure is written.  For each reproducer this prints the exit
status, wall time, peak resident memory (of the largest process: ``time``'s "Maximum resident set size") and the
first line of stderr after any notes about old option spellings (or of stdout when there is none), then whether it met its bound:

* ``refused``: exit 2 within 10 s and 500 MB, and stderr is one ``eos-theory: error: …`` line (a one-line
  ``eos-theory: note:`` for an old option spelling may precede it);
* ``result``: exit 0 within the bounds, no traceback, and stdout shows what the issue says is right (each case
  names what it looks for);
* item 11, with ``--dask``: a local ``dask scheduler`` and ``dask worker`` (2 processes) run an atlas and an
  ensemble, and the scheduler is killed once some chunks or runs have finished: exit 1, the finished work written
  (the atlas's npz with finished cells, the ensemble's JSON with the finished runs), one ``eos-theory:`` line after
  the progress lines, within 10 s (and 500 MB) of the kill.  It needs ``distributed`` (``pip install -e
  ".[dask]"``) and takes about a minute.

Exits 1 if any reproducer breaks its bound.

    python benchmarks/reproducers.py [--dask] [-k SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECONDS, MEGABYTES = 10.0, 500.0  #: issue 15's bound on every reproducer
TIMEOUT = 60  #: ``timeout 60``: a reproducer that hangs is stopped here (and fails)

XY = ("analyze", "--params", "x", "y")
GD = ("gd", "--omega", "-1", "1", "--theta", "0.1", "0.1", "--target", "1", "--lr", "1.4", "--steps", "1000000000")


@dataclass(frozen=True)
class Case:
    item: str  #: the issue's item number
    argv: tuple[str, ...]  #: after ``eos-theory``; ``{dir}`` is the scratch directory
    check: Callable[[str], bool] | None = None  #: None: must be refused; else a test of stdout (exit 0)
    wants: str = ""  #: what ``check`` looks for, in words
    setup: Callable[[Path], None] | None = field(default=None, compare=False)


def has(*fragments: str, absent: tuple[str, ...] = ()) -> Callable[[str], bool]:
    return lambda out: all(f in out for f in fragments) and not any(a in out for a in absent)


def json_has(test: Callable[[dict], bool]) -> Callable[[str], bool]:
    def check(out: str) -> bool:
        try:
            return test(json.loads(out))
        except (ValueError, KeyError, TypeError, IndexError):
            return False

    return check


def model_files(d: Path) -> None:
    (d / "binary.toml").write_bytes(b"\xff\xfe params = []")
    (d / "deep.toml").write_text("params = " + "[" * 5000 + "]" * 5000)
    if not (d / "fifo").exists():
        os.mkfifo(d / "fifo")


def cascade_digits(digits: int, thresholds: list[str]) -> Case:
    return Case(
        "8",
        ("cascade", "--levels", "3", "--digits", str(digits), "--json"),
        json_has(lambda d: [r["epsilon"] for r in d["thresholds"]] == thresholds),
        f"thresholds 1, √5 − 1, e₃ to {digits} digits: {', '.join(thresholds)}",
    )


CASES: list[Case] = [
    # 1. numbers evaluated before any limit
    Case("1", (*XY, "--output", "9**9**9", "--target", "1")),
    Case("1", (*XY, "--output", "10**10**8", "--target", "1")),
    Case("1", (*XY, "--output", "x*y", "--target", "1", "--loss", "r^2/2 + 9**9**9*r^4")),
    # 2. degrees read from the exponent
    Case("2", (*XY, "--output", "x**99999999", "--target", "1")),
    Case("2", (*XY, "--output", "x**(10**10)", "--target", "1")),
    Case("2", (*XY, "--output", "x*y", "--target", "1", "--loss", "r^2/2 + r**99999999")),
    # 3. Python's limit on integer digits
    Case("3", (*XY, "--output", "2**2**2**2**2", "--target", "1")),
    # 4. model files: not UTF-8, nested 5000 deep, a FIFO (for the three commands that read one), a device
    *(
        Case("4", (*command, "--model", "{dir}/" + name), setup=model_files)
        for command in (("analyze",), ("latex",), ("plot", "-o", "{dir}/plots"))
        for name in ("binary.toml", "deep.toml", "fifo")
    ),
    Case("4", ("analyze", "--model", "/dev/zero")),
    # 5. orbit's numbers
    Case("5", ("orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1e1000")),
    Case("5", ("orbit", "--omega", "1e10000", "1", "--target", "1", "--lr", "1")),
    Case("5", ("orbit", "--omega", "1e-10000", "1", "--target", "1", "--lr", "1")),
    Case("5", ("orbit", "--omega", "-1", "1", "--target", "1e-10000", "--lr", "1")),
    # 6. atlas: a range read before the grid runs (the spelling, --e-range, is an old one and gives a note)
    Case("6", ("atlas", "--grid", "3", "3", "--e-range", "1e-10000", "1", "-o", "{dir}/atlas6")),
    Case("6", ("atlas", "--grid", "3", "3", "--epsilon-range", "1e-10000", "1", "-o", "{dir}/atlas6")),
    # 7. an empty scheduler address
    Case("7", ("atlas", "--scheduler", "", "-o", "{dir}/atlas7")),
    Case("7", ("ensemble", "--n-params", "200", "--n-outputs", "20", "--lr", "1", "--seeds", "64", "--scheduler", "")),
    # 8. cascade's documented digits, 2 to 100
    cascade_digits(2, ["1", "1.2", "1.3"]),
    cascade_digits(3, ["1", "1.24", "1.29"]),
    cascade_digits(4, ["1", "1.236", "1.288"]),
    # 9. gd: the time limit bounds the command, and memory stays bounded (--max-seconds is the old --timeout)
    Case(
        "9",
        (*GD, "--max-seconds", "10"),
        has("--timeout 10 (start-up and printing included) reached"),
        "stops at its time limit, saying so",
    ),
    Case(
        "9",
        (*GD, "--max-seconds", "10", "--json"),
        json_has(lambda d: d["stopped"]["reason"].startswith("--timeout 10 ") and len(d["steps"]) <= 500),
        "JSON: stopped by --timeout 10, at most 500 rows",
    ),
    # 10. work estimated before it starts, refused over --budget
    Case("10", ("atlas", "--grid", "2000", "2000", "--steps", "10000000", "-o", "{dir}/atlas10")),
    Case(
        "10",
        ("ensemble", "--params", "2000", "--outputs", "25", "--lr", "1", "--seeds", "100000", "--steps", "1000000"),
    ),
    # 12. 'converged' only for a fixed point
    Case(
        "12",
        ("orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1e-45", "--no-attractor", "--check", "--json"),
        json_has(lambda d: d["check"]["status"] == "not converged" and "stalled" in d["check"]["reason"]),
        "check: not converged, GD stalled",
    ),
    Case(
        "12",
        ("analyze", "--params", "u", "v", "--output", "u*v", "--target", "1", "--lr", "1e-22", "--json"),
        json_has(lambda d: d["gd"]["status"] == "not converged" and "stalled" in d["gd"]["how"]),
        "gd: not converged, stalled",
    ),
    # 13. e = 1: no minimum is linearly stable
    Case(
        "13",
        ("orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1"),
        has("no minimum is linearly stable", absent=("a linearly stable minimum exists", "[2e, 2)")),
        "no minimum called linearly stable, no empty [2e, 2)",
    ),
    # 14. a loss with other zeros, a loss unbounded below
    Case(
        "14",
        (*XY, "--output", "x*y", "--target", "3", "--loss", "sin(r)^2"),
        has("least sharpness over the zero-residual minima = 12", absent=("global minima",)),
        "sharpness 12 over the zero-residual minima, not 'global'",
    ),
    Case("14", (*XY, "--output", "x*y", "--target", "3", "--loss", "r^2-r^4")),
    # 15. smaller ones
    Case(
        "15",
        ("analyze", "--params", "Integer", "Float", "--output", "2*Integer*Float + 0.5", "--target", "5/2", "--json"),
        json_has(lambda d: d["least_sharpness"] == "8"),
        "least sharpness 8 (at I = F = ±1)",
    ),
    Case("15", (*XY, "--output", "x*y", "--target", "1", "--loss", "-r**2")),
    Case("15", (*XY, "--output", "sqrt(-x^2-1)*y", "--target", "1")),
    Case(
        "15",
        ("verify", "--claim", "gf-J", "--claim", "gf-J"),
        has("1 claim decided as recorded"),
        "gf-J once: '1 claim decided as recorded'",
    ),
]


@dataclass
class Measured:
    code: int
    seconds: float
    megabytes: float
    out: str
    err: str

    @property
    def first_line(self) -> str:
        """The first line of stderr after any notes of old spellings, else of stdout."""
        err = [line for line in self.err.splitlines() if line.strip() and not line.startswith("eos-theory: note:")]
        lines = err or [line for line in self.out.splitlines() if line.strip()]
        return lines[0] if lines else ""

    @property
    def last_error(self) -> str:
        """The last line of stderr (after the progress lines of a run on a cluster)."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def eos_theory() -> str:
    """The ``eos-theory`` console script of this Python's environment."""
    here = Path(sys.executable).parent / "eos-theory"
    found = str(here) if here.exists() else shutil.which("eos-theory")
    if found is None:
        sys.exit("eos-theory is not installed here: pip install -e .")
    return found


def measure(argv: list[str], cwd: Path, stdout_file: Path | None = None) -> Measured:
    """``/usr/bin/time -v timeout 60 eos-theory ARGV`` in ``cwd``: exit status, wall time, peak RSS, output."""
    report = cwd / ".time"
    cmd = ["/usr/bin/time", "-v", "-o", str(report), "timeout", str(TIMEOUT), eos_theory(), *argv]
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL)
    return Measured(done.returncode, *read_time(report), done.stdout, done.stderr)


def read_time(report: Path) -> tuple[float, float]:
    """Wall seconds and peak resident megabytes from ``/usr/bin/time -v``'s report."""
    text = report.read_text()
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    assert clock and rss, text
    seconds = 0.0
    for part in clock.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1)) / 1024


def judge(case: Case, m: Measured) -> str:
    """'' when the case met its bound, else what broke."""
    broken = []
    if m.seconds > SECONDS:
        broken.append(f"{m.seconds:.1f} s > {SECONDS:g} s")
    if m.megabytes > MEGABYTES:
        broken.append(f"{m.megabytes:.0f} MB > {MEGABYTES:g} MB")
    if "Traceback" in m.err or "internal error" in m.err:
        broken.append("a traceback or an internal error")
    if case.check is None:
        lines = [line for line in m.err.splitlines() if line.strip() and not line.startswith("eos-theory: note:")]
        if m.code != 2:
            broken.append(f"exit {m.code}, not 2")
        if len(lines) != 1 or not lines[0].startswith("eos-theory: error: "):
            broken.append(f"{len(lines)} lines on stderr, not one error line")
    else:
        if m.code != 0:
            broken.append(f"exit {m.code}, not 0")
        elif not case.check(m.out):
            broken.append(f"stdout lacks: {case.wants}")
    return "; ".join(broken)


def show(item: str, command: str, m: Measured, verdict: str, line: str | None = None) -> None:
    line = m.first_line if line is None else line
    first = line if len(line) <= 110 else line[:107] + "..."
    print(
        f"| {item} | `{command}` | {m.code} | {first.replace('|', '/')} | {m.seconds:.2f} | {m.megabytes:.0f} | "
        f"{verdict or 'ok'} |",
        flush=True,
    )


def quoted(argv: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in argv)


# -- item 11: a real scheduler, killed mid-run ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(log: Path) -> tuple[subprocess.Popen, subprocess.Popen, str]:
    """A ``dask scheduler`` and a ``dask worker`` with two one-thread processes, on localhost."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": log.open("ab"), "start_new_session": True}
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )  # type: ignore[call-overload]
    worker = subprocess.Popen(
        [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard", "--death-timeout", "5"],
        **quiet,
    )  # type: ignore[call-overload]
    deadline = time.monotonic() + 60
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
            return scheduler, worker, address
        except Exception:
            if time.monotonic() > deadline:
                stop(scheduler, worker)
                raise
            time.sleep(0.5)


def stop(*procs: subprocess.Popen) -> None:
    """End the process groups this script started (the worker's nanny and its two processes)."""
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def killed_mid_run(argv: list[str], cwd: Path, progress: re.Pattern, after: int) -> tuple[Measured, float, str]:
    """Run ``eos-theory ARGV`` on a fresh cluster and kill the scheduler (SIGKILL) once ``after`` pieces have
    finished: what it measured, the seconds from the kill to the end, and the progress line at the kill."""
    scheduler, worker, address = start_cluster(cwd / "dask.log")
    report, err_path = cwd / ".time", cwd / "stderr"
    cmd = [
        "/usr/bin/time",
        "-v",
        "-o",
        str(report),
        "timeout",
        str(TIMEOUT),
        eos_theory(),
        *argv,
        "--scheduler",
        address,
    ]
    try:
        with err_path.open("w") as err_file:
            p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err_file, text=True)
            seen, killed_at = "", None
            while p.poll() is None and killed_at is None:
                time.sleep(0.1)
                lines = [m for m in progress.finditer(err_path.read_text()) if int(m.group(1)) >= after]
                if lines:
                    seen = lines[0].group(0)
                    os.killpg(scheduler.pid, signal.SIGKILL)
                    killed_at = time.monotonic()
            out, _ = p.communicate(timeout=TIMEOUT + 10)
        end = time.monotonic()
    finally:
        stop(scheduler, worker)
    seconds, megabytes = read_time(report)
    m = Measured(p.returncode, seconds, megabytes, out, err_path.read_text(errors="replace"))
    return m, (end - killed_at) if killed_at else float("nan"), seen


def dask_cases(scratch: Path, only: str) -> list[tuple[str, str, Measured, str]]:
    rows = []
    if only in "atlas":
        rows.append(atlas_killed(scratch))
    if only in "ensemble":
        rows.append(ensemble_killed(scratch))
    return rows


def atlas_killed(scratch: Path) -> tuple[str, str, Measured, str]:
    import numpy as np

    progress_line = re.compile(r"atlas: (\d+)/(\d+) chunks of grid rows finished")
    argv = ["atlas", "--grid", "200", "200", "--steps", "10000", "-o", "atlas11"]
    m, after_kill, seen = killed_mid_run(argv, scratch, progress_line, after=2)
    broken = cluster_verdict(m, after_kill, "atlas")
    npz = scratch / "atlas11" / "atlas.npz"
    if npz.exists():
        with np.load(npz) as data:
            meta = json.loads(str(data["meta"]))
            counts = meta.get("counts", {})
        finished = sum(v for k, v in counts.items() if k != "not run")
        if not finished or not meta.get("failures"):
            broken.append(f"npz: {finished} finished cells, failures {meta.get('failures')!r}")
    else:
        broken.append("no atlas.npz written")
    return "11", quoted(argv) + " --scheduler ADDR", m, verdict(seen, after_kill, broken)


def ensemble_killed(scratch: Path) -> tuple[str, str, Measured, str]:
    progress_line = re.compile(r"ensemble: (\d+)/(\d+) runs finished")
    argv = ["ensemble", "--n-params", "200", "--n-outputs", "20", "--lr", "1", "--seeds", "64", "--json", "ens11.json"]
    m, after_kill, seen = killed_mid_run(argv, scratch, progress_line, after=16)
    broken = cluster_verdict(m, after_kill, "ensemble")
    path = scratch / "ens11.json"
    if path.exists():
        data = json.loads(path.read_text())
        if not data.get("runs") or not data.get("failures"):
            broken.append(f"JSON: {len(data.get('runs', []))} runs, failures {data.get('failures')!r}")
    else:
        broken.append("no JSON written")
    return "11", quoted(argv) + " --scheduler ADDR", m, verdict(seen, after_kill, broken)


def verdict(seen: str, after_kill: float, broken: list[str]) -> str:
    return f"killed at '{seen}', ended {after_kill:.1f} s later: " + ("; ".join(broken) or "ok")


def cluster_verdict(m: Measured, after_kill: float, name: str) -> list[str]:
    broken = []
    if m.code != 1:
        broken.append(f"exit {m.code}, not 1")
    if not after_kill <= SECONDS:
        broken.append(f"{after_kill:.1f} s after the kill > {SECONDS:g} s")
    if m.megabytes > MEGABYTES:
        broken.append(f"{m.megabytes:.0f} MB > {MEGABYTES:g} MB")
    rest = [
        line
        for line in m.err.splitlines()
        if line.strip()
        and not re.match(rf"{name}: (\d+/\d+ |about )", line)
        and not line.startswith("eos-theory: note")
    ]
    if len(rest) != 1 or not rest[0].startswith("eos-theory: "):
        broken.append(f"{len(rest)} lines besides progress on stderr: {rest[:3]!r}")
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dask", action="store_true", help="also item 11, on a local scheduler killed mid-run")
    parser.add_argument("-k", default="", help="only the reproducers whose command contains this")
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("needs GNU time at /usr/bin/time (apt-get install time)")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="eos-reproducers-") as tmp:
        scratch = Path(tmp)  # outside the repository, as a new user's directory
        print(f"eos-theory at {eos_theory()}, run in {scratch}; bounds {SECONDS:g} s, {MEGABYTES:g} MB\n")
        print("| item | command | exit | first line | wall (s) | max RSS (MB) | verdict |")
        print("|---|---|---|---|---|---|---|")
        for case in CASES:
            argv = [a.format(dir=scratch) for a in case.argv]
            shown = quoted([a.replace(str(scratch), ".") for a in argv])
            if args.k not in shown:
                continue
            if case.setup:
                case.setup(scratch)
            m = measure(argv, scratch)
            m.err, m.out = (text.replace(str(scratch), ".") for text in (m.err, m.out))  # shorter table lines
            verdict = judge(case, m)
            failed += bool(verdict)
            show(case.item, shown, m, verdict)
        if args.dask:
            for item, shown, m, verdict in dask_cases(scratch, args.k):
                failed += not verdict.endswith("ok")
                show(item, shown, m, verdict, m.last_error)
    print(f"\n{failed} reproducer(s) broke their bound" if failed else "\nevery reproducer met its bound")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
