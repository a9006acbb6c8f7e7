"""CNN training step benchmark: conv 1->32 (3x3), pool, conv 32->64 (3x3), pool,
linear, cross entropy, SGD, on a batch of 64 28x28 images, in tensorcore and
PyTorch (same thread count). Usage: python bench/bench_cnn.py [--threads N]
"""
import argparse
import os
import sys

try:
    import tensorcore  # noqa: F401
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import tensorcore  # noqa: F401


def step_fn(T):
    nn, F = T.nn, T.nn.functional
    T.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10))
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    x, y = T.randn(64, 1, 28, 28), T.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def time_ms(step, warmup=3, iters=10, repeats=3):
    # best-of-repeats timing shared with the MLP benchmark, loaded by its path next to this file
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "bench_mlp", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_mlp.py"))
    bench_mlp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_mlp)
    _time = bench_mlp._time
    return _time(step, warmup, iters, repeats)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    import tensorcore as tc
    if args.threads:
        tc.set_num_threads(args.threads)
    tc_ms = time_ms(step_fn(tc))
    try:
        import torch
    except ImportError:
        print(f"cnn step (batch 64, 28x28): tensorcore {tc_ms:.1f} ms")
        return
    torch.set_num_threads(tc.get_num_threads())
    th_ms = time_ms(step_fn(torch))
    print(f"cnn step (batch 64, 28x28, {tc.get_num_threads()} threads): tensorcore {tc_ms:.1f} ms, "
          f"torch {th_ms:.1f} ms, ratio {tc_ms / th_ms:.2f}")


if __name__ == "__main__":
    main()
