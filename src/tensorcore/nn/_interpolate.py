"""F.interpolate in every mode PyTorch's CPU build has (nearest, nearest-exact,
linear, bilinear, bicubic, trilinear, area), F.affine_grid and F.grid_sample.

Note [Separable resampling]
Every non-area interpolation mode is separable: output = sum over taps of
input[src_k] * weight_k independently per spatial dim. The source indices and
weights depend only on sizes and scales, so they are computed here with NumPy
in the input's own precision (float32 for float32 input, as PyTorch's opmath),
and each dim is resampled with index_select + a broadcast weight, whose
backward (index_add) gives the gradient. The dims are processed last to first:
PyTorch's kernels interpolate along the width inside the height interpolation
(h0 * (w0 * x00 + w1 * x01) + h1 * (...)), and this order reproduces that
nesting, so results agree to the last bit in most cases.

Note [Half-precision resampling]
For float16/bfloat16 input PyTorch's kernels compute in float32 and round
once at the end; the linear, trilinear and bicubic kernels also store their
weights in the input's dtype first (linear: lambda1 rounded, then lambda0 =
1 - lambda1 rounded), bilinear keeps float32 weights. Interpolating in the
half type itself rounds every product and sum and differs by several ulps.
"""
from __future__ import annotations
from typing import Any
import math

import builtins
import numpy as np

from .. import _C
from .._naming import grad_fn_named

Tensor = _C.Tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "affine_grid", "grid_sample"]

_LINEAR_MODES = ("linear", "bilinear", "bicubic", "trilinear")
_MODE_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}


from .._memory_layout import follows_input_layout  # noqa: E402

def _np_float(dtype):
    return np.float64 if dtype.name == "float64" else np.float32


def _is_int(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, int) or isinstance(x, np.integer) or (isinstance(x, Tensor) and x.dim() == 0
                                                               and not x.is_floating_point())


def _output_sizes(input, size, scale_factor, mode, recompute_scale_factor):
    """(output sizes, scale per dim or None), PyTorch's interpolate argument rules."""
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "output size in (o1, o2, ...,oK) format.")
            if not all(_is_int(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(x) for x in size]}")
            out = [int(x) for x in size]
        else:
            if not _is_int(size):  # PyTorch's upsample op takes a list of ints: 2.5 is no size
                raise TypeError(f"upsample_{mode.replace('-', '_')}{dim}d() received an invalid combination of "
                                f"arguments - got (Tensor, list, NoneType), but expected one of:\n"
                                " * (Tensor input, tuple of ints output_size, tuple of floats scale_factors)")
            out = [int(size)] * dim
        scales = None
    elif scale_factor is not None:
        factors = scale_factor if isinstance(scale_factor, (list, tuple)) else [scale_factor]
        if any(isinstance(f, (str, bytes)) or f is None for f in factors):  # PyTorch's upsample op takes floats
            raise TypeError(f"upsample_{mode.replace('-', '_')}{dim}d() received an invalid combination of "
                            f"arguments - got (Tensor, NoneType, {type(scale_factor).__name__}), but expected one "
                            "of:\n * (Tensor input, tuple of ints output_size, tuple of floats scale_factors)")
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but "
                                 f"got input with spatial dimensions of {list(input.shape[2:])} and "
                                 f"scale_factor of shape {scale_factor}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and out is None:
        recompute_scale_factor = True
    if out is None:
        out = [int(math.floor(float(input.shape[i + 2]) * scales[i])) for i in range(dim)]
        if recompute_scale_factor:
            scales = None
    if scales is None:
        scales = [None] * dim
    return out, scales


def _scale(n_in, n_out, align_corners, scale, ft):
    """PyTorch's area_pixel_compute_scale in the kernel's precision."""
    if align_corners:
        return ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in) / ft(n_out)


def _source(scale, n_out, align_corners, cubic, ft):
    dst = np.arange(n_out, dtype=ft)
    if align_corners:
        return scale * dst
    src = scale * (dst + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def _nearest_taps(n_in, n_out, scale, exact):
    # The nearest kernels always compute in float (compute_scales_value<float>).
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n_in) / np.float32(n_out)
    dst = np.arange(n_out, dtype=np.float32)
    if exact:
        idx = np.floor((dst + np.float32(0.5)) * s).astype(np.int64)
    else:
        idx = np.floor(dst * s).astype(np.int64)
    return [(np.minimum(idx, n_in - 1), None)]


