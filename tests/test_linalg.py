"""tensorcore.linalg against PyTorch (and NumPy): values for random batched
inputs in float32 and float64, gradients by gradcheck in float64 and against
torch's, node names, return-type reprs and the errors PyTorch raises.

SVD, QR and eigh factors are unique only up to the sign of each column, so
those are compared through invariant quantities (reconstructions, projectors,
sign-fixed columns) and their gradients through losses that do not depend on
the signs."""
import math

import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.usefixtures("one_thread")

L = tc.linalg
TL = torch.linalg
RNG = np.random.default_rng(19)


def rand(*shape):
    return RNG.standard_normal(shape)


def both(x, dtype="float64", grad=False):
    """The same data as a tensorcore and a torch tensor."""
    a = tc.tensor(np.asarray(x), dtype=getattr(tc, dtype), requires_grad=grad)
    b = torch.tensor(np.asarray(x), dtype=getattr(torch, dtype), requires_grad=grad)
    return a, b


def close(a, b, dtype="float64", scale=1.0):
    tol = 1e-9 if dtype == "float64" else 2e-4
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol * scale)


def spd_np(*batch, n=4):
    x = rand(*batch, n, n)
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def spd(x):
    """A differentiable map onto symmetric positive-definite matrices."""
    return x @ x.mT + 3 * tc.eye(x.shape[-1], dtype=x.dtype)


def sign_fixed(cols):
    """Columns scaled so the entry of largest magnitude in each is positive."""
    c = np.asarray(cols)
    idx = np.abs(c).argmax(-2)[..., None, :]
    return c * np.sign(np.take_along_axis(c, idx, -2))


# ---------------------------------------------------------------- values
SQUARE = [(3, 3), (2, 4, 4), (2, 1, 5, 5)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SQUARE)
@pytest.mark.parametrize("name", ["det", "inv", "matrix_exp"])
def test_square_ops_match_torch(name, shape, dtype):
    a, b = both(rand(*shape), dtype)
    close(getattr(L, name)(a), getattr(TL, name)(b), dtype, scale=10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SQUARE)
def test_slogdet_matches_torch_and_numpy(shape, dtype):
    x = rand(*shape)
    a, b = both(x, dtype)
    got, want = L.slogdet(a), TL.slogdet(b)
    close(got.sign, want.sign, dtype)
    close(got.logabsdet, want.logabsdet, dtype)
    sign, logabs = np.linalg.slogdet(x)
    np.testing.assert_allclose(got.logabsdet.numpy(), logabs, rtol=1e-4 if dtype == "float32" else 1e-10)
    np.testing.assert_array_equal(got[0].numpy(), sign)


def test_singular_det_and_slogdet():
    a, b = both(np.array([[1., 2.], [2., 4.]]))
    assert L.det(a).item() == 0.0
    s = L.slogdet(a)
    assert s.sign.item() == 0.0 and s.logabsdet.item() == -math.inf
    assert TL.slogdet(b).logabsdet.item() == -math.inf


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("a_shape,b_shape", [((4, 4), (4, 2)), ((3, 4, 4), (3, 4, 1)), ((2, 1, 3, 3), (4, 3, 2)),
                                             ((3, 4, 4), (4,)), ((3, 4, 4), (3, 4))])
def test_solve_matches_torch_with_broadcasting_and_vectors(a_shape, b_shape, dtype):
    a, ta = both(rand(*a_shape), dtype)
    b, tb = both(rand(*b_shape), dtype)
    got, want = L.solve(a, b), TL.solve(ta, tb)
    assert tuple(got.shape) == tuple(want.shape)
    close(got, want, dtype, scale=10)
    vector = len(b_shape) == 1 or tuple(b_shape) == tuple(a_shape[:-1])
    ref = np.linalg.solve(a.numpy(), b.numpy()[..., None] if vector else b.numpy())
    np.testing.assert_allclose(got.numpy(), ref[..., 0] if vector else ref, rtol=1e-3, atol=1e-3)


def test_solve_left_false_and_ex_forms():
    a, ta = both(rand(2, 3, 3))
    b, tb = both(rand(2, 4, 3))
    close(L.solve(a, b, left=False), TL.solve(ta, tb, left=False))
    r = L.solve_ex(a, b.mT)
    close(r.result, TL.solve_ex(ta, tb.mT).result)
    assert r.info.dtype == tc.int32 and r.info.tolist() == [0, 0]
    close(L.inv_ex(a).inverse, TL.inv_ex(ta).inverse)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_matches_torch(upper, dtype):
    a, b = both(spd_np(2, 3), dtype)
    close(L.cholesky(a, upper=upper), TL.cholesky(b, upper=upper), dtype)
    close(L.cholesky_ex(a).L, TL.cholesky_ex(b).L, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4), (2, 6, 2), (2, 2, 6)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_shapes_and_invariants(shape, mode, dtype):
    a, b = both(rand(*shape), dtype)
    Q, R = L.qr(a, mode=mode)
    tQ, tR = TL.qr(b, mode=mode)
    assert tuple(Q.shape) == tuple(tQ.shape) and tuple(R.shape) == tuple(tR.shape)
    # R's rows and Q's columns are fixed up to sign: compare |R| and Q R.
    close(R.abs(), tR.abs(), dtype, scale=10)
    np.testing.assert_array_equal(np.tril(R.numpy(), -1), 0)
    if mode != "r":
        close(Q @ R, b, dtype, scale=10)
        k = Q.shape[-1]
        close(Q.mT @ Q, torch.eye(k, dtype=getattr(torch, dtype)).expand(*Q.shape[:-2], k, k), dtype, scale=10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eigh_and_eigvalsh_match_torch(dtype):
    x = spd_np(2, 3, n=5)
    a, b = both(x, dtype)
    w, V = L.eigh(a)
    tw, tV = TL.eigh(b)
    close(w, tw, dtype, scale=10)
    close(L.eigvalsh(a), tw, dtype, scale=10)
    np.testing.assert_allclose(sign_fixed(V.numpy()), sign_fixed(tV.numpy()), atol=1e-3 if dtype == "float32" else 1e-8)
    close((V * w.unsqueeze(-2)) @ V.mT, b, dtype, scale=100)
    # UPLO chooses the triangle that is read
    up = np.triu(x) + np.triu(x, 1).swapaxes(-1, -2) * 0
    a_up, b_up = both(up, dtype)
    close(L.eigvalsh(a_up, UPLO="U"), TL.eigvalsh(b_up, UPLO="U"), dtype, scale=10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4), (2, 3, 6, 2)])
