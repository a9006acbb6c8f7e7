"""Conv1d, Conv2d and Conv3d (nn/_conv_ops.py and nn/_conv_nd.py hold the
computation). A padding_mode other than 'zeros' pads with F.pad first and
convolves unpadded, as PyTorch's _ConvNd does."""
from __future__ import annotations
from typing import Any
from ... import _C
from .. import functional as F
from ..parameter import Parameter
from .linear import _factory_dtype, default_init_
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["Conv1d", "Conv2d", "Conv3d"]


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _ConvNd(Module):
    _dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...], stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 bias: Any = True, padding_mode: Any = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got padding_mode='{padding_mode}'")
        n = self._dims
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.dilation = _tuple(kernel_size, n), _tuple(stride, n), _tuple(dilation, n)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _tuple(padding, n)
        self.padding_mode = padding_mode
        # The attributes PyTorch's _ConvNd shares with the transposed convolutions
        # (code that walks a model reads m.transposed / m.output_padding).
        self.transposed = False
        self.output_padding = (0,) * n
        # F.pad's (last dim first) amounts for the non-'zeros' padding modes.
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * n
            if padding == "same":
                for d, k, i in zip(self.dilation, self.kernel_size, range(n - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i] = left
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - left
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding) for _ in range(2)]
        dt = _factory_dtype(dtype)
        self.weight = Parameter(_C.empty([out_channels, in_channels // groups, *self.kernel_size], dt))
        if bias:
            self.bias = Parameter(_C.empty([out_channels], dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        default_init_(self.weight, self.bias)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        # Compared with tuples of their own length, as PyTorch does (a dilation=(1,) is the default too).
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _conv_forward(self, input, fn, padding):
        if self.padding_mode != "zeros":
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding = 0
        return fn(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W) or (C, H, W) input."""
    _dims = 2

    def forward(self, input: Any) -> Tensor:
        return self._conv_forward(input, F.conv2d, self.padding)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) or (C, L) input."""
    _dims = 1

    def forward(self, input: Any) -> Tensor:
        return self._conv_forward(input, F.conv1d, self.padding)


class Conv3d(_ConvNd):
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W) input."""
    _dims = 3

    def forward(self, input: Any) -> Tensor:
        return self._conv_forward(input, F.conv3d, self.padding)
