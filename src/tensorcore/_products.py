"""Products and distances built on matmul: baddbmm/addbmm/addmv/addr (the
beta * input + alpha * product family), inner, vdot, tensordot, block_diag,
cartesian_prod, combinations, cdist, cov, corrcoef.

All are compositions of differentiable core ops (PyTorch composes tensordot,
inner, cdist's matmul path, cov and corrcoef the same way); grad_fn names are
PyTorch's where it has a node of its own.
"""
import builtins
import itertools
import math
import warnings

from . import _C
from ._args import tensor_arg
from ._composites import _both, _function, _method
from ._dtype import CPP_TYPE_NAMES as _CPP_NAMES, SCALAR_TYPE_NAMES as _TYPE_NAMES
from ._dtype_refusals import kernel_not_implemented
from ._inplace import write_inplace
from ._naming import grad_fn_named
from ._out import check_out, write_out

Tensor = _C.Tensor


def _type_name(t):
    return _TYPE_NAMES[t.dtype.name]


def _scaled_sum(input, product, beta, alpha):
    """beta * input + alpha * product in product's shape, as PyTorch's
    addmm-family kernels: integer results truncate beta and alpha to ints, and
    beta == 0 ignores input's values (NaN and inf included) while still giving
    input a (zero) gradient."""
    dt = product.dtype
    if dt.name == "bool":
        beta, alpha = builtins.bool(beta), builtins.bool(alpha)
    elif not (dt.is_floating_point or dt.is_complex):  # (a complex result keeps 0.5: it is no integer)
        beta, alpha = builtins.int(beta), builtins.int(alpha)
    expanded = input.expand(list(product.shape))  # PyTorch's error when input does not broadcast
    if dt.name == "bool":
        scaled = product if alpha else _C.zeros(list(product.shape), dt)
        return (scaled | expanded) if beta else scaled
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:
        if input.requires_grad and _C.is_grad_enabled():
            return _C.where(_C.ones(list(product.shape), _C.tensor_from_data(True, None).dtype), scaled, expanded)
        return scaled
    return (expanded if beta == 1 else expanded * beta) + scaled


def _same_dtypes(name, **tensors):
    """The addmm family's dtype checks, in PyTorch's words for each op (no promotion: the kernels take one
    dtype). addr is not here: PyTorch promotes its operands."""
    (k0, a), (k1, b), (k2, c) = tensors.items()
    if a.dtype == b.dtype == c.dtype:
        return
    if name in ("addmm", "addbmm"):  # their meta function: self against mat2 first, then mat1 against mat2
        if a.dtype != c.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {_TYPE_NAMES[a.dtype.name]} and "
                               f"{_TYPE_NAMES[c.dtype.name]}")
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_TYPE_NAMES[b.dtype.name]} and "
                           f"{_TYPE_NAMES[c.dtype.name]}")
    if name == "addmv":
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_TYPE_NAMES[a.dtype.name]}, "
                           f"{_TYPE_NAMES[b.dtype.name]}, and {_TYPE_NAMES[c.dtype.name]}")
    if a.dtype == b.dtype:  # baddbmm: batch2 alone differs, caught by its bmm's check
        raise RuntimeError(f"expected scalar type {_TYPE_NAMES[b.dtype.name]} but found {_TYPE_NAMES[c.dtype.name]}")
    raise RuntimeError(f"Input dtypes must be the same, got: {k0} {_CPP_NAMES[a.dtype.name]}, {k1}: "
                       f"{_CPP_NAMES[b.dtype.name]}, {k2}: {_CPP_NAMES[c.dtype.name]}")


def _with_out(name, compute):
    """name(...) with out=: Note [out= semantics] via _out."""
    def fn(input, *args, beta=1, alpha=1, out=None):
        if out is None:
            return compute(input, *args, beta=beta, alpha=alpha)
        check_out(name, out, (input,) + args)
        return write_out(name, compute(input, *args, beta=beta, alpha=alpha), out)
    fn.__name__ = fn.__qualname__ = name
    return fn


