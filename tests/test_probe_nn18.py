"""torch.nn.functional and nn layers probed side by side with PyTorch (probe18):
grid_sample, unfold/fold, embedding_bag, ... Each case ran differently under
tensorcore before its fix: another exception type, a crash on an empty batch,
a different value or a missing gradient. Every case runs under both libraries
and compares the exception type, or the values (and the inputs' gradients)."""
import builtins
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _builtin_base(e):
    """An exception by the builtin class it derives from (torch's own classes are RuntimeErrors)."""
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(e).__name__


def _neutral(r):
    if isinstance(r, (tc.Tensor, torch.Tensor)):
        r = r.detach()
        dtype = str(r.dtype).split(".")[-1]
        values = r.double() if r.is_floating_point() else r
        return "tensor", dtype, tuple(r.shape), np.array(values.tolist())
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_neutral(x) for x in r]
    if isinstance(r, (tc.Size, torch.Size)):
        return tuple(r)
    if isinstance(r, (tc.dtype, torch.dtype)):
        return str(r).split(".")[-1]
    return r


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.allclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True))
    return a == b


def outcome(src, m, env):
    """Runs `src` with m = the library; `leaf(array)` makes a float64 input that
    requires grad. Returns the value, then each leaf's gradient after
    backward of a fixed weighted sum of the (first) result."""
    leaves = []

    def leaf(a, dtype="float64"):
        t = m.tensor(np.asarray(a), dtype=getattr(m, dtype), requires_grad=True)
        leaves.append(t)
        return t

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = eval(src, {"m": m, "F": m.nn.functional, "np": np, "leaf": leaf, **env})
            grads = None
            first = r[0] if isinstance(r, (tuple, list)) else r
            if leaves and isinstance(first, (tc.Tensor, torch.Tensor)) and first.requires_grad:
                w = m.tensor(np.cos(np.arange(first.numel())).reshape(tuple(first.shape)), dtype=first.dtype)
                (first * w).sum().backward()
                grads = [None if t.grad is None else _neutral(t.grad) for t in leaves]
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raises", _builtin_base(e)
    return "returns", _neutral(r), grads


_rng = np.random.default_rng(18)
ENV = {
    "X4": _rng.standard_normal((2, 3, 5, 7)),
    "G4": _rng.uniform(-1.2, 1.2, (2, 4, 6, 2)),
    "G5": _rng.uniform(-1.2, 1.2, (1, 2, 3, 4, 3)),
    "X5": _rng.standard_normal((1, 2, 3, 4, 5)),
    "GNAN": np.where(_rng.random((2, 4, 6, 2)) > 0.5, np.nan, _rng.uniform(-1.3, 1.3, (2, 4, 6, 2))),
    "W": _rng.standard_normal((10, 4)),
    "IDX": np.array([1, 2, 4, 5, 4, 3, 2, 9]),
    "OFF": np.array([0, 2, 2, 5]),
}


def run(src):
    want, got = outcome(src, torch, ENV), outcome(src, tc, ENV)
    assert got[0] == want[0], (got, want)
    if want[0] == "raises":
        assert got[1] == want[1]
    else:
        assert _same(got[1], want[1]), (got[1], want[1])
        assert _same(got[2], want[2]), ("gradients", got[2], want[2])


def cases(*sources):
    return pytest.mark.parametrize("src", sources, ids=sources)


# ---- grid_sample ----
@cases("F.grid_sample(leaf(X4), leaf(G4), mode='nearest', align_corners=False)",
       "F.grid_sample(leaf(X5), leaf(G5), mode='nearest', padding_mode='border', align_corners=True)",
       "F.grid_sample(leaf(X4), leaf(G4), mode='nearest', padding_mode='reflection', align_corners=False)")
def test_grid_sample_nearest_gives_the_grid_a_zero_gradient(src):
    run(src)


