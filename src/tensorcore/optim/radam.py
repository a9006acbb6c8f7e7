"""RAdam."""
from __future__ import annotations
from typing import Any
from .optimizer import (Optimizer, _lr_value, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable,
                        _zeros_like_param)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (rectified Adam, Liu et al. 2019), following torch.optim.RAdam:
    Adam's moments, and while the variance estimate is unreliable
    (rho_t <= 5) a plain bias-corrected momentum step instead of the
    adaptive one. L2 (default) or decoupled weight decay. State per
    parameter: step (0-dim tensor), exp_avg, exp_avg_sq.
    """

    def __init__(self, params: Any, lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, decoupled_weight_decay: Any = False,
                 *, foreach: Any = None, maximize: Any = False, capturable: Any = False, differentiable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _group_key_defaults = {"foreach": None, "maximize": False, "differentiable": False, "decoupled_weight_decay": False,
                           "capturable": False}
    _scalar_state_keys = ("step",)

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    @_use_grad_for_differentiable
    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "RAdam")
            lr, eps, weight_decay = _lr_value(group), group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = _scalar_state()
                    state["exp_avg"] = _zeros_like_param(param)
                    state["exp_avg_sq"] = _zeros_like_param(param)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                if group["maximize"]:
                    grad = -grad
                step = state["step"].add_(1).item()
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        param.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(param, alpha=weight_decay)
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                bias_corrected_exp_avg = exp_avg / bias_correction1
                # length of the approximated simple moving average, and its limit
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
                    param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
                else:
                    param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
        return loss
