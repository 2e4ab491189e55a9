"""Shared test configuration: the hypothesis profiles and access to ``tests/strategies.py``.

Profiles (select with ``HYPOTHESIS_PROFILE=NAME``)
--------------------------------------------------
``explore`` (the default): every run draws **new** random examples, 40 per property unless a
test asks for another count through :func:`strategies.examples`; no deadline (SymPy's first call
of a derivation is slow and would trip it).
``ci``: the same counts, derandomised: every run draws the same fixed sample (for bisecting).
``thorough``: random, ten times the examples; use it when hunting for counterexamples.

Every property is exact or has a tolerance derived from the precision it uses, so a failure on
a rare draw is a bug to fix, never noise to retry.

Replaying a failure
-------------------
Hypothesis prints the shrunk *falsifying example* (the arguments: paste them into an
``@example(...)`` decorator to keep it as a regression test) and a
``@reproduce_failure("<version>", b"<blob>")`` line: add that decorator to the test to replay the
exact draw.  Failing examples are also saved in the local example database (``.hypothesis/``,
git-ignored) and replayed first on the next run.  To make a whole run repeatable, fix its randomness with
``python -m pytest --hypothesis-seed=N`` (any integer; hypothesis also prints such a seed when a
failure cannot be replayed from the database).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# pytest runs with --import-mode=importlib, which does not put tests/ on sys.path; the test
# modules import their strategies as the plain module ``strategies``.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# The CLI takes COLUMNS as the terminal's width; pytest-xdist's workers set it to 80.  The CLI tests
# read the output a pipe gets (no COLUMNS: 140 columns), whichever runner started them.
os.environ.pop("COLUMNS", None)

settings.register_profile(
    "explore",
    deadline=None,
    derandomize=False,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", settings.get_profile("explore"), derandomize=True, database=None)
settings.register_profile("thorough", settings.get_profile("explore"), max_examples=400)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "explore"))


@pytest.fixture(scope="session")
def registry_results():
    """Every registered claim, run once per test session (a few seconds) and shared by the test
    modules that read the results; they must not modify them."""
    from eos_theory.core import registry

    return registry.run_all(registry.claims())


@pytest.fixture(scope="module")
def dask_cluster():
    """A Dask LocalCluster for the Dask backend: 2 worker processes (with nannies), 1 thread each, its
    dashboard on a free port (":0"; None would mean the default 8787, which another session may hold).

    Module-scoped, and its tests come last in their modules: the cluster's scheduler runs in threads
    of this process, and the local backend forks worker processes, which must not happen while
    other threads may hold locks.  Skipped only when dask.distributed cannot be imported."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as cluster:
        yield cluster
