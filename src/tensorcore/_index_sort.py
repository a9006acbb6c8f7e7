"""Indexing, scattering, sorting and order statistics real programs call:
take_along_dim, searchsorted/bucketize, histc/histogram, index_copy/fill,
scatter_reduce, masked_scatter, the *_scatter family, diag_embed, cummax/
cummin, logcumsumexp, kthvalue, mode, nanmedian, quantile, aminmax, put, ...

Note [Indices from numpy, values from gather]
Ops whose result is a selection of input elements (cummax, kthvalue, mode,
nanmedian, ...) find the positions without autograd (numpy or sort), then
take the values with gather: the gradient of a selection is the gradient of
gather, so autograd comes from the core, and the node is renamed to
PyTorch's. Ops with no gradient in PyTorch (searchsorted, bucketize, histc,
unique_consecutive) are numpy over the values. scatter_reduce's max/min/prod
have gradients no core op composes to; they are one autograd.Function.
"""
import builtins

import numpy as np

from . import _C
from ._args import bool_arg, int_arg, tensor_arg
from ._composites import _FUNCTIONS, _both, _function, _method
from ._dtype import SCALAR_TYPE_NAMES as _TYPE_NAMES, int64 as _int64, int32 as _int32
from ._dtype_refusals import dtype_not_implemented, refuse_bool_or_complex, refuse_complex
from ._inplace import write_inplace
from ._naming import grad_fn_named
from ._out import check_out, write_out

Tensor = _C.Tensor


def _tname(t):
    return _TYPE_NAMES[t.dtype.name]


def _wrap_dim(dim, nd, name=None):
    n = builtins.max(nd, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _np(t):
    """The values as numpy (bfloat16 widened to float32, exactly)."""
    from ._tensor import _numpy_values
    return _numpy_values(t.detach())


def _from_np(a, dtype=None):
    from ._functions import tensor
    return tensor(np.require(a, requirements="C"), dtype=dtype)  # (ascontiguousarray would make 0-d 1-d)


def _return_type(name, fields=("values", "indices")):
    from ._tensor import _named_return_type, return_types
    if hasattr(return_types, name):
        return getattr(return_types, name)
    return _named_return_type(name, fields)


def _maybe_out(name, result, out, inputs):
    if out is None:
        return result
    check_out(name, out, inputs)
    return write_out(name, result, out)


# ---- gathers ----
@_both
def take_along_dim(input, indices, dim=None):
    tensor_arg(indices, "take_along_dim", "indices", 2)
    if indices.dtype != _int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_tname(indices)}")
    if dim is None:  # PyTorch flattens both with view(): a non-viewable input or index is its RuntimeError
        return input.view(-1).gather(0, indices.view(-1))
    dim = int_arg(dim, "take_along_dim")
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    dim = _wrap_dim(dim, input.dim())
    from ._functions import broadcast_shapes
    shape_i, shape_x = list(input.shape), list(indices.shape)
    shape_i[dim] = shape_x[dim] = 1
    common = list(broadcast_shapes(shape_i, shape_x))
    x_shape, i_shape = list(common), list(common)
    x_shape[dim], i_shape[dim] = input.shape[dim], indices.shape[dim]
    return input.expand(x_shape).gather(dim, indices.expand(i_shape))


# ---- binary search and histograms (no gradient in PyTorch) ----
def _search_values(t):
    a = _np(t)
    return a.astype(np.float64) if a.dtype.kind == "f" else a


def _binary_search(seqs, vals, right):
    """Row r of vals searched in row r of seqs: PyTorch's binary search
    (lower bound: move right while !(mid >= value); upper bound: while
    !(mid > value)), run for every query at once, so NaNs land where
    PyTorch's land. seqs (rows, n), vals (rows, m) -> (rows, m) int64."""
    rows, n = seqs.shape
    m = vals.shape[1]
    start = np.zeros((rows, m), np.int64)
    end = np.full((rows, m), n, np.int64)
    row = np.arange(rows)[:, None]
    with np.errstate(invalid="ignore"):
        while True:
            active = start < end
            if not active.any():
                return start
            mid = start + ((end - start) >> 1)
            mid_val = seqs[row, np.minimum(mid, n - 1)]
            go_right = ~(mid_val > vals) if right else ~(mid_val >= vals)
            start = np.where(active & go_right, mid + 1, start)
            end = np.where(active & ~go_right, mid, end)


