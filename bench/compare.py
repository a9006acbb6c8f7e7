"""tensorcore vs numpy vs PyTorch on the same machine, in one process.

Prints a table of median times, the ratio tensorcore / best peer and the
ratio tensorcore / PyTorch (< 1.0 means tensorcore is faster).
Usage: python bench/compare.py [--quick] [--threads N] [--only SUBSTRING] [--plot FILE.png]

It imports the installed tensorcore (pip install .), from any directory; only
when none is importable does it fall back to the checkout's src/ (a build made
with scripts/dev_build.sh). --plot draws the tc/torch ratios as a bar chart
(needs matplotlib).
"""
import argparse
import os
import platform
import statistics
import sys
import time


def _early_threads():
    """--threads N, read before numpy loads so its BLAS pool gets N threads too
    (OpenBLAS sizes its pool at import; otherwise numpy's matmul would use every
    core while tensorcore and PyTorch use N)."""
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return None


if _early_threads():
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = _early_threads()

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    import tensorcore as tc  # the installed package (or one on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh, not installed
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    import tensorcore as tc

try:
    import torch
    torch.set_num_threads(tc.get_num_threads())
except ImportError:  # PyTorch is optional
    torch = None


def _sibling(name):
    """Loads bench/<name>.py by its path next to this file (not through
    sys.path, so the current directory does not matter); None, and the
    workload is skipped, when this file was copied somewhere without it."""
    import importlib.util
    path = os.path.join(HERE, name + ".py")
    if not os.path.exists(path):
        print(f"# {name}.py is not next to {os.path.basename(__file__)}: its workload is skipped", file=sys.stderr)
        return None
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


