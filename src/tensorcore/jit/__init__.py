"""tensorcore.jit: PyTorch's torch.jit as model code uses it, run eagerly.

tensorcore has no TorchScript compiler. What programs touch still works:
- the markers and annotations (is_scripting, is_tracing, annotate, ignore,
  unused, export, interface, Final, _overload_method, script_if_tracing,
  isinstance, Attribute) behave as PyTorch documents for eager code;
- script(module) / trace(module, x) return a RecursiveScriptModule /
  TopLevelTracedModule that runs the module eagerly, with its parameters,
  state_dict, train/eval/to and PyTorch's repr (see _script.py); script(fn)
  and trace(fn, x) return a ScriptFunction whose calls are fn's calls;
- freeze / optimize_for_inference give a frozen module (same values);
- save / load round-trip those objects in tensorcore's own archive format
  (see _serialization.py); a TorchScript archive written by PyTorch is
  refused with an error saying so;
- fork runs the function at once and returns a completed Future, as PyTorch
  does outside TorchScript; wait returns its value.
Left out, because there is no TorchScript IR to show honestly: `.graph`,
`.code`, `.schema`, CompilationUnit, export_opnames,
last_executed_optimized_graph and the flatbuffer functions.
"""
import collections
import contextlib
import typing
import warnings
from typing import Any, Final  # noqa: F401  (torch.jit.Final is typing.Final)

from .. import _C
from ..futures import Future
from ._state import Error, FunctionModifiers, is_scripting, is_tracing
from ._script import (RecursiveScriptModule, ScriptFunction, ScriptModule, TopLevelTracedModule, TracedModule,
                      freeze, optimize_for_inference, script)
from ._trace import trace, trace_module
from ._serialization import load, save
from . import annotations  # noqa: F401  (torch.jit.annotations)

__all__ = ["Attribute", "Error", "Future", "ScriptFunction", "ScriptModule", "annotate", "enable_onednn_fusion",
           "export", "fork", "freeze", "interface", "ignore", "isinstance", "load", "onednn_fusion_enabled",
           "optimize_for_inference", "save", "script", "script_if_tracing", "set_fusion_strategy", "strict_fusion",
           "trace", "trace_module", "unused", "wait", "is_scripting", "is_tracing", "Final",
           "RecursiveScriptModule", "TracedModule", "TopLevelTracedModule"]

_builtin_isinstance = isinstance
Error.__module__ = __name__  # shown and pickled as tensorcore.jit.Error, PyTorch's torch.jit.Error


class TracerWarning(Warning):
    """Warnings of torch.jit.trace (tensorcore's trace emits none)."""


# In eager code torch.jit.Attribute(value, type) is this namedtuple (PyTorch's
# _script.py, when scripting is enabled).
Attribute = collections.namedtuple("Attribute", ["value", "type"])


def annotate(the_type: Any, the_value: Any) -> Any:
    """Returns the_value: the type is for the TorchScript compiler."""
    return the_value


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """Marks a function or method to be left as Python; eagerly nothing
    changes. `@ignore` and `@ignore(drop=...)` both work, as in PyTorch."""
    if callable(drop):
        fn = drop
        fn._torchscript_modifier = FunctionModifiers.IGNORE
        return fn
    if not _builtin_isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")
    drop_on_export = kwargs.pop("drop_on_export", None)
    if drop_on_export:
        warnings.warn("ignore(drop_on_export=True) has been deprecated. TorchScript will now drop the function "
                      "call on compilation. Use torch.jit.unused now. {}", stacklevel=2, category=FutureWarning)
        drop = drop_on_export
    elif drop:
        warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function "
                      "call on compilation. Use torch.jit.unused now. {}", stacklevel=2, category=FutureWarning)

    def decorator(fn):
        fn._torchscript_modifier = FunctionModifiers.UNUSED if drop else FunctionModifiers.IGNORE
        return fn
    return decorator