@_function
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    tensor_arg(sorted_sequence, "searchsorted", "sorted_sequence", 1)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    if scalar:
        if sorted_sequence.dim() != 1:
            raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({sorted_sequence.dim()}) and input "
                               f"value's dim(0) numel(1)")
        input = _C.scalar_tensor(input, None)
    if sorted_sequence.dim() == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if sorted_sequence.dim() != 1 and (input.dim() != sorted_sequence.dim() or
                                       list(input.shape[:-1]) != list(sorted_sequence.shape[:-1])):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(sorted_sequence.shape)} and input value tensor "
                           f"{list(input.shape)}")
    # Note [Refuse, never reinterpret]: PyTorch searches in the promoted dtype, so a bool side is refused
    # only when both are bool (complex always)
    common = _C.promote_types(sorted_sequence.dtype, input.dtype)
    if common.name == "bool" or common.is_complex:
        raise dtype_not_implemented("searchsorted_out_cpu", common)
    seq = _search_values(sorted_sequence)
    if sorter is not None:
        tensor_arg(sorter, "searchsorted", "sorter")
        if sorter.dtype != _int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{_tname(sorter)}")
        if list(sorter.shape) != list(sorted_sequence.shape):
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(sorted_sequence.shape)}and got sorter tensor {list(sorter.shape)}")
        order = _np(sorter)
        n = seq.shape[-1]
        if order.size and (order.min() < 0 or order.max() >= n):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        seq = np.take_along_axis(seq, order, -1)
    vals = _search_values(input)
    if seq.ndim == 1:
        res = _binary_search(seq.reshape(1, -1), vals.reshape(1, -1), right).reshape(vals.shape)
    else:
        lead = int(np.prod(seq.shape[:-1]))
        res = _binary_search(seq.reshape(lead, seq.shape[-1]), vals.reshape(lead, vals.shape[-1]),
                             right).reshape(vals.shape)
    result = _from_np(res.astype(np.int64), _int32 if out_int32 else _int64)
    if out is not None:
        check_out("searchsorted", out)
        if out.dtype != result.dtype:
            raise RuntimeError(f"torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
                               f"Long(int64) depending on whether out_int32 flag is True, but we got output tensor's "
                               f"dtype {_tname(out)} and out_int32 flag is {'True' if out_int32 else 'False'}")
        return write_out("searchsorted", result, out)
    return result


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    # PyTorch's second overload takes a number as the input (bucketize(Number self, Tensor boundaries)), without out=
    if not isinstance(input, Tensor) and (not isinstance(input, (builtins.int, builtins.float, builtins.bool))
                                          or out is not None):
        raise TypeError(f"bucketize() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(boundaries).__name__}), but expected one of:\n"
                        " * (Tensor input, Tensor boundaries, *, bool out_int32 = False, bool right = False, "
                        "Tensor out = None)\n"
                        " * (Number self, Tensor boundaries, *, bool out_int32 = False, bool right = False)\n")
    tensor_arg(boundaries, "bucketize", "boundaries", 2)
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


_FUNCTIONS["bucketize"] = bucketize  # (not _function's Tensor check: a number input is PyTorch's overload)


def _histogram_dtype_check(input, name):
    if not input.is_floating_point():
        raise NotImplementedError(f"\"{name}\" not implemented for '{_tname(input)}'")


