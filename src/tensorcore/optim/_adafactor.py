"""Adafactor (torch.optim.Adafactor, in PyTorch's torch/optim/_adafactor.py)."""
from __future__ import annotations
from typing import Any

from .. import _C
from .._type_info import finfo
from .optimizer import Optimizer, _float_lr, _lr_value, _scalar_state, _zeros_like_param

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor with PyTorch's update rule. The second moment of a matrix
    gradient is kept factored: a row mean R (shape [..., n, 1]) and a column
    mean C (shape [..., 1, m]) of g^2, each averaged with weight
    (1 - beta2_t) = step^beta2_decay; the estimate is R C / mean(R) (a vector
    gradient keeps its full mean V instead). Then, per parameter:

        rho = min(lr, 1 / sqrt(step));  alpha = max(eps2, RMS(p)) * rho
        p *= 1 - lr * weight_decay
        u = g / sqrt(max(estimate, eps1^2))
        p -= alpha / max(1, RMS(u) / d) * u

    eps1 None means finfo(p.dtype).eps. State per parameter: step (0-dim
    tensor), row_var and col_var (matrices) or variance (vectors).
    """

    def __init__(self, params: Any, lr: Any = 1e-2, beta2_decay: float = -0.8, eps: Any = (None, 1e-3),
                 d: float = 1.0, weight_decay: float = 0.0, *, foreach: Any = None, maximize: bool = False) -> None:
        lr = _float_lr(lr)
        # PyTorch's own checks and wording (this optimizer does not share the others' messages)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    _group_key_defaults = {"foreach": None, "maximize": False}
    _scalar_state_keys = ("step",)

    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        from ..autograd import no_grad
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        params, grads = self._params_with_grad(group, "Adafactor")
        lr, weight_decay, d = _lr_value(group), group["weight_decay"], group["d"]
        eps1, eps2 = group["eps"]
        for param, grad in zip(params, grads):
            if param.is_complex():
                raise RuntimeError("Adafactor does not support complex parameters")
            state = self.state[param]
            if len(state) == 0:
                state["step"] = _scalar_state()
                if grad.dim() > 1:
                    state["row_var"] = _C.zeros(list(grad.shape[:-1]) + [1], grad.dtype)
                    state["col_var"] = _C.zeros(list(grad.shape[:-2]) + [1, grad.shape[-1]], grad.dtype)
                else:
                    state["variance"] = _zeros_like_param(param)
            if group["maximize"]:
                grad = -grad
            floor = finfo(param.dtype).eps if eps1 is None else eps1
            step = state["step"].add_(1).item()
            mix = step ** group["beta2_decay"]  # 1 - beta2_t
            rho = min(lr, 1 / step ** 0.5)
            alpha = max(eps2, param.norm(2).item() / param.numel() ** 0.5) * rho
            if weight_decay != 0:
                param.mul_(1 - lr * weight_decay)
            if grad.dim() > 1:
                row_var, col_var = state["row_var"], state["col_var"]
                row_var.lerp_(grad.norm(dim=-1, keepdim=True).square().div(grad.shape[-1]), mix)
                col_var.lerp_(grad.norm(dim=-2, keepdim=True).square().div(grad.shape[-2]), mix)
                estimate = (row_var @ col_var).div(row_var.mean(dim=-2, keepdim=True).clamp(min=floor))
            else:
                state["variance"].lerp_(grad * grad, mix)
                estimate = state["variance"].clone()
            update = estimate.clamp(min=floor * floor).rsqrt().mul(grad)
            denominator = max(1.0, update.norm(2).item() / (update.numel() ** 0.5 * d))
            param.add_(update, alpha=-alpha / denominator)
