"""torch.nn.parallel.scatter_gather (Note [nn.parallel helpers without devices])."""
from ._no_accelerator import gather, scatter, scatter_kwargs  # noqa: F401
