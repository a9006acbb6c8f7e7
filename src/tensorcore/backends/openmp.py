"""tensorcore.backends.openmp: whether the CPU kernels run in parallel
through OpenMP."""
import functools

from .. import _C

__all__ = ["is_available"]


@functools.lru_cache(maxsize=None)
def is_available():
    """True when tensorcore was built with OpenMP.

    A build without OpenMP ignores set_num_threads and always reports one
    thread, so the answer is read off the thread setting (which is restored):
    _C exports no build flag for it."""
    old = _C.get_num_threads()
    if old > 1:
        return True
    _C.set_num_threads(2)
    try:
        return _C.get_num_threads() == 2
    finally:
        _C.set_num_threads(old)
