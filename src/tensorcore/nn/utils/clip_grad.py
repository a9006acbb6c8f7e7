"""torch.nn.utils.clip_grad's names (defined in nn/utils/__init__.py)."""
from . import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm  # noqa: F401

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]

# The parameters argument's type, under the private name annotations elsewhere import it by.
from typing import Iterable as _Iterable, Union as _Union  # noqa: E402,UP035
from ... import _C as _core  # noqa: E402
_tensor_or_tensors = _Union[_core.Tensor, _Iterable[_core.Tensor]]  # noqa: UP007
