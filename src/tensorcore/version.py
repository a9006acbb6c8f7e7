"""torch.version: the PyTorch release whose API tensorcore implements (Note [tensorcore reports the PyTorch
version it implements] in torch_version.py) and the build facts PyTorch's CPU wheel reports."""
from .torch_version import TorchVersion

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = TorchVersion("2.13.0+cpu")
debug = False
cuda = None  # a CPU-only build, as PyTorch's +cpu wheel
git_version = "Unknown"  # tensorcore is not built from PyTorch's repository
hip = None
rocm = None
xpu = None
