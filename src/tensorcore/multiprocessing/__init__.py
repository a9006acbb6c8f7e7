"""torch.multiprocessing: Python's multiprocessing, with tensors shared
between processes by reference once moved to shared memory
(Tensor.share_memory_, Module.share_memory; Note [Shared tensors])."""
import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .. import _C
from . import _sharing

_sharing.install(_C.Tensor)

_STRATEGIES = {"file_system"}
_strategy = "file_system"


def get_all_sharing_strategies():
    """tensorcore shares through files in /dev/shm only."""
    return set(_STRATEGIES)


def get_sharing_strategy():
    return _strategy


def set_sharing_strategy(new_strategy):
    if new_strategy not in ("file_system", "file_descriptor"):
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}")
    # file_descriptor is PyTorch's Linux default; both end up as shared pages here.


class ProcessRaisedException(Exception):
    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.error_index, self.pid = error_index, error_pid


class ProcessExitedException(ProcessRaisedException):
    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Runs fn(i, *args) in nprocs new processes (i = 0..nprocs-1); with
    join, waits and raises if one of them failed."""
    ctx = _mp.get_context(start_method)
    procs = [ctx.Process(target=fn, args=(i,) + tuple(args), daemon=daemon) for i in range(nprocs)]
    for p in procs:
        p.start()
    if not join:
        return procs
    for p in procs:
        p.join()
    for i, p in enumerate(procs):
        if p.exitcode != 0:
            raise ProcessExitedException(f"process {i} terminated with exit code {p.exitcode}", i, p.pid,
                                         p.exitcode)
    return None


__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies", "spawn",
           "ProcessRaisedException", "ProcessExitedException"] + list(getattr(_mp, "__all__", []))
