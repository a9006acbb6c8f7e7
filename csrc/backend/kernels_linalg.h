#pragma once
// Matrix decompositions and solvers (the LAPACK family): thin batched wrappers
// over OpenBLAS's LAPACK from the scipy-openblas64 wheel (cpu/lapack.cpp).
//
// Note [LAPACK buffers]
// Every matrix argument is a batch of `batch` column-major matrices stored back
// to back, each with leading dimension equal to its row count (the ops layer
// builds them as the row-major transpose). Results are written in place or into
// caller-allocated buffers of the stated sizes. `info` receives LAPACK's info
// per batch element (0: success; >0: the routine's failure index, which the
// Python layer turns into PyTorch's LinAlgError message). No routine throws for
// numerical failure: only for a build without LAPACK.
//
// Element types: float32, float64, complex64 and complex128 (Note [One
// algorithm, four precisions] in cpu/lapack.cpp). For a complex dt, results
// that are real by definition (eigh's w, svd's and lstsq's s) are buffers of
// the matching real type, and the symmetric routines are Hermitian (potrf,
// heevd); ldl stays symmetric (sytrf) in every precision.
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// False when tensorcore was built without scipy-openblas64 (every routine
// below then raises RuntimeError).
bool have_lapack();

// LU with partial pivoting (getrf): a [m, n] is overwritten by L\U; piv gets
// min(m, n) 1-based row swaps.
void lu_factor(DType dt, int64_t batch, int64_t m, int64_t n, void* a, int64_t* piv, int64_t* info);
// Solves A X = B (trans: A^H X = B, the transpose for real A) from lu_factor's output; b [n, nrhs] in place.
void lu_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* lu, const int64_t* piv, void* b,
              bool trans);
// Cholesky (potrf) of the `upper` (or lower) triangle; the other triangle is zeroed.
void cholesky(DType dt, int64_t batch, int64_t n, void* a, bool upper, int64_t* info);
// QR (geqrf + orgqr) of a [m, n]: q [m, qcols] (qcols = m when complete, else
// min(m, n); not written when q is null), r [qcols, n] upper triangular.
void qr(DType dt, int64_t batch, int64_t m, int64_t n, const void* a, void* q, void* r, bool complete);
// Symmetric eigendecomposition (syevd) reading the `upper` (or lower) triangle:
// w [n] ascending, a overwritten by the eigenvectors when vectors.
void eigh(DType dt, int64_t batch, int64_t n, void* a, void* w, bool upper, bool vectors, int64_t* info);
// SVD by divide and conquer (gesdd); a [m, n] is destroyed. s [min(m, n)],
// u [m, ucols], vt [vrows, n] with ucols = vrows = min(m, n), or m and n when
// full. u and vt are ignored when null (singular values only).
void svd(DType dt, int64_t batch, int64_t m, int64_t n, void* a, void* s, void* u, void* vt, bool full, int64_t* info);
// Minimum-norm least squares (gelsd): a [m, n] destroyed, b [max(m, n), nrhs]
// holds B on entry and the solution in its first n rows on exit; s
// [min(m, n)] the singular values, rank the effective rank (rcond < 0: machine precision).
void lstsq(DType dt, int64_t batch, int64_t m, int64_t n, int64_t nrhs, void* a, void* b, double rcond, void* s,
           int64_t* rank, int64_t* info);
// General eigendecomposition (geev, right eigenvectors): a [n, n] is destroyed;
// w [n] and v [n, n] (not written when null) are complex of a's precision,
// each eigenvector of unit 2-norm with its largest component real (LAPACK's
// normalization, which PyTorch's linalg.eig keeps).
void eig(DType dt, int64_t batch, int64_t n, void* a, void* w, void* v, int64_t* info);
// Triangular solve (BLAS trsm): b [m, k] is overwritten by X with A X = B
// (left; A [m, m]) or X A = B (A [k, k]), reading only A's upper or lower
// triangle and, when unitriangular, taking its diagonal as ones. No
// singularity check: a zero pivot gives inf/nan, as PyTorch's. With
// a_transposed the buffer `a` holds A^T column-major (A row-major: no copy),
// and `upper` still describes A.
void triangular_solve(DType dt, int64_t batch, int64_t m, int64_t k, const void* a, void* b, bool upper, bool left,
                      bool unitriangular, bool a_transposed = false);

// Symmetric indefinite LDL^T with Bunch-Kaufman pivoting (sytrf) of the lower
// triangle: a [n, n] is overwritten by the compact factor (the strict upper
// triangle zeroed), piv [n] gets LAPACK's 1-based pivots (negative for 2x2 blocks).
void ldl_factor(DType dt, int64_t batch, int64_t n, void* a, int64_t* piv, int64_t* info);
// Solves A X = B from ldl_factor's output (sytrs); b [n, nrhs] in place.
void ldl_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* ld, const int64_t* piv, void* b);

}  // namespace tc::kernels
