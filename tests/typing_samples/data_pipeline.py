"""A data pipeline as a PyTorch user types it: a map-style Dataset subclass,
random_split, samplers, a custom collate_fn and a DataLoader, feeding a
Sequential regression model with MSE loss, SGD with momentum and a cosine
schedule; gradients checked by hand.

Type-checked with `mypy --strict` against torch and against tensorcore (tests/test_typing.py).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, RandomSampler, Subset, random_split


class Windows(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Sliding windows of a noisy sine wave; the target is the next value."""

    def __init__(self, length: int, window: int) -> None:
        t = torch.linspace(0, 8 * math.pi, length)
        self.series = torch.sin(t) + 0.05 * torch.randn(length)
        self.window = window

    def __len__(self) -> int:
        return self.series.numel() - self.window

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.series[i:i + self.window]
        y = self.series[i + self.window].unsqueeze(0)
        return x, y


def collate(batch: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    xs = torch.stack([x for x, _ in batch])
    ys = torch.stack([y for _, y in batch])
    return xs, ys


def build_model(window: int) -> nn.Module:
    model = nn.Sequential(
        nn.Linear(window, 32),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(32, 1),
    )
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.constant_(m.bias, 0.0)
    return model


def evaluate(model: nn.Module, loader: DataLoader[tuple[torch.Tensor, torch.Tensor]]) -> float:
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb)
            total += nn.functional.mse_loss(pred, yb, reduction="sum").item()
            n += yb.shape[0]
    return total / max(n, 1)


def main() -> None:
    torch.manual_seed(1)
    data = Windows(256, 16)
    train_set, val_set = random_split(data, [200, len(data) - 200])
    assert isinstance(train_set, Subset)
    sampler = RandomSampler(train_set)
    train_loader = DataLoader(train_set, batch_size=32, sampler=sampler, collate_fn=collate)
    val_loader = DataLoader(val_set, batch_size=64, collate_fn=collate)

    model = build_model(16)
    loss_fn = nn.MSELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)
    for epoch in range(5):
        model.train()
        for xb, yb in train_loader:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            torch.autograd.backward(loss)
            opt.step()
        sched.step()
        print(epoch, round(evaluate(model, val_loader), 4), sched.get_last_lr())

    # Gradients by hand: d/dw mean((w*x - y)^2) = mean(2*(w*x - y)*x)
    x = torch.arange(1.0, 5.0)
    y = 3 * x
    w = torch.tensor(0.5, requires_grad=True)
    loss = ((w * x - y) ** 2).mean()
    (g,) = torch.autograd.grad(loss, [w])
    expected = (2 * (w.detach() * x - y) * x).mean()
    assert torch.allclose(g, expected)
    grads: np.ndarray = g.numpy()
    print("grad", float(grads), w.grad is None, loss.requires_grad, loss.grad_fn is not None)


if __name__ == "__main__":
    main()
