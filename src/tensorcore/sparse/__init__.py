"""torch.sparse: sparse COO tensors (Note [Sparse COO as a Python subclass] in
_coo.py), their construction, and the dense ops that accept them."""
from .. import _C
from ._coo import SparseCooTensor
from . import _ops

__all__ = ["mm", "sum", "addmm", "spmm", "check_sparse_tensor_invariants"]

_Tensor = _C.Tensor


def _as_tensor(data, dtype=None):
    import tensorcore
    if isinstance(data, _Tensor):
        return data if dtype is None else data.to(dtype)
    return tensorcore.tensor(data, dtype=dtype)


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with `values[k]` at coordinate `indices[:, k]`
    (repeats add up). Indices are always checked against `size` (PyTorch
    skips the check by default and then reads out of bounds)."""
    import tensorcore
    if device is not None and str(device) != "cpu":
        tensorcore.zeros(0, device=device)  # raises what a dense factory raises for that device
    indices = _as_tensor(indices)
    if indices.dtype != tensorcore.int64:
        indices = indices.to(tensorcore.int64)
    values = _as_tensor(values, dtype)
    if indices.dim() != 2:
        # Without invariant checks PyTorch reads a 1-D tensor's length as
        # sparse_dim and first reports the size mismatch that follows.
        if not check_invariants and indices.dim() == 1 and size is not None and len(size) != indices.shape[0]:
            raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                               f"sparse_dim = {indices.shape[0]}, dense_dim = {max(values.dim() - 1, 0)}")
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    if values.dim() == 0:
        values = values.reshape(1)
    nnz, sparse_dim = indices.shape[1], indices.shape[0]
    if values.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {nnz}, "
                           f"nnz from values: {values.shape[0]}")
    idx = indices.detach()
    if size is None:
        sparse_sizes = idx.max(1).values.add(1).tolist() if nnz else [0] * sparse_dim
        size = list(sparse_sizes) + list(values.shape[1:])
    size = [int(n) for n in size]
    dense_dim = values.dim() - 1
    if len(size) != sparse_dim + dense_dim:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                           f"sparse_dim = {sparse_dim}, dense_dim = {dense_dim}")
    if list(values.shape[1:]) != size[sparse_dim:]:
        raise RuntimeError(f"values has incorrect size, expected {[nnz] + size[sparse_dim:]}, "
                           f"got {list(values.shape)}")
    if nnz:
        low, high = idx.min(1).values.tolist(), idx.max(1).values.tolist()
        for d in range(sparse_dim):
            if low[d] < 0:
                raise RuntimeError(f"found negative index {low[d]} for dim {d}")
            if high[d] >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                                   f"index {high[d]}")
    name = None
    if requires_grad:
        if not (values.dtype.is_floating_point or values.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        values = values.detach().requires_grad_()
    elif values.requires_grad:
        name = "SparseCooTensorWithDimsAndTensorsBackward0"
    return SparseCooTensor(indices, values, size, bool(is_coalesced), name)


def _check_sparse(x, op):
    if not isinstance(x, SparseCooTensor):
        raise RuntimeError(f"{op}: expected a sparse COO tensor, got a {type(x).__name__} with layout "
                           f"{getattr(x, 'layout', None)}")


def mm(mat1, mat2, reduce=None):
    """sparse @ dense -> dense (gradients to both the values and the dense
    matrix, grad_fn SparseAddmmBackward0); sparse @ sparse -> sparse."""
    if reduce is not None:
        raise NotImplementedError("torch.sparse.mm(reduce=...): tensorcore has no sparse CSR reductions")
    if not isinstance(mat1, SparseCooTensor):
        import tensorcore
        return tensorcore.mm(mat1, mat2)
    return _ops.sparse_mm(mat1, mat2, "SparseAddmmBackward0")


def spmm(mat1, mat2):
    """torch.spmm: torch.mm for a sparse first operand."""
    import tensorcore
    return tensorcore.mm(mat1, mat2)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2) with mat1 sparse."""
    _check_sparse(mat1, "sparse.addmm")
    return mat * beta + _ops.sparse_mm(mat1, mat2) * alpha


def sum(input, dim=None, dtype=None):  # noqa: A001  (torch.sparse.sum)
    """Sum of all elements (dense 0-dim) or over `dim` (sparse while sparse
    dims remain)."""
    _check_sparse(input, "sparse.sum")
    return _ops.sparse_sum(input, dim, dtype)


class check_sparse_tensor_invariants:
    """Accepted for PyTorch programs; tensorcore always checks a new sparse
    tensor's indices against its size."""

    def __init__(self, enable=True):
        self.enable = enable

    @staticmethod
    def is_enabled():
        return True

    @staticmethod
    def enable():
        pass

    @staticmethod
    def disable():
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn


