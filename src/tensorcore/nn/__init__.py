"""tensorcore.nn: modules, parameters, functional ops and initialisation,
with PyTorch's API."""
from .parameter import Parameter, Buffer  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from . import functional, init, utils, grad  # noqa: F401
from . import parallel  # noqa: F401,E402
from . import attention  # noqa: F401,E402
