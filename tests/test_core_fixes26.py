"""Autograd fixes of stop 33, each compared with PyTorch: an infinite gradient through a write into a view,
the grad_fn of a view written by addcmul_/addcdiv_, and views taken in no_grad mode
(Note [Views taken in no_grad mode], csrc/autograd/inplace.cpp)."""
import math

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _both(fn):
    """fn(library) under both libraries: (torch's result, tensorcore's), exceptions as (type name, message)."""
    out = []
    for m in (torch, tc):
        try:
            out.append(fn(m))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append((type(e).__name__, str(e)))
    return out


# ---------------------------------------------------------------- CopySlices with an infinite gradient
def test_write_through_a_view_passes_an_infinite_gradient_as_inf():
    # The base's gradient outside the written window was grad - window (inf - inf = nan); PyTorch zeroes
    # the window instead.
    def run(m):
        leaf = m.tensor([[1.0, 14.0], [0.5, 2.0]], requires_grad=True)
        x = leaf * 1.0
        x.view_as(x)[:] = x * 2
        x.exp_()
        x.exp().mean().backward()
        return leaf.grad.tolist()
    t, c = _both(run)
    assert math.isinf(t[0][1]) and math.isinf(c[0][1])
    np.testing.assert_allclose(c, t, rtol=1e-5)


@pytest.mark.parametrize("window", ["row", "column", "all"])
def test_copy_slices_gradient_outside_the_window_keeps_nonfinite_values(window):
    def run(m):
        leaf = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        x = leaf * 1.0
        v = {"row": lambda: x[0], "column": lambda: x[:, 1], "all": lambda: x.view(6)}[window]()
        v.mul_(3)
        (x * m.tensor([[math.inf, 1.0, -math.inf], [2.0, math.inf, 1.0]])).sum().backward()
        return leaf.grad.tolist()
    t, c = _both(run)
    np.testing.assert_array_equal(np.array(c), np.array(t))


def test_copy_slices_double_backward_still_works():
    def run(m):
        leaf = m.tensor([0.5, 1.5, -2.0], dtype=m.float64, requires_grad=True)
        x = leaf * leaf
        x[1:].mul_(x[1:].clone())
        (g,) = m.autograd.grad(x.sum(), leaf, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), leaf)
        return g.tolist(), gg.tolist()
    t, c = _both(run)
    np.testing.assert_allclose(c[0], t[0])
    np.testing.assert_allclose(c[1], t[1])


# ---------------------------------------------------------------- addcmul_ / addcdiv_ on views
@pytest.mark.parametrize("op", ["addcmul_", "addcdiv_"])
@pytest.mark.parametrize("case", ["plain_base", "tracked_base", "transposed", "self_operands"])
def test_addcmul_through_a_view_names_the_regenerated_view(op, case):
    def run(m):
        t1 = m.ones(3, requires_grad=True)
        if case == "self_operands":
            base = t1 * 1
            v = base[1:]
            getattr(v, op)(v, v + 1)
        else:
            base = m.zeros(2, 3) if case != "tracked_base" else m.zeros(2, 3, requires_grad=True) * 1
            v = base[0] if case != "transposed" else base.t()[:, 0]
            getattr(v, op)(t1, t1)
        return v.grad_fn.name(), base.grad_fn.name()
    t, c = _both(run)
    assert c == t


def test_addcmul_on_a_plain_tensor_is_still_named():
    t, c = _both(lambda m: (m.zeros(3) * 1).addcmul_(m.ones(3, requires_grad=True), m.ones(3)).grad_fn.name())
    assert c == t == "AddcmulBackward0"


# ---------------------------------------------------------------- views taken in no_grad mode
def _no_grad_view(m, base, take=lambda b: b[0]):
    with m.no_grad():
        return take(base)


@pytest.mark.parametrize("base_kind", ["leaf", "non_leaf", "plain"])
def test_no_grad_view_requires_grad_as_its_base(base_kind):
    def run(m):
        base = {"leaf": lambda: m.ones(2, 3, requires_grad=True),
                "non_leaf": lambda: m.ones(2, 3, requires_grad=True) * 1,
                "plain": lambda: m.ones(2, 3)}[base_kind]()
        v = _no_grad_view(m, base)
        u = v * 2
        return v.requires_grad, v.grad_fn is None, v.is_leaf, u.requires_grad, repr(v), repr(v.view(3))
    t, c = _both(run)
    assert c == t


