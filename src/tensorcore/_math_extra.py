"""The elementwise math of issue 10 whose Python forms take extra arguments
(polygamma's order, logit's eps) or that PyTorch itself composes of other ops
(float_power, mvlgamma, frexp, positive, nan_to_num_).

The single-operand and two-operand ops (erfinv, lgamma, digamma, acosh, gcd,
the shifts, copysign, clamp_min, ...) are rows of the elementwise registry
(csrc/backend/op_tables.h) and need nothing here. polygamma and logit are
registry rows too, internal ones (_polygamma(x, n), _logit(x, eps)), because
their operand order or default differs from a plain binary op's; this module
gives them PyTorch's signatures.
"""
import builtins
import math
import operator

from . import _C
from ._args import tensor_arg
from ._inplace import write_inplace
from ._naming import grad_fn_named
from ._out import check_out, write_out

Tensor = _C.Tensor
FUNCTIONS = {}


def _function(fn):
    FUNCTIONS[fn.__name__] = fn
    return fn


def _int_arg(n, name, what, position):
    """PyTorch's int argument: an int (not a bool or float), or a 0-dim integer tensor."""
    if isinstance(n, Tensor) and n.dim() == 0 and not n.is_floating_point() and n.dtype.name != "bool":
        return builtins.int(n.item())
    if isinstance(n, builtins.bool) or not isinstance(n, builtins.int):
        try:
            return operator.index(n)
        except TypeError:
            raise TypeError(f"{name}(): argument '{what}' (position {position}) must be int, "
                            f"not {type(n).__name__}") from None
    return n


# ---- polygamma(n, x) ----
def _polygamma_order(n, name, position):
    n = _int_arg(n, name, "n", position)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return n


@_function
def polygamma(n, input, *, out=None):
    n = _polygamma_order(n, "polygamma", 1)
    tensor_arg(input, "polygamma", "input", 2)
    if out is not None:
        return _C._polygamma(input, n, out=out)
    return _C._polygamma(input, n)


def _tensor_polygamma(self, n):
    return _C._polygamma(self, _polygamma_order(n, "polygamma", 1))


def _tensor_polygamma_(self, n):
    return _C._polygamma_(self, _polygamma_order(n, "polygamma_", 1))


_tensor_polygamma.__name__ = "polygamma"
_tensor_polygamma_.__name__ = "polygamma_"
Tensor.polygamma = _tensor_polygamma
Tensor.polygamma_ = _tensor_polygamma_


# ---- logit(x, eps=None) ----
def _eps(eps, name):
    if eps is None:
        return -1.0  # Note [Op tables] row _logit: a negative eps does not clamp (as PyTorch's kernel)
    if isinstance(eps, builtins.bool) or not isinstance(eps, (builtins.int, builtins.float)):
        raise TypeError(f"{name}(): argument 'eps' must be float, not {type(eps).__name__}")
    return builtins.float(eps)


@_function
def logit(input, eps=None, *, out=None):
    tensor_arg(input, "logit")
    e = _eps(eps, "logit")
    if out is not None:
        return _C._logit(input, e, out=out)
    return _C._logit(input, e)


def _tensor_logit(self, eps=None):
    return _C._logit(self, _eps(eps, "logit"))


def _tensor_logit_(self, eps=None):
    return _C._logit_(self, _eps(eps, "logit_"))


Tensor.logit = _tensor_logit
Tensor.logit_ = _tensor_logit_
_tensor_logit.__name__ = "logit"
_tensor_logit_.__name__ = "logit_"


# ---- mvlgamma(x, p) ----
# PyTorch's composition: sum over j of lgamma(x - j/2) plus p(p-1)/4 log(pi),
# the lgammas summed in increasing order of their arguments, as its kernel.
def _mvlgamma_compute(input, p):
    p = _int_arg(p, "mvlgamma", "p", 2)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input.dtype.name == "bool":
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    import tensorcore
    if input.is_complex():  # PyTorch's arange of the offsets in the input's dtype has no complex kernel
        from ._dtype_refusals import dtype_not_implemented
        raise dtype_not_implemented("arange_cpu", input.dtype)
    x = input if input.is_floating_point() else input.to(tensorcore.get_default_dtype())
    offsets = tensorcore.arange(-p / 2.0 + 0.5, 0.5, 0.5, dtype=x.dtype)
    args = x.unsqueeze(-1) + offsets
    return args.lgamma().sum(-1) + p * (p - 1) * math.log(math.pi) / 4


_mvlgamma_named = grad_fn_named("MvlgammaBackward0")(_mvlgamma_compute)


