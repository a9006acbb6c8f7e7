"""torch.fft: discrete Fourier transforms, with PyTorch's semantics and autograd.

Note [FFT backend: numpy's pocketfft]
The C++ core has no FFT kernel yet. The transforms here run on numpy.fft,
which is pocketfft (C): the same library PyTorch itself uses for CPU builds
without MKL. numpy >= 2 keeps float32/complex64 in single precision, so a
complex64 result is computed in single precision as PyTorch's is (values agree
to float32 rounding, not bit for bit: the plans differ). Should the core gain
an FFT, only the three `_np_*` kernels below change.

Note [Three primitives, as ATen]
Every public transform is built, as in ATen (aten/src/ATen/native/
SpectralOps.cpp), from three differentiable primitives over a set of dims:
  _fft_c2c(x, dims, norm_mode, forward)       complex -> complex
  _fft_r2c(x, dims, norm_mode, onesided)      real -> complex, exp(-i) direction
  _fft_c2r(x, dims, norm_mode, last_dim_size) one-sided Hermitian -> real, exp(+i)
norm_mode is the scale applied to the unnormalized sum: _NORM_NONE,
_NORM_BY_ROOT_N (1/sqrt(n)) or _NORM_BY_N (1/n), n the product of the
transformed (signal) sizes. The grad_fn names are PyTorch's (FftC2CBackward0,
FftR2CBackward0, FftC2RBackward0); the inverse-direction real-input transforms
(ifft of a real tensor, ihfft) are the conjugate of an r2c, as in ATen.

Note [FFT adjoints]
A transform is linear, so its backward is its adjoint applied to the grad:
  - c2c: the adjoint of a scaled DFT is the same scale times the DFT in the
    other direction: c2c(grad, dims, norm_mode, not forward).
  - r2c (real input): the full spectrum's adjoint is c2c in the inverse
    direction; a one-sided output dropped the upper half, whose adjoint is
    zero padding back to the full last-dim length. The real part is taken
    because the input is real.
  - c2r: the output is real, so the grad is real; its adjoint is a one-sided
    r2c, and each bin 1..n-n//2-1 of the one-sided input stood for itself and
    its mirror conjugate, so its gradient is doubled (DC and, for even n, the
    Nyquist bin, are not mirrored).
"""
import builtins
import math

import numpy as np

from . import _C
from ._args import int_arg, tensor_arg
from ._dtype_refusals import dtype_not_implemented
from ._out import check_out, factory_dtype, write_out
from .autograd.function import Function

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

Tensor = _C.Tensor  # torch.fft.Tensor exists too (PyTorch's module imports it)

_NORM_NONE, _NORM_BY_ROOT_N, _NORM_BY_N = 0, 1, 2

# numpy's `norm` for each norm_mode: forward transforms scale by 1/n under
# "forward", inverse ones under "backward" (numpy and PyTorch agree on that).
_NUMPY_NORM_FORWARD = {_NORM_NONE: "backward", _NORM_BY_ROOT_N: "ortho", _NORM_BY_N: "forward"}
_NUMPY_NORM_INVERSE = {_NORM_NONE: "forward", _NORM_BY_ROOT_N: "ortho", _NORM_BY_N: "backward"}

_TYPE_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble", "complex32": "ComplexHalf",
               "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}


def _type_name(dtype):
    return _TYPE_NAMES.get(dtype.name, dtype.name)


# ---------------------------------------------------------------------------
# numpy kernels (Note [FFT backend: numpy's pocketfft])
# ---------------------------------------------------------------------------

def _to_numpy(t):
    return t.detach().resolve_conj().numpy()


def _from_numpy(a):
    # np.require keeps a 0-d array 0-d (ascontiguousarray would make it 1-d)
    return _C.from_numpy(np.require(a, requirements="C"))


def _check_nonempty_batch(x, dims):
    """PyTorch's CPU (MKL) build refuses a transform whose batch is empty (the
    signal sizes are checked >= 1 before this); matched so that a program
    that fails under PyTorch fails here too."""
    if x.numel() == 0 and dims:
        raise RuntimeError("MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration parameters")


