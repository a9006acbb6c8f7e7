"""Adamax."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import (Optimizer, _lr_value, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable,
                        _zeros_like_param)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Adam with the infinity norm), following torch.optim.Adamax:

        m = lerp(m, g, 1 - beta1);  u = max(beta2 u, |g| + eps)
        p -= lr / (1 - beta1^step) * m / u

    State per parameter: step (0-dim tensor), exp_avg (m), exp_inf (u).
    """

    def __init__(self, params: Any, lr: Any = 2e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, foreach: Any = None, *,
                 maximize: Any = False, differentiable: Any = False, capturable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    _group_key_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state_keys = ("step",)

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    @_use_grad_for_differentiable
    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "Adamax")
            lr, eps, weight_decay = _lr_value(group), group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = _scalar_state()
                    state["exp_avg"] = _zeros_like_param(param)
                    state["exp_inf"] = _zeros_like_param(param)
                exp_avg, exp_inf, step_t = state["exp_avg"], state["exp_inf"], state["step"]
                if group["maximize"]:
                    grad = -grad
                step_t.add_(1)
                if weight_decay != 0:
                    grad = grad.add(param, alpha=weight_decay)
                exp_avg.lerp_(grad, 1 - beta1)
                _C.maximum_(exp_inf.mul_(beta2), grad.abs().add_(eps))
                clr = lr / (1 - beta1 ** step_t.item())
                param.addcdiv_(exp_avg, exp_inf, value=-clr)
        return loss