@cases("F.grid_sample(m.tensor(X4), m.tensor(GNAN), padding_mode='border', align_corners=False)",
       "F.grid_sample(m.tensor(X4), m.tensor(GNAN), padding_mode='reflection', align_corners=True)",
       "F.grid_sample(m.tensor(X4), m.tensor(GNAN), padding_mode='reflection', mode='nearest', align_corners=False)",
       "F.grid_sample(m.tensor(X4), m.tensor(GNAN), padding_mode='zeros', align_corners=False)")
def test_grid_sample_nan_coordinates_read_pixel_zero_when_clipped(src):
    run(src)


@cases("F.grid_sample(leaf(np.zeros((0, 3, 5, 7))), leaf(np.zeros((0, 4, 6, 2))), align_corners=False)",
       "F.grid_sample(m.zeros(2, 0, 5, 7), m.zeros(2, 4, 6, 2), align_corners=False)",
       "F.grid_sample(leaf(X4), leaf(np.zeros((2, 0, 6, 2))), align_corners=False)")
def test_grid_sample_empty(src):
    run(src)


# ---- unfold / fold (im2col / col2im) ----
@cases("F.unfold(m.ones(2, 3, 6, 7), 0)", "F.unfold(m.ones(2, 3, 6, 7), 2, padding=-1)",
       "F.unfold(m.ones(2, 3, 6, 7), 2, stride=0)", "F.unfold(m.ones(2, 3, 6, 7), 2, padding=-1, stride=0, dilation=0)",
       "F.unfold(m.ones(2, 3, 6, 7), (2, 3, 4))", "F.unfold(m.ones(2, 3, 6, 7), 2, padding=(1,))",
       "F.unfold(m.ones(2, 3, 6, 7, dtype=m.int64), 2)", "F.unfold(m.ones(2, 3, 4, 4, dtype=m.int64), 9)",
       "F.unfold(m.ones(2, 3, 6, 7, dtype=m.bool), 2)", "F.unfold(m.ones(2, 0, 4, 4), 2)",
       "F.unfold(m.ones(2, 3, 0, 4), 2)", "F.unfold(leaf(np.ones((0, 3, 4, 4))), 2, padding=1)",
       "F.fold(m.ones(2, 12, 12), (4, 5), 2, padding=-1, stride=0, dilation=0)",
       "F.fold(m.ones(2, 12, 12), (4, 5), 2, padding=-1, dilation=0)", "F.fold(m.ones(2, 12, 12), (4, 5, 6), 2)",
       "F.fold(m.ones(2, 3, 6, 7), (4, 5), 2)", "F.fold(m.ones(7), (4, 5), 2)",
       "F.fold(m.ones(2, 12, 12, dtype=m.int64), (4, 5), 2)", "F.fold(m.ones(2, 12, 13, dtype=m.int64), (4, 5), 2)",
       "F.fold(m.ones(2, 12, 12, dtype=m.bool), (4, 5), 2)", "F.fold(leaf(np.ones((2, 12, 6))), (5, 6), 2, stride=2, padding=1)")
def test_unfold_fold_arguments(src):
    run(src)


# ---- embedding_bag: Note [embedding_bag check order] ----
@cases("F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), per_sample_weights=m.ones(3))",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), mode='max', per_sample_weights=m.ones(8))",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), mode='max', scale_grad_by_freq=True)",
       "F.embedding_bag(m.tensor(IDX).float(), m.tensor(W), m.tensor(OFF))",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF).float())",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), padding_idx=10)",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), padding_idx=-11)",
       "F.embedding_bag(m.tensor(IDX), leaf(W), m.tensor(OFF), padding_idx=-1, mode='sum')",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF).int(), mode='max')",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W), m.tensor(OFF), mode='foo')",
       "F.embedding_bag(m.tensor(IDX), m.tensor(W[0]), m.tensor(OFF), mode='foo')")
def test_embedding_bag_checks(src):
    run(src)


def test_embedding_bag_decreasing_offsets_raise_a_runtime_error():
    # PyTorch does not check (its kernel reads out of bounds); tensorcore says what is wrong.
    with pytest.raises(RuntimeError, match="non-decreasing"):
        tc.nn.functional.embedding_bag(tc.tensor(ENV["IDX"]), tc.tensor(ENV["W"]), tc.tensor([0, 3, 2]))


