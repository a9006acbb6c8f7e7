"""DistributedDataParallel communication hooks
(DistributedDataParallel.register_comm_hook)."""
from . import debugging_hooks, default_hooks  # noqa: F401
