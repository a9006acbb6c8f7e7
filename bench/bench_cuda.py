"""CUDA benchmark: tensorcore's CUDA backend against PyTorch's CUDA build on
the same GPU, in one run (scripts/gpu_check.sh runs it with
TENSORCORE_ENABLE_CUDA=1).

Rows: a device-to-device copy of 256M float32 (the bandwidth reference), an
elementwise add of 256M float32 (as a fraction of that copy's bandwidth, the
issue's target being at least 0.9), and float32/bfloat16 matrix products of
4096 and 8192 (TF32 off in both libraries, PyTorch's default). Each row is
the median of timed repetitions after a warm-up, synchronized on both sides.
"""
import os
import statistics
import sys
import time

try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import tensorcore as tc


def _time(fn, sync, reps):
    fn()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _bandwidth_rows(lib, out):
    n = 256 * 1024 * 1024
    x = lib.ones(n, device="cuda")
    y = lib.ones(n, device="cuda")
    z = lib.empty(n, device="cuda")
    sync = lib.cuda.synchronize
    copy_s = _time(lambda: z.copy_(x), sync, 10)
    out["copy 256M f32 (GB/s)"] = 2 * 4 * n / copy_s / 1e9
    add_s = _time(lambda: lib.add(x, y, out=z), sync, 10)
    out["add 256M f32 (GB/s)"] = 3 * 4 * n / add_s / 1e9


def _rows(lib, name):
    sync = lib.cuda.synchronize
    out = {}
    _bandwidth_rows(lib, out)  # its 3 GiB are freed before the products
    for dtype_name in ("float32", "bfloat16"):
        for size in (4096, 8192):
            dt = getattr(lib, dtype_name)
            a = lib.ones(size, size, device="cuda", dtype=dt)
            b = lib.ones(size, size, device="cuda", dtype=dt)
            s = _time(lambda: a @ b, sync, 5)
            out[f"matmul {dtype_name} {size} (TFLOP/s)"] = 2 * size ** 3 / s / 1e12
    print(f"{name}: {tc.cuda.get_device_name()}")
    return out


def main():
    ours = _rows(tc, "tensorcore")
    theirs = None
    try:
        import torch
        if torch.cuda.is_available():
            torch.backends.cuda.matmul.allow_tf32 = False
            theirs = _rows(torch, f"torch {torch.__version__}")
    except ImportError:
        pass
    print(f"{'row':34s} {'tensorcore':>12s} {'torch':>12s} {'tc/torch':>9s}")
    for k, v in ours.items():
        t = theirs[k] if theirs else float("nan")
        print(f"{k:34s} {v:12.1f} {t:12.1f} {v / t:9.2f}")
    print(f"add bandwidth / copy bandwidth (tensorcore): "
          f"{ours['add 256M f32 (GB/s)'] / ours['copy 256M f32 (GB/s)']:.2f} (target >= 0.9)")


if __name__ == "__main__":
    main()
