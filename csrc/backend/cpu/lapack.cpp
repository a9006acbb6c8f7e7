// LAPACK calls for backend/kernels_linalg.h (Note [LAPACK buffers]).
//
// Note [scipy-openblas64 symbols]
// The scipy-openblas64 wheel ships OpenBLAS built with 64-bit integers and
// every symbol renamed scipy_<name>_64_ (so it never clashes with another
// BLAS in the process, NumPy's own copy included). We declare the handful of
// Fortran routines we call ourselves rather than include its lapack.h, whose
// name mangling depends on macros set by its pkg-config file: the Fortran ABI
// below (pointers everywhere, hidden string lengths appended) is what the
// library exports. Workspace sizes come from each routine's lwork = -1 query.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "backend/kernels_linalg.h"
#include "core/complex.h"
#include "core/error.h"

namespace tc::kernels {

#ifdef TC_HAVE_LAPACK
using lint = int64_t;  // Fortran INTEGER in an ILP64 build
using cfloat = Complex<float>;
using cdouble = Complex<double>;

extern "C" {
// Routines whose Fortran signature is the same in all four precisions.
#define TC_LAPACK_DECL_ANY(T, p)                                                                                      \
  void scipy_##p##getrf_64_(const lint* m, const lint* n, T* a, const lint* lda, lint* ipiv, lint* info);             \
  void scipy_##p##getrs_64_(const char* tr, const lint* n, const lint* nrhs, const T* a, const lint* lda,             \
                            const lint* ipiv, T* b, const lint* ldb, lint* info, size_t);                             \
  void scipy_##p##potrf_64_(const char* uplo, const lint* n, T* a, const lint* lda, lint* info, size_t);              \
  void scipy_##p##geqrf_64_(const lint* m, const lint* n, T* a, const lint* lda, T* tau, T* work, const lint* lwork,  \
                            lint* info);                                                                              \
  void scipy_##p##sytrf_64_(const char* uplo, const lint* n, T* a, const lint* lda, lint* ipiv, T* work,              \
                            const lint* lwork, lint* info, size_t);                                                   \
  void scipy_##p##sytrs_64_(const char* uplo, const lint* n, const lint* nrhs, const T* a, const lint* lda,           \
                            const lint* ipiv, T* b, const lint* ldb, lint* info, size_t);                             \
  void scipy_##p##trsm_64_(const char* side, const char* uplo, const char* transa, const char* diag, const lint* m,   \
                           const lint* n, const T* alpha, const T* a, const lint* lda, T* b, const lint* ldb, size_t, \
                           size_t, size_t, size_t);
// Real-only routines (their complex counterparts take real workspaces or have other names).
#define TC_LAPACK_DECL_REAL(T, p)                                                                                      \
  void scipy_##p##orgqr_64_(const lint* m, const lint* n, const lint* k, T* a, const lint* lda, const T* tau, T* work, \
                            const lint* lwork, lint* info);                                                            \
  void scipy_##p##syevd_64_(const char* jobz, const char* uplo, const lint* n, T* a, const lint* lda, T* w, T* work,   \
                            const lint* lwork, lint* iwork, const lint* liwork, lint* info, size_t, size_t);           \
  void scipy_##p##gesdd_64_(const char* jobz, const lint* m, const lint* n, T* a, const lint* lda, T* s, T* u,         \
                            const lint* ldu, T* vt, const lint* ldvt, T* work, const lint* lwork, lint* iwork,         \
                            lint* info, size_t);                                                                       \
  void scipy_##p##gelsd_64_(const lint* m, const lint* n, const lint* nrhs, T* a, const lint* lda, T* b,               \
                            const lint* ldb, T* s, const T* rcond, lint* rank, T* work, const lint* lwork,             \
                            lint* iwork, lint* info);                                                                  \
  void scipy_##p##geev_64_(const char* jobvl, const char* jobvr, const lint* n, T* a, const lint* lda, T* wr, T* wi,   \
                           T* vl, const lint* ldvl, T* vr, const lint* ldvr, T* work, const lint* lwork, lint* info,   \
                           size_t, size_t);
