"""torch.nn.utils.init's names (defined in nn/utils/__init__.py)."""
from . import skip_init  # noqa: F401

__all__ = ["skip_init"]
