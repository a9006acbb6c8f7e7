"""default_collate and default_convert: how samples become batches (PyTorch's
rules), used by the DataLoader in the main process and in worker processes."""
from __future__ import annotations
from typing import Any
import collections.abc
import copy
import re

import numpy as np

from ... import _C
from ..._dtype import float64

Tensor = _C.Tensor

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

_COLLATE_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
# Under PyTorch's names too: custom collate functions import them from torch.utils.data._utils.collate.
default_collate_err_msg_format = _COLLATE_ERR
np_str_obj_array_pattern = re.compile("[SaUO]")  # numpy dtype kinds that cannot become tensors


def _np_ok(arr):
    return np_str_obj_array_pattern.search(arr.dtype.str) is None


# Note [collate registry]
# default_collate is collate(batch, collate_fn_map=default_collate_fn_map), as in PyTorch: the
# type of batch[0] picks a function from the map (its exact type first, then the first key in
# insertion order it is an instance of: a numpy float64 scalar is collated as a numpy scalar, not
# as a float), else containers are collated field by field and anything else is a TypeError.
# The map is public and mutable: programs register their own types in it (or pass their own map
# to collate), and default_collate follows the edit.
def collate(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """Merges a list of samples into a batch: the per-type function from
    `collate_fn_map` (Note [collate registry]); dicts, namedtuples, tuples
    and lists field by field (tuples become lists, as in PyTorch)."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    def field(samples):
        return collate(samples, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: field([d[key] for d in batch]) for key in elem})
                return clone
            return elem_type({key: field([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: field([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(field(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [field(samples) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = field(samples)
                return clone
            return elem_type([field(samples) for samples in transposed])
        except TypeError:
            return [field(samples) for samples in transposed]
    raise TypeError(_COLLATE_ERR.format(elem_type))


def collate_tensor_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """Tensors stacked along a new dim 0."""
    elem = batch[0]
    if getattr(elem, "is_nested", False):
        raise RuntimeError("Batches of nested tensors are not currently supported by the default collate_fn; "
                           "please provide a custom collate_fn to handle them appropriately.")
    if str(elem.layout).rsplit(".", 1)[-1] != "strided":
        raise RuntimeError("Batches of sparse tensors are not currently supported by the default collate_fn; "
                           "please provide a custom collate_fn to handle them appropriately.")
    from ..._functions import stack  # the public stack: PyTorch's TypeError for a non-tensor element
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """numpy arrays (not of strings or objects) as tensors, then collated."""
    elem = batch[0]
    if not _np_ok(elem):
        raise TypeError(_COLLATE_ERR.format(elem.dtype))
    return collate([_as_tensor(np.asarray(b)) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    return _as_tensor(np.asarray(batch))


def collate_float_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """Python floats: one float64 tensor."""
    return _C.tensor_from_data(list(batch), float64)


def collate_int_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """Python ints (and bools): as torch.tensor(batch), the dtype inferred from
    the whole batch, so [1, 2.5] is a float32 batch (never 2.5 truncated) and
    a batch of bools stays bool. Other numbers (complex, Fraction) are not
    collated by PyTorch: they reach collate's TypeError."""
    return _C.tensor_from_data(list(batch), None)


def collate_str_fn(batch: Any, *, collate_fn_map: dict | None = None) -> Any:
    """Strings and bytes stay a list."""
    return batch


default_collate_fn_map: dict = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: Any) -> Any:
    """Merges a list of samples into a batch, as torch's default_collate:
    tensors and numpy arrays are stacked along a new dim 0; Python floats
    become a float64 tensor and ints a tensor of the inferred dtype; strings
    stay a list; containers are collated field by field (Note [collate registry])."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


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
