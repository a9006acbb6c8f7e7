"""Module-level functions (tensorcore.zeros, tensorcore.cat, ...) with
PyTorch's signatures. Most forward to Tensor methods or straight to _C."""
from __future__ import annotations
from collections.abc import Callable
from typing import Any
import builtins
import os
import sys
import warnings
import functools
import math

import numpy as np

from . import _C
from ._aliases import with_numpy_aliases
from ._args import shape_args, int_arg, dtype_arg, device_arg, tensor_arg, _CPU
from ._out import check_out as _check_out, factory_dtype as _out_factory_dtype, write_out as _write_out
from ._dtype import SCALAR_TYPE_NAMES as _TYPE_NAMES
from ._dtype_refusals import dtype_not_implemented
from . import _rng_state
from . import _random16
from . import _deprecated_overloads
from . import _dtype
from ._dtype import float32, float64, int64, bool_, int32 as _int32, Size, complex64, complex128, uint8

Tensor = _C.Tensor

# The elementwise ops (exp, atan2, eq, ...) and the reductions (mean, max, std,
# softmax, cumsum, ...) are not listed: tensorcore/_elementwise.py installs them
# from the registries _C exports.
__all__ = [
    "tensor", "as_tensor", "from_numpy", "from_dlpack", "is_tensor", "is_floating_point", "is_complex", "numel",
    "zeros", "ones", "empty", "empty_strided", "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange", "range",
    "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
    "randint_like", "normal", "bernoulli", "poisson", "binomial", "_standard_gamma", "_sample_dirichlet",
    "_standard_gamma_grad", "_dirichlet_grad", "multinomial", "manual_seed", "seed", "initial_seed",
    "get_rng_state", "set_rng_state", "Generator", "default_generator",
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "where", "clamp", "clip",
    "set_default_dtype", "get_default_dtype", "set_default_device", "get_default_device", "result_type",
    "promote_types", "can_cast",
    "allclose", "isclose", "equal", "empty_cache", "get_num_threads", "set_flush_denormal", "broadcast_tensors",
    "broadcast_shapes",
    "meshgrid", "is_nonzero", "einsum",
    "squeeze", "unsqueeze", "flatten", "reshape", "transpose", "permute", "t", "chunk", "split", "unbind",
    "narrow", "select", "gather", "index_select", "masked_fill", "sort", "argsort", "topk", "diagonal",
    "movedim", "moveaxis", "swapaxes", "flip", "add", "sub", "div", "round",
    "lerp", "var_mean", "std_mean", "norm", "mm", "bmm", "dot",
    "mv", "outer", "addmm", "nonzero", "clone", "detach", "as_strided", "expand_copy",
    "return_types", "scatter_add", "dist",
]


from ._einsum import einsum  # noqa: E402
from ._multinomial_reduced import REDUCED_FLOAT_DTYPES, multinomial_reduced_float  # noqa: E402
from ._naming import grad_fn_named  # noqa: E402


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


# ---- creation ----
# Note [Sequences torch.tensor reads]
# PyTorch's tensor constructor walks any object passing CPython's PySequence_Check
# (a type with __getitem__ that is not a dict): a collections.deque of returns
# (pytorch/examples reinforce.py), a range, an array.array, a user class with
# __len__/__getitem__. The C++ reader walks lists and tuples only, so such a
# sequence, at any depth, is read into a list first. Sets, dicts and generators
# are not sequences and stay "Could not infer dtype of ...". str/bytes, numpy
# arrays and scalars and tensors have their own readers and are never unpacked.
_PLAIN_ELEMENT_TYPES = (int, float, bool, complex, type(None))


def _is_other_sequence(x):
    """A sequence, by PySequence_Check, that the C++ reader does not walk itself."""
    if isinstance(x, (list, tuple, str, bytes, bytearray, dict, np.ndarray, np.generic, Tensor)):
        return False
    kind = type(x)
    return hasattr(kind, "__getitem__") and hasattr(kind, "__len__")


def _ranges_as_lists(data):
    """Reads a range, deque or other sequence as the list it yields, also inside
    nested lists and tuples (Note [Sequences torch.tensor reads])."""
    if isinstance(data, (list, tuple)):
        if builtins.any(type(d) not in _PLAIN_ELEMENT_TYPES
                        and (isinstance(d, (list, tuple)) or _is_other_sequence(d)) for d in data):
            return [_ranges_as_lists(d) for d in data]
        return data
    if _is_other_sequence(data):
        return [_ranges_as_lists(d) for d in data]
    return data


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, pin_memory: Any = False) -> Tensor:
    if isinstance(data, Tensor):
        _warn_copy_construct("torch.tensor(sourceTensor)")
    return _tensor_from_data(data, dtype, device, requires_grad, pin_memory)


def _warn_copy_construct(spelling: str) -> None:
    import warnings
    warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                  f"sourceTensor.detach().clone().requires_grad_(True), rather than {spelling}.", stacklevel=3)


def _tensor_from_data(data: Any, dtype: Any, device: Any, requires_grad: Any, pin_memory: Any) -> Tensor:
    dev = _factory_device(device, "tensor")
    _check_pin_memory(pin_memory)
    data = _ranges_as_lists(data)
    try:
        t = _C.tensor_from_data(data, dtype_arg(dtype, "tensor"))
    except TypeError:
        _string_as_dimension(data)
        raise
    return _finish(_place(t, dev), requires_grad)


def _string_as_dimension(data: Any) -> None:
    """PyTorch infers a nested sequence's shape from its first elements, and a
    str is a sequence to it: a str found there is "too many dimensions"
    (ValueError), not the invalid data type a str elsewhere is (TypeError)."""
    first = data
    while isinstance(first, (list, tuple)) and len(first):
        first = first[0]
    if isinstance(first, str) and first is not data:
        raise ValueError("too many dimensions 'str'")


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    dev = device_arg(device, "as_tensor")
    if isinstance(data, Tensor):  # kept, or converted to what dtype= / device= name
        return data.to(device=dev, dtype=dtype_arg(dtype, "as_tensor"))
    dev = _factory_device(dev, "as_tensor")
    if isinstance(data, np.ndarray) and dtype is None and data.dtype.kind in "bif" and data.dtype.isnative \
            and builtins.all(s >= 0 for s in data.strides) and data.dtype.itemsize in (1, 4, 8) \
            and data.flags.aligned:  # unaligned arrays are copied (Note [numpy entry points])
        try:
            return _place(_C.from_numpy(data), dev)
        except TypeError:
            pass
    try:
        t = _C.tensor_from_data(_ranges_as_lists(data), dtype_arg(dtype, "as_tensor"))
    except TypeError:
        _string_as_dimension(data)
        raise
    return _place(t, dev)


def from_numpy(ndarray: Any) -> Tensor:
    return _C.from_numpy(ndarray)


def from_dlpack(ext_tensor: Any) -> Tensor:
    return _C.from_dlpack(ext_tensor)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(t: Tensor) -> bool:
    tensor_arg(t, "is_floating_point")
    return t.is_floating_point()


def is_complex(input: Tensor) -> bool:
    """Whether input's dtype is complex (complex64, complex128)."""
    tensor_arg(input, "is_complex")
    return input.dtype.is_complex


def is_nonzero(t: Tensor) -> bool:
    tensor_arg(t, "is_nonzero")
    if t.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(t.item())


def numel(t: Tensor) -> int:
    tensor_arg(t, "numel")
    return t.numel()


def _factory_device(device, name):
    """A factory's device: device=, else the default device (Note [Default
    device], core/device.h); a device type with no backend raises here."""
    return device_arg(device if device is not None else _C._default_device(), name)


def _place(t, device):
    """A factory built from other ops (made on the CPU) moved to its device."""
    return t if device is _CPU else t.to(device)


def _factory_dtype(dtype, name):
    d = dtype_arg(dtype, name)
    return d if d is not None else _C.get_default_dtype()


