"""`out=` for ops computed into a fresh tensor first (factories, cat, stack,
div with a rounding mode, ...): PyTorch's checks, then the result is written
into `out`, which is returned.

Note [out= semantics]
PyTorch's rules, followed here in this order:
  1. `out` must be a Tensor (TypeError naming the op).
  2. With grad mode on, neither `out` nor an input may require grad:
     "functions with out=... arguments don't support automatic
     differentiation" (RuntimeError). Nothing is recorded for the write.
  3. The result's dtype must be castable to out's (can_cast: no float into an
     integer, no number into bool); callers with a stricter rule (factories:
     an explicit dtype= must equal out's) check that themselves.
  4. An `out` of another shape is resized (resize_, which keeps the storage
     when it is large enough); for most ops a non-empty one first warns that
     this is deprecated, with PyTorch's message. Factories resize silently
     (arange warns with its own message, at its call site).
  5. The values are copied in; out keeps its own strides.
The result is computed before anything is written, so an `out` that aliases
an input still gets the right values (PyTorch raises for some such overlaps;
never a silently wrong answer here).
"""

from . import _C

def check_out(name, out, inputs=()):
    """Rules 1 and 2 of Note [out= semantics]; call before computing."""
    if not isinstance(out, _C.Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _C.is_grad_enabled() and (out.requires_grad or any(
            isinstance(t, _C.Tensor) and t.requires_grad for t in inputs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")


def write_out(name, result, out, *, warn_resize=True):
    """Rules 3-5 of Note [out= semantics]: writes `result` into `out`."""
    if not _C.can_cast(result.dtype, out.dtype):
        if name in ("cat", "stack"):  # PyTorch's structured cat kernel (stack calls it) says it this way
            raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                            f"{_type_name(out.dtype)}")
        raise RuntimeError(f"result type {_type_name(result.dtype)} can't be cast to the desired output "
                           f"type {_type_name(out.dtype)}")
    _C._resize_output(out, list(result.shape), warn_resize)  # ops/out.h: one resize rule, one warning
    enabled = _C.is_grad_enabled()
    _C._set_grad_enabled(False)
    try:
        out.copy_(result)
    finally:
        _C._set_grad_enabled(enabled)
    return out


def factory_dtype(name, dtype, out):
    """The dtype a factory fills `out` with: out's own, and an explicit dtype=
    must name the same one (RuntimeError as PyTorch)."""
    if dtype is not None and dtype != out.dtype:
        raise RuntimeError(f"dtype {_type_name(dtype)} does not match dtype of out parameter "
                           f"({_type_name(out.dtype)})")
    return out.dtype


def _type_name(dt):
    from ._dtype import SCALAR_TYPE_NAMES
    return SCALAR_TYPE_NAMES[dt.name]
