"""tensorcore.backends.mkldnn: tensorcore does not use oneDNN (MKL-DNN).
`enabled` and `deterministic` are settable flags with PyTorch's defaults
that change nothing."""
from contextlib import contextmanager

__all__ = ["is_available", "enabled", "deterministic", "flags"]

enabled = True
deterministic = False


def is_available():
    return False


@contextmanager
def flags(enabled=False, deterministic=False):
    """Sets the two flags for the duration of a `with` block."""
    module = globals()
    saved = module["enabled"], module["deterministic"]
    module["enabled"], module["deterministic"] = enabled, deterministic
    try:
        yield
    finally:
        module["enabled"], module["deterministic"] = saved