def _linear_taps(n_in, n_out, scale, align_corners, ft):
    src = _source(_scale(n_in, n_out, align_corners, scale, ft), n_out, align_corners, False, ft)
    i0 = np.floor(src).astype(np.int64)
    i0 = np.minimum(i0, n_in - 1)
    i1 = i0 + (i0 < n_in - 1)
    l1 = (src - i0.astype(ft)).astype(ft)
    l0 = (ft(1) - l1).astype(ft)
    return [(i0, l0), (i1, l1)]


def _cubic_taps(n_in, n_out, scale, align_corners, ft):
    src = _source(_scale(n_in, n_out, align_corners, scale, ft), n_out, align_corners, True, ft)
    i = np.floor(src)
    t = (src - i).astype(ft)
    i = i.astype(np.int64)
    a = ft(-0.75)  # PyTorch's cubic convolution coefficient

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    ws = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    return [(np.clip(i + k - 1, 0, n_in - 1), ws[k].astype(ft)) for k in range(4)]


def _resample(x, dim, taps):
    from .._functions import from_numpy
    out = None
    shape = [1] * x.dim()
    shape[dim] = -1
    for idx, w in taps:
        picked = x.index_select(dim, from_numpy(np.ascontiguousarray(idx)))
        if w is None:
            return picked
        term = picked * from_numpy(np.ascontiguousarray(w)).to(x.dtype).reshape(shape)
        out = term if out is None else out + term
    return out


def _check_dtype(input, mode, antialias=False):
    """PyTorch's CPU resampling kernels exist for floating point inputs, and
    for uint8 in the nearest, bilinear and bicubic modes only; any other
    dtype is refused with the kernel's NotImplementedError (the names are
    the kernels PyTorch reaches first for that mode and input rank)."""
    if input.is_floating_point():
        return
    if input.dtype.name == "uint8" and mode in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        if mode in ("nearest", "nearest-exact", "bilinear") or antialias:
            return  # bilinear and antialiased bicubic: Note [uint8 resampling in fixed point]
        raise RuntimeError(f"\"upsample_{mode}\" not implemented for 'Byte' by tensorcore; convert with .float() "
                           "first")
    nd = input.dim()
    kernel = {"nearest": "upsample_nearest2d_channels_last" if nd == 4 else "compute_indices_weights_nearest",
              "linear": "compute_indices_weights_linear", "trilinear": "upsample_trilinear3d_channels_last",
              "bilinear": "upsample_bilinear2d_channels_last", "bicubic": "compute_indices_weights_cubic",
              "area": "adaptive_avg_pool3d" if nd == 5 else "adaptive_avg_pool2d"}
    kernel["nearest-exact"] = kernel["nearest"]
    from .._dtype import SCALAR_TYPE_NAMES
    raise NotImplementedError(f"\"{kernel[mode]}\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")


def _interpolate_node_name(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                           recompute_scale_factor=None, antialias=False):
    """PyTorch's grad_fn name for the upsampling kernel interpolate calls
    (Note [Composite node names]); None leaves the composite's own."""
    d = input.dim() - 2
    if antialias and mode in ("bilinear", "bicubic"):
        return f"Upsample{mode.capitalize()}2DAaBackward0"
    names = {"nearest": f"UpsampleNearest{d}DBackward0", "nearest-exact": f"UpsampleNearestExact{d}DBackward0",
             "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
             "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0",
             "area": "SqueezeBackward1" if d == 1 else f"AdaptiveAvgPool{d}DBackward0"}
    return names.get(mode)


