"""conv_transpose1d / conv_transpose2d: the adjoint of conv2d, built from it.

Note [Transposed convolution as a convolution]
A transposed convolution with stride s, padding p, dilation d and output
padding op equals a stride-1 convolution of the input with s - 1 zeros
inserted between neighbouring elements, padded by d*(k-1) - p on each side
(plus op at the end; a negative amount crops), with the kernel flipped in
space and its in/out channel axes swapped within each group. The output size
is then (H-1)*s - 2p + d*(k-1) + op + 1, PyTorch's formula. Everything is
differentiable ops (cat/reshape/slice/pad/flip/conv2d), so gradients to input,
weight and bias come from their nodes; the inserted zeros cost s^2 more
multiply-adds than PyTorch's col2im form, acceptable at the sizes programs use
on a CPU (DCGAN-style generators).
"""
from __future__ import annotations
from typing import Any
import builtins
from .. import _C
from .._naming import grad_fn_named
from ._arg_checks import check_conv_args
from ._conv_ops import _check_conv_dtypes, _check_stride_dilation, _check_conv_weight, _conv_param, _pair, conv2d, pad
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from .. import Tensor


from .._memory_layout import conv_output_format, keep_format  # noqa: E402

def _insert_zeros(x, stride, dim):
    if stride == 1:
        return x
    n = x.shape[dim]
    shape = list(x.shape)
    shape.insert(dim + 1, stride - 1)
    spread = _C.cat([x.unsqueeze(dim + 1), _C.zeros(shape, x.dtype)], dim + 1)
    merged = list(x.shape)
    merged[dim] = n * stride
    return spread.reshape(merged).narrow(dim, 0, (n - 1) * stride + 1)


def _check_transpose_args(name, padding, weight, groups):
    """The argument checks PyTorch's transposed convolutions make before any
    size arithmetic: padding is ints only (no 'same'/'valid' strings, which
    its binding refuses as a TypeError), and groups must divide the weight's
    first (in_channels) dim."""
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if isinstance(padding, (tuple, list)):  # a module stores padding='same' as ('same', 'same')
        for pos, element in enumerate(padding):
            if isinstance(element, str):
                raise TypeError(f"{name}(): argument 'padding' (position 5) must be tuple of ints, but found "
                                f"element of type str at pos {pos}")
    if isinstance(weight, _C.Tensor) and isinstance(groups, int) and weight.dim() >= 1 and groups > 0 \
            and weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={int(groups)}, expected weight to be divisible by {int(groups)} at "
                           f"dimension 0, but got weight of size [{list(weight.shape)}] instead")  # sic, doubled []


def _check_transpose_amounts(stride, padding, output_padding, dilation):
    """PyTorch's transposed convolution checks, in its order, before any size
    arithmetic (a negative padding would otherwise silently widen the output)."""
    if builtins.any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if builtins.any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    _check_stride_dilation(stride, dilation)


def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    _check_transpose_args("conv_transpose2d", padding, weight, groups)
    check_conv_args("conv_transpose2d", input, weight, stride, padding, dilation, groups, output_padding)
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of "
                           f"size: {list(input.shape)}")
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    if weight.dim() != 4:
        raise RuntimeError(f"conv_transpose2d: expected a 4-D weight (in_channels, out_channels/groups, kH, kW), "
                           f"got {list(weight.shape)}")
    cin, cout_g, kh, kw = weight.shape
    if isinstance(groups, int) and groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if x.shape[1] != cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input "
                           f"{list(x.shape)} to have {cin} channels, but got {x.shape[1]} channels instead")
    if cin % groups:
        raise RuntimeError(f"conv_transpose2d: in_channels ({cin}) must be divisible by groups ({groups})")
    _check_conv_weight(weight, groups, 2, transposed=True)
    _check_conv_dtypes(x, weight, None)
    if bias is not None and bias.dtype != x.dtype:  # PyTorch's transposed convolution adds it in input's dtype
        bias = bias.to(x.dtype)
    stride, padding = _conv_param(stride, 2, "stride"), _conv_param(padding, 2, "padding")
    output_padding = _conv_param(output_padding, 2, "output_padding")
    dilation = _conv_param(dilation, 2, "dilation")
    _check_transpose_amounts(stride, padding, output_padding, dilation)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding_height: {output_padding[0]} output_padding_width: "
                               f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
                               f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    x = _insert_zeros(_insert_zeros(x, stride[0], 2), stride[1], 3)
    eh, ew = dilation[0] * (kh - 1) - padding[0], dilation[1] * (kw - 1) - padding[1]
    x = pad(x, (ew, ew + output_padding[1], eh, eh + output_padding[0]))
    w = (weight.reshape(groups, cin // groups, cout_g, kh, kw).transpose(1, 2)
         .reshape(groups * cout_g, cin // groups, kh, kw).flip([2, 3]))
    out = conv2d(x, w, bias, 1, 0, dilation, groups)
    # The layout follows the caller's input and weight, not the zero-spread x and flipped w convolved here.
    out = keep_format(out, conv_output_format(input.unsqueeze(0) if unbatched else input, weight))
    return out.squeeze(0) if unbatched else out


def _transpose1d_node_name(input, *args, **kwargs):
    """ConvolutionBackward0; a complex one ends in PyTorch with the addition of
    Note [Complex convolution] (here a squeeze follows it, so it is named)."""
    return "AddBackward0" if isinstance(input, _C.Tensor) and input.is_complex() else "ConvolutionBackward0"


@grad_fn_named(_transpose1d_node_name)
def conv_transpose1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    _check_transpose_args("conv_transpose1d", padding, weight, groups)
    check_conv_args("conv_transpose1d", input, weight, stride, padding, dilation, groups, output_padding)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of "
                           f"size: {list(input.shape)}")
    out = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, _pair(stride, 1, "stride")[0]),
                           (0, _pair(padding, 1, "padding")[0]), (0, _pair(output_padding, 1, "output_padding")[0]),
                           groups, (1, _pair(dilation, 1, "dilation")[0]))
    return out.squeeze(-2)