@_both
def histc(input, bins=100, min=0, max=0, *, out=None):
    _histogram_dtype_check(input, "histogram_cpu")
    bins = int_arg(bins, "histc", "bins")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    a = _np(input).reshape(-1)
    ftype = a.dtype.type if input.dtype.name in ("float32", "float64") else np.float32
    a = a.astype(ftype)
    lo, hi = ftype(min), ftype(max)
    if lo == hi and a.size:  # the data's own range, as PyTorch
        lo, hi = a.min(), a.max()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    inside = a[(a >= lo) & (a <= hi)]
    # PyTorch's bin of an element: (x - min) * bins / (max - min), in the input's precision, truncated; the
    # maximum itself falls in the last bin
    with np.errstate(over="ignore", invalid="ignore"):
        pos = ((inside - lo) * ftype(bins) / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    counts = np.bincount(pos, minlength=bins).astype(np.float64)
    return _maybe_out("histc", _from_np(counts, input.dtype), out, (input,))


@_both
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    # bins defaults to 100 as PyTorch's (karpathy/nn-zero-to-hero makemore_part3_bn: torch.histogram(t, density=True))
    _histogram_dtype_check(input, "histogramdd")
    a = _np(input).reshape(-1).astype(np.float64)
    w = None if weight is None else _np(weight).reshape(-1).astype(np.float64)
    if isinstance(bins, Tensor):
        edges = _np(bins).astype(np.float64)
    else:
        bins = int_arg(bins, "histogram", "bins")
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = builtins.float(range[0]), builtins.float(range[1])
        else:
            lo, hi = (builtins.float(a.min()), builtins.float(a.max())) if a.size else (0.0, 0.0)
        if lo > hi:
            raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {lo} max {hi}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        # the edges in the input's precision, as PyTorch's linspace over them
        edges = _np(_C.linspace(lo, hi, bins + 1, input.dtype)).astype(np.float64)
    hist, _ = np.histogram(a, bins=edges, weights=w, density=density)
    from ._tensor import return_types
    cls = getattr(return_types, "histogram", None) or _return_type("histogram", ("hist", "bin_edges"))
    result = cls(_from_np(hist.astype(np.float64), input.dtype), _from_np(edges, input.dtype))
    if out is not None:  # (hist, bin_edges)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError("histogram(): argument 'out' must be tuple of Tensors")
        return cls(*(_maybe_out("histogram", r, o, (input,)) for r, o in zip(result, out)))
    return result


# ---- index_copy / index_fill / index_put / put ----
def _index_arg_checks(name, self, dim, index, source=None):
    if index.dim() > 1:
        raise IndexError(f"{name}(): Index should have dimension 1 or 0 (got {index.dim()})")
    if index.dtype != _int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {_tname(index)}")
    if source is not None:
        if self.dtype != source.dtype:
            raise RuntimeError(f"{name}(): self and source expected to have the same dtype, but got (self) "
                               f"{_tname(self)} and (source) {_tname(source)}")
        n_src = source.shape[dim] if source.dim() else 1
        if index.numel() != n_src:
            raise IndexError(f"{name}(): Number of indices ({index.numel()}) should be equal to source.size(dim) "
                             f"({n_src})")
    size = self.shape[dim] if self.dim() else 1
    if index.numel():
        lo, hi = builtins.int(index.min()), builtins.int(index.max())
        bad = hi if hi >= size else lo if lo < 0 else None
        if bad is not None:
            raise IndexError(f"{name}(): index {bad} is out of bounds for dimension {dim} with size {size}")


@_both
@grad_fn_named("IndexCopyBackward0")
def index_copy(input, dim, index, source):
    dim = _wrap_dim(int_arg(dim, "index_copy"), input.dim())
    tensor_arg(index, "index_copy", "index", 3)
    tensor_arg(source, "index_copy", "source", 4)
    _index_arg_checks("index_copy_", input, dim, index, source)
    if input.dim() == 0:
        return _C.index_put(input.reshape(1), [index.reshape(-1)], source.reshape(-1), False).reshape([])
    src = source if source.dim() == input.dim() else source.reshape(
        [index.numel() if d == dim else s for d, s in enumerate(input.shape)])
    moved = _C.index_put(input.movedim(dim, 0), [index.reshape(-1)], src.movedim(dim, 0), False)
    return moved.movedim(0, dim).contiguous()


@_method
def index_copy_(self, dim, index, source):
    return write_inplace(self, "index_copy", lambda s: index_copy(s, dim, index, source), source)


@_both
@grad_fn_named("IndexFillBackward0")
def index_fill(input, dim, index, value):
    out = input.clone()
    out.index_fill_(dim, index, value)
    return out


@_function
def index_put(input, indices, values, accumulate=False):
    return input.index_put(indices, values, accumulate)


@_method
@grad_fn_named("PutBackward0")
def put(self, index, source, accumulate=False):
    tensor_arg(index, "put", "index", 1)
    tensor_arg(source, "put", "source", 2)
    if index.dtype != _int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_tname(index)}")
    if self.dtype != source.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_tname(self)} and source.dtype = {_tname(source)}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = self.numel()
    if index.numel():
        lo, hi = builtins.int(index.min()), builtins.int(index.max())
        bad = hi if hi >= n else lo if lo < -n else None
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    flat = index.reshape(-1)
    flat = _C.where(flat < 0, flat + n, flat)
    return _C.index_put(self.reshape(-1), [flat], source.reshape(-1), bool_arg(accumulate, "put", "accumulate")
                        ).reshape(list(self.shape))


_function(put)


@_method
def put_(self, index, source, accumulate=False):
    return write_inplace(self, "put", lambda s: put(s, index, source, accumulate), source)


# ---- scatter_reduce ----
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_np(base, dim, index, src, reduce, include_self):
    """The forward values of scatter_reduce for prod/amax/amin, with numpy's
    unbuffered ufunc.at (every duplicate index applies): also the count of
    contributions per position, which the gradient needs."""
    out = base.copy()
    idx = [np.broadcast_to(np.arange(s).reshape([-1 if d == k else 1 for k in builtins.range(index.ndim)]),
                           index.shape) for d, s in enumerate(index.shape)]
    idx[dim] = index
    src = src[tuple(slice(0, s) for s in index.shape)]
    touched = np.zeros(out.shape, bool)
    touched[tuple(idx)] = True
    if not include_self:
        identity = {"prod": 1, "amax": -np.inf, "amin": np.inf}[reduce]
        if out.dtype.kind != "f" and reduce != "prod":
            info = np.iinfo(out.dtype) if out.dtype.kind in "iu" else None
            identity = (info.min if reduce == "amax" else info.max) if info else (reduce == "amin")
        out[touched] = identity
    ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
    ufunc.at(out, tuple(idx), src)
    return out, tuple(idx), touched


