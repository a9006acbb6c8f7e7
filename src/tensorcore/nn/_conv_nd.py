"""conv3d, conv_transpose3d and fold/unfold (im2col/col2im), composed of the
2-d convolution kernel and gather/scatter ops.

Note [conv3d as depth-sliced conv2d]
A 3-d convolution is a sum over the kernel's depth taps: for tap i the input
planes i*dilation, i*dilation + stride, ... (one per output depth) meet the
2-d kernel weight[:, :, i]. Folding the output depth into the batch turns
each tap into one conv2d call on (N*Dout, C, H, W), so the Python loop runs
kD times (3 for a 3x3x3 kernel), never per element, and every step is a
differentiable op (gradients to input, weight and bias come from their nodes).
"""
from __future__ import annotations
from typing import Any

import numpy as np

from .. import _C
from .._naming import grad_fn_named
from ._conv_ops import _check_conv_dtypes, _check_conv_weight, _check_stride_dilation, _conv_padding, _conv_param
from ._conv_transpose import _check_transpose_amounts, _check_transpose_args, _insert_zeros
from ._arg_checks import check_conv_args, check_int_list
from ._padding import pad
from .._naming import named_through_reduced_cast  # noqa: E402
from .._args import contiguous_format  # noqa: E402
from .._memory_layout import conv_output_format, keep_format  # noqa: E402

Tensor = _C.Tensor

__all__ = ["conv3d", "conv_transpose3d", "unfold", "fold"]


def _convolution_node_name(input, *args, **kwargs):
    """ConvolutionBackward0, except for a complex convolution: PyTorch's ends
    with the addition of Note [Complex convolution] (None keeps that name)."""
    return None if isinstance(input, _C.Tensor) and input.is_complex() else "ConvolutionBackward0"


@named_through_reduced_cast
@grad_fn_named(_convolution_node_name)
def conv3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    check_conv_args("conv3d", input, weight, stride, padding, dilation, groups)  # Note [Int arguments are never truncated]
    if input.dim() not in (4, 5):
        raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: "
                           f"{list(input.shape)}")
    unbatched = input.dim() == 4
    x = input.unsqueeze(0) if unbatched else input
    if x.is_complex() and weight.is_complex() and (bias is None or bias.is_complex()):
        from ._conv_ops import _complex_convolution  # Note [Complex convolution]
        out = _complex_convolution(lambda xp, w, b: conv3d(xp, w, b, stride, padding, dilation, groups), x, weight,
                                   bias)
        return out.squeeze(0) if unbatched else out
    if weight.dim() != 5:
        raise RuntimeError(f"Expected 5-dimensional input for 5-dimensional weight {list(weight.shape)}, but got "
                           f"{weight.dim()}-dimensional weight")
    stride, dilation = _conv_param(stride, 3, "stride"), _conv_param(dilation, 3, "dilation")
    _check_stride_dilation(stride, dilation)  # before the size arithmetic below divides by the stride
    _check_conv_weight(weight, int(groups), 3)
    _check_conv_dtypes(x, weight, bias)
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead")
    before, after = _conv_padding(padding, weight, stride, dilation, 3)
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    if before[0] or after[0]:
        x = pad(x, (0, 0, 0, 0, before[0], after[0]))
    n, c, d, h, w = x.shape
    kd = weight.shape[2]
    span = dilation[0] * (kd - 1) + 1
    if d < span:
        raise RuntimeError(f"Calculated padded input size per channel: ({d} x {h} x {w}). Kernel size: "
                           f"({kd} x {weight.shape[3]} x {weight.shape[4]}). Kernel size can't be greater than "
                           f"actual input size")
    dout = (d - span) // stride[0] + 1
    out = None
    for i in range(kd):  # Note [conv3d as depth-sliced conv2d]
        start = i * dilation[0]
        planes = x[:, :, start:start + (dout - 1) * stride[0] + 1:stride[0]]
        planes = planes.transpose(1, 2).reshape([n * dout, c, h, w])
        y = _C.convolution(planes, weight[:, :, i], None, list(stride[1:]), before[1:], after[1:],
                           list(dilation[1:]), int(groups))
        out = y if out is None else out + y
    o, ho, wo = out.shape[1:]
    out = out.reshape([n, dout, o, ho, wo]).transpose(1, 2)
    if bias is not None:
        out = out + bias.reshape([1, o, 1, 1, 1])
    # The depth slices come back as a transposed view; PyTorch's result is dense, row-major or channels_last_3d
    # (Note [Layout-following ops keep channels_last]): a dropout after it draws its mask in that order.
    out = keep_format(out, conv_output_format(x, weight) or contiguous_format)
    return out.squeeze(0) if unbatched else out


