"""Optimizer base class: parameter groups, per-parameter state, zero_grad and
a state_dict format identical to torch.optim's."""
from __future__ import annotations
from typing import Any
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

from .. import _C
from .._typename import typename
from .._dtype import float32 as _float32, float64 as _float64

Tensor = _C.Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


_typename = typename  # the name PyTorch's messages give a value (Note [typename of tensors])


# register_optimizer_step_pre_hook / register_optimizer_step_post_hook: hooks every optimizer's
# step() runs, the global pre-hooks before the optimizer's own, the global post-hooks after its own
# (PyTorch's order; Note [Optimizer hooks]).
_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook: Any) -> Any:
    """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before every optimizer's step()."""
    from ..nn.modules.module import RemovableHandle  # nn imports optim's siblings: imported late
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: Any) -> Any:
    """hook(optimizer, args, kwargs), after every optimizer's step()."""
    from ..nn.modules.module import RemovableHandle
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


class Optimizer:
    r"""Base class for optimizers.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts
            defining parameter groups.
        defaults: default hyperparameters, used for groups that omit them.

    Subclasses implement ``step()``; the update of each parameter runs in one
    fused C++ call (tensorcore._C._sgd_step etc.).
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        if defaults.get("fused") and defaults.get("foreach"):
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(dict(param_group))
        self._opt_called = False
        self._init_hook_dicts()

    # Note [Optimizer hooks]
    # step pre/post hooks run around every subclass's own step(): __init_subclass__ wraps
    # each step a subclass defines, and a flag keeps a step that calls super().step()
    # from running the hooks twice. The state-dict hooks run in state_dict() and
    # load_state_dict(). The hook dicts are not pickled (as in PyTorch).
    _HOOK_DICTS = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                   "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                   "_optimizer_load_state_dict_post_hooks")

    def _init_hook_dicts(self):
        for name in self._HOOK_DICTS:
            self.__dict__.setdefault(name, OrderedDict())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            step = cls.__dict__["step"]
            if cls.__dict__.get("_complex_as_real"):  # Note [Complex parameters step as real pairs]
                step = _complex_as_real_step(step)
            cls.step = _with_step_hooks(step)

    def _add_hook(self, name, hook, prepend):
        from ..nn.modules.module import RemovableHandle
        self._init_hook_dicts()
        hooks = getattr(self, name)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook: Any) -> Any:
        """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before each step()."""
        return self._add_hook("_optimizer_step_pre_hooks", hook, False)

    def register_step_post_hook(self, hook: Any) -> Any:
        """hook(optimizer, args, kwargs), after each step()."""
        return self._add_hook("_optimizer_step_post_hooks", hook, False)

    def register_state_dict_pre_hook(self, hook: Any, prepend: bool = False) -> Any:
        """hook(optimizer), before state_dict() packs the state."""
        return self._add_hook("_optimizer_state_dict_pre_hooks", hook, prepend)

    def register_state_dict_post_hook(self, hook: Any, prepend: bool = False) -> Any:
        """hook(optimizer, state_dict) -> None or a replacement state_dict."""
        return self._add_hook("_optimizer_state_dict_post_hooks", hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Any, prepend: bool = False) -> Any:
        """hook(optimizer, state_dict) -> None or a replacement state_dict to load."""
        return self._add_hook("_optimizer_load_state_dict_pre_hooks", hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Any, prepend: bool = False) -> Any:
        """hook(optimizer), after load_state_dict()."""
        return self._add_hook("_optimizer_load_state_dict_post_hooks", hook, prepend)

    def __getstate__(self) -> Any:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    # Note [Optimizer state from older versions]
    # A pickled optimizer or a state_dict written by an older PyTorch lacks the
    # group keys added since and holds plain numbers where 0-dim tensors are
    # kept now. Each optimizer lists the keys with the value such a group gets
    # (_group_key_defaults) and its 0-dim state entries (_scalar_state_keys);
    # __setstate__ (also run by load_state_dict) fills both in.
    _group_key_defaults = {}
    _scalar_state_keys = ()

    def __setstate__(self, state: Any) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_opt_called", False)
        self._init_hook_dicts()
        for group in self.__dict__.get("param_groups", ()):
            for key, value in self._group_key_defaults.items():
                group.setdefault(key, value)
        if self._scalar_state_keys:
            _scalar_states_as_tensors(self, self._scalar_state_keys)

    def __repr__(self) -> str:
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += f"    {key}: {group[key]}\n"
        format_string += ")"
        return format_string

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Adds a group of parameters (a dict with "params" and optional
        hyperparameter overrides)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        names, tensors = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = [id(p) for p in param_group["params"]]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all optimized parameters: to None (the
        default) or to zero in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure: Any = None) -> Any:
        raise NotImplementedError

    def _closure_loss(self, closure):
        self._opt_called = True
        if closure is None:
            return None
        from ..autograd import enable_grad
        with enable_grad():
            return closure()

    # ---- state dict ----
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]},
        with parameters replaced by their position across all groups."""
        self._init_hook_dicts()
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _cast_state_value(param, value, key):
        if key == "step":
            return value
        if param.is_floating_point():
            return value.to(param.dtype)
        return value

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Loads optimizer state (from state_dict()); groups must match in
        number and size. State tensors are copied and cast to each
        parameter's dtype ("step" is kept as saved)."""
        # Read as PyTorch reads it, so a malformed one fails the same way (AttributeError for a
        # non-dict, KeyError for a missing 'param_groups', then 'state' once the groups match).
        self._init_hook_dicts()
        state_dict = state_dict.copy()
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        saved_ids = list(chain.from_iterable(g["params"] for g in saved_groups))
        params = list(chain.from_iterable(g["params"] for g in groups))
        id_map = dict(zip(saved_ids, params))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                # No copy when the dtype already fits: the loaded state is shared with
                # the state_dict's tensors, as in PyTorch (its .to() returns self).
                return self._cast_state_value(param, value, key)
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                # No shape check here, as in PyTorch: state need not be shaped like its parameter
                # (LBFGS keeps flat vectors, Adafactor factored row/column variances); a mismatched
                # state fails at step(), where the update kernels check the shapes they combine.
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        self.__setstate__({"state": state,
                           "param_groups": [update_group(g, ng) for g, ng in zip(groups, saved_groups)]})
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)

    def _params_with_grad(self, group, name, allow_sparse=False):
        params, grads = [], []
        for p in group["params"]:
            g = p.grad
            if g is not None:
                if getattr(g, "is_sparse", False) and not allow_sparse:
                    hint = ", please consider SparseAdam instead" if name == "Adam" else ""
                    raise RuntimeError(f"{name} does not support sparse gradients{hint}")
                if group.get("differentiable") and p.is_leaf and p.requires_grad and _C.is_grad_enabled():
                    # differentiable=True steps with autograd on: PyTorch's first in-place update of a
                    # leaf parameter fails so (only non-leaf "parameters" can be updated in the graph)
                    raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
                params.append(p)
                grads.append(g)
        if params and group.get("capturable"):
            # PyTorch's capturable (CUDA-graph) updates need the state on an accelerator
            raise AssertionError("If capturable=True, params and state_steps must be on supported devices: "
                                 "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
        return params, grads


def _with_step_hooks(step):
    """`step` running the optimizer's step pre/post hooks (Note [Optimizer hooks])."""
    @functools.wraps(step)
    def hooked_step(self, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_in_hooked_step"):  # a subclass's step calling super().step()
            return step(self, *args, **kwargs)
        self._init_hook_dicts()
        args = (self,) + args  # the hooks see the optimizer as args[0], as in PyTorch
        for hook in [*_global_optimizer_pre_hooks.values(), *self._optimizer_step_pre_hooks.values()]:
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        self.__dict__["_in_hooked_step"] = True
        try:
            out = step(*args, **kwargs)
        finally:
            self.__dict__["_in_hooked_step"] = False
        for hook in [*self._optimizer_step_post_hooks.values(), *_global_optimizer_post_hooks.values()]:
            hook(self, args, kwargs)
        return out
    return hooked_step


# Note [Complex parameters step as real pairs]
# PyTorch's built-in optimizers treat a complex parameter as two independent
# real numbers: they update view_as_real(param) from view_as_real(grad) with
# real views of the parameter's (complex) state. tensorcore's update code is
# written for real tensors: the fused kernels refuse complex ones, and complex
# arithmetic in the Python ones squared the gradient as a complex number (a
# silently wrong update). So a built-in optimizer that declares
# _complex_as_real = True runs its step on real views: for the step's
# duration each complex parameter is replaced in its group by a detached
# view_as_real of it (gradient: the real view of its gradient; state: real
# views of its state), and afterwards state created on the view is stored
# back under the parameter as complex views of the same memory, so
# state_dict() shows PyTorch's complex state. A closure runs first, on the
# real parameters, so the gradients the update reads are the closure's.
# Subclasses written by users get no such rewriting (PyTorch's base class
# does none either).
def _as_real(value):
    if isinstance(value, Tensor) and value.is_complex():
        from .._complex import view_as_real
        return view_as_real(value)
    return value


def _as_complex(value, real):
    if isinstance(value, Tensor) and value.is_floating_point() and list(value.shape) == list(real.shape):
        from .._complex import view_as_complex
        return view_as_complex(value)
    return value


def _complex_as_real_step(step):
    @functools.wraps(step)
    def real_pairs_step(self, closure: Any = None) -> Any:
        if not any(p.is_complex() for g in self.param_groups for p in g["params"]):
            return step(self, closure)
        loss = self._closure_loss(closure)
        from .._complex import view_as_real
        swapped = []
        for group in self.param_groups:
            params = group["params"]
            for i, p in enumerate(params):
                if not p.is_complex():
                    continue
                real = view_as_real(p.detach())
                if p.grad is not None:
                    real.grad = view_as_real(p.grad)
                if p in self.state:
                    self.state[real] = {k: _as_real(v) for k, v in self.state.pop(p).items()}
                params[i] = real
                swapped.append((params, i, p, real))
        try:
            step(self, None)
        finally:
            for params, i, p, real in swapped:
                params[i] = p
                if real in self.state:
                    self.state[p] = {k: _as_complex(v, real) for k, v in self.state.pop(real).items()}
        return loss
    return real_pairs_step


def _nonnegative(what):
    def check(value):
        if not 0.0 <= value:
            raise ValueError(f"Invalid {what}: {value}")
    return check


def _check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def _check_rho(rho):
    if not 0.0 <= rho <= 1.0:
        raise ValueError(f"Invalid rho value: {rho}")


def _check_etas(etas):
    if not 0.0 < etas[0] < 1.0 < etas[1]:
        raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")


_HYPERPARAMETER_CHECKS = {
    "lr": _nonnegative("learning rate"), "eps": _nonnegative("epsilon value"),
    "weight_decay": _nonnegative("weight_decay value"), "momentum": _nonnegative("momentum value"),
    "alpha": _nonnegative("alpha value"), "lr_decay": _nonnegative("lr_decay value"),
    "initial_accumulator_value": _nonnegative("initial_accumulator_value value"),
    "momentum_decay": _nonnegative("momentum_decay value"), "betas": _check_betas, "rho": _check_rho,
    "etas": _check_etas,
}


def _check_hyperparameters(**values):
    """PyTorch's ValueError for the first out-of-range hyper-parameter, checked
    in the order given (each optimizer passes PyTorch's order)."""
    for name, value in values.items():
        _HYPERPARAMETER_CHECKS[name](value)


def _zeros_like_param(param):
    return _C.zeros(list(param.shape), param.dtype)


def _float_lr(lr):
    """A learning rate given as a number or a 1-element tensor, checked and
    returned as given: PyTorch keeps a Tensor lr in the param group (its
    state_dict prints 'lr': tensor(0.0100), schedulers fill it in place), so
    each step reads it through _lr_value."""
    if isinstance(lr, _C.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    return lr


def _lr_value(group):
    """A param group's learning rate as a Python float, for the update arithmetic."""
    return float(group["lr"])


def _check_iterable(x):
    return isinstance(x, Iterable)


def _scalar_dtype():
    """dtype of the 0-dim state scalars ("step", "mu_product", "eta", ...):
    float64 when that is the default dtype, else float32, as in PyTorch."""
    return _float64 if _C.get_default_dtype() == _float64 else _float32


def _scalar_state(value=0.0):
    return _C.full([], float(value), _scalar_dtype())


def _scalar_states_as_tensors(optimizer, keys=("step",)):
    """__setstate__ helper: state saved by old PyTorch versions holds plain
    numbers where the current layout has 0-dim tensors."""
    for p_state in optimizer.state.values():
        if not isinstance(p_state, dict):
            continue
        for key in keys:
            if key in p_state and not isinstance(p_state[key], Tensor):
                p_state[key] = _scalar_state(p_state[key])


def _use_grad_for_differentiable(step):
    """Runs an optimizer's Python step with autograd recording only when the
    optimizer was built with differentiable=True (PyTorch's rule), so the
    in-place updates of leaf parameters are allowed."""
    @functools.wraps(step)
    def run(self, *args, **kwargs):
        from ..autograd import set_grad_enabled
        with set_grad_enabled(bool(self.defaults.get("differentiable", False))):
            return step(self, *args, **kwargs)
    return run


# The helpers and aliases optimizers written outside PyTorch import from torch.optim.optimizer.
from ._helpers import (  # noqa: E402,F401
    Args, GlobalOptimizerPostHook, GlobalOptimizerPreHook, Kwargs, ParamsT, StateDict, _capturable_doc,
    _default_to_fused_or_foreach, _differentiable_doc, _disable_dynamo_if_unsupported, _foreach_doc, _fused_doc,
    _get_scalar_dtype, _get_value, _maximize_doc, _params_doc, _stack_if_compiling, _to_scalar, _view_as_real)
