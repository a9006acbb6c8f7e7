"""tensorcore.utils.data: datasets, samplers and DataLoader (PyTorch's API)."""
from .dataset import (Dataset as Dataset, IterableDataset as IterableDataset, TensorDataset as TensorDataset,  # noqa: F401
                      Subset as Subset, ConcatDataset as ConcatDataset, ChainDataset as ChainDataset,
                      StackDataset as StackDataset, random_split as random_split)
from .sampler import (Sampler as Sampler, SequentialSampler as SequentialSampler,  # noqa: F401
                      RandomSampler as RandomSampler, SubsetRandomSampler as SubsetRandomSampler,
                      WeightedRandomSampler as WeightedRandomSampler,
                      BatchSampler as BatchSampler)
from .collate import (default_collate as default_collate, default_convert as default_convert)  # noqa: F401
from .dataloader import DataLoader as DataLoader  # noqa: F401
from ._worker import (WorkerInfo as WorkerInfo, get_worker_info as get_worker_info)  # noqa: F401
from .distributed import DistributedSampler as DistributedSampler  # noqa: F401,E402
from . import distributed as distributed  # noqa: F401,E402
