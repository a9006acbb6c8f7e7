from .module import (Module as Module, RemovableHandle as RemovableHandle)  # noqa: F401
from .linear import (Identity as Identity, Linear as Linear)  # noqa: F401
from .activation import (ReLU as ReLU, ReLU6 as ReLU6, LeakyReLU as LeakyReLU, GELU as GELU, SiLU as SiLU,  # noqa: F401
                         ELU as ELU, Hardtanh as Hardtanh, Sigmoid as Sigmoid, Tanh as Tanh,
                         Softplus as Softplus, Softmax as Softmax, Softmin as Softmin,
                         LogSoftmax as LogSoftmax, MultiheadAttention as MultiheadAttention)
from .dropout import Dropout as Dropout  # noqa: F401
from .flatten import (Flatten as Flatten, Unflatten as Unflatten)  # noqa: F401
from .container import (Sequential as Sequential, ModuleList as ModuleList, ModuleDict as ModuleDict)  # noqa: F401
from .sparse import Embedding as Embedding  # noqa: F401
from .normalization import LayerNorm as LayerNorm  # noqa: F401
from .loss import (L1Loss as L1Loss, MSELoss as MSELoss, SmoothL1Loss as SmoothL1Loss, HuberLoss as HuberLoss,  # noqa: F401
                   NLLLoss as NLLLoss, CrossEntropyLoss as CrossEntropyLoss, BCELoss as BCELoss,
                   BCEWithLogitsLoss as BCEWithLogitsLoss)
from .conv import (Conv1d as Conv1d, Conv2d as Conv2d)  # noqa: F401
from .pooling import (MaxPool2d as MaxPool2d, AvgPool2d as AvgPool2d, AdaptiveAvgPool2d as AdaptiveAvgPool2d)  # noqa: F401
from .batchnorm import (BatchNorm1d as BatchNorm1d, BatchNorm2d as BatchNorm2d)  # noqa: F401
from .rnn import (RNNBase as RNNBase, RNN as RNN, LSTM as LSTM, GRU as GRU, RNNCellBase as RNNCellBase,  # noqa: F401
                  RNNCell as RNNCell, LSTMCell as LSTMCell, GRUCell as GRUCell)
from .transformer import (Transformer as Transformer, TransformerEncoder as TransformerEncoder,  # noqa: F401
                          TransformerDecoder as TransformerDecoder,
                          TransformerEncoderLayer as TransformerEncoderLayer,
                          TransformerDecoderLayer as TransformerDecoderLayer)
# Python-composed modules (nn/_functional_more.py underneath).
from .dropout import (Dropout1d as Dropout1d, Dropout2d as Dropout2d, Dropout3d as Dropout3d,  # noqa: F401,E402
                      AlphaDropout as AlphaDropout, FeatureAlphaDropout as FeatureAlphaDropout)
from .activation_more import *  # noqa: F401,F403,E402
from .normalization import (GroupNorm as GroupNorm, InstanceNorm1d as InstanceNorm1d,  # noqa: F401,E402
                            InstanceNorm2d as InstanceNorm2d, InstanceNorm3d as InstanceNorm3d,
                            RMSNorm as RMSNorm, LocalResponseNorm as LocalResponseNorm)
from .distance import (CosineSimilarity as CosineSimilarity, PairwiseDistance as PairwiseDistance)  # noqa: F401,E402
from .pixelshuffle import *  # noqa: F401,F403,E402
from .pooling import (MaxPool1d as MaxPool1d, AvgPool1d as AvgPool1d, AdaptiveAvgPool1d as AdaptiveAvgPool1d,  # noqa: F401,E402
                      AdaptiveMaxPool1d as AdaptiveMaxPool1d, AdaptiveMaxPool2d as AdaptiveMaxPool2d)
from .loss import (KLDivLoss as KLDivLoss, MarginRankingLoss as MarginRankingLoss,  # noqa: F401,E402
                   HingeEmbeddingLoss as HingeEmbeddingLoss, SoftMarginLoss as SoftMarginLoss,
                   CosineEmbeddingLoss as CosineEmbeddingLoss, TripletMarginLoss as TripletMarginLoss,
                   PoissonNLLLoss as PoissonNLLLoss, GaussianNLLLoss as GaussianNLLLoss,
                   MultiLabelSoftMarginLoss as MultiLabelSoftMarginLoss)
