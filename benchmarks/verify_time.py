"""Wall time of the full `eos-theory verify` run, parallel against serial, and its 5 s budget (issue 8).

Runs, interleaved and in rotating order, the full report serially (`eos-theory verify --quiet -j 1`,
in one process), in parallel (`eos-theory verify --quiet`, one worker process per core), and a
baseline that only starts the interpreter and imports SymPy and the package.  Prints the median
wall time of each, the speed-up serial / parallel, and the CPU time (of the command and all its
worker processes) so the work the workers repeat (each derives what it needs) shows.  Exits
non-zero when the median parallel run exceeds the budget.

    python benchmarks/verify_time.py [--repeats 5] [--jobs N]
"""

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time

BUDGET = 5.0  #: seconds, the parallel full run (issue 8)


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``cmd``, the CPU time including every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="-j for the parallel run (default: the CLI's, all cores)")
    args = parser.parse_args()
    exe = shutil.which("eos-theory")
    verify = [exe, "verify", "--quiet"] if exe else [sys.executable, "-m", "eos_theory.cli", "verify", "--quiet"]
    cases = {
        "baseline": [sys.executable, "-c", "import sympy, mpmath, eos_theory.registry"],
        "serial": verify + ["-j", "1"],
        "parallel": verify + ([] if args.jobs is None else ["-j", str(args.jobs)]),
    }
    wall: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    names = list(cases)
    for r in range(args.repeats):
        for name in names[r % 3:] + names[: r % 3]:  # rotate, so no case always runs after the same one
            w, c = timed(cases[name])
            wall[name].append(w)
            cpu[name].append(c)
    med = {k: statistics.median(v) for k, v in wall.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"medians over {args.repeats} runs (wall, CPU of the command and its workers):")
    for name in names:
        spread = f"{min(wall[name]):.2f}-{max(wall[name]):.2f}"
        print(f"  {name:9} {med[name]:5.2f} s wall (runs {spread} s), {cpu_med[name]:5.2f} s CPU")
    print(f"speed-up serial / parallel = {med['serial'] / med['parallel']:.2f}; "
          f"CPU parallel / serial = {cpu_med['parallel'] / cpu_med['serial']:.2f}")
    ok = med["parallel"] <= BUDGET
    print(f"parallel full run: {med['parallel']:.2f} s against the {BUDGET:.0f} s budget "
          f"({med['parallel'] / BUDGET:.0%} of it){'' if ok else ' - OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
