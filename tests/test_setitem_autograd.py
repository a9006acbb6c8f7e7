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


def _graph(t):
    """grad_fn's name and those of its next functions (None for constants)."""
    fn = t.grad_fn
    if fn is None:
        return None, None
    return fn.name(), [n[0].name() if n[0] is not None else None for n in fn.next_functions]


SETITEM_FORMS = {
    "row": lambda x, v: x.__setitem__(0, v),
    "column slice": lambda x, v: x.__setitem__((slice(None), 1), v[:3]),
    "python number": lambda x, v: x.__setitem__((0, 1), 5.0),
    "index list": lambda x, v: x.__setitem__([0, 2], v),
    "bool mask, number": lambda x, v: x.__setitem__(x > 5, 1.0),
    "bool mask, tensor": lambda x, v: x.__setitem__(x > 8, v[:3]),
    "index tensor": lambda x, v: x.__setitem__(x.new_tensor([1]).long(), v),
    "slice and list": lambda x, v: x.__setitem__((slice(0, 2), [1, 3]), v[:2]),
    "ellipsis (whole tensor)": lambda x, v: x.__setitem__(..., v),
    "broadcast value": lambda x, v: x.__setitem__(slice(0, 2), v),
    "0-dim value": lambda x, v: x.__setitem__(1, v.sum()),
    "leading 1 dims": lambda x, v: x.__setitem__(0, v.view(1, 4)),
    "into a view": lambda x, v: x[1:].__setitem__(0, v),
}


@pytest.mark.parametrize("form", list(SETITEM_FORMS))
@pytest.mark.parametrize("base_requires_grad", [True, False])
def test_setitem_graph_and_gradients_match_pytorch(form, base_requires_grad):
    # Note [Assignment records like PyTorch]: the same node on the tensor
    # (CopySlices, IndexPutBackward0, CopyBackwards) and the same gradients,
    # also when only the value requires grad. Where the write goes through a
    # view, tensorcore's CopySlices lists the in-place node it wraps as its
    # second input (PyTorch lists that node's inputs instead), so the next
    # functions are compared only for writes into the tensor itself.
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tc, torch):
        leaf = lib.arange(12.0).reshape(3, 4).requires_grad_(base_requires_grad)
        v = lib.tensor([10.0, 20.0, 30.0, 40.0], requires_grad=True)
        x = leaf.clone()
        SETITEM_FORMS[form](x, v)
        name, nexts = _graph(x)
        if x.requires_grad:
            (x * lib.arange(12.0).reshape(3, 4)).sum().backward()
        results.append((name, nexts if "CopySlices" not in str(name) else None, x.tolist(),
                        leaf.grad.tolist() if leaf.grad is not None else None,
                        v.grad.tolist() if v.grad is not None else None))
    assert results[0] == results[1]


def test_setitem_of_a_tracked_value_into_an_integer_tensor_is_a_plain_copy():
    x = tc.zeros(3, dtype=tc.int64)
    v = tc.tensor([1.5, 2.0, 3.0], requires_grad=True)
    x[0:2] = v[:2]
    assert x.tolist() == [1, 2, 0] and not x.requires_grad and x.grad_fn is None
