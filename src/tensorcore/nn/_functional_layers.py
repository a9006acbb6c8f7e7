"""The remaining nn.functional layers and losses, composed of differentiable
tensor ops: ctc_loss, multi_margin_loss, multilabel_margin_loss,
triplet_margin_with_distance_loss, embedding_bag, bilinear, pdist,
channel_shuffle and gumbel_softmax.

Note [CTC gradient as PyTorch computes it]
PyTorch's ctc_loss backward returns, for t < input_length,
    grad_out * (exp(log_probs) - gamma)
where gamma is the posterior of each label at t. The exact derivative of the
loss with respect to log_probs is only -gamma; the extra exp(log_probs) term
is PyTorch's shortcut that is exact once the gradient flows back through a
log_softmax (whose backward cancels it). To give programs PyTorch's
gradients even when they call ctc_loss on raw log-probabilities, the forward
adds sum(exp(lp).detach() * (lp - lp.detach())) over t < input_length to each
sample's loss: its value is exactly 0 and its gradient is exp(log_probs).

Note [CTC forward in log space]
The alpha recursion runs over time with the batch and the extended label
sequence (blank, l1, blank, l2, ..., blank) vectorised. Impossible states
hold a large negative finite number instead of -inf, so the log-sum-exp's
backward never forms (-inf) - (-inf); a final log-likelihood below half of
that number means no alignment exists and the loss is inf, as PyTorch's.
"""
from __future__ import annotations
from typing import Any
import dataclasses
import math

import numpy as np

from .. import _C
from .._naming import grad_fn_named
from ..autograd import no_grad

Tensor = _C.Tensor

__all__ = ["ctc_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
           "embedding_bag", "bilinear", "pdist", "channel_shuffle", "native_channel_shuffle", "gumbel_softmax",
           "linear_cross_entropy"]

_NEG = -1e30


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    from .functional import _legacy_reduction
    return _legacy_reduction(size_average, reduce)


def _np(t):
    return _C._tensor_to_numpy_forced(t.detach().contiguous())


def _from_np(a):
    from .._functions import from_numpy
    return from_numpy(np.ascontiguousarray(a))


def _lengths(v, name):
    if isinstance(v, Tensor):
        return _np(v).astype(np.int64).reshape(-1)
    return np.asarray(list(v), dtype=np.int64).reshape(-1)


def _is_int_sequence(value):
    return isinstance(value, (list, tuple)) and all(
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, Tensor) and v.dim() == 0
                                                             and not v.is_floating_point()) for v in value)


