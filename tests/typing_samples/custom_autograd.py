"""A custom autograd Function (ctx.save_for_backward, ctx.saved_tensors,
ctx.needs_input_grad), used in a
module with a registered buffer and parameters, checked with gradcheck;
and a double backward through plain ops.

Type-checked with `mypy --strict` against torch and against tensorcore (tests/test_typing.py).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function


class ScaledTanh(Function):
    """y = a * tanh(x), differentiable in x and a."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        t = torch.tanh(x)
        ctx.save_for_backward(t, a)
        return a * t

    @staticmethod
    def backward(ctx: Any, *grad_outputs: torch.Tensor) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        (grad_out,) = grad_outputs
        t, a = ctx.saved_tensors
        gx = ga = None
        if ctx.needs_input_grad[0]:
            gx = grad_out * a * (1 - t * t)
        if ctx.needs_input_grad[1]:
            ga = (grad_out * t).sum().reshape(a.shape)
        return gx, ga


def scaled_tanh(x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    # torch's Function.apply has no annotations (mypy: no-untyped-call); tensorcore's has.
    out: torch.Tensor = ScaledTanh.apply(x, a)  # type: ignore[no-untyped-call,unused-ignore]
    return out


class Gate(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.proj = nn.Linear(features, features, bias=False)
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("mask", torch.ones(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = scaled_tanh(self.proj(x), self.scale)
        return F.gelu(h) * x


def check() -> None:
    torch.manual_seed(0)
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    a = torch.tensor([1.5], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(ScaledTanh.apply, (x, a))

    gate = Gate(3).double()
    y = gate(x)
    y.sum().backward()  # type: ignore[no-untyped-call,unused-ignore]
    assert x.grad is not None and x.grad.shape == x.shape
    n_params = sum(p.numel() for p in gate.parameters())
    names = [name for name, _ in gate.named_parameters()]
    print(n_params, names, [b.shape for b in gate.buffers()])

    z = x.detach().clone().requires_grad_(True)
    w = torch.tanh(z) * a.detach()          # double backward through plain ops
    (gz,) = torch.autograd.grad(w.sum(), z, create_graph=True)
    (ggz,) = torch.autograd.grad(gz.sum(), z)
    print(gz.shape, ggz.abs().max().item())


if __name__ == "__main__":
    check()
