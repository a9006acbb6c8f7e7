"""Argument-type checks of PyTorch's argument parser for the vision ops
composed in Python (convolution, pooling, fold/unfold, unpool, shuffles).

Note [Int arguments are never truncated]
PyTorch's parser takes an int-list argument (kernel_size, stride, padding,
dilation, output_padding, output_size) as an int or a sequence of ints, and an
int argument (groups, divisor_override, upscale_factor) as an int: anything
with __index__ (numpy ints, integer 0-dim tensors) counts, a float, bool or
str is a TypeError. tensorcore's helpers call int() on these, which would
truncate 1.5 to 1 (a silent wrong shape), so every public entry point checks
its arguments here first."""
from __future__ import annotations

import operator

import numpy as np


def _is_int(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def check_int_list(fn, name, value, allow_none_elements=False):
    """An IntArrayRef argument: an int or a sequence of ints."""
    if _is_int(value):
        return
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) and not hasattr(value, "__iter__"):
        raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, not {type(value).__name__}")
    for position, element in enumerate(value):
        if element is None and allow_none_elements:
            continue
        if not _is_int(element):
            raise TypeError(f"{fn}(): argument '{name}' failed to unpack the object at pos {position + 1} with "
                            f"error \"type must be tuple of ints,but got {type(element).__name__}\"")


def check_int(fn, name, value, allow_none=False):
    """An int argument (None too where the parameter is optional)."""
    if value is None and allow_none:
        return
    if not _is_int(value):
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(value).__name__}")


def check_tensor(fn, name, value):
    from .. import _C
    if not isinstance(value, _C.Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(value).__name__}")


def check_conv_args(fn, input, weight, stride, padding, dilation, groups, output_padding=None):
    """A convolution's argument types (padding may be 'same'/'valid' for the
    non-transposed ones; the transposed ones refuse strings themselves)."""
    check_tensor(fn, "input", input)
    check_tensor(fn, "weight", weight)
    check_int_list(fn, "stride", stride)
    if not isinstance(padding, str):
        check_int_list(fn, "padding", padding)
    check_int_list(fn, "dilation", dilation)
    if output_padding is not None:
        check_int_list(fn, "output_padding", output_padding)
    check_int(fn, "groups", groups)


def check_pool_args(fn, kernel_size, stride, padding, dilation=1):
    check_int_list(fn, "kernel_size", kernel_size)
    if stride is not None:
        check_int_list(fn, "stride", stride)
    check_int_list(fn, "padding", padding)
    check_int_list(fn, "dilation", dilation)


def check_float(fn, name, value, position):
    """A double argument: a real number or a 0-dim tensor (bool counts, as in
    PyTorch's parser); None or a string is a TypeError, never a later failure
    deep inside the computation."""
    from .. import _C
    if isinstance(value, _C.Tensor) or isinstance(value, (int, float, np.integer, np.floating)):
        return
    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be float, not {type(value).__name__}")
