"""tensorcore.nn.parallel: DistributedDataParallel (PyTorch's API)."""
from .distributed import DistributedDataParallel  # noqa: F401
