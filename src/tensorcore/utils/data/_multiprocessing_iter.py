"""The DataLoader iterator that loads in worker processes (num_workers > 0).

Note [DataLoader worker scheduling]
Tasks are numbered in the order the index sampler produces them and dealt to
the workers round robin, prefetch_factor * num_workers of them in flight at
once (each delivered batch sends one more task). Results come back on one
queue in any order; with in_order=True (the default) a result that arrives
early waits in _task_info until every earlier task is delivered, so batches
come out in sampler order, the same as with num_workers=0. For an
IterableDataset every worker iterates its own copy of the dataset, so
batches interleave worker 0, 1, ..., 0, 1, ...; an exhausted worker answers
_IterableDatasetStopIteration and gets no further tasks. This is PyTorch's
scheduling, so the same program yields the same batches in the same order.

Note [DataLoader worker shutdown]
Workers are stopped (done_event, on which idle workers exit, and None on
each index queue; a short join, then terminate/kill) when an epoch ends (unless persistent), when the
iterator is garbage collected (del, break out of a loop, an exception
unwinding the loop), and at interpreter exit for iterators still alive.
A worker that dies makes the next wait for data raise RuntimeError naming
its pid instead of hanging; the other workers are then stopped too. Only the
process that created the workers stops them (a forked child inherits this
object and must not).
"""
import atexit
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref

from . import _shared_memory
from ._single_process_iter import _BaseDataLoaderIter
from ._worker import ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration, worker_loop

# How often a wait for data checks that the workers are alive (seconds).
_STATUS_CHECK_INTERVAL = 0.1
# How long shutdown waits for workers to exit on their own before it
# terminates them (seconds, for all of them together).
_SHUTDOWN_JOIN_TIMEOUT = 0.5

_live_iterators = weakref.WeakSet()
_live_iterators_lock = threading.Lock()


@atexit.register
def _shutdown_live_iterators():
    # Runs before multiprocessing's own exit handler (atexit is LIFO), so the
    # workers are stopped by us and their leftover segments removed.
    with _live_iterators_lock:
        iterators = list(_live_iterators)
    for it in iterators:
        it._shutdown_workers()


def _worker_exit_reason(worker):
    code = worker.exitcode
    if code is not None and code < 0:
        try:
            name = signal.strsignal(-code)
        except ValueError:
            name = f"signal {-code}"
        return f"DataLoader worker (pid {worker.pid}) is killed by signal: {name}. "
    return (f"DataLoader worker (pid {worker.pid}) exited unexpectedly with exit code {code}. Details are lost due "
            "to multiprocessing. Rerunning with num_workers=0 may give better error trace.")


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._owner_pid = os.getpid()
        self._shutdown = False
        self._segment_prefix = _shared_memory.new_prefix()
        self._worker_result_queue = ctx.Queue()
        self._workers_done_event = ctx.Event()
        self._index_queues = []
        self._workers = []
        with _live_iterators_lock:
            _live_iterators.add(self)
        try:
            for i in range(self._num_workers):
                index_queue = ctx.Queue()
                # Tasks left unread at shutdown must not block our exit.
                index_queue.cancel_join_thread()
                w = ctx.Process(
                    target=worker_loop,
                    args=(self._is_iterable, self._dataset, index_queue, self._worker_result_queue,
                          self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                          self._base_seed, loader.worker_init_fn, i, self._num_workers, self._segment_prefix),
                    daemon=True)
                w.start()
                self._index_queues.append(index_queue)
                self._workers.append(w)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # the number of the next task to send
        self._rcvd_idx = 0  # the number of the next task to return
        # task number -> (worker_id,) while outstanding, (worker_id, data)
        # once its result arrived out of order.
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: restart their fetchers; results of the
            # previous epoch still in flight are dropped on the way.
            for index_queue in self._index_queues:
                index_queue.put(_ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _check_workers(self):
        failed = [w for i, w in enumerate(self._workers) if self._workers_status[i] and not w.is_alive()]
        if not failed:
            return
        pids = ", ".join(str(w.pid) for w in failed)
        reason = RuntimeError(" ".join(_worker_exit_reason(w) for w in failed))
        self._shutdown_workers()
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from reason

    def _get_data(self):
        """The next (task_idx, data) from any worker, waiting at most
        `timeout` seconds when the loader has one; raises RuntimeError when a
        worker died."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.0))
            try:
                message = self._worker_result_queue.get(timeout=wait)
            except queue.Empty:
                self._check_workers()
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                continue
            return _shared_memory.loads(message)

    def _next_data(self):
        if self._shutdown:
            raise StopIteration
        while True:
            # Skip the tasks of workers that stopped without answering them
            # (IterableDataset workers that ran out of data).
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._is_iterable and isinstance(data, _IterableDatasetStopIteration):
                self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker, if any
            worker_id = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_id]:
                if self._in_order:
                    break
                if self._workers_num_tasks[worker_id] < max_tasks // sum(self._workers_status):
                    break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._workers_num_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id):
        # A persistent worker stays alive for the next epoch; otherwise it is
        # told to exit now (it has set iteration_end, so it only waits for None).
        if not self._persistent_workers:
            self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        """Stops the workers and removes segments nobody received; safe to
        call more than once. See Note [DataLoader worker shutdown]."""
        if self._shutdown or getattr(self, "_owner_pid", None) != os.getpid():
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for index_queue in self._index_queues:
                try:
                    index_queue.put(None)
                except (OSError, ValueError):
                    pass
            deadline = time.monotonic() + _SHUTDOWN_JOIN_TIMEOUT
            for w in self._workers:
                w.join(timeout=max(deadline - time.monotonic(), 0.0))
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_SHUTDOWN_JOIN_TIMEOUT)
                if w.is_alive():
                    w.kill()
                    w.join()
            for q in self._index_queues:
                q.close()
            # Results still in the pipe are dropped unread (reading could
            # block on a message a killed worker left half written); their
            # segments go with the prefix.
            self._worker_result_queue.cancel_join_thread()
            self._worker_result_queue.close()
            _shared_memory.unlink_prefix(self._segment_prefix)
            with _live_iterators_lock:
                _live_iterators.discard(self)

    def __del__(self):
        if hasattr(self, "_shutdown"):
            self._shutdown_workers()
