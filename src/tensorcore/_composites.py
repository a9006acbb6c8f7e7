"""Tensor methods and functions built from core ops.

Each is a composition of differentiable C++ ops, so gradients come for free;
the few without gradients in PyTorch either (unique, bincount) say so.
"""
import builtins

import numpy as np

from . import _C, _deprecated_overloads
import functools
import inspect

from ._args import shape_args, int_arg, tensor_arg
from ._inplace import write_inplace
from ._naming import grad_fn_named
from ._dtype import int64 as _int64, bool_ as _bool
from ._dtype_refusals import kernel_not_implemented, refuse_complex

Tensor = _C.Tensor
_FUNCTIONS = {}


from ._dtype import SCALAR_TYPE_NAMES as _TYPE_NAMES  # noqa: E402


def _result_type_of(*tensors):
    """PyTorch's result type of several tensors at once: dimensioned ones
    decide, unless a 0-dim one is of a higher category (bool < int < float <
    complex); a complex 0-dim one with float dimensioned ones gives the
    complex type of their width (float64 and complex64: complex128)."""
    from ._functions import promote_types
    dims = [t.dtype for t in tensors if t.dim()]
    zero = [t.dtype for t in tensors if not t.dim()]
    dt_dims = functools.reduce(promote_types, dims) if dims else None
    dt_zero = functools.reduce(promote_types, zero) if zero else None
    if dt_dims is None:
        return dt_zero
    if dt_zero is None or dt_dims.is_complex:
        return dt_dims
    if dt_zero.is_complex:  # PyTorch's combine_categories: the complex category, the float width
        if dt_dims.is_floating_point:
            from ._dtype import complex64, complex128
            return complex128 if dt_dims.name == "float64" else complex64
        return dt_zero
    if dt_dims.is_floating_point:
        return dt_dims
    if dt_dims.name == "bool" or dt_zero.is_floating_point:
        return promote_types(dt_dims, dt_zero)
    return dt_dims


# Note [Same dtype in, no silent cast]
# scatter, scatter_add, index_add and index_put write a source tensor into
# self's elements; PyTorch requires the source in self's dtype (a RuntimeError
# naming both) rather than casting it, so these check that first, after the
# dim's range, as PyTorch orders them.
def _wrap_dim_checked(dim, nd):
    n = builtins.max(nd, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim


def _check_mask(mask, name):
    """A mask argument must be a bool tensor (PyTorch's RuntimeError)."""
    tensor_arg(mask, name, "mask", 2)
    if mask.dtype.name != "bool":
        raise RuntimeError(f"{name}: expected BoolTensor for mask")


def _method(fn):
    setattr(Tensor, fn.__name__, fn)
    return fn


def _function(fn):
    """tensorcore.<name>(input, ...): the method, with PyTorch's TypeError when
    `input` is not a Tensor (instead of an AttributeError deeper down)."""
    first = next(iter(inspect.signature(fn).parameters), None)  # follows functools.wraps wrappers
    if first not in ("input", "self"):
        _FUNCTIONS[fn.__name__] = fn  # takes no tensor first (column_stack(tensors))
        return fn

    @functools.wraps(fn)
    def checked(input, *args, **kwargs):
        tensor_arg(input, fn.__name__)
        return fn(input, *args, **kwargs)
    _FUNCTIONS[fn.__name__] = checked
    return fn


def _both(fn):
    _method(fn)
    return _function(fn)


@_both
@grad_fn_named("AddcmulBackward0")
def addcmul(input, tensor1, tensor2, *deprecated_tensor2, value=1):
    if deprecated_tensor2:  # addcmul(Number value, Tensor tensor1, Tensor tensor2): _deprecated_overloads
        tensor1, tensor2, value = _deprecated_overloads.value_first("addcmul", tensor1, tensor2, deprecated_tensor2)
    if not (isinstance(input, Tensor) and isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor)):
        return input + value * tensor1 * tensor2
    # PyTorch computes all of it in the result's dtype (not tensor1 * tensor2 in theirs first)
    dt = _result_type_of(input, tensor1, tensor2)
    if dt.name == "bool":
        from ._functions import broadcast_shapes
        broadcast_shapes(input.shape, tensor1.shape, tensor2.shape)  # the shapes' error first, as PyTorch
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    if not (dt.is_floating_point or dt.is_complex):  # value is cast to the result's dtype too
        value = builtins.bool(value) if dt.name == "bool" else builtins.int(value)
    if tensor1.dtype != dt:
        tensor1 = tensor1.to(dt)
    if tensor2.dtype != dt:
        tensor2 = tensor2.to(dt)
    # (PyTorch's kernel adds without add's alpha product: Note [Complex add is a + alpha * b])
    return _C._add_without_alpha(input, value * tensor1 * tensor2)


