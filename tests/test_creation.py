"""Tensor creation: dtype inference, ranges, factories, random generation,
dtype conversions and Tensor.__repr__ (against PyTorch where installed)."""
import numpy as np
import pytest

import tensorcore as tc


def _dt(t):
    return t.dtype.name if isinstance(t, tc.Tensor) else str(t.dtype).replace("torch.", "")


DATA = [
    3, -2, 2.5, True, False, 0.0, [1, 2, 3], [1.0, 2, 3], [True, False], [True, 2], [True, 2.5],
    [[1, 2], [3, 4]], [[1.5], [2.5]], [], [[]], [[], []], ((1, 2), (3, 4)), [(1, 2.0)],
    np.array([1, 2], dtype=np.int32), np.array([1.5], dtype=np.float64), np.array([1.5], dtype=np.float32),
    np.array(True), np.array(7), np.array([[1, 2]], dtype=np.int64), np.arange(6.0).reshape(2, 3).T,
    np.float64(1.5), np.float32(2.5), np.int32(3), np.int64(4), np.bool_(True),
    [np.float64(1.5), 2], [np.int32(1), np.int32(2)], 10 ** 12, -(2 ** 63), 1e300,
    [float("nan"), float("inf")], np.zeros((2, 0, 3)),
]


@pytest.mark.parametrize("data", DATA, ids=[repr(d)[:30] for d in DATA])
def test_tensor_dtype_inference_matches_torch(data, torch):
    a = tc.tensor(data)
    b = torch.tensor(data)
    assert _dt(a) == _dt(b), data
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_tensor_dtype_inference_without_torch():
    assert tc.tensor(3).dtype == tc.int64 and tc.tensor(3).shape == ()
    assert tc.tensor(2.5).dtype == tc.float32
    assert tc.tensor(True).dtype == tc.bool
    assert tc.tensor([1, 2.0]).dtype == tc.float32
    assert tc.tensor([True, 2]).dtype == tc.int64
    assert tc.tensor(np.array([1.0])).dtype == tc.float64
    assert tc.tensor(np.array([1], dtype=np.int32)).dtype == tc.int32
    assert tc.tensor([]).dtype == tc.float32 and tc.tensor([]).shape == (0,)
    assert tc.tensor([[1, 2], [3, 4]]).shape == (2, 2)
    prev = tc.get_default_dtype()
    tc.set_default_dtype(tc.float64)
    try:
        assert tc.tensor([1.5]).dtype == tc.float64 and tc.tensor([1]).dtype == tc.int64
        assert tc.zeros(2).dtype == tc.float64 and tc.arange(0, 1, 0.5).dtype == tc.float64
    finally:
        tc.set_default_dtype(prev)
    with pytest.raises(TypeError):
        tc.set_default_dtype(tc.int64)


def test_tensor_explicit_dtype_and_copy_semantics():
    a = np.arange(3.0)
    t = tc.tensor(a)
    a[0] = 100
    assert t[0].item() == 0.0  # tensor() copies
    assert tc.tensor([1.7, -1.7], dtype=tc.int64).tolist() == [1, -1]
    assert tc.tensor([1, 0, 2], dtype=tc.bool).tolist() == [True, False, True]
    assert tc.tensor(3, dtype=tc.float64).dtype == tc.float64
    assert tc.tensor([1, 2], dtype=float).dtype == tc.float64
    with pytest.raises(TypeError, match="dtype"):  # PyTorch takes no dtype strings
        tc.tensor([1, 2], dtype="int32")
    src = tc.tensor([1.0, 2.0], requires_grad=True)
    c = tc.tensor(src)
    assert not c.requires_grad and c.data_ptr() != src.data_ptr()
    g = tc.tensor([1.0, 2.0], requires_grad=True)
    assert g.requires_grad and g.is_leaf
    a2 = tc.as_tensor(a)
    assert a2.data_ptr() == a.ctypes.data  # as_tensor shares when it can
    assert tc.as_tensor(t) is t
    n = tc.tensor([tc.tensor(1.0), tc.tensor(2.0)])
    assert n.tolist() == [1.0, 2.0]


def test_tensor_bad_data_raises_like_torch(torch):
    for data in ([[1, 2], [3]], "abc", [1, "a"], {1: 2}, object(), [None], b"xy", np.array(["a"]),
                 [[1, 2], 3]):
        errs = []
        for m in (tc, torch):
            with pytest.raises(Exception) as ei:
                m.tensor(data)
            errs.append(ei.value)
        assert isinstance(errs[0], (TypeError, ValueError, RuntimeError)), (data, errs)
        fam = [next(f for f in (TypeError, ValueError, RuntimeError) if isinstance(e, f)) for e in errs]
        assert fam[0] == fam[1], (data, errs)


