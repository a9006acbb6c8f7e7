"""tensorcore.nn.functional: PyTorch's functional layer API.

Layers with a fused PyTorch kernel (linear via addmm, log_softmax + nll_loss
for cross entropy, BCE with logits, GELU, LeakyReLU, layer_norm, mse_loss,
embedding) call one C++ op each and record one backward node named as
PyTorch names it; the rest are short compositions of tensor ops.
"""
from __future__ import annotations
from typing import Any
import warnings

from .. import _C
from ..autograd import no_grad
from .._naming import grad_fn_named, named_through_reduced_cast
from ._norm_dtypes import check_norm_dtypes
from ._attention import (scaled_dot_product_attention, multi_head_attention_forward,  # noqa: F401
                         _canonical_mask, _none_or_dtype)
from ._conv_ops import (pad, conv1d, conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d,  # noqa: F401
                        batch_norm)

Tensor = _C.Tensor

__all__ = [
    "linear", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "gelu", "silu", "elu", "hardtanh",
    "sigmoid", "tanh", "softplus", "logsigmoid", "softmax", "softmin", "log_softmax", "dropout", "embedding",
    "one_hot", "layer_norm", "normalize", "flatten", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "scaled_dot_product_attention", "multi_head_attention_forward",
]

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction_enum(reduction):
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _legacy_reduction(size_average, reduce, emit_warning=True):
    """PyTorch's mapping of the deprecated size_average/reduce flags."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _resolve_reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    return _reduction_enum(reduction)


from ._activations import _check_tensor  # noqa: E402  (one copy: the activations check the same way)


# ---- linear ----
def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = input @ weight.T + bias. 2-D inputs use one fused addmm (as PyTorch,
    grad_fn=AddmmBackward0); contiguous 3-D inputs are flattened to 2-D."""
    _check_tensor(input, "linear")
    wt = _C.t(weight)
    if isinstance(bias, Tensor) and isinstance(weight, Tensor) and bias.dtype != weight.dtype:
        if input.dim() == 2 or (bias.is_contiguous() and input.is_contiguous()):
            # PyTorch adds the bias inside addmm, whose operands must share one dtype
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {_type_name(bias.dtype)} and "
                               f"{_type_name(weight.dtype)}")
        # otherwise PyTorch's unfused path: matmul, then an in-place add_ of the bias (kept in the product's dtype)
        out = _C.matmul(input, wt)
        return _C.add(out, bias).to(out.dtype)
    if bias is not None:
        if input.dim() == 2:
            return _C.addmm(bias, input, wt)
        if input.dim() == 3 and input.is_contiguous():
            n0, n1, k = input.shape
            out = _C.addmm(bias, _C.view(input, [n0 * n1, k]), wt)
            return _C.view(out, [n0, n1, out.shape[1]])
        if input.dim() == 1:
            out = _C.addmm(bias, _C.unsqueeze(input, 0), wt)
            return _C.view(out, [out.shape[1]])
        return _C.add(_C.matmul(input, wt), bias)
    return _C.matmul(input, wt)


# ---- activations (nn/_activations.py) ----
from ._activations import (relu, relu_, relu6, gelu, leaky_relu, leaky_relu_, elu, elu_, selu, selu_,  # noqa: E402,F401
                           celu, celu_, hardtanh, hardtanh_, silu, mish, hardswish, hardsigmoid, softplus,
                           softshrink, hardshrink, threshold, threshold_, logsigmoid, tanhshrink, softsign,
                           sigmoid, tanh)


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Any, dim: Any = None, _stacklevel: Any = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim) if dtype is None else input.softmax(dim, dtype=dtype)


