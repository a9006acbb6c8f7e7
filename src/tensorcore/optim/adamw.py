"""torch.optim.adamw: AdamW under PyTorch's module path (defined in adam.py as
Adam with decoupled weight decay)."""
from .adam import AdamW

AdamW.__module__ = __name__  # type(opt) prints <class 'tensorcore.optim.adamw.AdamW'>, as PyTorch

__all__ = ["AdamW"]
