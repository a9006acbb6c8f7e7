"""nn.grad: gradients of convolutions with respect to their input or weight,
computed by differentiating the forward convolution (which is linear in each)
with tensorcore's autograd."""
from .. import _C
from ..autograd import enable_grad, grad

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _grad_of(fn, wrt_shape, other, grad_output, wrt_input, dtype, stride, padding, dilation, groups):
    with enable_grad():
        x = _C.zeros(list(wrt_shape), dtype).requires_grad_()
        out = fn(x, other, None, stride, padding, dilation, groups) if wrt_input else \
            fn(other, x, None, stride, padding, dilation, groups)
        return grad(out, x, grad_output)[0]


def _make(n):
    def conv_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
        from . import functional as F
        fn = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
        return _grad_of(fn, input_size, weight.detach(), grad_output, True, weight.dtype, stride, padding, dilation,
                        groups)

    def conv_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
        from . import functional as F
        fn = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
        return _grad_of(fn, weight_size, input.detach(), grad_output, False, input.dtype, stride, padding, dilation,
                        groups)

    conv_input.__name__, conv_weight.__name__ = f"conv{n}d_input", f"conv{n}d_weight"
    conv_input.__doc__ = f"Gradient of conv{n}d with respect to its input."
    conv_weight.__doc__ = f"Gradient of conv{n}d with respect to its weight."
    return conv_input, conv_weight


conv1d_input, conv1d_weight = _make(1)
conv2d_input, conv2d_weight = _make(2)
conv3d_input, conv3d_weight = _make(3)