@pytest.mark.parametrize("full", [True, False])
def test_svd_shapes_values_and_reconstruction(shape, full, dtype):
    a, b = both(rand(*shape), dtype)
    U, S, Vh = L.svd(a, full_matrices=full)
    tU, tS, tVh = TL.svd(b, full_matrices=full)
    assert [tuple(t.shape) for t in (U, S, Vh)] == [tuple(t.shape) for t in (tU, tS, tVh)]
    close(S, tS, dtype, scale=10)
    close(L.svdvals(a), tS, dtype, scale=10)
    np.testing.assert_allclose(S.numpy(), np.linalg.svd(a.numpy(), compute_uv=False), rtol=1e-4)
    k = S.shape[-1]
    close((U[..., :, :k] * S.unsqueeze(-2)) @ Vh[..., :k, :], b, dtype, scale=10)
    np.testing.assert_allclose(sign_fixed(U[..., :, :k].numpy()), sign_fixed(tU[..., :, :k].numpy()),
                               atol=1e-3 if dtype == "float32" else 1e-8)


def test_legacy_svd_returns_v_and_compute_uv_false():
    a, b = both(rand(2, 5, 3))
    U, S, V = tc.svd(a)
    tU, tS, tV = torch.svd(b)
    assert tuple(V.shape) == tuple(tV.shape) == (2, 3, 3) and tuple(U.shape) == (2, 5, 3)
    close((U * S.unsqueeze(-2)) @ V.mT, b)
    U, S, V = tc.svd(a, some=False)
    assert tuple(U.shape) == (2, 5, 5)
    U, S, V = tc.svd(a, compute_uv=False)
    tU, tS, tV = torch.svd(b, compute_uv=False)
    close(U, tU), close(S, tS), close(V, tV)
    close(a.svd().S, tS)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
def test_pinv_matches_torch_and_numpy(shape, dtype):
    a, b = both(rand(*shape), dtype)
    close(L.pinv(a), TL.pinv(b), dtype, scale=10)
    np.testing.assert_allclose(L.pinv(a).numpy(), np.linalg.pinv(a.numpy()), rtol=1e-3, atol=1e-3)
    s, ts = both(spd_np(2, n=4), dtype)
    close(L.pinv(s, hermitian=True), TL.pinv(ts, hermitian=True), dtype, scale=10)
    close(tc.pinverse(a), torch.pinverse(b), dtype, scale=10)


def test_pinv_tolerances_cut_small_singular_values():
    x = np.diag([3.0, 1e-3, 1e-9])
    a, b = both(x)
    for kw in ({}, {"atol": 1e-2}, {"rtol": 1e-2}, {"atol": 1e-12, "rtol": 0.0}):
        close(L.pinv(a, **kw), TL.pinv(b, **kw), scale=1e9)
    for kw, rank in (({}, 3), ({"atol": 1e-2}, 1), ({"rtol": 1e-6}, 2), ({"hermitian": True, "atol": 1e-6}, 2)):
        assert L.matrix_rank(a, **kw).item() == TL.matrix_rank(b, **kw).item() == rank, kw


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shape", [((2, 6, 3), (2, 6, 2)), ((4, 4), (4, 3)), ((3, 5), (3, 2))])
def test_lstsq_matches_torch(shape, driver):
    if driver == "gels" and shape[0][-2] < shape[0][-1]:
        pytest.skip("gels needs full rank; compared below for tall inputs")
    a, ta = both(rand(*shape[0]))
    b, tb = both(rand(*shape[1]))
    got, want = L.lstsq(a, b, driver=driver), TL.lstsq(ta, tb, driver=driver)
    close(got.solution, want.solution, scale=10)
    for f in ("residuals", "rank", "singular_values"):
        g, w = getattr(got, f), getattr(want, f)
        assert tuple(g.shape) == tuple(w.shape), f
        if w.numel():
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-8, atol=1e-8)
    assert got.rank.dtype == tc.int64


def test_matrix_rank_matches_torch():
    x = rand(3, 5, 4)
    x[1, :, 3] = x[1, :, 0] + x[1, :, 1]
    a, b = both(x)
    assert L.matrix_rank(a).tolist() == TL.matrix_rank(b).tolist() == [4, 3, 4]
    assert L.matrix_rank(a).dtype == tc.int64


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm_matches_torch(ord, dim, keepdim, dtype):
    a, b = both(rand(3, 4, 5), dtype)
    close(L.matrix_norm(a, ord, dim, keepdim), TL.matrix_norm(b, ord, dim, keepdim), dtype, scale=10)


