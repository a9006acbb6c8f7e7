"""Activations and in-place ops: values, grad_fn names and gradients against
PyTorch, for the out-of-place form and every in-place spelling, on non-leaf
inputs and on views, plus gradcheck in float64 (issue 18).

Every case runs the same program under both libraries: `w` is a leaf, the op
is applied to `w * 2` (a non-leaf), or to a view of it, and the gradient that
reaches `w` is compared. In-place forms that computed out of place and copied
back under no_grad left the old history on the tensor and backward treated
the activation as the identity; these tests fail on that.
"""
import numpy as np
import pytest

import tensorcore as tc
import tensorcore.nn as tnn
import tensorcore.nn.functional as TF

pytestmark = pytest.mark.usefixtures("one_thread")

# Points on every kink PyTorch picks a side at (0, +-1, +-3, +-0.5, the
# threshold 0.25), and values in between. w * 2 is what the ops see.
KINKS = [-4.0, -3.0, -2.0, -1.5, -1.0, -0.5, -0.25, 0.0, 0.125, 0.25, 0.5, 0.75, 1.0, 1.5, 3.0, 4.0]


def _lib(torch, name):
    return (torch, torch.nn, torch.nn.functional) if name == "torch" else (tc, tnn, TF)


# name -> (out-of-place call, [in-place spellings]); each takes (lib, nn, F, x).
CASES = {
    "leaky_relu": (lambda L, N, F, x: F.leaky_relu(x, 0.2),
                   [lambda L, N, F, x: F.leaky_relu(x, 0.2, inplace=True),
                    lambda L, N, F, x: F.leaky_relu_(x, 0.2),
                    lambda L, N, F, x: N.LeakyReLU(0.2, inplace=True)(x)]),
    "elu": (lambda L, N, F, x: F.elu(x, 0.7),
            [lambda L, N, F, x: F.elu(x, 0.7, inplace=True), lambda L, N, F, x: F.elu_(x, 0.7),
             lambda L, N, F, x: N.ELU(0.7, inplace=True)(x)]),
    "selu": (lambda L, N, F, x: F.selu(x),
             [lambda L, N, F, x: F.selu(x, inplace=True), lambda L, N, F, x: F.selu_(x),
              lambda L, N, F, x: L.selu_(x), lambda L, N, F, x: N.SELU(inplace=True)(x)]),
    "celu": (lambda L, N, F, x: F.celu(x, 1.5),
             [lambda L, N, F, x: F.celu(x, 1.5, inplace=True), lambda L, N, F, x: F.celu_(x, 1.5),
              lambda L, N, F, x: L.celu_(x, 1.5), lambda L, N, F, x: N.CELU(1.5, inplace=True)(x)]),
    "hardtanh": (lambda L, N, F, x: F.hardtanh(x, -1.0, 1.0),
                 [lambda L, N, F, x: F.hardtanh(x, -1.0, 1.0, inplace=True),
                  lambda L, N, F, x: F.hardtanh_(x, -1.0, 1.0),
                  lambda L, N, F, x: N.Hardtanh(-1.0, 1.0, inplace=True)(x)]),
    "relu6": (lambda L, N, F, x: F.relu6(x * 2),
              [lambda L, N, F, x: F.relu6(x * 2, inplace=True), lambda L, N, F, x: N.ReLU6(inplace=True)(x * 2)]),
    "silu": (lambda L, N, F, x: F.silu(x),
             [lambda L, N, F, x: F.silu(x, inplace=True), lambda L, N, F, x: N.SiLU(inplace=True)(x)]),
    "mish": (lambda L, N, F, x: F.mish(x),
             [lambda L, N, F, x: F.mish(x, inplace=True), lambda L, N, F, x: N.Mish(inplace=True)(x)]),
    "hardswish": (lambda L, N, F, x: F.hardswish(x),
                  [lambda L, N, F, x: F.hardswish(x, inplace=True), lambda L, N, F, x: N.Hardswish(inplace=True)(x)]),
    "hardsigmoid": (lambda L, N, F, x: F.hardsigmoid(x),
                    [lambda L, N, F, x: F.hardsigmoid(x, inplace=True),
                     lambda L, N, F, x: N.Hardsigmoid(inplace=True)(x)]),
    "threshold": (lambda L, N, F, x: F.threshold(x, 0.5, -2.0),
                  [lambda L, N, F, x: F.threshold(x, 0.5, -2.0, inplace=True),
                   lambda L, N, F, x: F.threshold_(x, 0.5, -2.0), lambda L, N, F, x: L.threshold_(x, 0.5, -2.0),
                   lambda L, N, F, x: N.Threshold(0.5, -2.0, inplace=True)(x)]),
    # value > threshold: the in-place backward reads the result (> threshold everywhere), as PyTorch
    "threshold_high_value": (lambda L, N, F, x: F.threshold(x, 0.5, 3.0),
                             [lambda L, N, F, x: F.threshold_(x, 0.5, 3.0)]),
    "relu": (lambda L, N, F, x: F.relu(x),
             [lambda L, N, F, x: F.relu(x, inplace=True), lambda L, N, F, x: F.relu_(x),
              lambda L, N, F, x: L.relu_(x), lambda L, N, F, x: N.ReLU(inplace=True)(x)]),
    "sigmoid": (lambda L, N, F, x: L.sigmoid(x), [lambda L, N, F, x: L.sigmoid_(x), lambda L, N, F, x: x.sigmoid_()]),
    "tanh": (lambda L, N, F, x: L.tanh(x), [lambda L, N, F, x: L.tanh_(x), lambda L, N, F, x: x.tanh_()]),
    "softplus": (lambda L, N, F, x: F.softplus(x, 2.0, 3.0), []),
    "softshrink": (lambda L, N, F, x: F.softshrink(x, 0.5), []),
    "hardshrink": (lambda L, N, F, x: F.hardshrink(x, 0.5), []),
    "logsigmoid": (lambda L, N, F, x: F.logsigmoid(x), []),
    "tanhshrink": (lambda L, N, F, x: F.tanhshrink(x), []),
    "softsign": (lambda L, N, F, x: F.softsign(x), []),
    "gelu": (lambda L, N, F, x: F.gelu(x), []),
    "gelu_tanh": (lambda L, N, F, x: F.gelu(x, approximate="tanh"), []),
    "rrelu_eval": (lambda L, N, F, x: F.rrelu(x, 0.1, 0.3),
                   [lambda L, N, F, x: F.rrelu(x, 0.1, 0.3, inplace=True), lambda L, N, F, x: F.rrelu_(x, 0.1, 0.3),
                    lambda L, N, F, x: L.rrelu_(x, 0.1, 0.3),
                    lambda L, N, F, x: N.RReLU(0.1, 0.3, inplace=True).eval()(x)]),
    "glu": (lambda L, N, F, x: F.glu(x, 0), []),
    "prelu": (lambda L, N, F, x: F.prelu(x, L.tensor([0.25], dtype=x.dtype)), []),
    "softmin": (lambda L, N, F, x: F.softmin(x, 1), []),
}

