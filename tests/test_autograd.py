"""Autograd: finite-difference gradchecks for every differentiable op in the op
database, gradients and grad_fn names against PyTorch, and the semantics of
the autograd API (accumulation, retain_graph, hooks, grad modes, custom
Functions, higher-order gradients, version counters)."""
import gc
import warnings

import numpy as np
import pytest

import tensorcore as tc
import op_db
from op_db import DIFFERENTIABLE, Sample, assert_close, to_numpy
from tensorcore.autograd import gradcheck, gradgradcheck


# ---------------------------------------------------------------------------
# gradcheck for every differentiable op
def _grad_inputs(sample):
    """Leaf tensors for the float64 arrays of a sample plus a function that
    rebuilds the op's arguments from them (through a step-2 slice for strided
    samples, so the gradient also flows through the slicing view)."""
    leaves, builders = [], []
    for a in sample.args:
        if isinstance(a, np.ndarray) and a.dtype == np.float64:
            if sample.strided and a.ndim >= 1:
                leaf = tc.tensor(np.repeat(a, 2, axis=-1), requires_grad=True)
                builders.append(("slice", len(leaves)))
            else:
                leaf = tc.tensor(a, requires_grad=True)
                builders.append(("leaf", len(leaves)))
            leaves.append(leaf)
        else:
            builders.append(("const", op_db.to_module(tc, a, sample.strided)))

    def build(*ts):
        args = []
        for kind, v in builders:
            if kind == "slice":
                args.append(ts[v][..., ::2])
            elif kind == "leaf":
                args.append(ts[v])
            else:
                args.append(v)
        return args
    return leaves, build


def _as_outputs(out):
    if isinstance(out, (tuple, list)):
        return tuple(o for o in out if isinstance(o, tc.Tensor) and o.dtype.is_floating_point)
    return out


GRAD_CASES = [(op, i, s) for op in DIFFERENTIABLE for i, s in enumerate(op_db.grad_samples(op))]


@pytest.mark.parametrize("op,i,sample", GRAD_CASES, ids=[f"{o.name}-{i}" for o, i, _ in GRAD_CASES])
def test_gradcheck(op, i, sample):
    leaves, build = _grad_inputs(sample)
    assert leaves, "no differentiable input"

    def fn(*ts):
        return _as_outputs(op_db.select_outputs(op, op.fn(tc, *build(*ts), **sample.kwargs)))
    assert gradcheck(fn, tuple(leaves), eps=1e-6, atol=1e-5, rtol=1e-3)


def test_every_differentiable_op_has_a_gradcheck():
    covered = {op.name for op, _, _ in GRAD_CASES}
    assert covered == {op.name for op in DIFFERENTIABLE}


# ---------------------------------------------------------------------------
# Gradients and grad_fn names against PyTorch
def _grad_fn_names(out):
    if isinstance(out, (tuple, list)):
        return tuple(_grad_fn_names(o) for o in out)
    fn = out.grad_fn
    return None if fn is None else type(fn).__name__


def _run_backward(m, op, sample, weights_rng):
    out, args = op_db.call(op, m, sample, requires_grad=True)
    leaves = []
    for a in args:
        if hasattr(a, "requires_grad") and a.requires_grad:
            leaves.append(a)
        elif isinstance(a, list):
            leaves += [x for x in a if hasattr(x, "requires_grad") and x.requires_grad]
    names = _grad_fn_names(out)
    sel = op_db.select_outputs(op, out)
    outs = list(sel) if isinstance(sel, (tuple, list)) else [sel]
    loss = None
    for o in outs:
        if not (hasattr(o, "requires_grad") and o.requires_grad):
            continue
        w = m.tensor(weights_rng.standard_normal(tuple(o.shape)), dtype=o.dtype)
        term = (o * w).sum()
        loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    return names, [None if x.grad is None else to_numpy(x.grad) for x in leaves], \
        [x.grad.dtype if x.grad is not None else None for x in leaves]


