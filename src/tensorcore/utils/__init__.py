"""tensorcore.utils: data loading (utils.data) and activation checkpointing (utils.checkpoint)."""
from . import data as data  # noqa: F401
from . import checkpoint as checkpoint  # noqa: F401
from . import hooks as hooks  # noqa: F401
from . import benchmark as benchmark  # noqa: F401
from . import _pytree as _pytree  # noqa: F401  (torch.utils._pytree, bound as in PyTorch)
