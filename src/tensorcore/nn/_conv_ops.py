"""Padding, and the Python faces of the C++ convolution and pooling ops
(csrc/ops/conv.cpp): these only normalise PyTorch's argument forms (ints or
tuples, padding strings, unbatched inputs); the C++ ops check the rest, run
the backend kernels and record PyTorch's nodes (ConvolutionBackward0,
MaxPool2DWithIndicesBackward0, AvgPool2DBackward0, AdaptiveAvgPool2DBackward0).
"""
from __future__ import annotations
from typing import Any
import builtins

from .. import _C, _dtype
from .._naming import grad_fn_named
from ._norm_dtypes import check_norm_dtypes

from ._arg_checks import check_conv_args, check_float, check_int, check_pool_args
from ._padding import pad  # noqa: F401  (re-exported: F.pad)
from .._naming import named_through_reduced_cast  # noqa: E402

Tensor = _C.Tensor


from .._memory_layout import conv_output_format, keep_format, pool_output_format  # noqa: E402

def _pair(v, n, name):
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise RuntimeError(f"{name} must have {n} elements, got {len(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _conv_param(v, n, name):
    """A convolution's stride/padding/dilation/output_padding: an int, or a
    sequence of n ints or of one int (PyTorch's convolution repeats a single
    value for every spatial dim, so stride=(2,) works for conv2d)."""
    if isinstance(v, (tuple, list)) and len(v) == 1:
        v = v[0]
    return _pair(v, n, name)


def _check_conv_dtypes(input, weight, bias):
    """A convolution computes in input's dtype: PyTorch refuses a bias, then
    a weight, of another one (a float16 input with float32 parameters too,
    which tensorcore's kernels would report as a missing half kernel)."""
    from .._dtype import CPP_TYPE_NAMES, SCALAR_TYPE_NAMES
    if isinstance(bias, Tensor) and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({CPP_TYPE_NAMES[input.dtype.name]}) and bias type "
                           f"({CPP_TYPE_NAMES[bias.dtype.name]}) should be the same")
    if isinstance(weight, Tensor) and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {SCALAR_TYPE_NAMES[input.dtype.name]} but found "
                           f"{SCALAR_TYPE_NAMES[weight.dtype.name]}")


def _check_conv_weight(weight, groups, spatial, transposed=False):
    """The weight checks PyTorch's convolution makes before any size
    arithmetic: at least one output channel and no zero-size kernel dim
    (without them a convolution of nothing would return zeros)."""
    if weight.dim() != spatial + 2:
        return  # the op raises the weight's dimension error
    if not transposed and weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(weight.shape)} instead")
    kernel = list(weight.shape[2:])
    if builtins.any(k <= 0 for k in kernel):
        if spatial == 3:
            raise RuntimeError(f"kernel size should be greater than zero, but got: {kernel[0]} x {kernel[1]} x "
                               f"{kernel[2]} (TxHxW)")
        kh, kw = ([1] + kernel) if spatial == 1 else kernel
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")


def _ints(v):
    """An int or a sequence of ints as a list (the C++ op checks the length)."""
    return [int(x) for x in v] if isinstance(v, (tuple, list)) else [int(v)]


def _batched(input, name, spatial):
    if input.dim() == spatial + 1:
        return input.unsqueeze(0), True
    if input.dim() != spatial + 2:
        raise RuntimeError(f"{name}: Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input, but got "
                           f"input of size: {list(input.shape)}")
    return input, False


