"""torch.cpu.amp: deprecated spellings of torch.amp for the CPU device."""
from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["autocast", "GradScaler"]
