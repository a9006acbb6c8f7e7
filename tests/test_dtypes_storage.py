"""The storage dtypes (uint8, int8, int16, float16, bfloat16) against PyTorch.

Every case runs the same call under tensorcore and torch on the same data and
compares result dtypes exactly, values exactly for integer results and within
the format's precision for float16/bfloat16 (both libraries compute in float32
and round once, so most results agree to the bit), and exception types where
PyTorch raises.
"""
import itertools

import numpy as np
import pytest

import tensorcore as tc

NEW = ["uint8", "int8", "int16", "float16", "bfloat16"]
ALL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
FLOATS16 = ["float16", "bfloat16"]
SMALL_INTS = ["uint8", "int8", "int16"]


def _data(name, shape=(3, 4), seed=0, positive=False):
    """Values representable in every dtype named (small magnitudes, a few fractions)."""
    rng = np.random.default_rng(seed)
    if name == "bool":
        return rng.random(shape) > 0.5
    if name in ("uint8",) or positive:
        return rng.integers(1, 12, shape).astype(np.float64) if name in SMALL_INTS + ["int32", "int64"] else \
            rng.uniform(0.25, 4.0, shape).round(3)
    if name in SMALL_INTS + ["int32", "int64"]:
        return rng.integers(-9, 12, shape).astype(np.float64)
    return rng.uniform(-4.0, 4.0, shape).round(3)


def _pair(torch, name, shape=(3, 4), seed=0, positive=False, requires_grad=False):
    vals = _data(name, shape, seed, positive)
    t = torch.tensor(vals.tolist(), dtype=getattr(torch, name))
    c = tc.tensor(vals.tolist(), dtype=getattr(tc, name))
    if requires_grad:
        t.requires_grad_(True)
        c.requires_grad_(True)
    return c, t


def _np(x):
    if hasattr(x, "detach"):
        x = x.detach()
        if str(x.dtype).endswith("bfloat16"):
            x = x.float()
        return np.asarray(x.numpy() if not isinstance(x, np.ndarray) else x)
    return np.asarray(x)


def _tol(dtype_name):
    return {"float16": 1e-3, "bfloat16": 8e-3}.get(dtype_name, 1e-6)


