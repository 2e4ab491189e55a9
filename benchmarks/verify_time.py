"""Wall time of the full `eos-theory verify` run against its 10 s budget (issue 2).

Runs, interleaved, the full report (`eos-theory verify --quiet`) and a baseline that only starts
the interpreter and imports SymPy and the package, so the ratio shows what the checks themselves
cost.  Prints medians; exits non-zero when the median full run exceeds the budget.

    python benchmarks/verify_time.py [--repeats 5]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time

BUDGET = 10.0


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    exe = shutil.which("eos-theory")
    verify = [exe, "verify", "--quiet"] if exe else [sys.executable, "-m", "eos_theory.cli", "verify", "--quiet"]
    baseline = [sys.executable, "-c", "import sympy, mpmath, eos_theory.registry"]
    full, base = [], []
    for _ in range(args.repeats):
        base.append(timed(baseline))
        full.append(timed(verify))
    f, b = statistics.median(full), statistics.median(base)
    print(f"eos-theory verify: median {f:.2f} s over {args.repeats} runs (budget {BUDGET:.0f} s, {f / BUDGET:.0%} of it)")
    print(f"baseline (start-up and imports only): median {b:.2f} s; verify / baseline = {f / b:.1f}")
    return 0 if f <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
