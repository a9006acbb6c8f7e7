"""tensorcore.accelerator: the current accelerator, which is CUDA when
tensorcore was built with it and a GPU is present, and otherwise none (all
computation on the CPU), as torch.accelerator reports it."""
from . import cuda
from ._dtype import device as _device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "current_device_idx",
           "set_device_index", "set_device_idx", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def is_available():
    """Whether an accelerator device can be used."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """device("cuda") when CUDA is usable, else None."""
    return _device("cuda") if is_available() else None


def device_count():
    return cuda.device_count() if is_available() else 0


def current_device_index():
    if not is_available():
        raise RuntimeError(_NONE)
    return cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device):
    if not is_available():
        raise RuntimeError(_NONE)
    index = device.index if isinstance(device, _device) else device
    if index is not None and index >= 0:
        cuda.set_device(index)


set_device_idx = set_device_index


def synchronize(device=None):
    if not is_available():
        raise RuntimeError(_NONE)
    cuda.synchronize(device)
