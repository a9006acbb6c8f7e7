"""torch.nn.utils.memory_format's names (defined in nn/utils/__init__.py)."""
from . import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format  # noqa: F401

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]
