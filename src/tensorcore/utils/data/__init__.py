"""tensorcore.utils.data: datasets, samplers and DataLoader (PyTorch's API)."""
from .dataset import Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, random_split  # noqa: F401
from .sampler import Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler  # noqa: F401
from .collate import default_collate, default_convert  # noqa: F401
from .dataloader import DataLoader  # noqa: F401
from ._worker import WorkerInfo, get_worker_info  # noqa: F401
from .distributed import DistributedSampler  # noqa: F401,E402
from . import distributed  # noqa: F401,E402
