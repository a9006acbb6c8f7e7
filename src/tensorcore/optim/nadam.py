"""NAdam."""
from __future__ import annotations
from typing import Any
from .optimizer import (Optimizer, _lr_value, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable,
                        _zeros_like_param)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Adam with Nesterov momentum, Dozat 2016), following
    torch.optim.NAdam, with its momentum schedule

        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))

    and L2 (default) or decoupled (NAdamW, decoupled_weight_decay=True)
    weight decay. State per parameter: step and mu_product (0-dim tensors),
    exp_avg, exp_avg_sq.
    """

    def __init__(self, params: Any, lr: Any = 2e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, momentum_decay: Any = 4e-3,
                 decoupled_weight_decay: Any = False, *, foreach: Any = None, maximize: Any = False, capturable: Any = False,
                 differentiable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    _group_key_defaults = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                           "decoupled_weight_decay": False}
    _scalar_state_keys = ("step", "mu_product")

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    @_use_grad_for_differentiable
    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "NAdam")
            lr, eps, weight_decay = _lr_value(group), group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            momentum_decay = group["momentum_decay"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = _scalar_state(0.0)
                    state["mu_product"] = _scalar_state(1.0)
                    state["exp_avg"] = _zeros_like_param(param)
                    state["exp_avg_sq"] = _zeros_like_param(param)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                mu_product, step_t = state["mu_product"], state["step"]
                if group["maximize"]:
                    grad = -grad
                step = step_t.add_(1).item()
                bias_correction2 = 1 - beta2 ** step
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        param.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(param, alpha=weight_decay)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                # mu_product is a float32 (or float64) tensor: its rounding is part of the result.
                mu_product.mul_(mu)
                mu_product_value = mu_product.item()
                mu_product_next = mu_product_value * mu_next
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
                param.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product_value))
                param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))
        return loss
