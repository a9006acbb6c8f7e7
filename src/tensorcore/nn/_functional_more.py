"""More of nn.functional, as compositions of existing differentiable ops
(gradients come from the ops' own nodes): feature dropout, the remaining
pointwise activations, group/instance/RMS norm, distances, the less common
losses, pixel shuffle, 1-d pooling through the 2-d kernels and nearest
interpolation. Each follows PyTorch's formula and argument checks; the tests
(tests/test_nn_more.py) compare values and gradients with PyTorch.

Note [Feature dropout stream]
dropout1d/2d/3d zero whole channels: PyTorch draws one bernoulli_(1 - p) per
(batch, channel), i.e. a mask of shape (N, C, 1, ...) from the default
generator, scales it by 1/(1-p) and multiplies. The same mask shape is drawn
here so a seeded program drops the same channels and leaves the generator in
the same state.
"""
from __future__ import annotations
from typing import Any
import math
import warnings

from .. import _C
from .._naming import grad_fn_named
from ..autograd import no_grad
from ._norm_dtypes import check_norm_dtypes
from .._naming import named_through_reduced_cast  # noqa: E402

Tensor = _C.Tensor

__all__ = [
    "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout", "alpha_dropout",
    "glu", "prelu", "rrelu", "rrelu_",
    "group_norm", "instance_norm", "rms_norm", "local_response_norm",
    "cosine_similarity", "pairwise_distance",
    "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "cosine_embedding_loss",
    "triplet_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "multilabel_soft_margin_loss",
    "pixel_shuffle", "pixel_unshuffle", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d",
    "adaptive_max_pool1d", "adaptive_max_pool2d",
]


from .._memory_layout import follows_input_layout  # noqa: E402

def _reduce(loss, reduction, name="loss"):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    from .functional import _legacy_reduction
    return _legacy_reduction(size_average, reduce)


# ---- dropout ----
def _feature_dropout(input, p, training, inplace, name, unbatched):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    from .functional import check_train_flag
    check_train_flag(training, "feature_dropout")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    # Unbatched inputs (C, ...) drop channels of their only sample (PyTorch adds the batch
    # dim first, so a 1-D input to dropout3d is one sample of that many channels).
    x = input.unsqueeze(0) if unbatched else input
    if x.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = list(x.shape[:2]) + [1] * (x.dim() - 2)
    if p == 1.0:
        noise = _C.zeros(shape, x.dtype)
    else:
        from .functional import scale_keep_mask_
        noise = _C.bernoulli_mask(shape, 1.0 - p, x.dtype)
        scale_keep_mask_(noise, 1.0 - p)
    if inplace:
        _C.mul_(input, noise.squeeze(0) if unbatched else noise)
        return input
    out = x * noise
    return out.squeeze(0) if unbatched else out


def _feature_dropout_any(input, p=0.5, training=True, inplace=False):
    """torch.feature_dropout: whole channels (dim 1) of an input of any rank >= 2."""
    return _feature_dropout(input, p, training, inplace, "feature_dropout", False)


def dropout1d(input: Any, p: Any = 0.5, training: Any = True, inplace: Any = False) -> Tensor:
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. "
                           "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                           "spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D "
                           "or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, "dropout1d", input.dim() != 3)


def dropout2d(input: Any, p: Any = 0.5, training: Any = True, inplace: Any = False) -> Tensor:
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).")
    if input.dim() == 3:
        # PyTorch keeps its old reading of 3-D input: (N, C, L), channel-wise 1-D dropout.
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                      "dim. This behavior will change in a future release to interpret the input as one "
                      "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.")
    # PyTorch's dropout2d never adds a batch dimension: the mask is (N, C, 1, ...) of the input as given.
    return _feature_dropout(input, p, training, inplace, "dropout2d", False)


