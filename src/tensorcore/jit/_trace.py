"""torch.jit.trace, run eagerly.

Note [What trace runs]
PyTorch's trace runs the function once on the example inputs while
recording (is_tracing() True), and with check_trace=True (the default) runs
it twice more to check the recording: once more while recording, on copies
of the inputs, then once plainly (is_tracing() False) to compare outputs.
Code with side effects (a print in forward, a counter) shows those three
runs, so tensorcore makes the same three Python calls in that order. The
traced result then runs the code eagerly with is_tracing() True (Note
[is_scripting and is_tracing in eager emulation]). What PyTorch's recorded
graph cannot show is not reproduced: data-dependent branches are
re-evaluated on each call (a graph keeps the traced branch), and Python side
effects in forward happen on every call (a graph has none).
"""
import warnings
from typing import Any

from ..nn.modules.module import Module
from ._script import (RecursiveScriptModule, ScriptFunction, ScriptModule, TopLevelTracedModule, TracedModule,
                      _private_copy)
from . import _state
from ._state import FunctionModifiers

__all__ = ["trace", "trace_module"]


def _example_args(example_inputs):
    from .. import Tensor
    if example_inputs is None:
        return ()
    if isinstance(example_inputs, (Tensor, dict)):
        return (example_inputs,)
    return tuple(example_inputs)  # an int raises TypeError: 'int' object is not iterable, as in PyTorch


def _clone_inputs(value):
    """Copies of the example inputs for the checking runs (PyTorch clones
    them so that an in-place op in forward does not change the next run)."""
    from .. import Tensor
    if isinstance(value, Tensor):
        out = value.detach().clone()
        return out.requires_grad_(value.requires_grad) if value.is_leaf else out
    if isinstance(value, tuple):
        return tuple(_clone_inputs(v) for v in value)
    if isinstance(value, list):
        return [_clone_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: _clone_inputs(v) for k, v in value.items()}
    return value


def _run_example(call, args, kwargs, check_trace):
    """The example runs of Note [What trace runs]."""
    with _state.tracing():
        call(*args, **kwargs)
    if check_trace:
        with _state.tracing():
            call(*_clone_inputs(args), **_clone_inputs(kwargs))
        call(*_clone_inputs(args), **_clone_inputs(kwargs))


def _has_exported_methods(mod):
    """PyTorch's test: a callable attribute of the module marked @torch.jit.export."""
    for name in dir(type(mod)):
        item = getattr(type(mod), name, None)
        if callable(item) and getattr(item, "_torchscript_modifier", None) == FunctionModifiers.EXPORT:
            return True
    return False


def trace(func: Any, example_inputs: Any = None, optimize: Any = None, check_trace: bool = True,
          check_inputs: Any = None, check_tolerance: float = 1e-05, strict: bool = True,
          _force_outplace: bool = False, _module_class: Any = None, _compilation_unit: Any = None,
          example_kwarg_inputs: Any = None, _store_inputs: bool = True) -> Any:
    """torch.jit.trace: runs `func` on the example inputs (Note [What trace
    runs]) and returns a TopLevelTracedModule (for a module) or a
    ScriptFunction (for a function) that runs it eagerly."""
    if isinstance(func, (ScriptModule, ScriptFunction)):
        warnings.warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object "
                      "as is.", stacklevel=2)
        return func
    if example_kwarg_inputs is not None and not isinstance(example_kwarg_inputs, dict):
        raise RuntimeError("example_kwarg_inputs should be a dict")
    if isinstance(func, Module):
        if example_inputs is None and example_kwarg_inputs is None:
            raise RuntimeError("example_kwarg_inputs should be a dict")
        inputs = example_inputs if example_inputs is not None else ()
        return trace_module(func, {"forward": inputs}, check_trace=check_trace, check_inputs=check_inputs,
                            check_tolerance=check_tolerance, strict=strict,
                            example_inputs_is_kwarg=example_kwarg_inputs is not None,
                            _example_kwargs=example_kwarg_inputs)
    if not callable(func):
        # PyTorch's message: it looks up the name of the object's class
        raise RuntimeError(f"Could not get name of python class object (torch.jit.trace expects a function or an "
                           f"nn.Module, got {type(func).__name__})")
    if example_inputs is None and example_kwarg_inputs is None:
        raise TypeError("'NoneType' object is not iterable")
    args = _example_args(example_inputs)
    _run_example(func, args, example_kwarg_inputs or {}, check_trace)
    return ScriptFunction(func, traced=True)


def trace_module(mod: Any, inputs: Any, optimize: Any = None, check_trace: bool = True, check_inputs: Any = None,
                 check_tolerance: float = 1e-05, strict: bool = True, _force_outplace: bool = False,
                 _module_class: Any = None, _compilation_unit: Any = None, example_inputs_is_kwarg: bool = False,
                 _store_inputs: bool = True, _example_kwargs: Any = None) -> Any:
    """torch.jit.trace_module: `inputs` maps method names to example inputs;
    each method is run as Note [What trace runs] describes."""
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    originals: dict = {}
    impl = _private_copy(mod, {}, originals)
    if _has_exported_methods(mod):
        # PyTorch scripts a module with @torch.jit.export methods (tracing only forward):
        # it prints and behaves as a RecursiveScriptModule whose forward is traced code.
        traced = RecursiveScriptModule._wrap(impl, originals=originals)
        for wrapper in traced.modules():
            wrapper.__dict__["_traced"] = True
    else:
        traced = TopLevelTracedModule._wrap(impl, child_cls=TracedModule, originals=originals)
    for method_name, example in inputs.items():
        if _example_kwargs is not None:
            args, kwargs = (), dict(_example_kwargs)
        elif example_inputs_is_kwarg and isinstance(example, dict):
            args, kwargs = (), example
        else:
            args, kwargs = _example_args(example), {}
        call = impl if method_name == "forward" else getattr(impl, method_name)
        _run_example(call, args, kwargs, check_trace)
    return traced