def softmin(input: Any, dim: Any = None, _stacklevel: Any = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    elif isinstance(dim, bool) or not hasattr(dim, "__index__"):  # softmin runs PyTorch's softmax on -input
        raise TypeError(f"softmax(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
    x = input if dtype is None else input.to(dtype)
    return _C.softmax(-x, dim)


def log_softmax(input: Any, dim: Any = None, _stacklevel: Any = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return input.log_softmax(dim) if dtype is None else input.log_softmax(dim, dtype=dtype)


# ---- dropout ----
def check_train_flag(training, op):
    """The dropouts' `training` flag, as PyTorch's argument parser takes it:
    a Python bool only (a string, None or 1 would otherwise be read as its
    truth value)."""
    if not isinstance(training, bool):
        kind = type(training)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"{op}(): argument 'train' (position 3) must be bool, not {name.replace('tensorcore.', '')}")


# Note [Dropout mask in the input's layout]
# ATen draws the keep mask as empty_like(input).bernoulli_(1 - p): empty_like
# keeps the input's strides (or their order, for a non-dense input), and
# bernoulli_ fills in memory order, so the random draw for an element depends
# on where it sits in memory, not on its logical index. A permuted input (the
# output of a batch_first LSTM is a transposed view) thus gets a different
# mask than its contiguous copy; drawing it in logical order changed every
# later loss of a char-RNN. Contiguous inputs keep the single-kernel path.
def keep_mask(input, keep_prob):
    """Dropout's keep mask (0/1 in input's dtype), drawn in input's memory order."""
    if input.is_contiguous():
        return _C.bernoulli_mask(list(input.shape), keep_prob, input.dtype)
    from .._functions import empty_like
    return empty_like(input).bernoulli_(keep_prob)


def scale_keep_mask_(noise, keep_prob):
    """noise.div_(keep_prob) as PyTorch computes it for the mask's dtype.

    PyTorch divides a float16/bfloat16 tensor by a Python number in float
    (opmath), so a kept element becomes half(1.0f / float(keep_prob)). The C++
    scalar division here rounds the divisor to the 16-bit type first (1 / 0.7
    became 1.4277 instead of 1.4287), so for those dtypes the scale is computed
    in float32 and multiplied in as a 0-dim tensor of the mask's dtype (exact:
    the mask holds only 0 and 1)."""
    if noise.dtype.name in ("float16", "bfloat16"):
        from .._dtype import float32
        scale = _C.div(_C.full([], 1.0, float32), keep_prob).to(noise.dtype)
        return _C.mul_(noise, scale)
    return _C.div_(noise, keep_prob)


def dropout(input: Any, p: Any = 0.5, training: Any = True, inplace: Any = False) -> Tensor:
    """Zeroes each element with probability p and scales the rest by 1/(1-p)
    (grad_fn=MulBackward0, as PyTorch on CPU)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    check_train_flag(training, "dropout")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        noise = _C.zeros([], input.dtype)
    else:
        noise = keep_mask(input, 1.0 - p)
        scale_keep_mask_(noise, 1.0 - p)
    if inplace:
        return _C.mul_(input, noise)
    return _C.mul(input, noise)


# ---- embedding ----
def embedding(input: Any, weight: Any, padding_idx: Any = None, max_norm: Any = None, norm_type: Any = 2.0, scale_grad_by_freq: Any = False,
              sparse: Any = False) -> Tensor:
    """Rows of `weight` picked by integer `input` (grad_fn=EmbeddingBackward0).
    No gradient reaches row `padding_idx`."""
    if isinstance(input, _C.Tensor) and input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    if padding_idx is not None:
        if isinstance(padding_idx, (bool, float)):  # PyTorch's parser takes ints (and integer tensors) only
            raise TypeError(f"embedding(): argument 'padding_idx' (position 3) must be int, not "
                            f"{type(padding_idx).__name__}")
        padding_idx = int(padding_idx)
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        if not isinstance(input, _C.Tensor):  # PyTorch calls input.contiguous() first
            raise AttributeError(f"'{type(input).__name__}' object has no attribute 'contiguous'")
        for position, (arg, value) in enumerate((("max_norm", max_norm), ("norm_type", norm_type)), 3):
            if not isinstance(value, (int, float)) or isinstance(value, bool) and arg == "max_norm":
                raise TypeError(f"embedding_renorm_(): argument '{arg}' (position {position}) must be float, not "
                                f"{type(value).__name__}")
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if sparse and weight.requires_grad and _C.is_grad_enabled():
        from ..sparse._embedding import sparse_embedding
        return sparse_embedding(weight, input, int(padding_idx), bool(scale_grad_by_freq))
    return _C.embedding_ex(weight, input, int(padding_idx), bool(scale_grad_by_freq))


def _embedding_renorm_(weight, input, max_norm, norm_type):
    """Rescales (in place, without grad) the referenced rows whose norm
    exceeds max_norm, as torch.embedding_renorm_."""
    import numpy as np
    from .._functions import tensor as _tensor
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #2 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for "
                           "embedding_renorm_)")
    with no_grad():
        idx = np.unique(_C._tensor_to_numpy_forced(input).reshape(-1))
        if idx.size == 0:
            return
        # PyTorch's kernel takes each row with select(): a negative index
        # wraps (renormalizing a row from the end), one outside [-n, n) fails.
        rows_total = weight.size(0)
        bad = idx[(idx < -rows_total) | (idx >= rows_total)]
        if bad.size:
            raise IndexError(f"select(): index {int(bad[0])} out of range for tensor of size "
                             f"{list(weight.shape)} at dimension 0")
        idx = np.unique(np.where(idx < 0, idx + rows_total, idx))
        index = _tensor(idx.astype(np.int64))
        rows = _C.index_select(weight, 0, index)
        norms = rows.norm(norm_type, 1, True)
        scale = _C.where(norms > max_norm, max_norm / (norms + 1e-7), _C.ones([], weight.dtype))
        weight.index_put_((index,), rows * scale)


def one_hot(tensor: Any, num_classes: Any = -1) -> Tensor:
    import operator
    if isinstance(num_classes, bool) or not hasattr(num_classes, "__index__"):  # the parser's check comes first
        raise TypeError(f"one_hot(): argument 'num_classes' (position 2) must be int, not "
                        f"{type(num_classes).__name__}")
    num_classes = operator.index(num_classes)
    if not isinstance(tensor, Tensor) or tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() > 0:
        lo, hi = int(tensor.min()), int(tensor.max())
        if lo < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = hi + 1
        elif hi >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes <= 0:  # (PyTorch's words for any non-positive count of an empty input)
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    classes = _C.arange(0, num_classes, 1, tensor.dtype)
    return _C.eq(_C.unsqueeze(tensor, -1), classes).long()


# ---- normalisation ----
@named_through_reduced_cast
def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: Any = 1e-5) -> Tensor:
    from ._arg_checks import check_float
    check_float("layer_norm", "eps", eps, 5)
    """Normalises over the trailing `normalized_shape` dims
    (grad_fn=NativeLayerNormBackward0)."""
    from ._padding import _int_list  # PyTorch's layer_norm takes a sequence of ints only (not an int)
    normalized_shape = _int_list(normalized_shape, "layer_norm", "normalized_shape", 2)
    trailing = tuple(input.shape[input.dim() - len(normalized_shape):]) if len(normalized_shape) <= input.dim() else None
    if trailing == tuple(normalized_shape):  # else the op raises PyTorch's shape error first
        check_norm_dtypes("LayerNormKernelImpl", input, weight, bias)
    return _C.layer_norm(input, [int(s) for s in normalized_shape], weight, bias, float(eps))


def normalize(input: Any, p: Any = 2.0, dim: Any = 1, eps: Any = 1e-12, out: Any = None) -> Tensor:
    if out is not None:
        from .._out import check_out, write_out
        check_out("normalize", out, (input,))
        return write_out("normalize", normalize(input, p, dim, eps), out)
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    return input / denom


def flatten(input: Any, start_dim: Any = 0, end_dim: Any = -1) -> Tensor:
    return input.flatten(start_dim, end_dim)


# ---- losses ----
def _same_size_or_broadcast(input, target, name):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
        from .._functions import broadcast_tensors
        input, target = broadcast_tensors(input, target)
    return input, target


def _reduce(loss, reduction):
    if reduction == 1:
        return loss.mean()
    if reduction == 2:
        return loss.sum()
    return loss


@named_through_reduced_cast
def mse_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean", weight: Any = None) -> Tensor:
    """Mean squared error (grad_fn=MseLossBackward0)."""
    red = _resolve_reduction(size_average, reduce, reduction)
    input, target = _same_size_or_broadcast(input, target, "mse_loss")
    if isinstance(input, Tensor) and isinstance(target, Tensor) and not (
            input.is_floating_point() or target.is_floating_point() or input.is_complex() or target.is_complex()):
        from .._dtype import SCALAR_TYPE_NAMES  # PyTorch's kernel has no integer instance
        from .._functions import promote_types
        raise NotImplementedError(f"\"mse_cpu\" not implemented for "
                                  f"'{SCALAR_TYPE_NAMES[promote_types(input.dtype, target.dtype).name]}'")
    if weight is not None:
        _check_loss_weight_size(input, weight)
        return _weighted_reduce(((input - target) ** 2) * weight, weight, red)
    common = _promote(input.dtype, target.dtype)  # PyTorch's mse_loss promotes (float32 and float64 give float64)
    return _C.mse_loss(input.to(common), target.to(common), red)


def l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean", weight: Any = None) -> Tensor:
    """Mean absolute error; like PyTorch, |input - target| followed by the
    reduction."""
    red = _resolve_reduction(size_average, reduce, reduction)
    input, target = _same_size_or_broadcast(input, target, "l1_loss")
    loss = (input - target).abs()
    if weight is not None:
        _check_loss_weight_size(input, weight)
        return _weighted_reduce(loss * weight, weight, red)
    return _reduce(loss, red)


@grad_fn_named("SmoothL1LossBackward0")
def smooth_l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean", beta: Any = 1.0) -> Tensor:
    red = _resolve_reduction(size_average, reduce, reduction)
    input, target = _same_size_or_broadcast(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if not (input.is_floating_point() or target.is_floating_point() or input.is_complex() or target.is_complex()):
        # promoting, like l1_loss, but PyTorch's kernel has no integer instance
        raise NotImplementedError(f"\"smooth_l1_cpu\" not implemented for "
                                  f"'{_type_name(_promote(input.dtype, target.dtype))}'")
    diff = (input - target).abs()
    if beta == 0:
        return _reduce(diff, red)
    loss = _C.where(diff < beta, diff * diff * (0.5 / beta), diff - 0.5 * beta)
    return _reduce(loss, red)


@grad_fn_named("HuberLossBackward0")
def huber_loss(input: Any, target: Any, reduction: Any = "mean", delta: Any = 1.0, weight: Any = None) -> Tensor:
    red = _reduction_enum(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    input, target = _same_size_or_broadcast(input, target, "huber_loss")
    _check_result_castable(input, target, "huber_cpu")
    common = _promote(input.dtype, target.dtype)  # a bool target too: the kernel reads it as a number
    diff = (input.to(common) - target.to(common)).abs()
    loss = _C.where(diff < delta, diff * diff * 0.5, (diff - 0.5 * delta) * delta)
    if weight is not None:
        _check_loss_weight_size(input, weight)
        loss = loss * weight
    return _reduce(loss.to(input.dtype), red)  # PyTorch's huber_loss writes into an input-dtype result


def _weighted_reduce(loss, weight, reduction):
    """mse_loss/l1_loss with a weight: PyTorch's "mean" is the weighted mean,
    sum(weight * loss) / sum(weight) (huber_loss keeps the plain mean)."""
    if reduction == 1:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def _check_loss_weight_size(input, weight):
    """The elementwise losses' `weight` must have input's exact size (it is
    not broadcast)."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


def _promote(a, b):
    from .._functions import promote_types
    return promote_types(a, b)


def _type_name(dtype):
    from .._dtype import SCALAR_TYPE_NAMES
    return SCALAR_TYPE_NAMES[dtype.name]


def _check_result_castable(input, target, kernel=None):
    """Losses whose PyTorch kernel writes into a result of input's dtype: an
    integer input cannot hold the float result; two integer tensors have no
    `kernel` at all, or (kernel None: the loss is composed of float ops such
    as exp) compute a default-dtype float result."""
    if input.is_floating_point() or input.is_complex():
        return
    common = _promote(input.dtype, target.dtype)
    if kernel is None and not (common.is_floating_point or common.is_complex):
        common = _C.get_default_dtype()
    if common.is_floating_point or common.is_complex:
        raise RuntimeError(f"result type {_type_name(common)} can't be cast to the desired output type "
                           f"{_type_name(input.dtype)}")
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(common)}'")


def _check_ignore_index(ignore_index, op):
    """PyTorch's argument parser takes an int (or anything with __index__,
    such as an integer 0-dim tensor) and refuses a float or bool."""
    if isinstance(ignore_index, bool) or not hasattr(ignore_index, "__index__"):
        raise TypeError(f"{op}(): argument 'ignore_index' (position 5) must be int, not "
                        f"{type(ignore_index).__name__}")
    return ignore_index.__index__()


def _check_class_weight_dtype(input, weight):
    """nll_loss/cross_entropy with class indices: PyTorch's kernel reads the
    weight in input's dtype and refuses any other."""
    if weight is not None and isinstance(weight, Tensor) and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(weight.dtype)}")