// Complex-only routines: R is the matching real type (singular values, eigenvalues of Hermitian matrices, rwork).
#define TC_LAPACK_DECL_COMPLEX(T, R, p)                                                                                \
  void scipy_##p##ungqr_64_(const lint* m, const lint* n, const lint* k, T* a, const lint* lda, const T* tau, T* work, \
                            const lint* lwork, lint* info);                                                            \
  void scipy_##p##heevd_64_(const char* jobz, const char* uplo, const lint* n, T* a, const lint* lda, R* w, T* work,   \
                            const lint* lwork, R* rwork, const lint* lrwork, lint* iwork, const lint* liwork,          \
                            lint* info, size_t, size_t);                                                               \
  void scipy_##p##gesdd_64_(const char* jobz, const lint* m, const lint* n, T* a, const lint* lda, R* s, T* u,         \
                            const lint* ldu, T* vt, const lint* ldvt, T* work, const lint* lwork, R* rwork,            \
                            lint* iwork, lint* info, size_t);                                                          \
  void scipy_##p##gelsd_64_(const lint* m, const lint* n, const lint* nrhs, T* a, const lint* lda, T* b,               \
                            const lint* ldb, R* s, const R* rcond, lint* rank, T* work, const lint* lwork, R* rwork,   \
                            lint* iwork, lint* info);                                                                  \
  void scipy_##p##geev_64_(const char* jobvl, const char* jobvr, const lint* n, T* a, const lint* lda, T* w, T* vl,    \
                           const lint* ldvl, T* vr, const lint* ldvr, T* work, const lint* lwork, R* rwork,            \
                           lint* info, size_t, size_t);
TC_LAPACK_DECL_ANY(float, s)
TC_LAPACK_DECL_ANY(double, d)
TC_LAPACK_DECL_ANY(cfloat, c)
TC_LAPACK_DECL_ANY(cdouble, z)
TC_LAPACK_DECL_REAL(float, s)
TC_LAPACK_DECL_REAL(double, d)
TC_LAPACK_DECL_COMPLEX(cfloat, float, c)
TC_LAPACK_DECL_COMPLEX(cdouble, double, z)
#undef TC_LAPACK_DECL_ANY
#undef TC_LAPACK_DECL_REAL
#undef TC_LAPACK_DECL_COMPLEX
void scipy_openblas_set_num_threads64_(int n);
}

