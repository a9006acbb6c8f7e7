"""In-place Tensor methods written in Python: how they keep autograd right.

Note [Python in-place ops record history]
An in-place op composed in Python (masked_fill_, scatter_, index_add_, ...)
computes its result out of place and writes it into self. Computing under
no_grad() and copying back (as some once did) loses the gradient: self keeps a
history that no longer describes its values, so backward silently passes the
gradient through filled positions, or drops what reaches the other operands.
write_inplace() computes from a snapshot of self that carries self's history
(the op's node may save it; self is about to change), writes the values without
recording, and moves the result's history onto self (rebase_history: views get
CopySlices), after PyTorch's checks for leaves and views of leaves. This is
exactly what the C++ in-place ops do (csrc/autograd/inplace.h).
"""
from . import _C


def write_inplace(self, name, compute, *others):
    """self <- compute(source), where source holds self's values; returns self.

    `others` are the op's other tensor operands (their requires_grad decides
    whether autograd records, as for self)."""
    from .autograd import no_grad
    tracked = _C.is_grad_enabled() and (
        self.requires_grad or any(isinstance(o, _C.Tensor) and o.requires_grad for o in others))
    if not tracked:
        with no_grad():
            return _C.copy_(self, compute(self))
    self._check_inplace(name, others_require_grad=not self.requires_grad)
    result = compute(self._snapshot_for_inplace())
    with no_grad():
        _C.copy_(self, result)
    if result.grad_fn is not None:
        self._rebase_history(result)
    return self