@pytest.mark.parametrize("ord", [2, 1, 0, 3, 0.5, math.inf, -math.inf])
@pytest.mark.parametrize("dim", [None, -1, (0, 2)])
def test_vector_norm_and_norm_match_torch(ord, dim):
    a, b = both(rand(3, 4, 5))
    close(L.vector_norm(a, ord, dim), TL.vector_norm(b, ord, dim))
    if dim is not None:  # (with ord and no dim, a 3-D input is an error: see ERRORS)
        close(L.norm(a, ord, dim if dim != (0, 2) else -1), TL.norm(b, ord, dim if dim != (0, 2) else -1))


def test_norm_dispatch_rules():
    m, tm = both(rand(3, 4))
    v, tv = both(rand(5))
    close(L.norm(m), TL.norm(tm))
    close(L.norm(m, 2), TL.norm(tm, 2))  # 2-D with ord: a matrix norm
    close(L.norm(m, "nuc"), TL.norm(tm, "nuc"))
    close(L.norm(v, 3), TL.norm(tv, 3))
    close(L.norm(m, 1, dim=(1, 0)), TL.norm(tm, 1, dim=(1, 0)))
    close(L.vector_norm(m, dtype=tc.float64), TL.vector_norm(tm, dtype=torch.float64))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, -1, -3])
def test_matrix_power_matches_torch(n):
    a, b = both(rand(2, 3, 3))
    close(L.matrix_power(a, n), TL.matrix_power(b, n), scale=100)
    close(tc.matrix_power(a, n), torch.matrix_power(b, n), scale=100)
    ai, bi = both(np.arange(9).reshape(3, 3))
    ai, bi = ai.long(), bi.long()
    if n >= 0:
        assert L.matrix_power(ai, n).tolist() == TL.matrix_power(bi, n).tolist()


@pytest.mark.parametrize("scale", [0.1, 1.0, 5.0, 30.0])
def test_matrix_exp_across_scales(scale):
    a, b = both(rand(3, 4, 4) * scale)
    got, want = L.matrix_exp(a), TL.matrix_exp(b)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9 * max(1, scale), atol=1e-10)
    z, tz = both(np.zeros((0, 0)))
    assert tuple(L.matrix_exp(z).shape) == (0, 0)


def test_matrix_exp_of_commuting_pieces():
    # exp of a diagonal is the diagonal of exps; of a nilpotent, a finite series
    d = tc.tensor(np.diag([0.5, -2.0, 7.0]))
    np.testing.assert_allclose(L.matrix_exp(d).numpy(), np.diag(np.exp([0.5, -2.0, 7.0])), rtol=1e-12)
    n = tc.tensor([[0.0, 1.0], [0.0, 0.0]])
    assert L.matrix_exp(n).tolist() == [[1.0, 1.0], [0.0, 1.0]]


def test_cross_and_multi_dot_match_torch():
    a, ta = both(rand(4, 3))
    b, tb = both(rand(1, 3))
    close(L.cross(a, b), TL.cross(ta, tb))
    c, tc_ = both(rand(3, 5))
    d, td = both(rand(3, 5))
    close(L.cross(c, d, dim=0), TL.cross(tc_, td, dim=0))
    shapes = [(4,), (4, 6), (6, 2), (2, 5), (5,)]
    xs = [both(rand(*s)) for s in shapes]
    for lo, hi in [(0, 5), (0, 3), (1, 5), (1, 3)]:
        got = L.multi_dot([x[0] for x in xs[lo:hi]])
        want = TL.multi_dot([x[1] for x in xs[lo:hi]])
        assert tuple(got.shape) == tuple(want.shape)
        close(got, want)


@pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated")
def test_legacy_functions_and_methods():
    x = rand(2, 3, 3)
    a, b = both(x)
    s, ts = both(spd_np(2, n=3))
    close(tc.det(a), torch.det(b))
    close(a.det(), b.det())
    close(tc.inverse(a), torch.inverse(b))
    close(a.inverse(), b.inverse())
    close(tc.logdet(s), torch.logdet(ts))
    close(a.logdet(), b.logdet())  # negative determinants give nan in both
    sl, tsl = tc.slogdet(a), torch.slogdet(b)
    close(sl.logabsdet, tsl.logabsdet)
    close(a.slogdet()[0], b.slogdet()[0])
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        close(tc.cholesky(s), torch.cholesky(ts))
    close(s.cholesky(upper=True), ts.cholesky(upper=True))
    with pytest.warns(UserWarning):
        Q, R = tc.qr(a)
    close(Q @ R, b)
    close(a.matrix_exp(), b.matrix_exp())
    close(a.matrix_power(2), b.matrix_power(2))
    close(a.pinverse(), b.pinverse())


# ---------------------------------------------------------------- return types
def _repr(x):
    return repr(x).replace("tensorcore.", "torch.")


@pytest.mark.parametrize("name,call", [
    ("linalg_slogdet", lambda m, x: m.linalg.slogdet(x)),
    ("slogdet", lambda m, x: m.slogdet(x)),
    ("linalg_eigh", lambda m, x: m.linalg.eigh(x @ x.mT + 3 * m.eye(3, dtype=x.dtype))),
    ("linalg_qr_r", lambda m, x: m.linalg.qr(x, mode="r")),
    ("svd_no_uv", lambda m, x: m.svd(x, compute_uv=False)),
    ("linalg_lstsq", lambda m, x: m.linalg.lstsq(m.cat([x, x + 1])[:, :2], m.cat([x, -x])[:, 2:], driver="gelsd")),
    ("linalg_inv_ex", lambda m, x: m.linalg.inv_ex(x @ x.mT + 3 * m.eye(3, dtype=x.dtype))),
    ("linalg_cholesky_ex", lambda m, x: m.linalg.cholesky_ex(x @ x.mT + 3 * m.eye(3, dtype=x.dtype))),
])
def test_return_type_reprs_match_torch(name, call):
    x = np.array([[2.0, 0.5, 0.0], [0.5, 3.0, 0.25], [0.0, 0.25, 4.0]])
    a, b = both(x)
    got, want = call(tc, a), call(torch, b)
    assert _repr(got) == repr(want)
    assert type(got).__name__ == type(want).__name__
    assert type(got).__module__ == "tensorcore.return_types"
    assert isinstance(got, tuple) and len(got) == len(want)


