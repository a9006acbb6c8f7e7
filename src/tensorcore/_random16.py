"""Float16/bfloat16 uniform_ and normal_ fills drawing PyTorch's exact streams.

Note [16-bit uniform and normal streams]
The C++ fills sample a float16/bfloat16 tensor in float32 and round into it
(csrc/ops/random.cpp, sample_in_place). That is PyTorch's stream for the draws
themselves, but PyTorch's CPU kernels differ from "float32 then round" twice:

* uniform_(from, to): PyTorch folds a value equal to `to` back to `from` after
  the value is in the 16-bit dtype. A float32 draw just below `to` rounds up to
  `to` there (about one element in 4000 for rand(float16)), so PyTorch writes
  `from` where the rounding alone writes `to`.
* normal_ on a contiguous tensor of n >= 16 elements: PyTorch's 16-bit
  normal_fill draws and transforms the whole blocks of 16 (as float32 does),
  but its ragged tail (n % 16 != 0) draws 16 fresh uniforms right after the
  m = n - n % 16 already used, not after all n as the float32 kernel does, and
  writes their Box-Muller pairs over the last 16 elements. So the result is
  float32 normal_ over the first m elements, then a float32 normal_ of 16 values
  over the last 16, each rounded: the generator advances by m + 16 uniforms.

Both are reproduced here with float32 fills (whose streams match PyTorch's
bit for bit) and rounding, so a seeded float16 program prints PyTorch's numbers.
"""
from . import _C

_SIXTEEN_BIT = None


def _records_grad(t):
    """True when an in-place fill of t goes through autograd (recorded, or refused for a leaf): such
    fills keep the direct C++ call, whose autograd handling is PyTorch's. Under no_grad (nn.init)
    a parameter takes the exact path too."""
    return t.requires_grad and _C.is_grad_enabled()


def _is_16bit(t):
    global _SIXTEEN_BIT
    if _SIXTEEN_BIT is None:
        from ._dtype import bfloat16, float16
        _SIXTEEN_BIT = (float16, bfloat16)
    return t.dtype in _SIXTEEN_BIT


def normal_fill(t, mean, std, gen=None):
    """_C.normal_(t, mean, std, gen), with PyTorch's 16-bit ragged tail and strided order
    (Note [16-bit uniform and normal streams])."""
    n = t.numel()
    if not _is_16bit(t) or _records_grad(t) or std < 0 or n == 0:
        return _C.normal_(t, mean, std, gen)
    from .autograd import no_grad
    from ._dtype import float32
    if not t.is_contiguous():
        # PyTorch draws a strided tensor element by element in memory order. The C++ path fills a
        # contiguous float32 copy instead (index order, and the 16-block pattern from 16 elements on),
        # so the draws go into a float32 tensor with t's own strides, which the float32 kernel
        # visits as PyTorch does.
        from ._functions import empty_strided
        same_layout = empty_strided(t.shape, t.stride(), dtype=float32)
        _C.normal_(same_layout, mean, std, gen)
        with no_grad():
            t.copy_(same_layout)
        return t
    if n < 16 or n % 16 == 0:
        return _C.normal_(t, mean, std, gen)
    whole_blocks = n - n % 16
    flat = t.view(-1)
    with no_grad():
        if whole_blocks:
            flat[:whole_blocks].copy_(_C.normal_(_C.empty([whole_blocks], float32), mean, std, gen))
        flat[n - 16:].copy_(_C.normal_(_C.empty([16], float32), mean, std, gen))
    return t


def uniform_fill(t, low, high, gen=None):
    """_C.uniform_(t, low, high, gen), folding a 16-bit value that rounded up to
    `high` back to `low` as PyTorch does (Note [16-bit uniform and normal streams])."""
    if _is_16bit(t) and t.dim() >= 2 and not _records_grad(t):
        # PyTorch fills in memory order whatever the strides; this float16 path fills in index order,
        # so it goes through a view whose index order is memory order (Note [16-bit random fills visit
        # memory order] in _tensor.py).
        order = sorted(range(t.dim()), key=lambda d: -t.stride(d))
        if order != list(range(t.dim())):
            uniform_fill(t.permute(order), low, high, gen)
            return t
    result = _C.uniform_(t, low, high, gen)
    if _is_16bit(t) and t.numel():
        from .autograd import no_grad
        from ._functions import tensor
        with no_grad():
            high_in_dtype = tensor(high, dtype=t.dtype)
            t.masked_fill_(t == high_in_dtype, tensor(low, dtype=t.dtype))
    return result
