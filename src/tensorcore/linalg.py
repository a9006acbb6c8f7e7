"""tensorcore.linalg: PyTorch's torch.linalg on LAPACK (scipy-openblas64).

The factorizations run in C++ (_C._lapack_*: ops/linalg_lapack.h), which
returns LAPACK's per-matrix `info` instead of raising; this module checks
arguments and words errors as PyTorch does, builds the return types, and
attaches gradients.

Note [Linalg gradients]
Each LAPACK-backed op is an autograd.Function whose node carries PyTorch's
name (LinalgDetBackward0, LinalgSvdBackward0, ...). Their backward formulas
are the ones PyTorch uses (FunctionsManual.cpp), written with differentiable
tensorcore ops, so the gradient of a gradient works too. Ops that PyTorch
itself builds from other ops (matrix_norm's 2-norm is an amax of svdvals,
multi_dot is a chain of mm, ...) are the same composites here and record
PyTorch's node names for free. Decompositions whose factors are unique only
up to sign (svd, qr, eigh) have gradients that are meaningful only for
losses that do not depend on that choice, as in PyTorch.

Note [Info as an output]
A Function that factorizes returns LAPACK's int64 `info` as its last output
(Function.apply detaches integer outputs), so each call factorizes once and
the caller raises PyTorch's error from it after the fact.
"""
import builtins
import math
import sys

from . import _C
from ._naming import grad_fn_named
from ._tensor import _named_return_type
from .autograd.function import Function

__all__ = [
    "LinAlgError", "det", "slogdet", "inv", "inv_ex", "solve", "solve_ex", "cholesky", "cholesky_ex", "qr", "eigh",
    "eigvalsh", "eig", "eigvals", "svd", "svdvals", "pinv", "lstsq", "matrix_norm", "vector_norm", "norm",
    "matrix_power", "cross", "multi_dot", "matrix_exp", "matrix_rank", "matmul", "diagonal", "vecdot", "cond",
    "lu_factor", "lu_factor_ex", "lu", "lu_solve", "solve_triangular", "vander", "tensorinv", "tensorsolve",
    "householder_product", "ldl_factor", "ldl_factor_ex", "ldl_solve",
]


class LinAlgError(RuntimeError):
    """A matrix the operation cannot handle (singular, not positive-definite,
    no convergence): PyTorch's torch.linalg.LinAlgError, a RuntimeError."""


LinAlgError.__module__ = "tensorcore.linalg"

_EPS = {"float32": 1.1920928955078125e-07, "float64": 2.220446049250313e-16,
        "complex64": 1.1920928955078125e-07, "complex128": 2.220446049250313e-16}
from ._dtype import SCALAR_TYPE_NAMES as _DTYPE_TITLE  # noqa: E402


def _rt(name, fields):
    return _named_return_type(name, fields)


_slogdet_t = _rt("linalg_slogdet", ("sign", "logabsdet"))
_legacy_slogdet_t = _rt("slogdet", ("sign", "logabsdet"))
_qr_t = _rt("linalg_qr", ("Q", "R"))
_legacy_qr_t = _rt("qr", ("Q", "R"))
_eigh_t = _rt("linalg_eigh", ("eigenvalues", "eigenvectors"))
_eig_t = _rt("linalg_eig", ("eigenvalues", "eigenvectors"))
_svd_t = _rt("linalg_svd", ("U", "S", "Vh"))
_legacy_svd_t = _rt("svd", ("U", "S", "V"))
_lstsq_t = _rt("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_inv_ex_t = _rt("linalg_inv_ex", ("inverse", "info"))
_solve_ex_t = _rt("linalg_solve_ex", ("result", "info"))
_cholesky_ex_t = _rt("linalg_cholesky_ex", ("L", "info"))
_lu_factor_t = _rt("linalg_lu_factor", ("LU", "pivots"))
_lu_factor_ex_t = _rt("linalg_lu_factor_ex", ("LU", "pivots", "info"))
_lu_t = _rt("linalg_lu", ("P", "L", "U"))
RETURN_TYPES = (_lu_factor_t, _lu_factor_ex_t, _lu_t, _slogdet_t, _legacy_slogdet_t, _qr_t, _legacy_qr_t, _eigh_t, _svd_t, _legacy_svd_t, _lstsq_t,
                _inv_ex_t, _solve_ex_t, _cholesky_ex_t)


# ---------------------------------------------------------------- checks
def _torch():
    """The tensorcore namespace (imported lazily: it imports this module)."""
    return sys.modules[__package__]


def _check_float(A, op, low_precision=False):
    """Floating input; float16/bfloat16 only where PyTorch's op takes them (low_precision: the norms)."""
    name = A.dtype.name if hasattr(A.dtype, "name") else str(A.dtype)
    if not A.dtype.is_floating_point and not A.dtype.is_complex:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_DTYPE_TITLE.get(name, name)}")
    if name not in _EPS and not low_precision:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_DTYPE_TITLE.get(name, name)}")


def _check_matrix(A, op, square=False, float_=True):
    if not isinstance(A, _C.Tensor):
        raise TypeError(f"{op}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if float_:
        _check_float(A, op)
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           "matrices")


def _first_failure(info):
    """(batch index, info value) of the first nonzero entry, or None."""
    flat = info.reshape(-1).tolist()
    for i, v in enumerate(flat):
        if v != 0:
            return i, v
    return None


def _raise_on_info(info, A, op, message):
    bad = _first_failure(info)
    if bad is not None:
        prefix = f"(Batch element {bad[0]}): " if A.dim() > 2 else ""
        raise LinAlgError(f"{op}: {prefix}{message(bad[1])}")


def _eye_like(A, n=None):
    n = A.shape[-1] if n is None else n
    return _torch().eye(n, dtype=A.dtype)


def _diag_embed(v):
    return v.unsqueeze(-1) * _eye_like(v, v.shape[-1])


# Note [Complex gradients use the adjoint]
# The gradient formulas below are written once for real and complex inputs:
# every transpose of the real formula is the conjugate transpose (.mH, which
# is .mT for a real tensor), as in PyTorch's FunctionsManual.cpp, so a complex
# input gets the conjugate-Wirtinger gradient PyTorch returns. The few terms
# that exist only for complex inputs (a determinant's phase, the eigenvector
# and singular-vector phase checks) are marked where they appear.
def _skew(X):
    return X - X.mH


def _real_dtype(A):
    """float32/float64 for a complex64/complex128 (or real) tensor."""
    return A.dtype.to_real() if A.dtype.is_complex else A.dtype


def _batch_broadcast(A, B, b_tail):
    """Expands A (..., n, n) and B (..., *b_tail) to a common batch shape."""
    batch = _torch().broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:B.dim() - b_tail]))
    return A.expand(*batch, *A.shape[-2:]), B.expand(*batch, *B.shape[B.dim() - b_tail:])


def _needs_grad(*ts):
    return _C.is_grad_enabled() and any(isinstance(t, _C.Tensor) and t.requires_grad for t in ts)


# ---------------------------------------------------------------- LU: det, slogdet, inv, solve
def _lu_det_parts(A):
    """(diagonal of U, permutation sign) of A's LU factorization."""
    LU, piv, _ = _C._lapack_lu_factor(A)
    n = A.shape[-1]
    swaps = (piv != _torch().arange(1, n + 1)).sum(-1)
    perm_sign = 1.0 - 2.0 * (swaps % 2).to(A.dtype)
    return LU.diagonal(0, -2, -1), perm_sign


