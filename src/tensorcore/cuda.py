"""tensorcore.cuda: device queries. Tensors live on the CPU unless the
package was built with TENSORCORE_CUDA=ON on a machine with nvcc."""
from . import _C


def is_available():
    return bool(_C._cuda_is_available())


def device_count():
    return int(_C._cuda_device_count())


def manual_seed(seed):
    """Seeds the CUDA generator; without CUDA this is a no-op, as in PyTorch."""
    return None


def manual_seed_all(seed):
    return None


def synchronize(device=None):
    if not is_available():
        _C._require_cuda("cuda.synchronize")


def is_bf16_supported(including_emulation=True):
    """False: tensorcore has no bfloat16 dtype (PyTorch also answers False
    without a GPU)."""
    return False
