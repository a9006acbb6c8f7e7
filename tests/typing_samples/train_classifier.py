"""A small image classifier trained the way a PyTorch user writes it.

Type-checked with `mypy --strict` against torch and against tensorcore (tests/test_typing.py);
the only difference between the two runs is which package `torch` names.
"""
from __future__ import annotations

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class SmallNet(nn.Module):
    def __init__(self, num_classes: int = 10, hidden: int = 32) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.norm = nn.LayerNorm(8 * 8 * 8)
        self.lstm = nn.LSTM(input_size=8, hidden_size=hidden, batch_first=True)
        self.drop = nn.Dropout(p=0.1)
        self.fc = nn.Linear(hidden, num_classes)
        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
        nn.init.zeros_(self.fc.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv(x))                      # (N, 8, 8, 8)
        n = h.size(0)
        h = self.norm(h.reshape(n, -1)).view(n, 8, 64)
        seq = h.permute(0, 2, 1)                       # (N, 64, 8): 64 steps of 8 features
        out, (h_n, c_n) = self.lstm(seq)
        last = out[:, -1, :]
        logits: torch.Tensor = self.fc(self.drop(last))   # Module.__call__ returns Any, in torch too
        return logits


def accuracy(logits: torch.Tensor, target: torch.Tensor) -> float:
    pred = logits.argmax(dim=1)
    return (pred == target).float().mean().item()


def make_data(n: int) -> TensorDataset:
    x = torch.randn(n, 1, 8, 8)
    y = torch.randint(0, 10, (n,))
    return TensorDataset(x, y)


def train(epochs: int = 2) -> list[float]:
    torch.manual_seed(0)
    device = torch.device("cpu")
    model = SmallNet().to(device)
    loader = DataLoader(make_data(64), batch_size=16, shuffle=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    losses: list[float] = []
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            # torch's Tensor.backward has no annotations (mypy: no-untyped-call); tensorcore's has.
            loss.backward()  # type: ignore[no-untyped-call,unused-ignore]
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
            losses.append(loss.item())
        sched.step()
    model.eval()
    with torch.no_grad():
        x, y = make_data(32).tensors
        logits = model(x)
        probs = F.softmax(logits, dim=1)
        assert probs.sum(dim=1).allclose(torch.ones(32))
        print("accuracy", accuracy(logits, y))
        best, where = probs.max(dim=1)
        print(best.shape, where.tolist()[:4])
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.pt")
        torch.save(model.state_dict(), path)
        state = torch.load(path)
        fresh = SmallNet()
        fresh.load_state_dict(state)
    return losses


def tensors() -> None:
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float32)
    b = torch.zeros(2, 2, dtype=torch.float64)
    c = torch.arange(0, 6).reshape(2, 3)
    d = torch.ones_like(a)
    total = (a + d).sum().item()
    col_means = a.mean(dim=0)
    arr = a.detach().numpy()
    print(total, col_means.tolist(), arr.shape, b.dtype, c.shape[1], c.dtype == torch.int64)
    e = torch.cat([a, d], dim=0)
    f = torch.stack([a, d])
    print(e.shape, f.size(), torch.matmul(a, d).tolist(), a.t().contiguous().is_contiguous())
    print(torch.exp(a).log().allclose(a), torch.where(a > 2, a, torch.zeros_like(a)))


if __name__ == "__main__":
    print(train())
    tensors()