class _Det(Function):
    _node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, A):
        d, s = _lu_det_parts(A)
        out = d.prod(-1) * s
        ctx.save_for_backward(A, out)
        return out

    @staticmethod
    def backward(ctx, g):
        A, d = ctx.saved_tensors
        # d det / dA = conj(det) * A^{-H}; for a singular A the adjugate through the SVD
        # (PyTorch's linalg_det_backward): adj(A)^H = U diag(prod_{j != i} s_j) Vh * conj(det(U) det(Vh)).
        singular = (d == 0)
        if not bool(singular.any()):
            return solve(A.mH, (g * d.conj()).unsqueeze(-1).unsqueeze(-1) * _eye_like(A))
        U, S, Vh = svd(A)
        n = S.shape[-1]
        prods = _torch().stack([_torch().cat([S[..., :i], S[..., i + 1:]], -1).prod(-1) for i in range(n)], -1)
        adjH = (U * prods.unsqueeze(-2)) @ Vh * (det(U) * det(Vh)).conj().unsqueeze(-1).unsqueeze(-1)
        return g.unsqueeze(-1).unsqueeze(-1) * adjH


def det(A, *, out=None):
    _check_matrix(A, "linalg.det", square=True)
    return _out(_Det.apply(A), out, exact=True)


class _Slogdet(Function):
    _node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        d, s = _lu_det_parts(A)
        sign = d.sgn().prod(-1) * s
        logabsdet = d.abs().log().sum(-1)
        ctx.save_for_backward(A, sign)
        return sign, logabsdet  # sign keeps the node, as in PyTorch; a real sign's gradient is zero

    @staticmethod
    def backward(ctx, g_sign, g_logabsdet):
        A, sign = ctx.saved_tensors
        # d log|det A| = Re tr(A^{-1} dA): gA = A^{-H} g. A real sign is piecewise constant; a complex
        # one moves with the phase, d sign = i Im tr(A^{-1} dA) sign, which adds
        # -i Im(conj(g_sign) sign) to the factor (PyTorch's slogdet_backward).
        g = g_logabsdet
        if A.is_complex() and g_sign is not None:
            g = g - 1j * (g_sign.conj() * sign).imag
        return solve(A.mH, g.unsqueeze(-1).unsqueeze(-1) * _eye_like(A))


def slogdet(A, *, out=None):
    _check_matrix(A, "linalg.slogdet", square=True)
    return _out_tuple(_slogdet_t(*_Slogdet.apply(A)), out, _slogdet_t)


def _solve_info_message(v):
    return f"The diagonal element {v} is zero, the inversion could not be completed because the input matrix is singular."


class _Solve(Function):
    """X with A X = B for A (..., n, n), B (..., n, k), same batch dims."""
    _node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, A, B, op):
        LU, piv, info = _C._lapack_lu_factor(A)
        X = _C._lapack_lu_solve(LU, piv, B, False)
        ctx.save_for_backward(A, X)
        return X, info  # Note [Info as an output]

    @staticmethod
    def backward(ctx, g, _g_info=None):
        A, X = ctx.saved_tensors
        gB = solve(A.mH, g)
        return -gB @ X.mH, gB, None


class _SolveInv(_Solve):
    _node_name = "LinalgInvExBackward0"

    @staticmethod
    def backward(ctx, g, _g_info=None):
        # inv(A) = solve(A, I): gA = -A^{-H} g A^{-H}
        _, X = ctx.saved_tensors
        return -X.mH @ g @ X.mH, None, None


def inv(A, *, out=None):
    return _out(inv_ex(A, check_errors=True).inverse, out, exact=True)


def inv_ex(A, *, check_errors=False, out=None):
    _check_matrix(A, "linalg.inv", square=True)
    X, info = _SolveInv.apply(A, _eye_like(A).expand(*A.shape), "linalg.inv")
    if check_errors:
        _raise_on_info(info, A, "linalg.inv", _solve_info_message)
    return _out_tuple(_inv_ex_t(X, info.to(_torch().int32)), out, _inv_ex_t)


def _solve_shapes(A, B, left, op):
    _check_matrix(A, op, square=True)
    if not isinstance(B, _C.Tensor):
        raise TypeError(f"{op}(): argument 'B' (position 2) must be Tensor, not {type(B).__name__}")
    if B.dtype != A.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type "
                           f"{_DTYPE_TITLE.get(A.dtype.name)} and B of type {_DTYPE_TITLE.get(B.dtype.name)} instead")
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    if not left:
        A, Bm = A.mT, Bm.mT
    if Bm.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{Bm.shape[-2]}x{Bm.shape[-1]})")
    A, Bm = _batch_broadcast(A, Bm, 2)
    return A, Bm, vector


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    A2, B2, vector = _solve_shapes(A, B, left, "linalg.solve")
    X, info = _Solve.apply(A2, B2, "linalg.solve")
    if check_errors and _first_failure(info) is not None:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    if not left:
        X = X.mT
    if vector:
        X = X.squeeze(-1)
    if (vector or not left) and X.requires_grad:  # Note [Composite node names]: one node, as PyTorch's
        _C._rename_grad_fn(X, "LinalgSolveExBackward0", [A, B])
    return _out_tuple(_solve_ex_t(X, info.to(_torch().int32)), out, _solve_ex_t)


def solve(A, B, *, left=True, out=None):
    return _out(solve_ex(A, B, left=left, check_errors=True).result, out, exact=True)


# ---------------------------------------------------------------- Cholesky
def _cholesky_message(v):
    return (f"The factorization could not be completed because the input is not positive-definite (the leading "
            f"minor of order {v} is not positive-definite).")


def _cholesky_nan_info(L, info):
    """Note [cholesky of a NaN matrix]
    PyTorch's potrf (MKL) stops at the first leading minor whose pivot is NaN and reports its
    order in ``info`` (so linalg.cholesky raises LinAlgError); the potrf tensorcore links runs
    through and returns NaN with info 0. Where LAPACK reported success, the order of the first
    NaN on L's diagonal is the minor PyTorch names (a NaN anywhere in row k of the lower
    triangle makes L[k, k] NaN)."""
    if L.numel() == 0:
        return info
    diagonal_nan = L.diagonal(0, -2, -1).isnan()
    if not bool(diagonal_nan.any()):
        return info
    first = diagonal_nan.to(_torch().int64).argmax(-1) + 1
    found = _torch().where(diagonal_nan.any(-1), first, _torch().zeros_like(first))
    return _torch().where(info == 0, found.to(info.dtype), info)


class _Cholesky(Function):
    _node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, A, upper):
        # upper=True factors the upper triangle (LAPACK's 'U'), as PyTorch: only that triangle is read, so a
        # non-Hermitian A gives PyTorch's U, not the adjoint of the lower triangle's L
        R, info = _C._lapack_cholesky(A, bool(upper))
        info = _cholesky_nan_info(R, info)
        ctx.upper = upper
        ctx.save_for_backward(R.mH if upper else R)
        return R, info  # Note [Info as an output]

    @staticmethod
    def backward(ctx, g, _g_info=None):
        (L,) = ctx.saved_tensors
        gL = g.mH if ctx.upper else g
        # PyTorch's cholesky_backward: gA = L^{-H} pi*(tril(L^H gL)) L^{-1} with
        # pi*(X) = 0.5 (X + tril(X, -1)^H): Hermitian off the diagonal, half the diagonal
        # (which keeps its imaginary part for a complex input, as PyTorch's).
        P = (L.mH @ gL).tril()
        P = 0.5 * (P + P.tril(-1).mH)
        X = _trsolve(L.mH, P, True, True, False)  # L^{-H} P
        return _trsolve(L, X, False, False, False), None  # ... L^{-1}


class _CholeskyLegacy(_Cholesky):
    _node_name = "CholeskyBackward0"


def _cholesky(cls, A, upper, op, check_errors):
    _check_matrix(A, op, square=True)
    L, info = cls.apply(A, upper)
    if check_errors:
        _raise_on_info(info, A, op, _cholesky_message)
    return L, info


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    L, info = _cholesky(_Cholesky, A, upper, "linalg.cholesky", check_errors)
    return _out_tuple(_cholesky_ex_t(L, info.to(_torch().int32)), out, _cholesky_ex_t)


def cholesky(A, *, upper=False, out=None):
    return _out(_cholesky(_Cholesky, A, upper, "linalg.cholesky", True)[0], out, exact=True)