@_both
@grad_fn_named("AddcdivBackward0")
def addcdiv(input, tensor1, tensor2, *deprecated_tensor2, value=1):
    if deprecated_tensor2:  # addcdiv(Number value, Tensor tensor1, Tensor tensor2): _deprecated_overloads
        tensor1, tensor2, value = _deprecated_overloads.value_first("addcdiv", tensor1, tensor2, deprecated_tensor2)
    _addcdiv_integer_check(tensor1, tensor2)
    return _C._add_without_alpha(input, value * tensor1 / tensor2)


def _addcdiv_integer_check(tensor1, tensor2):
    if all(isinstance(t, Tensor) and not (t.is_floating_point() or t.is_complex()) for t in (tensor1, tensor2)):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
                           "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")


def _name_inplace_grad_fn(self, name, *others):
    """grad_fn naming for an in-place composite: `self` is both input and
    output, so only the other operands tell whether a new node was recorded."""
    # A write through a differentiable view recorded CopySlices on its base, and the view's grad_fn is its
    # regenerated view node (AsStridedBackward0), whose name PyTorch keeps.
    if self.requires_grad and _C.is_grad_enabled() and self._base is None:
        # (self among the operands, v.addcmul_(v, v), already carries the new node: it tells nothing)
        _C._rename_grad_fn(self, name, [t for t in others if isinstance(t, Tensor) and t is not self])
    return self


@_method
def addcmul_(self, tensor1, tensor2, *deprecated_tensor2, value=1):
    if deprecated_tensor2:  # addcmul_(Number value, Tensor tensor1, Tensor tensor2): _deprecated_overloads
        tensor1, tensor2, value = _deprecated_overloads.value_first("addcmul_", tensor1, tensor2, deprecated_tensor2)
    # (value * tensor1) * tensor2, the order of PyTorch's CPU kernel, so float32
    # results round the same way.
    return _name_inplace_grad_fn(_C._add_without_alpha_(self, value * tensor1 * tensor2), "AddcmulBackward0",
                                 tensor1, tensor2)


@_method
def addcdiv_(self, tensor1, tensor2, *deprecated_tensor2, value=1):
    if deprecated_tensor2:  # addcdiv_(Number value, Tensor tensor1, Tensor tensor2): _deprecated_overloads
        tensor1, tensor2, value = _deprecated_overloads.value_first("addcdiv_", tensor1, tensor2, deprecated_tensor2)
    _addcdiv_integer_check(tensor1, tensor2)
    return _name_inplace_grad_fn(_C._add_without_alpha_(self, value * tensor1 / tensor2), "AddcdivBackward0",
                                 tensor1, tensor2)


@_method
def lerp_(self, end, weight):
    from ._tensor import _lerp_dtypes
    _lerp_dtypes(self, end, weight, "lerp_")
    from ._functions import broadcast_shapes
    shape = broadcast_shapes(self.shape, end.shape)  # the shapes' error before the dtype's
    if list(shape) != list(self.shape):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
    from ._tensor import _check_no_overlap
    _check_no_overlap(self)  # a write into an expanded tensor: PyTorch's error before the dtype's
    if not (self.is_floating_point() or self.is_complex()):
        raise NotImplementedError(f"\"lerp_kernel_scalar\" not implemented for '{_TYPE_NAMES[self.dtype.name]}'")
    # One fused kernel for a tensor or a number weight (Note [lerp rounds once]).
    if isinstance(weight, Tensor):
        return write_inplace(self, "lerp", lambda s: _C.lerp(s, end, weight), end, weight)
    return write_inplace(self, "lerp", lambda s: _C.lerp(s, end, weight), end)


@_both
@grad_fn_named("FracBackward0")
def frac(input):
    if not input.is_floating_point():
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{_TYPE_NAMES[input.dtype.name]}'")
    return input - input.trunc()


@_both
@grad_fn_named("NanToNumBackward0")
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    if input.is_complex():  # the real and imaginary parts separately, as PyTorch (which has no gradient for it)
        if input.requires_grad and _C.is_grad_enabled():
            raise RuntimeError("nan_to_num does not support automatic differentiation for outputs with complex dtype.")
        from ._complex import view_as_complex, view_as_real
        return view_as_complex(nan_to_num(view_as_real(input.resolve_conj()), nan, posinf, neginf).contiguous())
    if not input.dtype.is_floating_point:
        return input.clone()
    from ._type_info import finfo
    big = finfo(input.dtype)
    posinf = big.max if posinf is None else posinf
    neginf = big.min if neginf is None else neginf
    out = _C.where(input.isnan(), nan, input)
    out = _C.where(out == builtins.float("inf"), posinf, out)
    return _C.where(out == builtins.float("-inf"), neginf, out)


