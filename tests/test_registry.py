"""The elementwise registry (csrc/backend/op_tables.h, Note [Op tables]) against
PyTorch: every row is reachable exactly where torch has it, its node names
match, its gradients pass gradcheck, and its Python signatures raise torch's
TypeErrors."""
import math

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import _elementwise

ROWS = [r for r in _elementwise.rows() if not r.name.startswith("_")]
NAMES = [(r, n) for r in ROWS for n in (r.name,) + r.aliases]


@pytest.mark.parametrize("row,name", NAMES, ids=[n for _, n in NAMES])
def test_row_reachable_exactly_where_torch_has_it(row, name, torch):
    for where, ours, theirs in (("tensorcore", tc, torch), ("Tensor", tc.Tensor, torch.Tensor)):
        assert hasattr(ours, name) == hasattr(theirs, name), f"{where}.{name}"
    assert hasattr(tc.Tensor, name + "_") == hasattr(torch.Tensor, name + "_"), f"Tensor.{name}_"
    # The forms column says the same thing the attributes do.
    assert ("function" in row.forms) == hasattr(torch, name)
    assert ("method" in row.forms) == hasattr(torch.Tensor, name)
    assert ("inplace" in row.forms) == hasattr(torch.Tensor, name + "_")


def _inputs(m, row, scalar=None):
    """Float64 inputs inside every op's domain (positive, distinct, < 1 for asin/acos)."""
    a = m.tensor([0.3, 0.55, 0.8], dtype=m.float64, requires_grad=True)
    b = m.tensor([0.7, 0.45, 0.35], dtype=m.float64, requires_grad=True)  # no ratio near an integer
    if row.name == "acosh":  # real on [1, inf)
        a = m.tensor([1.3, 1.55, 1.8], dtype=m.float64, requires_grad=True)
    if row.arity == 1:
        return (a,)
    if scalar == "other":
        return (a, 1.5)
    if scalar == "self":
        return (1.5, b)
    return (a, b)


def _forms(row):
    yield None
    if "number_other" in row.forms:
        yield "other"
    if "number_self" in row.forms:
        yield "self"


GRAD_CASES = [(r, s) for r in ROWS if r.differentiable for s in _forms(r)]


@pytest.mark.parametrize("row,scalar", GRAD_CASES, ids=[f"{r.name}-{s or 'tensors'}" for r, s in GRAD_CASES])
def test_grad_fn_names_and_gradients_match_torch(row, scalar, torch):
    fn_tc, fn_torch = getattr(tc, row.name), getattr(torch, row.name)
    ours, theirs = fn_tc(*_inputs(tc, row, scalar)), fn_torch(*_inputs(torch, row, scalar))
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    if type(theirs.grad_fn).__name__ == "NotImplemented":
        with pytest.raises(RuntimeError) as theirs_err:
            theirs.sum().backward()
        with pytest.raises(RuntimeError) as ours_err:
            ours.sum().backward()
        assert str(ours_err.value) == str(theirs_err.value)
        return
    ins_tc, ins_torch = _inputs(tc, row, scalar), _inputs(torch, row, scalar)
    fn_tc(*ins_tc).sum().backward()
    fn_torch(*ins_torch).sum().backward()
    for x, y in zip(ins_tc, ins_torch):
        if isinstance(x, tc.Tensor):
            # digamma's gradient is trigamma, whose PyTorch series is truncated early (~1e-9 relative; tensorcore's
            # agrees with scipy to 1e-15)
            rtol = 1e-8 if row.name == "digamma" else 1e-10
            theirs = torch.zeros_like(y).add(y.grad).numpy()  # sgn's gradient is a PyTorch ZeroTensor: no .numpy()
            np.testing.assert_allclose(x.grad.numpy(), theirs, rtol=rtol, atol=1e-12)
    tensors = [x for x in _inputs(tc, row, scalar) if isinstance(x, tc.Tensor)]

    def f(*ts):
        it = iter(ts)
        return fn_tc(*[next(it) if isinstance(x, tc.Tensor) else x for x in _inputs(tc, row, scalar)])
    assert tc.autograd.gradcheck(f, tuple(t.detach().requires_grad_(True) for t in tensors))


OUT_CASES = [r for r in ROWS if "function" in r.forms]


