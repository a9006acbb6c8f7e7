"""Saved tensors, compared with PyTorch: which operands a node saves (Note
[Product operands saved on demand], Note [Table formulas save on demand]),
grad_fn._saved_* (Note [grad_fn._saved_ attributes]) and
torch.autograd.graph.saved_tensors_hooks / save_on_cpu /
disable_saved_tensors_hooks (Note [Saved-tensor hooks])."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _run(lib, fn):
    """What fn(lib, log) logged and returned, or the exception's type and message."""
    log = []
    try:
        result = fn(lib, log)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return log, ("raise", type(e).__name__, str(e).replace("tensorcore", "torch"))
    return log, ("ok", _plain(result))


def _plain(x):
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    if hasattr(x, "detach"):
        return np.asarray(x.detach().tolist())
    return x


def _same(fn, message=True):
    """Same log, same outcome: values to float32 rounding, the exception's type (and message when `message`)."""
    ours, theirs = _run(tc, fn), _run(torch, fn)
    assert [_normalize(e) for e in ours[0]] == [_normalize(e) for e in theirs[0]]
    assert ours[1][0] == theirs[1][0], (ours[1], theirs[1])
    if ours[1][0] == "raise":
        assert ours[1][1:] == theirs[1][1:] if message else ours[1][1] == theirs[1][1]
    elif ours[1][1] is not None:
        for o, t in zip(ours[1][1] if isinstance(ours[1][1], list) else [ours[1][1]],
                        theirs[1][1] if isinstance(theirs[1][1], list) else [theirs[1][1]]):
            np.testing.assert_allclose(np.asarray(o, dtype=float), np.asarray(t, dtype=float), rtol=1e-6, atol=1e-7)
    return ours


def _normalize(entry):
    return entry.replace("tensorcore", "torch") if isinstance(entry, str) else _plain(entry)


# ---- operands saved only when the other operand needs a gradient ----

def _update_then_backward(op, a_grad, b_grad, modify):
    """op(a, b), then an in-place write into `modify` ('a' or 'b') under no_grad, then backward."""
    def fn(lib, log):
        shapes = {"mm": ((2, 3), (3, 2)), "bmm": ((2, 2, 3), (2, 3, 2)), "dot": ((3,), (3,)), "mv": ((2, 3), (3,)),
                  "matmul": ((4, 3), (3, 2)), "mul": ((2, 3), (2, 3)), "div": ((2, 3), (2, 3))}[op]
        a = lib.linspace(1, 2, int(np.prod(shapes[0]))).reshape(shapes[0]).requires_grad_(a_grad)
        b = lib.linspace(2, 3, int(np.prod(shapes[1]))).reshape(shapes[1]).requires_grad_(b_grad)
        f = {"matmul": lambda x, y: x @ y, "mul": lib.mul, "div": lib.div}.get(op) or getattr(lib, op)
        y = f(a, b)
        with lib.no_grad():
            (a if modify == "a" else b).mul_(2)
        y.sum().backward()
        return [t.grad for t in (a, b) if t.requires_grad]
    return fn


@pytest.mark.parametrize("op", ["mm", "bmm", "dot", "mv", "matmul", "mul", "div"])
@pytest.mark.parametrize("grads", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("modify", ["a", "b"])
def test_in_place_write_after_product_raises_only_when_the_value_is_needed(op, grads, modify):
    _same(_update_then_backward(op, *grads, modify), message=False)


def test_optimizer_step_between_two_backwards_of_a_one_layer_model():
    # x does not require grad, so Linear's addmm saves x only: the step's in-place
    # update of the weight does not invalidate the retained graph.
    def fn(lib, log):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 2)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x = lib.linspace(-1, 1, 12).reshape(4, 3)
        loss = model(x).pow(2).sum()
        loss.backward(retain_graph=True)
        opt.step()
        loss.backward()
        return model.weight.grad, model.bias.grad
    _same(fn)


def test_addmm_gradients_keep_their_layout_with_operands_saved_on_demand():
    def fn(lib, log):
        a = lib.arange(6.0).reshape(3, 2).t().requires_grad_()  # column-major
        w = lib.arange(6.0).reshape(2, 3).t().requires_grad_()
        bias = lib.zeros(2, requires_grad=True)
        lib.addmm(bias, a, w).backward(lib.ones(2, 2))
        return a.grad, w.grad, bias.grad, list(a.grad.stride()), list(w.grad.stride())
    _same(fn)


# ---- grad_fn._saved_* ----

