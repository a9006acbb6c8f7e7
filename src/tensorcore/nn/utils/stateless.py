"""nn.utils.stateless.functional_call: runs a module with some parameters and
buffers replaced by the given tensors, restoring them afterwards."""
from __future__ import annotations
import warnings
from typing import Any
import contextlib
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["functional_call"]


def _owner(module, dotted):
    *path, leaf = dotted.split(".")
    for p in path:
        module = getattr(module, p)
    return module, leaf


@contextlib.contextmanager
def _swapped(module, tensors):
    saved = []
    try:
        for name, value in tensors.items():
            owner, leaf = _owner(module, name)
            if leaf in owner._parameters:
                saved.append((owner, "_parameters", leaf, owner._parameters[leaf]))
                owner._parameters[leaf] = value
            elif leaf in owner._buffers:
                saved.append((owner, "_buffers", leaf, owner._buffers[leaf]))
                owner._buffers[leaf] = value
            else:
                saved.append((owner, None, leaf, owner.__dict__.get(leaf)))
                object.__setattr__(owner, leaf, value)
        yield
    finally:
        for owner, where, leaf, old in reversed(saved):
            if where is None:
                if old is None:
                    owner.__dict__.pop(leaf, None)
                else:
                    object.__setattr__(owner, leaf, old)
            else:
                getattr(owner, where)[leaf] = old


def _untied(module, tensors):
    """Note [functional_call and tied weights]
    With tie_weights=True (the default), a tensor given for one name of a
    parameter or buffer that the module holds under several names (a decoder
    sharing its embedding's weight) replaces it under all of them, as
    PyTorch's functional_call does; two different tensors given for names of
    one tied tensor are refused. Returns a new dict; `tensors` is unchanged."""
    names_of = {}  # id(tensor) -> every name the module holds it under
    owned = list(module.named_parameters(remove_duplicate=False)) + list(module.named_buffers(remove_duplicate=False))
    for name, tensor in owned:
        names_of.setdefault(id(tensor), []).append(name)
    untied = dict(tensors)
    for names in names_of.values():
        if len(names) < 2:
            continue
        given = [name for name in names if name in tensors]
        if not given:
            continue
        if len({id(tensors[name]) for name in given}) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             "Consider using tie_weights=False")
        for name in names:
            untied[name] = tensors[given[0]]
    return untied


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: Any = None, *, tie_weights: Any = True, strict: Any = False) -> Tensor:
    """Deprecated in PyTorch 2.0 for torch.func.functional_call (it warns, then does the same)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a "
                  "future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in "
                  "replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict)


def _functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: Any = None, *,
                     tie_weights: Any = True, strict: Any = False) -> Tensor:
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = dict(parameter_and_buffer_dicts)
    else:
        tensors = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                if k in tensors:
                    raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is "
                                     "ambiguous")
            tensors.update(d)
    if tie_weights:
        tensors = _untied(module, tensors)
    if strict:
        expected = ({n for n, _ in module.named_parameters(remove_duplicate=False)}
                    | {n for n, _ in module.named_buffers(remove_duplicate=False)})
        missing, unexpected = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
        error_msgs = []
        if unexpected:
            error_msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            error_msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if error_msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(module._get_name(),
                                                                                "\n\t".join(error_msgs)))
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, tensors):
        return module(*args, **(kwargs or {}))