def assert_same(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same(o, t)
        return
    if not hasattr(theirs, "dtype"):
        assert ours == pytest.approx(theirs, rel=1e-3, nan_ok=True)
        return
    tname = str(theirs.dtype).replace("torch.", "")
    assert ours.dtype.name == tname, (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    a, b = _np(ours).astype(np.float64), _np(theirs).astype(np.float64)
    if tname in ("float16", "bfloat16", "float32", "float64"):
        np.testing.assert_allclose(a, b, rtol=_tol(tname), atol=_tol(tname), equal_nan=True)
    else:
        np.testing.assert_array_equal(a, b)


def run_both(torch, fn):
    """fn(lib) under both libraries: same result, or the same exception type."""
    try:
        expected = fn(torch)
    except Exception as e:  # noqa: BLE001 - the oracle decides what must raise
        with pytest.raises(type(e)):
            fn(tc)
        return None
    ours = fn(tc)
    assert_same(ours, expected)
    return ours


# ---------------------------------------------------------------- dtype facts

def test_dtype_objects(torch):
    for name in ALL:
        ours, theirs = getattr(tc, name), getattr(torch, name)
        assert ours.is_floating_point == theirs.is_floating_point, name
        assert ours.is_signed == theirs.is_signed, name
        assert ours.itemsize == theirs.itemsize, name
    for alias in ("half", "short", "uint8", "int8"):
        assert getattr(tc, alias).name == str(getattr(torch, alias)).replace("torch.", "")


@pytest.mark.parametrize("a,b", list(itertools.product(ALL, ALL)))
def test_promote_types_and_can_cast(torch, a, b):
    ours = tc.promote_types(getattr(tc, a), getattr(tc, b))
    assert ours.name == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).replace("torch.", "")
    assert tc.can_cast(getattr(tc, a), getattr(tc, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


@pytest.mark.parametrize("a,b", list(itertools.product(ALL, ALL)))
def test_result_type_tensors_and_scalars(torch, a, b):
    c1, t1 = _pair(torch, a, (2,))
    c0, t0 = _pair(torch, b, ())
    assert tc.result_type(c1, c0).name == str(torch.result_type(t1, t0)).replace("torch.", "")
    c2, t2 = _pair(torch, b, (2,), seed=1)
    assert tc.result_type(c1, c2).name == str(torch.result_type(t1, t2)).replace("torch.", "")
    for scalar in (2, 2.5, True):
        assert tc.result_type(c1, scalar).name == str(torch.result_type(t1, scalar)).replace("torch.", "")


# ---------------------------------------------------------------- creation, printing, conversion

@pytest.mark.parametrize("name", NEW)
def test_factories(torch, name):
    for f in (lambda m: m.zeros(2, 3, dtype=getattr(m, name)), lambda m: m.ones(4, dtype=getattr(m, name)),
              lambda m: m.full((2,), 7, dtype=getattr(m, name)), lambda m: m.arange(6, dtype=getattr(m, name)),
              lambda m: m.arange(0, 3, 0.5, dtype=getattr(m, name)),
              lambda m: m.linspace(0, 1, 5, dtype=getattr(m, name)), lambda m: m.eye(3, dtype=getattr(m, name)),
              lambda m: m.tensor([1, 2, 3], dtype=getattr(m, name)),
              lambda m: m.zeros_like(m.ones(2), dtype=getattr(m, name))):
        run_both(torch, f)


@pytest.mark.parametrize("value", [300, -1, -129, 128, 40000, -256, 1e6, 70000.0, 300.5, 65504.0, 65520.0])
@pytest.mark.parametrize("name", NEW)
def test_out_of_range_values(torch, name, value):
    run_both(torch, lambda m: m.tensor([value], dtype=getattr(m, name)))
    run_both(torch, lambda m: m.full((2,), value, dtype=getattr(m, name)))
    run_both(torch, lambda m: m.zeros(2, dtype=getattr(m, name)) + value)


PRINT_VALUES = {
    "uint8": [[0, 1, 255], [17, 128, 3]],
    "int8": [[-128, 0, 127], [5, -7, 12]],
    "int16": [[-32768, 1, 32767], [0, 300, -4]],
    "float16": [[1.5, -2.25, 0.1], [65504.0, 6e-05, 0.0]],
    "bfloat16": [[1.5, -2.25, 0.1], [3.0e38, 1e-20, 0.0]],
}


@pytest.mark.parametrize("name", NEW)
def test_printing(torch, name):
    vals = PRINT_VALUES[name]
    for make in (lambda m: m.tensor(vals, dtype=getattr(m, name)), lambda m: m.tensor(vals[0][1], dtype=getattr(m, name)),
                 lambda m: m.tensor([], dtype=getattr(m, name)), lambda m: m.tensor(vals, dtype=getattr(m, name))[0]):
        assert repr(make(tc)).replace("tensorcore", "torch") == repr(make(torch))
    if name in FLOATS16:
        g = tc.tensor([1.0, 2.0], dtype=getattr(tc, name), requires_grad=True) * 2
        t = torch.tensor([1.0, 2.0], dtype=getattr(torch, name), requires_grad=True) * 2
        assert repr(g).replace("tensorcore", "torch") == repr(t)


@pytest.mark.parametrize("src,dst", list(itertools.product(ALL, ALL)))
def test_conversions(torch, src, dst):
    c, t = _pair(torch, src, (2, 5), seed=3)
    assert_same(c.to(getattr(tc, dst)), t.to(getattr(torch, dst)))


@pytest.mark.parametrize("name", NEW)
def test_conversion_wrapping_and_rounding(torch, name):
    vals = [0.4999, 0.5, 1.5, 2.5, -0.5, -1.0, 255.0, 127.0, -128.0, 1e-8, 65519.0, 3.14159265]
    run_both(torch, lambda m: m.tensor(vals, dtype=m.float64).to(getattr(m, name)))
    run_both(torch, lambda m: m.tensor(vals, dtype=m.float32).to(getattr(m, name)))
    ints = [0, 1, -1, 127, 128, 255, 256, -129, 32767, 32768, 70000]
    run_both(torch, lambda m: m.tensor(ints).to(getattr(m, name)))


def test_conversion_methods(torch):
    c, t = _pair(torch, "float32")
    for meth in ("half", "bfloat16", "byte", "char", "short", "float", "double", "int", "long", "bool"):
        assert_same(getattr(c.abs(), meth)(), getattr(t.abs(), meth)())
    for name in NEW:
        x = tc.ones(2, dtype=getattr(tc, name))
        assert x.type() == torch.ones(2, dtype=getattr(torch, name)).type()
        assert x[0].item() == torch.ones(2, dtype=getattr(torch, name))[0].item()
        assert x.tolist() == torch.ones(2, dtype=getattr(torch, name)).tolist()


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "float16"])
def test_numpy_round_trip(torch, name):
    arr = np.arange(12).reshape(3, 4).astype(name)
    c = tc.from_numpy(arr)
    assert c.dtype is getattr(tc, name)
    arr[0, 0] = 7  # shares memory
    assert c[0, 0].item() == 7
    back = c.numpy()
    assert back.dtype == np.dtype(name)
    np.testing.assert_array_equal(back, arr)
    assert tc.tensor(arr).dtype is getattr(tc, name)
    assert tc.as_tensor(arr).dtype is getattr(tc, name)


def test_bfloat16_numpy_through_ml_dtypes(torch):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    arr = np.array([1.5, -2.0, 3.25], dtype=ml_dtypes.bfloat16)
    c = tc.from_numpy(arr)
    assert c.dtype is tc.bfloat16
    assert c.tolist() == [1.5, -2.0, 3.25]
    assert c.numpy().dtype == arr.dtype


@pytest.mark.parametrize("name", NEW)
def test_dlpack_both_ways(torch, name):
    c, t = _pair(torch, name)
    assert torch.equal(torch.from_dlpack(c), t)
    assert_same(tc.from_dlpack(t), t)


def test_numpy_ufunc_bool_result_is_uint8(torch):
    c, t = _pair(torch, "float32")
    assert_same(np.greater(c, 0), np.greater(t, 0))


# ---------------------------------------------------------------- arithmetic

BINARY = {
    "add": lambda m, a, b: a + b, "sub": lambda m, a, b: a - b, "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b, "floor_divide": lambda m, a, b: a // b, "remainder": lambda m, a, b: a % b,
    "pow": lambda m, a, b: m.pow(a, m.abs(b) % 4), "maximum": lambda m, a, b: m.maximum(a, b),
    "lt": lambda m, a, b: a < b, "eq": lambda m, a, b: a == b, "atan2": lambda m, a, b: m.atan2(a, b),
    "bitwise_and": lambda m, a, b: a & b, "bitwise_xor": lambda m, a, b: a ^ b,
    "hypot": lambda m, a, b: m.hypot(a, b), "add_alpha": lambda m, a, b: m.add(a, b, alpha=2),
    "where": lambda m, a, b: m.where(a > b, a, b), "lerp": lambda m, a, b: m.lerp(a, b, 0.25),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("name", NEW)
def test_binary_same_dtype(torch, op, name):
    (ca, ta), (cb, tb) = _pair(torch, name, positive=True), _pair(torch, name, seed=1, positive=True)
    run_both(torch, lambda m: BINARY[op](m, ca if m is tc else ta, cb if m is tc else tb))


@pytest.mark.parametrize("a,b", [(x, y) for x in NEW for y in ALL if x != y])
def test_binary_mixed_dtypes(torch, a, b):
    (ca, ta), (cb, tb) = _pair(torch, a, positive=True), _pair(torch, b, seed=1, positive=True)
    for f in (lambda m, x, y: x + y, lambda m, x, y: x * y, lambda m, x, y: x / y, lambda m, x, y: x > y):
        run_both(torch, lambda m: f(m, ca if m is tc else ta, cb if m is tc else tb))


@pytest.mark.parametrize("name", NEW)
def test_wrapping_integer_arithmetic(torch, name):
    if name in FLOATS16:
        pytest.skip("integer wrapping only")
    big = {"uint8": 250, "int8": 120, "int16": 32000}[name]
    run_both(torch, lambda m: m.tensor([big, 3], dtype=getattr(m, name)) + 10)
    run_both(torch, lambda m: m.tensor([big, 3], dtype=getattr(m, name)) * 3)
    run_both(torch, lambda m: m.tensor([0, 3], dtype=getattr(m, name)) - 5)
    run_both(torch, lambda m: -m.tensor([1, 3], dtype=getattr(m, name)))
    run_both(torch, lambda m: ~m.tensor([1, 3], dtype=getattr(m, name)))
    t = tc.tensor([big, 3], dtype=getattr(tc, name))
    t += 10
    tt = torch.tensor([big, 3], dtype=getattr(torch, name))
    tt += 10
    assert_same(t, tt)


UNARY = ["neg", "abs", "exp", "log", "sqrt", "sin", "tanh", "sigmoid", "relu", "floor", "round", "sign",
         "reciprocal", "square", "rsqrt", "erf", "ceil", "trunc", "frac", "log1p", "expm1", "logical_not",
         "isnan", "nan_to_num", "bitwise_not", "clamp", "clamp_min"]


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("name", NEW)
def test_unary(torch, op, name):
    c, t = _pair(torch, name, positive=op in ("log", "sqrt", "rsqrt", "log1p"))

    def f(m):
        x = c if m is tc else t
        if op == "clamp":
            return x.clamp(1, 5)
        if op == "clamp_min":
            return m.clamp(x, min=2)
        return getattr(m, op)(x)
    run_both(torch, f)
    if op in ("neg", "abs", "exp", "sqrt", "relu", "floor", "clamp"):  # the in-place form rounds into self
        def g(m):
            x = (c if m is tc else t).clone()
            (x.clamp_(1, 5) if op == "clamp" else getattr(x, op + "_")())
            return x
        run_both(torch, g)


# ---------------------------------------------------------------- reductions, products, nn

REDUCTIONS = {
    "sum": lambda m, x: x.sum(), "sum1": lambda m, x: x.sum(1, keepdim=True), "mean": lambda m, x: x.mean(0),
    "prod": lambda m, x: x.prod(1), "max": lambda m, x: x.max(), "max_dim": lambda m, x: x.max(1),
    "min_dim": lambda m, x: x.min(0), "argmax": lambda m, x: x.argmax(1), "amax": lambda m, x: x.amax(0),
    "std": lambda m, x: x.std(1), "var": lambda m, x: x.var(), "cumsum": lambda m, x: x.cumsum(1),
    "softmax": lambda m, x: x.softmax(1), "log_softmax": lambda m, x: m.log_softmax(x, 0),
    "logsumexp": lambda m, x: m.logsumexp(x, 1), "norm": lambda m, x: m.linalg.vector_norm(x),
    "sort": lambda m, x: m.sort(x, 1), "topk": lambda m, x: m.topk(x, 2), "any": lambda m, x: x.any(1),
    "all": lambda m, x: x.all(), "count_nonzero": lambda m, x: m.count_nonzero(x),
    "median": lambda m, x: x.median(), "nonzero": lambda m, x: x.nonzero(), "unique": lambda m, x: m.unique(x),
}


@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@pytest.mark.parametrize("name", NEW)
def test_reductions(torch, op, name):
    c, t = _pair(torch, name, (4, 6))
    run_both(torch, lambda m: REDUCTIONS[op](m, c if m is tc else t))


def test_half_sum_accumulates_in_float(torch):
    # 4096 * 1.0 in float16 steps would stall at 2048; PyTorch accumulates in float32.
    for name in FLOATS16:
        run_both(torch, lambda m: m.ones(4096, dtype=getattr(m, name)).sum())
        run_both(torch, lambda m: m.full((3000,), 0.1, dtype=getattr(m, name)).mean())


@pytest.mark.parametrize("name", FLOATS16)
def test_products(torch, name):
    (ca, ta), (cb, tb) = _pair(torch, name, (3, 4)), _pair(torch, name, (4, 5), seed=1)
    run_both(torch, lambda m: (ca if m is tc else ta) @ (cb if m is tc else tb))
    (ca, ta), (cb, tb) = _pair(torch, name, (2, 3, 4)), _pair(torch, name, (2, 4, 5), seed=1)
    run_both(torch, lambda m: m.bmm(ca if m is tc else ta, cb if m is tc else tb))
    run_both(torch, lambda m: m.matmul(ca if m is tc else ta, cb if m is tc else tb))
    (cv, tv) = _pair(torch, name, (4,), seed=2)
    run_both(torch, lambda m: m.mv((ca if m is tc else ta)[0], cv if m is tc else tv))
    run_both(torch, lambda m: m.dot(cv if m is tc else tv, cv if m is tc else tv))
    (bias_c, bias_t) = _pair(torch, name, (5,), seed=4)
    run_both(torch, lambda m: m.addmm(bias_c if m is tc else bias_t, (ca if m is tc else ta)[0],
                                      (cb if m is tc else tb)[0]))


@pytest.mark.parametrize("name", NEW)
def test_mixed_dtype_matmul_raises(torch, name):
    run_both(torch, lambda m: m.ones(2, 2, dtype=getattr(m, name)) @ m.ones(2, 2))


@pytest.mark.parametrize("name", FLOATS16)
def test_nn_functional(torch, name):
    import tensorcore.nn.functional as F
    import torch.nn.functional as TF

    def lib(m):
        return F if m is tc else TF
    c, t = _pair(torch, name, (2, 3, 5, 5))
    x = lambda m: c if m is tc else t  # noqa: E731
    cw, tw = _pair(torch, name, (4, 3, 3, 3), seed=5)
    w = lambda m: cw if m is tc else tw  # noqa: E731
    for f in (lambda m: lib(m).gelu(x(m)), lambda m: lib(m).silu(x(m)), lambda m: lib(m).leaky_relu(x(m), 0.1),
              lambda m: lib(m).layer_norm(x(m), (5,)), lambda m: lib(m).conv2d(x(m), w(m), padding=1),
              lambda m: lib(m).max_pool2d(x(m), 2), lambda m: lib(m).avg_pool2d(x(m), 2),
              lambda m: lib(m).adaptive_avg_pool2d(x(m), (2, 2)), lambda m: lib(m).softmax(x(m), -1),
              lambda m: lib(m).mse_loss(x(m), x(m) * 0.5), lambda m: lib(m).linear(x(m), w(m)[:2, 0, :, 0].repeat(1, 2)[:, :5]),
              lambda m: lib(m).scaled_dot_product_attention(x(m)[0], x(m)[0], x(m)[0]),
              lambda m: lib(m).cross_entropy(x(m)[:, :, 0, 0], m.tensor([0, 2])),
              lambda m: lib(m).embedding(m.tensor([[0, 2]]), x(m)[0, 0])):
        run_both(torch, f)


# ---------------------------------------------------------------- indexing and data movement

MOVES = {
    "getitem": lambda m, x: x[1:, ::2], "mask": lambda m, x: x[x > 2], "index": lambda m, x: x[m.tensor([2, 0])],
    "index_select": lambda m, x: m.index_select(x, 1, m.tensor([3, 1])),
    "gather": lambda m, x: m.gather(x, 1, m.tensor([[0, 1], [2, 3], [1, 1]])),
    "cat": lambda m, x: m.cat([x, x], 0), "stack": lambda m, x: m.stack([x, x]),
    "transpose_contig": lambda m, x: x.t().contiguous(), "flip": lambda m, x: x.flip(0),
    "masked_fill": lambda m, x: x.masked_fill(x > 2, 1), "repeat": lambda m, x: x.repeat(2, 1),
    "roll": lambda m, x: x.roll(1, 0), "tril": lambda m, x: x.tril(), "clone": lambda m, x: x.clone(),
    "scatter_add": lambda m, x: m.zeros_like(x).scatter_add(0, m.tensor([[0, 1, 2, 0]] * 3), x),
    "index_put": lambda m, x: x.index_put((m.tensor([0, 0]),), x[:2], accumulate=True),
    "setitem": lambda m, x: (x.__setitem__((0, 0), 5), x)[1], "fill_": lambda m, x: x.clone().fill_(3),
    "zero_": lambda m, x: x.clone().zero_(), "equal": lambda m, x: m.equal(x, x.clone()),
    "split": lambda m, x: x.split(2, 1), "expand_sum": lambda m, x: x[:1].expand(4, 4).contiguous(),
}


@pytest.mark.parametrize("op", sorted(MOVES))
@pytest.mark.parametrize("name", NEW)
def test_data_movement(torch, op, name):
    c, t = _pair(torch, name, (3, 4), positive=True)
    run_both(torch, lambda m: MOVES[op](m, (c if m is tc else t).clone()))


# ---------------------------------------------------------------- autograd

@pytest.mark.parametrize("name", FLOATS16)
def test_autograd_through_half(torch, name):
    results = []
    for m in (tc, torch):
        m.manual_seed(0)
        x = m.tensor(_data(name, (3, 4)).tolist(), dtype=getattr(m, name), requires_grad=True)
        w = m.tensor(_data(name, (4, 2), seed=2).tolist(), dtype=getattr(m, name), requires_grad=True)
        y = ((x @ w).relu().softmax(1) * 3 + x.sum(1, keepdim=True).tanh()).mean()
        y.backward()
        results.append((y, x.grad, w.grad))
    assert_same(results[0], results[1])


@pytest.mark.parametrize("name", FLOATS16)
def test_module_half(torch, name):
    outs = []
    for m in (tc, torch):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.ReLU(), m.nn.LayerNorm(8), m.nn.Linear(8, 3))
        net = net.half() if name == "float16" else net.bfloat16()
        x = m.tensor(_data(name, (5, 4)).tolist(), dtype=getattr(m, name))
        out = net(x)
        out.float().sum().backward()
        outs.append((out, net[0].weight.grad, net[3].bias.grad))
    assert outs[0][1].dtype is getattr(tc, name)
    assert_same(outs[0], outs[1])


def test_uint8_image_pipeline(torch):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (8, 6, 3), dtype=np.uint8)
    run_both(torch, lambda m: m.from_numpy(img).permute(2, 0, 1).contiguous().to(dtype=m.float32).div(255))
    run_both(torch, lambda m: m.from_numpy(img).float().mean((0, 1)))
    run_both(torch, lambda m: m.from_numpy(img).sum())
    run_both(torch, lambda m: m.from_numpy(img).max())
    run_both(torch, lambda m: (m.from_numpy(img) > 128).sum())
    run_both(torch, lambda m: m.from_numpy(img)[m.from_numpy(img) > 200])


