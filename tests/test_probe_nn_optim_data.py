"""Malformed calls and fault probes of the Python layers (nn modules and
functional, init, optim and lr_scheduler, utils.data, autograd, serialization),
each run under PyTorch and tensorcore: both must raise the same exception type
or return the same value. Found by a differential probe of those packages; each
case was a difference before its fix."""
import builtins
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _neutral(r):
    """A value both libraries can be compared by: tensors as (values, dtype
    name, shape), containers element by element."""
    if isinstance(r, (tc.Tensor, torch.Tensor)):
        r = r.detach()
        dtype = str(r.dtype).split(".")[-1]
        return np.asarray(r.float().tolist() if dtype == "bfloat16" else r.tolist()), dtype, tuple(r.shape)
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_neutral(x) for x in r]
    if isinstance(r, dict):
        return {k: _neutral(v) for k, v in r.items()}
    if isinstance(r, (tc.dtype, torch.dtype)):
        return str(r).split(".")[-1]
    return r


def _builtin_base(e):
    """torch's own exception classes count as the builtin they derive from
    (torch.OutOfMemoryError is a RuntimeError); pickle.UnpicklingError is kept."""
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls or cls.__name__ == "UnpicklingError":
            return cls.__name__
    return type(e).__name__


def outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.manual_seed(0)
            r = f(m)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raises", _builtin_base(e)
    return "returns", _neutral(r)


RTOL = {"float16": 2e-3, "bfloat16": 1e-2, "float32": 1e-5, "complex64": 1e-5}


def _assert_close(got, want, rtol=None):
    """Exact dtypes, shapes and structure; float values to a few ulps of the
    dtype (the libraries may round intermediate steps differently), or of
    `rtol` where a mixed-dtype op computes some steps in the narrower dtype."""
    if isinstance(want, tuple) and len(want) == 3 and isinstance(want[0], np.ndarray):
        assert got[1:] == want[1:], (got, want)
        rtol = rtol or RTOL.get(want[1], 1e-12)
        np.testing.assert_allclose(got[0], want[0], rtol=rtol, atol=rtol)
    elif isinstance(want, tuple):
        assert got[0] == want[0] and len(got[1]) == len(want[1]), (got, want)
        for g, w in zip(got[1], want[1]):
            _assert_close(g, w, rtol)
    elif isinstance(want, dict):
        assert got.keys() == want.keys()
        for k in want:
            _assert_close(got[k], want[k], rtol)
    else:
        assert got == want


def assert_same(f, rtol=None):
    want, got = outcome(f, torch), outcome(f, tc)
    assert want[0] == got[0], (want, got)
    if want[0] == "raises":
        assert want == got
    else:
        _assert_close(got[1], want[1], rtol)


def F(m):
    return m.nn.functional


# ------------------------------------------------------------------ nn.functional: convolution
CONV = {
    "conv1d_zero_kernel": lambda m: F(m).conv1d(m.ones(1, 4, 5), m.ones(2, 4, 0)),
    "conv2d_zero_kernel": lambda m: F(m).conv2d(m.ones(1, 4, 5, 5), m.ones(2, 4, 3, 0)),
    "conv3d_zero_kernel": lambda m: F(m).conv3d(m.ones(1, 4, 5, 5, 5), m.ones(2, 4, 3, 0, 3)),
    "conv2d_no_out_channels": lambda m: F(m).conv2d(m.ones(1, 4, 5, 5), m.ones(0, 4, 3, 3)),
    "conv3d_no_out_channels": lambda m: F(m).conv3d(m.ones(1, 4, 5, 5, 5), m.ones(0, 4, 3, 3, 3)),
    "conv_transpose2d_zero_kernel": lambda m: F(m).conv_transpose2d(m.ones(1, 4, 5, 5), m.ones(4, 2, 0, 3)),
    "conv_transpose3d_zero_kernel": lambda m: F(m).conv_transpose3d(m.ones(1, 4, 5, 5, 5), m.ones(4, 2, 3, 0, 3)),
    "conv2d_one_element_stride_repeats": lambda m: F(m).conv2d(m.ones(1, 4, 5, 5), m.ones(2, 4, 3, 3), stride=[2]),
    "conv3d_one_element_padding_repeats": lambda m: F(m).conv3d(m.ones(1, 1, 3, 3, 3), m.ones(1, 1, 3, 3, 3),
                                                                padding=(1,)),
    "conv_transpose2d_one_element_stride": lambda m: F(m).conv_transpose2d(m.ones(1, 4, 2, 2), m.ones(4, 2, 3, 3),
                                                                           stride=[2]),
    "conv2d_bad_padding_string": lambda m: F(m).conv2d(m.ones(1, 4, 5, 5), m.ones(2, 4, 3, 3), padding="foo"),
    "Conv2d_zero_kernel_size": lambda m: m.nn.Conv2d(4, 4, kernel_size=0)(m.ones(1, 4, 8, 8)),
    "Conv2d_one_element_stride": lambda m: m.nn.Conv2d(4, 4, 3, stride=(1,))(m.ones(1, 4, 8, 8)),
    "conv2d_half_input_float_weight": lambda m: F(m).conv2d(m.ones(1, 2, 4, 4).half(), m.ones(2, 2, 3, 3)),
    "conv1d_half_input_float_bias": lambda m: F(m).conv1d(m.ones(1, 2, 4).half(), m.ones(2, 2, 3), m.ones(2)),
    "conv3d_half_input_float_weight": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4).half(), m.ones(2, 2, 3, 3, 3)),
    "conv2d_float64_input_float32_bias_first": lambda m: F(m).conv2d(m.ones(1, 2, 4, 4).double(), m.ones(2, 2, 3, 3),
                                                                     m.ones(2)),
    "conv_transpose1d_half_input_float_weight": lambda m: F(m).conv_transpose1d(m.ones(1, 2, 4).half(),
                                                                                m.ones(2, 2, 3)),
    "conv_transpose2d_float64_bias_is_cast": lambda m: F(m).conv_transpose2d(m.ones(1, 2, 4, 4), m.ones(2, 2, 3, 3),
                                                                             m.ones(2).double()),
    "conv_transpose3d_float64_bias_refused": lambda m: F(m).conv_transpose3d(m.ones(1, 2, 4, 4, 4),
                                                                             m.ones(2, 2, 3, 3, 3), m.ones(2).double()),
    "Conv1d_complex_input": lambda m: m.nn.Conv1d(3, 2, 2)(m.ones(2, 3, 4).to(m.complex64)),
}


