"""ScriptModule / ScriptFunction: what torch.jit.script and torch.jit.trace
return, run eagerly.

Note [Script modules run a private copy of the module tree]
PyTorch's torch.jit.script(module) builds a new module whose parameters and
buffers are the original's tensors (`scripted.fc.weight is model.fc.weight`)
but whose other state is its own: `scripted.eval()` leaves `model.training`
alone, replacing `model.fc.weight` later does not reach the scripted module.
tensorcore reproduces that with a private shallow copy of every module of
the tree (the same class, the same attribute values, new containers: its own
_parameters/_buffers/_modules dicts holding the same tensors, its own hook
dicts holding the hooks registered so far). The ScriptModule wrapper of each
copy shares that copy's _parameters/_buffers dicts (so named_parameters(),
state_dict(), load_state_dict(), to() and assignments see exactly what the
copy's forward uses) and holds the wrappers of its children in _modules
(so the repr, named_modules() and `scripted.fc` are ScriptModules, as in
PyTorch). `training` is a property reading and writing the copy's flag.
Calling the wrapper calls the copy, eagerly, under the is_scripting /
is_tracing flags of Note [is_scripting and is_tracing in eager emulation].
"""
import copy
import types
from typing import Any

from ..nn.modules.module import Module
from . import _state
from ._state import FunctionModifiers

# Methods that compiled code runs (the others stay Python: @ignore, @unused).
_COMPILED_MODIFIERS = (None, FunctionModifiers.EXPORT, FunctionModifiers.DEFAULT)

__all__ = ["ScriptModule", "RecursiveScriptModule", "ScriptFunction", "TracedModule", "TopLevelTracedModule",
           "script", "freeze", "optimize_for_inference"]

_HOOK_DICTS = ("_forward_hooks", "_forward_hooks_with_kwargs", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs",
               "_backward_hooks", "_backward_pre_hooks", "_state_dict_hooks", "_load_state_dict_post_hooks",
               "_forward_hooks_always_called", "_state_dict_pre_hooks", "_load_state_dict_pre_hooks")


def _private_copy(module, memo, originals=None):
    """A shallow copy of `module` and, recursively, of its children, with
    containers of its own (Note [Script modules run a private copy of the
    module tree]); a submodule shared by two parents stays shared."""
    if module is None:
        return None
    if id(module) in memo:
        return memo[id(module)]
    # The same class and attribute values, bypassing __getstate__/__setstate__
    # (a module may drop caches there; the copy must be exactly the module).
    twin = object.__new__(type(module))
    memo[id(module)] = twin
    if originals is not None:
        originals[id(twin)] = module
    d = twin.__dict__
    d.update(module.__dict__)
    d["_parameters"] = dict(module._parameters)
    d["_buffers"] = dict(module._buffers)
    d["_non_persistent_buffers_set"] = set(module._non_persistent_buffers_set)
    for name in _HOOK_DICTS:
        if name in d:
            d[name] = copy.copy(d[name])
    d["_modules"] = {k: _private_copy(child, memo, originals) for k, child in module._modules.items()}
    return twin