# ---------------------------------------------------------------- errors PyTorch raises

@pytest.mark.parametrize("name", NEW)
def test_errors_like_torch(torch, name):
    c, t = _pair(torch, name)
    for f in (lambda m, x: x.mean(), lambda m, x: m.hypot(x, x), lambda m, x: x.std(), lambda m, x: m.sqrt(x) & x,
              lambda m, x: x ^ 1.5, lambda m, x: m.softmax(x, 0), lambda m, x: x.exp_(), lambda m, x: x.add_(1.5)):
        run_both(torch, lambda m: f(m, c.clone() if m is tc else t.clone()))


# ---------------------------------------------------------------- save / load

@pytest.mark.parametrize("legacy_layout", [False, True])
@pytest.mark.parametrize("name", NEW)
def test_save_load_round_trip(torch, name, legacy_layout):
    import io
    c, t = _pair(torch, name, (3, 4))
    buf = io.BytesIO()
    tc.save({"x": c, "xt": c.t()}, buf, _use_new_zipfile_serialization=not legacy_layout)
    back = tc.load(io.BytesIO(buf.getvalue()))
    assert_same(back["x"], t)
    assert_same(back["xt"], t.t())
    if not legacy_layout:  # PyTorch reads tensorcore's checkpoint bit for bit
        theirs = torch.load(io.BytesIO(buf.getvalue()))
        assert theirs["x"].dtype == t.dtype and torch.equal(theirs["x"], t)