def _scatter_reduce_function():
    from .autograd import Function

    class ScatterReduce(Function):
        @staticmethod
        def forward(ctx, input, dim, index, src, reduce, include_self):
            a, s, i = _np(input), _np(src), _np(index)
            out, idx, touched = _scatter_reduce_np(a, dim, i, s, reduce, include_self)
            result = _from_np(out.astype(a.dtype), input.dtype)
            ctx.save_for_backward(input, src, result)
            ctx.meta = (dim, index, reduce, include_self, idx, touched)
            return result

        @staticmethod
        def backward(ctx, grad):
            input, src, result = ctx.saved_tensors
            dim, index, reduce, include_self, idx, touched = ctx.meta
            src_part = src
            for d in builtins.range(index.dim()):
                src_part = src_part.narrow(d, 0, index.shape[d])
            touched_t = _from_np(touched)
            res_at = result.gather(dim, index)
            grad_at = grad.gather(dim, index)
            if reduce in ("amax", "amin"):
                # PyTorch's rule: the gradient is shared evenly among the elements equal to the result; self's
                # elements count in the share even where include_self=False then gives them none
                self_hit = input == result
                src_hit = src_part == res_at
                count = _C.scatter_add(self_hit.to(grad.dtype), dim, index, src_hit.to(grad.dtype))
                count = _C.where(count == 0, _C.ones([], grad.dtype), count)
                g_self = _C.where(self_hit, grad / count, _C.zeros([], grad.dtype))
                if not include_self:
                    g_self = _C.where(touched_t, _C.zeros([], grad.dtype), g_self)
                g_src = _C.where(src_hit, grad_at / count.gather(dim, index), _C.zeros([], grad.dtype))
            else:  # prod: the product of the other contributions, exact where some are zero
                s_np = _np(src_part)
                b = _np(input)
                nz_base = np.where(b == 0, 1, b) if include_self else np.ones_like(b)
                zeros_base = (b == 0).astype(np.int64) if include_self else np.zeros(b.shape, np.int64)
                np.multiply.at(nz_base, idx, np.where(s_np == 0, 1, s_np))
                np.add.at(zeros_base, idx, (s_np == 0).astype(np.int64))
                nz_prod, n_zero = nz_base, zeros_base

                def others(values, prod_nz, zeros):
                    # product of everything at the position but this element
                    return np.where(values == 0, np.where(zeros == 1, prod_nz, 0),
                                    np.where(zeros > 0, 0, prod_nz / np.where(values == 0, 1, values)))
                o_self = others(b, nz_prod, n_zero)
                o_src = others(s_np, nz_prod[idx], n_zero[idx])
                g_self = _C.where(touched_t, grad * _from_np(o_self.astype(b.dtype), grad.dtype) if include_self
                                  else _C.zeros([], grad.dtype), grad)
                g_src = grad_at * _from_np(o_src.astype(b.dtype), grad.dtype)
            g_src_full = _C.zeros(list(src.shape), grad.dtype)
            if list(src.shape) != list(index.shape):
                view = g_src_full
                for d in builtins.range(index.dim()):
                    view = view.narrow(d, 0, index.shape[d])
                with _no_grad():
                    view.copy_(g_src)
            else:
                g_src_full = g_src
            return g_self, None, None, g_src_full, None, None

    return ScatterReduce


def _no_grad():
    from .autograd import no_grad
    return no_grad()


_SCATTER_REDUCE = []


def _nonempty_dim(t):
    return builtins.max(t.dim(), 1)


@_both
@grad_fn_named("ScatterReduceBackward0")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    dim = _wrap_dim(int_arg(dim, "scatter_reduce"), input.dim())
    tensor_arg(index, "scatter_reduce", "index", 3)
    tensor_arg(src, "scatter_reduce", "src", 4)
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch takes scatter_'s spellings too
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if index.dtype not in (_int64, _int32):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    index = index.to(_int64)
    if input.dtype != src.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    if index.numel() == 0:  # PyTorch's shape check skips an empty index: nothing is written
        return input.clone()
    if _nonempty_dim(index) != _nonempty_dim(input) or _nonempty_dim(src) != _nonempty_dim(input):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if input.dim() == 0 or index.dim() == 0 or src.dim() == 0:  # a 0-dim tensor counts as 1-dim (PyTorch's
        # ensure_nonempty_dim): the 1-element forms scatter, the result keeps input's shape
        one = [_C.reshape(t, [-1]) if t.dim() == 0 else t for t in (input, index, src)]
        return scatter_reduce(one[0], 0, one[1], one[2], reduce, include_self=include_self).reshape(
            list(input.shape))
    for d in builtins.range(index.dim()):
        if index.shape[d] > src.shape[d] or (d != dim and index.shape[d] > input.shape[d]):
            raise RuntimeError(f"Expected index {list(index.shape)} to be smaller than self {list(input.shape)} "
                               f"apart from dimension {dim} and to be smaller size than src {list(src.shape)}")
    if index.numel():
        lo, hi = builtins.int(index.min()), builtins.int(index.max())
        if lo < 0 or hi >= input.shape[dim]:
            bad = hi if hi >= input.shape[dim] else lo
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {input.shape[dim]}")
    if index.numel() == 0:
        return input.clone()
    src_part = src
    for d in builtins.range(index.dim()):
        src_part = src_part.narrow(d, 0, index.shape[d])
    if input.dtype.name == "bool" and reduce != "mean":  # or/and of the values: the reduction over 0/1
        from ._dtype import uint8
        return scatter_reduce(input.to(uint8), dim, index, src.to(uint8), reduce, include_self=include_self) != 0
    if reduce in ("sum", "mean"):
        dt = input.dtype
        hit = _C.scatter_add(_C.zeros(list(input.shape), dt), dim, index, _C.ones(list(index.shape), dt)) > 0
        base = input if include_self else _C.where(hit, _C.zeros([], dt), input)
        total = _C.scatter_add(base, dim, index, src_part)
        if reduce == "sum":
            return total
        count = _C.scatter_add(_C.ones(list(input.shape), dt) if include_self else _C.zeros(list(input.shape), dt),
                               dim, index, _C.ones(list(index.shape), dt))
        count = _C.where(count == 0, _C.ones([], dt), count)
        if dt.is_floating_point:
            return _C.where(hit, total / count, input)
        return _C.where(hit, total.div(count, rounding_mode="floor"), input)
    if not _SCATTER_REDUCE:
        _SCATTER_REDUCE.append(_scatter_reduce_function())
    return _SCATTER_REDUCE[0].apply(input, dim, index, src, reduce, include_self)


