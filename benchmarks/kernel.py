"""The kernel's cost (issue 16, item 6): replaying the whole registry, and what certificates add to verify.

1. **Replay.** Writes every claim's certificate once (`eos-theory verify --quiet --certificates DIR`), then
   replays DIR with the kernel as a fresh process (`python -m eos_theory.kernel DIR --quiet`: the interpreter,
   python-flint and the replay) and in this process (`kernel.check_all` on the parsed files), each ``--repeats``
   times; medians against the 3 s budget (judged on the fresh process).
2. **Overhead in verify.** In a fresh process, serially, each claim's proof (``claim.check``) and then its
   certificate and the kernel's replay of it (``registry.certify``) are timed side by side, claim by claim, with
   ``time.process_time`` (CPU time of that process: the machine is shared); the ratio certify / proof over the
   registry is what certificates add to verify, whose workers do exactly this, once per claim, from cold caches.
   ``--repeats`` fresh processes, median ratio. Budget: ≤ 20 %.
3. With ``--baseline PATH`` (a checkout of the package from before the kernel, e.g. ``git worktree add
   /tmp/base 910db18``), also `eos-theory verify --quiet` from PATH and from here, interleaved, the median wall
   time of each and their ratio.

    python benchmarks/kernel.py [--repeats 5] [--baseline PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPLAY_BUDGET = 3.0  #: seconds: the kernel replays the whole registry (issue 16)
OVERHEAD_BUDGET = 0.20  #: certificates and their replay add at most this much to verify (issue 16)


def wall(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def replay(repeats: int) -> tuple[float, float, int]:
    """Median seconds to replay the registry's certificates: as a fresh process, and in this process."""
    from eos_theory import kernel

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "eos_theory", "verify", "--quiet", "--certificates", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        fresh = [wall([sys.executable, "-m", "eos_theory.kernel", tmp, "--quiet"]) for _ in range(repeats)]
        certs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(tmp).glob("*.json"))]
    inside = []
    for _ in range(repeats):
        start = time.perf_counter()
        checks = kernel.check_all(certs)
        inside.append(time.perf_counter() - start)
    assert not any(c.status == "rejected" for c in checks)
    return statistics.median(fresh), statistics.median(inside), len(certs)


def one_pass() -> tuple[float, float]:
    """CPU seconds of every claim's proof, and of its certificate and replay, run once each in this process."""
    from eos_theory.core import registry
    from eos_theory.core.proof import Proof

    proof = certify = 0.0
    for c in registry.claims():
        p = Proof()
        start = time.process_time()
        with contextlib.suppress(Exception):  # a refuted claim's proof may end in an exception: steps are recorded
            c.check(p)
        middle = time.process_time()
        registry.certify(c, c.expect, p)
        proof, certify = proof + middle - start, certify + time.process_time() - middle
    return proof, certify


def overhead(repeats: int) -> tuple[float, float, float]:
    """(proof CPU seconds, certify CPU seconds, their ratio), medians over ``repeats`` fresh processes."""
    passes = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, __file__, "--one-pass"], check=True, capture_output=True, text=True
        ).stdout
        proof, certify = json.loads(out)
        passes.append((proof, certify, certify / proof))
    return tuple(statistics.median(x[i] for x in passes) for i in range(3))  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", metavar="PATH", help="a checkout from before the kernel, for verify's wall time")
    parser.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)  # a worker of overhead()
    args = parser.parse_args()
    if args.one_pass:
        print(json.dumps(one_pass()))
        return 0
    ok = True

    fresh, inside, n = replay(args.repeats)
    print(f"replay of {n} certificates: {fresh:.2f} s as a fresh process (median of {args.repeats}), {inside:.2f} s")
    print(f"  of it in the kernel itself; budget {REPLAY_BUDGET:.0f} s: {'ok' if fresh <= REPLAY_BUDGET else 'OVER'}")
    ok &= fresh <= REPLAY_BUDGET

    proof, certify, ratio = overhead(args.repeats)
    print(f"verify, serially in a fresh process (median of {args.repeats}, CPU seconds): proofs {proof:.2f} s, ")
    print(f"  certificates and their replay {certify:.2f} s: +{ratio:.1%}; budget +{OVERHEAD_BUDGET:.0%}: ", end="")
    print("ok" if ratio <= OVERHEAD_BUDGET else "OVER")
    ok &= ratio <= OVERHEAD_BUDGET

    if args.baseline:
        here = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        base = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
        cmd = [sys.executable, "-m", "eos_theory", "verify", "--quiet"]
        times: dict[str, list[float]] = {"baseline": [], "kernel": []}
        for r in range(args.repeats):
            for name in ("baseline", "kernel") if r % 2 == 0 else ("kernel", "baseline"):
                times[name].append(wall(cmd, base if name == "baseline" else here))
        b, k = (statistics.median(times[x]) for x in ("baseline", "kernel"))
        print(
            f"verify --quiet, wall, median of {args.repeats} interleaved: baseline {b:.2f} s, with the kernel {k:.2f} s"
        )
        print(f"  ratio {k / b:.2f} (wall times on a shared machine: read with the CPU ratio above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