def _matrix(t, what, name, nd):
    if name == "baddbmm" and t.dim() < nd:  # PyTorch reads size(2) first
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(t.dim(), 1)}, "
                         f"{max(t.dim(), 1) - 1}], but got 2)")
    if t.dim() != nd:
        raise RuntimeError(f"{what} must be a {nd}D tensor" if name != "addr" else
                           f"addr: Expected 1-D argument {what}, but got {t.dim()}-D")


# Note [Half-precision addmm rounds once]
# PyTorch's CPU GEMM for float16/bfloat16 accumulates in float32 and applies
# beta * input + alpha * product in float32 too, rounding to the half type once
# at the end. Rounding the product first and then scaling and adding in the
# half type (three roundings) drifts by an ulp in a good share of the entries,
# which iterative users of addmm/baddbmm with beta/alpha (Muon's Newton-Schulz
# iteration, attention scores) amplify. So addmm and baddbmm compute those
# dtypes' scaled sum in float32 and cast the result back. (addbmm, addmv and
# addr round differently in PyTorch and keep the plain path.)
_HALF_TYPES = ("float16", "bfloat16")


def _scaled_product(input, a, b, product, beta, alpha):
    """beta * input + alpha * product(a, b), with Note [Half-precision addmm rounds once]."""
    dt = a.dtype
    if dt.name in _HALF_TYPES and isinstance(input, Tensor) and input.dtype == dt:
        from ._dtype import float32 as wide
        return _scaled_sum(input.to(wide), product(a.to(wide), b.to(wide)), beta, alpha).to(dt)
    return _scaled_sum(input, product(a, b), beta, alpha)


@grad_fn_named("BaddbmmBackward0")
def _baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    tensor_arg(batch1, "baddbmm", "batch1", 2)
    tensor_arg(batch2, "baddbmm", "batch2", 3)
    _matrix(batch1, "batch1", "baddbmm", 3)
    _matrix(batch2, "batch2", "baddbmm", 3)
    _same_dtypes("baddbmm", input=input, batch1=batch1, batch2=batch2)
    return _scaled_product(input, batch1, batch2, _C.bmm, beta, alpha)


@grad_fn_named("AddbmmBackward0")
def _addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    tensor_arg(batch1, "addbmm", "batch1", 2)
    tensor_arg(batch2, "addbmm", "batch2", 3)
    _matrix(batch1, "batch1", "addbmm", 3)
    _matrix(batch2, "batch2", "addbmm", 3)
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    _same_dtypes("addbmm", input=input, batch1=batch1, batch2=batch2)
    if batch1.shape[0] == 0:  # an empty sum: the product is zeros of the result's shape
        product = _C.zeros([batch1.shape[1], batch2.shape[2]], batch1.dtype)
    else:  # sum over the batch of batch1[b] @ batch2[b] is one (n, b*k) @ (b*k, m) product
        k = batch1.shape[2]
        if batch2.shape[1] != k:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch1.shape[0]}, "
                               f"{k}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")
        product = _C.mm(batch1.permute([1, 0, 2]).reshape(batch1.shape[1], -1), batch2.reshape(-1, batch2.shape[2]))
    return _scaled_sum(input, product, beta, alpha)


@grad_fn_named("AddmvBackward0")
def _addmv(input, mat, vec, *, beta=1, alpha=1):
    tensor_arg(mat, "addmv", "mat", 2)
    tensor_arg(vec, "addmv", "vec", 3)
    if mat.dim() != 2 or vec.dim() != 1 or mat.shape[1] != vec.shape[0] or (
            input.dim() == 1 and input.shape[0] not in (1, mat.shape[0])) or input.dim() > 1:
        shape = "x".join(str(s) for s in mat.shape)
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.dim()}, {mat.dim()}, {vec.dim()}"
                           if mat.dim() != 2 or vec.dim() != 1 or input.dim() > 1 else
                           f"size mismatch, got input ({input.shape[0]}), mat ({shape}), vec ({vec.shape[0]})")
    _same_dtypes("addmv", input=input, mat=mat, vec=vec)
    return _scaled_sum(input, _C.mv(mat, vec), beta, alpha)


