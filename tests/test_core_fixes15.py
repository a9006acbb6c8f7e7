"""Core (C++) mismatches with PyTorch fixed in stop 15, each compared with
PyTorch: the complex forms that raised before (prod, cumsum, var, std, norm,
vector_norm, any, all, logsumexp, asinh, acosh, atanh, exp2, sinc, ldexp,
logaddexp, lerp, rand, randn), the gradient of a complex abs at 0, lerp's
Python-number weight in float64, and the differential fuzzer's remaining
core mismatches (nansum of complex, numpy of bfloat16 through the buffer
protocol, out= of non-differentiable ops, remainder of an empty tensor by 0,
a Python complex into a real dtype, uint8 to a negative power, min/max over a
dim of complex)."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(15)
Z = RNG.uniform(-1, 1, (3, 4)) + 1j * RNG.uniform(-1, 1, (3, 4))
Z[1, 2] = 0  # a zero factor / a zero of abs
W = RNG.uniform(-1, 1, (3, 4)) + 1j * RNG.uniform(-1, 1, (3, 4))

# name -> f(module, z): complex forms written this stop (ops/complex.cpp, Note [Complex products by halves], ...)
COMPLEX_FORMS = {
    "prod_dim0": lambda m, z: z.prod(0),
    "prod_all": lambda m, z: z.prod(),
    "prod_dim1_keepdim": lambda m, z: z.prod(1, keepdim=True),
    "prod_odd_length": lambda m, z: z[:, :3].prod(1),
    "cumsum": lambda m, z: z.cumsum(1),
    "cumsum_0dim": lambda m, z: z[0, 0].cumsum(0),
    "var": lambda m, z: z.var(0),
    "std": lambda m, z: z.std(),
    "std_correction0": lambda m, z: z.std(1, correction=0, keepdim=True),
    "norm": lambda m, z: z.norm(),
    "vector_norm_1": lambda m, z: m.linalg.vector_norm(z, 1, dim=1),
    "vector_norm_3": lambda m, z: m.linalg.vector_norm(z, 3),
    "vector_norm_inf": lambda m, z: m.linalg.vector_norm(z, float("inf"), dim=0),
    "vector_norm_2_keepdim": lambda m, z: m.linalg.vector_norm(z, 2, dim=0, keepdim=True),
    "abs": lambda m, z: z.abs(),
    "logsumexp": lambda m, z: z.logsumexp(1),
    "asinh": lambda m, z: z.asinh(),
    "acosh": lambda m, z: z.acosh(),
    "atanh": lambda m, z: z.atanh(),
    "exp2": lambda m, z: m.exp2(z),
    "sinc": lambda m, z: m.sinc(z),
    "logaddexp": lambda m, z: m.logaddexp(z, z * 2),
    "lerp_complex_weight": lambda m, z: m.lerp(z, z * z, m.tensor(0.3 + 0.2j, dtype=m.complex128)),
    "lerp_number_weight": lambda m, z: m.lerp(z, z * z, 0.7),
    "lerp_tensor_weight": lambda m, z: m.lerp(z, z * z, z),
}


def value_and_grad(m, f):
    z = m.tensor(Z, requires_grad=True)
    out = f(m, z)
    weights = np.resize(W.ravel(), out.numel()).reshape(tuple(out.shape))
    if not out.dtype.is_complex:
        weights = weights.real
    (out * m.tensor(weights)).real.sum().backward() if out.dtype.is_complex else (out * m.tensor(weights)).sum(
    ).backward()
    return out.detach().numpy(), z.grad.numpy()


@pytest.mark.parametrize("name", sorted(COMPLEX_FORMS))
def test_complex_form_values_and_gradients_match_torch(name):
    ours, our_grad = value_and_grad(tc, COMPLEX_FORMS[name])
    theirs, their_grad = value_and_grad(torch, COMPLEX_FORMS[name])
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    assert not np.isnan(our_grad).any()
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", sorted(COMPLEX_FORMS))
def test_complex_form_gradcheck(name):
    f = COMPLEX_FORMS[name]
    z = tc.tensor(Z + 0.05 + 0.05j, requires_grad=True)  # off the kinks of abs and max, and the branch cuts
    assert tc.autograd.gradcheck(lambda x: f(tc, x), (z,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("reduce", [lambda m, z: z.any(1), lambda m, z: z.all(), lambda m, z: z.any()])
def test_complex_any_all_match_torch(reduce):
    z = Z.copy()
    z[0] = 0
    assert np.array_equal(reduce(tc, tc.tensor(z)).numpy(), reduce(torch, torch.tensor(z)).numpy())


def test_complex_prod_of_empty_and_of_one_element():
    for f in (lambda m: m.zeros(0, dtype=m.complex64).prod(), lambda m: m.zeros(2, 0, dtype=m.complex64).prod(1),
              lambda m: m.tensor(1 + 2j).prod(0), lambda m: m.tensor([[1 + 2j]]).prod(0, keepdim=True)):
        got, want = f(tc), f(torch)
        assert got.shape == tuple(want.shape) and got.dtype.is_complex
        np.testing.assert_allclose(got.numpy(), want.numpy())


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape", [(3,), (8,), (5, 7)])  # below and above PyTorch's 16-element vectorised path
def test_complex_rand_and_randn_draw_pytorchs_numbers(dtype, shape):
    for name in ("rand", "randn"):
        tc.manual_seed(3)
        torch.manual_seed(3)
        got = getattr(tc, name)(*shape, dtype=getattr(tc, dtype)).numpy()
        want = getattr(torch, name)(*shape, dtype=getattr(torch, dtype)).numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_complex_normal_and_uniform_in_place_match_torch():
    for m in (tc, torch):
        m.manual_seed(5)
    got = tc.empty(20, dtype=tc.complex128).normal_(1.5, 2.0).numpy()
    want = torch.empty(20, dtype=torch.complex128).normal_(1.5, 2.0).numpy()
    np.testing.assert_allclose(got, want)
    got = tc.empty(20, dtype=tc.complex64).uniform_(-2, 3).numpy()
    want = torch.empty(20, dtype=torch.complex64).uniform_(-2, 3).numpy()
    np.testing.assert_allclose(got, want)


def test_complex_randn_has_unit_variance():
    tc.manual_seed(0)
    z = tc.randn(200000, dtype=tc.complex128).numpy()
    assert abs(np.mean(np.abs(z) ** 2) - 1) < 0.01
    assert abs(np.var(z.real) - 0.5) < 0.01


def test_lerp_number_weight_keeps_float64_precision():
    x = np.linspace(-1, 1, 9)
    y = x**3 + 0.1
    for w in (0.7, 0.2, 1.0):
        got = tc.lerp(tc.tensor(x), tc.tensor(y), w).numpy()
        want = torch.lerp(torch.tensor(x), torch.tensor(y), w).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-16)  # (was off by 5e-9: a float32 1 - w)


def test_complex_in_place_composites_match_torch():
    for name in ("asinh_", "acosh_", "atanh_", "exp2_", "sinc_"):
        got = getattr(tc.tensor(Z), name)().numpy()
        want = getattr(torch.tensor(Z), name)().numpy()
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


# ---- the differential fuzzer's remaining core mismatches ----

def outcome(f):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e)


def test_nansum_of_complex_raises_as_torch():
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="nansum on CPU does not support complex inputs"):
            m.tensor([1 + 1j]).nansum()


def test_numpy_asarray_of_bfloat16_gives_bfloat16_values():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    t = tc.tensor([1.5, -2.25, 3.0], dtype=tc.bfloat16)
    a = np.asarray(t)
    assert a.dtype == ml_dtypes.bfloat16  # not uint16 bits (the buffer protocol has no bfloat16 format)
    assert a.astype(np.float32).tolist() == [1.5, -2.25, 3.0]
    with pytest.raises(BufferError):
        memoryview(t)
    assert np.asarray(tc.tensor([1.5], dtype=tc.float16)).dtype == np.float16  # other dtypes keep their buffer


@pytest.mark.parametrize("call", [
    lambda m, a, o: m.eq(a, a, out=o.bool()),
    lambda m, a, o: m.lt(a, a, out=o.bool()),
    lambda m, a, o: m.eq(a.detach(), a.detach(), out=o),
    lambda m, a, o: m.logical_and(a, a, out=o.bool()),
    lambda m, a, o: m.floor_divide(a, a, out=o.detach()),
    lambda m, a, o: m.heaviside(a, a, out=o.detach()),
    lambda m, a, o: m.signbit(a, out=o.bool()),
    lambda m, a, o: m.logical_not(a, out=o.bool()),
    lambda m, a, o: m.sign(a, out=o.detach()),
    lambda m, a, o: m.floor(a, out=o.detach()),
    lambda m, a, o: m.add(a, a, out=o.detach()),
])
def test_out_of_non_differentiable_ops_accepts_inputs_requiring_grad(call):
    def run(m):
        a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        o = m.zeros(3, requires_grad=True)
        r = outcome(lambda: call(m, a, o))
        return r if isinstance(r, type) else r.tolist()
    assert run(tc) == run(torch)


def test_integer_division_by_zero_of_an_empty_tensor_is_empty():
    for f in (lambda m: m.zeros(0, dtype=m.int64).remainder_(0), lambda m: m.zeros(0, dtype=m.int64) // 0,
              lambda m: m.zeros(2, 0, dtype=m.int32) % m.zeros(1, dtype=m.int32)):
        got, want = f(tc), f(torch)
        assert got.shape == tuple(want.shape)
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            m.ones(1, dtype=m.int64) % 0


@pytest.mark.parametrize("data", [[1j], [1 + 0j], 1j, [[2j, 1]], [1, 1j]])
@pytest.mark.parametrize("dtype", ["int64", "uint8", "int16", "float32", "float64", "bool", "complex64"])
def test_python_complex_into_a_dtype_as_torch(data, dtype):
    got = outcome(lambda: tc.tensor(data, dtype=getattr(tc, dtype)))
    want = outcome(lambda: torch.tensor(data, dtype=getattr(torch, dtype)))
    if isinstance(want, type):
        assert got is want
    else:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_integer_to_a_negative_number_power_raises(dtype):
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
            m.tensor([2], dtype=getattr(m, dtype)).pow(-1)
    assert tc.tensor([2], dtype=tc.uint8).pow(2).tolist() == [4]


@pytest.mark.parametrize("name", ["max", "min"])
def test_min_max_over_a_dim_of_complex_raise_runtime_error(name):
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match=f"{name}\\(\\): does not support complex input"):
            getattr(m.tensor([1j, 2]), name)(0)


@pytest.mark.parametrize("have, want", [("float32", "float64"), ("float32", "complex64"), ("complex64", "float64"),
                                        ("float64", "float32"), ("bfloat16", "float16"), ("int64", "float32"),
                                        ("complex64", "complex128")])
def test_vector_norm_dtype_argument_as_torch(have, want):
    def run(m):
        r = outcome(lambda: m.linalg.vector_norm(m.ones(3, dtype=getattr(m, have)), dtype=getattr(m, want)))
        return r if isinstance(r, type) else (str(r.dtype).split(".")[-1], round(r.item(), 5))
    assert run(tc) == run(torch)


@pytest.mark.parametrize("ord", ["fro", 1, -1, float("inf"), -float("inf")])
def test_complex_matrix_norm_matches_torch(ord):
    z = Z + 0.1j
    got = tc.linalg.matrix_norm(tc.tensor(z), ord).item()
    want = torch.linalg.matrix_norm(torch.tensor(z), ord).item()
    assert abs(got - want) < 1e-12


def test_complex_inverse_matches_torch():
    # complex LAPACK (zgetrf/zgetrs) since stop 18; before, this raised NotImplementedError
    got = tc.linalg.inv(tc.tensor(Z[:3, :3])).numpy()
    want = torch.linalg.inv(torch.tensor(Z[:3, :3])).numpy()
    assert np.abs(got - want).max() < 1e-12


def test_set_materialize_grads_false_passes_none_for_unused_outputs():
    def run(m):
        class TwoOutputs(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                assert g1 is not None
                return g1 * 2 + (100 if g2 is None else 0)

        x = m.ones(2, requires_grad=True)
        a, _ = TwoOutputs.apply(x)
        a.sum().backward()
        return x.grad.tolist()
    assert run(tc) == run(torch) == [102.0, 102.0]


# Note [Image blocks in the convolution]: several images per GEMM where OH*OW is small; ragged last blocks,
# groups, strides, dilation, 1x1 (cols are the input) and the weight gradient's fixed summation order.
CONV_CASES = [
    # (N, C, O, H, W, kernel, stride, padding, dilation, groups)
    (16, 8, 12, 1, 1, 3, 1, 1, 1, 1),
    (37, 6, 4, 2, 2, 3, 1, 1, 1, 2),
    (5, 4, 6, 7, 5, 3, 2, 1, 1, 1),
    (300, 3, 5, 3, 3, 2, 1, 0, 1, 1),
    (20, 6, 6, 4, 4, 1, 1, 0, 1, 3),
    (9, 4, 4, 5, 5, 3, 1, 2, 2, 1),
    (3, 2, 3, 20, 20, 3, 1, 1, 1, 1),  # L >= 256: one image per GEMM as before
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[f"N{c[0]}-C{c[1]}-O{c[2]}-{c[3]}x{c[4]}-g{c[9]}" for c in CONV_CASES])
def test_conv2d_blocks_of_images_match_torch(case):
    N, C, O, H, W, k, s, p, d, groups = case
    rng = np.random.default_rng(N)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((O, C // groups, k, k))
    b = rng.standard_normal(O)
    res = []
    for m in (tc, torch):
        xt, wt, bt = (m.tensor(v, requires_grad=True) for v in (x, w, b))
        y = m.nn.functional.conv2d(xt, wt, bt, stride=s, padding=p, dilation=d, groups=groups)
        y.backward(m.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape))))
        res.append([y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
    for ours, theirs in zip(*res):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_conv2d_block_results_do_not_depend_on_thread_count():
    rng = np.random.default_rng(0)
    x = tc.tensor(rng.standard_normal((33, 16, 2, 2)).astype(np.float32), requires_grad=True)
    w = tc.tensor(rng.standard_normal((24, 16, 3, 3)).astype(np.float32), requires_grad=True)
    before = tc.get_num_threads()
    out = []
    try:
        for n in (1, 2):
            tc.set_num_threads(n)
            x.grad = w.grad = None
            y = tc.nn.functional.conv2d(x, w, padding=1)
            y.square().sum().backward()
            out.append([y.detach().numpy().copy(), x.grad.numpy().copy(), w.grad.numpy().copy()])
    finally:
        tc.set_num_threads(before)
    for a, b in zip(*out):
        assert np.array_equal(a, b)


RNN_MODULES = {
    "LSTM-2layer-bidirectional": lambda m: m.nn.LSTM(3, 4, num_layers=2, bidirectional=True),
    "GRU": lambda m: m.nn.GRU(3, 4),
    "RNN-relu": lambda m: m.nn.RNN(3, 4, nonlinearity="relu"),
    "LSTMCell": lambda m: m.nn.LSTMCell(3, 4),
    "GRUCell": lambda m: m.nn.GRUCell(3, 4),
    "LSTM-proj-batch_first": lambda m: m.nn.LSTM(3, 4, proj_size=2, batch_first=True),
}


@pytest.mark.parametrize("dtype, tol", [("float16", 2e-3), ("bfloat16", 1.6e-2)])
@pytest.mark.parametrize("name", sorted(RNN_MODULES))
def test_16bit_recurrent_layers_match_torch(name, dtype, tol):
    # Note [16-bit recurrent layers]: computed in float32, rounded once; PyTorch rounds per op, so within a few ulp.
    res = []
    for m in (tc, torch):
        mod = RNN_MODULES[name](m)
        with m.no_grad():
            for p in mod.parameters():
                p.copy_(m.tensor(np.random.default_rng(p.numel()).uniform(-0.5, 0.5, tuple(p.shape))))
        mod = mod.to(getattr(m, dtype))
        shape = (5, 3) if "Cell" in name else (5, 2, 3)
        x = m.tensor(np.random.default_rng(1).standard_normal(shape), dtype=getattr(m, dtype), requires_grad=True)
        out = mod(x)
        y = out[0] if isinstance(out, tuple) else out
        y.float().sum().backward()
        assert y.dtype == getattr(m, dtype) and x.grad.dtype == getattr(m, dtype)
        res.append([y.detach().float().numpy(), x.grad.float().numpy()]
                   + [p.grad.float().numpy() for p in mod.parameters()])
    for ours, theirs in zip(*res):
        np.testing.assert_allclose(ours, theirs, atol=4 * tol, rtol=4 * tol)


@pytest.mark.parametrize("p, dim", [("inf", None), ("0", None), ("nuc", (0, 2)), ("nuc", None), ("nuc", 0),
                                    ("fro", (0, 1)), ("fro", 0), (float("inf"), None), (0, None)])
def test_norm_string_orders_as_torch(p, dim):
    def run(m):
        r = outcome(lambda: m.ones(4, 1, 4).norm(p, dim=dim))
        return r if isinstance(r, type) else np.round(r.numpy(), 5).tolist()
    assert run(tc) == run(torch)


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "fix", "sign", "signbit"])
@pytest.mark.parametrize("form", ["function", "out", "in-place"])
def test_complex_refusals_come_before_out_checks(name, form):
    def run(m):
        z = m.tensor([1 + 1j])
        if form == "function":
            f = lambda: getattr(m, name)(z)  # noqa: E731
        elif form == "out":
            f = lambda: getattr(m, name)(z, out=m.zeros(1, dtype=m.long))  # noqa: E731
        else:
            f = lambda: getattr(z, name + "_")()  # noqa: E731
        r = outcome(f)
        return r if isinstance(r, type) else "value"
    assert run(tc) == run(torch)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_extremes_of_complex_raise_runtime_error(name):
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match=f"{name}\\(\\): does not support complex input"):
            getattr(m.tensor([1j, 2]), name)()


def test_complex_sgn_out_and_in_place_match_torch():
    res = []
    for m in (tc, torch):
        z = m.tensor([1 + 1j, 0, -2j])
        out = m.zeros(3, dtype=m.complex64)
        m.sgn(z, out=out)
        x = m.tensor([1 + 1j, 3j, 0], requires_grad=True)
        y = x * 1
        y.sgn_()
        y.real.sum().backward()
        res.append([out.numpy(), z.clone().sgn_().numpy(), y.detach().numpy(), x.grad.numpy()])
    for ours, theirs in zip(*res):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
