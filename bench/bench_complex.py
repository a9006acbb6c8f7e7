"""complex64 ops: tensorcore vs PyTorch and NumPy in one process.

Rows: elementwise mul and exp (the complex kernels of backend/complex_functors.h),
abs (hypot of the real views), sum (a sum of the (..., 2) pairs) and matmul
(four real GEMMs on the parts: Note [Complex through real views]).
Prints the best of 7 timings per op (the machine may be shared: the best is
the least disturbed) and the ratios tensorcore / PyTorch and tensorcore / NumPy
(< 1.0 means tensorcore is faster).
Usage: python bench/bench_complex.py [--threads N] [--n 1000000] [--m 256]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
import tensorcore as tc  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from bench_linalg import row  # noqa: E402  (best-of-7 timing and the ratio line, shared)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--n", type=int, default=1_000_000, help="elements of the elementwise rows")
    p.add_argument("--m", type=int, default=256, help="matrix size of the matmul row")
    args = p.parse_args()
    tc.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(args.n) + 1j * rng.standard_normal(args.n)).astype(np.complex64)
    y = (rng.standard_normal(args.n) + 1j * rng.standard_normal(args.n)).astype(np.complex64)
    A = (rng.standard_normal((args.m, args.m)) + 1j * rng.standard_normal((args.m, args.m))).astype(np.complex64)
    xt, yt, At = tc.from_numpy(x), tc.from_numpy(y), tc.from_numpy(A)
    xo, yo, Ao = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(A)
    print(f"complex64, {args.threads} threads, n={args.n}, matmul {args.m}x{args.m}")
    row("mul", lambda: xt * yt, lambda: xo * yo, lambda: x * y, 20)
    row("exp", lambda: xt.exp(), lambda: xo.exp(), lambda: np.exp(x), 5)
    row("abs", lambda: xt.abs(), lambda: xo.abs(), lambda: np.abs(x), 20)
    row("sum", lambda: xt.sum(), lambda: xo.sum(), lambda: x.sum(), 20)
    row(f"matmul {args.m}", lambda: At @ At, lambda: Ao @ Ao, lambda: A @ A, 5)


if __name__ == "__main__":
    main()
