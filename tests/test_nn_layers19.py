"""The remaining torch.nn layers against PyTorch: interpolate / Upsample in
every mode, F.pad's modes and the padding modules, 3-d convolution and
pooling, unpooling, LP and fractional pooling, fold/unfold, the remaining
losses (CTC, margins), embedding_bag, bilinear, grid_sample/affine_grid,
nn.init's random stream, nn.utils (parametrizations, pruning, fusion) and
indexing with ranges and tuples. Values and gradients are compared with
PyTorch's on identical inputs/weights; float64 gradchecks; reprs; errors."""
import warnings

import numpy as np
import pytest

import tensorcore as tc
import tensorcore.nn.functional as F
from tensorcore.autograd import gradcheck

RNG = np.random.default_rng(19)


def _arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _pair(torch, a, grad=False):
    t, c = torch.from_numpy(a.copy()), tc.from_numpy(a.copy())
    if grad:
        t.requires_grad_()
        c.requires_grad_()
    return t, c


def _close(a, b, tol=1e-6):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def _check_fn(torch, name, arrays, kwargs=None, tol=1e-6, grad=True, outputs=1):
    """Runs F.<name> on both libraries (float64), compares the outputs and the
    gradients of sum(out * w) for a fixed random w."""
    kwargs = kwargs or {}
    pairs = [_pair(torch, a, grad and a.dtype.kind == "f") for a in arrays]
    t_out = getattr(torch.nn.functional, name)(*[p[0] for p in pairs], **kwargs)
    c_out = getattr(F, name)(*[p[1] for p in pairs], **kwargs)
    if isinstance(t_out, tuple):
        for a, b in zip(t_out, c_out):
            _close(a, b, tol)
        t_out, c_out = t_out[0], c_out[0]
    else:
        _close(t_out, c_out, tol)
    if grad:
        w = RNG.standard_normal(tuple(t_out.shape))
        (t_out * torch.from_numpy(w)).sum().backward()
        (c_out * tc.from_numpy(w)).sum().backward()
        for t, c in pairs:
            if t.requires_grad:
                _close(t.grad, c.grad, tol)


# ---- interpolate ----
_INTERP = [
    ("nearest", None, (2, 3, 5, 7), dict(size=(9, 4))),
    ("nearest", None, (2, 3, 5, 7), dict(scale_factor=1.7)),
    ("nearest", None, (2, 3, 6), dict(scale_factor=2)),
    ("nearest", None, (1, 2, 3, 4, 5), dict(size=(5, 3, 7))),
    ("nearest-exact", None, (2, 3, 5, 7), dict(scale_factor=(2.5, 0.6))),
    ("linear", False, (2, 3, 6), dict(size=11)),
    ("linear", True, (2, 3, 6), dict(scale_factor=0.5)),
    ("bilinear", False, (2, 3, 5, 7), dict(size=(9, 4))),
    ("bilinear", True, (2, 3, 5, 7), dict(scale_factor=1.7)),
    ("bilinear", False, (2, 3, 5, 7), dict(scale_factor=1.7, recompute_scale_factor=True)),
    ("bicubic", False, (2, 3, 5, 7), dict(size=(8, 11))),
    ("bicubic", True, (2, 3, 5, 7), dict(scale_factor=(0.7, 2))),
    ("trilinear", False, (1, 2, 3, 4, 5), dict(scale_factor=2)),
    ("trilinear", True, (1, 2, 3, 4, 5), dict(size=(2, 6, 3))),
    ("area", None, (2, 3, 7, 9), dict(size=(3, 4))),
    ("area", None, (2, 3, 8), dict(scale_factor=0.5)),
]


@pytest.mark.parametrize("mode,ac,shape,kw", _INTERP)
def test_interpolate_matches_torch(torch, mode, ac, shape, kw):
    extra = {} if ac is None else {"align_corners": ac}
    _check_fn(torch, "interpolate", [_arr(*shape)], dict(mode=mode, **extra, **kw))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("kw", [dict(size=(5, 7)), dict(scale_factor=0.3), dict(size=(30, 9)),
                                dict(size=(6, 8), align_corners=True)])
def test_interpolate_antialias_matches_torch(torch, mode, kw):
    _check_fn(torch, "interpolate", [_arr(2, 3, 17, 23)], dict(mode=mode, antialias=True, **kw))
    t, c = _pair(torch, _arr(1, 2, 17, 23, dtype=np.float32))
    _close(torch.nn.functional.interpolate(t, mode=mode, antialias=True, **kw),
           F.interpolate(c, mode=mode, antialias=True, **kw), 2e-6)


def test_interpolate_float32_bitwise_close(torch):
    t, c = _pair(torch, _arr(2, 3, 5, 7, dtype=np.float32))
    for mode in ("bilinear", "bicubic"):
        _close(torch.nn.functional.interpolate(t, scale_factor=1.5, mode=mode),
               F.interpolate(c, scale_factor=1.5, mode=mode), 1e-6)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
def test_interpolate_gradcheck(mode):
    x = tc.from_numpy(_arr(1, 2, 3, 4)).requires_grad_()
    extra = {} if mode == "nearest" else {"align_corners": False}
    assert gradcheck(lambda x: F.interpolate(x, size=(5, 3), mode=mode, **extra), (x,))


def test_upsample_modules_and_reprs(torch):
    x = _arr(1, 2, 3, 4)
    mods = [lambda m: m.Upsample(scale_factor=2, mode="bilinear", align_corners=True),
            lambda m: m.Upsample(size=(5, 6)),
            lambda m: m.UpsamplingNearest2d(scale_factor=2),
            lambda m: m.UpsamplingBilinear2d(size=(7, 5))]
    for make in mods:
        a, b = make(torch.nn), make(tc.nn)
        assert repr(a) == repr(b)
        _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)))


def test_interpolate_errors():
    x = tc.ones(1, 1, 4, 4)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="linear mode needs 3D input"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="not meaningful with an explicit size"):
        F.interpolate(x, size=3, recompute_scale_factor=True)
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        F.interpolate(x, size=(1, 2, 3))


# ---- padding ----
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
@pytest.mark.parametrize("shape,pad", [((2, 3, 5, 7), (1, 2, 2, 1)), ((2, 3, 6), (2, 3)),
                                       ((2, 3, 5, 7), (-1, 2, 1, 0)), ((1, 2, 3, 4, 5), (1, 1, 2, 0, 1, 2))])
