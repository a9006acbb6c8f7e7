"""The in-place ops written in Python (Note [Python in-place ops record
history], src/tensorcore/_inplace.py): each compared with PyTorch on a non-leaf
input and on a view, in values, grad_fn and the gradients that reach every
operand; and the torch.X_ function forms (issue 18's audit, issue 19's
function forms).

Before the audit, masked_fill_, scatter_add_, scatter_, index_add_,
index_fill_ and fill_diagonal_ computed under no_grad and copied back: the
filled positions passed the gradient through (or the other operand got none),
with no error. clamp_ with tensor bounds, div_ with a rounding mode, round_
with decimals and lerp_ with a tensor weight raised at backward (the op saved
the tensor the copy then overwrote).
"""
import numpy as np
import pytest

import tensorcore as tc

pytestmark = pytest.mark.usefixtures("one_thread")


def _lib(torch, name):
    return torch if name == "torch" else tc


# name -> f(L, x, o) where x is the non-leaf self and o a second operand
# requiring grad (shape (3, 4), float64).
CASES = {
    "masked_fill_": lambda L, x, o: x.masked_fill_(x > 1.0, 7.0),
    "masked_fill_tensor_value": lambda L, x, o: x.masked_fill_(x > 1.0, o[0, 0]),
    "scatter_add_": lambda L, x, o: x.scatter_add_(1, L.tensor([[0, 1, 1, 3], [2, 2, 0, 1], [3, 0, 1, 2]]), o),
    # src has index's shape: PyTorch's backward rejects a larger src ("invalid gradient at index 1")
    "scatter_src": lambda L, x, o: x.scatter_(1, L.tensor([[0, 1], [2, 3], [1, 0]]), o[:, :2]),
    "scatter_value": lambda L, x, o: x.scatter_(0, L.tensor([[0, 1, 2, 0]]), 2.5),
    "index_add_": lambda L, x, o: x.index_add_(0, L.tensor([2, 0]), o[:2], alpha=3.0),
    "index_fill_": lambda L, x, o: x.index_fill_(1, L.tensor([0, 2]), -1.0),
    "fill_diagonal_": lambda L, x, o: x.fill_diagonal_(5.0),
    "clamp_tensor": lambda L, x, o: x.clamp_(min=o * 0.5, max=o + 1.0),
    "div_floor": lambda L, x, o: x.div_(o + 3.0, rounding_mode="floor"),
    "div_trunc": lambda L, x, o: x.div_(o + 3.0, rounding_mode="trunc"),
    "round_decimals": lambda L, x, o: x.round_(decimals=1),
    "lerp_tensor": lambda L, x, o: x.lerp_(o, L.full((3, 4), 0.25, dtype=L.float64)),
    "addcmul_": lambda L, x, o: x.addcmul_(o, o, value=0.5),
    "addcdiv_": lambda L, x, o: x.addcdiv_(o, o + 3.0, value=0.5),
    "clamp_scalar": lambda L, x, o: x.clamp_(-0.5, 1.0),
    "copy_": lambda L, x, o: x.copy_(o * 2),
    "zero_": lambda L, x, o: x.zero_(),
    "fill_": lambda L, x, o: x.fill_(3.0),
    "mul_": lambda L, x, o: x.mul_(o),
    "setitem": lambda L, x, o: (x.__setitem__((slice(None), 1), o[:, 0]), x)[1],
    "setitem_constant": lambda L, x, o: (x.__setitem__((slice(None), 1), 4.0), x)[1],
    "copy_constant": lambda L, x, o: x.copy_(L.ones((3, 4), dtype=L.float64)),
    "copy_into_view_constant": lambda L, x, o: (x[1:].copy_(L.zeros((2, 4), dtype=L.float64)), x)[1],
    "index_put_": lambda L, x, o: x.index_put_((L.tensor([0, 2]),), o[:2], accumulate=True),
}


def _run(torch, libname, name, view):
    L = _lib(torch, libname)
    w = L.tensor(np.linspace(-1.5, 2.5, 12).reshape(3, 4), dtype=L.float64, requires_grad=True)
    o = L.tensor(np.linspace(0.3, 1.9, 12).reshape(3, 4), dtype=L.float64, requires_grad=True)
    x = w * 1.0
    if view:
        base = L.cat([x, x * 2], 0)  # (6, 4); the op writes into the rows of its first half
        y = CASES[name](L, base[:3], o)
        out = base
    else:
        y = CASES[name](L, x, o)
        out = y
    g = L.linspace(0.5, 2.0, out.numel(), dtype=L.float64).reshape(out.shape)
    (out * g).sum().backward()
    grads = [None if t.grad is None else np.asarray(t.grad.tolist()) for t in (w, o)]
    return np.asarray(out.detach().tolist()), type(y.grad_fn).__name__, grads


@pytest.mark.parametrize("view", [False, True], ids=["non-leaf", "view"])
@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_torch(torch, name, view):
    tv, tn, tg = _run(torch, "torch", name, view)
    cv, cn, cg = _run(torch, "tc", name, view)
    np.testing.assert_allclose(cv, tv, rtol=1e-12, atol=1e-12)
    for a, b in zip(cg, tg):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# grad_fn names that already match PyTorch (the rest still name a composite's last node:
