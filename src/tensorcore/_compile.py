"""tensorcore.compile: accepted, and run eagerly.

tensorcore has no graph compiler. `compile(fn)` returns the function
unchanged (and `@compile(...)` too), so programs written for torch.compile
run eagerly with the same results. `compile(module)` wraps the module as
PyTorch does, in an OptimizedModule whose forward is the module's own call:
see Note [The compiled-module wrapper]. Arguments are checked as PyTorch
checks them.
"""
from typing import Any

from .nn.modules.module import Module

__all__ = ["compile"]


# Note [The compiled-module wrapper]
# PyTorch's torch.compile(module) returns an OptimizedModule holding the module
# as its child `_orig_mod`, and programs see that wrapper: print(model) shows
# "OptimizedModule(\n  (_orig_mod): ...)", state_dict()/named_parameters() keys
# start with "_orig_mod.", model._orig_mod is the original, and any other
# attribute read or write goes through to the original (model.weight,
# model.foo = 1). tensorcore builds the same wrapper so those outputs match;
# calling it calls the original module (its hooks included), eagerly.
class OptimizedModule(Module):
    """What compile(module) returns: the module as child `_orig_mod`, every
    other attribute forwarded to it (Note [The compiled-module wrapper])."""

    # Attributes the wrapper keeps itself; every other write lands on _orig_mod.
    _own_attributes = frozenset({"_orig_mod", "forward", "training", "__dict__"})

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._orig_mod = mod  # registered as the child module "_orig_mod"
        self.training = mod.training

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Only reached when ordinary lookup fails. Read __dict__ directly: during
        # unpickling and copying the wrapper may not be initialised yet.
        modules = self.__dict__.get("_modules")
        if modules is None or "_orig_mod" not in modules:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if name == "_orig_mod":
            return modules["_orig_mod"]
        return getattr(modules["_orig_mod"], name)

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or name in OptimizedModule._own_attributes or "_modules" not in self.__dict__:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if hasattr(type(self), name) or name in OptimizedModule._own_attributes:
            return super().__delattr__(name)
        return delattr(self._orig_mod, name)

    def __len__(self) -> int:
        if hasattr(type(self._orig_mod), "__len__"):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")

    def __reduce__(self):
        # copy.deepcopy / pickle rebuild the wrapper around a copy of the original, as PyTorch's
        return (type(self), (self._orig_mod,))

    def __dir__(self):
        own = self._orig_mod.__dir__()
        return own + [name for name in super().__dir__() if name not in own]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            name=None, disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """A Module wrapped in an OptimizedModule (Note [The compiled-module
    wrapper]), any other callable unchanged (tensorcore runs eagerly), or, when
    called without a model, a decorator that does that."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        def decorator(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorator
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(model, Module) and not disable:  # disable=True: PyTorch hands the module back unwrapped
        return OptimizedModule(model)
    return model
