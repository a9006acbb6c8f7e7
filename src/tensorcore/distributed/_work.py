"""Work objects, the ordered executor that runs a group's MPI calls, and the
watchdog that turns a hang into a clear error.

Note [one MPI call at a time per group]
MPI requires every rank to issue the collectives of a communicator in the
same order. Asynchronous operations (`async_op=True`, DDP's bucket
all-reduces) run on a communication thread so that they overlap the caller's
work; synchronous ones run on the caller's thread, which avoids a thread
hand-off (tens of microseconds) on every small call. Both paths go through
one `OrderedExecutor` per group: a synchronous call runs inline only when
nothing is queued and it takes the group's `_in_mpi` lock without waiting,
otherwise it is queued behind the pending work and waited for. The
communication thread takes `_in_mpi` *before* it dequeues a work, so a work
that has left the queue but not finished still holds the group. So each
rank's calls reach MPI in the order the program issued them, and at most one
thread is inside MPI for a given group. mpi4py
releases the GIL during every blocking MPI call, so Python threads (and the
autograd engine's hooks) keep running while data moves.

Note [timeouts abort the job]
A blocking MPI call cannot be interrupted: when a peer dies, raises, or
never reaches the matching collective, the other ranks would wait forever.
The watchdog thread watches every running MPI call; one that runs longer
than the group's timeout makes it print what was pending (op, tensor, group,
rank, elapsed time) and call MPI_Abort, which makes the launcher (mpiexec)
end every rank of the job. That is what PyTorch's NCCL watchdog does
(TORCH_NCCL_ASYNC_ERROR_HANDLING): better a loud, bounded failure than a
silent hang.

Note [the watchdog keeps the clock]
A call in MPI publishes only what it is (`executor.running`, its
description) and bumps a counter (`executor.calls`); it reads no clock and
builds no deadline. The watchdog, waking every timeout/20 (at most 1 s),
stamps a call the first time it sees it running and aborts once the same
call (same counter value) has been running for the timeout. That moves
about 0.2 us per call (a clock read, a deadline tuple) off the hot path; the
price is that a hang is detected up to one wake-up later than its exact
deadline (5% of the timeout). It reads `running` before `calls`: seeing the
same count with a running call at two wake-ups then means one call ran the
whole time (calls run one at a time, each bumps the count before it
publishes itself), so a long sequence of short calls never looks like a
hang. A call with its own timeout (monitored_barrier) publishes a `_Timed`.
The remaining per-call cost of fault detection is two attribute stores and
the `_in_mpi` lock, which ordering needs anyway.
"""
import collections
import os
import weakref
import sys
import threading
import time

from . import _mpi

# Note [Output before MPI_Abort]
# mpiexec forwards each rank's stdout/stderr asynchronously, and MPI_Abort
# tears the whole job down at once: a message written just before it was
# sometimes lost (a loaded CI run captured no output at all, not even the
# failing rank's traceback). Both abort paths flush and wait this long first.
ABORT_OUTPUT_GRACE_S = 0.5


class DistError(RuntimeError):
    """Base of tensorcore.distributed's errors (PyTorch's name)."""


class DistBackendError(DistError):
    """An error reported by the communication library (MPI), as PyTorch's."""