def test_return_types_have_field_access_and_unpack():
    a, _ = both(rand(3, 3))
    r = L.svd(a)
    U, S, Vh = r
    assert r.U is U and r.S is S and r.Vh is Vh and r[1] is S
    q = L.qr(a)
    assert q.Q is q[0] and q.R is q[1]
    assert tc.return_types.linalg_svd is type(r)
    assert tc.return_types.svd is type(tc.svd(a))


# ---------------------------------------------------------------- gradients
def T(x):
    return tc.tensor(np.asarray(x), dtype=tc.float64, requires_grad=True)


def _svd_invariants(x, full=False):
    U, S, Vh = L.svd(x, full_matrices=full)
    k = S.shape[-1]
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    # singular values, U V^T (the polar factor) and rank-one projectors: all sign-free
    return S, U @ Vh, U[..., :, :1] @ U[..., :, :1].mT, Vh[..., :1, :].mT @ Vh[..., :1, :]


GRADCHECKS = {
    "det": (L.det, [(2, 3, 3)]),
    "det_singular": (L.det, [np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])]),
    "slogdet": (lambda x: L.slogdet(x).logabsdet, [(2, 3, 3)]),
    "inv": (L.inv, [(2, 3, 3)]),
    "solve": (L.solve, [(2, 3, 3), (2, 3, 2)]),
    "solve_broadcast_vector": (L.solve, [(2, 3, 3), (3,)]),
    "solve_left_false": (lambda a, b: L.solve(a, b, left=False), [(3, 3), (2, 3)]),
    "cholesky": (lambda x: L.cholesky(spd(x)), [(2, 3, 3)]),
    "cholesky_upper": (lambda x: L.cholesky(spd(x), upper=True), [(3, 3)]),
    "qr_tall": (lambda x: tuple(L.qr(x)), [(2, 4, 3)]),
    "qr_wide": (lambda x: tuple(L.qr(x)), [(2, 3, 5)]),
    "qr_square_complete": (lambda x: tuple(L.qr(x, mode="complete")), [(3, 3)]),
    "eigh": (lambda x: (lambda w, V: (w, V.abs(), V[..., :, :1] @ V[..., :, :1].mT))(*L.eigh(spd(x))), [(2, 3, 3)]),
    "eigvalsh": (lambda x: L.eigvalsh(spd(x)), [(2, 4, 4)]),
    "svd_tall": (_svd_invariants, [(2, 5, 3)]),
    "svd_wide": (_svd_invariants, [(2, 3, 5)]),
    "svd_full_matrices": (lambda x: _svd_invariants(x, True), [(4, 3)]),
    "svdvals": (L.svdvals, [(2, 4, 3)]),
    "pinv_tall": (L.pinv, [(2, 4, 3)]),
    "pinv_wide": (L.pinv, [(3, 5)]),
    "pinv_hermitian": (lambda x: L.pinv(spd(x), hermitian=True), [(3, 3)]),
    "lstsq": (lambda a, b: L.lstsq(a, b).solution, [(2, 5, 3), (2, 5, 2)]),
    "matrix_norm_fro": (L.matrix_norm, [(2, 3, 4)]),
    "matrix_norm_nuc": (lambda x: L.matrix_norm(x, "nuc"), [(2, 3, 4)]),
    "matrix_norm_2": (lambda x: L.matrix_norm(x, 2), [(2, 3, 4)]),
    "matrix_norm_-2": (lambda x: L.matrix_norm(x, -2), [(2, 3, 4)]),
    "matrix_norm_1": (lambda x: L.matrix_norm(x, 1), [(2, 3, 4)]),
    "matrix_norm_inf": (lambda x: L.matrix_norm(x, math.inf), [(2, 3, 4)]),
    "vector_norm_3": (lambda x: L.vector_norm(x, 3, dim=-1), [(2, 3, 4)]),
    "norm": (L.norm, [(2, 3, 4)]),
    "matrix_power": (lambda x: L.matrix_power(x, 3), [(2, 3, 3)]),
    "matrix_power_negative": (lambda x: L.matrix_power(x, -2), [(3, 3)]),
    "cross": (L.cross, [(2, 3), (2, 3)]),
    "multi_dot": (lambda a, b, c: L.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)]),
    "matrix_exp": (L.matrix_exp, [(2, 3, 3)]),
    "matrix_exp_scaled": (lambda x: L.matrix_exp(4 * x), [(3, 3)]),
    "legacy_svd": (lambda x: (lambda U, S, V: (S, U @ V.mT))(*tc.svd(x)), [(4, 3)]),
    "legacy_cholesky": (lambda x: tc.cholesky(spd(x)), [(3, 3)]),
    "logdet": (lambda x: tc.logdet(spd(x)), [(2, 3, 3)]),
}


@pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated")
@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck_float64(name):
    fn, shapes = GRADCHECKS[name]
    inputs = tuple(T(s if isinstance(s, np.ndarray) else rand(*s)) for s in shapes)
    assert gradcheck(fn, inputs)


# Gradients with respect to the very matrices PyTorch sees (not through spd()),
# for the ops whose formulas choose a convention: cholesky and eigh read one
# triangle but PyTorch returns a symmetric gradient; svd and eigh drop the
# gauge terms.
GRAD_VS_TORCH = [
    ("cholesky", lambda m, x: (m.linalg.cholesky(x) * m.arange(9.0, dtype=x.dtype).reshape(3, 3)).sum(), "spd"),
    ("cholesky_upper", lambda m, x: (m.linalg.cholesky(x, upper=True) ** 2).sum(), "spd"),
    ("eigh", lambda m, x: (lambda w, V: (w * m.arange(3.0, dtype=x.dtype)).sum() + (V[:, :1] @ V[:, :1].mT).sum())(
        *m.linalg.eigh(x)), "spd"),
    ("eigvalsh", lambda m, x: (m.linalg.eigvalsh(x) ** 3).sum(), "spd"),
    ("svd", lambda m, x: (lambda U, S, Vh: S.sum() + (U[:, :2] @ Vh[:2]).sum() + (U[:, :1] @ U[:, :1].mT)[0].sum())(
        *m.linalg.svd(x, full_matrices=False)), "general"),
    ("qr", lambda m, x: (lambda Q, R: (Q * Q).sum() + (R.diagonal() ** 2).sum() + (Q @ R.abs()).sum())(*m.linalg.qr(x)),
     "general"),
    ("det", lambda m, x: m.linalg.det(x), "general"),
    ("inv", lambda m, x: m.linalg.inv(x).sum(), "general"),
    ("pinv", lambda m, x: (m.linalg.pinv(x) ** 2).sum(), "general"),
    ("lstsq", lambda m, x: m.linalg.lstsq(x, x[:, :2] + 1).solution.sum(), "general"),
    ("matrix_norm_2", lambda m, x: m.linalg.matrix_norm(x, 2), "general"),
    ("matrix_exp", lambda m, x: (m.linalg.matrix_exp(x) ** 2).sum(), "general"),
]


@pytest.mark.parametrize("name,loss,kind", GRAD_VS_TORCH, ids=[c[0] for c in GRAD_VS_TORCH])
def test_gradients_match_torch(name, loss, kind):
    x = spd_np(n=3) if kind == "spd" else rand(3, 3)
    a, b = both(x, grad=True)
    loss(tc, a).backward()
    loss(torch, b).backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_second_derivative_of_det():
    a, b = both(rand(3, 3), grad=True)
    (g,) = tc.autograd.grad(L.det(a), a, create_graph=True)
    (tg,) = torch.autograd.grad(TL.det(b), b, create_graph=True)
    close(g, tg)
    (g2,) = tc.autograd.grad(g.sum(), a)
    (tg2,) = torch.autograd.grad(tg.sum(), b)
    close(g2, tg2)


NODE_NAMES = [
    ("det", lambda m, x, s: m.linalg.det(x)),
    ("slogdet", lambda m, x, s: m.linalg.slogdet(x)),
    ("inv", lambda m, x, s: m.linalg.inv(x)),
    ("inverse", lambda m, x, s: m.inverse(x)),
    ("solve", lambda m, x, s: m.linalg.solve(x, s)),
    ("cholesky", lambda m, x, s: m.linalg.cholesky(s)),
    ("qr", lambda m, x, s: m.linalg.qr(x)),
    ("eigh", lambda m, x, s: m.linalg.eigh(s)),
    ("eigvalsh", lambda m, x, s: m.linalg.eigvalsh(s)),
    ("svd", lambda m, x, s: m.linalg.svd(x)),
    ("svdvals", lambda m, x, s: m.linalg.svdvals(x)),
    ("torch.svd", lambda m, x, s: m.svd(x)),
    ("pinv", lambda m, x, s: m.linalg.pinv(x)),
    ("lstsq", lambda m, x, s: m.linalg.lstsq(x, s)[:2]),
    ("matrix_norm", lambda m, x, s: m.linalg.matrix_norm(x)),
    ("matrix_norm_2", lambda m, x, s: m.linalg.matrix_norm(x, 2)),
    ("matrix_norm_nuc", lambda m, x, s: m.linalg.matrix_norm(x, "nuc")),
    ("matrix_norm_1", lambda m, x, s: m.linalg.matrix_norm(x, 1)),
    ("vector_norm", lambda m, x, s: m.linalg.vector_norm(x)),
    ("norm", lambda m, x, s: m.linalg.norm(x)),
    ("matrix_power", lambda m, x, s: m.linalg.matrix_power(x, 3)),
    ("cross", lambda m, x, s: m.linalg.cross(x, s)),
    ("multi_dot", lambda m, x, s: m.linalg.multi_dot([x, x, s])),
    ("matrix_exp", lambda m, x, s: m.linalg.matrix_exp(x)),
    ("logdet", lambda m, x, s: m.logdet(s)),
]


@pytest.mark.parametrize("name,call", NODE_NAMES, ids=[c[0] for c in NODE_NAMES])
def test_node_names_match_torch(name, call):
    x = rand(3, 3)
    s = spd_np(n=3)
    a, b = both(x, grad=True)
    sa, sb = both(s, grad=True)
    got, want = call(tc, a, sa), call(torch, b, sb)
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)

    assert [None if t.grad_fn is None else t.grad_fn.name().rsplit("::", 1)[-1] for t in got] == \
        [None if t.grad_fn is None else type(t.grad_fn).__name__ for t in want]


