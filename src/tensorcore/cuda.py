"""tensorcore.cuda: devices, memory and synchronization of the CUDA backend.

A build without the backend (or with it off, Note [CUDA backend not yet
verified] in csrc/backend/cuda_api.h: set TENSORCORE_ENABLE_CUDA=1 to turn a
CUDA build's backend on) answers as PyTorch's CPU-only build: is_available()
is False, device_count() is 0, and the functions that need a device raise
"Torch not compiled with CUDA enabled"."""
import ctypes
import glob
import os
import sys

from . import _C

__all__ = ["is_available", "device_count", "current_device", "set_device", "device", "get_device_name",
           "get_device_properties", "get_device_capability", "synchronize", "memory_allocated",
           "max_memory_allocated", "memory_reserved", "reset_peak_memory_stats", "empty_cache", "manual_seed",
           "manual_seed_all", "is_bf16_supported", "is_initialized", "init", "amp"]


def _preload_cublas():
    """Note [cuBLAS at run time]: cuBLAS comes from the nvidia-cublas wheel;
    loading it here (globally) lets the backend's dlopen of the soname find it."""
    if os.environ.get("TENSORCORE_CUBLAS_LIBRARY"):
        return
    for base in sys.path:
        for lib in sorted(glob.glob(os.path.join(base or ".", "nvidia", "cu*", "lib", "libcublas.so.*")) +
                          glob.glob(os.path.join(base or ".", "nvidia", "cublas", "lib", "libcublas.so.*"))):
            try:
                ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
                return
            except OSError:
                continue


if _C._cuda_enabled():
    _preload_cublas()


def is_available():
    """Whether the backend is built, on, and the driver reports a GPU."""
    return bool(_C._cuda_is_available())


def device_count():
    return int(_C._cuda_device_count())


def is_initialized():
    return is_available()


def init():
    if not is_available():
        _C._require_cuda("cuda.init")


def _index(device, op):
    """A device argument (None, int, str or tensorcore.device) as an index."""
    if device is None:
        return current_device()
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    from ._dtype import device as _device
    d = device if isinstance(device, _device) else _device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return current_device() if d.index is None else d.index


def current_device():
    return int(_C._cuda_current_device())


def set_device(device):
    index = _index(device, "set_device")
    if index >= 0:
        _C._cuda_set_device(index)


class device:
    """Context manager that makes `device` the current CUDA device inside the block."""

    def __init__(self, device):
        self.idx = -1 if device is None else _index(device, "device")
        self.prev_idx = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev_idx = current_device()
            if self.prev_idx != self.idx:
                _C._cuda_set_device(self.idx)

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            _C._cuda_set_device(self.prev_idx)
        return False


class _CudaDeviceProperties:
    """What get_device_properties returns (a subset of PyTorch's fields)."""

    def __init__(self, name, major, minor, total_memory, multi_processor_count):
        self.name, self.major, self.minor = name, major, minor
        self.total_memory, self.multi_processor_count = total_memory, multi_processor_count

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    return _CudaDeviceProperties(*_C._cuda_device_properties(_index(device, "get_device_properties")))


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return (p.major, p.minor)


def synchronize(device=None):
    """Waits for every kernel queued on the device."""
    if not is_available():
        _C._require_cuda("cuda.synchronize")
    _C._cuda_synchronize(_index(device, "synchronize"))


def memory_allocated(device=None):
    """Bytes of device memory held by tensors (rounded block sizes)."""
    return int(_C._cuda_memory_allocated(_index(device, "memory_allocated"))) if is_available() else 0


def max_memory_allocated(device=None):
    return int(_C._cuda_max_memory_allocated(_index(device, "max_memory_allocated"))) if is_available() else 0


def memory_reserved(device=None):
    """Bytes obtained from the driver, cached blocks included."""
    return int(_C._cuda_memory_reserved(_index(device, "memory_reserved"))) if is_available() else 0


def reset_peak_memory_stats(device=None):
    if is_available():
        _C._cuda_reset_peak_memory_stats(_index(device, "reset_peak_memory_stats"))


def empty_cache():
    """Returns the cached free blocks to the driver (no-op without CUDA, as PyTorch)."""
    _C._cuda_empty_cache()


def manual_seed(seed):
    """Seeds the CUDA generator. tensorcore's CUDA backend has no random
    kernels yet (random ops raise on CUDA tensors), so this stores nothing;
    without CUDA it is a no-op, as in PyTorch."""
    return None


def manual_seed_all(seed):
    return None


def is_bf16_supported(including_emulation=True):
    """bfloat16 needs compute capability 8.0 (Ampere) or newer; False without CUDA."""
    if not is_available():
        return False
    return get_device_capability()[0] >= 8


def _make_amp_module():
    """tensorcore.cuda.amp: PyTorch's deprecated spellings of tensorcore.amp
    for the CUDA device (GradScaler disables itself without CUDA, autocast
    does nothing then), importable as `torch.cuda.amp` too."""
    import types
    import warnings
    from . import amp as _amp

    module = types.ModuleType(__name__ + ".amp", _make_amp_module.__doc__)

    def GradScaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                   enabled=True):
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        return _amp.GradScaler("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)

    def autocast(enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        return _amp.autocast("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    module.GradScaler = GradScaler
    module.autocast = autocast
    sys.modules[module.__name__] = module
    return module


amp = _make_amp_module()


def __getattr__(name):
    # torch.cuda._initialized: private, but read by code that saves RNG states around recomputation
    # (reformer-pytorch's reversible layers, revtorch) to decide whether device states exist. tensorcore
    # initialises CUDA with is_available(), so the flag is is_initialized()'s answer, read when asked.
    if name == "_initialized":
        return is_initialized()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
