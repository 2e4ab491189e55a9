"""The executor: order, time limits, captured failures, clean shutdown, same results for any backend.

Tasks are plain ``(kind, argument)`` items for the module-level :func:`task`, as the executor
requires.  A task that must be stopped writes its process id to a file first, so the test can
check afterwards that no such process is left.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eos_theory.running import executor
from eos_theory.running.executor import Outcome, Processes, Serial

GENEROUS = 30.0  # seconds: an upper bound for runs whose tasks are stopped after 1 s


def task(spec):
    kind, arg = spec
    if kind == "value":
        return arg
    if kind == "sleep":  # arg = (pid file, seconds): announce this process, then hang
        Path(arg[0]).write_text(str(os.getpid()))
        time.sleep(arg[1])
        return "woke up"
    if kind == "swallow":  # a task that tries to swallow what stops it while it hangs
        try:
            time.sleep(arg)
        except Exception:
            return "swallowed"
        except BaseException:  # even the time limit, once (as a bare except would)
            time.sleep(arg)
        return "woke up"
    if kind == "raise":
        raise ValueError(arg)
    if kind == "exit":
        os._exit(arg)
    if kind == "unpicklable":
        return lambda: arg
    if kind == "pid":
        return os.getpid()
    if kind == "frozen":
        return gc.get_freeze_count()
    raise AssertionError(kind)


def gone(pid: int) -> bool:
    """No such process, or only its exit status is left (a zombie waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


@pytest.fixture(params=["serial", "processes"])
def backend(request):
    return Serial() if request.param == "serial" else Processes(2)


def test_outcomes_come_in_submission_order_and_progress_sees_each_task_once(backend):
    items = [("value", k) for k in range(12)]
    seen = []
    outcomes = executor.run(
        task, items, backend=backend, timeout=GENEROUS, progress=lambda i, o: seen.append((i, o.value))
    )
    assert [o.value for o in outcomes] == list(range(12))
    assert all(o.error is None and not o.timed_out for o in outcomes)
    assert sorted(seen) == [(k, k) for k in range(12)]


def test_an_exception_is_the_tasks_outcome_and_the_others_still_run(backend):
    outcomes = executor.run(task, [("value", 1), ("raise", "bad input"), ("value", 3)], backend=backend)
    assert [o.value for o in outcomes] == [1, None, 3]
    assert outcomes[1].error == "ValueError: bad input" and not outcomes[1].timed_out


def test_a_task_past_its_limit_is_stopped_and_does_not_block_the_others(backend, tmp_path):
    pidfile = tmp_path / "pid"
    items = [("value", 0), ("sleep", (str(pidfile), 60)), ("value", 2), ("value", 3)]
    start = time.monotonic()
    outcomes = executor.run(task, items, backend=backend, timeout=1)
    assert time.monotonic() - start < GENEROUS
    assert [o.value for o in outcomes] == [0, None, 2, 3]
    assert outcomes[1].timed_out and outcomes[1].error == "time limit of 1 s exceeded"
    assert outcomes[1].seconds >= 1


def test_a_killed_worker_is_replaced_and_no_process_is_left(tmp_path):
    pidfile = tmp_path / "pid"
    items = [("sleep", (str(pidfile), 60)), ("pid", None), ("pid", None)]
    outcomes = executor.run(task, items, backend=Processes(1), timeout=0.5)
    assert outcomes[0].error == "time limit of 0.5 s exceeded"
    hung, *others = [int(pidfile.read_text())] + [o.value for o in outcomes[1:]]
    assert hung not in others  # the remaining tasks ran in a fresh worker
    assert all(gone(pid) for pid in [hung, *others])
    assert multiprocessing.active_children() == []


def test_the_time_limit_cannot_be_swallowed_by_the_task(backend):
    outcomes = executor.run(task, [("swallow", 60)], backend=backend, timeout=0.5)
    assert outcomes[0].timed_out and outcomes[0].value is None


def test_serial_time_limit_leaves_the_alarm_as_it_found_it():
    before = signal.getsignal(signal.SIGALRM)
    executor.run(task, [("swallow", 60), ("value", 1)], backend=Serial(), timeout=0.5)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_keyboard_interrupt_stops_every_worker(tmp_path):
    pidfile = tmp_path / "pid"

    def interrupt(i, outcome):
        while not pidfile.exists():  # the other worker is now inside its hanging task
            time.sleep(0.01)
        raise KeyboardInterrupt

    items = [("sleep", (str(pidfile), 60)), ("value", 1)]
    with pytest.raises(KeyboardInterrupt):
        executor.run(task, items, backend=Processes(2), progress=interrupt)
    assert gone(int(pidfile.read_text()))
    assert multiprocessing.active_children() == []


def test_a_dying_worker_or_an_unpicklable_result_is_that_tasks_error_only():
    items = [("exit", 3), ("value", 1), ("unpicklable", 0), ("value", 2)]
    outcomes = executor.run(task, items, backend=Processes(2), timeout=GENEROUS)
    assert outcomes[0].error == "worker process died (exit code 3)"
    assert outcomes[2].error.startswith("result could not be sent back: ")
    assert [outcomes[1].value, outcomes[3].value] == [1, 2]


def test_results_do_not_depend_on_the_backend():
    items = [("value", k) if k % 3 else ("raise", str(k)) for k in range(9)]

    def view(outcomes):
        return [(o.value, o.error, o.timed_out) for o in outcomes]

    serial = view(executor.run(task, items))
    assert serial == view(executor.run(task, items, backend=Processes(2)))
    assert serial == view(executor.run(task, items, backend=Processes(5)))


class _W:  # what _Runs needs of a worker: the run it holds and its end
    run = None
    back = False


def test_two_workers_take_one_run_from_its_two_ends_and_meet_in_the_middle():
    runs = executor._Runs(6, 1)
    a, b = _W(), _W()
    runs.take(a), runs.take(b)
    order = [
        runs.next_task(a),
        runs.next_task(b),
        runs.next_task(b),
        runs.next_task(a),
        runs.next_task(a),
        runs.next_task(b),
    ]
    assert order == [0, 5, 4, 1, 2, 3] and runs.next_task(a) is None and not runs


def test_an_idle_worker_takes_a_free_end_before_it_splits_the_longest_run():
    runs = executor._Runs(10, 2)  # [0..4], [5..9]
    a, b, c, d = _W(), _W(), _W(), _W()
    for w in (a, b, c):
        runs.take(w)
    assert [(w.run.tasks[0], w.back) for w in (a, b, c)] == [(0, False), (0, True), (5, False)]
    runs.take(d)  # the second run's back end is free
    assert (runs.next_task(c), runs.next_task(d)) == (5, 9)
    for _ in range(3):
        runs.next_task(c)  # 6, 7, 8: the second run is done
    assert runs.next_task(c) is None
    runs.take(c)  # no free end left: split the longest run, [0..4]; c takes its back half's front
    assert list(c.run.tasks) == [2, 3, 4] and (c.back, b.run is c.run, b.back) == (False, True, True)
    assert list(a.run.tasks) == [0, 1] and a.run.back is None
    first = a.run
    runs.release(a)  # a's worker died: its end is taken over before anything is split
    e = _W()
    runs.take(e)
    assert e.run is first and (runs.next_task(e), runs.next_task(b), runs.next_task(c)) == (0, 4, 2)
    assert [list(r.tasks) for r in executor._Runs(7, 3).runs] == [[0, 1], [2, 3], [4, 5, 6]]


def test_spawned_workers_get_everything_pickled():
    # spawn (the start method off Linux) shares nothing with this process: the function travels by
    # name and each item and outcome is pickled, as it will be for a remote backend
    outcomes = executor.run(int, ["7", "x", "-3"], backend=Processes(2, start_method="spawn"), timeout=GENEROUS)
    assert [o.value for o in outcomes] == [7, None, -3]
    assert outcomes[1].error == "ValueError: invalid literal for int() with base 10: 'x'"


@pytest.mark.parametrize("kwargs", [{"timeout": 0}, {"timeout": -1}, {"timeout": 10**7}])
def test_bad_arguments_are_rejected(kwargs):
    with pytest.raises(ValueError):
        executor.run(task, [("value", 1), ("value", 2)], **kwargs)


def test_local_backend_and_cores():
    assert isinstance(executor.local(1), Serial)
    assert isinstance(executor.local(3), Processes) and executor.local(3).jobs == 3
    assert executor.cores() >= 1
    with pytest.raises(ValueError):
        Processes(0)


def test_outcome_defaults_mean_success():
    assert Outcome(value=1).error is None and not Outcome().timed_out


# -- the registry through the executor ------------------------------------------------------------


@pytest.mark.long
def test_the_report_and_the_latex_document_do_not_depend_on_the_number_of_jobs(monkeypatch, registry_results):
    """Also the registry's run-to-run stability: the session's run on two forked workers against a serial run in a
    fresh interpreter."""
    from eos_theory.core import registry
    from eos_theory.outputs import latex

    def without_times(results):
        return [{k: v for k, v in c.items() if k != "seconds"} for c in registry.report(results)["claims"]]

    parallel = registry_results  # jobs=2, forked from this session's process (conftest)
    # jobs=1 in one spawned worker: a fresh interpreter, so cold caches and other string hashes than this
    # process's (forked workers inherit the caches this test process has warmed)
    monkeypatch.setattr(executor, "local", lambda jobs: Processes(jobs, start_method="spawn"))
    serial = registry.run_all(registry.claims(), jobs=1)
    assert [(r.claim.id, r.verdict, r.evidence) for r in parallel] == [
        (r.claim.id, r.verdict, r.evidence) for r in serial
    ]
    assert without_times(parallel) == without_times(serial)  # steps, corrections, LaTeX of each formula
    assert [r.certificate for r in parallel] == [r.certificate for r in serial]  # the kernel's input, to the byte
    assert latex.document(parallel) == latex.document(serial)  # every SymPy object printed as it was built


def test_workers_do_not_outlive_a_parent_killed_outright(tmp_path):
    # SIGKILL leaves the parent no chance to clean up: the workers must go by themselves
    pidfile = tmp_path / "pid"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from test_executor import task; "
        "from eos_theory import executor; "
        "executor.run(task, [('sleep', (sys.argv[2], 60)), ('value', 1)], backend=executor.Processes(2))"
    )
    parent = subprocess.Popen([sys.executable, "-c", code, str(Path(__file__).parent), str(pidfile)])
    try:
        deadline = time.monotonic() + GENEROUS
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.05)
        worker = int(pidfile.read_text())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + GENEROUS
    while not gone(worker):  # the worker is killed by the kernel and then reaped by init
        assert time.monotonic() < deadline, "the worker outlived its parent"
        time.sleep(0.05)


