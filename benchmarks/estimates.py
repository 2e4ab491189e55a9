"""The per-step costs behind the budget checks of `atlas` and `ensemble` (issue 15, item 10), measured here.

`eos-theory atlas` and `ensemble` estimate a run's time before starting it, from costs per step measured on
the development machine (`atlas.RUN_STEP_SECONDS`, `atlas.CHUNK_SECONDS`, `ensemble.STEP_SECONDS`), and refuse
one estimated over `--budget`.  This script measures the same costs on this machine, in this process (one
core), and prints each as the ratio measured / assumed:

1. atlas: `run_chunk` on chunks of 8 × 8 and 64 × 64 runs (the stated start, ε in [1.4, 1.6], r in
   [−0.5, −0.1]: periodic and chaotic, no run stops early) at 500, 2000 and 8000 steps, against
   `atlas.chunk_seconds`: CHUNK + R·RUN (labelling) + S·(STEP + R·RUN_STEP) (NumPy's cost per call, shared by
   the chunk's runs, and the runs' own), and the least-squares fit of those four constants.
2. ensemble: one run of `run_seed` at lr = 1/20 (no run stops early) for P in {50, 100, 200, 400} and D in
   {1, 5, 20}; the least-squares fit t = a + b·D·P² against the assumed (a, b), and the ratio at each size.

Medians of --repeats runs, in CPU time of this process (one BLAS thread), so that other sessions' load does not
count.  Exits 1 when a whole estimate (each atlas chunk, each ensemble size) is off by more than 3 either way:
the budget checks would then refuse, or let through, runs three times longer than they say.

    python benchmarks/estimates.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads: CPU time is one core's time
os.environ.setdefault("OMP_NUM_THREADS", "1")

from eos_theory.past_window import atlas
from eos_theory.random_models import ensemble


def median_seconds(fn, repeats: int) -> float:
    """The median CPU time of ``fn()`` in this process (robust to other sessions' load, unlike wall time; NumPy's
    BLAS is held to one thread below, so CPU time is the time of one core)."""
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def atlas_costs(repeats: int) -> bool:
    """A chunk of R runs and S steps, against atlas.chunk_seconds(R, S), for R in {64, 4096} and S in
    {500, 2000, 8000}; and the least-squares fit of CHUNK + R·RUN + S·(STEP + R·RUN_STEP) to those times."""
    rows, ok = [], True
    for side in (8, 64):
        for steps in (500, 2000, 8000):
            p = atlas.plan(("1.4", "1.6"), ("-0.5", "-0.1"), (side, side), steps=steps)
            (task,) = p.tasks
            seconds = median_seconds(lambda task=task: atlas.run_chunk(task), repeats)
            estimate = atlas.chunk_seconds(side * side, steps)
            rows.append((side * side, steps, seconds))
            ok &= 1 / 3 <= seconds / estimate <= 3
            print(f"atlas: a chunk of {side * side:4d} runs x {steps:4d} steps: {seconds:.3f} s, estimated "
                  f"{estimate:.3f} s (ratio {seconds / estimate:.2f})")  # fmt: skip
    design = np.array([[1, R, S, R * S] for R, S, _ in rows], dtype=float)
    fit = np.linalg.lstsq(design, np.array([t for _, _, t in rows]), rcond=None)[0]
    assumed = (atlas.CHUNK_SECONDS, atlas.RUN_SECONDS, atlas.STEP_SECONDS, atlas.RUN_STEP_SECONDS)
    print("atlas: fit (chunk, run, step, run-step) = " + ", ".join(f"{v:.3g}" for v in fit) + " s; assumed "
          + ", ".join(f"{v:.3g}" for v in assumed))  # fmt: skip
    return ok


def ensemble_costs(repeats: int, steps: int = 300) -> bool:
    """Seconds per step against D·P², fitted as a + b·D·P²."""
    a0, b0 = ensemble.STEP_SECONDS
    rows, ok = [], True
    for P in (50, 100, 200, 400):
        for D in (1, 5, 20):
            spec = ensemble.Ensemble(P, D, "1/20")
            seconds = median_seconds(lambda spec=spec: ensemble.run_seed(spec, 0, steps), repeats) / steps
            assumed = a0 + b0 * D * P * P
            rows.append((P, D, seconds))
            ok &= 1 / 3 <= seconds / assumed <= 3
            print(f"ensemble: P = {P:3d}, D = {D:2d}: {seconds * 1e6:7.1f} µs a step, ratio measured/assumed "
                  f"{seconds / assumed:.2f}")  # fmt: skip
    x = np.array([D * P * P for P, D, _ in rows], dtype=float)
    t = np.array([s for _, _, s in rows])
    b, a = np.polyfit(x, t, 1)
    print(f"ensemble: fit t = a + b·D·P²: a = {a * 1e6:.1f} µs (assumed {a0 * 1e6:.1f}), b = {b * 1e9:.3f} ns "
          f"(assumed {b0 * 1e9:.3f})")  # fmt: skip
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    ok = atlas_costs(args.repeats)
    ok &= ensemble_costs(args.repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
