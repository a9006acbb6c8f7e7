"""tensorcore.nn.parallel: DistributedDataParallel (PyTorch's API)."""
from .distributed import DistributedDataParallel  # noqa: F401
from .data_parallel import DataParallel, data_parallel  # noqa: F401,E402
from . import _functions, parallel_apply, replicate, scatter_gather  # noqa: F401,E402  (bind the submodules first)
# As in PyTorch, the package's names are the functions, shadowing their submodules' names.
from ._no_accelerator import gather, parallel_apply, replicate, scatter  # noqa: F401,E402,F811
