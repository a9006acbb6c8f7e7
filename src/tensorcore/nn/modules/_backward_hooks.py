"""Module full backward hooks: register_full_backward_hook and
register_full_backward_pre_hook, as PyTorch runs them.

Note [Module backward hooks]
A call of a module with backward hooks routes its tensor arguments and its
tensor results through identity autograd Functions (grad_fn
BackwardHookFunctionBackward, PyTorch's name), one for the inputs and one for
the outputs, sharing one `_CallState`:
- the outputs' node runs first in backward: it packs the incoming gradients
  as `grad_output` (one entry per top-level element of the result, None for
  non-tensors and unused outputs), runs the pre-hooks (each may return a
  replacement tuple of the same length and shapes), and passes the result on;
- the inputs' node packs the gradients reaching the module's positional
  arguments as `grad_input` (None for non-tensor arguments; zeros for tensor
  arguments that do not require grad, which PyTorch materialises too) and runs
  the full hooks with (module, grad_input, grad_output); a hook may return a
  replacement grad_input. When no argument requires grad the inputs are not
  wrapped, and the outputs' node calls the full hooks with all-None
  grad_input, as PyTorch does.
Only top-level tensors are wrapped (an LSTM's (h, c) pair is one non-tensor
entry), like PyTorch's hooks.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any

from ... import _C
from ...autograd.function import Function

Tensor = _C.Tensor

# register_module_full_backward_hook / register_module_full_backward_pre_hook (module.py): hooks every
# module runs, before its own (Note [Global module hooks] in module.py).
_global_backward_hooks: OrderedDict = OrderedDict()
_global_backward_pre_hooks: OrderedDict = OrderedDict()


def full_backward_hooks(module: Any) -> list:
    """The full backward hooks a call of `module` runs: the global ones first, as PyTorch."""
    return [*_global_backward_hooks.values(), *module.__dict__.get("_backward_hooks", {}).values()]


def backward_pre_hooks(module: Any) -> list:
    return [*_global_backward_pre_hooks.values(), *module.__dict__.get("_backward_pre_hooks", {}).values()]


class _CallState:
    """What one module call's two hook nodes share."""

    def __init__(self, module, n_args, arg_positions):
        self.module = module
        self.n_args = n_args
        self.arg_positions = arg_positions
        self.inputs_wrapped = False
        self.grad_output = None


def _pack(positions, grads, n):
    packed = [None] * n
    for i, g in zip(positions, grads):
        packed[i] = g
    return tuple(packed)


def _replacement(result, original, what):
    """A hook's return value checked as PyTorch checks it: a sequence of the
    same length whose tensors keep the original shapes."""
    if result is None:
        return original
    if len(result) != len(original):  # a non-sequence fails here with len()'s TypeError, as in PyTorch
        raise RuntimeError(f"Backward {what} returned an invalid number of "
                           f"{'grad_output' if what == 'pre hook' else 'grad_input'}, got {len(result)}, but expected "
                           f"{len(original)}")
    for new, old in zip(result, original):
        if isinstance(new, Tensor) and isinstance(old, Tensor) and tuple(new.shape) != tuple(old.shape):
            raise RuntimeError("hook 'hook' has changed the size of value")
    return tuple(result)


def _run_full_hooks(state, grad_input):
    for hook in full_backward_hooks(state.module):
        grad_input = _replacement(hook(state.module, grad_input, state.grad_output), grad_input, "hook")
    return grad_input


class BackwardHookFunction(Function):
    """The inputs' identity node (Note [Module backward hooks])."""

    _node_name = "BackwardHookFunctionBackward"
    _custom_function_views = True  # a custom Function in PyTorch too: in-place writes into its outputs are refused

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        if state.grad_output is None:
            # The gradient reached the inputs without passing the module's outputs (outputs
            # that could not be wrapped, such as a dict, or double backward): PyTorch runs no hook.
            return (None,) + grads
        grad_input = _run_full_hooks(state, _pack(state.arg_positions, grads, state.n_args))
        return (None,) + tuple(grad_input[i] for i in state.arg_positions)


class _OutputHookFunction(Function):
    """The outputs' identity node (Note [Module backward hooks])."""

    _node_name = "BackwardHookFunctionBackward"
    _custom_function_views = True  # a custom Function in PyTorch too: in-place writes into its outputs are refused

    @staticmethod
    def forward(ctx, state, positions, n_outputs, *tensors):
        ctx.state, ctx.positions, ctx.n_outputs = state, positions, n_outputs
        ctx.set_materialize_grads(False)  # an unused output's grad_output is None
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        grad_output = _pack(ctx.positions, grads, ctx.n_outputs)
        for hook in backward_pre_hooks(state.module):
            grad_output = _replacement(hook(state.module, grad_output), grad_output, "pre hook")
        state.grad_output = grad_output
        if not state.inputs_wrapped:  # PyTorch warns even when only pre-hooks are registered
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=5)
            for hook in full_backward_hooks(state.module):
                res = hook(state.module, (None,) * state.n_args, grad_output)
                if res is not None and not (isinstance(res, tuple) and all(g is None for g in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        return (None, None, None) + tuple(grad_output[i] for i in ctx.positions)


def wrap_inputs(module, args):
    """The call's arguments, tensors routed through the inputs' node when any
    requires grad; and the call's state."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    state = _CallState(module, len(args), positions)
    if not _C.is_grad_enabled() or not any(args[i].requires_grad for i in positions):
        return args, state
    wrapped = BackwardHookFunction.apply(state, *[args[i] for i in positions])
    args = list(args)
    for i, t in zip(positions, wrapped):
        args[i] = t
    state.inputs_wrapped = True
    return tuple(args), state


def wrap_outputs(state, result):
    """The call's result, its top-level tensors routed through the outputs' node."""
    single = isinstance(result, Tensor)
    outs = (result,) if single else result
    if not isinstance(outs, tuple):
        warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but "
                      f"received {type(result)}", stacklevel=4)
        return result
    if not _C.is_grad_enabled():
        return result
    positions = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]
    if not any(outs[i].requires_grad for i in positions):
        return result
    wrapped = _OutputHookFunction.apply(state, positions, len(outs), *[outs[i] for i in positions])
    outs = list(outs)
    for i, t in zip(positions, wrapped):
        outs[i] = t
    return outs[0] if single else type(result)(outs) if type(result) is tuple else tuple(outs)


def has_backward_hooks(module: Any) -> bool:
    d = module.__dict__
    return (bool(d.get("_backward_hooks")) or bool(d.get("_backward_pre_hooks")) or bool(_global_backward_hooks)
            or bool(_global_backward_pre_hooks))
