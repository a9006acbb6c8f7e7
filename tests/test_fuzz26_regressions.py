"""Regressions found by the differential fuzzer's wide families (`--ops wide`,
Note [Wide ops] in tests/differential_fuzz_wide.py), each compared with
PyTorch: the same values, or the same exception type."""
import pytest

torch = pytest.importorskip("torch")
import numpy as np  # noqa: E402

import tensorcore as tc  # noqa: E402


def _both(fn):
    """fn(lib) under both libraries: ('ok', numpy values or repr) or ('raise', exception type name)."""
    out = []
    for lib in (torch, tc):
        try:
            r = fn(lib)
        except Exception as e:  # the builtin type each counts as
            out.append(("raise", next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")))
            continue
        out.append(("ok", _plain(r, lib)))
    return out


def _plain(r, lib):
    if isinstance(r, lib.Tensor):
        return (str(r.dtype).split(".")[-1], tuple(r.shape), r.detach().numpy().tolist())
    if isinstance(r, (tuple, list)):
        return tuple(_plain(x, lib) for x in r)
    return r


def _same(fn, approx=False):
    t, c = _both(fn)
    if approx and t[0] == c[0] == "ok":
        assert t[1][:2] == c[1][:2], (t, c)
        np.testing.assert_allclose(np.array(c[1][2]), np.array(t[1][2]), rtol=1e-6, atol=1e-7)
        return t
    assert t == c, (t, c)
    return t


# ---- diff: prepend/append, n's checks, bools
@pytest.mark.parametrize("call", [
    lambda L: L.diff(L.tensor([1.0, 2.0, 4.0]), n=-1),
    lambda L: L.diff(L.tensor(1.0)),
    lambda L: L.diff(L.tensor([1.0, 2.0]), n=1.0),
    lambda L: L.diff(L.tensor([True, False, True])),
    lambda L: L.diff(L.tensor([1, 5, 2]), n=0),
    lambda L: L.diff(L.tensor([1.0, 5.0, 2.0]), n=5),
    lambda L: L.diff(L.tensor([1, 2]), prepend=L.tensor([1.5])),
    lambda L: L.diff(L.tensor([[1, 2], [3, 4]]), dim=0, append=L.tensor([[1, 2]])),
    lambda L: L.diff(L.tensor([1.0, 2.0]), prepend=L.tensor([[1.0]])),
    lambda L: L.diff(L.tensor([[1.0, 2.0]]), dim=0, prepend=L.tensor([[1.0, 2.0, 3.0]])),
    lambda L: L.diff(L.tensor([1.0, 2.0]), prepend=2.0),
    lambda L: L.tensor([1.0, 5.0, 2.0]).diff(n=2, dim=0, append=L.tensor([3.0])),
])
def test_diff(call):
    _same(call)


def test_diff_gradcheck():
    x = tc.tensor([1.0, 4.0, 2.0, 7.0], dtype=tc.float64, requires_grad=True)
    p = tc.tensor([0.5], dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(lambda a, b: tc.diff(a, n=2, prepend=b), (x, p))


# ---- linalg
def test_cholesky_upper_reads_the_upper_triangle():
    """A silently different U: upper=True factored the lower triangle and returned its adjoint."""
    a = [[5.18, 0.99], [-3.95, 9.46]]
    _same(lambda L: L.linalg.cholesky(L.tensor(a, dtype=L.float64), upper=True), approx=True)
    _same(lambda L: L.linalg.cholesky_ex(L.tensor(a, dtype=L.float64), upper=True).L, approx=True)
    c = [[5.18, 0.99 + 1j], [-3.95 - 2j, 9.46]]
    _same(lambda L: L.linalg.cholesky(L.tensor(c, dtype=L.complex128), upper=True), approx=True)


def test_cholesky_upper_gradcheck():
    s = tc.tensor([[4.0, 1.0], [1.0, 3.0]], dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(lambda a: tc.linalg.cholesky(a + a.mT, upper=True), (s,))


@pytest.mark.parametrize("op", ["det", "inv", "cholesky", "svdvals", "eigvalsh", "matrix_norm", "vector_norm"])
@pytest.mark.parametrize("out_dtype", ["float64", "int64"])
def test_linalg_out_dtype(op, out_dtype):
    """Structured linalg kernels want out of the result's dtype exactly (float64 out for float32 was accepted)."""
    _same(lambda L: getattr(L.linalg, op)(L.eye(3) * 2 + 0.1, out=L.empty(0, dtype=getattr(L, out_dtype))))


@pytest.mark.parametrize("op, composite", [("det", False), ("inv", False), ("matrix_norm", True), ("cond", True)])
def test_linalg_out_with_grad(op, composite):
    def call(L):
        o = L.empty(0)
        r = getattr(L.linalg, op)((L.eye(3) * 2 + 0.1).requires_grad_(), out=o)
        return r is o, o.requires_grad, type(o.grad_fn).__name__
    t = _same(call)
    assert (t[0] == "ok") == composite


@pytest.mark.parametrize("call", [
    lambda L: L.linalg.vander(L.ones(1, dtype=L.int64)),
    lambda L: L.linalg.vander(L.tensor([1, 2, 3]), N=1),
    lambda L: L.linalg.vander(L.tensor([1, 2]), N=2.5),
    lambda L: L.linalg.vander(L.tensor([True, False])),
    lambda L: L.linalg.vander(L.tensor([1, 2, 3])),
    lambda L: L.linalg.solve_triangular(L.eye(2), L.ones(2, 1), upper=None),
    lambda L: L.linalg.vecdot(L.ones(3), L.ones(1)),
    lambda L: L.linalg.vecdot(L.ones(2, 3), L.ones(1)),
])
def test_linalg_checks(call):
    _same(call)


# ---- nn.functional
@pytest.mark.parametrize("call", [
    lambda L: L.nn.functional.bilinear(L.ones(2), L.ones(2, dtype=L.float64), L.ones(3, 2, 2)),
    lambda L: L.nn.functional.bilinear(L.ones(2), L.ones(2), L.ones(3, 2, 2), L.ones(4)),
    lambda L: L.nn.functional.one_hot(L.tensor(1), 2.5),
    lambda L: L.nn.functional.one_hot(L.tensor([], dtype=L.int64), 0),
    lambda L: L.nn.functional.rms_norm(L.ones(2, 3), [3], weight=L.ones(7)),
    lambda L: L.nn.functional.rms_norm(L.ones(2, 3, dtype=L.int64), [3]),
    lambda L: L.nn.functional.rms_norm(L.ones(2, 3), [3], weight=L.ones(3, dtype=L.float64)),
    lambda L: L.nn.functional.instance_norm(L.ones(0, 2, 2), weight=L.ones(2)),
    lambda L: L.nn.functional.softmin(L.ones(2, 2), True),
    lambda L: L.nn.functional.glu(L.ones(0)),
    lambda L: L.nn.functional.cosine_embedding_loss(L.ones(2, 3, 4), L.ones(2, 3, 4), L.ones(2)),
    lambda L: L.nn.functional.cosine_embedding_loss(L.ones(3), L.ones(3), L.ones(2)),
    lambda L: L.nn.functional.cosine_embedding_loss(L.ones(2, 3), L.ones(2, 3), L.ones(2, 1)),
    lambda L: L.nn.functional.cosine_similarity(L.ones(2, dtype=L.int64), L.ones(2, dtype=L.int64), dim=0),
    lambda L: L.nn.functional.linear(L.ones(3, dtype=L.float64), L.ones(2, 3, dtype=L.float64),
                                     L.ones(1).expand(2)),
    lambda L: L.nn.functional.linear(L.ones(1, 3, dtype=L.float64), L.ones(2, 3, dtype=L.float64),
                                     L.ones(1).expand(2)),
    lambda L: L.nn.functional.linear(L.ones(2, 2, 2, 3, dtype=L.float64), L.ones(2, 3, dtype=L.float64), L.ones(2)),
])
def test_nn_checks(call):
    _same(call)


def test_cosine_similarity_broadcasts_before_the_norms():
    """Silently wrong: a size-1 dim was normed alone instead of over its broadcast copies."""
    x = [[[0.57], [3.49], [-0.58]], [[2.78], [-0.67], [1.69]]]
    y = [[[[-0.24]], [[1.23]]]]
    _same(lambda L: L.nn.functional.cosine_similarity(L.tensor(x), L.tensor(y), dim=-2), approx=True)


def test_bce_with_logits_of_a_float32_input_and_float64_target():
    rng = np.random.default_rng(5)
    x, t = rng.normal(0, 2, 24).astype("float32"), rng.normal(0, 2, 24)
    for red in ("none", "sum"):
        _same(lambda L: L.nn.functional.binary_cross_entropy_with_logits(L.tensor(x), L.tensor(t), reduction=red),
              approx=True)


# ---- torch functions
@pytest.mark.parametrize("call", [
    lambda L: L.meshgrid(),
    lambda L: L.meshgrid(L.ones(2), indexing="bad"),
    lambda L: L.meshgrid(L.ones(2), L.ones(2, 2), indexing="ij"),
    lambda L: L.meshgrid(L.ones(2), L.ones(2, dtype=L.int64), indexing="ij"),
    lambda L: L.meshgrid(L.tensor([1.0, 2, 3]), L.tensor([4.0, 5]), L.tensor(7.0), indexing="xy"),
    lambda L: L.meshgrid(L.tensor(7.0), L.tensor([1.0, 2, 3]), L.tensor([4.0, 5]), indexing="xy"),
    lambda L: L.dist(L.ones(3), 2.5),
    lambda L: L.dist(L.ones(3), L.zeros(3), p=True),
    lambda L: L.take_along_dim(L.ones(2, 3).t(), L.zeros(2, dtype=L.int64)),
    lambda L: L.nanquantile(L.ones(0, 4, 3), L.tensor([1.0, 0.0]), dim=1),
    lambda L: L.quantile(L.ones(0), 1.5),
    lambda L: L.bincount(L.tensor([], dtype=L.int64), weights=L.tensor([]), minlength=3),
    lambda L: L.gather(L.ones(2, 3), 1, L.tensor([[0], [1]]), sparse_grad=True),
    lambda L: L.bucketize(2.5, L.tensor([1, 2, 3])),
    lambda L: L.bucketize("a", L.tensor([1])),
    lambda L: L.searchsorted(L.tensor([0.5, 1.5]), L.tensor([True, False])),
    lambda L: L.searchsorted(L.tensor([False, True]), L.tensor([True])),
])
def test_function_checks(call):
    _same(call)


@pytest.mark.parametrize("call", [
    lambda L: L.index_add(L.zeros(3, 2), 0, L.tensor([0]), L.ones(2, 2)),
    lambda L: L.index_add(L.zeros(3, 2), 0, L.tensor([0, 1]), L.ones(2, 3)),
    lambda L: L.index_add(L.zeros(3, 2), 0, L.tensor([[0, 1]]), L.ones(2, 2)),
    lambda L: L.index_add(L.zeros(3, 2), 0, L.tensor([0.0, 1.0]), L.ones(2, 2)),
    lambda L: L.index_add(L.zeros(3, 2), 0, L.tensor([0, -1]), L.ones(2, 2)),
    lambda L: L.index_add(L.zeros(1, 1, 2, dtype=L.bool), -3, L.tensor([], dtype=L.int64),
                          L.ones(1, 1, 2, dtype=L.bool)),
    lambda L: L.index_add(L.zeros(()), 0, L.tensor([0]), L.ones(())),
])
def test_index_add_checks(call):
    _same(call)


@pytest.mark.parametrize("call", [
    lambda L: L.scatter(L.tensor(False), 0, L.tensor([0], dtype=L.int32), L.tensor([True, True, False])),
    lambda L: L.scatter(L.tensor(1.0), 0, L.tensor(0), float("inf"), reduce="add"),
    lambda L: L.tensor(3).scatter_reduce_(0, L.tensor(0), L.tensor(5), "amax"),
    lambda L: L.scatter_reduce(L.ones(1, 2), 0, L.zeros(2, 4, 0, 2, dtype=L.int64), L.ones(2, 4, 0, 2), "prod",
                               include_self=False),
    lambda L: L.scatter(L.ones(1, 2), 0, L.zeros(2, 0, dtype=L.int64), L.ones(3)),
    lambda L: L.scatter_add(L.tensor(1.0), 0, L.tensor([0]), L.tensor([4.0])),
])
def test_scatter_of_0_dim_and_empty(call):
    _same(call)


def test_masked_scatter_empty_source_gets_its_gradient():
    def call(L):
        x, s = L.ones(2, 2, 0, requires_grad=True), L.ones(0, requires_grad=True)
        L.masked_scatter(x, L.zeros(2, 2, 0, dtype=L.bool), s).sum().backward()
        return s.grad
    _same(call)


# ---- out= of the composite ops
@pytest.mark.parametrize("op", [
    lambda L, o: L.gather(L.arange(6.0).reshape(2, 3), 0, L.tensor([[0, 1, 0]]), out=o),
    lambda L, o: L.masked_select(L.arange(6.0), L.arange(6) > 2, out=o),
    lambda L, o: L.triu(L.ones(2, 3), out=o),
    lambda L, o: L.addcdiv(L.ones(3), L.ones(3), L.ones(3) * 2, out=o),
    lambda L, o: L.outer(L.ones(2), L.ones(3), out=o),
    lambda L, o: L.nan_to_num(L.ones(2), out=o),
    lambda L, o: L.std(L.arange(6.0).reshape(2, 3), 1, out=o),
    lambda L, o: L.logsumexp(L.arange(6.0).reshape(2, 3), 1, out=o),
    lambda L, o: L.nansum(L.arange(6.0).reshape(2, 3), 1, out=o),
    lambda L, o: L.cumprod(L.arange(6.0).reshape(2, 3), 1, out=o),
])
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "bool"])
def test_out_of_composites(op, out_dtype):
    # (approx: PyTorch's logsumexp into a float64 out sums float32 exps in float64, a mixture of roundings)
    _same(lambda L: op(L, L.empty(0, dtype=getattr(L, out_dtype))), approx=True)


@pytest.mark.parametrize("op", ["topk", "kthvalue", "mode", "median", "cummin", "cummax"])
@pytest.mark.parametrize("dtypes", [("float32", "int64"), ("float64", "int64"), ("float32", "int32")])
def test_out_with_indices(op, dtypes):
    def call(L):
        x = L.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
        args = {"topk": (2,), "kthvalue": (1, 1)}.get(op, (1,))
        out = (L.empty(0, dtype=getattr(L, dtypes[0])), L.empty(0, dtype=getattr(L, dtypes[1])))
        r = getattr(L, op)(x, *args, out=out)
        return r[0] is out[0], r[1] is out[1], _plain(out, L)
    _same(call)


def test_aminmax_out():
    def call(L):
        out = (L.empty(0), L.empty(0))
        r = L.aminmax(L.tensor([[3.0, 1.0], [0.0, 5.0]]), dim=1, out=out)
        return r[0] is out[0], _plain(out, L)
    _same(call)
    _same(lambda L: L.aminmax(L.ones(2, 2), dim=1, out=(L.empty(0, dtype=L.int64), L.empty(0))))


def test_round_decimals_writes_its_out():
    """Silently wrong: round(decimals=d, out=o) left o unchanged."""
    def call(L):
        o = L.empty(0, dtype=L.float16)
        r = L.round(L.tensor([1.26, -2.34], dtype=L.float16), decimals=1, out=o)
        return r is o, _plain(o, L)
    _same(call)
    _same(lambda L: L.round(L.tensor([1.26]), decimals=1, out=L.empty(0, dtype=L.float64)))


@pytest.mark.parametrize("call", [
    lambda L: L.special.gammainc(L.tensor([0.81, -0.29], dtype=L.float64), L.tensor([False])),
    lambda L: L.special.gammainc(L.tensor([-1.0, 0.0, 1.0, 0.0]), L.tensor([0.0, 0.0, 0.0, 1.0])),
    lambda L: L.special.gammainc(L.tensor([1.0, 2.0]), L.tensor([-1.0, 0.0])),
    lambda L: L.special.gammainc(L.tensor([1, 2]), L.tensor([0.5, 1.0])),
    lambda L: L.special.gammainc(L.tensor([1, 2]), L.tensor([1, 2])),
    lambda L: L.special.gammainc(L.ones(3), -2),
    lambda L: L.special.gammainc(L.tensor(0, dtype=L.int32), L.tensor(0.69)),
])
def test_gammainc(call):
    _same(call, approx=True)


def test_gammainc_gradcheck():
    x = tc.tensor([0.5, 1.5], dtype=tc.float64, requires_grad=True)
    a = tc.tensor([1.0, 2.0], dtype=tc.float64)
    assert tc.autograd.gradcheck(lambda v: tc.special.gammainc(a, v), (x,))


@pytest.mark.parametrize("call", [
    lambda L: L.nan_to_num(L.ones(4, 0, dtype=L.float64), out=L.zeros(1, dtype=L.float64).expand(2, 2)),
    lambda L: L.addcmul(L.ones(()), L.ones(()), L.ones(()), out=L.zeros(1).expand(2, 2)),
    lambda L: L.where(L.ones(4) > 0, L.ones(4), L.ones(4), out=L.zeros(1).expand(4)),
    lambda L: L.take(L.ones(4, 1), L.tensor([0, 1]), out=L.zeros(1).expand(4, 1)),
    lambda L: L.diff(L.arange(4.0), out=L.zeros(1).expand(4)),
])
def test_out_sharing_memory(call):
    _same(call)


@pytest.mark.parametrize("call", [
    lambda L: L.linalg.matrix_norm(L.ones(3, 3, dtype=L.float64), dtype=L.float32),
    lambda L: L.linalg.matrix_norm(L.ones(3, 3, dtype=L.float32), "nuc", dtype=L.float16),
    lambda L: L.linalg.norm(L.ones(3, 3, dtype=L.float64), "fro", dtype=L.float32),
    lambda L: L.linalg.cond(L.ones(0, 0, dtype=L.float64)),
    lambda L: L.linalg.cond(L.ones(2, 0, 1)),
    lambda L: L.linalg.cross(L.ones(3, 2, 3), L.ones(1, 1, 1)),
    lambda L: L.linalg.cross(L.ones(4, 3, 2), L.ones(5, 4, 3), dim=5),
    lambda L: L.linalg.cross(L.ones(2, 3, dtype=L.bool), L.ones(2, 3, dtype=L.bool)),
])
def test_more_linalg_checks(call):
    _same(call)


@pytest.mark.parametrize("call", [
    lambda L: L.index_fill(L.ones(2, 2), 0, L.tensor([[0]]), 0),
    lambda L: L.index_fill(L.ones(2, 2), 0, L.tensor([0], dtype=L.int32), 0),
    lambda L: L.special.multigammaln(L.tensor([True]), 1),
    lambda L: L.special.multigammaln(L.tensor([3j]), 1),
    lambda L: L.nn.functional.soft_margin_loss(L.ones(2), L.ones(2, 2), reduction="none"),
    lambda L: L.nn.functional.glu(L.ones(4, 2, dtype=L.bool)),
    lambda L: L.nn.functional.bilinear(L.ones(1, 0), L.ones(1, 2), L.ones(2, 0, 2), L.ones(2)),
    lambda L: L.tensor([True, False]).cumsum_(0),
    lambda L: L.tensor([True, False]).cumprod_(0),
    lambda L: L.repeat_interleave(L.ones(3), 2, output_size=5),
    lambda L: L.repeat_interleave(L.ones(3), 2, output_size=6),
    lambda L: L.nn.functional.conv_transpose2d(L.ones(2, 2, 4, 4), L.ones(2, 2, 1, 3), groups=0),
    lambda L: L.nn.functional.leaky_relu(L.ones(2), "a"),
    lambda L: L.ones(()).split_with_sizes([1, -1]),
    lambda L: L.nn.functional.cosine_embedding_loss(L.ones(4), L.ones(4), L.ones(4), reduction="bad"),
    lambda L: L.nn.functional.cosine_similarity(L.ones(4, 3), L.ones(4, 1), dim=[0, 0]),
    lambda L: L.index_add(L.zeros(()), 0, L.tensor([0, 0, 0]), L.ones(())),
    lambda L: L.nn.functional.pad(L.ones(2, 4, dtype=L.bool), (1, 1), mode="replicate"),
    lambda L: L.nn.functional.pad(L.ones(2, 2, 4, dtype=L.bool), (1, 1, 1, 1), mode="reflect"),
    lambda L: L.nn.functional.pad(L.ones(2, 4, dtype=L.bool), (1, 1), mode="circular"),
    lambda L: L.linalg.lu(L.ones(0, 0, dtype=L.float64)),
    lambda L: L.linalg.lu(L.ones(2, 3, 0)),
    lambda L: L.nn.functional.batch_norm(L.ones(2, 1), L.ones(2), L.ones(1), training=True),
    lambda L: L.nn.functional.batch_norm(L.ones(2, 1), L.ones(1), L.ones(1), weight=L.ones(2), training=True),
    lambda L: L.nn.functional.batch_norm(L.ones(0, 1), L.ones(2), L.ones(1), training=False),
    lambda L: L.nn.functional.group_norm(L.ones(1, 3), 3),
    lambda L: L.nn.functional.group_norm(L.ones(1, 3), 2),
    lambda L: L.nn.functional.group_norm(L.ones(1, 3, 2), 3),
    lambda L: L.nn.functional.glu(L.ones(2, 2, dtype=L.complex64)),
    lambda L: L.special.xlog1py(L.ones(2, dtype=L.complex64), 2),
])
def test_more_checks(call):
    _same(call)
