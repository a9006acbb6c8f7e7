"""More torch.* functions: the signal windows, vander, trapezoid rules,
frombuffer/asarray/scalar_tensor, rsub and fill.

Windows follow PyTorch's formulas step by step in the requested dtype (so
float32 windows round as PyTorch's do); the rest compose core ops, so they
differentiate where PyTorch's do.
"""
import builtins
import math

import numpy as np

from . import _C
from ._args import dtype_arg, int_arg, tensor_arg
from ._composites import _function
from ._dtype_refusals import dtype_not_implemented
from ._naming import grad_fn_named

Tensor = _C.Tensor


# C++ type names, as PyTorch's TensorOptions prints them in the window factories' dtype error
_CPP_TYPE_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                   "uint8": "unsigned char", "bool": "bool"}


def _window_dtype(dtype, name, requires_grad=False, pin_memory=False):
    """The window's dtype: floating point, or complex (PyTorch accepts a complex
    dtype, then fails in arange for lengths above 1: see _window)."""
    dt = _C.get_default_dtype() if dtype is None else dtype_arg(dtype, name)
    if not (dt.is_floating_point or dt.is_complex):
        options = (f"TensorOptions(dtype={_CPP_TYPE_NAMES.get(dt.name, dt.name)}, device=cpu, layout=Strided "
                   f"(default), requires_grad={'true' if requires_grad else 'false (default)'}, "
                   f"pinned_memory={'true' if pin_memory else 'false'}, memory_format=(nullopt))")
        raise RuntimeError(f"{name} expects floating point dtypes, got: {options}")
    return dt


# Note [Window factory overloads]
# PyTorch binds each window factory as overloads: (window_length), then
# (window_length, periodic), then the window's shape parameters after periodic
# (hamming_window: alpha, beta; kaiser_window: beta), every overload with the
# keyword-only dtype/layout/device/pin_memory/requires_grad. periodic must be a
# bool and comes before any shape parameter (hamming_window(5, alpha=0.3) fits
# no overload); a shape parameter is a float (an int or bool converts). A call
# that fits none is the parser's "invalid combination of arguments" TypeError.
_FACTORY_KEYWORDS = ("dtype", "layout", "device", "pin_memory", "requires_grad")
_WINDOW_OPTIONS = ("*, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
                   "bool pin_memory = False, bool requires_grad = False")


def _argument_type_name(value):
    if isinstance(value, _C.Tensor):
        return "Tensor"
    if isinstance(value, type(_C.get_default_dtype())):
        return "torch.dtype"
    return type(value).__name__


def _window_signature_error(name, shape_params, args, kwargs):
    got = ", ".join([_argument_type_name(a) for a in args] +
                    [f"{k}={_argument_type_name(v)}" for k, v in kwargs.items()])
    overloads = [f" * (int window_length, {_WINDOW_OPTIONS})\n", f" * (int window_length, bool periodic, "
                 f"{_WINDOW_OPTIONS})\n"]
    for i in range(1, len(shape_params) + 1):
        floats = ", ".join(f"float {p}" for p in shape_params[:i])
        overloads.append(f" * (int window_length, bool periodic, {floats}, {_WINDOW_OPTIONS})\n")
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + "".join(overloads))


def _window_shape_args(name, shape_params, args, kwargs):
    """(periodic, shape parameter values) of a call, or the parser's TypeError (Note [Window factory overloads])."""
    positional = list(args[1:])
    named = {k: v for k, v in kwargs.items() if k not in _FACTORY_KEYWORDS}
    bound = {}
    for key, value in zip(("periodic",) + shape_params, positional):
        bound[key] = value
    fits = len(positional) <= 1 + len(shape_params)
    for key, value in named.items():
        if key in bound or key not in ("periodic",) + shape_params:
            fits = False
        bound[key] = value
    order = ("periodic",) + shape_params
    given = [k for k in order if k in bound]
    fits = fits and given == list(order[:len(given)])  # no gap: beta needs alpha, alpha needs periodic
    fits = fits and ("periodic" not in bound or isinstance(bound["periodic"], bool))
    fits = fits and all(isinstance(bound[p], (int, float)) for p in shape_params if p in bound)
    if not fits:
        raise _window_signature_error(name, shape_params, args, kwargs)
    return bound.get("periodic", True), [float(bound[p]) for p in shape_params if p in bound]


