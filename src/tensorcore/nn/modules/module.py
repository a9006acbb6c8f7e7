"""nn.Module: the base class of layers, with PyTorch's registration rules,
traversal order, state_dict format and printing."""
from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ... import _C
from ...autograd import no_grad
from ..parameter import Parameter, Buffer
from ..._typename import typename
from ._backward_hooks import (has_backward_hooks, wrap_inputs, wrap_outputs, _global_backward_hooks,
                              _global_backward_pre_hooks)

Tensor = _C.Tensor

__all__ = ["Module", "RemovableHandle", "register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
           "register_module_buffer_registration_hook", "register_module_module_registration_hook",
           "register_module_parameter_registration_hook"]

_M = TypeVar("_M", bound="Module")


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(num_spaces * " ") + line for line in s]
    return first + "\n" + "\n".join(s)


_typename = typename  # the name PyTorch's messages give a value (Note [typename of tensors])


class RemovableHandle:
    """Returned by register_*_hook; ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks_dict: Any) -> None:
        self._hooks = hooks_dict
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *args: Any) -> None:
        self.remove()


# Note [Global module hooks]
# torch.nn.modules.module.register_module_*_hook install hooks that every module runs: forward
# pre-hooks and forward hooks before the module's own (the global ones cannot take kwargs unless
# registered with_kwargs, and always_call is honoured), full backward (pre-)hooks before the module's
# own (their dicts live in _backward_hooks.py, which runs them), and registration hooks, called as
# hook(module, name, value) when a buffer / submodule / parameter is registered or assigned; a
# registration hook may return a replacement value. Handles share RemovableHandle's id counter, so a
# global hook's id never collides with a module's.
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_with_kwargs: dict = {}
_global_forward_hooks_always_called: dict = {}
_global_buffer_registration_hooks: OrderedDict = OrderedDict()
_global_module_registration_hooks: OrderedDict = OrderedDict()
_global_parameter_registration_hooks: OrderedDict = OrderedDict()


def _register_global(hooks: OrderedDict, hook: Callable[..., Any]) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_module_forward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, args) -> None or new args, run before every module's forward (Note [Global module hooks])."""
    return _register_global(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable[..., Any], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """hook(module, args, output) -> None or a new output, run after every module's forward."""
    handle = _register_global(_global_forward_hooks, hook)
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, grad_output) -> None or a new grad_output, for every module (Note [Module backward hooks])."""
    return _register_global(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, grad_input, grad_output) -> None or a new grad_input, for every module."""
    return _register_global(_global_backward_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, name, buffer) -> None or a replacement buffer, on every buffer registration."""
    return _register_global(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, name, submodule) -> None or a replacement submodule, on every submodule registration."""
    return _register_global(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """hook(module, name, param) -> None or a replacement parameter, on every parameter registration."""
    return _register_global(_global_parameter_registration_hooks, hook)


def _run_registration_hooks(hooks: OrderedDict, module: Any, name: str, value: Any) -> Any:
    for hook in list(hooks.values()):
        output = hook(module, name, value)
        if output is not None:
            value = output
    return value


# Note [Module.to signatures]
# Module.to takes PyTorch's three Tensor.to forms (torch._C._nn._parse_to):
#   to(device=None, dtype=None, non_blocking=False, copy=False, *, memory_format=None)
#   to(dtype, non_blocking=False, copy=False, *, memory_format=None)
#   to(tensor, non_blocking=False, copy=False, *, memory_format=None)
# non_blocking and copy must be bools; anything else (to('cpu', 'float'), to(dtype, 'cpu'),
# to('cpu', torch.float64, True, 5)) is PyTorch's TypeError listing the forms, and any copy
# argument is refused (even copy=False). A dtype may be a torch.dtype or a Python type (float -> float64).
_MODULE_TO_FORMS = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = "
    "None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n")


def _to_type_name(value):
    from ..._dtype import dtype as _dtype, device as _device
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, _dtype):
        return "torch.dtype"
    if isinstance(value, _device):
        return "torch.device"
    return type(value).__name__


