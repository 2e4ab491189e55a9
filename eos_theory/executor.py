"""The one executor: run a function over many items, each within a time limit, results in order.

Everything that fans out (the claim registry; later a regime atlas and random-model ensembles)
goes through :func:`run`.  A task is a plain picklable pair (a module-level function, an item), so
it can travel to another process or machine; where tasks run is a *backend*:

* :class:`Serial` — in this process, one after the other (``-j 1``; debuggers and profilers see the
  task).  The limit is a SIGALRM that interrupts the task between bytecodes, where the platform
  has one and this is the main thread; otherwise there is no limit.
* :class:`Processes` — ``jobs`` local worker processes, one pipe each.  A task past its limit is
  killed with its worker (a running task cannot be cancelled any other way), and a fresh worker
  takes over the remaining tasks.
* A Dask backend (``--scheduler ADDR``) will be a third class with the same ``execute`` method:
  ``Client.submit(fn, item)`` per task, ``as_completed`` with the same deadlines, ``done`` per task.

Design notes.  One pipe per worker rather than a shared queue: killing a worker can then never
leave a lock held in shared state.  Workers are forked on Linux: they start in milliseconds with the
parent's imports (SymPy, the registry) and caches, and only items and results are pickled; other
platforms spawn (fresh interpreters: ``fn`` must be importable).  Callers order the items so that
neighbours share work (the claims of one proof script use the same ``@cache``'d derivations), and
each worker takes a contiguous run of them; a worker that runs out takes the back half of the
longest run left, so a slow or hung task holds up nothing but itself.  A task's result must not
depend on which worker ran it, or when: that is the caller's side of the contract that makes
results identical for any number of jobs.

>>> [o.value for o in run(abs, [-2, 3, -5])]
[2, 3, 5]
>>> run(int, ["7", "x"])[1].error
"ValueError: invalid literal for int() with base 10: 'x'"
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Protocol, Sequence

MAX_TIMEOUT = 10**6  #: the longest time limit in seconds (11.6 days); for none at all, pass None
_POLL = 3600.0  #: the longest single wait for a worker (the OS rejects very long waits)


@dataclass(frozen=True)
class Outcome:
    """What became of one task: its value, or the reason it has none."""

    value: Any = None
    error: str | None = None  #: None on success, else e.g. "ValueError: ..." or "time limit of 2 s exceeded"
    seconds: float = 0.0
    timed_out: bool = False


Done = Callable[[int, Outcome], None]


class Backend(Protocol):
    def execute(self, fn: Callable, items: Sequence, timeout: float | None, done: Done) -> None:
        """Run ``fn(items[i])`` for every i and call ``done(i, outcome)`` once per task, in this process."""


def run(fn: Callable, items: Sequence, *, backend: Backend | None = None, timeout: float | None = None,
        progress: Done | None = None) -> list[Outcome]:
    """``fn`` applied to each item on ``backend`` (default :class:`Serial`), each call limited to
    ``timeout`` seconds; outcomes in the order of ``items``.  ``progress(i, outcome)`` is called
    (in this process) as each task finishes."""
    items = list(items)
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"timeout must be in (0, {MAX_TIMEOUT}] seconds or None, got {timeout}")
    outcomes: list[Outcome | None] = [None] * len(items)

    def done(i: int, outcome: Outcome) -> None:
        outcomes[i] = outcome
        if progress is not None:
            progress(i, outcome)

    (backend or Serial()).execute(fn, items, timeout, done)
    return outcomes


def cores() -> int:
    """The number of cores this process may run on (its affinity mask, where the OS has one)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def local(jobs: int) -> Backend:
    """The local backend for ``jobs`` parallel tasks: in-process for 1, worker processes otherwise."""
    return Serial() if jobs == 1 else Processes(jobs)


def time_limit_error(timeout: float) -> str:
    return f"time limit of {timeout:g} s exceeded"


def _call(fn: Callable, item) -> Outcome:
    """``fn(item)`` with any ordinary exception captured as the outcome's error."""
    start = time.perf_counter()
    try:
        value = fn(item)
    except Exception as exc:  # noqa: BLE001 - reported, never raised: one task cannot stop the others
        return Outcome(error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - start)
    return Outcome(value=value, seconds=time.perf_counter() - start)


# -- in this process ------------------------------------------------------------------------------

class _TimeLimit(BaseException):
    """Raised into a task by SIGALRM; a BaseException, so the task's ``except Exception`` lets it pass."""


class Serial:
    """Run the tasks here, in order."""

    def execute(self, fn, items, timeout, done) -> None:
        for i, item in enumerate(items):
            done(i, self._limited(fn, item, timeout))

    @staticmethod
    def _limited(fn, item, timeout) -> Outcome:
        alarm_free = hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        if timeout is None or not alarm_free or threading.current_thread() is not threading.main_thread():
            return _call(fn, item)  # no limit: no alarm here, or someone else's alarm is set

        armed = [True]

        def ring(signum, frame):
            if armed[0]:
                raise _TimeLimit

        start, timed_out = time.perf_counter(), False
        previous = signal.signal(signal.SIGALRM, ring)
        try:  # it rings again every 0.1 s, in case the task swallows a ring (a bare except, a __del__)
            signal.setitimer(signal.ITIMER_REAL, timeout, 0.1)
            outcome = _call(fn, item)
        except _TimeLimit:
            timed_out = True
        finally:  # disarm before any call: a Python signal handler runs only at calls and loop jumps
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if timed_out:
            return Outcome(error=time_limit_error(timeout), seconds=time.perf_counter() - start, timed_out=True)
        return outcome


