"""The pre-torch.linalg spellings: torch.det, logdet, slogdet, inverse,
pinverse, cholesky, qr, svd, matrix_power, matrix_exp, lu and their Tensor
methods, built on tensorcore.linalg with PyTorch's legacy return types
(torch.return_types.svd has V, not Vh; torch.qr takes some=)."""
import warnings

from . import _C, linalg
from ._naming import grad_fn_named

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "qr", "svd", "matrix_power", "matrix_exp",
           "cholesky_solve", "cholesky_inverse"]


def det(input):
    return linalg.det(input)


def logdet(input):
    # PyTorch: log|det| where det > 0, nan where det < 0, -inf where det == 0 (WhereBackward0);
    # for a complex input the principal log of det: log(sign) + log|det| (AddBackward0).
    sign, logabsdet = linalg.slogdet(input)
    if input.is_complex():
        return sign.log() + logabsdet
    from ._functions import where, full_like
    return where(sign < 0, full_like(logabsdet, float("nan")), logabsdet)


def slogdet(input):
    return linalg._legacy_slogdet_t(*linalg.slogdet(input))


def inverse(input, *, out=None):
    return linalg.inv(input, out=out)


def pinverse(input, rcond=1e-15):
    return linalg.pinv(input, rtol=rcond)


def cholesky(input, upper=False, *, out=None):
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return linalg._out(linalg._cholesky(linalg._CholeskyLegacy, input, upper, "cholesky", True)[0], out)


_DTYPE_WORDS = {"float32": "Float", "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
                "float16": "Half", "bfloat16": "BFloat16"}


@grad_fn_named("CholeskySolveBackward0")
def _cholesky_solve(b, factor, upper):
    lower = factor.mH if upper else factor
    y = linalg.solve_triangular(lower, b, upper=False)
    return linalg.solve_triangular(lower.mH, y, upper=True)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """X with A X = input, for A = L L^H given its Cholesky factor L = input2
    (U^H U with upper=True): two triangular solves, so the gradient flows
    to both arguments (and is differentiable again)."""
    b, factor = input, input2
    if b.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.dim()} dimensions instead")
    if factor.dim() < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {factor.dim()} dimensions instead")
    if b.dtype != factor.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_DTYPE_WORDS.get(b.dtype.name, b.dtype.name)} and A of type "
                           f"{_DTYPE_WORDS.get(factor.dtype.name, factor.dtype.name)} instead.")
    if factor.shape[-1] != factor.shape[-2] or b.shape[-2] != factor.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {factor.shape[-2]} by "
                           f"{factor.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    return linalg._out(_cholesky_solve(b, factor, upper), out)


@grad_fn_named("CholeskyInverseBackward0")
def _cholesky_inverse(factor, upper):
    from ._functions import eye
    n = factor.shape[-1]
    identity = eye(n, dtype=factor.dtype).expand(*factor.shape[:-2], n, n)
    return _cholesky_solve(identity, factor, upper)


def cholesky_inverse(input, upper=False, *, out=None):
    """(L L^H)^-1 from the Cholesky factor L (U^H U with upper=True)."""
    return linalg._out(_cholesky_inverse(input, upper), out)


def qr(input, some=True, *, out=None):
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    Q, R = linalg.qr(input, "reduced" if some else "complete")
    return linalg._out_tuple(linalg._legacy_qr_t(Q, R), out, linalg._legacy_qr_t)


def svd(input, some=True, compute_uv=True, *, out=None):
    """U, S, V with A = U diag(S) V^T (V, not Vh); compute_uv=False gives
    zero-filled full-size U and V, as PyTorch."""
    if compute_uv:
        U, S, Vh = linalg.svd(input, full_matrices=not some)
        return linalg._out_tuple(linalg._legacy_svd_t(U, S, Vh.mH), out, linalg._legacy_svd_t)
    S = linalg.svdvals(input)
    from ._functions import zeros
    m, n = input.shape[-2], input.shape[-1]
    batch = tuple(input.shape[:-2])
    result = linalg._legacy_svd_t(zeros(*batch, m, m, dtype=input.dtype), S, zeros(*batch, n, n, dtype=input.dtype))
    return linalg._out_tuple(result, out, linalg._legacy_svd_t)


def matrix_power(input, n):
    return linalg.matrix_power(input, n)


def matrix_exp(input):
    return linalg.matrix_exp(input)


