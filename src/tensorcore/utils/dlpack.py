"""torch.utils.dlpack: DLPack capsules in and out (tensorcore.from_dlpack / Tensor.__dlpack__ do the work)."""
import enum

from .. import from_dlpack  # noqa: F401  (torch.utils.dlpack.from_dlpack)


class DLDeviceType(enum.IntEnum):
    # The DLPack standard's device codes.
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


def to_dlpack(tensor):
    """A DLPack capsule sharing tensor's memory (consumed once, by a from_dlpack)."""
    return tensor.__dlpack__()