@_method
def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return write_inplace(self, "scatter_reduce",
                         lambda s: scatter_reduce(s, dim, index, src, reduce, include_self=include_self), src)


# ---- masked_scatter ----
@_both
@grad_fn_named("MaskedScatterBackward0")
def masked_scatter(input, mask, source):
    tensor_arg(mask, "masked_scatter", "mask", 2)
    tensor_arg(source, "masked_scatter", "source", 3)
    if mask.dtype.name != "bool":
        raise RuntimeError(f"masked_scatter_only supports boolean masks, but got mask with dtype {_tname(mask)}")
    if input.dtype != source.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got{_tname(input)} and "
                           f"{_tname(source)}")
    from ._functions import broadcast_shapes
    shape = list(broadcast_shapes(input.shape, mask.shape))
    m = mask.expand(shape)
    flat = m.reshape(-1)
    n = builtins.int(flat.sum()) if flat.numel() else 0
    if n > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    base = input.expand(shape)
    if source.numel() == 0:  # nothing to take (n is 0): source still gets its (empty) gradient, as PyTorch's
        return _C.where(m, source.sum(), base)
    pos = flat.to(_int64).cumsum(0) - 1
    taken = source.reshape(-1)[pos.clamp_min(0)].reshape(shape)
    return _C.where(m, taken, base)


@_method
def masked_scatter_(self, mask, source):
    from ._functions import broadcast_shapes
    if list(broadcast_shapes(self.shape, mask.shape)) != list(self.shape):
        raise RuntimeError(f"masked_scatter_: expected mask to be broadcastable to self, got mask of shape "
                           f"{list(mask.shape)} and self of shape {list(self.shape)}")
    return write_inplace(self, "masked_scatter", lambda s: masked_scatter(s, mask, source), source)


# ---- diagonals and the *_scatter family ----
@_both
@grad_fn_named("DiagEmbedBackward0")
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.dim() + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (input.shape[-1] if input.dim() else 1) + builtins.abs(offset)
    rest = list(input.shape[:-1])
    shape = []
    for d in builtins.range(nd):
        shape.append(n if d in (d1, d2) else rest.pop(0))
    out = _C.zeros(shape, input.dtype)
    if input.requires_grad and _C.is_grad_enabled():
        out = out.clone()  # a non-leaf, so the copy into its diagonal records CopySlices
    out.diagonal(offset, d1, d2).copy_(input)
    return out


@_both
def diagflat(input, offset=0):
    return diag_embed(input.reshape(-1), offset)


def _scatter_into(input, src, view_of, name):
    view = view_of(input)
    if list(view.shape) != list(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(view.shape)}")
    out = input.clone()
    view_of(out).copy_(src)
    return out


@_both
@grad_fn_named("DiagonalScatterBackward0")
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    tensor_arg(src, "diagonal_scatter", "src", 2)
    return _scatter_into(input, src, lambda t: t.diagonal(offset, dim1, dim2), "diagonal_scatter")


@_both
@grad_fn_named("SelectScatterBackward0")
def select_scatter(input, src, dim, index):
    tensor_arg(src, "select_scatter", "src", 2)
    return _scatter_into(input, src, lambda t: t.select(dim, index), "select_scatter")


