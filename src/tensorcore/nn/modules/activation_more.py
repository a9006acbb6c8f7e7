"""The remaining pointwise activation modules (functional forms in
nn/_functional_more.py), with PyTorch's constructor arguments and reprs."""
from __future__ import annotations
from typing import Any
from ... import _C
from .. import functional as F
from ..parameter import Parameter
from .linear import _factory_dtype
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink", "Softshrink", "Hardshrink",
           "Threshold", "GLU", "PReLU", "LogSigmoid", "RReLU", "Softmax2d"]


def _inplace_str(inplace):
    return ", inplace=True" if inplace else ""


class _Inplace(Module):
    def __init__(self, inplace: Any = False) -> None:
        super().__init__()
        self.inplace = inplace


class SELU(_Inplace):
    def forward(self, input: Any) -> Tensor:
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class CELU(Module):
    def __init__(self, alpha: Any = 1.0, inplace: Any = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Any) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_str(self.inplace)}"


class Mish(_Inplace):
    def forward(self, input: Any) -> Tensor:
        return F.mish(input, self.inplace)

    def extra_repr(self) -> str:
        # PyTorch's Mish (unlike Hardswish/Hardsigmoid) prints its inplace flag, only when set.
        return "inplace=True" if self.inplace else ""


class Hardswish(_Inplace):
    def forward(self, input: Any) -> Tensor:
        return F.hardswish(input, self.inplace)


class Hardsigmoid(_Inplace):
    def forward(self, input: Any) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Softsign(Module):
    def forward(self, input: Any) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    def forward(self, input: Any) -> Tensor:
        return F.tanhshrink(input)


class LogSigmoid(Module):
    def forward(self, input: Any) -> Tensor:
        return F.logsigmoid(input)


class Softshrink(Module):
    def __init__(self, lambd: Any = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Any) -> Tensor:
        return F.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    def forward(self, input: Any) -> Tensor:
        return F.hardshrink(input, self.lambd)


class Threshold(Module):
    def __init__(self, threshold: Any, value: Any, inplace: Any = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Any) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_str(self.inplace)}"


class GLU(Module):
    def __init__(self, dim: Any = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Any) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class PReLU(Module):
    """Leaky ReLU with a learned slope per channel (or one shared), 0.25 at start."""

    def __init__(self, num_parameters: Any = 1, init: Any = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(_C.empty([num_parameters], _factory_dtype(dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        from ..init import constant_
        constant_(self.weight, self.init)

    def forward(self, input: Any) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    def __init__(self, lower: Any = 1.0 / 8, upper: Any = 1.0 / 3, inplace: Any = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Any) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace_str(self.inplace)}"


class Softmax2d(Module):
    def forward(self, input: Any) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3)