FORMS = [(name, -1) for name in CASES] + [(name, i) for name, (_, inpl) in CASES.items() for i in range(len(inpl))]


def _call(torch, libname, name, form, x):
    L, N, F = _lib(torch, libname)
    out_of_place, inplace = CASES[name]
    return (out_of_place if form < 0 else inplace[form])(L, N, F, x)


def _run(torch, libname, name, form, dtype, view=False):
    """Applies the op to w * 2 (or a view of it); returns values, grad_fn name, w.grad."""
    L = torch if libname == "torch" else tc
    dt = getattr(L, dtype)
    w = L.tensor([KINKS[:8], KINKS[8:]], dtype=dt, requires_grad=True)
    x = w * 2
    if view:
        target = x[:, 2:6]
        y = _call(torch, libname, name, form, target)
        out = x  # the base carries the in-place write (CopySlices)
    else:
        y = _call(torch, libname, name, form, x)
        out = y
    g = L.linspace(0.5, 2.0, out.numel(), dtype=dt).reshape(out.shape)
    (out * g).sum().backward()
    return (np.asarray(y.detach().tolist()), type(y.grad_fn).__name__ if y.grad_fn is not None else None,
            np.asarray(w.grad.tolist()))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,form", FORMS)
def test_values_node_and_gradient_match_torch(torch, name, form, dtype):
    tv, tn, tg = _run(torch, "torch", name, form, dtype)
    cv, cn, cg = _run(torch, "tc", name, form, dtype)
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cv, tv, **tol)
    assert cn == tn
    np.testing.assert_allclose(cg, tg, **tol)


@pytest.mark.parametrize("name,form", [f for f in FORMS if f[1] >= 0])
def test_inplace_on_a_view_matches_torch(torch, name, form):
    tv, tn, tg = _run(torch, "torch", name, form, "float64", view=True)
    cv, cn, cg = _run(torch, "tc", name, form, "float64", view=True)
    np.testing.assert_allclose(cv, tv, rtol=1e-12, atol=1e-12)
    assert cn == tn
    np.testing.assert_allclose(cg, tg, rtol=1e-12, atol=1e-12)


# Away from the kinks (finite differences straddling a kink are meaningless).
SMOOTH = [-2.7, -1.3, -0.8, -0.3, 0.2, 0.35, 0.9, 1.7, 2.6, 3.4]