# Note [Legacy sparse tensor types]
# torch.sparse.FloatTensor(indices, values, size) is how pre-1.0 programs (tkipf/pygcn's
# sparse_mx_to_torch_sparse_tensor and its many forks) build a COO adjacency; PyTorch still
# accepts it with a deprecation warning. Its four forms: () -> an empty 1-D tensor of size (0,);
# (ints...) -> an empty tensor of that size; (indices, values[, size]) -> sparse_coo_tensor of
# them, where values keep their own dtype (FloatTensor(i, double_values) is float64: the type
# names only the empty forms' dtype) and indices must already be int64. Anything else (lists,
# a dtype= keyword) is a TypeError. isinstance(x, torch.sparse.FloatTensor) holds for a sparse
# tensor of that dtype only.
_LEGACY_SPARSE_SIGNATURES = (
    " * (*, torch.device device = None)\n"
    " * (Tensor indices, Tensor values, *, torch.device device = None)\n"
    " * (Tensor indices, Tensor values, tuple of ints size, *, torch.device device = None)\n"
    " * (tuple of ints size, *, torch.device device = None)\n")


_warned_legacy_sparse_forms = set()


def _warn_once(message):
    """PyTorch's TORCH_WARN_ONCE: each deprecated form warns once per process."""
    import warnings
    if message not in _warned_legacy_sparse_forms:
        _warned_legacy_sparse_forms.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _legacy_sparse_arg_name(arg):
    import tensorcore
    if isinstance(arg, tensorcore.Tensor):
        return "Tensor"
    if isinstance(arg, tensorcore.dtype):
        return "torch.dtype"
    return type(arg).__name__


