"""SparseAdam."""
from __future__ import annotations
from typing import Any
import math

from .optimizer import Optimizer, _lr_value, _float_lr

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""torch.optim.SparseAdam: Adam for parameters whose gradients are sparse
    COO tensors (nn.Embedding(sparse=True)). Only the rows present in a step's
    gradient have their moments and values updated ("lazy" Adam); the moments
    are dense tensors shaped like the parameter. The arithmetic follows
    torch.optim._functional.sparse_adam step for step (same rounding)."""

    def __init__(self, params: Any, lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, maximize: Any = False) -> None:
        lr = _float_lr(lr)
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """One update per parameter with a (sparse) gradient; a dense gradient
        raises PyTorch's error pointing to Adam."""
        loss = self._closure_loss(closure)
        with _no_grad():
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                work = []
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    if not getattr(p.grad, "is_sparse", False):
                        raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = p.new_zeros(p.shape)
                        state["exp_avg_sq"] = p.new_zeros(p.shape)
                    state["step"] += 1
                    work.append((p, state))
                for p, state in work:
                    _sparse_adam_update(p, state, _lr_value(group), beta1, beta2, group["eps"],
                                        group.get("maximize", False))
        return loss


def _no_grad():
    from ..autograd import no_grad
    return no_grad()


def _sparse_adam_update(param, state, lr, beta1, beta2, eps, maximize):
    grad = param.grad
    if maximize:
        grad = -grad
    grad = grad.coalesce()  # the update is non-linear: one entry per row
    where = tuple(grad._indices())
    values = grad._values()
    if values.numel() == 0:
        return
    exp_avg, exp_avg_sq, step = state["exp_avg"], state["exp_avg_sq"], state["step"]
    # old <- b * old + (1 - b) * new, written old += (1 - b) * (new - old)
    old_exp_avg = exp_avg[where]
    exp_avg_update = values.sub(old_exp_avg).mul_(1 - beta1)
    exp_avg.index_put_(where, exp_avg_update, accumulate=True)
    old_exp_avg_sq = exp_avg_sq[where]
    exp_avg_sq_update = values.pow(2).sub_(old_exp_avg_sq).mul_(1 - beta2)
    exp_avg_sq.index_put_(where, exp_avg_sq_update, accumulate=True)
    numer = exp_avg_update.add_(old_exp_avg)
    denom = exp_avg_sq_update.add_(old_exp_avg_sq).sqrt_().add_(eps)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr * math.sqrt(bias_correction2) / bias_correction1
    param.index_put_(where, -step_size * numer.div_(denom), accumulate=True)