@pytest.mark.parametrize("name,form", FORMS)
def test_gradcheck_float64_non_leaf(name, form):
    w = tc.tensor([SMOOTH[:5], SMOOTH[5:]], dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(lambda w: _call(None, "tc", name, form, w * 1.0), (w,))


@pytest.mark.parametrize("name,form", [f for f in FORMS if f[1] >= 0])
def test_gradcheck_float64_through_a_view(name, form):
    w = tc.tensor(SMOOTH, dtype=tc.float64, requires_grad=True)

    def f(w):
        x = w * 1.0
        _call(None, "tc", name, form, x[2:7])
        return x
    assert tc.autograd.gradcheck(f, (w,))


# (hardsigmoid is left out: PyTorch raises "derivative for aten::hardsigmoid_backward is not implemented")
@pytest.mark.parametrize("name", ["leaky_relu", "elu", "silu", "mish", "hardtanh", "celu", "softplus",
                                  "logsigmoid", "selu", "hardswish", "threshold", "softshrink", "hardshrink"])
def test_double_backward_matches_torch(torch, name):
    def second(L, libname):
        w = L.tensor(SMOOTH, dtype=L.float64, requires_grad=True)
        y = _call(torch, libname, name, -1, w * 1.0)
        (g,) = L.autograd.grad(y.sum(), w, create_graph=True)
        (g2,) = L.autograd.grad((g * g).sum(), w)
        return np.asarray(g2.tolist())
    np.testing.assert_allclose(second(tc, "tc"), second(torch, "torch"), rtol=1e-10, atol=1e-12)


def test_issue_18_table(torch):
    """The issue's measurements: w = [[-1, 2, -3, .5]], x = w * 2, act(x).sum().backward()."""
    acts = {
        "LeakyReLU": lambda N: N.LeakyReLU(0.2, inplace=True), "ELU": lambda N: N.ELU(inplace=True),
        "SiLU": lambda N: N.SiLU(inplace=True), "Hardtanh": lambda N: N.Hardtanh(-1, 1, inplace=True),
        "ReLU6": lambda N: N.ReLU6(inplace=True),
    }
    expected = {"LeakyReLU": "LeakyReluBackward1", "ELU": "EluBackward1", "SiLU": "SiluBackward0",
                "Hardtanh": "HardtanhBackward0", "ReLU6": "HardtanhBackward0"}
    for name, make in acts.items():
        results = []
        for L, N in ((torch, torch.nn), (tc, tnn)):
            w = L.tensor([[-1., 2., -3., .5]], requires_grad=True)
            y = make(N)(w * 2)
            y.sum().backward()
            results.append((type(y.grad_fn).__name__, w.grad.tolist()))
        assert results[1][0] == results[0][0] == expected[name]
        np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6, atol=1e-7)


INPLACE_ERRORS = [
    ("F.elu_ on a leaf", lambda L, N, F, w: F.elu_(w)),
    ("F.leaky_relu_ on a leaf", lambda L, N, F, w: F.leaky_relu_(w)),
    ("F.silu inplace on a leaf", lambda L, N, F, w: F.silu(w, inplace=True)),
    ("F.hardtanh_ on a view of a leaf", lambda L, N, F, w: F.hardtanh_(w[1:])),
    ("F.threshold_ on a leaf", lambda L, N, F, w: F.threshold_(w, 0.0, 1.0)),
]


@pytest.mark.parametrize("label,call", INPLACE_ERRORS, ids=[e[0] for e in INPLACE_ERRORS])
def test_inplace_on_leaf_raises_like_torch(torch, label, call):
    errors = []
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        w = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            call(L, N, F, w)
        errors.append(str(info.value))
    assert "leaf Variable that requires grad" in errors[1] or "view of a leaf Variable" in errors[1]


VERSION_CASES = [("elu_", lambda F, x: F.elu_(x)), ("leaky_relu_", lambda F, x: F.leaky_relu_(x, 0.1)),
                 ("hardtanh_", lambda F, x: F.hardtanh_(x)), ("threshold_", lambda F, x: F.threshold_(x, 0.0, 0.0)),
                 ("silu inplace", lambda F, x: F.silu(x, inplace=True)),
                 ("hardswish inplace", lambda F, x: F.hardswish(x, inplace=True))]


@pytest.mark.parametrize("label,call", VERSION_CASES, ids=[c[0] for c in VERSION_CASES])
def test_overwritten_saved_result_is_detected_like_torch(torch, label, call):
    """A form that saves its result must notice when the result is then
    changed in place (PyTorch raises at backward); one that saves its input
    (a snapshot) is unaffected."""
    outcome = []
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        w = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        y = call(F, w * 1.0)
        y.mul_(3.0)
        try:
            y.sum().backward()
            outcome.append(("ok", w.grad.tolist()))
        except RuntimeError as e:
            outcome.append(("raised", "modified by an inplace operation" in str(e)))
    assert outcome[1][0] == outcome[0][0]
    if outcome[0][0] == "ok":
        np.testing.assert_allclose(outcome[1][1], outcome[0][1], rtol=1e-6)
    else:
        assert outcome[1][1]


