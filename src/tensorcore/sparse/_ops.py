"""Sparse COO math on the dense kernels: construction checks, coalesce, to_dense,
matrix products, sums, add/mul. Gradients reach the values through
differentiable dense ops or the autograd.Functions here, whose node names are
PyTorch's (Note [Sparse COO as a Python subclass] in _coo.py)."""
import builtins
import numbers

from .. import _C
from ..autograd import Function
from ._coo import SparseCooTensor, unsupported

_Tensor = _C.Tensor


def _tc():
    import tensorcore
    return tensorcore


def linear_keys(indices, sizes):
    """Row-major position of each coordinate among the sparse dims (int64)."""
    key = indices[0].clone()
    for d in range(1, indices.shape[0]):
        key = key * int(sizes[d]) + indices[d]
    return key


def _unique_sorted(indices, sizes):
    """(perm, first, group): the stable order sorting the coordinates, a bool
    mask of the first of each run of equal coordinates (in sorted order), and
    each sorted entry's run number."""
    tc = _tc()
    key = linear_keys(indices, sizes)
    skey, perm = tc.sort(key, stable=True)
    first = tc.ones(skey.shape[0], dtype=tc.bool)
    if skey.shape[0] > 1:
        first[1:] = skey[1:] != skey[:-1]
    group = first.long().cumsum(0) - 1
    return perm, first, group


def coalesce(s):
    """Coordinates sorted and unique, repeats summed (CoalesceBackward0)."""
    if s._sp_coalesced:
        return s
    tc = _tc()
    idx, vals = s._sp_indices, s._sp_values
    nnz = idx.shape[1]
    if nnz == 0:
        return SparseCooTensor(idx, vals, s.shape, True, "CoalesceBackward0")
    perm, first, group = _unique_sorted(idx, s.shape)
    sorted_idx = idx.index_select(1, perm)
    new_idx = sorted_idx[:, first]
    n = new_idx.shape[1]
    new_vals = tc.zeros((n,) + tuple(vals.shape[1:]), dtype=vals.dtype).index_add(0, group, vals.index_select(0, perm))
    return SparseCooTensor(new_idx, new_vals, s.shape, True, "CoalesceBackward0")


def first_of_each(indices, values, sizes):
    """Sorted unique coordinates and the row of `values` at the first entry of
    each (the gradient of a sparse leaf: see SparseCooTensor.grad)."""
    if indices.shape[1] == 0:
        return indices, values
    perm, first, _ = _unique_sorted(indices, sizes)
    keep = perm[first]
    return indices.index_select(1, keep), values.index_select(0, keep)


class ToDense(Function):
    """The dense tensor: entries scattered with repeats added."""
    _node_name = "ToDenseBackward0"

    @staticmethod
    def forward(ctx, values, indices, size):
        tc = _tc()
        ctx.save_for_backward(indices)
        out = tc.zeros(size, dtype=values.dtype)
        if indices.shape[1]:
            out.index_put_(tuple(indices), values, accumulate=True)
        return out

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        return grad[tuple(indices)], None, None


def to_dense(indices, values, size):
    return ToDense.apply(values, indices, tuple(size))


def dense_to_sparse(x, sparse_dim=None):
    """Tensor.to_sparse(): the nonzero coordinates in row-major order."""
    tc = _tc()
    if sparse_dim is None:
        sparse_dim = x.dim()
    if not 0 <= sparse_dim <= x.dim():
        raise RuntimeError(f"sparse_dim must be in [0, {x.dim()}], but got {sparse_dim}")
    if sparse_dim == 0:
        return SparseCooTensor(tc.zeros((0, 1), dtype=tc.int64), x.unsqueeze(0), x.shape, True)
    d = x.detach()
    nz = d != 0
    if sparse_dim < x.dim():
        nz = nz.flatten(sparse_dim).any(-1)
    idx = nz.nonzero().t().contiguous()
    values = x[tuple(idx)]
    return SparseCooTensor(idx, values, x.shape, True, "ToSparseBackward1")


