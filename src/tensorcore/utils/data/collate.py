"""default_collate and default_convert: how samples become batches (PyTorch's
rules), used by the DataLoader in the main process and in worker processes."""
from __future__ import annotations
from typing import Any
import collections.abc
import copy

import numpy as np

from ... import _C
from ..._dtype import float64

Tensor = _C.Tensor

__all__ = ["default_collate", "default_convert"]

_COLLATE_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _np_ok(arr):
    return arr.dtype.kind not in "SaUO"


def default_collate(batch: Any) -> Any:
    """Merges a list of samples into a batch, as torch's default_collate:
    tensors and numpy arrays are stacked along a new dim 0; Python floats
    become a float64 tensor and ints a tensor of the inferred dtype; strings stay a list;
    dicts, namedtuples, tuples and lists are collated field by field (tuples
    become lists, as in PyTorch)."""
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, Tensor):
        return _C.stack(list(batch), 0)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if isinstance(elem, np.ndarray) or elem_type.__name__ == "memmap":
            if not _np_ok(elem):
                raise TypeError(_COLLATE_ERR.format(elem.dtype))
            return default_collate([_as_tensor(np.asarray(b)) for b in batch])
        if elem.shape == ():  # numpy scalars
            return _as_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return _C.tensor_from_data(list(batch), float64)
    if isinstance(elem, int):
        # As torch.tensor(batch): the dtype is inferred from the whole batch,
        # so [1, 2.5] is a float32 batch (never 2.5 truncated to 2) and a
        # batch of bools stays bool. Other numbers (complex, Fraction) are
        # not collated by PyTorch: they reach the TypeError at the end.
        return _C.tensor_from_data(list(batch), None)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: default_collate([d[key] for d in batch]) for key in elem})
                return clone
            return elem_type({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            return elem_type([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(_COLLATE_ERR.format(elem_type))


def _as_tensor(arr):
    from ..._functions import as_tensor
    return as_tensor(arr)


def default_convert(data: Any) -> Any:
    """Converts numpy arrays in a sample to tensors (used when batching is
    disabled, batch_size=None)."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if isinstance(data, np.ndarray) and not _np_ok(data):
            return data
        return _as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
