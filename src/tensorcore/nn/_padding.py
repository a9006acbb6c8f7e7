"""F.pad in all four modes: constant, reflect, replicate, circular.

Note [Padding as index_select]
Reflect, replicate and circular padding only repeat input elements: along
each padded dim the output is input.index_select(dim, src) for a source-index
vector computed from the sizes (reflect: -j and 2(n-1)-j; replicate: clamp;
circular: j mod n). Negative amounts crop, which the same index vector
expresses. index_select's backward (index_add) sums the gradient of every
copy into its source, PyTorch's reflection/replication/circular backward.
"""
from __future__ import annotations
from typing import Any
import builtins
import operator

import numpy as np

from .. import _C
from .._naming import grad_fn_named

Tensor = _C.Tensor

_MODES = ("constant", "reflect", "replicate", "circular")
_KERNEL = {"reflect": "reflection_pad", "replicate": "replication_pad", "circular": "circular_pad"}


from .._memory_layout import input_format, keep_format  # noqa: E402

def _constant_pad(input, pad, value):
    out = input
    for k in builtins.range(len(pad) // 2):
        dim = input.dim() - 1 - k
        left, right = int(pad[2 * k]), int(pad[2 * k + 1])
        if left < 0:
            out = out.narrow(dim, -left, out.shape[dim] + left)
            left = 0
        if right < 0:
            out = out.narrow(dim, 0, out.shape[dim] + right)
            right = 0
        if out.shape[dim] < 0:
            raise RuntimeError(f"The input size {input.shape[dim]}, plus negative padding {pad[2 * k]} and "
                               f"{pad[2 * k + 1]} resulted in a negative output size, which is invalid. Check "
                               f"dimension {dim} of your input.")
        if left or right:
            parts = []
            for amount in (left, right):
                shape = list(out.shape)
                shape[dim] = amount
                parts.append(_C.full(shape, 0 if value is None else value, out.dtype))
            out = _C.cat([parts[0], out, parts[1]], dim)
    if out is input:
        return input.clone()
    # PyTorch allocates the padded result in the input's suggested layout (Note [Layout-following ops keep
    # channels_last]); the cats above write row-major.
    return keep_format(out, input_format(input)) if input.dim() in (4, 5) else out


def _source_index(n, left, right, mode):
    if mode == "circular":
        # PyTorch crops first, then wraps around what is left.
        lo, kept = max(-left, 0), n - max(-left, 0) - max(-right, 0)
        j = np.arange(-max(left, 0), kept + max(right, 0), dtype=np.int64)
        return np.mod(j, kept) + lo
    j = np.arange(-left, n + right, dtype=np.int64)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    j = np.abs(j)  # reflect about 0, then about n - 1
    return np.where(j > n - 1, 2 * (n - 1) - j, j)


def _int_list(values, fn, name, position):
    """An int-list argument as PyTorch's argument parser takes it: ints or
    anything with __index__ (numpy ints, integer 0-dim tensors); a float or
    bool element is a TypeError, never truncated."""
    if isinstance(values, Tensor) or not hasattr(values, "__iter__"):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, not "
                        f"{type(values).__name__}")
    out = []
    for i, v in enumerate(values):
        try:
            if isinstance(v, (bool, np.bool_)):
                raise TypeError
            out.append(operator.index(v))
        except TypeError:
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but found "
                            f"element of type {type(v).__name__} at pos {i}") from None
    return out


def _pad_node_name(input, pad, mode="constant", value=None):
    """PyTorch's grad_fn name for F.pad's kernel (circular: PyTorch's
    CopySlices, left to the composite)."""
    k = len(pad) // 2
    return {"constant": "ConstantPadNdBackward0", "reflect": f"ReflectionPad{k}DBackward0",
            "replicate": f"ReplicationPad{k}DBackward0"}.get(mode)


@grad_fn_named(_pad_node_name)
def pad(input: Any, pad: Any, mode: Any = "constant", value: Any = None) -> Tensor:
    """F.pad: pad[0:2] pads the last dim (left, right), pad[2:4] the one before,
    ...; negative amounts crop (Note [Padding as index_select])."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    pad = _int_list(pad, "pad", "pad", 2)
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {type(mode).__name__}")
    if len(pad) % 2 or len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number of dimensions "
                           f"of the input ({input.dim()}), got {len(pad)}" if len(pad) % 2 else
                           "Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        return _constant_pad(input, pad, value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    k = len(pad) // 2
    if k > 3 or k == 0 or input.dim() not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
                                  "Supported combinations for non-constant padding:\n"
                                  "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                                  "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                                  "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode in ("reflect", "replicate") and input.dtype.name == "bool":
        from .._dtype_refusals import kernel_not_implemented  # (no bool kernel; circular is a copy)
        raise kernel_not_implemented(f"{_KERNEL[mode]}{k}d", input)
    if mode in ("reflect", "replicate"):
        # PyTorch's reflection/replication kernels allow an empty batch only: every other dim
        # (all of an unbatched input's) must be non-empty, whatever the amounts.
        checked_dims = input.shape[1:] if input.dim() == k + 2 else input.shape
        if builtins.any(size == 0 for size in checked_dims):
            raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
                               f"other non-zero dimensions for input, but got: {list(input.shape)}")
    out = input
    for i in builtins.range(k):
        dim = input.dim() - 1 - i
        n, left, right = input.shape[dim], pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and (left >= n or right >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({left}, {right}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (left > n or right > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0 and (left or right):
            raise RuntimeError(f"{_KERNEL[mode]}{k}d: input tensor must have non-zero size at dimension {dim}")
        if n + left + right < 0 or (n + left + right == 0 and mode != "circular"):
            raise RuntimeError(f"{_KERNEL[mode]}{k}d: input ({list(input.shape)}) is too small. Calculated output "
                               f"size is not positive")
        if left == 0 and right == 0:
            continue
        from .._functions import from_numpy
        out = out.index_select(dim, from_numpy(_source_index(n, left, right, mode)))
    return out if out is not input else input.clone()
