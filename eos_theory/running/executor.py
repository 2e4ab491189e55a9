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
* :class:`Dask` — the workers of a ``dask.distributed`` cluster (``--scheduler ADDR``): one
  ``Client.submit`` per task while a worker thread is free, each task's deadline counted from its
  submission; a task past its limit is cancelled and killed with its worker, as with
  :class:`Processes` (the worker's nanny starts a fresh one).  The client is closed afterwards.  If
  the cluster itself fails (its scheduler lost), every task not finished by then gets that failure as
  its outcome and the run returns: the finished tasks keep their values.
  Needs the optional ``distributed`` package (``pip install 'eos-theory[dask]'``).

Design notes.  One pipe per worker rather than a shared queue: killing a worker can then never
leave a lock held in shared state.  Workers are forked on Linux: they start in milliseconds with the
parent's imports (SymPy, the registry) and caches, and only items and results are pickled; other
platforms spawn (fresh interpreters: ``fn`` must be importable).  Callers order the items so that
neighbours share work (the claims of one proof script use the same ``@cache``'d derivations), and
each worker works through a contiguous run of them, two workers to a run from its two ends, so
they meet in its middle (:class:`_Runs`); a worker that runs out splits the longest run left, so a
slow or hung task holds up nothing but itself.  A task's result must not
depend on which worker ran it, or when: that is the caller's side of the contract that makes
results identical for any number of jobs.

>>> [o.value for o in run(abs, [-2, 3, -5])]
[2, 3, 5]
>>> run(int, ["7", "x"])[1].error
"ValueError: invalid literal for int() with base 10: 'x'"
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from distributed import Client

MAX_TIMEOUT = 10**6  #: the longest time limit in seconds (11.6 days); for none at all, pass None
CONNECT_TIMEOUT = 10.0  #: seconds to reach a Dask scheduler and find a worker there before giving up
_POLL = 3600.0  #: the longest single wait for a worker (the OS rejects very long waits)
HEARTBEAT = 1.0  #: seconds between checks that a Dask client still has its scheduler


@dataclass(frozen=True)
class Outcome:
    """What became of one task: its value, or the reason it has none."""

    value: Any = None
    error: str | None = None  #: None on success, else e.g. "ValueError: ..." or "time limit of 2 s exceeded"
    seconds: float = 0.0
    timed_out: bool = False


Done = Callable[[int, Outcome], None]


class BackendError(RuntimeError):
    """A backend that cannot run anything: its package is missing, or its cluster cannot be reached."""


class Backend(Protocol):
    def execute(self, fn: Callable, items: Sequence, timeout: float | None, done: Done) -> None:
        """Run ``fn(items[i])`` for every i and call ``done(i, outcome)`` once per task, in this process."""


def run(
    fn: Callable,
    items: Sequence,
    *,
    backend: Backend | None = None,
    timeout: float | None = None,
    progress: Done | None = None,
) -> list[Outcome]:
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
    return cast(list[Outcome], outcomes)  # filled: a backend calls done once per task (Backend.execute)


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
    except Exception as exc:
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
            except Exception as exc:
                conn.send(
                    Outcome(
                        error=f"result could not be sent back: {type(exc).__name__}: {exc}", seconds=outcome.seconds
                    )
                )
        except OSError:
            return


class _Worker:
    def __init__(self, context, fn: Callable):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, fn, os.getpid()), daemon=True, name="eos-theory worker"
        )
        self.process.start()
        child.close()
        self.run: _Run | None = None  #: the run of tasks this worker takes its next one from
        self.back = False  #: whether it takes them from the run's back end
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
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(timeout=5)
        self.kill()


class _Run:
    """A contiguous run of pending task indices; up to two workers hold it, one at each end."""

    def __init__(self, tasks: Iterable[int]) -> None:
        self.tasks: deque[int] = deque(tasks)
        self.front: _Worker | None = None  #: the worker taking tasks from the front, if any
        self.back: _Worker | None = None  #: the worker taking tasks from the back, if any