def _size_arg(args, size, name):
    """f(2, 3), f((2, 3)) or f(size=(2, 3)); f() is a TypeError, as in PyTorch."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        return (size,)
    if not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return args


def _creation(fill: Any, name: str) -> Callable[..., Tensor]:
    def f(*args: Any, size: Any = None, out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: bool = False, pin_memory: bool = False, memory_format: Any = None) -> Tensor:
        dev = _factory_device(device, name)
        shape = shape_args(_size_arg(args, size, name), name)
        _check_pin_memory(pin_memory)
        if out is not None:  # Note [out= semantics]
            _check_out(name, out)
            dt = _out_factory_dtype(name, dtype_arg(dtype, name), out)
            return _write_out(name, _C.empty(shape, dt) if fill is None else _C.full(shape, fill, dt), out,
                              warn_resize=False)
        dt = _factory_dtype(dtype, name)
        from ._args import memory_format_arg, contiguous_format, preserve_format
        fmt = memory_format_arg(memory_format, name)
        if fill is None and fmt is not None and fmt is not contiguous_format:
            if fmt is preserve_format:  # PyTorch's empty() refuses it: there is no input to preserve
                raise RuntimeError("unsupported memory format Preserve")
            from ._tensor import _dense_strides_for_format  # Note [Channels-last layouts]
            return _finish(empty_strided(shape, _dense_strides_for_format(shape, fmt), dtype=dt, device=dev),
                           requires_grad)
        t = _C.empty(shape, dt, dev) if fill is None else _C.full(shape, fill, dt, dev)
        return _finish(t, requires_grad)
    f.__name__ = name
    return f


zeros = _creation(0, "zeros")
ones = _creation(1, "ones")
empty = _creation(None, "empty")


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, layout: Any = None, out: Any = None,
         pin_memory: Any = False) -> Tensor:
    dev = _factory_device(device, "full")
    _check_pin_memory(pin_memory)
    if isinstance(fill_value, Tensor):
        if fill_value.dim():  # PyTorch's parser reads a 0-dim tensor as a Number, no other tensor
            raise TypeError("full(): argument 'fill_value' (position 2) must be Number, not Tensor")
        fill_value = fill_value.item()
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    if out is not None:
        _check_out("full", out)
        dt = _out_factory_dtype("full", dtype_arg(dtype, "full"), out)
        return _write_out("full", _C.full(shape_args((size,), "full"), fill_value, dt), out, warn_resize=False)
    t = _C.full(shape_args((size,), "full"), fill_value, dtype_arg(dtype, "full"), dev)
    return _finish(t, requires_grad)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, layout: Any = None, device: Any = None, requires_grad: Any = False, pin_memory: Any = False) -> Tensor:
    """An uninitialised tensor with the given strides, over a block just large
    enough for its highest element (gaps and overlaps allowed, as in PyTorch)."""
    dev = _factory_device(device, "empty_strided")
    _check_pin_memory(pin_memory)
    size, stride = shape_args((size,), "empty_strided"), shape_args((stride,), "empty_strided")
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} vs {len(size)}")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {stride}")
    extent = 0 if 0 in size else 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
    t = _C.empty([extent], _factory_dtype(dtype, "empty_strided"), dev).as_strided(size, stride)
    return _finish(t, requires_grad)


def _empty_like(input, dt, memory_format, name, device=None):
    """An uninitialised tensor laid out as PyTorch lays out a *_like result
    (preserve_format: input's strides when input is dense and non-overlapping,
    else dense strides in input's order of strides, Note [Dense strides like a
    strided input])."""
    from ._args import memory_format_arg, contiguous_format, preserve_format
    memory_format_arg(memory_format, name)
    device = input.device if device is None else device  # *_like: input's device unless device= says
    if memory_format is not None and memory_format is not preserve_format and memory_format is not contiguous_format:
        from ._tensor import _dense_strides_for_format  # channels_last(_3d): Note [Channels-last layouts]
        shape = list(input.shape)
        return empty_strided(shape, _dense_strides_for_format(shape, memory_format), dtype=dt, device=device)
    if memory_format is contiguous_format or input.is_contiguous():
        return _C.empty(list(input.shape), dt, device)
    strides = list(input.stride()) if _dense(input) else _dense_strides_like(list(input.shape), list(input.stride()))
    return empty_strided(list(input.shape), strides, dtype=dt, device=device)


def _dense_strides_like(sizes, strides):
    """Note [Dense strides like a strided input]
    ATen's infer_dense_strides, which empty_like(preserve_format) uses for an
    input that is not dense and non-overlapping (a slice of a transposed
    tensor): the dimensions ordered by stride, innermost first, then packed
    densely in that order, so x.t()[::2]'s result is column-major as x.t() is.
    The order comes from TensorIterator's insertion sort: it starts from
    row-major order, moves a dimension inwards past a neighbour with a larger
    stride, or with an equal stride and a smaller size, and never moves a
    dimension past one of stride 0 (so an expanded input stays row-major).
    The layout matters beyond strides: rand_like fills in memory order."""
    ndim = len(sizes)
    perm = list(builtins.range(ndim - 1, -1, -1))  # innermost first: row-major

    def should_swap(d0, d1):
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if sizes[d0] > sizes[d1] else 0

    for i in builtins.range(1, ndim):
        d1 = i
        for d0 in builtins.range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    out, step = [0] * ndim, 1
    for d in perm:
        out[d] = step
        step *= builtins.max(sizes[d], 1)
    return out


def _dense(t):
    """Non-overlapping and dense: the elements fill a block without gaps."""
    sizes, strides = list(t.shape), list(t.stride())
    expected = 1
    for d in sorted(builtins.range(len(sizes)), key=lambda d: strides[d]):
        if sizes[d] != 1:
            if strides[d] != expected:
                return False
            expected *= sizes[d]
    return True


def _like(fill: Any, name: str) -> Callable[..., Tensor]:
    def f(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False, layout: Any = None,
          memory_format: Any = None) -> Tensor:
        _check_input(input, name)
        dev = device_arg(device, name)
        dt = dtype_arg(dtype, name) or input.dtype
        t = _empty_like(input, dt, memory_format, name, dev)
        if fill is not None:
            t.fill_(fill)
        return _finish(t, requires_grad)
    f.__name__ = name
    return f


zeros_like = _like(0, "zeros_like")
ones_like = _like(1, "ones_like")
empty_like = _like(None, "empty_like")


def full_like(input: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, layout: Any = None,
              memory_format: Any = None) -> Tensor:
    _check_input(input, "full_like")
    dev = device_arg(device, "full_like")
    t = _empty_like(input, dtype_arg(dtype, "full_like") or input.dtype, memory_format, "full_like", dev)
    return _finish(t.fill_(fill_value), requires_grad)


def _number(x, name, what):
    if isinstance(x, Tensor) and x.numel() == 1:
        return x.item()
    if isinstance(x, builtins.int) and not -2**63 <= x < 2**64:  # the argument parser's Scalar, as PyTorch
        raise OverflowError("int too big to convert")
    if isinstance(x, (builtins.int, builtins.float)) or isinstance(x, (np.integer, np.floating)):
        return x
    raise TypeError(f"{name}(): argument '{what}' must be Number, not {type(x).__name__}")


def arange(start: Any = None, end: Any = None, step: Any = 1, *, out: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, layout: Any = None) -> Tensor:
    dev = _factory_device(device, "arange")
    if start is None and end is None:
        raise TypeError("arange() missing required argument 'end'")
    if end is None:
        start, end = 0, start
    elif start is None:
        start = 0  # arange(end=3)
    start, end, step = (_number(start, "arange", "start"), _number(end, "arange", "end"),
                        _number(step, "arange", "step"))
    if out is not None:
        _check_out("arange", out)
        # out's dtype when none is given (PyTorch infers from the arguments only without out)
        dt = _out_factory_dtype("arange", dtype_arg(dtype, "arange"), out)
        if dt is bool_ or dt.is_complex:
            raise dtype_not_implemented("arange_cpu", dt)
        if dt is int64:  # into an int64 out PyTorch truncates the bounds before counting (int32/int16: it does not)
            start, end, step = (math.trunc(v) if isinstance(v, builtins.float) and math.isfinite(v) else v
                                for v in (start, end, step))
        result = _C.arange(start, end, step, dt)
        if out.numel() == result.numel():  # out keeps its shape when the number of elements is right
            result = result.reshape(out.shape)
        elif out.numel():  # (an empty out is resized silently)
            import warnings
            warnings.warn(f"The number of elements in the out tensor of shape {list(out.shape)} is {out.numel()} "
                          f"which does not match the computed number of elements {result.numel()}. Note that this "
                          f"may occur as a result of rounding error. The out tensor will be resized to a tensor of "
                          f"shape ({result.numel()},).", UserWarning, stacklevel=2)
        return _write_out("arange", result, out, warn_resize=False)
    if dtype_arg(dtype, "arange") is bool_ or (dtype is not None and dtype_arg(dtype, "arange").is_complex):
        raise dtype_not_implemented("arange_cpu", dtype_arg(dtype, "arange"))  # before the range's checks
    return _finish(_C.arange(start, end, step, dtype_arg(dtype, "arange"), dev), requires_grad)


def range(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None, requires_grad: Any = False) -> Tensor:  # noqa: A001
    dev = _factory_device(device, "range")
    if end is None:
        start, end = 0, start
    n = builtins.int(math.floor((end - start) / step)) + 1
    t = _C.arange(0, n, 1, int64)
    t = _C.add(_C.mul(t.double(), builtins.float(step)), builtins.float(start))
    return _finish(_place(t.to(dtype_arg(dtype, "range") or _C.get_default_dtype()), dev), requires_grad)


def linspace(start: Any, end: Any, steps: Any, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None, layout: Any = None) -> Tensor:
    dev = _factory_device(device, "linspace")
    steps = int_arg(steps, "linspace", "steps")
    if out is not None:
        _check_out("linspace", out)
        dt = _out_factory_dtype("linspace", dtype_arg(dtype, "linspace"), out)
    else:
        dt = _factory_dtype(dtype, "linspace")
    if dt is bool_ and steps > 1:  # one step is `start` itself: PyTorch fills it without the kernel
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    for bound, what in ((start, "start"), (end, "end")):
        if isinstance(bound, Tensor) and bound.dim():
            raise RuntimeError(f"linspace only supports 0-dimensional start and end tensors, but got {what} with "
                               f"{bound.dim()} dimension(s).")
    if dt.is_complex or builtins.any(isinstance(b, builtins.complex) or (
            isinstance(b, Tensor) and b.is_complex()) for b in (start, end)):
        if out is None:
            return _finish(_complex_linspace(start, end, steps, dtype, dev), requires_grad)
        t = _complex_linspace(start, end, steps, dt, None)
        if out.numel() == t.numel():
            t = t.reshape(out.shape)
        return _write_out("linspace", t, out, warn_resize=False)
    lo, hi = _number(start, "linspace", "start"), _number(end, "linspace", "end")
    if not (dt.is_floating_point or dt.is_complex or dt is bool_):
        _check_fits_integer(dt, (lo, hi))
        if dt is uint8:  # PyTorch converts the bounds to uint8 first: a negative one wraps (-2 -> 254)
            lo, hi = builtins.int(lo) % 256, builtins.int(hi) % 256
    t = _C.linspace(builtins.float(lo), builtins.float(hi), steps, float64 if dt is bool_ else dt,
                    dev if out is None else None)
    if dt is bool_:
        t = t.to(bool_)
    if out is not None and out.numel() == t.numel():  # an out with the right number of elements keeps its shape
        t = t.reshape(out.shape)
    return _finish(t, requires_grad) if out is None else _write_out("linspace", t, out, warn_resize=False)


_C_INT_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}


def _check_fits_integer(dt, values):
    """PyTorch's c10::overflows for Python numbers converted to an integer dtype: a float must lie within the
    type's range, an int too (an unsigned type also takes negatives down to -max, which wrap)."""
    info = np.iinfo(dt.name)
    for v in values:
        v = v.item() if isinstance(v, (np.integer, np.floating)) else v
        lo = -builtins.int(info.max) if isinstance(v, builtins.int) and info.min == 0 else builtins.int(info.min)
        if isinstance(v, builtins.float) and not math.isfinite(v) or not lo <= v <= builtins.int(info.max):
            raise RuntimeError(f"value cannot be converted to type {_C_INT_NAMES[dt.name]} without overflow")