def _window(name, body, shape_params=()):
    """A window factory: PyTorch's argument and size checks, the length-0/1
    cases, and a periodic window as the symmetric one of length + 1 without
    its last point."""
    def factory(*args, **kwargs):
        if not args and "window_length" in kwargs:
            kwargs = dict(kwargs)
            args = (kwargs.pop("window_length"),)
        if not args:
            raise _window_signature_error(name, shape_params, args, kwargs)
        length_arg = args[0]
        if not (isinstance(length_arg, int) and not isinstance(length_arg, builtins.bool)) and not (
                isinstance(length_arg, _C.Tensor) and length_arg.dim() == 0 and not length_arg.is_floating_point()
                and not length_arg.is_complex() and length_arg.dtype.name != "bool"):
            if len(args) == 1 and not kwargs:
                raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                                f"{_argument_type_name(length_arg)}")
            raise _window_signature_error(name, shape_params, args, kwargs)
        periodic, params = _window_shape_args(name, shape_params, args, kwargs)
        n = int_arg(length_arg, name, "window_length")
        dtype, requires_grad = kwargs.get("dtype"), kwargs.get("requires_grad", False)
        dt = _window_dtype(dtype, name, requires_grad, kwargs.get("pin_memory", False))
        if n < 0:
            raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
        if n == 0:
            out = _C.zeros([0], dt)
        elif n == 1:
            out = _C.ones([1], dt)
        elif dt.is_complex:  # PyTorch builds the window from an arange, which has no complex kernel
            raise dtype_not_implemented("arange_cpu", dt)
        else:
            length = n + 1 if periodic else n
            out = body(length, dt, *params)
            if periodic:
                out = out.narrow(0, 0, n).contiguous()
        if requires_grad:
            out.requires_grad_(True)
        return out
    factory.__name__ = factory.__qualname__ = name
    return _function(factory)


def _in_dtype(value, dt):
    """A window's step as a 0-dim tensor of the window's dtype: PyTorch's
    window functions round it to a float16/bfloat16 window's dtype before
    multiplying (a Python number would enter a 16-bit mul unrounded, Note [A
    scalar operand of a 16-bit float op keeps its value] in ops/elementwise.cpp)."""
    return _C.full((), value, dt)


def _hamming_body(length, dt, alpha=0.54, beta=0.46):
    w = _C.arange(0, length, 1, dt) * _in_dtype(math.pi * 2.0 / (length - 1), dt)
    return w.cos() * _in_dtype(-beta, dt) + alpha


def _blackman_body(length, dt):
    w = _C.arange(0, length, 1, dt) * _in_dtype(math.pi / (length - 1), dt)
    return (w * 4).cos() * _in_dtype(0.08, dt) - (w * 2).cos() * _in_dtype(0.5, dt) + 0.42


def _bartlett_body(length, dt):
    w = _C.arange(0, length, 1, dt) * _in_dtype(2.0 / (length - 1), dt)
    half = ((length - 1) >> 1) + 1
    return _C.cat([w.narrow(0, 0, half), w.narrow(0, half, length - half) * -1 + 2], 0)


def _kaiser_body(length, dt, beta=12.0):
    # i0 is not a core op: evaluated with numpy's in float64, then rounded to the dtype once
    alpha = (length - 1) / 2.0
    n = np.arange(length, dtype=np.float64)
    w = np.i0(beta * np.sqrt(np.maximum(1 - ((n - alpha) / alpha) ** 2, 0))) / np.i0(builtins.float(beta))
    from ._functions import tensor
    return tensor(w, dtype=dt)


hann_window = _window("hann_window", lambda length, dt: _hamming_body(length, dt, 0.5, 0.5))
hamming_window = _window("hamming_window", _hamming_body, ("alpha", "beta"))
blackman_window = _window("blackman_window", _blackman_body)
bartlett_window = _window("bartlett_window", _bartlett_body)
kaiser_window = _window("kaiser_window", _kaiser_body, ("beta",))


@_function
def vander(x, N=None, increasing=False):
    tensor_arg(x, "vander", "x")
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int_arg(N, "vander", "N")
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    # integer and bool inputs give int64 powers, as PyTorch's promotion with long
    from ._dtype import int64
    dt = x.dtype if x.is_floating_point() else int64
    base = x if x.dtype == dt else x.to(dt)
    if n == 0:
        return _C.zeros([x.shape[0], 0], dt)
    cols = [_C.ones([x.shape[0], 1], dt)]
    if n > 1:
        cols.append(base.unsqueeze(1).expand(x.shape[0], n - 1).cumprod(1))
    result = _C.cat(cols, 1)
    return result if increasing else result.flip(1)


