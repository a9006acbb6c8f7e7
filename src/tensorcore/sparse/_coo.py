"""The sparse COO tensor: a Tensor subclass holding `indices` and `values`.

Note [Sparse COO as a Python subclass]
The C++ TensorImpl has no layout field, so a sparse tensor is a Python
subclass of Tensor (isinstance(s, Tensor) holds, as in PyTorch) whose C++ part
is a zero-strided view of one zero of its dtype, expanded to its size: shape,
dtype, device, dim() and numel() come from it for free and it costs no memory.
What the tensor means lives in two dense tensors:

  _sp_indices  int64 [sparse_dim, nnz]     coordinates of each stored entry
  _sp_values   [nnz, *dense_sizes]         the entries (may repeat coordinates
                                           until coalesced; repeats add up)

Autograd runs through `_sp_values`: every sparse op builds its result from
the values with differentiable dense ops (or an autograd.Function in
_autograd.py), so gradients reach the values a sparse tensor was built from.
A sparse tensor created with requires_grad=True is a leaf whose values are a
leaf; its `.grad` is read back as a sparse tensor (see `grad` below).

Every Tensor method that this class does not define raises PyTorch's
NotImplementedError for the SparseCPU backend, so nothing silently computes
on the placeholder zeros (`__getattribute__`). Free functions of `tensorcore`
implemented in C++ cannot see the subclass; the ones real sparse code calls
(mm, matmul, spmm, add, sparse.*) are made sparse-aware in __init__.py, and
any other that reaches the placeholder's elements raises NotImplementedError
in C++ (Note [Placeholder storage], core/storage.h).
"""
from .. import _C
from .._layout import sparse_coo

_Tensor = _C.Tensor

# Tensor attributes that mean the same for a sparse tensor: they read only the
# placeholder's metadata (shape, dtype, device), never its elements.
_METADATA = frozenset((
    "shape", "dtype", "device", "size", "dim", "ndim", "ndimension", "numel", "nelement", "is_cuda", "is_cpu",
    "is_meta", "get_device", "element_size", "is_floating_point", "is_complex", "is_signed", "__len__", "is_nested",
    "is_quantized", "is_mkldnn", "is_sparse_csr", "is_mps", "is_xpu", "is_xla", "is_mtia", "is_vulkan", "is_ipu",
    "is_inference", "_version", "names", "__class__", "__dict__", "__module__", "__doc__",
    "__sizeof__", "__hash__", "__weakref__", "__init_subclass__", "__subclasshook__", "__format__", "__dir__",
    "__getstate__", "__setstate__", "__ne__", "__init__", "__new__", "__setattr__", "__delattr__",
    "__getattribute__", "__class_getitem__", "__array_priority__", "__bool__", "__index__", "__int__", "__float__",
))

# ATen operator names for the methods whose overload PyTorch's message names.
_ATEN_NAMES = {"mean": "mean.dim", "eq": "eq.Tensor", "ne": "ne.Tensor", "lt": "lt.Tensor", "le": "le.Tensor",
               "gt": "gt.Tensor", "ge": "ge.Tensor", "narrow": "as_strided", "__eq__": "eq.Tensor",
               "__lt__": "lt.Tensor", "__le__": "le.Tensor", "__gt__": "gt.Tensor", "__ge__": "ge.Tensor"}

# Messages PyTorch raises for methods whose sparse kernel reports its own error.
_OWN_ERRORS = {
    "reshape": (RuntimeError, "reshape is not implemented for sparse tensors"),
    "flatten": (RuntimeError, "reshape is not implemented for sparse tensors"),
    "expand": (RuntimeError, "expand is unsupported for Sparse tensors"),
    "contiguous": (RuntimeError, "unsupported memory format option Contiguous"),
    "numpy": (TypeError, "can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first."),
    "data_ptr": (RuntimeError, "Cannot access data pointer of Tensor that doesn't have storage"),
    "tolist": (RuntimeError, "Cannot access data pointer of Tensor that doesn't have storage"),
    "untyped_storage": (NotImplementedError, "Cannot access storage of SparseTensorImpl"),
    "storage": (NotImplementedError, "Cannot access storage of SparseTensorImpl"),
}