def _complex_linspace(start, end, steps, dtype, dev):
    """linspace between complex numbers (or into a complex dtype): the real and
    imaginary parts are two real linspaces, in the complex dtype's real part type.
    A complex bound with no dtype gives the default complex dtype, as PyTorch."""
    start, end = (b.item() if isinstance(b, Tensor) else b for b in (start, end))
    dt = dtype_arg(dtype, "linspace")
    if dt is None:
        dt = complex128 if _C.get_default_dtype() is float64 else complex64
    elif not dt.is_complex:
        raise RuntimeError(f"torch.linspace(): inferred dtype c10::complex<float> can't be safely cast to passed "
                           f"dtype {_TYPE_NAMES[dt.name]}")
    part = float64 if dt is complex128 else float32
    real = linspace(builtins.complex(start).real, builtins.complex(end).real, steps, dtype=part)
    imag = linspace(builtins.complex(start).imag, builtins.complex(end).imag, steps, dtype=part)
    return _place(_C._complex(real, imag), dev)


def logspace(start: Any, end: Any, steps: Any, base: Any = 10.0, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None, layout: Any = None) -> Tensor:
    if out is not None:  # computed as without out=, in out's dtype when none is given, then written
        _check_out("logspace", out)
        dt = _out_factory_dtype("logspace", dtype_arg(dtype, "logspace"), out)
        t = logspace(start, end, steps, base, dtype=dt, device=device)
        if out.numel() == t.numel():
            t = t.reshape(out.shape)
        return _write_out("logspace", t, out, warn_resize=False)
    dev = _factory_device(device, "logspace")
    dt = dtype_arg(dtype, "logspace")
    if dt is bool_ and int_arg(steps, "logspace", "steps") > 1:  # one step: start itself, as linspace
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    if dt is not None and not (dt.is_floating_point or dt.is_complex or dt is bool_):
        # PyTorch's integral kernel takes start and end as integers (truncated) and
        # the step in double; like linspace, the first half counts up from start and
        # the second half down from end
        start, end = builtins.int(_number(start, "logspace", "start")), builtins.int(_number(end, "logspace", "end"))
    t = _C.pow(builtins.float(base), linspace(start, end, steps, dtype=float64, device=_CPU))
    return _finish(_place(t.to(_factory_dtype(dtype, "logspace")), dev), requires_grad)


def eye(n: Any, m: Any = None, *, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None, layout: Any = None) -> Tensor:
    dev = _factory_device(device, "eye")
    n = int_arg(n, "eye", "n")
    m = n if m is None else int_arg(m, "eye", "m")
    if out is not None:
        _check_out("eye", out)
        return _write_out("eye", _C.eye(n, m, _out_factory_dtype("eye", dtype_arg(dtype, "eye"), out)), out,
                          warn_resize=False)
    dt = _factory_dtype(dtype, "eye")
    if dt.is_complex:  # the core's eye kernel is real: the identity in the real part type, cast
        return _finish(_C.eye(n, m, float64 if dt is complex128 else float32, dev).to(dt), requires_grad)
    return _finish(_C.eye(n, m, dt, dev), requires_grad)