def _trapezoid_dim(y, dim, name):
    n = builtins.max(y.dim(), 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _spacing_view(x, y, dim, name):
    """The x spacing as something that broadcasts against y's pairs along dim."""
    dx = x.diff(dim=-1 if x.dim() == 1 else dim)
    if x.dim() == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = dx.shape[0]
        dx = dx.reshape(shape)
    return dx


@_function
def trapezoid(y, x=None, *, dx=None, dim=-1):
    tensor_arg(y, "trapezoid", "y")
    dim = _trapezoid_dim(y, int_arg(dim, "trapezoid"), "trapezoid")
    if y.dtype.name == "bool" or (isinstance(x, Tensor) and x.dtype.name == "bool"):
        raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported"
                           if isinstance(x, Tensor) else
                           "trapezoid: received a bool input for `y`, but bool is not supported")
    if isinstance(x, Tensor):
        if dx is not None:
            raise TypeError("trapezoid() received an invalid combination of arguments")
        if y.shape[dim] == 0:
            return y.sum(dim) * 0
        spacing = _spacing_view(x, y, dim, "trapezoid")
        n = y.shape[dim]
        pairs = y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)
        return (spacing * pairs).sum(dim) / 2.0
    if x is not None and dx is None:  # trapezoid(y, 0.5): a number x is the spacing
        dx = x
    step = 1 if dx is None else dx
    if y.shape[dim] == 0:
        return y.sum(dim) * 0
    return (y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5) * step


@_function
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


@_function
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    tensor_arg(y, "cumulative_trapezoid", "y")
    dim = _trapezoid_dim(y, int_arg(dim, "cumulative_trapezoid"), "cumulative_trapezoid")
    n = y.shape[dim]
    if n == 0:
        return y.narrow(dim, 0, 0) * 1.0
    pairs = (y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) / 2.0
    if isinstance(x, Tensor):
        pairs = pairs * _spacing_view(x, y, dim, "cumulative_trapezoid")
    else:
        step = x if x is not None and dx is None else (1 if dx is None else dx)
        pairs = pairs * step
    return pairs.cumsum(dim)


@_function
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    dt = _C.get_default_dtype() if dtype is None else dtype_arg(dtype, "scalar_tensor")
    out = _C.scalar_tensor(s, dt)
    if requires_grad:
        out.requires_grad_(True)
    return out


@_function
@grad_fn_named(lambda input, other, alpha=1: "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1")
def rsub(input, other, alpha=1):
    # other - alpha * input, with sub's dtype rules and errors
    from ._functions import sub
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    return sub(_C.scalar_tensor(other, None), input, alpha=alpha)


@_function
@grad_fn_named(lambda input, value: "FillBackward1" if isinstance(value, Tensor) else "FillBackward0")
def fill(input, value):
    out = input.clone()
    out.fill_(value)
    return out