# float16 / bfloat16: gradients in the storage dtype, compared with PyTorch's
# within a few units in the last place (both libraries round at every node of
# the backward graph). gradcheck itself stays float64.
TORCH_GRAD_CASES = [(op, dt) for op in DIFFERENTIABLE for dt in ("float32", "float64", "float16", "bfloat16")]
GRAD_TOL = {"float32": (2e-4, 2e-5), "float64": (1e-7, 1e-9), "float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)}

# grad_fn names that differ from PyTorch because tensorcore composes the op
# from others: (ours, torch's). Gradients must still match.
KNOWN_NAME_DIFFS = {
    # matmul's node depends on how the batched product is decomposed (torch
    # transposes/folds differently, squeezes in place): only gradients compared.
    "matmul": None,
}


def _names_equal(op, ours, theirs):
    if ours == theirs:
        return True
    if op.name in KNOWN_NAME_DIFFS:
        if KNOWN_NAME_DIFFS[op.name] is None:
            return True
        a, b = KNOWN_NAME_DIFFS[op.name]
        return str(ours).replace(a, b) == str(theirs)
    return False


@pytest.mark.parametrize("op,dtype", TORCH_GRAD_CASES, ids=[f"{o.name}-{d}" for o, d in TORCH_GRAD_CASES])
def test_gradients_and_grad_fn_names_match_torch(op, dtype, torch):
    for k, s in enumerate(op_db.samples(op, dtype)):
        if any(isinstance(a, np.ndarray) and a.size == 0 for a in s.args):
            continue
        try:
            t_names, t_grads, t_dts = _run_backward(torch, op, s, op_db.rng_for("w", op.name, k))
        except Exception:  # noqa: BLE001 - torch rejects the sample: the forward test covers that
            continue
        names, grads, dts = _run_backward(tc, op, s, op_db.rng_for("w", op.name, k))
        where = f"{op.name} {dtype} {s}"
        assert _names_equal(op, names, t_names), f"{where}: grad_fn {names} != torch {t_names}"
        assert len(grads) == len(t_grads)
        tol = GRAD_TOL[dtype]
        for g, tg, d, td in zip(grads, t_grads, dts, t_dts):
            assert (g is None) == (tg is None), where
            if g is not None:
                assert d.name == str(td).replace("torch.", ""), where
                assert_close(g, tg, *tol, msg=where)


# ---------------------------------------------------------------------------
# gradgradcheck (create_graph=True, second derivatives) on a few ops
GRADGRAD = {
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b.abs() + 1),
    "pow": lambda a, b: (a.abs() + 0.5) ** b,
    "exp_tanh": lambda a, b: (a.exp() * b.tanh()),
    "sigmoid_log": lambda a, b: a.sigmoid() + (b * b + 1).log(),
    "sum_mean": lambda a, b: (a * b).sum(0) + a.mean(0),
    "matmul": lambda a, b: a @ b.t(),
    "softmax": lambda a, b: (a * b).softmax(1),
    "sqrt_sin": lambda a, b: (a * a + 1).sqrt() * b.sin(),
    "views": lambda a, b: a.t()[1:, ::2].reshape(-1) * b.flatten()[:2],
}


@pytest.mark.parametrize("name", sorted(GRADGRAD))
def test_gradgradcheck(name):
    rng = np.random.default_rng(7)
    a = tc.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tc.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    assert gradgradcheck(GRADGRAD[name], (a, b))


def test_second_derivative_values():
    x = tc.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = tc.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    assert g.tolist() == [3.0, 12.0, 27.0]
    (g2,) = tc.autograd.grad(g.sum(), x)
    assert g2.tolist() == [6.0, 12.0, 18.0]
    # backward(create_graph=True) then differentiate x.grad again
    x2 = tc.tensor([2.0], requires_grad=True)
    (x2 ** 4).sum().backward(create_graph=True)
    assert x2.grad.tolist() == [32.0] and x2.grad.requires_grad
    (h,) = tc.autograd.grad(x2.grad.sum(), x2)
    assert h.tolist() == [48.0]


# ---------------------------------------------------------------------------
# Semantics
def test_tutorial_sequence_matches_torch(torch):
    out = {}
    for m in (tc, torch):
        a = m.autograd.Variable(m.ones(2, 2), requires_grad=True)
        b = a + 2
        c = b ** 2
        o = c.sum()
        reprs = [repr(a), repr(b), repr(c), repr(o)]
        o.backward()
        reprs.append(repr(a.grad))
        names = [type(t.grad_fn).__name__ for t in (b, c, o)]
        chain = []
        fn = o.grad_fn
        while fn is not None:
            chain.append(type(fn).__name__)
            nxt = [f for f, _ in fn.next_functions if f is not None]
            fn = nxt[0] if nxt else None
        out[m.__name__] = ([r.replace("torch.", "tensorcore.") for r in reprs], names, chain, a.grad.tolist(),
                           b.is_leaf, a.is_leaf, b.requires_grad)
    assert out["tensorcore"] == out["torch"]
    reprs, names, chain, grad, *_ = out["tensorcore"]
    assert grad == [[6.0, 6.0], [6.0, 6.0]]
    assert reprs[0] == "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)"
    assert reprs[1] == "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)"
    assert reprs[3] == "tensor(36., grad_fn=<SumBackward0>)"
    assert chain == ["SumBackward0", "PowBackward0", "AddBackward0", "AccumulateGrad"]


