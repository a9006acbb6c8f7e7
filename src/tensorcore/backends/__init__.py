"""tensorcore.backends: what torch.backends reports, for tensorcore's build.

Programs read and set these at start-up (cudnn.benchmark = True,
cuda.matmul.allow_tf32 = True, backends.mps.is_available(), ...). Flags of
backends tensorcore does not use (cuDNN, oneDNN) are kept as plain module
attributes with PyTorch's defaults, so setting them works and changes
nothing; the is_available() functions tell the truth about this build.
"""
from . import cpu, cuda, cudnn, mha, mkl, mkldnn, mps, openmp, opt_einsum  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mha", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
