"""Pooling in any number of spatial dims, composed of gather-style ops:
max_pool3d / avg_pool3d, adaptive pooling in 3-d (and adaptive_avg_pool as
interpolate's 'area' mode), max_unpool1d/2d/3d, lp_pool1d/2d/3d and
fractional_max_pool2d/3d.

Note [Pooling as one gather]
A pooling window's elements sit at fixed flat positions of the padded input,
computable from sizes alone. So the (output position, window offset) table of
flat indices is built once with NumPy, the padded input is flattened over its
spatial dims and index_select'ed into (N, C, L, K), and the window reduction
is a plain max/sum over the last dim. The backward is index_select's
(index_add), so no Python loop runs per element. max's returned indices map
each padded flat position back to the unpadded input's flat index, as
PyTorch's max_pool*_with_indices do. Windows are scanned in raster order and
max keeps the first maximum, PyTorch's tie rule.

Note [Max pooling picks the last NaN]
PyTorch's max-pool kernels (max_pool3d, adaptive_max_pool*, fractional) keep
a running maximum updated when `val > max || isnan(val)`: ties keep the first
element, but every NaN replaces the running one, so a window's index (and its
gradient) goes to the window's last NaN. Tensor.max(dim) returns the first
NaN, so _window_argmax moves the argmax of NaN windows to their last NaN and
takes the values by gather at that argmax, so the gradient follows it.
"""
from __future__ import annotations
from typing import Any
import builtins
import numpy as np

from .. import _C
from .._naming import grad_fn_named
from ._arg_checks import check_int, check_int_list, check_pool_args
from .._dtype import int64 as _int64

Tensor = _C.Tensor

__all__ = ["max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool1d",
           "max_unpool2d", "max_unpool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "fractional_max_pool2d",
           "fractional_max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]


from .._memory_layout import follows_input_layout  # noqa: E402

def _tup(v, n, name):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"{name} must either be a single int, or a tuple of {n} ints")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _from_np(a):
    from .._functions import from_numpy
    return from_numpy(np.ascontiguousarray(a))


def _batched(input, nd, name):
    if input.dim() == nd + 1:
        return input.unsqueeze(0), True
    if input.dim() != nd + 2:
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: {list(input.shape)}")
    return input, False


def _pool_out(n, k, s, p, d, ceil):
    """PyTorch's pooling_output_shape."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    out = num // s + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def _window_table(starts, offsets, strides):
    """Flat index table (L, K): sum over dims of (start + offset) * stride, outputs
    in raster order along L, window offsets in raster order along K."""
    nd = len(starts)
    flat = np.zeros([1] * (2 * nd), dtype=np.int64)
    for d in range(nd):
        pos = starts[d][:, None] + offsets[d][None, :]  # (out_d, k_d)
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = pos.shape
        flat = flat + (pos * strides[d]).reshape(shape)
    outs = [len(s) for s in starts]
    ks = [o.shape[-1] for o in offsets]
    return flat.reshape(int(np.prod(outs)), int(np.prod(ks)))


def _gather_windows(x, table):
    """(N, C, *S) -> (N, C, L, K) per Note [Pooling as one gather]."""
    n, c = x.shape[:2]
    # The plane size explicitly, not -1: an empty batch leaves -1 undetermined.
    flat = x.reshape([n, c, int(np.prod(x.shape[2:]))])
    lk = table.shape
    return flat.index_select(2, _from_np(table.reshape(-1))).reshape([n, c, lk[0], lk[1]])


def _window_argmax(win):
    """Max and argmax over the last dim with PyTorch's pooling rule, Note [Max
    pooling picks the last NaN]."""
    _, arg = win.max(-1)
    if win.is_floating_point() and win.numel():
        is_nan = win != win
        k = win.shape[-1]
        last_nan = (k - 1) - is_nan.flip([-1]).to(_int64).argmax(-1)
        arg = _C.where(is_nan.any(-1), last_nan, arg)
    values = win.gather(-1, arg.unsqueeze(-1)).squeeze(-1)
    return values, arg


def _refuse_dtype(input, kernel, allowed):
    """A NotImplementedError naming PyTorch's kernel, for the dtypes it has none for."""
    if input.dtype.name in allowed or (input.is_floating_point() and "floating" in allowed):
        return
    from .._dtype import SCALAR_TYPE_NAMES
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")


