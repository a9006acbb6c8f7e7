"""tensorcore.optim: optimizers (fused C++ updates for SGD, Adam(W) and
RMSprop, vectorised tensor math for the others) and learning-rate
schedulers."""
from .optimizer import Optimizer as Optimizer  # noqa: F401
from .sgd import SGD as SGD  # noqa: F401
from .adam import (Adam as Adam, AdamW as AdamW)  # noqa: F401
from .rmsprop import RMSprop as RMSprop  # noqa: F401
from .adadelta import Adadelta as Adadelta  # noqa: F401
from .adagrad import Adagrad as Adagrad  # noqa: F401
from .adamax import Adamax as Adamax  # noqa: F401
from .nadam import NAdam as NAdam  # noqa: F401
from .radam import RAdam as RAdam  # noqa: F401
from .rprop import Rprop as Rprop  # noqa: F401
from .asgd import ASGD as ASGD  # noqa: F401
from .sparse_adam import SparseAdam as SparseAdam  # noqa: F401
from .lbfgs import LBFGS as LBFGS  # noqa: F401
from . import lr_scheduler as lr_scheduler  # noqa: F401
from . import adamw  # noqa: E402,F401  (torch.optim.adamw: AdamW's home module, as PyTorch's)
from ._adafactor import Adafactor as Adafactor  # noqa: E402,F401
Adafactor.__module__ = "tensorcore.optim"  # PyTorch's class prints as torch.optim.Adafactor
from . import swa_utils as swa_utils  # noqa: E402,F401  (torch.optim.swa_utils: AveragedModel, SWALR, update_bn)
from ._muon import Muon as Muon  # noqa: E402,F401
Muon.__module__ = "tensorcore.optim"  # PyTorch's class prints as torch.optim.Muon
from ._stateless import swap_in_optimizer_params_and_state  # noqa: E402,F401
swap_in_optimizer_params_and_state.__module__ = "tensorcore.optim"
