"""Which memory layout a convolution, pooling or resampling result has (Note [Layout-following ops keep channels_last]).

Note [Layout-following ops keep channels_last]
PyTorch's CPU convolutions return a channels_last (channels_last_3d) result when the input or the weight suggests
that layout (mkldnn_conv_use_channels_last / thnn_conv_use_channels_last; 3-d float64 convolutions run the slow
kernel, which stays row-major), and its 2-d poolings return their input's suggested layout. The layout is not only
a matter of stride(): ops that draw random numbers fill their result in memory order (dropout, bernoulli_,
rand_like), so a dropout after a channels_last convolution drops other elements than after a row-major one
(rosinality/vq-vae-2-pytorch's PixelSNAIL: its attention output is a permuted, channels_last-strided tensor, and every
convolution after it keeps that layout). tensorcore's kernels write row-major results; these helpers re-lay the
result out where the op's Python wrapper is the place to do it (convolutions, 2-d poolings, constant padding).
interpolate, max_pool3d, adaptive_max_pool2d and pixel_(un)shuffle follow their input the same way
(follows_input_layout), and conv3d, composed of depth slices, returns a dense result (row-major unless
channels_last_3d) instead of a transposed view. Still row-major where PyTorch keeps channels_last: torch.cat (its
C++ fast path) and the C++ activations (elu, gelu, silu, leaky_relu, hardtanh, ...).
The result keeps its autograd identity (the data setter, Note [set_ rebinds, it does not copy]), so its grad_fn is
still ConvolutionBackward0 / MaxPool2DWithIndicesBackward0 as PyTorch prints.
"""
import tensorcore
from ._tensor import _dense_strides_for_format, _permuted_copy, _suggest_memory_format


def conv_output_format(input, weight):
    """The layout PyTorch's CPU convolution gives its result, or None for row-major."""
    if input.dim() == 4 and weight.dim() == 4:
        if tensorcore.channels_last in (_suggest_memory_format(input), _suggest_memory_format(weight)):
            return tensorcore.channels_last
    elif input.dim() == 5 and weight.dim() == 5 and tensorcore.float64 not in (input.dtype, weight.dtype):
        if tensorcore.channels_last_3d in (_suggest_memory_format(input), _suggest_memory_format(weight)):
            return tensorcore.channels_last_3d
    return None


def pool_output_format(input):
    if input.dim() == 4 and _suggest_memory_format(input) is tensorcore.channels_last:
        return tensorcore.channels_last
    return None


def keep_format(out, fmt):
    """out laid out in fmt (channels_last, channels_last_3d or contiguous_format; None: unchanged), the same
    autograd node and Python object where it has history."""
    if fmt is None or out.numel() == 0:
        return out
    # Compared with the dense strides themselves, not suggest_memory_format: with one channel (or 1x1 spatial dims)
    # both layouts pass as either, and PyTorch's result has the channels_last strides exactly.
    if tuple(out.stride()) == tuple(_dense_strides_for_format(list(out.shape), fmt)):
        return out
    relaid = out.detach().contiguous() if fmt is tensorcore.contiguous_format else _permuted_copy(out.detach(), fmt)
    if out.grad_fn is None:
        return relaid
    out.data = relaid
    return out


def input_format(input):
    """The layout of ops that allocate their result like their input (constant padding): its suggested one."""
    fmt = _suggest_memory_format(input)
    return None if fmt is tensorcore.contiguous_format else fmt


def follows_input_layout(fn):
    """Decorator: fn's tensor result (or each tensor of its tuple result) in the layout its first argument suggests,
    for ops whose PyTorch kernels allocate their output that way (interpolate, max_pool3d, adaptive_max_pool2d,
    pixel_shuffle / pixel_unshuffle), where tensorcore composes them row-major."""
    import functools

    @functools.wraps(fn)
    def wrapped(input, *args, **kwargs):
        out = fn(input, *args, **kwargs)
        if not isinstance(input, tensorcore.Tensor) or input.dim() not in (4, 5):
            return out
        fmt = input_format(input)
        if fmt is None:
            return out
        if isinstance(out, tuple):
            return type(out)(keep_format(o, fmt) if isinstance(o, tensorcore.Tensor) and o.dim() == input.dim()
                             else o for o in out)
        return keep_format(out, fmt) if isinstance(out, tensorcore.Tensor) and out.dim() == input.dim() else out
    return wrapped