def test_view_as_other_dtype(torch):
    for src, dst in [("float32", "int32"), ("float32", "int16"), ("float32", "bfloat16"), ("int16", "float32"),
                     ("float16", "int16"), ("uint8", "int8"), ("bfloat16", "float16"), ("int64", "float16")]:
        run_both(torch, lambda m: m.arange(8).to(getattr(m, src)).reshape(2, 4).view(getattr(m, dst)))
        run_both(torch, lambda m: m.arange(8).to(getattr(m, src)).reshape(2, 4)[:, 1:3].view(getattr(m, dst)))
        run_both(torch, lambda m: m.arange(8).to(getattr(m, src)).reshape(2, 4).t().view(getattr(m, dst)))
        run_both(torch, lambda m: m.ones((), dtype=getattr(m, src)).view(getattr(m, dst)))
    x = tc.ones(4)
    y = x.view(tc.int32)
    y[0] = 0
    assert x[0].item() == 0.0  # shares memory


def test_finfo_iinfo(torch):
    for name in ["float16", "bfloat16", "float32", "float64"]:
        ours, theirs = tc.finfo(getattr(tc, name)), torch.finfo(getattr(torch, name))
        assert repr(ours) == repr(theirs)
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(ours, attr) == getattr(theirs, attr), (name, attr)
    assert repr(tc.finfo()) == repr(torch.finfo())
    for name in ["uint8", "int8", "int16", "int32", "int64"]:
        ours, theirs = tc.iinfo(getattr(tc, name)), torch.iinfo(getattr(torch, name))
        assert repr(ours) == repr(theirs)
        assert (ours.bits, ours.min, ours.max, ours.dtype) == (theirs.bits, theirs.min, theirs.max, theirs.dtype)
    for bad in (lambda m: m.finfo(m.int32), lambda m: m.iinfo(m.float32), lambda m: m.iinfo(m.bool)):
        with pytest.raises(TypeError) as theirs:
            bad(torch)
        with pytest.raises(TypeError) as ours:
            bad(tc)
        assert str(ours.value) == str(theirs.value)