def _check_kernel_dtype(x):
    """The CPU kernels take float32/float64 and their complex types only (what
    reaches them unpromoted: stft/istft's half-precision signals)."""
    if x.dtype.name in ("float16", "bfloat16"):
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {_type_name(x.dtype)}")


def _np_c2c(x, dims, norm_mode, forward):
    a = _to_numpy(x)
    if not dims:
        return _from_numpy(a.astype(np.complex128 if a.dtype == np.float64 else
                                    (a.dtype if np.iscomplexobj(a) else np.complex64), copy=True))
    if forward:
        return _from_numpy(np.fft.fftn(a, axes=dims, norm=_NUMPY_NORM_FORWARD[norm_mode]))
    return _from_numpy(np.fft.ifftn(a, axes=dims, norm=_NUMPY_NORM_INVERSE[norm_mode]))


def _np_r2c(x, dims, norm_mode, onesided):
    a = _to_numpy(x)
    norm = _NUMPY_NORM_FORWARD[norm_mode]
    if onesided:
        return _from_numpy(np.fft.rfftn(a, axes=dims, norm=norm))
    return _from_numpy(np.fft.fftn(a, axes=dims, norm=norm))


def _np_c2r(x, dims, norm_mode, last_dim_size):
    a = _to_numpy(x)
    sizes = [a.shape[d] for d in dims[:-1]] + [last_dim_size]
    return _from_numpy(np.fft.irfftn(a, s=sizes, axes=dims, norm=_NUMPY_NORM_INVERSE[norm_mode]))


# ---------------------------------------------------------------------------
# The differentiable primitives (Note [Three primitives, as ATen], Note [FFT adjoints])
# ---------------------------------------------------------------------------

class _FftC2C(Function):
    _node_name = "FftC2CBackward0"

    @staticmethod
    def forward(ctx, x, dims, norm_mode, forward):
        ctx.fft_args = (dims, norm_mode, forward, x.is_complex())
        _check_kernel_dtype(x)
        _check_nonempty_batch(x, dims)
        return _np_c2c(x, dims, norm_mode, forward)

    @staticmethod
    def backward(ctx, grad):
        dims, norm_mode, forward, input_is_complex = ctx.fft_args
        g = _fft_c2c(grad, dims, norm_mode, not forward)
        return (g if input_is_complex else g.real), None, None, None


class _FftR2C(Function):
    _node_name = "FftR2CBackward0"

    @staticmethod
    def forward(ctx, x, dims, norm_mode, onesided):
        ctx.fft_args = (dims, norm_mode, onesided, x.shape[dims[-1]])
        _check_kernel_dtype(x)
        _check_nonempty_batch(x, dims)
        return _np_r2c(x, dims, norm_mode, onesided)

    @staticmethod
    def backward(ctx, grad):
        dims, norm_mode, onesided, last_dim_size = ctx.fft_args
        if onesided:  # the dropped upper half's adjoint: zeros
            grad = _pad_dim(grad, dims[-1], last_dim_size)
        return _fft_c2c(grad, dims, norm_mode, False).real, None, None, None


class _FftC2R(Function):
    _node_name = "FftC2RBackward0"

    @staticmethod
    def forward(ctx, x, dims, norm_mode, last_dim_size):
        ctx.fft_args = (dims, norm_mode, last_dim_size, x.is_complex())
        _check_kernel_dtype(x)
        _check_nonempty_batch(x, dims)
        return _np_c2r(x, dims, norm_mode, last_dim_size)

    @staticmethod
    def backward(ctx, grad):
        dims, norm_mode, last_dim_size, input_is_complex = ctx.fft_args
        g = _fft_r2c(grad, dims, norm_mode, True)
        last = dims[-1]
        doubled = last_dim_size - g.shape[last]  # bins 1..doubled stand for two (Note [FFT adjoints])
        if doubled > 0:
            scale = np.ones(g.shape[last], dtype=np.float64 if g.dtype.name == "complex128" else np.float32)
            scale[1:1 + doubled] = 2
            shape = [1] * g.dim()
            shape[last] = g.shape[last]
            g = g * _from_numpy(scale.reshape(shape))
        return (g if input_is_complex else g.real), None, None, None