def test_qr_backward_errors_match_torch():
    a = T(rand(4, 3))
    Q, R = L.qr(a, mode="complete")
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows > ncols"):
        (Q.sum() + R.sum()).backward()
    _, R = L.qr(a, mode="r")
    with pytest.raises(RuntimeError, match="depends on Q, which is not computed when mode='r'"):
        R.sum().backward()


def test_matrix_rank_has_no_gradient():
    a = T(rand(3, 3))
    assert L.matrix_rank(a).requires_grad is False


# ---------------------------------------------------------------- errors
def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.value


ERRORS = [
    ("inv_singular", lambda m: m.linalg.inv(m.zeros(3, 3))),
    ("inv_batch_singular", lambda m: m.linalg.inv(m.stack([m.eye(3), m.zeros(3, 3)]))),
    ("inv_long", lambda m: m.linalg.inv(m.ones(2, 2, dtype=m.long))),
    ("inv_not_square", lambda m: m.linalg.inv(m.ones(2, 3))),
    ("inv_1d", lambda m: m.linalg.inv(m.ones(3))),
    ("det_not_square", lambda m: m.linalg.det(m.ones(2, 3))),
    ("det_long", lambda m: m.linalg.det(m.ones(2, 2, dtype=m.long))),
    ("slogdet_not_square", lambda m: m.linalg.slogdet(m.ones(2, 3))),
    ("solve_singular", lambda m: m.linalg.solve(m.zeros(3, 3), m.ones(3))),
    ("solve_shapes", lambda m: m.linalg.solve(m.eye(3), m.ones(4))),
    ("cholesky_not_pd", lambda m: m.linalg.cholesky(-m.eye(3))),
    ("cholesky_batch_not_pd", lambda m: m.linalg.cholesky(m.stack([m.eye(2), -m.eye(2)]))),
    ("cholesky_not_square", lambda m: m.linalg.cholesky(m.ones(2, 3))),
    ("eigh_not_square", lambda m: m.linalg.eigh(m.ones(2, 3))),
    ("svd_long", lambda m: m.linalg.svd(m.ones(2, 2, dtype=m.long))),
    ("svd_nan", lambda m: m.linalg.svd(m.full((3, 3), float("nan")))),
    ("qr_long", lambda m: m.linalg.qr(m.ones(2, 2, dtype=m.long))),
    ("matrix_power_not_square", lambda m: m.linalg.matrix_power(m.ones(2, 3), 2)),
    ("cross_len2", lambda m: m.linalg.cross(m.ones(2), m.ones(2))),
    ("cross_ndim", lambda m: m.linalg.cross(m.ones(2, 3), m.ones(3))),
    ("multi_dot_one", lambda m: m.linalg.multi_dot([m.ones(2, 2)])),
    ("lstsq_rows", lambda m: m.linalg.lstsq(m.ones(3, 2), m.ones(4, 2))),
    ("vector_norm_long", lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.long))),
    ("matrix_norm_1d", lambda m: m.linalg.matrix_norm(m.ones(3))),
    ("pinv_long", lambda m: m.linalg.pinv(m.ones(2, 2, dtype=m.long))),
    ("norm_3d_ord", lambda m: m.linalg.norm(m.ones(2, 2, 2), 2)),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,call", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(name, call):
    got, want = _error(lambda: call(tc)), _error(lambda: call(torch))
    assert isinstance(got, RuntimeError) == isinstance(want, RuntimeError)
    assert isinstance(got, L.LinAlgError) == isinstance(want, TL.LinAlgError), (got, want)
    assert str(got).split("\n")[0] == str(want).split("\n")[0]


def test_linalg_error_is_a_runtime_error():
    assert issubclass(L.LinAlgError, RuntimeError)
    with pytest.raises(L.LinAlgError, match=r"\(Batch element 1\): The diagonal element 1 is zero"):
        L.inv(tc.stack([tc.eye(2), tc.zeros(2, 2)]))
    info = L.inv_ex(tc.stack([tc.eye(2), tc.zeros(2, 2)])).info
    assert info.tolist() == TL.inv_ex(torch.stack([torch.eye(2), torch.zeros(2, 2)])).info.tolist()
    info = L.cholesky_ex(-tc.eye(3)).info
    assert info.tolist() == TL.cholesky_ex(-torch.eye(3)).info.tolist() == 1




def test_empty_and_zero_size_inputs():
    for n in (0,):
        a, b = both(np.zeros((2, n, n)))
        close(L.det(a), TL.det(b))
        assert tuple(L.inv(a).shape) == (2, 0, 0)
        assert tuple(L.svdvals(a).shape) == tuple(TL.svdvals(b).shape)
        assert tuple(L.eigvalsh(a).shape) == tuple(TL.eigvalsh(b).shape)
    a, b = both(np.zeros((3, 0)))
    Q, R = L.qr(a)
    tQ, tR = TL.qr(b)
    assert tuple(Q.shape) == tuple(tQ.shape) and tuple(R.shape) == tuple(tR.shape)


def test_results_have_pytorchs_column_major_strides():
    a, b = both(rand(2, 3, 3))
    assert L.inv(a).stride() == TL.inv(b).stride()
    assert L.svd(a).U.stride() == TL.svd(b).U.stride()
    assert L.cholesky(spd(a.detach())).stride() == TL.cholesky(b @ b.mT + 3 * torch.eye(3)).stride()