def _conv_padding(padding, weight, stride, dilation, spatial):
    """(before, after) per spatial dim; 'same' pads an even kernel's extra
    element after, as PyTorch does."""
    if not isinstance(padding, str):
        p = list(_conv_param(padding, spatial, "padding"))
        return p, p
    if padding == "valid":
        return [0] * spatial, [0] * spatial
    if padding != "same":
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    if builtins.any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    if weight.dim() != spatial + 2:  # the op raises the weight's error
        return [0] * spatial, [0] * spatial
    total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    return [t // 2 for t in total], [t - t // 2 for t in total]


def _check_stride_dilation(stride, dilation):
    """PyTorch's convolution checks, before any size arithmetic: a negative
    dilation is refused in its own words, a zero one as 'non-positive'."""
    if builtins.any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if builtins.any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if builtins.any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")


def _complex_convolution(conv, input, weight, bias, *args):
    """Note [Complex convolution]
    PyTorch convolves complex tensors with Gauss's trick, three real
    convolutions: a = conv(xr, wr, br), b = conv(xi, wi), c = conv(xr + xi,
    wr + wi, br + bi), result a - b + i(c - a - b). The same three are done
    here (so values round alike), each a real op of tensorcore's kernels, and
    autograd flows through .real/.imag (the result's node is the final
    AddBackward0, as PyTorch's)."""
    x_r, x_i = input.real, input.imag
    w_r, w_i = weight.real, weight.imag
    if bias is None:
        a = conv(x_r, w_r, None, *args)
        c = conv(x_r + x_i, w_r + w_i, None, *args)
    else:
        a = conv(x_r, w_r, bias.real, *args)
        c = conv(x_r + x_i, w_r + w_i, bias.real + bias.imag, *args)
    b = conv(x_i, w_i, None, *args)
    return a - b + 1j * (c - a - b)


def _conv(name, spatial, input, weight, bias, stride, padding, dilation, groups):
    check_conv_args(name, input, weight, stride, padding, dilation, groups)  # Note [Int arguments are never truncated]
    x, unbatched = _batched(input, name, spatial)
    if x.is_complex() and weight.is_complex() and (bias is None or bias.is_complex()):
        out = _complex_convolution(lambda xp, w, b: _conv(name, spatial, xp, w, b, stride, padding, dilation, groups),
                                   x, weight, bias)
        return out.squeeze(0) if unbatched else out
    stride, dilation = _conv_param(stride, spatial, "stride"), _conv_param(dilation, spatial, "dilation")
    _check_stride_dilation(stride, dilation)
    _check_conv_weight(weight, int(groups), spatial)
    _check_conv_dtypes(x, weight, bias)
    before, after = _conv_padding(padding, weight, stride, dilation, spatial)
    out = _C.convolution(x, weight, bias, list(stride), before, after, list(dilation), int(groups))
    out = keep_format(out, conv_output_format(x, weight))  # Note [Layout-following ops keep channels_last]
    return out.squeeze(0) if unbatched else out  # PyTorch too records SqueezeBackward1 for unbatched input


@named_through_reduced_cast
def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


@named_through_reduced_cast
def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _check_pool2d_input(input):
    """PyTorch's 2-d pooling: a 3-d or 4-d input whose non-batch dims are
    non-empty (the kernels check the spatial dims; the channels here)."""
    if input.dim() in (3, 4) and input.shape[-3] == 0:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(input.shape)}")


@named_through_reduced_cast
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    check_pool_args("max_pool2d", kernel_size, stride, padding, dilation)
    _check_pool2d_input(input)
    values, indices = _C.max_pool2d_with_indices(input, _ints(kernel_size), [] if stride is None else _ints(stride),
                                                 _ints(padding), _ints(dilation), bool(ceil_mode))
    fmt = pool_output_format(input)  # Note [Layout-following ops keep channels_last]
    values, indices = keep_format(values, fmt), keep_format(indices, fmt)
    return (values, indices) if return_indices else values


@named_through_reduced_cast
def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: Any = False, count_include_pad: Any = True,
               divisor_override: Any = None) -> Tensor:
    check_pool_args("avg_pool2d", kernel_size, stride, padding)
    check_int("avg_pool2d", "divisor_override", divisor_override, allow_none=True)
    if isinstance(input, Tensor) and input.dim() < 3:
        # PyTorch's avg_pool2d reads input.size(-3) before any shape check.
        span = builtins.max(input.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], but got -3)")
    _check_pool2d_input(input)
    out = _C.avg_pool2d(input, _ints(kernel_size), [] if stride is None else _ints(stride), _ints(padding),
                        bool(ceil_mode), bool(count_include_pad),
                        None if divisor_override is None else int(divisor_override))
    return keep_format(out, pool_output_format(input))