@grad_fn_named(_interpolate_node_name)
@follows_input_layout  # Note [Layout-following ops keep channels_last]
def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: Any = "nearest", align_corners: Any = None,
                recompute_scale_factor: Any = None, antialias: Any = False) -> Tensor:
    """Resizes the spatial dims of (N, C, *spatial) input (Note [Separable resampling])."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): argument 'input' must be Tensor, not {type(input).__name__}")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    sizes, scales = _output_sizes(input, size, scale_factor, mode, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    nd = input.dim()
    if mode in _MODE_DIMS:
        need = _MODE_DIMS[mode] + 2
        if nd != need and nd in (3, 4, 5):
            raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {need}D input")
    if nd not in (3, 4, 5) or mode not in ("nearest", "nearest-exact", "area") + _LINEAR_MODES:
        raise NotImplementedError("Input Error: Only 3D, 4D and 5D input Tensors supported"
                                  f" (got {nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | "
                                  f"lanczos | area | nearest-exact (got {mode})")
    for i, s in enumerate(sizes):
        if s <= 0 or input.shape[i + 2] <= 0:
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                               f"({', '.join(str(v) for v in input.shape[2:])}) and output "
                               f"({', '.join(str(v) for v in sizes)})")
    if input.shape[1] == 0:
        raise RuntimeError(f"Non-empty {nd}D data tensor expected but got a tensor with sizes {list(input.shape)}")
    _check_dtype(input, mode, antialias)
    if input.dtype.name == "uint8" and mode in ("bilinear", "bicubic"):
        return _resample_uint8(input, sizes, scales, mode, align_corners, antialias)
    if mode == "area":
        from ._pooling_nd import _adaptive_avg_pool
        if input.dtype.name in ("float16", "bfloat16") and nd < 5:
            # PyTorch's adaptive_avg_pool1d/2d average a half-precision input in float32, rounding once
            return _adaptive_avg_pool(input.float(), sizes, "adaptive_avg_pool").to(input.dtype)
        return _adaptive_avg_pool(input, sizes, "adaptive_avg_pool")
    ft = _np_float(input.dtype)
    if antialias:
        return _antialiased(input, sizes, scales, mode, align_corners, ft)
    reduced = input.dtype.name in ("float16", "bfloat16") and mode in _LINEAR_MODES
    out = input.float() if reduced else input  # Note [Half-precision resampling]
    for d in reversed(range(nd - 2)):
        n_in, n_out, sc = input.shape[d + 2], sizes[d], scales[d]
        if mode in ("nearest", "nearest-exact"):
            if n_in == n_out:
                continue
            taps = _nearest_taps(n_in, n_out, sc, mode == "nearest-exact")
        elif mode == "bicubic":
            taps = _cubic_taps(n_in, n_out, sc, align_corners, ft)
            if reduced:
                taps = [(i, _round_to(w, input.dtype)) for i, w in taps]
        else:
            taps = _linear_taps(n_in, n_out, sc, align_corners, ft)
            if reduced and mode != "bilinear":
                (i0, _), (i1, l1) = taps
                l1 = _round_to(l1, input.dtype)
                taps = [(i0, _round_to(np.float32(1) - l1, input.dtype)), (i1, l1)]
        out = _resample(out, d + 2, taps)
    if reduced:
        return out.to(input.dtype)
    return out if out is not input else input.clone()


def _uint8_weights(n_in, n_out, scale, align_corners, mode, antialias):
    """(first input index, int weights (n_out x taps), precision bits) of one
    dim, as PyTorch's uint8 kernel computes them (Note [uint8 resampling in
    fixed point]): PIL's window per output, normalised in double, scaled by
    2**precision and rounded half away from zero."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    interp_size = 2 if mode == "bilinear" else 4
    if antialias:
        support = interp_size * 0.5 * s if s >= 1.0 else interp_size * 0.5
        taps = int(np.ceil(support)) * 2 + 1
    else:
        support = interp_size * 0.5
        taps = interp_size
    delta = 0.5 if align_corners and not antialias else 0.0
    invscale = 1.0 / s if s >= 1.0 and antialias else 1.0
    filt = _aa_filter(mode, np.float64)
    starts = np.zeros(n_out, dtype=np.int64)
    weights = np.zeros((n_out, taps))
    largest = 0.0
    for i in range(n_out):
        center = s * (i + 0.5 - delta)
        start = builtins.max(int(center - support + 0.5 + delta), 0)
        count = builtins.min(builtins.max(builtins.min(int(center + support + 0.5 + delta), n_in) - start, 0), taps)
        w = filt((np.arange(count) + start - center + 0.5 - delta) * invscale)
        total = 0.0
        for v in w:  # summed in order, as the kernel does
            total += float(v)
        if total != 0.0:
            w = w / total
            if count:
                largest = builtins.max(largest, float(w.max()))
        weights[i, :count] = w
        starts[i] = start
    precision = 0
    while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = weights * (1 << precision)
    rounded = np.where(scaled < 0, np.trunc(scaled - 0.5), np.trunc(scaled + 0.5)).astype(np.int64)
    return starts, rounded, precision