# ---- random ----
class Generator:
    """A random number generator with PyTorch's CPU streams: the same seed
    gives the same rand/randn/randint/randperm values as torch.Generator."""

    def __init__(self, device: Any = "cpu") -> None:
        dev = device_arg(device, "Generator", check=False)
        if dev is not None and dev.type == "cuda":  # PyTorch's CPU-only build
            raise RuntimeError("Cannot get CUDA generator without ATen_cuda library. PyTorch splits its backend into "
                               "two shared libraries: a CPU library and a CUDA library; this error has occurred "
                               "because you are trying to use some CUDA functionality, but the CUDA library has not "
                               "been loaded by the dynamic linker for some reason.")
        if dev is not None and dev.type != "cpu":
            raise RuntimeError(f"{dev.type.upper()} device type not an accelerator.")
        self._gen = _C._Generator()

    def manual_seed(self, seed: int) -> Generator:
        # Generator.manual_seed takes a Python int only (torch.manual_seed converts with int() first)
        if isinstance(seed, np.integer):
            raise TypeError("an integer is required")
        if not isinstance(seed, builtins.int) or isinstance(seed, builtins.bool):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._gen.manual_seed(_seed_value(seed))
        return self

    def seed(self) -> int:
        s = builtins.int(np.random.SeedSequence().entropy % (2 ** 63))
        self._gen.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._gen.initial_seed()

    def get_state(self) -> Any:
        """PyTorch's 5056 state bytes (Note [Generator state bytes])."""
        return _C.tensor_from_data(_rng_state.to_bytes(_C.get_rng_state(self._gen)), None)

    def set_state(self, new_state: Any) -> Any:
        _C.set_rng_state(_rng_state.from_bytes(new_state), self._gen)
        return self

    @property
    def device(self) -> Any:
        from ._dtype import device
        return device("cpu")

    def clone_state(self) -> Generator:
        """A new Generator in this one's current stream state (the two then advance independently)."""
        return _rebuild_generator(self.get_state())

    def __reduce__(self):
        # pickle.dumps / copy.deepcopy of a Generator carry its stream state, as
        # torch.Generator's do. The rebuild function (not the class) is what the
        # pickle names, so the class's display module (tensorcore._C) need not
        # hold the class.
        return (_rebuild_generator, (self.get_state(),))


# type(g) prints <class 'tensorcore._C.Generator'>, as PyTorch's C type does.
Generator.__module__ = "tensorcore._C"


def _rebuild_generator(state: Any) -> Generator:
    """Unpickles a Generator: a fresh one put into the pickled stream state."""
    return Generator().set_state(state)


def _gen(generator):
    if generator is None:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a tensorcore.Generator, got {type(generator).__name__}")
    return generator._gen


def _seed_value(seed):
    seed = builtins.int(seed)
    if seed < -(2 ** 63) or seed >= 2 ** 64:
        raise ValueError("Overflow when unpacking long long")  # PyTorch's words and type
    return seed % (2 ** 64)


default_generator = Generator()
default_generator._gen = _C._default_generator()


def manual_seed(seed: int) -> Generator:
    _C.manual_seed(_seed_value(seed))
    return default_generator


def seed() -> int:
    s = builtins.int(np.random.SeedSequence().entropy % (2 ** 63))
    _C.manual_seed(s)
    return s


def initial_seed() -> int:
    return _C.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def _random_out(out, shape, name):
    """out= for the random factories: PyTorch samples straight into `out` (in
    out's dtype), so the draws land where they would in a fresh tensor; an
    out of another shape is resized first (Note [out= semantics])."""
    _check_out(name, out)
    shape = list(shape)
    if list(out.shape) != shape:
        out.resize_(shape)
    return out


def _check_sizes(shape):
    """Negative sizes fail before the dtype is looked at (PyTorch's order)."""
    if builtins.any(d < 0 for d in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {builtins.min(shape)}: {list(shape)}")


def rand(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None, layout: Any = None,
         pin_memory: Any = False) -> Tensor:
    dev = _factory_device(device, "rand")
    _check_pin_memory(pin_memory)
    shape, dt = shape_args(_size_arg(args, size, "rand"), "rand"), _factory_dtype(dtype, "rand")
    _check_sizes(shape)
    if out is not None:
        return _random16.uniform_fill(_random_out(out, shape, "rand"), 0.0, 1.0, _gen(generator))
    if dt in (_dtype.float16, _dtype.bfloat16):  # Note [16-bit uniform and normal streams]
        return _finish(_place(_random16.uniform_fill(_C.empty(shape, dt), 0.0, 1.0, _gen(generator)), dev), requires_grad)
    return _finish(_C.rand(shape, dt, _gen(generator), dev), requires_grad)


def randn(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None, layout: Any = None,
          pin_memory: Any = False) -> Tensor:
    dev = _factory_device(device, "randn")
    _check_pin_memory(pin_memory)
    shape, dt = shape_args(_size_arg(args, size, "randn"), "randn"), _factory_dtype(dtype, "randn")
    _check_sizes(shape)
    if out is not None:
        return _random16.normal_fill(_random_out(out, shape, "randn"), 0.0, 1.0, _gen(generator))
    if dt in (_dtype.float16, _dtype.bfloat16):  # Note [16-bit uniform and normal streams]
        return _finish(_place(_random16.normal_fill(_C.empty(shape, dt), 0.0, 1.0, _gen(generator)), dev), requires_grad)
    return _finish(_C.randn(shape, dt, _gen(generator), dev), requires_grad)


def randint(low: Any = None, high: Any = None, size: Any = None, *, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False,
            out: Any = None) -> Tensor:
    if low is None:
        low = 0  # randint(high=5, size=(2,))
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint() missing required argument 'size'")
    if high is None:
        low, high = 0, low
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    dev = _factory_device(device, "randint")
    shape = shape_args((size,), "randint")
    dt = dtype_arg(dtype, "randint") or int64
    low, high = int_arg(low, "randint", "low"), int_arg(high, "randint", "high")
    _check_random_bounds(low, high, dt)
    if out is not None:
        return _C.random_from_to_(_random_out(out, shape, "randint"), low, high, _gen(generator))
    return _finish(_C.randint(low, high, shape, dt, _gen(generator), dev), requires_grad)


# PyTorch's check_from_to_in_range: `from` and `to - 1` must be values of the
# dtype (integers: its range; floating types: the largest finite value), named
# by the C++ type, as its RuntimeError says.
_RANDOM_BOUNDS = {"bool": (0, 1, "bool"), "uint8": (0, 255, "unsigned char"), "int8": (-128, 127, "signed char"),
                  "int16": (-2 ** 15, 2 ** 15 - 1, "short"), "int32": (-2 ** 31, 2 ** 31 - 1, "int"),
                  "float16": (-65504, 65504, "c10::Half")}


def _check_random_bounds(low: int, high: int, dt: Any) -> None:
    if dt.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    bounds = _RANDOM_BOUNDS.get(dt.name)
    if bounds is None:
        return
    lo, hi, cpp = bounds
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {cpp}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {cpp}")


# Note [randperm's dtypes]
# PyTorch draws the permutation in any real dtype that holds 0..n-1 exactly:
# an integer type up to its maximum (else "cannot be converted ... without
# overflow"), float16 and float32 up to the last integer of their mantissa
# (2049, 2^24+1), bool and complex not at all. The core's kernel draws int32,
# int64, float32 and float64; the other dtypes take its int64 draw, cast.
_RANDPERM_INT_MAX = {"uint8": (255, "uint8_t"), "int8": (127, "int8_t"), "int16": (2 ** 15 - 1, "int16_t"),
                     "int32": (2 ** 31 - 1, "int")}
_RANDPERM_FLOAT_MAX = {"float16": (2049, "2049", "Half"), "float32": (2 ** 24 + 1, "2^24+1", "Float")}


def randperm(n: Any, *, generator: Any = None, out: Any = None, dtype: Any = None, layout: Any = None,
             device: Any = None, pin_memory: Any = False, requires_grad: Any = False) -> Tensor:
    dev = _factory_device(device, "randperm")
    n = int_arg(n, "randperm", "n")
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    if out is not None:
        tensor_arg(out, "randperm", "out")
        dtype = out.dtype if dtype is None else dtype
    dt = dtype_arg(dtype, "randperm") or int64
    if dt.name not in ("bfloat16", "float64", "int64") and dt.name not in _RANDPERM_INT_MAX \
            and dt.name not in _RANDPERM_FLOAT_MAX:  # bool, complex and the unsigned types past uint8
        raise dtype_not_implemented("randperm", dt)
    if dt.name in _RANDPERM_INT_MAX and n - 1 > _RANDPERM_INT_MAX[dt.name][0]:
        raise RuntimeError(f"value cannot be converted to type {_RANDPERM_INT_MAX[dt.name][1]} without overflow")
    if dt.name in _RANDPERM_FLOAT_MAX and n > _RANDPERM_FLOAT_MAX[dt.name][0]:
        _, bound, type_name = _RANDPERM_FLOAT_MAX[dt.name]
        raise RuntimeError(f"n cannot be greater than {bound} for {type_name} type.")
    _check_pin_memory(pin_memory)
    if dt.name in ("int32", "int64", "float32", "float64"):
        t = _C.randperm(n, dt, _gen(generator), dev)
    else:
        t = _C.randperm(n, int64, _gen(generator), dev).to(dt)
    if out is not None:
        return _write_out("randperm", t, out, warn_resize=False)
    return _finish(t, requires_grad)


def _check_pin_memory(pin_memory: Any) -> None:
    """tensorcore has no accelerator, so no pinned memory: PyTorch's CPU-only error."""
    if pin_memory:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator "
                           "is available on this system.")


