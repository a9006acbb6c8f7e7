"""Autograd in depth, each case run under PyTorch and tensorcore: the same
values (float64, compared to 1e-10 relative), the same structure, the same
exception type (and message where PyTorch's is part of the contract).

Covers what a differential probe found missing or different:
torch.autograd.functional, torch.func (vmap by looping), torch.utils.checkpoint,
anomaly detection, grad(is_grads_batched=True) and dict inputs, custom
Function corner cases (non-tensor outputs, mark_dirty on a leaf, invalid
gradient shapes, setup_context with defaults), grad-mode decorators on
generators, inference_mode(False), node-hook results, gradcheck's float32
warning, svdvals' double backward, cholesky_solve."""
import builtins
import warnings

import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _neutral(r):
    """Results as plain Python structures (tensors as dtype, shape, values)."""
    if isinstance(r, (tc.Tensor, torch.Tensor)):
        r = r.detach()
        return ("tensor", str(r.dtype).split(".")[-1], tuple(r.shape), r.tolist())
    if isinstance(r, dict):
        return {k: _neutral(v) for k, v in r.items()}
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_neutral(x) for x in r]
    return r


def _close(got, expected):
    """Equal structures; floats equal to 1e-6 relative (float32 results may
    differ in the last ulp, float64 ones by roundoff near zero, 1e-12 absolute)."""
    if isinstance(expected, builtins.float) and isinstance(got, builtins.float):
        if got == expected:  # infinities too
            return True
        if expected != expected:
            return got != got
        return builtins.abs(got - expected) <= 1e-12 + 1e-6 * builtins.abs(expected)
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(_close(got[k], expected[k]) for k in expected)
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)):
        return (type(got) is type(expected) and len(got) == len(expected)
                and all(_close(g, e) for g, e in zip(got, expected)))
    return type(got) is type(expected) and got == expected


def outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", _neutral(f(m))
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return "raised", type(e).__name__, str(e).replace("tensorcore", "torch")


def same(f, message=True):
    expected, got = outcome(f, torch), outcome(f, tc)
    if not message and expected[0] == "raised" and got[0] == "raised":
        expected, got = expected[:2], got[:2]
    assert _close(got, expected), f"tensorcore: {got}\ntorch:      {expected}"


def _x(m, requires_grad=False):
    return m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=requires_grad)


# ---------------------------------------------------------------- autograd.functional
AF_CASES = {
    "jacobian": lambda m: m.autograd.functional.jacobian(lambda a: a.exp() * a.sum(), _x(m)),
    "jacobian_tuple": lambda m: m.autograd.functional.jacobian(
        lambda a, b: (a * b, (a + b).sum()), (_x(m), m.tensor([[1.0, 2.0, 3.0]], dtype=m.float64))),
    "jacobian_unused_zero": lambda m: m.autograd.functional.jacobian(lambda a, b: a * 2, (_x(m), _x(m))),
    "jacobian_strict_unused": lambda m: m.autograd.functional.jacobian(lambda a, b: a * 2, (_x(m), _x(m)),
                                                                       strict=True),
    "jacobian_strict_constant": lambda m: m.autograd.functional.jacobian(lambda a: m.ones(2), _x(m), strict=True),
    "jacobian_vectorize": lambda m: m.autograd.functional.jacobian(lambda a: a.softmax(0), _x(m), vectorize=True),
    "jacobian_forward_mode": lambda m: m.autograd.functional.jacobian(lambda a: a.softmax(0), _x(m), vectorize=True,
                                                                      strategy="forward-mode"),
    "jacobian_forward_mode_not_vectorized": lambda m: m.autograd.functional.jacobian(lambda a: a, _x(m),
                                                                                     strategy="forward-mode"),
    "jacobian_bad_strategy": lambda m: m.autograd.functional.jacobian(lambda a: a, _x(m), strategy="x"),
    "jacobian_list_input": lambda m: m.autograd.functional.jacobian(lambda a: a, [_x(m)]),
    "jacobian_float_output": lambda m: m.autograd.functional.jacobian(lambda a: 3.0, _x(m)),
    "jacobian_closure_is_constant": lambda m: m.autograd.functional.jacobian(lambda a: a * _x(m), _x(m)),
    "hessian": lambda m: m.autograd.functional.hessian(lambda a: (a.sin() * a.prod()).sum(), _x(m)),
    "hessian_tuple": lambda m: m.autograd.functional.hessian(
        lambda a, b: (a.exp() * b).sum() + (a ** 2).sum() * b.sum() ** 2, (_x(m), m.tensor([2.0], dtype=m.float64))),
    "hessian_not_scalar": lambda m: m.autograd.functional.hessian(lambda a: a * 2, _x(m)),
    "hessian_linear": lambda m: m.autograd.functional.hessian(lambda a: a.sum() * 2, _x(m)),
    "hessian_linear_strict": lambda m: m.autograd.functional.hessian(lambda a: a.sum() * 2, _x(m), strict=True),
    "vjp": lambda m: m.autograd.functional.vjp(lambda a: a.exp() * 2, _x(m), m.tensor([1.0, 0.5, 0.25],
                                                                                      dtype=m.float64)),
    "vjp_scalar_no_v": lambda m: m.autograd.functional.vjp(lambda a: a.exp().sum(), _x(m)),
    "vjp_no_v": lambda m: m.autograd.functional.vjp(lambda a: a.exp(), _x(m)),
    "vjp_bad_v_size": lambda m: m.autograd.functional.vjp(lambda a: a.exp(), _x(m), m.ones(2, dtype=m.float64)),
    "vjp_bad_v_count": lambda m: m.autograd.functional.vjp(lambda a: (a, a), _x(m), (m.ones(3, dtype=m.float64),)),
    "jvp": lambda m: m.autograd.functional.jvp(lambda a: a.exp() * a.sum(), _x(m),
                                               m.tensor([1.0, 0.5, 0.25], dtype=m.float64)),
    "jvp_tuple": lambda m: m.autograd.functional.jvp(
        lambda a, b: (a * b, b.exp()), (_x(m), m.tensor([3.0], dtype=m.float64)),
        (m.ones(3, dtype=m.float64), m.ones(1, dtype=m.float64))),
    "hvp": lambda m: m.autograd.functional.hvp(lambda a: (a.sin() * a.prod()).sum(), _x(m),
                                               m.tensor([1.0, 0.5, 0.25], dtype=m.float64)),
    "vhp": lambda m: m.autograd.functional.vhp(lambda a: (a.sin() * a.prod()).sum(), _x(m),
                                               m.tensor([1.0, 0.5, 0.25], dtype=m.float64)),
    "hvp_not_scalar": lambda m: m.autograd.functional.hvp(lambda a: a * a, _x(m), _x(m)),
}


