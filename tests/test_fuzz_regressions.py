"""Mismatches the differential fuzzer found, pinned as tests against PyTorch
(each was a pre-existing difference that a shifted fuzz sequence reached)."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = f(m)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e).__name__
    return np.asarray(r.tolist()), str(r.dtype).split(".")[-1]


CASES = {
    "bitwise_shapes_before_dtypes": lambda m: m.zeros(0, 2, dtype=m.float64) ^ m.ones(1, 3, dtype=m.bool),
    "norm_bool_p_of_a_bool_tensor": lambda m: m.tensor(True).norm(True),
    "arange_int32_out_counts_in_double": lambda m: m.arange(0, 2.5, out=m.empty(1, dtype=m.int32)),
    "arange_int64_out_truncates": lambda m: m.arange(0, 2.5, out=m.empty(1, dtype=m.int64)),
    "arange_int16_out": lambda m: m.arange(0.5, 3.2, out=m.empty(0, dtype=m.int16)),
    "lerp_int_start_end_zero_dim_float_weight": lambda m: m.lerp(m.tensor(3), m.tensor(5), m.tensor(0.2)),
    "lerp_int_vectors_zero_dim_weight": lambda m: m.lerp(m.tensor([3]), m.tensor([5]), m.tensor(0.2)),
    "index_put_accumulate_into_empty_result": lambda m: m.zeros(2, 0, 2).index_put_(
        (m.tensor([-1, -3, 0]),), m.tensor([5.2]), accumulate=True),
    "getitem_empty_result_out_of_range": lambda m: m.zeros(2, 0, 2)[m.tensor([-3])],
    "getitem_zero_size_dim": lambda m: m.zeros(0, 3)[m.tensor([1])],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    ours, theirs = outcome(CASES[name], tc), outcome(CASES[name], torch)
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        assert not isinstance(ours, str), ours
        np.testing.assert_array_equal(ours[0], theirs[0])
        assert ours[1] == theirs[1]


def test_setitem_into_a_zero_size_dim_raises_index_error():
    x, tx = tc.zeros(0, 0, 4), torch.zeros(0, 0, 4)
    with pytest.raises(IndexError):
        tx[True, True, [2, 3]] = torch.ones(4, 2, dtype=torch.float64)
    with pytest.raises(IndexError):
        x[True, True, [2, 3]] = tc.ones(4, 2, dtype=tc.float64)