def _random_like(input, name, fill, dtype, requires_grad, memory_format, device=None):
    """fill(t) on a tensor laid out as PyTorch lays out the result (_empty_like).
    Fills visit memory order (Note [Random fill order]), so a permuted layout
    changes which element gets which draw (and sends normal_ down its
    per-element path)."""
    _check_input(input, name)
    dt = dtype_arg(dtype, name) or input.dtype
    return _finish(fill(_empty_like(input, dt, memory_format, name, device)), requires_grad)


def rand_like(input: Any, *, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, layout: Any = None,
              memory_format: Any = None) -> Tensor:
    dev = device_arg(device, "rand_like")
    return _random_like(input, "rand_like", lambda t: _random16.uniform_fill(t, 0.0, 1.0, _gen(generator)), dtype,
                        requires_grad, memory_format, dev)


def randn_like(input: Any, *, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, layout: Any = None,
               memory_format: Any = None) -> Tensor:
    dev = device_arg(device, "randn_like")
    return _random_like(input, "randn_like", lambda t: _random16.normal_fill(t, 0.0, 1.0, _gen(generator)), dtype,
                        requires_grad, memory_format, dev)


def randint_like(input: Any, low: Any = 0, high: Any = None, *, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False,
                 layout: Any = None, memory_format: Any = None) -> Tensor:
    if high is None:
        low, high = 0, low
    low, high = int_arg(low, "randint_like", "low"), int_arg(high, "randint_like", "high")
    dev = device_arg(device, "randint_like")
    return _random_like(input, "randint_like", lambda t: _C.random_from_to_(t, low, high, _gen(generator)),
                        dtype, requires_grad, memory_format, dev)


def normal(mean: Any, std: Any = None, size: Any = None, *, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: Any = False, out: Any = None,
           layout: Any = None) -> Tensor:
    """normal(Tensor mean, Tensor std), normal(Tensor mean, float std=1),
    normal(float mean, Tensor std) and normal(float mean, float std, size),
    drawing PyTorch's streams (tensor forms: standard normals, then * std + mean)."""
    g = _gen(generator)
    device_arg(device, "normal")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError("normal() received an invalid combination of arguments: size is only accepted with "
                            "float mean and std")
        sampled_like = mean if isinstance(mean, Tensor) else std
        if (out is None and sampled_like.dtype in (_dtype.float16, _dtype.bfloat16)
                and not builtins.any(isinstance(x, Tensor) and x.requires_grad for x in (mean, std))):
            # PyTorch's own sequence (normal_ into the result, then * std + mean), so the 16-bit fill
            # takes PyTorch's stream (Note [16-bit uniform and normal streams]); the C++ op fills another way.
            shapes = [list(x.shape) for x in (mean, std) if isinstance(x, Tensor)]
            result_out = _C.empty(broadcast_shapes(*shapes), sampled_like.dtype)
            return _normal_into(result_out, mean, 1.0 if std is None else std, g)
        if isinstance(mean, Tensor) and isinstance(std, Tensor):
            result = _C.normal_tensor_tensor(mean, std, g) if out is None else None
        elif isinstance(mean, Tensor):
            std = 1.0 if std is None else builtins.float(std)
            result = _C.normal_tensor_scalar(mean, std, g) if out is None else None
        else:
            mean = builtins.float(mean)
            result = _C.normal_scalar_tensor(mean, std, g) if out is None else None
        return result if out is None else _normal_into(out, mean, std, g)
    if std is None or size is None:
        raise TypeError("normal() received an invalid combination of arguments: float mean and std need a size")
    shape = shape_args((size,), "normal")
    if out is not None:
        return _random16.normal_fill(_random_out(out, shape, "normal"), builtins.float(mean), builtins.float(std), g)
    t = _C.empty(shape, _factory_dtype(dtype, "normal"))
    return _finish(_random16.normal_fill(t, builtins.float(mean), builtins.float(std), g), requires_grad)


def _normal_into(out, mean, std, g):
    """normal(..., out=out) with a tensor mean or std, PyTorch's way: standard
    (or std-scaled) normals drawn into out, then scaled and shifted in place."""
    shapes = [list(x.shape) for x in (mean, std) if isinstance(x, Tensor)]
    _random_out(out, broadcast_shapes(*shapes), "normal")
    from .autograd import no_grad
    with no_grad():
        if isinstance(std, Tensor):
            if (std < 0).any() or std.isnan().any():
                raise RuntimeError("normal expects all elements of std >= 0.0")
            _random16.normal_fill(out, 0.0, 1.0, g)
            out.mul_(std)
        else:
            _random16.normal_fill(out, 0.0, std, g)
        out.add_(mean if isinstance(mean, Tensor) else full((), mean, dtype=out.dtype))
    return out


def bernoulli(input: Any, p: Any = None, *, generator: Any = None, out: Any = None) -> Tensor:
    """bernoulli(input): 1 with probability input[i]; bernoulli(input, p): with
    probability p everywhere. The result has input's dtype."""
    _check_input(input, "bernoulli")
    if p is None:
        if out is not None:
            return _C.bernoulli_tensor_(_random_out(out, input.shape, "bernoulli"), input, _gen(generator))
        return _C.bernoulli(input, _gen(generator))
    t = _C.empty(list(input.shape), input.dtype)
    return _C.bernoulli_scalar_(t, builtins.float(p), _gen(generator))


def poisson(input: Any, generator: Any = None) -> Tensor:
    _check_input(input, "poisson")
    if input.dtype in (_dtype.float16, _dtype.bfloat16) and not input.requires_grad:
        # The C++ sampler takes float32/float64 only. ATen samples a 16-bit rate through its float
        # opmath and rounds the count, which the float32 sampler on the exactly widened rates
        # reproduces draw for draw.
        return _C.poisson(input.float(), _gen(generator)).to(input.dtype)
    return _C.poisson(input, _gen(generator))


def binomial(count: Any, prob: Any, generator: Any = None) -> Tensor:
    """Binomial(count, prob) samples (prob broadcast to count's shape), drawn
    as PyTorch draws them (Note [Gamma and binomial samplers follow ATen's
    arithmetic types]). Not differentiable, as in PyTorch."""
    _check_input(count, "binomial")
    _check_input(prob, "binomial")
    return _C.binomial(count, prob, _gen(generator))


def _standard_gamma_grad(self, output):
    _check_input(self, "_standard_gamma_grad")
    return _C._standard_gamma_grad(self, output)


