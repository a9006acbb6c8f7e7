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
    with pytest.raises(NotImplementedError, match="reflect"):
        F.pad(tc.ones(1, 2, 3), (1, 1), mode="reflect")


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
