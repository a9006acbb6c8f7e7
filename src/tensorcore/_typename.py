"""torch.typename: the name PyTorch's error messages give an object.

Note [typename of tensors]: PyTorch names a tensor (a Parameter included) by
its legacy type string, ``'torch.FloatTensor'``, not by its Python class, so
"cannot assign 'torch.FloatTensor' as parameter 'weight'" reads the same
under both libraries. Other objects are named ``module.qualname`` (builtins
bare: ``'int'``); a class or function passed itself is named by its own
qualified name.
"""
from __future__ import annotations

from typing import Any

from . import _C

__all__ = ["typename"]


def typename(obj: Any) -> str:
    if isinstance(obj, _C.Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = type(obj).__module__
        qualname = type(obj).__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"
