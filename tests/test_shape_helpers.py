"""Shape and view helpers (src/tensorcore/_shape_helpers.py) against PyTorch:
values, shapes, dtypes, views, grad_fn names, gradients, gradcheck, errors."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

from oracle_compare import DTYPES, assert_same, check_against_torch, same_error

torch = pytest.importorskip("torch")

A = np.random.default_rng(0).standard_normal((2, 6, 3))
V = np.arange(6.0)

CASES = [
    ("broadcast_to", lambda m, x: m.broadcast_to(x[0, :, :1], (4, 6, 3))),
    ("broadcast_to_method", lambda m, x: x[:, :1].broadcast_to((2, 5, 3))),
    ("broadcast_to_minus1", lambda m, x: x.broadcast_to((3, -1, 6, 3))),
    ("ravel", lambda m, x: m.ravel(x.transpose(0, 1))),
    ("unflatten", lambda m, x: m.unflatten(x, 1, (2, 3))),
    ("swapdims", lambda m, x: m.swapdims(x, 0, 2)),
    ("swapaxes", lambda m, x: m.swapaxes(x, 1, 2)),
    ("adjoint", lambda m, x: m.adjoint(x)),
    ("adjoint_method", lambda m, x: x.adjoint()),
    ("mH", lambda m, x: x.mH),
    ("hsplit_int", lambda m, x: m.hsplit(x, 3)),
    ("hsplit_list", lambda m, x: x.hsplit([1, 4])),
    ("vsplit", lambda m, x: m.vsplit(x, [1])),
    ("dsplit", lambda m, x: m.dsplit(x, 3)),
    ("split_with_sizes", lambda m, x: m.split_with_sizes(x, [1, 2, 3], 1)),
    ("split_with_sizes_method", lambda m, x: x.split_with_sizes([2, 1], dim=-1)),
    ("unsafe_chunk", lambda m, x: m.unsafe_chunk(x, 4, 1)),
    ("unsafe_split", lambda m, x: x.unsafe_split(4, 1)),
    ("unsafe_split_with_sizes", lambda m, x: m.unsafe_split_with_sizes(x, [5, 1], 1)),
    ("atleast_3d_2d", lambda m, x: m.atleast_3d(x[0])),
    ("dstack", lambda m, x: m.dstack([x[0], x[1]])),
    ("row_stack", lambda m, x: m.row_stack((x[0], x[1]))),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_with_gradients(name, fn):
    check_against_torch(fn, [A], grad=True)


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn):
    x = tc.tensor(A).requires_grad_()
    assert gradcheck(lambda t: fn(tc, t), (x,))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(dtype):
    for fn in (lambda m, x: m.broadcast_to(x, (2, 6)), lambda m, x: m.atleast_2d(x), lambda m, x: m.hsplit(x, 2),
               lambda m, x: m.dstack([x, x]), lambda m, x: m.ravel(x.reshape(2, 3)),
               lambda m, x: m.split_with_sizes(x, [4, 2])):
        check_against_torch(fn, [V], dtype=dtype)


def test_broadcast_to_is_a_view():
    x = tc.zeros(3)
    y = tc.broadcast_to(x, (2, 3))
    x[1] = 5
    assert y[1, 1].item() == 5 and y.stride() == (0, 1)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_atleast(nd):
    name = f"atleast_{nd}d"
    for shape in [(), (4,), (2, 3), (2, 3, 4), (1, 2, 3, 4)]:
        arr = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
        assert_same(getattr(tc, name)(tc.tensor(arr)), getattr(torch, name)(torch.tensor(arr)))
    a, b = np.zeros(()), np.zeros((2,))
    got = getattr(tc, name)(tc.tensor(a), tc.tensor(b))
    want = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    assert isinstance(got, tuple) and len(got) == 2
    assert_same(got, want)
    got = getattr(tc, name)([tc.tensor(a)])  # a list of one: still a tuple, as torch
    want = getattr(torch, name)([torch.tensor(a)])
    assert type(got) is type(want) is tuple
    assert_same(got, want)


def test_predicates():
    for dtype in DTYPES:
        x, y = tc.zeros(2, dtype=getattr(tc, dtype)), torch.zeros(2, dtype=getattr(torch, dtype))
        assert x.is_signed() == y.is_signed() == tc.is_signed(x)
        assert x.is_conj() is y.is_conj() is False and tc.is_neg(x) is torch.is_neg(y) is False
        assert x.resolve_conj() is x and tc.resolve_neg(x) is x
    a, b = tc.zeros(2, 3), tc.zeros(3, 2)
    assert tc.is_same_size(a, a.clone()) and not a.is_same_size(b)
    assert tc.ones(1).is_nonzero() and not tc.zeros(1, 1).is_nonzero()
    assert tc.is_inference(tc.zeros(1)) is torch.is_inference(torch.zeros(1)) is False


def test_is_nonzero_errors():
    same_error(lambda m: m.zeros(2).is_nonzero())
    same_error(lambda m: m.zeros(0).is_nonzero())


def test_new_empty_strided():
    x = tc.zeros(2, dtype=tc.int16)
    y = x.new_empty_strided((2, 3), (1, 2))
    assert y.shape == (2, 3) and y.stride() == (1, 2) and y.dtype == tc.int16
    z = x.new_empty_strided((4,), (1,), dtype=tc.float64)
    assert z.dtype == tc.float64


ERRORS = [
    lambda m: m.hsplit(m.zeros(()), 2),
    lambda m: m.hsplit(m.zeros(2, 5), 2),
    lambda m: m.hsplit(m.zeros(2, 4), 0),
    lambda m: m.vsplit(m.zeros(3), 1),
    lambda m: m.dsplit(m.zeros(2, 2), 1),
    lambda m: m.split_with_sizes(m.zeros(5), [2, 2]),
    lambda m: m.split_with_sizes(m.zeros(5), [5], 1),
    lambda m: m.adjoint(m.zeros(3)),
    lambda m: m.zeros(3).mH,
    lambda m: m.broadcast_to(m.zeros(3), (2, 4)),
    lambda m: m.broadcast_to(m.zeros(2, 3), (3,)),
    lambda m: m.broadcast_to([1, 2], (2,)),
    lambda m: m.atleast_1d(1.0),
    lambda m: m.dstack([]),
    lambda m: m.dstack([m.zeros(2), m.zeros(3)]),
    lambda m: m.unflatten(m.zeros(6), 0, (4, 2)),
    lambda m: m.zeros(2).is_same_size(3),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors_like_torch(fn):
    same_error(fn)


def test_directional_split_messages():
    got, want = same_error(lambda m: m.vsplit(m.zeros(5, 2), 2))
    assert str(got) == str(want)
    got, want = same_error(lambda m: m.split_with_sizes(m.zeros(5), [2, 2]))
    assert str(got) == str(want)