def test_variable_shares_memory_and_requires_grad():
    d = tc.ones(2)
    v = tc.autograd.Variable(d, requires_grad=True)
    assert v.requires_grad and v.is_leaf and v.grad_fn is None
    assert v.data_ptr() == d.data_ptr()
    assert not tc.autograd.Variable(d).requires_grad
    with pytest.raises(TypeError):
        tc.autograd.Variable([1.0, 2.0])


def test_grads_accumulate_across_backward_calls():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    for k in range(1, 4):
        (x * 3).sum().backward()
        assert x.grad.tolist() == [3.0 * k, 3.0 * k]
    x.grad = None
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    x.grad.zero_()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_grad_object_identity_is_stable():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    assert x.grad is g
    (x * 2).sum().backward()  # in-place accumulation keeps the same tensor
    assert x.grad.tolist() == [4.0, 4.0]


def test_second_backward_through_freed_graph_raises():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).exp().sum()
    y.backward(retain_graph=True)
    g1 = x.grad.clone()
    y.backward()
    assert_close(x.grad.numpy(), 2 * g1.numpy())
    with pytest.raises(RuntimeError):
        y.backward()


def test_backward_on_non_scalar_needs_gradient():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        y.backward()
    y.backward(tc.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]
    with pytest.raises(RuntimeError, match="[Ss]hape"):
        (x * 2).backward(tc.ones(3))


def test_backward_without_grad_raises():
    x = tc.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.sum().backward()
    with pytest.raises(RuntimeError):
        tc.autograd.grad(x.sum(), x)


def test_non_leaf_grad_is_none_with_warning():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is not None  # leaves: no warning


def test_retain_grad():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    z = (y * y).sum()
    z.backward()
    assert y.grad.tolist() == [4.0, 8.0]
    assert x.grad.tolist() == [8.0, 16.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.grad  # noqa: B018 - no warning once retained
    with pytest.raises(RuntimeError):
        tc.tensor([1.0]).retain_grad()


def test_in_place_on_leaf_requiring_grad_raises():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    for f in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.exp_(), lambda: x.zero_(), lambda: x.fill_(1.0),
              lambda: x.copy_(tc.ones(2)), lambda: x.clamp_(0, 1)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            f()
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[0] = 5.0
    with tc.no_grad():
        x.add_(1)
        x[0] = 7.0
    assert x.tolist() == [7.0, 3.0] and x.requires_grad and x.is_leaf


def test_modifying_a_saved_tensor_makes_backward_raise():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*version 1; expected version 0"):
        y.sum().backward()
    a = x * 1
    b = a * a  # saves a
    a.mul_(2)
    with pytest.raises(RuntimeError, match="version"):
        b.sum().backward()


def test_modifying_a_saved_tensor_message_matches_torch(torch):
    msgs = []
    for m in (tc, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError) as ei:
            y.sum().backward()
        msgs.append(str(ei.value))
    for needle in ("modified by an inplace operation", "is at version 1; expected version 0 instead",
                   "which is output 0 of Exp"):
        assert needle in msgs[0] and needle in msgs[1], (needle, msgs)


def test_in_place_on_non_leaf_records_history():
    x = tc.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y.mul_(2)
    y.add_(x)
    assert type(y.grad_fn).__name__ == "AddBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    v = tc.tensor([1.0, 2.0])
    v.exp_()
    assert v._version == 1


def test_version_counter_shared_by_views():
    x = tc.zeros(4)
    v = x[1:3]
    assert x._version == v._version == 0
    v.add_(1)
    assert x._version == v._version == 1
    x[0] = 2.0
    assert v._version == 2


def test_requires_grad_propagates():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    c = tc.tensor([3.0, 4.0])
    assert (x * c).requires_grad and not (c * c).requires_grad
    assert (x + 1).requires_grad and x.sum().requires_grad and x[0].requires_grad
    assert x.view(2, 1).requires_grad and tc.cat([x, c]).requires_grad
    assert not (x > 1).requires_grad and not x.argmax().requires_grad
    assert not x.detach().requires_grad
    assert (x.double()).requires_grad and not x.long().requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        tc.tensor([1, 2]).requires_grad_()
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)
    assert c.requires_grad_() is c and c.requires_grad


