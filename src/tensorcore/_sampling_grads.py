"""Autograd for the samplers whose gradient is an implicit reparameterization
(Note [Implicit reparameterization gradient of Gamma samples] in
csrc/core/reparam_grad.h): the C++ ops draw; these attach the gradient under
PyTorch's node name."""
from . import _C
from .autograd.function import Function


class StandardGamma(Function):
    _node_name = "StandardGammaBackward0"

    @staticmethod
    def forward(ctx, alpha, gen):
        out = _C._standard_gamma(alpha, gen)
        ctx.save_for_backward(alpha, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        alpha, out = ctx.saved_tensors
        return grad * _C._standard_gamma_grad(alpha, out), None
