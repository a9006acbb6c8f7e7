"""tensorcore.nn: modules, parameters, functional ops and initialisation,
with PyTorch's API."""
from .parameter import (Parameter as Parameter, Buffer as Buffer)  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module as Module  # noqa: F401
from . import (functional as functional, init as init, utils as utils, grad as grad)  # noqa: F401
from . import parallel as parallel  # noqa: F401,E402
from . import attention as attention  # noqa: F401,E402