def _nll_node_name(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Inputs with spatial dims go through PyTorch's nll_loss2d kernel (a 3-d or
    5-d+ input reshaped to 4-d, and its unreduced loss viewed back)."""
    if input.dim() < 3 or size_average is not None or reduce is not None:
        return None
    return "ViewBackward0" if reduction == "none" and input.dim() != 4 else "NllLoss2DBackward0"


def _cross_entropy_node_name(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                             reduction="mean", label_smoothing=0.0):
    if size_average is not None or reduce is not None:
        return None
    if target.is_floating_point():  # class probabilities: -(target * log_softmax).sum() / batch
        return "DivBackward1" if reduction == "mean" and input.dim() >= 2 else None
    if label_smoothing:
        return None
    return _nll_node_name(input, target, reduction=reduction)


@named_through_reduced_cast
@grad_fn_named(_nll_node_name)
def nll_loss(input: Any, target: Any, weight: Any = None, size_average: Any = None, ignore_index: Any = -100, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    """Negative log likelihood of class indices (fused; grad_fn=NllLossBackward0)."""
    red = _resolve_reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    ignore_index = _check_ignore_index(ignore_index, "nll_loss_nd")
    target = _class_index_target_of(input, target)
    _check_class_weight_dtype(input, weight)
    _check_weight_not_differentiable(weight)
    if red == 1 and _every_target_ignored(target, ignore_index):
        return _nan_mean_of_nothing(_C.nll_loss(input, target, weight, int(ignore_index), 2))
    return _C.nll_loss(input, target, weight, int(ignore_index), red)


def _check_weight_not_differentiable(weight):
    """PyTorch's nll_loss kernel has no derivative for its class weights."""
    from .. import is_grad_enabled
    if isinstance(weight, Tensor) and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
                           "This input cannot have requires_grad True.")