def _resample_uint8(input, sizes, scales, mode, align_corners, antialias):
    """Note [uint8 resampling in fixed point]
    PyTorch resizes a uint8 image (bilinear, and bicubic with antialias=True)
    like PIL: separably, width first then height, each pass with integer
    weights of `precision` bits accumulated in integers from 2**(precision-1)
    (rounding), shifted back and clamped to 0..255, so the intermediate image is
    uint8 too. That differs by 1 from rounding the float result, so it is done
    here in numpy exactly so (checked against PyTorch). A dim whose size does
    not change is not resampled."""
    from .._functions import from_numpy
    out = _C._tensor_to_numpy_forced(input.contiguous()).astype(np.int64)
    for d in (3, 2):
        n_in, n_out = out.shape[d], sizes[d - 2]
        if n_in == n_out:
            continue
        starts, weights, precision = _uint8_weights(n_in, n_out, scales[d - 2], align_corners, mode, antialias)
        moved = np.moveaxis(out, d, -1)
        acc = np.full(moved.shape[:-1] + (n_out,), (1 << (precision - 1)) if precision else 0, dtype=np.int64)
        for k in range(weights.shape[1]):
            acc += moved[..., np.minimum(starts + k, n_in - 1)] * weights[:, k]
        out = np.moveaxis(np.clip(acc >> precision, 0, 255), -1, d)
    return from_numpy(np.ascontiguousarray(out.astype(np.uint8)))


def _round_to(w, dtype):
    """float32 weights rounded to float16/bfloat16 (to nearest, ties to even)
    and back: the precision PyTorch stores its interpolation weights in."""
    w = np.asarray(w, dtype=np.float32)
    if dtype.name == "float16":
        return w.astype(np.float16).astype(np.float32)
    bits = w.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def _aa_filter(mode, ft):
    if mode == "bilinear":
        return lambda x: np.where(np.abs(x) < 1, 1 - np.abs(x), 0).astype(ft)
    a = ft(-0.5)  # the antialiased bicubic filter uses a = -0.5 (PIL's), not -0.75

    def cubic(x):
        x = np.abs(x)
        near = ((a + 2) * x - (a + 3)) * x * x + 1
        far = (((x - 5) * x + 8) * x - 4) * a
        return np.where(x < 1, near, np.where(x < 2, far, 0)).astype(ft)
    return cubic


def _aa_matrix(n_in, n_out, scale, align_corners, mode, ft):
    """(out x in) resampling weights of PyTorch's antialiased kernels: a
    filter stretched by the downscale factor, normalised per output."""
    s = _scale(n_in, n_out, align_corners, scale, ft)
    interp = 2 if mode == "bilinear" else 4
    support = ft(interp * 0.5) * s if s >= 1.0 else ft(interp * 0.5)
    invscale = ft(1.0) / s if s >= 1.0 else ft(1.0)
    filt = _aa_filter(mode, ft)
    m = np.zeros((n_out, n_in), dtype=ft)
    for i in range(n_out):
        center = s * ft(i + 0.5)
        lo = max(int(center - support + ft(0.5)), 0)
        hi = min(int(center + support + ft(0.5)), n_in)
        j = np.arange(lo, hi)
        w = filt((j.astype(ft) - center + ft(0.5)) * invscale)
        total = w.sum(dtype=ft)
        m[i, lo:hi] = w / total if total != 0 else w
    return m


def _antialiased(input, sizes, scales, mode, align_corners, ft):
    """F.interpolate(antialias=True) for 4-D bilinear/bicubic: one weight
    matrix per spatial dim (width first, as PyTorch's separable kernel),
    applied with matmul, whose backward is the gradient."""
    from .._functions import from_numpy
    out = input
    for d in (3, 2):
        m = _aa_matrix(input.shape[d], sizes[d - 2], scales[d - 2], align_corners, mode, ft)
        out = out.movedim(d, -1).matmul(from_numpy(np.ascontiguousarray(m.T)).to(out.dtype)).movedim(-1, d)
    return out