def _check_non_batch_dims(input, name):
    """PyTorch's adaptive pools refuse an input with an empty non-batch dim."""
    first = 1 if input.dim() in (3, 5) and name.endswith("3d") or input.dim() == 4 and name.endswith("2d") else 0
    for i in range(first, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")


def _check_positive_non_batch_dims(input, nd, name):
    """PyTorch's 3-d pooling refuses an empty non-batch dim (the batch may be empty)."""
    first = 1 if input.dim() == nd + 2 else 0
    for i in range(first, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input's non-batch dimensions to have positive length, but input "
                               f"has a shape of {list(input.shape)} and non-batch dimension {i - first} has length "
                               "zero!")


def _strides(sizes):
    st = [1] * len(sizes)
    for d in range(len(sizes) - 2, -1, -1):
        st[d] = st[d + 1] * sizes[d + 1]
    return st


def _pool_geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, name):
    k = _tup(kernel_size, nd, f"{name}: kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else \
        _tup(stride, nd, f"{name}: stride")
    p = _tup(padding, nd, f"{name}: padding")
    dil = _tup(dilation, nd, f"{name}: dilation")
    for v in p:
        if v < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {v}")
    sizes = list(x.shape[2:])
    for i in range(nd):
        if k[i] <= 0 or s[i] <= 0 or dil[i] <= 0:
            raise RuntimeError(f"{name}: kernel_size, stride and dilation must be greater than zero, but got "
                               f"kernel_size={list(k)}, stride={list(s)}, dilation={list(dil)}")
        if p[i] > (dil[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                               f"kernel_size={k[i]} and dilation={dil[i]}")
    outs = [_pool_out(sizes[i], k[i], s[i], p[i], dil[i], ceil_mode) for i in range(nd)]
    if any(o <= 0 for o in outs):
        raise RuntimeError(f"{name}: Given input size: ({'x'.join(str(v) for v in x.shape[1:])}). Calculated output "
                           f"size: ({x.shape[1]}x{'x'.join(str(o) for o in outs)}). Output size is too small")
    return k, s, p, dil, sizes, outs


def _padded(x, p, sizes, outs, k, s, dil, value):
    """x padded by p before and enough after to hold every window (ceil_mode)."""
    from ._padding import pad
    pads = []
    for i in reversed(range(len(p))):
        need = (outs[i] - 1) * s[i] + dil[i] * (k[i] - 1) + 1
        pads += [p[i], max(need - sizes[i] - p[i], 0)]
    if not any(pads):
        return x
    return pad(x, pads, value=value)


def _max_pool_nd(input, nd, kernel_size, stride, padding, dilation, ceil_mode, return_indices, name):
    x, unbatched = _batched(input, nd, name)
    _check_positive_non_batch_dims(input, nd, "max_pool3d_with_indices_out_cpu_template")
    k, s, p, dil, sizes, outs = _pool_geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, name)
    if x.dtype.name == "bool":
        _refuse_dtype(x, name, ())
    xp = _padded(x, p, sizes, outs, k, s, dil, float("-inf") if x.is_floating_point() else int(x.min()) - 1
                 if x.numel() else 0)
    psizes = list(xp.shape[2:])
    starts = [np.arange(outs[i], dtype=np.int64) * s[i] for i in range(nd)]
    offs = [np.arange(k[i], dtype=np.int64) * dil[i] for i in range(nd)]
    win = _gather_windows(xp, _window_table(starts, offs, _strides(psizes)))
    values, arg = _window_argmax(win)
    values = values.reshape(list(x.shape[:2]) + outs)
    if not return_indices:
        return values.squeeze(0) if unbatched else values
    # The same table in unpadded coordinates gives PyTorch's indices.
    orig = _window_table([st - p[i] for i, st in enumerate(starts)], offs, _strides(sizes))
    idx = _from_np(orig).reshape([1, 1] + list(orig.shape)).expand(list(win.shape))
    indices = idx.gather(3, arg.unsqueeze(-1)).reshape(list(x.shape[:2]) + outs)
    if unbatched:
        return values.squeeze(0), indices.squeeze(0)
    return values, indices


@grad_fn_named("MaxPool3DWithIndicesBackward0")
@follows_input_layout  # Note [Layout-following ops keep channels_last]
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    check_pool_args("max_pool3d", kernel_size, stride, padding, dilation)
    return _max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool3d")


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    from ._conv_ops import max_pool2d
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    from ._functional_more import max_pool1d
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


@grad_fn_named("AvgPool3DBackward0")
def avg_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: Any = False, count_include_pad: Any = True,
               divisor_override: Any = None) -> Tensor:
    nd, name = 3, "avg_pool3d"
    check_pool_args(name, kernel_size, stride, padding)
    check_int(name, "divisor_override", divisor_override, allow_none=True)
    x, unbatched = _batched(input, nd, name)
    _check_positive_non_batch_dims(input, nd, name)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    k, s, p, dil, sizes, outs = _pool_geometry(x, nd, kernel_size, stride, padding, 1, ceil_mode, name)
    if builtins.any(size < kernel for size, kernel in zip(sizes, k)):
        # PyTorch's 3-d average pool compares the unpadded input with the kernel (its 1-d/2-d ones do not).
        raise RuntimeError(f"input image (T: {sizes[0]} H: {sizes[1]} W: {sizes[2]}) smaller than kernel size "
                           f"(kT: {k[0]} kH: {k[1]} kW: {k[2]})")
    # PyTorch's avg_pool3d has float32/float64 kernels and an int64 one (which
    # divides with C++'s truncation toward zero), none for half types.
    _refuse_dtype(x, "avg_pool3d_out_frame", ("float32", "float64", "int64"))
    integral = x.dtype.name == "int64"
    xp = _padded(x, p, sizes, outs, k, s, dil, 0.0)
    # A box sum is separable: sum the window along one dim at a time (k taps
    # per dim instead of the k^3 of one gather).
    total = xp
    for i in range(nd):
        starts = np.arange(outs[i], dtype=np.int64) * s[i]
        acc = None
        for j in range(k[i]):
            part = total.index_select(2 + i, _from_np(starts + j))
            acc = part if acc is None else acc + part
        total = acc
    total = total.reshape(list(x.shape[:2]) + [int(np.prod(outs))])
    if divisor_override is not None:
        divisor = _C.full([], int(divisor_override), total.dtype)
    else:
        # PyTorch's divisor: the window clipped to the padded extent, or to
        # the input itself when padding is not counted.
        div = np.ones([1] * nd, dtype=np.int64)
        for i in range(nd):
            lo = np.arange(outs[i]) * s[i] - p[i]
            hi = np.minimum(lo + k[i], sizes[i] + p[i])
            n_i = (hi - lo) if count_include_pad else (np.minimum(hi, sizes[i]) - np.maximum(lo, 0))
            shape = [1] * nd
            shape[i] = -1
            div = div * n_i.reshape(shape)
        divisor = _from_np(div.reshape(-1))
    if integral:
        out = total.div(divisor, rounding_mode="trunc")
    else:
        out = total / divisor.to(total.dtype)
    out = out.reshape(list(x.shape[:2]) + outs)
    return out.squeeze(0) if unbatched else out


