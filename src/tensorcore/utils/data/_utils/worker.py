"""torch.utils.data._utils.worker: get_worker_info and WorkerInfo under PyTorch's path."""
from .._worker import WorkerInfo as WorkerInfo, get_worker_info as get_worker_info  # noqa: F401