def unused(fn: Any) -> Any:
    """Marks a function, method or property as unused by TorchScript;
    returns it unchanged."""
    if _builtin_isinstance(fn, property):
        fn.fget._torchscript_modifier = FunctionModifiers.UNUSED
        if fn.fset:
            fn.fset._torchscript_modifier = FunctionModifiers.UNUSED
        return fn
    fn._torchscript_modifier = FunctionModifiers.UNUSED
    return fn


def export(fn: Any) -> Any:
    """Marks a method as a TorchScript entry point; returns it unchanged."""
    fn._torchscript_modifier = FunctionModifiers.EXPORT
    return fn


def _drop(fn: Any) -> Any:
    fn._torchscript_modifier = FunctionModifiers._DROP
    return fn


def interface(obj: Any) -> Any:
    """Marks a class as a TorchScript interface type; returns the class."""
    if not _builtin_isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    is_module_interface = any(c.__name__ == "Module" and c.__module__.endswith("nn.modules.module")
                              for c in obj.__mro__[1:2]) and len(obj.__mro__) == 3
    if not is_module_interface and len(obj.__mro__) > 2:
        raise RuntimeError("TorchScript interface does not support inheritance yet. "
                           "Please directly inherit from 'object' or 'nn.Module'.")
    obj.__torch_script_interface__ = "__torch__." + obj.__qualname__
    return obj


def _check_overload_body(func):
    """An overload declaration's body must be `pass` or `...` (PyTorch
    checks it when the decorator runs; source that cannot be read is not
    checked)."""
    import ast
    import inspect
    import textwrap
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return
    fdef = tree.body[0] if tree.body else None
    if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    body = fdef.body
    if len(body) == 1 and (isinstance(body[0], ast.Pass) or (
            isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and body[0].value.value is Ellipsis)):
        return
    head = "\n".join(source.split("\n")[:3])
    raise RuntimeError("Only `pass` statement or `...` can be the body of overload declaration:\n"
                       f"{head} <- Expecting `pass` or `...` here!\n"
                       "Declare each overload with a `pass` (or `...`) body, then the implementation without "
                       "the decorator.")


def script_method(fn: Any) -> Any:
    """Marks a method of a ScriptModule subclass for compilation; eagerly
    it is the method itself."""
    return fn


def _overload(func: Any) -> Any:
    """A TorchScript overload declaration; eagerly the last definition wins."""
    _check_overload_body(func)
    return func


def _overload_method(func: Any) -> Any:
    """An overloaded method declaration; eagerly the last definition wins."""
    _check_overload_body(func)
    return func


def script_if_tracing(fn: Any) -> Any:
    """Compiles fn only when called during tracing; eagerly it is fn's calls
    either way (a wrapper keeping fn's name, doc and `__original_fn`)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_tracing():
            return fn(*args, **kwargs)
        return script(fn)(*args, **kwargs)
    wrapper.__original_fn = fn  # type: ignore[attr-defined]
    wrapper.__script_if_tracing_wrapper = True  # type: ignore[attr-defined]
    return wrapper


_script_if_tracing = script_if_tracing


def _unwrap_optional(x: Any) -> Any:
    if x is None:
        raise AssertionError("Unwrapping null optional")
    return x


def _matches(obj, target):
    """torch.jit.isinstance's container check in eager code: List[T],
    Dict[K, V], Tuple[...], Optional[T] / Union[...] and plain classes."""
    origin = typing.get_origin(target)
    args = typing.get_args(target)
    if target is Any:
        return True
    if origin is None:
        if target is None or target is type(None):
            return obj is None
        return _builtin_isinstance(obj, target)
    if origin is typing.Union:
        return any(_matches(obj, a) for a in args)
    if origin is list:
        return _builtin_isinstance(obj, list) and all(_matches(v, args[0]) for v in obj) if args else \
            _builtin_isinstance(obj, list)
    if origin is dict:
        if not _builtin_isinstance(obj, dict):
            return False
        return not args or all(_matches(k, args[0]) and _matches(v, args[1]) for k, v in obj.items())
    if origin is tuple:
        if not _builtin_isinstance(obj, tuple):
            return False
        if not args:
            return True
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_matches(v, args[0]) for v in obj)
        return len(obj) == len(args) and all(_matches(v, a) for v, a in zip(obj, args))
    return _builtin_isinstance(obj, origin)


def isinstance(obj: Any, target_type: Any) -> bool:  # noqa: A001  (PyTorch's name)
    """torch.jit.isinstance: isinstance that also checks the element types
    of List/Dict/Tuple/Optional annotations."""
    return _matches(obj, target_type)


def fork(func: Any, *args: Any, **kwargs: Any) -> Future:
    """Outside TorchScript PyTorch runs func at once (an error is raised
    here, not by wait) and returns a completed Future holding its result."""
    result = func(*args, **kwargs)
    fut = Future()
    fut.set_result(result)
    return fut


def wait(future: Any) -> Any:
    """The value of a Future returned by fork."""
    if not _builtin_isinstance(future, Future):
        raise TypeError("wait(): incompatible function arguments. The following argument types are supported:\n"
                        f"    1. (arg0: torch.Future) -> object\n\nInvoked with: {future!r}")
    return future.wait()


class _TracingState:
    """What torch._C._get_tracing_state() returns while tracing (a truthy handle)."""

    def __repr__(self) -> str:
        return "<tensorcore.jit TracingState>"


_TRACING_STATE = _TracingState()


def _get_tracing_state() -> Any:
    """torch._C._get_tracing_state(): the tracing state while trace runs (or
    traced code runs), else None. torchvision's `_is_tracing()` calls it."""
    return _TRACING_STATE if is_tracing() else None


