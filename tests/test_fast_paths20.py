"""The paths made faster at stop 20, checked for unchanged results: the
iterator's row walk and the copy kernel's short rows and broadcast sources
(csrc/core/iterator.h, backend/cpu/copy_impl.h), nll_loss's backward kernel
(backend/cpu/nn_impl.h; the composite formula stays for double backward) and
clip_grad_norm_'s two-call form (Note [Gradient clipping in two calls])."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


# ---- copies through the iterator ----

@pytest.mark.parametrize("shape,perm", [
    ((12, 4, 64, 32), (0, 2, 1, 3)),   # attention's transpose(1, 2).contiguous()
    ((3, 5, 7), (2, 0, 1)),
    ((64, 48), (1, 0)),                # tiled
    ((2, 3, 4, 5, 6), (4, 3, 2, 1, 0)),
    ((9, 1, 33), (2, 1, 0)),
    ((300, 7, 41), (1, 0, 2)),         # large enough to split across threads mid-row
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "float16"])
@pytest.mark.parametrize("threads", [1, 2])
def test_permuted_copy_matches_numpy(shape, perm, dtype, threads):
    rng = np.random.default_rng(sum(shape))
    a = (rng.standard_normal(shape) * 50).astype(dtype)
    old = tc.get_num_threads()
    tc.set_num_threads(threads)
    try:
        got = tc.from_numpy(a).permute(*perm).contiguous().numpy()
    finally:
        tc.set_num_threads(old)
    np.testing.assert_array_equal(got, np.ascontiguousarray(a.transpose(perm)))


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "float64"])
def test_copy_from_a_broadcast_source(dtype):
    src = np.array([[1], [0], [3]], dtype=dtype)
    out = tc.zeros(3, 70, dtype=getattr(tc, dtype) if dtype != "bool" else tc.bool)
    out.copy_(tc.from_numpy(src).expand(3, 70))
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(src, (3, 70)))
    into_float = tc.zeros(3, 70).copy_(tc.from_numpy(src).expand(3, 70))  # with a dtype conversion
    np.testing.assert_array_equal(into_float.numpy(), np.broadcast_to(src, (3, 70)).astype(np.float32))


def test_split_backward_through_expanded_gradients_matches_torch():
    def run(lib):
        x = lib.arange(2 * 3 * 12, dtype=lib.float64).reshape(2, 3, 12).requires_grad_()
        q, k, v = x.split(4, dim=2)
        q, k, v = (t.view(2, 3, 2, 2).transpose(1, 2) for t in (q, k, v))
        (q.sum() + 2 * k.mean() + (v * v).sum()).backward()
        return x.grad.numpy()
    np.testing.assert_array_equal(run(tc), run(torch))


# ---- nll_loss backward ----

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(7,), (6, 5), (4, 5, 3), (3, 5, 2, 2)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nll_loss_gradient_equals_torch(reduction, weighted, shape, dtype):
    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape).astype(dtype)
    C = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    t = rng.integers(0, C, tshape)
    if t.ndim:
        t.flat[0] = 2  # the ignored class appears
    w = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    grads = []
    for lib in (tc, torch):
        xi = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.nll_loss(xi.log_softmax(0 if len(shape) == 1 else 1), lib.tensor(t),
                                          None if w is None else lib.tensor(w), ignore_index=2, reduction=reduction)
        g = lib.tensor(rng.standard_normal(loss.shape).astype(dtype)) if reduction == "none" else None
        loss.backward(g)
        grads.append(xi.grad.numpy())
        rng = np.random.default_rng(len(shape))  # same g for both libraries
        rng.standard_normal(shape)
        rng.integers(0, C, tshape)
        if weighted:
            rng.uniform(0.5, 2.0, C)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6 if dtype == "float32" else 1e-13, atol=1e-7)


def test_cross_entropy_double_backward_still_matches_torch():
    def run(lib):
        x = lib.tensor([[0.2, -1.0, 0.5], [1.5, 0.1, -0.3]], dtype=lib.float64, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([2, 0]))
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (g * g).sum().backward()
        return g.detach().numpy(), x.grad.numpy()
    for ours, theirs in zip(run(tc), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ---- clip_grad_norm_ ----

@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf"), 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(3)
    shapes = [(5, 4), (4,), (3, 3, 2), (1,)]
    values = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    results = []
    for lib in (tc, torch):
        params = [lib.nn.Parameter(lib.zeros(s)) for s in shapes]
        for p, v in zip(params, values):
            p.grad = lib.tensor(v)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results.append([total.numpy()] + [p.grad.numpy() for p in params])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=2e-6)


def test_clip_grad_norm_keeps_each_gradient_dtype():
    p32, p64 = tc.nn.Parameter(tc.ones(3)), tc.nn.Parameter(tc.ones(2, dtype=tc.float64))
    p32.grad, p64.grad = tc.full((3,), 4.0), tc.full((2,), 4.0, dtype=tc.float64)
    tc.nn.utils.clip_grad_norm_([p32, p64], 1.0)
    assert p32.grad.dtype == tc.float32 and p64.grad.dtype == tc.float64
    np.testing.assert_allclose(p32.grad.numpy(), np.full(3, 4 / np.sqrt(80)), rtol=1e-6)
