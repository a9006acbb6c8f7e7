"""Attention in nn.functional: scaled_dot_product_attention (one fused C++ op,
Note [Flash attention on the CPU]) and multi_head_attention_forward, the
functional body of nn.MultiheadAttention, with PyTorch's argument handling,
mask canonicalisation and error types.

Note [MHA paths]
PyTorch computes multi-head attention two ways and so do we: when the caller
wants the attention weights (need_weights=True) they have to be materialised,
so the weights are softmax(q k^T / sqrt(E) + mask) from bmm/softmax; otherwise
the heads go through scaled_dot_product_attention, which never materialises
them. The in-projection splits follow PyTorch's (one packed linear for
self-attention, q and packed kv for encoder-decoder attention, three otherwise),
so results agree to rounding.
"""
from __future__ import annotations
from typing import Any
import math
import warnings

from .. import _C

Tensor = _C.Tensor

_fused_attention = _C.scaled_dot_product_attention


def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Any = None, dropout_p: Any = 0.0, is_causal: Any = False, scale: Any = None,
                                 enable_gqa: Any = False) -> Tensor:
    """F.scaled_dot_product_attention: the fused C++ op, except with dropout.

    Note [Attention dropout draws PyTorch's stream]
    With dropout_p > 0 PyTorch's CPU build does not use its flash kernel: it
    runs the math path, softmax(q k^T * scale + mask), then at::dropout on the
    (..., L, S) weights, i.e. one bernoulli_(1 - p) over that shape from the
    default generator, then weights @ v. Programs that train transformers with
    dropout (nn.Transformer*, nn.MultiheadAttention, GPT blocks) print losses
    that depend on those draws, so the dropout case takes the same path here and
    F.dropout draws the same mask and leaves the generator where PyTorch leaves
    it. It materialises the L x S weights, as PyTorch does in this case; without
    dropout the fused kernel never does.
    """
    for name, flag in (("is_causal", is_causal), ("enable_gqa", enable_gqa)):
        if not isinstance(flag, bool):  # PyTorch's parser takes a bool and nothing else here
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be bool, not "
                            f"{type(flag).__name__}")
    if isinstance(dropout_p, (int, float)) and not isinstance(dropout_p, bool) and dropout_p < 0:
        dropout_p = 0.0  # PyTorch's CPU kernels only test p > 0: a negative p means no dropout, not an error
    if (isinstance(attn_mask, Tensor) and attn_mask.dtype.name == "float32" and isinstance(query, Tensor)
            and query.dtype.name != "float32" and query.is_floating_point()):
        # PyTorch accepts a bool mask, a mask of query's dtype, or a float32 mask
        # whatever query's dtype ("bool or float"), which it adds in query's dtype.
        attn_mask = attn_mask.to(query.dtype)
    if isinstance(query, Tensor) and query.dim() >= 1 and query.size(-1) == 0 and not dropout_p:
        # Note [Zero-width attention]: with E = 0 every score q.k is an empty
        # sum, 0, so PyTorch's softmax spreads each row uniformly and the output
        # is the mean of the (unmasked) values; the math path computes exactly that.
        return _math_attention_with_dropout(query, key, value, attn_mask, 0.0, is_causal, scale, enable_gqa)
    if not dropout_p or not (0.0 < dropout_p <= 1.0):  # 0, or out of range: the C++ op checks and raises
        out = _fused_attention(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
        if out.requires_grad and out.grad_fn.name() != "ScaledDotProductFlashAttentionForCpuBackward0":
            return _twice_differentiable(out, query, key, value, attn_mask, is_causal, scale, enable_gqa)
        return out
    return _math_attention_with_dropout(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


# Note [Double backward through the fused attention]
# The fused C++ op's backward node is not itself differentiable, so a
# gradient penalty, a Hessian-vector product or MAML through
# scaled_dot_product_attention would fail when the first gradient is
# differentiated. PyTorch's CPU build fails the same way where it runs its
# flash kernel (4-d inputs: ScaledDotProductFlashAttentionForCpuBackward0,
# "derivative for aten::_scaled_dot_product_flash_attention_for_cpu_backward
# is not implemented"), but where it runs the math path (the C++ op names its
# node after that path's last op) the gradient is differentiable. There the
# output passes through an identity Function:
# in a plain backward that Function hands the gradient on to the fused node
# (the fast C++ backward runs, nothing is recomputed); under create_graph it
# instead differentiates the math path (the same attention, composed of
# differentiable ops) on the saved inputs, so the gradients it returns carry
# their own graph, as PyTorch's do. The output keeps the fused node's name.
_attention_bridge = None


def _twice_differentiable(out, query, key, value, attn_mask, is_causal, scale, enable_gqa):
    global _attention_bridge
    if _attention_bridge is None:
        _attention_bridge = _make_attention_bridge()
    name = out.grad_fn.name()
    bridged = _attention_bridge.apply(out, query, key, value, attn_mask, is_causal, scale, enable_gqa)
    from ..autograd.graph import builtin_function_nodes
    builtin_function_nodes.add(name)
    _C._rename_grad_fn(bridged, name, [])
    return bridged


def _make_attention_bridge():
    from ..autograd import Function, grad
    from .. import enable_grad, is_grad_enabled

    class ScaledDotProductAttentionBridge(Function):
        """See Note [Double backward through the fused attention]."""

        @staticmethod
        def forward(ctx, out, query, key, value, attn_mask, is_causal, scale, enable_gqa):
            ctx.options = (is_causal, scale, enable_gqa)
            ctx.save_for_backward(query, key, value, attn_mask)
            return out

        @staticmethod
        def backward(ctx, grad_out):
            if not is_grad_enabled():  # a plain backward: the fused node computes the gradients
                return (grad_out,) + (None,) * 7
            query, key, value, attn_mask = ctx.saved_tensors
            is_causal, scale, enable_gqa = ctx.options
            inputs = [t for t in (query, key, value, attn_mask) if t is not None and t.requires_grad]
            with enable_grad():
                recomputed = _math_attention_with_dropout(query, key, value, attn_mask, 0.0, is_causal, scale,
                                                          enable_gqa)
            grads = iter(grad(recomputed, inputs, grad_out, create_graph=True, allow_unused=True))
            per_input = [next(grads) if t is not None and t.requires_grad else None
                         for t in (query, key, value, attn_mask)]
            return (None, *per_input, None, None, None)

    return ScaledDotProductAttentionBridge


def _math_attention_with_dropout(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """PyTorch's math path (Note [Attention dropout draws PyTorch's stream])."""
    import tensorcore
    from .functional import softmax, dropout
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    L, S = query.size(-2), key.size(-2)
    if enable_gqa and query.dim() >= 3 and key.size(-3) != query.size(-3):
        repeats = query.size(-3) // key.size(-3)
        key = key.repeat_interleave(repeats, dim=-3)
        value = value.repeat_interleave(repeats, dim=-3)
    if scale is None:  # (E = 0: PyTorch's 1/sqrt(0) is inf, and scales empty operands)
        scale = 1.0 / math.sqrt(query.size(-1)) if query.size(-1) else math.inf
    # PyTorch scales both operands by sqrt(scale), which keeps q k^T in range.
    root = math.sqrt(abs(scale))
    weights = (query * (root if scale >= 0 else -root)) @ (key.transpose(-2, -1) * root)
    if is_causal:
        attn_mask = tensorcore.ones(L, S, dtype=tensorcore.bool).tril()
    if attn_mask is not None:
        if attn_mask.dtype == tensorcore.bool:
            attn_mask = tensorcore.zeros(attn_mask.shape, dtype=weights.dtype).masked_fill(
                attn_mask.logical_not(), float("-inf"))
        weights = weights + attn_mask
        # PyTorch's _safe_softmax: a row masked everywhere gives zeros, not NaN.
        fully_masked = (weights == float("-inf")).all(dim=-1, keepdim=True)
        weights = softmax(weights, dim=-1).masked_fill(fully_masked, 0.0)
    else:
        weights = softmax(weights, dim=-1)
    if dropout_p:  # (p = 0: the double-backward recomputation, which must not draw)
        weights = dropout(weights, p=dropout_p)
    return weights @ value

def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask becomes an additive float mask (-inf where True); float masks of any
    floating dtype (float16 and bfloat16 too: CLIP's fp16 text transformer casts its causal
    mask to the activations' half dtype) pass through; other dtypes raise AssertionError,
    as in PyTorch."""
    if mask is None:
        return None
    from .. import bool as bool_
    _mask_dtype = mask.dtype
    _mask_is_float = _mask_dtype.is_floating_point
    if _mask_dtype != bool_ and not _mask_is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and _mask_dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=3)
    if not _mask_is_float:
        mask = _C.masked_fill(_C.zeros(list(mask.shape), target_type), mask, float("-inf"))
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """True for batched (3-D) inputs, False for unbatched (2-D) ones."""
    if query.dim() == 3:
        is_batched = True
        if not (key.dim() == 3 and value.dim() == 3):
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D"
                                 f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D"
                                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                 f" but found {attn_mask.dim()}-D tensor instead")
    elif query.dim() == 2:
        is_batched = False
        if not (key.dim() == 2 and value.dim() == 2):
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D"
                                 f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D"
                                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                     f" but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected_shape:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected_shape}"
                                         f" but got {attn_mask.shape}")
    else:
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D "
                             "query tensor")
    return is_batched


def _linear(x, w, b):
    from .functional import linear
    return linear(x, w, b)


def _in_projection_packed(q, k, v, w, b=None):
    """q, k, v projected by the packed [3E, E] weight: one linear when q, k and v
    are the same tensor, q plus a packed kv linear when k is v, else three."""
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = _linear(q, w, b)
            proj = proj.unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        q_proj = _linear(q, w_q, b_q)
        kv_proj = _linear(k, w_kv, b_kv)
        kv_proj = kv_proj.unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return q_proj, kv_proj[0], kv_proj[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    checks = ((w_q, (Eq, Eq), "query weight"), (w_k, (Eq, Ek), "key weight"), (w_v, (Eq, Ev), "value weight"))
    for w, shape, name in checks:
        if tuple(w.shape) != shape:
            raise AssertionError(f"expecting {name} of shape {shape}, but got {tuple(w.shape)}")
    for bias, name in ((b_q, "query bias"), (b_k, "key bias"), (b_v, "value bias")):
        if bias is not None and tuple(bias.shape) != (Eq,):
            raise AssertionError(f"expecting {name} of shape {(Eq,)}, but got {tuple(bias.shape)}")
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _pad_last(t, n=1):
    from ._conv_ops import pad
    return pad(t, (0, n))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Inputs are sequence-first: query (L, N, E) or unbatched (L, E), key and
    value (S, N, E_k/E_v). Returns (attn_output, attn_weights or None); see
    Note [MHA paths]."""
    from .functional import softmax, dropout
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)

    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        # The causal hint replaces the mask in scaled_dot_product_attention.
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            # A padding mask is merged into attn_mask below, so the hint no longer describes it.
            is_causal = False

    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                                 f"{tuple(value.shape[:2])}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for w, name in ((q_proj_weight, "q_proj_weight"), (k_proj_weight, "k_proj_weight"),
                        (v_proj_weight, "v_proj_weight")):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name} is None")
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b_q, b_k, b_v)

    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key/value.")
        k = _C.cat([k, bias_k.repeat(1, bsz, 1)], 0)
        v = _C.cat([v, bias_v.repeat(1, bsz, 1)], 0)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must both be given or both be None")

    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_k.size(0) != bsz * num_heads or static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k of shape ({bsz * num_heads}, *, {head_dim}), but got "
                                 f"{tuple(static_k.shape)}")
        k = static_k
    if static_v is None:
        v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_v.size(0) != bsz * num_heads or static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v of shape ({bsz * num_heads}, *, {head_dim}), but got "
                                 f"{tuple(static_v.shape)}")
        v = static_v

    if add_zero_attn:
        zeros = _C.zeros([bsz * num_heads, 1, head_dim], k.dtype)
        k = _C.cat([k, zeros], 1)
        v = _C.cat([v, _C.zeros([bsz * num_heads, 1, head_dim], v.dtype)], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)

    src_len = k.size(1)
    if key_padding_mask is not None:
        # PyTorch's _check_key_padding_mask: batch first, then source length, in its words.
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        key_padding_mask = (key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
                            .reshape(bsz * num_heads, 1, src_len))
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask

    if not training:
        dropout_p = 0.0

    if need_weights:
        _, _, E = q.shape
        q_scaled = q * math.sqrt(1.0 / float(E))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            # PyTorch's baddbmm(attn_mask, q, k^T), which refuses a mask of another dtype
            # (a float16 mask with float32 activations) where a plain + would promote.
            # Under CPU autocast that baddbmm is a lower-precision op: its float16/32 inputs, the
            # mask included, are cast to the autocast dtype first.
            from .._products import _same_dtypes
            from ..amp.autocast_mode import get_autocast_dtype, is_autocast_enabled
            if (is_autocast_enabled("cpu") and attn_mask.is_floating_point()
                    and attn_mask.dtype.name != "float64"):
                attn_mask = attn_mask.to(get_autocast_dtype("cpu"))
            _same_dtypes("baddbmm", input=attn_mask, batch1=q_scaled, batch2=k)
            weights = attn_mask + _C.bmm(q_scaled, k.transpose(-2, -1))
        else:
            weights = _C.bmm(q_scaled, k.transpose(-2, -1))
        weights = softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        attn_output = _C.bmm(weights, v)
        attn_output = attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
        attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
        attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            attn_output = attn_output.squeeze(1)
            weights = weights.squeeze(0)
        return attn_output, weights

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    attn_output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    attn_output = attn_output.permute(2, 0, 1, 3).contiguous().view(bsz * tgt_len, embed_dim)
    attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
    if not is_batched:
        attn_output = attn_output.squeeze(1)
    return attn_output, None