class _Conj(Function):
    """conj under PyTorch's node name (tensorcore's own conj records
    ViewAsComplexBackward0), for the conjugated r2c of ifft/ihfft and the
    conjugated input of hfft."""
    _node_name = "ConjBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.conj()

    @staticmethod
    def backward(ctx, grad):
        return grad.conj()


def _conj(x):
    return _Conj.apply(x) if x.is_complex() else x


def _fft_c2c(x, dims, norm_mode, forward):
    return _FftC2C.apply(x, tuple(dims), norm_mode, forward)


def _fft_r2c(x, dims, norm_mode, onesided):
    return _FftR2C.apply(x, tuple(dims), norm_mode, onesided)


def _fft_c2r(x, dims, norm_mode, last_dim_size):
    return _FftC2R.apply(x, tuple(dims), norm_mode, last_dim_size)


# ---------------------------------------------------------------------------
# Argument handling, as ATen's SpectralOps.cpp orders its checks
# ---------------------------------------------------------------------------

def _norm_mode(norm, forward, fname):
    """ATen's norm_from_string: the scale a transform in this direction applies."""
    if norm is None or norm == "backward":
        return _NORM_NONE if forward else _NORM_BY_N
    if norm == "forward":
        return _NORM_BY_N if forward else _NORM_NONE
    if norm == "ortho":
        return _NORM_BY_ROOT_N
    if not isinstance(norm, str):
        raise TypeError(f"fft_{fname}(): argument 'norm' must be str, not {type(norm).__name__}")
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _wrap_dim(dim, ndim):
    """maybe_wrap_dim with wrap_scalar=False: a 0-d tensor has no dim to transform."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _promote(x, require_complex=False):
    """ATen's promote_tensor_fft: integers and bool to the default float type;
    only float32/float64 (and their complex types) on the CPU."""
    dt = x.dtype
    if dt.is_complex:
        return x
    if not dt.is_floating_point:
        dt = _C.get_default_dtype()
    if dt.name not in ("float32", "float64"):
        raise RuntimeError(f"Unsupported dtype {_type_name(dt)}")
    if dt != x.dtype:
        x = x.to(dt)
    # require_complex: the primitives take a real input where ATen would cast
    # it to complex first (and take the gradient's real part themselves).
    return x


def _check_signal_size(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _pad_dim(x, dim, n):
    """x with its size along dim zero padded (at the end) or trimmed to n."""
    size = x.shape[dim]
    if size == n:
        return x
    if size > n:
        return x.narrow(dim, 0, n)
    pad_shape = list(x.shape)
    pad_shape[dim] = n - size
    return _C.cat([x, _C.zeros(pad_shape, x.dtype)], dim)


def _resize(x, dims, sizes):
    for d, n in zip(dims, sizes):
        x = _pad_dim(x, d, n)
    return x


def _int_list_arg(value, fname, what):
    """An int or a sequence of ints (PyTorch's IntArrayRef parsing and its
    TypeErrors: the first element decides "must be tuple of ints", a later
    one "failed to unpack"); a bool is not an int here."""
    def is_int(v):
        return isinstance(v, int) and not isinstance(v, bool) or (
            isinstance(v, _C.Tensor) and v.dim() == 0 and not v.is_floating_point() and not v.is_complex()
            and v.dtype.name != "bool")
    if is_int(value):
        return [int(value)]
    if not isinstance(value, (tuple, list)) or (len(value) > 0 and not is_int(value[0])):
        raise TypeError(f"fft_{fname}(): argument '{what}' must be tuple of ints, not {type(value).__name__}")
    for position, v in enumerate(value):
        if not is_int(v):
            raise TypeError(f"fft_{fname}(): argument '{what}' failed to unpack the object at pos {position + 1} "
                            f"with error \"type must be tuple of ints,but got {type(v).__name__}\"")
    return [int(v) for v in value]


def _n_arg(n, fname):
    return None if n is None else int_arg(n, f"fft_{fname}", "n")


def _norm_type_arg(norm, fname):
    if norm is not None and not isinstance(norm, str):
        raise TypeError(f"fft_{fname}(): argument 'norm' must be str, not {type(norm).__name__}")


def _out_type_arg(out, fname):
    if out is not None and not isinstance(out, _C.Tensor):
        raise TypeError(f"fft_{fname}(): argument 'out' must be Tensor, not {type(out).__name__}")


# Note [Argument types before values]
# PyTorch's argument parser rejects a wrongly typed argument (TypeError) before
# the op looks at any value, so every public function parses all of its
# arguments first; the RuntimeErrors/IndexErrors of the checks come after.
def _one_dim_args(fname, x, n, dim, norm, out):
    tensor_arg(x, f"fft_{fname}")
    n = _n_arg(n, fname)
    dim = int_arg(dim, f"fft_{fname}", "dim")
    _norm_type_arg(norm, fname)
    _out_type_arg(out, fname)
    return n, dim


def _n_dim_args(fname, x, s, dim, norm, out):
    """(s, dim) as int lists or None; the *2 transforms' dim may not be None."""
    tensor_arg(x, f"fft_{fname}")
    s = None if s is None else _int_list_arg(s, fname, "s")
    if dim is None and fname.endswith("2"):
        raise TypeError(f"fft_{fname}(): argument 'dim' must be tuple of ints, not NoneType")
    dim = None if dim is None else _int_list_arg(dim, fname, "dim")
    _norm_type_arg(norm, fname)
    _out_type_arg(out, fname)
    return s, dim


