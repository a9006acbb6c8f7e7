"""tensorcore: a tensor engine with a C++ core and PyTorch's API.

`import tensorcore as torch` works for the covered subset: tensors, views,
elementwise ops, reductions, matmul, autograd, nn, optim and utils.data.
"""
import math as _math
from typing import TYPE_CHECKING as _TYPE_CHECKING

from . import _lapack_preload  # noqa: F401  (before _C, which needs OpenBLAS)
from . import _C
from ._dtype import (dtype as dtype, Size as Size, device as device, int32 as int32, int64 as int64,
                     float32 as float32, float64 as float64, bool_ as _bool)
from ._dtype import ALL as _ALL_DTYPES

_C._register(Size, _ALL_DTYPES)

if _TYPE_CHECKING:
    # The class is C++ with methods installed at import (_tensor, _elementwise, ...): _api.pyi declares it
    # for type checkers (Note [Typing the dynamic API]).
    from ._api import Tensor as Tensor
else:
    Tensor = _C.Tensor
    Tensor.__module__ = "tensorcore"
    # Assigning __name__ to a heap type also rewrites its C-level tp_name (pybind11 set it to the dotted
    # "tensorcore._C.Tensor"), which Python's own messages quote: "'Tensor' object has no attribute 'x'",
    # "unsupported operand type(s) for +: 'Tensor' and 'str'", as PyTorch words them.
    Tensor.__name__ = "Tensor"

from ._tensor_str import (set_printoptions as set_printoptions, get_printoptions as get_printoptions,  # noqa: E402
                          printoptions as printoptions)
from . import _tensor  # noqa: E402,F401  (installs Tensor methods)
from . import _composites  # noqa: E402
from . import _shape_helpers, _products, _index_sort, _functions_more  # noqa: E402,F401  (register into _FUNCTIONS)
globals().update(_composites._FUNCTIONS)
from ._functions import *  # noqa: E402,F401,F403
from ._functions import __all__ as _fn_all  # noqa: E402
from . import _elementwise  # noqa: E402
_elementwise.install(Tensor, globals())  # exp, atan2, eq, ... from the registry _C exports
from . import _math_extra  # noqa: E402
_math_extra.install(globals())  # polygamma, logit, mvlgamma, float_power, positive (extra arguments / compositions)
from . import autograd  # noqa: E402
from .autograd import (Variable as Variable, no_grad as no_grad, enable_grad as enable_grad,  # noqa: E402
                       set_grad_enabled as set_grad_enabled, is_grad_enabled as is_grad_enabled,
                       inference_mode as inference_mode, is_inference_mode_enabled as is_inference_mode_enabled)
from .autograd.anomaly_mode import (is_anomaly_enabled as is_anomaly_enabled,  # noqa: E402
                                    is_anomaly_check_nan_enabled as is_anomaly_check_nan_enabled,
                                    set_anomaly_enabled as set_anomaly_enabled)
from . import amp  # noqa: E402,F401
from . import func  # noqa: E402,F401
from . import special  # noqa: E402,F401
from .func import vmap as vmap  # noqa: E402,F401
from . import cuda  # noqa: E402
from ._args import (memory_format as memory_format, contiguous_format as contiguous_format,  # noqa: E402,F401
                    preserve_format as preserve_format, channels_last as channels_last,
                    channels_last_3d as channels_last_3d)
from . import _functions  # noqa: E402  (already bound: importing a submodule binds it in its package)
from ._functions import get_num_threads as get_num_threads  # noqa: E402
set_num_threads = _functions._set_num_threads
from ._functions import (get_num_interop_threads as get_num_interop_threads,  # noqa: E402,F401
                         set_num_interop_threads as set_num_interop_threads)

# PyTorch spellings of the dtypes.
globals()["bool"] = _bool
float = float32  # noqa: A001
double = float64
long = int64
int = int32  # noqa: A001
float32 = float32
float64 = float64
from ._dtype import (float16 as float16, bfloat16 as bfloat16, uint8 as uint8, int8 as int8,  # noqa: E402,F401
                     int16 as int16, complex64 as complex64, complex128 as complex128)
from ._type_info import finfo as finfo, iinfo as iinfo  # noqa: E402,F401
half = float16
short = int16
cfloat = complex64
cdouble = complex128

# torch.__version__ is the PyTorch release tensorcore implements (Note [tensorcore reports the PyTorch version it
# implements]); tensorcore's own release is __tensorcore_version__.
__tensorcore_version__ = "0.1.0"
from . import torch_version as torch_version, version as version  # noqa: E402
__version__ = version.__version__

# math constants, as torch exports them
inf = _math.inf
nan = _math.nan
pi = _math.pi
e = _math.e


from . import _complex  # noqa: E402
_complex.install(Tensor, globals())  # view_as_real, real/imag, conj, angle, polar, complex
from . import _aliases  # noqa: E402
_aliases.install(Tensor, globals())
from . import _out_variants  # noqa: E402
_out_variants.install(globals())  # out= for reductions, sort, mm, ... (Note [out= dtypes per op family])