# ---------------------------------------------------------------------------
RANGES = [
    ((5,), {}), ((2, 7), {}), ((1, 10, 3), {}), ((10, 1, -3), {}), ((0, 1, 0.1), {}), ((0.5, 3),
                                                                                   {}), ((-1.0, 1.0, 0.25), {}),
    ((5,), {"dtype": "float64"}), ((0, 5, 2), {"dtype": "float32"}), ((0.5, 4, 1.5), {"dtype": "int64"}),
    ((3, 3), {}), ((0, 1, 1 / 3), {}), ((1, 2, 0.3), {"dtype": "float64"}), ((-5, 5, 2), {"dtype": "int32"}),
    ((10 ** 10, 10 ** 10 + 3), {}),
]


@pytest.mark.parametrize("args,kw", RANGES, ids=[f"{a}{k}" for a, k in RANGES])
def test_arange_matches_torch(args, kw, torch):
    tk = {k: getattr(torch, v) for k, v in kw.items()}
    ck = {k: getattr(tc, v) for k, v in kw.items()}
    a, b = tc.arange(*args, **ck), torch.arange(*args, **tk)
    assert _dt(a) == _dt(b) and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_arange_errors(torch):
    for args in ((0, 5, 0), (5, 0, 1), (0, float("inf")), (0, 5, -1)):
        for m in (tc, torch):
            with pytest.raises(RuntimeError):
                m.arange(*args)
    with pytest.raises(TypeError):
        tc.arange("5")


@pytest.mark.parametrize("args", [(0, 1, 5), (-1, 1, 2), (2, 2, 1), (0, 10, 0), (10, 0, 7), (0, 1, 100),
                                  (0.5, 1.5, 3)])
def test_linspace_matches_torch(args, torch):
    for dt in ("float32", "float64"):
        a = tc.linspace(*args, dtype=getattr(tc, dt))
        b = torch.linspace(*args, dtype=getattr(torch, dt))
        assert _dt(a) == _dt(b) and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    assert tc.linspace(0, 1, 3).tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(RuntimeError):
        tc.linspace(0, 1, -1)


FACTORIES = [
    ("zeros_int", lambda m: m.zeros(2, 3)), ("zeros_tuple", lambda m: m.zeros((2, 3))),
    ("zeros_list", lambda m: m.zeros([2, 3])), ("zeros_size", lambda m: m.zeros(m.ones(2, 3).shape)),
    ("zeros_scalar", lambda m: m.zeros(())), ("zeros_empty", lambda m: m.zeros(0, 3)),
    ("ones_dtype", lambda m: m.ones(2, dtype=m.int32)), ("ones_bool", lambda m: m.ones(2, 2, dtype=m.bool)),
    ("full_float", lambda m: m.full((2, 2), 1.5)), ("full_int", lambda m: m.full((2,), 7)),
    ("full_bool", lambda m: m.full((2,), True)), ("full_dtype", lambda m: m.full((2,), 7, dtype=m.float64)),
    ("eye", lambda m: m.eye(3)), ("eye_rect", lambda m: m.eye(2, 4)), ("eye_int", lambda m: m.eye(2, dtype=m.int64)),
    ("zeros_like", lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int32))),
    ("ones_like_dtype", lambda m: m.ones_like(m.ones(2), dtype=m.float64)),
    ("full_like", lambda m: m.full_like(m.ones(2, dtype=m.int64), 3.7)),
    ("empty_shape", lambda m: m.empty(2, 3).shape), ("empty_like_dtype", lambda m: m.empty_like(m.ones(2)).dtype),
    ("new_zeros", lambda m: m.ones(2, dtype=m.float64).new_zeros(3)),
    ("new_ones", lambda m: m.ones(2, dtype=m.int32).new_ones((2, 2))),
    ("new_full", lambda m: m.ones(2).new_full((2,), 5)),
    ("new_tensor", lambda m: m.ones(2, dtype=m.float64).new_tensor([1, 2])),
]


@pytest.mark.parametrize("name,f", FACTORIES, ids=[f[0] for f in FACTORIES])
def test_factories_match_torch(name, f, torch):
    a, b = f(tc), f(torch)
    if isinstance(b, torch.Tensor):
        assert _dt(a) == _dt(b) and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    else:
        assert repr(a).replace("tensorcore.", "") == repr(b).replace("torch.", "")


def test_factories_reject_bad_sizes(torch):
    for f in (lambda m: m.zeros(-1), lambda m: m.ones(2, -3), lambda m: m.empty(-2), lambda m: m.full((-1,), 0.0),
              lambda m: m.eye(-1), lambda m: m.rand(-1), lambda m: m.randn(2, -2)):
        for m in (tc, torch):
            with pytest.raises(RuntimeError):
                f(m)
    for f in (lambda m: m.zeros(2.5), lambda m: m.ones("a"), lambda m: m.zeros((2, None)),
              lambda m: m.eye(2.0)):
        for m in (tc, torch):
            with pytest.raises(TypeError):
                f(m)