@pytest.mark.parametrize("name", CONV)
def test_convolution(name):
    assert_same(CONV[name])


# ------------------------------------------------------------------ utils.data
DATA = {
    "collate_int_then_float_is_float32": lambda m: next(iter(m.utils.data.DataLoader([1, 2.5], batch_size=2))),
    "collate_dict_int_then_float": lambda m: next(iter(m.utils.data.DataLoader([{"a": 1}, {"a": 2.5}],
                                                                                batch_size=2)))["a"],
    "collate_bools": lambda m: m.utils.data.default_collate([True, False]),
    "collate_int_then_bool": lambda m: m.utils.data.default_collate([1, True]),
    "collate_complex_refused": lambda m: m.utils.data.default_collate([1 + 2j, 3j]),
    "weighted_sampler_draws": lambda m: list(m.utils.data.WeightedRandomSampler(
        [0.1, 0.9, 0.4], 6, generator=m.Generator().manual_seed(2))),
    "weighted_sampler_without_replacement_global_rng": lambda m: (m.manual_seed(3), list(
        m.utils.data.WeightedRandomSampler(m.tensor([0.1, 0.9, 0.4]), 2, replacement=False)))[1],
    "weighted_sampler_too_many_without_replacement": lambda m: list(
        m.utils.data.WeightedRandomSampler([0.1, 0.9], 3, replacement=False)),
    "weighted_sampler_zero_samples": lambda m: m.utils.data.WeightedRandomSampler([0.1, 0.9], 0),
    "weighted_sampler_bool_samples": lambda m: m.utils.data.WeightedRandomSampler([0.1, 0.9], True),
    "weighted_sampler_int_replacement": lambda m: m.utils.data.WeightedRandomSampler([0.1, 0.9], 3, replacement=2),
    "weighted_sampler_2d_weights": lambda m: m.utils.data.WeightedRandomSampler([[0.1, 0.9]], 3),
    "weighted_sampler_negative_weight": lambda m: list(m.utils.data.WeightedRandomSampler([0.1, -0.9], 3)),
    "weighted_sampler_all_zero": lambda m: list(m.utils.data.WeightedRandomSampler([0.0, 0.0], 3)),
    "weighted_sampler_infinite_weight": lambda m: list(m.utils.data.WeightedRandomSampler([float("inf"), 1.0], 2)),
    "weighted_sampler_in_a_loader": lambda m: next(iter(m.utils.data.DataLoader(
        range(10), batch_size=4,
        sampler=m.utils.data.WeightedRandomSampler([1.0] * 10, 8, generator=m.Generator().manual_seed(5))))),
    "iterable_datasets_added_chain": lambda m: _chain_of_two(m),
    "chain_of_a_map_dataset_fails_when_iterated": lambda m: list(m.utils.data.ChainDataset([[1, 2]])),
    "chain_len_of_a_map_dataset": lambda m: len(m.utils.data.ChainDataset([[1, 2]])),
    "stack_dataset_tuple": lambda m: m.utils.data.StackDataset(range(3), m.arange(3.0))[1],
    "stack_dataset_dict_batches": lambda m: next(iter(m.utils.data.DataLoader(
        m.utils.data.StackDataset(a=range(3), b=m.arange(3.0)), batch_size=2))),
    "stack_dataset_nothing": lambda m: m.utils.data.StackDataset(),
    "stack_dataset_size_mismatch": lambda m: m.utils.data.StackDataset(range(3), range(4)),
    "stack_dataset_args_and_kwargs": lambda m: m.utils.data.StackDataset(range(3), b=range(3)),
}


