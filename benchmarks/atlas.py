"""Wall time of the regime atlas, 200 x 200 grid x 10,000 float64 steps, locally and on Dask (issue 7).

Issue 7 asks for at most 20 s (median) for the local run, and for a measurement of how the Dask run
scales: the same sweep on a LocalCluster with two worker processes against one (one thread each).

1. Local: `atlas.compute` on the default backend of the CLI (one worker process per core) and, for
   reference, in this process (-j 1); --repeats runs each, alternating.  Exits 1 when the median of
   the default run is over --limit seconds.
2. Dask: two LocalClusters (1 worker, 2 workers; processes, 1 thread per worker) started after the
   local runs (no worker process is forked while a cluster's threads run here); --repeats runs on
   each, alternating.  Cluster start-up is not timed; each run connects its own client (timed).
   Speed-up = median(1 worker) / median(2 workers).

Every run's arrays must be identical to the first run's (the atlas does not depend on the backend).

The machine is shared, and Linux's autogroup scheduling gives every session an equal share of the
CPUs: while another session is busy, two workers get no more CPU than one.  As in
benchmarks/verify_time.py, each run records the CPU time of everything it ran (this process, its
local workers, and the Dask worker processes, read from them with ``Client.run(time.process_time)``)
and the share of the machine's CPU time that everything else used meanwhile (/proc/stat).  A run is
*undisturbed* when that share is under 10 %; medians and speed-ups are printed for all runs and for
the undisturbed ones (when each case has at least 2).

    python benchmarks/atlas.py [--grid 200 200] [--steps 10000] [--repeats 5] [--limit 20]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

from eos_theory.past_window import atlas
from eos_theory.running import executor

QUIET = 0.10  #: the largest share of the machine's CPU time others may use in an undisturbed run


def _busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux), or 0 where unknown
    (the same reading as benchmarks/verify_time.py)."""
    try:
        with open("/proc/stat") as fh:
            ticks = [int(v) for v in fh.readline().split()[1:9]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _own_cpu(client=None) -> float:
    """CPU seconds of this process, its reaped children and (given a client) the Dask worker processes."""
    cpu = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        u = resource.getrusage(who)
        cpu += u.ru_utime + u.ru_stime
    if client is not None:
        cpu += sum(client.run(time.process_time).values())
    return cpu


def timed(plan, backend, client=None) -> tuple[tuple[float, float], atlas.Atlas]:
    """(wall seconds, the share of the machine's CPU others used meanwhile), and the atlas."""
    busy, own, start = _busy(), _own_cpu(client), time.perf_counter()
    result = atlas.execute(plan, backend)
    wall = time.perf_counter() - start
    others = (_busy() - busy) - (_own_cpu(client) - own)
    return (wall, max(others, 0.0) / (wall * (os.cpu_count() or 1))), result


def check_same(first: atlas.Atlas, other: atlas.Atlas) -> None:
    for name in ("kind", "period", "lyapunov", "stop_step", "theta0", "theta"):
        np.testing.assert_array_equal(getattr(first, name), getattr(other, name), err_msg=name)


def medians(runs: dict[str, list[tuple[float, float]]]) -> dict[str, tuple[float, float | None]]:
    """Per case: the median wall time of all runs and of the undisturbed ones (None if fewer than 2)."""
    out = {}
    for name, rs in runs.items():
        quiet = [w for w, share in rs if share < QUIET]
        out[name] = (statistics.median(w for w, _ in rs), statistics.median(quiet) if len(quiet) >= 2 else None)
        runs_text = ", ".join(f"{w:.2f} s ({share:.0%})" for w, share in rs)
        q = f"{out[name][1]:6.2f} s ({len(quiet)} runs)" if out[name][1] is not None else f"  n/a  ({len(quiet)} runs)"
        print(f"  {name:26} median {out[name][0]:6.2f} s | undisturbed {q} | runs (others' CPU share): {runs_text}")
    return out


def speedup(meds, slow: str, fast: str) -> str:
    text = f"all runs {meds[slow][0] / meds[fast][0]:.2f}"
    if meds[slow][1] is not None and meds[fast][1] is not None:
        text += f", undisturbed runs {meds[slow][1] / meds[fast][1]:.2f}"
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, nargs=2, default=[200, 200])
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--limit", type=float, default=20.0)
    ap.add_argument("--no-dask", action="store_true", help="only the local runs")
    args = ap.parse_args(argv)

    plan = atlas.plan(("0.5", "2.5"), ("-4", "4"), tuple(args.grid), steps=args.steps)
    runs = len(plan.e) * len(plan.r)
    print(
        f"atlas: {args.grid[0]} x {args.grid[1]} grid = {runs} runs x {args.steps} steps, "
        f"{len(plan.tasks)} chunks; {executor.cores()} cores"
    )
    jobs = executor.cores()
    default_name, serial_name = f"local, -j {jobs} (default)", "local, -j 1 (this process)"
    local = {default_name: executor.local(jobs), serial_name: executor.local(1)}
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in local}
    first = None
    for r in range(args.repeats):
        for name in list(local) if r % 2 == 0 else list(local)[::-1]:
            measured, result = timed(plan, local[name])
            first = first or result
            check_same(first, result)
            times[name].append(measured)
    print("local:")
    meds = medians(times)
    default = meds[default_name][0]
    ok = default <= args.limit
    print(
        f"  default run: median {default:.2f} s against the {args.limit:g} s budget ({default / args.limit:.0%} of it)"
        f"{'' if ok else ' - OVER BUDGET'}; speed-up -j 1 / -j {jobs}: {speedup(meds, serial_name, default_name)}"
    )

    if not args.no_dask:
        from distributed import Client, LocalCluster

        clusters = {
            n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0") for n in (1, 2)
        }
        clients = {n: Client(c.scheduler_address, set_as_default=False) for n, c in clusters.items()}
        names = {1: "Dask, 1 worker", 2: "Dask, 2 workers"}
        try:
            dtimes: dict[str, list[tuple[float, float]]] = {v: [] for v in names.values()}
            for r in range(args.repeats):
                for n in (1, 2) if r % 2 == 0 else (2, 1):
                    measured, result = timed(plan, executor.Dask(clusters[n].scheduler_address), clients[n])
                    check_same(first, result)
                    dtimes[names[n]].append(measured)
        finally:
            for n in clusters:
                clients[n].close()
                clusters[n].close()
        print("Dask LocalCluster (processes, 1 thread per worker):")
        dmeds = medians(dtimes)
        print(f"  speed-up 1 worker / 2 workers: {speedup(dmeds, names[1], names[2])}")
    print("all runs gave identical arrays")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
