"""torch.nn.parallel.replicate (Note [nn.parallel helpers without devices])."""
from ._no_accelerator import replicate  # noqa: F401