class _LegacySparseTensorType(type):
    """torch.sparse.FloatTensor and friends (Note [Legacy sparse tensor types])."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, SparseCooTensor) and obj.dtype == cls._dtype

    def __call__(cls, *args, device=None, **kwargs):
        import tensorcore
        if device is not None:
            tensorcore.zeros(0, device=device)  # raises what a dense factory raises for that device
        is_int = lambda a: isinstance(a, int) and not isinstance(a, bool)  # noqa: E731
        if len(args) == 1 and isinstance(args[0], tensorcore.Size):
            args = tuple(args[0])
        elif len(args) == 1 and isinstance(args[0], (tuple, list)) and not kwargs:
            raise TypeError("torch.sparse.SparseTensor(sequence) only accepts sizes.  Please use "
                            "torch.sparse_coo_tensor() or construct a strided tensor and convert it to sparse via "
                            "to_sparse.")
        if not kwargs and all(is_int(a) for a in args):
            if args:
                _warn_once("torch.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
                              "torch.sparse_coo_tensor(shape, dtype=, device=).")
                size = list(args)
            else:
                _warn_once("torch.sparse.SparseTensor() is deprecated.  Please use "
                              "torch.sparse_coo_tensor((0,), dtype=).")
                size = [0]
            return sparse_coo_tensor(tensorcore.zeros(len(size), 0, dtype=tensorcore.int64),
                                     tensorcore.zeros(0, dtype=cls._dtype), size)
        if (not kwargs and len(args) in (2, 3) and isinstance(args[0], _Tensor) and isinstance(args[1], _Tensor)
                and (len(args) == 2 or (isinstance(args[2], (tuple, list))
                                        and all(is_int(n) for n in args[2])))):
            indices, values = args[0], args[1]
            shape = "shape, " if len(args) == 3 else ""
            _warn_once(f"torch.sparse.SparseTensor(indices, values, {shape}*, device=) is deprecated.  Please use "
                          f"torch.sparse_coo_tensor(indices, values, {shape}dtype=, device=).")
            if indices.dtype != tensorcore.int64:
                raise RuntimeError("indices must be an int64 tensor")
            return sparse_coo_tensor(indices, values, None if len(args) == 2 else list(args[2]))
        if kwargs:
            # PyTorch's argument parser names the bad keyword itself when only one of the four
            # signatures (max positional, min arguments) could take this many arguments.
            plausible = [1 for max_pos, min_args in ((0, 0), (2, 2), (3, 3), (1, 1))
                         if max_pos >= len(args) and min_args <= len(args) + len(kwargs)]
            if len(plausible) == 1:
                raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
        got = ", ".join([_legacy_sparse_arg_name(a) for a in args]
                        + [f"{k}={_legacy_sparse_arg_name(v)}" for k, v in kwargs.items()])
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + _LEGACY_SPARSE_SIGNATURES)

    def __repr__(cls):
        return f"<class 'torch.sparse.{cls.__name__}'>"


def _legacy_sparse_types():
    import tensorcore
    names = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
             "BFloat16Tensor": "bfloat16", "ByteTensor": "uint8", "CharTensor": "int8", "ShortTensor": "int16",
             "IntTensor": "int32", "LongTensor": "int64"}
    return {name: _LegacySparseTensorType(name, (), {"_dtype": getattr(tensorcore, dt),
                                                     "__module__": "tensorcore.sparse"})
            for name, dt in names.items()}


def __getattr__(name):
    # Built on first use: the dtypes live in the tensorcore namespace, which imports this module.
    types = globals().get("_LEGACY_SPARSE_TYPES")
    if types is None:
        types = globals()["_LEGACY_SPARSE_TYPES"] = _legacy_sparse_types()
    if name in types:
        return types[name]
    raise AttributeError(f"module 'tensorcore.sparse' has no attribute '{name}'")


def _dense_add_sparse_(self, other, alpha):
    """dense.add_(sparse): the entries added in place where they lie."""
    if tuple(self.shape) != tuple(other.shape):
        raise RuntimeError(f"add_: expected 'self' and 'other' to have same size, but self has size "
                           f"{list(self.shape)} but other has size {list(other.shape)} (FYI: op2-sparse addition "
                           "does not currently support broadcasting)")
    vals = other._sp_values if alpha == 1 else other._sp_values * alpha
    if other._nnz():
        self.index_put_(tuple(other._sp_indices), vals.to(self.dtype), accumulate=True)
    return self


def install(Tensor, namespace):
    """Adds the sparse entry points to Tensor and the tensorcore namespace, and
    makes the dense ops that real sparse code passes a sparse tensor to
    (mm/matmul/add with a sparse second operand) see it: the C++ ops would
    read the subclass's placeholder zeros."""
    from .._layout import strided

    Tensor.layout = property(lambda self: strided)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        from .._layout import sparse_coo
        if layout is not None and layout is not sparse_coo and layout is not strided:
            raise RuntimeError(f"to_sparse: tensorcore supports only layout=tensorcore.sparse_coo, not {layout}")
        return _ops.dense_to_sparse(self, sparse_dim)

    def to_dense(self, dtype=None, *, masked_grad=None):
        return self if dtype is None else self.to(dtype)

    Tensor.to_sparse = to_sparse
    Tensor.to_sparse_coo = to_sparse
    Tensor.to_dense = to_dense

    # Lean wrappers (fixed signatures, one class test): they sit on dense hot paths.
    dense_mm, dense_matmul_m, dense_add, dense_sub, dense_add_ = (Tensor.mm, Tensor.matmul, Tensor.add, Tensor.sub,
                                                                  Tensor.add_)

    def mm(self, mat2):
        if mat2.__class__ is SparseCooTensor:
            return _ops.dense_sparse_mm(self, mat2)
        return dense_mm(self, mat2)

    def matmul_method(self, other):
        if other.__class__ is SparseCooTensor:
            return _ops.dense_sparse_mm(self, other)
        return dense_matmul_m(self, other)

    def add(self, other, alpha=1):
        if other.__class__ is SparseCooTensor:
            return _ops.add(self, other, alpha)
        return dense_add(self, other, alpha)

    def sub(self, other, *deprecated_other, alpha=1):
        if deprecated_other:  # sub(Number alpha, Tensor other): the dense method handles it
            return dense_sub(self, other, *deprecated_other, alpha=alpha)
        if other.__class__ is SparseCooTensor:
            return _ops.add(self, other, -alpha)
        return dense_sub(self, other, alpha=alpha)

    def add_(self, other, *deprecated_other, alpha=1):
        if deprecated_other:  # add_(Number alpha, Tensor other): the dense method handles it
            return dense_add_(self, other, *deprecated_other, alpha=alpha)
        if other.__class__ is SparseCooTensor:
            return _dense_add_sparse_(self, other, alpha)
        return dense_add_(self, other, alpha=alpha)

    for f, dense in ((mm, dense_mm), (matmul_method, dense_matmul_m), (add, dense_add), (sub, dense_sub),
                     (add_, dense_add_)):
        f.__name__, f.__doc__ = dense.__name__, dense.__doc__
    Tensor.mm, Tensor.matmul, Tensor.add, Tensor.sub, Tensor.add_ = mm, matmul_method, add, sub, add_

    # torch.matmul stays the C++ function; it hands a call with a sparse operand here.
    def sparse_matmul(input, other, *, out=None):
        result = input.matmul(other) if input.__class__ is SparseCooTensor else _ops.dense_sparse_mm(input, other)
        if out is None:
            return result
        from .._out import check_out, write_out
        check_out("matmul", out, (input, other))
        return write_out("matmul", result, out)
    _C._set_sparse_matmul(sparse_matmul)

    from .._layout import layout, sparse_coo
    namespace.update(spmm=spmm, sparse_coo_tensor=sparse_coo_tensor, layout=layout,
                     strided=strided, sparse_coo=sparse_coo)
