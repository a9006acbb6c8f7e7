"""tensorcore.distributed.algorithms (PyTorch's torch.distributed.algorithms):
the DistributedDataParallel communication hooks."""
from . import ddp_comm_hooks  # noqa: F401