# -- the Dask backend, against a LocalCluster ---------------------------------------------------
# Dask workers import the task function by name, so these tasks are builtins and library functions
# (this test module is not importable there).


def _clients(cluster) -> set:
    return set(cluster.scheduler.clients)


def test_dask_runs_in_order_reports_errors_and_closes_its_client(dask_cluster):
    before = _clients(dask_cluster)
    backend = executor.Dask(dask_cluster.scheduler_address)
    seen = []
    outcomes = executor.run(
        int, ["7", "x", "-3", "8"], backend=backend, timeout=GENEROUS, progress=lambda i, o: seen.append(i)
    )
    assert [o.value for o in outcomes] == [7, None, -3, 8]
    assert outcomes[1].error == "ValueError: invalid literal for int() with base 10: 'x'"
    assert sorted(seen) == [0, 1, 2, 3]
    assert _clients(dask_cluster) == before  # the client connected for the run is gone


def test_dask_and_local_backends_give_the_same_outcomes(dask_cluster):
    items = [str(k) if k % 3 else f"{k}!" for k in range(9)]

    def view(outcomes):
        return [(o.value, o.error, o.timed_out) for o in outcomes]

    serial = view(executor.run(int, items))
    assert serial == view(executor.run(int, items, backend=executor.Dask(dask_cluster.scheduler_address)))


