"""Cost of the random-model ensemble (issue 10): one long run, 64 runs, memory, and the cost of a step.

1. One run with P = 200, D = 20 and 10,000 steps (issue 10: at most 3 s): the first seed whose run
   takes every step (one that converges or diverges early would time less), --repeats times, median.
2. 64 such seeds through the default executor of the CLI (one worker process per core; issue 10:
   at most 60 s), --repeats times, median; the outcome counts are printed (diverging runs stop early).
3. Memory: in a fresh interpreter, one run (2000 steps) at (P, D) = (200, 20), (400, 20), (800, 20): the
   peak of its allocations (tracemalloc, which NumPy reports to) and the growth of peak RSS over the
   interpreter with everything imported, against the size of the Q tensor (8·D·P² bytes).
4. The cost of one step against P and D: seconds per step for P in {50, 100, 200, 400} and D in
   {1, 5, 20} (a run of --step-steps steps at lr = 1/20, where no run stops early),
   and a least-squares fit t = a + b·D·P²: b is the cost of one multiply-add of forming J.

Exits 1 when a median is over its limit.  Every timing is wall time on a machine shared with other
sessions; run it on an idle machine for figures to quote.

    python benchmarks/ensemble.py [--repeats 3] [--lr 1] [--limit-run 3] [--limit-ensemble 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

from eos_theory.random_models import ensemble, gd
from eos_theory.running import executor

MEMORY = r"""
import json, resource, sys, tracemalloc
from eos_theory.random_models import ensemble
P, D, lr, traced = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
spec = ensemble.Ensemble(P, D, lr)
ensemble.run_seed(ensemble.Ensemble(4, 1, lr), 0, 20)   # everything imported and used once
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if traced:
    tracemalloc.start()
r = ensemble.run_seed(spec, 0, 2000)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
heap = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps({"base_kib": base, "peak_kib": peak, "heap_peak": heap, "steps": r.steps}))
"""


def full_length_seed(spec: ensemble.Ensemble, steps: int, tries: int = 32) -> int:
    """The first seed whose run takes every step (found with a run of steps // 10 steps, then confirmed)."""
    for seed in range(tries):
        short = ensemble.run_seed(spec, seed, max(gd.MIN_STEPS, steps // 10))
        if short.steps == steps // 10 and ensemble.run_seed(spec, seed, steps).steps == steps:
            return seed
    raise SystemExit(f"no seed below {tries} runs all {steps} steps at lr = {spec.lr}")


def one_run(spec, steps, repeats) -> float:
    seed = full_length_seed(spec, steps)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        r = ensemble.run_seed(spec, seed, steps)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(
        f"1. one run, P = {spec.params}, D = {spec.outputs}, lr = {spec.lr}, seed {seed}, {r.steps} steps "
        f"({r.outcome}): median {med:.2f} s of {repeats} ({', '.join(f'{t:.2f}' for t in times)})"
    )
    return med


def many_runs(spec, steps, repeats) -> float:
    jobs = executor.cores()
    times, counts = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        res = ensemble.compute(spec, 64, steps, backend=executor.local(jobs))
        times.append(time.perf_counter() - t)
        counts = ensemble.summary(res)["outcomes"]
    med = statistics.median(times)
    print(
        f"2. 64 runs on {jobs} local process(es): median {med:.1f} s of {repeats} "
        f"({', '.join(f'{t:.1f}' for t in times)}); outcomes "
        + ", ".join(f"{k} {v['count']}" for k, v in counts.items())
    )
    return med


def memory(lr) -> None:
    for P, D in ((200, 20), (400, 20), (800, 20)):
        m = {}
        for traced in ("0", "1"):  # RSS without tracemalloc (it slows the run), the heap peak with it
            out = subprocess.run(
                [sys.executable, "-c", MEMORY, str(P), str(D), str(lr), traced],
                capture_output=True,
                text=True,
                check=True,
            )
            m[traced] = json.loads(out.stdout)
        q_mib = 8 * D * P * P / 2**20
        grew = (m["0"]["peak_kib"] - m["0"]["base_kib"]) / 1024
        heap = m["1"]["heap_peak"] / 2**20
        print(
            f"3. P = {P}, D = {D}: Q is {q_mib:.1f} MiB; allocation peak of the run (tracemalloc) {heap:.1f} MiB "
            f"= {heap / q_mib:.2f} times Q; peak RSS {m['0']['peak_kib'] / 1024:.0f} MiB, grown by {grew:.1f} MiB "
            f"over the imported interpreter ({m['0']['base_kib'] / 1024:.0f} MiB)"
        )


def step_cost(steps) -> None:
    """At lr = 1/20 (no run stops within a few hundred steps), seconds per step."""
    rows = []
    for P in (50, 100, 200, 400):
        for D in (1, 5, 20):
            spec = ensemble.Ensemble(P, D, "1/20")
            model, theta0 = ensemble.draw(spec, 0)
            t = time.perf_counter()
            r = gd.run(model, theta0, float(spec.lr), steps)
            per = (time.perf_counter() - t) / max(r.steps, 1)
            rows.append((P, D, per))
            print(
                f"4. P = {P:>3}, D = {D:>2}: {per * 1e6:8.1f} µs per step ({r.steps} steps, {r.outcome}); "
                f"D·P² = {D * P * P}"
            )
    x = np.array([D * P * P for P, D, _ in rows], dtype=float)
    y = np.array([t for _, _, t in rows])
    b, a = np.polyfit(x, y, 1)
    print(
        f"   fit t = a + b·D·P²: a = {a * 1e6:.1f} µs (per-step overhead), b = {b * 1e9:.3f} ns per multiply-add "
        f"({1 / b / 1e9:.2f} G multiply-adds/s)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lr", default="1")
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--step-steps", type=int, default=300)
    ap.add_argument("--limit-run", type=float, default=3.0)
    ap.add_argument("--limit-ensemble", type=float, default=60.0)
    args = ap.parse_args()
    spec = ensemble.Ensemble(200, 20, args.lr)
    run = one_run(spec, args.steps, args.repeats)
    many = many_runs(spec, args.steps, args.repeats)
    memory(args.lr)
    step_cost(args.step_steps)
    over = [f"one run {run:.2f} s > {args.limit_run} s"] * (run > args.limit_run)
    over += [f"64 runs {many:.1f} s > {args.limit_ensemble} s"] * (many > args.limit_ensemble)
    for line in over:
        print("OVER THE LIMIT:", line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
