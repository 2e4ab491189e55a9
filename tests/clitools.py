"""Helpers shared by the CLI tests: run ``eos-theory`` in-process (or in a forked child, bounded in time and
memory) and read its one-line errors."""

import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from eos_theory.commands import cli


def run(capsys, *argv):
    """``cli.main(argv)`` in this process: (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    """The single ``eos-theory: error: …`` line of stderr, with no traceback."""
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("eos-theory: error: ")
    assert "Traceback" not in err
    return lines[0]


@dataclass(frozen=True)
class Bounded:
    """What a bounded run of ``eos-theory`` did."""

    code: int  #: exit status; −9 if it was killed at its time limit
    out: str
    err: str
    seconds: float  #: wall time
    megabytes: float  #: peak resident memory above what the forked child started with


def bounded(*argv: str, seconds: float = 10.0, megabytes: int = 500) -> Bounded:
    """``cli.main(argv)`` in a forked child (it starts in milliseconds, with this process's imports), killed
    after ``seconds`` of wall time and limited to ``megabytes`` of address space beyond this process's: a
    command that would hang or eat memory ends at the limit instead of taking the test session with it.
    An exception escaping ``main`` is written to stderr as a traceback and gives exit status 99."""
    vm_start = _status_kb("VmSize") * 1024
    rss_start = _status_kb("VmRSS") / 1024
    with tempfile.TemporaryDirectory() as tmp:
        paths = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 99
            try:
                resource.setrlimit(resource.RLIMIT_AS, (vm_start + megabytes * 2**20, resource.RLIM_INFINITY))
                sys.stdout = open(paths[0], "w", encoding="utf-8")  # noqa: SIM115 (closed by os._exit's flush below)
                sys.stderr = open(paths[1], "w", encoding="utf-8")  # noqa: SIM115
                try:
                    code = cli.main(list(argv))
                except SystemExit as exc:  # argparse's usage errors
                    code = exc.code if isinstance(exc.code, int) else 2
                except BaseException:
                    traceback.print_exc()
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        status, usage = 0, None
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > seconds:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.005)
        elapsed = time.monotonic() - start
        out, err = (Path(p).read_text(encoding="utf-8", errors="replace") for p in paths)
    code = os.waitstatus_to_exitcode(status)
    return Bounded(code, out, err, elapsed, max(0.0, usage.ru_maxrss / 1024 - rss_start))


def _status_kb(key: str) -> int:
    """A ``/proc/self/status`` entry in kB (VmSize: address space, VmRSS: resident memory)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)
