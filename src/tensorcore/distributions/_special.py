"""Special functions for the distributions: lgamma, digamma, erfinv and
mvlgamma are tensorcore's elementwise ops now (rows of csrc/backend/op_tables.h
since issue 10); this module keeps the names the distributions import, and the
regularized incomplete gamma function (gammainc), which is still a composition
of tensor ops evaluated in float64 with its derivative attached.

Note [Special functions are private here]
gammainc's float64 helpers below (_lgamma64 for its prefactor) are accurate to
a few float64 ulps, enough for float32 results to round as PyTorch's and for
float64 gradchecks. The _Lgamma/_Digamma/_Erfinv stand-ins that preceded the
ops were removed with issue 10.
"""
import math

import tensorcore as torch
from ..autograd.function import Function

# Lanczos approximation, g = 7 with nine terms (relative error ~1e-15).
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lgamma64(x):
    reflect = x < 0.5
    y = torch.where(reflect, 1 - x, x) - 1
    series = torch.full_like(y, _LANCZOS[0])
    for i in range(1, len(_LANCZOS)):
        series = series + _LANCZOS[i] / (y + i)
    t = y + _LANCZOS_G + 0.5
    direct = 0.5 * math.log(2 * math.pi) + (y + 0.5) * torch.log(t) - t + torch.log(series)
    sin_pi_x = torch.sin(math.pi * x).abs()
    reflected = math.log(math.pi) - torch.log(sin_pi_x) - direct
    out = torch.where(reflect, reflected, direct)
    # Poles at 0, -1, -2, ...; +inf stays +inf.
    return torch.where((x <= 0) & (x == x.floor()), torch.full_like(x, math.inf), out)


def _gammainc64(a, x):
    """Regularized lower incomplete gamma P(a, x): its power series below
    x = a + 1, else 1 - Q(a, x) from Legendre's continued fraction (modified
    Lentz). 200 terms of either reach float64 rounding for the parameter
    ranges distributions use (a up to ~1e4)."""
    steps = 200
    xs = x.clamp(min=1e-300)
    log_prefactor = -xs + a * torch.log(xs) - _lgamma64(a)
    # series
    term = 1 / a
    total = term
    for n in range(1, steps):
        term = term * xs / (a + n)
        total = total + term
    p_series = total * torch.exp(log_prefactor)
    # continued fraction for Q
    tiny = 1e-300
    b = xs + 1 - a
    c = torch.full_like(xs, 1 / tiny)
    d = 1 / torch.where(b.abs() < tiny, torch.full_like(b, tiny), b)
    h = d
    for i in range(1, steps):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = torch.where(d.abs() < tiny, torch.full_like(d, tiny), d)
        c = b + an / c
        c = torch.where(c.abs() < tiny, torch.full_like(c, tiny), c)
        d = 1 / d
        h = h * d * c
    p_fraction = 1 - torch.exp(log_prefactor) * h
    out = torch.where(x < a + 1, p_series, p_fraction)
    out = torch.where(x <= 0, torch.zeros_like(out), out)
    return torch.where(torch.isinf(x) & (x > 0), torch.ones_like(out), out)


class _Gammainc(Function):
    _node_name = "SpecialGammaincBackward0"

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        with torch.no_grad():
            return _gammainc64(a.double(), x.double()).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise RuntimeError("the derivative for 'self' is not implemented.")
        # d/dx P(a, x) is the Gamma(a, 1) density at x.
        return None, grad * torch.exp(-x + (a - 1) * torch.log(x) - lgamma(a))


def gammainc(a, x):
    a, x = torch.broadcast_tensors(_as_float(a), _as_float(x))
    return _Gammainc.apply(a, x)


def _as_float(x):
    return x if x.dtype.is_floating_point else x.to(torch.get_default_dtype())


def lgamma(x):
    return torch.lgamma(x)


def digamma(x):
    return torch.digamma(x)


def erfinv(x):
    return torch.erfinv(x)


def mvlgamma(x, p):
    """log of the multivariate gamma function of dimension p."""
    return torch.mvlgamma(x, p)
