"""tensorcore.backends.cpu: the SIMD level the CPU kernels were dispatched to."""
from .. import _C

__all__ = ["get_cpu_capability"]

# tensorcore's runtime dispatch levels, named as PyTorch names its own.
_NAMES = {"avx512": "AVX512", "avx2": "AVX2", "generic": "DEFAULT"}


def get_cpu_capability():
    """"AVX512", "AVX2" or "DEFAULT" (portable kernels): the instruction set
    tensorcore's CPU kernels use on this machine, chosen at start-up."""
    capability = _C._cpu_capability()
    return _NAMES.get(capability, capability.upper())
