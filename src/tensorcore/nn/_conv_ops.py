"""Convolution, pooling and padding as compositions of views, stack, matmul
and reductions, so every one is differentiable (twice) through those ops.

Note [Window stacking]
A KH x KW window over a padded input is KH*KW strided slices, one per kernel
offset: slice (kh, kw) holds x[.., kh*dh + i*sh, kw*dw + j*sw] for every output
position (i, j). Stacking them gives (N, C, KH*KW, OH, OW); a convolution is one
matmul of that with the weight, a pooling is a reduction over the stacked dim.
The slices are views, so the forward pass copies the input KH*KW times once
(in stack) and the backward pass adds KH*KW shifted gradients back.
"""
import builtins
import math

from .. import _C
from .._naming import grad_fn_named
from ..autograd.function import Function

Tensor = _C.Tensor


def _pair(v, n, name):
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise RuntimeError(f"{name} must have {n} elements, got {len(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def pad(input, pad, mode="constant", value=None):
    """F.pad: pad[0:2] pads the last dim (left, right), pad[2:4] the one before, ...
    Negative amounts crop. Only mode='constant' is supported."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if len(pad) % 2 or len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number of dimensions "
                           f"of the input ({input.dim()}), got {len(pad)}")
    if mode != "constant":
        raise NotImplementedError(f"pad(): mode='{mode}' is not supported by tensorcore; only 'constant' is")
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
        if left or right:
            parts = []
            for amount in (left, right):
                shape = list(out.shape)
                shape[dim] = amount
                parts.append(_C.full(shape, 0 if value is None else value, out.dtype))
            out = _C.cat([parts[0], out, parts[1]], dim)
    return out if out is not input else input.clone()


def _window_slices(x, kernel, stride, dilation, out_hw):
    """The KH*KW strided views of Note [Window stacking], in (kh, kw) order."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    for i in builtins.range(kh):
        for j in builtins.range(kw):
            r0, c0 = i * dh, j * dw
            yield x[:, :, r0:r0 + sh * (oh - 1) + 1:sh, c0:c0 + sw * (ow - 1) + 1:sw]


class _Windows(Function):
    """(N, C, H, W) padded input -> (N, C, KH*KW, OH, OW). Its backward is
    _WindowSum (col2im), whose backward is _Windows again, so both directions
    stay differentiable while backward costs one buffer and KH*KW strided adds
    instead of a zero-filled input-sized gradient per slice."""
    _node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, dilation, out_hw):
        ctx.geometry = (tuple(x.shape), kernel, stride, dilation, out_hw)
        return _C.stack(list(_window_slices(x, kernel, stride, dilation, out_hw)), 2)

    @staticmethod
    def backward(ctx, grad):
        return _WindowSum.apply(grad, *ctx.geometry), None, None, None, None


class _WindowSum(Function):
    _node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, in_shape, kernel, stride, dilation, out_hw):
        ctx.geometry = (kernel, stride, dilation, out_hw)
        out = _C.zeros(list(in_shape), cols.dtype)
        for k, view in enumerate(_window_slices(out, kernel, stride, dilation, out_hw)):
            view.add_(cols[:, :, k])
        return out

    @staticmethod
    def backward(ctx, grad):
        return _Windows.apply(grad, *ctx.geometry), None, None, None, None, None


def _windows(x, kernel, stride, dilation, out_hw):
    return _Windows.apply(x, tuple(kernel), tuple(stride), tuple(dilation), tuple(out_hw))


def _out_size(size, k, s, p, d, ceil_mode=False):
    span = size + 2 * p - d * (k - 1) - 1
    n = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= size + p:  # the last window must start inside the input or left padding
        n -= 1
    return n


def _batched(input, name, spatial):
    if input.dim() == spatial + 1:
        return input.unsqueeze(0), True
    if input.dim() != spatial + 2:
        raise RuntimeError(f"{name}: Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input, but got "
                           f"input of size: {list(input.shape)}")
    return input, False


