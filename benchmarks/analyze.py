"""Wall time of `eos-theory analyze` on the exact path and on the numerical path, against their budgets (issues 9, 17).

Each case is the whole analysis as a fresh process (`--json`), ``--repeats`` times, interleaved in rotating order,
with a baseline that only starts the interpreter and imports the package:

* ``product-4``: the depth-4 scalar product ½(1 − xyzw)² (P = 4, one data point, polynomial): the exact path —
  least sharpness, flip series, window (no closed form: its end by continuation, the crossing certified), the
  50-digit check of the series, conserved quantities.  Budget 10 s (issue 9: polynomial models with P ≤ 4).
* ``tanh-neuron``: v·tanh(w) = 1 (non-polynomial, P = 2): the numerical path — search, two precisions,
  Krawczyk certificate, flip in closed form, window by continuation.  Budget 60 s (issue 17).
* ``two-points``: a two-layer linear network v·a on two data points (P = 3, n = 2).  Budget 60 s.
* ``factorisation-18``: 3×3 matrix factorisation AB = Y, inner dimension 3 (P = 18, n = 9; Y of rank 3):
  a continuum of least-sharp minima, three rotation symmetries, six neutral multipliers on the cycle.  Budget 60 s.

    python benchmarks/analyze.py [--repeats 5] [--case NAME ...]

Prints the median (min, max) per case and exits non-zero when a median exceeds its budget.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def _factorisation(r: int, c: int, k: int, Y: list[list[int]]) -> list[str]:
    names = [f"a{i}{j}" for i in range(r) for j in range(k)] + [f"b{i}{j}" for i in range(k) for j in range(c)]
    argv = ["--params", *names]
    for i in range(r):
        for j in range(c):
            argv += ["--output", " + ".join(f"a{i}{m}*b{m}{j}" for m in range(k)), "--target", str(Y[i][j])]
    return argv


CASES = {
    "product-4": (["--params", "x", "y", "z", "w", "--output", "x*y*z*w", "--target", "1"], 10.0),
    "tanh-neuron": (["--params", "v", "w", "--output", "v*tanh(w)", "--target", "1"], 60.0),
    "two-points": (
        ["--params", "a1", "a2", "v", "--output", "v*a1", "--target", "3", "--output", "v*a2", "--target", "4"],
        60.0,
    ),
    "factorisation-18": (_factorisation(3, 3, 3, [[2, 1, 0], [0, 1, 3], [1, -2, 1]]), 60.0),
}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only these cases (repeatable)")
    args = parser.parse_args()
    exe = shutil.which("eos-theory")
    prefix = [exe] if exe else [sys.executable, "-m", "eos_theory"]
    names = args.case or list(CASES)
    runs: dict[str, list[float]] = {name: [] for name in names}
    base = []
    for k in range(args.repeats):
        order = names[k % len(names) :] + names[: k % len(names)]
        for name in order:
            runs[name].append(timed([*prefix, "analyze", *CASES[name][0], "--json"]))
        base.append(timed([sys.executable, "-c", "import eos_theory.anymodel.analysis"]))
    ok = True
    print(f"start-up and imports alone: median {statistics.median(base):.2f} s")
    for name in names:
        med, budget = statistics.median(runs[name]), CASES[name][1]
        ok &= med <= budget
        print(
            f"{name}: median {med:.2f} s over {args.repeats} runs (min {min(runs[name]):.2f}, max {max(runs[name]):.2f}); "
            f"budget {budget:g} s: {'within' if med <= budget else 'EXCEEDED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
