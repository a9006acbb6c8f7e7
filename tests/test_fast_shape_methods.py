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


# ---- the other fast paths: shape methods, factories, cat / stack ----
# Each pair is a common spelling (taken in C++) and spellings the Python
# implementation serves; results (values, dtype, requires_grad, grad_fn) and
# errors must be PyTorch's either way.

FAST_CALLS = [
    ("permute", lambda m, x: x.permute(1, 0)), ("permute tuple", lambda m, x: x.permute((1, 0))),
    ("permute keyword", lambda m, x: x.permute(dims=(1, 0))), ("expand", lambda m, x: x[:1].expand(2, 4)),
    ("expand -1", lambda m, x: x[:1].expand(3, -1)), ("expand keyword", lambda m, x: x[:1].expand(size=(2, 4))),
    ("unsqueeze", lambda m, x: x.unsqueeze(0)), ("unsqueeze -1", lambda m, x: x.unsqueeze(-1)),
    ("unsqueeze keyword", lambda m, x: x.unsqueeze(dim=1)), ("unsqueeze numpy", lambda m, x: x.unsqueeze(np.int64(1))),
    ("transpose", lambda m, x: x.transpose(0, 1)), ("transpose keyword", lambda m, x: x.transpose(dim0=1, dim1=0)),
    ("zeros", lambda m, x: m.zeros(2, 3)), ("zeros tuple", lambda m, x: m.zeros((2, 3))),
    ("zeros dtype", lambda m, x: m.zeros(2, dtype=m.float64)), ("zeros int dtype", lambda m, x: m.zeros(2, dtype=m.int64)),
    ("zeros python dtype", lambda m, x: m.zeros(2, dtype=int)), ("ones requires_grad", lambda m, x: m.ones(2, requires_grad=True)),
    ("ones device cpu", lambda m, x: m.ones(2, device="cpu")), ("empty shape", lambda m, x: m.empty(0, 3).shape),
    ("zeros size=", lambda m, x: m.zeros(size=(1, 2))), ("zeros no dims", lambda m, x: m.zeros(())),
    ("zeros_like", lambda m, x: m.zeros_like(x)), ("ones_like dtype", lambda m, x: m.ones_like(x, dtype=m.int32)),
    ("zeros_like transposed", lambda m, x: m.zeros_like(x.t()).stride()),
    ("ones_like requires_grad", lambda m, x: m.ones_like(x, requires_grad=True)),
    ("empty_like shape", lambda m, x: m.empty_like(x).shape),
    ("cat list", lambda m, x: m.cat([x, x])), ("cat tuple dim", lambda m, x: m.cat((x, x), 1)),
    ("cat dim keyword", lambda m, x: m.cat([x, x], dim=-1)), ("cat promotes", lambda m, x: m.cat([x, x.long()])),
    ("stack", lambda m, x: m.stack([x, x])), ("stack dim", lambda m, x: m.stack((x, x), 2)),
    ("cat of grad", lambda m, x: m.cat([x.requires_grad_(), x])),
]

FAST_ERRORS = [
    ("permute bool", lambda m, x: x.permute(True, 0)), ("permute repeated", lambda m, x: x.permute(0, 0)),
    ("expand too small", lambda m, x: x.expand(4)), ("unsqueeze float", lambda m, x: x.unsqueeze(1.0)),
    ("unsqueeze out of range", lambda m, x: x.unsqueeze(5)), ("unsqueeze none", lambda m, x: x.unsqueeze()),
    ("transpose out of range", lambda m, x: x.transpose(0, 7)), ("transpose one", lambda m, x: x.transpose(0)),
    ("zeros negative", lambda m, x: m.zeros(-1)), ("zeros float", lambda m, x: m.zeros(2.5)),
    ("zeros bool first", lambda m, x: m.zeros(True, 2)), ("zeros bad dtype", lambda m, x: m.zeros(2, dtype="float")),
    ("zeros bad keyword", lambda m, x: m.zeros(2, foo=1)), ("ones int requires_grad", lambda m, x: m.ones(2, dtype=m.int64, requires_grad=True)),
    ("zeros_like not a tensor", lambda m, x: m.zeros_like([1.0])), ("empty cat", lambda m, x: m.cat([])),
    ("cat mismatch", lambda m, x: m.cat([x, x[:, :1].t()])), ("cat float dim", lambda m, x: m.cat([x], 0.0)),
    ("cat of non-tensors", lambda m, x: m.cat([x, 1])), ("stack shapes", lambda m, x: m.stack([x, x[:1]])),
    ("cat zero-dim", lambda m, x: m.cat([x[0, 0], x[0, 0]])),
]


def _described(v):
    if hasattr(v, "requires_grad") and hasattr(v, "tolist"):
        return (v.tolist(), str(v.dtype).split(".")[1], v.requires_grad, type(v.grad_fn).__name__ if v.grad_fn else None,
                tuple(v.stride()))
    return tuple(v) if isinstance(v, tuple) else v


@pytest.mark.parametrize("label,call", FAST_CALLS, ids=[c[0] for c in FAST_CALLS])
def test_fast_paths_match_torch(torch, label, call):
    a = call(torch, torch.arange(12.0).reshape(3, 4))
    b = call(tc, tc.arange(12.0).reshape(3, 4))
    assert _described(b) == _described(a)


@pytest.mark.parametrize("label,call", FAST_ERRORS, ids=[c[0] for c in FAST_ERRORS])
def test_fast_path_errors_match_torch(torch, label, call):
    with pytest.raises(Exception) as t_err:
        call(torch, torch.arange(12.0).reshape(3, 4))
    with pytest.raises(Exception) as c_err:
        call(tc, tc.arange(12.0).reshape(3, 4))
    assert type(c_err.value) is type(t_err.value), (c_err.value, t_err.value)


def test_fast_factories_leave_a_default_device_to_the_python_path():
    x = tc.ones(2)
    with tc.device("cuda"):
        for f in (lambda: tc.zeros(2), lambda: tc.ones(2, 2), lambda: tc.empty(3)):
            with pytest.raises(AssertionError, match="not compiled with CUDA"):
                f()
        assert tc.zeros_like(x).device == tc.device("cpu")  # *_like: the input's device
