"""Sparse COO tensors against PyTorch: construction and its errors, coalesce,
to_dense/to_sparse, indices/values rules, printing, sparse.mm / spmm / mm /
matmul / @ (values and gradients to the dense operand and to the values,
float64 gradcheck), sparse.sum, add/sub/mul/div, the errors of operators
without a sparse kernel, nn.Embedding(sparse=True) and SparseAdam."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")
pytestmark = [pytest.mark.filterwarnings("ignore:Sparse invariant checks"),
              pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")]

IDX = [[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]]
VAL = [3.0, 4.0, 5.0, 1.0, -2.0]


def both(fn):
    """fn(lib) under each library."""
    return fn(tc), fn(torch)


def as_np(x):
    if isinstance(x, tc.Tensor):
        return np.asarray(x.detach().tolist())
    return x.detach().numpy()


def same_repr(a, b):
    assert repr(a).replace("tensorcore.", "torch.") == repr(b)


def make(lib, idx=IDX, val=VAL, size=(3, 3), **kw):
    return lib.sparse_coo_tensor(lib.tensor(idx), lib.tensor(val), size, **kw)


# ---- structure ----
def test_properties_and_layout():
    s, t = both(make)
    assert isinstance(s, tc.Tensor) and s.is_sparse and not tc.ones(1).is_sparse
    assert repr(s.layout) == "tensorcore.sparse_coo" and repr(tc.ones(1).layout) == "tensorcore.strided"
    assert s.layout is tc.sparse_coo and tc.ones(1).layout is tc.strided and isinstance(tc.strided, tc.layout)
    for name in ("_nnz", "sparse_dim", "dense_dim", "is_coalesced", "dim"):
        assert getattr(s, name)() == getattr(t, name)(), name
    assert tuple(s.shape) == tuple(t.shape) and s.dtype is tc.float32
    np.testing.assert_array_equal(as_np(s._indices()), as_np(t._indices()))
    np.testing.assert_array_equal(as_np(s._values()), as_np(t._values()))


def test_indices_values_need_coalesced():
    for lib in (tc, torch):
        s = make(lib)
        with pytest.raises(RuntimeError, match="Cannot get indices on an uncoalesced tensor, please call "
                                               r"\.coalesce\(\) first"):
            s.indices()
        with pytest.raises(RuntimeError, match="Cannot get values on an uncoalesced tensor"):
            s.values()
    c, ct = both(lambda lib: make(lib).coalesce())
    assert c.is_coalesced() and ct.is_coalesced()
    np.testing.assert_array_equal(as_np(c.indices()), as_np(ct.indices()))
    np.testing.assert_array_equal(as_np(c.values()), as_np(ct.values()))


@pytest.mark.parametrize("case", ["plain", "dense_dims", "empty", "float64", "int64", "inferred_size",
                                  "requires_grad", "coalesced", "coalesced_grad", "list_args", "wide"])
def test_repr_matches_pytorch(case):
    def build(lib):
        i = lib.tensor(IDX)
        if case == "plain":
            return make(lib)
        if case == "dense_dims":
            return lib.sparse_coo_tensor(i, lib.arange(10.0).reshape(5, 2), (3, 3, 2))
        if case == "empty":
            return lib.sparse_coo_tensor(lib.zeros(2, 0, dtype=lib.int64), lib.zeros(0), (2, 3))
        if case == "float64":
            return lib.sparse_coo_tensor(i, lib.tensor(VAL, dtype=lib.float64), (3, 3))
        if case == "int64":
            return lib.sparse_coo_tensor(i, lib.tensor([1, 2, 3, 4, 5]))
        if case == "inferred_size":
            return lib.sparse_coo_tensor(i, lib.tensor(VAL))
        if case == "requires_grad":
            return make(lib, requires_grad=True)
        if case == "coalesced":
            return make(lib).coalesce()
        if case == "coalesced_grad":
            return make(lib, requires_grad=True).coalesce()
        if case == "list_args":
            return lib.sparse_coo_tensor([[0, 1], [1, 0]], [1, 2], (2, 2))
        if case == "wide":
            n = 30
            return lib.sparse_coo_tensor(lib.stack([lib.arange(n), lib.arange(n)]), lib.arange(n) * 1.5, (n, n),
                                         dtype=lib.float64)
    a, b = both(build)
    same_repr(a, b)


def test_printoptions_apply_to_parts():
    a, b = both(lambda lib: lib.sparse_coo_tensor(lib.tensor([[0, 1]]), lib.tensor([1 / 3, 2 / 3]), (2,)))
    with tc.printoptions(precision=2), torch._tensor_str.printoptions(precision=2):
        same_repr(a, b)


# ---- construction errors ----
@pytest.mark.parametrize("args, kw", [
    ((IDX, VAL[:3], (3, 3)), {}),
    ((IDX[0], VAL, (3, 3)), {}),
    ((IDX, VAL, (3,)), {}),
    ((IDX, VAL, (2, 3)), {"check_invariants": True}),
    (([[0, -1, 1, 0, 2], IDX[1]], VAL, (3, 3)), {"check_invariants": True}),
])
def test_construction_errors(args, kw):
    def run(lib):
        idx, val, size = args
        with pytest.raises(RuntimeError) as info:
            lib.sparse_coo_tensor(lib.tensor(idx), lib.tensor(val), size, **kw)
        return str(info.value).splitlines()[0]
    mine, theirs = both(run)
    assert mine == theirs


def test_out_of_bounds_raises_even_without_invariant_checks():
    # PyTorch skips the check by default and reads out of bounds later; tensorcore always checks.
    with pytest.raises(RuntimeError, match="size is inconsistent with indices: for dim 0, size is 2 but found index 2"):
        make(tc, size=(2, 3))


# ---- conversions ----
def test_to_dense_coalesce_to_sparse():
    s, t = both(make)
    np.testing.assert_array_equal(as_np(s.to_dense()), as_np(t.to_dense()))
    same_repr(s.coalesce(), t.coalesce())
    x = [[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]]
    a, b = both(lambda lib: lib.tensor(x).to_sparse())
    same_repr(a, b)
    assert a.is_coalesced() and b.is_coalesced()
    a, b = both(lambda lib: lib.tensor(x).to_sparse(1))
    same_repr(a, b)
    assert s.to_sparse() is s
    d = tc.ones(2)
    assert d.to_dense() is d


def test_coalesce_sums_many_repeats():
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 4, size=(2, 50)).tolist()
    val = rng.standard_normal(50).tolist()
    a, b = both(lambda lib: make(lib, idx, val, (4, 4)).coalesce())
    np.testing.assert_array_equal(as_np(a._indices()), as_np(b._indices()))
    np.testing.assert_allclose(as_np(a._values()), as_np(b._values()), rtol=1e-6)


# ---- products ----
@pytest.mark.parametrize("form", ["sparse.mm", "spmm", "mm", "matmul", "method_mm", "at"])
def test_sparse_dense_products(form):
    def run(lib):
        lib.manual_seed(0)
        d = lib.randn(3, 4)
        s = make(lib)
        return {"sparse.mm": lambda: lib.sparse.mm(s, d), "spmm": lambda: lib.spmm(s, d),
                "mm": lambda: lib.mm(s, d), "matmul": lambda: lib.matmul(s, d), "method_mm": lambda: s.mm(d),
                "at": lambda: s @ d}[form]()
    a, b = both(run)
    np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6)
    assert not a.is_sparse


def test_dense_sparse_products_and_vector():
    for f in (lambda lib, d, s: d @ s, lambda lib, d, s: lib.mm(d, s), lambda lib, d, s: d.mm(s),
              lambda lib, d, s: lib.matmul(d, s), lambda lib, d, s: s @ d[0], lambda lib, d, s: s.t() @ d.t()):
        def run(lib):
            lib.manual_seed(1)
            return f(lib, lib.randn(2, 3), make(lib))
        a, b = both(run)
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6)


def test_sparse_sparse_mm():
    a, b = both(lambda lib: lib.sparse.mm(make(lib), make(lib).t()))
    assert a.is_sparse and b.is_sparse
    np.testing.assert_allclose(as_np(a.to_dense()), as_np(b.to_dense()))


@pytest.mark.parametrize("form", ["sparse.mm", "mm", "at"])
def test_gradients_to_values_and_dense(form):
    def run(lib):
        lib.manual_seed(0)
        v = lib.tensor(VAL, requires_grad=True)
        d = lib.randn(3, 2, requires_grad=True)
        s = lib.sparse_coo_tensor(lib.tensor(IDX), v * 2, (3, 3))
        out = {"sparse.mm": lib.sparse.mm, "mm": lib.mm, "at": lambda x, y: x @ y}[form](s, d)
        (out * lib.arange(6.0).reshape(3, 2)).sum().backward()
        return v.grad, d.grad, out.grad_fn.name()
    (gv, gd, name), (tv, td, tname) = both(run)
    np.testing.assert_allclose(as_np(gv), as_np(tv), rtol=1e-6)
    np.testing.assert_allclose(as_np(gd), as_np(td), rtol=1e-6)
    assert name.rsplit("::", 1)[-1] == tname.rsplit("::", 1)[-1]


@pytest.mark.parametrize("form", ["sparse.mm", "mm", "to_dense"])
def test_leaf_sparse_grad_layout(form):
    # sparse.mm and to_dense give a leaf a sparse gradient (one entry per
    # coordinate), torch.mm a dense one.
    def run(lib):
        lib.manual_seed(0)
        s = make(lib, requires_grad=True)
        d = lib.randn(3, 2)
        out = {"sparse.mm": lambda: lib.sparse.mm(s, d), "mm": lambda: lib.mm(s, d),
               "to_dense": lambda: s.to_dense() * lib.arange(9.0).reshape(3, 3)}[form]()
        out.sum().backward()
        return s.grad
    a, b = both(run)
    assert a.is_sparse == b.is_sparse
    if b.is_sparse:
        np.testing.assert_array_equal(as_np(a._indices()), as_np(b._indices()))
        np.testing.assert_allclose(as_np(a._values()), as_np(b._values()), rtol=1e-6)
    else:
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6)


def test_gradcheck_sparse_mm_float64():
    idx = tc.tensor(IDX)

    def f(values, dense):
        return tc.sparse.mm(tc.sparse_coo_tensor(idx, values, (3, 3)), dense)

    v = tc.tensor(VAL, dtype=tc.float64, requires_grad=True)
    d = tc.randn(3, 4, dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(f, (v, d))
    assert tc.autograd.gradcheck(lambda values: tc.sparse_coo_tensor(idx, values, (3, 3)).coalesce().to_dense(),
                                 (v,))


def test_product_errors():
    for lib in (tc, torch):
        s = make(lib)
        with pytest.raises(RuntimeError, match=r"addmm: Argument #3 \(dense\): Expected dim 0 size 3, got 4"):
            lib.sparse.mm(s, lib.ones(4, 2))
        with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
            lib.sparse.mm(s, lib.ones(3, 2, dtype=lib.float64))


# ---- sums and elementwise ----
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
def test_sparse_sum(dim):
    a, b = both(lambda lib: lib.sparse.sum(make(lib)) if dim is None else lib.sparse.sum(make(lib), dim=dim))
    same_repr(a, b)


def test_sparse_sum_dense_dims():
    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor(IDX), lib.arange(10.0).reshape(5, 2), (3, 3, 2))
        return lib.sparse.sum(s, 2), lib.sparse.sum(s, (0, 1)), s.sum()
    for a, b in zip(*both(run)):
        same_repr(a, b)


@pytest.mark.parametrize("op", ["s+s", "s+c", "c+c", "s-c", "s*2", "2*s", "s/4", "-s", "d+s", "d-s", "s*d",
                                "add_alpha", "t", "s.add(s)", "torch.add(d,s)", "c*s"])
def test_elementwise(op):
    def run(lib):
        s = make(lib)
        c = lib.sparse_coo_tensor(lib.tensor([[0, 1], [1, 0]]), lib.tensor([7.0, 8.0]), (3, 3)).coalesce()
        d = lib.arange(9.0).reshape(3, 3)
        return {"s+s": lambda: s + s, "s+c": lambda: s + c, "c+c": lambda: c + c, "s-c": lambda: s - c,
                "s*2": lambda: s * 2, "2*s": lambda: 2 * s, "s/4": lambda: s / 4, "-s": lambda: -s,
                "d+s": lambda: d + s, "d-s": lambda: d - s, "s*d": lambda: s * d,
                "add_alpha": lambda: lib.add(c, s, alpha=2), "t": lambda: s.t(), "s.add(s)": lambda: s.add(s),
                "torch.add(d,s)": lambda: lib.add(d, s), "c*s": lambda: c * s}[op]()
    a, b = both(run)
    if op == "c*s":  # PyTorch keeps the intersection of both patterns
        np.testing.assert_array_equal(as_np(a.to_dense()), as_np(b.to_dense()))
        return
    same_repr(a, b)
    if a.is_sparse:
        assert a.is_coalesced() == b.is_coalesced()


def test_dense_add_sparse_in_place():
    a, b = both(lambda lib: lib.ones(3, 3).add_(make(lib), alpha=0.5))
    same_repr(a, b)


def test_elementwise_grad_through_values():
    def run(lib):
        v = lib.tensor(VAL, requires_grad=True)
        s = lib.sparse_coo_tensor(lib.tensor(IDX), v, (3, 3))
        ((s * 3 + s).coalesce().to_dense() * lib.arange(9.0).reshape(3, 3)).sum().backward()
        return v.grad
    a, b = both(run)
    np.testing.assert_allclose(as_np(a), as_np(b))


# ---- what PyTorch has no sparse kernel for ----
@pytest.mark.parametrize("call", ["exp", "view", "sigmoid", "max", "nonzero", "mean", "eq", "narrow"])
def test_unsupported_methods_raise_not_implemented(call):
    def run(lib):
        s = make(lib)
        f = {"exp": lambda: s.exp(), "view": lambda: s.view(9), "sigmoid": lambda: s.sigmoid(),
             "max": lambda: s.max(), "nonzero": lambda: s.nonzero(), "mean": lambda: s.mean(),
             "eq": lambda: s == s, "narrow": lambda: s.narrow(0, 0, 1)}[call]
        with pytest.raises(NotImplementedError) as info:
            f()
        return str(info.value).split(" backend.")[0]
    mine, theirs = both(run)
    assert mine == theirs


@pytest.mark.parametrize("call, kind", [("reshape", RuntimeError), ("flatten", RuntimeError),
                                        ("expand", RuntimeError), ("numpy", TypeError), ("s+1", RuntimeError),
                                        ("s+d", RuntimeError), ("copy_", RuntimeError)])
def test_sparse_specific_errors(call, kind):
    def run(lib):
        s = make(lib)
        f = {"reshape": lambda: s.reshape(9), "flatten": lambda: s.flatten(), "expand": lambda: s.expand(3, 3),
             "numpy": lambda: s.numpy(), "s+1": lambda: s + 1, "s+d": lambda: s + lib.ones(3, 3),
             "copy_": lambda: s.copy_(lib.ones(3, 3))}[call]
        with pytest.raises(kind) as info:
            f()
        return str(info.value).splitlines()[0]
    mine, theirs = both(run)
    if call == "copy_":  # PyTorch names its dispatch key; both say the op has no sparse kernel
        assert "copy_" in mine
        return
    assert mine == theirs


def test_missing_attribute_is_attribute_error():
    with pytest.raises(AttributeError):
        make(tc).no_such_method()


# ---- nn.Embedding(sparse=True) and SparseAdam ----
def _embedding_run(lib, opt_name, steps=4, **opt_kw):
    lib.manual_seed(0)
    emb = lib.nn.Embedding(7, 3, sparse=True, padding_idx=0)
    lin = lib.nn.Linear(3, 1)
    opt = getattr(lib.optim, opt_name)(emb.parameters(), **opt_kw)
    losses = []
    for it in range(steps):
        opt.zero_grad()
        x = lib.tensor([[it % 5 + 1, 2, 0], [3, 3, 6]])
        loss = (lin(emb(x)) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return emb, opt, losses


def test_embedding_sparse_grad():
    def run(lib):
        emb = lib.nn.Embedding(6, 2, sparse=True, padding_idx=0)
        emb(lib.tensor([[1, 2, 1, 0]])).sum().backward()
        first = repr(emb.weight.grad)
        emb(lib.tensor([3])).sum().backward()  # accumulates sparse + sparse
        return first, emb.weight.grad, repr(emb)
    (first, g, r), (tfirst, tg, tr) = both(run)
    assert first.replace("tensorcore.", "torch.") == tfirst
    same_repr(g, tg)
    assert r == tr


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.05, betas=(0.5, 0.9), eps=1e-6), dict(lr=0.1, maximize=True)])
def test_sparse_adam_matches_pytorch(kw):
    (emb, opt, losses), (temb, topt, tlosses) = both(lambda lib: _embedding_run(lib, "SparseAdam", **kw))
    np.testing.assert_allclose(losses, tlosses, rtol=1e-5)
    np.testing.assert_allclose(as_np(emb.weight), as_np(temb.weight), rtol=1e-5, atol=1e-7)
    st, tst = opt.state[emb.weight], topt.state[temb.weight]
    assert st["step"] == tst["step"]
    for k in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(as_np(st[k]), as_np(tst[k]), rtol=1e-5, atol=1e-12)


def test_sparse_adam_float64_exact():
    def run(lib):
        lib.manual_seed(3)
        w = lib.nn.Parameter(lib.randn(5, 2, dtype=lib.float64))
        opt = lib.optim.SparseAdam([w], lr=0.2)
        for it in range(3):
            opt.zero_grad()
            lib.nn.functional.embedding(lib.tensor([it, 4, it]), w, sparse=True).pow(2).sum().backward()
            opt.step()
        return w
    a, b = both(run)
    np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-13)


def test_dense_optimizers_refuse_sparse_grads_and_scale_grad_by_freq():
    for lib in (tc, torch):
        with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
            _embedding_run(lib, "Adam", steps=1)
        e = lib.nn.Embedding(5, 2, sparse=True, scale_grad_by_freq=True)
        with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
            e(lib.tensor([1, 1])).sum().backward()


# ---- patterns from graph networks (pytorch/examples gcn/gat, pyGAT) ----
def test_graph_loader_pattern():
    # numpy int32 edge list as indices, float values cast by dtype=, dense + sparse,
    # diagonal scaling through diag().to_sparse() @ dense, torch.spmm.
    edges = np.array([[0, 1], [1, 2], [2, 0], [3, 1]], dtype=np.int32)

    def run(lib):
        adj = lib.sparse_coo_tensor(edges.T, lib.ones(4), (4, 4), dtype=lib.int64)
        adj = lib.eye(4) + adj
        deg = lib.diag(lib.sqrt(1 / lib.sum(adj, dim=1))).to_sparse()
        norm = (deg @ adj @ deg).to_sparse()
        lib.manual_seed(0)
        w = lib.randn(4, 3, requires_grad=True)
        out = lib.spmm(norm, lib.mm(lib.eye(4).to_sparse(), w))
        out.pow(2).sum().backward()
        return adj, norm, out, w.grad
    for a, b in zip(*both(run)):
        if b.is_sparse:
            same_repr(a, b)
        else:
            np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6)


def test_custom_function_saves_sparse_tensor():
    # pyGAT's SpecialSpmmFunction: the sparse tensor goes through save_for_backward.
    def run(lib):
        class Spmm(lib.autograd.Function):
            @staticmethod
            def forward(ctx, indices, values, shape, b):
                a = lib.sparse_coo_tensor(indices, values, shape)
                ctx.save_for_backward(a, b)
                ctx.N = shape[0]
                return lib.matmul(a, b)

            @staticmethod
            def backward(ctx, grad_output):
                a, b = ctx.saved_tensors
                edge_idx = a._indices()[0, :] * ctx.N + a._indices()[1, :]
                grad_values = grad_output.matmul(b.t()).view(-1)[edge_idx]
                return None, grad_values, None, a.t().matmul(grad_output)

        lib.manual_seed(0)
        v = lib.rand(5, requires_grad=True)
        b = lib.randn(3, 2, requires_grad=True)
        Spmm.apply(lib.tensor(IDX), v, lib.Size([3, 3]), b).sum().backward()
        return v.grad, b.grad
    for a, b in zip(*both(run)):
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6)


@pytest.mark.parametrize("op", ["relu", "abs", "sqrt", "tanh", "sign", "square", "floor", "pow2", "neg", "abs_op"])
def test_zero_preserving_unary_ops(op):
    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor(IDX), lib.tensor([3.0, -4.0, 5.0, 1.0, -2.5]), (3, 3))
        return {"pow2": lambda: s.pow(2), "neg": lambda: s.neg(), "abs_op": lambda: abs(s)}.get(
            op, lambda: getattr(s, op)())()
    a, b = both(run)
    same_repr(a, b)


# ---- saving ----
def test_save_load_interop_with_pytorch():
    import copy
    import io
    import pickle
    s = tc.sparse_coo_tensor([[0, 1, 0], [1, 0, 1]], [1.0, 2.0, 3.0], (2, 2))
    for weights_only in (True, False):
        buf = io.BytesIO()
        tc.save({"s": s, "c": s.coalesce()}, buf)
        buf.seek(0)
        mine = tc.load(buf, weights_only=weights_only)
        buf.seek(0)
        theirs = torch.load(buf, weights_only=weights_only)
        for k in ("s", "c"):
            same_repr(mine[k], theirs[k])
    t = torch.sparse_coo_tensor([[0, 1], [1, 0]], torch.tensor([1.0, 2.0], dtype=torch.float64), (2, 3))
    buf = io.BytesIO()
    torch.save([t, t.coalesce()], buf)
    buf.seek(0)
    for a, b in zip(tc.load(buf), (t, t.coalesce())):
        same_repr(a, b)
    for r in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert repr(r) == repr(s) and r.is_sparse


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, nesterov=True, momentum=0.5),
                                dict(lr=0.1, maximize=True), dict(lr=0.1, momentum=0.9, dampening=0.3)])
def test_sgd_with_sparse_gradients(kw):
    def run(lib):
        lib.manual_seed(0)
        e = lib.nn.Embedding(4, 2, sparse=True)
        opt = lib.optim.SGD(e.parameters(), **kw)
        for ids in ([1, 2, 1], [3, 2], [1]):
            opt.zero_grad()
            e(lib.tensor(ids)).pow(2).sum().backward()
            opt.step()
        return e.weight
    a, b = both(run)
    np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-6, atol=1e-7)


def test_sgd_sparse_weight_decay_raises_like_pytorch():
    for lib in (tc, torch):
        e = lib.nn.Embedding(4, 2, sparse=True)
        opt = lib.optim.SGD(e.parameters(), lr=0.1, weight_decay=0.1)
        e(lib.tensor([1])).sum().backward()
        with pytest.raises(RuntimeError, match=r"add\(sparse, dense\) is not supported"):
            opt.step()


@pytest.mark.parametrize("op", ["select1", "getitem", "index_select1", "index_select0", "dense_select", "dense_getitem"])
def test_select_and_index_select(op):
    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor(IDX), lib.tensor([3.0, -4.0, 5.0, 1.0, 7.0]), (3, 3))
        d = lib.sparse_coo_tensor(lib.tensor(IDX), lib.arange(10.0).reshape(5, 2), (3, 3, 2))
        return {"select1": lambda: s.select(1, 2), "getitem": lambda: s[1],
                "index_select1": lambda: s.index_select(1, lib.tensor([2, 0, 2])),
                "index_select0": lambda: s.index_select(0, lib.tensor([1])),
                "dense_select": lambda: d.select(2, 1), "dense_getitem": lambda: d[0]}[op]()
    a, b = both(run)
    same_repr(a, b)
    assert a.is_coalesced() == b.is_coalesced()


def test_select_errors():
    for lib in (tc, torch):
        s = make(lib)
        with pytest.raises(IndexError, match=r"select\(\): index 5 out of range for tensor of size \[3, 3\] at "
                                             "dimension 0"):
            s.select(0, 5)
        with pytest.raises(NotImplementedError, match="Could not run 'aten::as_strided' with arguments from the "
                                                      "'SparseCPU' backend"):
            s[0:1]


def test_t_needs_two_sparse_dims():
    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1]]), lib.ones(2, 2), (2, 2))
        with pytest.raises(RuntimeError) as info:
            s.t()
        return str(info.value)
    mine, theirs = both(run)
    assert mine == theirs


# Note [Placeholder storage]: a free function with no sparse implementation in
# tensorcore (PyTorch has some of these) raises instead of computing on the
# dense placeholder's zeros.
@pytest.mark.parametrize("call", [
    lambda m, s: m.sum(s), lambda m, s: m.exp(s), lambda m, s: m.cat([s, s]), lambda m, s: m.stack([s, s]),
    lambda m, s: m.where(s > 0, s, s), lambda m, s: m.nn.functional.softmax(s, 0),
    lambda m, s: m.mul(s.to_dense(), s.to_dense() + 1) + m.sin(s),
    lambda m, s: m.cumsum(s, 0), lambda m, s: m.maximum(s, s),
])
def test_free_functions_without_a_sparse_kernel_raise(call):
    s = tc.sparse_coo_tensor(tc.tensor([[0, 1], [1, 0]]), tc.tensor([3.0, 4.0]), (2, 2))
    with pytest.raises((NotImplementedError, RuntimeError)):
        call(tc, s)