def _chain_of_two(m):
    class Counting(m.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n
    chained = Counting(2) + Counting(3)
    return type(chained).__name__, list(chained), len(chained)


@pytest.mark.parametrize("name", DATA)
def test_data(name):
    assert_same(DATA[name])


# ------------------------------------------------------------------ nn.functional: normalisation dtypes
def _x(m, dtype=None, shape=(2, 3)):
    return m.arange(float(np.prod(shape))).reshape(shape).to(dtype or m.float32)


NORMS = {
    "batch_norm_float64_input_float32_stats": lambda m: F(m).batch_norm(_x(m, m.float64), m.zeros(3), m.ones(3)),
    "batch_norm_float64_input_float32_weight": lambda m: F(m).batch_norm(_x(m, m.float64), None, None, m.ones(3),
                                                                         training=True),
    "batch_norm_float32_input_float64_weight": lambda m: F(m).batch_norm(_x(m), None, None,
                                                                         m.ones(3, dtype=m.float64), training=True),
    "batch_norm_half_input_float32_stats": lambda m: F(m).batch_norm(_x(m, m.float16), m.zeros(3), m.ones(3),
                                                                     training=True),
    "batch_norm_bfloat16_input_half_weight": lambda m: F(m).batch_norm(_x(m, m.bfloat16), m.zeros(3), m.ones(3),
                                                                       m.ones(3).half(), training=True),
    "batch_norm_int_input": lambda m: F(m).batch_norm(_x(m, m.int64), None, None, training=True),
    "batch_norm_complex_input": lambda m: F(m).batch_norm(_x(m, m.complex64), None, None, training=True),
    "batch_norm_eval_without_running_mean": lambda m: F(m).batch_norm(_x(m), None, m.ones(3)),
    "batch_norm_eval_without_running_var": lambda m: F(m).batch_norm(_x(m), m.ones(3), None),
    "batch_norm_one_value_per_channel_before_dtype": lambda m: F(m).batch_norm(m.ones(1, 3).long(), None, None,
                                                                               training=True),
    "BatchNorm1d_float64_input": lambda m: m.nn.BatchNorm1d(3)(_x(m, m.float64)),
    "BatchNorm1d_int_input": lambda m: m.nn.BatchNorm1d(3)(_x(m, m.int64)),
    "instance_norm_one_spatial_element": lambda m: F(m).instance_norm(m.ones(2, 3, 1)),
    "InstanceNorm2d_one_spatial_element": lambda m: m.nn.InstanceNorm2d(3)(m.ones(2, 3, 1, 1)),
    "instance_norm_eval_without_stats": lambda m: F(m).instance_norm(_x(m, shape=(2, 3, 2)), use_input_stats=False),
    "instance_norm_int_input": lambda m: F(m).instance_norm(_x(m, m.int64, (2, 3, 4))),
    "InstanceNorm1d_affine_float64_input": lambda m: m.nn.InstanceNorm1d(3, affine=True)(_x(m, m.float64, (2, 3, 4))),
    "layer_norm_float64_input_float32_weight": lambda m: F(m).layer_norm(_x(m, m.float64), (3,), m.ones(3)),
    "layer_norm_int_input": lambda m: F(m).layer_norm(_x(m, m.int64), (3,)),
    "layer_norm_shape_error_before_dtype": lambda m: F(m).layer_norm(_x(m, m.int64), (4,)),
    "layer_norm_float32_input_half_weight": lambda m: F(m).layer_norm(_x(m), (3,), m.ones(3).half()),
    "LayerNorm_float64_input": lambda m: m.nn.LayerNorm(3)(_x(m, m.float64)),
    "group_norm_float64_input_float32_weight": lambda m: F(m).group_norm(_x(m, m.float64, (2, 4)), 2, m.ones(4)),
    "group_norm_int_input": lambda m: F(m).group_norm(_x(m, m.int64, (2, 4)), 2),
    "group_norm_weight_size": lambda m: F(m).group_norm(_x(m, shape=(2, 4)), 2, m.ones(3)),
    "group_norm_bias_not_a_vector": lambda m: F(m).group_norm(_x(m, shape=(2, 4)), 2, None, m.ones(2, 2)),
    "group_norm_half_input_float32_weight_stays_half": lambda m: F(m).group_norm(_x(m, m.float16, (2, 4)), 2,
                                                                                 m.ones(4)),
    "GroupNorm_int_input_is_mixed_dtype": lambda m: m.nn.GroupNorm(1, 3)(_x(m, m.int64)),
    "LayerNorm_complex_input_is_mixed_dtype": lambda m: m.nn.LayerNorm(3)(_x(m, m.complex64)),
    "BatchNorm1d_half_module_half_input": lambda m: m.nn.BatchNorm1d(3).half()(_x(m, m.float16, (4, 3)) / 8),
    "BatchNorm1d_bfloat16_module_eval": lambda m: m.nn.BatchNorm1d(3).bfloat16().eval()(_x(m, m.bfloat16)),
    "InstanceNorm1d_affine_half_input_stays_half": lambda m: m.nn.InstanceNorm1d(3, affine=True)(
        _x(m, m.float16, (2, 3, 4)) / 8),
}


@pytest.mark.parametrize("name", NORMS)
def test_normalisation(name):
    assert_same(NORMS[name])


# ------------------------------------------------------------------ nn.functional: losses
def _p(m, dtype=None):
    """Probabilities strictly inside (0, 1), the same in both libraries."""
    return (m.arange(6.).reshape(2, 3) / 8 + 0.1).to(dtype or m.float32)


LOSS_DTYPES = [("float32", "float64"), ("float64", "float32"), ("float32", "int64"), ("int64", "float32"),
               ("float16", "float32"), ("float32", "float16"), ("int64", "int64"), ("float32", "bool")]
LOSSES = ["mse_loss", "huber_loss", "soft_margin_loss", "kl_div", "binary_cross_entropy",
          "binary_cross_entropy_with_logits"]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("dtypes", LOSS_DTYPES, ids="/".join)
def test_loss_dtypes(loss, dtypes):
    rtol = max(RTOL.get(d, 1e-12) for d in dtypes)
    assert_same(lambda m: getattr(F(m), loss)(_p(m, getattr(m, dtypes[0])), _p(m, getattr(m, dtypes[1]))), rtol)


LOSS_CASES = {
    "bce_target_above_one": lambda m: F(m).binary_cross_entropy(m.tensor([0.5]), m.tensor([2.0])),
    "bce_target_below_zero": lambda m: F(m).binary_cross_entropy(m.tensor([0.5]), m.tensor([-0.5])),
    "BCELoss_double_target": lambda m: m.nn.BCELoss()(_p(m), _p(m, m.float64)),
    "huber_zero_delta": lambda m: F(m).huber_loss(_p(m), _p(m) * 2, delta=0),
    "huber_negative_delta": lambda m: F(m).huber_loss(_p(m), _p(m) * 2, delta=-1),
    "cross_entropy_float32_weight_for_float64_input": lambda m: F(m).cross_entropy(
        _p(m, m.float64), m.tensor([0, 1]), weight=m.ones(3)),
    "cross_entropy_float64_weight_for_float32_input": lambda m: F(m).cross_entropy(
        _p(m), m.tensor([0, 1]), weight=m.ones(3, dtype=m.float64)),
    "cross_entropy_probabilities_mixed_weight": lambda m: F(m).cross_entropy(_p(m), _p(m), weight=m.ones(3).double()),
    "nll_loss_float32_weight_for_float64_input": lambda m: F(m).nll_loss(_p(m, m.float64), m.tensor([0, 1]),
                                                                         weight=m.ones(3)),
    "cross_entropy_negative_label_smoothing": lambda m: F(m).cross_entropy(_p(m), m.tensor([0, 1]),
                                                                           label_smoothing=-0.1),
    "cross_entropy_label_smoothing_above_one": lambda m: F(m).cross_entropy(_p(m), m.tensor([0, 1]),
                                                                            label_smoothing=1.5),
    "cross_entropy_float_ignore_index": lambda m: F(m).cross_entropy(_p(m), m.tensor([0, 1]), ignore_index=2.5),
    "cross_entropy_bool_ignore_index": lambda m: F(m).cross_entropy(_p(m), m.tensor([0, 1]), ignore_index=True),
    "cross_entropy_tensor_ignore_index": lambda m: F(m).cross_entropy(_p(m), m.tensor([0, 1]),
                                                                      ignore_index=m.tensor(1)),
    "nll_loss_float_ignore_index": lambda m: F(m).nll_loss(_p(m), m.tensor([0, 1]), ignore_index=2.5),
    "multi_margin_loss_weight_size": lambda m: F(m).multi_margin_loss(_p(m), m.tensor([0, 1]), weight=m.ones(2)),
}


@pytest.mark.parametrize("name", LOSS_CASES)
def test_loss_cases(name):
    assert_same(LOSS_CASES[name], rtol=1e-5)


def test_losses_still_differentiable_float64():
    x = tc.tensor([[0.2, -0.7, 1.3], [0.4, 0.9, -0.1]], dtype=tc.float64, requires_grad=True)
    t = tc.tensor([[0.3, 0.8, 0.1], [1.0, 0.0, 0.5]], dtype=tc.float64)
    fn = tc.nn.functional
    assert tc.autograd.gradcheck(lambda a: fn.binary_cross_entropy_with_logits(a, t, pos_weight=t + 1), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.mse_loss(a, t), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.mse_loss(a, t, weight=t + 1), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.l1_loss(a, t, weight=t + 1), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.huber_loss(a, t, delta=0.5), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.soft_margin_loss(a, t), (x,))
    assert tc.autograd.gradcheck(lambda a: fn.binary_cross_entropy(a.sigmoid(), t), (x,))


# ------------------------------------------------------------------ nn.functional: argument checks
FUNCTIONAL = {
    "pad_float_amount": lambda m: F(m).pad(m.ones(1, 2, 3), (1.5, 1)),
    "pad_bool_amount": lambda m: F(m).pad(m.ones(1, 2, 3), (True, 1)),
    "pad_none": lambda m: F(m).pad(m.ones(1, 2, 3), None),
    "pad_int_not_a_sequence": lambda m: F(m).pad(m.ones(1, 2, 3), 1),
    "pad_numpy_and_tensor_ints": lambda m: F(m).pad(m.ones(1, 2, 3), (np.int64(1), m.tensor(2))),
    "interpolate_float_size": lambda m: F(m).interpolate(m.ones(1, 1, 4), size=2.5),
    "interpolate_bool_size": lambda m: F(m).interpolate(m.ones(1, 1, 4), size=True),
    "interpolate_no_channels": lambda m: F(m).interpolate(m.ones(1, 0, 4), size=3),
    "interpolate_no_channels_4d": lambda m: F(m).interpolate(m.ones(1, 0, 4, 4), size=3),
    "interpolate_empty_batch": lambda m: F(m).interpolate(m.ones(0, 1, 4), size=3),
    "interpolate_uint8_nearest": lambda m: F(m).interpolate(m.arange(4).reshape(1, 1, 4).to(m.uint8), size=6),
    "dropout_training_str": lambda m: F(m).dropout(m.ones(2), 0.5, training="yes"),
    "dropout_training_int": lambda m: F(m).dropout(m.ones(2), 0.5, training=1),
    "dropout_training_none": lambda m: F(m).dropout(m.ones(2), 0.5, training=None),
    "dropout2d_training_str": lambda m: F(m).dropout2d(m.ones(2, 3), 0.5, training="x"),
    "alpha_dropout_training_str": lambda m: F(m).alpha_dropout(m.ones(2, 3), 0.5, training="x"),
    "dropout3d_of_a_vector_is_one_sample": lambda m: F(m).dropout3d(m.ones(2), 0.0).shape,
    "dropout2d_of_a_vector": lambda m: F(m).dropout2d(m.ones(2), 0.5),
    "gelu_int": lambda m: F(m).gelu(m.tensor([1, 2])),
    "gelu_bool": lambda m: F(m).gelu(m.tensor([True])),
    "unfold_1d": lambda m: F(m).unfold(m.ones(4), 2),
    "unfold_2d": lambda m: F(m).unfold(m.ones(4, 4), 2),
    "unfold_5d": lambda m: F(m).unfold(m.ones(1, 1, 1, 4, 4), 2),
    "adaptive_max_pool1d_zero_output": lambda m: F(m).adaptive_max_pool1d(m.ones(1, 4), 0),
    "adaptive_max_pool2d_zero_output": lambda m: F(m).adaptive_max_pool2d(m.ones(1, 4, 4), (0, 2),
                                                                          return_indices=True),
    "adaptive_max_pool3d_zero_output": lambda m: F(m).adaptive_max_pool3d(m.ones(1, 4, 4, 4), 0),
    "pixel_shuffle_zero": lambda m: F(m).pixel_shuffle(m.ones(1, 4, 2, 2), 0),
    "pixel_shuffle_negative": lambda m: F(m).pixel_shuffle(m.ones(1, 4, 2, 2), -2),
    "pixel_shuffle_float_factor": lambda m: F(m).pixel_shuffle(m.ones(1, 4, 2, 2), 2.0),
    "pixel_unshuffle_zero": lambda m: F(m).pixel_unshuffle(m.ones(1, 4, 2, 2), 0),
    "PixelShuffle_zero": lambda m: m.nn.PixelShuffle(0)(m.ones(1, 4, 2, 2)),
    "embedding_bag_index_out_of_range": lambda m: F(m).embedding_bag(m.tensor([1, 3]), m.ones(3, 2), m.tensor([0])),
    "embedding_bag_negative_index": lambda m: F(m).embedding_bag(m.tensor([[1, -1]]), m.ones(3, 2)),
    "Hardtanh_max_not_above_min": lambda m: m.nn.Hardtanh(2, 1),
    "Parameter_of_a_list": lambda m: m.nn.Parameter([1.0, 2.0]),
    "Parameter_of_a_float": lambda m: m.nn.Parameter(3.0),
    "Buffer_of_a_list": lambda m: m.nn.Buffer([1.0]),
    "linear_bias_of_another_dtype": lambda m: F(m).linear(m.ones(2, 3), m.ones(4, 3), m.ones(4, dtype=m.float64)),
    "linear_int_bias_unbatched": lambda m: F(m).linear(m.ones(3), m.ones(4, 3), m.ones(4, dtype=m.int64)),
    "grid_sample_grid_of_another_dtype": lambda m: F(m).grid_sample(m.ones(1, 1, 3, 3), m.zeros(1, 2, 2, 2).double(),
                                                                    align_corners=False),
    "grid_sample_int_input": lambda m: F(m).grid_sample(m.ones(1, 1, 3, 3).long(), m.zeros(1, 2, 2, 2).long(),
                                                        align_corners=False),
    "layer_norm_int_shape": lambda m: F(m).layer_norm(m.ones(3, 4), 4),
    "layer_norm_float_in_shape": lambda m: F(m).layer_norm(m.ones(3, 4), [4.0]),
    "embedding_float_padding_idx": lambda m: F(m).embedding(m.tensor([[0, 1]]), m.ones(3, 4), padding_idx=2.5),
    "embedding_tensor_padding_idx": lambda m: F(m).embedding(m.tensor([[0, 1]]), m.ones(3, 4),
                                                             padding_idx=m.tensor(1)),
    "embedding_str_norm_type": lambda m: F(m).embedding(m.tensor([0]), m.ones(3, 4), max_norm=1.0, norm_type="x"),
    "embedding_str_max_norm": lambda m: F(m).embedding(m.tensor([0]), m.ones(3, 4), max_norm="a"),
    "mse_loss_broadcastable_weight": lambda m: F(m).mse_loss(m.ones(3, 4), m.zeros(3, 4), weight=m.ones(4)),
    "l1_loss_weight_size": lambda m: F(m).l1_loss(m.ones(3, 4), m.zeros(3, 4), weight=m.ones(3)),
    "huber_loss_weight_size": lambda m: F(m).huber_loss(m.ones(3, 4), m.zeros(3, 4), weight=m.ones(3)),
    "mse_loss_weighted_mean": lambda m: F(m).mse_loss(m.ones(3, 4), m.zeros(3, 4),
                                                      weight=m.arange(12.0).reshape(3, 4)),
    "l1_loss_weighted_mean": lambda m: F(m).l1_loss(m.ones(3, 4) * 2, m.zeros(3, 4), weight=m.arange(12.0).reshape(3, 4)),
    "l1_loss_weighted_sum": lambda m: F(m).l1_loss(m.ones(3, 4), m.zeros(3, 4), weight=m.arange(12.0).reshape(3, 4),
                                                   reduction="sum"),
    "huber_loss_weighted_plain_mean": lambda m: F(m).huber_loss(m.ones(3, 4), m.zeros(3, 4),
                                                                weight=m.arange(12.0).reshape(3, 4)),
    "smooth_l1_two_int_tensors": lambda m: F(m).smooth_l1_loss(m.ones(3).long(), m.zeros(3).long()),
    "smooth_l1_int_input_promotes": lambda m: F(m).smooth_l1_loss(m.ones(3).long(), m.zeros(3)),
    "multilabel_margin_float_target": lambda m: F(m).multilabel_margin_loss(m.ones(3, 4), m.zeros(3, 4)),
    "multilabel_margin_int32_target": lambda m: F(m).multilabel_margin_loss(m.ones(3, 4),
                                                                            m.zeros(3, 4, dtype=m.int32)),
    "GRU_bidirectional_str": lambda m: m.nn.GRU(3, 4, bidirectional="yes")(m.ones(2, 3)),
    "LSTM_bidirectional_int": lambda m: m.nn.LSTM(3, 4, bidirectional=1)(m.ones(2, 3)),
    "RNN_bidirectional_none": lambda m: m.nn.RNN(3, 4, bidirectional=None)(m.ones(2, 3)),
    "orthogonal_half": lambda m: m.nn.init.orthogonal_(m.ones(3, 3, dtype=m.float16)),
    "orthogonal_bfloat16": lambda m: m.nn.init.orthogonal_(m.ones(3, 3, dtype=m.bfloat16)),
    "weight_norm_dim_out_of_range": lambda m: m.nn.utils.weight_norm(m.nn.Linear(3, 2), dim=5),
    "weight_norm_negative_dim_out_of_range": lambda m: m.nn.utils.weight_norm(m.nn.Linear(3, 2), dim=-3),
    "parametrized_weight_norm_dim_out_of_range": lambda m: m.nn.utils.parametrizations.weight_norm(
        m.nn.Linear(3, 2), dim=2),
    "weight_norm_negative_dim": lambda m: m.nn.utils.weight_norm(m.nn.Linear(3, 2), dim=-2).weight_g,
    "pad_sequence_first_dtype_wins": lambda m: m.nn.utils.rnn.pad_sequence([m.ones(2), m.ones(3, dtype=m.float64)]),
    "hinge_embedding_int_input_mean": lambda m: F(m).hinge_embedding_loss(m.arange(6).reshape(2, 3),
                                                                          m.tensor([[1.0, -1, 1], [-1, 1, 1]])),
    "hinge_embedding_int_input_sum": lambda m: F(m).hinge_embedding_loss(m.arange(6).reshape(2, 3),
                                                                         m.tensor([[1.0, -1, 1], [-1, 1, 1]]),
                                                                         reduction="sum"),
    "LSTMCell_one_hidden_state": lambda m: m.nn.LSTMCell(3, 4)(m.ones(2, 3), (m.zeros(2, 4),)),
    "LSTMCell_hidden_not_a_tuple": lambda m: m.nn.LSTMCell(3, 4)(m.ones(2, 3), m.zeros(2, 4)),
    "prelu_float64_input_float32_weight": lambda m: F(m).prelu(m.ones(2, 3).double(), m.ones(1)),
    "PReLU_int_input": lambda m: m.nn.PReLU()(m.ones(2, 3).long()),
    "PReLU_half_input": lambda m: m.nn.PReLU()(m.ones(2, 3).half()),
}


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_functional_arguments(name):
    assert_same(FUNCTIONAL[name])


def test_adaptive_max_pool_zero_output_keeps_the_graph():
    x = tc.ones(1, 4, requires_grad=True)
    out = tc.nn.functional.adaptive_max_pool1d(x, 0)
    assert out.requires_grad and tuple(out.shape) == (1, 0)
    out.sum().backward()
    assert x.grad.tolist() == [[0.0] * 4]


# ------------------------------------------------------------------ autograd
def _leaf(m):
    return m.ones(3, requires_grad=True)


def _custom(m, forward=None, backward=None):
    """A custom Function whose forward/backward bodies are given as
    functions of (ctx, m, ...)."""
    class Fn(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, *rest):
            return forward(ctx, m, a, *rest) if forward else a * 2

        @staticmethod
        def backward(ctx, g):
            return backward(ctx, m, g) if backward else g * 2
    return Fn


def _backward_through(m, fn, *extra):
    x = _leaf(m)
    fn.apply(x, *extra).sum().backward()
    return x.grad


def _hook_changes_dtype(m):
    x = _leaf(m)
    x.register_hook(lambda g: g.double())
    x.sum().backward()
    return x.grad


def _dirty_not_returned(ctx, m, a):
    ctx.mark_dirty(a)
    return a * 2


def _saves(what):
    def forward(ctx, m, a):
        ctx.save_for_backward(what(a))
        return a * 2
    return forward


AUTOGRAD = {
    "grad_of_no_inputs": lambda m: m.autograd.grad((_leaf(m) * 2).sum(), []),
    "grad_materialize_without_allow_unused": lambda m: m.autograd.grad(
        _leaf(m).sum(), [_leaf(m)], allow_unused=False, materialize_grads=True),
    "grad_materialize_unused": lambda m: m.autograd.grad(
        (lambda x: x.sum())(_leaf(m)), [_leaf(m)], materialize_grads=True),
    "hook_changes_dtype": _hook_changes_dtype,
    "save_for_backward_int": lambda m: _backward_through(m, _custom(m, forward=_saves(lambda a: 3))),
    "save_for_backward_list": lambda m: _backward_through(m, _custom(m, forward=_saves(lambda a: [a]))),
    "save_for_backward_none": lambda m: _backward_through(m, _custom(m, forward=_saves(lambda a: None))),
    "save_for_backward_int_without_graph": lambda m: _custom(m, forward=_saves(lambda a: 3)).apply(m.ones(2)),
    "backward_returns_int": lambda m: _backward_through(m, _custom(m, backward=lambda ctx, m, g: 5)),
    "backward_returns_list": lambda m: _backward_through(m, _custom(m, backward=lambda ctx, m, g: [g])),
    "backward_returns_complex_for_real_input": lambda m: _backward_through(
        m, _custom(m, backward=lambda ctx, m, g: m.ones(3, dtype=m.complex64))),
    "backward_grad_for_a_non_tensor_input": lambda m: _backward_through(
        m, _custom(m, forward=lambda ctx, m, a, k: a * k, backward=lambda ctx, m, g: (g, g)), 2),
    "backward_none_for_a_non_tensor_input": lambda m: _backward_through(
        m, _custom(m, forward=lambda ctx, m, a, k: a * k, backward=lambda ctx, m, g: (g * 2, None)), 2),
    "mark_dirty_input_not_returned": lambda m: _backward_through(m, _custom(m, forward=_dirty_not_returned)),
    "function_instance_called": lambda m: _custom(m)()(_leaf(m)),
    "gradcheck_without_requires_grad": lambda m: m.autograd.gradcheck(lambda a: a * 2,
                                                                      (m.ones(3, dtype=m.float64),)),
}


@pytest.mark.parametrize("name", AUTOGRAD)
def test_autograd(name):
    assert_same(AUTOGRAD[name])


def test_register_hook_accepts_any_object_until_backward():
    x = tc.ones(2, requires_grad=True)
    x.register_hook(3)  # PyTorch registers it; calling it fails in backward
    with pytest.raises(TypeError):
        x.sum().backward()


# ------------------------------------------------------------------ optim
def _param(m):
    w = m.nn.Parameter(m.ones(3))
    w.grad = m.ones(3)
    return w


def _adam_load(m, state_dict):
    m.optim.Adam([_param(m)]).load_state_dict(state_dict)


def _stepped(m, make):
    w = _param(m)
    make([w]).step()
    return w


OPTIM = {
    "load_state_dict_without_param_groups": lambda m: _adam_load(m, {"state": {}}),
    "load_state_dict_without_state": lambda m: _adam_load(
        m, {"param_groups": m.optim.Adam([_param(m)]).state_dict()["param_groups"]}),
    "load_state_dict_none": lambda m: _adam_load(m, None),
    "load_state_dict_list": lambda m: _adam_load(m, []),
    "load_state_dict_no_groups": lambda m: _adam_load(m, {"param_groups": []}),
    "adam_fused_and_foreach": lambda m: m.optim.Adam([_param(m)], fused=True, foreach=True),
    "sgd_fused_and_foreach": lambda m: m.optim.SGD([_param(m)], lr=0.1, fused=True, foreach=True),
    "adamw_fused_and_foreach": lambda m: m.optim.AdamW([_param(m)], fused=True, foreach=True),
    "adam_capturable_on_cpu": lambda m: _stepped(m, lambda p: m.optim.Adam(p, capturable=True)),
    "adam_capturable_without_grads_steps": lambda m: m.optim.Adam([m.nn.Parameter(m.ones(2))],
                                                                  capturable=True).step(),
    "rmsprop_capturable_on_cpu": lambda m: _stepped(m, lambda p: m.optim.RMSprop(p, capturable=True)),
}


@pytest.mark.parametrize("name", OPTIM)
def test_optim(name):
    assert_same(OPTIM[name])


def _step_hook_calls(m, make):
    calls = []
    opt = make([_param(m)])
    opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", type(args[0]).__name__, len(args),
                                                                      dict(kwargs))))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", len(args), dict(kwargs))))
    opt.step()
    opt.step(closure=None)
    return calls