# ---------------------------------------------------------------- QR
class _Qr(Function):
    _node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, A, mode):
        Q, R = _C._lapack_qr(A, mode == "complete", mode != "r")
        ctx.mode = mode
        ctx.save_for_backward(Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and Q.shape[-2] > R.shape[-1]:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        return _qr_backward(gQ, gR, Q, R), None


def _syminvadj(M):
    """The upper triangle reflected down as its adjoint, with the real part of
    the diagonal: triu(M, 1) + triu(M, 1)^H + diag(Re M_ii)."""
    up = M.triu(1)
    diag = M.diagonal(0, -2, -1)
    return up + up.mH + _diag_embed(diag.real if M.is_complex() else diag).to(M.dtype)


def _qr_backward(gQ, gR, Q, R):
    m, n = Q.shape[-2], R.shape[-1]
    if m >= n:
        # PyTorch's linalg_qr_backward: gA = [gQ + Q syminvadj(triu(gR R^H - Q^H gQ))] R^{-H}.
        M = gR @ R.mH - Q.mH @ gQ
        B = gQ + Q @ _syminvadj(M)
        return _trsolve(R.mH, B, False, False, False)  # X R^H = B, R^H lower
    # m < n: A = [X | Y] = Q [U | V] with X = QU square and V = Q^H Y, so
    # gY = Q gV and X's gradient is the square case with gQ + Y gV^H.
    U, V = R[..., :, :m], R[..., :, m:]
    gU, gV = gR[..., :, :m], gR[..., :, m:]
    Y = Q @ V
    gX = _qr_backward(gQ + Y @ gV.mH, gU, Q, U)
    return _torch().cat([gX, Q @ gV], -1)


def qr(A, mode="reduced", *, out=None):
    _check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    return _out_tuple(_qr_t(*_Qr.apply(A, mode)), out, _qr_t)


# ---------------------------------------------------------------- symmetric eigendecomposition
def _uplo(UPLO, op):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO == "U"


def _eigh_message(v):
    return ("The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated "
            f"eigenvalues (error code: {v}).")


class _Eigh(Function):
    _node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, upper, values_only):
        w, V, info = _C._lapack_eigh(A, upper, True)
        ctx.values_only = values_only
        ctx.save_for_backward(w, V)
        return (w, info) if values_only else (w, V, info)  # Note [Info as an output]

    @staticmethod
    def backward(ctx, *grads):
        w, V = ctx.saved_tensors
        gw, gV = (grads[0], None) if ctx.values_only else grads[:2]
        # PyTorch's linalg_eig_backward for Hermitian input:
        # gA = V (diag(gw) + (V^H gV) / E) V^H, E_ij = w_j - w_i (off the diagonal).
        inner = _diag_embed(gw).to(V.dtype)
        if gV is not None:
            E = w.unsqueeze(-2) - w.unsqueeze(-1)
            eye = _eye_like(V)
            VhgV = V.mH @ gV
            if V.is_complex():
                _check_phase_invariance(VhgV.diagonal(0, -2, -1).imag, "linalg_eigh_backward", "eigenvectors")
            # only the skew-Hermitian part of V^H gV reaches a Hermitian A: PyTorch's gradient is Hermitian
            VgV = 0.5 * _skew(VhgV)
            inner = inner + _torch().where(eye.bool(), _torch().zeros_like(VgV), VgV / (E + eye))
        return V @ inner @ V.mH, None, None


def _check_phase_invariance(im_diag, op, what):
    """A complex eigen/singular vector is defined up to a phase e^{i phi}; a loss
    that depends on the phase has no gradient (PyTorch's check and message)."""
    if im_diag.numel() and not bool((im_diag.abs() <= 1e-2).all()):
        if what == "eigenvectors":
            raise RuntimeError(f"{op}: The eigenvectors in the complex case are specified up to multiplication by "
                               "e^{i phi}. The specified loss function depends on this quantity, so it is "
                               "ill-defined.")
        raise RuntimeError(f"{op}: The singular vectors in the complex case are specified up to multiplication by "
                           "e^{i phi}. The specified loss function depends on this phase term, making it ill-defined.")


def _eigh(A, UPLO, values_only, op):
    _check_matrix(A, op, square=True)
    if values_only and not _needs_grad(A):  # no gradient: skip the eigenvectors
        w, _, info = _C._lapack_eigh(A, _uplo(UPLO, op), False)
        out = [w]
    else:
        *out, info = _Eigh.apply(A, _uplo(UPLO, op), values_only)
    _raise_on_info(info, A, op, _eigh_message)
    return out[0] if values_only else tuple(out)


def eigh(A, UPLO="L", *, out=None):
    return _out_tuple(_eigh_t(*_eigh(A, UPLO, False, "linalg.eigh")), out, _eigh_t)


def eigvalsh(A, UPLO="L", *, out=None):
    return _out(_eigh(A, UPLO, True, "linalg.eigvalsh"), out, exact=True)


# ---------------------------------------------------------------- general eigendecomposition
class _Eig(Function):
    """(eigenvalues, eigenvectors, info) of a square real or complex A by LAPACK's
    geev: complex results, each eigenvector of unit norm with its largest
    component real (LAPACK's normalization, kept by PyTorch)."""
    _node_name = "LinalgEigBackward0"

    @staticmethod
    def forward(ctx, A):
        w, V, info = _C._lapack_eig(A, True)
        ctx.set_materialize_grads(False)
        ctx.real_input = not A.is_complex()
        ctx.save_for_backward(w, V)
        return w, V, info  # Note [Info as an output]

    @staticmethod
    def backward(ctx, gw, gV, _g_info=None):
        w, V = ctx.saved_tensors
        if gw is None and gV is None:
            return None
        Vh = V.mH
        # PyTorch's linalg_eig_backward: gA = V^{-H} (diag(gw) + P(V^H gV) / conj(E)) V^H with
        # E_ij = w_j - w_i, where P projects onto the tangent space of unit-norm columns:
        # P(X) = X - V^H V diag(Re diag X). The loss must not depend on each column's phase.
        if gV is None:
            inner = _diag_embed(gw)
        else:
            VhgV = Vh @ gV
            diag = VhgV.diagonal(0, -2, -1)
            _check_phase_invariance(diag.imag, "linalg_eig_backward", "eigenvectors")
            VhgV = VhgV - Vh @ (V * diag.real.unsqueeze(-2))
            wc = w.conj()
            eye = _eye_like(V)
            inner = VhgV / (wc.unsqueeze(-2) - wc.unsqueeze(-1) + eye)
            if gw is not None:
                inner = _torch().where(eye.bool(), _diag_embed(gw), inner)
        gA = solve(Vh, inner @ Vh)
        return gA.real if ctx.real_input else gA  # a real A's gradient is the real part


def _eig_checked(A, op, values_only):
    _check_matrix(A, op, float_=False)
    if A.dtype.name not in _EPS:
        if not A.dtype.is_floating_point:
            raise RuntimeError(f"Unknown Complex ScalarType for {_DTYPE_TITLE.get(A.dtype.name)}")
        raise NotImplementedError(f'"linalg_eig_out_cpu" not implemented for \'{_DTYPE_TITLE.get(A.dtype.name)}\'')
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           "matrices")
    if values_only and not _needs_grad(A):
        w, _, info = _C._lapack_eig(A, False)  # no gradient: skip the eigenvectors
        return w
    if A.numel() > 0 and not bool(_C.Tensor.isfinite(A.detach()).all()):
        raise RuntimeError(f"torch.{op}: input tensor should not contain infs or NaNs.")
    w, V, info = _Eig.apply(A)
    _raise_on_info(info, A, f"torch.{op}", _eigh_message)
    return w if values_only else (w, V)


def eig(A, *, out=None):
    return _out_tuple(_eig_t(*_eig_checked(A, "linalg.eig", False)), out, _eig_t)


def eigvals(A, *, out=None):
    return _out(_eig_checked(A, "linalg.eigvals", True), out)


# ---------------------------------------------------------------- SVD
def _svd_message(v):
    return ("The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated "
            f"singular values (error code: {v}).")