def _every_target_ignored(target, ignore_index):
    """Note [A mean over no target]: with every target ignore_index, the mean
    is 0 / 0 = NaN, but PyTorch's backward skips ignored targets, so the
    input's gradient is zero, not 0 * (1 / 0) = NaN."""
    return target.numel() > 0 and not bool((target != ignore_index).any())


def _nan_mean_of_nothing(summed):
    """The summed (zero) loss, NaN in value, with the sum's (zero) gradient."""
    return summed + _C.full([], float("nan"), summed.dtype)


def _class_index_target_of(input: Any, target: Any) -> Any:
    """The checked class-index target, in PyTorch's order: the target's shape
    against the input's (a batch-size mismatch is its ValueError) and then its
    dtype; for a 1-D input the dtype comes first."""
    if input.dim() == 1:
        return _class_target_checked(input, _class_index_target(target))
    return _class_index_target(_class_target_checked(input, target))


def _class_index_target(target: Any) -> Any:
    """nll_loss's target: PyTorch takes int64 and uint8 class indices only (an
    int32 or bool target is its RuntimeError, never read as indices)."""
    name = getattr(getattr(target, "dtype", None), "name", None)
    if name == "uint8":
        return target.long()
    if name is not None and name != "int64":
        from .._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {SCALAR_TYPE_NAMES[name]}")
    return target