def test_dask_unpicklable_result_is_that_tasks_error_only(dask_cluster):
    outcomes = executor.run(eval, ["lambda: 1", "2"], backend=executor.Dask(dask_cluster.scheduler_address))
    assert outcomes[0].error.startswith("result could not be sent back: ")
    assert outcomes[1].value == 2 and outcomes[1].error is None


def test_dask_task_past_its_limit_is_stopped_its_worker_replaced_and_the_others_run(dask_cluster):
    backend = executor.Dask(dask_cluster.scheduler_address)
    start = time.monotonic()
    outcomes = executor.run(time.sleep, [60, 0.1, 0.2, 0.1], backend=backend, timeout=1)
    assert time.monotonic() - start < GENEROUS
    assert outcomes[0].timed_out and outcomes[0].error == "time limit of 1 s exceeded" and outcomes[0].seconds >= 1
    assert [(o.error, o.timed_out) for o in outcomes[1:]] == [(None, False)] * 3
    # the killed worker's nanny starts a fresh one: the cluster runs the next job on two workers again
    client = backend.connect()
    try:
        client.wait_for_workers(2, timeout=GENEROUS)
    finally:
        client.close()
    assert [o.value for o in executor.run(abs, [-1, -2], backend=backend)] == [1, 2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sleep_square(x: int) -> int:
    time.sleep(0.2)
    return x * x


def test_dask_scheduler_lost_mid_run_keeps_the_finished_outcomes_and_fails_the_rest(doomed_cluster):
    """Issue 15, item 11: the scheduler killed after two tasks; those keep their values, every other task gets
    the cluster's failure (one line), and the run returns within seconds instead of raising."""
    address, kill = doomed_cluster
    seen = []

    def progress(i, outcome):
        seen.append(i)
        if len(seen) == 2:
            kill()

    start = time.monotonic()
    outcomes = executor.run(
        _sleep_square, list(range(8)), backend=executor.Dask(address, connect_timeout=1), progress=progress
    )
    assert time.monotonic() - start < 10
    done = [o.value for o in outcomes if o.error is None]
    assert done[:2] == [0, 1] and all(v == i * i for i, v in enumerate(done))
    failed = [o.error for o in outcomes if o.error is not None]
    assert len(done) + len(failed) == 8 and len(failed) >= 4
    assert all(e.startswith(f"the Dask cluster at {address} failed") or "lost this task" in e for e in failed)
    assert all("\n" not in e for e in failed)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "nonsense", "foo://127.0.0.1:{port}"])