def _state_dict_hook_calls(m):
    calls = []
    opt = m.optim.SGD([_param(m)], lr=0.1)
    opt.register_state_dict_pre_hook(lambda o: calls.append("pre"))
    opt.register_state_dict_pre_hook(lambda o: calls.append("pre first"), prepend=True)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    keys = sorted(opt.state_dict())
    opt.register_load_state_dict_pre_hook(
        lambda o, sd: {**sd, "param_groups": [{**sd["param_groups"][0], "lr": 5.0}]})
    opt.register_load_state_dict_post_hook(lambda o: calls.append("loaded"))
    opt.load_state_dict(opt.state_dict())
    return calls, keys, opt.param_groups[0]["lr"]


OPTIM_HOOKS = {
    "adam_step_hooks": lambda m: _step_hook_calls(m, m.optim.Adam),
    "adamw_step_hooks_once": lambda m: _step_hook_calls(m, m.optim.AdamW),
    "sgd_step_hooks": lambda m: _step_hook_calls(m, lambda p: m.optim.SGD(p, lr=0.1)),
    "pre_hook_bad_return": lambda m: (lambda o: (o.register_step_pre_hook(lambda *a: 5), o.step()))(
        m.optim.SGD([_param(m)], lr=0.1)),
    "state_dict_hooks": _state_dict_hook_calls,
}


