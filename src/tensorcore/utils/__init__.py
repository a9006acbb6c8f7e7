"""tensorcore.utils: data loading (utils.data)."""
from . import data as data  # noqa: F401