def test_no_grad_view_passes_no_gradient():
    def run(m):
        leaf = m.ones(2, 3, requires_grad=True)
        v = _no_grad_view(m, leaf)
        u = (v * 2).sum()
        u.backward()
        return u.grad_fn.name(), v.grad, leaf.grad
    t, c = _both(run)
    assert c == t == ("SumBackward0", None, None)


@pytest.mark.parametrize("write", ["mul_scalar", "mul_tracked", "copy_tracked", "add_tracked", "addcmul_tracked",
                                   "setitem_tracked", "exp_"])
@pytest.mark.parametrize("base_kind", ["leaf", "non_leaf", "plain"])
def test_in_place_write_into_a_no_grad_view_is_refused(write, base_kind):
    def run(m):
        t1 = m.ones(3, requires_grad=True)
        base = {"leaf": lambda: m.ones(2, 3, requires_grad=True),
                "non_leaf": lambda: m.ones(2, 3, requires_grad=True) * 1,
                "plain": lambda: m.ones(2, 3)}[base_kind]()
        v = _no_grad_view(m, base)
        {"mul_scalar": lambda: v.mul_(2), "mul_tracked": lambda: v.mul_(t1), "copy_tracked": lambda: v.copy_(t1),
         "add_tracked": lambda: v.add_(t1), "addcmul_tracked": lambda: v.addcmul_(t1, t1),
         "setitem_tracked": lambda: v.__setitem__(slice(None), t1), "exp_": lambda: v.exp_()}[write]()
        return v.grad_fn.name() if v.grad_fn is not None else None, base.sum().item()
    t, c = _both(run)
    if isinstance(t, tuple) and t[0] == "RuntimeError":
        assert c == t  # same type and message
        assert "no_grad mode" in t[1]
    else:
        assert c == t


def test_write_into_a_view_of_a_no_grad_view_names_its_node():
    def run(m):
        base = m.ones(2, 3, requires_grad=True) * 1
        w = _no_grad_view(m, base).view(3)
        return w.grad_fn.name(), w.mul_(2)
    t, c = _both(run)
    assert c == t
    assert t[1].startswith("Output 0 of View is a view of a view which was created in no_grad mode")


def test_no_grad_views_inside_no_grad_and_without_tracking_are_allowed():
    def run(m):
        leaf = m.ones(2, 3, requires_grad=True)
        with m.no_grad():
            v = leaf[0]
            v.mul_(2)
        p = m.ones(2, 3)
        w = _no_grad_view(m, p)
        w.add_(m.ones(3))  # nothing requires grad: a plain write
        return leaf.tolist(), p.tolist(), w.requires_grad
    t, c = _both(run)
    assert c == t


@pytest.mark.parametrize("base_write", ["no_grad", "tracked"])
def test_no_grad_view_used_after_its_base_was_written_is_refused(base_write):
    def run(m):
        leaf = m.ones(2, 3, requires_grad=True)
        base = leaf if base_write == "no_grad" else leaf * 1
        v = _no_grad_view(m, base)
        if base_write == "no_grad":
            with m.no_grad():
                base.mul_(2)  # an optimizer step
        else:
            base.mul_(2)
        printed = repr(v)
        try:
            v * 2
            used = "ok"
        except RuntimeError as e:
            used = str(e)
        return printed, used
    t, c = _both(run)
    assert c == t
    assert t[0].endswith("grad_fn=<Invalid>)")
    assert "its base or another view of its base has been modified inplace" in t[1]


