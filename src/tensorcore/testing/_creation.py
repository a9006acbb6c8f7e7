"""tensorcore.testing.make_tensor: a random tensor for tests, with PyTorch's
value ranges (integers in [-9, 10), floats in [-9, 9), bools in {0, 1},
`low`/`high` clamped to what the dtype can hold) and PyTorch's draws: the
values come from randint / uniform_ exactly as PyTorch's, so that a seeded
program prints the same tensors."""
import collections.abc
import math
import warnings

import tensorcore as torch

__all__ = ["make_tensor"]


def _present(*names):
    return [getattr(torch, n) for n in names if hasattr(torch, n)]


_INTEGRAL = _present("uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64")
_BOOL_OR_INTEGRAL = [torch.bool, *_INTEGRAL]
_COMPLEX = _present("complex32", "complex64", "complex128")
_FLOATING_OR_COMPLEX = [*_present("float16", "bfloat16", "float32", "float64"), *_COMPLEX]
_FLOAT8 = _present("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz")


def _checked_range(low, high, dtype, *, lowest, highest_exclusive, default_low, default_high):
    """[low, high) after defaults, validation and clamping to the dtype's range
    (PyTorch's messages); integer bounds are rounded up."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and dtype in _FLOATING_OR_COMPLEX:
        warnings.warn(
            "Passing `low==high` to `torch.testing.make_tensor` for floating or complex types "
            "is deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
            FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest_exclusive:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest_exclusive})")
    low = min(max(low, lowest), highest_exclusive)
    high = min(max(high, lowest), highest_exclusive)
    if dtype in _BOOL_OR_INTEGRAL:
        return math.ceil(low), math.ceil(high)
    return low, high


def _fill_uniform(t, low, high):
    # uniform_ computes high - low, which overflows for the dtype's full range: halve, then double
    if high - low >= torch.finfo(t.dtype).max:
        return t.uniform_(low / 2, high / 2).mul_(2)
    return t.uniform_(low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A tensor of the given shape, dtype and device filled with random values in [low, high).

    noncontiguous: every other element of a tensor twice as wide in the last dim (when it has > 1 element).
    exclude_zero: zeros become 1 (integral) or the dtype's smallest normal (floating)."""
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got noncontiguous={noncontiguous} and memory_format={memory_format}")
    if requires_grad and dtype in _BOOL_OR_INTEGRAL:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got dtype={dtype}")
    numel = 1
    for size in shape:
        numel *= size
    noncontiguous = noncontiguous and numel > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])

    if dtype is torch.bool:
        low, high = _checked_range(low, high, dtype, lowest=0, highest_exclusive=2, default_low=0, default_high=2)
        result = torch.randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _BOOL_OR_INTEGRAL:
        info = torch.iinfo(dtype)
        low, high = _checked_range(low, high, dtype, lowest=info.min,
                                   highest_exclusive=info.max + (1 if dtype is not torch.int64 else 0),
                                   default_low=-9, default_high=10)
        result = torch.randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _FLOATING_OR_COMPLEX or dtype in _FLOAT8:
        info = torch.finfo(dtype)
        low, high = _checked_range(low, high, dtype, lowest=info.min, highest_exclusive=info.max,
                                   default_low=-9, default_high=9)
        if dtype in _FLOAT8:
            result = _fill_uniform(torch.empty(shape, device=device, dtype=torch.float32), low, high).to(dtype)
        else:
            result = torch.empty(shape, device=device, dtype=dtype)
            _fill_uniform(torch.view_as_real(result) if dtype in _COMPLEX else result, low, high)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by torch.testing.make_tensor()."
                        " To request support, file an issue at: https://github.com/pytorch/pytorch/issues")

    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if dtype in _BOOL_OR_INTEGRAL else torch.finfo(dtype).tiny
    if dtype in _FLOATING_OR_COMPLEX:
        result.requires_grad = requires_grad
    return result
