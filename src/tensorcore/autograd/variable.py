"""torch.autograd.variable: the legacy Variable, under its old module path."""
from . import Variable  # noqa: F401

__all__ = ["Variable"]
