"""torch.autograd.grad_mode: the grad-mode context managers, under the
module path some programs import them from."""
from __future__ import annotations
from typing import Any

from . import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401

# PyTorch defines these classes in torch.autograd.grad_mode, and that is the
# module their reprs and type() print (<torch.autograd.grad_mode.no_grad object ...>).
for _context_class in (no_grad, enable_grad, set_grad_enabled, inference_mode):
    _context_class.__module__ = __name__

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "set_multithreading_enabled"]


class set_multithreading_enabled:
    """PyTorch's switch for its multithreaded backward; tensorcore's engine
    runs backward on the calling thread either way, so this only records the
    setting (as a context manager or a plain call)."""

    _enabled = [True]

    def __init__(self, mode: Any) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_multithreading_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.prev = set_multithreading_enabled._enabled[0]
        set_multithreading_enabled._enabled[0] = mode

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        set_multithreading_enabled._enabled[0] = self.prev
