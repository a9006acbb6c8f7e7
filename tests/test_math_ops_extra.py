"""The elementwise math of issue 10 against PyTorch (and scipy where it is the
better reference): the edges the op database (tests/op_db.py) does not reach
-- special values, shift counts beyond the bit width, Python-number operands,
extra arguments (polygamma's n, logit's eps, mvlgamma's p), the compositions
(float_power, mvlgamma, positive, nan_to_num_), error types and messages."""
import math

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")
sp = pytest.importorskip("scipy.special")

INT_DTYPES = ("uint8", "int8", "int16", "int32", "int64")
ALL_DTYPES = ("bool",) + INT_DTYPES + ("float16", "bfloat16", "float32", "float64")


def _both(fn):
    """fn(m) for tensorcore and torch: (result or exception) each."""
    out = []
    for m in (tc, torch):
        try:
            out.append((fn(m), None))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append((None, e))
    return out


def _same(fn, rtol=0.0, atol=0.0, msg="", same_message=True):
    (ours, our_err), (theirs, their_err) = _both(fn)
    if their_err is not None:
        assert our_err is not None, f"{msg}: torch raised {their_err!r}, tensorcore returned {ours!r}"
        assert type(our_err).__name__ == type(their_err).__name__, f"{msg}: {our_err!r} vs torch {their_err!r}"
        if same_message:
            assert str(our_err) == str(their_err), msg
        return None
    assert our_err is None, f"{msg}: tensorcore raised {our_err!r}"
    if isinstance(theirs, tuple):
        for a, b in zip(ours, theirs):
            _compare(a, b, rtol, atol, msg)
    else:
        _compare(ours, theirs, rtol, atol, msg)
    return ours


def _compare(a, b, rtol, atol, msg):
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], f"{msg}: {a.dtype} vs {b.dtype}"
    assert tuple(a.shape) == tuple(b.shape), msg
    x = np.asarray(a.detach().double().tolist() if a.dtype.is_floating_point else a.tolist())
    y = np.asarray(b.detach().double().tolist() if b.dtype.is_floating_point else b.tolist())
    if rtol == 0 and atol == 0:
        np.testing.assert_array_equal(x, y, err_msg=msg)
    else:
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, equal_nan=True, err_msg=msg)


# ---- shifts ----
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_shift_counts_outside_the_bit_width_match_torch(dtype):
    lo = 0 if dtype == "uint8" else -128
    values = [1, 5, 100, lo, 127] if dtype != "uint8" else [1, 5, 100, 200, 255]
    if dtype != "uint8":
        values += [-1, -5]
    counts = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100]
    if dtype != "uint8":
        counts += [-1, -2, -64]
    if dtype in ("uint8", "int8"):
        counts = [c for c in counts if -128 <= c <= 127]
    a = [v for v in values for _ in counts]
    b = counts * len(values)
    for op in ("__lshift__", "__rshift__"):
        _same(lambda m: getattr(m.tensor(a, dtype=getattr(m, dtype)), op)(m.tensor(b, dtype=getattr(m, dtype))),
              msg=f"{op} {dtype}")


def test_shift_operators_and_forms_match_torch():
    cases = [
        lambda m: m.tensor([1, 2, -3]) << 2,
        lambda m: m.tensor([1, 2, -3]) >> 1,
        lambda m: 3 << m.tensor([1, 2, 3]),
        lambda m: 64 >> m.tensor([1, 2, 3]),
        lambda m: m.tensor([1, 2]).__rlshift__(3),
        lambda m: m.tensor([1, 2]).__rrshift__(64),
        lambda m: m.bitwise_left_shift(m.tensor([1, 2], dtype=m.int8), m.tensor([7, 1], dtype=m.int8)),
        lambda m: m.bitwise_right_shift(m.tensor([[-8], [8]]), m.tensor([1, 2, 3])),
        lambda m: m.bitwise_left_shift(2, m.tensor([1, 2])),
        lambda m: m.tensor([1, 2], dtype=m.uint8) << m.tensor([1, 2], dtype=m.int8),  # promotes to int16
        lambda m: m.tensor([True, False]) << 1,  # bool tensor with an int number: int64
        lambda m: m.tensor([1, 2]).bitwise_left_shift(m.tensor(3)),
        lambda m: m.tensor([1.0]) << 2,
        lambda m: m.tensor([1]) << 2.5,
        lambda m: 1.5 << m.tensor([1]),
        lambda m: m.tensor([True]) << m.tensor([True]),
        lambda m: m.tensor([1.0]) >> m.tensor([1.0]),
        lambda m: m.tensor([1], dtype=m.float16) >> 1,
    ]
    for i, case in enumerate(cases):
        _same(case, msg=f"case {i}")


