"""The vision stack and nn.utils run side by side with PyTorch: convolutions,
pooling, padding, normalization layers, pruning, parametrizations and
functional_call. Each case is one call under both libraries: both raise the
same exception type (and, where the message is PyTorch's, the same message),
or both return the same values, gradients and state_dict keys. Every case
differed before its fix (probe23)."""
import builtins
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")
pytest.importorskip("torch.nn.utils.prune")  # PyTorch does not import it with torch.nn.utils


def _builtin_base(e):
    """An exception by the builtin class it derives from (torch's own classes are RuntimeErrors)."""
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(e).__name__


def _neutral(r):
    if isinstance(r, (tc.Tensor, torch.Tensor)):
        r = r.detach()
        values = r.double().numpy() if r.dtype.is_floating_point else r.numpy()
        return ("tensor", str(r.dtype).split(".")[-1], tuple(r.shape), np.round(values, 9).tolist())
    if isinstance(r, (list, tuple)):
        return [_neutral(x) for x in r]
    if isinstance(r, dict):
        return {k: _neutral(v) for k, v in r.items()}
    if isinstance(r, (tc.Size, torch.Size)):
        return tuple(r)
    return r


def outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "returns", _neutral(f(m))
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raises", _builtin_base(e), str(e).split("\n")[0]


def assert_same(f, message=True):
    want, got = outcome(f, torch), outcome(f, tc)
    if not message and want[0] == "raises":
        want, got = want[:2], got[:2]
    assert got == want


def values(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def built(m, ctor):
    """ctor(m) with PyTorch's initial weights (seeded), copied through numpy."""
    torch.manual_seed(0)
    reference = ctor(torch)
    if m is torch:
        return reference
    module = ctor(tc)
    module.load_state_dict({k: tc.tensor(v.detach().numpy().copy()) for k, v in reference.state_dict().items()})
    return module


# ---- convolutions ----
@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_transposed_convolution_refuses_padding_strings_as_type_error(nd, padding):
    def functional(m):
        fn = getattr(m.nn.functional, f"conv_transpose{nd}d")
        return fn(m.ones(2, 4, *(5,) * nd), m.ones(4, 3, *(3,) * nd), padding=padding)

    def module(m):
        return getattr(m.nn, f"ConvTranspose{nd}d")(4, 6, 3, padding=padding)(m.ones(2, 4, *(5,) * nd))
    assert_same(functional)
    assert_same(module)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_transposed_convolution_groups_must_divide_in_channels(nd):
    def f(m):
        fn = getattr(m.nn.functional, f"conv_transpose{nd}d")
        return fn(m.ones(2, 4, *(5,) * nd), m.ones(4, 3, *(3,) * nd), groups=3)
    assert_same(f)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("arg", ["stride", "dilation"])
@pytest.mark.parametrize("amount", [0, -1])
def test_convolution_refuses_non_positive_stride_and_dilation(nd, arg, amount):
    assert_same(lambda m: getattr(m.nn, f"Conv{nd}d")(3, 4, 3, **{arg: amount})(m.ones(2, 3, *(5,) * nd)))
    assert_same(lambda m: getattr(m.nn.functional, f"conv{nd}d")(m.ones(2, 3, *(5,) * nd), m.ones(4, 3, *(3,) * nd),
                                                                 **{arg: amount}))


def test_conv3d_refuses_a_mis_sized_bias():
    assert_same(lambda m: m.nn.functional.conv3d(m.ones(2, 4, 6, 6, 6), m.ones(6, 4, 3, 3, 3), m.ones(5)))


# ---- pooling ----
@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("samples_shape", [(1, 1, None), (2, 1, None), (2, 3, None), (3, 3, None), (2, 3, 4), (2, 3)])
@pytest.mark.parametrize("batched", [True, False])
def test_fractional_max_pool_checks_random_samples(nd, samples_shape, batched):
    shape = tuple(nd if s is None else s for s in samples_shape)
    input_shape = ((2, 3) if batched else (3,)) + (9,) * nd
    for dtype in ("float32", "float64"):
        def f(m):
            samples = m.tensor(np.abs(values(*shape)) / 4, dtype=getattr(m, dtype))
            fn = getattr(m.nn.functional, f"fractional_max_pool{nd}d")
            return fn(m.tensor(values(*input_shape), dtype=m.float32), 2, output_size=4, _random_samples=samples,
                      return_indices=True)
        assert_same(f)


@pytest.mark.parametrize("output_size", [(8, 8, 8), (7, 8, 7), (7, 7, 8), (7, 7, 7), (4, 9), (9, 4), (8, 8)])
def test_fractional_max_pool_size_limits(output_size):
    nd = len(output_size)
    samples = values(1, 1, nd, seed=3) ** 2 / 10

    def f(m):
        fn = getattr(m.nn.functional, f"fractional_max_pool{nd}d")
        x = m.tensor(values(1, 1, *(9,) * nd), requires_grad=True)
        y = fn(x, 2, output_size=output_size, _random_samples=m.tensor(samples))
        y.sum().backward()
        return y, x.grad
    assert_same(f)


@pytest.mark.parametrize("shape", [(7,), (2, 7), ()])
def test_avg_pool2d_of_too_few_dims_is_an_index_error(shape):
    assert_same(lambda m: m.nn.functional.avg_pool2d(m.ones(*shape), 2))
    assert_same(lambda m: m.nn.AvgPool2d(2)(m.ones(*shape)))


# ---- padding ----
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape", [(1, 0, 3), (0, 2, 3), (1, 2, 0), (0, 3), (1, 0, 3, 3), (1, 3, 0, 3), (0, 3, 3),
                                   (0, 1, 3, 3, 3), (1, 1, 3, 0, 3)])
