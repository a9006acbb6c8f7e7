"""tensorcore.autograd: Variable, backward, grad, Function, gradcheck and grad modes.

The graph and its executor are C++; these are thin entry points.
"""
from __future__ import annotations
from typing import Any
import contextlib
import functools
import threading

from .. import _C
from .function import Function, FunctionCtx  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401
from . import graph  # noqa: F401

__all__ = ["Variable", "backward", "grad", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "inference_mode"]


def Variable(data: Any, requires_grad: Any = False, volatile: Any = False) -> Any:
    """Deprecated in PyTorch: returns a Tensor (sharing `data`'s memory) that
    requires grad when asked, as torch.autograd.Variable does today."""
    from .. import Tensor
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    t = data.detach()
    if requires_grad:
        t.requires_grad_(True)
    return t



# Note [Reentrant checkpoint needs a plain backward]
# torch.utils.checkpoint(use_reentrant=True) recomputes its segment inside the outer backward and
# runs a nested .backward() on it, which accumulates into the .grad of every leaf the segment
# uses. That is only right when the outer pass is itself a plain .backward(): under
# autograd.grad() or .backward(inputs=...) the leaves' gradients would land in .grad instead of
# being returned, so PyTorch raises there. The flag below says which kind of pass is running
# (a stack: the nested backward of a checkpoint is a plain one again).
_engine_state = threading.local()


def _is_checkpoint_valid() -> bool:
    return getattr(_engine_state, "checkpoint_valid", True)


@contextlib.contextmanager
def _checkpoint_validity(valid):
    previous = _is_checkpoint_valid()
    _engine_state.checkpoint_valid = bool(valid)
    try:
        yield
    finally:
        _engine_state.checkpoint_valid = previous

def _as_list(x):
    if x is None:
        return []
    from .. import Tensor
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: Any = None, create_graph: Any = False, inputs: Any = None) -> None:
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"grad_tensors has {len(grads)} elements but tensors has {len(tensors)}")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None and len(_as_list(inputs)) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    inputs = _as_list(inputs)
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    with _checkpoint_validity(not inputs):
        _C._run_backward(tensors, grads, bool(retain_graph), bool(create_graph), inputs, True, True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Any = None, create_graph: Any = False, only_inputs: Any = True,
         allow_unused: Any = None, is_grads_batched: Any = False, materialize_grads: Any = False) -> Any:
    from .. import Tensor, zeros_like
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    outputs = _as_list(outputs)
    inputs_l = _as_list(inputs)
    if not inputs_l:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grads = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad_outputs has {len(grads)} elements but outputs has {len(outputs)}")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for o in outputs:
        if not o.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if is_grads_batched and all(g is not None for g in grads):
        res = _grad_batched(outputs, inputs_l, grads, bool(retain_graph), bool(create_graph), bool(allow_unused))
    else:
        with _checkpoint_validity(False):
            res = _C._run_backward(outputs, grads, bool(retain_graph), bool(create_graph), inputs_l, False,
                                   bool(allow_unused))
    if materialize_grads:
        res = [zeros_like(i) if r is None else r for r, i in zip(res, inputs_l)]
    return tuple(res)



def _grad_batched(outputs, inputs, grads, retain_graph, create_graph, allow_unused):
    """autograd.grad(..., is_grads_batched=True): the first dimension of every grad_output indexes
    independent vector-Jacobian products; result i is stacked to (batch, *inputs[i].shape).
    PyTorch vmaps one backward over the batch; here each batch entry is its own backward
    (the graph is kept until the last one), which gives the same values."""
    from .. import stack
    for i, (out, g) in enumerate(zip(outputs, grads)):
        first = g[0]  # IndexError for an empty batch, as PyTorch's own g[0]
        if tuple(first.shape) != tuple(out.shape):
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {first.shape[1:]} and "
                f"output[{i}] has a shape of {out.shape}. If you only want some tensors in `grad_output` to be "
                "considered batched, consider using vmap.")
    sizes = [int(g.shape[0]) for g in grads]
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    per_entry = []
    with _checkpoint_validity(False):
        for b in range(sizes[0]):
            keep = retain_graph or b < sizes[0] - 1
            per_entry.append(_C._run_backward(outputs, [g[b] for g in grads], keep, create_graph, inputs, False,
                                              allow_unused))
    return [None if entries[0] is None else stack(list(entries)) for entries in zip(*per_entry)]

def is_grad_enabled() -> Any:
    return _C.is_grad_enabled()


class _GradModeContext:
    """Base for context managers that also work as decorators."""

    def __call__(self, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper

    _args = ()

    def __exit__(self, *exc: Any) -> None:
        _C._set_grad_enabled(self._prev)
        return False


class no_grad(_GradModeContext):
    """Disables gradient recording (thread-local)."""

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        if callable(fn):  # used as @no_grad without parentheses
            return self(fn)
        return self

    def __init__(self, fn: Any = None) -> None:
        pass

    def __enter__(self) -> Any:
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)
        return None


class enable_grad(no_grad):
    def __enter__(self) -> Any:
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)
        return None


class set_grad_enabled(_GradModeContext):
    """Sets grad mode on construction (like PyTorch) and restores it on exit."""

    def __init__(self, mode: Any) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self._args = (mode,)
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(mode)

    def __enter__(self) -> Any:
        return None

    def __call__(self, fn: Any) -> Any:
        _C._set_grad_enabled(self._prev)
        return super().__call__(fn)


class inference_mode(no_grad):
    def __new__(cls, mode=True):
        self = object.__new__(cls)
        if callable(mode):
            self._mode = True
            return self(mode)
        return self

    def __init__(self, mode: Any = True) -> None:
        self._mode = mode if isinstance(mode, bool) else True
        self._args = (self._mode,)

    def __enter__(self) -> Any:
        self._prev = _C.is_grad_enabled()
        if self._mode:
            _C._set_grad_enabled(False)
        return None


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients differ."""


_gradcheck_error = GradcheckError
