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
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/kernels_linalg.h"
#include "core/error.h"

namespace tc::kernels {

#ifdef TC_HAVE_LAPACK
using lint = int64_t;  // Fortran INTEGER in an ILP64 build

extern "C" {
#define TC_LAPACK_DECL(T, p)                                                                                           \
  void scipy_##p##getrf_64_(const lint* m, const lint* n, T* a, const lint* lda, lint* ipiv, lint* info);              \
  void scipy_##p##getrs_64_(const char* tr, const lint* n, const lint* nrhs, const T* a, const lint* lda,              \
                            const lint* ipiv, T* b, const lint* ldb, lint* info, size_t);                              \
  void scipy_##p##potrf_64_(const char* uplo, const lint* n, T* a, const lint* lda, lint* info, size_t);               \
  void scipy_##p##geqrf_64_(const lint* m, const lint* n, T* a, const lint* lda, T* tau, T* work, const lint* lwork,   \
                            lint* info);                                                                               \
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
  void scipy_##p##sytrf_64_(const char* uplo, const lint* n, T* a, const lint* lda, lint* ipiv, T* work,               \
                            const lint* lwork, lint* info, size_t);                                                    \
  void scipy_##p##sytrs_64_(const char* uplo, const lint* n, const lint* nrhs, const T* a, const lint* lda,            \
                            const lint* ipiv, T* b, const lint* ldb, lint* info, size_t);
TC_LAPACK_DECL(float, s)
TC_LAPACK_DECL(double, d)
#undef TC_LAPACK_DECL
void scipy_openblas_set_num_threads64_(int n);
}