def _dirichlet_grad(x, alpha, total):
    _check_input(x, "_dirichlet_grad")
    return _C._dirichlet_grad(x, alpha, total)


def _standard_gamma(input, generator=None):
    """Gamma(input, 1) samples on PyTorch's stream; differentiable in input
    through the implicit reparameterization gradient (_standard_gamma_grad)."""
    _check_input(input, "_standard_gamma")
    from ._sampling_grads import StandardGamma
    return StandardGamma.apply(input, _gen(generator))


def _sample_dirichlet(input, generator=None):
    """Dirichlet(input) samples over the last dimension (PyTorch's stream). Not
    differentiable, as torch._sample_dirichlet."""
    _check_input(input, "_sample_dirichlet")
    return _C._sample_dirichlet(input, _gen(generator))


def multinomial(input: Any, num_samples: Any, replacement: Any = False, *, generator: Any = None, out: Any = None) -> Tensor:
    _check_input(input, "multinomial")
    num_samples = int_arg(num_samples, "multinomial", "num_samples")
    if input.dtype in REDUCED_FLOAT_DTYPES:  # Note [multinomial of float16/bfloat16]
        result = multinomial_reduced_float(input, num_samples, builtins.bool(replacement), _gen(generator))
    else:
        result = _C.multinomial(input, num_samples, builtins.bool(replacement), _gen(generator))
    if out is None:
        return result
    from .autograd import no_grad
    with no_grad():
        return _random_out(out, result.shape, "multinomial").copy_(result)


# ---- joining ----
def _tensor_list(tensors, name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def cat(tensors: Any, dim: Any = 0, *, out: Any = None) -> Tensor:
    if out is not None:
        tensors = _tensor_list(tensors, "cat")
        _check_out("cat", out, tensors)
        return _write_out("cat", _C.cat(tensors, int_arg(dim, "cat")), out)
    return _C.cat(_tensor_list(tensors, "cat"), int_arg(dim, "cat"))




def stack(tensors: Any, dim: Any = 0, *, out: Any = None) -> Tensor:
    if out is not None:
        tensors = _tensor_list(tensors, "stack")
        _check_out("stack", out, tensors)
        return _write_out("stack", _C.stack(tensors, int_arg(dim, "stack")), out)
    return _C.stack(_tensor_list(tensors, "stack"), int_arg(dim, "stack"))


def _nonempty(tensors, name):
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Any) -> Tensor:
    tensors = [t.reshape(1) if t.dim() == 0 else t for t in _nonempty(_tensor_list(tensors, "hstack"), "hstack")]
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    tensors = [t.reshape(1, -1) if t.dim() < 2 else t for t in _nonempty(_tensor_list(tensors, "vstack"), "vstack")]
    return cat(tensors, 0)


def broadcast_shapes(*shapes: Any) -> Size:
    return _C.broadcast_shapes(*shapes)


def _check_broadcast_tensor_shapes(shapes):
    """broadcast_tensors' error, ATen's infer_size folded over the shapes left
    to right: 'a' is the shape so far, 'b' the next one, the dimension counted
    in the broadcast result, checked from the last."""
    if not shapes:
        return
    acc = list(shapes[0])
    for nxt in shapes[1:]:
        nxt = list(nxt)
        ndim = builtins.max(len(acc), len(nxt))
        out = [0] * ndim
        for i in builtins.range(ndim - 1, -1, -1):  # last dim first, as ATen (builtins: this module defines range)
            offset = ndim - 1 - i
            size_a = acc[len(acc) - 1 - offset] if len(acc) - 1 - offset >= 0 else 1
            size_b = nxt[len(nxt) - 1 - offset] if len(nxt) - 1 - offset >= 0 else 1
            if size_a != size_b and size_a != 1 and size_b != 1:
                raise RuntimeError(f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                                   f"at non-singleton dimension {i}")
            out[i] = size_b if size_a == 1 else size_a
        acc = out


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    _check_broadcast_tensor_shapes([t.shape for t in tensors])
    shape = broadcast_shapes(*[t.shape for t in tensors])
    # A tensor already of the broadcast shape comes back itself, not an expand
    # view (ATen's expand_outplace borrows it): Normal(mu, 1.).mean is then mu,
    # printed without grad_fn=<ExpandBackward0>, as in PyTorch.
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    n = len(tensors)
    # PyTorch's checks, in its order: a tensor at all, one dtype, the indexing, 0-D or 1-D tensors
    if n == 0:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        _check_input(t, "meshgrid")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    # "xy" is "ij" of the first two inputs swapped, with the first two outputs swapped back (PyTorch's way):
    # the grids' first two dims are then (len(second), len(first)), whatever the other inputs
    order = list(builtins.range(n))
    if indexing == "xy" and n >= 2:
        order[0], order[1] = 1, 0
    shape = [tensors[j].numel() for j in order]
    outs = []
    for i, j in enumerate(order):
        view = [1] * n
        view[i] = -1
        outs.append(tensors[j].reshape(view).expand(shape))
    if indexing == "xy" and n >= 2:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


# ---- elementwise / math ----
def where(condition: Any, input: Any = None, other: Any = None) -> Tensor:
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}")
    if condition.dtype.name == "uint8":
        condition = _uint8_where_condition(condition)
    elif condition.dtype.name != "bool":  # PyTorch's message names the C++ type (Char, Float)
        from ._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{SCALAR_TYPE_NAMES[condition.dtype.name]}")
    if isinstance(input, builtins.complex) or isinstance(other, builtins.complex):
        # the core's number parsing keeps a complex number's real part only: a 0-dim tensor of the result's
        # dtype instead (PyTorch's promotion of a complex number beside the other operand)
        input, other = _complex_where_operands(input, other)
    return _C.where(condition, input, other)


_UINT8_WHERE_WARNING = ("where received a uint8 condition tensor. This behavior is deprecated and will be removed in "
                        "a future version of PyTorch. Use a boolean condition instead.")


def _uint8_where_condition(condition: Tensor) -> Tensor:
    """PyTorch still takes a uint8 condition (nonzero is true), warning once per process that it is deprecated;
    the warning names the first caller outside tensorcore (the where functions are wrapped), as PyTorch's
    names the user's line."""
    from ._spectral import _warned
    if "where_uint8" not in _warned:
        _warned.add("where_uint8")
        package = os.path.dirname(os.path.abspath(__file__))
        frame, level = sys._getframe(1), 2
        while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
            frame, level = frame.f_back, level + 1
        warnings.warn(_UINT8_WHERE_WARNING, UserWarning, stacklevel=level)
    return condition != 0


def _complex_where_operands(input: Any, other: Any) -> tuple[Any, Any]:
    from ._dtype import complex64
    tensors = [t for t in (input, other) if isinstance(t, Tensor)]
    dt = result_type(tensors[0], input if tensors[0] is other else other) if tensors else complex64
    return tuple(_C.tensor_from_data(v, dt) if isinstance(v, builtins.complex) else v  # type: ignore[return-value]
                 for v in (input, other))


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:
    _check_input(input, "clamp")
    return input.clamp(min, max)


clip = clamp


def _check_input(input, name):
    tensor_arg(input, name)


def _forward(name, method=None):
    m = method or name

    def f(input, *args, **kwargs):
        _check_input(input, name)
        return getattr(input, m)(*args, **kwargs)
    f.__name__ = name
    return f


def add(input: Any, other: Any, *deprecated_other: Any, alpha: Any = 1, out: Any = None) -> Tensor:
    if deprecated_other:  # torch.add(input, Number alpha, Tensor other)
        other, alpha = _deprecated_overloads.alpha_first("add", other, deprecated_other)
    if out is not None and alpha == 1:
        return _C.add(input, other, out=out)
    if out is not None:
        # alpha * other is not rounded on its own (Note [alpha scales in the promoted dtype]): the
        # method's result, then out='s cast and resize
        _check_out("add", out, (input, other))
        base = input if isinstance(input, Tensor) else _C.scalar_tensor(input, None)
        return _write_out("add", base.add(other, alpha=alpha), out)
    if not isinstance(input, Tensor):
        if isinstance(alpha, builtins.bool) or alpha != 1:  # (a bool alpha: the method's own RuntimeError)
            return _C.scalar_tensor(input, None).add(other, alpha=alpha)
        return _C.add(input, other)
    return input.add(other, alpha=alpha)


