"""Forward values of every op in tests/op_db.py against numpy and against
PyTorch (when installed): values, shapes, result dtypes (type promotion) and,
where PyTorch rejects an input, the exception type."""

import numpy as np
import pytest

import tensorcore as tc
import op_db
from op_db import OPS, ALL_DTYPES, assert_close, call, to_numpy, dtype_name


def tolerances(op, out_dtypes):
    dts = out_dtypes if isinstance(out_dtypes, tuple) else (out_dtypes,)
    # float16 / bfloat16: about one unit in the last place (2**-10 / 2**-7)
    if "bfloat16" in dts:
        tol = op.half_tol or 8e-3
        return max(op.rtol, tol), tol
    if "float16" in dts:
        tol = op.half_tol or 1e-3
        return max(op.rtol, tol), tol
    if any(d == "float32" for d in dts):
        return max(op.rtol, 2e-5) * 5, 2e-5
    return max(op.rtol, 1e-7), 1e-9


def _flat_dtypes(x):
    if isinstance(x, tuple):
        out = ()
        for v in x:
            out += _flat_dtypes(v)
        return out
    return (x,)


def _id(op, dt=None):
    return f"{op.name}-{dt}" if dt else op.name


# numpy has no bfloat16: it is compared with torch only (test_forward_matches_torch).
NUMPY_CASES = [(op, dt) for op in OPS for dt in op.dtypes if dt in op_db.NUMPY_DTYPES]


# ---------------------------------------------------------------------------
def test_op_db_covers_every_elementwise_op_in_op_tables():
    from tensorcore import _elementwise
    names = {r.name for r in _elementwise.rows()}
    assert len(names) > 50, "the registry export is incomplete"
    missing = sorted(n for n in names if n not in op_db.OPS_BY_NAME)
    assert not missing, f"ops in op_tables.h without a row in tests/op_db.py: {missing}"


def test_op_db_covers_reductions_linalg_joins_views():
    want = {"sum", "mean", "prod", "max_all", "min_all", "max_dim", "min_dim", "amax", "amin", "argmax", "argmin",
            "var", "std", "all", "any", "logsumexp", "cumsum", "norm", "softmax", "log_softmax", "sort", "topk",
            "matmul", "mm", "bmm", "dot", "mv", "cat", "stack", "view", "reshape", "transpose", "t", "permute",
            "expand", "squeeze", "unsqueeze", "flatten", "unflatten", "narrow", "select", "chunk", "split",
            "unbind", "as_strided", "contiguous", "diagonal", "movedim", "where", "clamp"}
    assert not want - set(op_db.OPS_BY_NAME)


# ---------------------------------------------------------------------------
@pytest.mark.parametrize("op,dtype", NUMPY_CASES, ids=[_id(o, d) for o, d in NUMPY_CASES])
def test_forward_matches_numpy(op, dtype):
    for s in op_db.samples(op, dtype):
        out, _ = call(op, tc, s)
        got = to_numpy(out)
        ref = op_db.numpy_reference(op, s)
        got_dt = dtype_name(out)
        rtol, atol = tolerances(op, _flat_dtypes(got_dt))
        assert_close(got, ref, rtol, atol, msg=f"{op.name} {dtype} {s}")
        if isinstance(out, tc.Tensor):
            want = op_db.expected_dtype(op, s, dtype)
            assert got_dt == want, f"{op.name} {s}: result dtype {got_dt}, expected {want}"
            assert tuple(out.shape) == np.asarray(ref).shape


@pytest.mark.parametrize("op", [o for o in OPS if o.aliases], ids=lambda o: o.name)
def test_aliases_agree(op):
    dtype = "float32" if "float32" in op.dtypes else op.dtypes[-1]
    for s in op_db.samples(op, dtype):
        main, _ = call(op, tc, s)
        for alias in op.aliases:
            args = [op_db.to_module(tc, a, s.strided) for a in s.args]
            other = alias(tc, *args, **s.kwargs)
            assert_close(to_numpy(other), to_numpy(main), 1e-6, 1e-6, msg=f"{op.name} alias {s}")
            assert dtype_name(other) == dtype_name(main), f"{op.name} alias {s}"


