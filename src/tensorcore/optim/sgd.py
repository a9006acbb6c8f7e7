"""Stochastic gradient descent (optionally with momentum)."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import Optimizer, _lr_value, _float_lr

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""SGD with momentum, dampening, Nesterov momentum and (L2) weight decay,
    following torch.optim.SGD exactly:

        g = grad (+ weight_decay * p);  b = momentum * b + (1 - dampening) * g
        (b = g on the first step);  p -= lr * (g + momentum * b if nesterov else b)
    """

    def __init__(self, params: Any, lr: Any = 1e-3, momentum: Any = 0, dampening: Any = 0, weight_decay: Any = 0, nesterov: Any = False, *,
                 maximize: Any = False, foreach: Any = None, differentiable: Any = False, fused: Any = None) -> None:
        lr = _float_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)

    _complex_as_real = True  # Note [Complex parameters step as real pairs] (optimizer.py)

    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            sparse = [p for p in group["params"] if p.grad is not None and getattr(p.grad, "is_sparse", False)]
            for p in sparse:
                self._sparse_step(p, group)
            if sparse:
                group = dict(group, params=[p for p in group["params"] if all(p is not q for q in sparse)])
            params, grads = self._params_with_grad(group, "SGD")
            if not params:
                continue
            momentum = group["momentum"]
            state = self.state
            bufs = [state[p].get("momentum_buffer") for p in params] if momentum != 0 else [None] * len(params)
            # dampening is read only with momentum (PyTorch never looks at it otherwise, so any value passes)
            dampening = float(group["dampening"]) if momentum != 0 else 0.0
            new_bufs = _C._sgd_step(params, grads, bufs, float(group["lr"]), float(momentum),
                                    dampening, float(group["weight_decay"]), bool(group["nesterov"]),
                                    bool(group["maximize"]))
            if momentum != 0:
                for p, b in zip(params, new_bufs):
                    state[p]["momentum_buffer"] = b
        return loss

    def _sparse_step(self, p, group):
        """A parameter with a sparse gradient (nn.Embedding(sparse=True)):
        torch.optim.SGD's single-tensor update with sparse tensor ops (the
        momentum buffer is sparse too)."""
        from ..autograd import no_grad
        with no_grad():
            grad = p.grad if not group["maximize"] else -p.grad
            if group["weight_decay"] != 0:
                grad = grad.add(p, alpha=group["weight_decay"])  # raises PyTorch's add(sparse, dense) error
            momentum = group["momentum"]
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = grad.clone().detach()
                    state["momentum_buffer"] = buf
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
                grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
            p.add_(grad, alpha=-_lr_value(group))