def _parse_module_to(args, kwargs):
    """(device, dtype) of a Module.to call (Note [Module.to signatures])."""
    from ..._dtype import dtype as _dtype, device as _device

    def is_device(v):
        return v is None or isinstance(v, (str, _device)) or (isinstance(v, int) and not isinstance(v, bool))

    def is_dtype(v):
        return isinstance(v, _dtype) or v in (float, int, bool, complex)

    def flags_ok(values):
        return all(isinstance(v, bool) for v in values)

    forms = (
        (("device", "dtype", "non_blocking", "copy"), lambda b: is_device(b.get("device"))
         and (b.get("dtype") is None or is_dtype(b.get("dtype")))),
        (("dtype", "non_blocking", "copy"), lambda b: "dtype" in b and is_dtype(b["dtype"])),
        (("tensor", "non_blocking", "copy"), lambda b: isinstance(b.get("tensor"), Tensor)),
    )
    for names, first_ok in forms:
        if len(args) > len(names):
            continue
        bound = dict(zip(names, args))
        extra = {k: v for k, v in kwargs.items() if k != "memory_format"}
        if any(k not in names or k in bound for k in extra):
            continue
        bound.update(extra)
        if not first_ok(bound) or not flags_ok([bound[k] for k in ("non_blocking", "copy") if k in bound]):
            continue
        if "copy" in bound:  # even copy=False, as PyTorch's _parse_to
            raise RuntimeError(".to() does not accept copy argument")
        if "tensor" in bound:
            return bound["tensor"].device, bound["tensor"].dtype
        return bound.get("device"), bound.get("dtype")
    given = [_to_type_name(a) for a in args]
    named = [f"{k}={_to_type_name(v)}" for k, v in kwargs.items()]
    described = ", ".join(given + named) if given else "".join(f"{n}, " for n in named)
    raise TypeError(f"to() received an invalid combination of arguments - got ({described}), but expected one "
                    f"of:\n{_MODULE_TO_FORMS}")


