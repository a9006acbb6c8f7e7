"""torch.linalg on complex64/complex128 (LAPACK's c/z routines), linalg.eig /
eigvals (geev) and solve_triangular (trsm), compared with PyTorch: values,
gradients (conjugate-Wirtinger, as PyTorch), gradcheck and gradgradcheck in
complex128, node names and errors."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(2112)
N = 4


def cplx(shape, rng=RNG):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


A_C = cplx((N, N))
B_C = cplx((N, 2))
H_C = A_C @ A_C.conj().T + N * np.eye(N)  # Hermitian positive definite
A_R = A_C.real.copy()
B_R = B_C.real.copy()
H_R = A_R @ A_R.T + N * np.eye(N)


def pair(a, dtype, grad=True):
    return (torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=grad),
            tc.tensor(a, dtype=getattr(tc, dtype), requires_grad=grad))


def as_np(t):
    t = t.detach()
    return t.resolve_conj().numpy() if hasattr(t, "resolve_conj") else t.numpy()


def run_both(fn, arrays, dtype):
    """Outputs of fn under both libraries and the gradients of a fixed random
    real loss sum(Re(out * W)) with respect to every input."""
    ins = [pair(a, dtype) for a in arrays]
    outs = {}
    grads = {}
    weights = None
    for k, mod in ((0, torch), (1, tc)):
        xs = [p[k] for p in ins]
        out = fn(mod, *xs)
        out = out if isinstance(out, tuple) else (out,)
        if weights is None:
            wrng = np.random.default_rng(7)
            weights = [cplx(tuple(o.shape), wrng) for o in out]
        loss = 0
        for o, w in zip(out, weights):
            wt = mod.tensor(w if o.dtype.is_complex else w.real, dtype=o.dtype)
            term = o * wt
            loss = loss + (term.real if o.dtype.is_complex else term).sum()
        outs[k] = out
        grads[k] = mod.autograd.grad(loss, xs)
    return outs, grads


# Each case: (name, fn(mod, *inputs), inputs (complex arrays), forward tolerance). Losses are invariant to the
# phases of eigen/singular vectors (abs, products U Vh), so both libraries' gradients are defined and comparable.
CASES = [
    ("det", lambda m, a: m.linalg.det(a), [A_C]),
    ("slogdet", lambda m, a: tuple(m.linalg.slogdet(a)), [A_C]),
    ("logdet", lambda m, a: m.logdet(a), [H_C]),
    ("inv", lambda m, a: m.linalg.inv(a), [A_C]),
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [A_C, B_C]),
    ("solve_right", lambda m, a, b: m.linalg.solve(a, b.mT, left=False), [A_C, B_C]),
    ("solve_vector", lambda m, a, b: m.linalg.solve(a, b[:, 0]), [A_C, B_C]),
    ("cholesky", lambda m, a: m.linalg.cholesky(a), [H_C]),
    ("cholesky_upper", lambda m, a: m.linalg.cholesky(a, upper=True), [H_C]),
    ("qr_square", lambda m, a: tuple(m.linalg.qr(a)), [A_C]),
    ("qr_wide", lambda m, a: tuple(m.linalg.qr(a[:2])), [A_C]),
    ("qr_tall", lambda m, a: tuple(m.linalg.qr(a[:, :2])), [A_C]),
    ("eigvalsh", lambda m, a: m.linalg.eigvalsh(a), [H_C]),
    ("eigh_abs_vectors", lambda m, a: (lambda r: (r[0], r[1].abs()))(m.linalg.eigh(a)), [H_C]),
    ("svdvals", lambda m, a: m.linalg.svdvals(a), [A_C]),
    ("svd_U_Vh", lambda m, a: (lambda r: r[0] @ r[2])(m.linalg.svd(a)), [A_C]),
    ("svd_abs_U_tall", lambda m, a: (lambda r: (r[0].abs(), r[1]))(m.linalg.svd(a[:, :3], full_matrices=False)),
     [A_C]),
    ("pinv", lambda m, a: m.linalg.pinv(a[:, :3]), [A_C]),
    ("pinv_hermitian", lambda m, a: m.linalg.pinv(a, hermitian=True), [H_C]),
    ("lstsq", lambda m, a, b: m.linalg.lstsq(a, b).solution, [A_C, B_C]),
    ("eigvals", lambda m, a: m.linalg.eigvals(a), [A_C]),
    ("eig_abs_vectors", lambda m, a: (lambda r: (r[0], r[1].abs()))(m.linalg.eig(a)), [A_C]),
    ("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), [A_C, B_C]),
    ("solve_triangular_right_unit",
     lambda m, a, b: m.linalg.solve_triangular(a, b.mT, upper=False, left=False, unitriangular=True), [A_C, B_C]),
    ("lu_factor", lambda m, a: m.linalg.lu_factor(a)[0], [A_C]),
    ("lu", lambda m, a: tuple(m.linalg.lu(a)[1:]), [A_C]),
    ("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b), [A_C, B_C]),
    ("lu_solve_adjoint_right", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b.mT, left=False,
                                                                  adjoint=True), [A_C, B_C]),
    ("matrix_norm_nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), [A_C]),
    ("matrix_norm_2", lambda m, a: m.linalg.matrix_norm(a, 2), [A_C]),
    ("cond", lambda m, a: m.linalg.cond(a), [A_C]),
    ("matrix_power_neg", lambda m, a: m.linalg.matrix_power(a, -2), [A_C]),
    ("cholesky_solve", lambda m, a, b: m.cholesky_solve(b, m.linalg.cholesky(a)), [H_C, B_C]),
    ("cholesky_inverse", lambda m, a: m.cholesky_inverse(m.linalg.cholesky(a)), [H_C]),
    ("vecdot", lambda m, a: m.linalg.vecdot(a, a @ a), [A_C]),
    ("legacy_svd", lambda m, a: (lambda r: r[0] @ r[2].mH)(m.svd(a)), [A_C]),
]


@pytest.mark.parametrize("dtype", ["complex128", "float64"])
@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, fn, arrays, dtype):
    if dtype == "float64":
        arrays = [H_R if a is H_C else a.real.copy() for a in arrays]
    outs, grads = run_both(fn, arrays, dtype)
    for o_t, o_c in zip(outs[0], outs[1]):
        assert o_c.dtype.name == str(o_t.dtype).replace("torch.", "")
        np.testing.assert_allclose(as_np(o_c), as_np(o_t), rtol=1e-9, atol=1e-10)
    for g_t, g_c in zip(grads[0], grads[1]):
        assert g_c.dtype.name == str(g_t.dtype).replace("torch.", "")
        np.testing.assert_allclose(as_np(g_c), as_np(g_t), rtol=1e-8, atol=1e-9)


# cond's last node differs (DivBackward0, PyTorch's SqueezeBackward1): not claimed, so not listed
NAMED_CASES = [c for c in CASES if c[0] != "cond"]


@pytest.mark.parametrize("name,fn,arrays", NAMED_CASES, ids=[c[0] for c in NAMED_CASES])
def test_node_names_match_torch(name, fn, arrays):
    outs, _ = run_both(fn, arrays, "complex128")
    first_t, first_c = outs[0][0], outs[1][0]
    assert first_c.grad_fn.name() == type(first_t.grad_fn).__name__


@pytest.mark.parametrize("dtype", ["complex64", "float32"])
def test_single_precision_forward(dtype):
    a = A_C if dtype == "complex64" else A_R
    h = H_C if dtype == "complex64" else H_R
    for fn, x in [(lambda m, t: m.linalg.inv(t), a), (lambda m, t: m.linalg.det(t), a),
                  (lambda m, t: m.linalg.cholesky(t), h), (lambda m, t: m.linalg.eigvalsh(t), h),
                  (lambda m, t: m.linalg.svdvals(t), a), (lambda m, t: m.linalg.pinv(t), a)]:
        want = fn(torch, torch.tensor(x, dtype=getattr(torch, dtype)))
        got = fn(tc, tc.tensor(x, dtype=getattr(tc, dtype)))
        assert got.dtype.name == str(want.dtype).replace("torch.", "")
        np.testing.assert_allclose(got.numpy(), as_np(want), rtol=2e-4, atol=2e-5)
    want = torch.linalg.eigvals(torch.tensor(a, dtype=getattr(torch, dtype)))
    got = tc.linalg.eigvals(tc.tensor(a, dtype=getattr(tc, dtype)))
    assert got.dtype.name == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(np.sort_complex(got.numpy()), np.sort_complex(want.numpy()), rtol=2e-4, atol=2e-5)


GRADCHECKS = [
    ("inv", lambda a: tc.linalg.inv(a)),
    ("det", lambda a: tc.linalg.det(a)),
    ("slogdet", lambda a: tc.linalg.slogdet(a)),
    ("solve", lambda a: tc.linalg.solve(a, a[:, :2])),
    ("cholesky", lambda a: tc.linalg.cholesky(a @ a.mH + 3 * tc.eye(3))),
    ("qr", lambda a: tc.linalg.qr(a)),
    ("eigvalsh", lambda a: tc.linalg.eigvalsh(a @ a.mH)),
    ("eigh_abs", lambda a: tc.linalg.eigh(a + a.mH).eigenvectors.abs()),
    ("svdvals", lambda a: tc.linalg.svdvals(a)),
    ("svd_U_Vh", lambda a: (lambda r: r[0] @ r[2])(tc.linalg.svd(a))),
    ("eigvals", lambda a: tc.linalg.eigvals(a)),
    ("eig_abs", lambda a: tc.linalg.eig(a).eigenvectors.abs()),
    ("solve_triangular", lambda a: tc.linalg.solve_triangular(a, a, upper=True)),
    ("solve_triangular_right", lambda a: tc.linalg.solve_triangular(a, a.mT, upper=False, left=False,
                                                                    unitriangular=True)),
    ("lu_factor", lambda a: tc.linalg.lu_factor(a).LU),
    ("lstsq", lambda a: tc.linalg.lstsq(a, a[:, :2]).solution),
    ("pinv", lambda a: tc.linalg.pinv(a[:, :2])),
]


@pytest.mark.parametrize("dtype", ["complex128", "float64"])
@pytest.mark.parametrize("name,fn", GRADCHECKS, ids=[g[0] for g in GRADCHECKS])
def test_gradcheck(name, fn, dtype):
    a = tc.tensor(A_C[:3, :3] if dtype == "complex128" else A_R[:3, :3], requires_grad=True)
    assert tc.autograd.gradcheck(fn, (a,))


@pytest.mark.parametrize("name,fn", [g for g in GRADCHECKS if g[0] in
                                     ("inv", "slogdet", "cholesky", "qr", "eigvals", "solve_triangular",
                                      "solve_triangular_right", "lu_factor")], ids=lambda v: v if isinstance(v, str)
                         else "")
def test_gradgradcheck_complex(name, fn):
    a = tc.tensor(A_C[:3, :3], requires_grad=True)
    assert tc.autograd.gradgradcheck(fn, (a,))


def test_real_eig_unpacks_conjugate_pairs_like_torch():
    # a rotation-like block: eigenvalues 1 +- 2i and 3; eigenvectors of a pair are conjugates
    a = np.array([[1.0, -2.0, 0.5], [2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    w_t, v_t = torch.linalg.eig(torch.tensor(a))
    w_c, v_c = tc.linalg.eig(tc.tensor(a))
    assert w_c.dtype is tc.complex128 and v_c.dtype is tc.complex128
    np.testing.assert_allclose(np.sort_complex(w_c.numpy()), np.sort_complex(w_t.numpy()), atol=1e-12)
    V = v_c.numpy()
    np.testing.assert_allclose(a @ V, V * w_c.numpy(), atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(V, axis=0), 1.0, atol=1e-12)
    pair = [i for i in range(3) if abs(w_c.numpy()[i].imag) > 0]
    np.testing.assert_allclose(V[:, pair[0]], V[:, pair[1]].conj(), atol=1e-12)


def test_eig_batched_and_empty():
    a = RNG.standard_normal((2, 3, 5, 5))
    w_c = tc.linalg.eigvals(tc.tensor(a)).numpy()
    w_t = torch.linalg.eigvals(torch.tensor(a)).numpy()
    np.testing.assert_allclose(np.sort_complex(w_c.reshape(-1, 5)), np.sort_complex(w_t.reshape(-1, 5)), atol=1e-10)
    r = tc.linalg.eig(tc.zeros(0, 0))
    assert tuple(r.eigenvalues.shape) == (0,) and r.eigenvalues.dtype is tc.complex64
    assert repr(r).startswith("tensorcore.return_types.linalg_eig(")


@pytest.mark.parametrize("fn", ["eig", "eigvals"])
@pytest.mark.parametrize("arg", ["non_square", "int", "half", "vector"])
def test_eig_errors_match_torch(fn, arg):
    make = {"non_square": lambda m: m.ones(2, 3), "int": lambda m: m.ones(2, 2, dtype=m.int64),
            "half": lambda m: m.ones(2, 2, dtype=m.float16), "vector": lambda m: m.ones(2)}[arg]
    with pytest.raises(Exception) as want:
        getattr(torch.linalg, fn)(make(torch))
    with pytest.raises(type(want.value)) as got:
        getattr(tc.linalg, fn)(make(tc))
    assert str(got.value) == str(want.value)


def test_eig_rejects_non_finite_and_eigvals_gives_nan_quietly(capfd):
    bad = [[1.0, float("inf")], [0.0, 1.0]]
    with pytest.raises(RuntimeError, match="torch.linalg.eig: input tensor should not contain infs or NaNs."):
        torch.linalg.eig(torch.tensor(bad))
    with pytest.raises(RuntimeError, match="torch.linalg.eig: input tensor should not contain infs or NaNs."):
        tc.linalg.eig(tc.tensor(bad))
    w = tc.linalg.eigvals(tc.tensor(bad))
    assert np.isnan(w.numpy().real).all()  # PyTorch (MKL) gives nan+nanj here too
    np.testing.assert_array_equal(np.isnan(torch.linalg.eigvals(torch.tensor(bad)).numpy()), np.isnan(w.numpy()))
    assert "SGEEV" not in capfd.readouterr().err  # LAPACK's xerbla must not print


@pytest.mark.parametrize("op", ["eig", "eigh", "svd"])
def test_phase_dependent_loss_raises_like_torch(op):
    def run(m):
        a = m.tensor(A_C if op != "eigh" else H_C, requires_grad=True)
        if op == "svd":
            vec = m.linalg.svd(a)[0]
        else:
            vec = getattr(m.linalg, op)(a)[1]
        w = m.tensor(cplx(vec.shape[0], np.random.default_rng(3)))
        (vec[:, 0] * w).sum().real.backward()  # depends on the arbitrary phase of the first vector
    with pytest.raises(RuntimeError) as want:
        run(torch)
    with pytest.raises(RuntimeError) as got:
        run(tc)
    key = "singular vectors" if op == "svd" else "eigenvectors"
    assert key in str(want.value) and key in str(got.value)
    assert "e^{i phi}" in str(got.value)


def test_solve_triangular_singular_gives_inf_like_torch():
    a = [[1.0, 2.0], [0.0, 0.0]]
    want = torch.linalg.solve_triangular(torch.tensor(a), torch.ones(2, 1), upper=True)
    got = tc.linalg.solve_triangular(tc.tensor(a), tc.ones(2, 1), upper=True)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_solve_triangular_reads_only_its_triangle_and_broadcasts():
    a = RNG.standard_normal((3, 1, 4, 4))
    b = RNG.standard_normal((2, 4, 3))
    for upper in (True, False):
        for unit in (True, False):
            want = torch.linalg.solve_triangular(torch.tensor(a), torch.tensor(b), upper=upper, unitriangular=unit)
            got = tc.linalg.solve_triangular(tc.tensor(a), tc.tensor(b), upper=upper, unitriangular=unit)
            assert tuple(got.shape) == tuple(want.shape) == (3, 2, 4, 3)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", ["b_vector", "shape", "non_square", "left_false_shape"])
def test_solve_triangular_errors_match_torch(case):
    args = {"b_vector": lambda m: (m.eye(3), m.ones(3)), "shape": lambda m: (m.eye(3), m.ones(4, 2)),
            "non_square": lambda m: (m.ones(2, 3), m.ones(3, 2)),
            "left_false_shape": lambda m: (m.eye(3), m.ones(2, 4))}[case]
    kw = {"upper": True, "left": case != "left_false_shape"}
    with pytest.raises(RuntimeError) as want:
        torch.linalg.solve_triangular(*args(torch), **kw)
    with pytest.raises(RuntimeError) as got:
        tc.linalg.solve_triangular(*args(tc), **kw)
    assert str(got.value) == str(want.value)


def test_solve_triangular_solves_in_a_dtype_like_torch():
    want = torch.linalg.solve_triangular(torch.eye(3), torch.ones(3, 2, dtype=torch.float64), upper=True)
    got = tc.linalg.solve_triangular(tc.eye(3), tc.ones(3, 2, dtype=tc.float64), upper=True)
    assert got.dtype is tc.float32 and want.dtype is torch.float32
    with pytest.raises(NotImplementedError, match="triangular_solve_cpu"):
        tc.linalg.solve_triangular(tc.eye(3, dtype=tc.int64), tc.ones(3, 2), upper=True)


def test_lu_factor_ex_of_singular_matrix_has_a_gradient_like_torch():
    # the LU backward solves with U by trsm: a zero pivot gives inf/nan, not an error
    a = [[1.0, 2.0], [2.0, 4.0]]
    gt = torch.tensor(a, requires_grad=True)
    gc = tc.tensor(a, requires_grad=True)
    torch.linalg.lu_factor_ex(gt).LU.sum().backward()
    tc.linalg.lu_factor_ex(gc).LU.sum().backward()
    np.testing.assert_array_equal(np.isfinite(gc.grad.numpy()), np.isfinite(gt.grad.numpy()))


@pytest.mark.parametrize("batched", [False, True])
def test_lu_factor_refuses_a_singular_matrix_like_torch(batched):
    def make(m):
        a = m.tensor([[1.0, 2.0], [2.0, 4.0]])
        return m.stack([a, m.eye(2)]) if batched else a
    with pytest.raises(RuntimeError) as want:
        torch.linalg.lu_factor(make(torch))
    with pytest.raises(RuntimeError) as got:
        tc.linalg.lu_factor(make(tc))
    assert str(got.value) == str(want.value)


def test_vecdot_conjugates_its_first_argument():
    x, y = [1 + 2j, 3j], [2 - 1j, 1 + 1j]
    want = torch.linalg.vecdot(torch.tensor(x), torch.tensor(y))
    got = tc.linalg.vecdot(tc.tensor(x), tc.tensor(y))
    assert got.item() == want.item() == (3 - 8j)
    with pytest.raises(RuntimeError, match="linalg.vecdot: Expected x and y to have the same dtype"):
        tc.linalg.vecdot(tc.ones(2), tc.ones(2, dtype=tc.float64))


def test_complex_matrix_rank_and_tolerances():
    low = cplx((5, 2)) @ cplx((2, 5))
    for hermitian, m in ((False, low), (True, low @ low.conj().T)):
        assert tc.linalg.matrix_rank(tc.tensor(m), hermitian=hermitian).item() == \
            torch.linalg.matrix_rank(torch.tensor(m), hermitian=hermitian).item() == 2
    r_c = tc.linalg.lstsq(tc.tensor(A_C[:, :2]), tc.tensor(B_C), driver="gelsd")
    r_t = torch.linalg.lstsq(torch.tensor(A_C[:, :2]), torch.tensor(B_C), driver="gelsd")
    for got, want in zip(r_c, r_t):
        assert got.dtype.name == str(want.dtype).replace("torch.", "")
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-10)


COMPLEX_NODES = [
    ("conj", lambda m, z, r, A: z.conj()), ("abs", lambda m, z, r, A: z.abs()),
    ("angle", lambda m, z, r, A: z.angle()), ("complex", lambda m, z, r, A: m.complex(r, r)),
    ("polar", lambda m, z, r, A: m.polar(r, r)), ("mm", lambda m, z, r, A: A @ A),
    ("sum", lambda m, z, r, A: z.sum()), ("sum_dim", lambda m, z, r, A: z.sum(0)),
    ("mean", lambda m, z, r, A: z.mean()), ("prod", lambda m, z, r, A: z.prod()),
    ("prod_dim", lambda m, z, r, A: z.prod(0)), ("conj_physical", lambda m, z, r, A: z.conj_physical()),
]


@pytest.mark.parametrize("name,fn", COMPLEX_NODES, ids=[c[0] for c in COMPLEX_NODES])
def test_complex_composites_carry_torch_node_names(name, fn):
    def node(m):
        z = m.tensor(cplx(3), dtype=m.complex64, requires_grad=True)
        r = m.tensor(RNG.standard_normal(3), dtype=m.float32, requires_grad=True)
        A = m.tensor(cplx((2, 2)), dtype=m.complex64, requires_grad=True)
        return fn(m, z, r, A).grad_fn
    assert node(tc).name() == type(node(torch)).__name__


def test_complex_prod_over_a_size_one_dim_is_a_new_tensor():
    z = tc.tensor([1 + 2j], requires_grad=True) * 1
    p = z.prod(0, keepdim=True)
    assert p is not z and p.grad_fn.name() == "ProdBackward1"
    assert z.grad_fn.name() == "MulBackward0"  # the input's node is not renamed


def test_complex_to_bool_does_not_warn():
    z = tc.tensor([0j, 1 + 1j])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.bool().tolist() == [False, True]
        assert z.to(tc.bool).tolist() == [False, True]