def test_requires_grad_factory_argument():
    for t in (tc.zeros(2, requires_grad=True), tc.ones(2, requires_grad=True), tc.rand(2, requires_grad=True),
              tc.full((2,), 1.0, requires_grad=True), tc.eye(2, requires_grad=True),
              tc.arange(3.0, requires_grad=True), tc.tensor([1.0], requires_grad=True)):
        assert t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError):
        tc.zeros(2, dtype=tc.int64, requires_grad=True)


# ---------------------------------------------------------------------------
def test_manual_seed_determinism():
    for f in (lambda: tc.rand(3, 4), lambda: tc.randn((2, 5)), lambda: tc.randint(0, 10, (6,)),
              lambda: tc.randperm(7), lambda: tc.rand(2, dtype=tc.float64), lambda: tc.randint(5, (3, 2)),
              lambda: tc.zeros(4).uniform_(-1, 1), lambda: tc.zeros(4).normal_(2, 3), lambda: tc.randn(3, 3)):
        tc.manual_seed(123)
        a = f()
        tc.manual_seed(123)
        b = f()
        assert np.array_equal(a.numpy(), b.numpy())
        c = f()
        assert not np.array_equal(a.numpy(), c.numpy()) or a.numel() <= 1
    tc.manual_seed(0)
    x = tc.rand(5)
    tc.manual_seed(1)
    y = tc.rand(5)
    assert not np.array_equal(x.numpy(), y.numpy())
    assert tc.initial_seed() == 1
    state = tc.get_rng_state()
    z1 = tc.randn(4)
    tc.set_rng_state(state)
    z2 = tc.randn(4)
    assert np.array_equal(z1.numpy(), z2.numpy())


def test_random_shapes_dtypes_and_ranges():
    tc.manual_seed(5)
    assert tc.rand(2, 3).shape == (2, 3) and tc.rand((2, 3)).shape == (2, 3) and tc.rand([4]).shape == (4,)
    assert tc.rand(()).shape == () and tc.randn(0, 2).shape == (0, 2)
    assert tc.rand(2).dtype == tc.float32 and tc.randn(2, dtype=tc.float64).dtype == tc.float64
    r = tc.rand(20000)
    assert 0.0 <= r.min().item() and r.max().item() < 1.0 and abs(r.mean().item() - 0.5) < 0.02
    n = tc.randn(20000, dtype=tc.float64)
    assert abs(n.mean().item()) < 0.05 and abs(n.std().item() - 1.0) < 0.05
    i = tc.randint(3, 7, (10000,))
    assert i.dtype == tc.int64 and i.min().item() == 3 and i.max().item() == 6
    assert tc.randint(10, (3,), dtype=tc.int32).dtype == tc.int32
    p = tc.randperm(50)
    assert sorted(p.tolist()) == list(range(50)) and p.dtype == tc.int64
    assert tc.rand_like(tc.zeros(2, 3, dtype=tc.float64)).dtype == tc.float64
    assert tc.randn_like(tc.zeros(2, 3)).shape == (2, 3)
    with pytest.raises(RuntimeError):
        tc.randint(5, 5, (2,))
    with pytest.raises(TypeError):
        tc.randint(5)


# ---------------------------------------------------------------------------
CONVERSIONS = [
    ("float", lambda t: t.float()), ("double", lambda t: t.double()), ("long", lambda t: t.long()),
    ("int", lambda t: t.int()), ("bool", lambda t: t.bool()), ("to_f64", lambda t: t.to(tc.float64)),
    ("to_kw", lambda t: t.to(dtype=tc.int32)), ("to_other", lambda t: t.to(tc.ones(1, dtype=tc.float64))),
    ("type_as", lambda t: t.type_as(tc.ones(1, dtype=tc.int64))), ("to_cpu", lambda t: t.to("cpu")),
    ("type", lambda t: t.type(tc.float64)),
]