@_both
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    from ._functions import isclose as _isclose
    return _isclose(input, other, rtol, atol, equal_nan)


_NO_DIM = object()  # median(input): no dim given (an explicit dim=None is PyTorch's TypeError)


@_both
@grad_fn_named(lambda input, dim=_NO_DIM, keepdim=False: "MedianBackward0" if dim is _NO_DIM else "MedianBackward1")
def median(input, dim=_NO_DIM, keepdim=False):
    """Lower median, as PyTorch (no averaging of the two middle values); NaN
    when the reduced values contain a NaN (with the index of the first NaN)."""
    from ._args import bool_arg
    if dim is None:
        raise TypeError("median(): argument 'dim' must be int, not NoneType")
    if dim is _NO_DIM:
        dim = None
    bool_arg(keepdim, "median")
    if input.dtype.name == "bool" or input.is_complex():  # Note [Refuse, never reinterpret]
        if dim is not None:  # the dim's range first, as PyTorch
            d = _wrap_dim_checked(int_arg(dim, "median"), input.dim())
            if input.is_complex() and input.dim() and input.shape[d] == 0:
                raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
        elif input.is_complex() and input.numel() == 0:  # no kernel runs: NaN, or autograd's refusal
            if input.requires_grad and _C.is_grad_enabled():
                raise RuntimeError("median does not support automatic differentiation for outputs with complex "
                                   "dtype.")
            return _C.full([], builtins.complex("nan+0j"), input.dtype)
        raise kernel_not_implemented(f"median_{'cpu' if dim is None else 'out'}", input)
    if dim is None and keepdim:
        raise TypeError("median(): argument 'dim' (position 2) must be int, not NoneType")
    from ._tensor import return_types
    if dim is None:
        flat = input.reshape(-1)
        if flat.numel() == 0:
            return _C.full([], builtins.float("nan"), input.dtype)
        v = flat.sort().values
        mid = v[(flat.numel() - 1) // 2]
        return _C.where(v[-1].isnan(), v[-1], mid) if input.is_floating_point() else mid
    dim = int_arg(dim, "median")
    if input.dim() == 0:
        input.sort(dim)  # validates dim
        return return_types.median(input.clone(), _C.zeros([], _int64))
    v, i = input.sort(dim)
    k = (input.shape[dim] - 1) // 2
    pos = _C.full(list(v.select(dim, 0).shape), k, None).unsqueeze(dim)
    if input.is_floating_point():
        valid = (~input.isnan()).sum(dim, keepdim=True)  # NaNs sort last: the first NaN sits at `valid`
        pos = _C.where(valid < input.shape[dim], valid, pos)
    vals, idx = v.gather(dim, pos), i.gather(dim, pos)
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return return_types.median(vals, idx)


@_both
@grad_fn_named("RollBackward0")
def roll(input, shifts, dims=None):
    from ._args import dims_arg
    if dims is not None:
        dims_arg(dims, "roll")  # PyTorch's TypeError for a bool or other non-int dims
        n_shifts = 1 if isinstance(shifts, int) else len(shifts)
        n_dims = 1 if isinstance(dims, int) else len(dims)
        if n_shifts != n_dims:  # checked even for an empty tensor, as PyTorch
            raise RuntimeError(f"shifts and dimensions must align. shifts: {n_shifts}, dims:{n_dims}")
    if input.numel() == 0:  # PyTorch returns a copy of an empty tensor before looking at the dims' range
        return input.clone()
    if dims is None:
        return roll(input.reshape(-1), shifts, 0).view(input.shape)
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    dims = [dims] if isinstance(dims, int) else list(dims)
    for s in shifts:
        if isinstance(s, int) and not -(2 ** 63) <= s < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")  # PyTorch's parser, before any work
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    out = input
    for s, d in zip(shifts, dims):
        n = out.shape[d]
        if n == 0:
            continue
        s %= n
        if s:
            out = _C.cat([out.narrow(d, n - s, s), out.narrow(d, 0, n - s)], d)
    return out if out is not input else input.clone()  # always a new tensor, as PyTorch


@_both
def diff(input, n=1, dim=-1, prepend=None, append=None):
    # PyTorch's checks in its order: n's type, the input's rank, n's sign, the dim, then prepend/append
    n = int_arg(n, "diff", "n")
    dim = int_arg(dim, "diff", "dim")
    if input.dim() < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap(dim, input.dim())
    parts = []
    for what, t in (("prepend", prepend), ("append", append)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"diff(): argument '{what}' must be Tensor, not {type(t).__name__}")
        if t.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i in builtins.range(input.dim()):
            if i != dim and t.shape[i] != input.shape[i]:
                raise RuntimeError(f"diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({i}) = {input.shape[i]}, "
                                   f"but got tensor.size({i}) = {t.shape[i]}")
        parts.append((what, t))
    out = input
    if parts:  # the concatenation promotes as cat does: diff(int, prepend=float) is float
        before = [t for w, t in parts if w == "prepend"]
        after = [t for w, t in parts if w == "append"]
        out = _C.cat(before + [input] + after, dim)
    if n == 0:
        return out.clone() if out is input else out
    for _ in builtins.range(builtins.min(n, out.shape[dim])):
        m = out.shape[dim]
        hi, lo = out.narrow(dim, 1, m - 1), out.narrow(dim, 0, m - 1)
        out = _C.logical_xor(hi, lo) if out.dtype == _bool else hi - lo  # bools: PyTorch's diff is xor
    return out


def _wrap(dim, ndim):
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


@_both
@grad_fn_named("TrilBackward0")
def tril(input, diagonal=0):
    diagonal = int_arg(diagonal, "tril", "diagonal")
    if input.dim() < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    r, c = input.shape[-2], input.shape[-1]
    mask = _C.arange(0, c, 1, None).unsqueeze(0) - _C.arange(0, r, 1, None).unsqueeze(1) <= diagonal
    return _C.where(mask, input, _C.zeros([], input.dtype))


@_both
@grad_fn_named("TriuBackward0")
def triu(input, diagonal=0):
    diagonal = int_arg(diagonal, "triu", "diagonal")
    if input.dim() < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    r, c = input.shape[-2], input.shape[-1]
    mask = _C.arange(0, c, 1, None).unsqueeze(0) - _C.arange(0, r, 1, None).unsqueeze(1) >= diagonal
    return _C.where(mask, input, _C.zeros([], input.dtype))


@_both
@grad_fn_named("TraceBackward0")
def trace(input):
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    if input.dtype.name == "bool":  # Note [Refuse, never reinterpret]
        raise kernel_not_implemented("trace", input)
    return input.diagonal().sum()


@_both
@grad_fn_named(lambda input, diagonal=0: "DiagEmbedBackward0" if input.dim() == 1 else "DiagonalBackward0_copy")
def diag(input, diagonal=0):
    if input.dim() == 1:
        n = input.shape[0] + builtins.abs(diagonal)
        out = _C.zeros([n, n], input.dtype)
        idx = _C.arange(0, input.shape[0], 1, None)
        rows, cols = (idx, idx + diagonal) if diagonal >= 0 else (idx - diagonal, idx)
        return _C.index_put(out, [rows, cols], input, False)
    if input.dim() == 2:
        return input.diagonal(diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")


@_both
def tile(input, dims):
    dims = list(dims) if isinstance(dims, (tuple, list)) else [dims]
    dims = [1] * (input.dim() - len(dims)) + dims
    return input.repeat(dims)


@_both
@grad_fn_named("TakeBackward0")
def take(input, index):
    tensor_arg(index, "take", "index", 2)
    if index.dtype != _int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_TYPE_NAMES[index.dtype.name]}")
    return input.reshape(-1)[index]


@_both
@grad_fn_named("LinalgCrossBackward0")
def cross(input, other, dim=None):
    tensor_arg(other, "cross", "other", 2)
    if input.dtype != other.dtype:
        raise RuntimeError(f"linalg.cross: expected scalar type {_TYPE_NAMES[input.dtype.name]} but found "
                           f"{_TYPE_NAMES[other.dtype.name]}")
    d = -1 if dim is None else dim
    for t in (input, other):
        if t.dim() == 0 or not -t.dim() <= d < t.dim() or t.shape[d] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {d} must have length 3. Got "
                               f"{input.shape[d] if input.dim() else 0} and {other.shape[d] if other.dim() else 0}")
    if dim is None and input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    a = [input.select(dim, i) for i in builtins.range(3)]
    b = [other.select(dim, i) for i in builtins.range(3)]
    return _C.stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], dim)


