"""tensorcore.amp: automatic mixed precision as far as a float32/float64 engine has it.

`GradScaler` is complete (loss scaling, unscale_, inf/NaN checks that skip the
step, scale growth and backoff, state_dict), so programs that keep one around
with or without `enabled` run as under PyTorch. `autocast` is a context manager
and decorator that PyTorch programs enter on every step; tensorcore has no
float16/bfloat16 tensors (Note [Named but unsupported dtypes]), so it can only
honour the cases in which PyTorch itself does not change any dtype: disabled,
a CUDA device type without CUDA (PyTorch warns and disables itself), and a CPU
target dtype PyTorch does not autocast to (it warns and disables). Asking for
real CPU autocasting to a reduced precision raises instead of silently
computing in float32.
"""
from .grad_scaler import GradScaler
from .autocast_mode import autocast, is_autocast_available

__all__ = ["GradScaler", "autocast", "is_autocast_available"]