def test_pad_of_an_empty_non_batch_dim(mode, shape):
    pads = (1, 1) * builtins.min(len(shape) - 1, 3 if len(shape) == 5 else 2 if len(shape) == 4 else 1)
    assert_same(lambda m: m.nn.functional.pad(m.ones(*shape), pads, mode=mode))


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("rank_offset", [-1, 3])
def test_circular_pad_module_checks_rank_with_value_error(nd, rank_offset):
    assert_same(lambda m: getattr(m.nn, f"CircularPad{nd}d")(1)(m.ones(*(3,) * (nd + rank_offset))))


# ---- CrossMapLRN2d ----
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("channels", [1, 3, 6])
def test_cross_map_lrn2d_gradient_is_pytorchs_legacy_backward(size, channels):
    def f(m):
        x = m.tensor(values(2, channels, 3, 4), requires_grad=True)
        y = m.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.8, k=1.5)(x)
        (y * m.tensor(values(2, channels, 3, 4, seed=7))).sum().backward()
        return y, x.grad, type(y.grad_fn).__name__
    assert_same(f)


# ---- pruning ----
def test_prune_remove_leaves_earlier_state_dict_tensors_unpruned():
    def f(m):
        conv = built(m, lambda L: L.nn.Conv2d(3, 4, 3).double())
        L_prune = m.nn.utils.prune
        L_prune.l1_unstructured(conv, "weight", amount=0.3)
        before = dict(conv.state_dict())
        L_prune.remove(conv, "weight")
        return before, dict(conv.state_dict()), len(conv._forward_pre_hooks)
    assert_same(f)


# ---- functional_call and tied weights ----
def _tied(m):
    class Tied(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = m.nn.Linear(3, 3, bias=False).double()
            self.b = m.nn.Linear(3, 3, bias=False).double()
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))
    module = Tied()
    with m.no_grad():
        module.a.weight.copy_(m.tensor(values(3, 3, seed=4)))
    return module


@pytest.mark.parametrize("tie_weights", [True, False])
@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("given", ["a", "b", "ab_same", "ab_different"])
def test_functional_call_ties_weights(tie_weights, strict, given):
    def f(m):
        module = _tied(m)
        w = m.tensor(values(3, 3, seed=3), requires_grad=True)
        other = m.tensor(values(3, 3, seed=5))
        replacements = {"a": {"a.weight": w}, "b": {"b.weight": w}, "ab_same": {"a.weight": w, "b.weight": w},
                        "ab_different": {"a.weight": w, "b.weight": other}}[given]
        y = m.func.functional_call(module, replacements, (m.tensor(values(2, 3)),), tie_weights=tie_weights,
                                   strict=strict)
        y.sum().backward()
        return y, w.grad, module.a.weight.grad
    assert_same(f)