@_both
@grad_fn_named(lambda input, repeats, dim=None: "IndexSelectBackward0" if isinstance(repeats, Tensor)
               else "ViewBackward0")  # PyTorch's int overload expands and views; its Tensor one index_selects
def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    # Built from tensor ops in _functions (a Python index list would hang on huge repeats).
    from ._functions import _repeat_interleave as impl
    out = impl(input, repeats, dim)
    if output_size is not None:  # a promise of the result's length along dim (PyTorch checks it)
        n = int_arg(output_size, "repeat_interleave", "output_size")
        got = out.shape[0 if dim is None else dim] if out.dim() else 1
        if n != got:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {got} but got {n}")
    return out


@_both
@grad_fn_named("MaskedSelectBackward0")
def masked_select(input, mask):
    _check_mask(mask, "masked_select")
    from ._functions import broadcast_tensors
    input, mask = broadcast_tensors(input, mask)
    return input[mask]


@_both
@grad_fn_named(lambda input, dim, index, src=None, value=None, **kw: "ScatterBackward0" if isinstance(src, Tensor) else "ScatterBackward1")
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    if reduce is not None:
        # PyTorch's older reductions (it deprecates them for scatter_reduce, whose sum and prod with
        # include_self=True they are)
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        src = src if src is not None else value
        if isinstance(src, Tensor) and src.dtype != input.dtype:  # Note [Same dtype in, no silent cast]
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if not isinstance(src, Tensor):
            src = _C.full(list(index.shape), src, input.dtype)
        return input.scatter_reduce(dim, index, src, "sum" if reduce == "add" else "prod")
    _wrap_dim_checked(dim, input.dim())
    if isinstance(index, Tensor) and index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and src.dtype != input.dtype:  # Note [Same dtype in, no silent cast]
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if src is None:
        src = value
    if not isinstance(src, Tensor):
        src = _C.full(list(index.shape), src, input.dtype)
    if isinstance(index, Tensor) and index.numel() == 0:  # PyTorch checks no shape of an empty index
        return input.clone()
    if isinstance(index, Tensor) and (input.dim() == 0 or index.dim() == 0 or src.dim() == 0) \
            and builtins.max(input.dim(), 1) == builtins.max(index.dim(), 1) == builtins.max(src.dim(), 1):
        # a 0-dim tensor counts as 1-dim (PyTorch's ensure_nonempty_dim); the result keeps input's shape
        one = [t.reshape([-1]) if t.dim() == 0 else t for t in (input, index, src)]
        return scatter(one[0], 0, one[1], one[2]).reshape(list(input.shape))
    # Counted in the index's integer dtype (a bool count would saturate at 1).
    ones = _C.ones(list(index.shape), index.dtype)
    writes = _C.scatter_add(_C.zeros(list(input.shape), index.dtype), dim, index, ones)
    hit = writes > 0
    src = src.narrow(0, 0, index.shape[0]) if src.shape != index.shape else src
    if index.numel() and input.numel() and bool((writes > 1).any()):
        src = _last_write_wins(input, dim, index, src)
    placed = _C.scatter_add(_C.zeros(list(input.shape), input.dtype), dim, index, src)
    return _C.where(hit, placed, input)


