"""Muon (torch.optim.Muon, in PyTorch's torch/optim/_muon.py): momentum SGD
whose update matrix is orthogonalised by a Newton-Schulz iteration."""
from __future__ import annotations
from typing import Any
import math

from .. import _C
from .optimizer import Optimizer, _float_lr, _lr_value

__all__ = ["Muon"]

# Default Newton-Schulz coefficients, stabiliser and step count: the published
# Muon values (Keller Jordan's post), which PyTorch uses as its defaults.
_NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
_EPS = 1e-7
_NS_STEPS = 5
_ADJUST_LR_FNS = ("original", "match_rms_adamw")

# Note [Muon runs Newton-Schulz in bfloat16]
# PyTorch orthogonalises the (momentum-mixed) gradient in bfloat16, whatever
# the parameter's dtype, and adds that bfloat16 result to the parameter. Doing
# the iteration in float32 instead would be more accurate but would not give
# PyTorch's iterates, so the bfloat16 round trip is kept on purpose. A tall
# matrix is transposed first so the Gram matrix X X^T is the smaller one.


def _orthogonalise(update, coefficients, steps, eps):
    """Approximately U V^T for update = U S V^T (singular values pushed towards
    1 by `steps` quintic Newton-Schulz iterations), as a bfloat16 matrix."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.dim() != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    tall = update.shape[0] > update.shape[1]
    x = update.bfloat16()
    if tall:
        x = x.t()
    # scale so the spectral norm is at most 1 (the Frobenius norm bounds it)
    x.div_(x.norm().clamp(min=eps))
    for _ in range(steps):
        gram = x @ x.t()
        poly = gram.addmm(gram, gram, beta=b, alpha=c)  # b G + c G^2
        x = x.addmm(poly, x, beta=a)  # a X + (b G + c G^2) X
    return x.t() if tall else x


def _adjusted_lr(lr, adjust_lr_fn, shape):
    """The step size for a rows x cols matrix: "original" (the default) scales
    by sqrt(max(1, rows / cols)); "match_rms_adamw" by 0.2 sqrt(max(rows, cols))."""
    rows, cols = shape[0], shape[1]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


class Muon(Optimizer):
    r"""Muon, following torch.optim.Muon: for each 2-D parameter with gradient g,

        B = lerp(B, g, 1 - momentum)            (momentum_buffer)
        U = lerp(g, B, momentum) if nesterov else B
        O = NewtonSchulz(U)                      (bfloat16, see Note above)
        p *= 1 - lr * weight_decay
        p -= adjusted_lr * O

    Only 2-D parameters are accepted (biases, embeddings and the like belong
    to another optimizer such as AdamW). State per parameter: momentum_buffer.
    """

    def __init__(self, params: Any, lr: Any = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple = _NS_COEFFICIENTS, eps: float = _EPS,
                 ns_steps: int = _NS_STEPS, adjust_lr_fn: Any = None) -> None:
        lr = _float_lr(lr)
        # PyTorch's own checks and wording for Muon
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in _ADJUST_LR_FNS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.dim() != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def step(self, closure: Any = None) -> Any:
        """Performs one optimization step; returns closure's loss if given."""
        loss = self._closure_loss(closure)
        from ..autograd import no_grad
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        params, grads = [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.is_complex():
                raise RuntimeError("Muon does not support complex parameters")
            if getattr(p.grad, "is_sparse", False):
                raise RuntimeError("Muon does not support sparse gradients")
            params.append(p)
            grads.append(p.grad)
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = _C.zeros(list(p.grad.shape), p.grad.dtype)
        lr, weight_decay, momentum = _lr_value(group), group["weight_decay"], group["momentum"]
        for param, grad in zip(params, grads):
            if grad.dim() != 2:
                raise ValueError("Param gradient must be a 2D matrix")
            buf = self.state[param]["momentum_buffer"]
            buf.lerp_(grad, 1 - momentum)
            update = grad.lerp(buf, momentum) if group["nesterov"] else buf
            update = _orthogonalise(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
            step_size = _adjusted_lr(lr, group["adjust_lr_fn"], param.shape)
            param.mul_(1 - lr * weight_decay)
            param.add_(update, alpha=-step_size)