def sub(input: Any, other: Any, *deprecated_other: Any, alpha: Any = 1, out: Any = None) -> Tensor:
    if deprecated_other:  # torch.sub(input, Number alpha, Tensor other)
        other, alpha = _deprecated_overloads.alpha_first("sub", other, deprecated_other)
    if out is not None and alpha == 1:
        return _C.sub(input, other, out=out)
    if out is not None:  # as add's out= form
        _check_out("sub", out, (input, other))
        base = input if isinstance(input, Tensor) else _C.scalar_tensor(input, None)
        return _write_out("sub", base.sub(other, alpha=alpha), out)
    if not isinstance(input, Tensor) and (isinstance(alpha, builtins.bool) or alpha != 1):
        input = _C.scalar_tensor(input, None)  # number - alpha * other (alpha was dropped before)
    return input.sub(other, alpha=alpha) if isinstance(input, Tensor) else _C.sub(input, other)


def div(input: Any, other: Any, *, rounding_mode: Any = None, out: Any = None) -> Tensor:
    if out is not None and rounding_mode is None:
        return _C.div(input, other, out=out)
    if out is not None:
        _check_out("div", out, (input, other))
    if not isinstance(input, Tensor):
        input = _C.scalar_tensor(input, None)
    result = input.div(other, rounding_mode=rounding_mode)
    return result if out is None else _write_out("div", result, out)


_NO_DECIMALS: Any = object()  # PyTorch's round has an overload without decimals (integers pass through)


def round(input: Any, *, decimals: Any = _NO_DECIMALS, out: Any = None) -> Tensor:  # noqa: A001
    _check_input(input, "round")
    if out is not None and (decimals is _NO_DECIMALS or decimals == 0):
        return _C.round(input, out=out)
    result = input.round() if decimals is _NO_DECIMALS else input.round(decimals=decimals)
    if out is None:
        return result
    # round(decimals=d, out=): PyTorch's TensorIterator kernel (the out was ignored here before)
    from ._out import check_out, write_out
    from ._out_variants import check_no_internal_overlap
    from ._dtype import SCALAR_TYPE_NAMES
    check_out("round", out, (input,))
    check_no_internal_overlap(out)
    if out.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {SCALAR_TYPE_NAMES[out.dtype.name]} but expected "
                           f"{SCALAR_TYPE_NAMES[input.dtype.name]}")
    return write_out("round", result, out)


for _n in ("lerp", "norm", "mm", "bmm", "dot", "mv", "outer",
           "nonzero", "clone", "detach", "as_strided", "squeeze", "unsqueeze", "flatten",
           "reshape", "transpose", "permute", "t", "chunk", "split", "unbind", "narrow", "select", "gather",
           "index_select", "masked_fill", "sort", "argsort", "topk", "diagonal", "movedim", "moveaxis", "swapaxes",
           "scatter_add", "addmm", "flip"):
    globals()[_n] = _forward(_n)