namespace {

// Note [One algorithm, four precisions]
// Lapack<T> gives every routine one C++ signature for float, double,
// complex64 and complex128, so each algorithm below is written once. The
// routines whose complex form differs (orgqr/ungqr by name; syevd/heevd,
// gesdd and gelsd by an extra real workspace `rwork`) take that workspace in
// every precision and the real ones ignore it. geev differs in its outputs
// (wr/wi pairs against complex w) and is handled in eig_t with if constexpr.
template <typename T> struct Lapack;
#define TC_LAPACK_TRAITS_ANY(p)                                                      \
  template <typename... A> static void getrf(A... a) { scipy_##p##getrf_64_(a...); } \
  template <typename... A> static void getrs(A... a) { scipy_##p##getrs_64_(a...); } \
  template <typename... A> static void potrf(A... a) { scipy_##p##potrf_64_(a...); } \
  template <typename... A> static void geqrf(A... a) { scipy_##p##geqrf_64_(a...); } \
  template <typename... A> static void sytrf(A... a) { scipy_##p##sytrf_64_(a...); } \
  template <typename... A> static void sytrs(A... a) { scipy_##p##sytrs_64_(a...); } \
  template <typename... A> static void trsm(A... a) { scipy_##p##trsm_64_(a...); }
#define TC_LAPACK_TRAITS_REAL(T, p)                                                                                 \
  template <> struct Lapack<T> {                                                                                    \
    using Real = T;                                                                                                 \
    TC_LAPACK_TRAITS_ANY(p)                                                                                         \
    template <typename... A> static void orthq(A... a) { scipy_##p##orgqr_64_(a...); }                              \
    static void heevd(const char* jz, const char* ul, const lint* n, T* a, const lint* lda, T* w, T* work,          \
                      const lint* lwork, T*, const lint*, lint* iwork, const lint* liwork, lint* info) {            \
      scipy_##p##syevd_64_(jz, ul, n, a, lda, w, work, lwork, iwork, liwork, info, size_t(1), size_t(1));           \
    }                                                                                                               \
    static void gesdd(const char* jz, const lint* m, const lint* n, T* a, const lint* lda, T* s, T* u,              \
                      const lint* ldu, T* vt, const lint* ldvt, T* work, const lint* lwork, T*, lint* iwork,        \
                      lint* info) {                                                                                 \
      scipy_##p##gesdd_64_(jz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info, size_t(1));             \
    }                                                                                                               \
    static void gelsd(const lint* m, const lint* n, const lint* nrhs, T* a, const lint* lda, T* b, const lint* ldb, \
                      T* s, const T* rcond, lint* rank, T* work, const lint* lwork, T*, lint* iwork, lint* info) {  \
      scipy_##p##gelsd_64_(m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork, info);                   \
    }                                                                                                               \
    template <typename... A> static void geev(A... a) { scipy_##p##geev_64_(a...); }                                \
  };
#define TC_LAPACK_TRAITS_COMPLEX(T, R, p)                                                                    \
  template <> struct Lapack<T> {                                                                             \
    using Real = R;                                                                                          \
    TC_LAPACK_TRAITS_ANY(p)                                                                                  \
    template <typename... A> static void orthq(A... a) { scipy_##p##ungqr_64_(a...); }                       \
    template <typename... A> static void heevd(A... a) { scipy_##p##heevd_64_(a..., size_t(1), size_t(1)); } \
    template <typename... A> static void gesdd(A... a) { scipy_##p##gesdd_64_(a..., size_t(1)); }            \
    template <typename... A> static void gelsd(A... a) { scipy_##p##gelsd_64_(a...); }                       \
    template <typename... A> static void geev(A... a) { scipy_##p##geev_64_(a...); }                         \
  };
TC_LAPACK_TRAITS_REAL(float, s)
TC_LAPACK_TRAITS_REAL(double, d)
TC_LAPACK_TRAITS_COMPLEX(cfloat, float, c)
TC_LAPACK_TRAITS_COMPLEX(cdouble, double, z)
#undef TC_LAPACK_TRAITS_ANY
#undef TC_LAPACK_TRAITS_REAL
#undef TC_LAPACK_TRAITS_COMPLEX

template <typename T> using real_t = typename Lapack<T>::Real;
template <typename T> constexpr bool is_cplx = is_complex_type_v<T>;

// Note [LAPACK threads]
// OpenBLAS runs its own pthread pool beside tensorcore's OpenMP pool; both
// spin while waiting, and on a machine with few cores the two pools fight
// (a 256x256 LU took 10-100x longer with both at 2 threads than with
// OpenBLAS at 1). So OpenBLAS runs single-threaded unless the user sets
// OPENBLAS_NUM_THREADS, which OpenBLAS itself reads at load time.
void configure_threads() {
  static const bool done = [] {
    if (!std::getenv("OPENBLAS_NUM_THREADS")) scipy_openblas_set_num_threads64_(1);
    return true;
  }();
  (void)done;
}

// A workspace query returns the optimal size as a floating value in work[0]
// (the real part for the complex routines).
template <typename R> lint ws(R w) { return std::max<lint>(1, static_cast<lint>(w) + 1); }
template <typename R> lint ws(Complex<R> w) { return ws(w.re); }

template <typename T> void lu_factor_t(int64_t batch, lint m, lint n, T* a, lint* piv, lint* info) {
  lint lda = std::max<lint>(1, m), k = std::min(m, n);
  if (k == 0) return;
  for (int64_t b = 0; b < batch; ++b) Lapack<T>::getrf(&m, &n, a + b * m * n, &lda, piv + b * k, info + b);
}

// trans solves with the adjoint A^H (the transpose for real matrices): the
// form every gradient formula needs.
template <typename T>
void lu_solve_t(int64_t batch, lint n, lint nrhs, const T* lu, const lint* piv, T* x, bool trans) {
  lint ld = std::max<lint>(1, n), info = 0;
  const char tr = trans ? 'C' : 'N';
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::getrs(&tr, &n, &nrhs, lu + b * n * n, &ld, piv + b * n, x + b * n * nrhs, &ld, &info, size_t(1));
}

template <typename T> void cholesky_t(int64_t batch, lint n, T* a, bool upper, lint* info) {
  lint ld = std::max<lint>(1, n);
  const char uplo = upper ? 'U' : 'L';
  for (int64_t b = 0; b < batch; ++b) {
    T* m = a + b * n * n;
    Lapack<T>::potrf(&uplo, &n, m, &ld, info + b, size_t(1));
    for (lint j = 0; j < n; ++j)  // column j: rows above (lower) or below (upper) the diagonal
      for (lint i = 0; i < n; ++i)
        if (upper ? i > j : i < j) m[i + j * n] = T(0);
  }
}

template <typename T> void qr_t(int64_t batch, lint m, lint n, const T* a, T* q, T* r, bool complete) {
  lint k = std::min(m, n), qcols = complete ? m : k, rrows = qcols;
  lint lda = std::max<lint>(1, m), info = 0;
  // The factorization runs in a buffer wide enough to become Q: m x max(n, qcols).
  lint wcols = std::max(n, qcols);
  std::vector<T> buf(static_cast<size_t>(std::max<lint>(1, m * wcols))), tau(static_cast<size_t>(std::max<lint>(1, k)));
  T wq = T(0);
  lint query = -1;
  Lapack<T>::geqrf(&m, &n, buf.data(), &lda, tau.data(), &wq, &query, &info);
  lint lwork = ws(wq);
  if (q) {
    Lapack<T>::orthq(&m, &qcols, &k, buf.data(), &lda, tau.data(), &wq, &query, &info);
    lwork = std::max(lwork, ws(wq));
  }
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t b = 0; b < batch; ++b) {
    std::memcpy(static_cast<void*>(buf.data()), a + b * m * n, sizeof(T) * m * n);
    if (m > 0 && n > 0) Lapack<T>::geqrf(&m, &n, buf.data(), &lda, tau.data(), work.data(), &lwork, &info);
    T* rb = r + b * rrows * n;
    for (lint j = 0; j < n; ++j)
      for (lint i = 0; i < rrows; ++i) rb[i + j * rrows] = (i <= j && i < m) ? buf[i + j * m] : T(0);
    if (q) {
      if (m > 0 && qcols > 0) {
        // Columns past n (complete mode, m > n) start as zeros; orgqr fills them from the reflectors.
        if (qcols > n) std::fill(buf.begin() + n * m, buf.begin() + qcols * m, T(0));
        if (k > 0)
          Lapack<T>::orthq(&m, &qcols, &k, buf.data(), &lda, tau.data(), work.data(), &lwork, &info);
        else  // no reflectors (n == 0): Q is the identity
          for (lint j = 0; j < qcols; ++j)
            for (lint i = 0; i < m; ++i) buf[i + j * m] = T(i == j ? 1 : 0);
      }
      std::memcpy(static_cast<void*>(q + b * m * qcols), buf.data(), sizeof(T) * m * qcols);
    }
  }
}

template <typename T> void eigh_t(int64_t batch, lint n, T* a, real_t<T>* w, bool upper, bool vectors, lint* info) {
  using R = real_t<T>;
  if (n == 0) return;
  const char jobz = vectors ? 'V' : 'N', uplo = upper ? 'U' : 'L';
  lint ld = n, query = -1, iq = 0;
  T wq = T(0);
  R rq = R(0);
  Lapack<T>::heevd(&jobz, &uplo, &n, a, &ld, w, &wq, &query, &rq, &query, &iq, &query, info);
  lint lwork = ws(wq), lrwork = ws(rq), liwork = std::max<lint>(1, iq);
  std::vector<T> work(static_cast<size_t>(lwork));
  std::vector<R> rwork(static_cast<size_t>(lrwork));
  std::vector<lint> iwork(static_cast<size_t>(liwork));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::heevd(&jobz, &uplo, &n, a + b * n * n, &ld, w + b * n, work.data(), &lwork, rwork.data(), &lrwork,
                     iwork.data(), &liwork, info + b);
}

template <typename T>
void svd_t(int64_t batch, lint m, lint n, T* a, real_t<T>* s, T* u, T* vt, bool full, lint* info) {
  using R = real_t<T>;
  lint k = std::min(m, n);
  if (k == 0) {  // nothing to factor; U and V^T of a full SVD are identities
    if (u && full)
      for (int64_t b = 0; b < batch; ++b)
        for (lint j = 0; j < m; ++j)
          for (lint i = 0; i < m; ++i) u[b * m * m + i + j * m] = T(i == j ? 1 : 0);
    if (vt && full)
      for (int64_t b = 0; b < batch; ++b)
        for (lint j = 0; j < n; ++j)
          for (lint i = 0; i < n; ++i) vt[b * n * n + i + j * n] = T(i == j ? 1 : 0);
    return;
  }
  const char jobz = !u ? 'N' : (full ? 'A' : 'S');
  lint ucols = full ? m : k, vrows = full ? n : k;
  lint lda = m, ldu = m, ldvt = std::max<lint>(1, vrows), query = -1;
  T wq = T(0), dummy = T(0);
  // zgesdd's real workspace (LAPACK 3.7+ sizes); unused by the real routines.
  lint lrwork = !is_cplx<T> ? 1 : !u ? 7 * k : k * std::max<lint>(5 * k + 7, 2 * std::max(m, n) + 2 * k + 1);
  std::vector<R> rwork(static_cast<size_t>(std::max<lint>(1, lrwork)));
  std::vector<lint> iwork(static_cast<size_t>(8 * k));
  Lapack<T>::gesdd(&jobz, &m, &n, a, &lda, s, u ? u : &dummy, &ldu, vt ? vt : &dummy, &ldvt, &wq, &query, rwork.data(),
                   iwork.data(), info);
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::gesdd(&jobz, &m, &n, a + b * m * n, &lda, s + b * k, u ? u + b * m * ucols : &dummy, &ldu,
                     vt ? vt + b * vrows * n : &dummy, &ldvt, work.data(), &lwork, rwork.data(), iwork.data(),
                     info + b);
}

template <typename T> void lstsq_t(int64_t batch, lint m, lint n, lint nrhs, T* a, T* bm, double rcond, real_t<T>* s,
                                   lint* rank, lint* info) {
  using R = real_t<T>;
  lint k = std::min(m, n), ldb = std::max<lint>(1, std::max(m, n)), lda = std::max<lint>(1, m), query = -1, iq = 0;
  R rc = static_cast<R>(rcond), rq = R(0);
  T wq = T(0);
  if (k == 0 || nrhs == 0) {  // gelsd's workspace query misbehaves on empty problems; the solution is zero
    for (int64_t b = 0; b < batch; ++b) rank[b] = 0;
    std::fill(bm, bm + batch * ldb * nrhs, T(0));
    return;
  }
  Lapack<T>::gelsd(&m, &n, &nrhs, a, &lda, bm, &ldb, s, &rc, rank, &wq, &query, &rq, &iq, info);
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  std::vector<R> rwork(static_cast<size_t>(ws(rq)));
  std::vector<lint> iwork(static_cast<size_t>(std::max<lint>(1, iq)));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::gelsd(&m, &n, &nrhs, a + b * m * n, &lda, bm + b * ldb * nrhs, &ldb, s + b * k, &rc, rank + b,
                     work.data(), &lwork, rwork.data(), iwork.data(), info + b);
}

template <typename T> bool all_finite(const T* a, lint count) {
  for (lint i = 0; i < count; ++i) {
    if constexpr (is_cplx<T>) {
      if (!std::isfinite(a[i].re) || !std::isfinite(a[i].im)) return false;
    } else if (!std::isfinite(a[i])) {
      return false;
    }
  }
  return true;
}

// Note [Real geev's conjugate pairs]
// The real geev returns eigenvalues as (wr, wi) and packs a complex-conjugate
// pair's eigenvectors into two real columns: v_j = x + iy and v_{j+1} = x - iy
// for columns x = vr[:, j], y = vr[:, j+1], where wi[j] > 0. They are unpacked
// into the complex results PyTorch's linalg.eig returns (its CPU kernel does
// the same).
template <typename T>
void eig_t(int64_t batch, lint n, T* a, Complex<real_t<T>>* w, Complex<real_t<T>>* v, lint* info) {
  using R = real_t<T>;
  using C = Complex<R>;
  if (n == 0) return;
  const char jobvl = 'N', jobvr = v ? 'V' : 'N';
  lint lda = n, ldvl = 1, ldvr = n, query = -1;
  T wq = T(0), dummy = T(0);
  std::vector<R> rwork(static_cast<size_t>(2 * n));
  // Real geev's packed eigenvectors (unpacked below); a complex geev writes into v directly.
  std::vector<T> vr(!is_cplx<T> && v ? static_cast<size_t>(n * n) : 1);
  std::vector<R> wr(static_cast<size_t>(n)), wi(static_cast<size_t>(n));
  if constexpr (is_cplx<T>) {
    Lapack<T>::geev(&jobvl, &jobvr, &n, a, &lda, w, &dummy, &ldvl, vr.data(), &ldvr, &wq, &query, rwork.data(), info,
                    size_t(1), size_t(1));
  } else {
    Lapack<T>::geev(&jobvl, &jobvr, &n, a, &lda, wr.data(), wi.data(), &dummy, &ldvl, vr.data(), &ldvr, &wq, &query,
                    info, size_t(1), size_t(1));
  }
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  const R nan = std::numeric_limits<R>::quiet_NaN();
  for (int64_t b = 0; b < batch; ++b) {
    T* ab = a + b * n * n;
    C* wb = w + b * n;
    C* vb = v ? v + b * n * n : nullptr;
    // geev rejects a non-finite matrix through xerbla, which prints to stderr:
    // such a matrix gets NaN results instead (linalg.eig raises before this).
    if (!all_finite(ab, n * n)) {
      std::fill(wb, wb + n, C(nan, nan));
      if (vb) std::fill(vb, vb + n * n, C(nan, nan));
      continue;
    }
    if constexpr (is_cplx<T>) {
      Lapack<T>::geev(&jobvl, &jobvr, &n, ab, &lda, wb, &dummy, &ldvl, vb ? vb : vr.data(), &ldvr, work.data(), &lwork,
                      rwork.data(), info + b, size_t(1), size_t(1));
    } else {
      Lapack<T>::geev(&jobvl, &jobvr, &n, ab, &lda, wr.data(), wi.data(), &dummy, &ldvl, vr.data(), &ldvr, work.data(),
                      &lwork, info + b, size_t(1), size_t(1));
      for (lint j = 0; j < n; ++j) wb[j] = C(wr[j], wi[j]);
      if (vb) {
        for (lint j = 0; j < n; ++j) {
          const T* x = vr.data() + j * n;
          if (wi[j] != R(0) && j + 1 < n) {  // a conjugate pair: columns j and j+1
            const T* y = x + n;
            for (lint i = 0; i < n; ++i) {
              vb[i + j * n] = C(x[i], y[i]);
              vb[i + (j + 1) * n] = C(x[i], -y[i]);
            }
            ++j;
          } else {
            for (lint i = 0; i < n; ++i) vb[i + j * n] = C(x[i], R(0));
          }
        }
      }
    }
  }
}

// a_t: the buffer holds A^T, whose triangle is the other one; trsm applies op(A^T) = A.
template <typename T>
void triangular_solve_t(int64_t batch, lint m, lint k, const T* a, T* b, bool upper, bool left, bool unit, bool a_t) {
  const char side = left ? 'L' : 'R', uplo = (upper != a_t) ? 'U' : 'L', trans = a_t ? 'T' : 'N',
             diag = unit ? 'U' : 'N';
  lint na = left ? m : k, lda = std::max<lint>(1, na), ldb = std::max<lint>(1, m);
  const T one = T(1);
  for (int64_t i = 0; i < batch; ++i)
    Lapack<T>::trsm(&side, &uplo, &trans, &diag, &m, &k, &one, a + i * na * na, &lda, b + i * m * k, &ldb, size_t(1),
                    size_t(1), size_t(1), size_t(1));
}

template <typename T> void ldl_factor_t(int64_t batch, lint n, T* a, lint* piv, lint* info) {
  lint ld = std::max<lint>(1, n), query = -1, qinfo = 0;
  const char uplo = 'L';
  T wq = T(0);
  Lapack<T>::sytrf(&uplo, &n, a, &ld, piv, &wq, &query, &qinfo, size_t(1));
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t b = 0; b < batch; ++b) {
    T* m = a + b * n * n;
    Lapack<T>::sytrf(&uplo, &n, m, &ld, piv + b * n, work.data(), &lwork, info + b, size_t(1));
    for (lint j = 0; j < n; ++j)  // the strict upper triangle (rows above the diagonal of column j)
      for (lint i = 0; i < j; ++i) m[i + j * n] = T(0);
  }
}

template <typename T> void ldl_solve_t(int64_t batch, lint n, lint nrhs, const T* ldm, const lint* piv, T* x) {
  lint ld = std::max<lint>(1, n), info = 0;
  const char uplo = 'L';
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::sytrs(&uplo, &n, &nrhs, ldm + b * n * n, &ld, piv + b * n, x + b * n * nrhs, &ld, &info, size_t(1));
}

// Calls f with a value of the element type of dt (float, double, cfloat or
// cdouble); the ops layer has already rejected every other dtype.
template <typename F> void dispatch(DType dt, F&& f) {
  configure_threads();
  switch (dt) {
    case DType::Float32:
      return f(float{});
    case DType::Float64:
      return f(double{});
    case DType::Complex64:
      return f(cfloat{});
    case DType::Complex128:
      return f(cdouble{});
    default:
      raise(ErrorKind::Runtime, "LAPACK: unsupported dtype ", dtype_name(dt));
  }
}
template <typename T> T* as(void* p) { return static_cast<T*>(p); }
template <typename T> const T* as(const void* p) { return static_cast<const T*>(p); }

}  // namespace

bool have_lapack() { return true; }

void lu_factor(DType dt, int64_t batch, int64_t m, int64_t n, void* a, int64_t* piv, int64_t* info) {
  dispatch(dt, [&](auto t) { lu_factor_t(batch, m, n, as<decltype(t)>(a), piv, info); });
}
void lu_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* lu, const int64_t* piv, void* b,
              bool trans) {
  if (n == 0 || nrhs == 0) return;
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    lu_solve_t(batch, n, nrhs, as<T>(lu), piv, as<T>(b), trans);
  });
}
void cholesky(DType dt, int64_t batch, int64_t n, void* a, bool upper, int64_t* info) {
  if (n == 0) return;
  dispatch(dt, [&](auto t) { cholesky_t(batch, n, as<decltype(t)>(a), upper, info); });
}
void qr(DType dt, int64_t batch, int64_t m, int64_t n, const void* a, void* q, void* r, bool complete) {
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    qr_t(batch, m, n, as<T>(a), as<T>(q), as<T>(r), complete);
  });
}
void eigh(DType dt, int64_t batch, int64_t n, void* a, void* w, bool upper, bool vectors, int64_t* info) {
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    eigh_t(batch, n, as<T>(a), as<real_t<T>>(w), upper, vectors, info);
  });
}
void svd(DType dt, int64_t batch, int64_t m, int64_t n, void* a, void* s, void* u, void* vt, bool full, int64_t* info) {
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    svd_t(batch, m, n, as<T>(a), as<real_t<T>>(s), as<T>(u), as<T>(vt), full, info);
  });
}
void lstsq(DType dt, int64_t batch, int64_t m, int64_t n, int64_t nrhs, void* a, void* b, double rcond, void* s,
           int64_t* rank, int64_t* info) {
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    lstsq_t(batch, m, n, nrhs, as<T>(a), as<T>(b), rcond, as<real_t<T>>(s), rank, info);
  });
}
void eig(DType dt, int64_t batch, int64_t n, void* a, void* w, void* v, int64_t* info) {
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    using C = Complex<real_t<T>>;
    eig_t(batch, n, as<T>(a), as<C>(w), as<C>(v), info);
  });
}
void triangular_solve(DType dt, int64_t batch, int64_t m, int64_t k, const void* a, void* b, bool upper, bool left,
                      bool unitriangular, bool a_transposed) {
  if (m == 0 || k == 0) return;
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    triangular_solve_t(batch, m, k, as<T>(a), as<T>(b), upper, left, unitriangular, a_transposed);
  });
}
void ldl_factor(DType dt, int64_t batch, int64_t n, void* a, int64_t* piv, int64_t* info) {
  if (n == 0) return;
  dispatch(dt, [&](auto t) { ldl_factor_t(batch, n, as<decltype(t)>(a), piv, info); });
}
void ldl_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* ld, const int64_t* piv, void* b) {
  if (n == 0 || nrhs == 0) return;
  dispatch(dt, [&](auto t) {
    using T = decltype(t);
    ldl_solve_t(batch, n, nrhs, as<T>(ld), piv, as<T>(b));
  });
}