# ---- parametrizations ----
def test_weight_norm_parametrization_loads_an_old_weight_g_weight_v_checkpoint():
    torch.manual_seed(0)
    old = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2).double())
    checkpoint = {k: v.detach().numpy().copy() for k, v in old.state_dict().items()}

    def f(m):
        module = m.nn.utils.parametrizations.weight_norm(m.nn.Linear(3, 2).double())
        module.load_state_dict({k: m.tensor(v) for k, v in checkpoint.items()})
        return list(module.state_dict()), module.weight
    assert_same(f)


def test_private_load_state_dict_pre_hook_is_called_without_the_module():
    def f(m):
        seen = []
        module = m.nn.Linear(2, 2)
        module._register_load_state_dict_pre_hook(lambda state_dict, prefix, *rest: seen.append(sorted(state_dict)))
        module._register_load_state_dict_pre_hook(lambda mod, state_dict, *rest: seen.append(type(mod).__name__),
                                                  with_module=True)
        module.load_state_dict(m.nn.Linear(2, 2).state_dict())
        return seen
    assert_same(f)


@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_parametrization_values_gradients_and_state_dict(orthogonal_map, shape, use_trivialization):
    def f(m):
        module = built(m, lambda L: L.nn.Linear(shape[1], shape[0]).double())
        m.manual_seed(1)
        m.nn.utils.parametrizations.orthogonal(module, orthogonal_map=orthogonal_map,
                                               use_trivialization=use_trivialization)
        result = [dict(module.state_dict()), module.weight]
        optimizer = m.optim.SGD(module.parameters(), lr=0.1)
        for step in range(3):
            optimizer.zero_grad()
            y = module(m.tensor(values(4, shape[1], seed=step)))
            y.pow(3).sum().backward()
            optimizer.step()
            result += [y, module.parametrizations.weight.original.grad]
        m.manual_seed(2)
        module.weight = m.tensor(values(*shape, seed=5))  # right_inverse
        return result + [module.weight, dict(module.state_dict())]
    want, got = outcome(f, torch), outcome(f, tc)
    if want[0] == "raises":
        assert got[:2] == want[:2]
        return
    assert got[0] == "returns"
    _assert_close(got[1], want[1])


def _assert_close(got, want):
    if isinstance(want, tuple) and want and want[0] == "tensor":
        assert got[:3] == want[:3]
        np.testing.assert_allclose(np.array(got[3]), np.array(want[3]), rtol=1e-6, atol=1e-8)
    elif isinstance(want, dict):
        assert list(got) == list(want)
        for k in want:
            _assert_close(got[k], want[k])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _assert_close(g, w)
    else:
        assert got == want


# ---- grad_fn names of the composed vision ops (printed in a tensor's repr) ----
_NAMED_OPS = {
    "max_pool3d": "F.max_pool3d(x.unsqueeze(0), 2)", "max_pool3d_unbatched": "F.max_pool3d(x, 2)",
    "max_pool3d_indices": "F.max_pool3d(x, 2, return_indices=True)[0]",
    "avg_pool3d": "F.avg_pool3d(x.unsqueeze(0), 2)", "avg_pool3d_unbatched": "F.avg_pool3d(x, 2)",
    "adaptive_avg_pool3d": "F.adaptive_avg_pool3d(x.unsqueeze(0), 3)",
    "adaptive_max_pool2d": "F.adaptive_max_pool2d(x, 3)", "adaptive_max_pool2d_unbatched": "F.adaptive_max_pool2d(x[0], 4)",
    "adaptive_max_pool3d": "F.adaptive_max_pool3d(x.unsqueeze(0), 3)",
    "fractional_max_pool2d": "F.fractional_max_pool2d(x, 2, output_size=3)",
    "max_unpool1d": "F.max_unpool1d(*F.max_pool1d(x[0], 2, return_indices=True), 2)",
    "max_unpool2d": "F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2)",
    "max_unpool3d": "F.max_unpool3d(*F.max_pool3d(x.unsqueeze(0), 2, return_indices=True), 2)",
    "bilinear_antialias": "F.interpolate(x, scale_factor=0.5, mode='bilinear', antialias=True)",
    "bicubic_antialias": "F.interpolate(x, scale_factor=0.5, mode='bicubic', antialias=True)",
    "grid_sample": "F.grid_sample(x, m.zeros(2, 3, 3, 2, dtype=m.float64), align_corners=False)",
    "grid_sample3d": "F.grid_sample(x.unsqueeze(0), m.zeros(1, 3, 3, 3, 3, dtype=m.float64), align_corners=False)",
    "affine_grid": "F.affine_grid(x[:1, 0, :2, :3], [1, 1, 4, 4], align_corners=False)",
    "channel_shuffle": "F.channel_shuffle(x, 2)", "unfold": "F.unfold(x, 2)", "unfold_unbatched": "F.unfold(x[0], 2)",
    "fold": "F.fold(x.reshape(2, 4, 36)[:, :, :25], (6, 6), 2)",
}