def test_pad_modes_match_torch(torch, mode, shape, pad):
    _check_fn(torch, "pad", [_arr(*shape)], dict(pad=pad, mode=mode))


def test_pad_gradcheck():
    x = tc.from_numpy(_arr(1, 2, 3, 4)).requires_grad_()
    for mode in ("reflect", "replicate", "circular"):
        assert gradcheck(lambda x: F.pad(x, (2, 1, 1, 2), mode=mode), (x,))


def test_pad_modules_and_reprs(torch):
    for kind in ("Reflection", "Replication", "Circular", "Zero"):
        for n, pad in ((1, 2), (2, (1, 0, 2, 1)), (3, 1)):
            name = f"{kind}Pad{n}d"
            a, b = getattr(torch.nn, name)(pad), getattr(tc.nn, name)(pad)
            assert repr(a) == repr(b)
            inp = _arr(*(2, 3, 4, 5, 6)[:n + 2])
            _close(a(torch.from_numpy(inp)), b(tc.from_numpy(inp)))


def test_pad_errors(torch):
    x = tc.ones(1, 2, 3)
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        F.pad(x, (3, 3), mode="reflect")
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D"):
        F.pad(tc.ones(1, 1, 2, 3), (1, 1), mode="replicate")
    with pytest.raises(NotImplementedError):
        torch.nn.functional.pad(torch.ones(1, 1, 2, 3), (1, 1), mode="replicate")
    with pytest.raises(NotImplementedError):
        F.pad(x, (1, 1), mode="bogus")


def test_conv_padding_modes_match_torch(torch):
    x = _arr(2, 3, 6, 7, dtype=np.float32)
    for mode in ("reflect", "replicate", "circular"):
        torch.manual_seed(0)
        tc.manual_seed(0)
        a = torch.nn.Conv2d(3, 4, 3, padding=1, padding_mode=mode)
        b = tc.nn.Conv2d(3, 4, 3, padding=1, padding_mode=mode)
        assert repr(a) == repr(b)
        _close(a.weight, b.weight)
        _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)), 1e-5)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        tc.nn.Conv2d(1, 1, 3, padding_mode="bogus")


# ---- 3-d convolution ----
@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(padding=(1, 0, 2), dilation=(2, 1, 1)),
                                dict(padding="same")])
def test_conv3d_matches_torch(torch, kw):
    _check_fn(torch, "conv3d", [_arr(2, 3, 5, 6, 7), _arr(4, 3, 3, 2, 3), _arr(4)], kw)


def test_conv3d_groups_and_unbatched(torch):
    _check_fn(torch, "conv3d", [_arr(6, 4, 4, 4), _arr(6, 2, 2, 3, 2)], dict(groups=3))


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1), dict(dilation=2, groups=3)])
def test_conv_transpose3d_matches_torch(torch, kw):
    _check_fn(torch, "conv_transpose3d", [_arr(2, 3, 3, 4, 3), _arr(3, 2, 3, 2, 3), _arr(2 * kw.get("groups", 1))],
              kw)


def test_conv3d_modules_init_stream_and_repr(torch):
    for make in (lambda m: m.nn.Conv3d(2, 4, (3, 2, 3), stride=(2, 1, 1), padding=1, bias=False),
                 lambda m: m.nn.ConvTranspose3d(2, 4, 3, stride=2, output_padding=1)):
        torch.manual_seed(3)
        tc.manual_seed(3)
        a, b = make(torch), make(tc)
        assert repr(a) == repr(b)
        for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
            assert na == nb
            _close(pa, pb, 0)
        x = _arr(1, 2, 4, 5, 4, dtype=np.float32)
        _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)), 1e-5)


def test_conv3d_gradcheck():
    x = tc.from_numpy(_arr(1, 2, 3, 4, 3)).requires_grad_()
    w = tc.from_numpy(_arr(2, 2, 2, 2, 2)).requires_grad_()
    assert gradcheck(lambda x, w: F.conv3d(x, w, stride=(1, 2, 1), padding=1), (x, w))


# ---- pooling ----
@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=(2, 3, 2), stride=(1, 2, 3), ceil_mode=True),
                                dict(kernel_size=2, dilation=2)])
def test_max_pool3d_matches_torch(torch, kw):
    _check_fn(torch, "max_pool3d", [_arr(2, 3, 6, 7, 8)], dict(return_indices=True, **kw))


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
                                dict(kernel_size=(2, 3, 2), stride=(1, 2, 3), ceil_mode=True),
                                dict(kernel_size=2, divisor_override=3)])
def test_avg_pool3d_matches_torch(torch, kw):
    _check_fn(torch, "avg_pool3d", [_arr(2, 3, 6, 7, 8)], kw)


def test_adaptive_pool3d_matches_torch(torch):
    _check_fn(torch, "adaptive_avg_pool3d", [_arr(2, 3, 6, 7, 8)], dict(output_size=(4, 3, 5)))
    _check_fn(torch, "adaptive_max_pool3d", [_arr(2, 3, 6, 7, 8)], dict(output_size=(4, None, 5),
                                                                         return_indices=True))
    _check_fn(torch, "adaptive_avg_pool3d", [_arr(3, 5, 4, 6)], dict(output_size=2))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool_matches_torch(torch, n):
    shape = (2, 3) + (4, 6, 4)[:n]
    x = _arr(*shape)
    t_pool = getattr(torch.nn.functional, f"max_pool{n}d")
    c_pool = getattr(F, f"max_pool{n}d")
    tv, ti = t_pool(torch.from_numpy(x), 2, return_indices=True)
    cv, ci = c_pool(tc.from_numpy(x), 2, return_indices=True)
    _close(ti, ci, 0)
    _close(getattr(torch.nn.functional, f"max_unpool{n}d")(tv, ti, 2),
           getattr(F, f"max_unpool{n}d")(cv, ci, 2))
    a, b = getattr(torch.nn, f"MaxUnpool{n}d")(2), getattr(tc.nn, f"MaxUnpool{n}d")(2)
    assert repr(a) == repr(b)
    big = tuple(s + 1 for s in shape[2:])
    _close(a(tv, ti, output_size=big), b(cv, ci, output_size=big))
    with pytest.raises(ValueError, match="invalid output_size"):
        b(cv, ci, output_size=tuple(s + 5 for s in shape[2:]))


