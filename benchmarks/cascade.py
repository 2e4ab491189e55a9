"""Wall time of `eos-theory cascade --levels 7 --digits 30` (issue 7: at most 10 s on this machine).

Runs the command --repeats times as a fresh process (interpreter start, imports, the SymPy
derivations, Newton at two precisions and the Krawczyk certificates of e_3 … e_7 included), and
records the wall time and the CPU time of each run (the machine is shared: CPU time shows what the
command itself used).  Prints the medians and exits 1 if the median wall time is above --limit.
It also checks that the run certified every threshold past √5 − 1 (evidence "interval").

    python benchmarks/cascade.py [--levels 7] [--digits 30] [--repeats 5] [--limit 10]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, default=7)
    ap.add_argument("--digits", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--limit", type=float, default=10.0)
    args = ap.parse_args(argv)

    cmd = [
        sys.executable,
        "-m",
        "eos_theory",
        "cascade",
        "--levels",
        str(args.levels),
        "--digits",
        str(args.digits),
        "--json",
    ]
    walls, cpus, data = [], [], None
    for _ in range(args.repeats):
        cpu0, t0 = _child_cpu(), time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t0)
        cpus.append(_child_cpu() - cpu0)
        if done.returncode != 0:
            print(f"FAIL: exit {done.returncode}: {done.stderr.strip()}")
            return 1
        data = json.loads(done.stdout)
    evidence = [row["evidence"] for row in data["thresholds"][2:]]
    print(
        f"cascade --levels {args.levels} --digits {args.digits}, {args.repeats} runs: wall median "
        f"{statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}); CPU median "
        f"{statistics.median(cpus):.2f} s; thresholds past √5 − 1 certified: {evidence.count('interval')} of "
        f"{len(evidence)}; onset {data['chaos_onset']['e']} ± {data['chaos_onset']['error']}"
    )
    if statistics.median(walls) > args.limit:
        print(f"FAIL: median {statistics.median(walls):.2f} s > {args.limit} s")
        return 1
    print(f"OK: median <= {args.limit} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
