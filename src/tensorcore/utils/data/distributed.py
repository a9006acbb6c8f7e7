"""DistributedSampler: each rank's share of a data set (PyTorch's lists)."""
from __future__ import annotations
from typing import Any
import math

from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """Restricts data loading to a subset of the data set: rank `rank` of
    `num_replicas` gets every num_replicas-th index of one (optionally
    shuffled) order, so the ranks see disjoint parts of equal length.

    Shuffling draws randperm from a generator seeded with `seed + epoch`
    (call `set_epoch` at the start of each epoch, or every epoch repeats the
    same order); the index lists equal PyTorch's for the same arguments. When
    the length does not divide evenly, `drop_last=False` pads with indices
    from the start of the order, `drop_last=True` drops the tail.
    `num_replicas`/`rank` default to the default process group's.
    """

    def __init__(self, dataset: Any, num_replicas: Any = None, rank: Any = None, shuffle: Any = True, seed: Any = 0, drop_last: Any = False) -> None:
        if num_replicas is None or rank is None:
            from ... import distributed as dist
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            # The largest multiple of num_replicas not above n, per rank.
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Any:
        n = len(self.dataset)
        if self.shuffle:
            from ..._functions import Generator, randperm
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size
        own = indices[self.rank: self.total_size: self.num_replicas]
        assert len(own) == self.num_samples
        return iter(own)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: Any) -> None:
        """Sets the epoch: with shuffle=True, each epoch has its own order."""
        self.epoch = epoch