class _SparseDenseMM(Function):
    """sparse [m, k] @ dense [k, n] from the coordinates: each entry adds
    value * dense row `col` into output row `row` (index_add)."""

    @staticmethod
    def forward(ctx, values, indices, dense, m, owner=None):
        tc = _tc()
        rows, cols = indices[0], indices[1]
        ctx.owner = owner
        ctx.save_for_backward(values, indices, dense)
        out = tc.zeros((m, dense.shape[1]), dtype=dense.dtype)
        if rows.shape[0]:
            out.index_add_(0, rows, values.unsqueeze(1) * dense.index_select(0, cols))
        return out

    @staticmethod
    def backward(ctx, grad):
        tc = _tc()
        values, indices, dense = ctx.saved_tensors
        rows, cols = indices[0], indices[1]
        g_rows = grad.index_select(0, rows)
        g_values = g_dense = None
        if ctx.needs_input_grad[0]:
            g_values = (g_rows * dense.index_select(0, cols)).sum(1)
        if ctx.needs_input_grad[2]:
            g_dense = tc.zeros_like(dense).index_add(0, cols, values.unsqueeze(1) * g_rows)
        if ctx.owner is not None:
            # torch.mm's gradient for a sparse leaf is the dense product
            # grad @ dense^T (SparseCooTensor.grad), not only its entries.
            full = grad.mm(dense.t())
            prev = ctx.owner._sp_full_grad
            ctx.owner.__dict__["_sp_full_grad"] = full if prev is None else prev + full
        return g_values, None, g_dense, None, None


class _SparseAddmm(_SparseDenseMM):
    _node_name = "SparseAddmmBackward0"


class _Mm(_SparseDenseMM):
    _node_name = "MmBackward0"


def sparse_mm(s, dense, node="SparseAddmmBackward0"):
    """sparse @ dense -> dense (torch.sparse.mm, torch.mm, torch.matmul, `@`)."""
    if isinstance(dense, SparseCooTensor):
        return sparse_sparse_mm(s, dense)
    if not isinstance(dense, _Tensor):
        raise TypeError(f"mm(): argument 'mat2' must be Tensor, not {type(dense).__name__}")
    if s.sparse_dim() != 2 or s.dense_dim() != 0:
        raise RuntimeError(f"addmm: matrices expected, got {s.dim()}D tensor")
    vector = dense.dim() == 1
    if vector:
        dense = dense.unsqueeze(1)
    if dense.dim() != 2:
        raise RuntimeError(f"addmm: matrices expected, got {dense.dim()}D tensor")
    if dense.dtype != s.dtype:
        raise RuntimeError(f"expected scalar type {_c_name(s.dtype)} but found {_c_name(dense.dtype)}")
    if dense.shape[0] != s.shape[1]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {s.shape[1]}, got {dense.shape[0]}")
    if node == "MmBackward0":
        owner = s if s.requires_grad and s.is_leaf else None
        out = _Mm.apply(s._sp_values, s._sp_indices, dense, s.shape[0], owner)
    else:
        out = _SparseAddmm.apply(s._sp_values, s._sp_indices, dense, s.shape[0])
    return out.squeeze(1) if vector else out


def sparse_sparse_mm(a, b):
    """sparse @ sparse -> sparse, through the dense product of a with b's dense
    form (coalesced result: PyTorch's nonzero pattern of the product)."""
    dense = sparse_mm(a, b.to_dense())
    return dense_to_sparse(dense)


def dense_sparse_mm(dense, s):
    """dense @ sparse -> dense, as (s^T @ dense^T)^T."""
    if dense.dim() == 1:
        return sparse_mm(s.t(), dense, "MmBackward0")
    return sparse_mm(s.t(), dense.t(), "MmBackward0").t()


def _c_name(dtype):
    from .._dtype import SCALAR_TYPE_NAMES
    return SCALAR_TYPE_NAMES.get(dtype.name, dtype.name)


