"""LinearCrossEntropyLoss: cross entropy of a linear projection's logits
(F.linear_cross_entropy in nn/_functional_layers.py)."""
from __future__ import annotations
from typing import Any
import math

from .._functional_layers import LinearCrossEntropyOptions, linear_cross_entropy
from .linear import Linear
from .loss import _WeightedLoss
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions", "linear_cross_entropy"]


class LinearCrossEntropyLoss(_WeightedLoss):
    def __init__(self, in_features: Any, num_classes: Any, *, out_features: Any = (), bias: Any = False, device: Any = None, dtype: Any = None,
                 reduction: Any = "mean", weight: Any = None, ignore_index: Any = None, label_smoothing: Any = 0.0, options: Any = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight=weight, size_average=None, reduce=None, reduction=reduction)
        self.num_classes, self.out_features = num_classes, out_features
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, dtype=dtype)
        self.options = options

    def forward(self, input: Any, target: Any) -> Tensor:
        linear_weight = self.linear.weight.reshape([self.num_classes, *self.out_features, self.linear.in_features])
        linear_bias = (self.linear.bias.reshape([self.num_classes, *self.out_features])
                       if self.linear.bias is not None else None)
        return linear_cross_entropy(input, linear_weight, target, linear_bias=linear_bias, weight=self.weight,
                                    reduction=self.reduction, ignore_index=self.ignore_index,
                                    label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
