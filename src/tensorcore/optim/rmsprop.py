"""RMSprop."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import Optimizer, _check_hyperparameters, _float_lr

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop with optional momentum and centering, following
    torch.optim.RMSprop: v = alpha v + (1 - alpha) g^2; with centered,
    v - mean(g)^2 is used; p -= lr * g / (sqrt(v) + eps) (through a momentum
    buffer when momentum > 0)."""

    def __init__(self, params: Any, lr: Any = 1e-2, alpha: Any = 0.99, eps: Any = 1e-8, weight_decay: Any = 0, momentum: Any = 0, centered: Any = False,
                 capturable: Any = False, foreach: Any = None, maximize: Any = False, differentiable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _group_key_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                           "differentiable": False, "capturable": False}

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "RMSprop")
            if not params:
                continue
            momentum, centered = group["momentum"], group["centered"]
            square_avgs, bufs, grad_avgs, steps = [], [], [], []
            for p in params:
                state = self.state[p]
                if len(state) == 0:
                    shape = list(p.shape)
                    state["step"] = _C.zeros([], _C.get_default_dtype())
                    state["square_avg"] = _C.zeros(shape, p.dtype)
                    if momentum > 0:
                        state["momentum_buffer"] = _C.zeros(shape, p.dtype)
                    if centered:
                        state["grad_avg"] = _C.zeros(shape, p.dtype)
                square_avgs.append(state["square_avg"])
                if momentum > 0:
                    bufs.append(state["momentum_buffer"])
                if centered:
                    grad_avgs.append(state["grad_avg"])
                steps.append(state["step"])
            _C._rmsprop_step(params, grads, square_avgs, bufs, grad_avgs, steps, float(group["lr"]),
                             float(group["alpha"]), float(group["eps"]), float(group["weight_decay"]),
                             float(momentum), bool(centered), bool(group["maximize"]))
        return loss