def _canonical_shape_and_dims(fname, x, s, dim):
    """ATen's canonicalize_fft_shape_and_dim_args: (shape, dims) of an n-d transform."""
    ndim = x.dim()
    dims = None
    if dim is not None:
        dims = [_wrap_dim(d, ndim) for d in _int_list_arg(dim, fname, "dim")]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        shape = _int_list_arg(s, fname, "s")
        if dims is not None and len(dims) != len(shape):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(shape) > ndim:
            raise RuntimeError(f"Got shape with {len(shape)} values but input tensor only has {ndim} dimensions.")
        if dims is None:
            dims = list(range(ndim - len(shape), ndim))
        shape = [x.shape[d] if n == -1 else n for d, n in zip(dims, shape)]
    else:
        if dims is None:
            dims = list(range(ndim))
        shape = [x.shape[d] for d in dims]
    for n in shape:
        _check_signal_size(n)
    return shape, dims


def _check_out_dtype(fname, out, complex_out):
    if out is None:
        return
    if not isinstance(out, _C.Tensor):
        raise TypeError(f"fft_{fname}(): argument 'out' must be Tensor, not {type(out).__name__}")
    check = out.dtype.is_complex if complex_out else out.dtype.is_floating_point
    if not check:
        kind = "complex" if complex_out else "floating point"
        raise RuntimeError(f"{fname} expects a {kind} output tensor, but got {_type_name(out.dtype)}")


def _finish(fname, result, out):
    if out is None:
        return result
    return write_out(fname, result, out)


def _begin_out(out, primitive_name, inputs):
    if out is not None:
        check_out(primitive_name, out, inputs)


# ---------------------------------------------------------------------------
# 1-d transforms
# ---------------------------------------------------------------------------

def _c2c_1d(fname, x, n, dim, norm, forward, out):
    dim = _wrap_dim(dim, x.dim())
    n = x.shape[dim] if n is None else n
    _check_signal_size(n)
    x = _pad_dim(x, dim, n)
    mode = _norm_mode(norm, forward, fname)
    _begin_out(out, "_fft_c2c", (x,))
    return _finish(fname, _fft_c2c(x, [dim], mode, forward), out)


