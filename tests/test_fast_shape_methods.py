"""Tensor.view / Tensor.reshape: the C++ fast path (ints, or one tuple/list/
Size of ints) and the Python path it falls back to for every other spelling
(Note [Fast shape methods], csrc/bindings/fast_functions.cpp) give PyTorch's
results and errors."""
import numpy as np
import pytest

import tensorcore as tc

CALLS = [
    ("ints", lambda x: x.view(3, 4)), ("minus one", lambda x: x.view(-1, 2)), ("tuple", lambda x: x.view((4, 3))),
    ("list", lambda x: x.view([2, 6])), ("size", lambda x: x.view(x.shape)), ("scalar shape", lambda x: x[:1, :1].view(())),
    ("numpy int", lambda x: x.view(np.int64(12))), ("keyword size", lambda x: x.view(size=(6, 2))),
    ("reshape ints", lambda x: x.reshape(2, -1)), ("reshape tuple", lambda x: x.reshape((12,))),
    ("reshape keyword", lambda x: x.reshape(shape=(3, 4))), ("reshape of transpose", lambda x: x.t().reshape(12)),
    ("reshape list of numpy ints", lambda x: x.reshape([np.int32(4), 3])),
]

ERRORS = [
    ("float", lambda x: x.view(3.0, 4)), ("bool", lambda x: x.view(True)), ("string", lambda x: x.view("a")),
    ("bad numel", lambda x: x.view(5, 3)), ("two minus ones", lambda x: x.view(-1, -1)),
    ("view of transpose", lambda x: x.t().view(12)), ("reshape float tuple", lambda x: x.reshape((2.0, 6))),
    ("reshape no args", lambda x: x.reshape()), ("view no args", lambda x: x.view()),
    ("huge", lambda x: x.view(2 ** 70)),
]


@pytest.mark.parametrize("label,call", CALLS, ids=[c[0] for c in CALLS])
def test_shapes_match_torch(torch, label, call):
    a = call(torch.arange(12.0).reshape(3, 4))
    b = call(tc.arange(12.0).reshape(3, 4))
    assert list(b.shape) == list(a.shape)
    assert b.tolist() == a.tolist()


@pytest.mark.parametrize("label,call", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(torch, label, call):
    with pytest.raises(Exception) as t_err:
        call(torch.arange(12.0).reshape(3, 4))
    with pytest.raises(Exception) as c_err:
        call(tc.arange(12.0).reshape(3, 4))
    assert type(c_err.value) is type(t_err.value)


def test_view_shares_storage_and_keeps_autograd():
    w = tc.arange(6.0, requires_grad=True)
    y = (w * 1).view(2, 3)
    assert type(y.grad_fn).__name__ == "ViewBackward0"
    y.sum().backward()
    assert w.grad.tolist() == [1.0] * 6
    x = tc.zeros(6)
    x.view(2, 3)[1, 2] = 5.0
    assert x[5].item() == 5.0