@pytest.mark.parametrize("name,f", CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
def test_dtype_conversions_match_torch(name, f, torch):
    src = [[-1.7, 0.0, 2.5], [3.9, -0.2, 1.0]]
    a = f(tc.tensor(src))
    g = dict(f.__globals__)
    import types
    g["tc"] = torch
    tf = types.FunctionType(f.__code__, g)
    b = tf(torch.tensor(src))
    assert _dt(a) == _dt(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_conversion_identity_and_copy():
    t = tc.ones(2)
    assert t.float() is t or t.float().data_ptr() == t.data_ptr()
    assert t.to(tc.float32) is t
    c = t.to(tc.float32, copy=True)
    assert c.data_ptr() != t.data_ptr()
    assert t.double().data_ptr() != t.data_ptr()
    assert t.cpu() is t and t.device.type == "cpu" and str(t.device) == "cpu"
    assert t.type() == "torch.FloatTensor"
    with pytest.raises(RuntimeError):
        t.to("not a dtype or device")  # an invalid device string, as torch


# ---------------------------------------------------------------------------
REPRS = [
    ("float", lambda m: m.tensor([1.0, 2.5, -3.0])),
    ("int", lambda m: m.tensor([[1, 2], [3, 40]])),
    ("int32", lambda m: m.tensor([1, 2], dtype=m.int32)),
    ("float64", lambda m: m.tensor([1.0, 2.0], dtype=m.float64)),
    ("bool", lambda m: m.tensor([True, False])),
    ("scalar", lambda m: m.tensor(3.5)),
    ("scalar_int", lambda m: m.tensor(7)),
    ("empty", lambda m: m.zeros(0, 3)),
    ("empty_1d", lambda m: m.tensor([])),
    ("sci", lambda m: m.tensor([1e-8, 1.0, 1e8])),
    ("requires_grad", lambda m: m.ones(2, requires_grad=True)),
    ("grad_fn", lambda m: m.ones(2, requires_grad=True) * 2),
    ("grad_fn_sum", lambda m: (m.ones(2, 2, requires_grad=True) + 1).sum()),
    ("grad_fn_view", lambda m: m.ones(2, 3, requires_grad=True).t()),
    ("requires_grad_f64", lambda m: m.zeros(2, dtype=m.float64, requires_grad=True)),
    ("grad_fn_f64", lambda m: m.zeros(2, dtype=m.float64, requires_grad=True).exp()),
    ("nan_inf", lambda m: m.tensor([float("nan"), float("inf"), -1.5])),
    ("3d", lambda m: m.arange(8.0).reshape(2, 2, 2)),
    ("size", lambda m: m.zeros(2, 3).shape),
    ("dtype", lambda m: m.float64),
    ("dtype_bool", lambda m: m.bool),
    ("no_grad", lambda m: m.ones(2, requires_grad=True).detach()),
    ("mean_backward", lambda m: m.ones(3, requires_grad=True).mean()),
]


@pytest.mark.parametrize("name,f", REPRS, ids=[r[0] for r in REPRS])
def test_repr_matches_torch(name, f, torch):
    assert repr(f(tc)) == repr(f(torch)).replace("torch.", "tensorcore.")
    if isinstance(f(tc), tc.Tensor):
        assert str(f(tc)) == repr(f(tc))


def test_repr_without_torch():
    assert repr(tc.ones(2, requires_grad=True)) == "tensor([1., 1.], requires_grad=True)"
    assert repr(tc.ones(2, requires_grad=True) * 2) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
    assert repr(tc.zeros(2, dtype=tc.int32)) == "tensor([0, 0], dtype=tensorcore.int32)"
    assert repr(tc.zeros(2, 3).shape) == "tensorcore.Size([2, 3])"
    assert repr(tc.float64) == "tensorcore.float64"


def test_linspace_matches_torch_bit_for_bit(torch):
    for args in [(0, 1, 1), (2, 5, 1), (-1, 1, 25), (-10, 10, 7), (3, -7, 9), (0.1, 0.9, 33)]:
        for dt in ("float32", "float64", "int64"):
            got = tc.linspace(*args, dtype=getattr(tc, dt)).tolist()
            assert got == torch.linspace(*args, dtype=getattr(torch, dt)).tolist(), (args, dt)


def test_scalar_conversion_rules_match_torch(torch):
    for m in (tc, torch):
        assert m.full((2,), 0.5, dtype=m.bool).tolist() == [True, True]
        assert m.zeros(2, dtype=m.bool).fill_(0.25).tolist() == [True, True]
        assert m.full((1,), -3.7, dtype=m.int32).tolist() == [-3]
        for bad in (lambda: m.full((2,), 1e20, dtype=m.int64), lambda: m.full((2,), 2 ** 40, dtype=m.int32),
                    lambda: m.zeros(2, dtype=m.int64).fill_(float("nan"))):
            with pytest.raises(RuntimeError, match="without overflow"):
                bad()


def test_setitem_drops_leading_unit_dims_of_the_value(torch):
    for m in (tc, torch):
        x = m.zeros(2, 3)
        x[0] = m.ones(1, 3)
        x[1, 1] = m.tensor([5.0])
        x[:, 2] = m.full((1, 1, 2), 7.0)
        assert x.tolist() == [[1.0, 1.0, 7.0], [0.0, 5.0, 7.0]]