def test_lp_pool_matches_torch(torch):
    _check_fn(torch, "lp_pool1d", [np.abs(_arr(2, 3, 8))], dict(norm_type=2, kernel_size=3, stride=2))
    _check_fn(torch, "lp_pool2d", [np.abs(_arr(2, 3, 6, 7))], dict(norm_type=3, kernel_size=2))
    _check_fn(torch, "lp_pool3d", [np.abs(_arr(1, 2, 4, 4, 6))], dict(norm_type=2, kernel_size=(2, 2, 3)))
    assert repr(tc.nn.LPPool2d(2, 3)) == repr(torch.nn.LPPool2d(2, 3))


def test_fractional_max_pool_matches_torch(torch):
    x = _arr(2, 3, 9, 11)
    s = RNG.random((2, 3, 2))
    t, c = _pair(torch, x, True)
    a = torch.nn.functional.fractional_max_pool2d(t, 2, output_size=(4, 5), return_indices=True,
                                                  _random_samples=torch.from_numpy(s))
    b = F.fractional_max_pool2d(c, 2, output_size=(4, 5), return_indices=True, _random_samples=tc.from_numpy(s))
    _close(a[0], b[0])
    _close(a[1], b[1], 0)
    x3, s3 = _arr(1, 2, 7, 8, 9), RNG.random((1, 2, 3))
    a = torch.nn.functional.fractional_max_pool3d(torch.from_numpy(x3), 2, output_ratio=0.5, return_indices=True,
                                                  _random_samples=torch.from_numpy(s3))
    b = F.fractional_max_pool3d(tc.from_numpy(x3), 2, output_ratio=0.5, return_indices=True,
                                _random_samples=tc.from_numpy(s3))
    _close(a[0], b[0])
    _close(a[1], b[1], 0)
    # Without samples both draw them from the default generator.
    torch.manual_seed(4)
    tc.manual_seed(4)
    m1, m2 = torch.nn.FractionalMaxPool2d(3, output_ratio=0.5), tc.nn.FractionalMaxPool2d(3, output_ratio=0.5)
    _close(m1(torch.from_numpy(x)), m2(tc.from_numpy(x)))


def test_pooling_module_reprs(torch):
    for make in (lambda m: m.MaxPool3d(2), lambda m: m.AvgPool3d(3, stride=2, padding=1),
                 lambda m: m.AdaptiveAvgPool3d((2, 3, 4)), lambda m: m.AdaptiveMaxPool3d(2),
                 lambda m: m.MaxUnpool2d(2, stride=1), lambda m: m.LPPool1d(2, 3),
                 lambda m: m.FractionalMaxPool3d(2, output_size=3)):
        assert repr(make(torch.nn)) == repr(make(tc.nn))


def test_pooling_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool3d(tc.ones(1, 1, 4, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="Expected 4D or 5D"):
        F.max_pool3d(tc.ones(4, 4, 4), 2)


def test_pooling_gradcheck():
    x = tc.from_numpy(_arr(1, 2, 4, 4, 5)).requires_grad_()
    assert gradcheck(lambda x: F.max_pool3d(x, 2, stride=1), (x,))
    assert gradcheck(lambda x: F.avg_pool3d(x, 3, stride=2, padding=1, count_include_pad=False), (x,))
    assert gradcheck(lambda x: F.adaptive_avg_pool3d(x, (3, 2, 4)), (x,))


# ---- fold / unfold ----
def test_fold_unfold_match_torch(torch):
    _check_fn(torch, "unfold", [_arr(2, 3, 5, 7)], dict(kernel_size=(2, 3), dilation=(1, 2), padding=1,
                                                        stride=(2, 1)))
    cols = _arr(2, 3 * 4, 5 * 7)
    _check_fn(torch, "fold", [cols], dict(output_size=(4, 6), kernel_size=2, padding=1, stride=1))
    assert repr(tc.nn.Fold((4, 5), 2)) == repr(torch.nn.Fold((4, 5), 2))
    assert repr(tc.nn.Unfold(3, padding=1)) == repr(torch.nn.Unfold(3, padding=1))
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(tc.ones(1, 5, 4), (3, 3), 2)
    x = tc.from_numpy(_arr(1, 2, 4, 4)).requires_grad_()
    assert gradcheck(lambda x: F.fold(F.unfold(x, 2, stride=1), (4, 4), 2, stride=1), (x,))


# ---- losses ----
def _ctc_inputs(torch):
    t_len, n, c, s = 12, 3, 5, 4
    lp = _arr(t_len, n, c)
    targets = RNG.integers(1, c, (n, s))
    return lp, targets, [12, 10, 7], [4, 2, 3]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_loss_matches_torch(torch, reduction):
    lp, targets, il, tl = _ctc_inputs(torch)
    t, c = _pair(torch, lp, True)
    a = torch.nn.functional.ctc_loss(t.log_softmax(2), torch.from_numpy(targets), il, tl, reduction=reduction)
    b = F.ctc_loss(c.log_softmax(2), tc.from_numpy(targets), il, tl, reduction=reduction)
    _close(a, b)
    a.sum().backward()
    b.sum().backward()
    _close(t.grad, c.grad)


def test_ctc_loss_raw_log_probs_gradient_and_formats(torch):
    lp, targets, il, tl = _ctc_inputs(torch)
    logp = torch.from_numpy(lp).log_softmax(2).numpy()
    t, c = _pair(torch, logp, True)
    a = torch.nn.CTCLoss()(t, torch.from_numpy(targets), torch.tensor(il), torch.tensor(tl))
    b = tc.nn.CTCLoss()(c, tc.from_numpy(targets), tc.tensor(il), tc.tensor(tl))
    a.backward()
    b.backward()
    _close(t.grad, c.grad)  # PyTorch's exp(lp) - posterior form (Note [CTC gradient as PyTorch computes it])
    flat = np.concatenate([targets[i, :tl[i]] for i in range(3)])
    _close(torch.nn.functional.ctc_loss(t, torch.from_numpy(flat), il, tl),
           F.ctc_loss(c, tc.from_numpy(flat), il, tl))
    short = [2, 2, 2]
    _close(torch.nn.functional.ctc_loss(t, torch.from_numpy(targets), short, tl, reduction="none"),
           F.ctc_loss(c, tc.from_numpy(targets), short, tl, reduction="none"))
    _close(torch.nn.functional.ctc_loss(t, torch.from_numpy(targets), short, tl, zero_infinity=True),
           F.ctc_loss(c, tc.from_numpy(targets), short, tl, zero_infinity=True))


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_multi_margin_loss_matches_torch(torch, p, reduction):
    x, y, w = _arr(4, 5), np.array([0, 3, 4, 1]), RNG.random(5)
    t, c = _pair(torch, x, True)
    a = torch.nn.functional.multi_margin_loss(t, torch.from_numpy(y), p, 0.7, torch.from_numpy(w),
                                              reduction=reduction)
    b = F.multi_margin_loss(c, tc.from_numpy(y), p, 0.7, tc.from_numpy(w), reduction=reduction)
    _close(a, b)
    a.sum().backward()
    b.sum().backward()
    _close(t.grad, c.grad)


def test_multilabel_margin_loss_matches_torch(torch):
    x = _arr(4, 5)
    y = np.array([[3, 0, -1, 1, 2], [1, 2, 3, -1, 0], [0, -1, 0, 0, 0], [4, 4, -1, 0, 0]])
    for red in ("mean", "none"):
        _check_fn(torch, "multilabel_margin_loss", [x, y], dict(reduction=red))
    _check_fn(torch, "multilabel_margin_loss", [x[0], y[0]])


def test_triplet_margin_with_distance_loss_matches_torch(torch):
    a, p, n = _arr(4, 6), _arr(4, 6), _arr(4, 6)
    _check_fn(torch, "triplet_margin_with_distance_loss", [a, p, n], dict(swap=True))
    ta, ca = _pair(torch, a)
    tp, cp = _pair(torch, p)
    tn, cn = _pair(torch, n)
    tm = torch.nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: 1 - torch.cosine_similarity(u, v),
                                                reduction="none")
    cm = tc.nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: 1 - F.cosine_similarity(u, v),
                                             reduction="none")
    _close(tm(ta, tp, tn), cm(ca, cp, cn))
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        tc.nn.TripletMarginWithDistanceLoss(margin=0)