# Note [TorchScript executor switches]
# Training scripts (timm's set_jit_fuser, NVIDIA examples) flip TorchScript's
# executor and fuser switches through torch._C before scripting anything.
# tensorcore has no executor or fuser, so these only keep the values, with
# PyTorch's defaults (CPU build) and return values. The switches themselves are C++ bindings (csrc/bindings/jit_switches.cpp),
# as in PyTorch, so torch._C._jit_set_profiling_executor(...) finds them on the
# compiled module; this module only registers the tracing-state getter.
_C._set_tracing_state_getter(_get_tracing_state)


def enable_onednn_fusion(enabled: bool) -> None:
    """Records the oneDNN graph fuser switch (tensorcore has no fuser)."""
    _C._jit_set_llga_enabled(enabled)


def onednn_fusion_enabled() -> bool:
    return _C._jit_llga_enabled()


_fusion_strategy = [("STATIC", 2), ("DYNAMIC", 10)]


def set_fusion_strategy(strategy: Any) -> Any:
    """Sets the TorchScript fuser's specialisation strategy; returns the
    previous one (tensorcore keeps it and fuses nothing)."""
    global _fusion_strategy
    for entry in strategy:
        if not (_builtin_isinstance(entry, tuple) and len(entry) == 2 and entry[0] in ("STATIC", "DYNAMIC")
                and _builtin_isinstance(entry[1], int)):
            raise RuntimeError(f"set_fusion_strategy expects (\"STATIC\" | \"DYNAMIC\", int) pairs, got {entry!r}")
    previous, _fusion_strategy = _fusion_strategy, list(strategy)
    return previous


class strict_fusion:
    """In eager code a no-op that warns, as PyTorch's does."""

    def __init__(self) -> None:
        if not is_scripting():
            warnings.warn("Only works in script mode", stacklevel=2)

    def __enter__(self) -> None:
        return None

    def __exit__(self, type: Any, value: Any, tb: Any) -> None:
        return None


@contextlib.contextmanager
def optimized_execution(should_optimize: bool) -> Any:
    """Toggles TorchScript graph optimisation: nothing to toggle eagerly."""
    yield


@contextlib.contextmanager
def fuser(name: str) -> Any:
    """Chooses the TorchScript fuser: checked as PyTorch checks it, nothing
    else to do eagerly."""
    if name not in ("fuser0", "fuser1", "fuser2", "fuser3", "none"):
        raise Exception(f"unrecognized fuser option (name: {name})")
    yield


