"""The reduction table (csrc/bindings/reduction_table.h, Note [Reduction table]):
every row is installed where PyTorch has it, and its C++-parsed forms behave as
torch's -- values, dtypes, return types, grad_fn names, out=, and the
TypeErrors for malformed calls (Note [Overload errors])."""
import numpy as np
import pytest
import torch

import tensorcore as tc
from tensorcore import _elementwise, _functions

ROWS = _elementwise.reduction_rows()
NAMES = [r.name for r in ROWS]


def test_table_covers_the_family():
    assert set(NAMES) >= {"mean", "nansum", "nanmean", "prod", "amax", "amin", "max", "min", "argmax", "argmin",
                          "all", "any", "std", "var", "logsumexp", "softmax", "log_softmax", "cumsum", "cumprod",
                          "count_nonzero"}


@pytest.mark.parametrize("row", ROWS, ids=NAMES)
def test_row_installed_where_torch_has_it(row):
    assert ("function" in row.forms) == hasattr(torch, row.name)
    assert ("method" in row.forms) == hasattr(torch.Tensor, row.name)
    if "function" in row.forms:
        fn = getattr(tc, row.name)  # autocast's float32 list wraps some (prod): Note [CPU autocast op lists]
        assert getattr(fn, "__wrapped__", fn) == row.function
    if "method" in row.forms:
        meth = tc.Tensor.__dict__[row.name]
        assert getattr(meth, "__wrapped__", meth) == row.method
    # installed from the table, not listed by hand
    assert row.name not in _functions.__all__


def _data(lib, dtype="float32"):
    x = np.array([[1.5, -2.0, 3.0], [4.0, np.nan if dtype == "nan" else 0.5, -6.0]], dtype="float32")
    if dtype == "int64":
        x = np.array([[1, -2, 3], [4, 5, -6]], dtype="int64")
    return lib.from_numpy(x.copy())


def _outcome(lib, stmt, dtype="float32"):
    a = _data(lib, dtype)
    b = _data(lib, dtype) * 0 + 1
    env = {"torch": lib, "a": a, "b": b, "F": lib.nn.functional}
    try:
        return eval(stmt, env)
    except Exception as e:  # noqa: BLE001
        return e


