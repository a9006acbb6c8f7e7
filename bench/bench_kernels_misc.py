"""Index, join, creation, random and optimizer ops: tensorcore vs PyTorch in
one process (the kernels of backend/kernels_{index,copy,random,optim}.h).

Prints the best of 5 timings per op and the ratio tensorcore / PyTorch
(< 1.0 means tensorcore is faster). Usage: python bench/bench_kernels_misc.py [--threads N]
"""
import argparse
import os
import sys
import time

import numpy as np

try:
    import tensorcore as tc  # the installed package (or one on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import tensorcore as tc
import torch  # noqa: E402


def best_us(f, n):
    f()
    best = float("inf")
    for _ in range(5):
        s = time.perf_counter()
        for _ in range(n):
            f()
        best = min(best, (time.perf_counter() - s) / n)
    return best * 1e6


def row(name, f_torch, f_tc, n):
    a, b = best_us(f_torch, n), best_us(f_tc, n)
    print(f"{name:34s} torch {a:9.1f} us  tc {b:9.1f} us  ratio {b / a:5.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    if args.threads:
        tc.set_num_threads(args.threads)
    torch.set_num_threads(tc.get_num_threads())
    print(f"threads: {tc.get_num_threads()}  cpu kernels: {tc._C._cpu_capability()}")
    rng = np.random.default_rng(0)
    x = rng.random((4096, 256), dtype=np.float32)
    X, C = torch.tensor(x), tc.tensor(x)
    ii = rng.integers(0, 4096, 2048)
    I, IC = torch.tensor(ii), tc.tensor(ii)
    row("index_select 4096x256 (2048,) d0", lambda: torch.index_select(X, 0, I), lambda: tc.index_select(C, 0, IC), 20)
    row("x[idx] 4096x256 (2048,)", lambda: X[I], lambda: C[IC], 20)
    gi = rng.integers(0, 256, (4096, 64))
    GI, GC = torch.tensor(gi), tc.tensor(gi)
    row("gather 4096x256 idx 4096x64 d1", lambda: torch.gather(X, 1, GI), lambda: tc.gather(C, 1, GC), 20)
    s = rng.random((4096, 64), dtype=np.float32)
    S, SC = torch.tensor(s), tc.tensor(s)
    row("scatter_add 4096x256 d1", lambda: X.scatter_add(1, GI, S), lambda: C.scatter_add(1, GC, SC), 20)
    gi0 = rng.integers(0, 4096, (64, 256))
    G0, G0C = torch.tensor(gi0), tc.tensor(gi0)
    s0 = rng.random((64, 256), dtype=np.float32)
    S0, S0C = torch.tensor(s0), tc.tensor(s0)
    row("scatter_add 4096x256 d0 (64x256)", lambda: X.scatter_add(0, G0, S0), lambda: C.scatter_add(0, G0C, S0C), 20)
    m, mc = X > 0.5, C > 0.5
    row("nonzero 4096x256", lambda: torch.nonzero(m), lambda: tc.nonzero(mc), 10)
    row("cat 3x(1024x256) d0", lambda: torch.cat([X[:1024], X[1024:2048], X[2048:3072]], 0),
        lambda: tc.cat([C[:1024], C[1024:2048], C[2048:3072]], 0), 20)
    row("cat 3x(4096x256) d1", lambda: torch.cat([X, X, X], 1), lambda: tc.cat([C, C, C], 1), 10)
    row("stack 8x(256x256)", lambda: torch.stack([X[:256]] * 8), lambda: tc.stack([C[:256]] * 8), 20)
    row("arange 1e6 f32", lambda: torch.arange(0, 1000000, dtype=torch.float32),
        lambda: tc.arange(0, 1000000, dtype=tc.float32), 20)
    row("linspace 1e6", lambda: torch.linspace(0, 1, 1000000), lambda: tc.linspace(0, 1, 1000000), 20)
    row("eye 1000", lambda: torch.eye(1000), lambda: tc.eye(1000), 20)
    row("rand 1e6", lambda: torch.rand(1000000), lambda: tc.rand(1000000), 10)
    row("randn 1e6", lambda: torch.randn(1000000), lambda: tc.randn(1000000), 10)
    row("randint 1e6", lambda: torch.randint(0, 100, (1000000,)), lambda: tc.randint(0, 100, (1000000,)), 10)
    row("bernoulli_ 1e6", lambda: torch.empty(1000000).bernoulli_(0.3), lambda: tc.empty(1000000).bernoulli_(0.3), 10)
    row("randperm 1e5", lambda: torch.randperm(100000), lambda: tc.randperm(100000), 10)
    P = torch.rand(64, 1000)
    PC = tc.tensor(P.numpy())
    row("multinomial 64x1000 n=10 repl", lambda: torch.multinomial(P, 10, True), lambda: tc.multinomial(PC, 10, True), 10)
    row("multinomial 64x1000 n=10", lambda: torch.multinomial(P, 10), lambda: tc.multinomial(PC, 10), 10)
    ai = rng.integers(-100, 100, (128, 128))
    AT, AC = torch.tensor(ai), tc.tensor(ai)
    row("int64 mm 128", lambda: torch.mm(AT, AT), lambda: tc.mm(AC, AC), 3)
    for name, mk in [("SGD momentum", lambda lib, ps: lib.optim.SGD(ps, lr=0.01, momentum=0.9)),
                     ("Adam", lambda lib, ps: lib.optim.Adam(ps, lr=1e-3)),
                     ("AdamW", lambda lib, ps: lib.optim.AdamW(ps, lr=1e-3)),
                     ("RMSprop momentum", lambda lib, ps: lib.optim.RMSprop(ps, lr=1e-3, momentum=0.9))]:
        pt = [torch.zeros(1000000, requires_grad=True)]
        pt[0].grad = torch.ones(1000000)
        pc = [tc.zeros(1000000, requires_grad=True)]
        pc[0].grad = tc.ones(1000000)
        row(f"{name} step 1e6", mk(torch, pt).step, mk(tc, pc).step, 10)


if __name__ == "__main__":
    main()