def test_loss_modules_and_reprs(torch):
    for name, args in (("CTCLoss", ()), ("MultiMarginLoss", ()), ("MultiLabelMarginLoss", ()),
                       ("TripletMarginWithDistanceLoss", ()), ("NLLLoss2d", ())):
        assert repr(getattr(tc.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        tc.nn.MultiMarginLoss(p=3)


# ---- embedding_bag / bilinear / misc ----
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_matches_torch(torch, mode, padding_idx):
    w = _arr(10, 3)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9])
    off = np.array([0, 4, 4, 6])
    tw, cw = _pair(torch, w, True)
    a = torch.nn.functional.embedding_bag(torch.from_numpy(idx), tw, torch.from_numpy(off), mode=mode,
                                          padding_idx=padding_idx)
    b = F.embedding_bag(tc.from_numpy(idx), cw, tc.from_numpy(off), mode=mode, padding_idx=padding_idx)
    _close(a, b)
    g = _arr(*a.shape)
    (a * torch.from_numpy(g)).sum().backward()
    (b * tc.from_numpy(g)).sum().backward()
    _close(tw.grad, cw.grad)


def test_embedding_bag_options_and_module(torch):
    w, idx, off = _arr(10, 3), np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4, 6])
    psw = RNG.random(8)
    tw, cw = _pair(torch, w)
    _close(torch.nn.functional.embedding_bag(torch.from_numpy(idx), tw, torch.from_numpy(off), mode="sum",
                                             per_sample_weights=torch.from_numpy(psw)),
           F.embedding_bag(tc.from_numpy(idx), cw, tc.from_numpy(off), mode="sum",
                           per_sample_weights=tc.from_numpy(psw)))
    _close(torch.nn.functional.embedding_bag(torch.from_numpy(idx).reshape(2, 4), tw),
           F.embedding_bag(tc.from_numpy(idx).reshape(2, 4), cw))
    last = np.array([0, 4, 4, 6, 8])  # include_last_offset: the last offset is len(input)
    _close(torch.nn.functional.embedding_bag(torch.from_numpy(idx), tw, torch.from_numpy(last),
                                             include_last_offset=True),
           F.embedding_bag(tc.from_numpy(idx), cw, tc.from_numpy(last), include_last_offset=True))
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum'"):
        F.embedding_bag(tc.from_numpy(idx), cw, tc.from_numpy(off), mode="max",
                        per_sample_weights=tc.from_numpy(psw))
    torch.manual_seed(6)
    tc.manual_seed(6)
    a = torch.nn.EmbeddingBag(10, 3, mode="max", padding_idx=0)
    b = tc.nn.EmbeddingBag(10, 3, mode="max", padding_idx=0)
    assert repr(a) == repr(b)
    _close(a.weight, b.weight, 0)
    _close(a(torch.from_numpy(idx), torch.from_numpy(off)), b(tc.from_numpy(idx), tc.from_numpy(off)))


def test_embedding_options_match_torch(torch):
    w = _arr(8, 4)
    idx = np.array([[1, 0, 3], [7, 0, 1]])
    tw, cw = _pair(torch, w, True)
    a = torch.nn.functional.embedding(torch.from_numpy(idx), tw, padding_idx=0, max_norm=1.0)
    b = F.embedding(tc.from_numpy(idx), cw, padding_idx=0, max_norm=1.0)
    _close(a, b)
    _close(tw.detach(), cw.detach())  # the renormalised rows, in place
    a.sum().backward()
    b.sum().backward()
    _close(tw.grad, cw.grad)


def test_bilinear_module_and_functional(torch):
    torch.manual_seed(8)
    tc.manual_seed(8)
    a, b = torch.nn.Bilinear(3, 5, 2), tc.nn.Bilinear(3, 5, 2)
    assert repr(a) == repr(b)
    _close(a.weight, b.weight, 0)
    _close(a.bias, b.bias, 0)
    _check_fn(torch, "bilinear", [_arr(4, 3), _arr(4, 5), _arr(2, 3, 5), _arr(2)])
    x1, x2 = (tc.from_numpy(_arr(2, 3)).requires_grad_(), tc.from_numpy(_arr(2, 4)).requires_grad_())
    w = tc.from_numpy(_arr(2, 3, 4)).requires_grad_()
    assert gradcheck(lambda x1, x2, w: F.bilinear(x1, x2, w), (x1, x2, w))


def test_pdist_channel_shuffle_gumbel(torch):
    _check_fn(torch, "pdist", [_arr(5, 3)])
    _check_fn(torch, "pdist", [_arr(5, 3)], dict(p=1))
    _check_fn(torch, "channel_shuffle", [_arr(2, 6, 3, 2)], dict(groups=3))
    assert repr(tc.nn.ChannelShuffle(3)) == repr(torch.nn.ChannelShuffle(3))
    lg = _arr(4, 6)
    for hard in (False, True):
        torch.manual_seed(3)
        tc.manual_seed(3)
        _close(torch.nn.functional.gumbel_softmax(torch.from_numpy(lg), tau=0.5, hard=hard),
               F.gumbel_softmax(tc.from_numpy(lg), tau=0.5, hard=hard))