def timeit(fn, repeat, number):
    fn()  # warm up (allocator cache, lazy init)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def workloads(quick):
    n16 = 1 << 24
    rng = np.random.default_rng(0)
    a_np = rng.random(n16, dtype=np.float32)
    b_np = rng.random(n16, dtype=np.float32)
    m_np = rng.random((4096, 4096), dtype=np.float32)
    small = np.ones((2, 2), np.float32)
    W = {}

    def lib_arrays(lib):
        if lib == "numpy":
            return a_np, b_np, m_np, small, np.empty_like(a_np)
        mod = tc if lib == "tensorcore" else torch
        conv = mod.from_numpy
        return conv(a_np), conv(b_np), conv(m_np), conv(small.copy()), conv(np.empty_like(a_np))

    def add_out(lib):
        a, b, _, _, out = lib_arrays(lib)
        if lib == "numpy":
            return lambda: np.add(a, b, out=out)
        mod = tc if lib == "tensorcore" else torch
        return lambda: mod.add(a, b, out=out)
    W["add 16M f32 (out=)"] = (add_out, 10)

    def add_new(lib):
        a, b, *_ = lib_arrays(lib)
        return lambda: a + b
    W["add 16M f32 (new)"] = (add_new, 10)

    def x_plus_xt(lib):
        _, _, m, *_ = lib_arrays(lib)
        if lib == "numpy":
            return lambda: m + m.T
        return lambda: m + m.t()
    W["x + x.t() 4096^2"] = (x_plus_xt, 5)

    def t_contig(lib):
        _, _, m, *_ = lib_arrays(lib)
        if lib == "numpy":
            return lambda: np.ascontiguousarray(m.T)
        return lambda: m.t().contiguous()
    W["x.t().contiguous() 4096^2"] = (t_contig, 5)

    def exp(lib):
        a, *_ = lib_arrays(lib)
        if lib == "numpy":
            return lambda: np.exp(a)
        return lambda: a.exp()
    W["exp 16M f32"] = (exp, 5)

    def sum_all(lib):
        a, *_ = lib_arrays(lib)
        return lambda: a.sum()
    W["sum() 16M f32"] = (sum_all, 10)

    def sum0(lib):
        _, _, m, *_ = lib_arrays(lib)
        return (lambda: m.sum(0)) if lib != "numpy" else (lambda: m.sum(axis=0))
    W["sum(0) 4096^2"] = (sum0, 10)

    def sum1(lib):
        _, _, m, *_ = lib_arrays(lib)
        return (lambda: m.sum(1)) if lib != "numpy" else (lambda: m.sum(axis=1))
    W["sum(1) 4096^2"] = (sum1, 10)

    for dtype, n in (("f32", 256), ("f32", 1024), ("f32", 2048), ("f64", 1024)):
        def mm(lib, n=n, np_dtype=np.float32 if dtype == "f32" else np.float64):
            x = rng.random((n, n)).astype(np_dtype)
            y = rng.random((n, n)).astype(np_dtype)
            if lib == "numpy":
                return lambda: x @ y
            mod = tc if lib == "tensorcore" else torch
            xt, yt = mod.from_numpy(x), mod.from_numpy(y)
            return lambda: xt @ yt
        W[f"matmul {dtype} {n}"] = (mm, 3 if n == 2048 else 10)

    # Storage dtypes (issue 10): float16 elementwise, the uint8 -> float32
    # normalisation of an image batch, bfloat16 matmul (numpy has no bfloat16).
    def add_f16(lib):
        a, b = a_np.astype(np.float16), b_np.astype(np.float16)
        if lib == "numpy":
            return lambda: a + b
        mod = tc if lib == "tensorcore" else torch
        at, bt = mod.from_numpy(a), mod.from_numpy(b)
        return lambda: at + bt
    W["add 16M f16 (new)"] = (add_f16, 10)

    images = rng.integers(0, 256, (32, 3, 224, 224), dtype=np.uint8)

    def normalize_u8(lib):
        if lib == "numpy":
            return lambda: images.astype(np.float32) / 255
        x = (tc if lib == "tensorcore" else torch).from_numpy(images)
        return lambda: x.float().div(255)
    W["uint8 images .float()/255 32x3x224^2"] = (normalize_u8, 10)

    for n in (1024,) if quick else (1024, 2048):
        def mm_bf16(lib, n=n):
            if lib == "numpy":
                return None
            mod = tc if lib == "tensorcore" else torch
            x = mod.from_numpy(rng.random((n, n), dtype=np.float32)).to(mod.bfloat16)
            y = mod.from_numpy(rng.random((n, n), dtype=np.float32)).to(mod.bfloat16)
            return lambda: x @ y
        W[f"matmul bf16 {n}"] = (mm_bf16, 1)

    def add_small(lib):
        *_, s, _ = lib_arrays(lib)
        return lambda: s + s
    W["2x2 add (overhead)"] = (add_small, 20000)

    # Per-call cost of the Python entry points (argument parsing, dispatch) on
    # 2x2 float32 tensors: module functions and methods with keywords.
    def per_call(stmt):
        def make(lib):
            if lib == "numpy":
                return None
            mod = tc if lib == "tensorcore" else torch
            a, b = mod.ones(2, 2), mod.ones(2, 2)
            return {"sum": lambda: mod.sum(a, 1), "sum_kw": lambda: a.sum(dim=1, keepdim=True),
                    "exp": lambda: mod.exp(a), "add": lambda: a + b, "matmul": lambda: mod.matmul(a, b),
                    "view": lambda: a.view(4), "reshape": lambda: a.reshape(1, 4),
                    "zeros": lambda: mod.zeros(2, 2), "zeros_like": lambda: mod.zeros_like(a),
                    "cat": lambda: mod.cat([a, b]), "unsqueeze": lambda: a.unsqueeze(0),
                    "permute": lambda: a.permute(1, 0), "transpose": lambda: a.transpose(0, 1),
                    "expand": lambda: a.expand(3, 2, 2), "max": lambda: a.max(1),
                    "max_fn": lambda: mod.max(a, dim=1, keepdim=True),
                    "mean_kw": lambda: a.mean(dim=1, keepdim=True), "softmax": lambda: a.softmax(1),
                    "F_softmax": lambda: mod.nn.functional.softmax(a, dim=-1), "argmax": lambda: a.argmax(1),
                    "std": lambda: a.std(1)}[stmt]
        return make
    for label, stmt in (("torch.sum(a, 1)", "sum"), ("a.sum(dim=1, keepdim=True)", "sum_kw"),
                        ("torch.exp(a)", "exp"), ("a + b", "add"), ("torch.matmul(a, b)", "matmul"),
                        ("a.view(4)", "view"), ("a.reshape(1, 4)", "reshape"), ("torch.zeros(2, 2)", "zeros"),
                        ("torch.zeros_like(a)", "zeros_like"), ("torch.cat([a, b])", "cat"),
                        ("a.unsqueeze(0)", "unsqueeze"), ("a.permute(1, 0)", "permute"),
                        ("a.transpose(0, 1)", "transpose"), ("a.expand(3, 2, 2)", "expand"),
                        ("a.max(1)", "max"), ("torch.max(a, dim=1, keepdim=True)", "max_fn"),
                        ("a.mean(dim=1, keepdim=True)", "mean_kw"), ("a.softmax(1)", "softmax"),
                        ("F.softmax(a, dim=-1)", "F_softmax"), ("a.argmax(1)", "argmax"), ("a.std(1)", "std")):
        W[f"2x2 call {label}"] = (per_call(stmt), 20000)

    def tutorial(lib):
        if lib == "numpy":
            return None
        mod = tc if lib == "tensorcore" else torch

        def run():
            a = mod.ones(2, 2, requires_grad=True)
            out = ((a + 2) ** 2).sum()
            out.backward()
        return run
    W["tutorial graph fwd+bwd"] = (tutorial, 2000)

    def chain20(lib):
        if lib == "numpy":
            return None
        mod = tc if lib == "tensorcore" else torch
        x = mod.rand(4, 4, requires_grad=True)

        def run():
            h = x
            for _ in range(10):
                h = h * 1.01
                h = h + 0.5
            h.sum().backward()
        return run
    W["20-op chain fwd+bwd (4x4)"] = (chain20, 500)

    def mlp_step(lib):
        if lib == "numpy":
            return None
        bench_mlp = _sibling("bench_mlp")
        if bench_mlp is None:
            return None
        return bench_mlp._step_fn(tc if lib == "tensorcore" else torch)
    W["MLP step 784-256-10 b64 SGD"] = (mlp_step, 100)

    def adamw_step(lib):  # the optimizer update of a 1.97M-parameter model (30 tensors of 128 x 512)
        if lib == "numpy":
            return None
        mod = tc if lib == "tensorcore" else torch
        params = [mod.nn.Parameter(mod.randn(128, 512)) for _ in range(30)]
        for p in params:
            p.grad = mod.randn(128, 512)
        return mod.optim.AdamW(params, lr=1e-3).step
    W["AdamW step 30 x 128x512"] = (adamw_step, 20)

    def conv_small_images(lib):  # the last layers of a convnet: many channels, tiny images
        if lib == "numpy":
            return None
        mod = tc if lib == "tensorcore" else torch
        conv = mod.nn.Conv2d(512, 512, 3, padding=1)
        x = mod.randn(16, 512, 1, 1, requires_grad=True)
        grad = mod.ones(16, 512, 1, 1)

        def run():
            conv.zero_grad(set_to_none=True)
            conv(x).backward(grad)
        return run
    W["conv 3x3 512ch 1x1 b16 fwd+bwd"] = (conv_small_images, 10)

    # FFTs: tensorcore.fft runs numpy's pocketfft (Note [FFT backend: numpy's
    # pocketfft] in src/tensorcore/fft.py), so numpy is its floor; PyTorch's
    # CPU wheel uses MKL.
    signal_np = rng.standard_normal(1 << 20).astype(np.float32)
    image_np = (rng.standard_normal((512, 512)) + 1j * rng.standard_normal((512, 512))).astype(np.complex64)

    def rfft_1m(lib):
        if lib == "numpy":
            return lambda: np.fft.rfft(signal_np)
        mod = tc if lib == "tensorcore" else torch
        x = mod.from_numpy(signal_np)
        return lambda: mod.fft.rfft(x)
    W["fft rfft 1M float32"] = (rfft_1m, 10)

    def fft2_512(lib):
        if lib == "numpy":
            return lambda: np.fft.fft2(image_np)
        mod = tc if lib == "tensorcore" else torch
        x = mod.from_numpy(image_np)
        return lambda: mod.fft.fft2(x)
    W["fft2 512x512 complex64"] = (fft2_512, 10)
    if quick:
        W = {k: (f, max(1, n // 5)) for k, (f, n) in W.items()}
    return W


def cpu_model():
    """The CPU's marketing name (what `lscpu` prints as "Model name"), which
    every speed claim must name; platform.processor() is often empty on Linux."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def fma_peaks():
    """Measured FMA throughput of one thread, GFLOP/s per dtype, at the vector
    width tensorcore's GEMM runs at (Note [Measured FMA peak]); {} for a build
    without the probe."""
    probe = getattr(tc._C, "_measure_fma_peak_gflops", None)
    return {} if probe is None else {"f32": probe("float32"), "f64": probe("float64")}


def flops_note(name, t, peaks):
    """GFLOP/s of a bf16/f32/f64 matmul row, and its fraction of the measured
    FMA peak of the threads it ran on. bf16 runs on pairs of k through
    AVX512-BF16 where the CPU has it (twice the float32 FMA's multiply-adds per
    instruction: its peak is taken as 2x float32's), else converted to float32
    (Note [bfloat16 GEMM]); the note says which."""
    if not name.startswith("matmul"):
        return ""
    _, dtype, n = name.split()
    gflops = 2 * int(n) ** 3 / t / 1e9
    peak = peaks.get("f64" if dtype == "f64" else "f32")
    path = ""
    if dtype == "bf16":
        path = tc._C._bf16_gemm_path()
        if peak and path != "convert":
            peak *= 2
        path = f" ({path})"
    if not peak:
        return f"{gflops:.0f} GFLOP/s{path}"
    return f"{gflops:.0f} GFLOP/s, {gflops / (peak * tc.get_num_threads()):.0%} of FMA peak{path}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None, help="substring filter on workload names")
    ap.add_argument("--threads", type=int, default=None, help="threads for tensorcore and PyTorch")
    ap.add_argument("--plot", default=None, metavar="FILE.png",
                    help="also draw tensorcore/PyTorch time ratios per workload as a bar chart (needs matplotlib)")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                    help="cuda: the GPU rows of bench/bench_cuda.py instead (TENSORCORE_ENABLE_CUDA=1, docs/cuda.md)")
    args = ap.parse_args()
    if args.device == "cuda":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import bench_cuda
        if not tc.cuda.is_available():
            ap.error("--device cuda: tensorcore.cuda.is_available() is False (see docs/cuda.md)")
        bench_cuda.main()
        return
    if args.plot:
        try:
            import matplotlib
        except ImportError:
            ap.error("--plot needs matplotlib: pip install matplotlib (or the [plot] extra)")
        if torch is None:
            ap.error("--plot draws tensorcore/PyTorch ratios: PyTorch is not installed")
        matplotlib.use("Agg")
    if args.threads:
        tc.set_num_threads(args.threads)
        if torch is not None:
            torch.set_num_threads(args.threads)
    libs = ["tensorcore", "numpy"] + (["torch"] if torch is not None else [])
    print(f"# {cpu_model()} ({platform.machine()}), {os.cpu_count()} cores, threads={tc.get_num_threads()}, "
          f"tensorcore kernels={tc._C._cpu_capability()}, torch={'%s' % torch.__version__ if torch else 'absent'}")
    peaks = fma_peaks()
    if peaks:
        print(f"# measured FMA peak per thread: f32 {peaks['f32']:.1f} GFLOP/s, f64 {peaks['f64']:.1f} GFLOP/s")
    header = f"| {'workload':36} | " + " | ".join(f"{lib:>12}" for lib in libs) + " | tc/best peer | tc/torch | note |"
    print(header)
    print("|" + "---|" * (len(libs) + 4))
    ratios = {}
    for name, (make, number) in workloads(args.quick).items():
        if args.only and args.only not in name:
            continue
        res = {}
        for lib in libs:
            fn = make(lib)
            if fn is None:
                continue
            res[lib] = timeit(fn, repeat=5, number=number)
        if "tensorcore" not in res:  # a workload whose helper module is absent
            continue
        peers = [v for k, v in res.items() if k != "tensorcore"]
        ratio = res["tensorcore"] / min(peers) if peers else None
        vs_torch = res["tensorcore"] / res["torch"] if "torch" in res else None
        cells = " | ".join(f"{res[lib] * 1e3:10.4f}ms" if lib in res else f"{'-':>12}" for lib in libs)
        print(f"| {name:36} | {cells} | {_ratio_cell(ratio, 12)} | {_ratio_cell(vs_torch, 8)} | "
              f"{flops_note(name, res['tensorcore'], peaks)} |", flush=True)
        if vs_torch is not None:
            ratios[name] = vs_torch
    if args.plot:
        plot_ratios(ratios, args.plot, f"{cpu_model()}, threads={tc.get_num_threads()}")
        print(f"# plot written to {args.plot}")


def _ratio_cell(r, width):
    # "-" where there is nothing to compare with (no peer ran it, or torch is absent), as in the time cells
    return f"{'-':>{width}}" if r is None else f"{r:{width}.2f}"


def plot_ratios(ratios, path, subtitle):
    """One horizontal bar per workload: tensorcore time / PyTorch time (left of
    the 1.0 line is faster than PyTorch)."""
    import matplotlib.pyplot as plt
    names = list(ratios)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    colors = ["tab:green" if ratios[n] <= 1 else "tab:red" for n in names]
    ax.barh(names, [ratios[n] for n in names], color=colors)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.invert_yaxis()
    ax.set_xlabel("tensorcore time / PyTorch time (< 1: tensorcore faster)")
    ax.set_title(f"bench/compare.py ({subtitle})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
