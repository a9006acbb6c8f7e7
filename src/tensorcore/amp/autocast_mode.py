"""autocast, its state functions (torch.is_autocast_enabled, ...) and
custom_fwd / custom_bwd (Note [CPU autocast] in csrc/ops/autocast.h).

The CPU state lives per thread in C++, where the op entries read it; the
state of the other device types (cuda, xpu, ...) is kept here, per thread,
only so that PyTorch programs can set and read it: no op autocasts for them
(tensorcore has no such devices, and autocast('cuda') disables itself with
PyTorch's warning when CUDA is not available).
"""
import collections.abc
import functools
import threading
import warnings

from .. import _C, _dtype

__all__ = ["autocast", "custom_fwd", "custom_bwd", "is_autocast_available"]

# PyTorch's device type names (torch.device's parser); autocast exists for the first ten.
_AUTOCAST_DEVICES = ("cpu", "cuda", "xpu", "ipu", "hpu", "xla", "mps", "mtia", "maia", "privateuseone")
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
# Default autocast dtype per device type (PyTorch's).
_DEFAULT_DTYPES = {"cpu": "bfloat16", "hpu": "bfloat16", "xla": "bfloat16"}


def _check_device_type(device_type):
    if not isinstance(device_type, str) or device_type.split(":")[0] not in _DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                           f"{device_type}")
    return device_type.split(":")[0]


def is_autocast_available(device_type):
    """Whether autocast has a state for `device_type` (PyTorch's list)."""
    return _check_device_type(device_type) in _AUTOCAST_DEVICES


class _OtherDevices(threading.local):
    def __init__(self):
        self.enabled = {}
        self.dtypes = {}


_other = _OtherDevices()


def _state_device(device_type):
    d = _check_device_type(device_type)
    if d not in _AUTOCAST_DEVICES:
        raise RuntimeError("unsupported scalarType")
    return d


def is_autocast_enabled(device_type=None):
    """torch.is_autocast_enabled(device_type); without an argument, CUDA's state (PyTorch's legacy form)."""
    d = "cuda" if device_type is None else _state_device(device_type)
    if d == "cpu":
        return _C._is_autocast_cpu_enabled()
    return _other.enabled.get(d, False)


def set_autocast_enabled(device_type, enabled=None):
    """torch.set_autocast_enabled(device_type, enabled); set_autocast_enabled(enabled) sets CUDA's."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    d = _state_device(device_type)
    if d == "cpu":
        _C._set_autocast_cpu_enabled(bool(enabled))
    else:
        _other.enabled[d] = bool(enabled)


def get_autocast_dtype(device_type):
    d = _state_device(device_type)
    if d == "cpu":
        return _C._get_autocast_cpu_dtype()
    return _other.dtypes.get(d, getattr(_dtype, _DEFAULT_DTYPES.get(d, "float16")))


def set_autocast_dtype(device_type, dtype):
    d = _state_device(device_type)
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    if d == "cpu":
        _C._set_autocast_cpu_dtype(dtype)
    else:
        _other.dtypes[d] = dtype


def is_autocast_cache_enabled():
    return _C._is_autocast_cache_enabled()


def set_autocast_cache_enabled(enabled):
    _C._set_autocast_cache_enabled(bool(enabled))


def clear_autocast_cache():
    _C._clear_autocast_cache()


def autocast_increment_nesting():
    return _C._autocast_increment_nesting()


def autocast_decrement_nesting():
    return _C._autocast_decrement_nesting()


def _deprecated(old, new, fn):
    def f(*args):
        warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning,
                      stacklevel=2)
        return fn(*args)
    f.__name__ = old.split("(")[0]
    return f


# torch.is_autocast_cpu_enabled(), ... (deprecated spellings, with PyTorch's DeprecationWarning)
_LEGACY = {
    "is_autocast_cpu_enabled": _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')",
                                           lambda: is_autocast_enabled("cpu")),
    "set_autocast_cpu_enabled": _deprecated("set_autocast_cpu_enabled(enabled)",
                                            "set_autocast_enabled('cpu', enabled)",
                                            lambda e: set_autocast_enabled("cpu", e)),
    "get_autocast_cpu_dtype": _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')",
                                          lambda: get_autocast_dtype("cpu")),
    "set_autocast_cpu_dtype": _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)",
                                          lambda dt: set_autocast_dtype("cpu", dt)),
    "get_autocast_gpu_dtype": _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')",
                                          lambda: get_autocast_dtype("cuda")),
    "set_autocast_gpu_dtype": _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)",
                                          lambda dt: set_autocast_dtype("cuda", dt)),
}
for _dev in ("ipu", "xla"):
    _LEGACY[f"is_autocast_{_dev}_enabled"] = _deprecated(f"is_autocast_{_dev}_enabled()",
                                                         f"is_autocast_enabled('{_dev}')",
                                                         functools.partial(is_autocast_enabled, _dev))
    _LEGACY[f"set_autocast_{_dev}_enabled"] = _deprecated(f"set_autocast_{_dev}_enabled(enabled)",
                                                          f"set_autocast_enabled('{_dev}', enabled)",
                                                          functools.partial(set_autocast_enabled, _dev))
    _LEGACY[f"get_autocast_{_dev}_dtype"] = _deprecated(f"get_autocast_{_dev}_dtype()",
                                                        f"get_autocast_dtype('{_dev}')",
                                                        functools.partial(get_autocast_dtype, _dev))
    _LEGACY[f"set_autocast_{_dev}_dtype"] = _deprecated(f"set_autocast_{_dev}_dtype(dtype)",
                                                        f"set_autocast_dtype('{_dev}', dtype)",
                                                        functools.partial(set_autocast_dtype, _dev))

# What tensorcore/__init__.py installs in the torch namespace.
TORCH_FUNCTIONS = dict(
    is_autocast_enabled=is_autocast_enabled, set_autocast_enabled=set_autocast_enabled,
    get_autocast_dtype=get_autocast_dtype, set_autocast_dtype=set_autocast_dtype,
    is_autocast_cache_enabled=is_autocast_cache_enabled, set_autocast_cache_enabled=set_autocast_cache_enabled,
    clear_autocast_cache=clear_autocast_cache, autocast_increment_nesting=autocast_increment_nesting,
    autocast_decrement_nesting=autocast_decrement_nesting, **_LEGACY)


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a
    context manager and decorator; entering sets the device's autocast state,
    exiting restores it and, leaving the outermost region, clears the cast cache."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(self.device):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        device_name = self.device.upper()
        if enabled:
            if self.device == "cuda":
                from .. import cuda
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                                  stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in (_dtype.bfloat16, _dtype.float16):
                warnings.warn(f"In {device_name} autocast, but the target dtype is not supported. Disabling "
                              f"autocast.\n{device_name} Autocast only supports dtypes of torch.bfloat16, "
                              "torch.float16 currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                f"Did you mean to use autocast as a context manager? For example:\n"
                f"    with torch.autocast(device_type=...):\n"
                f"        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in script mode"
        return decorate_autocast


def _cast(value, device_type, dtype):
    if isinstance(value, _C.Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype is not \
            _dtype.float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes)):
        return value
    if type(value).__module__ == "numpy":
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        iterable = (_cast(v, device_type, dtype) for v in value)
        return type(value)(iterable) if isinstance(value, (list, tuple)) else iterable
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom autograd Function's forward (torch.amp.custom_fwd)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        args[0]._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom autograd Function's backward (torch.amp.custom_bwd):
    runs it under the autocast state its forward saw."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