from . import nn, optim, utils  # noqa: E402,F401
from . import _function_forms  # noqa: E402
_function_forms.install(Tensor, globals(), nn.functional)  # torch.sin_, torch.selu_, torch.dropout, ...
from . import accelerator, backends, compiler, onnx  # noqa: E402,F401
from ._compile import compile as compile  # noqa: E402,F401,A001
from ._typename import typename as typename  # noqa: E402,F401
from . import _dynamo  # noqa: E402,F401  (torch._dynamo: config and markers, Note [torch._dynamo without a compiler])
from ._global_settings import (  # noqa: E402,F401
    use_deterministic_algorithms as use_deterministic_algorithms,
    are_deterministic_algorithms_enabled as are_deterministic_algorithms_enabled,
    is_deterministic_algorithms_warn_only_enabled as is_deterministic_algorithms_warn_only_enabled,
    set_deterministic_debug_mode as set_deterministic_debug_mode,
    get_deterministic_debug_mode as get_deterministic_debug_mode,
    set_float32_matmul_precision as set_float32_matmul_precision,
    get_float32_matmul_precision as get_float32_matmul_precision)
from . import distributed  # noqa: E402,F401  (never starts MPI: see distributed/_mpi.py)
from . import futures  # noqa: E402,F401
from . import jit  # noqa: E402,F401  (torch.jit: script/trace run eagerly)
from . import profiler  # noqa: E402,F401  (torch.profiler: record_function regions)
from .autograd import profiler as _autograd_profiler  # noqa: E402,F401  (binds torch.autograd.profiler)
from . import linalg  # noqa: E402,F401
from . import fft  # noqa: E402,F401  (torch.fft: Note [FFT backend: numpy's pocketfft] in fft.py)
from . import _spectral  # noqa: E402
_spectral.install(globals())  # torch.stft, torch.istft, Tensor.stft/istft
from . import _linalg_legacy  # noqa: E402
_linalg_legacy.install(globals())  # torch.det, torch.svd, Tensor.inverse, ...
from . import distributions  # noqa: E402,F401
from .serialization import save as save, load as load  # noqa: E402,F401
from . import sparse  # noqa: E402
from . import storage  # noqa: E402  (Tensor.storage / untyped_storage)
from .storage import TypedStorage as TypedStorage, UntypedStorage as UntypedStorage  # noqa: E402,F401
from .storage import is_storage as is_storage  # noqa: E402,F401
globals().update(storage.LEGACY_STORAGES)  # torch.FloatStorage, torch.LongStorage, ...
Storage = storage.LEGACY_STORAGES["FloatStorage"]  # PyTorch's torch.Storage is its FloatStorage
newaxis = None  # numpy's spelling, as PyTorch


def get_device(input):  # noqa: E302  (torch.get_device: -1 for a CPU tensor, as Tensor.get_device)
    return input.get_device()


from . import hub  # noqa: E402,F401  (torch.hub: the checkpoint cache, hubconf entry points)
from . import overrides  # noqa: E402,F401  (torch.overrides: __torch_function__ by hand)
sparse.install(Tensor, globals())  # sparse_coo_tensor, to_sparse, layouts; mm/matmul/add see sparse operands
from ._ops import ops as ops  # noqa: E402  (torch.ops, Note [torch.ops without a dispatcher])
from . import multiprocessing  # noqa: E402  (Tensor.share_memory_, tensors passed by reference)
from . import cpu  # noqa: E402,F401  (torch.cpu, torch.cpu.amp)
from .amp import autocast as autocast  # noqa: E402,F401
globals().update(amp.autocast_mode.TORCH_FUNCTIONS)  # is_autocast_enabled, get_autocast_dtype, ...
from . import random  # noqa: E402,F401  (torch.random: seeding, fork_rng)
from . import testing  # noqa: E402,F401  (torch.testing: assert_close, make_tensor)
from .utils import checkpoint as _utils_checkpoint  # noqa: E402,F401  (binds torch.utils.checkpoint, as PyTorch)
from .autograd import functional as _autograd_functional  # noqa: E402,F401  (torch.autograd.functional)
from .amp.grad_scaler import _amp_foreach_non_finite_check_and_unscale_, _amp_update_scale_  # noqa: E402,F401
from ._foreach import *  # noqa: E402,F401,F403  (torch._foreach_*, Note [foreach is a loop on the CPU])
from .amp import _policies as _amp_policies  # noqa: E402
_amp_policies.install()  # last: wraps the ops on PyTorch's CPU autocast lists (Note [CPU autocast op lists])
from . import _einops_backend  # noqa: E402
_einops_backend.install()  # einops on tensorcore tensors under `import tensorcore as torch` (Note [An einops backend ...])
from . import functional  # noqa: E402,F401  (torch.functional: einsum, split, norm, ... as PyTorch binds it)

if _TYPE_CHECKING:
    # What the installs above add at run time, declared for type checkers (Note [Typing the dynamic API]).
    from ._api import *  # noqa: F401,F403