def _last_write_wins(input, dim, index, src):
    """Note [scatter with repeated indices]: scatter is built on scatter_add,
    which would sum the values that an index names twice. PyTorch's CPU kernel
    writes them in order along `dim`, so the last one stays: every other write
    is zeroed here before the sum. Its gradient is still the gather of the
    output's gradient at every index (PyTorch's scatter backward): a zeroed
    write keeps a term of value 0 and derivative 1 (src - src.detach())."""
    for d in builtins.range(index.dim()):  # src may be larger than index in any dim
        if src.shape[d] != index.shape[d]:
            src = src.narrow(d, 0, index.shape[d])
    d = dim % builtins.max(index.dim(), 1)
    along = [1] * index.dim()
    along[d] = index.shape[d]
    position = _C.arange(0, index.shape[d], 1, index.dtype).reshape(along).expand(list(index.shape)).contiguous()
    last = _C.full(list(input.shape), -1, index.dtype).scatter_reduce(d, index, position, "amax")
    keep = last.gather(d, index) == position
    zero = _C.zeros([], src.dtype)
    if src.requires_grad and _C.is_grad_enabled():
        zero = _C.where(_C.isfinite(src), src - src.detach(), zero)
    return _C.where(keep, src, zero)


@_method
def scatter_(self, dim, index, src=None, value=None, *, reduce=None):  # Note [Python in-place ops record history]
    return write_inplace(self, "scatter", lambda s: scatter(s, dim, index, src, value, reduce=reduce), src, value)


@_method
def index_add_(self, dim, index, source, *, alpha=1):  # Note [Python in-place ops record history]
    return write_inplace(self, "index_add", lambda s: index_add(s, dim, index, source, alpha=alpha), source)