def _same(t, r):
    if isinstance(t, Exception):
        assert isinstance(r, Exception), f"torch raised {type(t).__name__}: {t}; tensorcore returned {r!r}"
        assert type(r).__name__ == type(t).__name__, (t, r)
        return
    assert not isinstance(r, Exception), f"torch returned {t!r}; tensorcore raised {type(r).__name__}: {r}"
    if isinstance(t, tuple):
        assert isinstance(r, tuple) and type(r).__name__ == type(t).__name__
        assert [type(x).__name__ for x in r] == [type(x).__name__ for x in t]
        assert r.values is r[0] and r.indices is r[1]
        for x, y in zip(t, r):
            _same(x, y)
        return
    assert str(r.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(r.shape) == tuple(t.shape)
    np.testing.assert_allclose(r.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)


VALID = [
    "a.mean()", "a.mean(1)", "a.mean(dim=1, keepdim=True)", "a.mean((0, 1))", "a.mean(None)", "a.mean(axis=1)",
    "a.mean(1, True, dtype=torch.float64)", "torch.mean(a, -1)", "torch.mean(a, dim=[0], keepdims=True)",
    "a.nansum()", "a.nansum(1)", "torch.nansum(a, 0, True)", "a.nanmean(1)", "torch.nanmean(a)",
    "a.prod()", "a.prod(1)", "a.prod(1, True)", "torch.prod(a, 0, dtype=torch.float64)", "a.prod(dtype=torch.float64)",
    "a.amax()", "a.amax(1)", "a.amax((0, 1), True)", "torch.amin(a, -1)", "a.amin(dim=0, keepdim=True)",
    "a.max()", "a.max(1)", "a.max(1, True)", "a.max(dim=0, keepdim=True)", "a.max(b)", "torch.max(a)",
    "torch.max(a, 1)", "torch.max(a, dim=1, keepdim=True)", "torch.max(a, b)", "torch.max(a, axis=0)",
    "a.min()", "a.min(0)", "torch.min(a, 1, True)", "torch.min(a, b)",
    "a.argmax()", "a.argmax(1)", "a.argmax(dim=0, keepdim=True)", "torch.argmin(a, 1)", "a.argmax(None)",
    "a.all()", "a.all(1)", "(a > 0).any(0)", "torch.any(a > 0, (0, 1), True)", "a.all(dim=None)",
    "a.std()", "a.std(1)", "a.std(1, False)", "a.std(1, unbiased=False, keepdim=True)", "a.std(True)",
    "a.std(correction=0)", "a.std(0, correction=2, keepdim=True)", "torch.var(a, 1)", "a.var()", "a.var(False)",
    "torch.var(a, dim=(0, 1), correction=0)",
    "a.logsumexp(1)", "torch.logsumexp(a, (0, 1))", "a.logsumexp(0, True)",
    "a.softmax(1)", "a.softmax(-1, torch.float64)", "torch.softmax(a, 0)", "torch.softmax(a, 1, dtype=torch.float64)",
    "a.log_softmax(1)", "torch.log_softmax(a, dim=0)", "F.softmax(a, dim=-1)", "F.log_softmax(a, 1)",
    "F.softmax(a, 1, dtype=torch.float64)",
    "a.cumsum(1)", "a.cumsum(dim=0, dtype=torch.float64)", "torch.cumsum(a, -1)", "a.cumprod(1)",
    "torch.cumprod(a, 0, dtype=torch.float64)",
    "a.count_nonzero()", "a.count_nonzero(1)", "torch.count_nonzero(a, (0, 1))", "a.count_nonzero(dim=None)",
    "a.count_nonzero(axis=0)",
]


@pytest.mark.parametrize("stmt", VALID)
def test_values_match_torch(stmt):
    _same(_outcome(torch, stmt), _outcome(tc, stmt))


@pytest.mark.parametrize("stmt", ["a.mean(1)", "a.nansum(1)", "a.sum(1)", "a.prod(1)", "a.max(1)", "a.argmax(1)",
                                  "a.cumsum(0)", "a.cumprod(1)", "a.all()", "a.std(1)", "a.var()", "torch.max(a)",
                                  "a.softmax(1, torch.float64)", "a.logsumexp(0)", "a.nanmean()", "a.amax(1)"])
@pytest.mark.parametrize("dtype", ["int64", "nan"])
def test_values_match_torch_other_inputs(stmt, dtype):
    _same(_outcome(torch, stmt, dtype), _outcome(tc, stmt, dtype))


@pytest.mark.parametrize("stmt", ["a.mean(1)", "a.nansum(1)", "a.prod(1)", "a.max(1)[0]", "a.max()", "torch.max(a, b)",
                                  "a.amax(1)", "a.std(1)", "a.var(0)", "a.logsumexp(1)", "a.softmax(1)",
                                  "F.log_softmax(a, 1)", "a.cumsum(1)", "a.cumprod(1)", "a.nanmean(1)",
                                  "a.mean(1, dtype=torch.float64)"])
def test_grad_fn_names_match_torch(stmt):
    names = []
    for lib in (torch, tc):
        a = _data(lib).requires_grad_()
        r = eval(stmt, {"torch": lib, "a": a, "b": a.detach() + 1, "F": lib.nn.functional})
        names.append(type(r.grad_fn).__name__ if lib is torch else r.grad_fn.name())
        r.sum().backward()
        names.append(a.grad.numpy().round(5).tolist())
    assert names[0] == names[2]
    np.testing.assert_allclose(names[1], names[3], rtol=1e-4)


OUT = [
    ("torch.mean(a, 1, out=o)", "float64"), ("torch.nansum(a, 1, out=o)", "float32"),
    ("torch.prod(a, 0, out=o)", "float64"), ("torch.amax(a, 1, out=o)", "float32"),
    ("torch.amax(a, 1, out=o)", "float64"), ("torch.cumsum(a, 1, out=o)", "float64"),
    ("torch.logsumexp(a, 1, out=o)", "float32"), ("torch.mean(a, 1, dtype=torch.float32, out=o)", "float64"),
    ("torch.cumsum(a, 1, dtype=torch.float64, out=o)", "float64"),
]


@pytest.mark.parametrize("stmt,odt", OUT)
def test_out_matches_torch(stmt, odt):
    res = []
    for lib in (torch, tc):
        o = lib.zeros(0, dtype=getattr(lib, odt))
        r = _outcome_with(lib, stmt, o)
        res.append((r, o))
    (t, to), (r, ro) = res
    _same(t, r)
    if not isinstance(t, Exception):
        assert r is ro
        _same(to, ro)


def _outcome_with(lib, stmt, o):
    try:
        return eval(stmt, {"torch": lib, "a": _data(lib), "o": o})
    except Exception as e:  # noqa: BLE001
        return e


# out= forms torch has (including ones tensorcore lacked before the table), with their errors' text.
OUT_MORE = [
    "torch.softmax(a, 1, out=torch.zeros(0))", "torch.log_softmax(a, 1, out=torch.zeros(2, 3, dtype=torch.float64))",
    "torch.argmax(a, 1, out=torch.zeros(0, dtype=torch.int64))", "torch.argmax(a, 1, out=torch.zeros(0))",
    "torch.all(a, 1, out=torch.zeros(0, dtype=torch.bool))", "torch.std(a, 1, out=torch.zeros(0))",
    "torch.var(a, out=torch.zeros(0))", "torch.max(a, out=torch.zeros(0))", "torch.max(a, b, out=torch.zeros(0))",
    "torch.nanmean(a, 1, out=torch.zeros(0))", "torch.cumprod(a, 1, out=torch.zeros(0))",
    "torch.max(a, 1, out=torch.zeros(0))", "torch.max(a, 1, out=(torch.zeros(0),))",
    "torch.prod(a, 1, out=torch.zeros(0, dtype=torch.int64))", "torch.mean(a.long(), 1, out=torch.zeros(0))",
    "torch.amax(a, 1, out=torch.zeros(0, dtype=torch.float64))", "torch.softmax(a, 1, out=3)",
    "torch.any(a, out=torch.zeros(0, dtype=torch.bool))",
]


@pytest.mark.parametrize("stmt", OUT_MORE)
def test_more_out_forms_match_torch(stmt):
    t, r = _outcome(torch, stmt), _outcome(tc, stmt)
    _same(t, r)
    if isinstance(t, Exception):
        assert str(r) == str(t)


def test_max_out_tuple():
    for lib in (torch, tc):
        v, i = lib.zeros(0), lib.zeros(0, dtype=lib.int64)
        r = lib.max(_data(lib), 1, out=(v, i))
        assert r[0] is v and r[1] is i
        assert v.tolist() == [3.0, 4.0] and i.tolist() == [2, 0]


# Malformed calls: PyTorch's TypeErrors, word for word (one keyword at most per
# call: PyTorch lists several in hash order).
BAD = [
    "a.max(1, True, 2)", "a.max(dim=None)", "a.max(None)", "a.max(1.5)", "a.max('a')", "a.max(1, 1)",
    "a.max(keepdim=True)", "a.max(foo=1)", "torch.max(a, 1, foo=2)", "torch.max()", "torch.max(a, a, True)",
    "a.min(1, keepdim=1)", "torch.min(a, 1.5)",
    "a.mean(1.0)", "a.mean(foo=1)", "a.mean(1, 2, 3, 4)", "a.mean(keepdim=True)", "a.mean(dtype=3)",
    "torch.mean([1, 2])", "torch.mean(a, 1, True, torch.float64)", "a.mean(dim=1, axis=1)",
    "torch.nansum(a, 1.5)", "torch.nansum(a, foo=1)", "a.nansum(1, 2)", "torch.nanmean(a, 1.5)",
    "torch.nanmean(a, keepdim=1)",
    "torch.prod(a, None)", "torch.prod(a, (0, 1))", "a.prod(1.0)", "a.prod(keepdim=True)", "a.prod(dim=None)",
    "torch.prod(a, 1, 2)",
    "torch.amax(a, 1.0)", "torch.amax(a, foo=1)", "a.amax(1, 2)", "torch.amin(a, 'x')",
    "a.argmax(1.0)", "a.argmax((0, 1))", "a.argmax(1, 1)", "torch.argmax(a, foo=1)", "torch.argmin(a, dim=1.0)",
    "a.all(1.0)", "a.all(1, 2)", "torch.any(a, foo=1)", "a.any(1, 2, 3)",
    "a.std(1.0)", "a.std(1, 2)", "a.std(1, True, 2)", "a.std(unbiased=2)", "a.std(correction='a')",
    "a.var(foo=1)", "torch.var(a, 1, True, True, True)", "a.var(True, 1)", "torch.std(1)",
    "a.logsumexp()", "a.logsumexp(1.0)", "a.logsumexp(1, 2)", "torch.logsumexp(a)",
    "a.softmax()", "a.softmax(1.0)", "a.softmax(1, 2)", "a.softmax(1, dtype=2)", "torch.softmax(a)",
    "torch.softmax(a, 1, foo=2)", "torch.log_softmax(a, None)", "a.log_softmax(dim=(0, 1))", "F.softmax(a, 1.5)",
    "a.cumsum()", "a.cumsum(1.0)", "a.cumsum(1, 2)", "torch.cumsum(a, (0,))", "torch.cumprod(a)",
    "a.cumprod(1.5)", "a.cumprod(1, dtype='x')", "torch.cumprod(a, 1, foo=1)",
    "a.count_nonzero({})", "torch.count_nonzero(a, {})", "a.count_nonzero(1.5)", "torch.count_nonzero(a, 1, out=a)",
]


@pytest.mark.parametrize("stmt", BAD)
def test_argument_errors_match_torch(stmt):
    t, r = _outcome(torch, stmt), _outcome(tc, stmt)
    assert isinstance(t, TypeError), t
    assert isinstance(r, TypeError), r
    assert str(r) == str(t)


# Every row over a grid of dim / keepdim spellings (positional, keyword, the
# function form): same result (dtype, shape, values) or same exception type as
# torch, and the same text for TypeErrors.
_DIMS = ["None", "0", "-1", "(0, 1)", "[1]", "5", "()", "True"]
_KEEPDIMS = ["True", "False", "1", "None"]


def _grid(op):
    stmts = [f"a.{op}()", f"torch.{op}(a)", f"a.{op}(keepdim=True)", f"a.{op}(1, dtype=torch.float64)",
             f"a.{op}(dtype=torch.float64)"]
    for d in _DIMS:
        stmts += [f"a.{op}({d})", f"torch.{op}(a, {d})", f"a.{op}(dim={d})"]
        for k in _KEEPDIMS:
            stmts += [f"a.{op}({d}, {k})", f"torch.{op}(a, dim={d}, keepdim={k})", f"a.{op}({d}, keepdim={k})"]
    return stmts


def _grid_outcome(lib, stmt, dtype):
    a = lib.from_numpy(np.array([[1.5, -2.0, 3.0], [4.0, 0.0, -6.0]], dtype=dtype))
    try:
        r = eval(stmt, {"torch": lib, "a": a})
    except Exception as e:  # noqa: BLE001
        return ("raises", type(e).__name__, str(e) if isinstance(e, TypeError) else "")
    if isinstance(r, tuple):
        r = r[0]
    values = r.numpy().tolist() if r.dtype == lib.bool else np.round(r.double().numpy(), 4).tolist()
    return ("returns", str(r.dtype).split(".")[-1], tuple(r.shape), values)


@pytest.mark.parametrize("op", NAMES)
def test_dim_keepdim_grid_matches_torch(op):
    for stmt in _grid(op):
        for dtype in ("float32", "int64"):
            assert _grid_outcome(tc, stmt, dtype) == _grid_outcome(torch, stmt, dtype), (stmt, dtype)
