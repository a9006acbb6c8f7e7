"""tensorcore.utils: data loading (utils.data); utils.checkpoint is imported by the package once autograd and
autocast exist."""
from . import data as data  # noqa: F401
