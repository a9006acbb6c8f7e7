"""nn.utils.parametrizations: weight_norm, spectral_norm and orthogonal as
parametrizations (nn.utils.parametrize), with PyTorch's module names, buffers
and random draws."""
from __future__ import annotations
from typing import Any
from ... import _C
from ...autograd import no_grad
from .. import functional as F
from ..modules.module import Module
from . import parametrize

Tensor = _C.Tensor

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _norm_except_dim(v, dim):
    """2-norm over every dim but `dim` (kept with size 1); dim=-1: the whole norm."""
    if dim == -1:
        return v.norm(2)
    if not -v.dim() <= dim < v.dim():
        raise IndexError(f"Dimension out of range (expected to be in range of [{-v.dim()}, {v.dim() - 1}], but got "
                         f"{dim})")
    dim %= v.dim()
    dims = [d for d in range(v.dim()) if d != dim]
    return v.norm(2, dims, keepdim=True) if dims else v.abs()


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_v * (weight_g / _norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight):
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module: Any, name: Any = "weight", dim: Any = 0) -> Tensor:
    """weight = g * v / ||v||: original0 is g (the norm), original1 is v."""
    _weight_norm = _WeightNorm(dim)
    parametrize.register_parametrization(module, name, _weight_norm, unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.dim()
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            with no_grad():
                u = _C.normal_(_C.empty([h], weight.dtype), 0.0, 1.0)
                v = _C.normal_(_C.empty([w], weight.dtype), 0.0, 1.0)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute([self.dim] + [d for d in range(weight.dim()) if d != self.dim])
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(weight_mat.mv(self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(weight_mat.t().mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.dim() == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = (u * weight_mat.mv(v)).sum()
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module: Any, name: Any = "weight", n_power_iterations: Any = 1, eps: Any = 1e-12, dim: Any = None) -> Tensor:
    """weight / sigma_max(weight), sigma from power iteration (buffers _u, _v)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from ..modules.conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _Orthogonal(Module):
    """Q from the QR factorisation of the original (the 'householder'-free
    'matrix_exp'/'cayley' maps need linalg; this one keeps Q = qr(X).Q with
    diag(R) >= 0, differentiable through a Gram-Schmidt on tensor ops)."""

    def __init__(self, weight, use_trivialization=True):
        super().__init__()
        if weight.dim() < 2:
            raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.dim()} dimensions.")
        self.shape = tuple(weight.shape)

    def forward(self, x):
        n, k = x.shape[-2:]
        transposed = n < k
        if transposed:
            x = x.transpose(-2, -1)
        cols = []
        for j in range(x.shape[-1]):
            c = x[..., j]
            for q in cols:
                c = c - (q * c).sum(-1, keepdim=True) * q
            cols.append(c / c.norm(2, -1, keepdim=True))
        q = _C.stack(cols, -1)
        return q.transpose(-2, -1) if transposed else q

    def right_inverse(self, value):
        return value


def orthogonal(module: Any, name: Any = "weight", orthogonal_map: Any = None, *, use_trivialization: Any = True) -> Tensor:
    """Constrains module.<name> to (semi-)orthogonal matrices: the value is the
    Q factor (positive diag R) of the unconstrained original, computed by
    Gram-Schmidt so gradients flow. PyTorch's matrix_exp/cayley maps are not
    available; the resulting matrix is orthogonal either way."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.dim() < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.dim()} dimensions.")
    if orthogonal_map not in (None, "householder", "matrix_exp", "cayley"):
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    parametrize.register_parametrization(module, name, _Orthogonal(weight, use_trivialization), unsafe=True)
    return module