@_both
@grad_fn_named("SliceScatterBackward0")
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    tensor_arg(src, "slice_scatter", "src", 2)
    d = _wrap_dim(int_arg(dim, "slice_scatter"), input.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")

    def view_of(t):
        index = [builtins.slice(None)] * t.dim()
        index[d] = builtins.slice(start, end, step)
        return t[tuple(index)]
    return _scatter_into(input, src, view_of, "slice_scatter")


def _tri_indices(name, lower):
    def fn(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
        row, col, offset = (int_arg(v, name, what) for v, what in ((row, "row"), (col, "col"), (offset, "offset")))
        if row < 0:
            raise RuntimeError(f"row must be non-negative, got{row}")
        if col < 0:
            raise RuntimeError(f"col must be non-negative, got{col}")
        dt = _int64 if dtype is None else dtype
        if dt not in (_int64, _int32):
            raise dtype_not_implemented(name, dt)
        r, c = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
        return _from_np(np.stack([r, c]).astype(np.int64).reshape(2, -1), dt)
    fn.__name__ = fn.__qualname__ = name
    return _function(fn)


tril_indices = _tri_indices("tril_indices", True)
triu_indices = _tri_indices("triu_indices", False)


# ---- scans ----
def _cum_extreme(name, greater):
    node = "CummaxBackward0" if greater else "CumminBackward0"

    @grad_fn_named(node)
    def fn(input, dim):
        dim = _wrap_dim(int_arg(dim, name), input.dim())
        cls = _return_type(name)
        # a 0-dim or empty input runs no kernel in PyTorch: any dtype (complex too) passes
        if input.dim() == 0:
            return cls(input.clone(), _C.zeros([], _int64))
        if input.numel() == 0:
            return cls(input.clone(), _C.zeros(list(input.shape), _int64))
        refuse_complex(f"{name}_cpu", input)  # Note [Refuse, never reinterpret]
        a = np.moveaxis(_np(input), dim, -1)
        if a.dtype == np.bool_:
            a = a.astype(np.uint8)
        acc = (np.maximum if greater else np.minimum).accumulate(a, axis=-1)
        # PyTorch's scan takes the later index on ties (x >= running), and
        # from the first NaN on only later NaNs move the index
        if a.dtype.kind == "f":
            mark = np.isnan(a) | (~np.isnan(acc) & (a == acc))
        else:
            mark = a == acc
        pos = np.where(mark, np.arange(a.shape[-1]), 0)
        idx = np.moveaxis(np.maximum.accumulate(pos, axis=-1), -1, dim)
        indices = _from_np(idx.astype(np.int64))
        return cls(input.gather(dim, indices), indices)
    fn.__name__ = fn.__qualname__ = name
    return _both(fn)


cummax = _cum_extreme("cummax", True)
cummin = _cum_extreme("cummin", False)


@_both
@grad_fn_named("LogcumsumexpBackward0")
def logcumsumexp(input, dim):
    dim = _wrap_dim(int_arg(dim, "logcumsumexp"), input.dim())
    if not (input.is_floating_point() or input.is_complex()):  # complex through complex logaddexp, as PyTorch
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_tname(input)}'")
    if input.dim() == 0:
        return input.clone()
    n = input.shape[dim]
    y, k = input, 1
    # an inclusive scan in log2(n) rounds of logaddexp (Hillis-Steele): stable for any range of values
    while k < n:
        y = _C.cat([y.narrow(dim, 0, k), _C.logaddexp(y.narrow(dim, k, n - k), y.narrow(dim, 0, n - k))], dim)
        k *= 2
    return y if y is not input else input.clone()


def _refuse_bool_scan(name, self, dim, dtype):
    """An in-place scan writes into self: PyTorch's bool out kernel does not exist (after the dim's check)."""
    if self.dtype.name == "bool" and (dtype is None or str(dtype).endswith("bool")) and self.dim() and self.numel():
        _wrap_dim(int_arg(dim, name + "_"), self.dim())
        raise dtype_not_implemented(f"{name}_out_cpu", self.dtype)


@_method
def cumsum_(self, dim, *, dtype=None):
    _refuse_bool_scan("cumsum", self, dim, dtype)
    return write_inplace(self, "cumsum", lambda s: s.cumsum(dim, dtype=dtype) if dtype is not None
                         else s.cumsum(dim).to(self.dtype))


@_method
def cumprod_(self, dim, *, dtype=None):
    _refuse_bool_scan("cumprod", self, dim, dtype)
    return write_inplace(self, "cumprod", lambda s: s.cumprod(dim, dtype=dtype) if dtype is not None
                         else s.cumprod(dim).to(self.dtype))


@_method
def tril_(self, diagonal=0):
    return write_inplace(self, "tril", lambda s: s.tril(diagonal))


@_method
def triu_(self, diagonal=0):
    return write_inplace(self, "triu", lambda s: s.triu(diagonal))


# ---- order statistics ----
def _selected(input, dim, keepdim, idx, name, node):
    """values gathered at idx (keepdim-shaped), Note [Indices from numpy, values from gather]."""
    values = input.gather(dim, idx)
    if not keepdim:
        values, idx = values.squeeze(dim), idx.squeeze(dim)
    if values.requires_grad:
        _C._rename_grad_fn(values, node, [input])
    return _return_type(name)(values, idx)


@_both
def kthvalue(input, k, dim=-1, keepdim=False):
    k = int_arg(k, "kthvalue", "k")
    dim = _wrap_dim(int_arg(dim, "kthvalue"), input.dim())
    bool_arg(keepdim, "kthvalue")
    size = input.shape[dim] if input.dim() else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {dim} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    refuse_bool_or_complex("kthvalue_cpu", input)  # Note [Refuse, never reinterpret]; after the k check, as PyTorch
    if input.dim() == 0:
        return _return_type("kthvalue")(input.clone(), _C.zeros([], _int64))
    order = input.detach().sort(dim, stable=True).indices
    return _selected(input, dim, keepdim, order.narrow(dim, k - 1, 1), "kthvalue", "KthvalueBackward0")


@_both
def mode(input, dim=-1, keepdim=False):
    dim = _wrap_dim(int_arg(dim, "mode"), input.dim())
    bool_arg(keepdim, "mode")
    if input.dim():  # the kernel's dtype refusal, then autograd's (a 0-dim input runs no kernel)
        refuse_complex("mode_cpu", input)  # Note [Refuse, never reinterpret]
    if input.is_complex() and input.requires_grad and _C.is_grad_enabled():
        raise RuntimeError("mode does not support automatic differentiation for outputs with complex dtype.")
    if input.dim() == 0:  # the value itself, for every dtype (complex too), as PyTorch
        return _return_type("mode")(input.clone(), _C.zeros([], _int64))
    if input.shape[dim] == 0:
        raise IndexError(f"mode(): Expected reduction dim {dim} to have non-zero size.")
    a = np.moveaxis(_np(input), dim, -1)
    rows = a.reshape(-1, a.shape[-1])
    best = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        order = np.argsort(row, kind="stable")
        v = row[order]
        # runs of equal values (NaN equals nothing, so each NaN is a run of one)
        starts = np.r_[True, v[1:] != v[:-1]]
        run_id = np.cumsum(starts) - 1
        counts = np.bincount(run_id)
        top = np.argmax(counts)  # the first (smallest) value among the most frequent, as PyTorch's scan
        best[r] = order[np.nonzero(run_id == top)[0][-1]]  # its last position
    idx = _from_np(np.moveaxis(best.reshape(a.shape[:-1] + (1,)), -1, dim))
    return _selected(input, dim, keepdim, idx, "mode", "ModeBackward0")


@_both
def nanmedian(input, dim=None, keepdim=False):
    bool_arg(keepdim, "nanmedian")
    if input.dtype.name == "bool":
        raise NotImplementedError(f"\"nanmedian_{'cpu' if dim is None else 'out'}\" not implemented for 'Bool'")
    if not input.is_floating_point():  # no NaN to skip: the median, under nanmedian's name
        from ._composites import median
        if dim is None:
            return median(input)
        values, indices = median(input, dim, keepdim)
        return _return_type("nanmedian")(values, indices)
    if dim is None:
        if keepdim:
            raise TypeError("nanmedian(): argument 'dim' (position 2) must be int, not NoneType")
        flat = input.reshape(-1)
        if flat.numel() == 0:
            return _C.full([], builtins.float("nan"), input.dtype)
        order = flat.detach().sort(0, stable=True).indices
        valid = builtins.int((~flat.isnan()).sum())
        pos = builtins.max((valid - 1) // 2, 0)
        out = flat.gather(0, order.narrow(0, pos, 1)).reshape([])
        if out.requires_grad:
            _C._rename_grad_fn(out, "NanmedianBackward0", [input])
        return out
    dim = _wrap_dim(int_arg(dim, "nanmedian"), input.dim())
    if input.dim() == 0:
        return _return_type("nanmedian")(input.clone(), _C.zeros([], _int64))
    if input.shape[dim] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {dim} to have non-zero size.")
    order = input.detach().sort(dim, stable=True).indices  # NaNs sort last
    valid = (~input.detach().isnan()).sum(dim, keepdim=True)
    pos = ((valid - 1).div(2, rounding_mode="floor")).clamp_min(0)
    return _selected(input, dim, keepdim, order.gather(dim, pos), "nanmedian", "NanmedianBackward1")


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, out, name, ignore_nan):
    tensor_arg(input, name)
    name = "quantile"  # PyTorch's checks say quantile() for nanquantile too
    bad_q = isinstance(q, (builtins.int, builtins.float)) and not 0 <= q <= 1
    if input.numel() == 0 and not bad_q and interpolation in _INTERPOLATIONS:  # (after the number q's and the interpolation's own checks)
        raise RuntimeError("quantile() input tensor must be non-empty")
    if not input.is_floating_point() or input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        qv = builtins.float(q)
        if not 0 <= qv <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {qv}")
        q = _C.scalar_tensor(qv, input.dtype)
    else:
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if q.numel() and builtins.bool(((q < 0) | (q > 1)).any()):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = _wrap_dim(int_arg(dim, name), input.dim())
        x = input if input.dim() else input.reshape(1)
    if x.shape[d] == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    x = x.movedim(d, -1)
    sorted_x = x.sort(-1).values if not x.requires_grad else None
    order = x.detach().sort(-1, stable=True).indices
    sorted_x = x.gather(-1, order) if sorted_x is None else sorted_x
    n = x.shape[-1]
    if ignore_nan:
        valid = (~x.detach().isnan()).sum(-1, keepdim=True).to(input.dtype)
        last = valid - 1
    else:
        has_nan = x.detach().isnan().any(-1, keepdim=True)
        last = _C.full(list(has_nan.shape), n - 1, input.dtype)
    qs = q.reshape(-1)  # (Q,)
    ranks = last.unsqueeze(0) * qs.reshape([-1] + [1] * x.dim())  # (Q, ..., 1)
    if not ignore_nan:
        ranks = _C.where(has_nan.unsqueeze(0), _C.full([], n - 1, input.dtype), ranks)
    else:
        ranks = _C.where(last.unsqueeze(0) < 0, _C.zeros([], input.dtype), ranks)  # all NaN: the first (a NaN)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()  # half to even, as PyTorch
    below = ranks.floor().to(_int64).clamp(0, n - 1)
    above = ranks.ceil().to(_int64).clamp(0, n - 1)
    expanded = sorted_x.unsqueeze(0).expand([qs.shape[0]] + list(sorted_x.shape))
    lo = expanded.gather(-1, below)
    hi = expanded.gather(-1, above)
    if interpolation == "linear":
        result = _C.lerp(lo, hi, ranks - below.to(input.dtype))
    elif interpolation == "midpoint":
        result = _C.lerp(lo, hi, _C.full([], 0.5, input.dtype))
    else:
        result = lo
    result = result.squeeze(-1)  # (Q, ...rest)
    if keepdim:
        if dim is None:
            result = result.reshape([qs.shape[0]] + [1] * input.dim())
        else:
            result = result.unsqueeze(d + 1) if input.dim() else result
    if scalar_q or q.dim() == 0:
        result = result.squeeze(0)
    return _maybe_out(name, result, out, (input,))


@_both
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, out, "quantile", False)