def _class_target_checked(input: Tensor, target: Tensor) -> Tensor:
    """PyTorch's shape checks of a class-index target against nll_loss's input
    (LossNLL.cpp, LossNLL2d.cpp), with their exception types: a batch-size
    mismatch is a ValueError, the other shape errors RuntimeErrors. Returns the
    target to use: a 1-D input (one sample, no batch dim) takes a 0-D target or
    a 1-element 1-D one, which PyTorch reads as the same single class."""
    if input.dim() == 1:
        if target.dim() == 1:
            if target.shape[0] != 1:
                raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
            return target.reshape(())
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return target
    batch = target.shape[0] if target.dim() > 0 else 0  # PyTorch reports a 0-D target's batch as 0
    if target.dim() == 0 or batch != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch}).")
    if input.dim() == 2:
        if target.dim() != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return target
    expected = [input.shape[0]] + list(input.shape[2:])
    if list(target.shape) != expected:
        if input.dim() == 4:  # nll_loss2d's own check
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    return target


@named_through_reduced_cast
@grad_fn_named(_cross_entropy_node_name)
def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None, ignore_index: Any = -100, reduce: Any = None,
                  reduction: Any = "mean", label_smoothing: Any = 0.0) -> Tensor:
    """Cross entropy of logits against class indices (log_softmax and the fused
    nll_loss) or against class probabilities (a float target of input's
    shape), with optional label smoothing."""
    red = _resolve_reduction(size_average, reduce, reduction)
    ignore_index = _check_ignore_index(ignore_index, "cross_entropy_loss")
    if label_smoothing > 1.0:  # PyTorch checks only the upper bound
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() == 0:  # PyTorch: same shapes mean class probabilities, whose class dim 1 does not exist
        if isinstance(target, Tensor) and target.dim() == 0:
            if not target.is_floating_point():
                from .._dtype import SCALAR_TYPE_NAMES
                raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                                   f"{SCALAR_TYPE_NAMES[target.dtype.name]}")
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.shape[class_dim]
    logp = _C.log_softmax(input, class_dim)
    if target.is_floating_point():
        return _cross_entropy_probs(logp, target, weight, red, label_smoothing, class_dim, n_classes)
    target = _class_index_target_of(input, target)
    _check_class_weight_dtype(input, weight)
    _check_weight_not_differentiable(weight)
    if red == 1 and _every_target_ignored(target, ignore_index):  # Note [A mean over no target]
        summed = cross_entropy(input, target, weight, ignore_index=ignore_index, reduction="sum",
                               label_smoothing=label_smoothing)
        return _nan_mean_of_nothing(summed)
    nll = _C.nll_loss(logp, target, weight, int(ignore_index), red)
    if label_smoothing <= 0.0:  # PyTorch smooths only for a positive amount
        return nll
    # PyTorch's label smoothing: (1 - eps) * nll + eps / C * (mean over classes of -logp)
    ignore_mask = target == ignore_index
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = n_classes
        smooth = -(logp * weight.reshape(shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(ignore_mask, 0.0)
    if red == 1:
        if weight is not None:
            kept = target[~ignore_mask].reshape(-1)
            ret = smooth.sum() / weight.gather(0, kept).sum()
        else:
            ret = smooth.sum() / (~ignore_mask).sum()
    elif red == 2:
        ret = smooth.sum()
    else:
        ret = smooth
    return nll * (1 - label_smoothing) + ret * (label_smoothing / n_classes)


def _cross_entropy_probs(logp, target, weight, red, label_smoothing, class_dim, n_classes):
    if tuple(target.shape) != tuple(logp.shape):
        raise RuntimeError(f"Expected target size {tuple(logp.shape)}, got {tuple(target.shape)}")
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = n_classes
        prod = prod * weight.reshape(shape)
    if red == 1:
        return -prod.sum() / (logp.numel() // n_classes if n_classes else 1)
    if red == 2:
        return -prod.sum()
    return -prod.sum(class_dim)


@named_through_reduced_cast
def binary_cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    """BCE of probabilities; log terms are clamped at -100 as in PyTorch
    (grad_fn=BinaryCrossEntropyBackward0)."""
    red = _resolve_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if not input.is_floating_point() and target.dtype == input.dtype:
        raise NotImplementedError(f"\"binary_cross_entropy\" not implemented for '{_type_name(input.dtype)}'")
    if target.dtype != input.dtype:  # PyTorch's kernel reads the target in input's dtype only
        raise RuntimeError(f"Found dtype {_type_name(target.dtype)} but expected {_type_name(input.dtype)}")
    if input.is_floating_point() and bool(((target < 0) | (target > 1)).any()):
        raise RuntimeError("all elements of target should be between 0 and 1")
    if weight is not None:
        weight = weight.to(input.dtype).expand(input.shape)
    return _C.binary_cross_entropy(input, target, weight, red)


@named_through_reduced_cast
def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None, size_average: Any = None, reduce: Any = None,
                                     reduction: Any = "mean", pos_weight: Any = None) -> Tensor:
    """Sigmoid + BCE in one numerically stable kernel
    (grad_fn=BinaryCrossEntropyWithLogitsBackward0)."""
    red = _resolve_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    # Note [BCE with logits result dtype]: PyTorch computes (1 - target) * input - log_sigmoid(input)
    # into the (1 - target) tensor, so the loss has target's dtype; an integer input has no log_sigmoid
    # kernel, an integer target cannot hold the product and a bool one cannot be subtracted from 1.
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for '{_type_name(input.dtype)}'")
    if target.dtype.name == "bool":
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    if not (target.is_floating_point() or target.is_complex()):
        raise RuntimeError(f"result type {_type_name(_promote(input.dtype, target.dtype))} can't be cast to the "
                           f"desired output type {_type_name(target.dtype)}")
    common = _promote(input.dtype, target.dtype)
    if input.dtype != common:
        # PyTorch's formula, (1 - target) * input - log_weight * log_sigmoid(input), takes log_sigmoid of the
        # input in the input's own (lower) precision; the fused kernel would compute it in the common dtype
        log_sig = _C.log_sigmoid(input)
        term = log_sig if pos_weight is None else ((pos_weight - 1) * target + 1) * log_sig
        loss = (1 - target) * input - term
        if weight is not None:
            loss = loss * weight
        return _reduce(loss, red).to(target.dtype)
    if weight is not None:
        weight = weight.to(common).expand(input.shape)
    if pos_weight is not None:
        pos_weight = pos_weight.to(common).expand(input.shape)
    loss = _C.binary_cross_entropy_with_logits(input.to(common), target.to(common), weight, pos_weight, red)
    return loss.to(target.dtype)


# More functionals, composed of the ops above (one file, so this one stays the fused-kernel layer).
from ._functional_more import *  # noqa: E402,F401,F403
from ._functional_more import __all__ as _more_all  # noqa: E402
__all__ += _more_all
from ._conv_transpose import conv_transpose1d, conv_transpose2d  # noqa: E402,F401
__all__ += ["conv_transpose1d", "conv_transpose2d", "pad", "conv1d", "conv2d", "max_pool2d", "avg_pool2d",
            "adaptive_avg_pool2d", "batch_norm"]
# Resampling, N-d pooling, 3-d convolution, im2col and the remaining losses and layers.
from . import _interpolate, _pooling_nd, _conv_nd, _functional_layers  # noqa: E402
from ._interpolate import *  # noqa: E402,F401,F403
from ._pooling_nd import *  # noqa: E402,F401,F403
from ._conv_nd import *  # noqa: E402,F401,F403
from ._functional_layers import *  # noqa: E402,F401,F403
for _m in (_interpolate, _pooling_nd, _conv_nd, _functional_layers):
    __all__ += _m.__all__
del _m
from . import grad  # noqa: E402,F401  (PyTorch's functional module exposes torch.nn.grad as F.grad)
__all__ += ["conv_tbc"]


def conv_tbc(input: Any, weight: Any, bias: Any, pad: Any = 0) -> Tensor:
    """1-d convolution over time of (T, B, C_in) input with a (K, C_in, C_out)
    weight, padded by `pad` on both ends of time."""
    if input.dim() != 3 or weight.dim() != 3:
        raise RuntimeError(f"conv_tbc: Input must have 3 dims: time, batch, in_channel; weight must have 3 dims, "
                           f"got {input.dim()} and {weight.dim()}")
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, int(pad))
    return out.permute(2, 0, 1)


# PyTorch's grid_sample mode tables.
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}