def test_legacy_tensor_types(torch):
    for cls in ("ByteTensor", "CharTensor", "ShortTensor", "HalfTensor", "BFloat16Tensor"):
        run_both(torch, lambda m: getattr(m, cls)([1, 2, 3]))
        assert isinstance(getattr(tc, cls)([1]), getattr(tc, cls))
        assert tc.ones(2).type("torch." + cls).type() == "torch." + cls


_INT_ACTIVATIONS = {
    "hardtanh": lambda m, x: m.nn.functional.hardtanh(x), "hardtanh_pos": lambda m, x: m.nn.functional.hardtanh(x, 0, 3),
    "relu6": lambda m, x: m.nn.functional.relu6(x),
    "threshold_neg_float": lambda m, x: m.nn.functional.threshold(x, 0.5, -1.0),
    "threshold_neg_int": lambda m, x: m.nn.functional.threshold(x, 1, -1),
    "threshold_big_float": lambda m, x: m.nn.functional.threshold(x, 1, 300.0),
    "threshold_inplace": lambda m, x: m.nn.functional.threshold(x.clone(), 2, 9, inplace=True),
}


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64"])
@pytest.mark.parametrize("case", sorted(_INT_ACTIVATIONS))
def test_integer_hardtanh_threshold_match_torch(case, dtype):
    """Integer inputs: unsigned hardtanh rejects negative limits, a float
    threshold value must fit the dtype, bool is rejected, as in PyTorch."""
    torch = pytest.importorskip("torch")
    out = []
    for m in (tc, torch):
        try:
            out.append(_INT_ACTIVATIONS[case](m, m.tensor([0, 1, 2, 5]).to(getattr(m, dtype))).tolist())
        except Exception as e:  # noqa: BLE001 - compared with PyTorch's
            out.append((type(e).__name__, str(e)))
    assert out[0] == out[1]


