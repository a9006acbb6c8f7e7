"""LayerNorm."""
from __future__ import annotations
from collections.abc import Sequence
from typing import Any
import numbers

from ... import _C
from ..._args import device_arg
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .batchnorm import _fill_num_batches_tracked
from .linear import _factory_dtype
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Layer normalisation over the trailing `normalized_shape` dims; weight
    starts at ones and bias at zeros."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        device_arg(device, "LayerNorm")
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dt = _factory_dtype(dtype)
        if self.elementwise_affine:
            self.weight = Parameter(_C.empty(list(self.normalized_shape), dt))
            if bias:
                self.bias = Parameter(_C.empty(list(self.normalized_shape), dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Any) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, bias={use_bias}".format(
            **self.__dict__, use_bias=self.bias is not None)


class GroupNorm(Module):
    """Normalises each group of channels of every sample; per-channel affine."""

    def __init__(self, num_groups: Any, num_channels: Any, eps: Any = 1e-5, affine: Any = True, device: Any = None, dtype: Any = None, *, bias: Any = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dt = _factory_dtype(dtype)
        if affine:
            self.weight = Parameter(_C.empty([num_channels], dt))
            if bias:
                self.bias = Parameter(_C.empty([num_channels], dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Any) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(Module):
    _batched_dim = None

    def __init__(self, num_features: Any, eps: Any = 1e-5, momentum: Any = 0.1, affine: Any = False, track_running_stats: Any = False, device: Any = None,
                 dtype: Any = None, *, bias: Any = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dt = _factory_dtype(dtype)
        if affine:
            self.weight = Parameter(_C.empty([num_features], dt))
            init.ones_(self.weight)
            if bias:
                self.bias = Parameter(_C.empty([num_features], dt))
                init.zeros_(self.bias)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _C.zeros([num_features], dt))
            self.register_buffer("running_var", _C.ones([num_features], dt))
            self.register_buffer("num_batches_tracked", _C.zeros([], _C.tensor_from_data(0, None).dtype))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    _version = 2  # version 2 added num_batches_tracked (Note [state_dict _metadata] in module.py)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None and not self.track_running_stats:
            # version 1 dropped running stats from InstanceNorm without track_running_stats
            stale = [prefix + name for name in ("running_mean", "running_var") if prefix + name in state_dict]
            if stale:
                error_msgs.append(
                    "Unexpected running stats buffer(s) {names} for {klass} with track_running_stats=False. If "
                    "state_dict is a checkpoint saved before 0.4.0, this may be expected because {klass} does not "
                    "track running stats by default since 0.4.0. Please remove these keys from state_dict. If the "
                    "running stats are actually needed, instead set track_running_stats=True in {klass} to enable "
                    "them. See the documentation of {klass} for details.".format(
                        names=" and ".join(f'"{k}"' for k in stale), klass=type(self).__name__))
                for key in stale:
                    state_dict.pop(key)
        _fill_num_batches_tracked(self, state_dict, prefix, version)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, input: Any) -> Tensor:
        if input.dim() not in (self._batched_dim - 1, self._batched_dim):
            raise ValueError(f"expected {self._batched_dim - 1}D or {self._batched_dim}D input "
                             f"(got {input.dim()}D input)")
        unbatched = input.dim() == self._batched_dim - 1
        x = input.unsqueeze(0) if unbatched else input
        if x.size(1) != self.num_features and self.affine:
            raise ValueError(f"expected input's size at dim=1 to match num_features ({self.num_features}), but "
                             f"got: {x.size(1)}.")
        use_input_stats = self.training or not self.track_running_stats
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                              self.momentum if self.momentum is not None else 0.1, self.eps)
        return out.squeeze(0) if unbatched else out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    _batched_dim = 3


class InstanceNorm2d(_InstanceNorm):
    _batched_dim = 4


class InstanceNorm3d(_InstanceNorm):
    _batched_dim = 5


