"""The helpers and type aliases that torch.optim.optimizer exports and that
optimizers written outside PyTorch import from it (`from
torch.optim.optimizer import ParamsT, _get_value, _default_to_fused_or_foreach,
_params_doc, ...`). They are re-exported by tensorcore.optim.optimizer.

tensorcore runs eagerly on the CPU: there is no compiler, so the
"while compiling" branches of PyTorch's helpers never apply, and no
multi-tensor (foreach) kernels for CPU tensors, so only the fused choice can
be True (PyTorch's CPU answer too)."""
from __future__ import annotations
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

from .. import _C

Tensor = _C.Tensor

__all__ = ["ParamsT", "StateDict", "Args", "Kwargs", "GlobalOptimizerPreHook", "GlobalOptimizerPostHook"]

ParamsT: TypeAlias = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]
StateDict: TypeAlias = dict[str, Any]
Args: TypeAlias = tuple[Any, ...]
Kwargs: TypeAlias = dict[str, Any]
GlobalOptimizerPreHook: TypeAlias = Callable[[Any, Args, Kwargs], tuple[Args, Kwargs] | None]
GlobalOptimizerPostHook: TypeAlias = Callable[[Any, Args, Kwargs], None]

# Argument descriptions optimizers splice into their docstrings.
_params_doc = """params (iterable): the parameters to optimize (tensors or (name, tensor) pairs from
            named_parameters()), or dicts defining parameter groups"""
_foreach_doc = """foreach (bool, optional): whether the multi-tensor implementation is used; None picks the
            default for the parameters' device (default: None)"""
_fused_doc = """fused (bool, optional): whether the fused implementation is used (default: None)"""
_capturable_doc = """capturable (bool, optional): whether the step may be captured in a CUDA graph
            (default: False)"""
_differentiable_doc = """differentiable (bool, optional): whether autograd records the step, so that its
            result can be differentiated (default: False)"""
_maximize_doc = """maximize (bool, optional): maximize the objective instead of minimizing it
            (default: False)"""


def _get_value(x: Any) -> Any:
    """A 0-dim tensor hyper-parameter or state value as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _to_scalar(x: Any) -> Any:
    """A 1-element tensor as a 0-dim one; anything else as given."""
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x


def _get_scalar_dtype(is_fused: Any = None) -> Any:
    """The dtype of the optimizers' 0-dim state (step): float32, or float64
    when that is the default dtype (fused kernels always float32)."""
    from .._dtype import float32, float64
    if is_fused:
        return float32
    return float64 if _C.get_default_dtype() == float64 else float32


def _default_to_fused_or_foreach(params: list, differentiable: bool, use_fused: bool = False) -> tuple[bool, bool]:
    """(fused, foreach) for these parameters, as PyTorch decides it on the
    CPU: fused only when asked for and every parameter is a floating-point
    tensor; foreach never, unless there is no tensor at all."""
    if differentiable:
        return False, False
    fused = use_fused and all(p is None or (isinstance(p, Tensor) and p.is_floating_point()) for p in params)
    foreach = not fused and all(p is None for p in params)
    return fused, foreach


def _view_as_real(params: list, *state_and_grads: list) -> None:
    """Replaces each complex parameter, and the entries at its index in the
    other lists, by its real view (in place in the lists)."""
    from .._complex import view_as_real
    for i, p in enumerate(params):
        if p.is_complex():
            params[i] = view_as_real(p)
            for values in state_and_grads:
                values[i] = view_as_real(values[i])


def _stack_if_compiling(x: Any) -> Any:
    return x  # nothing is ever compiled here


def _disable_dynamo_if_unsupported(single_tensor_fn: Any = None) -> Callable[[Any], Any]:
    """A decorator that leaves the function as it is (there is no dynamo)."""
    def wrapper(func: Any) -> Any:
        return func
    return wrapper
