"""nn.utils: gradient clipping, parameter/vector conversion, (nn.utils.rnn)
sequence packing, parametrizations, pruning, conv/linear + batch-norm fusion
and the deprecated hook-based weight_norm / spectral_norm."""
from __future__ import annotations
from typing import Any
import math

from ... import _C
from ...autograd import no_grad

Tensor = _C.Tensor

from . import rnn  # noqa: E402,F401

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters", "skip_init", "convert_conv2d_weight_memory_format",
           "convert_conv3d_weight_memory_format", "weight_norm", "remove_weight_norm", "spectral_norm",
           "remove_spectral_norm", "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights", "parametrize", "parametrizations", "prune", "rnn", "fusion"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm_of_norms(norms, norm_type):
    """The total norm from the per-tensor norms: PyTorch's vector_norm of them, so an inf
    order is their max and a -inf order their min (it was the max for both)."""
    if math.isinf(norm_type):
        return norms.max() if norm_type > 0 else norms.min()
    return norms.norm(norm_type)


def clip_grad_norm_(parameters: Any, max_norm: Any, norm_type: Any = 2.0, error_if_nonfinite: Any = False, foreach: Any = None) -> Tensor:
    """Scales all gradients together so that their joint norm is at most
    max_norm; returns the total norm before clipping."""
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if len(grads) == 0:
        return _C.zeros([], _C.get_default_dtype())
    with no_grad():
        # Note [Gradient clipping in two calls] (csrc/bindings/optim.cpp); sparse
        # gradients (a Python subclass) keep their own norm and mul_.
        dense = not any(g.is_sparse for g in grads)
        norms = _C.stack(_C._grad_norms(grads, norm_type) if dense else [g.norm(norm_type) for g in grads], 0)
        total = _norm_of_norms(norms, norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                               "so it cannot be clipped. To disable this error and scale the gradients by the "
                               "non-finite norm anyway, set `error_if_nonfinite=False`")
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        if dense:
            _C._scale_grads_(grads, coef)
        else:
            for g in grads:
                g.mul_(coef.to(g.dtype))
    return total


def clip_grad_value_(parameters: Any, clip_value: Any, foreach: Any = None) -> None:
    clip_value = float(clip_value)
    grads = list(_grads(parameters))
    if not grads:
        # PyTorch groups the gradients for its foreach clamp (even with
        # foreach=False) and fails on an empty group.
        raise RuntimeError("Expected !nested_tensorlist[0].empty() to be true, but got false.  (clip_grad_value_: "
                           "no parameter has a gradient; call backward() first)")
    with no_grad():
        for g in grads:
            g.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Any) -> Tensor:
    return _C.cat([p.reshape(-1) for p in parameters], 0)


def vector_to_parameters(vec: Any, parameters: Any) -> None:
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        with no_grad():
            param.copy_(vec[pointer:pointer + n].view_as(param))
        pointer += n


def get_total_norm(tensors: Any, norm_type: Any = 2.0, error_if_nonfinite: Any = False, foreach: Any = None) -> Tensor:
    """The norm of the per-tensor norms (an inf norm_type takes their max)."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = [t for t in tensors if t is not None]
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _C.zeros([], _C.get_default_dtype())
    with no_grad():
        norms = _C.stack([t.norm(norm_type) for t in tensors], 0)
        total = _norm_of_norms(norms, norm_type)
    if error_if_nonfinite and not bool(total.isfinite()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                           "so it cannot be clipped. To disable this error and scale the gradients by the "
                           "non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters: Any, max_norm: Any, total_norm: Any, foreach: Any = None) -> Any:
    """Scales the gradients by min(1, max_norm / (total_norm + 1e-6))."""
    grads = _grads(parameters)
    if len(grads) == 0:
        return
    with no_grad():
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm(parameters: Any, max_norm: Any, norm_type: Any = 2.0, error_if_nonfinite: Any = False, foreach: Any = None) -> Tensor:
    import warnings
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def skip_init(module_cls: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Builds module_cls(*args, **kwargs) without initialising its parameters:
    their values are unspecified, and the default generator is left exactly
    as it was (PyTorch builds on the meta device for the same effect)."""
    from ..modules.module import Module
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    import inspect
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    state = _C.get_rng_state()
    try:
        return module_cls(*args, **kwargs)
    finally:
        _C.set_rng_state(state)


def _convert_conv_weights(module, layout, kinds):
    """Re-lays out the weight of every module of `kinds` in the tree under
    `module` in memory format `layout` (the parameter object stays, its data
    is replaced), as PyTorch's convert_conv{2,3}d_weight_memory_format."""
    if isinstance(module, kinds):
        module.weight.data = module.weight.detach().clone(memory_format=layout)
    for child in module.children():
        _convert_conv_weights(child, layout, kinds)
    return module


def convert_conv2d_weight_memory_format(module: Any, memory_format: Any) -> Any:  # noqa: F811 (PyTorch's argument name)
    from ..modules import Conv2d, ConvTranspose2d
    return _convert_conv_weights(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module: Any, memory_format: Any) -> Any:  # noqa: F811
    from ..modules import Conv3d, ConvTranspose3d
    return _convert_conv_weights(module, memory_format, (Conv3d, ConvTranspose3d))


from . import parametrize, parametrizations, prune, fusion, stateless  # noqa: E402,F401
from . import clip_grad, convert_parameters, memory_format, init  # noqa: E402,F401
from .weight_norm import weight_norm, remove_weight_norm, spectral_norm, remove_spectral_norm  # noqa: E402,F401
from .fusion import (fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval,  # noqa: E402,F401
                     fuse_linear_bn_weights)
