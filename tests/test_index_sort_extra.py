"""Indexing, scattering, scans and order statistics
(src/tensorcore/_index_sort.py) against PyTorch: values, index results,
dtypes, grad_fn names, gradients, gradcheck, in-place and out= forms, and
errors (out-of-range indices raise, never read out of bounds)."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

from oracle_compare import DTYPES, assert_same, check_against_torch, same_error

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 5))
X[1, 2] = X[1, 4] = 0.75  # a tie
Y = rng.standard_normal((3, 5))
R = np.array([[1.0, 3, 3, 2, 1], [2, 2, 5, 5, 0], [4, 1, 4, 1, 4]])  # repeated values for mode/cummax
IDX = np.array([[0, 0, 1, 1, 0], [2, 2, 2, 0, 0], [4, 0, 4, 4, 4]])


def t(m, a):
    return m.tensor(a)


CASES = [
    ("take_along_dim", lambda m, x: m.take_along_dim(x, t(m, [[0], [2], [4]]), 1), [X]),
    ("take_along_dim_bcast", lambda m, x: x.take_along_dim(t(m, [[0, 1]]), 1), [X]),
    ("take_along_dim_flat", lambda m, x: m.take_along_dim(x, t(m, [0, 7, 14])), [X]),
    ("index_copy", lambda m, x, y: m.index_copy(x, 1, t(m, [0, 3]), y[:, :2]), [X, Y]),
    ("index_copy_method", lambda m, x, y: x.index_copy(0, t(m, [2, 0]), y[:2]), [X, Y]),
    ("index_fill", lambda m, x: m.index_fill(x, 1, t(m, [0, 3]), -2.5), [X]),
    ("index_fill_method", lambda m, x: x.index_fill(0, t(m, [1]), 1.0), [X]),
    ("index_put_fn", lambda m, x, y: m.index_put(x, (t(m, [0, 2]),), y[0], True), [X, Y]),
    ("put", lambda m, x, y: x.put(t(m, [0, -1, 7]), y[0, :3]), [X, Y]),
    ("put_fn_acc", lambda m, x, y: m.put(x, t(m, [1, 1, 7]), y[0, :3], accumulate=True), [X, Y]),
    ("masked_scatter", lambda m, x, y: m.masked_scatter(x, x > 0, y), [X, Y]),
    ("masked_scatter_bcast", lambda m, x, y: x.masked_scatter(t(m, [True, False, True, False, False]), y), [X, Y]),
    ("diag_embed", lambda m, x: m.diag_embed(x), [X]),
    ("diag_embed_offset_dims", lambda m, x: x.diag_embed(-1, 0, 2), [X]),
    ("diagflat", lambda m, x: m.diagflat(x, 2), [X]),
    ("diagonal_scatter", lambda m, x, y: m.diagonal_scatter(x, y[0, :3]), [X, Y]),
    ("diagonal_scatter_offset", lambda m, x, y: x.diagonal_scatter(y[0, :3], 1), [X, Y]),
    ("select_scatter", lambda m, x, y: m.select_scatter(x, y[:, 0], 1, -1), [X, Y]),
    ("slice_scatter", lambda m, x, y: m.slice_scatter(x, y[:, :2], 1, 1, 5, 2), [X, Y]),
    ("slice_scatter_default", lambda m, x, y: x.slice_scatter(y), [X, Y]),
    ("cummax", lambda m, x: m.cummax(x, 1), [R]),
    ("cummax_ties_float", lambda m, x: x.cummax(0), [X]),
    ("cummin", lambda m, x: m.cummin(x, 1), [R]),
    ("cummin_method", lambda m, x: x.cummin(-1), [X]),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), [X]),
    ("logcumsumexp_wide", lambda m, x: (x * 300).logcumsumexp(0), [X]),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2, 1), [X]),
    ("kthvalue_keepdim", lambda m, x: x.kthvalue(3, 0, keepdim=True), [X]),
    ("mode", lambda m, x: m.mode(x, 1), [R]),
    ("mode_dim0_keepdim", lambda m, x: x.mode(0, True), [R]),
    ("nanmedian_dim", lambda m, x: m.nanmedian(x, 1), [X]),
    ("nanmedian", lambda m, x: x.nanmedian(), [X]),
    ("quantile", lambda m, x: m.quantile(x, 0.3), [X]),
    ("quantile_dim", lambda m, x: x.quantile(m.tensor([0.1, 0.5, 1.0], dtype=m.float64), 1, keepdim=True), [X]),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.75, 0), [X]),
    ("msort", lambda m, x: m.msort(x), [X]),
    ("aminmax", lambda m, x: m.aminmax(x, dim=1), [X]),
    ("scatter_reduce_sum", lambda m, x, y: m.scatter_reduce(x, 1, t(m, IDX), y, "sum"), [X, Y]),
    ("scatter_reduce_mean_noself", lambda m, x, y: x.scatter_reduce(1, t(m, IDX), y, "mean", include_self=False),
     [X, Y]),
    ("scatter_reduce_amax", lambda m, x, y: m.scatter_reduce(x, 1, t(m, IDX), y, "amax"), [X, Y]),
    ("scatter_reduce_amin_noself", lambda m, x, y: m.scatter_reduce(x, 1, t(m, IDX), y, "amin",
                                                                    include_self=False), [X, Y]),
    ("scatter_reduce_prod", lambda m, x, y: m.scatter_reduce(x, 1, t(m, IDX), y, "prod"), [X, Y]),
    ("cumsum_", lambda m, x: (x * 1).cumsum_(1), [X]),
    ("cumprod_", lambda m, x: (x * 1).cumprod_(0), [X]),
    ("tril_", lambda m, x: (x * 1).tril_(1), [X]),
    ("triu_", lambda m, x: (x * 1).triu_(-1), [X]),
]


# quantile is a composite in PyTorch too: its last node is an implementation detail
COMPOSITE_NODES = {"quantile", "quantile_dim", "nanquantile"}


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_with_gradients(name, fn, arrays):
    check_against_torch(fn, arrays, grad=True, atol=1e-8, check_node=name not in COMPOSITE_NODES)


NOT_SMOOTH = {"cummax", "cummin", "mode", "mode_dim0_keepdim", "cummax_ties_float"}  # ties: one-sided derivatives


@pytest.mark.parametrize("name,fn,arrays", [c for c in CASES if c[0] not in NOT_SMOOTH],
                         ids=[c[0] for c in CASES if c[0] not in NOT_SMOOTH])
def test_gradcheck(name, fn, arrays):
    arrays = [a + np.arange(a.size).reshape(a.shape) * 1e-3 for a in arrays]  # no exact ties
    inputs = tuple(tc.tensor(a).requires_grad_() for a in arrays)

    def f(*ts):
        r = fn(tc, *ts)
        return r[0] if isinstance(r, tuple) else r
    assert gradcheck(f, inputs)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_ties_and_zeros(reduce, include_self):
    check_against_torch(lambda m, a, s: m.scatter_reduce(a, 1, m.tensor([[0, 1]], dtype=m.int32), s,
                                                         {"amax": "max", "amin": "min"}.get(reduce, reduce)),
                        [np.ones((1, 3)), np.array([[2.0, 3.0]])], grad=reduce not in ("amax", "amin"))
    # zeros (prod's gradient) and equal values (amax/amin share the gradient) as torch
    x = np.array([[0.0, 1, 2, 2], [3, 0, 0, 1]])
    src = np.array([[2.0, 2, 0, 1, 5], [0, 3, 3, 1, 0]])
    idx = np.array([[0, 0, 2, 3, 3], [1, 1, 0, 0, 2]])
    check_against_torch(lambda m, a, s: m.scatter_reduce(a, 1, m.tensor(idx), s, reduce, include_self=include_self),
                        [x, src], grad=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(dtype):
    a = R
    fns = [lambda m, x: m.take_along_dim(x, m.tensor([[0], [2], [4]]), 1),
           lambda m, x: m.index_copy(x, 1, m.tensor([0, 3]), x[:, :2]),
           lambda m, x: x.put(m.tensor([0, -1]), x[0, :2]),
           lambda m, x: m.masked_scatter(x, m.tensor([True, False, True, False, False]), x),
           lambda m, x: m.diag_embed(x), lambda m, x: m.diagflat(x[0]),
           lambda m, x: m.select_scatter(x, x[0], 0, 2), lambda m, x: m.slice_scatter(x, x[:, :1], 1, 2, 3),
           lambda m, x: m.diagonal_scatter(x, x[0, :3]),
           lambda m, x: m.cummax(x, 1), lambda m, x: m.cummin(x, 0), lambda m, x: m.msort(x),
           lambda m, x: m.aminmax(x), lambda m, x: m.unique_consecutive(x.flatten(), return_counts=True),
           lambda m, x: (x * 1).tril_(), lambda m, x: m.index_fill(x, 1, m.tensor([1]), 1)]
    if dtype != "bool":
        # (kthvalue's index among equal values is unspecified: PyTorch's depends on its quickselect)
        fns += [lambda m, x: m.kthvalue(x.flatten()[:3], 2, 0), lambda m, x: m.mode(x, 1), lambda m, x: m.nanmedian(x, 1),
                lambda m, x: m.scatter_reduce(x, 1, m.tensor(IDX), x, "amax"),
                lambda m, x: m.scatter_reduce(x, 1, m.tensor(IDX), x, "sum", include_self=False),
                lambda m, x: m.scatter_reduce(x, 1, m.tensor(IDX), x, "mean"),
                lambda m, x: m.searchsorted(m.tensor([0, 1, 3, 4]).to(x.dtype), x)]
    else:
        fns += [lambda m, x: m.scatter_reduce(x, 1, m.tensor(IDX), x, "amin")]
    tol = {"float16": 1e-3, "bfloat16": 1e-2}.get(dtype, 1e-7)
    for fn in fns:
        check_against_torch(fn, [a], dtype=dtype, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "float16"])
def test_float_scans(dtype):
    tol = {"float16": 2e-3, "bfloat16": 2e-2}.get(dtype, 1e-6)
    check_against_torch(lambda m, x: m.logcumsumexp(x, 1), [X * 20], dtype=dtype, rtol=tol, atol=tol)
    check_against_torch(lambda m, x: m.histc(x, 7), [X], dtype=dtype, rtol=tol, atol=tol)


def test_nan_semantics():
    a = np.array([[1.0, np.nan, 3, np.nan, 0], [np.nan, np.nan, np.nan, 1, 2]])
    for fn in (lambda m, x: m.cummax(x, 1), lambda m, x: m.cummin(x, 1), lambda m, x: m.nanmedian(x, 1),
               lambda m, x: m.nanmedian(x), lambda m, x: m.nanquantile(x, 0.5, 1),
               lambda m, x: m.quantile(x, 0.5, 1), lambda m, x: m.logcumsumexp(x, 1),
               lambda m, x: m.nanquantile(x[:, 1:4], m.tensor([0.0, 0.4, 1.0], dtype=m.float64), 1)):
        check_against_torch(fn, [a])


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_interpolations(interpolation):
    q = np.array([0.0, 0.125, 0.25, 0.5, 0.625, 0.875, 1.0])
    for dim, keepdim in ((None, False), (0, False), (1, True), (-1, False)):
        check_against_torch(lambda m, x, qq: m.quantile(x, qq, dim, keepdim, interpolation=interpolation),
                            [X, q], grad=True, check_node=False)
        check_against_torch(lambda m, x: x.nanquantile(0.625, dim, keepdim, interpolation=interpolation), [X])


def test_searchsorted_and_bucketize():
    seq = np.array([[1.0, 3, 5, 7, 9], [2, 4, 6, 8, 10]])
    vals = np.array([[3.0, 6, 9, 11], [1, 2, 8, 9]])
    for kw in ({}, {"right": True}, {"side": "right"}, {"side": "left"}, {"out_int32": True}):
        check_against_torch(lambda m, s, v, kw=kw: m.searchsorted(s, v, **kw), [seq, vals])
        check_against_torch(lambda m, s, v, kw=kw: m.searchsorted(s[0], v, **kw), [seq, vals])
        check_against_torch(lambda m, s, v, kw=kw: m.searchsorted(s[0], 5, **kw), [seq, vals])
    order = np.array([4, 0, 3, 1, 2])
    check_against_torch(lambda m, s, v: m.searchsorted(s, v, sorter=m.tensor(order)),
                        [np.array([9.0, 1, 7, 3, 5]), vals[0]])
    for kw in ({}, {"right": True}, {"out_int32": True}):
        check_against_torch(lambda m, v, b, kw=kw: m.bucketize(v, b, **kw), [vals, seq[0]])
    out_tc, out_t = tc.empty(0, dtype=tc.int64), torch.empty(0, dtype=torch.int64)
    assert tc.searchsorted(tc.tensor(seq[0]), tc.tensor(vals), out=out_tc) is out_tc
    torch.searchsorted(torch.tensor(seq[0]), torch.tensor(vals), out=out_t)
    assert_same(out_tc, out_t)


def test_histc_and_histogram():
    a = np.array([1.0, 2, 1, 2.5, 4, -1, 7])
    for kw in ({}, {"bins": 4}, {"bins": 3, "min": 0, "max": 3}, {"bins": 5, "min": 2, "max": 2}):
        check_against_torch(lambda m, x, kw=kw: m.histc(x, **kw), [a])
        check_against_torch(lambda m, x, kw=kw: x.histc(**kw), [a], dtype="float32")
    check_against_torch(lambda m, x: m.histc(x[:0], 3), [a])
    for kw in ({"bins": 4}, {"bins": 3, "range": (0.0, 3.0)}, {"bins": 4, "density": True},
               {"bins": 4, "weight": "w"}):
        def fn(m, x, kw=kw):
            kw = dict(kw)
            if kw.get("weight") == "w":
                kw["weight"] = x * 0 + 0.5
            return m.histogram(x, **kw)
        check_against_torch(fn, [a])
    check_against_torch(lambda m, x: m.histogram(x, m.tensor([0.0, 1.5, 2.0, 10.0], dtype=m.float64)), [a])
    outs = (tc.empty(0, dtype=tc.float64), tc.empty(0, dtype=tc.float64))
    got = tc.histogram(tc.tensor(a), 3, out=outs)
    assert got[0] is outs[0] and got[1] is outs[1]
    assert_same(got, torch.histogram(torch.tensor(a), 3))


def test_index_generators():
    for args in ((3, 3), (3, 4, 1), (4, 3, -1), (0, 3), (5, 2, -7), (2, 5, 10)):
        for name in ("tril_indices", "triu_indices"):
            assert_same(getattr(tc, name)(*args), getattr(torch, name)(*args))
    assert_same(tc.tril_indices(3, 3, dtype=tc.int32), torch.tril_indices(3, 3, dtype=torch.int32))
    idx = np.array([0, 5, 7, 11, -1, 13])
    for shape in ((3, 4), (12,), (2, 3, 2)):
        assert_same(tc.unravel_index(tc.tensor(idx), shape), torch.unravel_index(torch.tensor(idx), shape))
    assert_same(tc.unravel_index(tc.tensor(5), (2, 3)), torch.unravel_index(torch.tensor(5), (2, 3)))


def test_unique_consecutive():
    a = np.array([[1, 1, 2], [1, 1, 2], [3, 1, 1], [3, 1, 1]])
    for kw in ({}, {"return_inverse": True}, {"return_counts": True},
               {"return_inverse": True, "return_counts": True}):
        check_against_torch(lambda m, x, kw=kw: m.unique_consecutive(x, **kw), [a], dtype="int64")
        for d in (0, 1):
            check_against_torch(lambda m, x, kw=kw, d=d: x.unique_consecutive(dim=d, **kw), [a], dtype="int64")


def test_aminmax_forms():
    for kw in ({}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"keepdim": True}):
        got, want = tc.aminmax(tc.tensor(X), **kw), torch.aminmax(torch.tensor(X), **kw)
        assert_same((got.min, got.max), (want.min, want.max))
        assert type(got).__name__ == "aminmax"


def test_inplace_index_ops_write_through():
    for fn in (lambda m, x: x.index_copy_(1, m.tensor([0, 3]), m.ones(3, 2, dtype=x.dtype)),
               lambda m, x: x.put_(m.tensor([0, 14]), m.ones(2, dtype=x.dtype)),
               lambda m, x: x.masked_scatter_(x > 0, m.zeros(15, dtype=x.dtype)),
               lambda m, x: x.scatter_reduce_(1, m.tensor(IDX), x * 2, "amax"),
               lambda m, x: x.scatter_reduce_(1, m.tensor(IDX), x * 2, "mean", include_self=False)):
        a, b = tc.tensor(X), torch.tensor(X)
        ra, rb = fn(tc, a), fn(torch, b)
        assert ra is a
        assert_same(a, b)
        assert_same(ra, rb)


def test_inplace_on_leaf_requiring_grad_raises():
    same_error(lambda m: m.zeros(3, requires_grad=True).index_copy_(0, m.tensor([0]), m.ones(1)))
    same_error(lambda m: m.zeros(3, requires_grad=True).put_(m.tensor([0]), m.ones(1)))
    same_error(lambda m: m.zeros(3, 3, requires_grad=True).tril_())


ERRORS = [
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0]], dtype=m.int32), 1),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([0]), 1),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0]]), 2),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([5]), m.zeros(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([-4]), m.zeros(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0], dtype=m.int32), m.zeros(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0]), m.zeros(1, 4, dtype=m.float64)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0, 1]), m.zeros(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([[0]]), m.zeros(1, 4)),
    lambda m: m.zeros(3, 4).put(m.tensor([12]), m.zeros(1)),
    lambda m: m.zeros(3, 4).put(m.tensor([-13]), m.zeros(1)),
    lambda m: m.zeros(3, 4).put(m.tensor([1, 2]), m.ones(1)),
    lambda m: m.zeros(3, 4).put(m.tensor([1]), m.ones(1, dtype=m.float64)),
    lambda m: m.masked_scatter(m.zeros(3, 4), m.ones(3, 4, dtype=m.bool), m.zeros(3)),
    lambda m: m.masked_scatter(m.zeros(3, 4), m.ones(3, 4), m.zeros(12)),
    lambda m: m.diagonal_scatter(m.zeros(3, 4), m.zeros(2)),
    lambda m: m.select_scatter(m.zeros(3, 4), m.zeros(3), 0, 0),
    lambda m: m.select_scatter(m.zeros(3, 4), m.zeros(4), 0, 3),
    lambda m: m.slice_scatter(m.zeros(3, 4), m.zeros(3, 3), 1, 0, 2),
    lambda m: m.diag_embed(m.zeros(3, 4), 0, 1, 1),
    lambda m: m.scatter_reduce(m.zeros(3, 4), 0, m.tensor([[3]]), m.ones(1, 1), "sum"),
    lambda m: m.scatter_reduce(m.zeros(3, 4), 0, m.tensor([[-1]]), m.ones(1, 1), "amax"),
    lambda m: m.scatter_reduce(m.zeros(3, 4), 0, m.tensor([[0]]), m.ones(1, 1), "maximum"),
    lambda m: m.scatter_reduce(m.zeros(3, 4), 0, m.tensor([[0]], dtype=m.int16), m.ones(1, 1), "sum"),
    lambda m: m.scatter_reduce(m.zeros(3, 4), 0, m.tensor([[0]]), m.ones(1, 1, dtype=m.float64), "sum"),
    lambda m: m.cummax(m.zeros(3, 4), 2),
    lambda m: m.logcumsumexp(m.tensor([1, 2]), 0),
    lambda m: m.kthvalue(m.zeros(3, 4), 5, 1),
    lambda m: m.kthvalue(m.zeros(3, 4), 0, 1),
    lambda m: m.mode(m.zeros(3, 0), 1),
    lambda m: m.nanmedian(m.zeros(3, 0), 1),
    lambda m: m.quantile(m.tensor([1, 2]), 0.5),
    lambda m: m.quantile(m.zeros(3), 1.5),
    lambda m: m.quantile(m.zeros(3), m.tensor([0.5, 2.0])),
    lambda m: m.quantile(m.zeros(3), 0.5, interpolation="cubic"),
    lambda m: m.quantile(m.zeros(3), m.tensor([0.5], dtype=m.float64)),
    lambda m: m.quantile(m.zeros(3), m.zeros(2, 2)),
    lambda m: m.aminmax(m.zeros(0)),
    lambda m: m.aminmax(m.zeros(2, 0), dim=1),
    lambda m: m.unravel_index(m.tensor([1.0]), (3, 4)),
    lambda m: m.searchsorted(m.tensor([[1, 2, 3]]), m.tensor([2.5, 1])),
    lambda m: m.searchsorted(m.tensor([1.0, 2, 3]), 2, side="left", right=True),
    lambda m: m.searchsorted(m.tensor([1.0, 2, 3]), 2, side="middle"),
    lambda m: m.searchsorted(m.tensor([1.0, 2, 3]), m.tensor([2.0]), sorter=m.tensor([0, 1])),
    lambda m: m.searchsorted(m.tensor([1.0, 2, 3]), m.tensor([2.0]), out=m.empty(1, dtype=m.float32)),
    lambda m: m.bucketize(m.tensor([1.0, 2, 3]), m.tensor([[1.0]])),
    lambda m: m.histc(m.tensor([1, 2]), bins=3),
    lambda m: m.histc(m.tensor([1.0, float("nan")]), bins=3),
    lambda m: m.histc(m.tensor([1.0, 2]), bins=0),
    lambda m: m.histc(m.tensor([1.0, 2]), bins=3, min=3, max=1),
    lambda m: m.histogram(m.tensor([1, 2]), bins=3),
    lambda m: m.tril_indices(-1, 3),
    lambda m: m.index_fill(m.zeros(3, 4), 2, m.tensor([0]), 1.0),
    lambda m: m.kthvalue(m.zeros(3, 0), 1, 1),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors_like_torch(fn):
    same_error(fn)


def test_messages_word_for_word():
    for i in (0, 1, 3, 5, 6, 7, 11, 15, 16, 27, 31, 32, 34, 35, 37, 40, 41, 45):
        got, want = same_error(ERRORS[i])
        assert str(got) == str(want), i


def test_searchsorted_random_against_torch_nan_included():
    # PyTorch's binary search decides where NaNs (in boundaries or values) land; batched and 1-D boundaries
    rs = np.random.RandomState(0)
    for _ in range(150):
        r, n, m = rs.randint(0, 4), rs.randint(0, 6), rs.randint(0, 5)
        s = np.sort(rs.randint(0, 5, (r, n)).astype(np.float64), 1)
        if rs.rand() < 0.3 and n:
            s[:, rs.randint(n)] = np.nan
        v = rs.randint(-1, 6, (r, m)).astype(np.float64)
        if rs.rand() < 0.3 and m and r:
            v[0, 0] = np.nan
        for right in (False, True):
            for seq in ([s, s[0]] if r else [s]):
                try:
                    want = torch.searchsorted(torch.tensor(seq), torch.tensor(v), right=right)
                except RuntimeError:
                    same_error(lambda m, seq=seq, right=right: m.searchsorted(m.tensor(seq), m.tensor(v), right=right))
                    continue
                assert_same(tc.searchsorted(tc.tensor(seq), tc.tensor(v), right=right), want)