# ---- pooling ----
ENV.update({
    "P1": _rng.standard_normal((2, 3, 11)), "P2": _rng.standard_normal((2, 3, 9, 10)),
    "P3": _rng.standard_normal((1, 2, 7, 8, 9)),
    "XI": np.array([[[[[-7, 3, 5, 2], [1, -1, 0, 4]], [[9, 9, 9, 8], [8, 8, 8, 8]]]]]),
})
ENV.update({f"N{k}": np.where(ENV[f"P{k}"] > 1, np.nan, ENV[f"P{k}"]) for k in (1, 2, 3)})


@cases("F.max_pool3d(leaf(N3), 2, return_indices=True)", "F.max_pool3d(leaf(N3), 3, 2, 1, ceil_mode=True, return_indices=True)",
       "F.adaptive_max_pool1d(leaf(N1), 3, return_indices=True)", "F.adaptive_max_pool2d(leaf(N2), 3, return_indices=True)",
       "F.adaptive_max_pool2d(leaf(N2), (None, 4), return_indices=True)",
       "F.adaptive_max_pool3d(leaf(N3), (3, 2, 4), return_indices=True)",
       "F.fractional_max_pool2d(leaf(N2), 2, output_size=3, _random_samples=m.full((2, 3, 2), 0.3, dtype=m.float64), "
       "return_indices=True)")
def test_max_pools_send_a_nan_window_to_its_last_nan(src):
    # Note [Max pooling picks the last NaN]: indices and gradient both
    run(src)


@cases("F.max_pool3d(m.zeros(0, 3, 4, 4, 4), 2)", "F.avg_pool3d(leaf(np.zeros((0, 3, 4, 4, 4))), 2)",
       "F.adaptive_max_pool1d(m.zeros(0, 3, 4), 2)", "F.adaptive_max_pool2d(leaf(np.zeros((0, 3, 4, 4))), 2)",
       "F.adaptive_max_pool3d(m.zeros(0, 3, 4, 4, 4), 2)", "F.adaptive_avg_pool3d(m.zeros(0, 3, 4, 4, 4), 2)",
       "F.max_pool3d(m.zeros(2, 0, 4, 4, 4), 2)", "F.avg_pool3d(m.zeros(2, 0, 4, 4, 4), 2)",
       "F.max_pool2d(m.zeros(2, 0, 4, 4), 2)", "F.max_pool2d(m.zeros(0, 4, 4), 2)", "F.avg_pool2d(m.zeros(2, 0, 4, 4), 2)",
       "F.avg_pool1d(m.zeros(2, 0, 4), 2)", "F.max_pool1d(m.zeros(2, 0, 4), 2)", "F.max_pool1d(m.zeros(3, 0), 2)",
       "F.max_pool1d(m.zeros(2, 0, 4), 2, return_indices=True)",
       "F.adaptive_avg_pool2d(m.zeros(2, 0, 4, 4), 2)", "F.adaptive_avg_pool1d(m.zeros(2, 0, 4), 2)",
       "F.adaptive_max_pool2d(m.zeros(2, 0, 4, 4), 2)", "F.adaptive_max_pool1d(m.zeros(2, 0, 4), 2)",
       "F.adaptive_max_pool2d(m.zeros(2, 3, 0, 4), 2)", "F.adaptive_max_pool3d(m.zeros(2, 0, 4, 4, 4), 2)",
       "F.adaptive_avg_pool3d(m.zeros(2, 0, 4, 4, 4), 2)", "F.adaptive_avg_pool3d(m.zeros(2, 3, 0, 4, 4), 2)")
def test_pools_of_empty_inputs(src):
    run(src)


