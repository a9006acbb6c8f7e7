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
from . import functional  # noqa: F401
from . import anomaly_mode  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401

__all__ = ["Variable", "backward", "grad", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "inference_mode", "detect_anomaly", "set_detect_anomaly"]


def Variable(data: Any, requires_grad: Any = False, volatile: Any = False) -> Any:
    """Deprecated in PyTorch: returns a Tensor (sharing `data`'s memory) that
    requires grad when asked, as torch.autograd.Variable does today."""
    from .. import Tensor
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    if volatile:
        import warnings
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                      stacklevel=2)
    t = data.detach()
    if requires_grad:
        t.requires_grad_(True)
    return t


# Note [reentrant checkpoint validity]
# A reentrant checkpoint (utils.checkpoint, use_reentrant=True) recomputes
# its function during backward and backpropagates through it with
# autograd.backward, which accumulates into .grad: that cannot serve
# autograd.grad or backward(inputs=...), which must not touch .grad. As in
# PyTorch, the engine run records whether it is such a call and the
# checkpoint's backward refuses to run inside one.
_checkpoint_validity = [True]
_create_graph_warned = [False]


def _is_checkpoint_valid() -> bool:
    return _checkpoint_validity[0]


def _as_list(x):
    if x is None:
        return []
    from .. import Tensor
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _matched_grads(outputs, grads):
    """One gradient (or None) per output: PyTorch pairs them with zip, so
    extra gradients are ignored and too few is the engine's error."""
    if grads is None:
        return [None] * len(outputs)
    grads = _as_list(grads)
    if len(grads) < len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    return grads[:len(outputs)]


def _check_grad_outputs(outputs, grads, is_grads_batched=False):
    """PyTorch's checks of (output, grad_output) pairs before the engine runs
    (its _make_grads): a gradient is a tensor or None, None only for a
    one-element output, a tensor of the output's shape."""
    from .. import Tensor
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o.requires_grad and o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif not is_grads_batched and g.shape != o.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a "
                               f"shape of {o.shape}.")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: Any = None, create_graph: Any = False, inputs: Any = None) -> None:
    tensors = _as_list(tensors)
    grads = _matched_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None and len(_as_list(inputs)) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    inputs = _as_list(inputs)
    _check_grad_outputs(tensors, grads)
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if create_graph and not _create_graph_warned[0]:
        _create_graph_warned[0] = True  # once per process, as PyTorch's engine
        import warnings
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", stacklevel=2)
    nan_checks = anomaly_mode._nan_check_hooks(tensors)
    previous_validity = _checkpoint_validity[0]
    _checkpoint_validity[0] = not inputs
    try:
        if any(t.grad_fn is not None for t in inputs):
            _backward_into_inputs(tensors, grads, bool(retain_graph), bool(create_graph), inputs)
        else:
            _C._run_backward(tensors, grads, bool(retain_graph), bool(create_graph), inputs, True, True)
    finally:
        _checkpoint_validity[0] = previous_validity
        for handle in nan_checks:
            handle.remove()


def _backward_into_inputs(tensors, grads, retain_graph, create_graph, inputs):
    """backward(inputs=...) naming a non-leaf tensor: PyTorch accumulates its
    gradient into that tensor's .grad as into a leaf's. The engine's
    accumulating mode only fills leaves, so the gradients are captured (as
    autograd.grad does) and accumulated here, the same way for every input.
    (On this rare path a leaf's post-accumulate-grad hooks do not run.)"""
    import warnings
    from .. import no_grad
    captured = _C._run_backward(tensors, grads, retain_graph, create_graph, inputs, False, True)
    captured = _apply_leaf_hooks(inputs, list(captured), create_graph)
    for t, g in zip(inputs, captured):
        if g is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
            current = t.grad
        if current is None:
            t.grad = g.clone() if create_graph else g.detach().clone()  # CloneBackward0 with a graph, as PyTorch
        elif create_graph:
            t.grad = t.grad + g
        else:
            with no_grad():
                t.grad.add_(g)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Any = None, create_graph: Any = False, only_inputs: Any = True,
         allow_unused: Any = None, is_grads_batched: Any = False, materialize_grads: Any = False) -> Any:
    from .. import Tensor, zeros_like
    if not only_inputs:
        import warnings
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning,
                      stacklevel=2)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if isinstance(inputs, dict):  # PyTorch >= 2.10: gradients keyed as the inputs
        names = list(inputs)
        result = grad(outputs, [inputs[n] for n in names], grad_outputs, retain_graph, create_graph, only_inputs,
                      allow_unused, is_grads_batched, materialize_grads)
        return dict(zip(names, result))
    outputs = _as_list(outputs)
    inputs_l = _as_list(inputs)
    if not inputs_l:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grads = _matched_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    if not is_grads_batched:
        _check_grad_outputs(outputs, grads)
    for i, o in enumerate(outputs):
        if not o.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    nan_checks = anomaly_mode._nan_check_hooks(outputs)
    previous_validity = _checkpoint_validity[0]
    _checkpoint_validity[0] = False
    try:
        if is_grads_batched:
            res = _batched_grad(outputs, inputs_l, grads, bool(retain_graph), bool(create_graph), bool(allow_unused))
        else:
            res = _C._run_backward(outputs, grads, bool(retain_graph), bool(create_graph), inputs_l, False,
                                   bool(allow_unused))
    finally:
        _checkpoint_validity[0] = previous_validity
        for handle in nan_checks:
            handle.remove()
    res = _apply_leaf_hooks(inputs_l, list(res), bool(create_graph))
    if materialize_grads:
        res = [zeros_like(i) if r is None else r for r, i in zip(res, inputs_l)]
    return tuple(res)