_lu_unpack_t = linalg._rt("lu_unpack", ("P", "L", "U"))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """torch.lu_unpack: P, L, U (A = P L U) from linalg.lu_factor's packed LU
    and 1-based pivots; a part not asked for comes back as an empty tensor, as
    PyTorch's. L and U stay on the autograd graph of LU_data (tril/triu)."""
    def nothing():
        return _C.empty([0], LU_data.dtype)

    L, U = linalg._unpack_lu(LU_data) if unpack_data else (nothing(), nothing())
    P = linalg._permutation(LU_pivots, LU_data.shape[-2], LU_data.dtype) if unpack_pivots else nothing()
    return _lu_unpack_t(P, L, U)


_lu_with_info_t = linalg._rt("_lu_with_info", ("LU", "pivots", "info"))
_lu_deprecation_warned = False


def _lu_with_info(A, pivot, name):
    """torch.lu's factorization: linalg.lu_factor_ex without its error check.
    PyTorch's check_errors there only refuses invalid LAPACK arguments, so a
    singular matrix factors and reports info > 0 whether or not get_infos is set."""
    global _lu_deprecation_warned
    if not _lu_deprecation_warned:  # PyTorch's TORCH_WARN_ONCE
        _lu_deprecation_warned = True
        warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
                      "will be removed in a future PyTorch release.", UserWarning, stacklevel=3)
    if not isinstance(A, _C.Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    if not (A.is_floating_point() or A.is_complex()):
        from ._dtype import SCALAR_TYPE_NAMES
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{SCALAR_TYPE_NAMES[A.dtype.name]}\'')
    return linalg.lu_factor_ex(A, pivot=pivot)


def lu(A, pivot=True, get_infos=False, out=None):
    """torch.lu (deprecated in PyTorch for linalg.lu_factor): (LU, pivots), or
    the named (LU, pivots, info) with get_infos=True."""
    LU, pivots, info = _lu_with_info(A, pivot, "lu")
    result = _lu_with_info_t(LU, pivots, info) if get_infos else (LU, pivots)
    if out is not None:
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"lu(): argument 'out' must be a tuple of {len(result)} Tensors")
        for target, value in zip(out, result):
            target.resize_(value.shape).copy_(value)
        return tuple(out)
    return result


def _tensor_lu(self, pivot=True, get_infos=False):
    """Tensor.lu: a plain tuple, (LU, pivots) or (LU, pivots, infos), as PyTorch's."""
    LU, pivots, info = _lu_with_info(self, pivot, "lu")
    return (LU, pivots, info) if get_infos else (LU, pivots)


_tensor_lu.__name__ = "lu"


# Note [Removed linear-algebra functions]
# PyTorch 2 keeps torch.symeig, eig, solve, lstsq and matrix_rank (and the
# Tensor methods but matrix_rank) as names that raise RuntimeError when called,
# saying what replaced them. A pre-1.9 program calling one must fail the same
# way here: a RuntimeError at the call, not an AttributeError at the lookup.
_REMOVED = {
    "symeig": ("torch.linalg.eigh(A, UPLO='U' if upper else 'L') (or torch.linalg.eigvalsh for the eigenvalues "
               "only); note that the default triangle changed from the upper to the lower one", True),
    "eig": ("torch.linalg.eig(A) (or torch.linalg.eigvals(A)), which returns complex tensors instead of real "
            "tensors mimicking complex ones", True),
    "solve": ("torch.linalg.solve(A, B) (arguments reversed; no LU factorization is returned: see torch.lu "
              "with torch.lu_solve / torch.lu_unpack)", True),
    "lstsq": ("torch.linalg.lstsq(A, B).solution (arguments reversed; the QR decomposition is not returned and "
              "the residuals are in the 'residuals' field)", True),
    "matrix_rank": ("torch.linalg.matrix_rank (its 'symmetric' parameter is now 'hermitian')", False),
}


def _removed(name, replacement):
    def removed(*args, **kwargs):
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now removed. torch.{name} is "
                           f"replaced by {replacement}.")
    removed.__name__ = name
    return removed


def install(namespace):
    """Adds the functions to the tensorcore namespace and as Tensor methods
    (lu_unpack only to the namespace: PyTorch has no Tensor.lu_unpack)."""
    for name in __all__:
        fn = globals()[name]
        namespace[name] = fn
        setattr(_C.Tensor, name, fn)
    namespace["lu_unpack"] = lu_unpack
    namespace["lu"] = lu
    _C.Tensor.lu = _tensor_lu
    for name, (replacement, as_method) in _REMOVED.items():  # Note [Removed linear-algebra functions]
        namespace[name] = _removed(name, replacement)
        if as_method:
            setattr(_C.Tensor, name, namespace[name])
