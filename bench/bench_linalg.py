"""torch.linalg on LAPACK: tensorcore (scipy-openblas64's OpenBLAS) vs PyTorch
and NumPy in one process, float64 and float32 256x256 (and a batch of small
matrices) for inv, solve and svd; complex128 inv/svd/eigh, the general
eigendecomposition (eig, eigvals) and the triangular solve.

Prints the best of 7 timings per op (the machine may be shared: the best is the least disturbed) and the ratios tensorcore / PyTorch and
tensorcore / NumPy (< 1.0 means tensorcore is faster).
Usage: python bench/bench_linalg.py [--threads N] [--n 256]

LAPACK runs single-threaded on the calling thread (Note [LAPACK threads]);
tensorcore's OpenMP workers spin for a while after each parallel region and on
a busy 2-core machine take that core's time: OMP_WAIT_POLICY=passive made
256x256 inv/solve 3-10x faster here (2026-12, AMD EPYC Zen 3, 2 cores, shared).
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
import tensorcore as tc  # noqa: E402
import torch  # noqa: E402


def best_ms(f, reps):
    f()
    best = float("inf")
    for _ in range(7):
        s = time.perf_counter()
        for _ in range(reps):
            f()
        best = min(best, (time.perf_counter() - s) / reps)
    return best * 1e3


def row(name, f_tc, f_torch, f_np, reps):
    a, b = best_ms(f_tc, reps), best_ms(f_torch, reps)
    if f_np is None:  # NumPy has no such function
        print(f"{name:28s} tc {a:8.3f} ms  torch {b:8.3f} ms  {'':22s}tc/torch {a / b:5.2f}", flush=True)
        return
    c = best_ms(f_np, reps)
    print(f"{name:28s} tc {a:8.3f} ms  torch {b:8.3f} ms  numpy {c:8.3f} ms  tc/torch {a / b:5.2f}  "
          f"tc/numpy {a / c:5.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--n", type=int, default=256)
    args = ap.parse_args()
    if args.threads:
        tc.set_num_threads(args.threads)
        torch.set_num_threads(args.threads)
    n = args.n
    rng = np.random.default_rng(0)
    print(f"tensorcore vs torch {torch.__version__} vs numpy {np.__version__}; torch threads {torch.get_num_threads()}")
    for dtype in ("float64", "float32"):
        x = rng.standard_normal((n, n)).astype(dtype) + n ** 0.5 * np.eye(n, dtype=dtype)
        y = rng.standard_normal((n, 8)).astype(dtype)
        xb = rng.standard_normal((64, 16, 16)).astype(dtype) + 4 * np.eye(16, dtype=dtype)
        a, ta = tc.tensor(x), torch.tensor(x)
        b, tb = tc.tensor(y), torch.tensor(y)
        ab, tab = tc.tensor(xb), torch.tensor(xb)
        reps = 20
        row(f"inv {n}x{n} {dtype}", lambda: tc.linalg.inv(a), lambda: torch.linalg.inv(ta), lambda: np.linalg.inv(x),
            reps)
        row(f"solve {n}x{n}, {n}x8 {dtype}", lambda: tc.linalg.solve(a, b), lambda: torch.linalg.solve(ta, tb),
            lambda: np.linalg.solve(x, y), reps)
        row(f"svd {n}x{n} {dtype}", lambda: tc.linalg.svd(a, full_matrices=False),
            lambda: torch.linalg.svd(ta, full_matrices=False), lambda: np.linalg.svd(x, full_matrices=False), 3)
        row(f"svdvals {n}x{n} {dtype}", lambda: tc.linalg.svdvals(a), lambda: torch.linalg.svdvals(ta),
            lambda: np.linalg.svd(x, compute_uv=False), 3)
        row(f"inv 64x16x16 {dtype}", lambda: tc.linalg.inv(ab), lambda: torch.linalg.inv(tab),
            lambda: np.linalg.inv(xb), reps)
    x = rng.standard_normal((n, n))
    a, ta = tc.tensor(x), torch.tensor(x)
    row(f"eig {n}x{n} float64", lambda: tc.linalg.eig(a), lambda: torch.linalg.eig(ta), lambda: np.linalg.eig(x), 3)
    row(f"eigvals {n}x{n} float64", lambda: tc.linalg.eigvals(a), lambda: torch.linalg.eigvals(ta),
        lambda: np.linalg.eigvals(x), 3)
    u = np.triu(x) + n * np.eye(n)
    ua, tua = tc.tensor(u), torch.tensor(u)
    rhs, trhs = tc.ones(n, 8, dtype=tc.float64), torch.ones(n, 8, dtype=torch.float64)
    row(f"solve_triangular {n}x{n}, {n}x8", lambda: tc.linalg.solve_triangular(ua, rhs, upper=True),
        lambda: torch.linalg.solve_triangular(tua, trhs, upper=True), None, 200)
    z = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)) + n ** 0.5 * np.eye(n)
    h = z @ z.conj().T
    za, tza, ha, tha = tc.tensor(z), torch.tensor(z), tc.tensor(h), torch.tensor(h)
    row(f"inv {n}x{n} complex128", lambda: tc.linalg.inv(za), lambda: torch.linalg.inv(tza),
        lambda: np.linalg.inv(z), 20)
    row(f"svd {n}x{n} complex128", lambda: tc.linalg.svd(za, full_matrices=False),
        lambda: torch.linalg.svd(tza, full_matrices=False), lambda: np.linalg.svd(z, full_matrices=False), 3)
    row(f"eigh {n}x{n} complex128", lambda: tc.linalg.eigh(ha), lambda: torch.linalg.eigh(tha),
        lambda: np.linalg.eigh(h), 3)


if __name__ == "__main__":
    main()