# ---------------------------------------------------------------- LU family, triangular and tensor solves
def test_lu_factor_and_lu_match_torch():
    a, b = both(rand(2, 4, 4))
    LU, piv = L.lu_factor(a)
    tLU, tpiv = TL.lu_factor(b)
    close(LU, tLU)
    assert piv.dtype == tc.int32 and piv.tolist() == tpiv.tolist()
    for got, want in zip(L.lu(a), TL.lu(b)):
        close(got, want)
    r, tr = both(rand(5, 3))
    for got, want in zip(L.lu(r), TL.lu(tr)):
        close(got, want)
    ex = L.lu_factor_ex(a)
    assert ex.info.tolist() == [0, 0]


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_matches_torch(left, adjoint):
    a, ta = both(rand(2, 4, 4))
    b, tb = both(rand(2, 4, 3) if left else rand(2, 3, 4))
    LU, piv = L.lu_factor(a)
    tLU, tpiv = TL.lu_factor(ta)
    close(L.lu_solve(LU, piv, b, left=left, adjoint=adjoint), TL.lu_solve(tLU, tpiv, tb, left=left, adjoint=adjoint))


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
def test_solve_triangular_matches_torch(upper, left, unitriangular):
    a, ta = both(rand(2, 4, 4) + 4 * np.eye(4))
    b, tb = both(rand(2, 4, 3) if left else rand(2, 3, 4))
    kw = dict(upper=upper, left=left, unitriangular=unitriangular)
    close(L.solve_triangular(a, b, **kw), TL.solve_triangular(ta, tb, **kw))


def test_vander_tensorinv_tensorsolve_match_torch():
    x, tx = both(rand(2, 4))
    close(L.vander(x), TL.vander(tx))
    close(L.vander(x, N=6), TL.vander(tx, N=6))
    a, ta = both(rand(2, 3, 6))
    close(L.tensorinv(a, ind=2), TL.tensorinv(ta, ind=2))
    b, tb = both(rand(2, 3))
    close(L.tensorsolve(a, b), TL.tensorsolve(ta, tb))
    c, tc_ = both(rand(6, 2, 3))
    close(L.tensorsolve(c, b, dims=(0,)), TL.tensorsolve(tc_, tb, dims=(0,)))


LU_GRADCHECKS = {
    "lu_factor": (lambda a: L.lu_factor(a).LU, [(2, 4, 4)]),
    "lu": (lambda a: tuple(L.lu(a))[1:], [(2, 4, 4)]),
    "lu_solve": (lambda a, b: L.lu_solve(*L.lu_factor(a), b), [(2, 4, 4), (2, 4, 3)]),
    "lu_solve_adjoint_right": (lambda a, b: L.lu_solve(*L.lu_factor(a), b, adjoint=True, left=False),
                               [(4, 4), (3, 4)]),
    "solve_triangular": (lambda a, b: L.solve_triangular(a, b, upper=True), [(2, 3, 3), (2, 3, 2)]),
    "solve_triangular_unit_left_false": (lambda a, b: L.solve_triangular(a, b, upper=False, left=False,
                                                                         unitriangular=True), [(3, 3), (2, 3)]),
    "vander": (lambda x: L.vander(x, N=4), [(2, 3)]),
    "tensorinv": (lambda a: L.tensorinv(a, ind=1), [(4, 2, 2)]),
}


@pytest.mark.parametrize("name", list(LU_GRADCHECKS))
def test_lu_family_gradcheck_float64(name):
    fn, shapes = LU_GRADCHECKS[name]
    inputs = tuple(T(rand(*s) + (3 * np.eye(s[-1]) if len(s) >= 2 and s[-1] == s[-2] else 0)) for s in shapes)
    assert gradcheck(fn, inputs)


def test_lu_family_node_names_and_reprs_match_torch():
    x = rand(3, 3)
    a, b = both(x, grad=True)
    for call in (lambda m, t: m.linalg.lu_factor(t).LU, lambda m, t: m.linalg.lu(t).U,
                 lambda m, t: m.linalg.lu_solve(*m.linalg.lu_factor(t), t),
                 lambda m, t: m.linalg.solve_triangular(t, t, upper=True)):
        assert call(tc, a).grad_fn.name().rsplit("::", 1)[-1] == type(call(torch, b).grad_fn).__name__
    a, b = both(x)
    assert _repr(L.lu_factor(a)) == repr(TL.lu_factor(b))
    assert _repr(L.lu(a)) == repr(TL.lu(b))


def test_linalg_namespace_covers_torch_linalg():
    """Every public torch.linalg name but those listed in README's "Linear algebra"."""
    missing = {n for n in dir(TL) if not n.startswith("_") and not hasattr(L, n)}
    assert missing <= {"common_notes"}, missing


@pytest.mark.parametrize("shape,k", [((5, 3), 2), ((4, 4), 4), ((2, 6, 3), 3), ((3, 1), 0)])
def test_householder_product_matches_torch(torch, shape, k):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape)
    t = rng.standard_normal(shape[:-2] + (k,))
    expected = torch.linalg.householder_product(torch.tensor(a), torch.tensor(t))
    got = tc.linalg.householder_product(tc.tensor(a), tc.tensor(t))
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_householder_product_of_geqrf_reflectors_is_qr_q(torch):
    a = torch.randn(6, 4, dtype=torch.float64)
    h, tau = torch.geqrf(a)
    q = tc.linalg.householder_product(tc.tensor(h.numpy()), tc.tensor(tau.numpy()))
    np.testing.assert_allclose(q.numpy(), torch.linalg.qr(a).Q.numpy(), rtol=1e-10, atol=1e-12)