@pytest.mark.parametrize("name", sorted(AF_CASES))
def test_autograd_functional(name):
    same(AF_CASES[name])


def test_autograd_functional_create_graph():
    def f(m):
        x = _x(m, requires_grad=True)
        hessian = m.autograd.functional.hessian(lambda a: (a ** 4).sum(), x, create_graph=True)
        _, hv = m.autograd.functional.hvp(lambda a: (a ** 3).prod(), x, m.ones(3, dtype=m.float64), create_graph=True)
        (hessian.sum() + hv.sum()).backward()
        plain = m.autograd.functional.jacobian(lambda a: a ** 3, x)
        return hessian.requires_grad, plain.requires_grad, x.grad
    same(f)


# ---------------------------------------------------------------- torch.func
def _params(m):
    model = m.nn.Linear(3, 2).double()
    with m.no_grad():
        model.weight.copy_(m.tensor([[0.1, 0.2, 0.3], [-0.4, 0.5, -0.6]], dtype=m.float64))
        model.bias.copy_(m.tensor([0.05, -0.05], dtype=m.float64))
    return model


FUNC_CASES = {
    "grad": lambda m: m.func.grad(lambda a: (a.sin() * a).sum())(_x(m)),
    "grad_not_scalar": lambda m: m.func.grad(lambda a: a)(_x(m)),
    "grad_not_tensor": lambda m: m.func.grad(lambda a: 3.0)(_x(m)),
    "grad_aux": lambda m: m.func.grad(lambda a: (a.pow(2).sum(), {"k": a * 2}), has_aux=True)(_x(m)),
    "grad_aux_not_pair": lambda m: m.func.grad(lambda a: (a.sum(),), has_aux=True)(_x(m)),
    "grad_argnums": lambda m: m.func.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(_x(m), _x(m) + 1),
    "grad_argnum_range": lambda m: m.func.grad(lambda a, b: (a * b).sum(), argnums=2)(_x(m), _x(m)),
    "grad_python_number": lambda m: m.func.grad(lambda a: a.sum())(3.0),
    "grad_dict": lambda m: m.func.grad(lambda d: (d["a"] * d["b"]).sum())({"a": _x(m), "b": _x(m) * 2}),
    "grad_independent": lambda m: m.func.grad(lambda a: m.ones((), dtype=m.float64))(_x(m)),
    "grad_of_grad": lambda m: m.func.grad(m.func.grad(m.func.grad(lambda a: a.sin() * a.exp())))(
        m.tensor(0.5, dtype=m.float64)),
    "grad_and_value": lambda m: m.func.grad_and_value(lambda a: (a.pow(2).sum(), a.mean()), has_aux=True)(_x(m)),
    "jacrev": lambda m: m.func.jacrev(lambda a, b: a * b.sin(), argnums=(0, 1))(_x(m), _x(m)),
    "jacrev_dict_output": lambda m: m.func.jacrev(lambda a: {"s": a.sum(), "p": a[:2] * 2})(_x(m)),
    "jacfwd": lambda m: m.func.jacfwd(lambda a: a.sin() @ m.ones(3, 2, dtype=m.float64))(_x(m)),
    "hessian": lambda m: m.func.hessian(lambda a: (a.sin() * a.prod()).sum())(_x(m)),
    "vjp": lambda m: m.func.vjp(lambda a, b: (a * b, b.sum()), _x(m), _x(m) + 1)[1](
        (m.ones(3, dtype=m.float64), m.tensor(2.0, dtype=m.float64))),
    "jvp": lambda m: m.func.jvp(lambda a, b: a * b.exp(), (_x(m), _x(m) + 1),
                                (m.ones(3, dtype=m.float64), m.ones(3, dtype=m.float64))),
    "jvp_list_primals": lambda m: m.func.jvp(lambda a: a, [_x(m)], [_x(m)]),
    "hvp_forward_over_reverse": lambda m: m.func.jvp(m.func.grad(lambda a: (a.sin() * a.prod()).sum()), (_x(m),),
                                                     (m.tensor([1.0, 0.5, 0.25], dtype=m.float64),)),
    "vmap_sum": lambda m: m.vmap(lambda a: a.sum())(m.arange(6.0).reshape(2, 3)),
    "vmap_in_dims_none": lambda m: m.func.vmap(lambda a, b: a * b, in_dims=(0, None))(
        m.arange(6.0).reshape(2, 3), m.tensor([1.0, 2.0, 3.0])),
    "vmap_in_dim_1": lambda m: m.func.vmap(lambda a: a * 2, in_dims=1)(m.arange(6.0).reshape(2, 3)),
    "vmap_out_dims": lambda m: m.func.vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(m.arange(6.0).reshape(2, 3)),
    "vmap_dict": lambda m: m.func.vmap(lambda d: d["a"] * 2)({"a": m.arange(6.0).reshape(2, 3)}),
    "vmap_negative_dims": lambda m: m.func.vmap(lambda a: a.sum(0), in_dims=-1, out_dims=-1)(
        m.arange(12.0).reshape(2, 3, 2)),
    "vmap_nested": lambda m: m.vmap(m.vmap(m.mul))(m.ones(2, 3), m.arange(6.0).reshape(2, 3)),
    "vmap_dot": lambda m: m.vmap(m.dot)(m.ones(2, 3), m.arange(6.0).reshape(2, 3)),
    "vmap_size_mismatch": lambda m: m.func.vmap(lambda a, b: a + b)(m.ones(2, 3), m.ones(3, 3)),
    "vmap_in_dims_none_all": lambda m: m.func.vmap(lambda a: a, in_dims=None)(m.ones(2)),
    "vmap_float_output": lambda m: m.func.vmap(lambda a: 3.0)(m.ones(2)),
    "vmap_in_dim_range": lambda m: m.func.vmap(lambda a: a, in_dims=2)(m.ones(2, 3)),
    "vmap_random_error": lambda m: m.func.vmap(lambda a: m.rand(2))(m.ones(2)),
    "vmap_python_number_mapped": lambda m: m.func.vmap(lambda a, k: a * k)(m.ones(2), 3),
    "functional_call_tuple": lambda m: m.func.functional_call(
        _params(m), ({"weight": m.ones(2, 3, dtype=m.float64)}, {"bias": m.zeros(2, dtype=m.float64)}),
        m.tensor([[1.0, 2.0, 3.0]], dtype=m.float64)),
    "functional_call_repeated": lambda m: m.func.functional_call(
        _params(m), ({"weight": m.ones(2, 3)}, {"weight": m.ones(2, 3)}), (m.ones(1, 3),)),
}


