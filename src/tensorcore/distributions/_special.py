"""lgamma, digamma, trigamma and erfinv for the distributions' densities,
entropies and quantiles, as compositions of tensor ops evaluated in float64
and rounded to the input's dtype, with their derivatives attached.

Note [Special functions are private here]
tensorcore has no lgamma/digamma/erfinv ops yet; these are private stand-ins
accurate to a few float64 ulps (relative 1e-14 away from the zeros of lgamma
at 1 and 2, where the error is absolute), enough for float32 results to round
as PyTorch's and for float64 gradchecks. When the elementwise registry gains
these ops, the distributions should call them instead.
"""
import math

import tensorcore as torch
from ..autograd.function import Function

# Lanczos approximation, g = 7 with nine terms (relative error ~1e-15).
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
# Asymptotic series of digamma in z = 1/x^2 (the Bernoulli numbers B_2k / 2k).
_DIGAMMA_SERIES = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                   -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                   8.33333333333333333333E-2)


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


def _digamma64(x):
    reflect = x < 0
    extra = torch.where(reflect, -math.pi / torch.tan(math.pi * x), torch.zeros_like(x))
    x2 = torch.where(reflect, 1 - x, x)
    shift = torch.zeros_like(x)
    for _ in range(11):
        small = x2 < 10
        shift = shift - torch.where(small, 1 / x2, torch.zeros_like(x2))
        x2 = torch.where(small, x2 + 1, x2)
    z = 1 / (x2 * x2)
    poly = torch.zeros_like(z)
    for c in _DIGAMMA_SERIES:
        poly = poly * z + c
    out = shift + torch.log(x2) - 0.5 / x2 - z * poly + extra
    pole = (x <= 0) & (x == x.floor())
    return torch.where(pole, torch.full_like(x, math.nan), out)


def _trigamma64(x):
    reflect = x < 0
    x2 = torch.where(reflect, 1 - x, x)
    acc = torch.zeros_like(x)
    for _ in range(11):
        small = x2 < 10
        acc = acc + torch.where(small, 1 / (x2 * x2), torch.zeros_like(x2))
        x2 = torch.where(small, x2 + 1, x2)
    r = 1 / x2
    r2 = r * r
    tail = r + r2 / 2 + r * r2 * (1 / 6 + r2 * (-1 / 30 + r2 * (1 / 42 + r2 * (-1 / 30 + r2 * 5 / 66))))
    out = acc + tail
    sin_pi_x = torch.sin(math.pi * x)
    return torch.where(reflect, -out + math.pi ** 2 / (sin_pi_x * sin_pi_x), out)


def _erfinv64(y):
    # Giles' single-precision approximation, then two Newton steps on erf.
    w = -torch.log((1 - y) * (1 + y))
    central = w < 5
    wc = w - 2.5
    pc = torch.full_like(y, 2.81022636e-08)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
              0.246640727, 1.50140941):
        pc = c + pc * wc
    wt = torch.sqrt(w.clamp(min=5)) - 3
    pt = torch.full_like(y, -0.000200214257)
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
              1.00167406, 2.83297682):
        pt = c + pt * wt
    x = torch.where(central, pc, pt) * y
    finite = y.abs() < 1
    xs = torch.where(finite, x, torch.zeros_like(x))
    for _ in range(2):
        err = torch.erf(xs) - y
        xs = xs - err / (2 / math.sqrt(math.pi) * torch.exp(-xs * xs))
    edge = torch.where(y == 1, torch.full_like(y, math.inf),
                       torch.where(y == -1, torch.full_like(y, -math.inf), torch.full_like(y, math.nan)))
    return torch.where(finite, xs, edge)


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


def _in_float64(fn, x):
    with torch.no_grad():
        return fn(x.double()).to(x.dtype)


class _Lgamma(Function):
    _node_name = "LgammaBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _in_float64(_lgamma64, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma(x)


class _Digamma(Function):
    _node_name = "DigammaBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _in_float64(_digamma64, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _in_float64(_trigamma64, x)


class _Erfinv(Function):
    _node_name = "ErfinvBackward0"

    @staticmethod
    def forward(ctx, y):
        out = _in_float64(_erfinv64, y)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (0.5 * math.sqrt(math.pi)) * torch.exp(out * out)


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
    return _Lgamma.apply(_as_float(x))


def digamma(x):
    return _Digamma.apply(_as_float(x))


def erfinv(x):
    return _Erfinv.apply(_as_float(x))


def mvlgamma(x, p):
    """log of the multivariate gamma function of dimension p."""
    j = torch.arange(p, dtype=x.dtype)
    return (lgamma(x.unsqueeze(-1) - j / 2)).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)
