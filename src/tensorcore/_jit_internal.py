"""tensorcore._jit_internal: the names model code imports from
torch._jit_internal (is_scripting, Final, the markers, boolean_dispatch,
BroadcastingList2, ...), all from tensorcore.jit, which runs eagerly."""
from typing import Any, Callable, Dict, Final, List, Optional, Tuple, Union  # noqa: F401  (re-exported)

from .jit import _overload, _overload_method, export, ignore, interface, is_scripting, is_tracing, unused  # noqa: F401
from .jit import _drop, _unwrap_optional, annotate  # noqa: F401
from .jit._state import (BroadcastingList1, BroadcastingList2, BroadcastingList3,  # noqa: F401
                         FunctionModifiers)

boolean_dispatched: dict = {}


def boolean_dispatch(arg_name: str, arg_index: int, default: bool, if_true: Callable, if_false: Callable,
                     module_name: Any = None, func_name: Any = None) -> Callable:
    """A function calling if_true or if_false by the value of one boolean
    argument (by keyword `arg_name`, or position `arg_index`, else
    `default`): how F.max_pool2d picks its return_indices variant."""
    def dispatch(*args: Any, **kwargs: Any) -> Any:
        if arg_name in kwargs:
            flag = kwargs[arg_name]
        elif arg_index < len(args):
            flag = args[arg_index]
        else:
            flag = default
        return if_true(*args, **kwargs) if flag else if_false(*args, **kwargs)

    if if_true.__doc__ is not None and if_false.__doc__ is not None:
        raise RuntimeError("only one function can have a docstring")
    doc = if_true.__doc__ if if_true.__doc__ is not None else if_false.__doc__
    if_true.__doc__ = if_false.__doc__ = doc
    dispatch.__doc__ = doc
    if module_name is not None:
        dispatch.__module__ = module_name
    if func_name is not None:
        dispatch.__name__ = func_name
    boolean_dispatched[dispatch] = {"if_true": if_true, "if_false": if_false, "index": arg_index,
                                    "default": default, "arg_name": arg_name}
    return dispatch


def _copy_to_script_wrapper(fn: Any) -> Any:
    fn._torchscript_modifier = FunctionModifiers.COPY_TO_SCRIPT_WRAPPER
    return fn


def is_ignored_fn(fn: Any) -> bool:
    modifier = getattr(fn, "_torchscript_modifier", None)
    return modifier in (FunctionModifiers.UNUSED, FunctionModifiers.IGNORE, FunctionModifiers._DROP)
