"""tensorcore.backends.cuda: whether tensorcore was built with CUDA, and
the matmul flags programs set at start-up.

matmul.allow_tf32 is another view of tensorcore.get_float32_matmul_precision()
(True for "high"/"medium"), as in PyTorch; see Note [What the global
settings change in tensorcore] in _global_settings.py. The scaled-dot-product
attention switches are plain flags: tensorcore has one attention
implementation, so they select nothing.
"""
import functools

from .. import _C, _global_settings

__all__ = ["is_built", "matmul", "flash_sdp_enabled", "enable_flash_sdp", "mem_efficient_sdp_enabled",
           "enable_mem_efficient_sdp", "math_sdp_enabled", "enable_math_sdp", "cudnn_sdp_enabled",
           "enable_cudnn_sdp"]


@functools.lru_cache(maxsize=None)
def is_built():
    """Whether tensorcore was compiled with CUDA support (a GPU may still be
    absent: see tensorcore.cuda.is_available()). A CUDA build whose backend
    is off (Note [CUDA backend not yet verified]) answers False, as it
    behaves as a CPU-only build then."""
    return bool(_C._cuda_enabled())


class cuBLASModule:
    """torch.backends.cuda.matmul: only the known attributes can be read or set."""

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _global_settings.get_float32_matmul_precision() != "highest"
        if name in ("allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
            return _reduced_precision_reduction[name]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            _global_settings.set_float32_matmul_precision("high" if value else "highest")
            return
        if name in ("allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
            _reduced_precision_reduction[name] = value
            return
        raise AttributeError("Unknown attribute " + name)


_reduced_precision_reduction = {"allow_fp16_reduced_precision_reduction": True,
                                "allow_bf16_reduced_precision_reduction": True}
matmul = cuBLASModule()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def flash_sdp_enabled():
    return _sdp["flash"]


def enable_flash_sdp(enabled):
    _sdp["flash"] = enabled


def mem_efficient_sdp_enabled():
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    _sdp["mem_efficient"] = enabled


def math_sdp_enabled():
    return _sdp["math"]


def enable_math_sdp(enabled):
    _sdp["math"] = enabled


def cudnn_sdp_enabled():
    return _sdp["cudnn"]


def enable_cudnn_sdp(enabled):
    _sdp["cudnn"] = enabled
