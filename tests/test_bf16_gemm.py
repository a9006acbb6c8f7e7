"""bfloat16 matrix products on every path (Note [bfloat16 GEMM] in
csrc/backend/cpu/gemm_bf16_impl.h): "convert" (float32 GEMM), "native"
(AVX512-BF16, where the CPU has it) and "emulated" (the native kernel's packing,
blocking and rounding in portable code, so every machine tests that code).

Values are compared with PyTorch's bfloat16 products (one bfloat16 ulp: both
round a float32 sum once, summed in different orders) and with a float64
reference; the native and emulated kernels must agree bit for bit."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore import _C

torch = pytest.importorskip("torch")

_DEFAULT = _C._bf16_gemm_path()
NATIVE = _C._set_bf16_gemm_path("native")  # False (and no change) on a CPU without AVX512-BF16
_C._set_bf16_gemm_path(_DEFAULT)
PATHS = ["convert", "emulated"] + (["native"] if NATIVE else [])


@pytest.fixture(params=PATHS)
def path(request):
    before = _C._bf16_gemm_path()
    assert _C._set_bf16_gemm_path(request.param)
    yield request.param
    _C._set_bf16_gemm_path(before)


def _bf16_pair(shape_a, shape_b, seed):
    rng = np.random.default_rng(seed)
    a = torch.from_numpy(rng.standard_normal(shape_a).astype(np.float32)).to(torch.bfloat16)
    b = torch.from_numpy(rng.standard_normal(shape_b).astype(np.float32)).to(torch.bfloat16)
    return a, b


def _tc(t):
    return tc.tensor(t.float().numpy()).to(tc.bfloat16)


def _close_to_torch(ours, theirs, ref64):
    """Within one bfloat16 ulp of PyTorch, and within bfloat16 rounding plus a float32 sum's error of float64."""
    o = ours.float().numpy().astype(np.float64)
    t = theirs.float().numpy().astype(np.float64)
    assert o.shape == t.shape
    scale = np.maximum(np.abs(t), 1e-30)
    assert np.all(np.abs(o - t) <= 2.0 ** -7 * scale + 1e-6), np.max(np.abs(o - t) / scale)
    assert np.all(np.abs(o - ref64) <= 2.0 ** -8 * np.abs(ref64) + 1e-4 * np.sqrt(ref64.size))


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (5, 3, 7), (12, 32, 32), (13, 33, 31), (37, 1100, 45),
                                   (64, 513, 96), (200, 64, 1), (1, 300, 200)])
def test_mm_matches_torch(path, m, k, n):
    a, b = _bf16_pair((m, k), (k, n), m * 1000 + k + n)
    ours = tc.mm(_tc(a), _tc(b))
    assert ours.dtype == tc.bfloat16
    ref = a.double().numpy() @ b.double().numpy()
    _close_to_torch(ours, torch.mm(a, b), ref)


@pytest.mark.parametrize("layout", ["at", "bt", "both_t", "strided"])
def test_mm_transposed_and_strided_operands(path, layout):
    a, b = _bf16_pair((70, 90), (90, 50), 7)
    ta, tb = _tc(a), _tc(b)
    if layout in ("at", "both_t"):
        a, ta = a.t().contiguous().t(), ta.t().contiguous().t()
    if layout in ("bt", "both_t"):
        b, tb = b.t().contiguous().t(), tb.t().contiguous().t()
    if layout == "strided":
        a2, b2 = _bf16_pair((140, 180), (180, 100), 8)
        a, b = a2[::2, ::2], b2[::2, ::2]
        ta, tb = _tc(a2)[::2, ::2], _tc(b2)[::2, ::2]
    ref = a.double().numpy() @ b.double().numpy()
    _close_to_torch(tc.mm(ta, tb), torch.mm(a, b), ref)


def test_bmm_matmul_addmm_linear(path):
    a, b = _bf16_pair((3, 20, 35), (3, 35, 17), 11)
    ref = a.double().numpy() @ b.double().numpy()
    _close_to_torch(tc.bmm(_tc(a), _tc(b)), torch.bmm(a, b), ref)
    # broadcast batch (an expanded operand: batch stride 0)
    w = b[0]
    _close_to_torch(tc.matmul(_tc(a), _tc(w)), torch.matmul(a, w), a.double().numpy() @ w.double().numpy())
    x, wt = _bf16_pair((9, 35), (17, 35), 12)
    bias = torch.randn(17, generator=torch.Generator().manual_seed(0)).to(torch.bfloat16)
    ours = tc.nn.functional.linear(_tc(x), _tc(wt), _tc(bias))
    ref = x.double().numpy() @ wt.double().numpy().T + bias.double().numpy()
    _close_to_torch(ours, torch.nn.functional.linear(x, wt, bias), ref)
    ours = tc.addmm(_tc(bias), _tc(x), _tc(wt).t())
    _close_to_torch(ours, torch.addmm(bias, x, wt.t()), ref)