def test_dask_unreachable_scheduler_is_a_backend_error_within_the_connect_timeout(address):
    pytest.importorskip("distributed")
    backend = executor.Dask(address.format(port=_free_port()), connect_timeout=1)
    start = time.monotonic()
    with pytest.raises(executor.BackendError, match="no Dask scheduler answered at "):
        executor.run(abs, [1], backend=backend)
    assert time.monotonic() - start < 1 + GENEROUS / 10  # one connect timeout, and some slack for a loaded machine


@pytest.mark.parametrize("kwargs", [{"address": ""}, {"address": 8786}, {"address": "tcp://h:1", "connect_timeout": 0}])
def test_dask_bad_arguments_are_rejected(kwargs):
    with pytest.raises(ValueError):
        executor.Dask(**kwargs)


def test_dask_without_distributed_installed_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(executor.BackendError, match=r"pip install 'eos-theory\[dask\]'"):
        executor.Dask("tcp://127.0.0.1:8786").connect()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_forked_workers_inherit_a_frozen_heap_and_the_caller_gets_it_back_thawed():
    assert gc.get_freeze_count() == 0
    outcomes = executor.run(task, [("frozen", 0)] * 3, backend=Processes(2), timeout=GENEROUS)
    assert all(o.value > 1000 for o in outcomes)  # the caller's objects, frozen before the fork
    assert gc.get_freeze_count() == 0