@grad_fn_named("AddrBackward0")
def _addr(input, vec1, vec2, *, beta=1, alpha=1):
    tensor_arg(vec1, "addr", "vec1", 2)
    tensor_arg(vec2, "addr", "vec2", 3)
    _matrix(vec1, "vec1", "addr", 1)
    _matrix(vec2, "vec2", "addr", 1)
    # PyTorch's addr promotes its three operands (a float64 input with float32 vectors gives float64)
    from ._composites import _result_type_of
    common = _result_type_of(*[t for t in (input, vec1, vec2) if isinstance(t, Tensor)])
    if vec1.dtype != common or vec2.dtype != common:
        vec1, vec2 = vec1.to(common), vec2.to(common)
    if vec1.dtype.name == "bool":
        outer = vec1.unsqueeze(1) & vec2.unsqueeze(0)
    else:
        outer = _C.outer(vec1, vec2)
    if not (vec1.dtype.is_floating_point or vec1.dtype.is_complex) and vec1.dtype.name != "bool":
        for what, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, builtins.float):
                raise RuntimeError(f"For integral input tensors, argument {what} must not be a floating point "
                                   "number.")
    return _scaled_sum(input, outer, beta, alpha)


baddbmm = _both(_with_out("baddbmm", _baddbmm))
addbmm = _both(_with_out("addbmm", _addbmm))
addmv = _both(_with_out("addmv", _addmv))
addr = _both(_with_out("addr", _addr))


def _inplace_form(name, compute):
    """self.name_(...): computed out of place, written back with self's
    history moved onto the result (Note [Python in-place ops record history])."""
    def method(self, *args, beta=1, alpha=1):
        return write_inplace(self, name, lambda s: _fit(compute(s, *args, beta=beta, alpha=alpha), self, name),
                             *args)
    method.__name__ = method.__qualname__ = name + "_"
    return _method(method)


def _fit(result, self, name):
    """An in-place result must have self's shape (no broadcasting self up)."""
    if list(result.shape) != list(self.shape):
        raise RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} and output tensor size "
                           f"{list(result.shape)} should match")
    return result


_inplace_form("baddbmm", _baddbmm)
_inplace_form("addbmm", _addbmm)
_inplace_form("addmv", _addmv)
_inplace_form("addr", _addr)


@grad_fn_named("AddmmBackward0")
def _addmm(input, mat1, mat2, *, beta=1, alpha=1):
    # the existing addmm's kernel takes no beta/alpha: the product, then the family's scaled sum
    tensor_arg(mat1, "addmm", "mat1", 2)
    tensor_arg(mat2, "addmm", "mat2", 3)
    if isinstance(input, Tensor):
        _same_dtypes("addmm", input=input, mat1=mat1, mat2=mat2)
    return _scaled_product(input, mat1, mat2, _C.mm, beta, alpha)


_inplace_form("addmm", _addmm)


@_function
def ger(input, vec2):
    return input.outer(vec2)


@_both
@grad_fn_named("VdotBackward0")
def vdot(input, other):
    tensor_arg(other, "vdot", "other", 2)
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    if input.dtype != other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_type_name(input)} and "
                           f"{_type_name(other)}")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{other.shape[0]}] "
                           f"to have the same number of elements, but got {input.shape[0]} and {other.shape[0]} "
                           "elements respectively")
    if input.is_complex():
        # conj(input) . other; as a product and sum because the core's dot backward
        # does not conjugate for complex operands (its gradient would be wrong)
        return (input.conj() * other).sum()
    return _C.dot(input, other)  # real dtypes: no conjugation


@_function
def inner(input, other):
    tensor_arg(other, "inner", "other", 2)
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