def dropout3d(input: Any, p: Any = 0.5, training: Any = True, inplace: Any = False) -> Tensor:
    if input.dim() not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on "
                      "inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 4D or 5D inputs).")
    return _feature_dropout(input, p, training, inplace, "dropout3d", input.dim() != 5)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha_dropout(input, p, training, feature, inplace):
    """ATen's _dropout_impl for alpha dropout: the input is multiplied by the
    scaled keep mask and shifted (in place: mul_ then add_, as PyTorch, so
    the result's grad_fn is AddBackward0 either way)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    from .functional import check_train_flag
    check_train_flag(training, "feature_alpha_dropout" if feature else "alpha_dropout")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        zero = _C.zeros([], input.dtype)
        return _C.mul_(input, zero) if inplace else input * zero
    if feature:  # the noise is (N, C, 1, ...): a fresh contiguous tensor in ATen as well
        keep = _C.bernoulli_mask(list(input.shape[:2]) + [1] * (input.dim() - 2), 1.0 - p, input.dtype)
    else:
        from .functional import keep_mask
        keep = keep_mask(input, 1.0 - p)  # Note [Dropout mask in the input's layout]
    # b = (noise - 1) * alpha * a + alpha * a * p, noise *= a.
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    b = (keep - 1.0) * (alpha * a) + alpha * a * p
    if inplace:
        return _C.mul_(input, keep * a).add_(b)
    return input * (keep * a) + b


def alpha_dropout(input: Any, p: Any = 0.5, training: Any = False, inplace: Any = False) -> Tensor:
    return _alpha_dropout(input, p, training, False, inplace)


def feature_alpha_dropout(input: Any, p: Any = 0.5, training: Any = False, inplace: Any = False) -> Tensor:
    return _alpha_dropout(input, p, training, True, inplace)


@grad_fn_named("GluBackward0")
def glu(input: Any, dim: Any = -1) -> Tensor:
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if not input.is_floating_point():  # (complex too: PyTorch's glu kernel is real only)
        from .._dtype_refusals import kernel_not_implemented
        raise kernel_not_implemented("glu_cpu", input)
    n = input.size(dim)
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} is size {n}")
    a, b = input.narrow(dim, 0, n // 2), input.narrow(dim, n // 2, n // 2)  # (split of an empty dim gives one part)
    return a * _C.sigmoid(b)


@grad_fn_named("PreluKernelBackward0")
def prelu(input: Any, weight: Any) -> Tensor:
    if not isinstance(weight, Tensor):
        raise TypeError("prelu(): argument 'weight' (position 2) must be Tensor")
    if input.dtype != weight.dtype:  # the product would promote: PyTorch refuses it
        from .._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"prelu: Type promoting not supported. Got {SCALAR_TYPE_NAMES[input.dtype.name]} and "
                           f"{SCALAR_TYPE_NAMES[weight.dtype.name]}")
    if weight.numel() != 1:
        channels = input.size(1) if input.dim() >= 2 else input.size(0) if input.dim() == 1 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
        if input.dim() >= 2:
            weight = weight.reshape([1, -1] + [1] * (input.dim() - 2))
    else:
        weight = weight.reshape([])
    return _C.where(input > 0, input, input * weight)


def rrelu(input: Any, lower: Any = 1.0 / 8, upper: Any = 1.0 / 3, training: Any = False, inplace: Any = False) -> Tensor:
    """Randomized leaky ReLU (Note [RReLU] in csrc/ops/activation.cpp): in
    training each negative element gets a slope drawn from U(lower, upper)
    with PyTorch's stream; in evaluation the slope is (lower + upper) / 2."""
    if not isinstance(input, Tensor):
        raise TypeError(f"rrelu(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    fn = _C.rrelu_ if inplace else _C.rrelu
    lower, upper, training = float(lower), float(upper), bool(training)
    if training and input.dtype.name in ("float32", "float16", "bfloat16"):
        # PyTorch's kernel holds the bounds in the input's opmath type (float) before drawing
        # r = u * (upper - lower) + lower in double: with the double bounds a tenth of the slopes
        # came out one float ulp away (1/3 is not a float).
        lower, upper = _round_to_float32(lower), _round_to_float32(upper)
    return fn(input, lower, upper, training)


def _round_to_float32(value):
    import numpy as np
    with np.errstate(over="ignore"):
        return float(np.float32(value))


def rrelu_(input: Any, lower: Any = 1.0 / 8, upper: Any = 1.0 / 3, training: Any = False) -> Tensor:
    return rrelu(input, lower, upper, training, True)


# ---- normalization ----
def _channel_shape(x):
    return [1, -1] + [1] * (x.dim() - 2)


@grad_fn_named("NativeGroupNormBackward0")
def group_norm(input: Any, num_groups: Any, weight: Any = None, bias: Any = None, eps: Any = 1e-5) -> Tensor:
    from ._arg_checks import check_float
    check_float("group_norm", "eps", eps, 5)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    n, c = input.size(0), input.size(1)
    if isinstance(num_groups, int) and num_groups > 0:
        # PyTorch's F.group_norm verifies the batch first: one value per group and position is refused
        size = [n * c // num_groups, num_groups] + list(input.shape[2:])
        if size[0] * math.prod(size[2:]) == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for param_name, param in (("weight", weight), ("bias", bias)):
        if param is not None and (param.dim() != 1 or param.numel() != c):
            raise RuntimeError(f"Expected {param_name} to be a vector of size equal to the number of channels in "
                               f"input, but got {param_name} of shape {list(param.shape)} and input of shape "
                               f"{list(input.shape)}")
    check_norm_dtypes("GroupNormKernelImpl", input, weight, bias)
    out_dtype = input.dtype
    if out_dtype.name in ("float16", "bfloat16"):
        # PyTorch's kernel computes a half-precision group norm in float32 and
        # rounds once (normalizing in the half type is off by several ulps).
        input = input.float()
        weight = weight.float() if weight is not None else None
        bias = bias.float() if bias is not None else None
    # The group size explicitly, not -1: an empty batch leaves -1 undetermined.
    x = input.reshape(n, num_groups, (c // num_groups) * math.prod(input.shape[2:]))
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True, unbiased=False)
    out = ((x - mean) * (var + eps).rsqrt()).reshape(input.shape)
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out.to(out_dtype)  # a float16/bfloat16 input with float32 parameters stays in its dtype


@grad_fn_named("ViewBackward0")
def instance_norm(input: Any, running_mean: Any = None, running_var: Any = None, weight: Any = None, bias: Any = None, use_input_stats: Any = True,
                  momentum: Any = 0.1, eps: Any = 1e-5) -> Tensor:
    from ._arg_checks import check_float
    check_float("instance_norm", "momentum", momentum, 7)
    check_float("instance_norm", "eps", eps, 8)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if input.dim() < 3:
        raise ValueError(f"instance_norm expects an input with at least 3 dimensions (got {input.dim()})")
    dims = list(range(2, input.dim()))
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    # PyTorch's instance norm runs as a batch norm of the (1, N*C, ...) view, with the
    # affine parameters repeated per sample (its running statistics are not checked).
    check_norm_dtypes("batch_norm", input, weight, bias)
    if (weight is not None or bias is not None) and input.shape[0] * input.shape[1] == 0:
        # PyTorch repeats the affine parameters per sample, an empty (N*C) batch norm then selects element 0
        raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
    if use_input_stats:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, unbiased=False)
        if running_mean is not None or running_var is not None:
            with no_grad():
                count = math.prod(input.shape[2:])
                if running_mean is not None:
                    running_mean.mul_(1 - momentum).add_(mean.mean(0).reshape(-1) * momentum)
                if running_var is not None:
                    unbiased = var * (count / max(count - 1, 1))
                    running_var.mul_(1 - momentum).add_(unbiased.mean(0).reshape(-1) * momentum)
    else:
        mean = running_mean.reshape(_channel_shape(input))
        var = running_var.reshape(_channel_shape(input))
    out = (input - mean) * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out.to(input.dtype)  # a float16/bfloat16 input with float32 parameters stays in its dtype


def rms_norm(input: Any, normalized_shape: Any, weight: Any = None, eps: Any = None) -> Tensor:
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    if weight is not None and tuple(weight.shape) != normalized_shape:  # PyTorch checks the weight first
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(normalized_shape)}")
    if tuple(input.shape[input.dim() - len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
                           f"{list(input.shape)}")
    # PyTorch computes in the op-math type: float16/bfloat16 input in float32 (its eps the default, not
    # float16's), weight included, and casts the result back last.
    if not (input.is_floating_point() or input.is_complex()):
        from .._dtype_refusals import kernel_not_implemented
        raise kernel_not_implemented("rms_norm", input)
    reduced = input.dtype.name in ("float16", "bfloat16")
    x = input.float() if reduced else input
    if eps is None:
        eps = 1.1920928955078125e-07 if x.dtype.name in ("float32", "complex64") else 2.220446049250313e-16
    dims = list(range(input.dim() - len(normalized_shape), input.dim()))
    out = x * (x.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    # the result has the input's dtype, a weight of another dtype included (PyTorch's unfused path casts back)
    return out.to(input.dtype) if out.dtype != input.dtype else out


def local_response_norm(input: Any, size: Any, alpha: Any = 1e-4, beta: Any = 0.75, k: Any = 1.0) -> Tensor:
    from .functional import pad, avg_pool2d
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)")
    div = (input * input).unsqueeze(1)
    if input.dim() == 3:
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        if input.dtype.name in ("float16", "bfloat16"):  # PyTorch runs this branch through avg_pool3d
            from .._dtype import SCALAR_TYPE_NAMES
            raise NotImplementedError(f"\"avg_pool3d_out_frame\" not implemented for "
                                      f"'{SCALAR_TYPE_NAMES[input.dtype.name]}'")
        shape = list(input.shape)
        div = div.reshape(shape[0], 1, shape[1], shape[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        n, _, c2, h, w = div.shape
        div = avg_pool2d(div.reshape(n, c2, h * w).unsqueeze(1), (size, 1), stride=1).reshape(
            n, 1, -1, h, w).squeeze(1)
        div = div.reshape(shape)
    div = (div * alpha + k).pow(beta)
    return input / div


# ---- distances ----
def cosine_similarity(x1: Any, x2: Any, dim: Any = 1, eps: Any = 1e-8) -> Tensor:
    """PyTorch's formula: each input divided by its norm clamped at eps, then
    the dot product along dim. Both are broadcast (and promoted) first, as PyTorch: a size-1 dim of one input
    counts as many times as the other's (its norm is taken over the repeated values)."""
    from .._dtype import SCALAR_TYPE_NAMES
    from .._functions import broadcast_shapes
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"cosine_similarity(): argument 'dim' must be int, not {type(dim).__name__}")
    dt = _C.result_type(x1, x2)
    if not dt.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{SCALAR_TYPE_NAMES[dt.name]}")
    shape = list(broadcast_shapes(x1.shape, x2.shape))
    x1, x2 = x1.to(dt).expand(shape), x2.to(dt).expand(shape)
    n1 = x1.norm(2, dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


@grad_fn_named("NormBackward1")
def pairwise_distance(x1: Any, x2: Any, p: Any = 2.0, eps: Any = 1e-6, keepdim: Any = False) -> Tensor:
    dim = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, dim, keepdim=keepdim)


# ---- losses ----
def kl_div(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean", log_target: Any = False) -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    if not (input.is_floating_point() or input.is_complex()) or not (target.is_floating_point() or target.is_complex()):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        import tensorcore
        loss = tensorcore.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.size(0) if input.dim() != 0 else loss.sum()
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: Any = 0.0, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Any, target: Any, margin: Any = 1.0, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    zeros = input * 0.0
    margin_part = _C.where(target != 1, (margin - input).clamp(min=0), zeros)
    self_part = _C.where(target != -1, input, zeros)
    loss = margin_part + self_part
    if not (input.is_floating_point() or input.is_complex()):
        # PyTorch's loss has input's dtype, so an integer input's mean cannot be taken
        loss = loss.to(input.dtype)
    return _reduce(loss, reduction)


@grad_fn_named("SoftMarginLossBackward0")
def soft_margin_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    from .functional import _check_result_castable, _promote
    from .. import is_grad_enabled
    if isinstance(target, Tensor) and target.requires_grad and is_grad_enabled():
        # PyTorch's soft_margin_loss kernel has no derivative for its target
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    _check_result_castable(input, target)
    from .._functions import broadcast_shapes
    shape = list(broadcast_shapes(input.shape, target.shape))
    if shape != list(input.shape):  # the kernel's output has input's shape: target may not grow it
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {shape}")
    # PyTorch's kernel writes into a result of input's dtype
    common = _promote(input.dtype, target.dtype)  # a bool target too: the kernel reads it as a number
    return _reduce(_C.log1p(_C.exp(-target.to(common) * input)).to(input.dtype), reduction)


def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: Any = 0.0, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    from .functional import _reduction_enum
    _reduction_enum(reduction)  # PyTorch's F.cosine_embedding_loss resolves the reduction first (ValueError)
    # PyTorch's rank checks: a 1-D target pairs 2-D inputs (a batch of vectors), a 0-D target 1-D inputs
    if target.dim() not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if target.dim() == 1 else 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{target.dim()}D target tensor expects {want}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12
    dim = input1.dim() - 1
    prod_sum = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = prod_sum / (mag1 * mag2).sqrt()
    zeros = cos * 0.0
    pos = _C.where(target == 1, 1 - cos, zeros)
    neg = _C.where(target == -1, (cos - margin).clamp(min=0), zeros)
    return _reduce(pos + neg, reduction)


def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: Any = 1.0, p: Any = 2, eps: Any = 1e-6, swap: Any = False, size_average: Any = None,
                        reduce: Any = None, reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _C.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


def poisson_nll_loss(input: Any, target: Any, log_input: Any = True, full: Any = False, size_average: Any = None, eps: Any = 1e-8, reduce: Any = None,
                     reduction: Any = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_input:
        loss = _C.exp(input) - target * input
    else:
        loss = input - target * _C.log(input + eps)
    if full:
        stirling = target * _C.log(target) - target + 0.5 * _C.log(2 * math.pi * target)
        loss = loss + _C.where(target > 1, stirling, target * 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Any, target: Any, var: Any, full: Any = False, eps: Any = 1e-6, reduction: Any = "mean") -> Tensor:
    if isinstance(var, (int, float)):
        import tensorcore
        var = tensorcore.full_like(input, float(var))
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.size(-1) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (_C.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    from .functional import logsigmoid
    reduction = _legacy(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(input.dim() - 1) / input.size(-1)
    return _reduce(loss, reduction)


# ---- pixel shuffle ----
def _positive_factor(r, op, name):
    if isinstance(r, bool) or not isinstance(r, int):
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not {type(r).__name__}")
    if r <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {r}")
    return r


@grad_fn_named("PixelShuffleBackward0")
@follows_input_layout  # Note [Layout-following ops keep channels_last]
def pixel_shuffle(input: Any, upscale_factor: Any) -> Tensor:
    r = _positive_factor(upscale_factor, "pixel_shuffle", "upscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    c, h, w = input.shape[-3:]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    batch = list(input.shape[:-3])
    x = input.reshape(batch + [c // (r * r), r, r, h, w])
    k = len(batch)
    x = x.permute(list(range(k)) + [k, k + 3, k + 1, k + 4, k + 2])
    return x.reshape(batch + [c // (r * r), h * r, w * r])


@grad_fn_named("PixelUnshuffleBackward0")
@follows_input_layout
def pixel_unshuffle(input: Any, downscale_factor: Any) -> Tensor:
    r = _positive_factor(downscale_factor, "pixel_unshuffle", "downscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    c, h, w = input.shape[-3:]
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
                           f"got {h} and {w} for downscale_factor={r}")
    batch = list(input.shape[:-3])
    x = input.reshape(batch + [c, h // r, r, w // r, r])
    k = len(batch)
    x = x.permute(list(range(k)) + [k, k + 2, k + 4, k + 1, k + 3])
    return x.reshape(batch + [c * r * r, h // r, w // r])


# ---- 1-d pooling through the 2-d kernels ----
def _one(v, name):
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{name} must be a single int, or a tuple of one int")
        return v[0]
    return v


@named_through_reduced_cast
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    from ._arg_checks import check_pool_args
    check_pool_args("max_pool1d", kernel_size, stride, padding, dilation)
    from .functional import max_pool2d
    if input.dim() not in (2, 3):
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    if not return_indices and not input.requires_grad:
        # PyTorch's own max_pool1d kernel (used without indices or autograd):
        # non-batch dims must be non-empty, and it has float kernels only.
        if any(v == 0 for v in input.shape[-2 if input.dim() == 3 else 0:]):
            raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                               f"for input, but got:{list(input.shape)}")
        if not input.is_floating_point():
            from ._pooling_nd import _refuse_dtype
            _refuse_dtype(input, "max_pool1d_impl", ())
    k = _one(kernel_size, "max_pool1d: kernel_size")
    s = k if stride is None or stride == [] or stride == () else _one(stride, "max_pool1d: stride")
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, _one(padding, "max_pool1d: padding")),
                     (1, _one(dilation, "max_pool1d: dilation")), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


@named_through_reduced_cast
def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: Any = False, count_include_pad: Any = True) -> Tensor:
    from ._arg_checks import check_pool_args
    check_pool_args("avg_pool1d", kernel_size, stride, padding)
    from .functional import avg_pool2d
    if input.dim() not in (2, 3):
        raise RuntimeError(f"avg_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    k = _one(kernel_size, "avg_pool1d: kernel_size")
    s = k if stride is None or stride == [] or stride == () else _one(stride, "avg_pool1d: stride")
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, _one(padding, "avg_pool1d: padding")), ceil_mode,
                      count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    from .functional import adaptive_avg_pool2d
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    from ._pooling_nd import adaptive_output_size
    (size,) = adaptive_output_size(input, output_size, 1, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def _adaptive_bounds(n_in, n_out):
    return [((i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)) for i in range(n_out)]


@grad_fn_named("AdaptiveMaxPool2DBackward0")
@follows_input_layout
def adaptive_max_pool2d(input, output_size, return_indices=False):
    from ._pooling_nd import _adaptive_max_nd, adaptive_output_size
    output_size = adaptive_output_size(input, output_size, 2, "adaptive_max_pool2d")
    if input.dim() not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    return _adaptive_max_nd(input, output_size, 2, return_indices, "adaptive_max_pool2d", "adaptive_max_pool2d")


def adaptive_max_pool1d(input, output_size, return_indices=False):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    for i in range(1 if input.dim() == 3 else 0, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"adaptive_max_pool1d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(input.shape)} with dimension {i} being empty")
    from ._pooling_nd import adaptive_output_size
    (size,) = adaptive_output_size(input, output_size, 1, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)
