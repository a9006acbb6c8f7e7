"""torch.utils.data._utils: the module path programs import PyTorch's collate
registry from (``from torch.utils.data._utils.collate import
default_collate_fn_map``); the implementations live in utils/data/*.py."""
from . import collate as collate  # noqa: F401
from . import worker as worker  # noqa: F401