class Work:
    """The handle of an operation started with `async_op=True` (PyTorch's
    `torch.distributed.Work`): `wait()` blocks until it is done and re-raises
    its error, if any."""

    def __init__(self, fn, description, outputs=()):
        self._fn = fn
        self._description = description
        self._outputs = list(outputs)
        self._done = threading.Event()
        self._exception = None
        self._value = None
        self._future = None
        self._future_lock = threading.Lock()

    def _run(self):
        try:
            self._value = self._fn()
        except BaseException as e:  # delivered to the waiter
            self._exception = e
        finally:
            self._fn = None  # drop the buffers' references early
            self._set_done()

    def _set_done(self):
        with self._future_lock:
            self._done.set()
            future = self._future
        if future is not None:
            self._complete(future)

    def _complete(self, future):
        if self._exception is not None:
            future.set_exception(self._exception)
        else:
            future.set_result(self._outputs)

    def get_future(self):
        """A tensorcore.futures.Future completed with the operation's output
        tensors (a list, e.g. [tensor] for all_reduce) when it finishes, or
        with its error; `then` callbacks run on the communication thread."""
        from ..futures import Future
        with self._future_lock:
            if self._future is not None:
                return self._future
            self._future = future = Future()
            done = self._done.is_set()
        if done:
            self._complete(future)
        return future

    def wait(self, timeout=None):
        """Blocks until the operation completed; returns True. Re-raises the
        operation's error. `timeout` (a timedelta or seconds) bounds the wait:
        past it, RuntimeError."""
        seconds = timeout.total_seconds() if hasattr(timeout, "total_seconds") else timeout
        if not self._done.wait(seconds):
            raise RuntimeError(f"Work.wait(): {self._description} did not complete within {timeout}")
        if self._exception is not None:
            raise self._exception
        return True

    def is_completed(self):
        return self._done.is_set()

    def is_success(self):
        return self._done.is_set() and self._exception is None

    def exception(self):
        return self._exception

    def result(self):
        """The operation's output tensors (after `wait()`)."""
        self.wait()
        return self._outputs

    def __repr__(self):
        state = "completed" if self.is_completed() else "pending"
        return f"<Work {self._description} ({state})>"


class _Timed:
    """A running call's description with its own timeout (monitored_barrier's
    backstop), in one object so the watchdog reads both at once."""
    __slots__ = ("description", "timeout_s")

    def __init__(self, description, timeout_s):
        self.description, self.timeout_s = description, timeout_s

    def __str__(self):
        return str(self.description)