namespace {

// One struct per precision so the algorithms below are written once.
template <typename T> struct Lapack;
#define TC_LAPACK_TRAITS(T, p)                                                         \
  template <> struct Lapack<T> {                                                       \
    template <typename... A> static void getrf(A... a) { scipy_##p##getrf_64_(a...); } \
    template <typename... A> static void getrs(A... a) { scipy_##p##getrs_64_(a...); } \
    template <typename... A> static void potrf(A... a) { scipy_##p##potrf_64_(a...); } \
    template <typename... A> static void geqrf(A... a) { scipy_##p##geqrf_64_(a...); } \
    template <typename... A> static void orgqr(A... a) { scipy_##p##orgqr_64_(a...); } \
    template <typename... A> static void syevd(A... a) { scipy_##p##syevd_64_(a...); } \
    template <typename... A> static void gesdd(A... a) { scipy_##p##gesdd_64_(a...); } \
    template <typename... A> static void gelsd(A... a) { scipy_##p##gelsd_64_(a...); } \
    template <typename... A> static void sytrf(A... a) { scipy_##p##sytrf_64_(a...); } \
    template <typename... A> static void sytrs(A... a) { scipy_##p##sytrs_64_(a...); } \
  };
TC_LAPACK_TRAITS(float, s)
TC_LAPACK_TRAITS(double, d)
#undef TC_LAPACK_TRAITS

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

// A workspace query returns the optimal size as a floating value in work[0].
template <typename T> lint ws(T w) { return std::max<lint>(1, static_cast<lint>(w) + 1); }

template <typename T> void lu_factor_t(int64_t batch, lint m, lint n, T* a, lint* piv, lint* info) {
  lint lda = std::max<lint>(1, m), k = std::min(m, n);
  if (k == 0) return;
  for (int64_t b = 0; b < batch; ++b) Lapack<T>::getrf(&m, &n, a + b * m * n, &lda, piv + b * k, info + b);
}

template <typename T>
void lu_solve_t(int64_t batch, lint n, lint nrhs, const T* lu, const lint* piv, T* x, bool trans) {
  lint ld = std::max<lint>(1, n), info = 0;
  const char tr = trans ? 'T' : 'N';
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
  T wq = 0;
  lint query = -1;
  Lapack<T>::geqrf(&m, &n, buf.data(), &lda, tau.data(), &wq, &query, &info);
  lint lwork = ws(wq);
  if (q) {
    Lapack<T>::orgqr(&m, &qcols, &k, buf.data(), &lda, tau.data(), &wq, &query, &info);
    lwork = std::max(lwork, ws(wq));
  }
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t b = 0; b < batch; ++b) {
    std::memcpy(buf.data(), a + b * m * n, sizeof(T) * m * n);
    if (m > 0 && n > 0) Lapack<T>::geqrf(&m, &n, buf.data(), &lda, tau.data(), work.data(), &lwork, &info);
    T* rb = r + b * rrows * n;
    for (lint j = 0; j < n; ++j)
      for (lint i = 0; i < rrows; ++i) rb[i + j * rrows] = (i <= j && i < m) ? buf[i + j * m] : T(0);
    if (q) {
      if (m > 0 && qcols > 0) {
        // Columns past n (complete mode, m > n) start as zeros; orgqr fills them from the reflectors.
        if (qcols > n) std::fill(buf.begin() + n * m, buf.begin() + qcols * m, T(0));
        if (k > 0)
          Lapack<T>::orgqr(&m, &qcols, &k, buf.data(), &lda, tau.data(), work.data(), &lwork, &info);
        else  // no reflectors (n == 0): Q is the identity
          for (lint j = 0; j < qcols; ++j)
            for (lint i = 0; i < m; ++i) buf[i + j * m] = T(i == j);
      }
      std::memcpy(q + b * m * qcols, buf.data(), sizeof(T) * m * qcols);
    }
  }
}

template <typename T> void eigh_t(int64_t batch, lint n, T* a, T* w, bool upper, bool vectors, lint* info) {
  if (n == 0) return;
  const char jobz = vectors ? 'V' : 'N', uplo = upper ? 'U' : 'L';
  lint ld = n, query = -1, iq = 0;
  T wq = 0;
  Lapack<T>::syevd(&jobz, &uplo, &n, a, &ld, w, &wq, &query, &iq, &query, info, size_t(1), size_t(1));
  lint lwork = ws(wq), liwork = std::max<lint>(1, iq);
  std::vector<T> work(static_cast<size_t>(lwork));
  std::vector<lint> iwork(static_cast<size_t>(liwork));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::syevd(&jobz, &uplo, &n, a + b * n * n, &ld, w + b * n, work.data(), &lwork, iwork.data(), &liwork,
                     info + b, size_t(1), size_t(1));
}

template <typename T> void svd_t(int64_t batch, lint m, lint n, T* a, T* s, T* u, T* vt, bool full, lint* info) {
  lint k = std::min(m, n);
  if (k == 0) {  // nothing to factor; U and V^T of a full SVD are identities
    if (u && full)
      for (int64_t b = 0; b < batch; ++b)
        for (lint j = 0; j < m; ++j)
          for (lint i = 0; i < m; ++i) u[b * m * m + i + j * m] = T(i == j);
    if (vt && full)
      for (int64_t b = 0; b < batch; ++b)
        for (lint j = 0; j < n; ++j)
          for (lint i = 0; i < n; ++i) vt[b * n * n + i + j * n] = T(i == j);
    return;
  }
  const char jobz = !u ? 'N' : (full ? 'A' : 'S');
  lint ucols = full ? m : k, vrows = full ? n : k;
  lint lda = m, ldu = m, ldvt = std::max<lint>(1, vrows), query = -1;
  T wq = 0, dummy = 0;
  std::vector<lint> iwork(static_cast<size_t>(8 * k));
  Lapack<T>::gesdd(&jobz, &m, &n, a, &lda, s, u ? u : &dummy, &ldu, vt ? vt : &dummy, &ldvt, &wq, &query, iwork.data(),
                   info, size_t(1));
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::gesdd(&jobz, &m, &n, a + b * m * n, &lda, s + b * k, u ? u + b * m * ucols : &dummy, &ldu,
                     vt ? vt + b * vrows * n : &dummy, &ldvt, work.data(), &lwork, iwork.data(), info + b, size_t(1));
}

template <typename T>
void lstsq_t(int64_t batch, lint m, lint n, lint nrhs, T* a, T* bm, double rcond, T* s, lint* rank, lint* info) {
  lint k = std::min(m, n), ldb = std::max<lint>(1, std::max(m, n)), lda = std::max<lint>(1, m), query = -1, iq = 0;
  T rc = static_cast<T>(rcond), wq = 0;
  if (k == 0 || nrhs == 0) {  // gelsd's workspace query misbehaves on empty problems; the solution is zero
    for (int64_t b = 0; b < batch; ++b) rank[b] = 0;
    std::fill(bm, bm + batch * ldb * nrhs, T(0));
    return;
  }
  Lapack<T>::gelsd(&m, &n, &nrhs, a, &lda, bm, &ldb, s, &rc, rank, &wq, &query, &iq, info);
  lint lwork = ws(wq);
  std::vector<T> work(static_cast<size_t>(lwork));
  std::vector<lint> iwork(static_cast<size_t>(std::max<lint>(1, iq)));
  for (int64_t b = 0; b < batch; ++b)
    Lapack<T>::gelsd(&m, &n, &nrhs, a + b * m * n, &lda, bm + b * ldb * nrhs, &ldb, s + b * k, &rc, rank + b,
                     work.data(), &lwork, iwork.data(), info + b);
}

template <typename T> void ldl_factor_t(int64_t batch, lint n, T* a, lint* piv, lint* info) {
  lint ld = std::max<lint>(1, n), query = -1, qinfo = 0;
  const char uplo = 'L';
  T wq = 0;
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

}  // namespace

bool have_lapack() { return true; }

#define TC_LAPACK_DISPATCH(dt, call_f, call_d) \
  do {                                         \
    configure_threads();                       \
    if ((dt) == DType::Float32) {              \
      call_f;                                  \
    } else {                                   \
      call_d;                                  \
    }                                          \
  } while (0)

void lu_factor(DType dt, int64_t batch, int64_t m, int64_t n, void* a, int64_t* piv, int64_t* info) {
  TC_LAPACK_DISPATCH(dt, lu_factor_t(batch, m, n, static_cast<float*>(a), piv, info),
                     lu_factor_t(batch, m, n, static_cast<double*>(a), piv, info));
}
void lu_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* lu, const int64_t* piv, void* b,
              bool trans) {
  if (n == 0 || nrhs == 0) return;
  TC_LAPACK_DISPATCH(dt, lu_solve_t(batch, n, nrhs, static_cast<const float*>(lu), piv, static_cast<float*>(b), trans),
                     lu_solve_t(batch, n, nrhs, static_cast<const double*>(lu), piv, static_cast<double*>(b), trans));
}
void cholesky(DType dt, int64_t batch, int64_t n, void* a, bool upper, int64_t* info) {
  if (n == 0) return;
  TC_LAPACK_DISPATCH(dt, cholesky_t(batch, n, static_cast<float*>(a), upper, info),
                     cholesky_t(batch, n, static_cast<double*>(a), upper, info));
}
void qr(DType dt, int64_t batch, int64_t m, int64_t n, const void* a, void* q, void* r, bool complete) {
  TC_LAPACK_DISPATCH(
      dt, qr_t(batch, m, n, static_cast<const float*>(a), static_cast<float*>(q), static_cast<float*>(r), complete),
      qr_t(batch, m, n, static_cast<const double*>(a), static_cast<double*>(q), static_cast<double*>(r), complete));
}
void eigh(DType dt, int64_t batch, int64_t n, void* a, void* w, bool upper, bool vectors, int64_t* info) {
  TC_LAPACK_DISPATCH(dt, eigh_t(batch, n, static_cast<float*>(a), static_cast<float*>(w), upper, vectors, info),
                     eigh_t(batch, n, static_cast<double*>(a), static_cast<double*>(w), upper, vectors, info));
}
void svd(DType dt, int64_t batch, int64_t m, int64_t n, void* a, void* s, void* u, void* vt, bool full, int64_t* info) {
  TC_LAPACK_DISPATCH(dt,
                     svd_t(batch, m, n, static_cast<float*>(a), static_cast<float*>(s), static_cast<float*>(u),
                           static_cast<float*>(vt), full, info),
                     svd_t(batch, m, n, static_cast<double*>(a), static_cast<double*>(s), static_cast<double*>(u),
                           static_cast<double*>(vt), full, info));
}
void lstsq(DType dt, int64_t batch, int64_t m, int64_t n, int64_t nrhs, void* a, void* b, double rcond, void* s,
           int64_t* rank, int64_t* info) {
  TC_LAPACK_DISPATCH(dt,
                     lstsq_t(batch, m, n, nrhs, static_cast<float*>(a), static_cast<float*>(b), rcond,
                             static_cast<float*>(s), rank, info),
                     lstsq_t(batch, m, n, nrhs, static_cast<double*>(a), static_cast<double*>(b), rcond,
                             static_cast<double*>(s), rank, info));
}
void ldl_factor(DType dt, int64_t batch, int64_t n, void* a, int64_t* piv, int64_t* info) {
  if (n == 0) return;
  TC_LAPACK_DISPATCH(dt, ldl_factor_t(batch, n, static_cast<float*>(a), piv, info),
                     ldl_factor_t(batch, n, static_cast<double*>(a), piv, info));
}
void ldl_solve(DType dt, int64_t batch, int64_t n, int64_t nrhs, const void* ld, const int64_t* piv, void* b) {
  if (n == 0 || nrhs == 0) return;
  TC_LAPACK_DISPATCH(dt, ldl_solve_t(batch, n, nrhs, static_cast<const float*>(ld), piv, static_cast<float*>(b)),
                     ldl_solve_t(batch, n, nrhs, static_cast<const double*>(ld), piv, static_cast<double*>(b)));
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
void ldl_factor(DType, int64_t, int64_t, void*, int64_t*, int64_t*) { no_lapack(); }
void ldl_solve(DType, int64_t, int64_t, int64_t, const void*, const int64_t*, void*) { no_lapack(); }

#endif

}  // namespace tc::kernels
