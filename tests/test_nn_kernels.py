"""The nn and scan kernels (backend/kernels_nn.h, kernels_scan.h) against
PyTorch and float64 references: float32 exp/erf accuracy (Note [Float exp],
Note [Vectorizable erf]), softmax and cumsum over every dim (Note [Softmax
layout]), the fused backward kernels, and results that do not depend on the
thread count."""
import numpy as np
import pytest

import tensorcore as tc
import tensorcore.nn.functional as F


@pytest.fixture
def threads():
    before = tc.get_num_threads()
    yield
    tc.set_num_threads(before)


def _gelu64(x):
    from scipy.special import erf
    return x * 0.5 * (1.0 + erf(x / np.sqrt(2.0)))


def test_float32_gelu_is_within_a_few_ulp():
    pytest.importorskip("scipy")
    x = np.concatenate([np.linspace(-12, 12, 400001), [0.0, -0.0, 1e-30, -1e-30, 1.0, 3.92, -3.92]]).astype(np.float32)
    got = F.gelu(tc.from_numpy(x)).numpy().astype(np.float64)
    ref = _gelu64(x.astype(np.float64))
    # 1 + erf(z) cancels for negative z: two ulp of erf (6e-8 for |erf| in [0.5, 1]) scaled by |x| / 2.
    tol = 4 * np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64) + 2 * 6e-8 * np.abs(x) / 2
    assert np.all(np.abs(got - ref) <= tol)


def test_float32_gelu_special_values(torch):
    v = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, -5.6, 5.6, -10.0, -100.0]
    got = F.gelu(tc.tensor(v)).numpy()
    want = torch.nn.functional.gelu(torch.tensor(v)).numpy()
    # PyTorch's answer at +inf and the sign of its 0 for -0 and very negative inputs depend on the kernel it
    # dispatches to: its AVX2 kernel gives inf and +0 (what tensorcore gives everywhere), its AVX-512 kernel (as on
    # a Zen 4) NaN and -0. The other values agree on both.
    isa_dependent = np.array([False, True, False, True, False, True, False, True, True])
    assert np.array_equal(got[~isa_dependent], want[~isa_dependent], equal_nan=True)
    assert got[1] == np.inf and np.all(got[isa_dependent][1:] == 0) and not np.signbit(got[[4, 5, 7, 8]]).any()
    if torch.backends.cpu.get_cpu_capability() == "AVX2":
        assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(np.signbit(got[~np.isnan(want)]), np.signbit(want[~np.isnan(want)]))


def test_float32_softmax_exp_is_accurate_down_to_subnormals(torch):
    rng = np.random.default_rng(0)
    x = rng.uniform(-110, 0, (64, 513)).astype(np.float32)
    x[:, 0] = 0.0  # max 0: softmax's exponentials are exp(x) itself, subnormals included
    got = tc.from_numpy(x).softmax(1).numpy().astype(np.float64)
    e = np.exp(x.astype(np.float64))
    ref = e / e.sum(1, keepdims=True)
    ulp = np.spacing(ref.astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(got - ref) <= 4 * ulp)
    t = torch.tensor([[0.0, -100.0, -104.0, float("-inf")]])
    assert np.array_equal(tc.tensor(t.numpy()).softmax(1).numpy(), t.softmax(1).numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,dim", [((3, 5, 300), 0), ((3, 5, 300), 1), ((3, 5, 300), 2), ((7,), 0), ((), 0),
                                       ((2, 600, 3), 1), ((4, 0, 3), 1), ((4, 0, 3), 2)])
def test_softmax_family_every_dim_vs_torch(torch, dtype, shape, dim):
    rng = np.random.default_rng(1)
    x = np.asarray(rng.standard_normal(shape) * 4, dtype=dtype)
    g = np.asarray(rng.standard_normal(shape), dtype=dtype)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)
    for name in ("softmax", "log_softmax"):
        a = tc.from_numpy(x).requires_grad_(True)
        b = torch.from_numpy(x).requires_grad_(True)
        ya, yb = getattr(a, name)(dim), getattr(b, name)(dim)
        np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), **tol)
        ya.backward(tc.from_numpy(g))
        yb.backward(torch.from_numpy(g))
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)
        assert ya.grad_fn.name() == type(yb.grad_fn).__name__
    for dt in (dtype, "int64", "int32"):
        xi = x if dt == dtype else np.asarray(x * 10, dtype=dt)
        got = tc.from_numpy(xi).cumsum(dim)
        want = torch.from_numpy(xi).cumsum(dim)
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        assert np.array_equal(got.numpy(), want.numpy())  # Note [Cumsum accumulator]


