"""DataLoader and the default collate function."""
import collections.abc
import copy
import numbers

import numpy as np

from ... import _C
from ..._dtype import float64, int64
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

Tensor = _C.Tensor

__all__ = ["DataLoader", "default_collate", "default_convert"]

_COLLATE_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _np_ok(arr):
    return arr.dtype.kind not in "SaUO"


def default_collate(batch):
    """Merges a list of samples into a batch, as torch's default_collate:
    tensors and numpy arrays are stacked along a new dim 0; Python floats
    become a float64 tensor and ints an int64 tensor; strings stay a list;
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
    if isinstance(elem, bool):
        return _C.tensor_from_data(list(batch), None)
    if isinstance(elem, float):
        return _C.tensor_from_data(list(batch), float64)
    if isinstance(elem, int):
        return _C.tensor_from_data(list(batch), int64)
    if isinstance(elem, numbers.Number):
        return _C.tensor_from_data([complex(b) if isinstance(b, complex) else b for b in batch], None)
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


def default_convert(data):
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


class DataLoader:
    r"""Iterates over a dataset in batches.

    Args match torch.utils.data.DataLoader: batch_size (None disables
    batching), shuffle (a RandomSampler over `generator`, a
    tensorcore.Generator, or the global RNG), sampler / batch_sampler,
    collate_fn (default_collate), drop_last. Loading runs in the calling
    process: num_workers, pin_memory, timeout and the worker options are
    accepted for compatibility but no worker processes are started.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                                 "drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def _fetch(self, indices):
        ds = self.dataset
        # Fast path with the same result: default_collate of TensorDataset
        # rows is the rows gathered at once.
        if type(ds) is TensorDataset and self.collate_fn is default_collate:
            from ..._functions import tensor
            idx = tensor(indices, dtype=int64)
            return [t.index_select(0, idx) for t in ds.tensors]
        getitems = getattr(ds, "__getitems__", None)
        data = getitems(indices) if callable(getitems) else [ds[i] for i in indices]
        return self.collate_fn(data)

    def __iter__(self):
        # PyTorch's loader iterator draws a base seed for its workers from
        # the loader's generator before sampling; drawing it too keeps the
        # shuffled order identical to PyTorch's for the same seed.
        self._base_seed = int(_C.empty([], int64).random_(generator=self.generator).item())
        if self._iterable:
            yield from self._iter_iterable()
            return
        if self._auto_collation:
            for indices in self.batch_sampler:
                yield self._fetch(list(indices))
        else:
            for idx in self.sampler:
                yield self.collate_fn(self.dataset[idx])

    def _iter_iterable(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)
