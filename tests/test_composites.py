"""Composite ops (src/tensorcore/_composites.py) against PyTorch and gradcheck."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

CASES = [
    ("addcmul", lambda m, x: m.addcmul(x, x, x, value=0.5)),
    ("addcdiv", lambda m, x: m.addcdiv(x, x, x + 3, value=2)),
    ("fmod", lambda m, x: m.fmod(x * 3, 1.3)),
    ("frac", lambda m, x: (x * 3).frac()),
    ("xlogy", lambda m, x: m.xlogy(x, x.abs() + 1)),
    ("roll", lambda m, x: x.roll(2, 1)),
    ("roll2", lambda m, x: m.roll(x, (1, -1), (0, 1))),
    ("diff", lambda m, x: x.diff(dim=1)),
    ("tril", lambda m, x: m.tril(x, -1)),
    ("triu", lambda m, x: x.triu(1)),
    ("trace", lambda m, x: x.trace()),
    ("diag2d", lambda m, x: m.diag(x)),
    ("diag1d", lambda m, x: m.diag(x[0], 1)),
    ("tile", lambda m, x: x.tile((2, 1))),
    ("take", lambda m, x: x.take(m.tensor([0, 5, 3]))),
    ("cross", lambda m, x: m.cross(x[:, :3], x[:, 1:4], dim=1)),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2, dim=0)),
    ("masked_select", lambda m, x: x.masked_select(x > 0)),
    ("median_dim", lambda m, x: x.median(1).values),
    ("median", lambda m, x: x.median()),
    ("cumprod", lambda m, x: x.cumprod(1)),
    ("unfold", lambda m, x: x.unfold(1, 2, 1)),
    ("index_add", lambda m, x: x.index_add(0, m.tensor([0, 0, 2]), x)),
    ("scatter", lambda m, x: x.scatter(1, m.tensor([[0], [2], [1]]), 5.0)),
    ("nan_to_num", lambda m, x: m.nan_to_num(x / (x - x.round()))),
    ("kron", lambda m, x: m.kron(x[:2, :2], x[1:, 2:])),
]


def _x(m, dtype):
    rng = np.random.default_rng(0)
    return m.tensor(rng.uniform(-2, 2, (3, 4)), dtype=dtype)


@pytest.mark.parametrize("name,fn", CASES)
def test_matches_pytorch(name, fn):
    torch = pytest.importorskip("torch")
    got = fn(tc, _x(tc, tc.float64))
    want = fn(torch, _x(torch, torch.float64))
    assert tuple(got.shape) == tuple(want.shape)
    assert np.allclose(got.numpy(), want.numpy(), equal_nan=True)


DIFF = [c for c in CASES if c[0] not in ("nan_to_num", "median", "median_dim", "fmod", "frac", "take")]


@pytest.mark.parametrize("name,fn", DIFF)
def test_gradcheck(name, fn):
    x = _x(tc, tc.float64).requires_grad_()
    assert gradcheck(lambda t: fn(tc, t), (x,))


def test_unique_and_bincount():
    u, inv, cnt = tc.unique(tc.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    assert u.tolist() == [1, 2, 3] and inv.tolist() == [2, 0, 2, 1] and cnt.tolist() == [1, 1, 2]
    assert tc.bincount(tc.tensor([0, 2, 2])).tolist() == [1, 0, 2]


def test_inplace_view_ops():
    x = tc.zeros(2, 3)
    x.unsqueeze_(0)
    assert x.shape == (1, 2, 3)
    x.squeeze_()
    assert x.shape == (2, 3)
    x.t_()
    assert x.shape == (3, 2)


EINSUM_CASES = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]),
                ("i,j->ij", [(3,), (4,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]),
                ("ij->", [(2, 3)]), ("bij,bjk->bik", [(5, 4, 3), (5, 3, 4)]), ("...ij,...jk->...ik", [(5, 4, 3), (5, 3, 2)]),
                ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
                ("ik,jk->ij", [(2, 3), (5, 3)]), ("i,i,i->", [(3,), (3,), (3,)]), ("ji", [(2, 3)]),
                ("ab,cd->abcd", [(2, 3), (2, 3)]), ("bij,bj->bi", [(1, 3, 4), (2, 4)])]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_matches_numpy_and_gradchecks(eq, shapes):
    rng = np.random.default_rng(len(eq))
    arrs = [rng.standard_normal(s) for s in shapes]
    got = tc.einsum(eq, *[tc.tensor(a) for a in arrs])
    assert np.allclose(got.numpy(), np.einsum(eq, *arrs))  # numpy broadcasts size-1 dims too
    leaves = [tc.tensor(a, requires_grad=True) for a in arrs]
    assert tc.autograd.gradcheck(lambda *xs: tc.einsum(eq, *xs), leaves)
    assert tc.autograd.gradgradcheck(lambda *xs: tc.einsum(eq, *xs), leaves)


def test_einsum_errors_match_torch(torch):
    for m in (tc, torch):
        a, b = m.ones(2, 3), m.ones(3, 4)
        for bad in (lambda: m.einsum("ij,jk->il", a, b), lambda: m.einsum("ijk,jk->ik", a, b),
                    lambda: m.einsum("ij,jk", a)):
            with pytest.raises(RuntimeError):
                bad()


def test_small_array_helpers_match_torch(torch):
    def run(m):
        x = m.arange(12.0).reshape(3, 4)
        outs = [x.fliplr(), m.flipud(x), m.rot90(x), m.rot90(x, 2), m.rot90(x, -1), m.rot90(x, 1, [1, 0]),
                m.argwhere(x > 7), m.isin(m.tensor([1, 2, 3, 4]), m.tensor([2, 4])),
                m.isin(m.tensor([1, 2]), m.tensor([2]), invert=True)]
        outs += list(m.tensor_split(m.arange(7), 3)) + list(m.tensor_split(m.arange(7), [1, 5]))
        outs += list(x.tensor_split(2, dim=1)) + list(m.tensor_split(m.arange(3), [1, 10]))
        return [o.tolist() for o in outs]
    assert run(tc) == run(torch)
