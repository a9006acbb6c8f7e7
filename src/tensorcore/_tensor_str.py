"""Tensor printing that reproduces PyTorch 2.13's ``repr(tensor)`` on numpy data.

The rules (widths, int/sci mode, summarisation, wrapping, suffixes) follow
``torch/_tensor_str.py`` exactly, including its quirks, because users compare
our output with torch's.  Only the elements that will actually be shown are
ever turned into Python objects, so printing a huge tensor stays cheap.
"""

import contextlib
import math

import numpy as np

__all__ = [
    "PRINT_OPTS",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
    "format_tensor",
]


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()

# profile -> (precision, threshold, edgeitems, linewidth), as in torch.
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None):
    """Same semantics as ``torch.set_printoptions``.

    Unknown profiles are ignored and ``sci_mode`` is always overwritten (so a
    call without it goes back to automatic mode), both exactly like torch.
    """
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current options as a dict that can be passed back to set_printoptions."""
    return {
        "precision": PRINT_OPTS.precision,
        "threshold": PRINT_OPTS.threshold,
        "edgeitems": PRINT_OPTS.edgeitems,
        "linewidth": PRINT_OPTS.linewidth,
        "sci_mode": PRINT_OPTS.sci_mode,
    }


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change print options (same arguments as set_printoptions)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


_NP_DTYPES = {
    "bool": np.bool_,
    "int32": np.int32,
    "int64": np.int64,
    "float32": np.float32,
    "float64": np.float64,
    "uint8": np.uint8,
    "int8": np.int8,
    "int16": np.int16,
    "float16": np.float16,
    "complex64": np.complex64,
    "complex128": np.complex128,
}


def _element_strings(items, is_float):
    """Format a flat list of Python scalars; return (strings, column width).

    Like torch, the width of a float column is measured only over non-zero
    finite values, and the int/sci decisions also look only at those; zeros,
    nan and inf are then simply right-aligned to that width.
    """
    if not is_float:
        strs = [str(v) for v in items]
        return strs, max(1, max(map(len, strs), default=1))

    finite = [v for v in items if v != 0 and math.isfinite(v)]
    if not finite:
        # torch returns early here: int mode, no sci notation, width 1.
        int_mode, sci = True, False
    else:
        int_mode = all(v.is_integer() for v in finite)
        if PRINT_OPTS.sci_mode is None:
            # abs of a float32/float64 as a Python float is exact, and the
            # ratio is computed in double precision just as torch does.
            hi = max(map(abs, finite))
            lo = min(map(abs, finite))
            sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            sci = bool(PRINT_OPTS.sci_mode)

    if sci:
        spec = ".%de" % PRINT_OPTS.precision
        strs = [format(v, spec) for v in items]
    elif int_mode:
        # A trailing "." marks integral floats as floats (except nan/inf).
        strs = [format(v, ".0f") + "." if math.isfinite(v) else format(v, ".0f")
                for v in items]
    else:
        spec = ".%df" % PRINT_OPTS.precision
        strs = [format(v, spec) for v in items]

    width = 1
    for v, s in zip(items, strs):
        if v != 0 and math.isfinite(v) and len(s) > width:
            width = len(s)
    return strs, width


def _complex_strings(items):
    """Complex elements as torch prints them: the real and the imaginary parts
    are formatted as two float columns (each with its own width and mode), and
    the imaginary one, padded, gets "j", loses its padding and a "+" unless it
    has a sign. The width counts both columns and the "j" (torch's element
    length, which decides the line wrapping)."""
    real_strs, real_width = _element_strings([v.real for v in items], True)
    imag_strs, imag_width = _element_strings([v.imag for v in items], True)
    out = []
    for r, i in zip(real_strs, imag_strs):
        imag = (i.rjust(imag_width) + "j").lstrip()
        out.append(r.rjust(real_width) + (imag if imag[0] in "+-" else "+" + imag))
    return out, real_width + imag_width + 1


def _nest(strs, width, shape, cut, edge, indent):
    """Lay out padded element strings (C order, shown block of `shape`).

    `cut[d]` says dimension d was summarised: its first `edge` and last `edge`
    entries are present and an ellipsis goes between them.
    """
    ndim = len(shape)
    strides = [1] * ndim
    for d in range(ndim - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    element_len = width + 2  # room for the separating ", "
    linewidth = PRINT_OPTS.linewidth

    def rec(d, off):
        ind = indent + d
        n = shape[d]
        if d == ndim - 1:
            row = strs[off:off + n]
            if cut[d]:
                row[edge:edge] = [" ..."]  # torch's vector ellipsis is " ..."
            per_line = max(1, math.floor((linewidth - ind) / element_len))
            lines = [", ".join(row[i:i + per_line])
                     for i in range(0, len(row), per_line)]
            return "[" + (",\n" + " " * (ind + 1)).join(lines) + "]"
        parts = [rec(d + 1, off + i * strides[d]) for i in range(n)]
        if cut[d]:
            parts[edge:edge] = ["..."]
        # Higher dims are separated by more blank lines, as in torch.
        sep = "," + "\n" * (ndim - d - 1) + " " * (ind + 1)
        return "[" + sep.join(parts) + "]"

    return rec(0, 0)


def _body(arr, dtype_name, indent):
    """The bracketed contents of a non-empty tensor."""
    edge = PRINT_OPTS.edgeitems
    summarize = arr.size > PRINT_OPTS.threshold
    shape = arr.shape
    if arr.ndim and summarize and not edge:
        return "[...]"

    cut = [False] * arr.ndim
    if summarize and arr.ndim:
        # Gather only the shown edge block; the format decisions (width,
        # sci/int mode) must be based on exactly these elements anyway.
        index = []
        for d, n in enumerate(shape):
            if n > 2 * edge:
                cut[d] = True
                index.append(np.r_[0:edge, n - edge:n])
            else:
                index.append(np.arange(n))
        arr = arr[np.ix_(*index)]

    np_dtype = _NP_DTYPES.get(dtype_name)
    if np_dtype is not None and arr.dtype != np_dtype:
        arr = arr.astype(np_dtype)
    items = arr.reshape(-1).tolist()
    if dtype_name.startswith("complex"):
        strs, width = _complex_strings(items)  # already laid out: torch pads only the parts
    else:
        is_float = dtype_name.startswith(("float", "bfloat"))
        strs, width = _element_strings(items, is_float)
        strs = [s.rjust(width) for s in strs]
    if arr.ndim == 0:
        return strs[0]
    return _nest(strs, width, arr.shape, cut, edge, indent)


# Note [Suffix wrapping measured as PyTorch prints it]
# A suffix names tensorcore's dtypes as ``tensorcore.float64`` where PyTorch
# prints ``torch.float64`` (five characters fewer).  Whether a suffix goes on
# the last line or wraps to the next is decided on PyTorch's length, so a
# repr breaks its lines where PyTorch's does and differs only in the module
# name (a 3x3 float64 tensor with a grad_fn keeps ``dtype=..., grad_fn=<...>``
# on one line, as in PyTorch, instead of wrapping the grad_fn).
_NAME_EXTRA = len("tensorcore.") - len("torch.")


def _printed_len_in_torch(suffix):
    return len(suffix) - _NAME_EXTRA * suffix.count("tensorcore.")


def _add_suffixes(text, suffixes, indent):
    # torch measures the last line as len - rfind("\n") + 1, i.e. two more
    # than its real length; kept so wrapping decisions agree.
    last_len = len(text) - text.rfind("\n") + 1
    out = [text]
    for suffix in suffixes:
        width = _printed_len_in_torch(suffix)  # Note [Suffix wrapping measured as PyTorch prints it]
        if last_len + width + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            last_len = indent + width
        else:
            out.append(", " + suffix)
            last_len += width + 2
    out.append(")")
    return "".join(out)


def format_tensor(values, dtype_name, *, shape, default_dtype_name="float32",
                  requires_grad=False, grad_fn_name=None, device=None,
                  prefix="tensor("):
    """Return what ``repr`` of the equivalent torch tensor prints.

    `values` holds the data (any layout reshapeable to `shape`); the dtype is
    printed as ``tensorcore.<dtype_name>``.  A `device` of None or "cpu" is
    not printed, since torch only shows non-default devices.
    """
    shape = tuple(int(n) for n in shape)
    indent = len(prefix)
    dtype_suffix = "dtype=tensorcore." + dtype_name
    suffixes = []
    if device is not None and str(device) != "cpu":
        suffixes.append("device='%s'" % (device,))

    if 0 in shape:
        # No elements to infer the dtype from, so only the default float
        # dtype goes unmentioned (int64/bool are shown here).
        if len(shape) != 1:
            suffixes.append("size=" + str(shape))
        if dtype_name != default_dtype_name:
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(shape))
        default_complex = "complex128" if default_dtype_name == "float64" else "complex64"
        if dtype_name not in (default_dtype_name, default_complex, "int64", "bool"):
            suffixes.append(dtype_suffix)
        body = _body(np.asarray(values).reshape(shape), dtype_name, indent)

    if grad_fn_name is not None:
        suffixes.append("grad_fn=<%s>" % grad_fn_name)
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