def test_linear_backward(path):
    x, w = _bf16_pair((16, 40), (24, 40), 13)
    tx, tw = _tc(x).requires_grad_(), _tc(w).requires_grad_()
    px, pw = x.clone().requires_grad_(), w.clone().requires_grad_()
    tc.nn.functional.linear(tx, tw).sum().backward()
    torch.nn.functional.linear(px, pw).sum().backward()
    g = np.ones((16, 24))
    _close_to_torch(tx.grad, px.grad, g @ w.double().numpy())
    _close_to_torch(tw.grad, pw.grad, g.T @ x.double().numpy())


def test_empty_and_zero_k(path):
    z = tc.mm(tc.zeros(3, 0, dtype=tc.bfloat16), tc.zeros(0, 4, dtype=tc.bfloat16))
    assert z.shape == (3, 4) and z.dtype == tc.bfloat16 and not z.float().any()
    assert tc.mm(tc.zeros(0, 5, dtype=tc.bfloat16), tc.zeros(5, 4, dtype=tc.bfloat16)).shape == (0, 4)


def test_nan_and_inf_propagate(path):
    a = tc.ones(4, 6, dtype=tc.bfloat16)
    b = tc.ones(6, 5, dtype=tc.bfloat16)
    a[1, 2] = float("nan")
    a[2, 0] = float("inf")
    c = tc.mm(a, b).float().numpy()
    assert np.isnan(c[1]).all() and np.isposinf(c[2]).all() and (c[0] == 6).all()


def test_results_do_not_depend_on_thread_count(path):
    a, b = _bf16_pair((300, 257), (257, 190), 21)
    ta, tb = _tc(a), _tc(b)
    before = tc.get_num_threads()
    try:
        tc.set_num_threads(1)
        one = tc.mm(ta, tb).float().numpy()
        tc.set_num_threads(2)
        two = tc.mm(ta, tb).float().numpy()
    finally:
        tc.set_num_threads(before)
    assert np.array_equal(one, two)


@pytest.mark.skipif(not NATIVE, reason="this CPU has no AVX512-BF16 (the emulated path is tested above)")
def test_native_and_emulated_agree_bit_for_bit():
    before = _C._bf16_gemm_path()
    rng = np.random.default_rng(5)
    # wide exponent range, odd k, several K blocks, partial tiles
    a = tc.tensor(rng.standard_normal((45, 1037)) * np.exp2(rng.integers(-20, 20, (45, 1037)))).to(tc.bfloat16)
    b = tc.tensor(rng.standard_normal((1037, 70)) * np.exp2(rng.integers(-20, 20, (1037, 70)))).to(tc.bfloat16)
    try:
        results = {}
        for p in ("native", "emulated"):
            assert _C._set_bf16_gemm_path(p)
            results[p] = (tc.mm(a, b).view(tc.int16).numpy().copy(), tc.mm(a.t().contiguous().t(), b).view(tc.int16).numpy().copy())
    finally:
        _C._set_bf16_gemm_path(before)
    assert np.array_equal(results["native"][0], results["emulated"][0])
    assert np.array_equal(results["native"][1], results["emulated"][1])


def test_path_setter_rejects_unknown_names():
    with pytest.raises(ValueError, match="convert"):
        _C._set_bf16_gemm_path("fast")
    assert _C._bf16_gemm_path() in ("convert", "native", "emulated")


@pytest.mark.parametrize("k", [500, 1100])  # one K block (rounded in the kernel's store), and two
def test_rounded_output_equals_rounding_the_float32_sums(path, k):
    a, b = _bf16_pair((50, k), (k, 70), k)
    ta, tb = _tc(a), _tc(b)
    fused = tc.mm(ta, tb).view(tc.int16).numpy()
    # addmm with a zero bias keeps the float32 sums, adds 0 and rounds once
    separate = tc.addmm(tc.zeros(70, dtype=tc.bfloat16), ta, tb).view(tc.int16).numpy()
    assert np.array_equal(fused, separate)