@_function
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing `buffer`'s memory (PyTorch's semantics: writes go
    through, and the buffer must stay alive and writable)."""
    from ._dtype import bfloat16, int16
    dt = dtype_arg(dtype, "frombuffer")
    np_dtype = np.dtype("int16") if dt is bfloat16 else np.dtype(dt.name if dt.name != "bool" else "bool")
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    nbytes = view.nbytes
    if nbytes == 0 or count == 0:
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if offset < 0 or offset >= nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({nbytes} bytes) minus 1")
    if count < 0 and (nbytes - offset) % np_dtype.itemsize:
        raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) must be a multiple "
                         f"of element size ({np_dtype.itemsize})")
    if count > 0 and count * np_dtype.itemsize > nbytes - offset:
        raise ValueError(f"requested buffer length ({count} * {np_dtype.itemsize} bytes) after offset ({offset} "
                         f"bytes) must not be greater than actual buffer length ({nbytes} bytes)")
    arr = np.frombuffer(buffer, dtype=np_dtype, count=count, offset=offset)
    if not arr.flags.writeable:
        # PyTorch warns and shares a read-only buffer (writes through the tensor would mutate, say, a bytes
        # object); tensorcore warns the same and copies, so nothing immutable is ever written
        import warnings
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. "
                      "You may want to copy the buffer to protect its data or make it writable before converting "
                      "it to a tensor. This type of warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
    from ._functions import from_numpy
    out = from_numpy(arr) if arr.flags.writeable else from_numpy(arr.copy())
    if dt is bfloat16:
        out = out.view(bfloat16) if out.dtype is int16 else out
    if requires_grad:
        out.requires_grad_(True)
    return out


@_function
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    from ._functions import as_tensor, tensor
    if isinstance(obj, Tensor):
        out = obj
        if dtype is not None and dtype_arg(dtype, "asarray") != obj.dtype:
            if copy is False:
                raise ValueError("can't alias tensor from asarray with a different dtype")
            out = obj.to(dtype)
        elif copy:
            out = obj.clone()
    elif isinstance(obj, np.ndarray):
        if copy is False and dtype is not None and np.dtype(dtype_arg(dtype, "asarray").name) != obj.dtype:
            raise ValueError("can't alias NumPy array from asarray with a different dtype")
        out = tensor(obj, dtype=dtype) if copy else as_tensor(obj, dtype=dtype)
    else:
        if copy is False:
            raise ValueError(f"can't alias Python sequence {obj!r} without copying" if not builtins.isinstance(
                obj, (builtins.int, builtins.float, builtins.bool)) else "can't alias a Python scalar without copying")
        out = tensor(obj, dtype=dtype)
    if requires_grad:
        out = out.detach() if out is obj else out
        out.requires_grad_(True)
    return out


def _gradient_along(f, d, h, edge_order):
    """numpy's / PyTorch's second-order accurate differences of f along d:
    central inside, one-sided (first or second order) at the two ends. h is a
    number (uniform spacing) or a 1-D tensor of coordinates."""
    n = f.shape[d]

    def part(start, length):
        return f.narrow(d, start, length)

    if not isinstance(h, Tensor):
        inner = (part(2, n - 2) - part(0, n - 2)) / (2.0 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (part(0, 1) * -1.5 + part(1, 1) * 2.0 - part(2, 1) * 0.5) / h
            last = (part(n - 3, 1) * 0.5 - part(n - 2, 1) * 2.0 + part(n - 1, 1) * 1.5) / h
        return _C.cat([first, inner, last], d)
    shape = [1] * f.dim()
    shape[d] = -1
    dx = h.diff()
    dx1, dx2 = dx.narrow(0, 0, n - 2).reshape(shape), dx.narrow(0, 1, n - 2).reshape(shape)
    a = -dx2 / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    c = dx1 / (dx2 * (dx1 + dx2))
    inner = a * part(0, n - 2) + b * part(1, n - 2) + c * part(2, n - 2)
    if edge_order == 1:
        first = (part(1, 1) - part(0, 1)) / dx[0]
        last = (part(n - 1, 1) - part(n - 2, 1)) / dx[-1]
    else:
        e1, e2 = dx[0], dx[1]
        first = (part(0, 1) * (-(2 * e1 + e2) / (e1 * (e1 + e2))) + part(1, 1) * ((e1 + e2) / (e1 * e2))
                 + part(2, 1) * (-e1 / (e2 * (e1 + e2))))
        e1, e2 = dx[-2], dx[-1]
        last = (part(n - 3, 1) * (e2 / (e1 * (e1 + e2))) + part(n - 2, 1) * (-(e2 + e1) / (e1 * e2))
                + part(n - 1, 1) * ((2 * e2 + e1) / (e2 * (e1 + e2))))
    return _C.cat([first, inner, last], d)


@_function
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    tensor_arg(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    nd = input.dim()
    if dim is None:
        dims = list(builtins.range(nd))
    else:
        dims = [dim] if isinstance(dim, builtins.int) else list(dim)
        for d in dims:
            if not -builtins.max(nd, 1) <= d < builtins.max(nd, 1):
                raise IndexError(f"Dimension out of range (expected to be in range of [{-builtins.max(nd, 1)}, "
                                 f"{builtins.max(nd, 1) - 1}], but got {d})")
        dims = [d % builtins.max(nd, 1) for d in dims]
    if isinstance(spacing, (list, tuple)):
        if builtins.len(spacing) != builtins.len(dims):
            if dim is None:
                raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of "
                                   f"length equal to 'self.dim() = {nd}', since dim argument was not given, but got "
                                   f"a list of length {builtins.len(spacing)}")
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
                               f"dim arguments to have the same length, but got a spacing argument of length "
                               f"{builtins.len(spacing)} and a dim argument of length {builtins.len(dims)}.")
        steps = list(spacing)
    else:
        steps = [spacing] * builtins.len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    f = input if input.is_floating_point() else input.to(_C.get_default_dtype())
    out = []
    for d, h in zip(dims, steps):
        if isinstance(h, Tensor):
            if h.dim() != 1:
                raise RuntimeError(f"torch.gradient expected each tensor to be on the same device, and 1-D, but "
                                   f"got a {h.dim()}-D spacing tensor")
            if h.shape[0] != input.shape[d]:
                raise RuntimeError(f"torch.gradient expected each tensor to be of size {input.shape[d]} along "
                                   f"dimension {d}, but got a tensor of size {h.shape[0]}")
            h = h if h.dtype == f.dtype else h.to(f.dtype)
        out.append(_gradient_along(f, d, h, edge_order))
    return tuple(out)
