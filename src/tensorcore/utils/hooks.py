"""torch.utils.hooks: RemovableHandle, the handle hook registrations return."""
from ..nn.modules.module import RemovableHandle  # noqa: F401

RemovableHandle.__module__ = __name__  # type(handle) prints <class 'tensorcore.utils.hooks.RemovableHandle'>

__all__ = ["RemovableHandle"]