# ---- grid_sample / affine_grid ----
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_and_grid_sample_match_torch(torch, align_corners):
    _check_fn(torch, "affine_grid", [_arr(2, 2, 3)], dict(size=(2, 3, 5, 4), align_corners=align_corners))
    _check_fn(torch, "affine_grid", [_arr(2, 3, 4)], dict(size=(2, 1, 3, 4, 5), align_corners=align_corners))
    img, grid = _arr(2, 3, 6, 7), RNG.uniform(-1.3, 1.3, (2, 4, 5, 2))
    img3, grid3 = _arr(2, 2, 4, 5, 6), RNG.uniform(-1.3, 1.3, (2, 3, 2, 4, 3))
    for pm in ("zeros", "border", "reflection"):
        for mode in ("bilinear", "nearest", "bicubic"):
            _check_fn(torch, "grid_sample", [img, grid], dict(mode=mode, padding_mode=pm,
                                                              align_corners=align_corners),
                      grad=mode != "nearest", tol=1e-12)
        for mode in ("bilinear", "nearest"):
            _check_fn(torch, "grid_sample", [img3, grid3], dict(mode=mode, padding_mode=pm,
                                                                align_corners=align_corners),
                      grad=mode != "nearest", tol=1e-12)


def test_grid_sample_gradcheck_and_errors():
    img = tc.from_numpy(_arr(1, 2, 4, 5)).requires_grad_()
    grid = tc.from_numpy(RNG.uniform(-0.9, 0.9, (1, 3, 2, 2))).requires_grad_()
    assert gradcheck(lambda i, g: F.grid_sample(i, g, align_corners=False), (img, grid))
    with pytest.raises(ValueError, match="expected padding_mode"):
        F.grid_sample(img, grid, padding_mode="wrap")


# ---- nn.init ----
@pytest.mark.parametrize("name,shape,args", [
    ("orthogonal_", (5, 3), ()), ("orthogonal_", (3, 2, 4), (0.5,)), ("sparse_", (6, 4), (0.5,)),
    ("trunc_normal_", (50, 40), ()), ("trunc_normal_", (30, 3), (0.0, 1.0, 1.0, 3.0)),
    ("trunc_normal_", (30, 3), (0.0, 1.0, -0.2, 0.2)), ("dirac_", (4, 2, 3, 3), ()), ("dirac_", (6, 2, 3), (3,)),
    ("eye_", (3, 5), ()), ("xavier_normal_", (4, 5), ()), ("kaiming_uniform_", (4, 5, 3), ()),
])
def test_init_matches_torch_stream(torch, name, shape, args):
    torch.manual_seed(7)
    tc.manual_seed(7)
    a, b = torch.empty(shape), tc.empty(*shape)
    getattr(torch.nn.init, name)(a, *args)
    getattr(tc.nn.init, name)(b, *args)
    _close(a, b, 1e-5)
    assert torch.rand(1).item() == tc.rand(1).item()  # same draws consumed


def test_init_helpers_and_errors(torch):
    for nl, p in (("linear", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)):
        assert tc.nn.init.calculate_gain(nl, p) == torch.nn.init.calculate_gain(nl, p)
    w = tc.empty(4, 3, 2, 5)
    assert tc.nn.init._calculate_fan_in_and_fan_out(w) == torch.nn.init._calculate_fan_in_and_fan_out(
        torch.empty(4, 3, 2, 5))
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        tc.nn.init.orthogonal_(tc.empty(3))
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions"):
        tc.nn.init.dirac_(tc.empty(3, 3))
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        tc.nn.init.calculate_gain("bogus")


# ---- nn.utils ----
def _copy_state(tm, cm):
    cm.load_state_dict({k: tc.from_numpy(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})


def test_parametrizations_weight_norm(torch):
    torch.manual_seed(0)
    tc.manual_seed(0)
    a = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(4, 3))
    b = tc.nn.utils.parametrizations.weight_norm(tc.nn.Linear(4, 3))
    assert repr(a) == repr(b)
    assert sorted(a.state_dict()) == sorted(b.state_dict())
    _close(a.weight, b.weight)
    x = _arr(2, 4, dtype=np.float32)
    a(torch.from_numpy(x)).sum().backward()
    b(tc.from_numpy(x)).sum().backward()
    for i in range(2):
        _close(getattr(a.parametrizations.weight, f"original{i}").grad,
               getattr(b.parametrizations.weight, f"original{i}").grad, 1e-5)
    import copy
    import pickle
    b2 = copy.deepcopy(b)
    assert type(b2) is type(b) and b2.parametrizations.weight.original1 is not b.parametrizations.weight.original1
    _close(b2.weight, b.weight, 0)
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules"):
        pickle.dumps(b)
    torch.nn.utils.parametrize.remove_parametrizations(a, "weight")
    tc.nn.utils.parametrize.remove_parametrizations(b, "weight")
    assert type(b) is tc.nn.Linear and repr(a) == repr(b)
    _close(a.weight, b.weight, 1e-6)


def test_parametrizations_spectral_norm_and_custom(torch):
    torch.manual_seed(1)
    tc.manual_seed(1)
    a = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Conv2d(3, 4, 3))
    b = tc.nn.utils.parametrizations.spectral_norm(tc.nn.Conv2d(3, 4, 3))
    _close(a.parametrizations.weight[0]._u, b.parametrizations.weight[0]._u, 1e-5)
    _close(a.weight, b.weight, 1e-5)
    assert repr(a) == repr(b) and sorted(a.state_dict()) == sorted(b.state_dict())
    assert torch.rand(1).item() == tc.rand(1).item()

    class Symmetric(tc.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(0, 1)

    m = tc.nn.Linear(3, 3)
    tc.nn.utils.parametrize.register_parametrization(m, "weight", Symmetric())
    w = m.weight.detach().numpy()
    np.testing.assert_allclose(w, w.T)
    assert tc.nn.utils.parametrize.is_parametrized(m, "weight")
    assert tc.nn.utils.parametrize.type_before_parametrizations(m) is tc.nn.Linear
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        tc.nn.utils.parametrize.register_parametrization(m, "nope", Symmetric())
    o = tc.nn.utils.parametrizations.orthogonal(tc.nn.Linear(5, 3))
    q = o.weight.detach().numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-5)


