"""Convolution, pooling, padding and batch norm: values and gradients against
PyTorch, float64 gradcheck/gradgradcheck, module reprs and a CNN training run."""
import numpy as np
import pytest

import tensorcore as tc
import tensorcore.nn.functional as F

CONV_CASES = [dict(), dict(stride=2), dict(padding=1), dict(padding=(2, 1), dilation=(2, 1)),
              dict(groups=2, stride=(1, 2)), dict(padding="same"), dict(padding="valid")]
POOL_CASES = [dict(kernel_size=2), dict(kernel_size=3, stride=2), dict(kernel_size=3, stride=2, padding=1),
              dict(kernel_size=2, ceil_mode=True), dict(kernel_size=(3, 2), stride=(2, 3))]


def _both(torch, fn, *arrays, grad=True):
    """fn(module, F, *tensors) in both libraries: outputs and input gradients."""
    res = []
    for m, f in ((tc, F), (torch, torch.nn.functional)):
        ts = [m.tensor(a, requires_grad=grad) for a in arrays]
        out = fn(m, f, *ts)
        if grad:
            (out * m.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)))).sum().backward()
        res.append((out.detach().numpy(), [t.grad.numpy() for t in ts] if grad else []))
    (o1, g1), (o2, g2) = res
    assert np.allclose(o1, o2, rtol=1e-10, atol=1e-12)
    for a, b in zip(g1, g2):
        assert np.allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kw", CONV_CASES, ids=[str(c) for c in CONV_CASES])
def test_conv2d_matches_torch_and_gradchecks(kw, torch):
    rng = np.random.default_rng(0)
    kw = dict(kw)
    groups = kw.pop("groups", 1)
    x, w, b = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 4 // groups, 3, 2)), rng.standard_normal(6)
    _both(torch, lambda m, f, x, w, b: f.conv2d(x, w, b, groups=groups, **kw), x, w, b)
    leaves = [tc.tensor(a[:1, :, :5, :4] if a.ndim == 4 and a is x else a, requires_grad=True) for a in (x, w, b)]
    assert tc.autograd.gradcheck(lambda x, w, b: F.conv2d(x, w, b, groups=groups, **kw), leaves)
    assert tc.autograd.gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, groups=groups, **kw), leaves)


def test_conv1d_and_unbatched_inputs(torch):
    rng = np.random.default_rng(1)
    _both(torch, lambda m, f, x, w: f.conv1d(x, w, padding=1, stride=2), rng.standard_normal((2, 3, 9)),
          rng.standard_normal((4, 3, 3)))
    _both(torch, lambda m, f, x, w: f.conv2d(x, w), rng.standard_normal((3, 5, 5)), rng.standard_normal((2, 3, 3, 3)))


@pytest.mark.parametrize("kw", POOL_CASES, ids=[str(c) for c in POOL_CASES])
def test_pooling_matches_torch_and_gradchecks(kw, torch):
    x = np.random.default_rng(2).standard_normal((2, 3, 9, 8))
    _both(torch, lambda m, f, x: f.max_pool2d(x, **kw), x)
    _both(torch, lambda m, f, x: f.avg_pool2d(x, **kw), x)
    if kw.get("padding"):
        _both(torch, lambda m, f, x: f.avg_pool2d(x, **kw, count_include_pad=False), x)
    leaf = tc.tensor(x[:1, :2], requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: F.avg_pool2d(t, **kw), (leaf,))
    assert tc.autograd.gradcheck(lambda t: F.max_pool2d(t, **kw), (leaf,))


def test_max_pool_indices_and_adaptive_pooling(torch):
    x = np.random.default_rng(3).standard_normal((2, 3, 9, 8))
    got = F.max_pool2d(tc.tensor(x), 3, 2, 1, return_indices=True)[1]
    want = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)[1]
    assert got.tolist() == want.tolist()
    for size in (1, (3, 4), (4, 3), (None, 2)):
        _both(torch, lambda m, f, x: f.adaptive_avg_pool2d(x, size), x)


def test_pad_constant_and_crop(torch):
    x = np.random.default_rng(4).standard_normal((2, 3, 4))
    for p in [(1, 2), (1, 1, -1, 0), (0, 0, 2, 1, 1, 0)]:
        _both(torch, lambda m, f, x: f.pad(x, p, value=0.5), x)
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D"):  # as torch
        F.pad(tc.ones(1, 1, 2, 3), (1, 1), mode="reflect")


