"""tensorcore.jit.annotations: the typing names TorchScript code imports
from torch.jit.annotations (`from torch.jit.annotations import List,
Tuple, Optional`), and BroadcastingList1/2/3, which in eager code are
subscriptable placeholders whose subscript is None, as in PyTorch."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401  (re-exported for model code)

from ._state import BroadcastingList1, BroadcastingList2, BroadcastingList3  # noqa: F401

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union", "BroadcastingList1", "BroadcastingList2",
           "BroadcastingList3"]