@cases("F.avg_pool3d(m.tensor(XI), 2)", "F.avg_pool3d(m.tensor(XI), 2, divisor_override=-3)",
       "F.avg_pool3d(m.tensor(XI), 2, ceil_mode=True, count_include_pad=False, padding=1)",
       "F.avg_pool3d(m.tensor(XI).int(), 2)", "F.avg_pool3d(m.tensor(XI).bool(), 2)",
       "F.max_pool3d(m.tensor(XI).bool(), 2)", "F.max_pool3d(m.tensor(XI).int(), 2)",
       "F.max_pool1d(m.tensor(XI)[0, 0, 0].int(), 2)", "F.max_pool1d(m.tensor(XI)[0, 0, 0], 2, return_indices=True)",
       "F.adaptive_max_pool3d(m.tensor(XI).int(), 2)", "F.adaptive_max_pool2d(m.tensor(XI)[0, 0], 2)",
       "F.adaptive_max_pool1d(m.tensor(XI)[0, 0, 0].int(), 2)", "F.adaptive_avg_pool3d(m.tensor(XI), 2)",
       "F.adaptive_avg_pool3d(m.tensor(XI).float(), (-1, 2, 2))", "F.adaptive_max_pool3d(m.tensor(XI).float(), -1)",
       "F.adaptive_max_pool2d(m.tensor(XI)[0, 0].float(), (None, -1))",
       "F.max_pool3d(m.tensor(XI).float(), 2, padding=-1)", "F.avg_pool3d(m.tensor(XI), 2, padding=-1)")
def test_pool_dtypes_and_arguments(src):
    run(src)


@cases("F.lp_pool1d(leaf(P1), float('inf'), 2)", "F.lp_pool2d(leaf(P2), float('inf'), 3, 2)",
       "F.lp_pool3d(leaf(P3), -float('inf'), 2)", "F.lp_pool2d(leaf(P2), -float('inf'), 2, ceil_mode=True)")
def test_lp_pool_of_infinite_norm_is_a_max_pool(src):
    run(src)


@cases("F.fractional_max_pool2d(m.zeros(1, 1, 8, 8), 2, output_ratio=0.5)",
       "F.fractional_max_pool2d(m.zeros(1, 1, 8, 8), 2, output_ratio=(0.5, 0.5, 0.5))",
       "F.fractional_max_pool3d(m.zeros(1, 1, 8, 8, 8), 2, output_ratio=0.5).shape")
def test_fractional_max_pool_output_ratio(src):
    run(src)


@cases("F.max_unpool1d(*F.max_pool1d(leaf(P1), 3, 2, 1, return_indices=True), 3, 2, 1)",
       "F.max_unpool2d(*F.max_pool2d(leaf(P2), 3, 2, 1, return_indices=True), 3, 2, 1)",
       "F.max_unpool3d(*F.max_pool3d(leaf(P3), 3, 1, 1, return_indices=True), 3, 1, 1)")
def test_max_unpool_of_overlapping_windows_writes_once(src):
    run(src)


# ---- scatter: Note [scatter with repeated indices] ----
@cases("m.zeros(5).scatter(0, m.tensor([1, 1, 4]), m.tensor([5., 7., 3.]))",
       "m.zeros(2, 5).scatter(1, m.tensor([[1, 1, 4], [0, 0, 0]]), m.tensor([[5., 7., 3., 9.], [1., 2., 3., 4.]]))",
       "m.zeros(3, 2).scatter(0, m.tensor([[1, 1], [1, 0], [1, 1]]), m.tensor([[5., 7.], [3., 9.], [1., 2.]]))",
       "m.zeros(3, 2, dtype=m.int64).scatter(0, m.tensor([[1, 1], [1, 0], [1, 1]]), m.tensor([[5, 7], [3, 9], [1, 2]]))",
       "m.zeros(5, dtype=m.bool).scatter(0, m.tensor([1, 1, 4]), m.tensor([True, False, True]))",
       "m.zeros(5).scatter(0, m.tensor([1, 1, 4], dtype=m.int32), m.tensor([5., 7., 3.]))",
       "m.zeros(5).scatter(0, m.tensor([1, 1, 4]), 2.5)",
       "leaf(np.zeros(5)).scatter(0, m.tensor([1, 1, 1]), leaf(np.array([5., 7., np.inf])))",
       "m.zeros(5).scatter_(0, m.tensor([3, 3, 3]), m.tensor([5., 7., 3.]))")