@pytest.mark.parametrize("row", OUT_CASES, ids=lambda r: r.name)
def test_out_form_exactly_where_torch_has_it(row, torch):
    results = []
    for m in (tc, torch):
        args = [m.tensor([1.0, 2.0]) for _ in range(row.arity)]
        if row.name.startswith("bitwise") or row.name in ("gcd", "lcm"):
            args = [a.long() for a in args]
        out = m.empty(0, dtype=getattr(m, row.name)(*args).dtype)
        try:
            r = getattr(m, row.name)(*args, out=out)
            results.append((r is out, str(out.dtype).split(".")[-1], np.asarray(out.tolist(), dtype=np.float64)))
        except TypeError:
            results.append("TypeError")
    if results[1] == "TypeError":
        assert results[0] == "TypeError"
    else:
        assert results[0][:2] == results[1][:2]
        np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6)
    assert results[0] == "TypeError" or ("out" in row.forms)


BAD_CALLS = [
    ("exp_number", lambda m: m.exp(2)),
    ("exp_two_positional", lambda m: m.exp(m.ones(2), 2)),
    ("exp_unknown_keyword", lambda m: m.exp(m.ones(2), foo=2)),
    ("exp_method_argument", lambda m: m.ones(2).exp(2)),
    ("exp_inplace_argument", lambda m: m.ones(2).exp_(1)),
    ("exp_keyword_input_number", lambda m: m.exp(input=3)),
    ("exp_missing", lambda m: m.exp()),
    ("atan2_number", lambda m: m.atan2(m.ones(2), 2)),
    ("atan2_number_self", lambda m: m.atan2(3, m.ones(2))),
    ("atan2_method_number", lambda m: m.ones(2).atan2(2)),
    ("atan2_keyword_number", lambda m: m.ones(2).atan2(other=2)),
    ("atan2_missing", lambda m: m.atan2(m.ones(2))),
    ("atan2_repeated", lambda m: m.ones(2).atan2(m.ones(2), other=m.ones(2))),
    ("atan2_too_many", lambda m: m.atan2(m.ones(2), m.ones(2), m.ones(2))),
    ("atan2_method_too_many", lambda m: m.ones(2).atan2(m.ones(2), m.ones(2))),
    ("maximum_number", lambda m: m.maximum(m.ones(2), 1.0)),
    ("logical_and_number", lambda m: m.logical_and(m.ones(2), 1)),
]


@pytest.mark.parametrize("desc,call", BAD_CALLS, ids=[d for d, _ in BAD_CALLS])
def test_argument_errors_are_torchs(desc, call, torch):
    with pytest.raises(TypeError) as theirs:
        call(torch)
    with pytest.raises(TypeError) as ours:
        call(tc)
    assert str(ours.value) == str(theirs.value)


def test_numbers_accepted_where_torch_has_scalar_overloads(torch):
    for name, args in (("pow", (2.0, "t")), ("remainder", (5, "t")), ("mul", (2, "t")), ("eq", ("t", 1.0)),
                       ("fmod", ("t", 1.5)), ("bitwise_and", ("i", 3))):
        outs = []
        for m in (tc, torch):
            vals = [m.tensor([1.0, 2.0]) if a == "t" else m.tensor([1, 6]) if a == "i" else a for a in args]
            outs.append(getattr(m, name)(*vals))
        assert outs[0].tolist() == outs[1].tolist() and str(outs[0].dtype) == str(outs[1].dtype).replace(
            "torch", "tensorcore"), name


def test_repeat_interleave_grad_fn_agrees_between_forms(torch):
    for m in (tc, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        names = {type(m.repeat_interleave(a, 2).grad_fn).__name__, type(a.repeat_interleave(2).grad_fn).__name__}
        assert names == {"ViewBackward0"}
        reps = m.tensor([1, 2])
        assert type(m.repeat_interleave(a, reps).grad_fn).__name__ == "IndexSelectBackward0"
        assert type(a.repeat_interleave(reps).grad_fn).__name__ == "IndexSelectBackward0"


def test_no_duplicate_public_names():
    from tensorcore import _functions
    assert len(_functions.__all__) == len(set(_functions.__all__))


def test_constants_used_in_formulas():
    # M_LN2 / M_LN10 / M_2_SQRTPI in the rows are these numbers.
    x = tc.tensor([0.5], dtype=tc.float64, requires_grad=True)
    tc.exp2(x).backward()
    assert math.isclose(x.grad.item(), 2 ** 0.5 * math.log(2), rel_tol=1e-15)
