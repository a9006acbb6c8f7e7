#pragma once
// Decompositions and solvers on LAPACK (ops/linalg_lapack.cpp): batched over
// leading dims, float32/float64/complex64/complex128 (LDL: real only), no
// autograd recording. tensorcore.linalg
// (src/tensorcore/linalg.py) builds PyTorch's API, errors and gradients on
// these; each returns LAPACK's per-matrix `info` (int64, batch shape) instead
// of raising, so the Python layer can word PyTorch's LinAlgError.
// Matrix results have column-major strides, as PyTorch's LAPACK results do.
#include <tuple>

#include "ops/ops.h"

namespace tc::ops {

bool lapack_available();
// LU with partial pivoting of (..., m, n): (LU, pivots (..., min(m, n)) int64 1-based, info).
std::tuple<Tensor, Tensor, Tensor> lapack_lu_factor(const Tensor& a);
// X with A X = B (A^H X = B when trans) from lapack_lu_factor of a square A;
// b is (..., n, k) with the same batch dims.
Tensor lapack_lu_solve(const Tensor& lu, const Tensor& pivots, const Tensor& b, bool trans);
// (L or U, info); the other triangle is zero.
std::tuple<Tensor, Tensor> lapack_cholesky(const Tensor& a, bool upper);
// (Q, R): Q (..., m, q), R (..., q, n) with q = m when complete, else min(m, n);
// Q is an empty (0,) tensor when !compute_q.
std::tuple<Tensor, Tensor> lapack_qr(const Tensor& a, bool complete, bool compute_q);
// (eigenvalues ascending, eigenvectors (empty (0,) when !vectors), info).
std::tuple<Tensor, Tensor, Tensor> lapack_eigh(const Tensor& a, bool upper, bool vectors);
// (U, S, Vh, info); U and Vh are empty (0,) tensors when !compute_uv.
std::tuple<Tensor, Tensor, Tensor, Tensor> lapack_svd(const Tensor& a, bool full_matrices, bool compute_uv);
// Minimum-norm least squares of (..., m, n) A and (..., m, k) B:
// (X (..., n, k), rank (...) int64, singular values (..., min(m, n)), info).
std::tuple<Tensor, Tensor, Tensor, Tensor> lapack_lstsq(const Tensor& a, const Tensor& b, double rcond);
// General eigendecomposition of square (..., n, n): (eigenvalues (..., n),
// right eigenvectors (..., n, n) (empty (0,) when !vectors), info), both
// complex of the input's precision.
std::tuple<Tensor, Tensor, Tensor> lapack_eig(const Tensor& a, bool vectors);
// X with A X = B (left) or X A = B, A triangular (only its `upper` or lower
// triangle read; unit diagonal assumed when unitriangular); A and B share
// batch dims and dtype. A singular A gives inf/nan, not an error.
Tensor lapack_triangular_solve(const Tensor& a, const Tensor& b, bool upper, bool left, bool unitriangular);

// LDL^T of the lower triangle of (..., n, n): (LD (strict upper triangle zero),
// pivots (..., n) int64 as LAPACK's sytrf, info).
std::tuple<Tensor, Tensor, Tensor> lapack_ldl_factor(const Tensor& a);
// X with A X = B from lapack_ldl_factor; b (..., n, k) with the same batch dims.
Tensor lapack_ldl_solve(const Tensor& ld, const Tensor& pivots, const Tensor& b);

}  // namespace tc::ops
