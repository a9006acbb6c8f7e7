"""Linear and Identity."""
from __future__ import annotations
from typing import Any
import math

from ... import _C
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["Identity", "Linear"]


def _factory_dtype(dtype):
    if dtype is None:
        return _C.get_default_dtype()
    from ..._args import dtype_arg
    return dtype_arg(dtype, "Module")


def default_init_(weight: Any, bias: Any) -> None:
    """PyTorch's default for Linear and Conv: kaiming_uniform_(a=sqrt(5)) for the
    weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias (same stream order)."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input (extra constructor arguments are ignored, as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Tensor:
        return input


class Linear(Module):
    r"""y = x A^T + b. Weight [out_features, in_features] and bias are
    initialised as PyTorch does: kaiming_uniform_(a=sqrt(5)), i.e.
    U(-1/sqrt(in_features), 1/sqrt(in_features)), for both."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        from ..._args import device_arg
        device_arg(device)
        dt = _factory_dtype(dtype)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_C.empty([out_features, in_features], dt))
        if bias:
            self.bias = Parameter(_C.empty([out_features], dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        default_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """Linear under another name: PyTorch's type for MultiheadAttention.out_proj
    (it only matters to quantization tools, but it shows in reprs)."""


class Bilinear(Module):
    """y = x1^T A x2 + b, weight (out, in1, in2) and bias drawn from
    U(-1/sqrt(in1), 1/sqrt(in1)) in that order, PyTorch's init."""

    def __init__(self, in1_features: Any, in2_features: Any, out_features: Any, bias: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        dt = _factory_dtype(dtype)
        self.weight = Parameter(_C.empty([out_features, in1_features, in2_features], dt))
        if bias:
            self.bias = Parameter(_C.empty([out_features], dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Any, input2: Any) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


__all__ += ["Bilinear"]