@_both
@grad_fn_named("IndexAddBackward0")
def index_add(input, dim, index, source, *, alpha=1):
    dim = _wrap_dim_checked(int_arg(dim, "index_add"), input.dim())
    if isinstance(index, Tensor):  # PyTorch's index_func_meta_impl, in its order
        if index.dim() > 1:
            raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
                             f"{_TYPE_NAMES[index.dtype.name]} and size: {list(index.shape)}")
        if index.dtype.name not in ("int64", "int32"):
            raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                               f"{_TYPE_NAMES[index.dtype.name]}")
    if isinstance(source, Tensor) and source.dtype != input.dtype:  # Note [Same dtype in, no silent cast]
        raise RuntimeError(f"index_add_(): self ({_TYPE_NAMES[input.dtype.name]}) and source "
                           f"({_TYPE_NAMES[source.dtype.name]}) must have the same scalar type")
    dim = dim % builtins.max(input.dim(), 1)
    if isinstance(index, Tensor) and isinstance(source, Tensor):
        if not (dim == 0 or dim < source.dim()):
            raise RuntimeError(f"index_add_(): Indexing dim {dim} is out of bounds of the source tensor with dim "
                               f"{source.dim()}")
        n_src = 1 if source.dim() == 0 else source.shape[dim]
        if index.numel() != n_src and source.dim() == 0:  # PyTorch's message reads source.size(dim) and fails
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if index.numel() != n_src:
            raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be equal to source.size(dim):"
                               f" ({n_src}), for dim: {dim}")
        self_sizes, src_sizes = list(input.shape), list(source.shape)
        if source.dim() and input.dim():
            del self_sizes[dim], src_sizes[dim]
        if self_sizes != src_sizes:
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                               f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
        size = input.shape[dim] if input.dim() else 1
        if index.numel():  # PyTorch's kernel wraps no negative index
            lo, hi = int(index.min()), int(index.max())
            if lo < 0 or hi >= size:
                raise RuntimeError(f"index {lo if lo < 0 else hi} is out of bounds for dimension {dim} with size "
                                   f"{size}")
        if input.dim() == 0:  # one element: the index is 0, the source one value
            return input + (source.reshape([]) if alpha == 1 else source.reshape([]) * alpha)
    src = source if alpha == 1 else source * alpha
    perm = [dim] + [d for d in builtins.range(input.dim()) if d != dim]
    inv = [perm.index(d) for d in builtins.range(input.dim())]
    moved = _C.index_put(input.permute(perm), [index], src.permute(perm), True)
    return moved.permute(inv).contiguous()


@_method
def index_fill_(self, dim, index, value):
    dim, n = int_arg(dim, "index_fill_"), builtins.max(self.dim(), 1)  # the argument's type first
    if isinstance(value, Tensor) and value.dim():
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    if isinstance(index, Tensor) and index.dtype != _int64:  # PyTorch's index_fill takes int64 indices only
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(index, Tensor) and index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if self.requires_grad and _C.is_grad_enabled():
        self._check_inplace("index_fill")  # a leaf that requires grad (or a view of one): PyTorch's RuntimeError
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    if self.dim() == 0:
        self.unsqueeze(0).index_fill_(0, index, value)
        return self
    dim %= n
    others = 1
    for i, s in enumerate(self.shape):
        others *= s if i != dim else 1
    if self.shape[dim] == 0 and others and isinstance(index, Tensor) and index.numel():
        # PyTorch fails in its storage check (only when the other dims hold elements)
        raise RuntimeError(f"index_fill_(): index out of range for dimension {dim} of size 0")
    if self.numel() == 0:  # no element to fill: PyTorch looks at no index, but converts the value
        if not isinstance(value, Tensor):
            _C.zeros([1], self.dtype).fill_(value)  # a value the dtype cannot hold: PyTorch's RuntimeError
        return self
    if not isinstance(value, Tensor):
        # the value's checked conversion (masked_fill's, stricter than fill_'s for float16) before the bounds
        _C.zeros([1], self.dtype).masked_fill_(_C.ones([1], _bool), value)
    # A setitem on a view of self: the view's in-place write records
    # CopySlices onto self (Note [In-place on views]), so the filled positions
    # pass no gradient back, as in PyTorch.
    view = self.movedim(dim, 0)
    view[index] = value
    return self


@_method
def fill_diagonal_(self, fill_value, wrap=False):
    """Fills the main diagonal (every dim at the same index) through
    index_put_, which records history like any in-place op. wrap=True on a
    matrix taller than wide goes on past the square part with the same flat
    step (cols + 1) from row cols + 1, as PyTorch's strided fill does."""
    if self.dim() < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.dim() > 2 and builtins.len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = builtins.min(self.shape)
    diag = _C.arange(0, n, 1, None)
    index = [diag] * self.dim()
    if wrap and self.dim() == 2 and self.shape[0] > self.shape[1] + 1:
        height, width = self.shape
        step = width + 1
        wrap_size = (height * width + step - 1) // step - n
        flat = _C.arange(step * width, step * width + wrap_size * step, step, None)
        index = [_C.cat([diag, flat.div(width, rounding_mode="floor")], 0),
                 _C.cat([diag, flat.remainder(width)], 0)]
    _C.index_put_(self, index, _C.scalar_tensor(fill_value, self.dtype), False)
    return self


@_method
def sum_to_size(self, *size):
    return _C.sum_to(self, shape_args(size, "sum_to_size"))


