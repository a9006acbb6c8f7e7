from .module import Module, RemovableHandle  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .activation import (ReLU, ReLU6, LeakyReLU, GELU, SiLU, ELU, Hardtanh, Sigmoid, Tanh, Softplus,  # noqa: F401
                         Softmax, Softmin, LogSoftmax)
from .dropout import Dropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict  # noqa: F401
from .sparse import Embedding  # noqa: F401
from .normalization import LayerNorm  # noqa: F401
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,  # noqa: F401
                   BCEWithLogitsLoss)
from .conv import Conv1d, Conv2d  # noqa: F401
from .pooling import MaxPool2d, AvgPool2d, AdaptiveAvgPool2d  # noqa: F401
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: F401
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell  # noqa: F401