class _Watchdog:
    """One per process: aborts the MPI job when an MPI call outlives its
    group's timeout (Note [timeouts abort the job], Note [the watchdog keeps
    the clock])."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = {}  # token -> (deadline, started, description, timeout)
        self._executors = weakref.WeakSet()  # each shows its running call in `.running`, counted by `.calls`
        self._seen = weakref.WeakKeyDictionary()  # executor -> (its .calls, when the watchdog first saw that call)
        self._next = 0
        self._thread = None

    def _ensure_thread(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="tensorcore-distributed-watchdog", daemon=True)
            self._thread.start()

    def watch(self, executor):
        """Watches `executor.running` (None, or what is in MPI now) and
        `executor.calls` (calls started so far); Note [the watchdog keeps
        the clock]."""
        with self._lock:
            self._executors.add(executor)
            self._ensure_thread()

    def start(self, description, timeout_s):
        now = time.monotonic()
        with self._lock:
            self._next += 1
            token = self._next
            self._running[token] = (now + timeout_s, now, description, timeout_s)
            self._ensure_thread()
        return token

    def finish(self, token):
        with self._lock:
            self._running.pop(token, None)

    def _executor_items(self, now):
        """(deadline, started, description, timeout) of each executor's
        running call, `started` being when this thread first saw it."""
        items, timeouts = [], []
        for e in list(self._executors):
            timeouts.append(e.timeout_s)
            running = e.running  # read before .calls: see the Note
            calls = e.calls
            if running is None:
                self._seen.pop(e, None)
                continue
            seen = self._seen.get(e)
            if seen is None or seen[0] != calls:
                seen = self._seen[e] = (calls, now)
            timeout_s = running.timeout_s if type(running) is _Timed else e.timeout_s
            items.append((seen[1] + timeout_s, seen[1], running, timeout_s))
        return items, timeouts

    def _loop(self):
        while True:
            now = time.monotonic()
            with self._lock:
                items = list(self._running.values())
                mine, timeouts = self._executor_items(now)
            items += mine
            for deadline, started, description, timeout_s in items:
                if now >= deadline:
                    self._abort(description, now - started, timeout_s)
            # Wake often enough to fire within ~5% of the shortest timeout (the
            # idle executors' too: a call they start is first seen one wake later).
            shortest = min([t for _, _, _, t in items] + timeouts, default=1.0)
            time.sleep(min(1.0, max(0.01, shortest / 20)))

    @staticmethod
    def _abort(description, elapsed, timeout_s):
        from .distributed_c10d import _world_rank_for_messages
        rank = _world_rank_for_messages()
        sys.stderr.write(
            f"[rank {rank}] tensorcore.distributed: {description} did not complete within the process group's "
            f"timeout of {timeout_s:g} s (ran {elapsed:.1f} s). Another rank probably died, raised an "
            f"exception, or is not calling the same collective. Aborting the MPI job.\n")
        sys.stdout.flush()
        sys.stderr.flush()
        time.sleep(ABORT_OUTPUT_GRACE_S)  # Note [Output before MPI_Abort]
        MPI = _mpi.load()
        MPI.COMM_WORLD.Abort(1)
        os._exit(1)  # not reached: Abort ends the process


watchdog = _Watchdog()


class OrderedExecutor:
    """Runs one group's MPI calls one at a time, in issue order (Note [one
    MPI call at a time per group]), each watched by the watchdog."""

    def __init__(self, name, timeout_s):
        self._name = name
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        # Held by whichever thread has this group's call in MPI: the caller's
        # (inline) or the communication thread's (queued work).
        self._in_mpi = threading.Lock()
        self._drainers = 0
        self._queue = collections.deque()
        self._closed = False
        self._thread = None
        self.running = None  # the call in MPI now (its description), for the watchdog
        self.calls = 0  # calls started, for the watchdog (Note [the watchdog keeps the clock])
        watchdog.watch(self)

    def _guarded(self, fn, description, timeout_s=None):
        # Runs on the communication thread, which holds _in_mpi.
        self.calls += 1
        self.running = description if timeout_s is None else _Timed(description, timeout_s)
        try:
            return fn()
        except _mpi.load().Exception as e:
            raise DistBackendError(f"{description}: MPI error: {e}") from None
        finally:
            self.running = None

    def call(self, fn, arg, description):
        """`fn(arg)` (which calls MPI) and its value: inline when the group
        is idle, else after the work queued before it. The hot path of every
        small collective: no closure, no clock, two lock operations."""
        if self._queue or not self._in_mpi.acquire(False):
            return self.submit(lambda: fn(arg), description).result_value()
        try:
            if self._closed:
                self._check_open()
            self.calls += 1
            self.running = description
            return fn(arg)
        except _mpi.load().Exception as e:
            raise DistBackendError(f"{description}: MPI error: {e}") from None
        finally:
            self.running = None
            self._in_mpi.release()
            if self._queue or self._drainers:  # queued work or drain() waits for the group to be idle
                self._notify_idle()

    def _notify_idle(self):
        """Wakes the communication thread and drain(): the group went idle.
        Also called by the native all_reduce (Note [Native all_reduce])."""
        with self._cv:
            self._cv.notify_all()

    def run(self, fn, description, timeout_s=None):
        """Runs `fn` (which calls MPI) and returns its value: inline when the
        group is idle, else after the work queued before it."""
        if timeout_s is None:
            return self.call(_call0, fn, description)
        return self.call(_call0, fn, _Timed(description, timeout_s))

    def submit(self, fn, description, outputs=(), timeout_s=None):
        """Queues `fn` for the communication thread; returns its Work."""
        work = _QueuedWork(lambda: self._guarded(fn, description, timeout_s), description, outputs)
        with self._cv:
            self._check_open()
            self._queue.append(work)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=f"tensorcore-distributed-{self._name}",
                                                daemon=True)
                self._thread.start()
            self._cv.notify_all()
        return work

    def _check_open(self):
        if self._closed:
            raise RuntimeError("the process group was destroyed (destroy_process_group); create a new one")

    def _loop(self):
        while True:
            with self._cv:
                while not self._queue and not self._closed:
                    self._cv.wait()
                if not self._queue:
                    return  # closed and drained
            # _in_mpi before the pop: while a work is taken but not finished
            # an inline caller must find the group busy, or it would overtake it.
            self._in_mpi.acquire()
            try:
                with self._cv:
                    work = self._queue.popleft()  # only this thread pops: still there
                work._run()
            finally:
                self._in_mpi.release()
            with self._cv:
                self._cv.notify_all()  # the next queued work, or drain()

    def drain(self):
        """Waits until everything queued has run."""
        with self._cv:
            self._drainers += 1
            try:
                # An inline call notifies after releasing _in_mpi when it sees a
                # drainer, and _drainers was raised before this looks.
                while self._queue or self._in_mpi.locked():
                    self._cv.wait()
            finally:
                self._drainers -= 1

    def close(self):
        self.drain()
        with self._cv:
            self._closed = True
            self._cv.notify_all()


def _call0(fn):
    return fn()


class _QueuedWork(Work):
    def result_value(self):
        self.wait()
        return self._value
