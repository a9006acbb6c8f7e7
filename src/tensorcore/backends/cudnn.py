"""tensorcore.backends.cudnn: tensorcore's CUDA kernels do not use cuDNN, so
is_available() is False and version() None. The flags programs set at
start-up (benchmark, deterministic, allow_tf32, enabled) are module
attributes with PyTorch's defaults; setting them changes nothing."""
from contextlib import contextmanager

__all__ = ["is_available", "version", "is_acceptable", "flags", "enabled", "benchmark", "benchmark_limit",
           "deterministic", "allow_tf32"]

enabled = True
benchmark = False
benchmark_limit = None
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    """cuDNN's version; None without cuDNN, as in PyTorch."""
    return None


def is_acceptable(tensor):
    """Whether cuDNN could run an op on `tensor`: never, here."""
    return False


@contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """Sets the flags for the duration of a `with` block."""
    module = globals()
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    saved = [module[n] for n in names]
    for n, v in zip(names, (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)):
        module[n] = v
    try:
        yield
    finally:
        for n, v in zip(names, saved):
            module[n] = v
