"""Fixes of stop 19 in the core (autograd of in-place view ops and multi-output
views, indexing, dtype checks), each run side by side with PyTorch."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _outcome(lib, f):
    """What f(lib) gives: ("ok", value as numpy or plain) or ("err", exception type name, message)."""
    try:
        r = f(lib)
    except Exception as e:  # compared by type and words below
        return ("err", type(e).__name__, str(e))
    if isinstance(r, (lib.Tensor,)):
        return ("ok", r.detach().numpy())
    if isinstance(r, tuple):
        return ("ok", tuple(x.detach().numpy() if isinstance(x, lib.Tensor) else x for x in r))
    return ("ok", r)


def _same(f, words=None):
    ours, theirs = _outcome(tc, f), _outcome(torch, f)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "err":
        assert ours[1] == theirs[1], (ours, theirs)
        if words:
            assert words in ours[2] and words in theirs[2], (ours[2], theirs[2])
        return ours
    for a, b in zip(ours[1], theirs[1]) if isinstance(theirs[1], tuple) else [(ours[1], theirs[1])]:
        if isinstance(b, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6)
    return ours


# ---- Note [Multi-output views]: views taken of split/chunk/unbind outputs ----

@pytest.mark.parametrize("make, node", [
    (lambda x: x.split(2)[0].view(-1), "View"),
    (lambda x: x.unbind(0)[0][1:], "Slice"),
    (lambda x: x.chunk(2)[0].t(), "T"),
    (lambda x: x.split_with_sizes([1, 3])[1].unsqueeze(0), "Unsqueeze"),
])
def test_inplace_on_a_view_of_a_multi_output_view_is_refused(make, node):
    def f(lib):
        x = lib.randn(4, 3, requires_grad=True).clone()
        make(x).mul_(2)
    ours = _same(f, "is a view and is being modified inplace")
    assert f"Output 0 of {node} is a view" in ours[2]


def test_stale_multi_output_view_is_refused_each_time_it_is_used():
    for lib in (tc, torch):
        x = lib.randn(4, 3, requires_grad=True).clone()
        a = x.chunk(2)[-1]
        b = x.split(1)[0].view(-1)
        x.mul_(2)
        for _ in range(2):
            with pytest.raises(RuntimeError, match="Output 1 of Split is a view and its base or another view"):
                a.grad_fn
        with pytest.raises(RuntimeError, match="Output 0 of View is a view and its base or another view"):
            (b * 2).sum()


def test_multi_output_views_without_writes_still_train():
    # the common uses (q, k, v = qkv.split(...); LSTM gates from chunk) are untouched
    x = np.random.default_rng(0).standard_normal((2, 6)).astype(np.float32)
    grads = []
    for lib in (tc, torch):
        w = lib.tensor(x, requires_grad=True)
        q, k, v = (w * 2).split(2, dim=1)
        i, f = w.chunk(2, dim=1)
        ((q * k).sum() + v.sigmoid().sum() + (i.tanh() * f).sum()).backward()
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5)


# ---- Note [In-place view ops] ----

@pytest.mark.parametrize("op", [
    lambda x: x.t_(), lambda x: x.transpose_(0, 1), lambda x: x.swapdims_(0, 1), lambda x: x.unsqueeze_(0),
    lambda x: x[:, :1].squeeze_(), lambda x: x.as_strided_((3, 4), (1, 3)),
])
def test_inplace_view_ops_bump_the_version_and_name_their_node(op):
    for requires_grad in (False, True):
        got = []
        for lib in (tc, torch):
            x = lib.arange(12.).view(4, 3).requires_grad_(requires_grad).clone()
            y = op(x)
            got.append((x._version, y._version, tuple(y.shape), tuple(y.stride()),
                        y.grad_fn.name() if y.grad_fn is not None else None))
        assert got[0] == got[1]


@pytest.mark.parametrize("op", [lambda y: y.t_(), lambda y: y.unsqueeze_(0), lambda y: y.transpose_(0, 1)])
def test_tensor_saved_for_backward_then_viewed_in_place_is_refused(op):
    # before: the saved y was read with its new geometry, a silently transposed gradient for a square t_()
    def f(lib):
        x = lib.arange(9.).view(3, 3).requires_grad_()
        y = x.clone()
        z = y * y
        op(y)
        z.sum().backward()
        return x.grad
    _same(f, "modified by an inplace operation")


def test_inplace_view_op_on_a_view_keeps_it_a_view_of_its_base():
    def grad_through_view(lib):
        x = lib.arange(9.).view(3, 3).requires_grad_()
        y = x.clone()
        v = y[0:2]
        v.t_()
        (v * lib.arange(6.).view(3, 2)).sum().backward()
        return x.grad, v.grad_fn.name() == "TBackward1"
    _same(grad_through_view)

    def write_after(lib):
        x = lib.arange(9.).view(3, 3).requires_grad_()
        y = x.clone()
        v = y[0:2]
        v.t_()
        v.mul_(lib.arange(6.).view(3, 2))
        (y * y).sum().backward()
        return x.grad, y
    _same(write_after)


# ---- Note [CopySlices on a permuted base] ----

def test_write_through_a_view_of_a_transposed_base():
    def f(lib):
        x = lib.arange(12.).view(3, 4).requires_grad_()
        y = x.clone()
        y.t_()
        y[0] = lib.arange(3.) * 10
        (y * lib.arange(12.).view(4, 3)).sum().backward()
        return x.grad, y

    def g(lib):
        x = lib.arange(24.).view(2, 3, 4).requires_grad_()
        y = x.clone()
        y.transpose_(0, 2)
        y[1:3, :, 1].mul_(lib.arange(6.).view(2, 3))
        (y * lib.arange(24.).view(4, 3, 2)).sum().backward()
        return x.grad, y
    _same(f)
    _same(g)


def test_write_through_a_view_of_a_transposed_base_gradchecks():
    def f(x):
        y = x.clone()
        y.t_()
        y[1:, 0] = y[1:, 0] * 2 + x[0, 1:] ** 2
        return y * y
    x = tc.randn(3, 3, dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(f, (x,))
    assert tc.autograd.gradgradcheck(f, (x,))


# ---- dtype checks and conversions ----

def test_matmul_dtype_mismatch_is_checked_before_bool():
    _same(lambda lib: lib.ones(2, 2, dtype=lib.float64) @ lib.ones(2, 2, dtype=lib.bool),
          "expected m1 and m2 to have the same dtype")
    _same(lambda lib: lib.ones(2, 2, dtype=lib.bool) @ lib.ones(2, 2, dtype=lib.bool))


def test_mode_of_a_zero_dim_complex_tensor():
    _same(lambda lib: tuple(lib.mode(lib.tensor(1 + 2j))))
    _same(lambda lib: lib.mode(lib.tensor([1 + 2j])))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64", "float32"])
@pytest.mark.parametrize("value", [300 + 0j, -200 + 0j, complex(float("nan"), 0), 1e39 + 0j,
                                   complex(float("inf"), 0)])
def test_complex_value_narrowed_with_a_range_check(dtype, value):
    def f(lib):
        x = lib.zeros(2, dtype=getattr(lib, dtype))
        x[0] = value
        return x
    _same(f, "without overflow")


@pytest.mark.parametrize("value", [complex(float("nan"), 0), complex(float("inf"), 0), 1e30 + 0j, 2.7 + 0j])
def test_int_of_a_complex_tensor(value):
    _same(lambda lib: int(lib.tensor(value)))


# ---- Note [Float lists as indices] ----

@pytest.mark.parametrize("key", [[0.5], [0.5, 1.7], [-0.5], [1, 2.5], [True, 0.5], [float("nan")], [1e20],
                                 [1 + 0j]])
def test_a_list_of_floats_indexes_by_truncation(key):
    _same(lambda lib: lib.arange(6.)[key])


def test_a_list_of_floats_assigns_by_truncation():
    def f(lib):
        x = lib.zeros(6)
        x[[0.5, 2.9]] = 1
        return x
    _same(f)
    _same(lambda lib: lib.arange(6.)[lib.tensor([0.5])])  # a float tensor index stays refused


def test_index_put_checks_the_value_shape_before_the_bounds():
    _same(lambda lib: lib.zeros(3).index_put_((lib.tensor([5]),), lib.tensor([1., 2.])),
          "shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of shape [1]")
    _same(lambda lib: lib.zeros(3).index_put_((lib.tensor([5]),), lib.tensor([1.])), "out of bounds")


def test_addcmul_with_self_as_an_operand_names_its_node():
    def f(lib):
        x = lib.randn(3, 4, requires_grad=True).clone()
        v = x[x > 0]
        v.addcmul_(v, v, value=0.5)
        w = x.clone()
        w.addcdiv_(w, w + 5)
        return v.grad_fn.name(), w.grad_fn.name()
    assert _outcome(tc, f) == _outcome(torch, f) == ("ok", ("AddcmulBackward0", "AddcdivBackward0"))


# ---- Note [View creation meta]: custom autograd.Function outputs ----

def _identity_function(lib):
    class Id(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3
    return Id


def _slice_function(lib):
    class Tail(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[1:]

        @staticmethod
        def backward(ctx, g):
            return lib.cat([lib.zeros(1), g])
    return Tail


def test_input_returned_as_is_is_a_view_with_the_functions_gradient():
    def f(lib):
        x0 = lib.tensor([1., 2., 3.], requires_grad=True)
        x = x0.clone()
        y = _identity_function(lib).apply(x)
        assert y is not x and y._base is x and y.grad_fn.name() == "IdBackward"
        (y.sum() + x.sum()).backward()
        return x0.grad
    _same(f)


@pytest.mark.parametrize("write", [
    lambda lib, y: y.mul_(2), lambda lib, y: y[0].add_(1), lambda lib, y: y.view(-1).zero_(),
])
@pytest.mark.parametrize("function", [_identity_function, _slice_function])
def test_inplace_write_into_a_custom_function_view_is_refused(function, write):
    def f(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True).clone()
        write(lib, function(lib).apply(x))
    _same(f, "This view was created inside a custom Function")


def test_custom_function_view_refuses_use_after_its_base_is_written():
    def f(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True).clone()
        y = _identity_function(lib).apply(x)
        x.mul_(2)
        return y * 2
    _same(f, "Output 0 of Id is a view and its base or another view of its base has been modified inplace")


def test_full_backward_hook_then_inplace_relu_is_refused_as_in_pytorch():
    def f(lib):
        lin = lib.nn.Linear(3, 3)
        lin.register_full_backward_hook(lambda m, gi, go: None)
        lib.nn.Sequential(lin, lib.nn.ReLU(inplace=True))(lib.randn(2, 3)).sum()
    _same(f, "Output 0 of BackwardHookFunction is a view and is being modified inplace")


def test_builtin_functions_outputs_stay_writable():
    # tensorcore's own Functions stand for PyTorch's native ops: their outputs take in-place writes
    def f(lib):
        a = lib.tensor([[2., 1.], [1., 3.]], requires_grad=True)
        inv = lib.linalg.inv(a * 1)
        inv.mul_(2)
        spec = lib.fft.fft(a * 1)
        spec.mul_(2)
        (inv.sum() + spec.real.sum()).backward()
        return a.grad
    _same(f)


# ---- differential fuzzer findings (seed 90210) ----

@pytest.mark.parametrize("call", [
    lambda lib: lib.arange(float("nan"), dtype=lib.complex128),  # the dtype's refusal before the range's
    lambda lib: lib.arange(3, out=lib.empty(0, dtype=lib.complex64)),
    lambda lib: lib.mode(lib.ones(1, dtype=lib.complex128, requires_grad=True)),  # kernel before autograd
    lambda lib: lib.mode(lib.tensor(1j, requires_grad=True)),  # a 0-dim input runs no kernel
    lambda lib: lib.zeros(2, dtype=lib.float16).index_fill_(-1, lib.tensor([-3]), 2 ** 40),  # value first
    lambda lib: lib.zeros(2, dtype=lib.int8).index_fill_(0, lib.tensor([5]), 300),
    lambda lib: lib.softmax(lib.zeros(2, 0, dtype=lib.complex128, requires_grad=True), 0, dtype=lib.complex128),
    lambda lib: lib.log_softmax(lib.zeros(2, 0, dtype=lib.complex64, requires_grad=True), 0),
    lambda lib: lib.softmax(lib.zeros(2, 0, dtype=lib.complex64), 0),
    lambda lib: tuple(lib.cummax(lib.zeros(4, 0, dtype=lib.complex64), 1)),
    lambda lib: tuple(lib.cummin(lib.tensor(1j), 0)),
])
def test_fuzzer_findings(call):
    _same(call)


@pytest.mark.parametrize("key, value, n", [
    (True, lambda lib: lib.tensor(5), 1),  # int64 into int32: a copy, not index_put_
    (False, lambda lib: lib.tensor(7.5), 2),
    (True, lambda lib: lib.tensor([7.5, 8]), 2),
    (False, lambda lib: lib.tensor([1., 2, 3]), 2),  # x[False] = tensor: nothing is checked
    (False, lambda lib: 1 + 2j, 2),  # ... a number is converted
    (True, lambda lib: lib.tensor([1., 2, 3]), 2),
    ((True, 0), lambda lib: lib.tensor([7.5]), 2),  # a bool in a tuple is a mask: index_put_'s dtype check
    (None, lambda lib: lib.tensor(7.5), 2),
])
def test_a_lone_bool_key_assigns_by_copy(key, value, n):
    def f(lib):
        x = lib.zeros(n, dtype=lib.int32)
        x[key] = value(lib)
        return x
    _same(f)


def test_a_lone_bool_key_assignment_records_history():
    def f(lib):
        x = lib.zeros(2, requires_grad=True).clone()
        w = lib.tensor(3., requires_grad=True)
        x[True] = w * 2
        (x * lib.tensor([1., 5.])).sum().backward()
        return w.grad
    _same(f)


@pytest.mark.parametrize("call", [
    lambda lib: lib.sum(lib.arange(6.).view(2, 3), None, keepdim=True),  # dim=None is a dim
    lambda lib: lib.arange(6.).view(2, 3).sum(dim=None, keepdim=True),
    lambda lib: lib.arange(6.).view(2, 3).sum(axis=None, keepdims=True),
    lambda lib: lib.arange(6.).view(2, 3).sum(keepdim=True),  # ... but keepdim alone is PyTorch's TypeError
    lambda lib: lib.sum(lib.arange(6.), keepdim=False),
    lambda lib: lib.heaviside(lib.tensor([1j]), lib.tensor([1j, 2j, 3j])),  # complex before the shapes
    lambda lib: lib.heaviside(lib.tensor([1j]), lib.tensor([1.])),
])
def test_fuzzer_findings_seed_4711(call):
    _same(call)


# ---- Note [Complex add is a + alpha * b] ----

@pytest.mark.parametrize("a_dtype", ["float32", "int16", "complex64", "complex128"])
@pytest.mark.parametrize("b_dtype", ["complex64", "complex128"])
def test_complex_add_multiplies_the_second_operand_by_alpha(a_dtype, b_dtype):
    inf = float("inf")

    def f(lib):
        a = lib.tensor([1], dtype=getattr(lib, a_dtype))
        b = lib.tensor([complex(inf, 0), complex(0, -inf), 2 + 3j], dtype=getattr(lib, b_dtype))
        x = a.to(b.dtype).expand(3).clone()
        x += b
        y = a.to(b.dtype).expand(3).clone()
        y -= b
        return (a + b, b + a, a - b, b - a, lib.add(a, b, alpha=2), lib.sub(a, b, alpha=2), x, y,
                lib.rsub(a, b), b + inf, b - inf, lib.tensor([1 + 0j]) + lib.tensor([inf]))
    ours, theirs = _outcome(tc, f), _outcome(torch, f)
    for x, y in zip(ours[1], theirs[1]):
        np.testing.assert_array_equal(x, y)  # inf and NaN in the same parts


def test_complex_add_gradient_is_unchanged():
    def f(lib):
        a = lib.tensor([1 + 2j, 3 - 1j], dtype=lib.complex128, requires_grad=True)
        b = lib.tensor([0.5 - 1j, 2 + 0j], dtype=lib.complex128, requires_grad=True)
        ((a + b) * (a - b).conj() + lib.add(a, b, alpha=3)).abs().sum().backward()
        return a.grad, b.grad
    _same(f)
    a = tc.tensor([1 + 2j, 3 - 1j], dtype=tc.complex128, requires_grad=True)
    b = tc.tensor([0.5 - 1j, 2 + 0j], dtype=tc.complex128, requires_grad=True)
    assert tc.autograd.gradcheck(lambda a, b: a + b * 2 - tc.sub(a, b, alpha=1.5), (a, b))


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(2, dtype=lib.complex64).clamp_min_(0),
    lambda lib: lib.zeros(2, dtype=lib.complex64)[:1].expand(3).clamp_min_(float("nan")),  # before overlap
    lambda lib: lib.clamp_max(lib.zeros(2, dtype=lib.complex64), 1),
    lambda lib: lib.clamp_min(lib.zeros(2, dtype=lib.complex64), lib.zeros(2)),
    lambda lib: lib.max(lib.zeros(2, 2, dtype=lib.complex64), 3),  # the dim's IndexError first
    lambda lib: lib.zeros(2, 2, dtype=lib.complex64).min(-3),
    lambda lib: lib.median(lib.zeros(0, dtype=lib.complex128, requires_grad=True)),
    lambda lib: lib.median(lib.zeros(0, dtype=lib.complex128)),
    lambda lib: lib.median(lib.zeros(0, 2, dtype=lib.complex128), 0),
    lambda lib: lib.median(lib.zeros(2, dtype=lib.complex128)),
    lambda lib: lib.nextafter(lib.zeros(2, 4, dtype=lib.uint8), lib.zeros(3, 5, dtype=lib.uint8)),  # shapes first
    lambda lib: lib.nextafter(lib.zeros(2, 4, dtype=lib.uint8), lib.zeros(2, 4, dtype=lib.uint8)),
])
def test_fuzzer_findings_seed_1234567(call):
    _same(call)


# ---- Note [Full slices are no views] ----

@pytest.mark.parametrize("key", [
    (0, slice(None)), (slice(None), 0), slice(0, 100), Ellipsis, slice(None), (None, slice(None)),
    (slice(1, None), slice(None)), (slice(-100, None), slice(0, 4)), (slice(0, 3), slice(0, 4)),
])
def test_getitem_node_names_follow_the_slice_optimization(key):
    def f(lib):
        x = lib.randn(3, 4, requires_grad=True).clone()
        return x[key].grad_fn.name()
    _same(f)


@pytest.mark.parametrize("key", [
    slice(None), Ellipsis, (slice(None), slice(None)), slice(0, 100), (Ellipsis, slice(None)), (0, slice(None)),
    slice(-10, None), slice(None, -1),
])
def test_assignment_through_full_slices_is_a_copy_into_the_tensor(key):
    def f(lib):
        x = lib.arange(12.).view(3, 4).requires_grad_()
        y = x.clone()
        y[key] = y[key] * 2
        (y * lib.arange(12.).view(3, 4)).sum().backward()
        return y.grad_fn.name(), x.grad
    _same(f)


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(0, dtype=lib.complex128).min(-1),  # the empty dim's IndexError before complex
    lambda lib: lib.zeros(2, 0, dtype=lib.complex128).max(1),
    lambda lib: lib.zeros(2, 1, dtype=lib.complex128).max(1),
    lambda lib: lib.matmul(lib.zeros(2, dtype=lib.complex64), lib.zeros(2, dtype=lib.bool)),  # dtypes first
    lambda lib: lib.dot(lib.zeros(2, dtype=lib.bool), lib.zeros(2, dtype=lib.bool)),
    lambda lib: lib.cumsum(lib.tensor(1.5), 0, dtype=lib.bool),  # a 0-dim input runs no kernel
    lambda lib: lib.cumsum(lib.tensor(1.5), 1, dtype=lib.bool),
    lambda lib: lib.cumsum(lib.tensor([1.5]), 0, dtype=lib.bool),
])
def test_fuzzer_findings_seed_777001(call):
    _same(call)


def test_inplace_view_ops_on_overlapping_views_write_nothing_so_are_allowed():
    def f(lib):
        x = lib.arange(10.).requires_grad_()
        y = x.clone()
        e = y.unfold(0, 1, 1).select(-1, 0)[:5].expand(2, 5).unsqueeze(0)
        e.squeeze_()
        g = y[:3].expand(2, 3)
        g.unsqueeze_(0)
        (e.sum() * 2 + (g * lib.arange(6.).view(1, 2, 3)).sum()).backward()
        return x.grad, e.grad_fn.name(), g.grad_fn.name()
    _same(f)
    _same(lambda lib: lib.randn(3, 3, requires_grad=True)[0:2].t_(), "a view of a leaf Variable")


@pytest.mark.parametrize("make_source", [
    lambda lib: lib.zeros(3, requires_grad=True), lambda lib: lib.zeros(1, 4, 0, 2, requires_grad=True),
    lambda lib: lib.zeros(3, requires_grad=True).clone(),
])
def test_set_from_a_tensor_that_requires_grad_records_a_not_implemented_node(make_source):
    def f(lib):
        source = make_source(lib)
        x = lib.zeros(1)
        r = x.set_(source)
        facts = (r is x, r.requires_grad, r.grad_fn.name(), tuple(r.shape), x._version,
                 r.data_ptr() == source.data_ptr(), repr(r).endswith("grad_fn=<NotImplemented>)"))
        r.sum().backward()  # PyTorch's RuntimeError only here
        return facts
    _same(f, "derivative for set_ is not implemented")


def test_set_on_a_leaf_that_requires_grad_is_refused():
    _same(lambda lib: lib.zeros(2, requires_grad=True).set_(lib.ones(3)), "a leaf Variable that requires grad")


def test_set_on_a_view_of_a_leaf_that_requires_grad_is_refused():
    _same(lambda lib: lib.zeros(4, 2, requires_grad=True).t().set_(lib.ones(3)), "a view of a leaf Variable")


# ---- backward with create_graph (torch.func's path) ----

def test_tanh_gradient_under_create_graph_has_the_kernels_values():
    # jacrev runs backward with create_graph: tanh's gradient used to be the composite grad * (1 - y*y),
    # rounded twice, which lost digits where y is near +-1 (a 1.7e-4 slope came out 6e-5 relative off)
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal((4, 3)).astype(np.float32) * 3, np.array([1.5, -2.0, 0.7], np.float32)

    def f(lib):
        W, xt = lib.tensor(w), lib.tensor(x)
        jac = lib.func.jacrev(lambda v: lib.nn.functional.linear(v, W).tanh())(xt)
        xx = lib.tensor([0.3, 2.5, -3.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(xx.tanh().sum(), xx, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), xx)
        return jac, g, gg, g.grad_fn.name()
    ours, theirs = _outcome(tc, f), _outcome(torch, f)
    for a, b in zip(ours[1][:3], theirs[1][:3]):
        np.testing.assert_array_equal(a, b)
    assert ours[1][3] == theirs[1][3] == "TanhBackwardBackward0"


def test_grad_under_create_graph_is_a_fresh_copy_not_a_view():
    def f(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(2, 3)
        m(lib.ones(5, 2)).pow(2).sum().backward(create_graph=True)
        facts = (m.weight.grad._base is None, m.weight.grad.grad_fn.name(), m.bias.grad.grad_fn.name())
        m.weight.grad.detach_()  # raised "Can't detach views in-place" (pytorch-optimizer's Lookahead, Adahessian)
        x = lib.tensor([1., 2.], requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        g2, = lib.autograd.grad(x.grad.sum(), x)
        xt = lib.ones(3, 2).t().requires_grad_()
        (xt * 2).sum().backward(create_graph=True)
        return facts, g2, xt.grad.stride()
    ours, theirs = _outcome(tc, f), _outcome(torch, f)
    assert ours[1][0] == theirs[1][0] and ours[1][2] == theirs[1][2]
    np.testing.assert_array_equal(ours[1][1], theirs[1][1])


# ---- fuzzer seed 8080: the addmm family truncated a complex result's beta and alpha to ints ----

@pytest.mark.parametrize("call", [
    lambda lib, i, a, b: lib.addmm(i, a, b, beta=0.5, alpha=2),  # beta 0.5 was 0: the input term vanished
    lambda lib, i, a, b: i.expand(3, 4).clone().addmm_(a, b, beta=0.5, alpha=0.5),
    lambda lib, i, a, b: lib.baddbmm(i.expand(2, 3, 4), a.expand(2, 3, 2), b.expand(2, 2, 4), beta=0.5, alpha=1.5),
    lambda lib, i, a, b: lib.addmv(i[:, 0], a, b[:, 0], beta=0.5, alpha=1.5),
    lambda lib, i, a, b: lib.addr(i.expand(3, 4), a[:, 0], b[0], beta=0.5, alpha=1j),
    lambda lib, i, a, b: lib.addbmm(i.expand(3, 4), a.expand(2, 3, 2), b.expand(2, 2, 4), beta=0.25, alpha=0.5),
    lambda lib, i, a, b: lib.addmm(i, a, b, beta=0.5 + 1j, alpha=2),
    lambda lib, i, a, b: lib.addmm(i, a, b, beta=0, alpha=0.5),
])
def test_complex_addmm_family_keeps_fractional_beta_and_alpha(call):
    def f(lib):
        i = lib.tensor([[1 - 3.16j, 0.88 - 2.15j, -0.72 - 1.49j]]).t()
        a = lib.tensor([[1 + 1j, 2 - 1j], [0.5j, 3], [-1, 1j]], dtype=lib.complex64)
        b = lib.tensor([[1, 2j, -1, 0.5], [1j, 1, 2, -2j]], dtype=lib.complex64)
        return call(lib, i, a, b)
    _same(f)


def test_nan_to_num_in_place_on_complex_replaces_both_parts():
    # it returned the tensor untouched (a silent no-op), while nan_to_num gave the replaced values
    def f(lib):
        x = lib.tensor([complex(float("nan"), 1), complex(float("inf"), float("-inf")), 2 - 1j])
        return x.clone().nan_to_num_(), x.clone().nan_to_num_(nan=2.0, posinf=1.0, neginf=-3.0)
    _same(f)


def test_save_and_load_a_complex_parameter():
    # torch.load refused a complex tensor that requires grad as a "corrupt tensor record"
    import io

    def f(lib):
        buf = io.BytesIO()
        lib.save({"p": lib.nn.Parameter(lib.tensor([1 + 2j, 3 - 1j])), "t": lib.tensor([1j], requires_grad=True)},
                 buf)
        buf.seek(0)
        d = lib.load(buf)
        return type(d["p"]).__name__, d["p"].requires_grad, d["t"].requires_grad, d["p"]
    _same(f)


def test_sparse_complex_values_may_require_grad():
    _same(lambda lib: lib.sparse_coo_tensor(lib.tensor([[0, 1]]), lib.tensor([1j, 2]), (3,),
                                            requires_grad=True).to_dense())


# ---- fuzzer seed 99 ----

@pytest.mark.parametrize("call", [
    lambda lib: lib.tensor([[complex(float("-inf"), 0), 1 + 2j]]).cumprod(0),  # 1 * x0 is a complex product
    lambda lib: lib.tensor([complex(float("-inf"), 0), 1 + 2j, 3j]).cumprod(0),
    lambda lib: lib.norm(lib.tensor(3 + 4j), dim=0),  # "dim 0 appears multiple times" before
    lambda lib: lib.norm(lib.tensor(3 + 4j), dim=-1, keepdim=True),
    lambda lib: lib.linalg.vector_norm(lib.tensor(3 + 4j), dim=0),
    lambda lib: lib.mean(lib.ones(3, 3, dtype=lib.complex128), 0, out=lib.empty(3, dtype=lib.int64)),  # refused
    lambda lib: lib.mean(lib.ones(3, 3, dtype=lib.complex128), 0, out=lib.empty(3)),
])
def test_fuzzer_findings_seed_99(call):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # complex-to-real casts warn once per process
        _same(call)