@pytest.mark.parametrize("name", OPTIM_HOOKS)
def test_optimizer_hooks(name):
    assert_same(OPTIM_HOOKS[name])


def test_step_hook_removed_and_scheduler_still_tracks_the_step():
    calls = []
    w = tc.nn.Parameter(tc.ones(3))
    w.grad = tc.ones(3)
    opt = tc.optim.SGD([w], lr=0.1)
    handle = opt.register_step_post_hook(lambda *a: calls.append(1))
    sched = tc.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
    opt.step()
    handle.remove()
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "scheduler stepped before the optimizer" warning
        sched.step()
    assert calls == [1] and opt.param_groups[0]["lr"] == 0.05


def test_sparse_gradient_refused_by_name():
    w = tc.nn.Parameter(tc.ones(3))
    grad = tc.ones(3).to_sparse()  # kept alive: see the report on sparse .grad wrappers
    w.grad = grad
    with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
        tc.optim.Adam([w]).step()


# ------------------------------------------------------------------ nn.Module full backward hooks
def _summary(g):
    return None if g is None else (tuple(g.shape), round(float(g.double().sum()), 4))


def _hook_calls(m, make_module, call, loss=lambda o: o.sum()):
    """The (pre)hook calls one backward makes: shapes and sums of grad_input
    and grad_output."""
    calls = []
    module = make_module(m)
    module.register_full_backward_pre_hook(lambda mod, go: calls.append(("pre", [_summary(g) for g in go])))
    module.register_full_backward_hook(
        lambda mod, gi, go: calls.append(("hook", [_summary(g) for g in gi], [_summary(g) for g in go])))
    x = m.arange(6.0).reshape(2, 3).requires_grad_()
    loss(call(module, x)).backward()
    return calls, x.grad


