"""nn and scan kernels (backend/kernels_nn.h, kernels_scan.h), tensorcore vs
PyTorch in the same process: GELU and the other activations, softmax,
log_softmax, LayerNorm and cumsum,
forward and forward+backward, on a transformer-sized activation.

Usage: python bench/bench_nn_kernels.py [--rows 8192] [--cols 768] [--threads N] [--repeat 15] [--clock wall|cpu]
Each row prints the median milliseconds of both libraries and the ratio
tensorcore/torch (below 1 is faster). Interleaved rounds, so load from other
programs on a shared machine hits both libraries alike; --threads 1 --clock cpu
(process CPU time) is the least sensitive to such load.
"""
import argparse
import os
import statistics
import sys
import time

try:
    import tensorcore  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import numpy as np
import tensorcore as tc
import torch


def _cases(lib, x, g, w, b):
    F = lib.nn.functional
    xg = x.detach().requires_grad_(True)

    def fwd_bwd(f):
        def run():
            xg.grad = None
            f(xg).backward(g)
        return run

    return {
        "gelu": lambda: F.gelu(x),
        "gelu tanh": lambda: F.gelu(x, approximate="tanh"),
        "gelu fwd+bwd": fwd_bwd(F.gelu),
        "softmax(-1)": lambda: F.softmax(x, -1),
        "softmax fwd+bwd": fwd_bwd(lambda t: F.softmax(t, -1)),
        "log_softmax(-1)": lambda: F.log_softmax(x, -1),
        "log_softmax fwd+bwd": fwd_bwd(lambda t: F.log_softmax(t, -1)),
        "softmax(0)": lambda: F.softmax(x, 0),
        "layer_norm": lambda: F.layer_norm(x, (x.shape[-1],), w, b),
        "layer_norm fwd+bwd": fwd_bwd(lambda t: F.layer_norm(t, (x.shape[-1],), w, b)),
        "leaky_relu": lambda: F.leaky_relu(x, 0.1),
        "leaky_relu fwd+bwd": fwd_bwd(lambda t: F.leaky_relu(t, 0.1)),
        "elu": lambda: F.elu(x),
        "elu fwd+bwd": fwd_bwd(F.elu),
        "silu": lambda: F.silu(x),
        "silu fwd+bwd": fwd_bwd(F.silu),
        "mish": lambda: F.mish(x),
        "hardswish": lambda: F.hardswish(x),
        "hardtanh fwd+bwd": fwd_bwd(F.hardtanh),
        "softplus": lambda: F.softplus(x),
        "logsigmoid": lambda: F.logsigmoid(x),
        "cumsum(-1)": lambda: x.cumsum(-1),
        "cumsum(0)": lambda: x.cumsum(0),
        "mse_loss": lambda: F.mse_loss(x, g),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=64 * 128)
    ap.add_argument("--cols", type=int, default=768)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--only", default=None, help="comma-separated case names")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = ap.parse_args()
    if args.threads:
        tc.set_num_threads(args.threads)
    torch.set_num_threads(tc.get_num_threads())
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal((args.rows, args.cols)).astype(np.float32) for _ in range(2)]
    wb = [rng.standard_normal(args.cols).astype(np.float32) for _ in range(2)]
    t_cases = _cases(torch, *(torch.from_numpy(a) for a in arrs), *(torch.from_numpy(a) for a in wb))
    c_cases = _cases(tc, *(tc.from_numpy(a) for a in arrs), *(tc.from_numpy(a) for a in wb))
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    names = args.only.split(",") if args.only else list(t_cases)
    print(f"shape ({args.rows}, {args.cols}) float32, {tc.get_num_threads()} threads, "
          f"cpu path {tc._C._cpu_capability()}, {args.clock} time")
    print(f"{'case':22s} {'tensorcore ms':>14s} {'torch ms':>10s} {'ratio':>7s}")
    for name in names:
        ct, tt = [], []
        for f, out in ((c_cases[name], ct), (t_cases[name], tt)):
            f()  # warm up
        for _ in range(args.repeat):
            for f, out in ((c_cases[name], ct), (t_cases[name], tt)):
                t0 = clock()
                f()
                out.append((clock() - t0) * 1e3)
        c, t = statistics.median(ct), statistics.median(tt)
        print(f"{name:22s} {c:14.3f} {t:10.3f} {c / t:7.2f}")


if __name__ == "__main__":
    main()