@_method
@grad_fn_named("UnfoldBackward0")
def unfold(self, dimension, size, step):
    dimension, size, step = (int_arg(v, "unfold", what) for v, what in
                             ((dimension, "dimension"), (size, "size"), (step, "step")))
    d = _wrap_dim_checked(dimension, self.dim()) % builtins.max(self.dim(), 1)
    # a 0-dim tensor unfolds as one of shape (1,): its result is the window alone, of shape (size,)
    length, stride = (self.shape[d], self.stride()[d]) if self.dim() else (1, 1)
    if size > length:  # PyTorch's order of checks: the window's size, its sign, then the step
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if not self.dim():
        return self.as_strided([size], [1], self.storage_offset())
    shape, strides = list(self.shape), list(self.stride())
    shape[d] = (length - size) // step + 1
    strides[d] = stride * step
    return self.as_strided(shape + [size], strides + [stride], self.storage_offset())


def _int_or_ints(a):
    if isinstance(a, (list, tuple)):
        return builtins.all(_int_or_ints(x) for x in a)
    return isinstance(a, int) and not isinstance(a, builtins.bool)


def _inplace_view_node(name, args, kwargs):
    """PyTorch's node names for the in-place view ops (the overload numbers of their _ variants)."""
    if name == "squeeze":
        dim = args[0] if args else kwargs.get("dim")
        return "SqueezeBackward3" if dim is None else "SqueezeBackward5" if isinstance(dim, (list, tuple)) \
            else "SqueezeBackward4"
    return {"t": "TBackward1", "unsqueeze": "UnsqueezeBackward1", "as_strided": "AsStridedBackward1"}.get(
        name, "TransposeBackward1")


def _inplace_view(name):
    def f(self, *args, **kwargs):
        # PyTorch's order: argument types, then the leaf check, then the dims' ranges.
        ints_only = name not in ("squeeze", "as_strided")  # (those two take lists of ints)
        if not builtins.all(_int_or_ints(a) if not ints_only else isinstance(a, int) and not isinstance(
                a, builtins.bool) for a in args):
            getattr(self, name)(*args, **kwargs)  # raises the argument's TypeError
        if self.requires_grad and _C.is_grad_enabled():  # a leaf that requires grad, or a view of one
            self._check_inplace(name, False)  # (a geometry change writes no data: no overlap checks)
        view = getattr(self, name)(*args, **kwargs)
        # Note [In-place view ops] (csrc/autograd/inplace.h): self takes the view's geometry, its version
        # is bumped and its history becomes the view's node on top of its old one, for a view as for a
        # base (a view stays a view of its base).
        self._commit_inplace_view(view)
        if view.grad_fn is not None:
            _C._rename_grad_fn(self, _inplace_view_node(name, args, kwargs), [])
        return self
    f.__name__ = name + "_"
    _method(f)


for _n in ("squeeze", "unsqueeze", "t", "transpose", "swapdims", "swapaxes", "as_strided"):
    _inplace_view(_n)