def test_batch_norm_training_and_eval_match_torch(torch):
    x = np.random.default_rng(5).standard_normal((4, 3, 5, 5))
    outs = []
    for m in (tc, torch):
        m.manual_seed(0)
        bn = m.nn.BatchNorm2d(3)
        t = m.tensor(x, dtype=m.float32)
        a = bn(t)
        bn.eval()
        b = bn(t)
        outs.append([a.detach().numpy(), b.detach().numpy(), bn.running_mean.numpy(), bn.running_var.numpy(),
                     int(bn.num_batches_tracked)])
    for u, v in zip(*outs):
        assert np.allclose(u, v, rtol=1e-5, atol=1e-6)
    leaf = tc.tensor(x[:3, :2, :2, :2], requires_grad=True)
    w, b = tc.tensor([1.5, -0.5], dtype=tc.float64, requires_grad=True), tc.tensor([0.1, 0.2], dtype=tc.float64,
                                                                                  requires_grad=True)
    assert tc.autograd.gradcheck(lambda t, w, b: F.batch_norm(t, None, None, w, b, training=True), (leaf, w, b))


def test_module_reprs_match_torch(torch):
    def reprs(m):
        nn = m.nn
        return [repr(x) for x in (nn.Conv2d(1, 32, 3), nn.Conv2d(3, 8, (3, 5), stride=2, padding=1, bias=False),
                                  nn.Conv2d(4, 4, 3, groups=2, dilation=2, padding="same"), nn.Conv1d(3, 4, 3),
                                  nn.MaxPool2d(2), nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(2),
                                  nn.AdaptiveAvgPool2d((1, 1)), nn.BatchNorm2d(16), nn.BatchNorm1d(8, affine=False))]
    assert reprs(tc) == reprs(torch)


def test_cnn_training_run_matches_torch(torch):
    def run(m):
        nn, f = m.nn, m.nn.functional
        m.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(8, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
        x, y = m.randn(16, 1, 12, 12), m.randint(0, 10, (16,))
        opt = m.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(5):
            opt.zero_grad()
            loss = f.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, repr(model)
    (l1, r1), (l2, r2) = run(tc), run(torch)
    assert r1 == r2
    assert np.allclose(l1, l2, rtol=1e-4)


# ---- the C++ ops (csrc/ops/conv.cpp): every geometry, node names, double backward, threads, ISAs ----

MORE_CONV_CASES = [dict(stride=(2, 3), padding=(1, 2), dilation=(2, 1)), dict(padding="same", dilation=(1, 2)),
                   dict(groups=4), dict(stride=3, padding=2)]


@pytest.mark.parametrize("kw", MORE_CONV_CASES, ids=[str(c) for c in MORE_CONV_CASES])
@pytest.mark.parametrize("kernel", [(1, 1), (2, 3), (4, 4)])
def test_conv2d_geometries_match_torch(kw, kernel, torch):
    """Even kernels under padding='same' pad one more element after, as PyTorch."""
    rng = np.random.default_rng(7)
    kw = dict(kw)
    groups = kw.pop("groups", 1)
    x, w, b = rng.standard_normal((3, 4, 9, 8)), rng.standard_normal((8, 4 // groups, *kernel)), rng.standard_normal(8)
    _both(torch, lambda m, f, x, w, b: f.conv2d(x, w, b, groups=groups, **kw), x, w, b)
    _both(torch, lambda m, f, x, w: f.conv2d(x, w, groups=groups, **kw), x, w)


def test_conv_1x1_direct_path_and_float32(torch):
    """A 1x1 kernel at stride 1 skips im2col; float32 agrees with PyTorch to rounding."""
    rng = np.random.default_rng(8)
    for dtype in ("float32", "float64"):
        x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((5, 6, 7, 3), (4, 6, 1, 1), (4,)))
        res = []
        for m in (tc, torch):
            ts = [m.tensor(a, requires_grad=True) for a in (x, w, b)]
            out = m.nn.functional.conv2d(*ts)
            (out * out).sum().backward()
            res.append([out.detach().numpy()] + [t.grad.numpy() for t in ts])
        for a, c in zip(*res):
            assert a.dtype == c.dtype and np.allclose(a, c, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=2, dilation=2), dict(padding="same", groups=3),
                                dict(padding="valid")])
