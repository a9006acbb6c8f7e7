"""Core (C++) mismatches with PyTorch that the differential fuzzer and the
kernel work of stop 14 found, each compared with PyTorch: relu of NaN and
-0.0 and its gradient there, the gradient of a full prod of an N-d input with
one zero, conjugated operands in the gradients of dot/mv/addmm/bmm of complex
inputs, the dtype of empty reductions, the overflow rules of filling a number
into a dtype, narrow column sums (sum(0) of [N, 2]) and float32 hypot (the
complex abs)."""
import math

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def both(fn):
    return fn(tc), fn(torch)


def test_relu_keeps_nan_and_negative_zero():
    for f in (lambda m, x: m.relu(x), lambda m, x: x.relu(), lambda m, x: m.nn.functional.relu(x),
              lambda m, x: m.nn.ReLU()(x), lambda m, x: x.clone().relu_()):
        got, want = both(lambda m: f(m, m.tensor([float("nan"), -0.0, 0.0, -1.5, 2.0])))
        g, w = got.numpy(), want.numpy()
        assert np.array_equal(np.isnan(g), np.isnan(w))
        assert np.array_equal(np.signbit(g), np.signbit(w))
        assert np.array_equal(np.nan_to_num(g), np.nan_to_num(w))


def test_relu_gradient_passes_through_nan():
    def grad(m):
        x = m.tensor([float("nan"), -0.0, 0.0, -1.5, 2.0], dtype=m.float64, requires_grad=True)
        m.relu(x).backward(m.ones(5, dtype=m.float64))
        return x.grad.tolist()
    got, want = both(grad)
    assert got == want == [1.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("shape", [(4,), (2, 2), (2, 3, 2), (1, 5)])
@pytest.mark.parametrize("zeros", [0, 1, 2])
def test_full_prod_gradient_with_zeros(shape, zeros):
    n = math.prod(shape)
    values = np.random.default_rng(n + zeros).uniform(0.5, 1.5, n) * np.where(np.arange(n) % 2, 1, -1)
    values[[(3 * i + 1) % n for i in range(zeros)]] = 0.0

    def grad(m):
        x = m.tensor(values.reshape(shape), dtype=m.float64, requires_grad=True)
        x.prod().backward()
        return x.grad.numpy().copy()
    got, want = both(grad)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    x = tc.tensor(values.reshape(shape), dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: t.prod(), (x,))


def _complex_pair(m, shape_a, shape_b, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape_a) + 1j * rng.standard_normal(shape_a)
    b = rng.standard_normal(shape_b) + 1j * rng.standard_normal(shape_b)
    return (m.tensor(a, dtype=m.complex128, requires_grad=True), m.tensor(b, dtype=m.complex128, requires_grad=True))


PRODUCTS = {
    "dot": ((3,), (3,), lambda m, a, b: m.dot(a, b)),
    "mv": ((2, 3), (3,), lambda m, a, b: m.mv(a, b)),
    "matmul_vv": ((3,), (3,), lambda m, a, b: a @ b),
    "matmul_mv": ((2, 3), (3,), lambda m, a, b: a @ b),
    "mm": ((2, 3), (3, 4), lambda m, a, b: m.mm(a, b)),
    "bmm": ((2, 2, 3), (2, 3, 2), lambda m, a, b: m.bmm(a, b)),
    "addmm": ((2, 3), (3, 4), lambda m, a, b: m.addmm(m.ones(2, 4, dtype=m.complex128), a, b)),
    "linear": ((2, 3), (4, 3), lambda m, a, b: m.nn.functional.linear(a, b)),
}


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_complex_product_gradients_conjugate_the_other_operand(name):
    sa, sb, f = PRODUCTS[name]

    def grads(m):
        a, b = _complex_pair(m, sa, sb, len(name))
        f(m, a, b).abs().sum().backward()
        return a.grad.numpy().copy(), b.grad.numpy().copy()
    (ga, gb), (wa, wb) = both(grads)
    np.testing.assert_allclose(ga, wa, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gb, wb, rtol=1e-12, atol=1e-12)
    a, b = _complex_pair(tc, sa, sb, len(name))
    assert tc.autograd.gradcheck(lambda x, y: f(tc, x, y), (a, b))


EMPTY_REDUCTIONS = [("float16", "sum"), ("bfloat16", "sum"), ("int8", "amax"), ("bfloat16", "prod"),
                    ("bfloat16", "nanmean"), ("int16", "sum"), ("uint8", "prod"), ("float16", "mean"),
                    ("int16", "amin"), ("float16", "nansum"), ("int8", "max"), ("bfloat16", "logsumexp")]


@pytest.mark.parametrize("dtype,op", EMPTY_REDUCTIONS)
def test_empty_reductions_keep_pytorchs_dtype(dtype, op):
    def run(m):
        r = getattr(m.zeros(0, 2, dtype=getattr(m, dtype)), op)(1)
        r = r[0] if isinstance(r, tuple) else r
        return tuple(r.shape), str(r.dtype).split(".")[-1]
    got, want = both(run)
    assert got == want


FILLS = [("uint8", -1.25), ("uint8", -1), ("uint8", -255), ("uint8", -256), ("uint8", 255.5), ("uint8", 255.0),
         ("int8", -128.5), ("int8", -128.0), ("int8", -129.0), ("int32", 2147483647.5), ("int32", 2147483648.0),
         ("int32", float("nan")), ("int64", 9.3e18), ("float32", 1e39), ("float32", -1e39), ("float32", float("inf")),
         ("float32", 3.4e38), ("float16", 1e6), ("bfloat16", 1e39), ("float64", 1e300), ("int16", 32767.9)]


def _outcome(f):
    try:
        return f().tolist()
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e).__name__