def _hook_result(m, register, hook):
    x = m.arange(6.0).reshape(2, 3).requires_grad_()
    lin = m.nn.Linear(3, 2)
    getattr(lin, register)(hook)
    lin(x).sum().backward()
    return x.grad, lin.weight.grad


class _Pair:
    """A module returning two outputs from a tensor and a number."""

    @staticmethod
    def make(m):
        class Pair(m.nn.Module):
            def forward(self, a, k):
                return a * k, a * 2
        return Pair()


BACKWARD_HOOKS = {
    "linear": lambda m: _hook_calls(m, lambda m: m.nn.Linear(3, 2), lambda mod, x: mod(x)),
    "input_without_grad": lambda m: _hook_calls(m, lambda m: m.nn.Linear(3, 2), lambda mod, x: mod(x.detach())),
    "one_input_without_grad_gets_zeros": lambda m: _hook_calls(m, lambda m: m.nn.Bilinear(3, 3, 2),
                                                               lambda mod, x: mod(x.detach(), x)),
    "non_tensor_argument": lambda m: _hook_calls(m, _Pair.make, lambda mod, x: mod(x, 3),
                                                 lambda o: o[0].sum() + o[1].sum()),
    "lstm_state_pair_is_one_entry": lambda m: _hook_calls(m, lambda m: m.nn.LSTM(3, 4),
                                                          lambda mod, x: mod(x.unsqueeze(1)), lambda o: o[0].sum()),
    "identity": lambda m: _hook_calls(m, lambda m: m.nn.Identity(), lambda mod, x: mod(x)),
    "nested": lambda m: _hook_calls(m, lambda m: m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Tanh()),
                                    lambda mod, x: mod(x)),
    "hook_replaces_grad_input": lambda m: _hook_result(m, "register_full_backward_hook",
                                                       lambda mod, gi, go: (gi[0] * 0 + 7,)),
    "pre_hook_replaces_grad_output": lambda m: _hook_result(m, "register_full_backward_pre_hook",
                                                            lambda mod, go: (go[0] * 0,)),
    "pre_hook_list": lambda m: _hook_result(m, "register_full_backward_pre_hook", lambda mod, go: [go[0] * 2]),
    "pre_hook_returns_int": lambda m: _hook_result(m, "register_full_backward_pre_hook", lambda mod, go: 5),
    "pre_hook_returns_two": lambda m: _hook_result(m, "register_full_backward_pre_hook",
                                                   lambda mod, go: (go[0], go[0])),
    "pre_hook_changes_size": lambda m: _hook_result(m, "register_full_backward_pre_hook",
                                                    lambda mod, go: (m.ones(5),)),
    "hook_returns_int": lambda m: _hook_result(m, "register_full_backward_hook", lambda mod, gi, go: 5),
    "hook_returns_a_tensor": lambda m: _hook_result(m, "register_full_backward_hook", lambda mod, gi, go: gi[0]),
    "hook_changes_size": lambda m: _hook_result(m, "register_full_backward_hook", lambda mod, gi, go: (m.ones(5),)),
    "hook_returns_none_entry": lambda m: _hook_result(m, "register_full_backward_hook", lambda mod, gi, go: (None,)),
}


