"""Adagrad."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import Optimizer, _lr_value, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, following torch.optim.Adagrad:

        clr = lr / (1 + (step - 1) * lr_decay);  s += g^2;  p -= clr * g / (sqrt(s) + eps)

    As in PyTorch, the state ("step" and "sum", filled with
    initial_accumulator_value) is created for every parameter in the
    constructor, so a state_dict taken before the first step already has it.
    `fused` is accepted; the update is the same vectorised tensor math.
    """

    def __init__(self, params: Any, lr: Any = 1e-2, lr_decay: Any = 0, weight_decay: Any = 0, initial_accumulator_value: Any = 0, eps: Any = 1e-10,
                 foreach: Any = None, *, maximize: Any = False, differentiable: Any = False, fused: Any = None) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group["initial_accumulator_value"])

    def _init_state(self, param, initial_value=None):
        if initial_value is None:
            initial_value = self.defaults["initial_accumulator_value"]
        state = self.state[param]
        state["step"] = _scalar_state()
        value = float(initial_value)
        if param.is_complex():  # real and imaginary parts both start there (Note [Complex parameters step as real pairs])
            state["sum"] = _C.full(list(param.shape), 0.0, param.dtype)
            from .._complex import view_as_real
            view_as_real(state["sum"]).fill_(value)
        else:
            state["sum"] = _C.full(list(param.shape), value, param.dtype)

    _group_key_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}
    _scalar_state_keys = ("step",)

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    @_use_grad_for_differentiable
    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "Adagrad", allow_sparse=True)
            lr, lr_decay, eps, weight_decay = _lr_value(group), group["lr_decay"], group["eps"], group["weight_decay"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:  # a parameter added with add_param_group
                    self._init_state(param, group["initial_accumulator_value"])
                step_t, state_sum = state["step"], state["sum"]
                step_t.add_(1)
                step = step_t.item()
                if group["maximize"]:
                    grad = -grad
                if weight_decay != 0:
                    if getattr(grad, "is_sparse", False):
                        raise RuntimeError("weight_decay option is not compatible with sparse gradients")
                    grad = grad.add(param, alpha=weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                if getattr(grad, "is_sparse", False):
                    _sparse_adagrad_update(param, state_sum, grad, clr, eps)
                    continue
                state_sum.addcmul_(grad, grad, value=1)
                std = state_sum.sqrt().add_(eps)
                param.addcdiv_(grad, std, value=-clr)
        return loss


def _sparse_adagrad_update(param, state_sum, grad, clr, eps):
    """A sparse COO gradient (nn.Embedding(sparse=True)) updates only the
    entries it holds, as PyTorch's sparse Adagrad: duplicates are summed first
    (coalesce), sum[i] += g[i]^2 at those entries, then
    param[i] -= clr * g[i] / (sqrt(sum[i]) + eps) there; other entries keep
    their sum and value (no 0/0 where eps is 0)."""
    grad = grad.coalesce()
    where = tuple(grad._indices())
    values = grad._values()
    if values.numel() == 0:
        return
    state_sum.index_put_(where, values.pow(2), accumulate=True)
    std_values = state_sum[where].sqrt_().add_(eps)
    param.index_put_(where, values.div(std_values).mul_(-clr), accumulate=True)