@pytest.mark.parametrize("n", [1, 3])  # PyTorch's one-element fill rounds 16-bit floats to inf
@pytest.mark.parametrize("dtype,value", FILLS)
def test_fill_overflow_rules(dtype, value, n):
    for make in (lambda m: m.zeros(n, dtype=getattr(m, dtype)).fill_(value),
                 lambda m: m.full((n,), value, dtype=getattr(m, dtype)),
                 lambda m: m.zeros(2 * n, dtype=getattr(m, dtype))[::2].fill_(value),
                 lambda m: m.zeros(2, dtype=getattr(m, dtype)).masked_fill(m.tensor([True, False]), value)):
        got, want = _outcome(lambda: make(tc)), _outcome(lambda: make(torch))
        assert got == want or (isinstance(got, list) and np.allclose(got, want, equal_nan=True))


def test_a_float32_tensor_of_a_huge_number_is_inf_as_in_pytorch():
    # torch.tensor() converts without the fill check (no error, inf), unlike fill_/full.
    assert tc.tensor(1e39, dtype=tc.float32).item() == torch.tensor(1e39, dtype=torch.float32).item() == math.inf


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 8, 11, 16, 17])
@pytest.mark.parametrize("rows", [63, 64, 65, 1000, 100003])
def test_narrow_column_sums(width, rows):
    x = np.random.default_rng(rows * width).standard_normal((rows, width)).astype(np.float32)
    got = tc.from_numpy(x).sum(0).numpy()
    np.testing.assert_allclose(got, x.astype(np.float64).sum(0), rtol=1e-5, atol=1e-4)
    d = x.astype(np.float64)
    np.testing.assert_allclose(tc.from_numpy(d).sum(0).numpy(), d.sum(0), rtol=1e-12, atol=1e-10)
    # Summation order depends on the shape only (Note [Narrow column sums]).
    before = tc.get_num_threads()
    try:
        tc.set_num_threads(1)
        one = tc.from_numpy(x).sum(0).numpy()
        tc.set_num_threads(2)
        assert np.array_equal(one, tc.from_numpy(x).sum(0).numpy())
    finally:
        tc.set_num_threads(before)


def test_complex_sum_and_mean_match_pytorch():
    rng = np.random.default_rng(3)
    z = (rng.standard_normal((1000, 3)) + 1j * rng.standard_normal((1000, 3))).astype(np.complex64)
    for f in (lambda t: t.sum(), lambda t: t.sum(0), lambda t: t.mean(), lambda t: t.mean(0)):
        got = f(tc.from_numpy(z)).numpy()
        want = f(torch.from_numpy(z)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_float32_hypot_and_complex_abs_special_values():
    inf, nan = float("inf"), float("nan")
    a = [3.0, -0.0, inf, nan, -inf, 1e-30, 3e38, 1e-45, nan, 0.0]
    b = [4.0, 0.0, nan, inf, 1.0, 1e-30, 3e38, 1e-45, 1.0, -0.0]
    for m in (tc, torch):
        x, y = m.tensor(a), m.tensor(b)
        r = m.hypot(x, y).tolist()
        if m is tc:
            got = r
        else:
            want = r
    assert np.array_equal(np.array(got), np.array(want), equal_nan=True)
    z = np.array([complex(p, q) for p, q in zip(a, b)], dtype=np.complex64)
    got = tc.from_numpy(z).abs().numpy()
    want = torch.from_numpy(z).abs().numpy()
    assert np.array_equal(got, want, equal_nan=True)
    # Correctly rounded against double evaluation on random data.
    rng = np.random.default_rng(0)
    p = (rng.standard_normal(100000) * 10.0 ** rng.integers(-30, 30, 100000)).astype(np.float32)
    q = (rng.standard_normal(100000) * 10.0 ** rng.integers(-30, 30, 100000)).astype(np.float32)
    ref = np.hypot(p.astype(np.float64), q.astype(np.float64)).astype(np.float32)
    assert np.array_equal(tc.hypot(tc.from_numpy(p), tc.from_numpy(q)).numpy(), ref)


def _index_outcome(m, key, value=None):
    x = m.tensor(3.0)
    try:
        if value is None:
            r = x[key]
            return tuple(r.shape), r.tolist()
        x[key] = value
        return x.tolist()
    except Exception as e:  # noqa: BLE001 - type and message are what is compared
        return type(e).__name__, str(e)


@pytest.mark.parametrize("key", [0, -1, 5, np.int64(0), slice(None), slice(0, 1), None, Ellipsis, True, False, (0,),
                                 (0, 0), (slice(None),), (None, 0)], ids=repr)
def test_indexing_a_zero_dim_tensor_says_what_pytorch_says(key):
    # `loss.data[0]` of pre-0.4 code: PyTorch's message points to item().
    assert _index_outcome(tc, key) == _index_outcome(torch, key)
    assert _index_outcome(tc, key, 1.0) == _index_outcome(torch, key, 1.0)


def test_unbind_and_cumprod_of_an_empty_dim_with_grad():
    # record() of a node with no outputs returned a pointer nothing owned
    # (heap-use-after-free under ASan); PyTorch returns empty results.
    def run(m):
        x = m.zeros(2, 0, 3, requires_grad=True)
        parts = x.unbind(1)
        c = x.cumprod(1)
        c.sum().backward()
        return len(parts), tuple(c.shape), tuple(x.grad.shape)
    got, want = both(run)
    assert got == want == (0, (2, 0, 3), (2, 0, 3))