# listed so a change either way is noticed).
NODE_NAMES_DIFFER = {"setitem_constant", "copy_into_view_constant", "scatter_add_", "scatter_src", "scatter_value", "index_add_", "index_fill_", "fill_diagonal_",
                     "clamp_tensor", "div_floor", "div_trunc", "round_decimals", "lerp_tensor", "setitem"}


@pytest.mark.parametrize("name", sorted(set(CASES) - NODE_NAMES_DIFFER))
def test_grad_fn_names_match_torch(torch, name):
    assert _run(torch, "tc", name, False)[1] == _run(torch, "torch", name, False)[1]


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck_float64(name):
    w = tc.tensor(np.linspace(-1.37, 2.41, 12).reshape(3, 4), dtype=tc.float64, requires_grad=True)
    o = tc.tensor(np.linspace(0.33, 1.87, 12).reshape(3, 4), dtype=tc.float64, requires_grad=True)

    def f(w, o):
        x = w * 1.0
        CASES[name](tc, x, o)
        return x
    assert tc.autograd.gradcheck(f, (w, o))


@pytest.mark.parametrize("name", ["masked_fill_", "scatter_add_", "index_add_", "index_fill_", "fill_diagonal_",
                                  "clamp_tensor", "lerp_tensor"])
def test_on_a_leaf_raises_like_torch(torch, name):
    for libname in ("torch", "tc"):
        L = _lib(torch, libname)
        w = L.ones((3, 4), dtype=L.float64, requires_grad=True)
        o = L.ones((3, 4), dtype=L.float64)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            CASES[name](L, w, o)


@pytest.mark.parametrize("shape,wrap", [((3, 3), False), ((7, 3), True), ((7, 3), False), ((3, 7), True),
                                        ((4, 4, 4), False), ((5, 3), True)])
def test_fill_diagonal_values_match_torch(torch, shape, wrap):
    got = []
    for L in (torch, tc):
        x = L.zeros(shape)
        x.fill_diagonal_(2.0, wrap=wrap)
        got.append(x.tolist())
    assert got[0] == got[1]


def test_fill_diagonal_rejects_what_torch_rejects(torch):
    for L in (torch, tc):
        with pytest.raises(RuntimeError):
            L.zeros(3).fill_diagonal_(1.0)
        with pytest.raises(RuntimeError):
            L.zeros(3, 3, 4).fill_diagonal_(1.0)


FUNCTION_FORMS = [
    ("sin_", lambda L, x: L.sin_(x)), ("exp_", lambda L, x: L.exp_(x)), ("relu_", lambda L, x: L.relu_(x)),
    ("sigmoid_", lambda L, x: L.sigmoid_(x)), ("clamp_", lambda L, x: L.clamp_(x, -0.5, 0.5)),
    ("zero_", lambda L, x: L.zero_(x)), ("fill_", lambda L, x: L.fill_(x, 2.0)),
    ("round_", lambda L, x: L.round_(x)), ("selu_", lambda L, x: L.selu_(x)),
    ("celu_", lambda L, x: L.celu_(x, 2.0)), ("threshold_", lambda L, x: L.threshold_(x, 0.1, -1.0)),
    ("selu", lambda L, x: L.selu(x)), ("celu", lambda L, x: L.celu(x)),
    ("threshold", lambda L, x: L.threshold(x, 0.1, 5.0)), ("hardshrink", lambda L, x: L.hardshrink(x, 0.3)),
    ("Tensor.hardshrink", lambda L, x: x.hardshrink(0.3)),
    ("dropout eval", lambda L, x: L.dropout(x, 0.5, False)),
    ("rrelu eval", lambda L, x: L.rrelu(x)),
]


@pytest.mark.parametrize("label,call", FUNCTION_FORMS, ids=[f[0] for f in FUNCTION_FORMS])
def test_function_forms_match_torch(torch, label, call):
    got = []
    for L in (torch, tc):
        w = L.tensor([-1.2, -0.3, 0.0, 0.4, 1.7], dtype=L.float64, requires_grad=True)
        x = w * 1.0
        y = call(L, x)
        y.sum().backward() if y.requires_grad else None
        got.append((y.tolist(), x.tolist(), None if w.grad is None else w.grad.tolist()))
    np.testing.assert_allclose(np.asarray(got[1][0]), np.asarray(got[0][0]), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(got[1][1]), np.asarray(got[0][1]), rtol=1e-12)
    if got[0][2] is not None:
        np.testing.assert_allclose(np.asarray(got[1][2]), np.asarray(got[0][2]), rtol=1e-12)


def test_every_torch_inplace_function_form_that_we_have_as_a_method_exists(torch):
    missing = [n for n in dir(torch) if n.endswith("_") and not n.startswith("_") and hasattr(tc.Tensor, n)
               and not hasattr(tc, n)]
    assert missing == []


def test_function_form_rejects_non_tensors_like_torch(torch):
    for L in (torch, tc):
        with pytest.raises(TypeError):
            L.sin_([1.0, 2.0])
