"""torch.nn.utils.convert_parameters's names (defined in nn/utils/__init__.py)."""
from . import parameters_to_vector, vector_to_parameters  # noqa: F401

__all__ = ["parameters_to_vector", "vector_to_parameters"]