class RMSNorm(Module):
    """x / sqrt(mean(x^2) + eps) over the trailing normalized_shape, times weight."""

    def __init__(self, normalized_shape: Any, eps: Any = None, elementwise_affine: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_C.empty(list(self.normalized_shape), _factory_dtype(dtype)))
            init.ones_(self.weight)
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Any) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    def __init__(self, size: Any, alpha: Any = 1e-4, beta: Any = 0.75, k: Any = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Any) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ += ["GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm", "LocalResponseNorm"]


class CrossMapLRN2d(Module):
    """Legacy (Lua Torch) local response normalisation across channels of a
    4-D input: x * (k + alpha/size * sum of x^2 over a channel window)^-beta.
    The window is PyTorch's exactly, including its running-sum quirk: channel
    0's square is never dropped from the sum once it entered it."""

    def __init__(self, size: Any, alpha: Any = 1e-4, beta: Any = 0.75, k: Any = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def _window(self, channels):
        import numpy as np
        pre_pad = int((self.size - 1) / 2 + 1)
        m = np.zeros((channels, channels))
        m[0, :min(pre_pad, channels)] = 1
        for c in range(1, channels):
            m[c] = m[c - 1]
            if c < channels - pre_pad + 1:
                m[c, c + pre_pad - 1] += 1
            if c > pre_pad:
                m[c, c - pre_pad] -= 1
        return m

    def _backward_window(self, channels):
        """PyTorch's legacy backward sums grad * output / scale over channels
        [c - inverse_pre_pad, c + size - 1 - inverse_pre_pad] for channel c: a
        symmetric window that is not the forward's (so its gradient is not the
        exact derivative; Note [CrossMapLRN2d's legacy backward])."""
        import numpy as np
        inverse_pre_pad = int(self.size - (self.size - 1) / 2)
        m = np.zeros((channels, channels))
        for c in range(channels):
            lo, hi = max(c - inverse_pre_pad, 0), min(c + self.size - 1 - inverse_pre_pad, channels - 1)
            m[c, lo:hi + 1] = 1
        return m

    def forward(self, input: Any) -> Tensor:
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        from ..._functions import from_numpy
        from ...autograd import Function
        window = from_numpy(self._window(input.shape[1]).T.copy()).to(input.dtype)
        backward_window = from_numpy(self._backward_window(input.shape[1]).T.copy()).to(input.dtype)
        alpha, beta, size, k = self.alpha, self.beta, self.size, self.k

        # Note [CrossMapLRN2d's legacy backward]
        # PyTorch's CrossMapLRN2d is an autograd Function whose backward is the
        # Lua Torch formula grad * scale^-beta - (2 alpha beta / size) * input *
        # (window sum of grad * output / scale), not the derivative of its
        # forward (gradcheck fails on it). A program training through it gets
        # that gradient, so it is reproduced here as a Function too.
        class CrossMapLRN2d(Function):  # named as PyTorch's, for grad_fn's name
            @staticmethod
            def forward(ctx, x):
                scale = (x * x).movedim(1, -1).matmul(window).movedim(-1, 1) * (alpha / size) + k
                output = scale.pow(-beta) * x
                ctx.save_for_backward(x, output, scale)
                return output

            @staticmethod
            def backward(ctx, grad_output):
                x, output, scale = ctx.saved_tensors
                inverse_pre_pad = int(size - (size - 1) / 2)
                if inverse_pre_pad > size - 1:  # size 1: PyTorch's padded buffer is too short for its narrow()
                    channels = x.shape[1]
                    raise RuntimeError(f"start ({inverse_pre_pad}) + length ({channels}) exceeds dimension size "
                                       f"({channels + size - 1}).")
                ratio = grad_output * output / scale
                accumulated = ratio.movedim(1, -1).matmul(backward_window).movedim(-1, 1)
                return scale.pow(-beta) * grad_output - (2 * alpha * beta / size) * x * accumulated

        return CrossMapLRN2d.apply(input)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ += ["CrossMapLRN2d"]