class _Svd(Function):
    _node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A, full_matrices, values_only):
        U, S, Vh, info = _C._lapack_svd(A, full_matrices, True)
        ctx.set_materialize_grads(False)  # an unused U or Vh must not enter the formula as zeros
        ctx.values_only = values_only
        ctx.save_for_backward(U, S, Vh)
        return (S, info) if values_only else (U, S, Vh, info)  # Note [Info as an output]

    @staticmethod
    def backward(ctx, *grads):
        U, S, Vh = ctx.saved_tensors
        gU, gS, gVh = (None, grads[0], None) if ctx.values_only else grads[:3]
        return _svd_backward(gU, gS, gVh, U, S, Vh), None, None


def _svd_backward(gU, gS, gVh, U, S, Vh):
    """PyTorch's svd_backward:
    gA = U [(skew(U^H gU) / E) S + S (skew(V^H gV) / E) + diag(gS)] V^H
         + (I - U U^H) gU S^{-1} V^H + U S^{-1} gV^H (I - V V^H),
    E_jk = s_k^2 - s_j^2 off the diagonal; skew(X) = X - X^T. Full U / Vh are
    cut to their first min(m, n) columns / rows: the rest do not depend on A."""
    m, n = U.shape[-2], Vh.shape[-1]
    k = S.shape[-1]
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    gU = None if gU is None else gU[..., :, :k]
    gVh = None if gVh is None else gVh[..., :k, :]
    if gU is None and gVh is None:
        return (U * gS.unsqueeze(-2)) @ Vh
    V = Vh.mH
    gV = None if gVh is None else gVh.mH
    S2 = S * S
    eye = _eye_like(S, k)
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye  # the diagonal is masked out below
    inner = _torch().zeros_like(E) if gS is None else _diag_embed(gS)
    if U.is_complex():
        inner = inner.to(U.dtype)
    UhgU = None if gU is None else U.mH @ gU
    VhgV = None if gV is None else V.mH @ gV
    if U.is_complex():
        # Complex only: the phases of u_i and v_i are free together, so a loss may depend on
        # Im(u_i^H gu_i) + Im(v_i^H gv_i) only through 0 (checked), and Im(u_i^H gu_i) / s_i
        # enters the diagonal as i times it (PyTorch's svd_backward).
        im_u = 0 if UhgU is None else UhgU.diagonal(0, -2, -1).imag
        im_v = 0 if VhgV is None else VhgV.diagonal(0, -2, -1).imag
        if not isinstance(im_u + im_v, int):
            _check_phase_invariance(im_u + im_v, "svd_backward", "singular vectors")
        if UhgU is not None:
            inner = inner + _diag_embed(1j * im_u / S)
    if gU is not None:
        inner = inner + _torch().where(eye.bool(), _torch().zeros_like(inner), _skew(UhgU) / E) * S.unsqueeze(-2)
    if gV is not None:
        inner = inner + S.unsqueeze(-1) * _torch().where(eye.bool(), _torch().zeros_like(inner), _skew(VhgV) / E)
    gA = U @ inner @ Vh
    if gU is not None and m > k:
        gA = gA + ((gU - U @ UhgU) / S.unsqueeze(-2)) @ Vh
    if gV is not None and n > k:
        gA = gA + U @ ((gV - V @ VhgV) / S.unsqueeze(-2)).mH
    return gA


def _svd_checked(A, full_matrices, values_only, op):
    _check_matrix(A, op)
    if A.numel() > 0 and not bool(_C.Tensor.isfinite(A.detach()).all()):
        raise LinAlgError(f"{op}: The algorithm failed to converge because the input matrix contained non-finite values.")
    if values_only and not _needs_grad(A):  # no gradient: skip computing U and V
        _, S, _, info = _C._lapack_svd(A, False, False)
        out = [S]
    elif values_only:
        # U and Vh are outputs too, so that the saved U, Vh the backward
        # uses carry the graph to A: svdvals' gradient is then itself
        # differentiable (double backward), as in PyTorch.
        _, S, _, info = _Svd.apply(A, full_matrices, False)
        out = [S]
    else:
        *out, info = _Svd.apply(A, full_matrices, values_only)
    _raise_on_info(info, A, op, _svd_message)
    return out[0] if values_only else tuple(out)


def svd(A, full_matrices=True, *, driver=None, out=None):
    return _out_tuple(_svd_t(*_svd_checked(A, full_matrices, False, "linalg.svd")), out, _svd_t)


def svdvals(A, *, driver=None, out=None):
    return _out(_svd_checked(A, False, True, "linalg.svdvals"), out, exact=True)


# ---------------------------------------------------------------- pinv, lstsq, matrix_rank
def _tolerances(S_max, A, atol, rtol):
    """The cutoff max(atol, rtol * sigma_max) with PyTorch's defaults: rtol =
    eps * max(m, n) when neither is given, 0 when only atol is."""
    eps = _EPS[A.dtype.name]
    if rtol is None:
        rtol = eps * builtins.max(A.shape[-2], A.shape[-1]) if atol is None or _is_zero(atol) else 0.0
    atol = 0.0 if atol is None else atol
    return _torch().maximum(_as_tensor(atol, A), _as_tensor(rtol, A) * S_max)


def _is_zero(x):
    return (not isinstance(x, _C.Tensor)) and x == 0


def _as_tensor(x, A):
    dt = _real_dtype(A)  # tolerances compare with singular values / |eigenvalues|: real
    return x.to(dt) if isinstance(x, _C.Tensor) else _torch().tensor(float(x), dtype=dt)


class _Pinv(Function):
    _node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        if hermitian:
            w, V, _ = _C._lapack_eigh(A, False, True)
            cut = _tolerances(w.abs().amax(-1, keepdim=True) if w.shape[-1] else w.abs().sum(-1, keepdim=True),
                              A, atol, rtol)
            winv = _torch().where(w.abs() > cut, 1.0 / w, _torch().zeros_like(w))
            P = (V * winv.unsqueeze(-2)) @ V.mH
        else:
            U, S, Vh, _ = _C._lapack_svd(A, False, True)
            smax = S[..., :1] if S.shape[-1] else S.sum(-1, keepdim=True)
            cut = _tolerances(smax, A, atol, rtol)
            sinv = _torch().where(S > cut, 1.0 / S, _torch().zeros_like(S))
            P = (Vh.mH * sinv.unsqueeze(-2)) @ U.mH
        ctx.save_for_backward(A, P)
        return P

    @staticmethod
    def backward(ctx, g):
        A, P = ctx.saved_tensors
        return _pinv_backward(g, P, A), None, None, None