# ---- adaptive pooling ----
# Note [adaptive pool output_size]
# PyTorch validates output_size in two places: Python (_list_with_default) first
# - an int stands for every spatial dim; anything else must have a len()
#   ("object of type 'float' has no len()": a float is a TypeError, never truncated);
# - a sequence at least as long as the input's rank is a ValueError
#   ("Input dimension should be at least k"); None entries take the input's size;
# then the C++ argument parser: each entry an int (TypeError naming the first
# non-int), and the op its exact count (RuntimeError, each op its own words).
# 1d pools skip the Python step: the parser wants an int or a tuple of one int.
_ADAPTIVE_COUNT_MESSAGES = {
    "adaptive_avg_pool2d": "adaptive_avg_pool2d: output_size must be 2",
    "adaptive_avg_pool3d": "adaptive_avg_pool3d: output_size must be 3",
    "adaptive_max_pool2d": "adaptive_max_pool2d(): internal error: output_size.size() must be 2",
    "adaptive_max_pool3d": "adaptive_max_pool3d(): internal error: output_size.size() must be 3",
}


def _ints_checked(values, name):
    for position, v in enumerate(values):
        if not isinstance(v, int) and not (isinstance(v, Tensor) and v.dim() == 0 and not v.is_floating_point()):
            raise TypeError(f"{name}(): argument 'output_size' (position 2) must be tuple of ints, but found element "
                            f"of type {type(v).__name__} at pos {position}")
    return [int(v) for v in values]


