"""Rprop."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import (Optimizer, _check_hyperparameters, _float_lr, _scalar_state, _use_grad_for_differentiable,
                        _zeros_like_param)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Resilient backpropagation, following torch.optim.Rprop: each element
    keeps its own step size, multiplied by etaplus while the gradient's sign
    is unchanged and by etaminus when it flips (then that element does not
    move and its gradient is remembered as 0), clamped to step_sizes; the
    parameter moves by -sign(g) * step_size. State per parameter: step
    (0-dim tensor), prev, step_size.
    """

    def __init__(self, params: Any, lr: Any = 1e-2, etas: Any = (0.5, 1.2), step_sizes: Any = (1e-6, 50), *, capturable: Any = False, foreach: Any = None,
                 maximize: Any = False, differentiable: Any = False) -> None:
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, etas=etas)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
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
            params, grads = self._params_with_grad(group, "Rprop")
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for param, grad in zip(params, grads):
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = _scalar_state()
                    state["prev"] = _zeros_like_param(param)
                    state["step_size"] = _C.full(list(grad.shape), float(group["lr"]), grad.dtype)
                prev, step_size = state["prev"], state["step_size"]
                if group["maximize"]:
                    grad = -grad
                state["step"].add_(1)
                # sign of g * prev, mapped to the factor each step size is multiplied by
                factor = grad.mul(prev).sign()
                factor.masked_fill_(factor.gt(0), etaplus)
                factor.masked_fill_(factor.lt(0), etaminus)
                factor.masked_fill_(factor.eq(0), 1)
                step_size.mul_(factor).clamp_(step_size_min, step_size_max)
                grad = grad.clone()
                grad.masked_fill_(factor.eq(etaminus), 0)
                param.addcmul_(grad.sign(), step_size, value=-1)
                prev.copy_(grad)
        return loss
