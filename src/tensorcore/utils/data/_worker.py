"""What runs inside a DataLoader worker process: its seeding, get_worker_info,
and the loop that turns index messages into batch messages."""
from __future__ import annotations
from typing import Any
import dataclasses
import os
import queue
import random
import sys
import traceback

import numpy as np

from . import _shared_memory
from ._fetch import create_fetcher

__all__ = ["WorkerInfo", "get_worker_info"]

# How often an idle worker checks that the main process is alive and has not
# set done_event (seconds).
_STATUS_CHECK_INTERVAL = 0.1


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Information about the DataLoader worker process this code runs in:
    id (0 to num_workers - 1), num_workers, seed (the seed this worker's
    tensorcore and `random` generators were given) and dataset (this
    worker's copy of the dataset)."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_worker_info = None


def get_worker_info() -> Any:
    """The WorkerInfo of the current DataLoader worker process, or None in the
    main process. Use it in IterableDataset.__iter__ or worker_init_fn to give
    each worker its own part of the data."""
    return _worker_info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process as its
    type and formatted traceback, and raised there again."""

    def __init__(self, where: Any) -> None:
        exc_type, exc_value, tb = sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc_value, tb))
        self.where = where

    def reraise(self) -> Any:
        # The exception is built in a helper, so that no frame of the
        # traceback holds it in a local: that would be a reference cycle
        # keeping the DataLoader iterator (and its workers) alive until the
        # cyclic garbage collector runs.
        raise self._rebuild()

    def _rebuild(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError shows repr() of its argument, which would print the
            # traceback as one line with escaped newlines.
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            return self.exc_type(message=msg)
        try:
            return self.exc_type(msg)
        except Exception:
            error = RuntimeError(msg)
            error.__suppress_context__ = True
            return error


class _KeyErrorMessage(str):
    __slots__ = ()

    def __repr__(self) -> str:
        return self


@dataclasses.dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Sent by a worker whose IterableDataset iterator is exhausted."""
    worker_id: int


@dataclasses.dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at the start of a new epoch; echoed back."""


def numpy_seed_state(base_seed: Any, worker_id: Any) -> Any:
    """Four 32-bit words for numpy.random.seed in worker `worker_id`: a
    SeedSequence over (worker_id, low and high halves of base_seed), which is
    the state PyTorch gives numpy in its workers."""
    entropy = worker_id | ((base_seed & 0xFFFFFFFF) << 32) | ((base_seed >> 32) << 64)
    return np.random.SeedSequence(entropy).generate_state(4)


def _seed_worker(base_seed, worker_id):
    """Seeds this process's generators as PyTorch seeds its workers: `random`
    and tensorcore's default generator with base_seed + worker_id, numpy
    with numpy_seed_state. Returns the seed."""
    import tensorcore
    seed = base_seed + worker_id
    random.seed(seed)
    tensorcore.manual_seed(seed)
    np.random.seed(numpy_seed_state(base_seed, worker_id))
    return seed


def _send(result_queue, idx, data, segment_path, worker_id):
    try:
        message = _shared_memory.dumps((idx, data), segment_path)
    except Exception:
        # An unpicklable result is reported like an exception of the dataset
        # instead of being lost (which would leave the main process waiting).
        where = f"in DataLoader worker process {worker_id}"
        try:
            message = _shared_memory.dumps((idx, ExceptionWrapper(where)), segment_path)
        except Exception:  # the exception type itself cannot be pickled
            wrapper = ExceptionWrapper(where)
            wrapper.exc_type = RuntimeError
            message = _shared_memory.dumps((idx, wrapper), segment_path)
    result_queue.put(message)


def worker_loop(is_iterable: Any, dataset: Any, index_queue: Any, result_queue: Any, done_event: Any, auto_collation: Any, collate_fn: Any, drop_last: Any,
                base_seed: Any, init_fn: Any, worker_id: Any, num_workers: Any, segment_prefix: Any) -> None:
    """The body of worker process `worker_id`.

    Note [DataLoader worker protocol]
    The main process sends (task_idx, index) on this worker's index_queue and
    the worker answers (task_idx, batch or ExceptionWrapper or
    _IterableDatasetStopIteration) on the shared result_queue, as a message
    from _shared_memory.dumps. _ResumeIteration (persistent workers, new
    epoch) restarts the fetcher and is echoed back. None means exit (an
    exhausted IterableDataset worker, or shutdown). Once done_event is set
    remaining tasks are skipped and the worker exits as soon as its queue is
    empty, even if the None never arrives: the main process may be shutting
    down from the garbage collector, after the index queues' feeder threads
    were finalized. The worker also exits when its parent process is gone.
    """
    import tensorcore
    global _worker_info
    try:
        # After fork the OpenMP thread pool of the parent is unusable in the
        # child (libgomp deadlocks); one thread per worker is also what
        # PyTorch does, the workers being the parallelism.
        tensorcore.set_num_threads(1)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        def start_fetcher():
            # A failure here (worker_init_fn, iter(dataset)) is the answer to
            # every task of this worker until the next epoch restarts it.
            try:
                return create_fetcher(is_iterable, dataset, auto_collation, collate_fn, drop_last), None
            except Exception:
                return None, ExceptionWrapper(f"in DataLoader worker process {worker_id}")

        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
        except Exception:
            init_exception = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
        fetcher, fetcher_exception = start_fetcher()

        parent_pid = os.getppid()
        segment_count = 0
        iteration_end = False
        while os.getppid() == parent_pid:
            try:
                r = index_queue.get(timeout=_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if done_event.is_set():
                    break  # see Note [DataLoader worker shutdown]
                continue
            if isinstance(r, _ResumeIteration):
                result_queue.put(_shared_memory.dumps((r, None), None))
                iteration_end = False
                fetcher, fetcher_exception = start_fetcher()
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None or fetcher_exception is not None:
                data = init_exception or fetcher_exception
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not is_iterable:
                        data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
                    else:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                except Exception:
                    data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
            segment_count += 1
            _send(result_queue, idx, data, f"{segment_prefix}_{worker_id}_{segment_count}", worker_id)
            del data, idx, index, r
        else:
            # The main process is gone (killed): nobody will receive, or
            # remove, the segments this worker sent that were still in flight.
            _shared_memory.unlink_prefix(f"{segment_prefix}_{worker_id}")
    except KeyboardInterrupt:
        pass  # the main process got the same Ctrl-C and will shut the loader down
    if done_event.is_set():
        # The main process no longer reads: do not wait at exit for results
        # still buffered for the pipe (their segments are removed by the
        # main process, Note [DataLoader shared-memory segments]).
        result_queue.cancel_join_thread()
        result_queue.close()