def unsupported(name):
    """The exception PyTorch raises when `name` has no SparseCPU kernel."""
    if name in _OWN_ERRORS:
        kind, msg = _OWN_ERRORS[name]
        return kind(msg)
    op = "aten::" + _ATEN_NAMES.get(name, name.strip("_") if name.startswith("__") else name)
    return NotImplementedError(
        f"Could not run '{op}' with arguments from the 'SparseCPU' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using "
        f"custom build). tensorcore implements only part of PyTorch's sparse COO operators; convert with "
        f".to_dense() first.")


class SparseCooTensor(_Tensor):
    """A sparse COO tensor (Note [Sparse COO as a Python subclass]). Build it
    with tensorcore.sparse_coo_tensor or Tensor.to_sparse(); type(s) is this
    subclass, isinstance(s, Tensor) holds."""

    def __init__(self, indices, values, size, coalesced=False, grad_fn_name=None):
        super().__init__(values.new_zeros(()).expand(list(size)), _detach=True)
        _Tensor._mark_placeholder(self)  # Note [Placeholder storage]: no kernel may read these zeros
        d = object.__getattribute__(self, "__dict__")
        d["_sp_indices"] = indices
        d["_sp_values"] = values
        d["_sp_coalesced"] = bool(coalesced)
        # The node name PyTorch prints for a non-leaf sparse result (its
        # values' own node is a dense op's); see __repr__.
        d["_sp_grad_fn_name"] = grad_fn_name
        d["_sp_full_grad"] = None  # torch.mm's dense gradient of a leaf (see grad)

    def __getattribute__(self, name):
        if name in _OWN or name in _METADATA or name.startswith("_sp_"):
            return object.__getattribute__(self, name)
        if hasattr(_Tensor, name):
            raise unsupported(name)
        return object.__getattribute__(self, name)

    # ---- structure ----
    is_sparse = property(lambda self: True)
    layout = property(lambda self: sparse_coo)

    def _nnz(self):
        return self._sp_indices.shape[1]

    def sparse_dim(self):
        return self._sp_indices.shape[0]

    def dense_dim(self):
        return self._sp_values.dim() - 1

    def is_coalesced(self):
        return self._sp_coalesced

    def _indices(self):
        return self._sp_indices

    def _values(self):
        return self._sp_values

    def indices(self):
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._sp_indices.detach()

    def values(self):
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._sp_values

    def _coalesced_(self, flag):
        self.__dict__["_sp_coalesced"] = bool(flag)
        return self

    def stride(self, dim=None):
        raise RuntimeError("Sparse tensors do not have strides")

    def is_contiguous(self, memory_format=None):
        return False

    def __iter__(self):
        raise unsupported("unbind")

    def __getitem__(self, key):
        import numbers
        if isinstance(key, numbers.Integral) and not isinstance(key, bool):
            return self.select(0, key)
        raise unsupported("as_strided")  # PyTorch's slicing path has no sparse kernel

    def select(self, dim, index):
        from ._ops import select
        return select(self, dim, index)

    def index_select(self, dim, index):
        from ._ops import index_select
        return index_select(self, dim, index)

    def __setitem__(self, key, value):
        raise unsupported("index_put_")

    def __array__(self, dtype=None, copy=None):
        raise unsupported("numpy")

    # ---- autograd ----
    @property
    def requires_grad(self):
        return self._sp_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        v = self._sp_values
        if not v.is_leaf:
            v.requires_grad_(requires_grad)  # raises PyTorch's non-leaf message
        # The values may be shared with the tensor the user passed; give this
        # leaf values of its own so their grad is its grad.
        if requires_grad != v.requires_grad:
            v = v.detach().requires_grad_(requires_grad)
            self.__dict__["_sp_values"] = v
        return self

    @property
    def is_leaf(self):
        return self._sp_values.is_leaf

    @property
    def grad_fn(self):
        return self._sp_values.grad_fn

    @property
    def grad(self):
        """A leaf's gradient. Every stored entry at one coordinate has the
        same gradient (the gradient of that element of the dense tensor), so
        the sparse gradient keeps each coordinate once, as PyTorch's does.
        After torch.mm / `@`, PyTorch's gradient is dense (grad @ dense^T at
        every element), and so is this."""
        full = self._sp_full_grad
        if full is not None:
            return full
        g = self._sp_values.grad
        if g is None:
            return None
        from ._ops import first_of_each
        idx, vals = first_of_each(self._sp_indices, g, self.shape)
        return SparseCooTensor(idx, vals, self.shape, coalesced=False)

    @grad.setter
    def grad(self, value):
        if value is not None:
            raise RuntimeError("tensorcore: assigning .grad of a sparse tensor is not supported")
        self._sp_values.grad = None
        self.__dict__["_sp_full_grad"] = None

    def detach_(self):
        self.__dict__["_sp_values"] = self._sp_values.detach()
        return self

    def zero_(self):
        """No entries left (PyTorch's sparse zero_ keeps the size, nnz 0)."""
        d = self.__dict__
        d["_sp_indices"] = d["_sp_indices"][:, :0]
        d["_sp_values"] = d["_sp_values"][:0].detach()
        d["_sp_coalesced"] = True
        return self

    def detach(self):
        return SparseCooTensor(self._sp_indices, self._sp_values.detach(), self.shape, self._sp_coalesced)

    def clone(self, *, memory_format=None):
        return SparseCooTensor(self._sp_indices.clone(), self._sp_values.clone(), self.shape, self._sp_coalesced,
                               "CloneBackward0")

    def __reduce_ex__(self, protocol):
        # pickle / multiprocessing: the parts, not the placeholder (torch.save
        # writes PyTorch's _rebuild_sparse_tensor form, _torch_pickle.py).
        return (_rebuild, (self._sp_indices, self._sp_values.detach(), tuple(self.shape), self._sp_coalesced,
                           self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = SparseCooTensor(self._sp_indices.clone(), self._sp_values.detach().clone(), self.shape,
                              self._sp_coalesced)
        if self.requires_grad:
            out.requires_grad_()
        memo[id(self)] = out
        return out

    # ---- dtype / device ----
    def to(self, *args, **kwargs):
        values = self._sp_values.to(*args, **kwargs)
        if values is self._sp_values:
            return self
        return SparseCooTensor(self._sp_indices, values, self.shape, self._sp_coalesced, "ToCopyBackward0")

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            name = self.dtype.name
            return "torch.sparse." + {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
                                      "int32": "IntTensor", "bool": "BoolTensor", "uint8": "ByteTensor",
                                      "int8": "CharTensor", "int16": "ShortTensor", "float16": "HalfTensor",
                                      "bfloat16": "BFloat16Tensor"}.get(name, name)
        return self.to(dtype)

    def cpu(self, memory_format=None):
        return self

    def _cast(name):
        def cast(self, memory_format=None):
            from .. import _dtype
            return self.to(getattr(_dtype, name))
        cast.__name__ = name
        return cast

    float, double, long, int, bool = (_cast("float32"), _cast("float64"), _cast("int64"), _cast("int32"),
                                      _cast("bool_"))
    half, bfloat16, byte, char, short = (_cast("float16"), _cast("bfloat16"), _cast("uint8"), _cast("int8"),
                                         _cast("int16"))
    del _cast

    # ---- conversions ----
    def to_dense(self, dtype=None, *, masked_grad=None):
        from ._ops import ToDense
        out = ToDense.apply(self._sp_values, self._sp_indices, tuple(self.shape))
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is not None and layout is not sparse_coo:
            raise RuntimeError(f"to_sparse: tensorcore supports only layout=tensorcore.sparse_coo, not {layout}")
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument !=self.sparse_dim()"
                               " is not supported")
        return self

    def coalesce(self):
        from ._ops import coalesce
        return coalesce(self)

    # ---- math ----
    def t(self):
        sd, dd = self.sparse_dim(), self.dense_dim()
        if sd > 2 or dd != 0:
            raise RuntimeError(f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got {sd} sparse "
                               f"and {dd} dense dimensions")
        return self if sd < 2 else self.transpose(0, 1)

    def transpose(self, dim0, dim1):
        from ._ops import transpose
        return transpose(self, dim0, dim1)

    def sum(self, dim=None, keepdim=False, dtype=None):
        from ._ops import sparse_sum
        if keepdim:
            raise unsupported("sum.dim_IntList")
        return sparse_sum(self, dim, dtype)

    def mm(self, mat2):
        from ._ops import sparse_mm
        return sparse_mm(self, mat2, "MmBackward0")

    def matmul(self, other):
        from ._ops import sparse_mm
        return sparse_mm(self, other, "MmBackward0")

    def __matmul__(self, other):
        return self.matmul(other)

    def __rmatmul__(self, other):
        from ._ops import dense_sparse_mm
        return dense_sparse_mm(other, self)

    def add(self, other, *, alpha=1):
        from ._ops import add
        return add(self, other, alpha)

    def sub(self, other, *, alpha=1):
        from ._ops import add
        return add(self, other, -alpha)

    def __add__(self, other):
        return self.add(other)

    def __radd__(self, other):
        from ._ops import add
        return add(other, self, 1)

    def __sub__(self, other):
        return self.sub(other)

    def __rsub__(self, other):
        from ._ops import add
        return add(other, self, -1)

    def mul(self, other):
        from ._ops import mul
        return mul(self, other)

    __mul__ = mul

    def __rmul__(self, other):
        from ._ops import mul
        return mul(self, other)

    def _assign(self, other):
        """In-place ops: this tensor takes `other`'s entries (PyTorch's sparse
        in-place kernels also replace the indices and values)."""
        d = self.__dict__
        d["_sp_indices"], d["_sp_values"], d["_sp_coalesced"] = other._sp_indices, other._sp_values, other._sp_coalesced
        return self

    def mul_(self, other):
        from ._ops import mul
        return self._assign(mul(self, other))

    def add_(self, other, *, alpha=1):
        from ._ops import add
        return self._assign(add(self, other, alpha))

    def sub_(self, other, *, alpha=1):
        from ._ops import add
        return self._assign(add(self, other, -alpha))

    def div(self, other, *, rounding_mode=None):
        from ._ops import div
        return div(self, other, rounding_mode)

    __truediv__ = div

    def neg(self):
        return SparseCooTensor(self._sp_indices, -self._sp_values, self.shape, self._sp_coalesced, "NegBackward0")

    __neg__ = neg

    def __eq__(self, other):
        raise unsupported("__eq__")

    def __ne__(self, other):
        raise unsupported("ne")

    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    __hash__ = _Tensor.__hash__

    def __repr__(self, *, tensor_contents=None):
        from ._format import sparse_repr
        return sparse_repr(self)

    __str__ = __repr__


def _rebuild(indices, values, size, coalesced, requires_grad):
    out = SparseCooTensor(indices, values, size, coalesced)
    return out.requires_grad_() if requires_grad else out


def _values_op(name, coalesce_first):
    """A method applying the dense op `name` to the values: PyTorch's sparse
    kernels for ops with f(0) == 0. A non-linear one first sums repeated
    coordinates (f(a) + f(b) != f(a + b)), so its result is coalesced."""
    def method(self, *args, **kwargs):
        from ._ops import coalesce
        src = coalesce(self) if coalesce_first else self
        values = getattr(src._sp_values, name)(*args, **kwargs)
        return SparseCooTensor(src._sp_indices, values, self.shape, src._sp_coalesced)
    method.__name__ = name
    return method


# Zero-preserving elementwise ops PyTorch runs on sparse COO tensors (checked
# against torch 2.13; exp, log, cos, sigmoid... are not among them and raise).
for _name in ("relu", "abs", "sqrt", "sin", "tan", "tanh", "asin", "atan", "sinh", "asinh", "atanh", "expm1",
              "log1p", "sign", "sgn", "trunc", "floor", "ceil", "round", "frac", "square", "erf", "erfinv",
              "deg2rad", "rad2deg", "nan_to_num", "signbit", "isnan", "isinf", "pow"):
    if hasattr(_Tensor, _name):
        setattr(SparseCooTensor, _name, _values_op(_name, True))
for _name in ("positive", "conj"):
    if hasattr(_Tensor, _name):
        setattr(SparseCooTensor, _name, _values_op(_name, False))
SparseCooTensor.__abs__ = SparseCooTensor.abs
SparseCooTensor.__pow__ = SparseCooTensor.pow

# Names this class answers itself (methods and properties above): everything
# else that Tensor has raises (see __getattribute__).
_OWN = frozenset(n for n in SparseCooTensor.__dict__) | {"__class__", "__dict__"}
