"""The pointwise activations of torch.nn.functional and their in-place forms.

Each floating-point activation is one C++ op (csrc/ops/activation.cpp) that
records PyTorch's node (EluBackward0, LeakyReluBackward1, ...); the in-place
forms write into the input and record their own node over its history (Note
[In-place activations record their own node] there), so no form computes out
of place and copies back. tanhshrink and softsign are compositions in PyTorch
too (their grad_fn is SubBackward0 / DivBackward0), and so they are here.
"""
from __future__ import annotations
from typing import Any
from .. import _C

Tensor = _C.Tensor

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

__all__ = [
    "relu", "relu_", "relu6", "gelu", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_", "celu", "celu_",
    "hardtanh", "hardtanh_", "silu", "mish", "hardswish", "hardsigmoid", "softplus", "softshrink", "hardshrink",
    "threshold", "threshold_", "logsigmoid", "tanhshrink", "softsign", "sigmoid", "tanh",
]


def _check_tensor(x, fn, arg="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position 1) must be Tensor, not {type(x).__name__}")


def relu(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "relu")
    return _C.relu_(input) if inplace else _C.relu(input)


def relu_(input: Any) -> Tensor:
    _check_tensor(input, "relu_")
    return _C.relu_(input)


def _check_slope(negative_slope, name):
    if not isinstance(negative_slope, (int, float)):  # PyTorch's parser wants a Number
        raise TypeError(f"{name}(): argument 'negative_slope' (position 2) must be Number, not "
                        f"{type(negative_slope).__name__}")


def leaky_relu(input: Any, negative_slope: Any = 0.01, inplace: Any = False) -> Tensor:
    _check_tensor(input, "leaky_relu")
    _check_slope(negative_slope, "leaky_relu_" if inplace else "leaky_relu")
    return (_C.leaky_relu_ if inplace else _C.leaky_relu)(input, float(negative_slope))


def leaky_relu_(input: Any, negative_slope: Any = 0.01) -> Tensor:
    _check_tensor(input, "leaky_relu_")
    _check_slope(negative_slope, "leaky_relu_")
    return _C.leaky_relu_(input, float(negative_slope))


def gelu(input: Any, approximate: Any = "none") -> Tensor:
    _check_tensor(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if not input.is_floating_point():
        from .._dtype import SCALAR_TYPE_NAMES
        raise NotImplementedError(f"\"GeluKernelImpl\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")
    return _C.gelu(input, 0 if approximate == "none" else 1)


def elu(input: Any, alpha: Any = 1.0, inplace: Any = False) -> Tensor:
    _check_tensor(input, "elu")
    return (_C.elu_ if inplace else _C.elu)(input, float(alpha), 1.0, 1.0)


def elu_(input: Any, alpha: Any = 1.0) -> Tensor:
    _check_tensor(input, "elu_")
    return _C.elu_(input, float(alpha), 1.0, 1.0)


def selu(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "selu")
    return _C.selu_(input) if inplace else _C.selu(input)


def selu_(input: Any) -> Tensor:
    _check_tensor(input, "selu_")
    return _C.selu_(input)


def celu(input: Any, alpha: Any = 1.0, inplace: Any = False) -> Tensor:
    _check_tensor(input, "celu")
    return (_C.celu_ if inplace else _C.celu)(input, float(alpha))


def celu_(input: Any, alpha: Any = 1.0) -> Tensor:
    _check_tensor(input, "celu_")
    return _C.celu_(input, float(alpha))


def _integer_hardtanh(input, min_val, max_val, inplace):
    # PyTorch clamps integer tensors with the bounds converted to the integer type.
    if input.dtype.name == "bool":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if input.dtype.name == "uint8" and (int(min_val) < 0 or int(max_val) < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    out = input.clamp(int(min_val), int(max_val))
    return input.copy_(out) if inplace else out


def hardtanh(input: Any, min_val: Any = -1.0, max_val: Any = 1.0, inplace: Any = False) -> Tensor:
    _check_tensor(input, "hardtanh")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not input.is_floating_point():
        return _integer_hardtanh(input, min_val, max_val, inplace)
    return (_C.hardtanh_ if inplace else _C.hardtanh)(input, float(min_val), float(max_val))


def hardtanh_(input: Any, min_val: Any = -1.0, max_val: Any = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Any, inplace: Any = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def silu(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "silu")
    return _C.silu_(input) if inplace else _C.silu(input)


def mish(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "mish")
    return _C.mish_(input) if inplace else _C.mish(input)


def hardswish(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "hardswish")
    return _C.hardswish_(input) if inplace else _C.hardswish(input)


def hardsigmoid(input: Any, inplace: Any = False) -> Tensor:
    _check_tensor(input, "hardsigmoid")
    return _C.hardsigmoid_(input) if inplace else _C.hardsigmoid(input)


def softplus(input: Any, beta: Any = 1.0, threshold: Any = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    _check_tensor(input, "softplus")
    return _C.softplus(input, float(beta), float(threshold))


def softshrink(input: Any, lambd: Any = 0.5) -> Tensor:
    _check_tensor(input, "softshrink")
    return _C.softshrink(input, float(lambd))


def hardshrink(input: Any, lambd: Any = 0.5) -> Tensor:
    _check_tensor(input, "hardshrink")
    return _C.hardshrink(input, float(lambd))


# c10::overflows for a Python float converted to an integer dtype (an int
# converts as tensorcore.full does: an unsigned type takes negatives down to -max).
_INT_RANGES = {"uint8": ("uint8_t", 0, 255), "int8": ("int8_t", -128, 127), "int16": ("int16_t", -32768, 32767),
               "int32": ("int", -2 ** 31, 2 ** 31 - 1), "int64": ("int64_t", -2 ** 63, 2 ** 63 - 1)}


def _to_integer_scalar(v, dtype):
    if isinstance(v, float) and dtype.name in _INT_RANGES:
        name, lo, hi = _INT_RANGES[dtype.name]
        if v == v and abs(v) != float("inf") and not lo <= v <= hi:
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    return int(v)


def _integer_threshold(input, threshold, value, inplace):
    import tensorcore
    if input.dtype.name == "bool":
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    threshold, value = _to_integer_scalar(threshold, input.dtype), _to_integer_scalar(value, input.dtype)
    out = _C.where(input <= threshold, tensorcore.full_like(input, value), input)
    return input.copy_(out) if inplace else out


def threshold(input: Any, threshold: Any, value: Any, inplace: Any = False) -> Tensor:
    """value where input <= threshold, input elsewhere."""
    _check_tensor(input, "threshold")
    if not input.is_floating_point():
        return _integer_threshold(input, threshold, value, inplace)
    return (_C.threshold_ if inplace else _C.threshold)(input, float(threshold), float(value))


def threshold_(input: Any, threshold: Any, value: Any) -> Tensor:
    _check_tensor(input, "threshold_")
    if not input.is_floating_point():
        return _integer_threshold(input, threshold, value, True)
    return _C.threshold_(input, float(threshold), float(value))


def logsigmoid(input: Any) -> Tensor:
    _check_tensor(input, "log_sigmoid")
    return _C.log_sigmoid(input)


def tanhshrink(input: Any) -> Tensor:
    return input - _C.tanh(input)


def softsign(input: Any) -> Tensor:
    return input / (input.abs() + 1)


def sigmoid(input: Any) -> Tensor:
    return _C.sigmoid(input)


def tanh(input: Any) -> Tensor:
    return _C.tanh(input)
