"""Helpers for tests that run one call on tensorcore and on torch (the oracle)
and compare everything a program can observe: values, shapes, dtypes,
grad_fn names, gradients, and the exception type of a failing call."""
import numpy as np

import tensorcore as tc

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")


def lib_input(m, arr, dtype=None, requires_grad=False):
    """arr (numpy) as a tensor of module m in dtype (a name), leaf."""
    t = m.tensor(arr)
    if dtype is not None:
        t = t.to(getattr(m, dtype))
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_numpy(t):
    if str(t.dtype).endswith("bfloat16") or str(t.dtype).endswith("float16"):
        t = t.float()
    return t.detach().numpy()


def flatten_result(r):
    if isinstance(r, (tuple, list)):
        out = []
        for x in r:
            out.extend(flatten_result(x))
        return out
    return [r]


def node_name(t, is_torch):
    fn = t.grad_fn
    if fn is None:
        return None
    return type(fn).__name__ if is_torch else fn.name().rsplit("::", 1)[-1]


def assert_same(got, want, *, rtol=1e-6, atol=1e-6, check_node=True):
    """Values, shapes, dtypes (and grad_fn names) of two results (tensors,
    tuples of them, or Python values) are the same."""
    g, w = flatten_result(got), flatten_result(want)
    assert len(g) == len(w), (got, want)
    for a, b in zip(g, w):
        if not hasattr(b, "shape"):
            assert type(a) is type(b) and a == b, (a, b)
            continue
        assert isinstance(a, tc.Tensor), type(a)
        assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
        np.testing.assert_allclose(as_numpy(a).astype(np.float64) if as_numpy(a).dtype != bool else as_numpy(a),
                                   as_numpy(b).astype(np.float64) if as_numpy(b).dtype != bool else as_numpy(b),
                                   rtol=rtol, atol=atol, equal_nan=True)
        if check_node:
            assert node_name(a, False) == node_name(b, True), (node_name(a, False), node_name(b, True))


def run_both(fn, arrays, *, dtype="float64", grad=False):
    """fn(m, *inputs) on tensorcore and torch; returns (got, want, tc inputs, torch inputs)."""
    import torch
    ti = [lib_input(tc, a, dtype, grad) for a in arrays]
    wi = [lib_input(torch, a, dtype, grad) for a in arrays]
    return fn(tc, *ti), fn(torch, *wi), ti, wi


def check_against_torch(fn, arrays, *, dtype="float64", grad=False, rtol=1e-6, atol=1e-6, check_node=True):
    """Values and nodes; with grad, the gradients of sum(first result) too."""
    got, want, ti, wi = run_both(fn, arrays, dtype=dtype, grad=grad)
    assert_same(got, want, rtol=rtol, atol=atol, check_node=check_node and grad)
    if grad:
        g0, w0 = flatten_result(got)[0], flatten_result(want)[0]
        rng = np.random.default_rng(1)
        seed = rng.standard_normal(tuple(w0.shape))
        import torch
        (g0 * tc.tensor(seed).to(g0.dtype)).sum().backward()
        (w0 * torch.tensor(seed).to(w0.dtype)).sum().backward()
        for a, b in zip(ti, wi):
            if b.grad is None:
                assert a.grad is None or not a.grad.abs().sum().item()
            else:
                assert a.grad is not None
                np.testing.assert_allclose(as_numpy(a.grad), as_numpy(b.grad), rtol=rtol, atol=atol)
    return got, want


def same_error(fn):
    """fn(m) raises on torch; tensorcore raises the same exception type."""
    import pytest
    import torch
    with pytest.raises(Exception) as want:
        fn(torch)
    with pytest.raises(Exception) as got:
        fn(tc)
    assert type(got.value).__name__ == type(want.value).__name__, (got.value, want.value)
    return got.value, want.value
