"""torch.nn.modules.instancenorm: InstanceNorm1d/2d/3d and their lazy forms
under PyTorch's module path (defined in normalization.py and lazy.py; see
Note [PyTorch's home modules])."""
from .normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .lazy import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]