class _Runs:
    """The pending tasks as contiguous runs of indices, each worked from both ends: ⌈jobs/2⌉ equal runs
    at first, so with two workers one goes forward from the first task and the other backward from
    the last, and they meet in the middle.  Each worker keeps to neighbouring tasks (they share
    derivations), the load balances to within the one task each is running at the end, and the
    tasks run last are the middle ones, not a whole slow stretch.  A worker with nothing to do takes
    a free end of a run; with none free it splits the longest run in two (work stealing): it takes the
    front of the back half, the worker at the old back end follows the back half, and the old run's
    back end is free again.
    """

    def __init__(self, n: int, parts: int):
        self.runs = [_Run(range(k * n // parts, (k + 1) * n // parts)) for k in range(parts)]

    def __bool__(self) -> bool:
        return any(r.tasks for r in self.runs)

    def take(self, w) -> None:
        """Give worker ``w`` an end of a run with tasks left (``w.run``, ``w.back``)."""
        self.release(w)
        for run in self.runs:
            if run.tasks:
                for end in ("front", "back"):
                    if getattr(run, end) is None:
                        setattr(run, end, w)
                        w.run, w.back = run, end == "back"
                        return
        longest = max(self.runs, key=lambda r: len(r.tasks))
        half = _Run(longest.tasks.pop() for _ in range((len(longest.tasks) + 1) // 2))
        half.tasks.reverse()
        half.front, half.back = w, longest.back
        if longest.back is not None:
            longest.back.run = half  # its end moves with the back half
        longest.back = None
        self.runs = [r for r in self.runs if r.tasks] + [half]
        w.run, w.back = half, False

    def release(self, w) -> None:
        """``w`` holds its end no longer (it died, or its run is done): the next worker to take may have it."""
        run = getattr(w, "run", None)
        if run is not None:
            for end in ("front", "back"):
                if getattr(run, end) is w:
                    setattr(run, end, None)
        w.run = None

    @staticmethod
    def next_task(w) -> int | None:
        """The next task at ``w``'s end of its run, or None when the run is done."""
        if w.run is None or not w.run.tasks:
            return None
        return w.run.tasks.pop() if w.back else w.run.tasks.popleft()

    @staticmethod
    def put_back(w, i: int) -> None:
        """Return task ``i`` (never started) to ``w``'s end of its run."""
        if w.back:
            w.run.tasks.append(i)
        else:
            w.run.tasks.appendleft(i)


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
        pending = _Runs(len(items), (min(self.jobs, len(items)) + 1) // 2 or 1)
        workers: list[_Worker] = []
        # Objects that exist now are the workers' inheritance: frozen, the workers' garbage collector
        # never walks them (which would also copy every page it touches); thawed again afterwards.
        thaw = self.context.get_start_method() == "fork" and gc.get_freeze_count() == 0
        if thaw:
            gc.freeze()
        try:
            while pending or any(w.task is not None for w in workers):
                self._dispatch(fn, items, pending, workers)
                busy = [w for w in workers if w.task is not None]
                left = _POLL if timeout is None else min(w.started + timeout for w in busy) - time.perf_counter()
                ready = set(
                    wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=min(max(left, 0), _POLL))
                )
                for w in busy:
                    outcome = None
                    if w.conn in ready or w.process.sentinel in ready:
                        outcome = self._receive(w)
                    elif timeout is not None and time.perf_counter() - w.started >= timeout:
                        outcome = Outcome(
                            error=time_limit_error(timeout), seconds=time.perf_counter() - w.started, timed_out=True
                        )
                        w.kill()
                    if outcome is not None:
                        index, w.task = w.task, None
                        if not w.process.is_alive():
                            workers.remove(w)
                            pending.release(w)
                        done(index, outcome)
        except BaseException:  # KeyboardInterrupt included: no worker outlives the run
            for w in workers:
                w.kill()
            raise
        finally:
            if thaw:
                gc.unfreeze()
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
            i = pending.next_task(w)
            if i is None:
                pending.take(w)
                i = pending.next_task(w)
                assert i is not None  # take() gave w an end of a run with tasks left (pending is non-empty)
            try:
                w.give(i, items[i])
            except OSError:  # the worker died while idle: the task never started
                pending.put_back(w, i)
                workers.remove(w)
                pending.release(w)
                w.kill()

    @staticmethod
    def _receive(w: _Worker) -> Outcome:
        try:
            if w.conn.poll():
                return w.conn.recv()
        except (EOFError, OSError):
            pass
        w.kill()
        return Outcome(
            error=f"worker process died (exit code {w.process.exitcode})", seconds=time.perf_counter() - w.started
        )


# -- on a Dask cluster ----------------------------------------------------------------------------


def _remote(fn: Callable, item) -> bytes:
    """``fn(item)`` on a Dask worker, its outcome pickled there as a local worker pickles it for its pipe,
    so a value that cannot be pickled is this task's error (as with :class:`Processes`), not the cluster's."""
    outcome = _call(fn, item)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return pickle.dumps(
            Outcome(error=f"result could not be sent back: {type(exc).__name__}: {exc}", seconds=outcome.seconds)
        )


def _exit_worker() -> None:
    """Run on a Dask worker by ``Client.run``: end its process now, whatever its threads are doing."""
    os._exit(70)  # EX_SOFTWARE


@contextlib.contextmanager
def _quiet(prefix: str):
    """Only CRITICAL records from the loggers named ``prefix`` or ``prefix.*`` meanwhile (levels restored)."""
    names = [prefix] + [n for n in logging.root.manager.loggerDict if n.startswith(prefix + ".")]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


async def _identify(address: str, timeout: float):
    """The reply of whatever listens at ``address`` to a Dask ``identity`` request."""
    import asyncio

    from distributed.comm import connect

    comm = await connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity"})
        return await asyncio.wait_for(comm.read(), timeout)
    finally:
        await comm.close()


class Dask:
    """Run the tasks on the workers of the ``dask.distributed`` scheduler at ``address``.

    The scheduler is first asked who it is, on a connection of our own, within ``connect_timeout``
    seconds: a failed ``Client(address)`` would leave an object whose finaliser prints a traceback
    at exit.  Then one ``Client.submit`` per task while a worker thread is free (so a task starts
    when it is submitted, and its time counts from then, as in :class:`Processes`), ``done`` per task
    as its future completes (``Future.add_done_callback``; ``as_completed`` has no per-wait time
    limit, which the deadlines need).  A task past its limit is cancelled and the worker running it
    killed at once (a running Python thread cannot be stopped any other way; ``restart_workers``
    would first wait seconds for it to finish); its nanny starts a fresh worker, and without a
    nanny the tasks continue on the others.  The function and items travel by (cloud)pickle, so
    ``fn`` must be importable on the workers.
    """

    def __init__(self, address: str, connect_timeout: float = CONNECT_TIMEOUT):
        if not isinstance(address, str) or not address.strip():
            raise ValueError(
                f"the scheduler address must be a non-empty string such as tcp://host:8786, got {address!r}"
            )
        if not 0 < connect_timeout <= MAX_TIMEOUT:
            raise ValueError(f"connect_timeout must be in (0, {MAX_TIMEOUT}] seconds, got {connect_timeout}")
        self.address, self.connect_timeout = address.strip(), float(connect_timeout)

    def connect(self) -> Client:
        """A ``distributed.Client`` of the scheduler, once it has a worker; :class:`BackendError` if that
        takes longer than ``connect_timeout`` (twice, at most: the scheduler, then a worker)."""
        try:
            from distributed import Client
        except ImportError:
            raise BackendError(
                "the Dask backend needs the 'distributed' package: pip install 'eos-theory[dask]'"
            ) from None
        wait = f"within {self.connect_timeout:g} s"
        answer: list = []

        def ask() -> None:  # in a thread of its own: this thread may already run an event loop (Jupyter)
            import asyncio  # here, not at the top: only the Dask backend needs it (0.04 s of every start-up)

            try:
                answer.append(asyncio.run(_identify(self.address, self.connect_timeout)))
            except BaseException as exc:
                answer.append(exc)

        asker = threading.Thread(target=ask, name="eos-theory dask probe", daemon=True)
        asker.start()
        asker.join(2 * self.connect_timeout + 1)  # connect, then read: each bounded by connect_timeout
        reply = answer[0] if answer else TimeoutError("no answer")
        if isinstance(reply, BaseException):
            raise BackendError(f"no Dask scheduler answered at {self.address} {wait} ({type(reply).__name__}: {reply})")
        if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
            raise BackendError(f"{self.address} answered, but not as a Dask scheduler")
        try:
            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except Exception as exc:
            raise BackendError(
                f"cannot connect a client to the Dask scheduler at {self.address}: {type(exc).__name__}: {exc}"
            ) from None
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout)
        except Exception:
            self._close(client)
            raise BackendError(f"the Dask scheduler at {self.address} has no worker {wait}") from None
        return client

    def threads(self) -> int:
        """The cluster's worker threads now (how many tasks it runs at once): connects, asks, closes."""
        client = self.connect()
        try:
            return self._threads(client)
        finally:
            self._close(client)

    def execute(self, fn, items, timeout, done) -> None:
        client = self.connect()
        with _quiet("distributed"):  # its errors while it reconnects would be lines of our output
            try:
                self._execute(client, fn, items, timeout, done)
            finally:
                self._close(client)

    def _execute(self, client, fn, items, timeout, done) -> None:
        """The tasks on ``client``'s cluster.  If the cluster fails (the scheduler is lost, the client breaks),
        every task not finished by then gets that failure as its outcome, and the finished ones keep theirs."""
        finished: queue.SimpleQueue = queue.SimpleQueue()  # futures, put there by their done-callbacks
        pending = deque(range(len(items)))
        running: dict[Any, tuple[Any, int, float]] = {}  # key -> (future, index, submitted at)
        try:
            while pending or running:
                report: list[tuple[int, Outcome]] = []  # handed to done() outside the cluster calls
                try:
                    self._round(client, fn, items, timeout, pending, running, finished, report)
                except Exception as exc:  # the cluster failed: what has not finished cannot, here
                    what = " ".join(str(exc).split())[:160]
                    lost = Outcome(error=f"the Dask cluster at {self.address} failed: {type(exc).__name__}: {what}")
                    report += [(i, lost) for _, i, _ in running.values()] + [(i, lost) for i in pending]
                    running.clear()
                    pending.clear()
                for i, outcome in report:
                    done(i, outcome)
        except BaseException:  # KeyboardInterrupt included: nothing of ours keeps running on the cluster
            with contextlib.suppress(Exception):
                client.cancel([f for f, _, _ in running.values()], force=True)
            raise

    def _round(self, client, fn, items, timeout, pending: deque, running: dict, finished, report: list) -> None:
        """Submit while a worker thread is free, wait for a task to finish (at most HEARTBEAT seconds, then the
        client is asked whether it still has its scheduler), and stop the tasks past their deadline."""
        if client.status != "running":  # 'connecting': it lost its scheduler, which cancelled every task it had;
            # waiting for a reconnection would hold the run connect_timeout seconds per call (issue 15, item 11)
            raise ConnectionError(f"the client lost its scheduler (client status: {client.status})")
        free = self._threads(client) - len(running)
        if free <= 0 and not running:
            self._starved(client, items, pending, lambda i, o: report.append((i, o)))
            return
        while pending and free > 0:
            i = pending.popleft()
            future = client.submit(_remote, fn, items[i], pure=False)
            running[future.key] = (future, i, time.perf_counter())
            future.add_done_callback(finished.put)
            free -= 1
        left = _POLL if timeout is None else min(t + timeout for _, _, t in running.values()) - time.perf_counter()
        ready = []
        try:
            ready.append(finished.get(timeout=min(max(left, 0), HEARTBEAT)))
            while True:  # everything that finished meanwhile, before any deadline is judged
                ready.append(finished.get_nowait())
        except queue.Empty:
            pass
        for future in ready:
            if future.key in running:  # else it was stopped by its deadline: reported already
                _, i, started = running.pop(future.key)
                report.append((i, self._outcome(future, started)))
        if timeout is not None:
            for key, (future, i, started) in list(running.items()):
                spent = time.perf_counter() - started
                if spent >= timeout:
                    del running[key]
                    self._stop(client, future)
                    report.append((i, Outcome(error=time_limit_error(timeout), seconds=spent, timed_out=True)))

    def _starved(self, client, items, pending: deque, done) -> None:
        """No worker thread at all (workers restarting or gone): wait for one, else fail the rest."""
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout)
        except Exception:
            while pending:
                done(pending.popleft(), Outcome(error=f"no Dask worker left at {self.address} to run this task"))

    @staticmethod
    def _threads(client) -> int:
        return sum(client.nthreads().values())

    @staticmethod
    def _outcome(future, started: float) -> Outcome:
        import asyncio

        try:
            return pickle.loads(future.result())
        except (Exception, asyncio.CancelledError) as exc:
            what = " ".join(str(exc).split())[:200]  # one line: distributed's messages run over several
            return Outcome(
                error=f"the Dask cluster lost this task: {type(exc).__name__}: {what}",
                seconds=time.perf_counter() - started,
            )

    @staticmethod
    def _stop(client, future) -> None:
        """Cancel an overdue task and kill the worker that runs it (its nanny starts a fresh one)."""
        try:
            holders = [w for w, keys in client.processing().items() if future.key in keys]
        except Exception:
            holders = []
        client.cancel([future], force=True)
        if holders:
            with contextlib.suppress(Exception):
                client.run(_exit_worker, workers=holders)

    def _close(self, client) -> None:
        with contextlib.suppress(Exception):
            client.close(timeout=self.connect_timeout)