_COMMON_DTYPE_CASES = {
    "gt_int8_0d": lambda m: m.tensor([1, 2, 250], dtype=m.uint8) > m.tensor(-3, dtype=m.int8),
    "fmin_int8_0d": lambda m: m.fmin(m.tensor([1, 2, 250], dtype=m.uint8), m.tensor(-3, dtype=m.int8)),
    "floor_divide_int8_0d": lambda m: m.tensor([1, 2, 250], dtype=m.uint8) // m.tensor(-3, dtype=m.int8),
    "remainder_int8_0d": lambda m: m.tensor([1, 2, 250], dtype=m.uint8) % m.tensor(-3, dtype=m.int8),
    "gt_python_int": lambda m: m.tensor([1, 2, 250], dtype=m.uint8) > -3,
    "int8_wraps_int32_0d": lambda m: m.tensor([1, -2], dtype=m.int8) * m.tensor(300, dtype=m.int32),
    "clamp_min_neg": lambda m: m.clamp(m.tensor([0, 1, 2, 5], dtype=m.uint8), min=-1),
    "clamp_both": lambda m: m.clamp(m.tensor([0, 1, 2, 5], dtype=m.uint8), min=-1, max=1),
    "clamp_int8_wraps": lambda m: m.clamp(m.tensor([0, 1, -2, 5], dtype=m.int8), max=130),
    "div_true_stays_signed": lambda m: m.tensor([1, 2], dtype=m.uint8) / m.tensor(-3, dtype=m.int8),
    "clamp_int32_overflow": lambda m: m.clamp(m.tensor([0, 1], dtype=m.int32), max=2 ** 40),
    "add_python_int_wraps": lambda m: m.tensor([1, 2], dtype=m.uint8) + 300,
    "mul_python_int_wraps": lambda m: m.tensor([1, -2], dtype=m.int8) * 1000,
}


@pytest.mark.parametrize("case", sorted(_COMMON_DTYPE_CASES))
def test_small_int_operands_are_cast_to_the_common_dtype_first(case):
    """PyTorch casts every operand to the common dtype before computing: an
    int8 0-dim -3 beside a uint8 tensor is 253, a clamp bound -1 on uint8 is
    255 (true division promotes straight to float and keeps -3)."""
    torch = pytest.importorskip("torch")

    def run(m):
        try:
            r = _COMMON_DTYPE_CASES[case](m)
            return str(r.dtype).split(".")[-1], r.tolist()
        except RuntimeError as e:
            return "RuntimeError", str(e)
    assert run(tc) == run(torch)
