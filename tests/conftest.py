"""Shared test configuration: the hypothesis profile and the fixtures the test modules share.

Profiles (select with ``HYPOTHESIS_PROFILE=NAME``; :mod:`eos_theory.testing.profiles` defines them)
---------------------------------------------------------------------------------------------------
``explore`` (the default): every run draws **new** random examples, 40 per property unless a
test asks for another count through :func:`eos_theory.testing.examples`; no deadline (SymPy's first call
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

import dataclasses
import os
import sys

try:
    import fcntl
except ImportError:  # not on Windows: each worker runs the registry itself
    fcntl = None  # type: ignore[assignment]
from pathlib import Path

import pytest

from eos_theory.testing import exact_profile

# pytest runs with --import-mode=importlib, which does not put tests/ on sys.path; the test
# modules import their helpers as the plain module ``clitools``.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# Bytecode caches: this machine's environment sets PYTHONDONTWRITEBYTECODE=1, so that every xdist worker, every
# `eos-theory` or pytest subprocess, notebook kernel and spawned worker would compile the package from source
# again, and pytest would rewrite the assertions of its plugins' modules (hypothesis, eos_theory) anew in each.
# The test session writes them (to the git-ignored __pycache__/), as Python does by default.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# The CLI takes COLUMNS as the terminal's width; pytest-xdist's workers set it to 80.  The CLI tests
# read the output a pipe gets (no COLUMNS: 140 columns), whichever runner started them.
os.environ.pop("COLUMNS", None)

exact_profile()


def pytest_collection_modifyitems(items):
    """Tests marked ``long`` (seconds each) first: pytest-xdist's workers then end together on short ones."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: otherwise as collected


@pytest.fixture(scope="session")
def registry_results(tmp_path_factory, request):
    """Every registered claim, run once per test session on two forked workers (``jobs=2``: both cores work,
    also while another xdist worker waits for the results), and shared by the test modules that read the results;
    they must not modify them.  (test_executor compares them with a serial run in a fresh interpreter.)

    Under pytest-xdist the workers share one run: the first worker to ask runs the registry and leaves the
    results in the session's base directory (exactly as built: :mod:`eos_theory.running.transport`, as
    ``registry.run_all`` itself ships them between processes); the others wait for the file and read it.
    """
    from eos_theory.core import registry

    def run_all() -> list:
        return registry.run_all(registry.claims(), jobs=2)

    if not hasattr(request.config, "workerinput") or fcntl is None:  # not an xdist worker, or no file locks
        return run_all()
    from eos_theory.running import transport

    shared = tmp_path_factory.getbasetemp().parent  # one directory for all workers of this session
    data = shared / "registry_results.bin"
    with open(shared / "registry_results.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not data.exists():
            results = run_all()
            fields = [f.name for f in dataclasses.fields(registry.Result) if f.name != "claim"]  # all but the claim
            packed = [(r.claim.id, tuple(getattr(r, name) for name in fields)) for r in results]
            data.write_bytes(transport.dumps(packed))
            return results
    claims = {c.id: c for c in registry.claims()}
    return [registry.Result(claims[claim_id], *fields) for claim_id, fields in transport.loads(data.read_bytes())]


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


@pytest.fixture
def clean_registry(monkeypatch):
    """The claim registry, the imported modules and sys.path restored after the test: a researcher's claims it
    loads do not stay (the project's are registered first, so every test sees them)."""
    from eos_theory.core import registry

    registry.claims()
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if not name.startswith(("eos_theory", "sympy", "mpmath", "numpy", "hypothesis")):
            del sys.modules[name]


@pytest.fixture
def doomed_cluster():
    """A Dask LocalCluster whose scheduler a test may kill mid-run: ``(address, kill)``.  Its one worker is a
    thread of this process (no process to start: about 0.1 s), with one thread; ``kill()`` closes the
    scheduler from another thread, as a lost scheduler machine would, and returns at once.  A test using it
    must keep its tasks within their time limits (a Dask task past its limit ends its worker's process:
    here, the test's).  Teardown stops what is left within a second."""
    import contextlib
    import threading

    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1, dashboard_address=":0")

    def kill() -> None:
        threading.Thread(target=lambda: cluster.sync(cluster.scheduler.close), daemon=True).start()

    try:
        yield cluster.scheduler_address, kill
    finally:
        with contextlib.suppress(Exception):
            cluster.close(timeout=0.5)  # the scheduler may be gone: then this times out
        cluster._loop_runner.stop()


@pytest.fixture
def scheduler_lost_after_first_result(doomed_cluster, monkeypatch):
    """The doomed cluster's address, with its scheduler killed as soon as the first result has been fetched (through
    the scheduler, so that result arrives before it goes), and a 1 s connect timeout: what a command run on it
    meets when the scheduler's machine is lost mid-run."""
    from eos_theory.running import executor

    address, kill = doomed_cluster
    outcome, calls = executor.Dask._outcome, []

    def first_then_kill(future, started):
        result = outcome(future, started)
        calls.append(future)
        if len(calls) == 1:
            kill()
        return result

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(executor.Dask, "_outcome", staticmethod(first_then_kill))
    return address