def _apply_leaf_hooks(inputs, grads, create_graph):
    """The tensor hooks of leaf inputs, applied to their captured gradients
    in registration order (Note [Leaf hooks in autograd.grad])."""
    from .graph import any_leaf_hooks, leaf_hooks_of
    if not any_leaf_hooks():
        return grads
    for i, (t, g) in enumerate(zip(inputs, grads)):
        hooks = leaf_hooks_of(t) if t.grad_fn is None else None
        if not hooks or g is None:
            continue
        with set_grad_enabled(create_graph):
            for hook, checked in list(hooks.values()):
                result = checked(g)
                if result is None:
                    continue
                if result.shape != g.shape:
                    raise RuntimeError(f"hook '{getattr(hook, '__name__', type(hook).__name__)}' has changed the size "
                                       "of value")
                g = result
        grads[i] = g
    return grads


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """autograd.grad with is_grads_batched=True: dim 0 of every grad_output
    indexes independent vector-Jacobian products, and each gradient gets that
    dim in front. PyTorch vmaps one backward; this runs one backward per batch
    entry (same values) and stacks them."""
    from .. import Size, stack
    for i, (o, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            continue
        if g.dim() == 0 or tuple(g.shape[1:]) != tuple(o.shape):
            # (PyTorch prints the shape of the first batch entry without its
            # first dim: reproduced as is.)
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {Size(g.shape[2:])} and "
                f"output[{i}] has a shape of {o.shape}. If you only want some tensors in `grad_output` to be "
                "considered batched, consider using vmap.")
    sizes = sorted({g.shape[0] for g in grad_outputs if g is not None})
    if len(sizes) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{[g.shape[0] for g in grad_outputs if g is not None]} for the mapped dimension")
    batch = sizes[0] if sizes else 1
    if batch == 0:  # PyTorch reads grad_output[0] first
        raise IndexError("index 0 is out of bounds for dimension 0 with size 0")
    per_entry = []
    for b in range(batch):
        entry_grads = [None if g is None else g[b] for g in grad_outputs]
        keep = retain_graph or b < batch - 1
        per_entry.append(_C._run_backward(outputs, entry_grads, keep, create_graph, inputs, False, allow_unused))
    return [None if per_entry[0][k] is None else stack([r[k] for r in per_entry]) for k in range(len(inputs))]


def is_grad_enabled() -> Any:
    return _C.is_grad_enabled()


class _GradModeContext:
    """Base for context managers that also work as decorators.

    Note [grad mode decorators on generators]
    A decorated generator function runs its body a step at a time, between
    the caller's own code: the mode must be in force during each step only,
    not while the caller runs. PyTorch re-enters the context around every
    resumption (next/send/throw/close); so does `_wrap_generator`."""

    def __call__(self, fn: Any) -> Any:
        import inspect
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._clone():
                return fn(*args, **kwargs)
        return wrapper

    _args = ()

    def _clone(self):
        return self.__class__(*self._args)

    def _wrap_generator(self, fn):
        import sys

        @functools.wraps(fn)
        def generator(*args, **kwargs):
            gen = fn(*args, **kwargs)
            try:
                with self._clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self._clone():
                            gen.close()
                        raise
                    except BaseException:
                        with self._clone():
                            response = gen.throw(*sys.exc_info())
                    else:
                        with self._clone():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value
        return generator

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


# Whether an inference_mode(True) block is running (tensorcore does not mark
# the tensors it creates: Tensor.is_inference() is always False).
_inference_mode_state = [False]


def is_inference_mode_enabled() -> bool:
    return _inference_mode_state[0]


class inference_mode(no_grad):
    """inference_mode(True) turns grad mode off; inference_mode(False) turns
    it on (PyTorch's InferenceMode(false) guard), even inside no_grad."""

    def __new__(cls, mode=True):
        self = object.__new__(cls)
        if callable(mode):
            self._mode = True
            self._args = (True,)
            return self(mode)
        return self

    def __init__(self, mode: Any = True) -> None:
        self._mode = mode if isinstance(mode, bool) else True
        self._args = (self._mode,)

    def __enter__(self) -> Any:
        self._prev = _C.is_grad_enabled()
        self._prev_inference = _inference_mode_state[0]
        _inference_mode_state[0] = self._mode
        _C._set_grad_enabled(not self._mode)
        return None

    def __exit__(self, *exc: Any) -> None:
        _inference_mode_state[0] = self._prev_inference
        return super().__exit__(*exc)

    def clone(self) -> Any:
        return self.__class__(self._mode)


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients differ."""


_gradcheck_error = GradcheckError


from . import grad_mode  # noqa: E402,F401  (torch.autograd.grad_mode, after the classes it re-exports)
from .grad_mode import set_multithreading_enabled  # noqa: E402,F401
from . import variable  # noqa: E402,F401  (torch.autograd.variable.Variable)
