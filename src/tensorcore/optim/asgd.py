"""ASGD."""
from __future__ import annotations
from typing import Any
from .optimizer import (Optimizer, _lr_value, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable,
                        _zeros_like_param)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky 1992), following torch.optim.ASGD:

        p *= 1 - lambd * eta;  p -= eta * g;  ax += mu * (p - ax)  (ax = p while mu == 1)
        eta = lr / (1 + lambd * lr * step)^alpha;  mu = 1 / max(1, step - t0)

    State per parameter: step, eta, mu (0-dim tensors; eta and mu are read
    back from them, so their float32 rounding is PyTorch's) and ax, the
    running average of the parameter.
    """

    def __init__(self, params: Any, lr: Any = 1e-2, lambd: Any = 1e-4, alpha: Any = 0.75, t0: Any = 1e6, weight_decay: Any = 0, foreach: Any = None,
                 maximize: Any = False, differentiable: Any = False, capturable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    _group_key_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state_keys = ("step", "eta", "mu")

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    @_use_grad_for_differentiable
    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "ASGD")
            lr, lambd, alpha, t0 = _lr_value(group), group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = _scalar_state(0.0)
                    state["eta"] = _scalar_state(lr)
                    state["mu"] = _scalar_state(1.0)
                    state["ax"] = _zeros_like_param(param)
                ax = state["ax"]
                if group["maximize"]:
                    grad = -grad
                if group["foreach"]:
                    self._foreach_form(param, grad, state, lr, lambd, alpha, t0, weight_decay)
                    continue
                step = state["step"].add_(1).item()
                if weight_decay != 0:
                    grad = grad.add(param, alpha=weight_decay)
                eta = state["eta"].item()
                param.mul_(1 - lambd * eta)
                param.add_(grad, alpha=-eta)
                if state["mu"].item() != 1:
                    ax.add_(param.sub(ax).mul_(state["mu"].item()))
                else:
                    ax.copy_(param)
                # New values pass through a default-dtype scalar, as PyTorch's
                # torch.as_tensor does: rounded to float32 even when a loaded
                # state holds float64 eta/mu (next to float64 parameters).
                state["eta"].copy_(_scalar_state(lr / ((1 + lambd * lr * step) ** alpha)))
                state["mu"].copy_(_scalar_state(1 / max(1, step - t0)))
        return loss

    @staticmethod
    def _foreach_form(param, grad, state, lr, lambd, alpha, t0, weight_decay):
        """foreach=True: PyTorch's multi-tensor ASGD rounds differently from its
        single-tensor one, and users who ask for it get its iterates:
        p -= eta * (g + lambd * p) as one product, ax += mu * (p - ax) even
        while mu is 1, and the new eta computed from the float32 step tensor."""
        step = state["step"].add_(1)
        intermediate = grad.add(param, alpha=weight_decay) if weight_decay != 0 else grad
        intermediate = intermediate.add(param, alpha=lambd)
        param.addcmul_(intermediate, state["eta"], value=-1)
        state["ax"].addcmul_(param.sub(state["ax"]), state["mu"])
        state["eta"].copy_(lr / ((1 + lambd * lr * step) ** alpha))
        state["mu"].copy_(_scalar_state(1 / max(1, step.item() - t0)))