#else  // built without scipy-openblas64

bool have_lapack() { return false; }
[[noreturn]] static void no_lapack() {
  raise(ErrorKind::Runtime,
        "tensorcore was built without LAPACK: install scipy-openblas64 (pip install scipy-openblas64) and rebuild "
        "to use torch.linalg decompositions");
}
void lu_factor(DType, int64_t, int64_t, int64_t, void*, int64_t*, int64_t*) { no_lapack(); }
void lu_solve(DType, int64_t, int64_t, int64_t, const void*, const int64_t*, void*, bool) { no_lapack(); }
void cholesky(DType, int64_t, int64_t, void*, bool, int64_t*) { no_lapack(); }
void qr(DType, int64_t, int64_t, int64_t, const void*, void*, void*, bool) { no_lapack(); }
void eigh(DType, int64_t, int64_t, void*, void*, bool, bool, int64_t*) { no_lapack(); }
void svd(DType, int64_t, int64_t, int64_t, void*, void*, void*, void*, bool, int64_t*) { no_lapack(); }
void lstsq(DType, int64_t, int64_t, int64_t, int64_t, void*, void*, double, void*, int64_t*, int64_t*) { no_lapack(); }
void eig(DType, int64_t, int64_t, void*, void*, void*, int64_t*) { no_lapack(); }
void triangular_solve(DType, int64_t, int64_t, int64_t, const void*, void*, bool, bool, bool, bool) { no_lapack(); }
void ldl_factor(DType, int64_t, int64_t, void*, int64_t*, int64_t*) { no_lapack(); }
void ldl_solve(DType, int64_t, int64_t, int64_t, const void*, const int64_t*, void*) { no_lapack(); }

#endif

}  // namespace tc::kernels
