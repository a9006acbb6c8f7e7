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