@pytest.mark.parametrize("name", list(_NAMED_OPS))
def test_grad_fn_names_of_vision_ops(name):
    def f(m):
        x = m.tensor(values(2, 4, 6, 6), requires_grad=True)
        y = eval(_NAMED_OPS[name], {"m": m, "F": m.nn.functional, "x": x})
        y.sum().backward()
        return type(y.grad_fn).__name__, y, x.grad
    assert_same(f)


# ---- uint8 resampling (Note [uint8 resampling in fixed point]) ----
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("in_size", [(17, 23), (8, 8), (5, 31)])
@pytest.mark.parametrize("out_size", [(9, 11), (34, 40), (17, 30), (5, 5), (3, 70)])  # (1, 1): PyTorch asserts
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode,antialias", [("bilinear", False), ("bilinear", True), ("bicubic", True)])
def test_uint8_interpolate_matches_pytorchs_fixed_point(channels, in_size, out_size, align_corners, mode, antialias):
    image = np.random.default_rng(0).integers(0, 256, (2, channels) + in_size).astype(np.uint8)
    assert_same(lambda m: m.nn.functional.interpolate(m.tensor(image), size=out_size, mode=mode,
                                                      align_corners=align_corners, antialias=antialias))


@pytest.mark.parametrize("scale_factor", [0.5, 2, 1.7, 0.3, (0.5, 2.5), 1.0])
@pytest.mark.parametrize("recompute_scale_factor", [None, True])
@pytest.mark.parametrize("antialias", [False, True])
def test_uint8_bilinear_with_scale_factor(scale_factor, recompute_scale_factor, antialias):
    image = np.random.default_rng(1).integers(0, 256, (1, 3, 13, 19)).astype(np.uint8)
    assert_same(lambda m: m.nn.functional.interpolate(m.tensor(image), scale_factor=scale_factor, mode="bilinear",
                                                      recompute_scale_factor=recompute_scale_factor,
                                                      antialias=antialias))


def test_uint8_bilinear_upsample_module_and_non_contiguous_input():
    image = np.random.default_rng(2).integers(0, 256, (1, 3, 6, 5)).astype(np.uint8)
    assert_same(lambda m: m.nn.Upsample(scale_factor=2, mode="bilinear")(m.tensor(image)))
    assert_same(lambda m: m.nn.functional.interpolate(m.tensor(image).transpose(2, 3), size=(7, 9), mode="bilinear",
                                                      antialias=True))