@_function
def tensordot(a, b, dims=2, out=None):
    tensor_arg(a, "tensordot", "a", 1)
    tensor_arg(b, "tensordot", "b", 2)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(builtins.range(a.dim() - dims, a.dim())), list(builtins.range(dims))
    else:
        if builtins.len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists of dims")
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    if builtins.len(dims_a) != builtins.len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    na, nb = builtins.max(a.dim(), 1), builtins.max(b.dim(), 1)
    for d, n in [(d, na) for d in dims_a] + [(d, nb) for d in dims_b]:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    dims_a = [d % na for d in dims_a]
    dims_b = [d % nb for d in dims_b]
    if a.dtype != b.dtype:  # after the dims' checks, before the sizes', as PyTorch
        raise RuntimeError("both inputs should have same dtype")
    for da, db in zip(dims_a, dims_b):
        # a contracted dim of size 1 broadcasts against the other: that side is summed first, as PyTorch's
        if a.shape[da] != b.shape[db]:
            if a.shape[da] == 1:
                b = b.sum(db, keepdim=True)
            elif b.shape[db] == 1:
                a = a.sum(da, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                                   f"{da} and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in builtins.range(a.dim()) if d not in dims_a]
    free_b = [d for d in builtins.range(b.dim()) if d not in dims_b]
    k = 1
    for d in dims_a:
        k *= a.shape[d]
    rows, cols = 1, 1  # explicit: a -1 cannot be inferred when a size is 0
    for d in free_a:
        rows *= a.shape[d]
    for d in free_b:
        cols *= b.shape[d]
    left = a.permute(free_a + dims_a).reshape(rows, k)
    right = b.permute(dims_b + free_b).reshape(k, cols)
    # Tensor.mm, not _C.mm: under CPU autocast PyTorch's tensordot reaches at::mm, a lower-precision op
    result = left.mm(right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])
    if out is not None:
        check_out("tensordot", out, (a, b))
        return write_out("tensordot", result, out)
    return result


@_method
def kron(self, other):
    from ._composites import kron as fn
    return fn(self, other)


@_method
def dist(self, other, p=2):
    from ._functions import dist as fn
    return fn(self, other, p)


@_function
def chain_matmul(*matrices, out=None):
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    if builtins.len(matrices) == 1:
        result = matrices[0].clone()
    else:
        from .linalg import multi_dot
        result = multi_dot(list(matrices))
    if out is not None:
        check_out("chain_matmul", out, matrices)
        return write_out("chain_matmul", result, out)
    return result


@_function
@grad_fn_named("BlockDiagBackward0")
def block_diag(*tensors):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    if not tensors:
        return _C.zeros([1, 0], _C.get_default_dtype())
    from ._composites import _result_type_of
    dt = _result_type_of(*tensors)
    mats = [t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t for t in tensors]
    mats = [m if m.dtype == dt else m.to(dt) for m in mats]
    width = builtins.sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        parts = [_C.zeros([r, left], dt), m, _C.zeros([r, width - left - c], dt)]
        rows.append(_C.cat(parts, 1))
        left += c
    return _C.cat(rows, 0)


@_function
def cartesian_prod(*tensors):
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if builtins.len(tensors) == 1:
        return tensors[0]
    from ._functions import meshgrid
    grids = meshgrid(*tensors, indexing="ij")
    return _C.stack([g.reshape(-1) for g in grids], 1)


@_function
@grad_fn_named("StackBackward0")
def combinations(input, r=2, with_replacement=False):
    tensor_arg(input, "combinations")
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _C.zeros([0], input.dtype)
    n = input.shape[0]
    count = math.comb(n + r - 1, r) if with_replacement else math.comb(n, r)
    if count * r > 2 ** 40:  # PyTorch would fail allocating it; checked before generating anything
        raise RuntimeError(f"combinations: a result of {count} combinations of {r} elements is too large")
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(builtins.range(n), r))
    if not rows:
        return _C.zeros([0, r], input.dtype)
    from ._functions import tensor
    index = tensor(rows)
    return input[index.reshape(-1)].reshape(-1, r)


