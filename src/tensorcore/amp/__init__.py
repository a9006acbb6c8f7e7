"""tensorcore.amp: automatic mixed precision as PyTorch's on the CPU.

`autocast('cpu', dtype=torch.bfloat16 | torch.float16)` casts the inputs of
PyTorch's CPU op lists (Note [CPU autocast] in csrc/ops/autocast.h, Note [CPU
autocast op lists] in amp/_policies.py); `GradScaler` is torch.amp.GradScaler
(Note [GradScaler bookkeeping]). autocast('cuda') without CUDA disables itself
with PyTorch's warning, and so does a GradScaler for 'cuda'.
"""
from . import autocast_mode, grad_scaler  # noqa: F401
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]


class _UnmanagedAutocast(autocast):
    pass


def _enter_autocast(*vals):
    mode = _UnmanagedAutocast(*vals)
    mode.__enter__()
    return mode


def _exit_autocast(mode):
    mode.__exit__(None, None, None)
