"""BatchNorm1d/2d/3d and SyncBatchNorm: batch statistics in training (running
averages updated with the unbiased variance), running statistics in eval."""
from __future__ import annotations
from typing import Any
from ... import _C
from ..._args import device_arg
from .. import functional as F
from ..parameter import Parameter
from .linear import _factory_dtype
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


def _fill_num_batches_tracked(module, state_dict, prefix, version):
    """A checkpoint older than version 2 (or one without _metadata, a plain dict) may lack
    num_batches_tracked: PyTorch keeps the module's current counter (0 when fresh) instead of
    reporting the key missing. Shared by the BatchNorm and InstanceNorm loaders."""
    if (version is None or version < 2) and module.track_running_stats:
        key = prefix + "num_batches_tracked"
        if key not in state_dict:
            state_dict[key] = (module.num_batches_tracked if module.num_batches_tracked is not None
                               else _C.zeros([], _C.tensor_from_data(0, None).dtype))


class _BatchNorm(Module):
    _input_dims = (2, 3)

    def __init__(self, num_features: Any, eps: Any = 1e-5, momentum: Any = 0.1, affine: Any = True, track_running_stats: Any = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        device_arg(device, type(self).__name__)
        dt = _factory_dtype(dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(_C.ones([num_features], dt))
            self.bias = Parameter(_C.zeros([num_features], dt))
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
        _fill_num_batches_tracked(self, state_dict, prefix, version)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def forward(self, input: Any) -> Tensor:
        if input.dim() not in self._input_dims:
            raise ValueError(f"expected {' or '.join(f'{d}D' for d in self._input_dims)} input (got {input.dim()}D "
                             f"input)")
        if input.shape[1] != self.num_features:
            raise RuntimeError(f"running_mean should contain {input.shape[1]} elements not {self.num_features}")
        momentum = self.momentum if self.momentum is not None else 0.0
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        use_batch_stats = self.training or not self.track_running_stats
        return F.batch_norm(input, self.running_mean if not self.training or self.track_running_stats else None,
                            self.running_var if not self.training or self.track_running_stats else None,
                            self.weight, self.bias, use_batch_stats, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    _input_dims = (4,)


class BatchNorm3d(_BatchNorm):
    _input_dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over any (N, C, ...) input. In a single process (tensorcore
    has no multi-process statistics reduction here) it is BatchNorm itself;
    convert_sync_batchnorm swaps BatchNorm*d layers for it as PyTorch does."""
    _input_dims = (2, 3, 4, 5)

    def __init__(self, num_features: Any, eps: Any = 1e-5, momentum: Any = 0.1, affine: Any = True, track_running_stats: Any = True,
                 process_group: Any = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def forward(self, input: Any) -> Tensor:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module: Any, process_group: Any = None) -> Any:
        output = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            output = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                   module.track_running_stats, process_group)
            if module.affine:
                output.weight, output.bias = module.weight, module.bias
            output.running_mean, output.running_var = module.running_mean, module.running_var
            output.num_batches_tracked = module.num_batches_tracked
            output.training = module.training
        for name, child in module.named_children():
            output.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return output
