"""PyTorch's grad_fn names for ops tensorcore composes from others
(Note [Composite node names] in csrc/autograd/node.h)."""
import functools

from . import _C


def grad_fn_named(name):
    """Decorator: the result's grad_fn prints as `name` (a string, or a function
    of the call's arguments returning one) instead of the last inner op's."""
    def wrap(fn):
        @functools.wraps(fn)
        def named(*args, **kwargs):
            out = fn(*args, **kwargs)
            first = out[0] if isinstance(out, tuple) else out
            if isinstance(first, _C.Tensor) and first.requires_grad:
                label = name(*args, **kwargs) if callable(name) else name
                if label is not None:  # None: the composite's own name is PyTorch's too
                    inputs = [a for a in list(args) + list(kwargs.values()) if isinstance(a, _C.Tensor)]
                    _C._rename_grad_fn(first, label, inputs)
            return out
        return named
    return wrap


# Note [Reduced-precision node names]
# Several C++ kernels (nll_loss, mse_loss, binary_cross_entropy, layer_norm,
# the convolutions and poolings, ...) run bfloat16/float16 operands in float32
# and cast the result back (ops::widen, then to_dtype), so the result's grad_fn
# is that cast's ToCopyBackward0. PyTorch's kernels take the reduced dtype
# directly, so its grad_fn is the op's own node, the name the float32 path
# gives here. The decorator below renames the cast to the node it wraps.
# (The C++ fix, naming the cast where it is made, would make this a no-op.)
_REDUCED = ("bfloat16", "float16")


def named_through_reduced_cast(fn):
    """Decorator (Note [Reduced-precision node names]): a bfloat16/float16 result whose grad_fn is the
    cast back from the float32 computation prints the float32 computation's node name instead."""
    @functools.wraps(fn)
    def named(*args, **kwargs):
        out = fn(*args, **kwargs)
        first = out[0] if isinstance(out, tuple) else out
        if isinstance(first, _C.Tensor) and first.requires_grad and first.dtype.name in _REDUCED:
            node = first.grad_fn
            if node is not None and node.name() == "ToCopyBackward0":
                inner = node.next_functions[0][0] if node.next_functions else None
                source = args[0] if args and isinstance(args[0], _C.Tensor) else None
                if inner is not None and source is not None and source.dtype == first.dtype:
                    inputs = [a for a in list(args) + list(kwargs.values()) if isinstance(a, _C.Tensor)]
                    _C._rename_grad_fn(first, inner.name(), inputs)
        return out
    return named
