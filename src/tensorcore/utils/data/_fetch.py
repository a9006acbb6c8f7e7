"""Fetchers: turn one index (or one list of indices) from the DataLoader's
index sampler into one batch. The same fetcher runs in the main process
(num_workers=0) and in every worker process, so both give the same batches."""
import numpy as np

from ..._dtype import int64
from .collate import default_collate
from .dataset import TensorDataset


class _MapDatasetFetcher:
    """dataset[index] for map-style datasets; with auto-collation `index` is a
    list and the samples are merged by collate_fn."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, index):
        ds = self.dataset
        if not self.auto_collation:
            return self.collate_fn(ds[index])
        # Fast path with the same result: default_collate of TensorDataset
        # rows is the rows gathered at once. Only for indices that are plain
        # ints in range: anything else (a negative index, a bool, a tensor, a
        # string from a custom sampler) goes through ds[i] one by one, so it
        # means, or fails, exactly what PyTorch's per-sample indexing does.
        if type(ds) is TensorDataset and self.collate_fn is default_collate:
            index = list(index)
            n = len(ds)
            if all((type(i) is int or isinstance(i, np.integer)) and 0 <= i < n for i in index):
                from ..._functions import tensor
                idx = tensor([int(i) for i in index], dtype=int64)
                return [t.index_select(0, idx) for t in ds.tensors]
        getitems = getattr(ds, "__getitems__", None)
        data = getitems(index) if callable(getitems) else [ds[i] for i in index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    """Draws from one iterator over an IterableDataset. With auto-collation
    `index` is a list whose length is the batch size (its values are unused);
    the last, short batch is kept unless drop_last. Raises StopIteration when
    the iterator has nothing more to give."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in index:
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


def create_fetcher(is_iterable, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterableDatasetFetcher if is_iterable else _MapDatasetFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)