def _pinv_backward(g, P, A):
    """Adjoint of dP = -P dA P + (I - P A) dA^H P^H P + P P^H dA^H (I - A P)
    (Golub and Pereyra; valid where the rank is locally constant)."""
    m, n = A.shape[-2], A.shape[-1]
    I_m, I_n = _eye_like(A, m), _eye_like(A, n)
    return (-P.mH @ g @ P.mH + P.mH @ P @ g.mH @ (I_n - P @ A) + (I_m - A @ P) @ g.mH @ P @ P.mH)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None, rcond=None):
    if not isinstance(A, _C.Tensor) or A.dim() < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex):
        name = _DTYPE_TITLE.get(A.dtype.name, A.dtype.name) if isinstance(A, _C.Tensor) else type(A).__name__
        shape = list(A.shape) if isinstance(A, _C.Tensor) else []
        raise RuntimeError(f"linalg.pinv({name}{{{shape}}}): expected a tensor with 2 or more dimensions of float, "
                           "double, cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    A = _pinv_nonfinite_inputs(A, hermitian)
    return _out(_Pinv.apply(A, atol, rtol, hermitian), out)


def _pinv_nonfinite_inputs(A, hermitian):
    """Note [pinv of a non-finite matrix]
    PyTorch's pinv goes through MKL's SVD (eigh when hermitian): a NaN anywhere raises the
    SVD's (eigh's) LinAlgError, while a matrix holding an infinity but no NaN gets singular
    values NaN, none passes the cut-off, and its pseudo-inverse is all zeros. The LAPACK
    tensorcore links never returns from an SVD of an infinite matrix, so the infinite batch
    elements are replaced by zeros here (whose pseudo-inverse is zeros as well) and NaN is
    sent to the SVD check that raises PyTorch's error (hermitian NaN input goes on to eigh).
    """
    if A.numel() == 0:
        return A
    finite = _C.Tensor.isfinite(A.detach())
    if bool(finite.all()):
        return A
    if bool(A.detach().isnan().any()):
        if hermitian:   # MKL's eigh raises on some NaN matrices and returns NaN on others: left to eigh
            return A
        _svd_checked(A.detach(), False, True, "linalg.svd")
    element_finite = finite.flatten(-2).all(-1)[..., None, None]
    return _torch().where(element_finite, A, _torch().zeros_like(A))


class _Lstsq(Function):
    _node_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, A, B, rcond, want_residuals):
        X, rank, S, info = _C._lapack_lstsq(A, B, -1.0 if rcond is None else float(rcond))
        X = X.contiguous()
        ctx.save_for_backward(A, B)
        ctx.extra = (rank, S)
        if want_residuals:
            r = A @ X - B
            res = ((r.abs() if r.is_complex() else r) ** 2).sum(-2)
        else:
            res = _torch().empty(0, dtype=_real_dtype(A))
        return X, res

    @staticmethod
    def backward(ctx, gX, g_res):
        A, B = ctx.saved_tensors
        # The solution is pinv(A) B (PyTorch's linalg_lstsq_backward): gB = pinv(A)^T gX,
        # gA = pinv's backward with g = gX B^T. The residuals carry no gradient.
        P = pinv(A)
        return _pinv_backward(gX @ B.mH, P, A), P.mH @ gX, None, None


def _check_lstsq_inputs_finite(A, B, driver):
    """Raises PyTorch's error for a NaN in A or B, or an infinity in A (Note [lstsq rejects NaN])."""
    a_nan = A.isnan().flatten(-2).any(-1).reshape(-1)
    b_nan = B.isnan().flatten(-2).any(-1).reshape(-1)
    a_inf = A.isinf().flatten(-2).any(-1).reshape(-1)
    bad = a_nan | b_nan | a_inf
    if not bool(bad.any()):
        return
    element = bad.tolist().index(True)
    where = f"(Batch element {element}): " if A.dim() > 2 else ""
    if not bool(a_nan[element]) and not bool(b_nan[element]):   # an infinity in A only
        if driver == "gels":
            raise LinAlgError(
                f"torch.linalg.lstsq: {where}The least squares solution could not be computed because the input "
                f"matrix does not have full rank: A contains an infinity. Remove it (torch.isinf(A).any()) "
                f"before solving")
        raise RuntimeError(
            f"torch.linalg.lstsq: {where}Argument 4 has illegal value: A contains an infinity, which the "
            f"LAPACK '{driver}' driver cannot solve. Remove it (torch.isinf(A).any()) before solving")
    shift = 1 if driver == "gels" else 0
    operand = "A" if bool(a_nan[element]) else "B"
    argument = (4 if operand == "A" else 6) + shift
    raise RuntimeError(
        f"torch.linalg.lstsq: {where}Argument {argument} has illegal value: {operand} contains NaN, which the "
        f"LAPACK '{driver}' driver rejects. Check the inputs with torch.isnan({operand}).any() before solving")


# Note [lstsq rejects NaN]
# PyTorch's CPU LAPACK (MKL) checks its matrix arguments for NaN and answers info = -i, which
# ATen reports as a RuntimeError naming the batch element and the argument ("Argument 4" is A,
# "Argument 6" is B; gels has one more leading argument, so 5 and 7). A training run that
# diverges (efficient-kan's grid update after an LBFGS blow-up) stops there under PyTorch; the
# LAPACK tensorcore links prints a complaint to stdout instead and returns NaN. An infinity in A
# is worse: tensorcore's gelsd never returns (its xLASCL scaling loops forever), while PyTorch
# raises the same "Argument 4" error for gelsd, LinAlgError for gels, and returns MKL-specific
# NaN/zero solutions for gelsy/gelss (tensorcore raises there: a known difference, not a hang).
# So the check runs before LAPACK is called, on the broadcast operands, so the batch element is
# the one PyTorch names. An infinity in B only is left to LAPACK (NaN results, as PyTorch).


def lstsq(A, B, rcond=None, *, driver=None):
    if not isinstance(A, _C.Tensor) or not isinstance(B, _C.Tensor):
        raise TypeError("linalg.lstsq(): arguments 'A' and 'B' must be Tensors")
    _check_matrix(A, "torch.linalg.lstsq")
    drivers = ("gels", "gelsy", "gelsd", "gelss")
    if driver is None:
        driver = "gelsy"
    if driver not in drivers:
        raise RuntimeError("parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if B.dtype != A.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {A.dtype} and other's dtype {B.dtype}")
    vector = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.dim() < 2 or Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    A2, B2 = _batch_broadcast(A, Bm, 2)
    _check_lstsq_inputs_finite(A2, B2, driver)
    m, n = A.shape[-2], A.shape[-1]
    _, rank, S, _ = _C._lapack_lstsq(A2.detach(), B2.detach(), -1.0 if rcond is None else float(rcond))
    full_rank = bool((rank == builtins.min(m, n)).all()) if rank.numel() else True
    want_res = m > n and driver != "gelsy" and full_rank
    X, res = _Lstsq.apply(A2, B2, rcond, want_res)
    if vector:
        X = X.squeeze(-1)
        if want_res:
            res = res.squeeze(-1)
    empty = _torch().empty(0, dtype=_real_dtype(A))
    rank_out = rank if driver != "gels" else _torch().empty(0, dtype=_torch().int64)
    s_out = S if driver in ("gelsd", "gelss") else empty
    return _lstsq_t(X, res, rank_out, s_out)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    _check_matrix(A, "torch.linalg.matrix_rank")
    if tol is not None:
        atol = tol
    with _no_grad():
        if hermitian:
            s = _C._lapack_eigh(A.detach(), False, False)[0].abs()
        else:
            s = _C._lapack_svd(A.detach(), False, False)[1]
        smax = s.amax(-1, keepdim=True) if s.shape[-1] else s.sum(-1, keepdim=True)
        return _out((s > _tolerances(smax, A, atol, rtol)).sum(-1), out)


# ---------------------------------------------------------------- norms
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"linalg.vector_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if isinstance(ord, str) or isinstance(ord, bool):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if not x.is_complex():  # the input's own dtype, as PyTorch; a complex one has its own form in _C.norm
        _check_float(x, "linalg.vector_norm", low_precision=True)
    if dtype is not None:
        _check_norm_dtype(x.dtype, dtype)
        x = x.to(dtype)
    dims = [] if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    return _out(_C.norm(x, float(ord), dims, keepdim), out, exact=True)


def _check_norm_dtype(have, want, op="linalg.vector_norm"):
    """vector_norm's (and matrix_norm's) dtype=: the same kind (real or complex) as the input, and no narrowing."""
    def title(d):
        return _DTYPE_TITLE.get(d.name, d.name) if hasattr(d, "name") else str(d)
    if have.is_complex != want.is_complex:
        kind = "complex" if have.is_complex else "real"
        raise RuntimeError(f"{op}: dtype should be {kind} for {kind} inputs, but got {title(want)}")
    if _C.promote_types(have, want) != want:
        raise RuntimeError(f"{op}: the dtype of the input ({title(have)}) should be convertible without narrowing to "
                           f"the specified dtype ({title(want)})")