def adaptive_output_size(input, output_size, nd, name):
    """output_size of the adaptive pool `name` over the last nd dims, checked as
    PyTorch checks it (Note [adaptive pool output_size]); a list of nd ints."""
    if nd == 1:
        if isinstance(output_size, int):
            return [output_size]
        if not isinstance(output_size, (list, tuple)):
            raise TypeError(f"{name}(): argument 'output_size' (position 2) must be tuple of ints, not "
                            f"{type(output_size).__name__}")
        sizes = _ints_checked(output_size, name)
        if len(sizes) != 1:
            raise RuntimeError(f"{name}() argument 'output_size' should contain one int (got {len(sizes)})")
        return sizes
    if isinstance(output_size, int):
        return [output_size] * nd
    n_given = len(output_size)  # TypeError for a float, as PyTorch's len() raises
    if input.dim() <= n_given:
        raise ValueError(f"Input dimension should be at least {n_given + 1}")
    sizes = [size if v is None else v for v, size in zip(output_size, input.shape[input.dim() - n_given:])]
    sizes = _ints_checked(sizes, name)
    if len(sizes) != nd:
        raise RuntimeError(_ADAPTIVE_COUNT_MESSAGES[name])
    return sizes


def _check_adaptive_input(input, nd, name, kernel):
    """PyTorch's adaptive pools: no empty non-batch dim, float dtypes only."""
    for i in range(1 if input.dim() == nd + 2 else 0, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")
    _refuse_dtype(input, kernel, ("floating",))


def _adaptive_avg_pool(input, outs, name):
    """Adaptive average pooling is separable: one (out x in) averaging matrix
    per spatial dim, applied with matmul (whose backward is the gradient)."""
    nd = len(outs)
    out = input
    for i in range(nd):
        d = input.dim() - nd + i
        n_in, n_out = input.shape[d], outs[i]
        m = np.zeros((n_out, n_in), dtype=np.float64)
        for o in range(n_out):
            lo, hi = (o * n_in) // n_out, -((-(o + 1) * n_in) // n_out)
            m[o, lo:hi] = 1.0 / (hi - lo)
        out = out.movedim(d, -1).matmul(_from_np(m.T).to(out.dtype)).movedim(-1, d)
    return out


@grad_fn_named("AdaptiveAvgPool3DBackward0")
def adaptive_avg_pool3d(input: Any, output_size: Any) -> Tensor:
    outs = adaptive_output_size(input, output_size, 3, "adaptive_avg_pool3d")
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got {list(input.shape)}")
    if min(outs) < 0:
        raise RuntimeError(f"adaptive_avg_pool3d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{outs[0]}, {outs[1]},{outs[2]}}}")
    _check_adaptive_input(input, 3, "adaptive_avg_pool3d", "adaptive_avg_pool3d_cpu")
    if outs == [1, 1, 1]:  # PyTorch's shortcut: a global average is the mean (its rounding too)
        return input.mean([-3, -2, -1], keepdim=True)
    if input.dtype.name in ("float16", "bfloat16"):
        return _adaptive_avg_pool3d_half(input, outs)
    return _adaptive_avg_pool(input, outs, "adaptive_avg_pool3d")


def _adaptive_avg_pool3d_half(input, outs):
    """PyTorch's adaptive_avg_pool3d kernel for float16/bfloat16 sums each
    window in the half type, element by element in raster order, then divides
    by kT, kH and kW one after another (each step rounded): the same steps
    here, over windows gathered into (N, C, L, K) and padded with zeros
    (adding 0 rounds nothing)."""
    x, unbatched = _batched(input, 3, "adaptive_avg_pool3d")
    sizes = list(x.shape[2:])
    n, c = x.shape[:2]
    flat = np.zeros([1] * 6, dtype=np.int64)
    valid = np.ones([1] * 6, dtype=bool)
    counts = []
    st = _strides(sizes)
    for i in range(3):
        o = np.arange(outs[i])
        lo = (o * sizes[i]) // outs[i]
        hi = -((-(o + 1) * sizes[i]) // outs[i])
        kmax = int((hi - lo).max()) if outs[i] else 0
        pos = lo[:, None] + np.arange(kmax)[None, :]
        shape = [1] * 6
        shape[i], shape[3 + i] = pos.shape
        flat = flat + (np.minimum(pos, sizes[i] - 1) * st[i]).reshape(shape)
        valid = valid & (pos < hi[:, None]).reshape(shape)
        counts.append(hi - lo)
    total = int(np.prod(outs))
    table = np.where(valid, flat, int(np.prod(sizes))).reshape(total, -1)  # the extra index reads a zero
    padded = _C.cat([x.reshape([n, c, int(np.prod(sizes))]), _C.zeros([n, c, 1], x.dtype)], 2)
    win = padded.index_select(2, _from_np(table.reshape(-1))).reshape([n, c, total, table.shape[1]])
    acc = _C.zeros([n, c, total], x.dtype)
    for k in range(table.shape[1]):
        acc = acc + win[..., k]
    acc = acc.reshape([n, c] + outs)
    for i in range(3):
        shape = [1, 1, 1, 1, 1]
        shape[2 + i] = -1
        acc = acc / _from_np(counts[i].astype(np.float64)).to(x.dtype).reshape(shape)
    return acc.squeeze(0) if unbatched else acc


def _adaptive_max_nd(input, output_size, nd, return_indices, name, kernel=None):
    """Adaptive max pooling over the last nd dims; `kernel` is PyTorch's
    kernel name in its dtype refusal."""
    _check_adaptive_input(input, nd, name, kernel or f"{name}_cpu")
    x, unbatched = _batched(input, nd, name)
    outs = list(output_size)  # checked by the caller (adaptive_output_size)
    if min(outs) < 0:
        shape = list(input.shape[:-nd]) + outs
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(outs)}: {shape}")
    sizes = list(x.shape[2:])
    if 0 in outs:  # no windows: an empty result, still attached to the input's graph
        values = x.reshape(list(x.shape[:2]) + [-1]).narrow(2, 0, 0).reshape(list(x.shape[:2]) + outs)
        indices = _C.zeros(list(values.shape), _int64)
        if unbatched:
            values, indices = values.squeeze(0), indices.squeeze(0)
        return (values, indices) if return_indices else values
    # Windows differ in size; each is padded to the largest by repeating its
    # last element, which changes neither the maximum nor the first argmax.
    tables = []
    for i in range(nd):
        o = np.arange(outs[i])
        lo = (o * sizes[i]) // outs[i]
        hi = -((-(o + 1) * sizes[i]) // outs[i])
        kmax = int((hi - lo).max()) if outs[i] else 0
        tables.append(np.minimum(lo[:, None] + np.arange(kmax)[None, :], hi[:, None] - 1))
    # Per-output offsets, so the table is built here rather than by _window_table.
    flat = np.zeros([1] * (2 * nd), dtype=np.int64)
    st = _strides(sizes)
    for i in range(nd):
        shape = [1] * (2 * nd)
        shape[i], shape[nd + i] = tables[i].shape
        flat = flat + (tables[i] * st[i]).reshape(shape)
    table = flat.reshape(int(np.prod(outs)), -1)
    win = _gather_windows(x, table)
    values, arg = _window_argmax(win)
    values = values.reshape(list(x.shape[:2]) + outs)
    if not return_indices:
        return values.squeeze(0) if unbatched else values
    idx = _from_np(table).reshape([1, 1] + list(table.shape)).expand(list(win.shape))
    indices = idx.gather(3, arg.unsqueeze(-1)).reshape(list(x.shape[:2]) + outs)
    if unbatched:
        return values.squeeze(0), indices.squeeze(0)
    return values, indices


@grad_fn_named("AdaptiveMaxPool3DBackward0")
def adaptive_max_pool3d(input, output_size, return_indices=False):
    output_size = adaptive_output_size(input, output_size, 3, "adaptive_max_pool3d")
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got {list(input.shape)}")
    return _adaptive_max_nd(input, output_size, 3, return_indices, "adaptive_max_pool3d")


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    from ._functional_more import adaptive_max_pool2d
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    from ._functional_more import adaptive_max_pool1d
    return adaptive_max_pool1d(input, output_size, True)


# ---- max_unpool ----
def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    nd = len(kernel_size)
    default = [(input.shape[-nd + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d] for d in range(nd)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                         f"length of '{len(output_size)}'")
    for d in range(nd):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
    return [int(v) for v in output_size]


def _max_unpool(input, indices, nd, kernel_size, stride, padding, output_size, name):
    check_pool_args(name, kernel_size, stride, padding)
    if output_size is not None:
        check_int_list(name, "output_size", output_size)
    k = _tup(kernel_size, nd, "kernel_size")
    s = k if stride is None else _tup(stride, nd, "stride")
    p = _tup(padding, nd, "padding")
    outs = _unpool_output_size(input, k, s, p, output_size)
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    x, unbatched = _batched(input, nd, name)
    idx = indices.unsqueeze(0) if unbatched else indices
    n, c = x.shape[:2]
    total = int(np.prod(outs))
    flat_idx = idx.reshape([n, c, -1])
    if flat_idx.numel() and (int(flat_idx.min()) < 0 or int(flat_idx.max()) >= total):
        bad = int(flat_idx.max()) if int(flat_idx.max()) >= total else int(flat_idx.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(str(o) for o in outs)}")
    # Overlapping windows (stride < kernel) can name one position twice, with
    # the same value: PyTorch writes it, so scatter, not scatter_add (which
    # would double it). scatter's backward gathers, as max_unpool's does.
    out = _C.zeros([n, c, total], x.dtype).scatter(2, flat_idx, x.reshape([n, c, flat_idx.shape[2]]))
    out = out.reshape([n, c] + outs)
    return out.squeeze(0) if unbatched else out


@grad_fn_named("SqueezeBackward1")  # PyTorch unpools a 1-d input as 2-d, then squeezes
def max_unpool1d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None) -> Tensor:
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size, "max_unpool1d")


@grad_fn_named("MaxUnpool2DBackward0")
def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None) -> Tensor:
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size, "max_unpool2d")


