"""Products and distances (src/tensorcore/_products.py) against PyTorch:
the addmm family's beta/alpha rules, in-place and out= forms, inner/vdot/
tensordot/kron, block_diag/cartesian_prod/combinations, cdist's two paths,
cov/corrcoef; values, nodes, gradients, gradcheck and errors."""
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

from oracle_compare import assert_same, check_against_torch, same_error

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
I3 = rng.standard_normal((3, 5))
B1 = rng.standard_normal((2, 3, 4))
B2 = rng.standard_normal((2, 4, 5))
M = rng.standard_normal((3, 4))
VEC4 = rng.standard_normal(4)
VEC3 = rng.standard_normal(3)
VEC5 = rng.standard_normal(5)

CASES = [
    ("baddbmm", lambda m, i, a, b: m.baddbmm(i, a, b), [I3, B1, B2]),
    ("baddbmm_scaled", lambda m, i, a, b: m.baddbmm(i, a, b, beta=0.5, alpha=-2), [I3, B1, B2]),
    ("baddbmm_beta0", lambda m, i, a, b: i.baddbmm(a, b, beta=0), [I3, B1, B2]),
    ("addbmm", lambda m, i, a, b: m.addbmm(i, a, b, alpha=3), [I3, B1, B2]),
    ("addbmm_method", lambda m, i, a, b: i.addbmm(a, b, beta=2), [I3, B1, B2]),
    ("addmv", lambda m, i, a, v: m.addmv(i, a, v, beta=0.5, alpha=2), [VEC3, M, VEC4]),
    ("addmv_bcast", lambda m, i, a, v: m.addmv(i[:1], a, v), [VEC3, M, VEC4]),
    ("addr", lambda m, i, a, b: m.addr(i, a, b, beta=2, alpha=0.5), [I3, VEC3, VEC5]),
    ("addr_method", lambda m, i, a, b: i.addr(a, b), [I3, VEC3, VEC5]),
    ("ger", lambda m, a, b: m.ger(a, b), [VEC3, VEC5]),
    ("inner", lambda m, a, b: m.inner(a, b), [B1, M]),
    ("inner_scalar", lambda m, a, b: m.inner(a, b[0, 0]), [M, M]),
    ("vdot", lambda m, a, b: m.vdot(a, b), [VEC4, VEC4]),
    ("vdot_method", lambda m, a, b: a.vdot(b), [VEC4, VEC4]),
    ("tensordot_int", lambda m, a, b: m.tensordot(a, b, 1), [B1, B2[0]]),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, dims=([1, 2], [2, 1])), [B1, B1.transpose(0, 2, 1).copy()]),
    ("tensordot_0", lambda m, a, b: m.tensordot(a, b, 0), [VEC3, M]),
    ("tensordot_size1_bcast", lambda m, a, b: m.tensordot(a[:1], b, 1), [VEC3, M]),
    ("tensordot_size1_bcast_b", lambda m, a, b: m.tensordot(a, b[:, :1], ([1], [1])), [M, M]),
    ("kron_method", lambda m, a, b: a.kron(b), [M, VEC3]),
    ("dist_method", lambda m, a, b: a.dist(b, 3), [M, M[::-1].copy()]),
    ("block_diag", lambda m, a, b, c: m.block_diag(a, b, c[0], c[0, 0]), [M, VEC3, I3]),
    ("cartesian_prod", lambda m, a, b: m.cartesian_prod(a, b), [VEC3, VEC4]),
    ("combinations", lambda m, a: m.combinations(a, 3), [VEC4]),
    ("combinations_repl", lambda m, a: m.combinations(a, 2, with_replacement=True), [VEC3]),
    ("cdist_small", lambda m, a, b: m.cdist(a, b), [M, M[::-1].copy() + 1]),
    ("cdist_p1", lambda m, a, b: m.cdist(a, b, p=1), [B1, B1[:, :2] + 0.3]),
    ("cdist_p3", lambda m, a, b: m.cdist(a, b, p=3.0), [B1, B1 * 2]),
    ("cdist_pinf", lambda m, a, b: m.cdist(a, b, p=float("inf")), [M, M[::-1] * 1.5]),
    ("cdist_mm", lambda m, a, b: m.cdist(a, b), [rng.standard_normal((30, 4)), rng.standard_normal((7, 4))]),
    ("cdist_forced_mm", lambda m, a, b: m.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [M, M * 3]),
    ("cdist_bcast", lambda m, a, b: m.cdist(a, b), [B1, M + 1]),
    ("cov", lambda m, a: m.cov(a), [M]),
    ("cov_method_correction", lambda m, a: a.cov(correction=0), [M]),
    ("cov_1d", lambda m, a: m.cov(a), [VEC4]),
    ("corrcoef", lambda m, a: m.corrcoef(a), [M]),
    ("corrcoef_method", lambda m, a: a.corrcoef(), [I3]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_with_gradients(name, fn, arrays):
    check_against_torch(fn, arrays, grad=True, rtol=1e-6, atol=1e-8)


NO_GRADCHECK = {"combinations", "combinations_repl", "cartesian_prod"}


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = tuple(tc.tensor(a).requires_grad_() for a in arrays)
    assert gradcheck(lambda *ts: fn(tc, *ts), inputs)


def test_weighted_cov():
    fw = np.array([1, 2, 0, 3])
    aw = np.array([0.5, 1.0, 2.0, 0.25])
    for kw in ({"fweights": fw}, {"aweights": aw}, {"fweights": fw, "aweights": aw}):
        for corr in (0, 1, 2):
            def fn(m, x, kw=kw, corr=corr):
                return m.cov(x, correction=corr, **{k: m.tensor(v) for k, v in kw.items()})
            check_against_torch(fn, [M], grad=True)


@pytest.mark.parametrize("op", ["baddbmm", "addbmm", "addmv", "addr", "addmm"])
def test_beta_zero_ignores_nan_and_gives_zero_gradient(op):
    args = {"baddbmm": (np.full((2, 3, 5), np.nan), B1, B2), "addbmm": (np.full((3, 5), np.nan), B1, B2),
            "addmv": (np.full(3, np.inf), M, VEC4), "addr": (np.full((3, 5), np.nan), VEC3, VEC5),
            "addmm": (np.full((3, 5), np.nan), M, B2[0])}[op]
    if op == "addmm":
        def fn(m, i, a, b):
            return i.clone().addmm_(a, b, beta=0) + m.addmm(i, a, b, beta=0, alpha=0.5) + i.addmm(a, b, beta=0)
    else:
        def fn(m, i, a, b):
            return getattr(m, op)(i, a, b, beta=0, alpha=2)
    got, want = check_against_torch(fn, list(args), grad=True)
    assert not np.isnan(got.detach().numpy()).any()


@pytest.mark.parametrize("op", ["baddbmm", "addbmm", "addmv", "addr", "addmm"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float16", "bfloat16"])
def test_dtypes_and_integer_scaling(op, dtype):
    args = {"addmm": (np.ones((3, 5)), M.round(), B2[0].round()),"baddbmm": (np.ones((2, 3, 5)), B1.round(), B2.round()), "addbmm": (np.ones((3, 5)), B1.round(), B2.round()),
            "addmv": (np.ones(3), M.round(), VEC4.round()), "addr": (np.ones((3, 5)), VEC3.round(), VEC5.round())}[op]
    integral = dtype.startswith("int")
    beta, alpha = (2, 3) if integral else (0.5, 2.5)
    if integral and op in ("addmm", "baddbmm", "addbmm", "addmv"):
        beta, alpha = 0.5, 2.7  # truncated to 0 and 2 for integer results, as PyTorch's kernels
    tol = {"float16": 1e-2, "bfloat16": 5e-2}.get(dtype, 1e-6)
    check_against_torch(lambda m, i, a, b: getattr(m, op)(i, a, b, beta=beta, alpha=alpha), list(args),
                        dtype=dtype, rtol=tol, atol=tol)


def test_addr_bool():
    check_against_torch(lambda m, i, a, b: m.addr(i, a, b), [np.zeros((3, 5)), VEC3 > 0, VEC5 > 0], dtype="bool")


@pytest.mark.parametrize("op,args", [
    ("baddbmm", (np.zeros((2, 3, 5)), B1, B2)), ("addbmm", (np.zeros((3, 5)), B1, B2)),
    ("addmv", (np.zeros(3), M, VEC4)), ("addr", (np.zeros((3, 5)), VEC3, VEC5)),
    ("addmm", (np.zeros((3, 5)), M, B2[0])),
])
def test_inplace_forms(op, args):
    def fn(m, i, a, b):
        out = i * 1  # a non-leaf, so the in-place op records onto it
        return getattr(out, op + "_")(a, b, beta=0.5, alpha=2)
    got, want = check_against_torch(fn, list(args), grad=True, check_node=False)
    x = tc.tensor(args[0])
    assert getattr(x, op + "_")(*(tc.tensor(a) for a in args[1:])) is x


@pytest.mark.parametrize("op,args", [
    ("baddbmm", (np.zeros((2, 3, 5)), B1, B2)), ("addbmm", (np.zeros((3, 5)), B1, B2)),
    ("addmv", (np.zeros(3), M, VEC4)), ("addr", (np.zeros((3, 5)), VEC3, VEC5)),
])
def test_out_forms(op, args):
    out_tc, out_t = tc.empty(0, dtype=tc.float64), torch.empty(0, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = getattr(tc, op)(*(tc.tensor(a) for a in args), beta=2, out=out_tc)
        r2 = getattr(torch, op)(*(torch.tensor(a) for a in args), beta=2, out=out_t)
    assert r1 is out_tc
    assert_same(r1, r2)
    tensordot_out = tc.empty(0, dtype=tc.float64)
    tc.tensordot(tc.tensor(B1), tc.tensor(B2), ([2], [1]), out=tensordot_out)
    assert_same(tensordot_out, torch.tensordot(torch.tensor(B1), torch.tensor(B2), ([2], [1])))


def test_chain_matmul_warns_and_matches():
    mats = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((2, 5))]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        got = tc.chain_matmul(*(tc.tensor(a) for a in mats))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = torch.chain_matmul(*(torch.tensor(a) for a in mats))
    assert_same(got, want)


def test_empty_and_edge_cases():
    assert_same(tc.block_diag(), torch.block_diag())
    assert_same(tc.combinations(tc.tensor([1, 2]), 3), torch.combinations(torch.tensor([1, 2]), 3))
    assert_same(tc.combinations(tc.tensor([1, 2]), 0), torch.combinations(torch.tensor([1, 2]), 0))
    assert_same(tc.cartesian_prod(tc.tensor([1, 2])), torch.cartesian_prod(torch.tensor([1, 2])))
    assert_same(tc.block_diag(tc.tensor([[1, 2]]), tc.tensor([[0.5]])),
                torch.block_diag(torch.tensor([[1, 2]]), torch.tensor([[0.5]])))
    assert_same(tc.cov(tc.tensor([[1, 2, 4]])), torch.cov(torch.tensor([[1, 2, 4]])))
    assert_same(tc.corrcoef(tc.tensor([1.0, 2, 3])), torch.corrcoef(torch.tensor([1.0, 2, 3])))
    assert_same(tc.addbmm(tc.ones(2, 3), tc.zeros(0, 2, 4), tc.zeros(0, 4, 3)),
                torch.addbmm(torch.ones(2, 3), torch.zeros(0, 2, 4), torch.zeros(0, 4, 3)))


ERRORS = [
    lambda m: m.baddbmm(m.zeros(2, 3, 3), m.zeros(2, 3, 4), m.zeros(2, 3, 4)),
    lambda m: m.baddbmm(m.zeros(2, 3, 3), m.zeros(3, 4), m.zeros(4, 3)),
    lambda m: m.baddbmm(m.zeros(2, 3, 3), m.zeros(2, 3, 4, dtype=m.float64), m.zeros(2, 4, 3)),
    lambda m: m.baddbmm(m.zeros(2, 3, 3, dtype=m.bool), m.zeros(2, 3, 4, dtype=m.bool),
                        m.zeros(2, 4, 3, dtype=m.bool)),
    lambda m: m.addbmm(m.zeros(3, 3), m.zeros(2, 3, 4), m.zeros(3, 4, 3)),
    lambda m: m.addbmm(m.zeros(3, 3), m.zeros(2, 3, 4), m.zeros(2, 3, 3)),
    lambda m: m.addmv(m.zeros(3), m.zeros(3, 4), m.zeros(3)),
    lambda m: m.addmv(m.zeros(2), m.zeros(3, 4), m.zeros(4)),
    lambda m: m.addr(m.zeros(3, 3), m.zeros(3, 4), m.zeros(3)),
    lambda m: m.addr(m.zeros(3, 3), m.zeros(3), m.zeros(4)),
    lambda m: m.zeros(3).addr_(m.zeros(3), m.zeros(3)),
    lambda m: m.zeros(1, 3).addmm_(m.zeros(3, 2), m.zeros(2, 3)),
    lambda m: m.vdot(m.zeros(3, 3), m.zeros(3)),
    lambda m: m.vdot(m.zeros(3), m.zeros(4)),
    lambda m: m.vdot(m.zeros(3), m.zeros(3, dtype=m.float64)),
    lambda m: m.inner(m.zeros(2, 3), m.zeros(2, 4)),
    lambda m: m.tensordot(m.zeros(2, 3), m.zeros(4, 3), 1),
    lambda m: m.tensordot(m.zeros(2, 3), m.zeros(3, 4), 3),
    lambda m: m.tensordot(m.zeros(2, 3), m.zeros(3, 4), ([0, 1], [0])),
    lambda m: m.cdist(m.zeros(3), m.zeros(3)),
    lambda m: m.cdist(m.zeros(3, 2), m.zeros(3, 3)),
    lambda m: m.cdist(m.zeros(3, 2), m.zeros(3, 2), p=-1),
    lambda m: m.cdist(m.zeros(3, 2, dtype=m.long), m.zeros(3, 2, dtype=m.long)),
    lambda m: m.cdist(m.zeros(3, 2), m.zeros(3, 2), compute_mode="fast"),
    lambda m: m.block_diag(m.zeros(2, 2, 2)),
    lambda m: m.cartesian_prod(m.zeros(2, 2)),
    lambda m: m.combinations(m.zeros(2, 2)),
    lambda m: m.cov(m.zeros(2, 2, 2)),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.ones(3)),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.ones(2, dtype=m.long)),
    lambda m: m.cov(m.zeros(2, 3), aweights=m.ones(3, dtype=m.long)),
    lambda m: m.cov(m.zeros(2, 3), aweights=-m.ones(3)),
    lambda m: m.corrcoef(m.zeros(2, 2, 2)),
    lambda m: m.chain_matmul(m.zeros(2)),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors_like_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)


def test_messages_word_for_word():
    for fn in (ERRORS[6], ERRORS[8], ERRORS[12], ERRORS[13], ERRORS[15], ERRORS[19], ERRORS[20], ERRORS[21]):
        got, want = same_error(fn)
        assert str(got) == str(want)