@pytest.mark.parametrize("name", sorted(FUNC_CASES))
def test_func(name):
    same(FUNC_CASES[name])


def test_func_per_sample_gradients():
    def f(m):
        model = _params(m)
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y):
            out = m.func.functional_call(model, p, (x.unsqueeze(0),))
            return m.nn.functional.cross_entropy(out, y.unsqueeze(0))
        xs = m.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 1.0, -1.0]], dtype=m.float64)
        return m.func.vmap(m.func.grad(loss), in_dims=(None, 0, 0))(params, xs, m.tensor([0, 1, 1]))
    same(f)


def test_func_grad_keeps_outer_graph():
    """A result is differentiable by the caller when it depends on the
    caller's tensors (an input or a captured parameter that requires grad),
    and detached otherwise."""
    def f(m):
        w = m.tensor([0.5, -1.0], dtype=m.float64, requires_grad=True)
        x = m.tensor([1.0, 2.0], dtype=m.float64)
        g = m.func.grad(lambda a: (a * w).pow(2).sum())(x)
        g.pow(2).sum().backward()
        xr = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        gx = m.func.grad(lambda a: a.pow(3).sum())(xr)
        gx.sum().backward()
        plain = m.func.grad(lambda a: a.pow(3).sum())(x)
        return g.requires_grad, w.grad, gx.requires_grad, xr.grad, plain.requires_grad
    same(f)


def test_func_stack_module_state_ensemble():
    def f(m):
        models = [m.nn.Linear(2, 2) for _ in range(3)]
        with m.no_grad():
            for i, model in enumerate(models):
                model.weight.fill_(i + 1.0)
                model.bias.fill_(-i)
        params, buffers = m.func.stack_module_state(models)
        out = m.vmap(lambda p, b, x: m.func.functional_call(models[0], (p, b), (x,)), in_dims=(0, 0, None))(
            params, buffers, m.ones(4, 2))
        return {k: (tuple(v.shape), v.requires_grad) for k, v in params.items()}, out
    same(f)


