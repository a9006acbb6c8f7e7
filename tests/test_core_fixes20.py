"""Core fixes of stop 20, each compared with PyTorch: matmul's batched result
is an unsafe view (UnsafeViewBackward0, no _base), Tensor._make_subclass and
nn.Parameter make leaves that are no views, a real tensor cast to complex
keeps its history, and Python inf/nan/large floats fill complex tensors."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("a_shape,b_shape", [((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                                             ((3, 4), (2, 4, 5)), ((4,), (2, 4, 5)), ((2, 3, 4), (4,))])
def test_matmul_result_node_and_base(a_shape, b_shape):
    def run(lib):
        a = lib.ones(a_shape, requires_grad=True)
        b = lib.ones(b_shape)
        y = a @ b
        y.sum().backward()
        return type(y.grad_fn).__name__, y._base is None, y.shape, a.grad.sum().item()
    assert run(tc)[:2] == run(torch)[:2]
    assert tuple(run(tc)[2]) == tuple(run(torch)[2]) and run(tc)[3] == run(torch)[3]


def test_make_subclass_and_parameter_are_leaves_without_base():
    def run(lib):
        class Marked(lib.Tensor):
            pass
        b = lib.ones(2)
        m = lib.Tensor._make_subclass(Marked, b, True)
        p = lib.nn.Parameter(lib.ones(2))
        view = Marked(lib.ones(2))  # the plain constructor is an alias (a view), as in PyTorch
        return (type(m).__name__, m._base is None, m.is_leaf, m.requires_grad, m.data_ptr() == b.data_ptr(),
                p._base is None, p.is_leaf, view._base is None, view.is_leaf)
    assert run(tc) == run(torch)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_real_to_complex_cast_keeps_history(dtype):
    def run(lib):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = x.to(getattr(lib, dtype))
        (y * (1 + 2j)).abs().sum().backward()
        return type(y.grad_fn).__name__, x.grad.numpy()
    ours, theirs = run(tc), run(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_non_finite_and_large_python_floats_into_complex(dtype):
    values = [float("inf"), float("-inf"), float("nan"), 2.0 ** 70, 1.5]
    ours = tc.tensor(values, dtype=getattr(tc, dtype)).numpy()
    theirs = torch.tensor(values, dtype=getattr(torch, dtype)).numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", ["prod", "cumprod", "sum", "cumsum", "mean"])
def test_complex_reduction_into_a_real_out(name):
    # Values only: the complex-to-real warning is once per process in both libraries, so whether it shows here
    # depends on the tests that ran before.
    import warnings

    def run(lib):
        x = lib.tensor([[1 + 2j, 3 - 1j], [0.5 + 1j, 2 + 0j]])
        out = lib.empty(2, 2) if name.startswith("cum") else lib.empty(2, dtype=lib.float16)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(lib, name)(x, 1, out=out).tolist()
    assert run(tc) == run(torch)


# ---- Note [Rounded as PyTorch]: tanh's and sigmoid's gradients bit for bit ----

@pytest.mark.parametrize("op", ["tanh", "sigmoid"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
def test_tanh_and_sigmoid_gradients_are_bitwise_pytorchs(op, dtype, layout):
    # The forward values may differ by an ulp between the libraries, so PyTorch's backward kernel
    # (aten::tanh_backward / sigmoid_backward) is fed tensorcore's own result.
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((64, 33)) * 2).astype(dtype)
    g = rng.standard_normal((64, 33)).astype(dtype)
    xi = tc.tensor(x, requires_grad=True)
    src = xi if layout == "contiguous" else xi.t()
    y = getattr(tc, op)(src)
    gi = tc.tensor(g) if layout == "contiguous" else tc.tensor(g).t()
    y.backward(gi)
    backward = getattr(torch.ops.aten, op + "_backward")
    expected = backward(torch.from_numpy(gi.numpy().copy()), torch.from_numpy(y.detach().numpy().copy()))
    got = xi.grad.numpy() if layout == "contiguous" else xi.grad.numpy().T
    np.testing.assert_array_equal(got, expected.numpy())


def test_manual_tanh_backprop_compares_as_in_pytorch():
    # nn-zero-to-hero (makemore part 4) checks its manual (1 - h**2) * dh against autograd with ==.
    def run(lib):
        lib.manual_seed(0)
        hpre = lib.randn(32, 64, requires_grad=True)
        h = lib.tanh(hpre)
        dh = lib.randn(32, 64)
        h.backward(dh)
        manual = (1.0 - h.detach() ** 2) * dh
        return bool((manual == hpre.grad).all()), float((manual - hpre.grad).abs().max())
    ours, theirs = run(tc), run(torch)
    assert ours[0] == theirs[0]


def test_tanh_double_backward_still_matches_torch():
    def run(lib):
        x = lib.tensor([0.3, -1.2, 2.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.tanh(x).sum(), x, create_graph=True)
        g.sum().backward()
        return g.detach().numpy(), x.grad.numpy()
    for ours, theirs in zip(run(tc), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-14)


# ---- nextafter (Note [nextafter on the bit patterns]) ----

_NEXTAFTER_X = [1.0, 2.0, -1.0, 0.0, 0.0, float("inf"), -3.5, float("nan"), 1e-40, -0.0, 65504.0]
_NEXTAFTER_Y = [2.0, 1.0, -2.0, -1.0, 1.0, 0.0, -3.5, 1.0, 0.0, 0.0, float("inf")]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_nextafter_values_match_torch(dtype):
    def run(lib):
        x = lib.tensor(_NEXTAFTER_X, dtype=getattr(lib, dtype))
        y = lib.tensor(_NEXTAFTER_Y, dtype=getattr(lib, dtype))
        r = lib.nextafter(x, y)
        return r.dtype.name if hasattr(r.dtype, "name") else str(r.dtype).split(".")[-1], \
            np.signbit(r.double().numpy()).tolist(), r.double().numpy()
    ours, theirs = run(tc), run(torch)
    assert ours[1] == theirs[1]
    np.testing.assert_array_equal(ours[2], theirs[2])


@pytest.mark.parametrize("expr", ["lib.nextafter(a, b.double()).dtype", "lib.nextafter(a.long(), b.long())",
                                  "lib.nextafter(a, 2.0)", "lib.nextafter(a, b, out=lib.empty(1, dtype=lib.int64))",
                                  "a.clone().nextafter_(b).tolist()", "a.clone().nextafter_(b.double()).tolist()",
                                  "lib.nextafter(lib.ones(2, 1), lib.zeros(3)).tolist()"])
def test_nextafter_forms_and_errors(expr):
    def run(lib):
        a, b = lib.tensor([1.0, -2.0, 0.0]), lib.tensor([2.0, -3.0, -1.0])
        try:
            r = eval(expr, {"lib": lib, "a": a, "b": b})
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return "raise", type(e).__name__
        return "ok", str(r).replace("torch.", "").replace("tensorcore.", "")
    assert run(tc) == run(torch)


def test_nextafter_gradient_matches_torch():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 0.0], requires_grad=True)
        w = lib.tensor([2.0, 2.0, 2.0, 0.0], requires_grad=True)
        y = lib.nextafter(x, w)
        y.backward(lib.tensor([1.0, 2.0, 3.0, 4.0]))
        return type(y.grad_fn).__name__, x.grad.tolist(), w.grad.tolist()
    assert run(tc) == run(torch)
