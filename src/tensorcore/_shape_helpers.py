"""Shape and view helpers real programs call: broadcast_to, atleast_Nd,
dstack, hsplit/vsplit/dsplit, split_with_sizes, adjoint/mH, ...

Each is a view or a composition of views and joins already in the core, so
autograd and strides follow from those; PyTorch composes most of them the
same way (atleast_3d is reshapes, hsplit is tensor_split). Installed through
_composites' decorators, like the composites there.
"""
import builtins
import warnings

from . import _C
from ._args import int_arg, shape_args, tensor_arg
from ._composites import _both, _function, _method
from ._naming import grad_fn_named

Tensor = _C.Tensor


@_both
def broadcast_to(input, size):
    return input.expand(shape_args((size,), "broadcast_to"))


@_both
def ravel(input):
    # contiguous() then a view, as PyTorch's (ViewBackward0, not reshape's UnsafeViewBackward0)
    return input.contiguous().view(-1)


@_function
def unflatten(input, dim, sizes):
    return input.unflatten(dim, sizes)


@_function
def swapdims(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def _atleast(nd):
    def reshape(t):
        if t.dim() >= nd:
            return t
        if nd == 1 or t.dim() == 0:
            return t.reshape([1] * nd)
        if nd == 2:  # (N,) -> (1, N)
            return t.unsqueeze(0)
        # nd == 3: (N,) -> (1, N, 1), (M, N) -> (M, N, 1), as numpy
        return t.reshape(1, -1, 1) if t.dim() == 1 else t.unsqueeze(-1)

    def atleast(*tensors):
        name = f"atleast_{nd}d"
        if builtins.len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])  # atleast_2d((a, b)) as atleast_2d(a, b)
            for t in tensors:
                tensor_arg(t, name, "tensors")
            return tuple(reshape(t) for t in tensors)
        for t in tensors:
            tensor_arg(t, name)
        out = tuple(reshape(t) for t in tensors)
        return out[0] if builtins.len(out) == 1 else out
    atleast.__name__ = atleast.__qualname__ = f"atleast_{nd}d"
    return _function(atleast)


atleast_1d = _atleast(1)
atleast_2d = _atleast(2)
atleast_3d = _atleast(3)


@_function
def dstack(tensors):
    from ._functions import _nonempty, _tensor_list
    tensors = _nonempty(_tensor_list(tensors, "dstack"), "dstack")
    return _C.cat([atleast_3d(t) for t in tensors], 2)


@_function
def row_stack(tensors):
    from ._functions import vstack
    return vstack(tensors)


def _directional_split(name, dim, min_dims):
    def split(input, indices_or_sections):
        nd = input.dim()
        if nd < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                               f"with {nd} dimensions!")
        d = 0 if (name == "hsplit" and nd == 1) else dim
        if isinstance(indices_or_sections, int) and not isinstance(indices_or_sections, builtins.bool):
            sections = indices_or_sections
            if sections == 0 or input.shape[d] % sections != 0:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                                   f"dimension {input.shape[d]} is not divisible by the split_size {sections}!")
        from ._composites import tensor_split
        return tensor_split(input, indices_or_sections, d)
    split.__name__ = split.__qualname__ = name
    return _both(split)


hsplit = _directional_split("hsplit", 1, 1)
vsplit = _directional_split("vsplit", 0, 2)
dsplit = _directional_split("dsplit", 2, 3)


@_both
def split_with_sizes(input, split_sizes, dim=0):
    sizes = shape_args((split_sizes,), "split_with_sizes")
    dim = int_arg(dim, "split_with_sizes")
    if input.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    n = builtins.max(input.dim(), 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    dim %= n
    if builtins.sum(sizes) != input.shape[dim]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {input.shape[dim]} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={list(sizes)}")
    return input.split(list(sizes), dim)


# unsafe_* differ from the safe ones only in not marking the pieces as views
# of one base for autograd's in-place checks; the values are the same.
@_both
@grad_fn_named("UnsafeSplitBackward0")
def unsafe_chunk(input, chunks, dim=0):
    return tuple(input.chunk(chunks, dim))


@_both
@grad_fn_named("UnsafeSplitBackward0")
def unsafe_split(input, split_size, dim=0):
    return tuple(input.split(split_size, dim))


@_both
@grad_fn_named("UnsafeSplitWithSizesBackward0")
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim)


@_both
def adjoint(input):
    # the conjugate transpose (conj() returns a real tensor itself)
    if input.dim() == 0:  # PyTorch: deprecated, the identity up to conj()
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return input.conj()
    if input.dim() < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. "
                           f"Got {input.dim()}-D tensor.")
    return input.transpose(-2, -1).conj()


def _mH(self):
    if self.dim() == 0:
        warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return self.conj()
    if self.dim() < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return self.transpose(-2, -1).conj()


def _H(self):
    """The conjugate transpose of a matrix (T alone drops the conj() for complex tensors)."""
    if self.dim() == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return self.conj()
    if self.dim() != 2:
        hint = " For batches of matrices, consider using tensor.mH" if self.dim() > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor.{hint}")
    return self.transpose(0, 1).conj()


Tensor.mH = property(_mH)
Tensor.H = property(_H)


@_both
def is_same_size(input, other):
    tensor_arg(other, "is_same_size", "other", 2)
    return input.shape == other.shape


@_both
def is_signed(input):
    return input.dtype.name not in ("uint8", "bool")


@_method
def is_nonzero(self):
    from ._functions import is_nonzero as fn
    return fn(self)


@_function
def is_inference(input):
    return input.is_inference()


# is_conj / is_neg / resolve_conj / resolve_neg: tensorcore/_complex.py.


@_method
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    from ._functions import empty_strided
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype, layout=layout,
                         device=self.device if device is None else device, requires_grad=requires_grad)