def _r2c_1d(fname, x, n, dim, norm, forward, onesided, out):
    if x.is_complex():
        raise RuntimeError(f"{fname} expects a real input tensor, but got {_type_name(x.dtype)}")
    _check_out_dtype(fname, out, True)
    x = _promote(x)
    dim = _wrap_dim(dim, x.dim())
    n = x.shape[dim] if n is None else n
    _check_signal_size(n)
    x = _pad_dim(x, dim, n)
    mode = _norm_mode(norm, forward, fname)
    _begin_out(out, "_fft_r2c", (x,))
    result = _fft_r2c(x, [dim], mode, onesided)
    if not forward:  # ATen has no inverse r2c: the conjugate of the forward one
        result = _conj(result)
    return _finish(fname, result, out)


def _c2r_1d(fname, x, n, dim, norm, forward, out):
    _check_out_dtype(fname, out, False)
    x = _promote(x, require_complex=True)
    dim = _wrap_dim(dim, x.dim())
    last_dim_size = 2 * (x.shape[dim] - 1) if n is None else n
    _check_signal_size(last_dim_size)
    if n is not None:
        x = _pad_dim(x, dim, last_dim_size // 2 + 1)
    mode = _norm_mode(norm, forward, fname)
    if forward:  # hfft: a c2r of the conjugate
        x = _conj(x)
    _begin_out(out, "_fft_c2r", (x,))
    return _finish(fname, _fft_c2r(x, [dim], mode, last_dim_size), out)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional discrete Fourier transform of input."""
    n, dim = _one_dim_args("fft", input, n, dim, norm, out)
    if input.is_complex():
        _check_out_dtype("fft", out, True)
        return _c2c_1d("fft", input, n, dim, norm, True, out)
    return _r2c_1d("fft", input, n, dim, norm, True, False, out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional inverse discrete Fourier transform of input."""
    n, dim = _one_dim_args("ifft", input, n, dim, norm, out)
    if input.is_complex():
        _check_out_dtype("ifft", out, True)
        return _c2c_1d("ifft", input, n, dim, norm, False, out)
    return _r2c_1d("ifft", input, n, dim, norm, False, False, out)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional Fourier transform of real-valued input."""
    n, dim = _one_dim_args("rfft", input, n, dim, norm, out)
    return _r2c_1d("rfft", input, n, dim, norm, True, True, out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the inverse of rfft."""
    n, dim = _one_dim_args("irfft", input, n, dim, norm, out)
    return _c2r_1d("irfft", input, n, dim, norm, False, out)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional discrete Fourier transform of a Hermitian symmetric input signal."""
    n, dim = _one_dim_args("hfft", input, n, dim, norm, out)
    return _c2r_1d("hfft", input, n, dim, norm, True, out)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the inverse of hfft."""
    n, dim = _one_dim_args("ihfft", input, n, dim, norm, out)
    return _r2c_1d("ihfft", input, n, dim, norm, False, True, out)


# ---------------------------------------------------------------------------
# n-d transforms (the *2 forms are the *n ones with dim=(-2, -1))
# ---------------------------------------------------------------------------

def _c2c_nd(fname, x, s, dim, norm, forward, out):
    s, dim = _n_dim_args(fname, x, s, dim, norm, out)
    shape, dims = _canonical_shape_and_dims(fname, x, s, dim)
    _check_out_dtype("fftn" if forward else "ifftn", out, True)  # fft2's messages name fftn, as ATen's
    x = _promote(x, require_complex=True)
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, forward, fname)
    _begin_out(out, "_fft_c2c", (x,))
    return _finish(fname, _fft_c2c(x, dims, mode, forward), out)


def _rfftn_impl(fname, x, s, dim, norm, out):
    s, dim = _n_dim_args(fname, x, s, dim, norm, out)
    if x.is_complex():  # ATen checks this first
        raise RuntimeError(f"rfftn expects a real-valued input tensor, but got {_type_name(x.dtype)}")
    shape, dims = _canonical_shape_and_dims(fname, x, s, dim)
    if not shape:
        raise RuntimeError("rfftn must transform at least one axis")
    _check_out_dtype("rfftn", out, True)
    x = _promote(x)
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, True, fname)
    _begin_out(out, "_fft_r2c", (x,))
    return _finish(fname, _fft_r2c(x, dims, mode, True), out)