class Module:
    r"""Base class for all neural network modules.

    Subclasses call ``super().__init__()`` first, then assign Parameters,
    buffers and child Modules as attributes; they are registered in
    assignment order, which fixes the order of ``parameters()`` and the keys
    of ``state_dict()``.
    """

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False
    T_destination = TypeVar("T_destination", bound=dict)  # PyTorch's state_dict() annotation, a class attribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.call_super_init is False and bool(kwargs):
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if self.call_super_init is False and bool(args):
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} "
                            "were given")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()

    # ---- forward and calling ----
    def forward(self, *input: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_hooks or self._forward_pre_hooks or has_backward_hooks(self)
                or _global_forward_hooks or _global_forward_pre_hooks or self.__dict__.get("_non_full_backward_hooks")):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_impl(self, *args: Any, **kwargs: Any) -> Any:
        """PyTorch's name for the hook-running call (some libraries call it directly)."""
        return Module.__call__(self, *args, **kwargs)

    _wrapped_call_impl = _call_impl

    def _call_with_hooks(self, args, kwargs):
        # Global hooks first (Note [Global module hooks]); hook ids are unique across both dicts.
        forward_hooks = [*_global_forward_hooks.items(), *self._forward_hooks.items()]
        with_kwargs = {**_global_forward_hooks_with_kwargs, **self._forward_hooks_with_kwargs}
        for hid, hook in [*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()]:
            if hid in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {res}.")
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        backward_hooked = has_backward_hooks(self)
        if backward_hooked:  # Note [Module backward hooks]
            args, call_state = wrap_inputs(self, args)
        result, called = None, set()
        try:
            result = self.forward(*args, **kwargs)
            for hid, hook in forward_hooks:
                called.add(hid)
                if hid in with_kwargs:
                    res = hook(self, args, kwargs, result)
                else:
                    res = hook(self, args, result)
                if res is not None:
                    result = res
        except Exception:
            # register_forward_hook(always_call=True): such hooks still run when forward (or an earlier hook)
            # raised, with the result so far; an error of theirs is silenced with a warning, as PyTorch
            always = {**_global_forward_hooks_always_called, **self.__dict__.get("_forward_hooks_always_called", {})}
            for hid, hook in forward_hooks:
                if hid in always and hid not in called:
                    try:
                        if hid in with_kwargs:
                            hook(self, args, kwargs, result)
                        else:
                            hook(self, args, result)
                    except Exception as e:
                        import warnings
                        warnings.warn("module forward hook with ``always_call=True`` raised an exception that was "
                                      f"silenced as another error was raised in forward: {e}", stacklevel=2)
            raise
        if backward_hooked:
            result = wrap_outputs(call_state, result)
        if self.__dict__.get("_non_full_backward_hooks"):
            self._attach_non_full_backward_hooks(args, result)
        return result

    # Note [Non-full backward hooks]
    # register_backward_hook's hooks are registered, at each call, on the grad_fn of the first
    # tensor of the result (the first value of a dict, the first item of a sequence, recursively),
    # so they see that one node's gradients: grad_output = the node's output gradients,
    # grad_input = its input gradients (for Linear's AddmmBackward0: bias, input, weight.T). When the
    # module is not a single node PyTorch warns (FutureWarning) that grad_input is incomplete; the same
    # checks run here, in PyTorch's order.
    def _attach_non_full_backward_hooks(self, args, result):
        first = result
        while not isinstance(first, Tensor):
            first = next(v for v in first.values() if isinstance(v, Tensor)) if isinstance(first, dict) else first[0]
        grad_fn = first.grad_fn
        if grad_fn is None:
            return
        for hook in list(self._non_full_backward_hooks.values()):
            grad_fn.register_hook(lambda grad_input, grad_output, hook=hook: hook(self, grad_input, grad_output))
        self._warn_non_full_backward_hook(args, result, grad_fn)

    @staticmethod
    def _warn_non_full_backward_hook(inputs, result, grad_fn):
        def deprecated(what):
            warnings.warn(what, FutureWarning, stacklevel=4)

        if isinstance(result, Tensor):
            result = (result,)
        elif not (isinstance(result, tuple) and all(isinstance(r, Tensor) for r in result)):
            return deprecated("Using non-full backward hooks on a Module that does not return a single Tensor or a "
                              "tuple of Tensors is deprecated and will be removed in future versions. This hook will "
                              "be missing some of the grad_output. Please use register_full_backward_hook to get "
                              "the documented behavior.")
        if isinstance(inputs, Tensor):
            inputs = (inputs,)
        elif not (isinstance(inputs, tuple) and all(isinstance(i, Tensor) for i in inputs)):
            return deprecated("Using non-full backward hooks on a Module that does not take as input a single Tensor "
                              "or a tuple of Tensors is deprecated and will be removed in future versions. This hook "
                              "will be missing some of the grad_input. Please use register_full_backward_hook to "
                              "get the documented behavior.")
        out_grad_fns = {r.grad_fn for r in result if r.grad_fn is not None}
        if not out_grad_fns or (len(out_grad_fns) == 1 and grad_fn not in out_grad_fns):
            deprecated("Using a non-full backward hook when outputs are nested in python data structure is "
                       "deprecated and will be removed in future versions. This hook will be missing some "
                       "grad_output.")
        elif len(out_grad_fns) > 1:
            deprecated("Using a non-full backward hook when outputs are generated by different autograd Nodes is "
                       "deprecated and will be removed in future versions. This hook will be missing some "
                       "grad_output. Please use register_full_backward_hook to get the documented behavior.")
        else:
            input_grad_fns = {i.grad_fn for i in inputs if i.grad_fn is not None}
            if input_grad_fns != {n[0] for n in grad_fn.next_functions}:
                deprecated("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                           "deprecated and will be removed in future versions. This hook will be missing some "
                           "grad_input. Please use register_full_backward_hook to get the documented behavior.")

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """hook(module, args) -> None or new args (with_kwargs:
        hook(module, args, kwargs) -> None or (args, kwargs))."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """hook(module, args, output) -> None or a replacement output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self.__dict__.setdefault("_forward_hooks_always_called", {})[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    _MIXED_BACKWARD_HOOKS = ("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                             "Please use only one of them.")

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """The deprecated (non-full) backward hook: hook(module, grad_input,
        grad_output) -> None or a replacement grad_input, registered on the
        autograd node that produced the module's (first) output, so grad_input
        are that node's input gradients, as in PyTorch (Note [Non-full backward hooks])."""
        if self.__dict__.get("_is_full_backward_hook") is True:
            raise RuntimeError(self._MIXED_BACKWARD_HOOKS)
        self.__dict__["_is_full_backward_hook"] = False
        hooks = self.__dict__.setdefault("_non_full_backward_hooks", OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_input, grad_output) -> None or a replacement
        grad_input, run when the gradients of the module's inputs are
        computed (Note [Module backward hooks])."""
        if self.__dict__.get("_is_full_backward_hook") is False:
            raise RuntimeError(self._MIXED_BACKWARD_HOOKS)
        self.__dict__["_is_full_backward_hook"] = True
        self.__dict__.setdefault("_backward_hooks", OrderedDict())
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_output) -> None or a replacement grad_output, run
        before the module's backward (Note [Module backward hooks])."""
        self.__dict__.setdefault("_backward_pre_hooks", OrderedDict())
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    # ---- registration ----
    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        tensor = _run_registration_hooks(_global_buffer_registration_hooks, self, name, tensor)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        elif param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                             f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                             "the forward() method.")
        else:
            self._parameters[name] = _run_registration_hooks(_global_parameter_registration_hooks, self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = _run_registration_hooks(_global_module_registration_hooks, self, name, module)

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Replaces (or, unless strict, adds) the submodule at dotted path `target`."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        *parent_path, name = target.split(".")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent = self.get_submodule(".".join(parent_path)) if parent_path else self
        if strict and not hasattr(parent, name):
            raise AttributeError(parent._get_name() + " has no attribute `" + name + "`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError("`" + name + "` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, param_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        module_path, _, buffer_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        if buffer_name not in mod._buffers:
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return getattr(mod, buffer_name)

    # ---- attribute protocol ----
    def __getattr__(self, name: str) -> Tensor | Module:
        d = self.__dict__
        if "_parameters" in d:
            if name in d["_parameters"]:
                return d["_parameters"][name]
            if name in d["_buffers"]:
                return d["_buffers"][name]
            if name in d["_modules"]:
                return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__

        def remove_from(*dicts_or_sets):
            for s in dicts_or_sets:
                if name in s:
                    if isinstance(s, dict):
                        del s[name]
                    else:
                        s.discard(name)

        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(d, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            remove_from(d, self._parameters, self._buffers, self._non_persistent_buffers_set)
            modules[name] = _run_registration_hooks(_global_module_registration_hooks, self, name, value)
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = _run_registration_hooks(_global_module_registration_hooks, self, name, value)
            return
        buffers = d.get("_buffers")
        if isinstance(value, Buffer):
            if buffers is None:
                raise AttributeError("cannot assign buffer before Module.__init__() call")
            # no clearing first, as PyTorch: a plain attribute, parameter or module of that name is
            # register_buffer's KeyError / the TypeErrors above
            self.register_buffer(name, value, value.persistent)
            return
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            buffers[name] = _run_registration_hooks(_global_buffer_registration_hooks, self, name, value)
            return
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """PyTorch compiles the module's __call__ in place; tensorcore runs it
        eagerly, so this only checks the arguments as tensorcore.compile does
        (the module, its repr and its state_dict keys stay as they are)."""
        from ..._compile import compile as compile_callable
        compile_callable(self.__call__, *args, **kwargs)

    def __dir__(self):
        module_attrs = dir(self.__class__)
        attrs = list(self.__dict__.keys())
        keys = module_attrs + attrs + list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    def __setstate__(self, state: Any) -> None:
        self.__dict__.update(state)
        for k, default in (("_forward_hooks_with_kwargs", {}), ("_forward_pre_hooks_with_kwargs", {}),
                           ("_non_persistent_buffers_set", set()), ("_state_dict_hooks", OrderedDict()),
                           ("_load_state_dict_post_hooks", OrderedDict()), ("_backward_hooks", OrderedDict()),
                           ("_backward_pre_hooks", OrderedDict())):
            if k not in self.__dict__:
                self.__dict__[k] = default

    # ---- traversal ----
    def _named_members(self, get_members_fn, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ("." if module_prefix else "") + k, v)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        yield from self._named_members(lambda m: m._parameters.items(), prefix=prefix, recurse=recurse,
                                       remove_duplicate=remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members(lambda m: m._buffers.items(), prefix=prefix, recurse=recurse,
                                       remove_duplicate=remove_duplicate)

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    def named_modules(self, memo: set[Module] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        # memo holds the modules themselves, as in PyTorch, so a caller's memo={some_module}
        # skips that module and its subtree.
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                submodule_prefix = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, submodule_prefix, remove_duplicate)

    # ---- modes and gradients ----
    def train(self: _M, mode: bool = True) -> _M:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: _M) -> _M:
        return self.train(False)

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    # ---- conversion ----
    def _apply(self, fn, recurse=True):
        if recurse:
            for module in self.children():
                module._apply(fn)
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                param_applied = fn(param)
            if param_applied is not param:
                param.data = param_applied
            if param.grad is not None:
                with no_grad():
                    grad_applied = fn(param.grad)
                if grad_applied is not param.grad:
                    param.grad = grad_applied
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def apply(self: _M, fn: Callable[[Module], None]) -> _M:
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self: _M, *args: Any, **kwargs: Any) -> _M:
        """Casts floating point parameters and buffers to a dtype and device
        (a device with no backend raises when the module holds tensors, as in
        PyTorch)."""
        from ..._args import dtype_arg, device_arg
        dev, dtype = _parse_module_to(args, kwargs)
        dev = device_arg(dev, "to", check=False)
        if dtype is not None:
            dtype = dtype_arg(dtype, "to")
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                f"dtype={dtype}")
            if dtype.is_complex:
                import warnings
                warnings.warn("Complex modules are a new feature under active development whose design may change, "
                              "and some modules might not work as expected when using complex tensors as "
                              "parameters or buffers. Please file an issue at "
                              "https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a complex "
                              "module does not work as expected.", stacklevel=2)
        fmt = kwargs.get("memory_format")
        if dtype is None and dev is None and fmt is None:
            return self

        def convert(t):  # integer buffers (num_batches_tracked) keep their dtype
            to_dtype = dtype if dtype is not None and (t.is_floating_point() or t.is_complex()) else None
            if fmt is not None and t.dim() in (4, 5):  # PyTorch converts the 4-D and 5-D tensors only
                return t.to(dev, to_dtype, memory_format=fmt)
            return t.to(dev, to_dtype)
        return self._apply(convert)

    def float(self: _M) -> _M:
        from ..._dtype import float32
        return self._apply(lambda t: t.to(float32) if t.is_floating_point() else t)

    def double(self: _M) -> _M:
        from ..._dtype import float64
        return self._apply(lambda t: t.to(float64) if t.is_floating_point() else t)

    def half(self: _M) -> _M:
        from ..._dtype import float16
        return self._apply(lambda t: t.to(float16) if t.is_floating_point() else t)

    def bfloat16(self: _M) -> _M:
        from ..._dtype import bfloat16
        return self._apply(lambda t: t.to(bfloat16) if t.is_floating_point() else t)

    def type(self: _M, dst_type: Any) -> _M:
        return self._apply(lambda t: t.type(dst_type))  # Tensor.type's checks, as PyTorch

    def cpu(self: _M) -> _M:
        return self._apply(lambda t: t.cpu())

    def cuda(self: _M, device: Any = None) -> _M:
        return self._apply(lambda t: t.cuda(device))

    def share_memory(self: _M) -> _M:
        """Moves parameters and buffers into shared memory (Tensor.share_memory_)."""
        for t in list(self.parameters()) + list(self.buffers()):
            t.share_memory_()
        return self

    # ---- state dict ----
    # Note [Extra state]: a module class that overrides get_extra_state() saves what it returns under
    # "<prefix>_extra_state" in state_dict(), and load_state_dict() hands that entry to its
    # set_extra_state() (a missing entry is a missing key under strict). Classes that do not override
    # them have no such key, as in PyTorch.
    def get_extra_state(self) -> Any:
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. Please "
                           "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def set_extra_state(self, state: Any) -> None:
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. Please "
                           "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """An OrderedDict of parameters and persistent buffers (detached unless
        keep_vars), keyed by dotted path in registration order."""
        if args:  # deprecated positional form state_dict(destination, prefix, keep_vars)
            if destination is None:  # PyTorch warns only when the first positional is used
                warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                              "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                              " for details.", FutureWarning, stacklevel=2)
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        # Note [state_dict _metadata]: every module records {"version": cls._version} under its
        # prefix (without the trailing dot) in destination._metadata; load_state_dict hands that
        # dict to _load_from_state_dict as local_metadata, where a module whose format changed
        # (BatchNorm at version 2 added num_batches_tracked) upgrades an older checkpoint.
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self.__dict__.get("_state_dict_pre_hooks", {}).values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, local_metadata)
            if getattr(hook, "_from_public_api", False):
                if result is not None:
                    raise RuntimeError("state_dict post-hook must return None")
            elif result is not None:  # the private _register_state_dict_hook may replace it
                destination = result
        return destination

    def register_state_dict_pre_hook(self, hook: Any) -> Any:
        """hook(module, prefix, keep_vars), run before state_dict() saves this module."""
        self.__dict__.setdefault("_state_dict_pre_hooks", OrderedDict())
        handle = RemovableHandle(self._state_dict_pre_hooks)
        self._state_dict_pre_hooks[handle.id] = hook
        return handle

    def register_state_dict_post_hook(self, hook: Any) -> Any:
        """hook(module, state_dict, prefix, local_metadata) -> None (it edits state_dict in place)."""
        hook._from_public_api = True  # PyTorch marks it so (a non-function is an AttributeError here, as there)
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def _register_state_dict_hook(self, hook: Any) -> Any:
        """The private form some libraries use: hook(module, state_dict, prefix, local_metadata) may return
        a replacement state_dict."""
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError("Cannot register the same function as the state dict post hook that was "
                               "previously registered via register_state_dict_post_hook")
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def register_load_state_dict_post_hook(self, hook: Any) -> Any:
        handle = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[handle.id] = hook
        return handle

    def register_load_state_dict_pre_hook(self, hook: Any) -> Any:
        """hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs), run before load_state_dict() loads this module (it may edit state_dict)."""
        self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = hook
        return handle

    def _register_load_state_dict_pre_hook(self, hook: Any, with_module: bool = False) -> Any:
        """PyTorch's older private form (weight_norm's checkpoint compatibility hook,
        third-party code): hook(state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs), with the module first only when with_module=True."""
        if with_module:
            return self.register_load_state_dict_pre_hook(hook)

        def without_module(module, *args):
            return hook(*args)
        return self.register_load_state_dict_pre_hook(without_module)

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Parameters and buffers replaced by uninitialised tensors of the same shape on `device`."""
        from ... import empty_like
        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        for hook in self.__dict__.get("_load_state_dict_pre_hooks", {}).values():
            hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent_buffers = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items())
                       if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = state_dict[key]
            if not isinstance(input_param, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                                  f"object from checkpoint but received {type(input_param)}")
                continue
            from .lazy import _is_lazy  # placeholders have no shape yet (Note [Lazy initialisation])
            if _is_lazy(param):
                if not _is_lazy(input_param):  # only a lazy module can take a real tensor: its own loader
                    error_msgs.append(f'While copying the parameter named "{key}", an uninitialized parameter '
                                      "cannot take a value before the module's first forward.")
                continue  # one placeholder loaded into another: nothing to copy
            input_param.shape  # an uninitialized input raises PyTorch's RuntimeError here
            if param.dim() == 0 and input_param.dim() == 1 and input_param.shape[0] == 1:
                input_param = input_param[0]
            if tuple(input_param.shape) != tuple(param.shape):
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {input_param.shape} from "
                                  f"checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                with no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            if not isinstance(input_param, Parameter):
                                input_param = Parameter(input_param, requires_grad=param.requires_grad)
                            else:
                                input_param.requires_grad_(param.requires_grad)
                        setattr(self, name, input_param)
                    else:
                        param.copy_(input_param)
            except Exception as ex:  # noqa: BLE001 - reported with the key, as PyTorch does
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                                  f"{param.size()} and whose dimensions in the checkpoint are {input_param.size()}, "
                                  f"an exception occurred : {ex.args}.")
        extra_state_key = prefix + "_extra_state"
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_state_key in state_dict:
                self.set_extra_state(state_dict[extra_state_key])
            elif strict:
                missing_keys.append(extra_state_key)
        elif strict and extra_state_key in state_dict:
            unexpected_keys.append(extra_state_key)
        if strict:
            for key in state_dict.keys():
                if key == extra_state_key:
                    continue  # handled above
                if key.startswith(prefix):
                    input_name = key[len(prefix):].split(".", 1)
                    if len(input_name) > 1:
                        if input_name[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif input_name[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> Any:
        """Copies parameters and buffers from `state_dict`. With strict=True
        (the default) missing or unexpected keys raise RuntimeError listing
        them; shape mismatches always raise. Returns
        (missing_keys, unexpected_keys)."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)  # Note [state_dict _metadata]
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True, missing_keys,
                                         unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)
            incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible) is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not "
                                         "expected to return new values.")

        load(self, state_dict)
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self.__class__.__name__, "\n\t".join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ---- printing ----
    def _get_name(self):
        return self.__class__.__name__

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra_lines = []
        extra_repr = self.extra_repr()
        if extra_repr:
            extra_lines = extra_repr.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append("(" + key + "): " + mod_str)
        lines = extra_lines + child_lines
        main_str = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += "\n  " + "\n  ".join(lines) + "\n"
        return main_str + ")"
