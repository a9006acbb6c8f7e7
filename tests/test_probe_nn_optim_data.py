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


def assert_same(f):
    want, got = outcome(f, torch), outcome(f, tc)
    assert want[0] == got[0], (want, got)
    if want[0] == "raises":
        assert want == got
    else:
        np.testing.assert_equal(got[1], want[1])


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
}


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
}


@pytest.mark.parametrize("name", NORMS)
def test_normalisation(name):
    assert_same(NORMS[name])