def _c2r_shape_and_dims(fname, x, s, dim):
    """ATen's canonicalize_fft_c2r_shape_and_dim_args: the last dim is the
    Hermitian one, of output length last_dim_size and input length
    last_dim_size // 2 + 1."""
    shape, dims = _canonical_shape_and_dims(fname, x, s, dim)
    if not shape:
        raise RuntimeError(f"{fname} must transform at least one axis")
    if s is None or s[-1] == -1:
        last_dim_size = 2 * (x.shape[dims[-1]] - 1)
    else:
        last_dim_size = shape[-1]
    _check_signal_size(last_dim_size)
    shape[-1] = last_dim_size // 2 + 1
    return shape, dims, last_dim_size


def _irfftn_impl(fname, x, s, dim, norm, out):
    s, dim = _n_dim_args(fname, x, s, dim, norm, out)
    shape, dims, last_dim_size = _c2r_shape_and_dims("irfftn", x, s, dim)
    _check_out_dtype("irfftn", out, False)
    x = _promote(x, require_complex=True)
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, False, fname)
    _begin_out(out, "_fft_c2r", (x,))
    return _finish(fname, _fft_c2r(x, dims, mode, last_dim_size), out)


def _hfftn_impl(fname, x, s, dim, norm, out):
    s, dim = _n_dim_args(fname, x, s, dim, norm, out)
    shape, dims, last_dim_size = _c2r_shape_and_dims("hfftn", x, s, dim)
    _check_out_dtype("hfftn", out, False)
    x = _promote(x, require_complex=True)
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, True, fname)
    _begin_out(out, "_fft_c2r", (x,))
    if len(dims) > 1:
        x = _fft_c2c(x, dims[:-1], mode, True)
    x = _conj(x)
    return _finish(fname, _fft_c2r(x, dims[-1:], mode, last_dim_size), out)