# ---------------------------------------------------------------------------
# Against PyTorch: every dtype (also the unsupported ones, which must raise
# the same kind of exception).
TORCH_CASES = [(op, dt) for op in OPS for dt in ALL_DTYPES]

def exception_family(e):
    for fam in (IndexError, TypeError, ValueError, RuntimeError):  # NotImplementedError is a RuntimeError
        if isinstance(e, fam):
            return fam.__name__
    return type(e).__name__


def _run(m, op, s):
    try:
        out, _ = call(op, m, s)
        return out, None
    except Exception as e:  # noqa: BLE001 - we compare exception types
        return None, e


@pytest.mark.parametrize("op,dtype", TORCH_CASES, ids=[_id(o, d) for o, d in TORCH_CASES])
def test_forward_matches_torch(op, dtype, torch):
    for s in op_db.samples(op, dtype):
        ref, ref_err = _run(torch, op, s)
        out, err = _run(tc, op, s)
        where = f"{op.name} {dtype} {s}"
        if ref_err is not None:
            assert err is not None, f"{where}: torch raises {type(ref_err).__name__}({ref_err}) but tensorcore " \
                                    f"returned {out!r}"
            assert exception_family(err) == exception_family(ref_err), \
                f"{where}: torch raises {type(ref_err).__name__}({ref_err}); tensorcore " \
                f"{type(err).__name__}({err})"
            continue
        assert err is None, f"{where}: tensorcore raised {type(err).__name__}: {err}"
        assert dtype_name(out) == dtype_name(ref), f"{where}: dtype {dtype_name(out)} != torch {dtype_name(ref)}"
        rtol, atol = tolerances(op, _flat_dtypes(dtype_name(ref)))
        assert_close(to_numpy(out), to_numpy(ref), rtol, atol, msg=where)
        if isinstance(ref, tuple) and hasattr(ref, "values"):
            assert type(out).__name__ == type(ref).__name__
            assert_close(to_numpy(out.values), to_numpy(ref.values), rtol, atol, msg=where)


# ---------------------------------------------------------------------------
# In-place variants of the binary and unary ops, against torch.
INPLACE = [o for o in OPS if o.kind in ("binary", "unary") and hasattr(tc.Tensor, o.name + "_")
           and o.name not in ("maximum", "minimum")]  # torch has no maximum_/minimum_


@pytest.mark.parametrize("op", INPLACE, ids=lambda o: o.name + "_")
def test_inplace_matches_torch(op, torch):
    for dtype in ALL_DTYPES:
        for s in op_db.samples(op, dtype):
            if not isinstance(s.args[0], np.ndarray) or s.strided:
                continue
            results = []
            for m in (torch, tc):
                args = [op_db.to_module(m, a) for a in s.args]
                try:
                    r = getattr(args[0], op.name + "_")(*args[1:])
                    assert r is args[0], "in-place ops return self"
                    results.append((to_numpy(args[0]), dtype_name(args[0]), None))
                except AssertionError:
                    raise
                except Exception as e:  # noqa: BLE001
                    results.append((None, None, e))
            (rv, rd, re_), (v, d, e) = results
            where = f"{op.name}_ {dtype} {s}"
            if re_ is not None:
                assert e is not None, f"{where}: torch raises {type(re_).__name__}({re_}), tensorcore does not"
                assert exception_family(e) == exception_family(re_), f"{where}: {e!r} vs torch {re_!r}"
            else:
                assert e is None, f"{where}: tensorcore raised {e!r}"
                assert d == rd, f"{where}: dtype {d} != torch {rd}"
                assert_close(v, rv, *tolerances(op, (d,)), msg=where)