def test_vmap_randomness_same():
    def f(m):
        m.manual_seed(0)
        r = m.vmap(lambda a: a + m.rand(3), randomness="same")(m.zeros(2, 3))
        return m.equal(r[0], r[1])
    same(f)


# ---------------------------------------------------------------- autograd.grad / backward
def test_grad_is_grads_batched():
    def f(m):
        x = _x(m, True)
        z = _x(m, True)
        y = x ** 3
        return (m.autograd.grad(y, x, m.eye(3, dtype=m.float64), is_grads_batched=True, retain_graph=True),
                m.autograd.grad(y, [x, z], m.ones(2, 3, dtype=m.float64), is_grads_batched=True, retain_graph=True,
                                allow_unused=True),
                m.autograd.grad(y, [x, z], m.ones(2, 3, dtype=m.float64), is_grads_batched=True, retain_graph=True,
                                materialize_grads=True))
    same(f)


def test_grad_is_grads_batched_shape_error():
    same(lambda m: (lambda x: m.autograd.grad(x ** 2, x, m.ones(3, dtype=m.float64), is_grads_batched=True))(
        _x(m, True)))


def test_grad_dict_inputs():
    same(lambda m: (lambda x: m.autograd.grad((x ** 2).sum(), {"a": x}))(_x(m, True)))


