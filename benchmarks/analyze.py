"""Wall time of `eos-theory analyze` on a 4-parameter polynomial model with one data point, against
its 10 s budget (issue 9).

Runs the whole analysis of the depth-4 scalar product ½(1 − xyzw)² (least sharpness, critical step,
flip series, window — no closed form here, so its upper end comes from the numerical continuation of
the 2-cycle at 20 and 30 digits, the crossing certified by interval arithmetic —, 50-digit mpmath
check of the series, conserved quantities of degree ≤ 2) as a fresh process, ``--repeats`` times,
and a baseline that only starts the interpreter and imports the package.  Prints the median and
exits non-zero when the median exceeds the budget.  (Measured 2026-11: median 3.8 s, of which
0.7 s start-up.)

    python benchmarks/analyze.py [--repeats 5]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time

BUDGET = 10.0  #: seconds, the whole analysis of a polynomial model with up to 4 parameters (issue 9)
MODEL = ["--params", "x", "y", "z", "w", "--output", "x*y*z*w", "--target", "1", "--json"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    exe = shutil.which("eos-theory")
    analyze = ([exe] if exe else [sys.executable, "-m", "eos_theory"]) + ["analyze", *MODEL]
    baseline = [sys.executable, "-c", "import eos_theory.anymodel.flip"]
    runs, base = [], []
    for _ in range(args.repeats):
        runs.append(timed(analyze))
        base.append(timed(baseline))
    med = statistics.median(runs)
    print(
        f"eos-theory analyze (depth-4 product, P = 4): median {med:.2f} s over {args.repeats} runs "
        f"(min {min(runs):.2f}, max {max(runs):.2f}); start-up and imports alone: median {statistics.median(base):.2f} s"
    )
    print(f"budget {BUDGET:g} s: {'within' if med <= BUDGET else 'EXCEEDED'}")
    return 0 if med <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