# ---------------------------------------------------------------------------
# Type promotion, spelled out.
PROMOTION = [
    # (description, thunk, expected dtype)
    ("int tensor + float scalar", lambda: tc.tensor([1, 2]) + 1.5, "float32"),
    ("int tensor * int scalar", lambda: tc.tensor([1, 2]) * 3, "int64"),
    ("int32 tensor + int scalar", lambda: tc.tensor([1, 2], dtype=tc.int32) + 3, "int32"),
    ("int32 tensor + float scalar", lambda: tc.tensor([1, 2], dtype=tc.int32) + 3.0, "float32"),
    ("int / int", lambda: tc.tensor([1, 2]) / tc.tensor([2, 2]), "float32"),
    ("int32 / int scalar", lambda: tc.tensor([1], dtype=tc.int32) / 2, "float32"),
    ("bool + bool", lambda: tc.tensor([True]) + tc.tensor([False]), "bool"),
    ("bool * int scalar", lambda: tc.tensor([True]) * 2, "int64"),
    ("bool + float scalar", lambda: tc.tensor([True]) + 0.5, "float32"),
    ("bool + bool scalar", lambda: tc.tensor([True]) + True, "bool"),
    ("int32 + int64", lambda: tc.tensor([1], dtype=tc.int32) + tc.tensor([1]), "int64"),
    ("int64 + float32", lambda: tc.tensor([1]) + tc.tensor([1.0]), "float32"),
    ("float32 + float64", lambda: tc.tensor([1.0]) + tc.tensor([1.0], dtype=tc.float64), "float64"),
    ("float32 dim + float64 0-dim", lambda: tc.tensor([1.0]) + tc.tensor(1.0, dtype=tc.float64), "float32"),
    ("int32 dim + int64 0-dim", lambda: tc.tensor([1], dtype=tc.int32) + tc.tensor(1), "int32"),
    ("int dim + float64 0-dim", lambda: tc.tensor([1]) + tc.tensor(1.0, dtype=tc.float64), "float64"),
    ("bool dim + int32 0-dim", lambda: tc.tensor([True]) + tc.tensor(1, dtype=tc.int32), "int32"),
    ("0-dim int + 0-dim float64", lambda: tc.tensor(1) + tc.tensor(1.0, dtype=tc.float64), "float64"),
    ("0-dim int32 + int scalar", lambda: tc.tensor(1, dtype=tc.int32) + 1, "int32"),
    ("0-dim float64 + float scalar", lambda: tc.tensor(1.0, dtype=tc.float64) * 2.0, "float64"),
    ("float scalar ** int tensor", lambda: 2.0 ** tc.tensor([1, 2]), "float32"),
    ("int scalar - float64 tensor", lambda: 1 - tc.tensor([1.0], dtype=tc.float64), "float64"),
    ("comparison int vs float", lambda: tc.tensor([1, 2]) < 1.5, "bool"),
    ("where int/float scalar", lambda: tc.where(tc.tensor([True, False]), tc.tensor([1, 2]), 2.5), "float32"),
    ("sum of bool", lambda: tc.tensor([True, True]).sum(), "int64"),
    ("sum of int32", lambda: tc.tensor([1], dtype=tc.int32).sum(), "int64"),
    ("cumsum of int32", lambda: tc.tensor([1], dtype=tc.int32).cumsum(0), "int64"),
    ("exp of int", lambda: tc.tensor([1]).exp(), "float32"),
    ("sqrt of bool", lambda: tc.tensor([True]).sqrt(), "float32"),
    ("default float64", None, "float64"),
]


