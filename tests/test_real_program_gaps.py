"""Gaps found by running public programs unchanged (tests/test_real_programs.py),
each checked against PyTorch here so they stay fixed without the corpus."""
import numpy as np
import pytest

import tensorcore as tc


@pytest.mark.parametrize("name,data", [
    ("LongTensor", [2 ** 40 + 1, -(2 ** 53) - 1]),  # pyGAT: LongTensor(range(...)); exact above 2**24
    ("LongTensor", range(5)),
    ("LongTensor", [1.7, -1.7]),
    ("FloatTensor", [[1, 2], [3, 4]]),
    ("FloatTensor", np.arange(3)),
    ("DoubleTensor", (0.1, 0.2)),
    ("BoolTensor", [0, 2]),
    ("IntTensor", range(3)),
    ("LongTensor", []),
])
def test_legacy_constructors_from_data_match_torch(name, data):
    torch = pytest.importorskip("torch")
    expected = getattr(torch, name)(data)
    actual = getattr(tc, name)(data)
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_legacy_long_tensor_keeps_large_integers():
    assert tc.LongTensor([2 ** 40 + 1]).tolist() == [2 ** 40 + 1]


def test_tensor_reads_nested_ranges():
    assert tc.tensor([range(2), range(2)]).tolist() == [[0, 1], [0, 1]]
    assert tc.tensor((range(1, 3), [5, 6])).tolist() == [[1, 2], [5, 6]]