def test_inplace_shifts_match_torch():
    def run(m):
        a = m.tensor([1, -2, 3], dtype=m.int16)
        b = a
        a <<= 3
        a >>= m.tensor([1, 1, 2], dtype=m.int16)
        a.bitwise_left_shift_(1)
        a.bitwise_right_shift_(m.tensor(1))
        assert a is b
        return a
    _same(run)
    _same(lambda m: m.tensor([1, 2]).__ilshift__(1.5), same_message=False)
    _same(lambda m: m.tensor([1.0]).bitwise_left_shift_(1))
    out = _same(lambda m: m.bitwise_left_shift(m.tensor([1, 2]), 3, out=m.empty(2, dtype=m.int64)))
    assert out.tolist() == [8, 16]


# ---- gcd / lcm ----
def test_gcd_lcm_values_signs_and_errors_match_torch():
    a = [0, -4, 6, 12, -15, 0, 7, -(2 ** 62), 2 ** 40]
    b = [0, 6, -4, 18, -25, 5, 0, 6, 2 ** 20]
    for name in ("gcd", "lcm"):
        for dt in ("int16", "int32", "int64"):
            aa = [x for x in a if abs(x) < 2 ** 15] if dt == "int16" else a
            bb = b[:len(aa)]
            if dt == "int32":
                aa, bb = [x for x in a if abs(x) < 2 ** 31], [y for x, y in zip(a, b) if abs(x) < 2 ** 31]
            _same(lambda m: getattr(m, name)(m.tensor(aa, dtype=getattr(m, dt)), m.tensor(bb, dtype=getattr(m, dt))),
                  msg=f"{name} {dt}")
        _same(lambda m: getattr(m, name)(m.tensor([12], dtype=m.int8), m.tensor([18])), msg=name)  # promotes
        _same(lambda m: getattr(m, name)(m.tensor([100], dtype=m.int8), m.tensor([7], dtype=m.int8)), msg=name)
        for bad in ("bool", "float16", "bfloat16", "float32", "float64"):
            _same(lambda m: getattr(m, name)(m.ones(2, dtype=getattr(m, bad)), m.ones(2, dtype=getattr(m, bad))),
                  msg=f"{name} {bad}")
        _same(lambda m: getattr(m, name)(m.tensor([4]), 2), msg=f"{name} number")
    _same(lambda m: m.tensor([12, 18]).gcd_(m.tensor([8])))
    _same(lambda m: m.tensor([4, 6]).lcm_(m.tensor([6])))
    _same(lambda m: m.gcd(m.tensor([12, 18]), m.tensor([8, 12]), out=m.empty(2, dtype=m.int64)))


# ---- erfinv, lgamma, digamma, polygamma, i0: values at the edges ----
def test_erfinv_accuracy_and_edges():
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), 1 - np.logspace(-16, -1, 60),
                        -(1 - np.logspace(-16, -1, 60)), [0.0, 1e-300, 5e-324, 0.5]])
    ours = tc.erfinv(tc.tensor(y, dtype=tc.float64)).numpy()
    np.testing.assert_allclose(ours, sp.erfinv(y), rtol=2e-15, atol=0)
    _same(lambda m: m.erfinv(m.tensor([-0.0, 0.0, 1.0, -1.0, 1.5, -2.0, math.nan])))
    # float32 rounds the exact value once: within an ulp of PyTorch's float kernel
    y32 = np.linspace(-0.9999, 0.9999, 4001).astype(np.float32)
    _same(lambda m: m.erfinv(m.tensor(y32)), rtol=1e-6, atol=1e-30)


