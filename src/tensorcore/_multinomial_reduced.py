"""torch.multinomial of float16 and bfloat16 probabilities.

Note [multinomial of float16/bfloat16]
The C++ sampling loops (ops/multinomial.cpp, Note [multinomial sampling paths])
take float32 and float64 only. Programs meet the 16-bit types when they sample
under autocast (build-nanogpt's train_gpt2.py draws its next token from
bfloat16 top-k probabilities), so two of PyTorch's paths are rebuilt here from
pieces that already follow PyTorch's streams:
  - with replacement and several samples: ATen runs the 16-bit types through
    the same loop as float32 with the cumulative distribution accumulated in
    float (their opmath type). Converting the probabilities to float32 is
    exact, so the float32 loop draws the same samples.
  - one sample (with or without replacement): q = empty_like(probs)
    .exponential_(), the keys probs / q in the 16-bit dtype (each quotient
    rounded once, as ATen's vectorised division does), then the first index
    of the largest key. empty_like lays q out like probs, as ATen does, and
    the draws fill q's memory in order, so each lands where ATen puts it.
Several samples without replacement (topk of the keys) are not rebuilt: the
8- and 11-bit keys tie often, and which of two tied indices comes first
follows libstdc++'s partial_sort/nth_element inside ATen's topk, which only a
C++ loop reproduces. That case still raises NotImplementedError.
"""
from __future__ import annotations

from . import _C
from ._dtype import bfloat16, float16

REDUCED_FLOAT_DTYPES = (float16, bfloat16)


def multinomial_reduced_float(probs, num_samples, replacement, gen):
    """multinomial of a float16/bfloat16 tensor (Note [multinomial of float16/bfloat16]).

    ``gen`` is the C++ generator or None (the default generator)."""
    if num_samples != 1:
        if replacement:
            return _C.multinomial(probs.float(), num_samples, True, gen)
        return _C.multinomial(probs, num_samples, False, gen)  # raises NotImplementedError after the argument checks
    wide = probs.float()
    if not _draws(wide):
        # An argument error, or nothing to sample: the float32 op raises PyTorch's
        # error (or returns the empty result) without drawing.
        return _C.multinomial(wide, num_samples, replacement, gen)
    if not bool(((wide >= 0) & (wide < float("inf"))).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not bool((wide != 0).any(-1).all()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    from ._functions import empty_like
    from ._tensor import _in_memory_order
    q = empty_like(probs)
    _C.exponential_(_in_memory_order(q), 1.0, gen)  # Note [16-bit random fills visit memory order]
    return (probs / q).argmax(-1, keepdim=True)


def _draws(probs32):
    """True when multinomial(probs, 1) passes its argument checks and has samples to draw."""
    if probs32.dim() not in (1, 2):
        return False
    categories = probs32.shape[-1]
    rows = 1 if probs32.dim() == 1 else probs32.shape[0]
    return 0 < categories <= (1 << 24) and rows > 0