@pytest.mark.parametrize("name", BACKWARD_HOOKS)
def test_module_backward_hooks(name):
    assert_same(BACKWARD_HOOKS[name])


def _state_dict_pre_hook_calls(m):
    calls = []
    seq = m.nn.Sequential(m.nn.Linear(2, 2))
    seq[0].register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append((prefix, keep_vars)))
    keys = sorted(seq.state_dict(keep_vars=True))
    return calls, keys


MODULE_API = {
    "to_complex": lambda m: {k: v.dtype for k, v in m.nn.BatchNorm1d(2).to(m.complex64).state_dict().items()},
    "to_complex_forward": lambda m: m.nn.Linear(2, 2).to(dtype=m.complex64)(m.ones(1, 2, dtype=m.complex64)).dtype,
    "to_int": lambda m: m.nn.Linear(2, 2).to(m.int64),
    "state_dict_pre_hook": _state_dict_pre_hook_calls,
    "state_dict_pre_hook_not_callable": lambda m: (lambda lin: (lin.register_state_dict_pre_hook(3),
                                                                lin.state_dict()))(m.nn.Linear(2, 2)),
}


@pytest.mark.parametrize("name", MODULE_API)
def test_module_api(name):
    assert_same(MODULE_API[name])


def test_backward_hook_node_name_removal_and_no_grad():
    calls = []
    lin = tc.nn.Linear(3, 2)
    handle = lin.register_full_backward_hook(lambda *a: calls.append(1))
    x = tc.ones(2, 3, requires_grad=True)
    out = lin(x)
    assert out.grad_fn.name() == "BackwardHookFunctionBackward"
    out.sum().backward()
    with tc.no_grad():
        assert not lin(x).requires_grad
    handle.remove()
    lin(x).sum().backward()
    assert calls == [1]