@_both
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, out, "nanquantile", True)


@_both
def msort(input):
    return input.sort(0).values


@_both
def aminmax(input, *, dim=None, keepdim=False):
    bool_arg(keepdim, "aminmax")
    cls = _return_type("aminmax", ("min", "max"))
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        lo, hi = input.amin(), input.amax()
        if keepdim:
            lo, hi = lo.reshape([1] * input.dim()), hi.reshape([1] * input.dim())
        return _aminmax_named(cls(lo, hi), input)
    dim = _wrap_dim(int_arg(dim, "aminmax"), input.dim())
    if input.dim() and input.shape[dim] == 0:
        raise IndexError(f"aminmax(): Expected reduction dim {dim} to have non-zero size.")
    if input.dim() == 0:
        return cls(input.clone(), input.clone())
    return _aminmax_named(cls(input.amin(dim, keepdim), input.amax(dim, keepdim)), input)


def _aminmax_named(result, input):
    for t in result:  # PyTorch records one AminmaxBackward0 for both outputs; here each is named so
        if t.requires_grad:
            _C._rename_grad_fn(t, "AminmaxBackward0", [input])
    return result


@_function
def unravel_index(indices, shape):
    if not isinstance(indices, Tensor):
        from ._functions import tensor
        indices = tensor(indices)
    if indices.is_floating_point() or indices.dtype.name == "bool":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int):
        shape = (shape,)
    shape = [int_arg(s, "unravel_index", "shape") for s in shape]
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(tuple(shape)))
    idx = indices.to(_int64)
    out = []
    for s in reversed(shape):
        out.append(idx.remainder(s) if s else _C.zeros(list(idx.shape), _int64))
        idx = idx.div(s, rounding_mode="floor") if s else idx
    return tuple(reversed(out))