@pytest.mark.parametrize("call", [lambda F, x: F.leaky_relu_(x, -0.2), lambda F, x: F.elu_(x, -1.0),
                                  lambda F, x: F.celu_(x, -1.0)])
def test_inplace_negative_slope_backward_raises_like_torch(torch, call):
    messages = []
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        w = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        y = call(F, w * 1.0)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        messages.append(str(info.value)[:60])
    assert messages[1] == messages[0]


@pytest.mark.parametrize("call,exc", [
    (lambda F, x: F.elu(x.long()), NotImplementedError),
    (lambda F, x: F.silu(x.long()), NotImplementedError),
    (lambda F, x: F.leaky_relu(x.long()), NotImplementedError),
    (lambda F, x: F.softplus(x.long()), NotImplementedError),
    (lambda F, x: F.hardtanh(x, 2.0, 1.0), ValueError),
    (lambda F, x: F.celu(x, 0.0), RuntimeError),
    (lambda F, x: F.softshrink(x, -1.0), RuntimeError),
    (lambda F, x: F.elu([1.0]), TypeError),
])
def test_bad_arguments_raise_like_torch(torch, call, exc):
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        with pytest.raises(exc):
            call(F, L.tensor([-1.0, 0.5, 2.0]))


@pytest.mark.parametrize("call", [lambda F, x: F.hardtanh(x, -1.5, 1.5), lambda F, x: F.relu6(x * 4),
                                  lambda F, x: F.threshold(x, 1, 7), lambda F, x: F.threshold_(x, 0, -5),
                                  lambda F, x: F.hardtanh_(x, 0.5, 3.2)])
def test_integer_hardtanh_and_threshold_match_torch(torch, call):
    got = []
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        x = L.tensor([-3, -1, 0, 1, 2, 5])
        y = call(F, x)
        got.append((y.tolist(), str(y.dtype).split(".")[-1], x.tolist()))
    assert got[1] == got[0]


def test_inplace_without_grad_writes_through_strided_views(torch):
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        x = L.arange(-6.0, 6.0).reshape(3, 4)
        F.elu_(x.t()[1:3], 0.5)
        F.hardswish(x[:, ::2], inplace=True)
        if libname == "torch":
            expected = x.tolist()
        else:
            np.testing.assert_allclose(x.tolist(), expected, rtol=1e-6)


def test_inplace_activation_on_expanded_tensor_raises(torch):
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        x = L.tensor([1.0, -2.0]).expand(3, 2)
        with pytest.raises(RuntimeError):
            F.elu_(x)


@pytest.mark.parametrize("form", ["out-of-place", "inplace", "module"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_draws_torchs_stream(torch, form, dtype):
    """Training mode draws one slope per negative element from the default
    generator, as PyTorch: same values, gradients and generator state after."""
    got = []
    for libname in ("torch", "tc"):
        L, N, F = _lib(torch, libname)
        L.manual_seed(7)
        w = L.tensor(KINKS * 3, dtype=getattr(L, dtype), requires_grad=True)
        x = w * 2
        if form == "module":
            y = N.RReLU(0.1, 0.4)(x)
        else:
            y = F.rrelu(x, 0.1, 0.4, training=True, inplace=form == "inplace")
        (y * L.linspace(0.5, 2.0, y.numel(), dtype=y.dtype)).sum().backward()
        got.append((np.asarray(y.tolist()), type(y.grad_fn).__name__, np.asarray(w.grad.tolist()),
                    L.rand(3).tolist()))
    np.testing.assert_allclose(got[1][0], got[0][0], rtol=1e-6)
    assert got[1][1] == got[0][1]
    np.testing.assert_allclose(got[1][2], got[0][2], rtol=1e-6)
    assert got[1][3] == got[0][3]


def test_large_tensor_matches_numpy_reference():
    """Past the parallel grain: the chunked loop covers every element once."""
    x = np.linspace(-6, 6, 100_003)
    y = TF.silu(tc.tensor(x)).numpy()
    np.testing.assert_allclose(y, x / (1 + np.exp(-x)), rtol=1e-13, atol=1e-15)
    t = tc.tensor(x)
    TF.elu_(t, 0.5)
    np.testing.assert_allclose(t.numpy(), np.where(x > 0, x, 0.5 * np.expm1(x)), rtol=1e-13, atol=1e-15)