def _check_ctc_argument_types(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """torch.ctc_loss's two signatures: lengths as two tensors or as two
    sequences of ints; anything else is its argument parser's TypeError."""
    lengths_ok = ((isinstance(input_lengths, Tensor) and isinstance(target_lengths, Tensor))
                  or (_is_int_sequence(input_lengths) and _is_int_sequence(target_lengths)))
    if isinstance(log_probs, Tensor) and isinstance(targets, Tensor) and lengths_ok:
        return
    got = ", ".join(type(v).__name__ if not isinstance(v, Tensor) else "Tensor"
                    for v in (log_probs, targets, input_lengths, target_lengths, blank, 0, zero_infinity))
    rest = "int blank = 0, int reduction = Mean, bool zero_infinity = False)"
    raise TypeError(f"ctc_loss() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    " * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, "
                    f"{rest}\n * (Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, "
                    f"{rest}\n")


def _lse3(a, b, c):
    m = _C.maximum(_C.maximum(a, b), c).detach()
    return ((a - m).exp() + (b - m).exp() + (c - m).exp()).log() + m


def ctc_loss(log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any, blank: Any = 0, reduction: Any = "mean", zero_infinity: Any = False) -> Tensor:
    """Connectionist temporal classification loss (Notes [CTC forward in log
    space] and [CTC gradient as PyTorch computes it])."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    # Note [ctc_loss check order]: PyTorch's checks, in its order: the
    # argument parser (two tensors, then lengths both tensors or both int
    # sequences), integral tensor lengths, the dtype dispatch, then
    # ctc_loss_allocate_outputs (log_probs 3-D after an unbatched input's
    # unsqueeze, targets 1-D or 2-D, blank, the lengths' counts, the targets'
    # sizes against target_lengths, input_lengths' range).
    _check_ctc_argument_types(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    for what, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if isinstance(lengths, Tensor) and (lengths.is_floating_point() or lengths.is_complex()
                                            or lengths.dtype.name == "bool"):
            raise RuntimeError(f"{what} must be integral")
    unbatched = log_probs.dim() != 3
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.dtype.name not in ("float32", "float64"):
        from .._dtype import SCALAR_TYPE_NAMES
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{SCALAR_TYPE_NAMES[lp.dtype.name]}'")
    checked = "(while checking arguments for ctc_loss_allocate_outputs)"
    if lp.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp.dim()}-dimensional tensor for argument #1 "
                           f"'log_probs' {checked}")
    if not 1 <= targets.dim() <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 "
                           f"'targets' {checked}")
    t_max, n, c = lp.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    in_len = _lengths(input_lengths, "input_lengths")
    tg_len = _lengths(target_lengths, "target_lengths")
    # PyTorch's words, input_lengths first (the batch size is log_probs.size(1)).
    if in_len.size != n:
        raise RuntimeError(f"input_lengths must be of size batch_size (expected {n} elements, got {in_len.size})")
    if tg_len.size != n:
        raise RuntimeError(f"target_lengths must be of size batch_size (expected {n} elements, got {tg_len.size})")
    if (tg_len < 0).any():
        raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {tg_len[tg_len < 0][0]} "
                           f"{checked}")
    if targets.dim() == 1 and targets.size(0) != int(tg_len.sum()):
        raise RuntimeError(f"Expected tensor to have size {int(tg_len.sum())} at dimension 0, but got size "
                           f"{targets.size(0)} for argument #2 'targets' {checked}")
    if targets.dim() == 2:
        if targets.size(0) != n:
            raise RuntimeError(f"Expected tensor to have size {n} at dimension 0, but got size {targets.size(0)} for "
                               f"argument #2 'targets' {checked}")
        longest = int(tg_len.max()) if n else 0
        if targets.size(1) < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                               f"{targets.size(1)} for argument #2 'targets' {checked}")
    for length in in_len:
        if length < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {length} {checked}")
        if length > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {length} "
                               f"{checked}")
    tg = _np(targets).astype(np.int64)
    s_max = int(tg_len.max()) if n else 0
    labels = np.zeros((n, s_max), dtype=np.int64)
    if tg.ndim == 2:  # padded (N, S); a 1-D target is the concatenation of all of them
        for b in range(n):
            labels[b, :tg_len[b]] = tg[b, :tg_len[b]]
    else:
        pos = 0
        for b in range(n):
            labels[b, :tg_len[b]] = tg[pos:pos + tg_len[b]]
            pos += tg_len[b]
    big_l = 2 * s_max + 1
    ext = np.full((n, big_l), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    skip = np.zeros((n, big_l), dtype=bool)
    if big_l > 2:
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    valid = np.arange(big_l)[None, :] < (2 * tg_len[:, None] + 1)
    ext_t = _from_np(ext).reshape([1, n, big_l]).expand([t_max, n, big_l])
    lpe = lp.gather(2, ext_t)  # (T, N, L)
    dt = lp.dtype
    neg = _C.full([], _NEG, dt)
    valid_t = _from_np(valid)
    skip_t = _from_np(skip)
    init = np.zeros((n, big_l), dtype=bool)
    init[:, 0] = True
    init[:, 1] = big_l > 1
    init &= valid
    alpha = _C.where(_from_np(init), lpe[0], neg)
    col = _C.full([n, 1], _NEG, dt)
    col2 = _C.full([n, 2], _NEG, dt)
    live = _from_np(in_len)
    for t in range(1, t_max):
        prev1 = _C.cat([col, alpha[:, :-1]], 1)
        prev2 = _C.where(skip_t, _C.cat([col2, alpha[:, :-2]], 1) if big_l > 2 else alpha * 0 + _NEG, neg)
        new = _C.where(valid_t, _lse3(alpha, prev1, prev2) + lpe[t], neg)
        alpha = _C.where((live > t).unsqueeze(1), new, alpha)
    last = _from_np(2 * tg_len).reshape([n, 1])
    a_last = alpha.gather(1, last).squeeze(1)
    a_prev = _C.where(_from_np(tg_len > 0), alpha.gather(1, (last - 1).clamp(min=0)).squeeze(1), neg)
    m = _C.maximum(a_last, a_prev).detach()
    ll = ((a_last - m).exp() + (a_prev - m).exp()).log() + m
    if (in_len == 0).any():
        # No frame: the empty alignment (likelihood 1) for an empty target,
        # none otherwise; alpha's first frame was not theirs to read.
        empty_ll = _from_np(np.where(tg_len == 0, 0.0, _NEG)).to(dt)
        ll = _C.where(_from_np(in_len == 0), empty_ll, ll)
    nll = -ll
    # Note [CTC gradient as PyTorch computes it]
    tmask = _from_np(np.arange(t_max)[:, None] < in_len[None, :]).unsqueeze(2).to(dt)
    lpd = lp.detach()
    finite = lpd.isfinite()
    shadow = _C.where(finite, lpd.exp() * (lp - lpd), _C.zeros([], dt)) * tmask
    nll = nll + shadow.sum([0, 2])
    impossible = ll.detach() < _NEG / 2
    nll = _C.where(impossible, _C.full([], 0.0 if zero_infinity else math.inf, dt), nll)
    if zero_infinity:
        nll = _C.where(nll.detach().isinf(), _C.zeros([], dt), nll)
    if reduction == "mean":
        out = (nll / _from_np(np.maximum(tg_len, 1)).to(dt)).mean()
    elif reduction == "sum":
        out = nll.sum()
    else:
        out = nll.squeeze(0) if unbatched else nll
    return out


@grad_fn_named("MultiMarginLossBackward0")
def multi_margin_loss(input: Any, target: Any, p: Any = 1, margin: Any = 1.0, weight: Any = None, size_average: Any = None, reduce: Any = None,
                      reduction: Any = "mean") -> Tensor:
    """Multi-class hinge loss: sum over j != y of max(0, margin - x[y] + x[j])^p / C."""
    reduction = _legacy(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x = input.unsqueeze(0) if input.dim() <= 1 else input
    if x.dim() != 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    y = target.reshape(-1)
    if y.numel() != x.shape[0]:
        raise RuntimeError(f"inconsistent target size, expected {x.shape[0]} but got {list(target.shape)}")
    if weight is not None and weight.numel() != x.shape[1]:
        raise RuntimeError(f"inconsistent weight size, expected {x.shape[1]} but got {list(weight.shape)}")
    c = x.shape[1]
    xy = x.gather(1, y.unsqueeze(1))
    z = (margin - xy + x).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight.gather(0, y).unsqueeze(1)
    notself = ~_C.eq(_C.arange(0, c, 1, y.dtype).unsqueeze(0), y.unsqueeze(1))
    loss = (z * notself.to(z.dtype)).sum(1) / c
    if input.dim() <= 1 and reduction == "none":
        loss = loss.reshape(list(target.shape))
    return _reduce(loss, reduction)


@grad_fn_named("MultilabelMarginLossBackward0")
def multilabel_margin_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: Any = "mean") -> Tensor:
    """sum over target classes j and non-target classes i of
    max(0, 1 - (x[j] - x[i])) / C; each row of target lists class indices
    ended by the first -1."""
    reduction = _legacy(size_average, reduce, reduction)
    x = input.unsqueeze(0) if input.dim() <= 1 else input
    tgt = target.unsqueeze(0) if target.dim() <= 1 else target
    if target.dtype.name != "int64":  # class indices: PyTorch's kernel reads them as Long only
        from .._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"expected scalar type Long but found {SCALAR_TYPE_NAMES[target.dtype.name]}")
    if tuple(tgt.shape) != tuple(x.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    n, c = x.shape
    tg = _np(tgt).astype(np.int64)
    listed = np.cumprod(tg >= 0, axis=1).astype(bool)  # entries before each row's first -1
    if (tg[listed] >= c).any():
        raise RuntimeError(f"multilabel_margin_loss: target index {int(tg[listed].max())} is out of bounds for "
                           f"{c} classes")
    counts = np.zeros((n, c))  # how often class j is listed before the first -1
    rows = np.broadcast_to(np.arange(n)[:, None], tg.shape)
    np.add.at(counts, (rows[listed], tg[listed]), 1.0)
    is_target = counts > 0
    pair = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0)  # [b, j, i]
    w = _from_np(counts[:, :, None] * (~is_target)[:, None, :]).to(x.dtype)
    loss = (pair * w).sum([1, 2]) / c
    if input.dim() <= 1:
        loss = loss.squeeze(0) if reduction == "none" else loss
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Any, positive: Any, negative: Any, *, distance_function: Any = None, margin: Any = 1.0,
                                      swap: Any = False, reduction: Any = "mean") -> Tensor:
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                         "instead")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        from ._functional_more import pairwise_distance
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = _C.minimum(dist_neg, distance_function(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp(min=0)
    return _reduce(loss, reduction)


# ---- embedding_bag ----
_BAG_MODES = ("sum", "mean", "max")


def _bag_grad_scales(idx, num_rows):
    """Note [embedding_bag's scale_grad_by_freq]: the factor each weight row's gradient is scaled by, as PyTorch's
    CPU kernel computes it. It sorts the indices and scales the g-th distinct index by 1 / count(sorted[g]) -- the
    count of the index at sorted position g, not of the g-th distinct index itself. That is 1 / (its own count)
    while the indices before it are all distinct, and otherwise a neighbour's count ([2, 2, 5] scales row 5 by
    1/2). Programs compare their numbers with PyTorch's, so this is its rule, not the textbook one."""
    scale = np.ones(num_rows)
    if idx.size:
        srt = np.sort(idx)
        distinct = np.unique(srt)
        counts = np.bincount(idx, minlength=num_rows)
        scale[distinct] = 1.0 / counts[srt[np.arange(distinct.size)]]
    return scale


class _ScaleRowGrads:
    """rows in the forward pass; the gradient of row p times scale[p] in the backward pass."""

    @staticmethod
    def apply(rows, scale):
        from ..autograd import Function

        class ScaleRowGrads(Function):
            @staticmethod
            def forward(ctx, x, s):
                ctx.save_for_backward(s)
                return x.clone()

            @staticmethod
            def backward(ctx, g):
                (s,) = ctx.saved_tensors
                return g * s.reshape([-1, 1]), None
        return ScaleRowGrads.apply(rows, scale)


@grad_fn_named("EmbeddingBagBackward0")
def embedding_bag(input: Any, weight: Any, offsets: Any = None, max_norm: Any = None, norm_type: Any = 2, scale_grad_by_freq: Any = False, mode: Any = "mean",
                  sparse: Any = False, per_sample_weights: Any = None, include_last_offset: Any = False, padding_idx: Any = None) -> Tensor:
    """Sums, means or maxes of bags of embedding rows. A 2-D input is one bag
    per row; a 1-D input is cut into bags at `offsets`. Rows equal to
    padding_idx are left out of every bag (and out of the mean's count)."""
    if weight.dtype.name in ("int64", "int32") and input.is_floating_point():
        input, weight = weight, input  # PyTorch's legacy argument order, with its warning
    # Note [embedding_bag check order]: PyTorch's Python wrapper checks, in
    # order, per_sample_weights' shape, weight's rank, the input's rank with
    # its offsets, the mode (max with scale_grad_by_freq or sparse), then
    # renormalizes (max_norm) and only then refuses per_sample_weights outside
    # mode='sum'; its kernel then checks the index dtypes and padding_idx.
    # A malformed call raises the first of these that fails, so keep the order.
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != tuple(input.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, "
                         f"then it must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        if input.dtype.name == "bool":  # PyTorch builds the offsets with arange(..., dtype=input.dtype) here
            raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _BAG_MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        from .functional import _embedding_renorm_
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    # (the kernel's checks: index dtypes, then per_sample_weights' dtype)
    for what, t in (("indices", input), ("offsets", offsets)):
        if t is not None and t.dtype.name not in ("int64", "int32"):
            raise RuntimeError(f"Expected tensor for argument #1 '{what}' to have one of the following scalar "
                               f"types: Long, Int; but got {t.type()} instead (while checking arguments for "
                               "embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {weight.type()} does not equal "
                           f"{per_sample_weights.type()} (while checking arguments for embedding_bag)")
    num_rows = weight.shape[0]
    if padding_idx is not None:
        if not -num_rows <= padding_idx < num_rows:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num_rows} through "
                               f"{num_rows - 1}, but got {padding_idx}")
        if padding_idx < 0:
            padding_idx = num_rows + padding_idx
    closing_offset = None
    if input.dim() == 2:
        b, length = input.shape
        starts = np.arange(b, dtype=np.int64) * length
        flat = input.reshape(-1)
        psw = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
        total = b * length
    else:
        starts = _np(offsets).astype(np.int64)
        flat, psw, total = input, per_sample_weights, input.shape[0]
        if include_last_offset:
            if starts.size == 0:
                raise RuntimeError("include_last_offset: number of offsets should be at least 1")
            # Note [include_last_offset end]: the last offset closes the last
            # bag (programs pass len(input)). Where it stops short, PyTorch's
            # CPU kernels disagree with each other: sum and mean add the rows
            # up to it, mean divides by the count up to the end, max runs to
            # the end. closing_offset keeps that end for the sums.
            closing_offset = int(starts[-1])
            starts = starts[:-1]
        if starts.size and starts[0] != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                               f"from position 0. However, got {starts[0]}")
        if closing_offset is not None and closing_offset > total:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length ({total}), but got "
                               f"offsets[-1] of {closing_offset}")
        if starts.size and starts[-1] > total:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length ({total}), but got "
                               f"offsets[-1] of {starts[-1]}")
        if starts.size > 1 and (np.diff(starts) < 0).any():
            # PyTorch does not check this (its kernels read out of bounds or fail
            # at random); a clear error beats numpy's 'negative repeats'.
            raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, but got {starts.tolist()}")
    idx = _np(flat).astype(np.int64)
    bad = np.flatnonzero((idx < 0) | (idx >= num_rows))
    if bad.size:  # PyTorch's embedding_bag checks every index before gathering
        raise RuntimeError(f"Index {bad[0]} of input takes value {idx[bad[0]]} which is not in the valid range "
                           f"[0, {num_rows})")
    nb = starts.size
    if nb == 0:
        # No bags (include_last_offset with a single offset): PyTorch returns an
        # empty [0, embedding_dim] result that is still part of the graph.
        return weight.index_select(0, flat.reshape(-1).long())[:0]
    ends = np.append(starts[1:], total) if nb else starts
    bag_of = np.repeat(np.arange(nb), ends - starts) if nb else np.zeros(0, dtype=np.int64)
    keep = idx != padding_idx if padding_idx is not None else np.ones(idx.size, dtype=bool)
    d = weight.shape[1]
    if sparse and weight.requires_grad and _C.is_grad_enabled():
        # sparse=True: the rows are looked up by the sparse embedding, so weight.grad becomes a sparse COO
        # tensor with one entry per looked-up index (padding_idx's left out) holding that row's gradient,
        # as PyTorch's _embedding_bag_sparse_backward builds it; the pooling below is ordinary autograd.
        from ..sparse._embedding import sparse_embedding
        rows = sparse_embedding(weight, flat.reshape(-1).long(), -1 if padding_idx is None else int(padding_idx),
                                bool(scale_grad_by_freq))
    else:
        rows = weight.index_select(0, flat.reshape(-1).long())
    if scale_grad_by_freq and mode in ("sum", "mean") and rows.requires_grad and not sparse:
        rows = _ScaleRowGrads.apply(rows, _from_np(_bag_grad_scales(idx, num_rows)[idx]).to(rows.dtype))
    if psw is not None:
        rows = rows * psw.reshape([-1, 1]).to(rows.dtype)
    if mode in ("sum", "mean"):
        summed = keep
        if closing_offset is not None:  # Note [include_last_offset end]
            summed = keep & (np.arange(idx.size) < closing_offset)
        target = _from_np(np.where(summed, bag_of, nb))  # padding rows land in a discarded extra bag
        out = _C.zeros([nb + 1, d], weight.dtype).index_add(0, target, rows)[:nb]
        beyond = keep & ~summed
        if mode == "mean" and beyond.any() and rows.requires_grad:
            # PyTorch's mean backward still spreads the gradient over the rows
            # past the closing offset: add them with value zero but gradient one.
            late = _C.zeros([nb + 1, d], weight.dtype).index_add(0, _from_np(np.where(beyond, bag_of, nb)), rows)[:nb]
            out = out + (late - late.detach())
        if mode == "mean":
            counts = np.bincount(bag_of[keep], minlength=nb).astype(np.float64)
            out = out / _from_np(np.maximum(counts, 1)).to(out.dtype).reshape([-1, 1])
        return out
    # max: gather each bag into a (nb, longest, d) block padded with -inf, max over it.
    sizes = np.bincount(bag_of[keep], minlength=nb) if nb else np.zeros(0, dtype=np.int64)
    longest = int(sizes.max()) if nb and sizes.size else 0
    table = np.full((nb, max(longest, 1)), idx.size, dtype=np.int64)  # idx.size -> the -inf row
    pos = np.nonzero(keep)[0]
    bags = bag_of[pos]  # non-decreasing: offsets are sorted
    rank = np.arange(pos.size) - np.searchsorted(bags, bags)  # place within its bag
    table[bags, rank] = pos
    padded = _C.cat([rows, _C.full([1, d], -math.inf, rows.dtype)], 0)
    block = padded.index_select(0, _from_np(table.reshape(-1))).reshape([nb, -1, d])
    out = block.max(1)[0] if nb else _C.zeros([0, d], weight.dtype)
    empty = _from_np(sizes == 0).reshape([-1, 1])
    return _C.where(empty, _C.zeros([], out.dtype), out)