def test_trunc_normal_uses_erfinv_like_torch():
    for m in (tc, torch):
        m.manual_seed(0)
    w = tc.empty(2000)
    tc.nn.init.trunc_normal_(w, mean=0.5, std=2.0, a=-1.0, b=3.0)
    assert float(w.min()) >= -1.0 and float(w.max()) <= 3.0
    t = tc.empty(5).uniform_(-0.9, 0.9)
    t_torch = torch.tensor(t.tolist())
    assert t.erfinv_() is not None
    t_torch.erfinv_()
    np.testing.assert_allclose(t.numpy(), t_torch.numpy(), rtol=1e-6)


def test_gamma_functions_special_values_match_torch():
    x = [0.0, -0.0, -1.0, -2.0, -2.5, 0.5, 1.0, 2.0, 1e-8, 1e10, 171.5, math.inf, -math.inf, math.nan]
    for dt in ("float32", "float64"):
        for name in ("lgamma", "digamma"):
            _same(lambda m: getattr(m, name)(m.tensor(x, dtype=getattr(m, dt))), rtol=1e-6, atol=1e-12,
                  msg=f"{name} {dt}")
    for n in (1, 2, 3):
        # off the poles (where PyTorch's trigamma returns huge finite values for n = 1)
        xs = [0.5, 1.0, 2.5, 10.0, 1e3, -2.5, -0.3, math.inf, math.nan]
        _same(lambda m: m.polygamma(n, m.tensor(xs, dtype=m.float64)), rtol=1e-7, atol=1e-12, msg=f"polygamma {n}")
    _same(lambda m: m.polygamma(2, m.tensor([0.0, -1.0])))


def test_digamma_polygamma_accuracy_against_scipy():
    x = np.concatenate([np.linspace(-20.3, 30, 2001), np.logspace(-8, 8, 100)])
    x = x[~((x <= 0) & (x == np.floor(x)))]
    t = tc.tensor(x, dtype=tc.float64)
    np.testing.assert_allclose(tc.digamma(t).numpy(), sp.digamma(x), rtol=1e-13, atol=1e-14)
    for n in (1, 2, 4):
        np.testing.assert_allclose(tc.polygamma(n, t).numpy(), sp.polygamma(n, x), rtol=1e-12)
    np.testing.assert_allclose(tc.lgamma(t).numpy(), sp.gammaln(x), rtol=1e-13, atol=1e-14)


def test_i0_and_sinc_edges_match_torch():
    x = [0.0, -0.0, 1.0, -1.0, 30.0, 31.0, -90.0, 100.0, 700.0, 720.0, math.inf, -math.inf, math.nan]
    _same(lambda m: m.i0(m.tensor(x, dtype=m.float64)), rtol=1e-14, atol=0)
    # float32: within an ulp (PyTorch's float Chebyshev series gives 0.9999999 at 0 and overflows from |x| ~ 88.7,
    # where the value still fits a float; tensorcore rounds the double result once)
    _same(lambda m: m.i0(m.tensor([1.0, -1.0, 30.0, 31.0, 2.5, -7.25])), rtol=3e-7, atol=0)
    np.testing.assert_allclose(tc.i0(tc.tensor(np.linspace(-700, 700, 1401))).numpy(),
                               sp.i0(np.linspace(-700, 700, 1401)), rtol=2e-15)
    s = [0.0, -0.0, 1e-30, 0.5, 1.0, -2.0, 1e6 + 0.5, math.inf, math.nan]
    for dt in ("float32", "float64", "float16", "bfloat16"):
        _same(lambda m: m.sinc(m.tensor(s, dtype=getattr(m, dt))), rtol=1e-6, atol=1e-7, msg=dt)


