"""tensorcore.cpu: torch.cpu's device queries and the deprecated torch.cpu.amp."""
from . import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize", "is_initialized", "amp"]


def is_available():
    """The CPU device is always available."""
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """No-op, as in PyTorch."""


def synchronize(device=None):
    """CPU work is synchronous: nothing to wait for."""


def is_initialized():
    return True
