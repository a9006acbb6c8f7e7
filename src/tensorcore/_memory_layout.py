"""Which memory layout a convolution or pooling result has (Note [Layout-following ops keep channels_last]).

Note [Layout-following ops keep channels_last]
PyTorch's CPU convolutions return a channels_last (channels_last_3d) result when the input or the weight suggests
that layout (mkldnn_conv_use_channels_last / thnn_conv_use_channels_last; 3-d float64 convolutions run the slow
kernel, which stays row-major), and its 2-d poolings return their input's suggested layout. The layout is not only
a matter of stride(): ops that draw random numbers fill their result in memory order (dropout, bernoulli_,
rand_like), so a dropout after a channels_last convolution drops other elements than after a row-major one
(rosinality/vq-vae-2-pytorch's PixelSNAIL: its attention output is a permuted, channels_last-strided tensor, and every
convolution after it keeps that layout). tensorcore's kernels write row-major results; these helpers re-lay the
result out where the op's Python wrapper is the place to do it (convolutions, 2-d poolings, constant padding).
Still row-major where PyTorch keeps channels_last: torch.cat (its C++ fast path), the C++ activations (elu, gelu,
silu, leaky_relu, hardtanh, ...), interpolate and conv3d. The result keeps its autograd identity (the data setter, Note [set_ rebinds, it does not copy]), so its
grad_fn is still ConvolutionBackward0 / MaxPool2DWithIndicesBackward0 as PyTorch prints.
"""
import tensorcore
from ._tensor import _suggest_memory_format


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
    """out laid out in fmt (None: unchanged), the same autograd node and Python object where it has history."""
    if fmt is None or _suggest_memory_format(out) is fmt or out.numel() == 0:
        return out
    relaid = out.detach().contiguous(memory_format=fmt)
    if out.grad_fn is None:
        return relaid
    out.data = relaid
    return out


def input_format(input):
    """The layout of ops that allocate their result like their input (constant padding): its suggested one."""
    fmt = _suggest_memory_format(input)
    return None if fmt is tensorcore.contiguous_format else fmt