# ---- result dtypes and errors over every dtype, for the forms with extra arguments ----
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_extra_argument_forms_dtypes_match_torch(dtype):
    def x(m):
        if dtype == "bool":
            return m.tensor([True, False, True])
        if dtype in INT_DTYPES:
            return m.tensor([1, 2, 3], dtype=getattr(m, dtype))
        return m.tensor([0.25, 0.5, 3.0], dtype=getattr(m, dtype))
    tol = dict(rtol=1e-2, atol=1e-3) if dtype in ("float16", "bfloat16") else dict(rtol=1e-5, atol=1e-6)
    for i, case in enumerate([
        lambda m: m.polygamma(1, x(m)),
        lambda m: x(m).polygamma(0),
        lambda m: m.logit(x(m) * 0.2),
        lambda m: m.logit(x(m), eps=0.1),
        lambda m: m.mvlgamma(x(m) + 2, 2),
        lambda m: m.float_power(x(m), 2),
        lambda m: m.float_power(2, x(m)),
        lambda m: m.float_power(x(m), x(m)),
        lambda m: m.positive(x(m)),
        lambda m: m.copysign(x(m), -1),
        lambda m: m.copysign(x(m), -1.5),
        lambda m: m.clamp_min(x(m), 2),
        lambda m: m.clamp_max(x(m), 0.5),
        lambda m: m.clamp_min(x(m), True),
        lambda m: m.clamp_max(x(m), m.tensor(1, dtype=m.int8)),
        lambda m: m.sgn(x(m)),
        lambda m: m.heaviside(x(m), m.tensor([0.5])),
        lambda m: m.heaviside(x(m), x(m)[:1]),
        lambda m: m.ldexp(x(m), m.tensor([1, 2, 3])),
        lambda m: m.nan_to_num_(x(m)),
    ]):
        _same(case, **tol, msg=f"case {i} {dtype}")


def test_argument_errors_match_torch():
    for case in (
        lambda m: m.polygamma(1.0, m.ones(2)),
        lambda m: m.polygamma(-1, m.ones(2)),
        lambda m: m.polygamma(1, 2.0),
        lambda m: m.ones(2).polygamma_(-2),
        lambda m: m.mvlgamma(m.ones(2) * 3, 0),
        lambda m: m.ones(2).float_power_(2),
        lambda m: m.float_power(m.ones(2), 2, out=m.empty(2)),
        lambda m: m.positive(m.tensor([True])),
        lambda m: m.heaviside(m.ones(2), 0.5),
        lambda m: m.copysign(2, m.ones(2)),
        lambda m: m.clamp_min(2, m.ones(2)),
        lambda m: m.ldexp(m.ones(2), 2),
        lambda m: m.ones(2, dtype=m.int64).erfinv_(),
        lambda m: m.ones(2, dtype=m.int64).lgamma_(),
    ):
        (ours, our_err), (theirs, their_err) = _both(case)
        assert their_err is not None
        assert type(our_err) is type(their_err), f"{our_err!r} vs torch {their_err!r}"


def test_polygamma_tensor_order_and_inplace_match_torch():
    _same(lambda m: m.polygamma(m.tensor(2), m.tensor([0.5, 1.5])), rtol=1e-6)
    _same(lambda m: m.tensor([0.5, 1.5]).polygamma_(3), rtol=1e-6)
    _same(lambda m: m.polygamma(1, m.tensor([0.5, 1.5]), out=m.empty(2)), rtol=1e-6)
    _same(lambda m: m.tensor([0.2, 0.7]).logit_(0.25), rtol=1e-6)
    _same(lambda m: m.logit(m.tensor([0.0, 1.0, 2.0, -1.0, 0.5])), rtol=1e-6)
    _same(lambda m: m.logit(m.tensor([0.0, 1.0, 2.0, -1.0, 0.5]), -1.0), rtol=1e-6)
    _same(lambda m: m.logit(m.tensor([0.1, 0.3]), out=m.empty(2)), rtol=1e-6)
    _same(lambda m: m.tensor([2.5, 3.0]).mvlgamma_(3), rtol=1e-6)
    _same(lambda m: m.mvlgamma(m.tensor([2.5, 3.0]), p=2, out=m.empty(2)), rtol=1e-6)