def upsample(input: Any, size: Any = None, scale_factor: Any = None, mode: Any = "nearest", align_corners: Any = None) -> Tensor:
    import warnings
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Any, size: Any = None, scale_factor: Any = None) -> Tensor:
    import warnings
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Any, size: Any = None, scale_factor: Any = None) -> Tensor:
    import warnings
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- affine_grid / grid_sample ----
def _base_coords(n, align_corners, dtype):
    from .._functions import linspace
    if n <= 1:
        return _C.zeros([max(n, 0)], dtype)
    ls = linspace(-1.0, 1.0, n, dtype=dtype)
    # PyTorch's linspace_from_neg_one scales by (n - 1) and then divides by n: two roundings,
    # not one multiplication by (n - 1) / n (Note [affine_grid rounds as PyTorch]).
    return ls if align_corners else (ls * (n - 1)) / n


def _warn_align_corners_default():
    """PyTorch's warning when grid_sample / affine_grid are called without align_corners,
    pointed at the caller's line (past the autocast wrapper) as PyTorch's is."""
    import sys
    import warnings
    depth = 1  # the first frame outside tensorcore: the caller's
    while sys._getframe(depth).f_globals.get("__name__", "").startswith("tensorcore"):
        depth += 1
    warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.", UserWarning, stacklevel=depth + 1)


