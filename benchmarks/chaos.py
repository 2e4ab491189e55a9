"""`attractor.attractor` at its default settings against its 3 s budget (issue 7: orbit ≤ 5 s), and the
high-statistics chaos numbers quoted in docs/eos-2d.md §5c and the closing note of issue 7.

Part 1 times ``attractor(ω₁, ω₂, E, η)`` at defaults for one point of every regime (CPU time of the
process, which is what the budget means on a shared machine; wall time is printed too) and exits
non-zero when the slowest median exceeds the budget.  Part 2 (``--numbers``) estimates, in the
symmetric case, λ, the mean η·NTK and λ⊥ at e = 7/5 and 3/2 from ``--runs`` independent runs of
``--steps`` steps (after ``--transient``), fanned out over ``--jobs`` processes, and prints them with
95 % and 99 % Student t intervals.

    python benchmarks/chaos.py [--repeats 5] [--numbers --runs 64 --steps 100000 --transient 1000 --jobs 2]
"""

import argparse
import statistics
import sys
import time

from eos_theory.past_window import attractor, chaos

BUDGET = 3.0  #: seconds of CPU per attractor() call at the defaults
POINTS = [  # (ω₁, ω₂, E, η): one per regime
    ((-1, 1, 1, "1/2"), "minimum"),
    ((-1, 1, 1, "11/10"), "period-2"),
    ((-1, 1, 1, "5/4"), "period-4"),
    ((-1, 1, 1, "7/5"), "chaotic"),
    ((-1, 1, 1, "17/10"), "period-6"),
    ((-1, 1, 1, "21/10"), "divergent"),
    ((1, 4, 1, "23/20"), "split"),
    ((1, 4, 1, "1/2"), "split"),
    ((-1, 1, 1, "2"), "not converged"),
]


def timing(repeats: int) -> float:
    worst = 0.0
    print(f"attractor() at the defaults, {repeats} repeats (median CPU s, median wall s, label)")
    for args, expected in POINTS:
        cpu, wall = [], []
        for _ in range(repeats):
            c0, w0 = time.process_time(), time.perf_counter()
            a = attractor.attractor(*args)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        med = statistics.median(cpu)
        worst = max(worst, med)
        flag = "" if a.label == expected else f"  (expected {expected})"
        print(f"  {args!s:28} {med:6.3f} {statistics.median(wall):6.3f}  {a.label}{flag}")
    return worst


def numbers(runs: int, steps: int, transient: int, jobs: int) -> None:
    print(f"\nsymmetric case r = -1: {runs} runs x {steps} steps after {transient} transient, float64, jobs={jobs}")
    for e in ("7/5", "3/2"):
        for level in (0.95, 0.99):
            w0 = time.perf_counter()
            st = chaos.axis_runs(
                e, r=-1, runs=runs, steps=steps, transient=transient, level=level, jobs=jobs, max_seconds=3600.0
            )
            dt = time.perf_counter() - w0
            print(
                f"  e = {e} ({level:.0%}, {dt:.1f} s): lambda {st.lyapunov}; mean eta*NTK {st.mean_ntk}; "
                f"lambda_perp {st.transverse_lyapunov}; escaped {st.escaped}, projected {st.projected}"
            )
        cyc = chaos.find_cycle(e, r=-1)
        print(f"  e = {e}: attracting cycle from the critical orbit: {None if cyc is None else cyc.period_y}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--numbers", action="store_true", help="also print the high-statistics numbers")
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--transient", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    worst = timing(args.repeats)
    print(f"slowest median: {worst:.3f} s CPU (budget {BUDGET} s)")
    if args.numbers:
        numbers(args.runs, args.steps, args.transient, args.jobs)
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