# -- in local worker processes --------------------------------------------------------------------

def _serve(conn, fn: Callable, parent: int) -> None:
    """A worker's life: receive an item, send back its outcome, until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops every worker
    if sys.platform.startswith("linux"):  # if the parent dies, even by SIGKILL, the kernel kills this worker
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # prctl(PR_SET_PDEATHSIG, SIGKILL)
        if os.getppid() != parent:
            return  # the parent died before that took effect
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        if item is None:
            return
        outcome = _call(fn, item)
        try:
            try:
                conn.send(outcome)  # pickled whole before anything is written
            except Exception as exc:  # noqa: BLE001 - an unpicklable value is this task's error
                conn.send(Outcome(error=f"result could not be sent back: {type(exc).__name__}: {exc}",
                                  seconds=outcome.seconds))
        except OSError:
            return


class _Worker:
    def __init__(self, context, fn: Callable):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, fn, os.getpid()), daemon=True,
                                       name="eos-theory worker")
        self.process.start()
        child.close()
        self.run: deque[int] = deque()  #: the tasks this worker is to do next, in order
        self.task: int | None = None  #: the index of the running task
        self.started = 0.0

    def give(self, index: int, item) -> None:
        self.conn.send(item)
        self.task, self.started = index, time.perf_counter()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        self.kill()


class _Runs:
    """The pending tasks as contiguous runs of indices: at first ``parts`` equal runs, no worker's yet;
    a worker with none takes an unheld run, else the back half of the longest run (work stealing)."""

    def __init__(self, n: int, parts: int):
        self.runs = [deque(range(k * n // parts, (k + 1) * n // parts)) for k in range(parts)]
        self.unheld = list(self.runs)

    def __bool__(self) -> bool:
        return any(self.runs)

    def take(self) -> deque[int]:
        while self.unheld:
            run = self.unheld.pop(0)
            if run:
                return run
        longest = max(self.runs, key=len)
        stolen = deque(longest.pop() for _ in range((len(longest) + 1) // 2))
        stolen.reverse()
        self.runs = [r for r in self.runs if r] + [stolen]
        return stolen

    def release(self, run: deque[int]) -> None:
        """The worker holding ``run`` is gone: the next worker without a run takes it over."""
        self.unheld.append(run)


def _start_method() -> str:
    """fork on Linux (fast start, inherits imports and caches); spawn elsewhere (fork is unsafe on macOS)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


class Processes:
    """Run the tasks in ``jobs`` local worker processes, killing any that overrun the time limit.

    A task's time counts from when it is handed to a worker (for a fresh spawned worker, that
    includes the worker's start-up).  Fork with no other thread holding a lock: callers start no
    helper threads that a worker could need (the CLI's progress bar refreshes from its main thread
    for this reason).
    """

    def __init__(self, jobs: int, start_method: str | None = None):
        if jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {jobs}")
        self.jobs = jobs
        self.context = multiprocessing.get_context(start_method or _start_method())

    def execute(self, fn, items, timeout, done) -> None:
        pending, workers = _Runs(len(items), min(self.jobs, len(items)) or 1), []
        try:
            while pending or any(w.task is not None for w in workers):
                self._dispatch(fn, items, pending, workers)
                busy = [w for w in workers if w.task is not None]
                left = _POLL if timeout is None else min(w.started + timeout for w in busy) - time.perf_counter()
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                                 timeout=min(max(left, 0), _POLL)))
                for w in busy:
                    outcome = None
                    if w.conn in ready or w.process.sentinel in ready:
                        outcome = self._receive(w)
                    elif timeout is not None and time.perf_counter() - w.started >= timeout:
                        outcome = Outcome(error=time_limit_error(timeout), seconds=time.perf_counter() - w.started,
                                          timed_out=True)
                        w.kill()
                    if outcome is not None:
                        index, w.task = w.task, None
                        if not w.process.is_alive():
                            workers.remove(w)
                            pending.release(w.run)
                        done(index, outcome)
        except BaseException:  # KeyboardInterrupt included: no worker outlives the run
            for w in workers:
                w.kill()
            raise
        for w in workers:
            w.stop()

    def _dispatch(self, fn, items, pending: _Runs, workers: list[_Worker]) -> None:
        """Give every idle worker its next task, starting workers (up to ``jobs``) while tasks remain."""
        idle = [w for w in workers if w.task is None]
        while pending and (idle or len(workers) < self.jobs):
            if idle:
                w = idle.pop()
            else:
                w = _Worker(self.context, fn)
                workers.append(w)
            if not w.run:
                w.run = pending.take()
            i = w.run.popleft()
            try:
                w.give(i, items[i])
            except OSError:  # the worker died while idle: the task never started
                w.run.appendleft(i)
                workers.remove(w)
                pending.release(w.run)
                w.kill()

    @staticmethod
    def _receive(w: _Worker) -> Outcome:
        try:
            if w.conn.poll():
                return w.conn.recv()
        except (EOFError, OSError):
            pass
        w.kill()
        return Outcome(error=f"worker process died (exit code {w.process.exitcode})",
                       seconds=time.perf_counter() - w.started)