@_both
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    for what, flag in (("return_inverse", return_inverse), ("return_counts", return_counts)):
        bool_arg(flag, "unique_consecutive", what)
    refuse_complex("unique", input)  # Note [Refuse, never reinterpret]
    if dim is None:
        a = _np(input).reshape(-1)
        if a.size:
            starts = np.r_[True, a[1:] != a[:-1]]
        else:
            starts = np.zeros(0, bool)
        vals = a[starts]
        out = [_from_np(vals, input.dtype)]
        if return_inverse:
            out.append(_from_np((np.cumsum(starts) - 1).reshape(tuple(input.shape)).astype(np.int64)))
        if return_counts:
            out.append(_from_np(np.diff(np.r_[np.nonzero(starts)[0], a.size]).astype(np.int64)))
    else:
        d = _wrap_dim(int_arg(dim, "unique_consecutive"), input.dim())
        a = np.moveaxis(_np(input), d, 0)
        n = a.shape[0]
        flat = a.reshape(n, -1)
        starts = np.r_[True, (flat[1:] != flat[:-1]).any(axis=1)] if n else np.zeros(0, bool)
        vals = np.moveaxis(a[starts], 0, d)
        out = [_from_np(vals, input.dtype)]
        if return_inverse:
            out.append(_from_np((np.cumsum(starts) - 1).astype(np.int64)))
        if return_counts:
            out.append(_from_np(np.diff(np.r_[np.nonzero(starts)[0], n]).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)
