"""ParameterList, ParameterDict and the deprecated Container.

Entries are registered on the module as parameters named "0", "1", ...
(ParameterList) or by key (ParameterDict), so they appear in parameters()
and state_dict() under PyTorch's keys; plain tensors are wrapped in
Parameter on insertion, as PyTorch does."""
from __future__ import annotations
import operator
from typing import Any
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from ... import _C
from ..parameter import Parameter
from .module import Module

Tensor = _C.Tensor

__all__ = ["ParameterList", "ParameterDict", "Container"]


def _entry_repr(p, dtype_style):
    if isinstance(p, Tensor):
        size_str = "x".join(str(s) for s in p.shape)
        kind = "Parameter" if isinstance(p, Parameter) else "Tensor"
        what = p.dtype if dtype_style else p.type()
        return f"{kind} containing: [{what} of size {size_str}]"
    return "Object of type: " + type(p).__name__


def _as_parameter(value):
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


class ParameterList(Module):
    def __init__(self, values: Any = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _get_abs_string_index(self, idx):
        idx = operator.index(idx)  # as PyTorch: a float or a string is a TypeError, never truncated
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range")
        if idx < 0:
            idx += len(self)
        return str(idx)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            out = self.__class__()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        return getattr(self, self._get_abs_string_index(idx))

    def __setitem__(self, idx, param):
        idx = self._get_abs_string_index(idx)
        # Module.__setattr__, as PyTorch: a Parameter registers as a parameter, a Module entry (a nested
        # ParameterList, lucidrains' normalized_vit) as a submodule, so its parameters are the model's too;
        # other objects are plain attributes.
        setattr(self, idx, _as_parameter(param))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Any:
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters):
        return self.extend(parameters)

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def append(self, value: Any) -> Any:
        new_idx = len(self)
        self._size += 1
        self[new_idx] = value
        return self

    def extend(self, values: Any) -> Any:
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError("ParameterList.extend should be called with an iterable, but got " +
                            type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({k}): {_entry_repr(p, True)}" for k, p in enumerate(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _check_key(key):
        if not isinstance(key, str):
            raise TypeError("Index given to ParameterDict cannot be used as a key as it is not a string (type is "
                            f"'{type(key).__name__}'). Open an issue on github if you need non-string keys.")
        return key

    def __getitem__(self, key: Any) -> Any:
        return getattr(self, self._check_key(key))

    def __setitem__(self, key, value):
        self._keys[key] = None  # recorded before the key is checked, as PyTorch does (list(pd) then shows it)
        self._check_key(key)
        # Module.__setattr__, as in ParameterList.__setitem__: a Module value becomes a submodule.
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]  # an unknown key is a KeyError before the type check, as in PyTorch
        self._check_key(key)
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Any:
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key: Any) -> bool:
        return key in self._keys

    def copy(self) -> Any:
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        for k in list(self._keys):
            del self[k]

    def pop(self, key: Any) -> Any:
        v = self[key]
        del self[key]
        return v

    def popitem(self) -> Any:
        k = list(self._keys)[-1]
        return k, self.pop(k)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def fromkeys(self, keys: Any, default: Any = None) -> Any:
        return ParameterDict((k, default) for k in keys)

    def keys(self) -> Any:
        return self._keys.keys()

    def items(self) -> Any:
        return ((k, self[k]) for k in self._keys)

    def values(self) -> Any:
        return (self[k] for k in self._keys)

    def update(self, parameters: Any) -> None:
        if not isinstance(parameters, Iterable):
            raise TypeError("ParametersDict.update should be called with an iterable of key/value pairs, but got " +
                            type(parameters).__name__)
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            for key, parameter in parameters.items():
                self[key] = parameter
        elif isinstance(parameters, Mapping):  # a plain dict is taken in sorted key order, as PyTorch
            for key, parameter in sorted(parameters.items()):
                self[key] = parameter
        else:
            for j, p in enumerate(parameters):
                if not isinstance(p, Iterable):
                    raise TypeError("ParameterDict update sequence element #" + str(j) + " should be Iterable; is" +
                                    type(p).__name__)
                if not len(p) == 2:
                    raise ValueError("ParameterDict update sequence element #" + str(j) + " has length " +
                                     str(len(p)) + "; 2 is required")
                self[p[0]] = p[1]

    def extra_repr(self) -> str:
        return "\n".join(f"  ({k}): {_entry_repr(p, False)}" for k, p in self.items())

    def __call__(self, input: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other):
        out = self.copy()
        out.update(other)
        return out


class Container(Module):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        warnings.warn("nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. "
                      "Subclass that instead.", stacklevel=2)
        for key, value in kwargs.items():
            self.add_module(key, value)