def test_positive_is_the_tensor_itself():
    t = tc.ones(2)
    assert tc.positive(t) is t and t.positive() is t


def test_predicates_on_special_values_match_torch():
    v = [math.nan, -math.nan, math.inf, -math.inf, 0.0, -0.0, -1.5, 2.0]
    for dt in ("float16", "bfloat16", "float32", "float64"):
        for name in ("signbit", "isposinf", "isneginf", "isreal", "sgn"):
            _same(lambda m: getattr(m, name)(m.tensor(v, dtype=getattr(m, dt))), msg=f"{name} {dt}")
    for dt in INT_DTYPES + ("bool",):
        for name in ("signbit", "isposinf", "isneginf", "isreal"):
            _same(lambda m: getattr(m, name)(m.tensor([0, 1, 3], dtype=getattr(m, dt))), msg=f"{name} {dt}")
    _same(lambda m: m.signbit(m.tensor([-1.0, 1.0]), out=m.empty(2, dtype=m.bool)))
    _same(lambda m: m.isposinf(m.tensor([math.inf, 1.0]), out=m.empty(2, dtype=m.bool)))


def test_heaviside_copysign_clamp_min_max_values_match_torch():
    x = [math.nan, -0.0, 0.0, -2.0, 3.0, math.inf]
    _same(lambda m: m.heaviside(m.tensor(x), m.tensor([0.5])))
    _same(lambda m: m.copysign(m.tensor([1.0, 2.0, 0.0, math.nan]), m.tensor([-0.0, 0.0, -1.0, -math.nan])))
    _same(lambda m: m.clamp_min(m.tensor([math.nan, 1.0, 3.0]), m.tensor([1.0, math.nan, 2.0])))
    _same(lambda m: m.clamp_max(m.tensor([math.nan, 1.0, 3.0]), m.tensor([1.0, math.nan, 2.0])))
    _same(lambda m: m.tensor([1.0, 5.0]).clamp_min_(2.0))
    _same(lambda m: m.tensor([1.0, 5.0]).clamp_max_(m.tensor([2.0, 3.0])))
    _same(lambda m: m.clamp_min_(m.tensor([1, 5]), 3))
    _same(lambda m: m.clamp_min(m.tensor([1.0, 5.0]), m.tensor([[2.0], [6.0]])))


# ---- gradients ----
def _grad_case(fn, *xs):
    outs = []
    for m in (tc, torch):
        ins = [m.tensor(x, dtype=m.float64, requires_grad=True) for x in xs]
        y = fn(m, *ins)
        y.sum().backward()
        outs.append((type(y.grad_fn).__name__, [i.grad.numpy() if i.grad is not None else None for i in ins]))
    assert outs[0][0] == outs[1][0]
    for a, b in zip(outs[0][1], outs[1][1]):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-12)
    ins = tuple(tc.tensor(x, dtype=tc.float64, requires_grad=True) for x in xs)
    assert tc.autograd.gradcheck(lambda *t: fn(tc, *t), ins)