@grad_fn_named("ConvolutionBackward0")
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, unbatched = _batched(input, "conv2d", 2)
    if weight.dim() != 4:
        raise RuntimeError(f"conv2d: expected a 4-D weight (out_channels, in_channels/groups, kH, kW), got "
                           f"{list(weight.shape)}")
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    if c != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {cg * groups} channels, but got {c} channels instead")
    if o % groups:
        raise RuntimeError(f"conv2d: out_channels ({o}) must be divisible by groups ({groups})")
    stride, dilation = _pair(stride, 2, "stride"), _pair(dilation, 2, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if builtins.any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)]
            x = pad(x, (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2))
            padding = (0, 0)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
    padding = _pair(padding, 2, "padding")
    if padding != (0, 0):
        x = pad(x, (padding[1], padding[1], padding[0], padding[0]))
    oh = _out_size(x.shape[2], kh, stride[0], 0, dilation[0])
    ow = _out_size(x.shape[3], kw, stride[1], 0, dilation[1])
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"Calculated padded input size per channel: ({x.shape[2]} x {x.shape[3]}). Kernel size: "
                           f"({dilation[0] * (kh - 1) + 1} x {dilation[1] * (kw - 1) + 1}). Kernel size can't be "
                           f"greater than actual input size")
    cols = _windows(x, (kh, kw), stride, dilation, (oh, ow))                   # N, C, K, OH, OW
    cols = cols.reshape(n, groups, cg * kh * kw, oh * ow)                       # N, G, C/G*K, L
    wmat = weight.reshape(groups, o // groups, cg * kh * kw)                    # G, O/G, C/G*K
    out = _C.matmul(wmat, cols).reshape(n, o, oh, ow)                           # N, G, O/G, L
    if bias is not None:
        out = out + bias.reshape(1, o, 1, 1)
    return out.squeeze(0) if unbatched else out


@grad_fn_named("ConvolutionBackward0")
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, unbatched = _batched(input, "conv1d", 1)
    if weight.dim() != 3:
        raise RuntimeError(f"conv1d: expected a 3-D weight (out_channels, in_channels/groups, kW), got "
                           f"{list(weight.shape)}")
    pad_arg = padding if isinstance(padding, str) else (0, _pair(padding, 1, "padding")[0])
    out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1, _pair(stride, 1, "stride")[0]), pad_arg,
                 (1, _pair(dilation, 1, "dilation")[0]), groups).squeeze(2)
    return out.squeeze(0) if unbatched else out


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, name):
    kernel = _pair(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else _pair(stride, 2, "stride")
    padding, dilation = _pair(padding, 2, "padding"), _pair(dilation, 2, "dilation")
    for p, k in zip(padding, kernel):
        if p > k // 2:
            raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k}")
    oh = _out_size(x.shape[2], kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = _out_size(x.shape[3], kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"{name}: output size is too small ({oh}x{ow}) for input of size {list(x.shape)}")
    # pad so every window fits (ceil_mode windows may run past the right edge)
    need_h = (oh - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1 - x.shape[2] - padding[0]
    need_w = (ow - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1 - x.shape[3] - padding[1]
    return kernel, stride, padding, dilation, (oh, ow), (builtins.max(need_h, 0), builtins.max(need_w, 0))


@grad_fn_named("MaxPool2DWithIndicesBackward0")
def _max_pool2d_values(x, kernel, stride, padding, dilation, out_hw, extra):
    xp = pad(x, (padding[1], extra[1], padding[0], extra[0]), value=-math.inf) if any(padding + extra) else x
    return _windows(xp, kernel, stride, dilation, out_hw).max(2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x, unbatched = _batched(input, "max_pool2d", 2)
    kernel, stride, padding, dilation, (oh, ow), extra = _pool_geometry(x, kernel_size, stride, padding, dilation,
                                                                        ceil_mode, "max_pool2d")
    values, k = _max_pool2d_values(x, kernel, stride, padding, dilation, (oh, ow), extra)
    if unbatched:
        values, k = values.squeeze(0), k.squeeze(0)
    if not return_indices:
        return values
    # flat index into the (unpadded) H*W plane of the winning element
    rows = _C.arange(0, oh, 1, None).reshape(oh, 1) * stride[0] - padding[0] + (k // kernel[1]) * dilation[0]
    cols = _C.arange(0, ow, 1, None).reshape(1, ow) * stride[1] - padding[1] + (k % kernel[1]) * dilation[1]
    return values, rows * x.shape[3] + cols


@grad_fn_named("AvgPool2DBackward0")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    x, unbatched = _batched(input, "avg_pool2d", 2)
    kernel, stride, padding, dilation, (oh, ow), extra = _pool_geometry(x, kernel_size, stride, padding, 1,
                                                                        ceil_mode, "avg_pool2d")
    xp = pad(x, (padding[1], extra[1], padding[0], extra[0])) if any(padding + extra) else x
    total = _windows(xp, kernel, stride, dilation, (oh, ow)).sum(2)
    overhang = (builtins.max(extra[0] - padding[0], 0), builtins.max(extra[1] - padding[1], 0))  # ceil_mode
    if divisor_override:
        out = total / divisor_override
    elif count_include_pad and overhang == (0, 0):
        out = total / (kernel[0] * kernel[1])
    else:  # divide by the cells of each window that count: the input, plus the padding when included
        ones = _C.ones([1, 1] + list(x.shape[2:]), x.dtype)
        fill = 1.0 if count_include_pad else 0.0
        cover = pad(ones, (padding[1], extra[1] - overhang[1], padding[0], extra[0] - overhang[0]), value=fill)
        cover = pad(cover, (0, overhang[1], 0, overhang[0]))
        out = total / _windows(cover, kernel, stride, dilation, (oh, ow)).sum(2)
    return out.squeeze(0) if unbatched else out


@grad_fn_named(lambda input, output_size: "MeanBackward1" if output_size in (1, (1, 1), [1, 1])
                else "AdaptiveAvgPool2DBackward0")  # PyTorch takes a plain mean for a 1x1 output
def adaptive_avg_pool2d(input, output_size):
    x, unbatched = _batched(input, "adaptive_avg_pool2d", 2)
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
    h, w = x.shape[2], x.shape[3]
    oh, ow = h if oh is None else oh, w if ow is None else ow
    if h % oh == 0 and w % ow == 0:
        out = x.reshape(x.shape[0], x.shape[1], oh, h // oh, ow, w // ow).mean((3, 5))
    else:  # cell (i, j) averages rows [floor(i*h/oh), ceil((i+1)*h/oh)) and the same for columns
        rows = []
        for i in builtins.range(oh):
            r0, r1 = (i * h) // oh, -((-(i + 1) * h) // oh)
            cells = []
            for j in builtins.range(ow):
                c0, c1 = (j * w) // ow, -((-(j + 1) * w) // ow)
                cells.append(x[:, :, r0:r1, c0:c1].mean((2, 3)))
            rows.append(_C.stack(cells, 2))
        out = _C.stack(rows, 2)
    return out.squeeze(0) if unbatched else out


@grad_fn_named("NativeBatchNormBackward0")
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    if input.dim() < 2:
        raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
    dims = [0] + list(builtins.range(2, input.dim()))
    shape = [1, input.shape[1]] + [1] * (input.dim() - 2)
    if training:
        count = input.numel() // input.shape[1]
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{list(input.shape)}")
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


def _no_grad():
    from ..autograd import no_grad
    return no_grad()