def test_backward_hooked_module_gradcheck():
    lin = tc.nn.Linear(3, 2).double()
    lin.register_full_backward_pre_hook(lambda mod, go: None)
    lin.register_full_backward_hook(lambda mod, gi, go: None)
    x = tc.arange(6.0, dtype=tc.float64).reshape(2, 3).requires_grad_()
    assert tc.autograd.gradcheck(lambda a: lin(a).tanh(), (x,))


def test_non_differentiable_input_returned_as_is():
    for m in (torch, tc):
        class Passthrough(m.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                ctx.mark_non_differentiable(a)
                return a, b * 2

            @staticmethod
            def backward(ctx, ga, gb):
                return None, gb * 2
        a, b = Passthrough.apply(m.ones(2, requires_grad=True), m.ones(2, requires_grad=True))
        assert (a.requires_grad, b.requires_grad) == (False, True), m


# ------------------------------------------------------------------ serialization
@pytest.mark.parametrize("source", ["empty_file", "bytesio_not_rewound"])
def test_load_of_no_data_is_an_eof_error(source, tmp_path):
    for m in (torch, tc):
        if source == "empty_file":
            target = tmp_path / f"{m.__name__}.pt"
            target.write_bytes(b"")
        else:
            import io
            target = io.BytesIO()
            m.save(m.ones(2), target)  # left at its end
        with pytest.raises(EOFError):
            m.load(target)


def test_load_of_no_data_is_still_an_unpickling_error(tmp_path):
    import pickle
    (tmp_path / "x.pt").write_bytes(b"")
    with pytest.raises(pickle.UnpicklingError):
        tc.load(tmp_path / "x.pt")
