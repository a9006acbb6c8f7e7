"""Differences found by running real public PyTorch programs under tensorcore
(tests/real_programs, helper realprog20), each reduced to a one-line repro and
compared with PyTorch here. Every case failed or differed before its fix."""
import array
import collections

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _same(ours, theirs):
    assert ours.dtype.__repr__().split(".")[-1] == theirs.dtype.__repr__().split(".")[-1]
    assert list(ours.shape) == list(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def _raised(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None


class _TwoItems:
    """A user sequence: __len__ and __getitem__ only (PySequence_Check passes)."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        if i >= 2:
            raise IndexError(i)
        return i * 1.5


# pytorch/examples reinforcement_learning/reinforce.py: torch.tensor(collections.deque of returns).
@pytest.mark.parametrize("make", [
    lambda lib: collections.deque([1.0, 2.5, -3.0]),
    lambda lib: collections.deque([1, 2]),
    lambda lib: [collections.deque([1, 2]), (3, 4)],
    lambda lib: (collections.deque([1.0]), [2.0]),
    lambda lib: _TwoItems(),
    lambda lib: array.array("i", [4, 5, 6]),
    lambda lib: [range(2), collections.deque([7, 8])],
    lambda lib: collections.deque([lib.tensor(1.5), lib.tensor(2.0)]),
], ids=["deque_float", "deque_int", "nested_deque", "tuple_of_deque", "user_sequence", "array_array",
        "range_and_deque", "deque_of_scalar_tensors"])
@pytest.mark.parametrize("factory", ["tensor", "as_tensor"])
def test_tensor_reads_any_sequence(make, factory):
    _same(getattr(tc, factory)(make(tc)), getattr(torch, factory)(make(torch)))


@pytest.mark.parametrize("make", [lambda: {1, 2}, lambda: {1: 2}, lambda: (i for i in range(2))],
                         ids=["set", "dict", "generator"])
def test_tensor_refuses_non_sequences_like_torch(make):
    ours, theirs = _raised(lambda lib: lib.tensor(make()), tc), _raised(lambda lib: lib.tensor(make()), torch)
    assert theirs is not None and ours == theirs