def test_softmax_of_a_transposed_view(torch):
    x = np.random.default_rng(2).standard_normal((40, 30)).astype(np.float32)
    for dim in (0, 1):
        got = tc.from_numpy(x).t().softmax(dim).numpy()
        want = torch.from_numpy(x).t().softmax(dim).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_cumsum_integers_wrap_and_negative_zero(torch):
    x = np.array([2**62, 2**62, 2**62, -5], dtype=np.int64)
    assert tc.from_numpy(x).cumsum(0).tolist() == torch.from_numpy(x).cumsum(0).tolist()
    z = tc.tensor([-0.0, -0.0]).cumsum(0).numpy()
    assert np.array_equal(np.signbit(z), np.signbit(torch.tensor([-0.0, -0.0]).cumsum(0).numpy()))


@pytest.mark.parametrize("rows", [1, 63, 64, 65, 300])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_backward_vs_torch(torch, rows, affine):
    rng = np.random.default_rng(rows)
    x = (rng.standard_normal((rows, 37)) * 3 + 1).astype(np.float32)
    g = rng.standard_normal((rows, 37)).astype(np.float32)
    w = rng.standard_normal(37).astype(np.float32)
    b = rng.standard_normal(37).astype(np.float32)
    outs = []
    for lib in (tc, torch):
        xt = lib.from_numpy(x).requires_grad_(True)
        wt = lib.from_numpy(w).requires_grad_(True) if affine != "none" else None
        bt = lib.from_numpy(b).requires_grad_(True) if affine == "both" else None
        y = lib.nn.functional.layer_norm(xt, (37,), wt, bt, 1e-5)
        y.backward(lib.from_numpy(g))
        outs.append([y.detach().numpy(), xt.grad.numpy()] + [t.grad.numpy() for t in (wt, bt) if t is not None])
    for a, b_ in zip(*outs):
        np.testing.assert_allclose(a, b_, rtol=1e-4, atol=1e-5)


def test_layer_norm_grad_reaches_only_what_needs_it(torch):
    x = tc.randn(5, 8)
    w = tc.randn(8).requires_grad_(True)
    F.layer_norm(x, (8,), w, None).sum().backward()
    assert x.grad is None and w.grad is not None and w.grad.shape == (8,)


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "leaky_relu"])
def test_activation_backward_vs_torch(torch, name):
    x = np.random.default_rng(3).standard_normal(5000).astype(np.float32) * 4
    g = np.random.default_rng(4).standard_normal(5000).astype(np.float32)
    res = []
    for lib in (tc, torch):
        xt = lib.from_numpy(x).requires_grad_(True)
        f = {"gelu": lambda t: lib.nn.functional.gelu(t),
             "gelu_tanh": lambda t: lib.nn.functional.gelu(t, approximate="tanh"),
             "leaky_relu": lambda t: lib.nn.functional.leaky_relu(t, 0.2)}[name]
        y = f(xt)
        y.backward(lib.from_numpy(g))
        res.append((y.detach().numpy(), xt.grad.numpy()))
    # atol: near saturation (x < -3) PyTorch's float tanh returns exactly -1
    # where the correctly rounded tanh does not; the derivative there is 1e-6.
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=5e-6)


def _all_kernels(seed):
    rng = np.random.default_rng(seed)
    x = tc.from_numpy(rng.standard_normal((300, 257)).astype(np.float32)).requires_grad_(True)
    w = tc.from_numpy(rng.standard_normal(257).astype(np.float32)).requires_grad_(True)
    outs = [x.softmax(1), x.log_softmax(1), x.softmax(0), x.log_softmax(0), F.gelu(x), F.gelu(x, approximate="tanh"),
            F.layer_norm(x, (257,), w, w), F.leaky_relu(x, 0.1), x.cumsum(0), x.cumsum(1),
            F.mse_loss(x, x.detach() * 0.5, reduction="none"),
            F.binary_cross_entropy_with_logits(x, x.detach().sigmoid(), reduction="none")]
    loss = sum((o * (i + 1)).sum() for i, o in enumerate(outs))
    loss.backward()
    return [o.detach().numpy() for o in outs] + [x.grad.numpy(), w.grad.numpy(), x.detach().sort(1)[0].numpy()]


def test_nn_kernels_bit_identical_across_thread_counts(threads):
    tc.set_num_threads(1)
    one = _all_kernels(5)
    for n in (2, 3):
        tc.set_num_threads(n)
        for a, b in zip(one, _all_kernels(5)):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_norm_rows_with_a_large_offset(torch, dtype):
    # Note [Shifted variance]: one pass, no cancellation on offset rows or an outlier first element.
    rng = np.random.default_rng(6)
    noise = 1e-3 if dtype == "float64" else 1.0  # float32 inputs cannot hold 1000 + 1e-3 noise
    x = np.asarray(1000 + rng.standard_normal((4, 768)) * noise, dtype=dtype)
    x[3, 0] = 1e6
    got = F.layer_norm(tc.from_numpy(x), (768,), eps=1e-5 * noise**2).numpy()
    x64 = x.astype(np.float64)
    ref = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5 * noise**2)
    want = torch.nn.functional.layer_norm(torch.from_numpy(x), (768,), eps=1e-5 * noise**2).numpy()
    tol = 1e-7 if dtype == "float64" else 1e-3
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