@pytest.mark.parametrize("desc,thunk,want", PROMOTION, ids=[p[0] for p in PROMOTION])
def test_type_promotion(desc, thunk, want):
    if thunk is None:
        prev = tc.get_default_dtype()
        tc.set_default_dtype(tc.float64)
        try:
            assert (tc.tensor([1, 2]) + 1.5).dtype == tc.float64
            assert (tc.tensor([1, 2]) / 2).dtype == tc.float64
            assert tc.tensor([1.5]).dtype == tc.float64
            assert (tc.tensor([1.0], dtype=tc.float32) + 1.5).dtype == tc.float32
        finally:
            tc.set_default_dtype(prev)
        return
    assert thunk().dtype.name == want


@pytest.mark.parametrize("desc,thunk,want", [p for p in PROMOTION if p[1] is not None],
                         ids=[p[0] for p in PROMOTION if p[1] is not None])
def test_type_promotion_matches_torch(desc, thunk, want, torch):
    import types
    code = thunk.__code__
    g = dict(thunk.__globals__)
    g["tc"] = torch
    tthunk = types.FunctionType(code, g)
    assert str(tthunk().dtype) == "torch." + want


def test_result_type_function():
    assert tc.result_type(tc.tensor([1]), 1.0) == tc.float32
    assert tc.result_type(tc.tensor([1], dtype=tc.int32), tc.tensor(1)) == tc.int32
    assert tc.promote_types(tc.int32, tc.float32) == tc.float32
    assert tc.promote_types(tc.bool, tc.int64) == tc.int64


# ---------------------------------------------------------------------------
# Return types of reductions with dim.
def test_max_with_dim_returns_namedtuple():
    x = tc.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    r = x.max(dim=1)
    assert isinstance(r, tuple) and len(r) == 2
    assert r.values.tolist() == [5.0, 7.0] and r.indices.tolist() == [1, 0]
    v, i = x.min(0, keepdim=True)
    assert v.shape == (1, 3) and i.dtype == tc.int64
    assert type(r).__name__ == "max"
    assert repr(r).startswith("tensorcore.return_types.max(\nvalues=tensor([5., 7.]),\nindices=tensor([1, 0]))")
    s = x.sort(dim=1, descending=True)
    assert s.values[0].tolist() == [5.0, 2.0, 1.0] and s.indices[0].tolist() == [1, 2, 0]
    t = x.topk(2)
    assert t.indices.tolist() == [[1, 2], [0, 2]]