from .conv_transpose import (ConvTranspose1d as ConvTranspose1d, ConvTranspose2d as ConvTranspose2d)  # noqa: F401,E402
from .conv import Conv3d as Conv3d  # noqa: F401,E402
from .conv_transpose import ConvTranspose3d as ConvTranspose3d  # noqa: F401,E402
from .padding import *  # noqa: F401,F403,E402
from .fold import (Fold as Fold, Unfold as Unfold)  # noqa: F401,E402
from .pooling import (MaxPool3d as MaxPool3d, AvgPool3d as AvgPool3d, AdaptiveAvgPool3d as AdaptiveAvgPool3d,  # noqa: F401,E402
                      AdaptiveMaxPool3d as AdaptiveMaxPool3d, MaxUnpool1d as MaxUnpool1d,
                      MaxUnpool2d as MaxUnpool2d, MaxUnpool3d as MaxUnpool3d, LPPool1d as LPPool1d,
                      LPPool2d as LPPool2d, LPPool3d as LPPool3d, FractionalMaxPool2d as FractionalMaxPool2d,
                      FractionalMaxPool3d as FractionalMaxPool3d)
from .linear import Bilinear as Bilinear  # noqa: F401,E402
from .sparse import EmbeddingBag as EmbeddingBag  # noqa: F401,E402
from .loss import (NLLLoss2d as NLLLoss2d, CTCLoss as CTCLoss, MultiMarginLoss as MultiMarginLoss,  # noqa: F401,E402
                   MultiLabelMarginLoss as MultiLabelMarginLoss,
                   TripletMarginWithDistanceLoss as TripletMarginWithDistanceLoss)
from .batchnorm import (BatchNorm3d as BatchNorm3d, SyncBatchNorm as SyncBatchNorm)  # noqa: F401,E402
from .param_containers import (ParameterList as ParameterList, ParameterDict as ParameterDict,  # noqa: F401,E402
                               Container as Container)
from .lazy import *  # noqa: F401,F403,E402
from .normalization import CrossMapLRN2d as CrossMapLRN2d  # noqa: F401,E402
from ..parallel.data_parallel import DataParallel as DataParallel  # noqa: F401,E402
from .adaptive import AdaptiveLogSoftmaxWithLoss as AdaptiveLogSoftmaxWithLoss  # noqa: F401,E402
from .linear_cross_entropy import (LinearCrossEntropyLoss as LinearCrossEntropyLoss,  # noqa: F401,E402
                                   LinearCrossEntropyOptions as LinearCrossEntropyOptions)


# Note [PyTorch's home modules]
# type(layer), a class's repr and a pickled module all name the module a class
# lives in. Some classes here are written in a different file than PyTorch's
# (activation_more.py, pixelshuffle.py, lazy.py, ...); each is given PyTorch's
# module path as its __module__ and is set as an attribute of that module, so
# `print(type(m))` reads <class 'tensorcore.nn.modules.activation.Mish'> and a
# pickle that names that path finds the class there. The files they are written
# in keep them too (pickles written before still load).
def _move_to_pytorch_home_modules():
    import importlib

    homes = {
        "activation": ("CELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "LogSigmoid", "Mish", "PReLU",
                       "RReLU", "SELU", "Softmax2d", "Softshrink", "Softsign", "Tanhshrink", "Threshold"),
        "padding": ("ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"),
        "upsampling": ("Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"),
        "channelshuffle": ("ChannelShuffle",),
        "instancenorm": ("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d",
                         "LazyInstanceNorm2d", "LazyInstanceNorm3d"),
        "conv": ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d", "LazyConv2d", "LazyConv3d",
                 "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"),
        "batchnorm": ("LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d"),
        "linear": ("LazyLinear",),
        "container": ("Container", "ParameterDict", "ParameterList"),
        "loss": ("LinearCrossEntropyLoss",),
    }
    package = globals()
    for home, names in homes.items():
        module = importlib.import_module(f"{__name__}.{home}")
        for name in names:
            cls = package[name]
            cls.__module__ = module.__name__
            setattr(module, name, cls)
    parameter_module = importlib.import_module("tensorcore.nn.parameter")
    for name in ("UninitializedParameter", "UninitializedBuffer"):
        cls = package[name]
        cls.__module__ = parameter_module.__name__
        setattr(parameter_module, name, cls)


_move_to_pytorch_home_modules()
del _move_to_pytorch_home_modules
