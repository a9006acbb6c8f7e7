"""Activation modules."""
from __future__ import annotations
from typing import Any
from ... import _C
from ..._args import device_arg
from .. import functional as F
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = ["ReLU", "ReLU6", "LeakyReLU", "GELU", "SiLU", "ELU", "Hardtanh", "Sigmoid", "Tanh", "Softplus",
           "Softmax", "Softmin", "LogSoftmax", "MultiheadAttention"]


class ReLU(Module):
    def __init__(self, inplace: Any = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Any) -> Tensor:
        return _C.relu_(input) if self.inplace else _C.relu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardtanh(Module):
    def __init__(self, min_val: Any = -1.0, max_val: Any = 1.0, inplace: Any = False) -> None:
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:  # PyTorch asserts this
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")

    def forward(self, input: Any) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    def __init__(self, inplace: Any = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    def __init__(self, negative_slope: Any = 1e-2, inplace: Any = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Any) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class GELU(Module):
    def __init__(self, approximate: Any = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Any) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={repr(self.approximate)}"


class SiLU(Module):
    def __init__(self, inplace: Any = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Any) -> Tensor:
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ELU(Module):
    def __init__(self, alpha: Any = 1.0, inplace: Any = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Any) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class Sigmoid(Module):
    def forward(self, input: Any) -> Tensor:
        return _C.sigmoid(input)


class Tanh(Module):
    def forward(self, input: Any) -> Tensor:
        return _C.tanh(input)


class Softplus(Module):
    def __init__(self, beta: Any = 1.0, threshold: Any = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Any) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    def __init__(self, dim: Any = None) -> None:
        super().__init__()
        self.dim = dim

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input: Any) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Softmax):
    def forward(self, input: Any) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)