def _matrix_dims(A, dim, op):
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    d0, d1 = (d % A.dim() for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    op = "linalg.matrix_norm"
    d0, d1 = _matrix_dims(A, dim, op)
    if dtype is not None and isinstance(A, _C.Tensor):
        _check_norm_dtype(A.dtype, dtype, op)
    # float16 / bfloat16 as PyTorch: every order but the singular-value ones (nuc, 2, -2)
    singular = ord in ("nuc", 2, -2)
    if singular or not A.is_complex():  # the other orders are sums and maxima of |a_ij|, complex included
        _check_float(A if dtype is None else A.to(dtype), op, low_precision=not singular)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return _out(vector_norm(A, 2, (d0, d1), keepdim), out, exact=True, composite=True)
    if ord in ("nuc", 2, -2):
        # the singular values of the (d0, d1) matrices
        perm = [d for d in range(A.dim()) if d not in (d0, d1)] + [d0, d1]
        s = svdvals(A.permute(*perm))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return _out(r, out, exact=True, composite=True)
    if ord in (1, -1, math.inf, -math.inf):
        # 1: the largest column sum; inf: the largest row sum
        sum_dim, max_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=keepdim)
        if not keepdim and max_dim > sum_dim:
            max_dim -= 1
        r = s.amax(max_dim, keepdim=keepdim) if ord > 0 else s.amin(max_dim, keepdim=keepdim)
        return _out(r, out, exact=True, composite=True)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and ord is not None and A.dim() == 2):
        if dim is None:
            if A.dim() != 2:
                raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                                   f"Got {A.dim()}D.")
            dim = (-2, -1)
        return _out(matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype), out, exact=True,
                    composite=True)
    if dim is None and ord is not None and A.dim() != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.dim()}D.")
    return _out(vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype), out, exact=True, composite=True)


def cond(A, p=None, *, out=None):
    _check_matrix(A, "linalg.cond")
    if A.numel() == 0:  # PyTorch's condition number of empty matrices is 0 (a real dtype)
        real = _C.empty([0], A.dtype).abs().dtype
        return _out(_torch().zeros(list(A.shape[:-2]), dtype=real), out, composite=True)
    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p in (None, 2) else s[..., -1] / s[..., 0]
        return _out(r, out, composite=True)
    return _out(matrix_norm(A, p) * matrix_norm(inv(A), p), out, composite=True)


# ---------------------------------------------------------------- products and functions of matrices
def matrix_power(A, n, *, out=None):
    _check_matrix(A, "linalg.matrix_power", square=True, float_=False)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if n == 0:
        return _out(_torch().eye(A.shape[-1], dtype=A.dtype).expand(*A.shape).clone(), out)
    if n < 0:
        A, n = inv(A), -n
    # binary powering, as PyTorch: A^n from the squares A, A^2, A^4, ...
    result, z = None, A
    while True:
        if n & 1:
            result = z if result is None else result @ z
        n >>= 1
        if n == 0:
            return _out(result, out, exact=True)
        z = z @ z


def cross(input, other, *, dim=-1, out=None):
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.dtype.name == "bool" or other.dtype.name == "bool":
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    n = max(input.dim(), 1)
    if not isinstance(dim, int) or not -n <= dim < n:
        _C._parse_int(dim, "linalg_cross", "dim")
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    # each input's own length along dim, before broadcasting (a size-1 dim does not broadcast to 3)
    if (input.shape[dim] if input.dim() else 0) != 3 or (other.shape[dim] if other.dim() else 0) != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim] if input.dim() else 0} "
                           f"and {other.shape[dim] if other.dim() else 0}")
    x, y = _torch().broadcast_tensors(input, other)
    from ._composites import cross as _cross
    return _out(_cross(x, y, dim), out, exact=True)


def multi_dot(tensors, *, out=None):
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    if first.dim() not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.dim()}D")
    if last.dim() not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.dim()}D")
    for i, t in enumerate(tensors[1:-1], 1):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    mats = [first.unsqueeze(0) if first.dim() == 1 else first] + tensors[1:-1] +         [last.unsqueeze(-1) if last.dim() == 1 else last]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {tuple(tensors[i].shape)} and "
                               f"{tuple(tensors[i + 1].shape)} cannot be multiplied")
    result = _chain(mats, _chain_order([m.shape[0] for m in mats] + [mats[-1].shape[1]]), 0, len(mats) - 1)
    shape = [s for s, keep in ((result.shape[0], first.dim() == 2), (result.shape[1], last.dim() == 2)) if keep]
    return _out(result.view(tuple(shape)), out, exact=True)  # PyTorch's result is a view (ViewBackward0)


def _chain_order(p):
    """The classic matrix-chain dynamic programme: split[i][j] for matrices i..j."""
    k = len(p) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = None
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + p[i] * p[s + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    s = split[i][j]
    return _chain(mats, split, i, s).mm(_chain(mats, split, s + 1, j))


@grad_fn_named("LinalgMatrixExpBackward0")
def _matrix_exp(A):
    # Scaling and squaring: exp(A) = exp(A / 2^s)^(2^s) with ||A / 2^s||_1 <= 1/2,
    # where an 18-term Taylor series is exact to double precision (0.5^19 / 19! ~ 1e-23).
    # Every matrix of the batch gets its own s; the squarings past a matrix's s keep it.
    with _no_grad():
        norms = A.detach().abs().sum(-2).amax(-1).reshape(-1).tolist()
    steps = [builtins.max(0, math.ceil(math.log2(v / 0.5))) if v > 0.5 and math.isfinite(v) else 0 for v in norms]
    batch = tuple(A.shape[:-2])
    s = _torch().tensor(steps, dtype=_torch().int64).reshape(*batch, 1, 1) if batch else _torch().tensor(steps[0])
    X = A * (0.5 ** s.to(A.dtype))
    eye = _eye_like(A)
    E = eye
    for k in range(18, 0, -1):  # Horner: I + X/1 (I + X/2 (I + ... (I + X/18)))
        E = eye + (X @ E) / k
    for i in range(builtins.max(steps) if steps else 0):
        E = _torch().where(s > i, E @ E, E)
    return E


def matrix_exp(A):
    _check_matrix(A, "linalg.matrix_exp", square=True)
    if A.shape[-1] == 0:
        return A.clone()
    return _matrix_exp(A)


def matmul(input, other, *, out=None):
    return _out(_torch().matmul(input, other), out, exact=True)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


def vecdot(x, y, *, dim=-1, out=None):
    """sum(conj(x) * y) over dim: the first argument is conjugated (a no-op for real x), as PyTorch's."""
    if isinstance(x, _C.Tensor) and isinstance(y, _C.Tensor) and x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_DTYPE_TITLE.get(x.dtype.name)} and y of type {_DTYPE_TITLE.get(y.dtype.name)} instead")
    if isinstance(x, _C.Tensor) and isinstance(y, _C.Tensor) and x.dim() == 1 and y.dim() == 1 \
            and x.shape[0] != y.shape[0]:  # two vectors go to PyTorch's dot, which does not broadcast
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to have "
                           f"the same number of elements, but got {x.shape[0]} and {y.shape[0]} elements respectively")
    if isinstance(x, _C.Tensor) and x.is_complex():
        x = x.conj()
    return _out((x * y).sum(dim), out, exact=True)


# ---------------------------------------------------------------- helpers
def _no_grad():
    from .autograd import no_grad
    return no_grad()


@grad_fn_named("LinalgHouseholderProductBackward0")
def _householder_product(A, tau):
    # Q = H_1 H_2 ... H_k applied to the first n columns of the identity, from
    # the right end: H_i = I - tau_i v_i v_i^T, v_i = (0 (i times), 1, A[i+1:, i]).
    # Written with differentiable ops, so gradients (and their gradients) follow.
    torch = _torch()
    m, n = A.shape[-2], A.shape[-1]
    rows = torch.arange(m).unsqueeze(-1)  # (m, 1)
    Q = torch.eye(m, n, dtype=A.dtype).expand(*A.shape[:-2], m, n)
    for i in reversed(range(tau.shape[-1])):
        v = torch.where(rows < i, torch.zeros([], dtype=A.dtype),
                        torch.where(rows == i, torch.ones([], dtype=A.dtype), A[..., :, i:i + 1]))  # (..., m, 1)
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.transpose(-2, -1) @ Q))
    return Q


