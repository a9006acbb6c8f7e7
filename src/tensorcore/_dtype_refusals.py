"""PyTorch's refusals of dtypes its CPU kernels have no instance for.

Note [Refuse, never reinterpret]
Many composites here reach numpy or other core ops that would happily compute
something for a dtype PyTorch's kernel does not take (a complex mode, a bool
kthvalue, a complex isin): the result is a value PyTorch never gives. Such
an op checks its input with these helpers first and raises what PyTorch
raises: NotImplementedError('"<kernel>" not implemented for '<ScalarType>'')
from its dispatch macros, or the op's own RuntimeError.
"""
from ._dtype import SCALAR_TYPE_NAMES


def kernel_not_implemented(kernel, t):
    """The error of PyTorch's AT_DISPATCH for `kernel` given `t`'s dtype."""
    return dtype_not_implemented(kernel, t.dtype)


def dtype_not_implemented(kernel, dtype):
    """The error of PyTorch's AT_DISPATCH for `kernel` asked for `dtype` (a factory's dtype=)."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_TYPE_NAMES[dtype.name]}'")


def refuse_complex(kernel, t):
    if t.is_complex():
        raise kernel_not_implemented(kernel, t)


def refuse_bool_or_complex(kernel, t):
    if t.dtype.name == "bool" or t.is_complex():
        raise kernel_not_implemented(kernel, t)


# PyTorch's names in "value cannot be converted to type X without overflow"
# (c10's checked scalar conversion), per dtype a complex value is narrowed to.
CHECKED_CONVERT_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
                         "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def narrow_complex_scalar(value, dtype_name):
    """A Python complex scalar as a value of the real dtype `dtype_name`, by
    PyTorch's checked conversion: a bool takes its truth, other dtypes the
    real part when the imaginary part is 0; a nonzero imaginary part is
    PyTorch's RuntimeError (never silently dropped)."""
    if dtype_name == "bool":
        return value != 0
    real = value.real
    if value.imag != 0 or _overflows(real, dtype_name):
        raise RuntimeError(f"value cannot be converted to type {CHECKED_CONVERT_NAMES[dtype_name]} without overflow")
    return real


_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}


def _overflows(real, dtype_name):
    """c10's range check of the real part: an integer dtype takes finite values within its range (NaN
    and inf overflow); a narrower float dtype refuses finite values beyond its largest (inf and NaN pass)."""
    import math
    if dtype_name in _FLOAT_MAX:
        return math.isfinite(real) and abs(real) > _FLOAT_MAX[dtype_name]
    if dtype_name == "float64":
        return False
    import numpy as np
    info = np.iinfo(dtype_name)
    return not math.isfinite(real) or not info.min <= real <= info.max
