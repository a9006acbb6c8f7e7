"""Work objects, the ordered executor that runs a group's MPI calls, and the
watchdog that turns a hang into a clear error.

Note [one MPI call at a time per group]
MPI requires every rank to issue the collectives of a communicator in the
same order. Asynchronous operations (`async_op=True`, DDP's bucket
all-reduces) run on a communication thread so that they overlap the caller's
work; synchronous ones run on the caller's thread, which avoids a thread
hand-off (tens of microseconds) on every small call. Both paths go through
one `OrderedExecutor` per group: a synchronous call runs inline only when
nothing is queued or running, otherwise it is queued behind the pending
work and waited for. So each rank's calls reach MPI in the order the program
issued them, and at most one thread is inside MPI for a given group. mpi4py
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
"""
import collections
import os
import weakref
import sys
import threading
import time

from . import _mpi

_monotonic = time.monotonic  # one global lookup on the per-call path


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


class _Watchdog:
    """One per process: aborts the MPI job when an MPI call outlives its
    group's timeout (Note [timeouts abort the job])."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = {}  # token -> (deadline, started, description, timeout)
        self._executors = weakref.WeakSet()  # each shows its running call in `.running`
        self._next = 0
        self._thread = None

    def _ensure_thread(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="tensorcore-distributed-watchdog", daemon=True)
            self._thread.start()

    def watch(self, executor):
        """Watches `executor.running`: None or (deadline, started,
        description, timeout), set without a lock on the hot path (an
        attribute store is atomic under the GIL)."""
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

    def _loop(self):
        while True:
            with self._lock:
                items = list(self._running.values())
                items += [r for r in (e.running for e in list(self._executors)) if r is not None]
            now = time.monotonic()
            for deadline, started, description, timeout_s in items:
                if now >= deadline:
                    self._abort(description, now - started, timeout_s)
            # Wake often enough to fire within ~5% of the shortest timeout.
            shortest = min((t for _, _, _, t in items), default=1.0)
            time.sleep(min(1.0, max(0.01, shortest / 20)))

    @staticmethod
    def _abort(description, elapsed, timeout_s):
        from .distributed_c10d import _world_rank_for_messages
        rank = _world_rank_for_messages()
        sys.stderr.write(
            f"[rank {rank}] tensorcore.distributed: {description} did not complete within the process group's "
            f"timeout of {timeout_s:g} s (ran {elapsed:.1f} s). Another rank probably died, raised an "
            f"exception, or is not calling the same collective. Aborting the MPI job.\n")
        sys.stderr.flush()
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
        self._drainers = 0
        self._queue = collections.deque()
        self._busy = False
        self._closed = False
        self._thread = None
        self.running = None  # the call in MPI now, for the watchdog
        watchdog.watch(self)

    def _guarded(self, fn, description, timeout_s=None):
        # Only one call runs at a time per executor, so one slot suffices.
        now = time.monotonic()
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        self.running = (now + timeout_s, now, description, timeout_s)
        try:
            return fn()
        except _mpi.load().Exception as e:
            raise DistBackendError(f"{description}: MPI error: {e}") from None
        finally:
            self.running = None

    def run(self, fn, description, timeout_s=None):
        """Runs `fn` (which calls MPI) and returns its value: inline when the
        group is idle, else after the work queued before it."""
        with self._lock:  # a plain Lock: this path runs for every small collective
            if self._closed:
                self._check_open()
            inline = not self._busy and not self._queue
            if inline:
                self._busy = True
        if not inline:
            return self.submit(fn, description, timeout_s=timeout_s).result_value()
        # _guarded, inlined: this is every synchronous collective's path.
        now = _monotonic()
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        self.running = (now + timeout_s, now, description, timeout_s)
        try:
            return fn()
        except _mpi.load().Exception as e:
            raise DistBackendError(f"{description}: MPI error: {e}") from None
        finally:
            self.running = None
            with self._lock:
                self._busy = False
                if self._queue or self._drainers:  # someone waits for the group to be idle
                    self._cv.notify_all()

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
                while (not self._queue or self._busy) and not self._closed:
                    self._cv.wait()
                if not self._queue:
                    return  # closed and drained
                work = self._queue.popleft()
                self._busy = True
            work._run()
            with self._cv:
                self._busy = False
                self._cv.notify_all()  # the next queued work, or drain()

    def drain(self):
        """Waits until everything queued has run."""
        with self._cv:
            self._drainers += 1
            try:
                while self._queue or self._busy:
                    self._cv.wait()
            finally:
                self._drainers -= 1

    def close(self):
        self.drain()
        with self._cv:
            self._closed = True
            self._cv.notify_all()


class _QueuedWork(Work):
    def result_value(self):
        self.wait()
        return self._value
