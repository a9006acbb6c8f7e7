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