@_function
def mvlgamma(input, p, *, out=None):
    tensor_arg(input, "mvlgamma")
    if out is not None:
        check_out("mvlgamma", out, [input])
        return write_out("mvlgamma", _mvlgamma_compute(input, p), out)
    return _mvlgamma_named(input, p)


def _tensor_mvlgamma(self, p):
    return _mvlgamma_named(self, p)


def _tensor_mvlgamma_(self, p):
    if not self.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_long_name(self)}")
    return write_inplace(self, "mvlgamma", lambda s: _mvlgamma_named(s, p))


def _long_name(t):
    from ._dtype import SCALAR_TYPE_NAMES
    return SCALAR_TYPE_NAMES[t.dtype.name]


_tensor_mvlgamma.__name__ = "mvlgamma"
_tensor_mvlgamma_.__name__ = "mvlgamma_"
Tensor.mvlgamma = _tensor_mvlgamma
Tensor.mvlgamma_ = _tensor_mvlgamma_


# ---- float_power: pow in float64 ----
def _f64(x, wide=None):
    """x in float_power's computation dtype `wide`: float64, or complex128 when
    an operand is complex (PyTorch's rule)."""
    from ._dtype import float64
    wide = wide or float64
    if isinstance(x, Tensor):
        return x if x.dtype is wide else x.to(wide)
    if isinstance(x, (builtins.int, builtins.float)):
        return builtins.float(x)  # a bool too: True ** 2.0 is 1.0
    if isinstance(x, builtins.complex):
        return x
    raise TypeError(f"float_power(): argument must be Tensor or Number, not {type(x).__name__}")


def _float_power_dtype(*operands):
    from ._dtype import complex128, float64
    cplx = any(isinstance(x, builtins.complex) or (isinstance(x, Tensor) and x.is_complex()) for x in operands)
    return complex128 if cplx else float64


@_function
def float_power(input, exponent, *, out=None):
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__}), but expected one of:\n"
                        " * (Tensor input, Tensor exponent, *, Tensor out = None)\n"
                        " * (Number self, Tensor exponent, *, Tensor out = None)\n"
                        " * (Tensor input, Number exponent, *, Tensor out = None)\n")
    wide = _float_power_dtype(input, exponent)
    if out is not None:
        if out.dtype is not wide:
            raise RuntimeError(f"the output given to float_power has dtype {_long_name(out)} but the operation's "
                               f"result requires dtype {'ComplexDouble' if wide.is_complex else 'Double'}")
        return _C.pow(_f64(input, wide), _f64(exponent, wide), out=out)
    return _C.pow(_f64(input, wide), _f64(exponent, wide))


def _tensor_float_power(self, exponent):
    return float_power(self, exponent)


def _tensor_float_power_(self, exponent):
    from ._dtype import float64
    if self.dtype is not float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_long_name(self)} but the operation's "
                           "result requires dtype Double")
    return self.pow_(_f64(exponent))


_tensor_float_power.__name__ = "float_power"
_tensor_float_power_.__name__ = "float_power_"
Tensor.float_power = _tensor_float_power
Tensor.float_power_ = _tensor_float_power_


# ---- positive: the tensor itself ----
@_function
def positive(input):
    tensor_arg(input, "positive")
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


Tensor.positive = positive
Tensor.__pos__ = positive  # +t: the same refusal of bool tensors


# ---- nan_to_num_ ----
def _tensor_nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    from . import nan_to_num
    if not (self.is_floating_point() or self.is_complex()):  # (complex: both parts, as nan_to_num)
        return self
    return write_inplace(self, "nan_to_num", lambda s: nan_to_num(s, nan, posinf, neginf))


_tensor_nan_to_num_.__name__ = "nan_to_num_"
if not hasattr(Tensor, "nan_to_num_"):
    Tensor.nan_to_num_ = _tensor_nan_to_num_


def _tensor_frac_(self):
    from . import frac
    if not self.is_floating_point():
        frac(self)  # PyTorch's NotImplementedError
    return write_inplace(self, "frac", frac)


_tensor_frac_.__name__ = "frac_"
if not hasattr(Tensor, "frac_"):
    Tensor.frac_ = _tensor_frac_


def install(namespace):
    namespace.update(FUNCTIONS)