def test_return_type_reprs_match_torch(torch):
    data = [[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]
    for name, f in (("max", lambda m, x: x.max(1)), ("min", lambda m, x: x.min(0)),
                    ("sort", lambda m, x: x.sort()), ("topk", lambda m, x: x.topk(1))):
        a = repr(f(tc, tc.tensor(data)))
        b = repr(f(torch, torch.tensor(data))).replace("torch.", "tensorcore.")
        assert a == b, name


@pytest.mark.filterwarnings("ignore:var.*degrees of freedom:UserWarning")
def test_reductions_over_empty_and_scalar(torch):
    cases = [lambda m: m.zeros(2, 0).sum(1), lambda m: m.zeros(2, 0).sum(), lambda m: m.zeros(0).prod(),
             lambda m: m.zeros(2, 0).mean(1), lambda m: m.zeros(2, 0).all(1), lambda m: m.zeros(0, 3).any(0),
             lambda m: m.tensor(3.0).sum(0), lambda m: m.tensor(3.0).max(0), lambda m: m.tensor(3.0).softmax(0),
             lambda m: m.tensor(2.0).cumsum(0), lambda m: m.tensor([[1.0]]).var(), lambda m: m.zeros(2, 0).max(1),
             lambda m: m.zeros(2, 0).argmax(), lambda m: m.zeros(0).max(), lambda m: m.tensor(5).argmax(),
             lambda m: m.tensor([3.0, 1.0]).sort(0, True), lambda m: m.tensor(1.0).sort(),
             lambda m: m.zeros(3, 0).logsumexp(1), lambda m: m.zeros(0, 3).topk(0)]
    for i, f in enumerate(cases):
        try:
            ref = f(torch)
            ref_e = None
        except Exception as e:  # noqa: BLE001
            ref, ref_e = None, e
        try:
            out = f(tc)
            e = None
        except Exception as ex:  # noqa: BLE001
            out, e = None, ex
        if ref_e is not None:
            assert e is not None and exception_family(e) == exception_family(ref_e), (i, ref_e, e)
        else:
            assert e is None, (i, e)
            assert dtype_name(out) == dtype_name(ref), i
            assert_close(to_numpy(out), to_numpy(ref), msg=str(i))


def test_matmul_broadcasting_shapes():
    cases = {((3,), (3,)): (), ((2, 3), (3,)): (2,), ((3,), (3, 4)): (4,), ((5, 2, 3), (3, 4)): (5, 2, 4),
             ((2, 3), (5, 3, 4)): (5, 2, 4), ((2, 1, 2, 3), (4, 3, 2)): (2, 4, 2, 2), ((3,), (5, 3, 4)): (5, 4),
             ((5, 2, 3), (3,)): (5, 2)}
    for (sa, sb), want in cases.items():
        a, b = tc.ones(*sa), tc.ones(*sb)
        assert (a @ b).shape == want, (sa, sb)
        assert tc.matmul(a, b).shape == want
        assert_close((a @ b).numpy(), np.ones(sa) @ np.ones(sb))


def test_cat_stack_errors_and_promotion():
    assert tc.cat([tc.tensor([1]), tc.tensor([2.0])]).dtype == tc.float32
    assert tc.stack([tc.tensor([True]), tc.tensor([2])]).dtype == tc.int64
    with pytest.raises(RuntimeError):
        tc.cat([tc.ones(2, 3), tc.ones(2, 4)])
    with pytest.raises(RuntimeError):
        tc.stack([tc.ones(2), tc.ones(3)])
    with pytest.raises(TypeError):
        tc.cat(tc.ones(2))
    assert tc.cat([tc.ones(2, 3), tc.ones(2, 4)], dim=1).shape == (2, 7)


LEGACY_AND_EDGE = {  # calls that once differed from PyTorch (differential runs)
    "type_legacy_class": lambda m, x: x.type(m.LongTensor), "type_string": lambda m, x: x.type("torch.DoubleTensor"),
    "isinstance_legacy": lambda m, x: [isinstance(x, m.FloatTensor), isinstance(x, m.LongTensor)],
    "legacy_sizes": lambda m, x: tuple(m.FloatTensor(2, 3).shape), "tensor_range": lambda m, x: m.tensor(range(3)),
    "round_decimals": lambda m, x: m.round(x / 7, decimals=2), "round_negative": lambda m, x: (x * 37).round(decimals=-1),
    "int_pow_negative_tensor": lambda m, x: m.tensor([2, 3, 1, -1]) ** m.tensor([-1, 2, -3, -3]),
    "pow_special_exponents": lambda m, x: [bool(m.equal((x + 0.3) ** e, r)) for e, r in
                                           ((3, (x + 0.3) * (x + 0.3) * (x + 0.3)), (0.5, (x + 0.3).sqrt()),
                                            (-1, 1 / (x + 0.3)))],
    "split_empty": lambda m, x: [tuple(t.shape) for t in m.zeros(0, 3).split(2)],
    "size_times_int": lambda m, x: tuple(m.Size([2, 3]) * 2) + (type(m.Size([2]) * 2).__name__,),
    "median_nan": lambda m, x: m.tensor([[1.0, float("nan"), 0.0], [3.0, 1.0, 2.0]]).median(1),
    "median_all_nan": lambda m, x: m.tensor([1.0, float("nan"), 0.0]).median(),
    "median_empty": lambda m, x: m.tensor([]).median(),
    "neg_zero_repr": lambda m, x: repr(-m.linspace(-1, 1, 5)),
}


@pytest.mark.parametrize("case", sorted(LEGACY_AND_EDGE))
def test_legacy_and_edge_calls_match_torch(case, torch):
    def norm(v):
        if isinstance(v, tuple) and hasattr(v, "values"):
            return [norm(v.values), norm(v.indices)]
        if hasattr(v, "tolist"):
            return [str(v.dtype).split(".")[-1], np.asarray(v.detach().numpy()).tolist()]
        return v
    got, want = (norm(LEGACY_AND_EDGE[case](m, m.arange(6.0).reshape(2, 3))) for m in (tc, torch))
    assert str(got).replace("tensorcore", "torch") == str(want)


def test_cuda_requests_raise_assertion_error_like_a_cpu_torch(torch):
    for m in (tc, torch):
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            m.ones(2).cuda()
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            m.ones(2, device="cuda")


# ---- broadcast_shapes / promote_types / can_cast: one implementation, in C++ ----

def _outcome(f):
    try:
        return "ok", f()
    except Exception as e:  # noqa: BLE001 - compared with PyTorch's
        return type(e).__name__, str(e)


@pytest.mark.parametrize("shapes", [
    ((2, 1), (3,)), (2, (2, 1)), ((1,), ()), ((2,), (3,)), ((2, 3), (4, 3), (1,)), ((3,), (2, 3), (4, 3)),
    ((2, 1), (3,), (4, 1)), ((0,), (2,)), ((2,), (0,)), ((1,), (0,), (3,)), ([], [2]), (3, 4), ((2,), None),
    ((2, -1),), ((True, 2),), ((2,), 2.5), (), ((5, 1, 4), [1, 6, 1]),
])
def test_broadcast_shapes_matches_torch(shapes):
    torch = pytest.importorskip("torch")
    got, want = _outcome(lambda: tc.broadcast_shapes(*shapes)), _outcome(lambda: torch.broadcast_shapes(*shapes))
    if want[0] == "ok":
        assert got[0] == "ok" and tuple(got[1]) == tuple(want[1]) and isinstance(got[1], tc.Size)
    else:
        assert got == want


def test_broadcast_shapes_accepts_sizes():
    torch = pytest.importorskip("torch")
    assert tuple(tc.broadcast_shapes(tc.Size([2, 1]), [4])) == tuple(torch.broadcast_shapes(torch.Size([2, 1]), [4]))


def test_promote_types_and_can_cast_match_torch_for_every_pair():
    torch = pytest.importorskip("torch")
    names = list(ALL_DTYPES)
    for a in names:
        for b in names:
            ta, tb = getattr(tc, a), getattr(tc, b)
            pa, pb = getattr(torch, a), getattr(torch, b)
            assert str(tc.promote_types(ta, tb)).split(".")[1] == str(torch.promote_types(pa, pb)).split(".")[1]
            assert tc.can_cast(ta, tb) == torch.can_cast(pa, pb), (a, b)


def test_op_db_promotion_oracle_matches_torch(torch):
    """op_db's own lattice (used for the numpy comparison's result dtypes) is PyTorch's."""
    for a in ALL_DTYPES:
        for b in ALL_DTYPES:
            want = str(torch.promote_types(getattr(torch, a), getattr(torch, b))).split(".")[1]
            assert op_db.promote_types(a, b) == want, (a, b)


@pytest.mark.parametrize("args", [(1, 2), ("float32", "int32"), (None, float), (float, int), (bool, float)])
def test_dtype_utilities_take_what_torch_takes(args):
    torch = pytest.importorskip("torch")
    for fn in ("promote_types", "can_cast"):
        got = _outcome(lambda: getattr(tc, fn)(*args))
        want = _outcome(lambda: getattr(torch, fn)(*args))
        if want[0] == "ok":  # Python types stand for float64 / int64 / bool
            assert got[0] == "ok" and str(got[1]).replace("tensorcore", "torch") == str(want[1])
        else:
            assert got[0] == want[0] == "TypeError"
            assert got[1] == want[1].replace("torch.dtype", "tensorcore.dtype")