@grad_fn_named("ViewBackward0")  # PyTorch's matmul path ends in a view of its batched result
def _euclid_mm(x1, x2):
    """PyTorch's matmul form of euclidean distances (|a|^2 - 2 a.b + |b|^2 in
    one product, clamped before the square root), used for inputs with more
    than 25 rows: much faster than the broadcast difference, slightly less
    exact."""
    n1 = x1.pow(2).sum(-1, keepdim=True)
    n2 = x2.pow(2).sum(-1, keepdim=True)
    ones1 = _C.ones(list(n1.shape), x1.dtype)
    ones2 = _C.ones(list(n2.shape), x2.dtype)
    a = _C.cat([x1 * -2, n1, ones1], -1)
    b = _C.cat([x2, ones2, n2], -1)
    return a.matmul(b.transpose(-2, -1)).clamp_min(1e-30).sqrt()


@_function
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    tensor_arg(x1, "cdist", "x1", 1)
    tensor_arg(x2, "cdist", "x2", 2)
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if not (x1.is_floating_point() and x2.is_floating_point()):
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_type_name(x1)}"
                           if not x1.is_floating_point() else
                           f"cdist only supports floating-point dtypes, X2 got: {_type_name(x2)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    for t in (x1, x2):
        if t.dtype.name in ("float16", "bfloat16"):  # Note [Refuse, never reinterpret]
            raise kernel_not_implemented("cdist", t)
    modes = {"use_mm_for_euclid_dist_if_necessary": None, "use_mm_for_euclid_dist": True,
             "donot_use_mm_for_euclid_dist": False}
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    from ._functions import broadcast_shapes
    batch = list(broadcast_shapes(x1.shape[:-2], x2.shape[:-2]))
    a = x1.expand(batch + list(x1.shape[-2:]))
    b = x2.expand(batch + list(x2.shape[-2:]))
    use_mm = modes[compute_mode]
    if use_mm is None:
        use_mm = x1.shape[-2] > 25 or x2.shape[-2] > 25
    if p == 2 and use_mm:
        return _euclid_mm(a, b)
    return _cdist_direct(a, b, builtins.float(p))


@grad_fn_named("CdistBackward0")
def _cdist_direct(a, b, p):
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)  # (..., P, R, M)
    if diff.shape[-1] == 0:
        return _C.zeros(list(diff.shape[:-1]), a.dtype)
    return diff.norm(p, -1)


@_both
def cov(input, *, correction=1, fweights=None, aweights=None):
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    if x.dtype.name == "bool":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(_C.get_default_dtype())
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dim() > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with "
                               f"{fweights.dim()} dimensions")
        if fweights.is_floating_point():
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                               f"{_type_name(fweights)} dtype")
        if fweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are observations in the "
                               f"input but got {fweights.numel()} != {n_obs}")
        if n_obs and builtins.bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with "
                               f"{aweights.dim()} dimensions")
        if not aweights.is_floating_point():
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{_type_name(aweights)} dtype")
        if aweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are observations in the "
                               f"input but got {aweights.numel()} != {n_obs}")
        if n_obs and builtins.bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if w is not None and w.dtype != x.dtype:
        w = w.to(x.dtype)
    if w is None:
        w_sum = _C.scalar_tensor(n_obs, x.dtype)
        avg = x.mean(1)
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
    if w is None:
        norm = w_sum - correction
    elif correction == 0:
        norm = w_sum
    elif aweights is None:
        norm = w_sum - correction
    else:
        norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
    if builtins.float(norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = norm.clamp_min(0)
    centred = x - avg.unsqueeze(1)
    weighted = centred if w is None else centred * w
    c = centred.matmul(weighted.transpose(0, 1).conj()) / norm  # conj: a no-op for real dtypes
    return c.squeeze()


@_both
def corrcoef(input):
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c  # a single variable: 1, or NaN where its variance is 0 or NaN, as numpy
    d = c.diagonal()
    std = (d.real if c.is_complex() else d).sqrt()
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    if c.is_complex():  # PyTorch clips the real and imaginary parts separately
        from ._complex import complex as _complex
        return _complex(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))
    return c.clamp(-1, 1)