def transpose(s, dim0, dim1):
    nd = s.dim()
    dim0, dim1 = dim0 % nd if nd else 0, dim1 % nd if nd else 0
    sd = s.sparse_dim()
    if dim0 == dim1:
        return s
    if (dim0 < sd) != (dim1 < sd):
        raise RuntimeError("transpose(): can't transpose sparse and dense dimensions "
                           f"of a sparse tensor: sparse_dim={sd}, dense_dim={s.dense_dim()}")
    shape = list(s.shape)
    shape[dim0], shape[dim1] = shape[dim1], shape[dim0]
    if dim0 < sd:
        order = list(range(sd))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        tc = _tc()
        idx = s._sp_indices.index_select(0, tc.tensor(order))
        return SparseCooTensor(idx, s._sp_values, shape, False, "TransposeBackward0")
    return SparseCooTensor(s._sp_indices, s._sp_values.transpose(dim0 - sd + 1, dim1 - sd + 1), shape,
                           s._sp_coalesced, "TransposeBackward0")


def sparse_sum(s, dim=None, dtype=None):
    """torch.sparse.sum: all elements (a dense 0-dim tensor), or over `dim`: a
    sparse tensor while sparse dims remain, else dense."""
    vals = s._sp_values if dtype is None else s._sp_values.to(dtype)
    if dim is None:
        return vals.sum()
    dims = [dim] if isinstance(dim, numbers.Integral) else list(dim)
    nd = s.dim()
    norm = set()
    for d in dims:
        if not -nd <= d < builtins.max(nd, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
        d = d % nd
        if d in norm:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        norm.add(d)
    sd = s.sparse_dim()
    dense_dims = sorted(d - sd + 1 for d in norm if d >= sd)
    if dense_dims:
        vals = vals.sum(dense_dims)
    keep = [d for d in range(sd) if d not in norm]
    if not keep:
        return vals.sum(0)
    tc = _tc()
    idx = s._sp_indices.index_select(0, tc.tensor(keep))
    shape = [s.shape[d] for d in range(nd) if d not in norm]
    out = coalesce(SparseCooTensor(idx, vals, shape, False))
    out.__dict__["_sp_grad_fn_name"] = "SparseSumBackward0"
    return out


def _merge(a, b, alpha):
    """a + alpha * b, both sparse: PyTorch's CPU kernel walks the two entry
    lists as sorted sequences, taking the smaller coordinate and summing equal
    ones (for uncoalesced inputs the result keeps that walk's order)."""
    tc = _tc()
    ka = linear_keys(a._sp_indices, a.shape).tolist() if a._nnz() else []
    kb = linear_keys(b._sp_indices, b.shape).tolist() if b._nnz() else []
    src_a, src_b, dst_a, dst_b = [], [], [], []
    i = j = n = 0
    while i < len(ka) or j < len(kb):
        if j >= len(kb) or (i < len(ka) and ka[i] < kb[j]):
            src_a.append(i), dst_a.append(n)
            i += 1
        elif i >= len(ka) or kb[j] < ka[i]:
            src_b.append(j), dst_b.append(n)
            j += 1
        else:
            src_a.append(i), dst_a.append(n), src_b.append(j), dst_b.append(n)
            i += 1
            j += 1
        n += 1
    va, vb = a._sp_values, b._sp_values
    dtype = tc.promote_types(va.dtype, vb.dtype)
    idx = tc.zeros((a.sparse_dim(), n), dtype=tc.int64)
    vals = tc.zeros((n,) + tuple(va.shape[1:]), dtype=dtype)
    if src_a:
        ia, da = tc.tensor(src_a), tc.tensor(dst_a)
        idx[:, da] = a._sp_indices[:, ia]
        vals = vals.index_add(0, da, va.index_select(0, ia).to(dtype))
    if src_b:
        ib, db = tc.tensor(src_b), tc.tensor(dst_b)
        idx[:, db] = b._sp_indices[:, ib]
        vb = vb.index_select(0, ib).to(dtype)
        vals = vals.index_add(0, db, vb if alpha == 1 else vb * alpha)
    return SparseCooTensor(idx, vals, a.shape, a._sp_coalesced and b._sp_coalesced, "AddBackward0")


def add(a, b, alpha):
    """a + alpha * b where at least one is sparse."""
    a_sp, b_sp = isinstance(a, SparseCooTensor), isinstance(b, SparseCooTensor)
    if a_sp and b_sp:
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"add: expected sizes of 'self' and 'other' to match, but {list(a.shape)} != "
                               f"{list(b.shape)}")
        if a.sparse_dim() != b.sparse_dim():
            raise RuntimeError(f"add: expected 'self' and 'other' to have same sparse dimensions, but got "
                               f"{a.sparse_dim()} and {b.sparse_dim()}")
        return _merge(a, b, alpha)
    if a_sp:
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    if not isinstance(a, _Tensor):
        raise TypeError(f"unsupported operand type(s) for +: '{type(a).__name__}' and 'Tensor'")
    # dense + alpha * sparse: a dense result of a's shape.
    if tuple(a.shape) != tuple(b.shape):
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size {list(a.shape)} "
                           f"but other has size {list(b.shape)} (FYI: op2-sparse addition does not currently "
                           "support broadcasting)")
    other = b.to_dense()
    return a + (other if alpha == 1 else other * alpha)


