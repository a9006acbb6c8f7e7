"""The index-family kernels (csrc/backend/kernels_index.h) against PyTorch:
gather / scatter_add along every dim of strided inputs, advanced indexing and
index_put_ with duplicates, nonzero; and the same bits for any thread count
(Note [Deterministic parallelism])."""
import numpy as np
import pytest
import torch

import tensorcore as tc

DTYPES = [(np.float32, torch.float32), (np.float64, torch.float64), (np.int64, torch.int64),
          (np.int32, torch.int32), (np.bool_, torch.bool)]


def both(a):
    return torch.tensor(a), tc.tensor(a)


def same(x, y):
    np.testing.assert_array_equal(np.asarray(x.numpy()), y.numpy())
    assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1]


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request):
    old = tc.get_num_threads()
    tc.set_num_threads(request.param)
    yield request.param
    tc.set_num_threads(old)


def values(shape, np_dt, rng):
    if np_dt == np.bool_:
        return rng.random(shape) > 0.5
    return (rng.standard_normal(shape) * 10).astype(np_dt)


@pytest.mark.parametrize("np_dt,t_dt", DTYPES, ids=[str(d[1]) for d in DTYPES])
@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_gather_scatter_add_match_torch(np_dt, t_dt, dim, threads):
    rng = np.random.default_rng(dim + 7)
    a = values((5, 300, 7), np_dt, rng)
    ta, ca = both(a)
    ta, ca = ta.transpose(0, 2), ca.transpose(0, 2)  # strided input: [7, 300, 5]
    shape = list(ta.shape)
    shape[dim] = 9
    idx = rng.integers(0, ta.shape[dim], shape)
    ti, ci = both(idx)
    same(torch.gather(ta, dim, ti), tc.gather(ca, dim, ci))
    src = values(shape, np_dt, rng)
    ts, cs = both(src)
    if np_dt == np.bool_:
        same(ta.scatter_add(dim, ti, ts), ca.scatter_add(dim, ci, cs))
    else:
        # many duplicates per destination: the summation order shows in float
        same(ta.scatter_add(dim, ti, ts), ca.scatter_add(dim, ci, cs))


def test_scatter_add_float_sum_order_does_not_depend_on_threads():
    rng = np.random.default_rng(0)
    src = rng.standard_normal((4000, 64)).astype(np.float32)
    idx = rng.integers(0, 3, (4000, 64))
    base = tc.zeros(3, 64)
    results = []
    for n in (1, 2):
        old = tc.get_num_threads()
        tc.set_num_threads(n)
        try:
            results.append(base.scatter_add(0, tc.tensor(idx), tc.tensor(src)).numpy())
        finally:
            tc.set_num_threads(old)
    np.testing.assert_array_equal(results[0], results[1])
    expect = torch.zeros(3, 64).scatter_add(0, torch.tensor(idx), torch.tensor(src)).numpy()
    np.testing.assert_allclose(results[0], expect, rtol=1e-5, atol=1e-4)


def test_gather_scatter_zero_dim_and_empty():
    ta, ca = both(np.float32(3.5))
    ti, ci = both(np.array(0))
    same(torch.gather(ta, 0, ti), tc.gather(ca, 0, ci))
    same(ta.scatter_add(0, ti, ta), ca.scatter_add(0, ci, ca))
    ta, ca = both(np.ones((3, 4), np.float32))
    ti, ci = both(np.zeros((0, 4), np.int64))
    same(torch.gather(ta, 0, ti), tc.gather(ca, 0, ci))


@pytest.mark.parametrize("op", ["gather", "scatter_add"])
@pytest.mark.parametrize("bad", [5, -1])
def test_gather_scatter_bad_index_message(op, bad):
    ca = tc.zeros(2, 5)
    idx = tc.tensor([[0, 1], [bad, 2]])
    with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds for dimension 1 with size 5"):
        if op == "gather":
            tc.gather(ca, 1, idx)
        else:
            ca.scatter_add(1, idx, tc.ones(2, 2))


@pytest.mark.parametrize("np_dt,t_dt", DTYPES, ids=[str(d[1]) for d in DTYPES])
def test_advanced_index_and_put_match_torch(np_dt, t_dt, threads):
    rng = np.random.default_rng(3)
    a = values((6, 50, 4), np_dt, rng)
    ta, ca = both(a)
    i0 = rng.integers(-6, 6, (30,))
    i2 = rng.integers(0, 4, (30,))
    ti0, ci0 = both(i0)
    ti2, ci2 = both(i2)
    same(ta[ti0], ca[ci0])
    same(ta[:, :, ti2[:5]], ca[:, :, ci2[:5]])
    same(ta[ti0, :, ti2], ca[ci0, :, ci2])  # non-adjacent: broadcast dims first
    same(ta.transpose(0, 1)[:, ti0], ca.transpose(0, 1)[:, ci0])
    v = values((30, 50), np_dt, rng)
    tv, cv = both(v)
    for acc in (False, True):
        tt, ct = ta.clone(), ca.clone()
        # duplicate indices: last write wins / contributions sum in order
        tt.index_put_((ti0, ti2), tv[:, :4], accumulate=acc)
        ct.index_put_((ci0, ci2), cv[:, :4], accumulate=acc)
        same(tt, ct)


def test_advanced_index_out_of_range_message():
    with pytest.raises(IndexError, match="index 6 is out of bounds for dimension 0 with size 6"):
        tc.zeros(6, 2)[tc.tensor([0, 6])]


@pytest.mark.parametrize("np_dt,t_dt", DTYPES, ids=[str(d[1]) for d in DTYPES])
def test_nonzero_matches_torch(np_dt, t_dt):
    rng = np.random.default_rng(5)
    a = values((7, 1, 9, 3), np_dt, rng)
    a.flat[::4] = 0
    ta, ca = both(a)
    same(torch.nonzero(ta), tc.nonzero(ca))
    same(torch.nonzero(ta.permute(2, 0, 3, 1)), tc.nonzero(ca.permute(2, 0, 3, 1)))
    ta, ca = both(np.array(np_dt(0)))
    same(torch.nonzero(ta), tc.nonzero(ca))
    ta, ca = both(np.array(np_dt(1)))
    same(torch.nonzero(ta), tc.nonzero(ca))
    same(torch.nonzero(torch.zeros(0, 3)), tc.nonzero(tc.zeros(0, 3)))


def test_integer_matmul_wraps_like_torch():
    rng = np.random.default_rng(1)
    for np_dt in (np.int64, np.int32):
        a = rng.integers(-2**30, 2**30, (9, 13)).astype(np_dt)
        b = rng.integers(-2**30, 2**30, (13, 5)).astype(np_dt)
        ta, ca = both(a)
        tb, cb = both(b)
        same(ta @ tb, ca @ cb)
        same(ta.t() @ ta, ca.t() @ ca)
    a = rng.random((4, 6)) > 0.6
    ta, ca = both(a)
    same(torch.mm(ta.int(), ta.t().int()), tc.mm(ca.int(), ca.t().int()))