class LogSoftmax(Softmax):
    def forward(self, input: Any) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al.), PyTorch's parameters, init order
    and forward: one packed in_proj_weight [3E, E] when kdim == vdim == E, else
    q/k/v_proj_weight; in_proj_bias [3E]; out_proj; optional bias_k/bias_v.
    Inputs are sequence-first unless batch_first=True. The body is
    F.multi_head_attention_forward (Note [MHA paths])."""

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim: Any, num_heads: Any, dropout: Any = 0.0, bias: Any = True, add_bias_kv: Any = False, add_zero_attn: Any = False,
                 kdim: Any = None, vdim: Any = None, batch_first: Any = False, device: Any = None, dtype: Any = None) -> None:
        from ..parameter import Parameter
        device_arg(device, "MultiheadAttention")
        from .linear import NonDynamicallyQuantizableLinear, _factory_dtype
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0,"
                             f" got embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        dt = _factory_dtype(dtype)
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")

        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(_C.empty([embed_dim, embed_dim], dt))
            self.k_proj_weight = Parameter(_C.empty([embed_dim, self.kdim], dt))
            self.v_proj_weight = Parameter(_C.empty([embed_dim, self.vdim], dt))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(_C.empty([3 * embed_dim, embed_dim], dt))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)

        if bias:
            self.in_proj_bias = Parameter(_C.empty([3 * embed_dim], dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)

        if add_bias_kv:
            self.bias_k = Parameter(_C.empty([1, 1, embed_dim], dt))
            self.bias_v = Parameter(_C.empty([1, 1, embed_dim], dt))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        from .. import init
        # out_proj drew its own init in its constructor (before these), as in PyTorch.
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _takes_fast_path(self, query, key, value, attn_mask, key_padding_mask):
        """Whether PyTorch's MultiheadAttention.forward would run
        _native_multi_head_attention on these arguments (its conditions, in
        its order), only where that is observable: some mask is given."""
        from ... import backends, is_autocast_enabled, is_grad_enabled
        if attn_mask is None and key_padding_mask is None:
            return False
        if not isinstance(query, _C.Tensor):
            return False
        if any(m is not None and m.is_floating_point() for m in (attn_mask, key_padding_mask)):
            return False
        tensors = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        return (backends.mha.get_fastpath_enabled() and query.dim() == 3 and query is key and key is value
                and self.in_proj_weight is not None and self.in_proj_bias is not None
                and query.dtype == self.in_proj_weight.dtype and query.dtype == self.in_proj_bias.dtype
                and not self.training and self.num_heads % 2 == 0 and self.batch_first
                and self.bias_k is None and self.bias_v is None and not self.add_zero_attn
                and self._qkv_same_embed_dim and not is_autocast_enabled()
                and not (is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)))

    def _check_fast_path_masks(self, query, attn_mask, key_padding_mask):
        """The mask checks of PyTorch's fast path, which replace the regular
        path's AssertionErrors with RuntimeErrors: merge_masks views attn_mask
        as [B, -1, L, L] (3-D) or [1, 1, L, L] and key_padding_mask as
        [B, 1, 1, L]; a key_padding_mask alone is checked by the native kernel.
        Masks of other dtypes are left to _canonical_mask's AssertionError."""
        if any(m is not None and m.dtype.name != "bool" for m in (attn_mask, key_padding_mask)):
            return
        batch, length = query.shape[0], query.shape[1]
        if attn_mask is not None:
            if attn_mask.dim() == 3:
                attn_mask.view(batch, -1, length, length)
            else:
                attn_mask.view(1, 1, length, length)
            if key_padding_mask is not None:
                key_padding_mask.view(batch, 1, 1, length)
        elif key_padding_mask is not None:
            if key_padding_mask.dim() != 2:
                raise RuntimeError("For mask_type == 2 mask shape should match input shape")
            if tuple(key_padding_mask.shape) != (batch, length):
                raise RuntimeError("For mask_type == 1 mask shape should be (B, L)")

    def forward(self, query: Any, key: Any, value: Any, key_padding_mask: Any = None, need_weights: Any = True, attn_mask: Any = None,
                average_attn_weights: Any = True, is_causal: Any = False) -> Any:
        from .._attention import _canonical_mask, _none_or_dtype
        from ... import is_floating_point
        # PyTorch's first statement tests the masks for floating point (they
        # keep a call off the fast path): `attn_mask` first, `key_padding_mask`
        # only when that is not a float tensor. A non-tensor fails right there.
        if not (attn_mask is not None and is_floating_point(attn_mask)) and key_padding_mask is not None:
            is_floating_point(key_padding_mask)
        fast_path = self._takes_fast_path(query, key, value, attn_mask, key_padding_mask)
        if fast_path:
            self._check_fast_path_masks(query, attn_mask, key_padding_mask)
        if any(t is None or not hasattr(t, "is_nested") for t in (query, key, value)):
            # PyTorch reads .is_nested of all three before anything else reads them
            for t in (query, key, value):
                getattr(t, "is_nested")
        is_batched = query.dim() == 3
        if not need_weights and fast_path:
            # Note [MHA fast path]: PyTorch's inference fast path
            # (_native_multi_head_attention) always runs an explicit masked
            # softmax, so a query row whose keys are all masked comes out NaN,
            # where the regular need_weights=False path (SDPA's safe softmax)
            # gives zeros. The need_weights=True computation is that explicit
            # softmax: run it and drop the weights.
            output, _ = self.forward(query, key, value, key_padding_mask=key_padding_mask, need_weights=True,
                                     attn_mask=attn_mask, average_attn_weights=average_attn_weights,
                                     is_causal=is_causal)
            return output, None
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                           "attn_mask", query.dtype)
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if self.batch_first and is_batched:
            # Keep the identities (query is key is value) the in-projection keys on.
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))

        separate = not self._qkv_same_embed_dim
        attn_output, attn_output_weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and is_batched:
            return attn_output.transpose(1, 0), attn_output_weights
        return attn_output, attn_output_weights