def test_custom_function_non_differentiable_input_returned_is_not_a_view():
    def run(m):
        class Passthrough(m.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                ctx.mark_non_differentiable(a)
                return a, b * 2

            @staticmethod
            def backward(ctx, ga, gb):
                return None, gb * 2
        x = m.ones(2, requires_grad=True)
        a, b = Passthrough.apply(x, m.ones(2, requires_grad=True))
        return a._base is None, a.requires_grad, a.is_leaf, b.requires_grad
    t, c = _both(run)
    assert c == t


# ---------------------------------------------------------------- fill_ / zero_ through an expanded view
@pytest.mark.parametrize("op", ["fill", "zero", "fill_tensor", "add"])
@pytest.mark.parametrize("tracked", [True, False])
def test_one_value_written_through_an_expanded_view(op, tracked):
    # PyTorch writes one value through every alias (fill_, zero_), recording CopySlices when the base is
    # tracked; anything else through the aliases is refused.
    def run(m):
        x = m.ones(2, 3, requires_grad=True) * 1 if tracked else m.ones(2, 3)
        e = x.unsqueeze(0).expand(2, 2, 3)
        {"fill": lambda: e.fill_(3), "zero": lambda: e.zero_(), "fill_tensor": lambda: e.fill_(m.tensor(3.0)),
         "add": lambda: e.add_(1)}[op]()
        return x.tolist(), x.grad_fn.name() if x.grad_fn is not None else None, \
            e.grad_fn.name() if e.grad_fn is not None else None
    t, c = _both(run)
    assert c == t


@pytest.mark.parametrize("op", ["fill", "zero"])
def test_backward_through_an_expanded_fill_is_refused_as_in_pytorch(op):
    def run(m):
        leaf = m.arange(6.0, requires_grad=True)
        x = (leaf * 2).view(2, 3)
        e = x[0].unsqueeze(0).expand(2, 3)
        e.zero_() if op == "zero" else e.fill_(7)
        ((x * x).sum() + e.sum()).backward()
        return leaf.grad.tolist()
    t, c = _both(run)
    assert c == t
    assert t[0] == "RuntimeError" and "more than one element of the written-to tensor" in t[1]


# ---------------------------------------------------------------- as_strided of a view, written in place
@pytest.mark.parametrize("op", ["sin_", "mul_", "mul_tensor", "exp_", "clamp_", "addcmul_", "lerp_", "setitem",
                                "masked_fill_", "index_add_"])
@pytest.mark.parametrize("take", ["as_strided_of_select", "as_strided_of_slice", "as_strided_of_root"])
def test_in_place_write_through_as_strided_of_a_view_reaches_its_whole_window(op, take):
    # The window of x.select(-1, 0).as_strided((2,), (1,)) is x[0, 0] and x[0, 1]; the old value's gradient
    # must reach both (it reached only the positions select covers).
    def run(m):
        def f(values):
            return m.tensor(values, dtype=m.float64)
        leaf = m.tensor([[0.5, 1.0, 1.5], [2.0, 3.0, 4.0]], dtype=m.float64, requires_grad=True)
        x = leaf * 1.0
        v = {"as_strided_of_select": lambda: x.select(-1, 0).as_strided((2,), (1,)),
             "as_strided_of_slice": lambda: x[1:].as_strided((2,), (2,), 1),
             "as_strided_of_root": lambda: x.as_strided((2,), (1,), 1)}[take]()
        {"sin_": lambda: v.sin_(), "mul_": lambda: v.mul_(3), "mul_tensor": lambda: v.mul_(f([2.0, 5.0])),
         "exp_": lambda: v.exp_(), "clamp_": lambda: v.clamp_(0.7, 2.5),
         "addcmul_": lambda: v.addcmul_(f([1.0, 2.0]), f([3.0, 4.0])),
         "lerp_": lambda: v.lerp_(f([9.0, 9.0]), 0.5), "setitem": lambda: v.__setitem__(0, 5.0),
         "masked_fill_": lambda: v.masked_fill_(m.tensor([True, False]), 1.0),
         "index_add_": lambda: v.index_add_(0, m.tensor([1]), f([7.0]))}[op]()
        weights = m.tensor([[1.0, 10.0, 100.0], [1e3, 1e4, 1e5]], dtype=m.float64)
        (x * weights).sum().backward()
        return x.tolist(), leaf.grad.tolist(), v.grad_fn.name()
    t, c = _both(run)
    np.testing.assert_allclose(c[0], t[0], rtol=1e-12)
    np.testing.assert_allclose(c[1], t[1], rtol=1e-12)
    assert c[2] == t[2]


# ---------------------------------------------------------------- UntypedStorage.resize_ (Note [Shrunk storage])
def test_storage_resize_to_zero_and_back_as_pytorch():
    # The FSDP-style trick: free a parameter's memory, later give it back and refill it.
    def run(m):
        p = m.nn.Parameter(m.ones(2, 3))
        storage = p.untyped_storage()
        storage.resize_(0)
        freed = (storage.nbytes(), p.untyped_storage().nbytes(), tuple(p.shape))
        storage.resize_(24)
        with m.no_grad():
            p.copy_(m.arange(6.0).view(2, 3))
        return freed, p.untyped_storage().nbytes(), p.sum().item(), p.data_ptr() == storage.data_ptr()
    t, c = _both(run)
    assert c == t


def test_storage_grows_in_place_keeping_values_and_aliases():
    def run(m):
        x = m.arange(4.0)
        view = x[1:]
        x.untyped_storage().resize_(64)
        return x.tolist(), view.tolist(), x.untyped_storage().nbytes(), view.untyped_storage().nbytes(), \
            len(x.storage())
    t, c = _both(run)
    assert c == t


def test_tensor_past_the_end_of_a_shrunk_storage_raises_instead_of_reading_out_of_bounds():
    # (PyTorch reads freed memory here, or crashes: tensorcore raises on every host access.)
    x = tc.arange(6.0).view(2, 3)
    x.untyped_storage().resize_(12)
    assert x[0].tolist() == [0.0, 1.0, 2.0]  # the first row still fits
    for use in (lambda: x + 1, lambda: repr(x), lambda: x.sum(), lambda: x.numpy(), lambda: x.clone(),
                lambda: x[1].tolist(), lambda: x @ tc.ones(3)):
        with pytest.raises(RuntimeError, match="resized to 12 bytes"):
            use()
    x.untyped_storage().resize_(0)
    with pytest.raises(RuntimeError, match="data is not allocated yet"):
        x.sum()
    assert x.numel() == 6 and tuple(x.shape) == (2, 3)  # metadata stays readable
    x.untyped_storage().resize_(24)
    x.fill_(1.0)
    assert x.sum().item() == 6.0


def test_storage_resize_refusals():
    x = tc.arange(4.0)
    with pytest.raises(RuntimeError, match="not resizable"):
        x.untyped_storage()[0:8].resize_(4)  # a slice does not own its memory
    with pytest.raises(RuntimeError, match="negative"):
        x.untyped_storage().resize_(-1)
    with pytest.raises(TypeError):
        x.untyped_storage().resize_(2.5)
    borrowed = tc.from_numpy(np.ones(4, dtype=np.float32))  # numpy's memory cannot be reallocated here
    with pytest.raises(RuntimeError, match="not resizable"):
        borrowed.untyped_storage().resize_(4)


def test_typed_storage_resize_counts_elements():
    def run(m):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = m.arange(3, dtype=m.int64)
            s = x.storage()
            s.resize_(5)
            return len(s), s.nbytes(), x.untyped_storage().nbytes(), x.tolist()
    t, c = _both(run)
    assert c == t


# ---------------------------------------------------------------- activations keep channels_last; softshrink of NaN
_ACTIVATIONS = ["elu", "gelu", "silu", "leaky_relu", "hardtanh", "relu6", "softplus", "mish", "hardswish",
                "hardsigmoid", "selu", "celu", "softshrink", "hardshrink", "logsigmoid"]


@pytest.mark.parametrize("name", _ACTIVATIONS)
def test_activation_of_channels_last_input_keeps_its_layout_and_values(name):
    # Note [Activations keep a dense layout]: a dropout after the activation then draws PyTorch's mask.
    data = np.random.default_rng(3).standard_normal((2, 3, 4, 4)).astype(np.float32)

    def run(m):
        x = m.tensor(data).contiguous(memory_format=m.channels_last).requires_grad_()
        y = getattr(m.nn.functional, name)(x)
        m.manual_seed(0)
        dropped = m.nn.functional.dropout(y, 0.5)
        dropped.sum().backward()
        return y.stride(), y.detach().numpy(), (dropped == 0).numpy(), x.grad.numpy()
    t, c = _both(run)
    assert c[0] == t[0]
    np.testing.assert_allclose(c[1], t[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(c[2], t[2])
    np.testing.assert_allclose(c[3], t[3], rtol=1e-5, atol=1e-6)


def test_softshrink_keeps_nan_and_the_sign_of_zero():
    t, c = _both(lambda m: m.nn.functional.softshrink(m.tensor([float("nan"), 2.0, -0.2, 0.3, -0.5]), 0.5))
    np.testing.assert_array_equal(np.signbit(c.numpy()), np.signbit(t.numpy()))
    np.testing.assert_array_equal(c.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_sum_with_a_16_bit_dtype_converts_the_input_first(dtype):
    # PyTorch rounds (and overflows) the input in the requested dtype, then accumulates in float32.
    def run(m):
        x = m.tensor([70000.0, -70000.0, 1.0001, 3e38], dtype=m.float64)
        dt = getattr(m, dtype)
        return x[:3].sum(dtype=dt).item(), x[2:3].sum(dtype=dt).item(), x.sum(dtype=dt).item(), \
            m.tensor([[1e5, -1e5], [2.5, 1.0]], dtype=m.float64).sum(1, dtype=dt).tolist()
    t, c = _both(run)
    np.testing.assert_array_equal(np.array(c[:3], dtype=float), np.array(t[:3], dtype=float))
    np.testing.assert_array_equal(np.array(c[3]), np.array(t[3]))