class ScriptModule(Module):
    """Base class of what torch.jit.script(module) and torch.jit.trace(module)
    return: a module running its private copy of the original eagerly (Note
    [Script modules run a private copy of the module tree])."""

    # Attributes the wrapper keeps in its own __dict__; any other plain
    # attribute is the module copy's (it is what forward reads).
    _own_attributes = frozenset({"_impl", "original_name", "_frozen", "_original"})

    # Note [ScriptModule subclasses]
    # Old TorchScript code subclasses torch.jit.ScriptModule and marks its
    # methods with @torch.jit.script_method. Such an instance is an ordinary
    # module here (no _impl: its own forward runs, its training flag is its
    # own), except that a module assigned to it is scripted, as PyTorch
    # does: print(m) shows `(fc): RecursiveScriptModule(original_name=Linear)`.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Module.__init__(self, *args, **kwargs)

    @classmethod
    def _wrap(cls, impl, child_cls=None, originals=None):
        """The wrapper tree over `impl`, a private copy (see the Note). A
        submodule reachable by two paths gets one wrapper per path over the
        same copy, as PyTorch's script modules do (named_modules lists both
        paths; the shared parameters are listed once)."""
        self = cls.__new__(cls)
        Module.__init__(self)
        d = self.__dict__
        del d["training"]  # the property reads the copy's flag
        d["_impl"] = impl
        d["original_name"] = type(impl).__name__
        d["_frozen"] = False
        # the user's module this copy was made from (scripted containers index into it, as PyTorch's do)
        d["_original"] = (originals or {}).get(id(impl), impl)
        d["_parameters"] = impl._parameters
        d["_buffers"] = impl._buffers
        d["_non_persistent_buffers_set"] = impl._non_persistent_buffers_set
        sub = child_cls or cls
        d["_modules"] = {k: (None if c is None else sub._wrap(c, originals=originals))
                         for k, c in impl._modules.items()}
        return self

    @property
    def training(self) -> bool:  # type: ignore[override]
        d = self.__dict__
        if "_impl" not in d:  # Note [ScriptModule subclasses]
            return d.get("training", True)
        if d.get("_frozen"):  # a frozen module has no `training` attribute in PyTorch
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'training'")
        return d["_impl"].training

    @training.setter
    def training(self, mode: bool) -> None:
        d = self.__dict__
        if "_impl" not in d:
            d["training"] = mode
        elif not d.get("_frozen"):
            d["_impl"].training = mode

    def _compiled_state(self):
        """The flag compiled code of this module runs under: is_tracing for a
        traced module (and for a module traced as a RecursiveScriptModule, see
        trace_module), is_scripting otherwise."""
        return _state.tracing() if self.__dict__.get("_traced") else _state.scripting()

    def _run(self, args, kwargs):
        with self._compiled_state():
            return self._impl(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if "_impl" not in self.__dict__:
            return Module.forward(self, *args, **kwargs)
        return self._run(args, kwargs)

    def extra_repr(self) -> str:
        if "_impl" not in self.__dict__:
            return ""
        return f"original_name={self.original_name}"

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if "_impl" not in d and name != "training":  # Note [ScriptModule subclasses]
            if isinstance(value, Module) and not isinstance(value, ScriptModule):
                value = script(value)
            Module.__setattr__(self, name, value)
            return
        if name in self._own_attributes or name == "training":
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Module):
            if not isinstance(value, ScriptModule) or "_impl" not in value.__dict__:
                raise RuntimeError("Cannot re-assign modules in a ScriptModule with non-scripted module, tried to "
                                   f"replace existing module '{name}': {value!r}")
            # A scripted child: the copy runs its private copy, the wrapper shows the ScriptModule itself.
            setattr(d["_impl"], name, value.__dict__["_impl"])
            d["_modules"][name] = value
            return
        if name in d["_parameters"] or name in d["_buffers"] or name in d["_modules"] or \
                type(value).__name__ == "Parameter" or getattr(value, "_is_buffer", False):
            Module.__setattr__(self, name, value)  # the dicts are the copy's own: forward sees it
            return
        setattr(d["_impl"], name, value)

    # state_dict and load_state_dict go through the copy's own (possibly
    # overridden) methods: BatchNorm's version upgrade, get_extra_state, ...
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        d = self.__dict__
        if "_impl" not in d:
            Module._save_to_state_dict(self, destination, prefix, keep_vars)
        elif not d["_frozen"]:
            d["_impl"]._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        owner = self.__dict__.get("_impl", None)
        if owner is None:
            Module._load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                                         unexpected_keys, error_msgs)
            return
        owner._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                    error_msgs)

    def save(self, f: Any, **kwargs: Any) -> None:
        """torch.jit.save(self, f): see tensorcore.jit.save."""
        from ._serialization import save
        save(self, f, **kwargs)

    def __deepcopy__(self, memo):
        cls = type(self)
        new = cls.__new__(cls)
        memo[id(self)] = new
        for k, v in self.__dict__.items():
            new.__dict__[k] = copy.deepcopy(v, memo)
        return new