def test_hook_based_weight_norm_and_spectral_norm(torch):
    x = np.ones((2, 5), np.float32)
    for fn in ("weight_norm", "spectral_norm"):
        torch.manual_seed(2)
        tc.manual_seed(2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            a = getattr(torch.nn.utils, fn)(torch.nn.Linear(5, 3))
            b = getattr(tc.nn.utils, fn)(tc.nn.Linear(5, 3))
        assert sorted(a.state_dict()) == sorted(b.state_dict())
        _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)), 1e-5)
        getattr(torch.nn.utils, "remove_" + fn)(a)
        getattr(tc.nn.utils, "remove_" + fn)(b)
        assert sorted(a.state_dict()) == sorted(b.state_dict())
        _close(a.weight, b.weight, 1e-5)


def test_prune_matches_torch(torch):
    import torch.nn.utils.prune as tp
    cp = tc.nn.utils.prune
    torch.manual_seed(3)
    tc.manual_seed(3)
    a, b = torch.nn.Linear(6, 5), tc.nn.Linear(6, 5)
    tp.l1_unstructured(a, "weight", 0.4)
    cp.l1_unstructured(b, "weight", 0.4)
    _close(a.weight_mask, b.weight_mask, 0)
    _close(a.weight, b.weight, 0)
    tp.random_unstructured(a, "weight", 3)
    cp.random_unstructured(b, "weight", 3)
    _close(a.weight_mask, b.weight_mask, 0)
    tp.ln_structured(a, "weight", 0.4, 2, 0)
    cp.ln_structured(b, "weight", 0.4, 2, 0)
    _close(a.weight_mask, b.weight_mask, 0)
    assert sorted(a.state_dict()) == sorted(b.state_dict()) and cp.is_pruned(b)
    tp.remove(a, "weight")
    cp.remove(b, "weight")
    _close(a.weight, b.weight, 0)
    assert sorted(a.state_dict()) == sorted(b.state_dict()) and not cp.is_pruned(b)
    a2, b2, a3, b3 = torch.nn.Linear(6, 5), tc.nn.Linear(6, 5), torch.nn.Linear(6, 5), tc.nn.Linear(6, 5)
    _copy_state(a2, b2)
    _copy_state(a3, b3)
    tp.random_structured(a2, "weight", 0.4, 1)
    cp.random_structured(b2, "weight", 0.4, 1)
    _close(a2.weight_mask, b2.weight_mask, 0)
    tp.global_unstructured([(a3, "weight"), (a2, "bias")], tp.L1Unstructured, amount=7)
    cp.global_unstructured([(b3, "weight"), (b2, "bias")], cp.L1Unstructured, amount=7)
    _close(a3.weight_mask, b3.weight_mask, 0)
    _close(a2.bias_mask, b2.bias_mask, 0)
    assert torch.rand(1).item() == tc.rand(1).item()
    with pytest.raises(ValueError, match="has to be pruned before pruning can be removed"):
        cp.remove(tc.nn.Linear(2, 2), "weight")


def test_fusion_clip_and_vector_utils(torch):
    conv, bn = torch.nn.Conv2d(3, 4, 3).eval(), torch.nn.BatchNorm2d(4).eval()
    with torch.no_grad():
        bn.running_mean.uniform_()
        bn.running_var.uniform_(0.5, 2)
    cc, cb = tc.nn.Conv2d(3, 4, 3).eval(), tc.nn.BatchNorm2d(4).eval()
    _copy_state(conv, cc)
    _copy_state(bn, cb)
    f1, f2 = torch.nn.utils.fuse_conv_bn_eval(conv, bn), tc.nn.utils.fuse_conv_bn_eval(cc, cb)
    _close(f1.weight, f2.weight, 1e-6)
    _close(f1.bias, f2.bias, 1e-6)
    x = _arr(1, 3, 5, 5, dtype=np.float32)
    _close(bn(conv(torch.from_numpy(x))), f2(tc.from_numpy(x)), 1e-5)
    lin, bn1 = torch.nn.Linear(3, 4).eval(), torch.nn.BatchNorm1d(4).eval()
    cl, cb1 = tc.nn.Linear(3, 4).eval(), tc.nn.BatchNorm1d(4).eval()
    _copy_state(lin, cl)
    _copy_state(bn1, cb1)
    _close(torch.nn.utils.fuse_linear_bn_eval(lin, bn1).weight, tc.nn.utils.fuse_linear_bn_eval(cl, cb1).weight)
    ps = [tc.from_numpy(_arr(3, 2)).requires_grad_(), tc.from_numpy(_arr(4)).requires_grad_()]
    for p in ps:
        p.grad = tc.from_numpy(_arr(*p.shape))
    tps = [torch.from_numpy(p.detach().numpy().copy()).requires_grad_() for p in ps]
    for tp_, p in zip(tps, ps):
        tp_.grad = torch.from_numpy(p.grad.numpy().copy())
    _close(torch.nn.utils.get_total_norm([p.grad for p in tps]), tc.nn.utils.get_total_norm([p.grad for p in ps]))
    total_t = torch.nn.utils.get_total_norm([p.grad for p in tps])
    total_c = tc.nn.utils.get_total_norm([p.grad for p in ps])
    torch.nn.utils.clip_grads_with_norm_(tps, 0.5, total_t)
    tc.nn.utils.clip_grads_with_norm_(ps, 0.5, total_c)
    for tp_, p in zip(tps, ps):
        _close(tp_.grad, p.grad)
    torch.manual_seed(5)
    tc.manual_seed(5)
    tc.nn.utils.skip_init(tc.nn.Linear, 3, 4)
    torch.nn.utils.skip_init(torch.nn.Linear, 3, 4)
    assert torch.rand(1).item() == tc.rand(1).item()  # no draws consumed
    m = tc.nn.Linear(3, 2)
    w = tc.zeros(2, 3)
    out = tc.nn.utils.stateless.functional_call(m, {"weight": w}, (tc.ones(1, 3),))
    _close(out, m.bias.detach().reshape(1, 2))