# ---- frexp: (mantissa, exponent) ----
# Note [frexp by exponent scaling]
# The exponent is floor(log2|x|) + 1, corrected by one either way where log2
# rounded across an integer (|mantissa| must land in [0.5, 1)); the mantissa
# is x * 2^-e in float64, as two factors 2^-(e//2) and 2^-(e - e//2) so that
# neither overflows at the extremes (e = -1073 for the smallest subnormal,
# 1024 for the largest double). Scaling by a power of two is exact, so the
# mantissa fits the input's dtype exactly. 0, inf and NaN keep their value
# with exponent 0, as PyTorch. The gradient is 2^-e (FrexpBackward0).
def _frexp_parts(x):
    import tensorcore
    with tensorcore.no_grad():
        x = x.detach().double()
        finite = tensorcore.isfinite(x) & (x != 0)
        a = tensorcore.where(finite, x.abs(), 1.0)
        e = tensorcore.floor(tensorcore.log2(a)) + 1
        for _ in range(2):
            half = tensorcore.floor(e / 2)
            m = a * tensorcore.exp2(-half) * tensorcore.exp2(half - e)
            e = e + (m >= 1).double() - (m < 0.5).double()
        e = tensorcore.where(finite, e, 0.0)
        half = tensorcore.floor(e / 2)
        return tensorcore.exp2(-half), tensorcore.exp2(half - e), e.to(tensorcore.int32)


@grad_fn_named("FrexpBackward0")
def _frexp(input):
    from ._tensor import return_types
    s1, s2, e = _frexp_parts(input)
    mantissa = (input.double() * s1 * s2).to(input.dtype)
    return return_types.frexp(mantissa, e)


def _frexp_return_types():
    from ._tensor import _named_return_type, return_types
    if not hasattr(return_types, "frexp"):
        _named_return_type("frexp", ("mantissa", "exponent"))
        _named_return_type("frexp_out", ("mantissa", "exponent"))


_frexp_return_types()


@_function
def frexp(input, *, out=None):
    tensor_arg(input, "frexp")
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    if out is None:
        return _frexp(input)
    from ._tensor import return_types
    if not isinstance(out, (tuple, list)) or len(out) != 2 or not all(isinstance(o, Tensor) for o in out):
        raise TypeError("frexp(): argument 'out' must be tuple of Tensors")
    mantissa, exponent = out
    if mantissa.dtype != input.dtype:
        raise RuntimeError(f"torch.frexp() expects mantissa to have dtype {_c_type(input)} but got "
                           f"{_c_type(mantissa)}")
    if exponent.dtype.name != "int32":
        raise RuntimeError(f"torch.frexp() expects exponent to have int dtype but got {_c_type(exponent)}")
    check_out("frexp", mantissa, [input])
    m, e = _frexp(input)
    write_out("frexp", m, mantissa)
    write_out("frexp", e, exponent)
    return return_types.frexp_out(mantissa, exponent)


def _c_type(t):
    from ._dtype import CPP_TYPE_NAMES
    return CPP_TYPE_NAMES[t.dtype.name]


def _tensor_frexp(self):
    return frexp(self)


_tensor_frexp.__name__ = "frexp"
Tensor.frexp = _tensor_frexp


# ---- nextafter(input, other) ----
# Note [nextafter on the bit patterns]
# The next representable value from x toward y, computed on the integer view
# of the floats (so float16 and bfloat16 need no wider type): one unit up in
# the raw pattern moves away from zero for either sign, so the step is +1 when
# y lies beyond x on x's side of zero and -1 otherwise. x == y gives y (so
# nextafter(0., -0.) is -0.), x == 0 gives the smallest subnormal of y's sign,
# and a NaN in either gives NaN, as C's nextafter. Its gradient is PyTorch's
# (NextafterBackward0): the incoming gradient for input where input != other
# (0 where the result is other itself), zeros for other.
_NEXTAFTER_BITS = {"float16": "int16", "bfloat16": "int16", "float32": "int32", "float64": "int64"}


def _nextafter_values(x, y):
    import tensorcore
    ity = getattr(tensorcore, _NEXTAFTER_BITS[x.dtype.name])
    with tensorcore.no_grad():
        x, y = (t.contiguous() for t in tensorcore.broadcast_tensors(x, y))
        bits = x.view(ity)
        away = (y > x) == (x > 0)
        stepped = bits + tensorcore.where(away, 1, -1).to(ity)
        tiny = tensorcore.where(y < 0, -1.0, 1.0).to(x.dtype) * tensorcore.ones((), dtype=ity).view(x.dtype)
        out = tensorcore.where(x == 0, tiny, stepped.view(x.dtype))
        out = tensorcore.where(x == y, y, out)
        return tensorcore.where(tensorcore.isnan(x) | tensorcore.isnan(y), x + y, out)