@grad_fn_named(_convolution_node_name)
def conv_transpose3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv3d (Note [Transposed convolution as a convolution])."""
    _check_transpose_args("conv_transpose3d", padding, weight, groups)
    check_conv_args("conv_transpose3d", input, weight, stride, padding, dilation, groups, output_padding)
    if input.dim() not in (4, 5):
        raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of "
                           f"size: {list(input.shape)}")
    unbatched = input.dim() == 4
    x = input.unsqueeze(0) if unbatched else input
    if weight.dim() != 5:
        raise RuntimeError(f"conv_transpose3d: expected a 5-D weight (in_channels, out_channels/groups, kD, kH, kW), "
                           f"got {list(weight.shape)}")
    cin, cout_g = weight.shape[:2]
    ks = list(weight.shape[2:])
    if x.shape[1] != cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input "
                           f"{list(x.shape)} to have {cin} channels, but got {x.shape[1]} channels instead")
    _check_conv_weight(weight, int(groups), 3, transposed=True)
    _check_conv_dtypes(x, weight, None)
    if bias is not None and bias.dtype != x.dtype:  # PyTorch's 3-D kernel reads the bias in input's dtype only
        from .._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"expected scalar type {SCALAR_TYPE_NAMES[x.dtype.name]} but found "
                           f"{SCALAR_TYPE_NAMES[bias.dtype.name]}")
    stride, padding = _conv_param(stride, 3, "stride"), _conv_param(padding, 3, "padding")
    output_padding = _conv_param(output_padding, 3, "output_padding")
    dilation = _conv_param(dilation, 3, "dilation")
    _check_transpose_amounts(stride, padding, output_padding, dilation)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding={list(output_padding)}, stride={list(stride)}, "
                               f"dilation={list(dilation)}")
    for i in range(3):
        x = _insert_zeros(x, stride[i], 2 + i)
    amounts = []
    for i in reversed(range(3)):
        e = dilation[i] * (ks[i] - 1) - padding[i]
        amounts += [e, e + output_padding[i]]
    x = pad(x, amounts)
    w = (weight.reshape([groups, cin // groups, cout_g] + ks).transpose(1, 2)
         .reshape([groups * cout_g, cin // groups] + ks).flip([2, 3, 4]))
    out = conv3d(x, w, bias, 1, 0, dilation, groups)
    return out.squeeze(0) if unbatched else out


# ---- im2col / col2im ----
def _blocks(sizes, k, d, p, s):
    return [(sizes[i] + 2 * p[i] - (d[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(2)]


def _block_table(padded, outs, k, d, s):
    """(K, L) flat positions in the padded (Hp, Wp) plane, PyTorch's im2col
    order: kernel offset (kh, kw) along K, block position (oh, ow) along L."""
    rows = (np.arange(k[0])[:, None, None, None] * d[0] + np.arange(outs[0])[None, None, :, None] * s[0])
    cols = (np.arange(k[1])[None, :, None, None] * d[1] + np.arange(outs[1])[None, None, None, :] * s[1])
    return (rows * padded[1] + cols).reshape(k[0] * k[1], outs[0] * outs[1])


def _im2col_pair(v, name):
    """im2col/col2im's IntArrayRef argument: an int, or exactly two ints."""
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * 2


_IM2COL_LIMITS = {
    "kernel": ("kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}", 1),
    "stride": ("stride should be greater than zero, but got stride_height: {} stride_width: {}", 1),
    "dilation": ("dilation should be greater than zero, but got dilation_height: {} dilation_width: {}", 1),
    "padding": ("padding should be non-negative, but got pad_height: {} pad_width: {}", 0),
}


def _check_im2col_params(order, **values):
    """PyTorch's im2col/col2im shape checks, in its order (unfold: kernel,
    dilation, padding, stride; fold: kernel, stride, dilation, padding)."""
    for name in order:
        message, least = _IM2COL_LIMITS[name]
        pair = values[name]
        if pair[0] < least or pair[1] < least:
            raise RuntimeError(message.format(pair[0], pair[1]))