def _spread_and_mean(stat: str, node_name: str) -> Callable[..., tuple[Tensor, Tensor]]:
    def f(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
          correction: Any = None) -> tuple[Tensor, Tensor]:
        _check_input(input, f"{stat}_mean")
        if correction is not None and unbiased is not None:
            raise RuntimeError(f"{stat}_mean: can't pass both unbiased and correction")
        spread = getattr(input, stat)
        if isinstance(dim, builtins.bool) and unbiased is None:  # var_mean(x, unbiased) positional form
            dim, unbiased = None, dim
        if unbiased is None:
            s = spread(dim, correction=correction, keepdim=keepdim)
        else:
            s = spread(dim, unbiased, keepdim)
        out = (s, input.mean(dim, keepdim))
        for t in out:  # PyTorch has one node (VarMeanBackward0 / StdMeanBackward0) for both outputs
            if t.requires_grad:
                _C._rename_grad_fn(t, node_name, [input])
        return out
    f.__name__ = f"{stat}_mean"

    @functools.wraps(f)
    def checked(input: Tensor, *args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
        # a bool is the positional `unbiased` form only; PyTorch's parser refuses dim=True
        if isinstance(kwargs.get("dim"), builtins.bool) or (args and isinstance(args[0], builtins.bool) and (
                len(args) > 1 or kwargs)):  # the (input, bool unbiased) overload takes nothing else
            raise TypeError(f"{stat}_mean() received an invalid combination of arguments - got (Tensor, bool, ...), "
                            f"but expected one of:\n * (Tensor input, tuple of ints dim, bool unbiased = True, bool "
                            f"keepdim = False)\n * (Tensor input, tuple of ints dim = None, *, Number correction = "
                            f"None, bool keepdim = False)\n * (Tensor input, bool unbiased = True)\n")
        return f(input, *args, **kwargs)
    return checked


var_mean = _spread_and_mean("var", "VarMeanBackward0")
std_mean = _spread_and_mean("std", "StdMeanBackward0")


def _repeat_interleave(input, repeats, dim=None):
    """repeat_interleave's values (tensorcore.repeat_interleave, in _composites, names its node)."""
    _check_input(input, "repeat_interleave")
    if dim is None:
        input, dim = input.reshape(-1), 0
    n = input.shape[dim]
    if not isinstance(repeats, Tensor):
        repeats = int_arg(repeats, "repeat_interleave", "repeats")
        if repeats < 0:
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        # Built with tensor ops (not a Python list) so a huge count fails fast in the allocator.
        idx = _C.arange(0, n, 1, int64).unsqueeze(1).expand(n, repeats).reshape(-1)
        return input.index_select(dim, idx)
    if repeats.dim() == 0:
        return _repeat_interleave(input, repeats.item(), dim)
    if repeats.dim() != 1 or repeats.shape[0] != n or repeats.is_floating_point():
        raise RuntimeError(f"repeat_interleave: repeats must be a 1-D integer tensor with {n} elements, got shape "
                           f"{list(repeats.shape)} and dtype {repeats.dtype.name}")
    repeats = repeats.long()
    if n and builtins.bool((repeats < 0).any().item()):
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    total = builtins.int(repeats.sum().item()) if n else 0
    marks = _C.zeros([total], int64)  # idx[j] = number of segment ends at or before j
    ends = repeats.cumsum(0)[:-1]
    ends = ends[ends < total]
    if ends.numel():
        marks.index_put_((ends,), _C.ones([ends.numel()], int64), True)
    return input.index_select(dim, marks.cumsum(0))


def expand_copy(input: Any, size: Any) -> Tensor:
    _check_input(input, "expand_copy")
    return input.expand(size).clone()


@grad_fn_named("DistBackward0")
def dist(input: Any, other: Any, p: Any = 2) -> Tensor:
    _check_input(input, "dist")
    if not isinstance(other, Tensor):  # (the method's position counts from self, as PyTorch's)
        raise TypeError(f"dist(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if not isinstance(p, (int, float)):
        raise TypeError(f"dist(): argument 'p' must be Number, not {type(p).__name__}")
    return (input - other).norm(p)




# ---- dtype utilities ----
def set_default_device(device: Any) -> None:
    """Where factories allocate when no device= is given (Note [Default device],
    core/device.h), in this thread; None restores the CPU. As PyTorch, a device
    with no backend compiled in is accepted here and raises at the first factory."""
    _C._set_default_device(device_arg(device, "set_default_device", check=False))


def get_default_device() -> Any:
    """The device factories use without device= (a `with tensorcore.device(...)`
    block's, else set_default_device's, else the CPU). A device type given
    without an index reports the index a tensor made there gets."""
    d = _C._default_device()
    return d if d.type == "cpu" or d.index is not None else _C.empty([0], float32, d).device


def set_default_dtype(d: Any) -> None:
    _C.set_default_dtype(dtype_arg(d, "set_default_dtype"))


def get_default_dtype() -> Any:
    return _C.get_default_dtype()


def result_type(tensor1: Any, tensor2: Any) -> Any:
    return _C.result_type(tensor1, tensor2)


def promote_types(type1: Any, type2: Any) -> Any:
    return _C.promote_types(type1, type2)


def can_cast(from_: Any, to: Any) -> bool:
    return _C.can_cast(from_, to)


def isclose(input: Any, other: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: Any = False) -> Tensor:
    _check_input(input, "isclose")
    tensor_arg(other, "isclose", "other", 2)
    if input.dtype != other.dtype:  # PyTorch compares only like with like
        raise RuntimeError(f"isclose: {input.dtype.name} did not match {other.dtype.name}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {builtins.float(rtol):g}")  # C++ stream format
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {builtins.float(atol):g}")
    # Note [isclose follows ATen]: equality first, on the tensors as given (two
    # int64 values 1 apart stay apart; a cast to double would merge them above
    # 2**53); with zero tolerances that is the whole answer. Otherwise
    # |a - b| <= atol + |rtol * b|, finite only: an infinity is close only to
    # itself (inf - inf is NaN). Complex values compare by modulus; bools and
    # integers are compared in the default dtype (as PyTorch 2.13: uint8 0 vs
    # 200 differ by 200, not by a wrapped-around 56).
    close = input == other
    if equal_nan and (input.dtype.is_floating_point or input.dtype.is_complex):
        close = close | (input.isnan() & other.isnan())
    if rtol == 0 and atol == 0:
        return close
    a, b = input, other
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        a, b = input.to(get_default_dtype()), other.to(get_default_dtype())
    allowed_error = atol + (rtol * b).abs()
    actual_error = (a - b).abs()
    return close | (actual_error.isfinite() & (actual_error <= allowed_error))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    _check_input(input, "allclose")
    tensor_arg(other, "allclose", "other", 2)
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def equal(input: Tensor, other: Tensor) -> bool:
    _check_input(input, "equal")
    return input.equal(other)


def empty_cache() -> None:
    _C.empty_cache()


def get_num_threads() -> int:
    return _C.get_num_threads()


def _set_num_threads(n: int) -> None:
    n = int_arg(n, "set_num_threads", "int")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")  # PyTorch's error type and text
    _C.set_num_threads(n)


# Note [Inter-op threads are a number only]
# PyTorch keeps a second pool for inter-op parallelism (torch.jit.fork, ...), sized once: the first
# set_num_interop_threads fixes it, and any later call raises. tensorcore runs inter-op work inline, so the
# size is only remembered and reported; programs that pin it (torch.set_num_interop_threads(1) beside
# set_num_threads) run and see PyTorch's answers. The default is PyTorch's: one thread per CPU.
_INTEROP_THREADS = []


def get_num_interop_threads() -> int:
    return _INTEROP_THREADS[0] if _INTEROP_THREADS else (os.cpu_count() or 1)


def set_num_interop_threads(n: int) -> None:
    n = int_arg(n, "set_num_interop_threads", "int")
    if n < 1:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _INTEROP_THREADS:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _INTEROP_THREADS.append(n)


def set_flush_denormal(mode: bool) -> bool:
    """Flush denormal float32/float64 values to zero on the CPU (x86 FTZ/DAZ;
    Note [Flush denormals]); True where the CPU supports it."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    return _C._set_flush_denormal(mode)


def _return_types():
    from ._tensor import return_types as rt
    return rt


return_types = _return_types()
del _n


class _LegacyTensorType(type):
    """torch.FloatTensor and friends: call one to build a tensor of its dtype
    (FloatTensor(2, 3) uninitialised, FloatTensor([1, 2]) from data), and
    isinstance(t, FloatTensor) tests the dtype, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls._dtype

    def __call__(cls, *args):
        if builtins.all(isinstance(a, builtins.int) and not isinstance(a, builtins.bool) for a in args) or (
                len(args) == 1 and isinstance(args[0], Size)):
            return _C.empty(shape_args(args, cls.__name__), cls._dtype)
        if len(args) == 1 and builtins.type(args[0]).__name__ in ("TypedStorage", "UntypedStorage"):
            return _tensor_of_storage(cls, args[0])
        if len(args) == 1 and not isinstance(args[0], Tensor):
            # Straight to the class's dtype: going through float32 first would
            # round integers above 2**24 (LongTensor([2**40 + 1])).
            return _C.tensor_from_data(_ranges_as_lists(args[0]), cls._dtype)
        return Tensor(*args).to(cls._dtype)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _tensor_of_storage(cls, storage):
    """FloatTensor(storage): a 1-D tensor viewing all of the storage, sharing its memory (PyTorch's legacy
    constructor; Note [Storages are flat alias tensors])."""
    from ._dtype import SCALAR_TYPE_NAMES as names
    if builtins.type(storage).__name__ == "TypedStorage" and storage.dtype != cls._dtype:
        raise RuntimeError(f"Expected a Storage of type {names[cls._dtype.name]} or an UntypedStorage, but got "
                           f"type {names[storage.dtype.name]} for argument 1 'storage'")
    from .storage import _storage_source
    flat = _storage_source(storage, cls._dtype)
    return _C.as_strided(flat, [flat.numel()], [1], 0)


def _legacy_type(name, dt):
    return _LegacyTensorType(name, (), {"_dtype": dt, "__module__": "tensorcore"})


FloatTensor = _legacy_type("FloatTensor", float32)
DoubleTensor = _legacy_type("DoubleTensor", float64)
LongTensor = _legacy_type("LongTensor", int64)
IntTensor = _legacy_type("IntTensor", _int32)
BoolTensor = _legacy_type("BoolTensor", bool_)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _dtype.bfloat16)
_LEGACY_TYPES = {c.__name__: c for c in (FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor, ByteTensor,
                                         CharTensor, ShortTensor, HalfTensor, BFloat16Tensor)}


def legacy_tensor_type(spec):
    """The legacy type named by spec (a legacy class or 'torch.FloatTensor'), else None."""
    if isinstance(spec, _LegacyTensorType):
        return spec
    if isinstance(spec, str):
        return _LEGACY_TYPES.get(spec.rsplit(".", 1)[-1])
    return None


# torch.set_default_tensor_type (deprecated since PyTorch 2.1, still common in older programs):
# a floating legacy type, or its dotted name, sets the default dtype. PyTorch warns once per process.
_warned_default_tensor_type = False


def set_default_tensor_type(t: Any) -> None:
    global _warned_default_tensor_type
    if not _warned_default_tensor_type:
        _warned_default_tensor_type = True
        import warnings
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                      stacklevel=2)
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        if not module:
            raise ModuleNotFoundError(f"No module named '{t}'")
        if module in ("torch.cuda", "tensorcore.cuda"):
            raise TypeError(f"type {t} not available. Torch not compiled with CUDA enabled.")
        legacy = legacy_tensor_type(t) if module in ("torch", "tensorcore") else None
        if legacy is None:
            raise AttributeError(f"module '{module}' has no attribute '{name}'")
        t = legacy
    if not isinstance(t, _LegacyTensorType):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    if not t._dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    set_default_dtype(t._dtype)


__all__ += ["set_default_tensor_type"]


__all__ += ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "ByteTensor", "CharTensor",
            "ShortTensor", "HalfTensor", "BFloat16Tensor"]


# The common spellings run in C++; the Python implementations above serve
# every other call (Note [Fast shape methods], bindings/fast_functions.cpp).
globals().update(_C._fast_paths({name: with_numpy_aliases(globals()[name]) for name in (
    "zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like", "cat", "stack")}))
concat = concatenate = cat