@pytest.mark.parametrize("name,fn,xs", [
    ("polygamma0", lambda m, x: m.polygamma(0, x), ([0.7, 1.5, 3.0],)),
    ("polygamma2", lambda m, x: m.polygamma(2, x), ([0.7, 1.5, 3.0],)),
    ("digamma", lambda m, x: m.digamma(x), ([0.7, 1.5, -2.5],)),
    ("lgamma", lambda m, x: m.lgamma(x), ([0.7, 1.5, -2.5],)),
    ("erfinv", lambda m, x: m.erfinv(x), ([-0.9, 0.1, 0.99],)),
    ("i0", lambda m, x: m.i0(x), ([-3.0, 0.5, 40.0],)),
    ("sinc", lambda m, x: m.sinc(x), ([-1.3, 0.25, 2.6],)),
    ("logit_eps", lambda m, x: m.logit(x, eps=0.2), ([0.1, 0.5, 0.7, 0.9],)),
    ("logit", lambda m, x: m.logit(x), ([0.1, 0.5, 0.7],)),
    ("mvlgamma", lambda m, x: m.mvlgamma(x, 3), ([1.7, 2.5, 4.0],)),
    ("float_power", lambda m, x, y: m.float_power(x, y), ([0.7, 1.5], [2.5, -1.0])),
    ("float_power_num", lambda m, x: m.float_power(x, 3), ([0.7, 1.5],)),
    ("float_power_num_self", lambda m, y: m.float_power(2, y), ([0.7, 1.5],)),
    ("copysign", lambda m, x, y: m.copysign(x, y), ([0.7, -1.5, 2.0], [-1.0, -2.0, 3.0])),
    ("copysign_num", lambda m, x: m.copysign(x, -2.0), ([0.7, -1.5],)),
    ("ldexp", lambda m, x, y: m.ldexp(x, y), ([0.7, -1.5], [2.0, -1.5])),
    ("clamp_min_num", lambda m, x: m.clamp_min(x, 0.5), ([0.7, -1.5, 2.0],)),
    ("clamp_max_t", lambda m, x, y: m.clamp_max(x, y), ([0.7, -1.5, 2.0], [0.0, 0.1, 3.0])),
    ("acosh", lambda m, x: m.arccosh(x), ([1.5, 3.0],)),
    ("atanh", lambda m, x: m.arctanh(x), ([-0.5, 0.3],)),
    ("erfc", lambda m, x: m.erfc(x), ([-0.5, 0.3],)),
    ("rad2deg", lambda m, x: m.rad2deg(x), ([-0.5, 0.3],)),
])
def test_gradients_and_nodes_match_torch(name, fn, xs):
    _grad_case(fn, *xs)


def test_second_derivatives_through_i0_and_digamma():
    for name in ("i0", "digamma", "erfinv"):
        outs = []
        for m in (tc, torch):
            x = m.tensor([0.3, 0.6], dtype=m.float64, requires_grad=True)
            (g,) = m.autograd.grad(getattr(m, name)(x).sum(), x, create_graph=True)
            (gg,) = m.autograd.grad(g.sum(), x)
            outs.append(gg.detach().numpy())
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6, err_msg=name)


# ---- frexp ----
def test_frexp_matches_torch_at_the_extremes():
    cases = {
        "float64": [0.0, -0.0, 3.0, -0.75, 5e-324, 1.7976931348623157e308, 2.0 ** -1022, 0.9999999999999999, 1.0,
                    math.inf, -math.inf, math.nan, 1e-310, 123456.789],
        "float32": [0.0, -0.0, 3.0, 1e-40, 1e-45, 3.4e38, 0.99999994, 1.0, math.inf, math.nan, -7.5],
        "float16": [6e-8, 65504.0, 1e-5, 0.0, -2.5, math.inf],
        "bfloat16": [1e-39, 3e38, -2.5, 0.0, math.nan],
    }
    for dt, vals in cases.items():
        _same(lambda m: m.frexp(m.tensor(vals, dtype=getattr(m, dt))), msg=dt)
        _same(lambda m: m.tensor(vals, dtype=getattr(m, dt)).frexp(), msg=dt)
    _same(lambda m: m.frexp(m.tensor([1, 2])))
    _same(lambda m: m.frexp(m.tensor([True])))
    for outs in (lambda m: (m.empty(0), m.empty(0, dtype=m.int32)),
                 lambda m: (m.empty(2, dtype=m.float64), m.empty(2, dtype=m.int32)),
                 lambda m: (m.empty(2), m.empty(2, dtype=m.int64))):
        _same(lambda m: m.frexp(m.tensor([1.5, -3.0]), out=outs(m)))


def test_frexp_gradient_and_node_match_torch():
    _grad_case(lambda m, x: m.frexp(x).mantissa, [3.0, 0.3, -1e-5, 1000.0])  # off the powers of two
