"""nn.attention: backend selection for F.scaled_dot_product_attention.

tensorcore has one attention implementation (PyTorch's math formulation, the
MATH backend, which PyTorch's CPU build also falls back to), so sdpa_kernel
validates its arguments and records the allowed backends for the block
without changing what runs; the flash/efficient/cuDNN queries answer False."""
import contextlib
import enum
from collections.abc import Iterable

__all__ = ["SDPBackend", "SDPAParams", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS", "can_use_flash_attention",
           "can_use_efficient_attention", "list_flash_attention_impls", "current_flash_attention_impl",
           "activate_flash_attention_impl", "register_flash_attention_impl", "restore_flash_attention_impl"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


class SDPAParams:
    def __init__(self, query, key, value, attn_mask=None, dropout=0.0, is_causal=False, enable_gqa=False):
        self.query, self.key, self.value, self.attn_mask = query, key, value, attn_mask
        self.dropout, self.is_causal, self.enable_gqa = dropout, is_causal, enable_gqa


_allowed = [SDPBackend.MATH]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Restricts scaled_dot_product_attention to `backends` inside the block."""
    global _allowed
    if isinstance(backends, SDPBackend):
        backends = [backends]
    if not isinstance(backends, Iterable) or not all(isinstance(b, SDPBackend) for b in backends):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances")
    previous = _allowed
    _allowed = list(dict.fromkeys(backends))
    try:
        yield {}
    finally:
        _allowed = previous


def can_use_flash_attention(params, debug=False):
    return False


def can_use_efficient_attention(params, debug=False):
    return False


def list_flash_attention_impls():
    return []


def current_flash_attention_impl():
    return None


def activate_flash_attention_impl(impl):
    raise ValueError(f"Unknown flash attention impl {impl!r}: tensorcore registers none")


def register_flash_attention_impl(impl, *, register_fn):
    raise NotImplementedError("tensorcore has no pluggable flash attention implementations")


def restore_flash_attention_impl():
    return None