@grad_fn_named("MaxUnpool3DBackward0")
def max_unpool3d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None) -> Tensor:
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size, "max_unpool3d")


# ---- power-average pooling ----
def _infinite_norm(norm_type):
    return isinstance(norm_type, (int, float)) and abs(norm_type) == float("inf")


def _lp_max(max_pool, input, norm_type, kernel_size, stride, ceil_mode):
    """PyTorch's lp_pool with norm_type = +-inf: the window's max (min) of |x|,
    not the power mean, whose x ** inf overflows."""
    if norm_type > 0:
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)


def _lp_finish(out, norm_type, count):
    from .functional import relu
    return (_C.sign(out) * relu(out.abs())).mul(count).pow(1.0 / norm_type)


def lp_pool1d(input: Any, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: Any = False) -> Tensor:
    from ._functional_more import avg_pool1d
    k = kernel_size[0] if isinstance(kernel_size, (list, tuple)) else kernel_size
    if _infinite_norm(norm_type):
        from ._functional_more import max_pool1d
        return _lp_max(max_pool1d, input, norm_type, kernel_size, stride, ceil_mode)
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    if isinstance(kernel_size, (list, tuple)):  # PyTorch's lp_pool1d multiplies by kernel_size itself
        raise TypeError(f"mul(): argument 'other' (position 1) must be Tensor, not {type(kernel_size).__name__}")
    return _lp_finish(out, norm_type, k)