@_both
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Sorted unique values (not differentiable, as in PyTorch)."""
    from ._functions import tensor
    from ._args import bool_arg
    for what, flag in (("sorted", sorted), ("return_inverse", return_inverse), ("return_counts", return_counts)):
        bool_arg(flag, "_unique2", what)
    if dim is not None:
        dim, n = int_arg(dim, "unique_dim"), builtins.max(input.dim(), 1)
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        return _unique_dim(input, dim % n, return_inverse, return_counts)
    refuse_complex("unique", input)  # Note [Refuse, never reinterpret]
    from ._tensor import _numpy_values
    arr = _numpy_values(input.detach()).reshape(-1)  # bfloat16 widened (exact); the result is cast back
    # every NaN is its own value, as PyTorch's (numpy would fold them into one)
    vals, inv, counts = np.unique(arr, return_inverse=True, return_counts=True, equal_nan=False)
    out = [tensor(vals, dtype=input.dtype)]
    if return_inverse:
        out.append(tensor(inv.reshape(tuple(input.shape)).astype(np.int64)))
    if return_counts:
        out.append(tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _unique_dim(input, dim, return_inverse, return_counts):
    """torch.unique(input, dim=d): the distinct slices along d, in lexicographic order of their elements
    (PyTorch sorts the slices with an element-by-element comparison, as numpy's unique(axis=) does), with
    each slice's index among them and how often it occurs."""
    from ._functions import tensor
    from ._tensor import _numpy_values
    refuse_complex("unique", input)
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if input.numel() == 0:  # PyTorch: an empty result when the selected dim is the empty one, else an error
        if builtins.any(size == 0 for i, size in enumerate(input.shape) if i != dim):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        none = tensor(np.zeros(0, np.int64))
        out = [input.detach().clone()] + [none] * (builtins.int(return_inverse) + builtins.int(return_counts))
        return out[0] if len(out) == 1 else tuple(out)
    arr = np.moveaxis(_numpy_values(input.detach()), dim, 0)
    rows = arr.reshape(arr.shape[0], -1)
    vals, inv, counts = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
    shape = (vals.shape[0],) + arr.shape[1:]
    out = [tensor(np.moveaxis(vals.reshape(shape), 0, dim), dtype=input.dtype)]
    if return_inverse:
        out.append(tensor(np.asarray(inv).reshape(-1).astype(np.int64)))
    if return_counts:
        out.append(tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@_both
def bincount(input, weights=None, minlength=0):
    from ._functions import tensor
    if input.dtype.name == "bool" or input.is_floating_point() or input.is_complex():
        raise kernel_not_implemented("bincount_cpu", input)  # Note [Refuse, never reinterpret]
    arr = input.numpy()
    if arr.ndim != 1 or (arr.size and arr.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is not None and (weights.dim() != 1 or weights.shape[0] != arr.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    from ._tensor import _numpy_values
    w = None if weights is None else _numpy_values(weights.detach())
    res = np.bincount(arr, weights=w, minlength=minlength)
    if w is None or arr.size == 0:  # PyTorch's empty input gives int64 zeros, weights or not
        return tensor(np.zeros(minlength, np.int64) if arr.size == 0 else res.astype(np.int64))
    if w is None:
        return tensor(res.astype(np.int64))
    # PyTorch sums float32 weights in float32 and every other weight dtype in float64
    return tensor(res.astype(np.float32 if weights.dtype.name == "float32" else np.float64))


@_function
def column_stack(tensors):
    from ._functions import _nonempty, _tensor_list
    tensors = _nonempty(_tensor_list(tensors, "column_stack"), "column_stack")
    cols = [t.reshape(-1, 1) if t.dim() <= 1 else t for t in tensors]
    return _C.cat(cols, 1)


@_function
@grad_fn_named("UnsafeViewBackward0")
def kron(input, other):
    tensor_arg(input, "kron", "input", 1)
    tensor_arg(other, "kron", "other", 2)
    nd = builtins.max(input.dim(), other.dim())  # the one with fewer dims gets leading 1s, as PyTorch
    ishape = [1] * (nd - input.dim()) + list(input.shape)
    oshape = [1] * (nd - other.dim()) + list(other.shape)
    a = input.reshape([s for d in ishape for s in (d, 1)])
    b = other.reshape([s for d in oshape for s in (1, d)])
    shape = [x * y for x, y in zip(ishape, oshape)]
    return (a * b).reshape(shape)




@_both
def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return input.flip(1)


@_both
def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return input.flip(0)


@_both
def rot90(input, k=1, dims=(0, 1)):
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = (_wrap_dim_checked(d, input.dim()) % input.dim() for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip(d0, d1)
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


@_both
def argwhere(input):
    return input.nonzero()


@_function
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    if not isinstance(elements, Tensor):
        elements = _C.scalar_tensor(elements, None)
    if not isinstance(test_elements, Tensor):
        from ._functions import tensor
        test_elements = tensor(test_elements)
    for t in (elements, test_elements):  # Note [Refuse, never reinterpret]
        if t.dtype.name == "bool" or t.is_complex():
            raise RuntimeError(f"Unsupported input type encountered for isin(): {_TYPE_NAMES[t.dtype.name]}")
    hit = (elements.unsqueeze(-1) == test_elements.reshape(-1)).any(-1) if test_elements.numel() else \
        _C.zeros(list(elements.shape), _C.tensor_from_data(True, None).dtype)
    return ~hit if invert else hit


@_both
def tensor_split(input, indices_or_sections, dim=0):
    dim = int_arg(dim, "tensor_split")
    n = input.shape[dim]
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dtype.name != "int64":
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_TYPE_NAMES[indices_or_sections.dtype.name]}")
        if indices_or_sections.dim() > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {indices_or_sections.dim()} dims")
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        if sections > 2 ** 31:  # PyTorch would build that many tensors until memory runs out
            raise RuntimeError(f"tensor_split: {sections} sections is more tensors than can be returned")
        base, extra = divmod(n, sections)
        bounds, start = [], 0
        for i in builtins.range(sections):
            start += base + (1 if i < extra else 0)
            bounds.append(start)
        bounds = bounds[:-1]
    else:
        bounds = [int(i) for i in indices_or_sections]
    out, prev = [], 0
    for b in bounds + [n]:
        lo, hi = builtins.min(builtins.max(prev, 0), n), builtins.min(builtins.max(b, 0), n)
        out.append(input.narrow(dim, lo, builtins.max(hi - lo, 0)))
        prev = b
    return tuple(out)


# clamp_min / clamp_max (and their in-place forms) are rows of the elementwise registry; positive is in
# tensorcore/_math_extra.py.