class RecursiveScriptModule(ScriptModule):
    """What torch.jit.script(module) returns; printed as PyTorch prints it:
    `RecursiveScriptModule(original_name=Linear)`."""

    def _get_name(self):
        return "RecursiveScriptModule"

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if name.startswith("__") or "_impl" not in d or (name == "training" and d.get("_frozen")):
            return Module.__getattr__(self, name)
        try:
            return Module.__getattr__(self, name)
        except AttributeError:
            pass
        # Constants, attributes and methods of the scripted module: the copy's.
        try:
            value = getattr(d["_impl"], name)
        except AttributeError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'") from None
        if getattr(value, "_jit_method_stub", False):  # Note [Unused methods in scripted code]
            return getattr(type(d["_impl"]), name).__get__(d["_impl"])
        if isinstance(value, types.MethodType) and value.__self__ is d["_impl"] and \
                getattr(value.__func__, "_torchscript_modifier", None) in _COMPILED_MODIFIERS:
            # A compiled method (exported, or called from forward) runs as compiled code; an ignored or
            # unused one stays Python.
            method = value

            def compiled_method(*args: Any, **kwargs: Any) -> Any:
                with self._compiled_state():
                    return method(*args, **kwargs)
            compiled_method.__name__ = name
            return compiled_method
        return value

    # A scripted container indexes and iterates the original container: PyTorch
    # hands back the user's own submodules there (`scripted[0] is seq[0]`).
    def __getitem__(self, idx: Any) -> Any:
        return self._original[idx]

    def __len__(self) -> int:
        return len(self._original)

    def __iter__(self):
        return iter(self._original)

    def __contains__(self, key: Any) -> bool:
        return key in self._original

    def _refuse_hook(self, what):
        raise RuntimeError(f"{what} is not supported on ScriptModules")

    def register_forward_hook(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_hook("register_forward_hook")

    def register_forward_pre_hook(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_hook("register_forward_pre_hook")

    def register_full_backward_hook(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_hook("register_full_backward_hook")

    def register_full_backward_pre_hook(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_hook("register_full_backward_pre_hook")

    def register_backward_hook(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_hook("register_backward_hook")


class TracedModule(ScriptModule):
    """A submodule of a traced module: printed under its original class name,
    `Linear(original_name=Linear)`; only its parameters, buffers and
    submodules are attributes (PyTorch's trace keeps nothing else)."""

    def _get_name(self):
        return self.original_name

    def _compiled_state(self):  # Note [is_scripting and is_tracing in eager emulation]
        return _state.tracing()

    def __getattr__(self, name: str) -> Any:
        try:
            return Module.__getattr__(self, name)
        except AttributeError:
            # PyTorch's message names RecursiveScriptModule here too
            raise AttributeError(f"'RecursiveScriptModule' object has no attribute '{name}'") from None


class TopLevelTracedModule(TracedModule):
    """What torch.jit.trace(module, example_inputs) returns."""


def _is_function_like(obj):
    return isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType, ScriptFunction))


class ScriptFunction:
    """What torch.jit.script(fn) and torch.jit.trace(fn, example) return: a
    callable whose calls are fn's calls (values and autograd alike), run
    eagerly. `name` and `qualified_name` are PyTorch's; `.code`, `.graph`
    and `.schema` are not given (there is no TorchScript IR to show)."""

    def __init__(self, fn, traced=False):
        self._fn = fn
        self._traced = traced
        self.__wrapped__ = fn
        self.__doc__ = getattr(fn, "__doc__", None)

    @property
    def name(self) -> str:
        return getattr(self._fn, "__name__", type(self._fn).__name__)

    @property
    def qualified_name(self) -> str:
        module = getattr(self._fn, "__module__", None)
        if not module or module == "__main__":
            return "__torch__." + self.name
        return f"__torch__.{module}.{self.name}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with (_state.tracing() if self._traced else _state.scripting()):
            return self._fn(*args, **kwargs)

    def save(self, f: Any, **kwargs: Any) -> None:
        from ._serialization import save
        save(self, f, **kwargs)

    def __reduce__(self):
        # `@script def f` leaves the ScriptFunction under f's name and the plain
        # function nowhere: pickle it by that name then (jit.save, deepcopy).
        module_name = getattr(self._fn, "__module__", None)
        qualname = getattr(self._fn, "__qualname__", None)
        if module_name and qualname and _lookup_global(module_name, qualname, missing=None) is self:
            return (_lookup_global, (module_name, qualname))
        return (ScriptFunction, (self._fn, self._traced))

    def __repr__(self) -> str:
        return f"<tensorcore.jit.ScriptFunction object at {hex(id(self))}>"


def _lookup_global(module_name, qualname, missing=AttributeError):
    """The object named `qualname` in module `module_name` (imported)."""
    import importlib
    try:
        obj = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        if missing is AttributeError:
            raise
        return missing
    return obj


# Note [Unused methods in scripted code]
# PyTorch compiles a call to an @torch.jit.unused method into a raise: the
# scripted module's forward fails with torch.jit.Error when it reaches one,
# while calling the method on the scripted module directly runs the Python.
# script() reproduces that by giving each private copy an instance attribute
# per unused method that raises (forward's `self.method(...)` finds it first);
# an @ignore'd method gets one that runs it with is_scripting() False (PyTorch
# calls back into Python). RecursiveScriptModule.__getattr__ skips these stubs
# and hands out the Python method. trace() installs none: tracing runs Python.
class _UnusedStub:
    """Stands for an @unused method inside scripted code (a class, not a
    closure, so that jit.save can pickle the module)."""
    _jit_method_stub = True

    def __init__(self, name):
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise _state.Error("The following operation failed in the TorchScript interpreter.\n"
                           "Traceback of TorchScript (most recent call last):\n"
                           f"  calling {self.name}, marked @torch.jit.unused\n"
                           "RuntimeError: This Python function is annotated to be ignored and cannot be run")


class _IgnoredMethod:
    """Stands for an @ignore'd method inside scripted code: it runs the
    Python method with is_scripting() False, as PyTorch's call back into
    Python does."""
    _jit_method_stub = True

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with _state.outside_scripting():
            return getattr(type(self.module), self.name)(self.module, *args, **kwargs)


def _stub_python_methods(module):
    """Installs the stubs of Note [Unused methods in scripted code] on every
    private copy: @unused methods raise, @ignore'd ones run as Python."""
    for copy_ in module.modules():
        for name in dir(type(copy_)):
            attr = getattr(type(copy_), name, None)
            if not isinstance(attr, types.FunctionType):
                continue
            modifier = getattr(attr, "_torchscript_modifier", None)
            if modifier == FunctionModifiers.UNUSED:
                copy_.__dict__[name] = _UnusedStub(name)
            elif modifier == FunctionModifiers.IGNORE:
                copy_.__dict__[name] = _IgnoredMethod(copy_, name)


def script(obj: Any, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None, example_inputs: Any = None) -> Any:
    """torch.jit.script, run eagerly: a module becomes a RecursiveScriptModule
    over a private copy of it (Note [Script modules run a private copy of the
    module tree]); a function a ScriptFunction; a class is returned as it is;
    what is already scripted is returned unchanged. The code is not checked
    for TorchScript compatibility: whatever runs in Python runs."""
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    if isinstance(obj, Module):
        originals: dict = {}
        impl = _private_copy(obj, {}, originals)
        _stub_python_methods(impl)
        return RecursiveScriptModule._wrap(impl, originals=originals)
    if isinstance(obj, type):
        return obj  # a TorchScript class: PyTorch compiles it and returns the class itself
    if isinstance(obj, (list, dict)):
        return obj  # PyTorch's ScriptList / ScriptDict hold the same elements
    if _is_function_like(obj):
        return ScriptFunction(obj)
    if callable(obj):
        return ScriptFunction(obj)
    # PyTorch reads the source of the object's class, which a builtin has not
    raise TypeError(f"{type(obj)} is a built-in class" if type(obj).__module__ == "builtins"
                    else f"torch.jit.script cannot compile an object of type {type(obj).__name__}: pass an "
                         "nn.Module, a function or a class")


def _check_script_module(mod, what):
    if not isinstance(mod, ScriptModule):
        raise RuntimeError(f"{what} expects a ScriptModule as input. "
                           "Please use torch.jit.script or torch.jit.trace to script your 'nn.Module'.")


def freeze(mod: Any, preserved_attrs: Any = None, optimize_numerics: bool = True) -> Any:
    """torch.jit.freeze: a RecursiveScriptModule whose parameters and buffers
    became constants (copied: later changes to `mod` do not reach it, and
    nothing requires grad), with no submodules, parameters or `training`
    attribute, as PyTorch's frozen module. It runs `mod` as it was, in eval
    mode."""
    _check_script_module(mod, "Freezing")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. "
                           "Please call .eval() on your module before freezing.")
    constant = copy.deepcopy(mod._impl)
    for p in constant.parameters():
        p.requires_grad_(False)
    out = RecursiveScriptModule.__new__(RecursiveScriptModule)
    Module.__init__(out)
    d = out.__dict__
    del d["training"]
    d["_impl"] = constant
    d["_original"] = constant
    d["original_name"] = mod.original_name
    d["_frozen"] = True
    return out


def optimize_for_inference(mod: Any, other_methods: Any = None) -> Any:
    """torch.jit.optimize_for_inference: freezes the module in eval mode
    (PyTorch also fuses and rewrites ops; the values are the same)."""
    _check_script_module(mod, "optimize_for_inference")
    if not mod._frozen:
        mod = freeze(mod.eval(), preserved_attrs=other_methods)
    return mod