def test_scatter_keeps_the_last_write_of_a_repeated_index(src):
    run(src)


# ---- losses ----
ENV.update({"LG": _rng.standard_normal((4, 5)), "LK": _rng.standard_normal((2, 5, 3, 4)),
            "W5": _rng.uniform(0.5, 2, 5), "LPC": np.log(_rng.dirichlet(np.ones(5), (12, 3)))})


@cases("F.cross_entropy(leaf(LG), m.full((4,), -100))",
       "F.cross_entropy(leaf(LG), m.full((4,), 2), ignore_index=2, label_smoothing=0.1)",
       "F.cross_entropy(leaf(LG), m.full((4,), -100), weight=m.tensor(W5), label_smoothing=0.3)",
       "F.cross_entropy(leaf(LK), m.full((2, 3, 4), -100))", "F.nll_loss(leaf(LG), m.full((4,), -100))",
       "F.nll_loss(leaf(LK), m.full((2, 3, 4), 1), ignore_index=1, weight=m.tensor(W5))",
       "F.cross_entropy(leaf(LG), m.full((4,), -100), reduction='sum')",
       "F.cross_entropy(leaf(LG), m.tensor([1, 0, 4, 2]), weight=m.zeros(5, dtype=m.float64))")
def test_a_mean_over_no_target_is_nan_with_a_zero_gradient(src):
    # Note [A mean over no target]
    run(src)


@cases("F.cross_entropy(m.tensor(LG), m.tensor([1, 0, 4, 2]), weight=leaf(W5))",
       "F.nll_loss(m.tensor(LG), m.tensor([1, 0, 4, 2]), weight=leaf(W5))",
       "F.cross_entropy(leaf(LG), m.softmax(m.tensor(LG), 1), weight=leaf(W5))")
def test_class_weights_that_require_grad(src):
    run(src)


@cases("F.ctc_loss(leaf(LPC), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([0, 3, 8]), m.tensor([0, 3, 2]), reduction='none')",
       "F.ctc_loss(leaf(LPC), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([0, 3, 8]), m.tensor([1, 3, 2]), reduction='none')",
       "F.ctc_loss(leaf(LPC), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([0, 3, 8]), m.tensor([0, 3, 2]), reduction='sum')",
       "F.ctc_loss(m.tensor(LPC), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([12, 3, 8]), m.tensor([-1, 3, 2]))",
       "F.ctc_loss(m.tensor(LPC), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([-1, 3, 8]), m.tensor([1, 3, 2]))",
       "F.ctc_loss(m.tensor(LPC).half(), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([12, 3, 8]), m.tensor([1, 3, 2]))",
       "F.ctc_loss(m.tensor(LPC).bfloat16(), m.tensor([[1, 2, 3, 4]] * 3), m.tensor([12, 3, 8]), m.tensor([1, 3, 2]))")
def test_ctc_loss_lengths(src):
    run(src)


# ---- normalization ----
@cases("F.batch_norm(m.ones(3), m.zeros(3), m.ones(3))", "F.batch_norm(m.ones(3), None, None, training=True)",
       "F.batch_norm(m.ones(3), m.zeros(0), m.ones(0))", "F.batch_norm(m.ones(3), None, None, m.ones(3), training=True)",
       "F.batch_norm(m.tensor(2.), m.zeros(3), m.ones(3))", "F.batch_norm(m.ones(3), m.zeros(3), m.ones(3), training=True)",
       "F.group_norm(leaf(np.zeros((0, 6, 2))), 3, m.ones(6, dtype=m.float64), m.zeros(6, dtype=m.float64))",
       "F.group_norm(m.zeros(2, 0, 2), 3)", "F.group_norm(m.zeros(0, 6), 2)")
def test_norms_of_degenerate_inputs(src):
    run(src)


# ---- nn.utils.rnn, clip_grad ----
@cases("m.nn.utils.rnn.pack_padded_sequence(m.zeros(4, 6, 3), m.tensor([[6, 4, 2, 1]]), batch_first=True)",
       "m.nn.utils.rnn.pack_padded_sequence(m.zeros(4, 6, 3), [[6, 4, 2, 1]], batch_first=True)",
       "m.nn.utils.rnn.pad_sequence([m.tensor(1.), m.tensor(2.)])",
       "m.nn.utils.rnn.pad_sequence([m.ones(2), m.tensor(2.)], batch_first=True)")