def lp_pool2d(input: Any, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: Any = False) -> Tensor:
    from ._conv_ops import avg_pool2d
    kw, kh = _tup(kernel_size, 2, "kernel_size")
    if _infinite_norm(norm_type):
        from ._conv_ops import max_pool2d
        return _lp_max(max_pool2d, input, norm_type, kernel_size, stride, ceil_mode)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kw * kh)


def lp_pool3d(input: Any, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: Any = False) -> Tensor:
    kd, kw, kh = _tup(kernel_size, 3, "kernel_size")
    if _infinite_norm(norm_type):
        return _lp_max(max_pool3d, input, norm_type, kernel_size, stride, ceil_mode)
    out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kd * kw * kh)


# ---- fractional max pooling ----
def _fractional_intervals(u, n_in, n_out, k, ft):
    """PyTorch's generate_intervals for every plane at once: window starts
    (planes..., n_out) from samples u (planes...) in [0, 1), computed in the
    input's precision (its kernel's scalar_t)."""
    if n_out <= 1:
        return np.full(u.shape + (n_out,), n_in - k, dtype=np.int64)
    alpha = ft(n_in - k) / ft(n_out - 1)
    i = np.arange(n_out - 1).astype(ft)
    seq = ((i + u[..., None]) * alpha).astype(np.int64) - (u * alpha).astype(ft).astype(np.int64)[..., None]
    last = np.full(u.shape + (1,), n_in - k, dtype=np.int64)
    return np.concatenate([seq, last], axis=-1)