# ---- argument types (Note [Int arguments are never truncated]) and remaining argument checks ----
_X = "m.ones(1, 3, 6, 6)"
_MALFORMED_CALLS = [
    "F.conv2d(X, m.ones(4, 3, 3, 3), stride='a')", "F.conv2d(X, m.ones(4, 3, 3, 3), stride=1.5)",
    "F.conv2d(X, m.ones(4, 3, 3, 3), padding=1.5)", "F.conv2d(X, m.ones(4, 3, 3, 3), groups=1.5)",
    "F.conv2d(X, m.ones(4, 3, 3, 3), None, (1, 1.0))", "F.conv2d(X, [1.])", "F.conv2d([1.], m.ones(4, 3, 3, 3))",
    "F.conv1d(X[0], m.ones(4, 3, 3), stride=1.0)", "F.conv3d(X.unsqueeze(0), m.ones(4, 3, 1, 3, 3), stride=1.0)",
    "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), stride=1.0)", "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), groups=1.0)",
    "F.conv_transpose3d(X.unsqueeze(0), m.ones(3, 4, 3, 3, 3), output_padding=0.0)",
    "F.max_pool2d(X, 2.5)", "F.max_pool2d(X, 'a')", "F.max_pool2d(X, True)", "F.max_pool2d(X, 2, 1.0)",
    "F.max_pool2d(X, 2, dilation=1.0)", "F.max_pool1d(X[0], 2.0)", "F.max_pool3d(X.unsqueeze(0), 2.0)",
    "F.avg_pool2d(X, 2.5)", "F.avg_pool2d(X, 2, padding=0.0)", "F.avg_pool2d(X, 2, divisor_override=1.5)",
    "F.avg_pool2d(X, 2, divisor_override=True)", "F.avg_pool1d(X[0], 2.0)", "F.avg_pool3d(X.unsqueeze(0), 2.0)",
    "F.unfold(X, 2.5)", "F.unfold(X, 2, 1.0)", "F.fold(m.ones(1, 12, 4), (3, 3), 2.5)",
    "F.fold(m.ones(1, 12, 4), (3, 3), 2, 1.0)", "F.max_unpool2d(X, m.zeros(1, 3, 6, 6, dtype=m.long), 2.5)",
    "F.pad(X, (1, 1), mode=None)", "F.pad(X, (1, 1), mode=3)",
    "F.interpolate(X, scale_factor='a')", "F.interpolate(X, scale_factor=('a', 2))",
    "F.batch_norm(X, m.zeros(3), m.ones(3), momentum='a')", "F.batch_norm(X, m.zeros(3), m.ones(3), momentum=None)",
    "F.batch_norm(X, None, None, training=True, momentum=None)", "F.batch_norm(X, m.zeros(3), m.ones(3), eps='a')",
    "F.batch_norm(X, m.zeros(3), m.ones(3), momentum=True)", "F.batch_norm(X, m.zeros(3), m.ones(3), momentum=1)",
    "F.group_norm(X, 1, eps='a')", "F.layer_norm(X, (6,), eps='a')", "F.layer_norm(X, (6,), eps=None)",
    "F.instance_norm(X, m.zeros(3), None)", "F.instance_norm(X, None, m.ones(3))", "F.instance_norm(X, momentum='a')",
    "F.instance_norm(X, eps='a')",
    "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), output_padding=-1)", "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), padding=-1)",
    "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), padding=-1, output_padding=-1)",
    "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), stride=0, padding=-1)", "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), stride=-1)",
    "F.conv_transpose2d(X, m.ones(3, 4, 3, 3), dilation=-1)", "F.conv_transpose1d(X[0], m.ones(3, 4, 3), padding=-1)",
    "F.conv_transpose1d(X[0], m.ones(3, 4, 3), stride=0)",
    "F.conv_transpose3d(X.unsqueeze(0), m.ones(3, 4, 3, 3, 3), padding=-1)",
    "F.conv_transpose3d(X.unsqueeze(0), m.ones(3, 4, 3, 3, 3), output_padding=-1)",
    "F.conv2d(X, m.ones(4, 3, 3, 3), stride=np.int64(1))", "F.max_pool2d(X, np.int64(2))", "F.max_pool2d(X, m.tensor(2))",
]


@pytest.mark.parametrize("call", _MALFORMED_CALLS)
def test_malformed_vision_calls(call):
    assert_same(lambda m: eval(call.replace("X", _X), {"m": m, "F": m.nn.functional, "np": np}), message=False)


@pytest.mark.parametrize("ctor", [
    "m.nn.ConvTranspose2d(3, 4, 3, padding='same')", "m.nn.Conv2d(3, 4, 3, dilation=(1,))", "m.nn.Conv2d(3, 4, 3, padding=(0,))",
    "m.nn.ConvTranspose1d(3, 4, 3, dilation=(1,), output_padding=(0,))", "m.nn.Conv2d(3, 4, 3, padding='same')",
    "m.nn.ReflectionPad2d((1, 2, 3))", "m.nn.ReplicationPad1d([1, 2])", "m.nn.CircularPad2d((1, 2, 3, 4, 5))"])