def householder_product(A, tau, *, out=None):
    """The first n columns of the product of the k Householder reflectors that
    LAPACK's geqrf stores in A (below its diagonal) and tau (orgqr)."""
    op = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if tau.dim() and A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dim() != A.dim() - 1 or tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if A.dtype != tau.dtype:
        raise RuntimeError(f"{op}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")
    _check_float(A, op)
    return _out(_householder_product(A, tau), out)


# ---------------------------------------------------------------- LDL^T
_ldl_factor_ex_t = _rt("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
_ldl_factor_t = _rt("linalg_ldl_factor", ("LD", "pivots"))


class _LdlFactor(Function):
    """PyTorch has no derivative for ldl_factor: its node raises in backward."""
    _node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, A):
        return _C._lapack_ldl_factor(A)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented")


def _check_ldl_input(A, op):
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    _check_float(A, op)


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """LDL^T with Bunch-Kaufman pivoting of A's lower triangle (LAPACK sytrf):
    (LD, pivots, info) as PyTorch; hermitian is the same for real inputs."""
    _check_ldl_input(A, "torch.linalg.ldl_factor_ex")
    if _needs_grad(A):
        LD, piv, info = _LdlFactor.apply(A)
    else:
        LD, piv, info = _C._lapack_ldl_factor(A)
    if check_errors:
        bad = _first_failure(info)
        if bad is not None:  # PyTorch 2.13 reports an exactly singular D this way
            raise RuntimeError(f"false INTERNAL ASSERT FAILED: torch.linalg.ldl_factor: Unknown error code: "
                               f"{bad[1]}.")
    i32 = _torch().int32
    result = _ldl_factor_ex_t(LD, piv.to(i32), info.to(i32))
    return result if out is None else _out_tuple(result, out, _ldl_factor_ex_t)


def ldl_factor(A, *, hermitian=False, out=None):
    LD, piv, _ = ldl_factor_ex(A, hermitian=hermitian, check_errors=True)
    result = _ldl_factor_t(LD, piv)
    return result if out is None else _out_tuple(result, out, _ldl_factor_t)


class _LdlSolve(Function):
    """PyTorch has no derivative for ldl_solve: its node raises in backward."""
    _node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, LD, pivots, B):
        return _C._lapack_ldl_solve(LD, pivots, B)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented")


_SCALAR_TYPE = _DTYPE_TITLE


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """X with A X = B, from ldl_factor's (LD, pivots) (LAPACK sytrs)."""
    _check_ldl_input(LD, "torch.linalg.ldl_solve")
    if B.dim() < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-{max(B.dim(), 1)}, "
                         f"{max(B.dim(), 1) - 1}], but got -2)")
    if B.dtype != LD.dtype:
        name = lambda t: _SCALAR_TYPE.get(str(t.dtype).split(".")[-1], str(t.dtype))  # noqa: E731
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {name(B)} and A of type "
                           f"{name(LD)} instead.")
    if LD.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is "
                           f"{LD.shape[-2]} by {LD.shape[-1]} but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    torch = _torch()
    batch = list(torch.broadcast_shapes(tuple(LD.shape[:-2]), tuple(B.shape[:-2])))
    LDb = LD.expand(*batch, *LD.shape[-2:])
    pb = pivots.expand(*batch, pivots.shape[-1])
    Bb = B.expand(*batch, *B.shape[-2:])
    if _needs_grad(LDb, Bb):
        return _out(_LdlSolve.apply(LDb, pb, Bb), out)
    return _out(_C._lapack_ldl_solve(LDb, pb, Bb), out)


def _out_tuple(result, out, kind):
    """Writes a factorization's results into the caller's out= tensors (PyTorch returns the out tuple)."""
    if out is None:
        return result
    if not isinstance(out, (tuple, list)) or len(out) != len(result):
        given = type(out).__name__ if not isinstance(out, (tuple, list)) else f"a {len(out)}-tuple"
        raise TypeError(f"argument 'out' must be a tuple of {len(result)} Tensors, not {given}")
    for r, o in zip(result, out):
        from ._out import write_out
        write_out("linalg", r, o)
    # PyTorch's out= overloads return their own structseq type (torch.return_types.linalg_qr_out).
    out_kind = _OUT_KINDS.get(kind)
    if out_kind is None:
        out_kind = _OUT_KINDS[kind] = _rt(kind.__name__ + "_out", kind._fields)
    return out_kind(*out)


_OUT_KINDS = {}


