"""torch.nn.parallel.parallel_apply (Note [nn.parallel helpers without devices])."""
from ._no_accelerator import parallel_apply  # noqa: F401