def bilinear(input1: Any, input2: Any, weight: Any, bias: Any = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k over the last dims (leading dims broadcast)."""
    named = [("input1", input1), ("input2", input2), ("weight", weight)] + ([("bias", bias)] if bias is not None
                                                                           else [])
    if len({t.dtype for _, t in named}) > 1:  # PyTorch checks the dtypes first and never promotes them
        from .._dtype import CPP_TYPE_NAMES
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{what}: {CPP_TYPE_NAMES[t.dtype.name]}" for what, t in named))
    for t in (input1, input2):  # PyTorch flattens each input to (-1, features): ambiguous for 0 features
        if t.dim() and t.shape[-1] == 0:
            raise RuntimeError("cannot reshape tensor of 0 elements into shape [-1, 0] because the unspecified "
                               "dimension size -1 can be any value and is ambiguous")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    if weight.dim() != 3 or input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input sizes {input1.shape[-1]}, {input2.shape[-1]} do not match weight "
                           f"{list(weight.shape)}")
    left = input1.unsqueeze(-2).unsqueeze(-3).matmul(weight).squeeze(-2)  # (..., O, I2)
    out = (left * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        if bias.dim() != 1 or bias.shape[0] != weight.shape[0]:
            raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1] if bias.dim() else 1}"
                               f" but expected {weight.shape[0]}")
        out = out + bias
    return out


def pdist(input: Any, p: Any = 2) -> Tensor:
    """Distances between all row pairs i < j of a 2-D input, in row-major order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    diff = input.index_select(0, _from_np(i)) - input.index_select(0, _from_np(j))
    return diff.norm(p, 1)


@grad_fn_named("ChannelShuffleBackward0")
def channel_shuffle(input: Any, groups: Any) -> Tensor:
    if input.dim() < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    n, rest = input.shape[0], list(input.shape[2:])
    return input.reshape([n, groups, c // groups] + rest).transpose(1, 2).reshape([n, c] + rest)


native_channel_shuffle = channel_shuffle


def gumbel_softmax(logits: Any, tau: Any = 1.0, hard: Any = False, eps: Any = 1e-10, dim: Any = -1) -> Tensor:
    """Softmax of (logits + Gumbel noise) / tau; the noise is -log(Exp(1))
    drawn with exponential_ on a tensor of logits' shape, PyTorch's draw."""
    with no_grad():
        gumbels = -_C.exponential_(_C.empty(list(logits.shape), logits.dtype), 1.0).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _C.zeros(list(logits.shape), logits.dtype).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ---- linear_cross_entropy ----
# PyTorch's optional chunked path (LinearCrossEntropyOptions) only saves
# memory; tensorcore always takes the reference path, whose values and
# gradients the chunked one reproduces, and accepts the options object.
@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    allow_retain_graph: bool = False
    batch_chunk_size: int = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None


def linear_cross_entropy(input: Any, linear_weight: Any, target: Any, *, linear_bias: Any = None, weight: Any = None, reduction: Any = "mean",
                         ignore_index: Any = None, label_smoothing: Any = 0.0, options: Any = None) -> Tensor:
    from .functional import cross_entropy
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    num_batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not num_batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
                           f" batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*num_batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = ignore_index if ignore_index is not None else -100
    flat_w = linear_weight.reshape([-1, in_features])
    logits = input.matmul(_C.t(flat_w))
    if linear_bias is not None:
        logits = logits + linear_bias.reshape(-1)
    logits = logits.reshape(list(logits_shape))
    return cross_entropy(logits, target, weight=weight, ignore_index=ignore_index, reduction=reduction,
                         label_smoothing=label_smoothing)