def test_grad_modes_context_managers_and_decorators():
    x = tc.tensor([1.0], requires_grad=True)
    with tc.no_grad():
        assert not tc.is_grad_enabled()
        assert not (x * 2).requires_grad
        with tc.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert tc.is_grad_enabled()

    @tc.no_grad()
    def f():
        return x * 2

    @tc.no_grad
    def f2():
        return x * 2

    @tc.enable_grad()
    def g():
        return x * 2

    assert not f().requires_grad and not f2().requires_grad
    with tc.no_grad():
        assert g().requires_grad
    assert f.__name__ == "f"

    with tc.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tc.is_grad_enabled()
    tc.set_grad_enabled(False)
    try:
        assert not tc.is_grad_enabled()
    finally:
        tc.set_grad_enabled(True)

    @tc.set_grad_enabled(False)
    def h():
        return x * 2
    assert not h().requires_grad and tc.is_grad_enabled()

    with tc.inference_mode():
        assert not (x * 2).requires_grad
    # grad mode is restored on exceptions
    with pytest.raises(ValueError):
        with tc.no_grad():
            raise ValueError
    assert tc.is_grad_enabled()


def test_grad_mode_is_thread_local():
    import threading
    seen = []
    with tc.no_grad():
        t = threading.Thread(target=lambda: seen.append(tc.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_detach_detach_and_data():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.data_ptr() == x.data_ptr()
    d[0] = 10.0
    assert x.tolist() == [10.0, 2.0]  # shares memory
    data = x.data
    assert not data.requires_grad and data.data_ptr() == x.data_ptr()
    y = x * 2
    y.detach_()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    # .data assignment swaps the tensor's storage, keeping autograd state
    w = tc.tensor([1.0, 2.0], requires_grad=True)
    w.data = tc.tensor([5.0, 6.0])
    assert w.tolist() == [5.0, 6.0] and w.requires_grad
    (w * w).sum().backward()
    assert w.grad.tolist() == [10.0, 12.0]


def test_register_hook_modifies_grad_and_handle_removes():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    h = x.register_hook(lambda g: (calls.append(g.tolist()), g * 10)[1])
    (x * 2).sum().backward()
    assert x.grad.tolist() == [20.0, 20.0] and calls == [[2.0, 2.0]]
    h.remove()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [22.0, 22.0] and len(calls) == 1
    # hooks on non-leaves see and change the gradient flowing on
    y = x * 3
    y.register_hook(lambda g: g + 1)
    x.grad = None
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    # a hook returning None keeps the gradient
    z = tc.tensor([1.0], requires_grad=True)
    z.register_hook(lambda g: None)
    (z * 5).sum().backward()
    assert z.grad.tolist() == [5.0]
    with pytest.raises(RuntimeError):
        tc.tensor([1.0]).register_hook(lambda g: g)


def test_grad_fn_next_functions_match_torch(torch):
    def structure(fn, depth=0):
        if fn is None or depth > 6:
            return None
        return (type(fn).__name__, tuple((structure(f, depth + 1), nr) for f, nr in fn.next_functions))

    res = []
    for m in (tc, torch):
        x = m.tensor([[1.0, 2.0]], requires_grad=True)
        w = m.tensor([3.0], requires_grad=True)
        c = m.tensor([1.0, 1.0])
        y = ((x * w + c).t() @ x).sum() + x.mean() * 2
        res.append(structure(y.grad_fn))
    assert res[0] == res[1]
    x = tc.tensor([1.0], requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x
    assert repr(acc).startswith("<AccumulateGrad object at 0x")
    assert (x * 2).grad_fn.next_functions[1] == (None, 0)
    y = x * 2
    assert y.grad_fn is y.grad_fn  # stable wrapper
    assert y.grad_fn.name() == "MulBackward0"


def test_autograd_grad_and_allow_unused():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    z = tc.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 2).sum()
    gx, gz = tc.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
    assert gx.tolist() == [2.0, 4.0] and gz is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        tc.autograd.grad(y, [x, z], retain_graph=True)
    (gx2, gz2) = tc.autograd.grad(y, [x, z], materialize_grads=True)
    assert gz2.tolist() == [0.0, 0.0]
    assert x.grad is None  # autograd.grad does not accumulate
    # grad_outputs for non-scalar outputs, multiple outputs
    a = tc.tensor([1.0, 2.0], requires_grad=True)
    (ga,) = tc.autograd.grad([a * 2, a * a], [a], [tc.ones(2), tc.tensor([1.0, 0.0])])
    assert ga.tolist() == [4.0, 2.0]
    assert isinstance(tc.autograd.grad((a * 3).sum(), a), tuple)


def test_backward_inputs_argument():
    x = tc.tensor([1.0], requires_grad=True)
    w = tc.tensor([2.0], requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    assert x.grad.tolist() == [2.0] and w.grad is None
    with pytest.raises(RuntimeError):
        (x * w).sum().backward(inputs=[])


def test_custom_function_save_for_backward_and_needs_input_grad():
    class MulConst(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * b * k

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            seen.append(ctx.needs_input_grad)
            return (g * b * ctx.k if ctx.needs_input_grad[0] else None,
                    g * a * ctx.k if ctx.needs_input_grad[1] else None, None)

    seen = []
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = tc.tensor([3.0, 4.0])
    out = MulConst.apply(x, y, 2.0)
    assert out.requires_grad and type(out.grad_fn).__name__ == "MulConstBackward"
    out.sum().backward()
    assert x.grad.tolist() == [6.0, 8.0]
    assert seen == [(True, False, False)]
    # no grad needed: plain forward
    assert not MulConst.apply(y, y, 1.0).requires_grad

    class Exp(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            r = a.exp()
            ctx.save_for_backward(r)  # saving an output
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    z = tc.tensor([0.0, 1.0], requires_grad=True, dtype=tc.float64)
    assert gradcheck(Exp.apply, (z,))
    w = Exp.apply(z)
    w.sum().backward()
    assert_close(z.grad.numpy(), np.exp([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="second time"):
        w.sum().backward()


def test_custom_function_multiple_outputs_and_mark_non_differentiable():
    class SortWithIdx(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            v, i = a.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return v, i

        @staticmethod
        def backward(ctx, gv, gi):
            (i,) = ctx.saved_tensors
            out = tc.zeros_like(gv)
            out[i] = gv
            return out

    x = tc.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, i = SortWithIdx.apply(x)
    assert v.requires_grad and not i.requires_grad
    (v * tc.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]


def test_gradients_through_views_indexing_and_broadcasting():
    x = tc.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = tc.tensor([[1.0], [2.0]], requires_grad=True)
    y = (x.t()[::2] * 2).sum() + x[:, 1].sum() * 10 + x[x > 4].sum() * 100 + x[[1, 1], [0, 0]].sum() * 1000
    y = y + (x * b).sum()
    y.backward()
    assert x.grad.tolist() == [[3.0, 11.0, 3.0], [2004.0, 112.0, 104.0]]
    assert b.grad.tolist() == [[6.0], [15.0]]
    x.grad = None
    x.expand(3, 2, 3).sum().backward()
    assert x.grad.tolist() == [[3.0] * 3] * 2
    x.grad = None
    x.unsqueeze(0).permute(2, 0, 1).reshape(-1).narrow(0, 1, 2).sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_gradient_dtype_follows_input_dtype():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    d = tc.tensor([1.0, 2.0], dtype=tc.float64, requires_grad=True)
    (x * d).sum().backward()
    assert x.grad.dtype == tc.float32 and d.grad.dtype == tc.float64
    x.grad = None
    (x.double() * 2).sum().backward()
    assert x.grad.dtype == tc.float32 and x.grad.tolist() == [2.0, 2.0]


def test_setitem_on_non_leaf_is_differentiable(torch):
    res = []
    for m in (tc, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y[0] = 5.0
        y[m.tensor([False, True, False])] = x[2] * 3
        (y * m.tensor([1.0, 10.0, 100.0])).sum().backward()
        res.append((x.grad.tolist(), type(y.grad_fn).__name__))
    assert res[0][0] == res[1][0]


def test_in_place_on_view_of_non_leaf():
    x = tc.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[:2]
    v.mul_(2)
    assert type(y.grad_fn).__name__ == "CopySlices" and y.grad_fn.name() == "torch::autograd::CopySlices"
    assert type(v.grad_fn).__name__ == "AsStridedBackward0"
    assert repr(y) == "tensor([2., 4., 3.], grad_fn=<CopySlices>)"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 1.0]


# Note [In-place on views]: every in-place entry point, on views of views,
# transposed views and with the written value depending on the base itself.
IN_PLACE_ON_VIEWS = {
    "mul_": lambda m, b: b[:, 1].mul_(3),
    "add_other": lambda m, b: b[1].add_(b[0] * 2),
    "exp_transposed": lambda m, b: b.t()[1:3].exp_(),
    "view_of_view": lambda m, b: b[1:][:, ::2].sub_(1.5),
    "iadd_operator": lambda m, b: b[0].__iadd__(b[2]),
    "zero_": lambda m, b: b[0].zero_(),
    "fill_": lambda m, b: b[:, 2].fill_(3.0),
    "clamp_": lambda m, b: b[1:].clamp_(0.2, 0.8),
    "copy_": lambda m, b: b[2].copy_(b[0] + b[1]),  # (b[0] * b[1] would be saved, then modified: an error in both)
    "setitem_into_view": lambda m, b: b[1:].__setitem__((0, slice(None, 2)), b[0, :2] * 4),
    "index_put_": lambda m, b: b.index_put_((m.tensor([0, 2]),), b[1] * 2),
    "chained": lambda m, b: (b[0].mul_(2), b[:, 0].add_(b[:, 1]), b.t()[3].exp_()),
}


@pytest.mark.parametrize("case", sorted(IN_PLACE_ON_VIEWS))
def test_in_place_on_views_matches_torch_and_gradchecks(case, torch):
    fn = IN_PLACE_ON_VIEWS[case]
    x = np.random.default_rng(7).random((3, 4))

    def run(m, leaf):
        b = leaf * 1.5
        fn(m, b)
        return b * b
    got = run(tc, tc.tensor(x, requires_grad=True))
    t_leaf = torch.tensor(x, requires_grad=True)
    want = run(torch, t_leaf)
    assert np.allclose(got.detach().numpy(), want.detach().numpy())
    leaf = tc.tensor(x, requires_grad=True)
    out = run(tc, leaf)
    out.sum().backward()
    want.sum().backward()
    assert np.allclose(leaf.grad.numpy(), t_leaf.grad.numpy())
    assert tc.autograd.gradcheck(lambda t: run(tc, t), (tc.tensor(x, requires_grad=True),))
    assert tc.autograd.gradgradcheck(lambda t: run(tc, t), (tc.tensor(x, requires_grad=True),))


def test_in_place_on_view_errors_match_torch(torch):
    for m in (tc, torch):
        leaf = m.ones(3, 4, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            leaf[0].mul_(2)
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            (leaf * 1)[0].expand(2, 4).add_(1)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            leaf.fill_(1.0)


def test_grad_setter_checks():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    x.grad = tc.ones(2)
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError):
        x.grad = tc.ones(3)
    with pytest.raises(RuntimeError):
        x.grad = tc.ones(2, dtype=tc.float64)
    with pytest.raises(TypeError):
        x.grad = [1.0, 2.0]


def test_numpy_of_tensor_requiring_grad_raises():
    x = tc.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0]


def test_gradcheck_detects_wrong_gradient():
    class Bad(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = tc.tensor([1.0, 2.0], dtype=tc.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(Bad.apply, (x,))
    assert gradcheck(Bad.apply, (x,), raise_exception=False) is False


def test_graph_is_released_after_backward():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    fn = y.grad_fn
    y.backward()
    del y
    gc.collect()
    assert type(fn).__name__ == "SumBackward0"  # the wrapper itself stays usable
    assert fn.next_functions[0][0].name() == "MulBackward0"


def test_sample_generation_is_deterministic():
    op = op_db.OPS_BY_NAME["add"]
    a = op_db.samples(op, "float32")
    b = op_db.samples(op, "float32")
    assert all(np.array_equal(x, y) for s, t in zip(a, b) for x, y in zip(s.args, t.args)
               if isinstance(x, np.ndarray))
    assert isinstance(a[0], Sample)


TUTORIAL = '''
nums = torch.arange(6)
print(nums.shape)
print(nums.numpy())
print(nums.reshape(3, 2))
torch.manual_seed(0)
random = torch.rand((3, 3))
print(random.shape, random.dtype)
num_arange = torch.arange(9)
print(num_arange.view(3, 3))
a = torch.ones(2, 2)
print(a)
a = Variable(a, requires_grad=True)
print(a)
print('a.data : ', a.data)
print('a.grad : ', a.grad)
print('a.grad_fn : ', a.grad_fn)
b = a + 2
print(b)
c = b ** 2
print(c)
out = c.sum()
print(out)
out.backward()
for name, t in (('a', a), ('b', b), ('c', c), ('out', out)):
    print(name + '.data : ', t.data)
    print(name + '.grad : ', t.grad)
    print(name + '.grad_fn : ', t.grad_fn)
'''


def test_pytorch_basics_tutorial_script_matches_torch(torch):
    """The seed tutorial (../shared/seed/pytorch-basics-tutorial.md), run with
    `import tensorcore as torch`, prints what PyTorch prints (addresses aside)."""
    import contextlib
    import io
    import re
    outputs = []
    for mod, variable in ((tc, tc.autograd.Variable), (torch, torch.autograd.Variable)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(TUTORIAL, {"torch": mod, "Variable": variable})
        text = re.sub(r"0x[0-9a-f]+", "0x", buf.getvalue()).replace("torch.", "tensorcore.")
        outputs.append(text)
    assert outputs[0] == outputs[1]
    assert "a.grad :  tensor([[6., 6.],\n        [6., 6.]])" in outputs[0]
    assert "b.grad_fn :  <AddBackward0 object at 0x>" in outputs[0]


@pytest.mark.parametrize("op", ["sin_", "log_", "abs_", "clamp_", "mul_", "div_", "pow_", "exp_"])
def test_in_place_ops_whose_backward_needs_the_input(op, torch):
    # The op's backward saves the values before the write (snapshot_for_inplace).
    x = np.random.default_rng(3).random(5) + 0.5

    def run(m, leaf):
        y = leaf * 1
        args = {"clamp_": (0.7, 1.2), "mul_": (leaf * 2,), "div_": (leaf + 1,), "pow_": (leaf,)}.get(op, ())
        getattr(y, op)(*args)
        return y * leaf
    leaf, t_leaf = tc.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    run(tc, leaf).sum().backward()
    run(torch, t_leaf).sum().backward()
    assert np.allclose(leaf.grad.numpy(), t_leaf.grad.numpy())
    assert tc.autograd.gradcheck(lambda t: run(tc, t), (tc.tensor(x, requires_grad=True),))


COMPOSITE_NAMES = {  # Note [Composite node names]
    "silu": lambda m, F, x, t: F.silu(x), "elu": lambda m, F, x, t: F.elu(x),
    "hardtanh": lambda m, F, x, t: F.hardtanh(x), "relu6": lambda m, F, x, t: F.relu6(x),
    "softplus": lambda m, F, x, t: F.softplus(x), "logsigmoid": lambda m, F, x, t: F.logsigmoid(x),
    "smooth_l1": lambda m, F, x, t: F.smooth_l1_loss(x, t), "huber": lambda m, F, x, t: F.huber_loss(x, t),
    "smooth_l1_none": lambda m, F, x, t: F.smooth_l1_loss(x, t, reduction="none"),
    "addcmul": lambda m, F, x, t: m.addcmul(x, x, t), "addcdiv": lambda m, F, x, t: m.addcdiv(x, x, t + 5),
    "fmod": lambda m, F, x, t: m.fmod(x, 1.5), "frac": lambda m, F, x, t: x.frac(),
    "xlogy": lambda m, F, x, t: m.xlogy(x, t.abs()), "nan_to_num": lambda m, F, x, t: x.nan_to_num(),
    "roll": lambda m, F, x, t: x.roll(1, 0), "tril": lambda m, F, x, t: x.tril(),
    "triu": lambda m, F, x, t: x.triu(1), "trace": lambda m, F, x, t: x.trace(),
    "take": lambda m, F, x, t: x.take(m.tensor([0, 5])), "masked_select": lambda m, F, x, t: x.masked_select(t > 0),
    "cumprod": lambda m, F, x, t: x.cumprod(1), "nansum": lambda m, F, x, t: x.nansum(),
    "median": lambda m, F, x, t: x.median(), "median_dim": lambda m, F, x, t: x.median(1).values,
    "diag_1d": lambda m, F, x, t: m.diag(x[0]), "diag_2d": lambda m, F, x, t: m.diag(x),
    "scatter_value": lambda m, F, x, t: x.scatter(1, m.tensor([[0], [1], [2]]), 0.5),
    "scatter_src": lambda m, F, x, t: x.scatter(1, m.tensor([[0], [1], [2]]), t),
    "index_add": lambda m, F, x, t: x.index_add(0, m.tensor([0, 0, 1]), t),
    "cross": lambda m, F, x, t: m.cross(x[:, :3], t[:, :3], dim=1),
}


@pytest.mark.parametrize("case", sorted(COMPOSITE_NAMES))
def test_composite_ops_print_pytorchs_grad_fn(case, torch):
    names = []
    for m in (tc, torch):
        m.manual_seed(0)
        x = m.randn(3, 4, requires_grad=True)
        t = m.randn(3, 4)
        out = COMPOSITE_NAMES[case](m, m.nn.functional, x, t)
        names.append(out.grad_fn.name())
    assert names[0] == names[1]
    x = tc.randn(3, 4, requires_grad=True)
    assert COMPOSITE_NAMES[case](tc, tc.nn.functional, x.detach(), tc.randn(3, 4)).grad_fn is None
    y = x * 1
    node = y.grad_fn.name()
    assert tc.nn.functional.hardtanh(y, -10, 10).grad_fn.name() == "HardtanhBackward0"
    assert y.grad_fn.name() == node  # renaming never touches an input's node


def test_grad_of_a_contiguous_leaf_is_contiguous(torch):
    for m in (tc, torch):
        x = m.ones(2, 3, requires_grad=True)
        (x.t() * m.arange(6.0).reshape(3, 2)).sum().backward()
        assert x.grad.is_contiguous() and tuple(x.grad.stride()) == (3, 1)
        assert x.grad.view(-1).tolist() == [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]


def test_custom_function_styles_match_torch(torch):
    def run(m):
        F = m.autograd.Function
        once = m.autograd.function.once_differentiable

        class AddOne(F):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_dirty(x)
                return x.add_(1)

            @staticmethod
            def backward(ctx, g):
                return g

        class Mul(F):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]

            @staticmethod
            @once
            def backward(ctx, g):
                return g * ctx.k, None

        class TooMany(F):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, g

        a = m.ones(2, requires_grad=True)
        b = a * 2
        c = AddOne.apply(b)
        (c * Mul.apply(a, 3.0)).sum().backward()
        with pytest.raises(RuntimeError, match="incorrect number of gradients"):
            TooMany.apply(m.ones(2, requires_grad=True)).sum().backward()
        return c is b, c.grad_fn.name(), a.grad.tolist(), repr(Mul.apply(a, 2.0).grad_fn).split(" object")[0]
    got, want = run(tc), run(torch)
    assert got[:3] == want[:3] and got[3].replace("tensorcore", "torch") == want[3]


def test_builtin_function_nodes_print_without_custom_prefix_and_non_leaf_flags(torch):
    for m in (tc, torch):
        y = m.ones(3, requires_grad=True) * 2
        y[0] = 5.0
        assert repr(y.grad_fn).startswith("<CopySlices object at")
        with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
            y.requires_grad = True
        assert y.requires_grad_(True) is y  # the method may keep it on


def test_grad_assigned_to_a_non_leaf_is_kept():
    # It used to be dropped silently (the getter returned None), which made
    # optimizers skip such parameters; PyTorch keeps it.
    import warnings
    x = tc.ones(2, requires_grad=True)
    y = x * 2
    y.grad = tc.zeros(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "non-leaf .grad" warning once a grad is set
        assert y.grad.tolist() == [0.0, 0.0]
    z = x * 3
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert z.grad is None
    z.retain_grad()
    z.grad = tc.ones(2)
    z.sum().backward()
    assert z.grad.tolist() == [2.0, 2.0]  # backward accumulates into the assigned grad, as PyTorch
    z.grad = None
    assert z.grad is None


def test_post_accumulate_grad_hook():
    x = tc.ones(3, requires_grad=True)
    seen = []
    handle = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert [s.tolist() for s in seen] == [[2.0] * 3, [5.0] * 3]  # after each accumulation
    handle.remove()
    (x * 3).sum().backward()
    assert len(seen) == 2
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tc.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    y = tc.ones(2, requires_grad=True)
    y.register_post_accumulate_grad_hook(lambda t: 5)
    with pytest.raises(TypeError):
        y.sum().backward()