@grad_fn_named("AffineGridGeneratorBackward0")
def affine_grid(theta: Any, size: Any, align_corners: Any = None) -> Tensor:
    """Sampling grid (N, *spatial, k) = base grid (x, y[, z], 1) @ theta^T."""
    if align_corners is None:
        _warn_align_corners_default()
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = list(size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                             f"Got {tuple(theta.shape)}.")
        spatial = size[2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. "
                             f"Got {tuple(theta.shape)}.")
        spatial = size[2:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    n = size[0]
    k = len(spatial)
    # Coordinates are (x, y[, z]): x runs along the last spatial dim.
    axes = [_base_coords(s, align_corners, theta.dtype) for s in spatial]
    coords = []
    for j in range(k):  # coordinate j (x first) varies along spatial dim k-1-j
        shape = [1] * (k + 1)
        shape[k - j] = -1
        coords.append(axes[k - 1 - j].reshape(shape))
    # Note [affine_grid rounds as PyTorch]
    # PyTorch's grid is bmm(base grid (x, y[, z], 1), theta^T), whose CPU kernels add the
    # products left to right without fused multiply-adds: ((x*t0 + y*t1) [+ z*t2]) + t_last.
    # The same sum written elementwise gives its grid bit for bit (a GEMM here may fuse or
    # reorder and differ by an ulp, which grid_sample's unnormalisation then multiplies by
    # W / 2): spatial transformer programs train on these grids.
    per_batch = [n] + [1] * k
    outputs = []
    for j in range(k):
        row = theta[:, j]
        acc = coords[0] * row[:, 0].reshape(per_batch)
        for i in range(1, k):
            acc = acc + coords[i] * row[:, i].reshape(per_batch)
        outputs.append(acc + row[:, k].reshape(per_batch))
    return _C.stack(outputs, -1)


def _unnormalize(coord, n, align_corners, planar=False):
    """Grid coordinate in [-1, 1] to a pixel index. PyTorch's 2-D sampler (its vectorized CPU
    kernel) computes (c + 1) * (n / 2) - 0.5 without align_corners, its 3-D one
    ((c + 1) * n - 1) / 2: equal in exact arithmetic, not in rounding, and a grid_sample
    output inherits the difference times the pixel values (`planar` picks the 2-D form)."""
    if align_corners:
        return (coord + 1) * ((n - 1) / 2)
    if planar:
        return _fused_multiply_add(coord + 1, n / 2, -0.5)
    return ((coord + 1) * n - 1) / 2


def _fused_multiply_add(a, b, c):
    """a * b + c rounded once, as PyTorch's 2-D grid sampler computes it: its vectorized CPU
    kernel is compiled with FMA contraction (Note [grid_sample rounds as PyTorch])."""
    from .. import float32
    if a.dtype != float32:
        return a * b + c  # float64: an unfused sum differs from PyTorch's by far below printing
    wide_b = b.double() if isinstance(b, Tensor) else b
    wide_c = c.double() if isinstance(c, Tensor) else c
    # float32 x float32 is exact in float64, so only the addition rounds (then to float32;
    # the double rounding differs from a true FMA only on exact float32 midpoints).
    return (a.double() * wide_b + wide_c).float()


def _reflect(coord, lo2, hi2):
    """PyTorch's reflect_coordinates with twice the bounds (lo2, hi2)."""
    if lo2 == hi2:
        return coord * 0
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    c = (coord - mn).abs()
    extra = _C.fmod(c, _C.full([], span, c.dtype))
    flips = (c / span).floor()
    return _C.where(_C.remainder(flips, _C.full([], 2.0, c.dtype)) == 0, extra + mn, span - extra + mn)


def _source_coord(coord, n, padding_mode, align_corners, planar=False):
    c = _unnormalize(coord, n, align_corners, planar)
    if padding_mode == "border":
        c = _clip_coordinates(c, n)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        c = _clip_coordinates(c, n)
    return c


def _clip_coordinates(c, n):
    """PyTorch's clip_coordinates(_set_grad): clamped to [0, n - 1] with a zero
    gradient on and beyond either bound (clamp's own passes it at the bound);
    a NaN coordinate goes to pixel 0 (which its kernels then read)."""
    inside = (c > 0) & (c < n - 1)
    clipped = c.clamp(0, n - 1).detach()
    clipped = _C.where(clipped != clipped, _C.zeros([], c.dtype), clipped)
    return _C.where(inside, c, clipped)


def _link_zero_grad(out, source):
    """`out` unchanged in value, but in the graph of `source` with a zero
    gradient (where() that never picks source's sum; unlike `+ 0 * sum` it
    cannot turn an inf in source into a NaN in out)."""
    zero = _C.zeros([], out.dtype)
    never = zero != zero
    return _C.where(never, source.sum().to(out.dtype), out)


def _cubic_coeffs(t):
    """PyTorch's grid_sample bicubic weights (cubic convolution, A = -0.75)
    for taps at floor - 1 .. floor + 2, t = coordinate - floor."""
    a = -0.75

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _bounded(c, n, padding_mode, align_corners):
    """A bicubic tap's coordinate after PyTorch's padding rule (border: clip;
    reflection: reflect, then clip); 'zeros' keeps it (masked later)."""
    if padding_mode == "border":
        return c.clamp(0, n - 1)
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        return c.clamp(0, n - 1)
    return c


@grad_fn_named(lambda input, *args, **kwargs: f"GridSampler{input.dim() - 2}DBackward0")
def grid_sample(input: Any, grid: Any, mode: Any = "bilinear", padding_mode: Any = "zeros", align_corners: Any = None) -> Tensor:
    """Samples (N, C, H, W) or (N, C, D, H, W) input at the grid's (x, y[, z])
    locations in [-1, 1]; bilinear/nearest (and bicubic on 4-D input) with
    zeros/border/reflection padding. Gradients reach input (gather's backward)
    and grid (through the interpolation weights)."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _warn_align_corners_default()
        align_corners = False
    if isinstance(input, Tensor) and isinstance(grid, Tensor):
        from .._dtype import SCALAR_TYPE_NAMES
        if not input.is_floating_point():  # the kernel's dtype dispatch comes before the grid's dtype check
            kernel = "grid_sampler3d_cpu" if input.dim() == 5 else f"grid_sampler_{input.dim() - 2}d_cpu_kernel_impl"
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_TYPE_NAMES[input.dtype.name]}'")
        if grid.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {SCALAR_TYPE_NAMES[input.dtype.name]} but found "
                               f"{SCALAR_TYPE_NAMES[grid.dtype.name]}")
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    k = input.dim() - 2
    if mode == "bicubic" and k != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    n, c = input.shape[:2]
    if grid.shape[0] != n or grid.shape[-1] != k:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {k} in last dimension and the same batch "
                           f"size as input, but got grid with sizes {list(grid.shape)}")
    # Coordinate j (x, y, z) indexes spatial dim k-1-j.
    sizes = [input.shape[-1 - j] for j in range(k)]
    strides = [1] * k
    for j in range(1, k):
        strides[j] = strides[j - 1] * sizes[j - 1]
    out_shape = list(grid.shape[1:-1])
    npts = 1
    for v in out_shape:
        npts *= v
    # Explicit sizes, not -1: an empty batch or channel dim leaves -1 undetermined.
    flat = input.reshape([n, c, strides[-1] * sizes[-1]])
    zero = _C.zeros([], grid.dtype)

    def tap(idx):
        # Out-of-range taps read element 0 and are masked to zero (padding 'zeros').
        valid = None
        lin = None
        for j, i in enumerate(idx):
            ok = (i >= 0) & (i <= sizes[j] - 1)
            valid = ok if valid is None else valid & ok
            term = i * strides[j]
            lin = term if lin is None else lin + term
        lin = _C.where(valid, lin, zero).long()
        vals = flat.gather(2, lin.reshape([n, 1, npts]).expand([n, c, npts])).reshape([n, c] + out_shape)
        return vals, valid.to(grid.dtype).unsqueeze(1)

    if mode == "bicubic":
        ix = _unnormalize(grid[..., 0], sizes[0], align_corners, planar=True)
        iy = _unnormalize(grid[..., 1], sizes[1], align_corners, planar=True)
        x0, y0 = ix.detach().floor(), iy.detach().floor()
        cx, cy = _cubic_coeffs(ix - x0), _cubic_coeffs(iy - y0)
        out = None
        for r in range(4):
            yr = _bounded(y0 + (r - 1), sizes[1], padding_mode, align_corners)
            row = None
            for q in range(4):
                xq = _bounded(x0 + (q - 1), sizes[0], padding_mode, align_corners)
                v, ok = tap([xq.detach(), yr.detach()])
                term = v * (ok * cx[q].unsqueeze(1))
                row = term if row is None else row + term
            term = row * cy[r].unsqueeze(1)
            out = term if out is None else out + term
        return out
    src = [_source_coord(grid[..., j], sizes[j], padding_mode, align_corners, planar=k == 2) for j in range(k)]
    if mode == "nearest":
        v, ok = tap([_C.round(s_.detach()) for s_ in src])
        out = v * ok
        if grid.requires_grad:
            # PyTorch's nearest backward hands the grid a zero gradient, not None:
            # a where() that never picks the grid links it with zero gradient.
            out = _link_zero_grad(out, grid)
        return out
    lo = [s_.detach().floor() for s_ in src]
    if k == 2 and input.dtype == grid.dtype:
        # Note [grid_sample rounds as PyTorch]
        # PyTorch's 2-D bilinear kernel (GridSamplerKernel.cpp) is compiled with FMA
        # contraction: the pixel index is fma(x + 1, W / 2, -0.5) (align_corners=False) and
        # the output fma(se, w_se, fma(sw, w_sw, fma(ne, w_ne, nw * w_nw))) over the masked
        # corner values (0 outside), weights y-weight * x-weight. Summing unfused differs in
        # the last bits in about a third of the outputs, which a spatial transformer's
        # training then carries on; this order and fusion gives its outputs bit for bit.
        out = None
        for corner in range(4):
            x_hi, y_hi = corner & 1, corner >> 1
            idx = [lo[0] + x_hi, lo[1] + y_hi]
            x_weight = (src[0] - lo[0]) if x_hi else (lo[0] + 1 - src[0])
            y_weight = (src[1] - lo[1]) if y_hi else (lo[1] + 1 - src[1])
            v, ok = tap(idx)
            v = _C.where(ok != 0, v, _C.zeros([], v.dtype))
            weight = (y_weight * x_weight).unsqueeze(1)
            out = v * weight if out is None else _fused_multiply_add(v, weight, out)
        return out
    out = None
    for corner in range(2 ** k):
        idx, wgt = [], None
        for j in range(k):
            hi = (corner >> j) & 1
            idx.append(lo[j] + hi)
            w = (src[j] - lo[j]) if hi else (lo[j] + 1 - src[j])
            wgt = w if wgt is None else wgt * w
        v, ok = tap(idx)
        term = v * (wgt.unsqueeze(1) * ok)
        out = term if out is None else out + term
    return out