def test_backward_create_graph_warns():
    def f(m):
        x = _x(m, True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (x ** 3).sum().backward(create_graph=True)
        return any("create_graph=True will create a reference cycle" in str(w.message) for w in caught) or None
    tc.autograd._create_graph_warned[0] = False  # PyTorch warns once per process; so does tensorcore
    assert outcome(f, tc) == ("ok", True)


# ---------------------------------------------------------------- anomaly mode
def test_anomaly_flags():
    def f(m):
        seen = [m.is_anomaly_enabled()]
        with m.autograd.detect_anomaly():
            seen += [m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()]
        seen.append(m.is_anomaly_enabled())
        with m.autograd.set_detect_anomaly(True, check_nan=False):
            seen += [m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()]
        seen += [m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()]
        return seen
    same(f)


@pytest.mark.parametrize("op", ["div", "sqrt", "exp_ok", "check_nan_off"])
def test_anomaly_nan_in_backward(op):
    def f(m):
        x = m.tensor([0.0, 1.0], requires_grad=True)
        with m.autograd.detect_anomaly(check_nan=op != "check_nan_off"):
            y = {"div": lambda: x / x, "sqrt": lambda: x.sqrt() * 0, "exp_ok": lambda: x.exp(),
                 "check_nan_off": lambda: x / x}[op]()
            y.sum().backward()
        return x.grad
    same(f)


def test_set_detect_anomaly_bad_argument():
    same(lambda m: m.autograd.set_detect_anomaly("yes"))


# ---------------------------------------------------------------- checkpoint
def _lin(m):
    lin = m.nn.Linear(3, 3).double()
    with m.no_grad():
        lin.weight.copy_(m.linspace(-1, 1, 9, dtype=m.float64).reshape(3, 3))
        lin.bias.fill_(0.1)
    return lin


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_gradients(reentrant):
    def f(m):
        lin = _lin(m)
        x = m.tensor([[1.0, 2.0, 3.0]], dtype=m.float64, requires_grad=True)
        y = m.utils.checkpoint.checkpoint(lambda a: lin(a).tanh(), x, use_reentrant=reentrant)
        y.sum().backward()
        return y.grad_fn.name(), x.grad, lin.weight.grad
    same(f)


def test_checkpoint_reentrant_without_input_grad():
    def f(m):
        lin = _lin(m)
        return m.utils.checkpoint.checkpoint(lin, m.ones(1, 3, dtype=m.float64), use_reentrant=True).requires_grad
    same(f)


def test_checkpoint_replays_dropout_mask():
    def f(m):
        m.manual_seed(0)
        x = m.ones(16, requires_grad=True)
        y = m.utils.checkpoint.checkpoint(lambda a: m.nn.functional.dropout(a * 2, 0.5), x, use_reentrant=True)
        after = m.rand(1)
        y.sum().backward()
        m.manual_seed(0)
        reference = m.nn.functional.dropout(m.ones(16) * 2, 0.5)
        return (m.equal(x.grad, (y != 0).float() * 4), m.equal(y.detach(), reference),
                m.equal(m.rand(1), after))
    same(f)


def test_checkpoint_errors():
    same(lambda m: m.utils.checkpoint.checkpoint(lambda a, k=1: a * k, m.ones(2, requires_grad=True),
                                                 use_reentrant=True, k=2))
    same(lambda m: (lambda x: m.autograd.grad(m.utils.checkpoint.checkpoint(m.sin, x, use_reentrant=True).sum(),
                                              x))(m.ones(2, requires_grad=True)))


def test_checkpoint_default_warns_and_sequential():
    def f(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            x = m.tensor([1.0, 2.0], requires_grad=True)
            m.utils.checkpoint.checkpoint(m.sin, x).sum().backward()
        seq = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU(), m.nn.Linear(2, 2), m.nn.Tanh()).double()
        with m.no_grad():
            for p in seq.parameters():
                p.copy_(m.linspace(-1, 1, p.numel(), dtype=m.float64).reshape(p.shape))
        z = m.tensor([[1.0, -2.0]], dtype=m.float64, requires_grad=True)
        out = m.utils.checkpoint.checkpoint_sequential(seq, 2, z, use_reentrant=False)
        out.sum().backward()
        return (x.grad, any("use_reentrant parameter should be passed explicitly" in str(w.message) for w in caught),
                out, z.grad, seq[2].weight.grad)
    same(f)


# ---------------------------------------------------------------- custom Function
def _function_case(m, kind):
    Function = m.autograd.Function
    x = m.tensor([1.0, 2.0], requires_grad=True)
    if kind == "non_tensor_output":
        class F(Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2, 5

            @staticmethod
            def backward(ctx, g, g_number):
                return g * 3 if g_number is None else None
        y, k = F.apply(x)
        y.sum().backward()
        return k, x.grad
    if kind == "mark_dirty_leaf":
        class AddOne(Function):
            @staticmethod
            def forward(ctx, a):
                a.add_(1)
                ctx.mark_dirty(a)
                return a

            @staticmethod
            def backward(ctx, g):
                return g
        return AddOne.apply(x)
    if kind in ("grad_too_big", "grad_unbroadcastable", "grad_broadcast_down"):
        shape = {"grad_too_big": (3,), "grad_unbroadcastable": (1,), "grad_broadcast_down": (4, 2)}[kind]

        class Shaped(Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return m.ones(*shape)
        Shaped.apply(x).sum().backward()
        return x.grad
    if kind == "setup_context_defaults":
        class Scaled(Function):
            @staticmethod
            def forward(a, k=3.0):
                return a * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]
                ctx.n_inputs = len(inputs)

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k * ctx.n_inputs, None
        Scaled.apply(x).sum().backward()
        return x.grad
    if kind == "attributes":
        return Function.generate_vmap_rule, hasattr(Function, "jvp"), hasattr(Function, "vmap")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["non_tensor_output", "mark_dirty_leaf", "grad_too_big", "grad_unbroadcastable",
                                  "grad_broadcast_down", "setup_context_defaults", "attributes"])
def test_custom_function(kind):
    same(lambda m: _function_case(m, kind))


def test_function_instantiation_warns():
    for m in (torch, tc):
        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            F()


# ---------------------------------------------------------------- grad modes and hooks
def test_grad_mode_decorators_on_generators():
    def f(m):
        @m.no_grad()
        def gen():
            for _ in range(2):
                yield m.is_grad_enabled()

        @m.inference_mode()
        def gen2():
            yield m.is_grad_enabled()
            yield m.is_inference_mode_enabled()
        seen = []
        it, it2 = gen(), gen2()
        seen += [next(it), m.is_grad_enabled(), next(it), next(it2), m.is_grad_enabled(), next(it2)]
        with m.no_grad():
            @m.enable_grad()
            def gen3():
                yield m.is_grad_enabled()
            it3 = gen3()
            seen.append(next(it3))
        seen.append(list(it3))
        return seen
    same(f)


def test_inference_mode_false_enables_grad():
    def f(m):
        seen = []
        with m.no_grad():
            with m.inference_mode(False):
                seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
        with m.inference_mode():
            seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
            with m.inference_mode(False):
                seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
        seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
        return seen
    same(f)


@pytest.mark.parametrize("result", ["one_of_two", "tensor", "replace"])
def test_node_hook_results(result):
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        hook = {"one_of_two": lambda gi, go: (gi[0] * 0 + 7,), "tensor": lambda gi, go: gi[0],
                "replace": lambda gi, go: (gi[0] * 0 + 7, None)}[result]
        y.grad_fn.register_hook(hook)
        y.sum().backward()
        return x.grad
    same(f)


# ---------------------------------------------------------------- gradcheck, linalg
def test_gradcheck_float32_warning_and_message():
    def f(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.autograd.gradcheck(lambda a: a * 2, (m.tensor([0.3, 0.7], requires_grad=True),), eps=1e-3, atol=1e-2)
        return [str(w.message) for w in caught]
    same(f)

    class Wrong(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class WrongTorch(torch.autograd.Function):
        forward = Wrong.forward
        backward = Wrong.backward
    expected = outcome(lambda m: m.autograd.gradcheck(WrongTorch.apply, (torch.tensor([0.3, 0.7], dtype=torch.float64,
                                                                                      requires_grad=True),)), torch)
    got = outcome(lambda m: m.autograd.gradcheck(Wrong.apply, (tc.tensor([0.3, 0.7], dtype=tc.float64,
                                                                         requires_grad=True),)), tc)
    assert _close(got, expected)


def test_svdvals_double_backward():
    def f(m):
        x = m.tensor([[0.3, -1.2, 0.7], [1.5, -0.4, 2.2]], dtype=m.float64, requires_grad=True)
        s = m.linalg.svdvals(x)
        g, = m.autograd.grad((s * m.tensor([1.0, -2.0], dtype=m.float64)).sum(), x, create_graph=True)
        g.pow(2).sum().backward()
        n = m.linalg.matrix_norm(x.detach().requires_grad_(), "nuc")
        return s.grad_fn.name(), g, x.grad, n
    same(f)


def test_cholesky_solve_and_inverse():
    def f(m):
        a = m.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=m.float64, requires_grad=True)
        b = m.tensor([[1.0, 3.0], [2.0, -1.0]], dtype=m.float64, requires_grad=True)
        lower = m.linalg.cholesky(a)
        x = m.cholesky_solve(b, lower)
        x.pow(2).sum().backward()
        return (x, m.cholesky_solve(b, lower.mT, upper=True), b.cholesky_solve(lower), m.cholesky_inverse(lower),
                a.grad, b.grad)
    same(f)


@pytest.mark.parametrize("b_shape, dtype", [((3,), "float32"), ((3, 2), "float32"), ((2, 3), "float64")])
def test_cholesky_solve_errors(b_shape, dtype):
    same(lambda m: m.cholesky_solve(m.ones(*b_shape, dtype=getattr(m, dtype)),
                                    m.linalg.cholesky(m.tensor([[2.0, 0.5], [0.5, 1.0]]))))


# ---------------------------------------------------------------- argument checks before the engine
def _ones2(m):
    return m.ones(2, requires_grad=True)


GRAD_OUTPUT_CASES = {
    "second_output_no_grad": lambda m: m.autograd.grad([_ones2(m).sum(), m.ones(1).sum()], _ones2(m)),
    "second_output_no_grad_backward": lambda m: m.autograd.backward([_ones2(m).sum(), m.ones(1).sum()]),
    "none_for_non_scalar": lambda m: (lambda a: m.autograd.grad([a * 2], a, [None]))(_ones2(m)),
    "shape_mismatch": lambda m: (lambda a: m.autograd.grad([a * 2], a, [m.ones(3)]))(_ones2(m)),
    "shape_mismatch_backward": lambda m: (_ones2(m) * 2).backward(m.ones(3)),
    "float_gradient": lambda m: (lambda a: m.autograd.grad([a * 2], a, [3.0]))(_ones2(m)),
    "int_gradient": lambda m: (lambda a: m.autograd.grad([a * 2], a, [m.ones(2, dtype=m.int64)]))(_ones2(m)),
    "implicit_for_one_element": lambda m: (lambda a: m.autograd.grad(a * 2, a))(m.ones(1, requires_grad=True)),
    "non_scalar_without_grad_fn": lambda m: m.autograd.grad([m.ones(2)], _ones2(m)),
}


@pytest.mark.parametrize("name", sorted(GRAD_OUTPUT_CASES))
def test_grad_output_checks(name):
    same(GRAD_OUTPUT_CASES[name])


def test_hook_handles_and_saved_tensor_contexts():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        handle = x.register_hook(lambda g: g * 0)
        with handle:
            pass
        with m.autograd.graph.save_on_cpu():
            (x * x).sum().backward()
        with m.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            (x * 3).sum().backward()
        return type(handle).__name__, x.grad
    same(f)


# ---------------------------------------------------------------- grad_fn names of composed ops (printed with results)
def _name(y):
    return y.grad_fn.name() if y.grad_fn is not None else None


def _loss_names(m):
    F = m.nn.functional
    m.manual_seed(0)
    x = m.randn(2, 3, requires_grad=True)
    t = m.randn(2, 3)
    c = m.tensor([2, 0])
    names = []
    for r in ("mean", "sum", "none"):
        names += [_name(F.soft_margin_loss(x, t.sign(), reduction=r)), _name(F.multi_margin_loss(x, c, reduction=r)),
                  _name(F.multilabel_margin_loss(x, m.tensor([[0, 2, -1], [1, -1, 0]]), reduction=r)),
                  _name(F.cross_entropy(x, t.softmax(1), reduction=r))]
        for shape, target_shape in (((2, 3, 4), (2, 4)), ((2, 3, 2, 2), (2, 2, 2)), ((2, 3, 1, 1, 2), (2, 1, 1, 2))):
            xs = m.randn(*shape, requires_grad=True)
            ts = m.zeros(*target_shape, dtype=m.int64)
            names += [_name(F.nll_loss(xs, ts, reduction=r)), _name(F.cross_entropy(xs, ts, reduction=r)),
                      _name(F.cross_entropy(xs, ts, reduction=r, label_smoothing=0.1))]
    return names


def _layer_names(m):
    F = m.nn.functional
    m.manual_seed(0)
    x3 = m.randn(1, 2, 4, requires_grad=True)
    x4 = m.randn(1, 2, 4, 4, requires_grad=True)
    x5 = m.randn(1, 1, 2, 2, 2, requires_grad=True)
    names = [_name(F.interpolate(x, scale_factor=2, mode=mode)) for x, modes in (
        (x3, ("nearest", "linear", "area", "nearest-exact")),
        (x4, ("nearest", "bilinear", "bicubic", "area", "nearest-exact")),
        (x5, ("nearest", "trilinear", "area"))) for mode in modes]
    names += [_name(F.pad(x3, (1, 2))), _name(F.pad(x3, (1, 1), value=2.0)), _name(F.pad(x3, (1, 1), mode="reflect")),
              _name(F.pad(x4, (1, 1, 1, 1), mode="replicate")), _name(m.nn.ZeroPad2d(1)(x4))]
    names += [_name(F.group_norm(x4, 2)), _name(m.nn.GroupNorm(1, 2)(x4)), _name(F.instance_norm(x4)),
              _name(m.nn.InstanceNorm2d(2, affine=True)(x4)), _name(F.pixel_shuffle(m.randn(1, 4, 2, 2, requires_grad=True), 2)),
              _name(F.pixel_unshuffle(x4, 2)), _name(F.embedding_bag(m.tensor([0, 1]), m.randn(3, 2, requires_grad=True),
                                                                      m.tensor([0]))),
              _name(F.pairwise_distance(x4[0, 0], x4[0, 1])), _name(F.conv3d(x5, m.randn(1, 1, 1, 1, 1))),
              _name(F.conv_transpose1d(x3, m.randn(2, 1, 2))), _name(F.conv_transpose3d(x5, m.randn(1, 1, 1, 1, 1)))]
    seq = m.randn(3, 2, 4)
    names += [_name(m.nn.LSTM(4, 3)(seq)[0]), _name(m.nn.LSTM(4, 3, num_layers=2)(seq)[0]),
              _name(m.nn.LSTM(4, 3, batch_first=True)(seq)[0]), _name(m.nn.LSTM(4, 3, bidirectional=True)(seq)[0]),
              _name(m.nn.LSTM(4, 3).double()(seq.double())[0]), _name(m.nn.LSTM(4, 3)(seq[:, 0])[0]),
              _name(m.nn.GRUCell(4, 3)(seq[0])), _name(m.nn.GRUCell(4, 3)(seq[0, 0]))]
    return names


@pytest.mark.parametrize("names", [_loss_names, _layer_names])
def test_composed_op_grad_fn_names(names):
    same(names)


# ---------------------------------------------------------------- torch.special (aliases and composed entries)
SPECIAL_UNARY = ["erf", "erfc", "erfinv", "expit", "exp2", "expm1", "log1p", "gammaln", "digamma", "psi", "i0", "sinc",
                 "ndtr", "entr"]


@pytest.mark.parametrize("name", SPECIAL_UNARY)
def test_special_unary(name):
    def f(m):
        x = m.tensor([-2.5, -0.5, 0.0, 0.5, 3.0, float("nan")], dtype=m.float64, requires_grad=True)
        if name == "erfinv":
            x = (x * 0.3).detach().requires_grad_()
        y = getattr(m.special, name)(x)
        g, = m.autograd.grad(y[:5].sum(), x)
        return y, _name(y), g, getattr(m.special, name)(m.tensor([0, 1, 2]))
    same(f)


def test_special_other_entries():
    def f(m):
        x = m.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], dtype=m.float64)
        y = m.tensor([1.0, -1.0, 0.0, 2.0, float("nan")], dtype=m.float64, requires_grad=True)
        xr = x.clone().requires_grad_()
        out = m.special.xlog1py(xr, y)
        grads = m.autograd.grad(out[:4].sum(), (xr, y))
        return (out, _name(out), grads, m.special.xlog1py(2, m.tensor([1.0, 2.0])),
                m.special.xlog1py(m.tensor([1, 2]), m.tensor([3, 4])), m.special.logit(x.sigmoid(), eps=1e-3),
                m.special.round(x * 3.3, decimals=1), m.special.softmax(x, 0), m.special.log_softmax(x, 0),
                m.special.logsumexp(x, 0), m.special.xlogy(x, x.abs()), m.special.polygamma(1, x.abs() + 1),
                m.special.multigammaln(x.abs() + 2, 2), m.special.gammainc(x.abs() + 1, x.abs()))
    same(f)