def mul(s, other):
    """sparse * scalar, or sparse * dense of the same shape (sparse result)."""
    if isinstance(other, (numbers.Number, bool)) or (isinstance(other, _Tensor) and not
                                                     isinstance(other, SparseCooTensor) and other.dim() == 0):
        return SparseCooTensor(s._sp_indices, s._sp_values * other, s.shape, s._sp_coalesced, "MulBackward0")
    if isinstance(other, SparseCooTensor):
        # Intersection of two patterns: the product is zero outside a's pattern.
        c = coalesce(s)
        return mul(c, other.to_dense())
    if isinstance(other, _Tensor):
        if tuple(other.shape) != tuple(s.shape):
            raise RuntimeError(f"mul: expected 'self' and 'other' to have same size, but {list(s.shape)} != "
                               f"{list(other.shape)}")
        picked = other[tuple(s._sp_indices)]
        return SparseCooTensor(s._sp_indices, s._sp_values * picked, s.shape, s._sp_coalesced, "MulBackward0")
    return NotImplemented


def div(s, other, rounding_mode=None):
    if isinstance(other, (numbers.Number, bool)) or (isinstance(other, _Tensor) and not
                                                     isinstance(other, SparseCooTensor) and other.dim() == 0):
        vals = s._sp_values.div(other, rounding_mode=rounding_mode)
        return SparseCooTensor(s._sp_indices, vals, s.shape, s._sp_coalesced, "DivBackward0")
    raise unsupported("div.Tensor")


def _check_dim(s, dim, op):
    nd = s.dim()
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return dim % nd


def select(s, dim, index):
    """The slice at `index` along `dim`: entries on it, that coordinate dropped
    (a dense dim: selected in the values)."""
    dim = _check_dim(s, dim, "select")
    n = s.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(s.shape)} at dimension {dim}")
    index %= n
    sd = s.sparse_dim()
    shape = [m for d, m in enumerate(s.shape) if d != dim]
    if dim >= sd:
        return SparseCooTensor(s._sp_indices, s._sp_values.select(dim - sd + 1, index), shape, False, "SelectBackward0")
    tc = _tc()
    keep = (s._sp_indices[dim] == index).nonzero().reshape(-1)
    rows = tc.tensor([d for d in range(sd) if d != dim], dtype=tc.int64)
    idx = s._sp_indices.index_select(1, keep).index_select(0, rows)
    return SparseCooTensor(idx, s._sp_values.index_select(0, keep), shape, False, "SelectBackward0")


def index_select(s, dim, index):
    """Entries whose coordinate along `dim` is in `index`, renumbered by their
    position there; ordered by that position, then by entry (PyTorch's order)."""
    dim = _check_dim(s, dim, "index_select")
    sd = s.sparse_dim()
    shape = list(s.shape)
    shape[dim] = index.numel()
    if dim >= sd:
        return SparseCooTensor(s._sp_indices, s._sp_values.index_select(dim - sd + 1, index), shape, False,
                               "IndexSelectBackward0")
    pos, entry = (s._sp_indices[dim].unsqueeze(0) == index.reshape(-1, 1)).nonzero().unbind(1)
    idx = s._sp_indices.index_select(1, entry)
    idx[dim] = pos
    return SparseCooTensor(idx, s._sp_values.index_select(0, entry), shape, False, "IndexSelectBackward0")