def _ihfftn_impl(fname, x, s, dim, norm, out):
    s, dim = _n_dim_args(fname, x, s, dim, norm, out)
    shape, dims = _canonical_shape_and_dims(fname, x, s, dim)
    if not shape:
        raise RuntimeError("ihfftn must transform at least one axis")
    _check_out_dtype("ihfftn", out, True)
    x = _promote(x)
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, False, fname)
    if x.is_complex():  # ATen has no such check: its r2c kernel refuses, after the norm is parsed
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {_type_name(x.dtype)}")
    _begin_out(out, "_fft_r2c", (x,))
    result = _conj(_fft_r2c(x, dims[-1:], mode, True))
    if len(dims) > 1:
        result = _fft_c2c(result, dims[:-1], mode, False)
    return _finish(fname, result, out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2 dimensional discrete Fourier transform of input."""
    return _c2c_nd("fft2", input, s, dim, norm, True, out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2 dimensional inverse discrete Fourier transform of input."""
    return _c2c_nd("ifft2", input, s, dim, norm, False, out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N dimensional discrete Fourier transform of input."""
    return _c2c_nd("fftn", input, s, dim, norm, True, out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N dimensional inverse discrete Fourier transform of input."""
    return _c2c_nd("ifftn", input, s, dim, norm, False, out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional discrete Fourier transform of real input."""
    return _rfftn_impl("rfft2", input, s, dim, norm, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N-dimensional discrete Fourier transform of real input."""
    return _rfftn_impl("rfftn", input, s, dim, norm, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the inverse of rfft2."""
    return _irfftn_impl("irfft2", input, s, dim, norm, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the inverse of rfftn."""
    return _irfftn_impl("irfftn", input, s, dim, norm, out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional discrete Fourier transform of a Hermitian symmetric input signal."""
    return _hfftn_impl("hfft2", input, s, dim, norm, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the n-dimensional discrete Fourier transform of a Hermitian symmetric input signal."""
    return _hfftn_impl("hfftn", input, s, dim, norm, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional inverse discrete Fourier transform of real input."""
    return _ihfftn_impl("ihfft2", input, s, dim, norm, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N-dimensional inverse discrete Fourier transform of real input."""
    return _ihfftn_impl("ihfftn", input, s, dim, norm, out)


# ---------------------------------------------------------------------------
# Helpers: sample frequencies and shifts
# ---------------------------------------------------------------------------

def _freq_factory(fname, n, d, out, dtype, layout, device, requires_grad, onesided):
    from ._functions import arange
    if isinstance(n, _C.Tensor) and n.dim() == 0 and not (n.is_floating_point() or n.is_complex()) \
            and n.dtype.name != "bool":
        n = n.item()  # PyTorch's parser takes a 0-d integer tensor for an int
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"fft_{fname}(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if isinstance(d, _C.Tensor):
        d = d.item()
    if not isinstance(d, (int, float)):
        raise TypeError(f"fft_{fname}(): argument 'd' must be float, not {type(d).__name__}")
    d = builtins.float(d)
    if out is not None:  # Note [out= semantics] in _out.py: a factory fills out's dtype, silently resized
        check_out(f"aten::fft_{fname}", out)
        dtype = factory_dtype(fname, dtype, out)
    if dtype is None:
        dtype = _C.get_default_dtype()
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    if dtype.is_complex:
        raise dtype_not_implemented("arange_cpu", dtype)
    # ATen sizes the result n (fftfreq) or n / 2 + 1 (rfftfreq, C++ division truncating toward zero)
    size = int(n / 2) + 1 if onesided else n
    if size < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {size}: [{size}]")
    if onesided:
        result = arange(size, dtype=dtype, device=device)
    else:
        # [0, 1, ..., (n-1)//2, -(n//2), ..., -1], as ATen builds it: arange then the upper half shifted down
        result = arange(n, dtype=dtype, device=device)
        upper = n - n // 2
        if n > 1:
            result = _C.cat([result.narrow(0, 0, upper), result.narrow(0, upper, n - upper) - n], 0)
    # 1.0 / (n * d) as C++ doubles divide: n * d == 0 gives inf (and 0 * inf a nan), not ZeroDivisionError
    step = n * d
    result = result * (1.0 / step if step != 0 else math.copysign(math.inf, step))
    if out is not None:
        if out.numel() and out.numel() != result.numel():  # ATen fills out with arange_out, which says so
            import warnings
            warnings.warn(f"The number of elements in the out tensor of shape {list(out.shape)} is {out.numel()} "
                          f"which does not match the computed number of elements {result.numel()}. Note that this "
                          f"may occur as a result of rounding error. The out tensor will be resized to a tensor of "
                          f"shape ({result.numel()},).", UserWarning, stacklevel=3)
        result = write_out(fname, result, out, warn_resize=False)
    if requires_grad:
        result.requires_grad_(True)
    return result


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Computes the discrete Fourier Transform sample frequencies for a signal of size n."""
    return _freq_factory("fftfreq", n, d, out, dtype, layout, device, requires_grad, False)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Computes the sample frequencies for rfft with a signal of size n."""
    return _freq_factory("rfftfreq", n, d, out, dtype, layout, device, requires_grad, True)


def _shift(fname, input, dim, inverse):
    tensor_arg(input, f"fft_{fname}")
    if dim is None:
        dims = list(range(input.dim()))
    else:
        dims = _int_list_arg(dim, fname, "dim")
    shifts = []
    for d in dims:
        size = input.shape[_wrap_dim(d, input.dim())]
        shifts.append((size + 1) // 2 if inverse else size // 2)
    if not shifts:  # roll's own refusal
        raise RuntimeError("`shifts` required")
    return input.roll(shifts, dims)


def fftshift(input, dim=None):
    """Reorders n-dimensional FFT data, as provided by fftn, to have negative frequency terms first."""
    return _shift("fftshift", input, dim, False)


def ifftshift(input, dim=None):
    """Inverse of fftshift."""
    return _shift("ifftshift", input, dim, True)