def test_round_decimals_node_name():
    def f(m):
        x = m.tensor([1.26, 2.0], requires_grad=True)
        return [_name(x.round()), _name(x.round(decimals=0)), _name(x.round(decimals=1)), _name(x.round(decimals=-1)),
                _name(m.round(x, decimals=2))]
    same(f)


def test_backward_inputs_non_leaf_gets_grad():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        y = (h * h).sum()
        y.backward(inputs=[h], retain_graph=True)
        first = h.grad.clone()
        y.backward(inputs=[h, x])
        z = x * 3
        (z ** 3).sum().backward(inputs=[z], create_graph=True)
        return first, h.grad, x.grad, z.grad, _name(z.grad)
    same(f)


def test_backward_gradient_argument_forms():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        for g in ([m.ones(2)], [m.ones(2), m.ones(2)], [None], (m.ones(2),), [3.0], 3, "a", []):
            try:
                (x * 2).backward(g, retain_graph=True)
                seen.append(x.grad.clone())
            except (TypeError, RuntimeError) as e:
                seen.append((type(e).__name__, str(e)))
        for call in (lambda: m.autograd.backward([(x * 2).sum()], [m.tensor(1.0), m.tensor(2.0)]),
                     lambda: m.autograd.backward([(x * 2).sum(), (x * 3).sum()], [m.tensor(1.0)]),
                     lambda: m.autograd.grad([(x * 2).sum()], x, [m.tensor(1.0), m.tensor(2.0)])):
            try:
                seen.append(call())
            except RuntimeError as e:
                seen.append(str(e))
        return seen, x.grad
    same(f)


