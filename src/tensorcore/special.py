"""tensorcore.special: the torch.special namespace.

Most entries are PyTorch's own aliases of top-level functions (expit is
sigmoid, gammaln is lgamma, ...), so they share the kernels, values and
grad_fn names. ndtr, entr, xlog1py and gammainc are composed here with
PyTorch's formulas and derivatives. The Bessel, Airy, zeta, erfcx, ndtri,
log_ndtr and orthogonal-polynomial functions are not provided yet.
"""
from __future__ import annotations
from typing import Any

from . import _C
from .autograd import Function

# The aliases resolve at each access (module __getattr__), so they are the
# top-level functions as finally installed (autocast wrappers included).
_ALIASES = {"erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "expit": "sigmoid", "logit": "logit", "exp2": "exp2",
            "expm1": "expm1", "log1p": "log1p", "gammaln": "lgamma", "digamma": "digamma", "psi": "digamma",
            "polygamma": "polygamma", "multigammaln": "mvlgamma", "i0": "i0", "sinc": "sinc", "round": "round",
            "softmax": "softmax", "log_softmax": "log_softmax", "xlogy": "xlogy", "logsumexp": "logsumexp"}
__all__ = [*_ALIASES, "ndtr", "entr", "xlog1py", "gammainc"]


def _top():
    import tensorcore
    return tensorcore


def __getattr__(name: str) -> Any:
    if name in _ALIASES:
        return getattr(_top(), _ALIASES[name])
    raise AttributeError(f"module 'tensorcore.special' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _floating(t):
    """Integer and bool inputs compute in the default float dtype, as PyTorch's unary float ops."""
    torch = _top()
    if not isinstance(t, _C.Tensor):
        return torch.tensor(t, dtype=torch.get_default_dtype())
    return t if (t.is_floating_point() or t.is_complex()) else t.to(torch.get_default_dtype())


def ndtr(input: Any) -> Any:
    """The standard normal CDF, PyTorch's formula: (1 + erf(x / sqrt(2))) * 0.5."""
    x = _floating(input)
    out = (1 + _top().erf(x * 0.7071067811865476)) * 0.5
    if out.requires_grad:
        _C._rename_grad_fn(out, "MulBackward1", [x])  # PyTorch's C++ mul by a Scalar
    return out


class _Entr(Function):
    _node_name = "SpecialEntrBackward0"

    @staticmethod
    def forward(ctx, x):
        torch = _top()
        ctx.save_for_backward(x)
        body = torch.where(x > 0, -x * torch.log(torch.where(x > 0, x, torch.ones_like(x))), torch.zeros_like(x))
        body = torch.where(x < 0, torch.full_like(x, float("-inf")), body)
        return torch.where(torch.isnan(x), x, body)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * -(1 + _top().log(x))  # PyTorch's derivative: inf at 0, nan below


def entr(input: Any) -> Any:
    """-x log x for x > 0, 0 at 0, -inf below (elementwise entropy)."""
    return _Entr.apply(_floating(input))


class _Xlog1py(Function):
    _node_name = "SpecialXlog1PyBackward0"

    @staticmethod
    def forward(ctx, x, y):
        torch = _top()
        ctx.save_for_backward(x, y)
        zero_times_finite = (x == 0) & ~torch.isnan(y)
        return torch.where(zero_times_finite, torch.zeros_like(x), x * torch.log1p(y))

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            grad_x = xlog1py(grad, y).masked_fill((x == 0) & (y <= -1), 0.0)
        if ctx.needs_input_grad[1]:
            grad_y = grad * x / (y + 1)
        return grad_x, grad_y


def xlog1py(input: Any, other: Any) -> Any:
    """x * log1p(y), 0 where x == 0 (unless y is nan)."""
    torch = _top()
    if not isinstance(input, _C.Tensor) and not isinstance(other, _C.Tensor):
        raise TypeError("xlog1py(): expected at least one of input and other to be a Tensor")
    dtype = torch.result_type(input, other)
    if dtype.is_complex:  # PyTorch's kernel is real only
        from ._dtype_refusals import dtype_not_implemented
        raise dtype_not_implemented("xlog1py_cpu", dtype)
    if not dtype.is_floating_point:
        dtype = torch.get_default_dtype()
    x = input.to(dtype) if isinstance(input, _C.Tensor) else torch.tensor(input, dtype=dtype)
    y = other.to(dtype) if isinstance(other, _C.Tensor) else torch.tensor(other, dtype=dtype)
    x, y = torch.broadcast_tensors(x, y)
    return _Xlog1py.apply(x, y)


def gammainc(input: Any, other: Any) -> Any:
    """The regularized lower incomplete gamma function P(a, x)."""
    for pos, (what, t) in enumerate((("self", input), ("other", other)), 1):  # Tensor arguments only (PyTorch's)
        if not isinstance(t, _C.Tensor):
            raise TypeError(f"special_gammainc(): argument '{what}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    from .distributions._special import gammainc as _gammainc
    dt = _C.result_type(input, other)  # PyTorch's igamma runs in the promoted dtype: a floating one only
    if not dt.is_floating_point:
        from ._dtype_refusals import dtype_not_implemented
        raise dtype_not_implemented("igamma_cpu", dt)
    input, other = input.to(dt), other.to(dt)
    out = _gammainc(input, other)
    # outside the domain (a < 0, x < 0, or a = x = 0) PyTorch's igamma is NaN
    bad = (input < 0) | (other < 0) | ((input == 0) & (other == 0))
    if bool(bad.any()):
        out = _C.where(bad, _C.full([], float("nan"), dt), out)
    edge = (input == 0) & (other > 0)  # P(0, x) = 1 for x > 0 (the series would divide by a = 0)
    if bool(edge.any()):
        out = _C.where(edge, _C.ones([], dt), out)
    if out.requires_grad:
        _C._rename_grad_fn(out, "IgammaBackward0", [input, other])
    return out
