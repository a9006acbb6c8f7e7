"""Every kernel path gives the same answer: contiguous and strided, 1 and N
threads, aligned and unaligned, empty and size-1 tensors, each instruction set."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tensorcore as tc


@pytest.fixture
def threads():
    before = tc.get_num_threads()
    yield
    tc.set_num_threads(before)


def test_sum_bit_identical_across_thread_counts(threads):
    x = tc.rand(1 << 24)
    tc.set_num_threads(1)
    one = x.sum().item()
    rows1 = x.view(4096, 4096).sum(1).numpy().copy()
    tc.set_num_threads(2)
    two = x.sum().item()
    rows2 = x.view(4096, 4096).sum(1).numpy().copy()
    assert one == two
    assert np.array_equal(rows1, rows2)
    assert one == pytest.approx(float(x.numpy().astype(np.float64).sum()), rel=1e-6)


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 63, 64, 65, 1000, 40000])
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_binary_unaligned_and_odd_sizes(n, offset):
    base = np.random.default_rng(n).random(n + offset + 5).astype(np.float32)
    a = tc.from_numpy(base)[offset:offset + n]
    b = tc.from_numpy(base)[offset + 2:offset + 2 + n]
    assert np.allclose((a + b).numpy(), base[offset:offset + n] + base[offset + 2:offset + 2 + n])
    assert np.allclose(a.exp().numpy(), np.exp(base[offset:offset + n]), rtol=1e-6)
    assert np.isclose(a.sum().item(), base[offset:offset + n].sum(dtype=np.float64), rtol=1e-5)


@pytest.mark.parametrize("shape", [(64, 48), (3, 100, 70), (130, 17)])
def test_transposed_operands_take_tiled_path(shape):
    x = np.random.default_rng(1).random(shape).astype(np.float32)
    t = tc.from_numpy(x)
    tt = t.transpose(-1, -2)
    xt = np.swapaxes(x, -1, -2)
    assert np.array_equal(tt.contiguous().numpy(), np.ascontiguousarray(xt))
    sq = x[..., :min(shape[-2:]), :min(shape[-2:])]
    s = tc.from_numpy(np.ascontiguousarray(sq))
    assert np.allclose((s + s.transpose(-1, -2)).numpy(), sq + np.swapaxes(sq, -1, -2))


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (1, 2), (0, 2), None])
def test_reductions_strided_and_contiguous(dims):
    x = np.random.default_rng(2).random((5, 6, 7)).astype(np.float64)
    for t, ref in ((tc.from_numpy(x), x), (tc.from_numpy(x).permute(2, 0, 1), x.transpose(2, 0, 1))):
        got = t.sum(dims) if dims is not None else t.sum()
        want = ref.sum(axis=dims)
        assert np.allclose(got.numpy(), want)
        got = t.amax(dims) if dims is not None else t.amax()
        assert np.allclose(got.numpy(), ref.max(axis=dims))


def _pairwise_column_sum(x):
    """Note [Pairwise column sums], written independently in numpy: halves
    rounded up to a multiple of 64 rows, leaves summed row by row in float32."""
    rows = x.shape[0]
    if rows <= 64:
        return np.cumsum(x, axis=0, dtype=np.float32)[-1] if rows else np.zeros(x.shape[1], np.float32)
    half = -(-(rows // 2) // 64) * 64
    return (_pairwise_column_sum(x[:half]) + _pairwise_column_sum(x[half:])).astype(np.float32)


def _narrow_column_sum(x):
    """Note [Narrow column sums], written independently in numpy: rows of
    width n <= 16 (at least 64 of them) summed as rows of G = 32 // n times
    the width, the G groups then added in order, the rows left over last."""
    rows, n = x.shape
    if n > 16 or rows < 64:
        return _pairwise_column_sum(x)
    groups = 32 // n
    full = rows // groups * groups
    wide = _pairwise_column_sum(x[:full].reshape(full // groups, groups * n))
    acc = wide[:n].copy()
    for g in range(1, groups):
        acc = (acc + wide[g * n:(g + 1) * n]).astype(np.float32)
    for r in range(full, rows):
        acc = (acc + x[r]).astype(np.float32)
    return acc


@pytest.mark.parametrize("rows", [1, 3, 8, 13, 17, 64, 65, 300, 1000])
@pytest.mark.parametrize("cols", [2, 7, 4096, 5000])
def test_column_sum_order_is_fixed(threads, rows, cols):
    # Note [Column sums] / [Pairwise column sums] / [Narrow column sums]: leaves
    # of <= 64 rows are folded in row order, halves added pairwise, narrow rows
    # grouped; the same bits for any thread count.
    x = np.random.default_rng(rows * cols).standard_normal((rows, cols)).astype(np.float32)
    want = _narrow_column_sum(x)
    for n in (1, 2):
        tc.set_num_threads(n)
        assert np.array_equal(tc.from_numpy(x).sum(0).numpy(), want)
        three = tc.from_numpy(np.ascontiguousarray(np.stack([x, x[::-1]], axis=0)))
        assert np.array_equal(three.sum(1).numpy()[0], want)


@pytest.mark.parametrize("shape, dim", [((1 << 22, 4), 0), ((4, 1 << 22), 1), ((1 << 24,), None),
                                        ((1 << 11, 1 << 11), 0), ((3, 1 << 20, 2), 1)])
def test_float32_sums_stay_accurate(shape, dim):
    # A running float32 sum of 0.1 over 4M rows was 4% off (issue 14); every
    # layout must stay within a few 1e-6 of the float64 sum of the same values.
    x = tc.full(shape, 0.1)
    exact = np.float64(np.float32(0.1)) * (np.prod(shape) if dim is None else shape[dim])
    got = (x.sum() if dim is None else x.sum(dim)).double().numpy()
    assert np.all(np.abs(got - exact) / exact < 4e-6), (got, exact)
    mean = (x.mean() if dim is None else x.mean(dim)).double().numpy()
    assert np.all(np.abs(mean - np.float32(0.1)) / 0.1 < 4e-6)
    strided = tc.full(shape[::-1], 0.1).t() if len(shape) == 2 else None
    if strided is not None:
        s = strided.sum(dim).double().numpy()
        assert np.all(np.abs(s - exact) / exact < 4e-6)


def test_variance_of_tall_columns_is_accurate():
    r = tc.rand(1 << 20, 3, generator=tc.Generator().manual_seed(0))
    ref = r.double().numpy().var(axis=0, ddof=1)
    assert np.all(np.abs(r.var(0).double().numpy() - ref) / ref < 1e-5)


def test_column_sum_of_integers_wraps_like_pytorch():
    x = np.full((19, 5), np.iinfo(np.int64).max, dtype=np.int64)
    assert np.array_equal(tc.from_numpy(x).sum(0).numpy(), x.sum(axis=0))  # numpy wraps too
    y = np.arange(19 * 5, dtype=np.int32).reshape(19, 5)
    got = tc.from_numpy(y).sum(0)
    assert got.dtype == tc.int64 and np.array_equal(got.numpy(), y.sum(axis=0, dtype=np.int64))


def test_empty_and_size_one():
    e = tc.zeros(0, 3)
    assert (e + 1).shape == (0, 3)
    assert e.sum().item() == 0
    assert e.sum(0).tolist() == [0.0, 0.0, 0.0]
    assert e.prod().item() == 1
    one = tc.tensor([2.5])
    assert (one * one).item() == 6.25
    assert one.exp().item() == pytest.approx(np.exp(2.5), rel=1e-6)


@pytest.mark.parametrize("cap", ["generic", "avx2"])
def test_each_instruction_set_agrees(cap):
    code = (
        "import numpy as np, tensorcore as tc\n"
        "x = tc.from_numpy(np.linspace(-30, 30, 10001, dtype=np.float32))\n"
        "y = tc.from_numpy(np.linspace(-3, 3, 10001))\n"
        "print(tc._C._cpu_capability())\n"
        "print(repr(float((x.exp()).sum().item())), repr(float((y.exp() * y).sum().item())),"
        " repr(float((x.t() @ x.view(-1, 1)).item() if False else (x.view(1, -1) @ x.view(-1, 1)).item())))\n"
    )
    env = dict(os.environ, TENSORCORE_CPU_CAPABILITY=cap)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    base = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    vals = [float(v) for v in out.split("\n")[1].split()]
    ref = [float(v) for v in base.split("\n")[1].split()]
    assert np.allclose(vals, ref, rtol=1e-5)
    x = np.linspace(-30, 30, 10001, dtype=np.float64)
    assert np.isclose(vals[0], np.exp(x.astype(np.float32).astype(np.float64)).sum(), rtol=1e-5)


def test_caching_allocator_reuses_and_empties():
    a = tc.empty(1 << 22)
    ptr = a.data_ptr()
    del a
    b = tc.empty(1 << 22)
    assert b.data_ptr() == ptr  # served from the cache, no fresh page faults
    del b
    assert tc._C._cached_bytes() > 0
    tc.empty_cache()
    assert tc._C._cached_bytes() == 0


@pytest.mark.parametrize("cap", ["generic", "avx2", None])
def test_float32_exp_is_correctly_rounded_on_every_isa(cap):
    # Note [Float32 transcendentals]: double evaluation, one rounding.
    code = (
        "import numpy as np, tensorcore as tc\n"
        "x = np.random.default_rng(0).uniform(-110, 95, 400000).astype(np.float32)\n"
        "x[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 88.72]\n"
        "got = tc.from_numpy(x).exp().numpy()\n"
        "with np.errstate(over='ignore', under='ignore'):\n"
        "    want = np.exp(x.astype(np.float64)).astype(np.float32)\n"
        "ok = (got == want) | (np.isnan(got) & np.isnan(want))\n"
        "print(1 - ok.mean())\n"
    )
    env = dict(os.environ)
    if cap:
        env["TENSORCORE_CPU_CAPABILITY"] = cap
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert float(out) < 1e-4


def test_negation_and_abs_flip_the_sign_of_zero():
    z = tc.tensor([0.0, -0.0, 1.5])
    assert np.signbit((-z).numpy()).tolist() == [True, False, True]
    assert np.signbit(z.neg().numpy()).tolist() == [True, False, True]
    assert np.signbit(z.abs().numpy()).tolist() == [False, False, False]
    assert repr(-tc.zeros(2)) == "tensor([-0., -0.])"


@pytest.mark.parametrize("cap", ["generic", "avx2"])
def test_nn_and_scan_kernels_agree_on_every_isa(cap):
    # backend/kernels_nn.h and kernels_scan.h: every compiled path against the
    # one this CPU picks by default (fused multiply-adds may differ in the last bit).
    code = (
        "import numpy as np, tensorcore as tc, tensorcore.nn.functional as F\n"
        "rng = np.random.default_rng(0)\n"
        "x = tc.from_numpy((rng.standard_normal((70, 301)) * 3).astype(np.float32)).requires_grad_(True)\n"
        "w = tc.from_numpy(rng.standard_normal(301).astype(np.float32)).requires_grad_(True)\n"
        "outs = [x.softmax(1), x.log_softmax(0), F.gelu(x), F.gelu(x, approximate='tanh'), F.leaky_relu(x, 0.1),\n"
        "        F.layer_norm(x, (301,), w, w), x.cumsum(0), x.cumsum(1), x.detach().sort(1)[0],\n"
        "        F.binary_cross_entropy_with_logits(x, x.detach().sigmoid(), reduction='none')]\n"
        "sum((o * (i + 1)).sum() for i, o in enumerate(outs)).backward()\n"
        "print(tc._C._cpu_capability())\n"
        "np.save(__import__('sys').argv[1], np.concatenate([o.detach().numpy().ravel() for o in outs]"
        " + [x.grad.numpy().ravel(), w.grad.numpy().ravel()]))\n"
    )
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, TENSORCORE_CPU_CAPABILITY=cap)
        out = subprocess.run([sys.executable, "-c", code, f"{d}/a.npy"], env=env, capture_output=True, text=True,
                             check=True).stdout
        assert out.split()[0] == cap or cap == "avx2" and out.split()[0] == "generic"  # avx2 only where supported
        subprocess.run([sys.executable, "-c", code, f"{d}/b.npy"], capture_output=True, text=True, check=True)
        a, b = np.load(f"{d}/a.npy"), np.load(f"{d}/b.npy")
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cap", ["generic", "avx2", None])
def test_gemm_micro_kernel_on_every_isa(cap):
    # cpu/gemm_impl.h per instruction set (Note [Broadcast without an add]):
    # full and edge tiles (m, n not multiples of the 6/8 x 16/32 register
    # tiles), transposed operands (packing reads strided A and B), K above the
    # K block (accumulation across blocks), addmm's accumulate into C, one and
    # two threads, float32 and float64, each against numpy in float64.
    code = (
        "import numpy as np, tensorcore as tc\n"
        "rng = np.random.default_rng(5)\n"
        "worst = 0.0\n"
        "for threads in (1, 2):\n"
        "    tc.set_num_threads(threads)\n"
        "    for dt, tol in ((np.float32, 1e-5), (np.float64, 1e-12)):\n"
        "        for m, n, k in ((1, 1, 1), (5, 7, 3), (6, 16, 9), (13, 35, 300), (64, 64, 64), (97, 130, 600),\n"
        "                        (300, 260, 130)):\n"
        "            a = rng.standard_normal((m, k)).astype(dt)\n"
        "            b = rng.standard_normal((k, n)).astype(dt)\n"
        "            c = rng.standard_normal((m, n)).astype(dt)\n"
        "            ref = a.astype(np.float64) @ b.astype(np.float64)\n"
        "            scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64) + 1\n"
        "            ta, tb, tcc = tc.from_numpy(a), tc.from_numpy(b), tc.from_numpy(c)\n"
        "            outs = [(ta @ tb, ref),\n"
        "                    (tc.from_numpy(np.ascontiguousarray(a.T)).t() @ tc.from_numpy(np.ascontiguousarray(b.T)).t(), ref),\n"
        "                    (tc.addmm(tcc, ta, tb), ref + c)]\n"
        "            for got, want in outs:\n"
        "                worst = max(worst, float(np.max(np.abs(got.numpy() - want) / scale)) / tol)\n"
        "print(tc._C._cpu_capability(), worst)\n"
    )
    env = dict(os.environ)
    if cap:
        env["TENSORCORE_CPU_CAPABILITY"] = cap
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    picked, worst = out.split()
    if cap == "generic":
        assert picked == "generic"
    assert float(worst) < 1.0, out


def test_measured_fma_peak_is_a_positive_rate():
    # bench/compare.py divides GEMM rows by it (Note [Measured FMA peak]).
    for dtype in ("float32", "float64"):
        peak = tc._C._measure_fma_peak_gflops(dtype)
        assert 0.1 < peak < 1e5
    assert tc._C._measure_fma_peak_gflops("float32") > tc._C._measure_fma_peak_gflops("float64") * 1.2
    with pytest.raises(ValueError, match="float32"):
        tc._C._measure_fma_peak_gflops("int32")


@pytest.mark.parametrize("cap", ["generic", "avx2", "avx512"])
def test_float32_log_is_correctly_rounded_on_every_isa(cap):
    # Note [Vectorizable log] (backend/functors.h): log, log2 and log10 of float32 evaluate a polynomial in double
    # and round once; they must equal the correctly rounded value (numpy's float64 result rounded to float32) for
    # random bit patterns of every exponent, denormals and the special values.
    code = (
        "import sys, numpy as np, tensorcore as tc\n"
        "rng = np.random.default_rng(0)\n"
        "bits = rng.integers(0, 0x7f800000, 2_000_000, dtype=np.uint32)\n"
        "x = np.concatenate([bits.view(np.float32), np.float32([0, -0.0, -1, np.inf, -np.inf, np.nan, 1, 2, 10,\n"
        "                    1e-45, 3.4e38, 0.5, 1 - 2**-24, 1 + 2**-23])])\n"
        "t = tc.from_numpy(x)\n"
        "for name in ('log', 'log2', 'log10'):\n"
        "    got = getattr(t, name)().numpy()\n"
        "    with np.errstate(all='ignore'):\n"
        "        want = getattr(np, name)(x.astype(np.float64)).astype(np.float32)\n"
        "    bad = ~((got == want) | (np.isnan(got) & np.isnan(want)))\n"
        "    print(name, int(bad.sum()), x[bad][:3])\n"
        "    strided = getattr(tc.from_numpy(x)[::3], name)().numpy()\n"
        "    assert np.array_equal(strided, got[::3], equal_nan=True)\n"
        "print(tc._C._cpu_capability())\n"
    )
    env = dict(os.environ, TENSORCORE_CPU_CAPABILITY=cap)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    lines = out.strip().split("\n")
    for line in lines[:3]:
        assert line.split()[1] == "0", line  # no element differs from the correctly rounded log
    assert lines[3] in (cap, "generic", "avx2")  # a CPU without the requested ISA runs the best it has