def _out(result, out, exact=False, name="linalg", composite=False):
    """Writes `result` into the caller's out= (Note [out= semantics]). Most linalg ops are PyTorch structured
    kernels whose out must have the result's dtype exactly (`exact`); the composite ones (pinv, cond,
    tensorinv, ...) only need it castable. PyTorch's CompositeImplicit ones (`composite`: norm, matrix_norm,
    cond, tensorinv) take an input that requires grad, and their out records the copy (CopyBackwards)."""
    if out is None:
        return result
    from ._out import write_out
    if not isinstance(out, _C.Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if composite and result.requires_grad and not out.requires_grad and _C.is_grad_enabled():
        if exact and out.dtype != result.dtype:
            from ._out_variants import _expect
            _expect(out, result.dtype)
        write_out(name, result.detach(), out)  # the checks, the resize, the values
        out.copy_(result)  # again, recorded: out's history is the copy, as PyTorch's
        return out
    if _C.is_grad_enabled() and (out.requires_grad or result.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if exact and out.dtype != result.dtype:
        from ._out_variants import _expect
        _expect(out, result.dtype)
    return write_out(name, result, out)


# ---------------------------------------------------------------- LU family
def _permutation(pivots, m, dtype):
    """P with A = P L U from LAPACK's 1-based row swaps (..., k)."""
    batch = tuple(pivots.shape[:-1])
    rows = []
    n_batch = math.prod(batch)
    # (no pivots at all, k = 0: an empty matrix; reshape(-1, 0) would be ambiguous)
    for piv in pivots.reshape(n_batch, pivots.shape[-1]).tolist() if pivots.numel() else [[]] * n_batch:
        perm = list(range(m))
        for i, p in enumerate(piv):
            perm[i], perm[p - 1] = perm[p - 1], perm[i]
        rows.append(perm)
    perm = _torch().tensor(rows, dtype=_torch().int64).reshape(*batch, m)
    # row i of P^T A is row perm[i] of A: P^T = I[perm]
    return _torch().eye(m, dtype=dtype)[perm].mT


def _unpack_lu(LU):
    m, n = LU.shape[-2], LU.shape[-1]
    k = builtins.min(m, n)
    L = LU[..., :, :k].tril(-1) + _torch().eye(m, k, dtype=LU.dtype)
    U = LU[..., :k, :].triu()
    return L, U


def _lu_backward_square(gL, gU, L, U, P=None):
    """PyTorch's linalg_lu_backward for square A = P L U:
    gA = P L^{-H} [tril(L^H gL, -1) + triu(gU U^H)] U^{-H}, by triangular solves
    (a singular U gives inf/nan, as PyTorch's)."""
    phi = (L.mH @ gL).tril(-1) + (gU @ U.mH).triu()
    X = _trsolve(L.mH, phi, True, True, True)  # L^{-H} phi (L^H unit upper)
    gA = _trsolve(U.mH, X, False, False, False)  # ... U^{-H} (U^H lower)
    return gA if P is None else P @ gA


class _LuFactor(Function):
    _node_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, A):
        LU, piv, info = _C._lapack_lu_factor(A)
        ctx.save_for_backward(LU, piv)
        return LU, piv, info  # Note [Info as an output]

    @staticmethod
    def backward(ctx, gLU, _g_piv=None, _g_info=None):
        LU, piv = ctx.saved_tensors
        if LU.shape[-1] != LU.shape[-2]:
            raise NotImplementedError("linalg.lu_factor: the derivative for non-square matrices is not implemented "
                                      "in tensorcore yet; use a square input")
        L, U = _unpack_lu(LU)
        return (_permutation(piv, LU.shape[-2], LU.dtype) @ _lu_backward_square(gLU.tril(-1), gLU.triu(), L, U),)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    _check_matrix(A, "torch.linalg.lu_factor_ex")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    LU, piv, info = _LuFactor.apply(A)
    if check_errors:
        _raise_on_info(info, A, "torch.linalg.lu_factor_ex", lambda v: f"U[{v},{v}] is zero, singular U.")
    i32 = _torch().int32
    return _out_tuple(_lu_factor_ex_t(LU, piv.to(i32), info.to(i32)), out, _lu_factor_ex_t)


def lu_factor(A, *, pivot=True, out=None):
    LU, piv, info = lu_factor_ex(A, pivot=pivot)
    bad = _first_failure(info)
    if bad is not None:  # PyTorch's lu_factor refuses a singular U (lu_factor_ex returns it)
        prefix = f"(Batch element {bad[0]}): " if A.dim() > 2 else ""
        raise RuntimeError(f"torch.linalg.lu_factor: {prefix}U[{bad[1]},{bad[1]}] is zero and using it on lu_solve "
                           "would result in a division by zero. If you still want to perform the factorization, "
                           "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _out_tuple(_lu_factor_t(LU, piv), out, _lu_factor_t)


class _Lu(Function):
    _node_name = "LinalgLuBackward0"

    @staticmethod
    def forward(ctx, A):
        LU, piv, _ = _C._lapack_lu_factor(A)
        L, U = _unpack_lu(LU)
        P = _permutation(piv, A.shape[-2], A.dtype)
        ctx.save_for_backward(P, L, U)
        ctx.mark_non_differentiable(P)
        return P, L, U

    @staticmethod
    def backward(ctx, _gP, gL, gU):
        P, L, U = ctx.saved_tensors
        if L.shape[-2] != U.shape[-1]:
            raise NotImplementedError("linalg.lu: the derivative for non-square matrices is not implemented in "
                                      "tensorcore yet; use a square input")
        return (_lu_backward_square(gL, gU, L, U, P),)


def lu(A, *, pivot=True, out=None):
    _check_matrix(A, "linalg.lu")
    if not pivot:
        raise RuntimeError("linalg.lu: LU without pivoting is not implemented on the CPU")
    return _out_tuple(_lu_t(*_Lu.apply(A)), out, _lu_t)


class _LuSolve(Function):
    _node_name = "LinalgLuSolveBackward0"

    @staticmethod
    def forward(ctx, LU, pivots, B, adjoint):
        X = _C._lapack_lu_solve(LU, pivots, B, adjoint)
        ctx.adjoint = adjoint
        ctx.save_for_backward(LU, pivots, X)
        return X

    @staticmethod
    def backward(ctx, g):
        LU, piv, X = ctx.saved_tensors
        # X = A^{-1} B (A^{-H} B when adjoint) with A = P L U: gB solves the other system,
        # gA = -gB X^H (or -X gB^H), and gLU follows through A = P L U (PyTorch's
        # linalg_lu_solve_LU): gL = tril(P^T gA U^H, -1), gU = triu(L^H P^T gA).
        gB = lu_solve(LU, piv, g, adjoint=not ctx.adjoint)
        gA = -(X @ gB.mH) if ctx.adjoint else -(gB @ X.mH)
        L, U = _unpack_lu(LU)
        PtgA = _permutation(piv, LU.shape[-2], LU.dtype).mT @ gA
        gLU = (PtgA @ U.mH).tril(-1) + (L.mH @ PtgA).triu()
        return gLU, None, gB, None


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    _check_matrix(LU, "linalg.lu_solve", square=True)
    if not left:  # X A = B  <=>  A^H X^H = B^H
        X = lu_solve(LU, pivots, B.mH, adjoint=not adjoint).mH
        if X.requires_grad:  # Note [Composite node names]: one node, as PyTorch's
            _C._rename_grad_fn(X, "LinalgLuSolveBackward0", [LU, B])
        return _out(X, out)
    LU2, B2 = _batch_broadcast(LU, B, 2)
    piv2 = pivots.expand(*LU2.shape[:-2], pivots.shape[-1])
    return _out(_LuSolve.apply(LU2, piv2, B2, adjoint), out)


class _SolveTriangular(Function):
    """X with A X = B (X A = B when not left) by BLAS trsm, reading only A's
    `upper` or lower triangle (and not its diagonal when unitriangular). No
    singularity check: a zero on the diagonal gives inf/nan, as PyTorch's."""
    _node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, A, B, upper, left, unitriangular):
        X = _C._lapack_triangular_solve(A, B, upper, left, unitriangular)
        ctx.flags = (upper, left, unitriangular)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, g):
        A, X = ctx.saved_tensors
        upper, left, unitriangular = ctx.flags
        # PyTorch's linalg_solve_triangular backward: gB solves the adjoint system
        # (A^H is triangular the other way), gA = -gB X^H (left) or -X^H gB, kept to
        # the triangle that was read.
        gB = _trsolve(A.mH, g, not upper, left, unitriangular)
        gA = -(gB @ X.mH) if left else -(X.mH @ gB)
        gA = gA.triu(1 if unitriangular else 0) if upper else gA.tril(-1 if unitriangular else 0)
        return gA, gB, None, None, None


def _trsolve(A, B, upper, left, unitriangular):
    """The differentiable triangular solve (the backward formulas use it, so
    their results are differentiable again: double backward)."""
    return _SolveTriangular.apply(A, B, upper, left, unitriangular)



def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with A X = B (X A = B when not left), A triangular; batch dims broadcast."""
    op = "linalg.solve_triangular"
    _C._parse_bool(upper, "linalg_solve_triangular", "upper")  # keyword-only and required: a bool (TypeError)
    if not isinstance(B, _C.Tensor):
        raise TypeError(f"{op}(): argument 'B' must be Tensor, not {type(B).__name__}")
    _check_matrix(A, op, float_=False)
    if B.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if A.dtype.name not in _EPS:
        raise NotImplementedError(f'"triangular_solve_cpu" not implemented for \'{_DTYPE_TITLE.get(A.dtype.name)}\'')
    if B.dtype != A.dtype:
        B = B.to(A.dtype)  # PyTorch solves in A's dtype whatever B's is
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    k = B.shape[-2] if left else B.shape[-1]
    if A.shape[-1] != k:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    A2, B2 = (A, B) if A.dim() == B.dim() == 2 else _batch_broadcast(A, B, 2)
    if out is None and not _needs_grad(A2, B2):  # no node to record: the LAPACK call alone
        return _C._lapack_triangular_solve(A2, B2, upper, left, unitriangular)
    return _out(_trsolve(A2, B2, upper, left, unitriangular), out, exact=True)


def vander(x, *, N=None):
    if x.dim() < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    if x.dtype.name == "bool":
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, but got Bool")
    n = x.shape[-1] if N is None else _C._parse_int(N, "linalg_vander", "N")
    if n <= 1:  # PyTorch refuses N of 0 and 1 too (a length-1 x without N included)
        raise RuntimeError("N must be greater than 1.")
    # columns x^0, x^1, ..., x^(N-1): a cumulative product (PyTorch's CatBackward0)
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    return _torch().cat([_torch().ones(*x.shape, 1, dtype=x.dtype), powers], -1)


def tensorinv(A, ind=2, *, out=None):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    nr, nc = math.prod(rows), math.prod(cols)
    if nr != nc:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {nc} != {nr}")
    return _out(inv(A.reshape(nr, nc)).reshape(*cols, *rows), out, composite=True)


def tensorsolve(A, B, dims=None, *, out=None):
    if dims is not None:
        dims = [d % A.dim() for d in dims]
        A = A.permute(*[d for d in range(A.dim()) if d not in dims], *dims)
    rest = tuple(A.shape[B.dim():])
    nr, nc = B.numel(), math.prod(rest)
    if nr != nc:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {nc} != {nr}")
    return _out(solve(A.reshape(nr, nc), B.reshape(nr)).reshape(*rest), out)
