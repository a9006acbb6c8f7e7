"""The dtype rules PyTorch's CPU normalisation kernels (batch_norm,
layer_norm, group_norm) apply to their input and parameters.

Note [Normalisation dtypes]
The input must be a floating point tensor: an integer, bool or complex input
is refused with the kernel's NotImplementedError. batch_norm (and instance
norm, which runs as one) checks this first, even when the parameters' dtypes
differ too; layer_norm and group_norm check the parameters first, so an
integer input with float32 parameters is a "mixed dtype" error. The parameters (weight, bias, running
statistics, whichever are given) must then share the input's dtype, with one
exception, "mixed dtype": a float32, float16 or bfloat16 input may come with
float32 parameters (what autocast produces). Anything else raises
RuntimeError; without this check a float64 input normalised with float32
parameters would quietly return float64 where PyTorch refuses the call.
"""
from .._dtype import SCALAR_TYPE_NAMES, bfloat16, float16, float32

_MIXED_OK_INPUTS = (float32, float16, bfloat16)


def check_norm_dtypes(kernel, input, *params):
    """Raise as PyTorch's `kernel` ("batch_norm", "LayerNormKernelImpl",
    "GroupNormKernelImpl") does for `input` and the given `params` (None
    entries are absent parameters); Note [Normalisation dtypes]."""
    given = [p for p in params if p is not None]
    mixed = any(p.dtype != input.dtype for p in given)
    if not input.is_floating_point() and (kernel == "batch_norm" or not mixed):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")
    if not mixed:
        return
    if input.dtype not in _MIXED_OK_INPUTS:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    if any(p.dtype != float32 for p in given):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