def _check_im2col_dtype(input, op):
    """im2col/col2im have float, complex and bool kernels only."""
    if input.is_floating_point() or input.is_complex() or input.dtype.name == "bool":
        return
    from .._dtype import SCALAR_TYPE_NAMES
    raise NotImplementedError(f"\"{op}_out_cpu\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")


@grad_fn_named("Im2ColBackward0")
def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Sliding blocks of (N, C, H, W) as columns (N, C*kH*kW, L)."""
    for arg_name, value in (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding),
                            ("stride", stride)):
        check_int_list("im2col", arg_name, value)
    if input.dim() < 3:  # PyTorch reads the channel dim before checking the rank
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.dim(), 1)}, "
                         f"{max(input.dim(), 1) - 1}], but got {max(input.dim(), 1)})")
    if input.dim() != 4 and input.dim() != 3:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    k, d = _im2col_pair(kernel_size, "kernel_size"), _im2col_pair(dilation, "dilation")
    p, s = _im2col_pair(padding, "padding"), _im2col_pair(stride, "stride")
    _check_im2col_params(("kernel", "dilation", "padding", "stride"), kernel=k, dilation=d, padding=p, stride=s)
    if any(size == 0 for size in input.shape[-3:]):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    n, c, h, w = x.shape
    outs = _blocks([h, w], k, d, p, s)
    if outs[0] < 1 or outs[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of "
                           f"sliding blocks as ({outs[0]}, {outs[1]}), but its components must be at least one.")
    _check_im2col_dtype(input, "im2col")
    if p[0] or p[1]:
        x = pad(x, (p[1], p[1], p[0], p[0]))
    table = _block_table([h + 2 * p[0], w + 2 * p[1]], outs, k, d, s)
    from .._functions import from_numpy
    # Explicit plane size, not -1: an empty batch leaves -1 undetermined.
    plane = (h + 2 * p[0]) * (w + 2 * p[1])
    cols = x.reshape([n, c, plane]).index_select(2, from_numpy(np.ascontiguousarray(table.reshape(-1))))
    out = cols.reshape([n, c * table.shape[0], table.shape[1]])
    return out.squeeze(0) if unbatched else out


@grad_fn_named("Col2ImBackward0")
def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Sums columns (N, C*kH*kW, L) back into (N, C, H, W): unfold's adjoint."""
    for arg_name, value in (("output_size", output_size), ("kernel_size", kernel_size), ("dilation", dilation),
                            ("padding", padding), ("stride", stride)):
        check_int_list("col2im", arg_name, value)
    size = _im2col_pair(output_size, "output_size")
    k, d = _im2col_pair(kernel_size, "kernel_size"), _im2col_pair(dilation, "dilation")
    p, s = _im2col_pair(padding, "padding"), _im2col_pair(stride, "stride")
    _check_im2col_params(("kernel", "stride", "dilation", "padding"), kernel=k, dilation=d, padding=p, stride=s)
    if input.dim() not in (2, 3) or any(v == 0 for v in input.shape[-2:]):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    unbatched = input.dim() == 2
    x = input.unsqueeze(0) if unbatched else input
    n, ck, length = x.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={ck} and kernel_size=({k[0]}, {k[1]})")
    outs = _blocks(size, k, d, p, s)
    if outs[0] * outs[1] != length:
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected "
                           f"size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{outs[0]} * {outs[1]} = {outs[0] * outs[1]}, but got input.size(2)={length}.")
    _check_im2col_dtype(input, "col2im")
    c = ck // kk
    hp, wp = size[0] + 2 * p[0], size[1] + 2 * p[1]
    table = _block_table([hp, wp], outs, k, d, s)
    from .._functions import from_numpy
    idx = from_numpy(np.ascontiguousarray(table.reshape(-1))).reshape([1, 1, -1]).expand([n, c, kk * length])
    out = _C.zeros([n, c, hp * wp], x.dtype).scatter_add(2, idx, x.reshape([n, c, kk * length]))
    out = out.reshape([n, c, hp, wp])
    if p[0] or p[1]:
        out = out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]
    return out.squeeze(0) if unbatched else out
