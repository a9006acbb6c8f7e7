"""MLP training step benchmark: 784-256-10, batch 64, cross entropy, SGD.

bench_mlp_step() returns (tensorcore_ms, torch_ms) per step (torch_ms is
None when PyTorch is not installed); run as a script it prints both and the
ratio tensorcore/torch.
"""
import os
import sys
import time

try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


def _step_fn(T):
    nn = T.nn
    T.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = T.randn(64, 784)
    y = T.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _time(step, warmup, iters, repeats):
    for _ in range(warmup):
        step()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        best = min(best, (time.perf_counter() - t0) / iters * 1e3)
    return best


def bench_mlp_step(warmup=20, iters=100, repeats=5):
    """(tensorcore_ms, torch_ms) for one training step (best of `repeats`
    runs of `iters` steps, each after `warmup` steps; both libraries use the
    same thread count)."""
    import tensorcore
    tc_step = _step_fn(tensorcore)
    try:
        import torch
    except ImportError:
        return _time(tc_step, warmup, iters, repeats), None
    torch.set_num_threads(tensorcore.get_num_threads())
    th_step = _step_fn(torch)
    # Interleave the two so that machine load affects both alike.
    tc_best, th_best = float("inf"), float("inf")
    for _ in range(repeats):
        tc_best = min(tc_best, _time(tc_step, warmup, iters, 1))
        th_best = min(th_best, _time(th_step, warmup, iters, 1))
    return tc_best, th_best


if __name__ == "__main__":
    tc_ms, th_ms = bench_mlp_step()
    if th_ms is None:
        print(f"mlp_step (784-256-10, batch 64, SGD): tensorcore {tc_ms:.3f} ms (torch not installed)")
    else:
        print(f"mlp_step (784-256-10, batch 64, SGD): tensorcore {tc_ms:.3f} ms, torch {th_ms:.3f} ms, "
              f"ratio {tc_ms / th_ms:.2f}")