# ---- indexing with ranges and sequences ----
def test_indexing_with_ranges_and_tuples(torch):
    a = np.arange(12).reshape(3, 4)
    t, c = torch.from_numpy(a.copy()), tc.from_numpy(a.copy())
    y = [0, 1, 3]
    _close(t[range(3), torch.tensor(y)], c[range(3), tc.tensor(y)], 0)
    _close(t[(0, 1), ], c[(0, 1), ], 0)
    _close(t[(0, 2), (1, 3)], c[(0, 2), (1, 3)], 0)
    _close(t[:, range(0, 4, 2)], c[:, range(0, 4, 2)], 0)
    _close(t[range(1, 3)], c[range(1, 3)], 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _close(t[[(0, 1), (1, 2)]], c[[(0, 1), (1, 2)]], 0)
        _close(t[[range(2)]], c[[range(2)]], 0)
    with pytest.warns(UserWarning, match="Using a non-tuple sequence for multidimensional indexing"):
        c[[tc.tensor([0, 1]), tc.tensor([1, 2])]]
    t[range(2), (1, 2)] = -1
    c[range(2), (1, 2)] = -1
    _close(t, c, 0)
    x = tc.from_numpy(_arr(3, 4)).requires_grad_()
    x[range(3), (0, 1, 2)].sum().backward()
    tx = torch.from_numpy(x.detach().numpy().copy()).requires_grad_()
    tx[range(3), (0, 1, 2)].sum().backward()
    _close(tx.grad, x.grad, 0)
    with pytest.raises(TypeError):
        c["a"]


# ---- containers, lazy modules and the remaining nn classes ----
def test_parameter_list_and_dict(torch):
    a = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.zeros(3)])
    b = tc.nn.ParameterList([tc.nn.Parameter(tc.ones(2, 3)), tc.zeros(3)])
    assert repr(b).replace("tensorcore", "torch") == repr(a)
    assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]
    assert isinstance(b[1], tc.nn.Parameter) and len(b[0:1]) == 1
    b.append(tc.ones(1))
    assert len(b) == 3 and len(list(b.parameters())) == 3
    d1 = torch.nn.ParameterDict({"w": torch.nn.Parameter(torch.ones(2)), "b": torch.zeros(1, 2)})
    d2 = tc.nn.ParameterDict({"w": tc.nn.Parameter(tc.ones(2)), "b": tc.zeros(1, 2)})
    assert repr(d2) == repr(d1)
    assert sorted(d1.state_dict()) == sorted(d2.state_dict())
    assert "w" in d2 and list(d2.keys()) == list(d1.keys()) == ["b", "w"]
    del d2["w"]
    assert list(d2.keys()) == ["b"] and len(list(d2.parameters())) == 1


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.nn.LazyLinear(3), (2, 5)),
    (lambda m: m.nn.LazyConv2d(4, 3, padding=1), (2, 3, 5, 5)),
    (lambda m: m.nn.LazyConvTranspose1d(4, 3, 2), (2, 3, 5)),
    (lambda m: m.nn.LazyConv3d(2, 2), (1, 2, 3, 3, 3)),
    (lambda m: m.nn.LazyBatchNorm2d(), (2, 3, 4, 4)),
    (lambda m: m.nn.LazyInstanceNorm1d(), (2, 3, 5)),
])
def test_lazy_modules_match_torch(torch, make, shape):
    torch.manual_seed(0)
    tc.manual_seed(0)
    a, b = make(torch), make(tc)
    assert repr(a) == repr(b)
    x = _arr(*shape, dtype=np.float32)
    _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)), 1e-5)
    assert type(a).__name__ == type(b).__name__ and repr(a) == repr(b)
    assert sorted(a.state_dict()) == sorted(b.state_dict())
    assert torch.rand(1).item() == tc.rand(1).item()  # the deferred init drew what PyTorch drew


def test_batchnorm3d_syncbatchnorm_crossmaplrn(torch):
    x = _arr(2, 3, 2, 3, 4, dtype=np.float32)
    for name in ("BatchNorm3d", "SyncBatchNorm"):
        a, b = getattr(torch.nn, name)(3), getattr(tc.nn, name)(3)
        assert repr(a) == repr(b)
        if name == "BatchNorm3d":
            _close(a(torch.from_numpy(x)), b(tc.from_numpy(x)), 1e-5)
            _close(a.running_var, b.running_var, 1e-6)
    seq = tc.nn.SyncBatchNorm.convert_sync_batchnorm(tc.nn.Sequential(tc.nn.BatchNorm2d(3)))
    assert type(seq[0]).__name__ == "SyncBatchNorm"
    x4 = _arr(2, 7, 3, 3, dtype=np.float32)
    for size in (3, 4, 5):
        a, b = torch.nn.CrossMapLRN2d(size, 1e-2, 0.75, 2), tc.nn.CrossMapLRN2d(size, 1e-2, 0.75, 2)
        assert repr(a) == repr(b)
        _close(a(torch.from_numpy(x4)), b(tc.from_numpy(x4)), 1e-6)


def test_adaptive_log_softmax_with_loss(torch):
    torch.manual_seed(0)
    tc.manual_seed(0)
    a = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8], div_value=2.0)
    b = tc.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8], div_value=2.0)
    assert repr(a) == repr(b)
    x, y = _arr(6, 8, dtype=np.float32), np.array([0, 5, 9, 3, 8, 2])
    oa, ob = a(torch.from_numpy(x), torch.from_numpy(y)), b(tc.from_numpy(x), tc.from_numpy(y))
    _close(oa.output, ob.output, 1e-5)
    _close(oa.loss, ob.loss, 1e-5)
    oa.loss.backward()
    ob.loss.backward()
    _close(a.tail[0][0].weight.grad, b.tail[0][0].weight.grad, 1e-5)
    _close(a.head.weight.grad, b.head.weight.grad, 1e-5)
    _close(a.log_prob(torch.from_numpy(x)), b.log_prob(tc.from_numpy(x)), 1e-5)
    _close(a.predict(torch.from_numpy(x)), b.predict(tc.from_numpy(x)), 0)
    with pytest.raises(ValueError, match="cutoffs should be a sequence of unique"):
        tc.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [8, 4])