def test_conv1d_matches_torch_and_gradgradchecks(kw, torch):
    rng = np.random.default_rng(9)
    kw = dict(kw)
    groups = kw.pop("groups", 1)
    x, w, b = rng.standard_normal((2, 6, 11)), rng.standard_normal((3, 6 // groups, 4)), rng.standard_normal(3)
    _both(torch, lambda m, f, x, w, b: f.conv1d(x, w, b, groups=groups, **kw), x, w, b)
    leaves = [tc.tensor(a[:1, :, :8] if a is x else a, requires_grad=True) for a in (x, w, b)]
    assert tc.autograd.gradcheck(lambda x, w, b: F.conv1d(x, w, b, groups=groups, **kw), leaves)
    assert tc.autograd.gradgradcheck(lambda x, w, b: F.conv1d(x, w, b, groups=groups, **kw), leaves)


POOL_MORE = [dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=(2, 3), stride=1, padding=(1, 1)),
             dict(kernel_size=3, stride=(3, 2), ceil_mode=True)]


@pytest.mark.parametrize("kw", POOL_MORE, ids=[str(c) for c in POOL_MORE])
def test_pooling_more_geometries_and_gradgradchecks(kw, torch):
    x = np.random.default_rng(10).standard_normal((2, 3, 8, 7))
    _both(torch, lambda m, f, x: f.max_pool2d(x, **kw), x)
    _both(torch, lambda m, f, x: f.max_pool2d(x, **kw, dilation=2), x)
    for extra in (dict(count_include_pad=False), dict(divisor_override=5)):
        _both(torch, lambda m, f, x: f.avg_pool2d(x, **kw, **extra), x)
    _both(torch, lambda m, f, x: f.avg_pool2d(x[0], **kw), x)  # unbatched
    leaf = tc.tensor(x[:1, :2], requires_grad=True)
    for fn in (lambda t: F.max_pool2d(t, **kw), lambda t: F.avg_pool2d(t, **kw, count_include_pad=False),
               lambda t: F.adaptive_avg_pool2d(t, (3, 5))):
        assert tc.autograd.gradcheck(fn, (leaf,))
        assert tc.autograd.gradgradcheck(fn, (leaf,))


def test_max_pool_nan_and_ties_match_torch(torch):
    x = np.array([[[[1.0, 1.0, np.nan, 2.0], [1.0, 1.0, 0.0, np.nan], [3.0, 3.0, -np.inf, -np.inf],
                    [3.0, 3.0, -np.inf, -np.inf]]]])
    got = F.max_pool2d(tc.tensor(x), 2, return_indices=True)
    want = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    assert np.array_equal(got[0].numpy(), want[0].numpy(), equal_nan=True)
    assert got[1].tolist() == want[1].tolist()


def test_conv_and_pool_grad_fn_names_match_torch(torch):
    def names(m):
        f = m.nn.functional
        x = m.ones(2, 3, 8, 8, requires_grad=True)
        w = m.ones(4, 3, 3, 3, requires_grad=True)
        x1, w1 = m.ones(2, 3, 9, requires_grad=True), m.ones(4, 3, 3, requires_grad=True)
        outs = [f.conv2d(x, w), f.conv2d(x[0], w), f.conv1d(x1, w1), f.conv1d(x1[0], w1), f.max_pool2d(x, 2),
                f.max_pool2d(x[0], 2), f.max_pool2d(x, 2, return_indices=True)[0], f.avg_pool2d(x, 2),
                f.avg_pool2d(x[0], 3, 1, 1), f.adaptive_avg_pool2d(x, (3, 2)), f.adaptive_avg_pool2d(x, 1),
                f.adaptive_avg_pool2d(x[0], 1)]
        res = [type(o.grad_fn).__name__ for o in outs]
        for out in outs[:1] + outs[4:5] + outs[7:8] + outs[9:10]:  # the gradient's own node under create_graph
            g = m.autograd.grad((out * out).sum(), x, create_graph=True)[0]
            res.append(type(g.grad_fn).__name__)
        return res
    assert names(tc) == names(torch)


def test_conv_results_do_not_depend_on_thread_count():
    rng = np.random.default_rng(11)
    x = tc.tensor(rng.standard_normal((37, 5, 10, 9)).astype("float32"), requires_grad=True)
    w = tc.tensor(rng.standard_normal((6, 5, 3, 3)).astype("float32"), requires_grad=True)
    b = tc.tensor(rng.standard_normal(6).astype("float32"), requires_grad=True)
    before = tc.get_num_threads()
    res = []
    try:
        for n in (1, 2, 3):
            tc.set_num_threads(n)
            x.grad = w.grad = b.grad = None
            out = F.max_pool2d(F.conv2d(x, w, b, padding=1), 2)
            (out * out).sum().backward()
            res.append([t.numpy().copy() for t in (out.detach(), x.grad, w.grad, b.grad)])
    finally:
        tc.set_num_threads(before)
    for other in res[1:]:
        for a, c in zip(res[0], other):
            assert np.array_equal(a, c)


@pytest.mark.parametrize("cap", ["generic", "avx2"])
def test_conv_kernels_on_every_instruction_set(cap, torch):
    """The conv/pool kernels compiled for each instruction set, forced, agree with PyTorch."""
    import os
    import subprocess
    import sys
    code = (
        "import numpy as np, tensorcore as tc, tensorcore.nn.functional as F\n"
        "r = np.random.default_rng(12)\n"
        "x = tc.tensor(r.standard_normal((3, 4, 9, 8)), requires_grad=True)\n"
        "w = tc.tensor(r.standard_normal((6, 2, 3, 2)), requires_grad=True)\n"
        "y = F.avg_pool2d(F.max_pool2d(F.conv2d(x, w, stride=(1, 2), padding=1, groups=2), 2, 1), 2, ceil_mode=True)\n"
        "y = F.adaptive_avg_pool2d(y, (2, 3))\n"
        "(y * y).sum().backward()\n"
        "np.save('out.npy', np.concatenate([y.detach().numpy().ravel(), x.grad.numpy().ravel(), w.grad.numpy().ravel()]))\n"
    )
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, TENSORCORE_CPU_CAPABILITY=cap)
        subprocess.run([sys.executable, "-c", code], env=env, cwd=d, check=True)
        got = np.load(os.path.join(d, "out.npy"))
    r = np.random.default_rng(12)
    f = torch.nn.functional
    x = torch.tensor(r.standard_normal((3, 4, 9, 8)), requires_grad=True)
    w = torch.tensor(r.standard_normal((6, 2, 3, 2)), requires_grad=True)
    y = f.avg_pool2d(f.max_pool2d(f.conv2d(x, w, stride=(1, 2), padding=1, groups=2), 2, 1), 2, ceil_mode=True)
    y = f.adaptive_avg_pool2d(y, (2, 3))
    (y * y).sum().backward()
    want = np.concatenate([y.detach().numpy().ravel(), x.grad.numpy().ravel(), w.grad.numpy().ravel()])
    assert np.allclose(got, want, rtol=1e-10, atol=1e-12)