@named_through_reduced_cast
def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:
    from ._pooling_nd import adaptive_output_size
    oh, ow = adaptive_output_size(input, output_size, 2, "adaptive_avg_pool2d")
    if input.dim() == 4 and input.shape[1] == 0 and input.shape[2] and input.shape[3] and oh >= 0 and ow >= 0:
        # PyTorch checks only the spatial dims: no channels is an empty result.
        return input.reshape([input.shape[0], 0, 1, 1]).expand([input.shape[0], 0, int(oh), int(ow)]).clone()
    return keep_format(_C.adaptive_avg_pool2d(input, int(oh), int(ow)), pool_output_format(input))


@grad_fn_named("NativeBatchNormBackward0")
def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None, bias: Any = None, training: Any = False, momentum: Any = 0.1, eps: Any = 1e-5) -> Tensor:
    check_float("batch_norm", "momentum", momentum, 7)  # None too: the module resolves momentum=None itself
    check_float("batch_norm", "eps", eps, 8)
    if input.dim() < 2:
        # PyTorch's kernel reads no channel dim (0 features): any parameter with
        # elements is its size mismatch; otherwise reading dim 1 fails.
        for param_name, param in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                                  ("running_var", running_var)):
            if isinstance(param, Tensor) and param.numel():
                raise RuntimeError(f"{param_name} should contain 0 elements not {param.numel()}")
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.dim(), 1)}, "
                         f"{max(input.dim(), 1) - 1}], but got 1)")
    count = input.numel() // input.shape[1] if input.shape[1] else 0
    if training and count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{input.shape}")
    if not training:
        for stat_name, stat in (("running_mean", running_mean), ("running_var", running_var)):
            if stat is None:
                raise RuntimeError(f"{stat_name} must be defined in evaluation mode")
    if input.numel():  # PyTorch's sizes check, in its order (an empty input returns before it)
        for param_name, param in (("running_mean", running_mean), ("running_var", running_var),
                                  ("weight", weight), ("bias", bias)):
            if isinstance(param, Tensor) and param.numel() != input.shape[1]:
                raise RuntimeError(f"{param_name} should contain {input.shape[1]} elements not {param.numel()}")
    elif not training:  # nothing to normalise: the empty input back, its statistics unread
        return input.clone()
    check_norm_dtypes("batch_norm", input, weight, bias, running_mean, running_var)
    if input.dtype in _HALF_TYPES:
        # PyTorch computes a float16/bfloat16 batch norm in float32 (its parameters and running
        # statistics may be float32 too: the mixed-dtype case autocast produces) and returns the
        # input's dtype; the running statistics are updated in their own dtype.
        def widen(t):
            return t.float() if t is not None and t.dtype in _HALF_TYPES else t
        out = _batch_norm_checked(input.float(), running_mean, running_var, widen(weight), widen(bias), training,
                                  momentum, eps, count)
        return out.to(input.dtype)
    return _batch_norm_checked(input, running_mean, running_var, weight, bias, training, momentum, eps, count)


def _batch_norm_checked(input, running_mean, running_var, weight, bias, training, momentum, eps, count):
    """batch_norm once its arguments are checked (the float16/bfloat16 path
    computes in float32 with running statistics still in the input's dtype)."""
    dims = [0] + list(builtins.range(2, input.dim()))
    shape = [1, input.shape[1]] + [1] * (input.dim() - 2)
    if training:
        if count == 0:  # no values: PyTorch returns the empty input normalised by nothing, running stats kept
            return input.clone()
        mean = input.mean(dims)
        var = input.var(dims, unbiased=False)
        if running_mean is not None:
            with _no_grad():
                running_mean.mul_(1 - momentum).add_(mean.detach() * momentum)
                running_var.mul_(1 - momentum).add_(var.detach() * (momentum * count / (count - 1)))
    else:
        mean, var = running_mean, running_var
    out = (input - mean.reshape(shape)) / (var.reshape(shape) + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


_HALF_TYPES = (_dtype.float16, _dtype.bfloat16)


def _no_grad():
    from ..autograd import no_grad
    return no_grad()