def test_rnn_utils_malformed(src):
    run(src)


@cases("m.nn.utils.clip_grad_value_([m.nn.Parameter(m.ones(2))], 0.5)",
       "m.nn.utils.clip_grad_value_([m.nn.Parameter(m.ones(2))], 0.5, foreach=False)",
       "m.nn.utils.clip_grad_value_([], 0.5)")
def test_clip_grad_value_without_gradients(src):
    run(src)


# ---- interpolate in float16 / bfloat16: Note [Half-precision resampling] ----
ENV.update({"I3": _rng.standard_normal((2, 3, 9)), "I4": _rng.standard_normal((2, 3, 5, 7)),
            "I5": _rng.standard_normal((1, 2, 3, 4, 5))})


@cases(*[f"F.interpolate(m.tensor({x}).{dt}(), size={size}, mode='{mode}', align_corners={ac})"
         for dt in ("half", "bfloat16") for ac in (False, True)
         for x, mode, size in (("I3", "linear", 5), ("I3", "linear", 17), ("I4", "bilinear", (4, 6)),
                               ("I4", "bicubic", (4, 6)), ("I4", "bicubic", (3, 4)),
                               ("I5", "trilinear", (4, 3, 7)), ("I5", "trilinear", (6, 8, 2)))])
def test_half_precision_interpolation_rounds_once(src):
    # (Values only: the half-precision backward still differs from PyTorch's in the last bits.)
    run(src)


@cases(*[f"{f}(m.tensor(I{n}).{dt}(){args})" for dt in ("half", "bfloat16")
         for f, n, args in (("F.group_norm", 4, ", 3"), ("F.group_norm", 5, ", 1, m.ones(2), m.zeros(2)"),
                            ("F.avg_pool3d", 5, ", 2"), ("F.local_response_norm", 4, ", 2"),
                            ("F.local_response_norm", 3, ", 2"))])
def test_half_precision_norms_and_pools(src):
    run(src)


@cases("F.soft_margin_loss(m.tensor([0.3, -0.2]), leaf(np.array([1.0, -1.0])))",
       "F.soft_margin_loss(leaf(np.array([0.3, -0.2])), m.tensor([1.0, -1.0], dtype=m.float64))")
def test_soft_margin_loss_target_is_not_differentiable(src):
    run(src)


ENV["GEDGE"] = np.array([[[[-1.0, -1.0], [1.0, 1.0], [-1.2, 0.3], [1.5, -1.5], [0.0, 0.0], [-0.75, 0.5], [0.6, -1.0],
                           [1.0, 0.2]]]])


@cases(*[f"F.grid_sample(leaf(X4[:1, :2, :4, :5]), leaf(GEDGE), padding_mode='{pm}', align_corners={ac})"
         for pm in ("border", "reflection") for ac in (False, True)])
def test_grid_sample_clipped_coordinates_have_zero_grid_gradient(src):
    # PyTorch's clip_coordinates_set_grad: zero on the bound too, where clamp passes the gradient
    run(src)


ENV.update({"A5": _rng.standard_normal((2, 3, 7, 5, 9)) * 3, "A4": _rng.standard_normal((3, 4, 5, 6)) * 3})


@cases(*[f"F.adaptive_avg_pool3d(m.tensor({x}).{dt}(), {os})" for dt in ("half", "bfloat16")
         for x, os in (("A5", 3), ("A5", (2, 4, 3)), ("A4", (5, 1, 4)), ("A5", (None, 2, 3)), ("A5", 1), ("A4", (1, 1, 1)))]
       + ["F.adaptive_avg_pool3d(leaf(A5), 1)", "F.adaptive_avg_pool3d(leaf(A5), (2, 4, 3))"])
def test_adaptive_avg_pool3d_sums_half_inputs_in_the_half_type(src):
    run(src)