@pytest.mark.parametrize("expr", [
    "(x * y).grad_fn._saved_self", "(x * y).grad_fn._saved_other", "(x * 2).grad_fn._saved_other",
    "(x * 2).grad_fn._saved_self", "(x / y.detach()).grad_fn._saved_self", "(x / y.detach()).grad_fn._saved_other",
    "x.exp().grad_fn._saved_result", "x.sin().grad_fn._saved_self", "(x ** 3).grad_fn._saved_exponent",
    "(x ** 3).grad_fn._saved_self", "(x ** y).grad_fn._saved_result", "(x + y).grad_fn._saved_self",
    "lib.mm(x.view(1, 3), y.view(3, 1)).grad_fn._saved_self", "lib.mm(x.view(1, 3), y.view(3, 1)).grad_fn._saved_mat2",
    "lib.mm(x.detach().view(1, 3), y.view(3, 1)).grad_fn._saved_mat2",
    "lib.addmm(lib.ones(1), x.view(1, 3), y.view(3, 1)).grad_fn._saved_mat1",
    "lib.bmm(x.view(1, 1, 3), y.view(1, 3, 1)).grad_fn._saved_mat2",
    "lib.dot(x, y.detach()).grad_fn._saved_self", "lib.dot(x, y.detach()).grad_fn._saved_tensor",
    "lib.mv(y.detach().view(1, 3), x).grad_fn._saved_self", "lib.mv(y.detach().view(1, 3), x).grad_fn._saved_vec",
])
def test_saved_attributes(expr):
    def fn(lib, log):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        return eval(expr, {"lib": lib, "x": x, "y": y})
    _same(fn)


def test_saved_input_is_the_tensor_itself_and_saved_output_an_alias():
    for lib in (tc, torch):
        a = lib.randn(4, requires_grad=True)
        b = lib.ones(4, requires_grad=True)
        y = a * b
        assert y.grad_fn._saved_self is a and y.grad_fn._saved_other is b
        e = lib.exp(a)
        assert e.grad_fn._saved_result is not e and e.grad_fn._saved_result.equal(e)


def test_saved_attribute_after_backward_raises_the_freed_graph_error():
    def fn(lib, log):
        x = lib.ones(2, requires_grad=True)
        y = x * x
        y.sum().backward()
        return y.grad_fn._saved_self
    assert _same(fn)[1][0] == "raise"


# ---- saved_tensors_hooks ----

def test_pack_and_unpack_order_and_arguments():
    def fn(lib, log):
        a = lib.ones(3, requires_grad=True)
        b = lib.ones(3, requires_grad=True) * 2

        def pack(t):
            log.append(f"pack {t}")
            return t

        def unpack(t):
            log.append(f"unpack {t}")
            return t
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = a * b
            z = lib.exp(b)
        (y.sum() + z.sum()).backward()
        return a.grad, b.grad
    _same(fn)


def test_packed_value_may_be_any_object_and_unpack_runs_at_each_read():
    def fn(lib, log):
        storage = []

        def pack(t):
            storage.append(t.clone())
            return len(storage) - 1

        def unpack(i):
            log.append(f"unpack {i}")
            return storage[i]
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = x * x
        first = y.grad_fn._saved_self
        y.sum().backward()
        return first, x.grad
    _same(fn)


def test_hooks_that_transform_the_saved_value_change_the_gradient_as_in_pytorch():
    def fn(lib, log):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t * 4, lambda t: t / 2):
            y = lib.pow(x, 2)
        y.sum().backward()
        return x.grad
    _same(fn)


def test_double_backward_through_hooked_saved_values_reaches_the_originals():
    def fn(lib, log):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t):
            y = h ** 2 + x * x
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        g.sum().backward()
        return g, x.grad
    _same(fn)


def test_hooks_skip_the_version_check_as_in_pytorch():
    def fn(lib, log):
        c = lib.ones(3, requires_grad=True) * 1
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = c * c
        with lib.no_grad():
            c.mul_(2)
        y.sum().backward()
        return c.grad if False else y.grad_fn is not None
    _same(fn)


def test_innermost_pair_is_used_and_popped_on_exit():
    def fn(lib, log):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: (log.append("outer"), t)[1], lambda t: t):
            with lib.autograd.graph.saved_tensors_hooks(lambda t: (log.append("inner"), t)[1], lambda t: t):
                x.sin()
            x.cos()
        x.tan()
        return None
    _same(fn)


def test_custom_function_saved_tensors_go_through_the_hooks():
    def fn(lib, log):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: ("p", t), lambda p: (log.append("unpack"), p[1])[1]):
            y = Double.apply(x)
        y.sum().backward()
        return x.grad
    _same(fn)


@pytest.mark.parametrize("case", ["unpack_returns_int", "pack_modifies_input", "push_while_disabled",
                                  "disable_while_active", "state_restored"])
