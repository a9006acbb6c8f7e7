from .module import Module, RemovableHandle  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .activation import (ReLU, ReLU6, LeakyReLU, GELU, SiLU, ELU, Hardtanh, Sigmoid, Tanh, Softplus,  # noqa: F401
                         Softmax, Softmin, LogSoftmax, MultiheadAttention)
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
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,  # noqa: F401
                          TransformerDecoderLayer)
# Python-composed modules (nn/_functional_more.py underneath).
from .dropout import Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout  # noqa: F401,E402
from .activation_more import *  # noqa: F401,F403,E402
from .normalization import (GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, RMSNorm,  # noqa: F401,E402
                            LocalResponseNorm)
from .distance import CosineSimilarity, PairwiseDistance  # noqa: F401,E402
from .pixelshuffle import *  # noqa: F401,F403,E402
from .pooling import MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d  # noqa: F401,E402
from .loss import (KLDivLoss, MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss,  # noqa: F401,E402
                   CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss, MultiLabelSoftMarginLoss)
from .conv_transpose import ConvTranspose1d, ConvTranspose2d  # noqa: F401,E402
from .conv import Conv3d  # noqa: F401,E402
from .conv_transpose import ConvTranspose3d  # noqa: F401,E402
from .padding import *  # noqa: F401,F403,E402
from .fold import Fold, Unfold  # noqa: F401,E402
from .pooling import (MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool1d,  # noqa: F401,E402
                      MaxUnpool2d, MaxUnpool3d, LPPool1d, LPPool2d, LPPool3d, FractionalMaxPool2d,
                      FractionalMaxPool3d)
from .linear import Bilinear  # noqa: F401,E402
from .sparse import EmbeddingBag  # noqa: F401,E402
from .loss import (NLLLoss2d, CTCLoss, MultiMarginLoss, MultiLabelMarginLoss,  # noqa: F401,E402
                   TripletMarginWithDistanceLoss)
from .batchnorm import BatchNorm3d, SyncBatchNorm  # noqa: F401,E402
from .param_containers import ParameterList, ParameterDict, Container  # noqa: F401,E402
from .lazy import *  # noqa: F401,F403,E402
from .normalization import CrossMapLRN2d  # noqa: F401,E402
from ..parallel.data_parallel import DataParallel  # noqa: F401,E402
from .adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: F401,E402
from .linear_cross_entropy import LinearCrossEntropyLoss, LinearCrossEntropyOptions  # noqa: F401,E402