def _check_random_samples(samples, dtype, n, c, nd):
    """PyTorch's checks of fractional max pooling's _random_samples: input's dtype, (>= N, C, nd)."""
    if samples.dtype != dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.dim() != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.dim()}")
    if samples.shape[0] < n:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != c:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {samples.shape[2]}.")


def _fractional(input, nd, kernel_size, output_size, output_ratio, return_indices, _random_samples, name):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    x, unbatched = _batched(input, nd, name)
    k = _tup(kernel_size, nd, "kernel_size")
    sizes = list(x.shape[2:])
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:  # PyTorch's 2-d wrapper takes len() of it (a float raises TypeError)
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = _tup_f(output_ratio, nd)
        outs = [int(sizes[i] * ratio[i]) for i in range(nd)]
    else:
        outs = list(_tup(output_size, nd, "output_size"))
    n, c = x.shape[:2]
    # PyTorch's kernels: the 2-d one allows a window ending at the last element, the
    # 3-d one requires it to end before (outs + k - 1 < size), for every dim.
    dim_names = ["height", "width"] if nd == 2 else ["time", "height", "width"]
    for i in range(nd):
        too_large = outs[i] + k[i] - 1 > sizes[i] if nd == 2 else outs[i] + k[i] - 1 >= sizes[i]
        if too_large:
            raise RuntimeError(f"fractional_max_pool{nd}d{'' if nd == 2 else '_out'}(): pool {dim_names[i]} {k[i]} "
                               f"too large relative to input {dim_names[i]} {sizes[i]}")
    if _random_samples is None:
        from .._functions import rand
        _random_samples = rand(n, c, nd, dtype=x.dtype)
    _check_random_samples(_random_samples, x.dtype, n, c, nd)
    ft = np.float64 if x.dtype.name == "float64" else np.float32
    # A larger batch of samples is allowed: PyTorch reads the first n.
    u = _C._tensor_to_numpy_forced(_random_samples.detach()[:n].contiguous()).astype(ft).reshape(n, c, nd)
    st = _strides(sizes)
    # PyTorch's kernels: the 2-d one takes sample 0 for the width and 1 for the
    # height; the 3-d one takes 0, 1, 2 for depth, height, width.
    tables = np.zeros([n, c] + [1] * (2 * nd), dtype=np.int64)
    for i in range(nd):
        starts = _fractional_intervals(u[:, :, nd - 1 - i if nd == 2 else i], sizes[i], outs[i], k[i], ft)
        pos = starts[:, :, :, None] + np.arange(k[i])[None, None, None, :]  # (n, c, out_i, k_i)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + i], shape[2 + nd + i] = outs[i], k[i]
        tables = tables + (pos * st[i]).reshape(shape)
    tables = tables.reshape(n, c, int(np.prod(outs)), int(np.prod(k)))
    idx = _from_np(tables)
    win = x.reshape([n, c, -1]).gather(2, idx.reshape([n, c, -1])).reshape(list(tables.shape))
    values, arg = _window_argmax(win)
    values = values.reshape([n, c] + outs)
    indices = idx.gather(3, arg.unsqueeze(-1)).reshape([n, c] + outs)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def _tup_f(v, n):
    return tuple(float(x) for x in v) if isinstance(v, (tuple, list)) else (float(v),) * n


@grad_fn_named("FractionalMaxPool2DBackward0")
def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    return _fractional(input, 2, kernel_size, output_size, output_ratio, return_indices, _random_samples,
                       "fractional_max_pool2d")


@grad_fn_named("FractionalMaxPool3DBackward0")
def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    return _fractional(input, 3, kernel_size, output_size, output_ratio, return_indices, _random_samples,
                       "fractional_max_pool3d")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)