def test_hook_errors(case):
    def fn(lib, log):
        g = lib.autograd.graph
        a = lib.ones(3, requires_grad=True)
        if case == "unpack_returns_int":
            with g.saved_tensors_hooks(lambda t: t, lambda t: 3):
                y = a * a
            y.sum().backward()
        if case == "pack_modifies_input":
            b = a * 1
            with g.saved_tensors_hooks(lambda t: t.add_(1), lambda t: t):
                b * b
        if case == "push_while_disabled":
            with g.disable_saved_tensors_hooks("hooks are off here"):
                with g.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass
        if case == "disable_while_active":
            with g.saved_tensors_hooks(lambda t: t, lambda t: t):
                with g.disable_saved_tensors_hooks("hooks are off here"):
                    pass
        if case == "state_restored":
            try:
                with g.saved_tensors_hooks(lambda t: t, lambda t: t):
                    with g.disable_saved_tensors_hooks("hooks are off here"):
                        pass
            except RuntimeError:
                log.append("refused")
            with g.saved_tensors_hooks(lambda t: (log.append("packed"), t)[1], lambda t: t):
                a * a
        return None
    _same(fn)


def test_save_on_cpu_keeps_values_and_gradients():
    def fn(lib, log):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
        x = lib.linspace(-1, 1, 12).reshape(3, 4)
        with lib.autograd.graph.save_on_cpu(pin_memory=True):
            loss = model(x).sum()
        loss.backward()
        return loss, model[0].weight.grad
    _same(fn)


# ---- non-reentrant checkpoint on saved-tensor hooks (Note [non-reentrant checkpoint]) ----

def _checkpointed_net(lib, log, early_stop=True):
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Dropout(0.3), lib.nn.Tanh(), lib.nn.Linear(8, 2))
    x = lib.randn(3, 4, requires_grad=True)

    def f(inp):
        log.append("run")
        y = net(inp)
        log.append("after the last saving op")  # early_stop: not reached when recomputing
        return y
    out = lib.utils.checkpoint.checkpoint(f, x, use_reentrant=False, early_stop=early_stop)
    log.append(type(out.grad_fn).__name__)
    return net, x, out


@pytest.mark.parametrize("early_stop", [True, False])
def test_checkpoint_recomputes_once_per_backward_with_the_same_dropout_mask(early_stop):
    def fn(lib, log):
        net, x, out = _checkpointed_net(lib, log, early_stop)
        out.sum().backward(retain_graph=True)
        first = x.grad.clone()
        out.sum().backward()
        return first, x.grad, net[0].weight.grad, lib.randn(2)  # the caller's RNG stream is untouched
    _same(fn)


def test_checkpoint_double_backward_and_nesting():
    def fn(lib, log):
        x = lib.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
        ckpt = lib.utils.checkpoint.checkpoint
        out = ckpt(lambda t: (t.sin() * t).exp(), x, use_reentrant=False)
        (g,) = lib.autograd.grad(out.sum(), x, create_graph=True)
        g.sum().backward()
        first = x.grad.clone()
        x.grad = None
        y = ckpt(lambda t: ckpt(lambda u: u.cos() * u, t, use_reentrant=False).sin(), x, use_reentrant=False)
        y.sum().backward()
        return g, first, x.grad
    _same(fn)


def test_checkpoint_recomputation_that_saves_less_raises_checkpoint_error():
    def fn(lib, log):
        x = lib.ones(3, requires_grad=True)
        state = {"first": True}

        def f(t):
            if state.pop("first", False):
                return t.sin().exp()
            return t.sin()
        out = lib.utils.checkpoint.checkpoint(f, x, use_reentrant=False)
        out.sum().backward()
    ours, theirs = _run(tc, fn), _run(torch, fn)
    assert ours[1][:2] == theirs[1][:2] == ("raise", "CheckpointError")


# ---- Tensor(t) and Subclass(t) stay on t's graph; as_subclass ----

def test_tensor_subclass_constructed_from_a_tensor_keeps_its_history():
    def fn(lib, log):
        class Marked(lib.Tensor):
            pass
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        m = Marked(a * 2)
        log.append(type(m.grad_fn).__name__)
        log.append(type(m).__name__)
        (m * 3).sum().backward()
        s = lib.tensor([3.0]).as_subclass(Marked)
        log.append(type(s).__name__)
        p = lib.nn.Parameter(a * 2)
        log.append(str(p.is_leaf))
        return a.grad, s
    _same(fn)


def test_as_subclass_of_a_non_tensor_class_raises_type_error():
    def fn(lib, log):
        return lib.ones(2).as_subclass(int)
    _same(fn)
