"""tensorcore.nn.parallel: DistributedDataParallel (PyTorch's API)."""
from .distributed import DistributedDataParallel  # noqa: F401
from .data_parallel import DataParallel, data_parallel  # noqa: F401,E402
