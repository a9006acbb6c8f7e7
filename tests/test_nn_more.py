"""The Python-composed nn.functional ops and modules (nn/_functional_more.py and
the modules built on them), compared with PyTorch: values, gradients, the
random stream of the feature dropouts, reprs; float64 gradchecks."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck

F = nn.functional


def _pair(shape, seed=0, positive=False, dtype=np.float64):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    if positive:
        a = np.abs(a) + 0.1
    return a


def _run(lib, fn, arrays, grads=True):
    ts = [lib.tensor(a, requires_grad=grads and a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
          for a in arrays]
    out = fn(lib, *ts)
    outs = out if isinstance(out, tuple) else (out,)
    result = [o.detach().numpy() for o in outs]
    if grads:
        loss = sum((o * o).sum() if o.dtype.is_floating_point else 0 for o in outs)
        loss.backward()
        result += [t.grad.numpy() for t in ts if isinstance(t, (tc.Tensor,)) or hasattr(t, "grad")
                   if getattr(t, "grad", None) is not None]
    return result


x34 = _pair((3, 4))
x2345 = _pair((2, 4, 3, 5))
x235 = _pair((2, 3, 8))

CASES = [
    ("selu", lambda L, x: L.nn.functional.selu(x), [x34]),
    ("celu", lambda L, x: L.nn.functional.celu(x, 0.7), [x34]),
    ("mish", lambda L, x: L.nn.functional.mish(x), [x34]),
    ("hardswish", lambda L, x: L.nn.functional.hardswish(x * 3), [x34]),
    ("hardsigmoid", lambda L, x: L.nn.functional.hardsigmoid(x * 3), [x34]),
    ("softsign", lambda L, x: L.nn.functional.softsign(x), [x34]),
    ("tanhshrink", lambda L, x: L.nn.functional.tanhshrink(x), [x34]),
    ("softshrink", lambda L, x: L.nn.functional.softshrink(x, 0.3), [x34]),
    ("hardshrink", lambda L, x: L.nn.functional.hardshrink(x, 0.3), [x34]),
    ("threshold", lambda L, x: L.nn.functional.threshold(x, 0.2, -3.0), [x34]),
    ("glu", lambda L, x: L.nn.functional.glu(x, 1), [x34]),
    ("prelu", lambda L, x, w: L.nn.functional.prelu(x, w), [x2345, _pair((4,), 1)]),
    ("prelu_shared", lambda L, x, w: L.nn.functional.prelu(x, w), [x34, _pair((1,), 1)]),
    ("group_norm", lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b), [x2345, _pair((4,), 1),
                                                                                _pair((4,), 2)]),
    ("instance_norm", lambda L, x: L.nn.functional.instance_norm(x), [x2345]),
    ("rms_norm", lambda L, x, w: L.nn.functional.rms_norm(x, (5,), w), [x2345, _pair((5,), 3)]),
    ("local_response_norm", lambda L, x: L.nn.functional.local_response_norm(x, 3), [x2345]),
    ("local_response_norm3d", lambda L, x: L.nn.functional.local_response_norm(x, 2), [x235]),
    ("cosine_similarity", lambda L, a, b: L.nn.functional.cosine_similarity(a, b), [x34, _pair((3, 4), 5)]),
    ("pairwise_distance", lambda L, a, b: L.nn.functional.pairwise_distance(a, b), [x34, _pair((3, 4), 5)]),
    ("kl_div", lambda L, a, b: L.nn.functional.kl_div(a, b, reduction="batchmean"),
     [x34, _pair((3, 4), 5, positive=True)]),
    ("kl_div_log_target", lambda L, a, b: L.nn.functional.kl_div(a, b, reduction="sum", log_target=True),
     [x34, _pair((3, 4), 5)]),
    ("margin_ranking", lambda L, a, b: L.nn.functional.margin_ranking_loss(
        a, b, L.tensor([1.0, -1.0, 1.0], dtype=L.float64), margin=0.2), [_pair((3,)), _pair((3,), 1)]),
    ("hinge_embedding", lambda L, a: L.nn.functional.hinge_embedding_loss(
        a, L.tensor([[1.0, -1.0, 1.0, -1.0]] * 3, dtype=L.float64)), [x34]),
    ("soft_margin", lambda L, a: L.nn.functional.soft_margin_loss(
        a, L.tensor([[1.0, -1.0, 1.0, -1.0]] * 3, dtype=L.float64)), [x34]),
    ("cosine_embedding", lambda L, a, b: L.nn.functional.cosine_embedding_loss(
        a, b, L.tensor([1.0, -1.0, -1.0], dtype=L.float64), margin=0.1), [x34, _pair((3, 4), 5)]),
    ("triplet", lambda L, a, p, n: L.nn.functional.triplet_margin_loss(a, p, n, swap=True),
     [x34, _pair((3, 4), 5), _pair((3, 4), 6)]),
    ("poisson_nll", lambda L, a, t: L.nn.functional.poisson_nll_loss(a, t, full=True),
     [x34, _pair((3, 4), 5, positive=True) * 3]),
    ("poisson_nll_rate", lambda L, a, t: L.nn.functional.poisson_nll_loss(a, t, log_input=False),
     [_pair((3, 4), 4, positive=True), _pair((3, 4), 5, positive=True)]),
    ("gaussian_nll", lambda L, a, t, v: L.nn.functional.gaussian_nll_loss(a, t, v, full=True),
     [x34, _pair((3, 4), 5), _pair((3, 4), 6, positive=True)]),
    ("multilabel_soft_margin", lambda L, a: L.nn.functional.multilabel_soft_margin_loss(
        a, L.tensor([[1.0, 0.0, 1.0, 0.0]] * 3, dtype=L.float64)), [x34]),
    ("pixel_shuffle", lambda L, x: L.nn.functional.pixel_shuffle(x, 2), [_pair((2, 8, 3, 5))]),
    ("pixel_unshuffle", lambda L, x: L.nn.functional.pixel_unshuffle(x, 2), [_pair((2, 3, 4, 6))]),
    ("max_pool1d", lambda L, x: L.nn.functional.max_pool1d(x, 3, 2, 1), [x235]),
    ("max_pool1d_indices", lambda L, x: L.nn.functional.max_pool1d(x, 2, return_indices=True)[0], [x235]),
    ("avg_pool1d", lambda L, x: L.nn.functional.avg_pool1d(x, 3, 2, 1, count_include_pad=False), [x235]),
    ("adaptive_avg_pool1d", lambda L, x: L.nn.functional.adaptive_avg_pool1d(x, 3), [x235]),
    ("adaptive_max_pool1d", lambda L, x: L.nn.functional.adaptive_max_pool1d(x, 3), [x235]),
    ("adaptive_max_pool2d", lambda L, x: L.nn.functional.adaptive_max_pool2d(x, (2, 3)), [x2345]),
    ("interpolate_scale", lambda L, x: L.nn.functional.interpolate(x, scale_factor=2), [x2345]),
    ("interpolate_size", lambda L, x: L.nn.functional.interpolate(x, size=(5, 7)), [x2345]),
    ("interpolate_1d_fraction", lambda L, x: L.nn.functional.interpolate(x, scale_factor=1.5), [x235]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_functional_matches_torch(name, fn, arrays):
    torch = pytest.importorskip("torch")
    expected = _run(torch, fn, arrays)
    actual = _run(tc, fn, arrays)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape
        # 1e-7: PyTorch rounds some scalar factors to float32 in backward (celu: 1/alpha)
        np.testing.assert_allclose(a, e, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name,fn,arrays", [c for c in CASES if c[0] in (
    "selu", "celu", "mish", "softsign", "glu", "prelu", "group_norm", "instance_norm", "rms_norm",
    "cosine_similarity", "kl_div", "triplet", "gaussian_nll", "pixel_shuffle", "avg_pool1d")],
    ids=lambda v: v if isinstance(v, str) else "")
def test_gradcheck(name, fn, arrays):
    ts = [tc.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *xs: fn(tc, *xs), ts)


@pytest.mark.parametrize("fn,shape", [
    ("dropout1d", (4, 3, 5)), ("dropout1d", (3, 5)), ("dropout2d", (2, 3, 4, 5)), ("dropout2d", (4, 3, 5)),
    ("dropout3d", (2, 3, 2, 2, 2)), ("dropout3d", (3, 2, 2, 2)), ("alpha_dropout", (4, 6)),
    ("feature_alpha_dropout", (2, 3, 4))])
def test_feature_dropout_stream_matches_torch(fn, shape):
    torch = pytest.importorskip("torch")
    x = _pair(shape, 7, dtype=np.float32)
    results = {}
    for lib in (torch, tc):
        lib.manual_seed(11)
        t = lib.tensor(x, requires_grad=True)
        out = getattr(lib.nn.functional, fn)(t, 0.4, training=True)
        out.sum().backward()
        results[lib] = (out.detach().numpy(), t.grad.numpy(), lib.rand(3).numpy())
    for a, e in zip(results[tc], results[torch]):
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6)
    assert not np.array_equal(results[tc][0], x)  # something was dropped


def test_feature_dropout_in_eval_is_identity_and_checks_p():
    x = tc.randn(2, 3, 4)
    assert F.dropout1d(x, 0.5, training=False) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout2d(x, 1.5)
    with pytest.raises(RuntimeError, match="dropout1d"):
        F.dropout1d(tc.randn(2, 3, 4, 5))


MODULES = [
    ("Dropout1d", (0.3,)), ("Dropout2d", ()), ("Dropout3d", (0.2, True)), ("AlphaDropout", (0.1,)),
    ("SELU", ()), ("SELU", (True,)), ("CELU", (0.5, True)), ("Mish", ()), ("Hardswish", ()), ("Hardsigmoid", ()),
    ("Softsign", ()), ("Tanhshrink", ()), ("Softshrink", (0.3,)), ("Hardshrink", ()), ("Threshold", (0.1, 20)),
    ("GLU", (1,)), ("PReLU", (3,)), ("LogSigmoid", ()), ("RReLU", (0.1, 0.3)), ("Softmax2d", ()),
    ("GroupNorm", (2, 4)), ("GroupNorm", (1, 3, 1e-3, False)), ("InstanceNorm1d", (3,)),
    ("InstanceNorm2d", (3, 1e-5, 0.1, True, True)), ("InstanceNorm2d", (3, 1e-5, 0.1, True, False), {"bias": False}),
    ("GroupNorm", (2, 4, 1e-5, True), {"bias": False}), ("RMSNorm", ((4, 5),)), ("RMSNorm", (4, 1e-6, False)),
    ("LocalResponseNorm", (2,)), ("CosineSimilarity", ()), ("PairwiseDistance", ()), ("PixelShuffle", (2,)),
    ("PixelUnshuffle", (3,)), ("Upsample", (None, 2)), ("Upsample", ((4, 4),)), ("UpsamplingNearest2d", (None, 3)),
    ("ZeroPad2d", (1,)), ("ZeroPad1d", ((1, 2),)), ("ConstantPad2d", ((1, 0, 2, 1), 3.5)),
    ("MaxPool1d", (3,)), ("MaxPool1d", (3, 1, 1)), ("AvgPool1d", (2,)), ("AdaptiveAvgPool1d", (4,)),
    ("AdaptiveMaxPool1d", (2,)), ("AdaptiveMaxPool2d", ((2, 3),)), ("KLDivLoss", ()),
    ("MarginRankingLoss", (0.5,)), ("TripletMarginLoss", ()), ("GaussianNLLLoss", ()),
    ("PoissonNLLLoss", ()), ("CosineEmbeddingLoss", ()), ("HingeEmbeddingLoss", ()), ("SoftMarginLoss", ()),
    ("MultiLabelSoftMarginLoss", ()),
]


@pytest.mark.parametrize("spec", MODULES, ids=[f"{m[0]}{i}" for i, m in enumerate(MODULES)])
def test_module_repr_parameters_and_state_dict_match_torch(spec):
    torch = pytest.importorskip("torch")
    name, args, kw = (spec + ({},))[:3]
    torch.manual_seed(0)
    tc.manual_seed(0)
    t, c = getattr(torch.nn, name)(*args, **kw), getattr(nn, name)(*args, **kw)
    assert repr(c) == repr(t)
    assert list(c.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(c.state_dict()[k].numpy(), v.numpy())


def test_modules_forward_match_torch():
    torch = pytest.importorskip("torch")
    x = _pair((2, 4, 6, 6), 3, dtype=np.float32)
    for name, args, shape in [("GroupNorm", (2, 4), None), ("InstanceNorm2d", (4, 1e-5, 0.1, True, True), None),
                              ("PReLU", (4,), None), ("PixelUnshuffle", (2,), None), ("Upsample", (None, 2), None),
                              ("RMSNorm", (6,), None), ("MaxPool1d", (3, 2), (2, 4, 36)),
                              ("AvgPool1d", (3,), (2, 4, 36)), ("InstanceNorm1d", (4,), (8, 36))]:
        data = x.reshape(shape) if shape else x
        outs = []
        for lib in (torch, tc):
            m = getattr(lib.nn, name)(*args)
            inp = lib.tensor(data, requires_grad=True)
            out = m(inp)
            (out * out).sum().backward()
            outs.append((out.detach().numpy(), inp.grad.numpy()))
            if name == "InstanceNorm2d":
                outs[-1] += (m.running_mean.numpy(), m.running_var.numpy())
        for a, e in zip(outs[1], outs[0]):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=2e-5, err_msg=name)


def test_interpolate_errors():
    x = tc.randn(1, 1, 4, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):  # as torch
        F.interpolate(x[0], scale_factor=2, mode="bilinear")
    with pytest.raises(RuntimeError, match="divisible"):
        F.group_norm(x.expand(1, 3, 4, 4), 2)
