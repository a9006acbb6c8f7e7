"""nn.Parameter: a Tensor that Modules register as a parameter."""
from __future__ import annotations
from typing import Any
from .. import _C
from .._tensor import _rebuild

Tensor = _C.Tensor

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    r"""A kind of Tensor that is to be considered a module parameter.

    Assigning a Parameter as a Module attribute registers it, so it appears in
    ``parameters()`` and ``state_dict()``. ``Parameter(t)`` shares ``t``'s
    storage (it is a detached alias) and requires grad unless told otherwise.
    """

    def __init__(self, data: Any = None, requires_grad: Any = True) -> None:
        if data is None:
            data = _C.empty([0], _C.get_default_dtype())
        if not isinstance(data, Tensor):
            # PyTorch's Parameter detaches its data first: a non-tensor fails there
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        super().__init__(data, _detach=True)  # a leaf sharing data's storage, no view (PyTorch's _make_subclass)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_C.clone(_C.detach(self)), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (_C._tensor_to_numpy_forced(self).copy(), self.requires_grad))


def _rebuild_parameter(array, requires_grad):
    return Parameter(_rebuild(array, False), requires_grad)


class _BufferMeta(type):
    """isinstance(t, nn.Buffer) is true for the tensors nn.Buffer(...) made (they carry _is_buffer)."""

    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """nn.Buffer(t, persistent=True): as in PyTorch, a plain tensor (t detached,
    keeping requires_grad) marked with `_is_buffer` and `persistent`, usable as
    any tensor; assigned as a Module attribute it is registered as a buffer."""

    def __new__(cls, data: Any = None, *, persistent: Any = True) -> Any:
        if data is None:
            data = _C.empty([0], _C.get_default_dtype())
        if not isinstance(data, Tensor):
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t