def test_conv_and_pool_errors_match_torch(torch):
    cases = [
        lambda m: m.nn.functional.conv2d(m.randn(1, 3, 5, 5), m.randn(2, 3, 3, 3).double()),
        lambda m: m.nn.functional.conv2d(m.randn(1, 3, 5, 5), m.randn(2, 3, 3, 3), m.randn(2).double()),
        lambda m: m.nn.functional.conv2d(m.randn(1, 3, 5, 5), m.randn(2, 3, 3, 3), m.randn(3)),
        lambda m: m.nn.functional.conv2d(m.randn(1, 4, 5, 5), m.randn(2, 3, 3, 3)),
        lambda m: m.nn.functional.max_pool2d(m.randn(1, 3, 5, 5), (2, 2, 2)),
        lambda m: m.nn.functional.max_pool2d(m.randn(1, 3, 5, 5), 2, 0),
        lambda m: m.nn.functional.avg_pool2d(m.randn(1, 3, 5, 5), 2, divisor_override=0),
        lambda m: m.nn.functional.max_pool2d(m.randn(5, 5), 2),
        lambda m: m.nn.functional.max_pool2d(m.randn(1, 3, 5, 5), 3, padding=2),
        lambda m: m.nn.functional.adaptive_avg_pool2d(m.ones(1, 3, 5, 5).long(), 2),
    ]
    for case in cases:
        errs = []
        for m in (tc, torch):
            with pytest.raises(Exception) as info:
                case(m)
            errs.append(info.type)
        assert errs[0] is errs[1], case


def test_integer_convolution_and_pooling_match_torch(torch):
    """Integer inputs take the forward kernels' integer paths, as in PyTorch."""
    rng = np.random.default_rng(13)
    x, w, b = rng.integers(-5, 6, (2, 4, 7, 6)), rng.integers(-3, 4, (6, 2, 3, 2)), rng.integers(-9, 9, 6)
    for dt in ("int64", "int32"):
        res = []
        for m in (tc, torch):
            f = m.nn.functional
            xt, wt, bt = (m.tensor(a.astype(dt)) for a in (x, w, b))
            outs = [f.conv2d(xt, wt, bt, padding=1, groups=2), f.max_pool2d(xt, 3, 2, 1, ceil_mode=True),
                    f.max_pool2d(-xt.abs(), 2, padding=1)]
            if dt == "int64":  # PyTorch's avg_pool2d takes int64 but not int32
                outs += [f.avg_pool2d(xt, 3, 2, 1), f.avg_pool2d(xt, 2, divisor_override=3)]
            else:
                with pytest.raises(NotImplementedError, match="avg_pool2d"):
                    f.avg_pool2d(xt, 2)
            res.append([(str(o.dtype).split(".")[-1], o.tolist()) for o in outs])
        assert res[0] == res[1]
