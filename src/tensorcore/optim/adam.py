"""Adam and AdamW."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import Optimizer, _check_hyperparameters, _float_lr

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (and, with decoupled_weight_decay=True, AdamW), following
    torch.optim.Adam's single-tensor algorithm: bias-corrected first and
    second moments, optional AMSGrad, L2 or decoupled weight decay. State per
    parameter: step (a 0-dim float32 tensor), exp_avg, exp_avg_sq
    (and max_exp_avg_sq with amsgrad)."""

    def __init__(self, params: Any, lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, amsgrad: Any = False, *,
                 foreach: Any = None, maximize: Any = False, capturable: Any = False, differentiable: Any = False, fused: Any = None,
                 decoupled_weight_decay: Any = False) -> None:
        if isinstance(lr, _C.Tensor) and foreach and not capturable:
            # PyTorch's foreach Adam cannot read a tensor lr without capturable
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        lr = _float_lr(lr)
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        betas = tuple(float(b) for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
        for p_state in self.state.values():
            if isinstance(p_state, dict) and "step" in p_state and not isinstance(p_state["step"], _C.Tensor):
                p_state["step"] = _C.full([], float(p_state["step"]), _C.get_default_dtype())

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group, "Adam")
            if not params:
                continue
            amsgrad = group["amsgrad"]
            exp_avgs, exp_avg_sqs, max_sqs, steps = [], [], [], []
            for p in params:
                state = self.state[p]
                if len(state) == 0:
                    shape = list(p.shape)
                    state["step"] = _C.zeros([], _C.get_default_dtype())
                    state["exp_avg"] = _C.zeros(shape, p.dtype)
                    state["exp_avg_sq"] = _C.zeros(shape, p.dtype)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _C.zeros(shape, p.dtype)
                exp_avgs.append(state["exp_avg"])
                exp_avg_sqs.append(state["exp_avg_sq"])
                if amsgrad:
                    max_sqs.append(state["max_exp_avg_sq"])
                steps.append(state["step"])
            beta1, beta2 = group["betas"]
            _C._adam_step(params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps, float(group["lr"]), float(beta1),
                          float(beta2), float(group["eps"]), float(group["weight_decay"]), bool(amsgrad),
                          bool(group["maximize"]), bool(group["decoupled_weight_decay"]))
        return loss


class AdamW(Adam):
    r"""Adam with decoupled weight decay (p *= 1 - lr * weight_decay before
    the Adam update); weight_decay defaults to 1e-2."""

    def __init__(self, params: Any, lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 1e-2, amsgrad: Any = False, *,
                 maximize: Any = False, foreach: Any = None, capturable: Any = False, differentiable: Any = False, fused: Any = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
