"""`t[key] = value` under autograd records CopySlices, as in PyTorch."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck


def test_assign_into_plain_tensor_routes_gradient_to_value():
    w = tc.tensor([1., 2.], requires_grad=True)
    x = tc.zeros(3, 2)
    x[0] = w * 2
    x[2, 1] = w[0] ** 2
    (x * tc.arange(6.).view(3, 2)).sum().backward()
    assert type(x.grad_fn).__name__ == "CopySlices"
    assert w.grad.tolist() == [10.0, 2.0]


def test_overwritten_region_gets_no_gradient():
    a = tc.ones(4, requires_grad=True)
    b = a * 1
    b[tc.tensor([0, 2])] = tc.tensor([5., 6.])
    (b * b).sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 0.0, 2.0]


def test_leaf_assignment_raises():
    a = tc.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        a[0] = 3.0
    with tc.no_grad():
        a[0] = 3.0
    assert a.tolist() == [3.0, 1.0]


@pytest.mark.parametrize("key", [0, (slice(None), 1), (slice(0, 3, 2),), (tc.tensor([2, 0]),), (Ellipsis, 0)])
def test_gradcheck_setitem(key):
    base = tc.rand(3, 2, dtype=tc.float64).requires_grad_()
    val_shape = tuple(tc.zeros(3, 2)[key].shape)
    val = tc.rand(*val_shape, dtype=tc.float64).requires_grad_()

    def f(b, v):
        out = b * 1
        out[key] = v * 3
        return out

    assert gradcheck(f, (base, val))


def test_broadcast_value_gradient_is_summed():
    v = tc.tensor(2.0, requires_grad=True)
    x = tc.zeros(2, 3)
    x[:, 1:] = v
    x.sum().backward()
    assert v.grad.item() == 4.0


def test_matches_pytorch():
    torch = pytest.importorskip("torch")
    outs = []
    for m in (tc, torch):
        w = m.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        y = w * 2 + 1
        y[:, 0] = w[:, 1] * 3
        y[y > 6] = 0
        y.sum().backward()
        outs.append((y.detach().numpy().copy(), w.grad.numpy().copy()))
    assert np.allclose(outs[0][0], outs[1][0]) and np.allclose(outs[0][1], outs[1][1])