def test_deprecated_arguments_warn():
    def f(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.autograd.Variable(m.ones(2), volatile=True)
            x = m.tensor([1.0, 2.0], requires_grad=True)
            m.autograd.grad((x * x).sum(), x, only_inputs=False)
        return [(w.category.__name__, str(w.message)) for w in caught]
    same(f)


def test_copy_construct_from_tensor_warns():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m.tensor(x)
            z = x.new_tensor(x, dtype=m.float64)
            m.tensor([1.0, 2.0])
        return [str(w.message) for w in caught], y, y.requires_grad, z, z.requires_grad
    same(f)


# ---------------------------------------------------------------- scaled_dot_product_attention, double backward
def _ramp(m, *shape, k=1.0):
    n = 1
    for s in shape:
        n *= s
    return (m.linspace(-1, 1, n, dtype=m.float64).reshape(shape) * k).requires_grad_()


@pytest.mark.parametrize("variant", ["plain", "causal", "scale", "bool_mask", "float_mask", "gqa", "flash_4d"])
def test_sdpa_double_backward(variant):
    """Where PyTorch's CPU build takes the math path (3-d inputs, a mask that
    requires grad) the gradient is differentiable; where it takes its flash
    kernel (4-d) double backward raises, in both libraries."""
    def f(m):
        F = m.nn.functional
        lead = (1, 2) if variant == "flash_4d" else (2,)
        kv_heads = (1,) if variant == "gqa" else lead
        q, k, v = _ramp(m, *lead, 3, 4), _ramp(m, *kv_heads, 3, 4, k=0.7), _ramp(m, *kv_heads, 3, 4, k=1.3)
        kwargs = {"causal": {"is_causal": True}, "scale": {"scale": 0.3}, "gqa": {"enable_gqa": True},
                  "bool_mask": {"attn_mask": m.tensor([[True, False, True], [True, True, False], [False, True, True]])},
                  "float_mask": {"attn_mask": _ramp(m, 3, 3, k=0.5)}}.get(variant, {})
        out = F.scaled_dot_product_attention(q, k, v, **kwargs)
        inputs = [t for t in (q, k, v, kwargs.get("attn_mask")) if t is not None and t.requires_grad]
        grads = m.autograd.grad((out * out.detach().cos()).sum(), inputs, create_graph=True)
        sum((g * g).sum() for g in grads).backward()
        return _name(out), out, grads, [t.grad for t in inputs]
    same(f)


def test_autograd_grad_runs_leaf_hooks():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        handle = x.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: g + 1)
        first = m.autograd.grad((x * 3).sum(), x)
        y = (x ** 2).sum()
        second = m.autograd.grad(y, x, create_graph=True)[0]
        handle.remove()
        third = m.autograd.grad((x * 3).sum(), x)
        h = x * 3
        (h * x).sum().backward(inputs=[h, x])
        return first, second, second.requires_grad, third, h.grad, x.grad
    same(f)


def test_leaf_hook_changing_size_in_autograd_grad():
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: m.ones(3))
        return m.autograd.grad((x * 3).sum(), x)
    same(f)


@pytest.mark.parametrize("path, names", [
    ("autograd.grad_mode", ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
                            "set_multithreading_enabled"]),
    ("autograd.variable", ["Variable"]),
    ("autograd.function", ["Function", "FunctionCtx", "once_differentiable", "InplaceFunction"]),
    ("autograd.graph", ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]),
    ("utils.hooks", ["RemovableHandle"]),
    ("utils.checkpoint", ["checkpoint", "checkpoint_sequential", "CheckpointError"]),
])
def test_module_paths_programs_import(path, names):
    import importlib
    for lib, root in ((torch, "torch"), (tc, "tensorcore")):
        module = importlib.import_module(f"{root}.{path}")
        assert [n for n in names if not hasattr(module, n)] == [], (lib, path)


def test_set_multithreading_enabled_and_grad_mode_module():
    def f(m):
        with m.autograd.set_multithreading_enabled(False):
            inside = m.is_grad_enabled()
        with m.autograd.grad_mode.no_grad():
            off = m.is_grad_enabled()
        return inside, off, m.autograd.grad_mode.no_grad is m.no_grad
    same(f)