def test_linear_cross_entropy_conv_tbc_and_grad_module(torch):
    x, w, b = _arr(4, 5), _arr(3, 2, 5), _arr(3, 2)
    y = RNG.integers(0, 3, (4, 2))
    t_args = [torch.from_numpy(v) for v in (x, w, y)]
    c_args = [tc.from_numpy(v) for v in (x, w, y)]
    _close(torch.nn.functional.linear_cross_entropy(*t_args, linear_bias=torch.from_numpy(b), label_smoothing=0.1),
           F.linear_cross_entropy(*c_args, linear_bias=tc.from_numpy(b), label_smoothing=0.1))
    opts_t, opts_c = torch.nn.LinearCrossEntropyOptions(), tc.nn.LinearCrossEntropyOptions()
    assert repr(torch.nn.LinearCrossEntropyLoss(4, 3, options=opts_t)) == repr(
        tc.nn.LinearCrossEntropyLoss(4, 3, options=opts_c))
    t_in, k, bias = _arr(7, 2, 3), _arr(3, 3, 4), _arr(4)
    _close(torch.conv_tbc(torch.from_numpy(t_in), torch.from_numpy(k), torch.from_numpy(bias), 1),
           F.conv_tbc(tc.from_numpy(t_in), tc.from_numpy(k), tc.from_numpy(bias), 1))
    xi, wi, g = _arr(2, 3, 6, 5), _arr(4, 3, 3, 2), _arr(2, 4, 4, 4)
    _close(torch.nn.grad.conv2d_input((2, 3, 6, 5), torch.from_numpy(wi), torch.from_numpy(g)),
           tc.nn.grad.conv2d_input((2, 3, 6, 5), tc.from_numpy(wi), tc.from_numpy(g)))
    _close(torch.nn.grad.conv2d_weight(torch.from_numpy(xi), (4, 3, 3, 2), torch.from_numpy(g)),
           tc.nn.grad.conv2d_weight(tc.from_numpy(xi), (4, 3, 3, 2), tc.from_numpy(g)))


def test_data_parallel_and_sdpa_kernel(torch):
    m = tc.nn.Linear(2, 2)
    dp = tc.nn.DataParallel(m)
    assert repr(dp) == repr(torch.nn.DataParallel(torch.nn.Linear(2, 2)))
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]
    x = tc.ones(3, 2)
    _close(dp(x), m(x), 0)
    from tensorcore.nn.attention import SDPBackend, sdpa_kernel
    q = tc.from_numpy(_arr(1, 2, 3, 4))
    with sdpa_kernel([SDPBackend.MATH]):
        _close(F.scaled_dot_product_attention(q, q, q),
               torch.nn.functional.scaled_dot_product_attention(*(torch.from_numpy(q.numpy()),) * 3))
    with pytest.raises(AssertionError):
        with sdpa_kernel("math"):
            pass


# ---- the losses programs use most, with their options ----
def _loss_cases():
    r = np.random.default_rng(5)
    x = r.standard_normal((5, 4))
    t = r.random((5, 4))
    y = r.integers(0, 4, 5)
    y_ign = y.copy()
    y_ign[1] = -100
    w = r.random(4)
    lp = np.log(np.abs(x) / np.abs(x).sum(1, keepdims=True))
    probs = np.abs(r.standard_normal((5, 4)))
    probs /= probs.sum(1, keepdims=True)
    x4, y4 = r.standard_normal((2, 4, 3, 3)), r.integers(0, 4, (2, 3, 3))
    sign = np.sign(t - 0.5)
    cases = []
    for red in ("mean", "sum", "none"):
        cases += [
            ("cross_entropy", [x, y], dict(weight=w, reduction=red, label_smoothing=0.2), (0,)),
            ("cross_entropy", [x, y_ign], dict(weight=w, reduction=red, label_smoothing=0.1), (0,)),
            ("cross_entropy", [x, probs], dict(weight=w, reduction=red, label_smoothing=0.3), (0,)),
            ("cross_entropy", [x4, y4], dict(weight=w, reduction=red, ignore_index=1, label_smoothing=0.1), (0,)),
            ("nll_loss", [lp, y_ign], dict(weight=w, reduction=red), (0,)),
            ("binary_cross_entropy_with_logits", [x, t], dict(weight=r.random(4), pos_weight=r.random(4) * 3,
                                                              reduction=red), (0,)),
            ("kl_div", [lp, np.exp(lp[::-1].copy())], dict(reduction=red), (0,)),
            ("kl_div", [lp, lp[::-1].copy()], dict(reduction=red, log_target=True), (0, 1)),
            ("huber_loss", [x, t], dict(reduction=red, delta=0.5), (0,)),
            ("smooth_l1_loss", [x, t], dict(reduction=red, beta=0.5), (0,)),
            ("soft_margin_loss", [x, sign], dict(reduction=red), (0,)),
            ("multilabel_soft_margin_loss", [x, (t > 0.5) * 1.0], dict(weight=w, reduction=red), (0,)),
            ("poisson_nll_loss", [x, t * 3], dict(reduction=red, full=True), (0,)),
            ("gaussian_nll_loss", [x, t, t + 0.1], dict(reduction=red, full=True), (0, 2)),
            ("hinge_embedding_loss", [x, sign], dict(reduction=red, margin=0.7), (0,)),
            ("margin_ranking_loss", [x[:, 0].copy(), x[:, 1].copy(), sign[:, 0].copy()],
             dict(reduction=red, margin=0.1), (0, 1)),
            ("cosine_embedding_loss", [x, t, sign[:, 0].copy()], dict(reduction=red, margin=0.2), (0, 1)),
            ("triplet_margin_loss", [x, t, x[::-1].copy()], dict(reduction=red, swap=True, p=1.5), (0, 1, 2)),
        ]
    return cases


@pytest.mark.parametrize("name,arrays,kw,grads", _loss_cases(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_losses_with_options_match_torch(torch, name, arrays, kw, grads):
    tt = [torch.from_numpy(a.copy()) for a in arrays]
    cc = [tc.from_numpy(a.copy()) for a in arrays]
    for i in grads:
        tt[i].requires_grad_()
        cc[i].requires_grad_()
    tkw = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    ckw = {k: tc.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    a = getattr(torch.nn.functional, name)(*tt, **tkw)
    b = getattr(F, name)(*cc, **ckw)
    _close(a, b, 1e-10)
    g = RNG.standard_normal(tuple(a.shape))
    (a * torch.from_numpy(g)).sum().backward()
    (b * tc.from_numpy(g)).sum().backward()
    for i in grads:
        _close(tt[i].grad, cc[i].grad, 1e-10)


def test_lazy_module_loads_a_checkpoint_before_its_first_forward(torch):
    src = tc.nn.Linear(5, 3)
    m = tc.nn.LazyLinear(3)
    m.load_state_dict(src.state_dict())
    x = tc.ones(2, 5)
    _close(m(x), src(x), 0)
    t = torch.nn.LazyLinear(3)
    t.load_state_dict(torch.nn.Linear(5, 3).state_dict())
    t(torch.ones(2, 5))
    assert repr(m) == repr(t)