def test_module_reprs_keep_pytorchs_argument_forms(ctor):
    assert_same(lambda m: repr(eval(ctor, {"m": m})))


def test_reflection_pad_with_a_wrong_length_fails_at_forward():
    assert_same(lambda m: m.nn.ReflectionPad2d((1, 2, 3))(m.ones(1, 3, 3)), message=False)


# ---- complex convolutions (Note [Complex convolution]) ----
def _complex_values(*shape, seed=0):
    return values(*shape, seed=seed) + 1j * values(*shape, seed=seed + 100)


@pytest.mark.parametrize("fn,input_shape,weight_shape,bias_size,kwargs", [
    ("conv1d", (2, 4, 7), (6, 2, 3), 6, {"groups": 2, "padding": 1}),
    ("conv2d", (2, 4, 7, 6), (6, 4, 3, 3), 6, {"stride": 2}),
    ("conv2d", (4, 7, 6), (6, 4, 3, 3), 6, {"padding": "same"}),
    ("conv3d", (2, 4, 5, 4, 6), (6, 4, 3, 2, 3), 6, {}),
    ("conv_transpose1d", (2, 4, 5), (4, 3, 3), 3, {}),
    ("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 3), 3, {"stride": 2}),
    ("conv_transpose3d", (2, 4, 3, 4, 3), (4, 3, 2, 2, 2), 3, {}),
])
@pytest.mark.parametrize("with_bias", [False, True])
def test_complex_convolution_values_gradients_and_node(fn, input_shape, weight_shape, bias_size, kwargs, with_bias):
    def f(m):
        x = m.tensor(_complex_values(*input_shape), requires_grad=True)
        w = m.tensor(_complex_values(*weight_shape, seed=1), requires_grad=True)
        b = m.tensor(_complex_values(bias_size, seed=2), requires_grad=True) if with_bias else None
        y = getattr(m.nn.functional, fn)(x, w, b, **kwargs)
        (y.abs() ** 2).sum().backward()
        return [y, x.grad, w.grad, type(y.grad_fn).__name__] + ([b.grad] if with_bias else [])
    want, got = outcome(f, torch), outcome(f, tc)
    assert got[0] == want[0] == "returns"
    _assert_close(got[1], want[1])


def test_complex_conv_module_and_mixed_dtypes():
    x = _complex_values(2, 3, 5, 5).astype(np.complex64)
    want, got = (outcome(lambda m: built(m, lambda L: L.nn.Conv2d(3, 4, 3, dtype=L.cfloat))(m.tensor(x)), lib)
                 for lib in (torch, tc))
    assert got[0] == want[0] == "returns"
    np.testing.assert_allclose(np.array(got[1][3]), np.array(want[1][3]), rtol=1e-4, atol=1e-5)
    assert_same(lambda m: m.nn.functional.conv2d(m.tensor(_complex_values(1, 3, 5, 5)), m.ones(4, 3, 3, 3,
                                                                                           dtype=m.float64)),
                message=False)


# ---- found by a random fuzz of pooling/convolution parameters ----
@pytest.mark.parametrize("call", [
    "F.avg_pool3d(m.ones(1, 1, 4, 1, 8), (2, 2, 3), padding=(0, 1, 0))",
    "F.avg_pool3d(m.ones(2, 1, 2, 5, 5), (4, 4, 1), (2, 2, 3), (2, 1, 0), ceil_mode=True)",
    "F.lp_pool3d(m.ones(2, 1, 8, 5, 1), 2, (3, 1, 2), ceil_mode=True)",
    "F.avg_pool2d(m.ones(1, 1, 1, 8), (2, 3), padding=(1, 0))", "F.avg_pool1d(m.ones(1, 1, 1), 2, padding=1)",
    "F.lp_pool1d(m.ones(1, 1, 4), 2, (2,))", "F.lp_pool1d(m.ones(1, 1, 4), 2, [2])", "F.lp_pool1d(m.ones(1, 1, 4), 2, 2)",
    "F.lp_pool2d(m.ones(1, 1, 4, 4), 2, [2, 2])"])
def test_pooling_size_rules(call):
    assert_same(lambda m: eval(call, {"m": m, "F": m.nn.functional}))