def test_householder_product_gradients(torch):
    a = tc.tensor(np.random.default_rng(4).standard_normal((5, 3)), requires_grad=True)
    t = tc.tensor(np.random.default_rng(5).standard_normal(2), requires_grad=True)
    assert tc.autograd.gradcheck(tc.linalg.householder_product, (a, t))
    y = tc.linalg.householder_product(a, t)
    assert type(y.grad_fn).__name__ == "LinalgHouseholderProductBackward0"
    ta = torch.tensor(a.detach().numpy(), requires_grad=True)
    tt = torch.tensor(t.detach().numpy(), requires_grad=True)
    torch.linalg.householder_product(ta, tt).pow(2).sum().backward()
    y.pow(2).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("args", [((3, 5), (2,)), ((5, 3), (4,)), ((5,), (1,)), ((2, 5, 3), (3, 2))])
def test_householder_product_errors_match_torch(torch, args):
    for L in (torch, tc):
        with pytest.raises(RuntimeError):
            L.linalg.householder_product(L.ones(args[0], dtype=L.float64), L.ones(args[1], dtype=L.float64))


def _symmetric_indefinite(rng, shape):
    a = rng.standard_normal(shape)
    return a + np.swapaxes(a, -1, -2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5, 5), (1, 1), (0, 0), (2, 0, 0)])
def test_ldl_factor_and_solve_match_torch(torch, dtype, shape):
    rng = np.random.default_rng(7)
    a = _symmetric_indefinite(rng, shape).astype(dtype)
    b = rng.standard_normal(shape[:-1] + (2,)).astype(dtype)
    t = torch.linalg.ldl_factor_ex(torch.tensor(a))
    c = tc.linalg.ldl_factor_ex(tc.tensor(a))
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c.LD.numpy(), t.LD.numpy(), **tol)
    assert c.pivots.tolist() == t.pivots.tolist() and str(c.pivots.dtype) == "tensorcore.int32"
    assert c.info.tolist() == t.info.tolist() and str(c.info.dtype) == "tensorcore.int32"
    x_t = torch.linalg.ldl_solve(t.LD, t.pivots, torch.tensor(b))
    x_c = tc.linalg.ldl_solve(c.LD, c.pivots, tc.tensor(b))
    np.testing.assert_allclose(x_c.numpy(), x_t.numpy(), rtol=1e-4 if dtype == "float32" else 1e-10,
                               atol=1e-4 if dtype == "float32" else 1e-10)
    assert repr(tc.linalg.ldl_factor(tc.tensor(a))).startswith("tensorcore.return_types.linalg_ldl_factor(")


def test_ldl_two_by_two_pivots_match_torch(torch):
    a = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])
    t, c = torch.linalg.ldl_factor(torch.tensor(a)), tc.linalg.ldl_factor(tc.tensor(a))
    assert c.pivots.tolist() == t.pivots.tolist()
    np.testing.assert_allclose(c.LD.numpy(), t.LD.numpy(), rtol=1e-12, atol=1e-12)


def test_ldl_has_no_derivative_like_torch(torch):
    for L in (torch, tc):
        a = L.tensor(_symmetric_indefinite(np.random.default_rng(1), (3, 3)), requires_grad=True)
        LD, piv = L.linalg.ldl_factor(a * 1.0)
        with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
            LD.sum().backward()
        b = L.ones((3, 1), dtype=L.float64, requires_grad=True)
        x = L.linalg.ldl_solve(LD.detach(), piv, b)
        with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_solve is not implemented"):
            x.sum().backward()


LDL_ERRORS = [
    lambda L: L.linalg.ldl_factor(L.ones((2, 3), dtype=L.float64)),
    lambda L: L.linalg.ldl_factor(L.ones(3, dtype=L.float64)),
    lambda L: L.linalg.ldl_factor(L.zeros((2, 2), dtype=L.float64)),
    lambda L: L.linalg.ldl_solve(L.eye(3, dtype=L.float64), L.ones(3, dtype=L.int32), L.ones((4, 2), dtype=L.float64)),
    lambda L: L.linalg.ldl_solve(L.eye(3, dtype=L.float64), L.ones(3, dtype=L.int32), L.ones((3, 2))),
    lambda L: L.linalg.ldl_solve(L.eye(3, dtype=L.float64), L.ones(3, dtype=L.int32), L.ones(3, dtype=L.float64)),
]


@pytest.mark.parametrize("k", range(len(LDL_ERRORS)))
def test_ldl_errors_match_torch(torch, k):
    with pytest.raises(Exception) as t_err:
        LDL_ERRORS[k](torch)
    with pytest.raises(Exception) as c_err:
        LDL_ERRORS[k](tc)
    assert type(c_err.value) is type(t_err.value)
    assert str(c_err.value).split(":")[-1].strip()[:40] == str(t_err.value).split(":")[-1].strip()[:40]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, float("inf"), -float("inf")])
def test_matrix_norm_low_precision_like_pytorch(dtype, ord):
    """float16 / bfloat16 take every order but the singular-value ones, as PyTorch."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    out = []
    for m in (tc, torch):
        try:
            r = m.linalg.matrix_norm(m.tensor(x).to(getattr(m, dtype)), ord)
            out.append((str(r.dtype).split(".")[-1], r.float().numpy()))
        except RuntimeError as e:
            out.append(("RuntimeError", str(e)))
    (got, want) = out
    assert got[0] == want[0]
    if got[0] == "RuntimeError":
        assert got[1] == want[1]
    else:
        np.testing.assert_allclose(got[1], want[1], rtol=1e-2 if dtype == "bfloat16" else 1e-3)