class _Nextafter:
    _fn = None

    @classmethod
    def apply(cls, x, y):
        if cls._fn is None:
            from .autograd.function import Function

            class NextafterFunction(Function):
                _node_name = "NextafterBackward0"

                @staticmethod
                def forward(ctx, a, b):
                    ctx.shapes = (a.shape, a.dtype, b.shape, b.dtype)
                    ctx.moved = a != b  # where a == b the result is b, and input gets no gradient
                    return _nextafter_values(a, b)

                @staticmethod
                def backward(ctx, grad):
                    import tensorcore
                    a_shape, a_dtype, b_shape, b_dtype = ctx.shapes
                    g = tensorcore.where(ctx.moved, grad, 0.0)
                    return g.sum_to_size(a_shape).to(a_dtype), tensorcore.zeros(b_shape, dtype=b_dtype)
            cls._fn = NextafterFunction
        return cls._fn.apply(x, y)


@_function
def nextafter(input, other, *, out=None):
    import tensorcore
    tensor_arg(input, "nextafter", "input", 1)
    tensor_arg(other, "nextafter", "other", 2)
    dt = tensorcore.result_type(input, other)
    if dt.name not in _NEXTAFTER_BITS:
        tensorcore.broadcast_shapes(input.shape, other.shape)  # the shapes' error first, as PyTorch
        from ._dtype import SCALAR_TYPE_NAMES
        raise NotImplementedError(f'"nextafter_cpu" not implemented for \'{SCALAR_TYPE_NAMES[dt.name]}\'')
    x, y = input.to(dt), other.to(dt)
    result = _Nextafter.apply(x, y) if (x.requires_grad or y.requires_grad) and tensorcore.is_grad_enabled() \
        else _nextafter_values(x, y)
    if out is None:
        return result
    check_out("nextafter", out, [input, other])
    if not tensorcore.can_cast(result.dtype, out.dtype):
        from ._dtype import SCALAR_TYPE_NAMES
        raise RuntimeError(f"result type {SCALAR_TYPE_NAMES[result.dtype.name]} can't be cast to the desired "
                           f"output type {SCALAR_TYPE_NAMES[out.dtype.name]}")
    return write_out("nextafter", result, out)


def _tensor_nextafter(self, other):
    return nextafter(self, other)


def _tensor_nextafter_(self, other):
    return write_inplace(self, "nextafter", lambda s: nextafter(s, other), other)


_tensor_nextafter.__name__ = "nextafter"
_tensor_nextafter_.__name__ = "nextafter_"
Tensor.nextafter = _tensor_nextafter
Tensor.nextafter_ = _tensor_nextafter_


# ---- renorm ----
# Note [renorm is a scaled copy]
# PyTorch's renorm rescales each slice along `dim` whose p-norm (over all the other dims) exceeds maxnorm to
# norm maxnorm: factor = maxnorm / (norm + 1e-7) where norm > maxnorm, else 1, result = input * factor. The
# factor depends on the input through the norm, and PyTorch's RenormBackward0 differentiates through it, so the
# composite below (vector_norm, where, mul) has the same gradient; the node is named as PyTorch's. Old training
# code renormalises weights in place with it (weight.data.uniform_(-1, 1).renorm_(2, 1, 1e-5).mul_(1e5)).
def _renorm_checked(input, p, dim, maxnorm):
    tensor_arg(input, "renorm")
    p, maxnorm = builtins.float(p), builtins.float(maxnorm)
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    n = input.dim()
    dim = _int_arg(dim, "renorm", "dim", 3)
    if not -builtins.max(n, 1) <= dim < builtins.max(n, 1):
        span = builtins.max(n, 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], but got {dim})")
    if n <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {n} dimensions")
    return p, dim % n, maxnorm


@_function
@grad_fn_named("RenormBackward0")
def renorm(input, p, dim, maxnorm, *, out=None):
    from .linalg import vector_norm
    p, dim, maxnorm = _renorm_checked(input, p, dim, maxnorm)
    if out is not None:
        check_out("renorm", out, (input,))
    others = [d for d in builtins.range(input.dim()) if d != dim]
    norm = vector_norm(input, p, others, keepdim=True)
    factor = _C.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    result = input * factor.to(input.dtype)
    return result if out is None else write_out("renorm", result, out)


Tensor.renorm = lambda self, p, dim, maxnorm: renorm(self, p, dim, maxnorm)
Tensor.renorm.__name__ = "renorm"


def _tensor_renorm_(self, p, dim, maxnorm):
    _renorm_checked(self, p, dim, maxnorm)
    return write_inplace(self, "renorm", lambda s: renorm(s, p, dim, maxnorm))


_tensor_renorm_.__name__ = "renorm_"
Tensor.renorm_ = _tensor_renorm_
