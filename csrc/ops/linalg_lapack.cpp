// Batched LAPACK ops (ops/linalg_lapack.h) over backend/kernels_linalg.h.
//
// Note [Column-major through transposes]
// LAPACK wants column-major matrices. The column-major buffer of A (..., m, n)
// is the row-major tensor A^T (..., n, m), so each input is copied (never
// aliased: LAPACK overwrites its input) into a fresh contiguous (..., n, m)
// tensor, and each result buffer of shape (..., cols, rows) is handed back as
// its transpose, a (..., rows, cols) view with strides (1, rows): the same
// layout PyTorch's own LAPACK results have.
#include "ops/linalg_lapack.h"

#include "backend/kernels_linalg.h"
#include "core/error.h"
#include "core/shape_util.h"

namespace tc::ops {

namespace {

// float32/float64/complex64/complex128 (real only for the LDL routines).
void check_input(const Tensor& a, const char* op, bool complex_ok = true) {
  constexpr int64_t min_dim = 2;
  DType dt = a.dtype();
  bool ok = dt == DType::Float32 || dt == DType::Float64 || (complex_ok && is_complex(dt));
  TC_CHECK(ok, op, ": expected a ", complex_ok ? "float32, float64, complex64 or complex128" : "float32 or float64",
           " tensor, got ", dtype_name(dt));
  TC_CHECK(a.dim() >= min_dim, op, ": expected a tensor with at least ", min_dim, " dimensions, got shape ",
           shape_str(a.sizes()));
}

int64_t rows(const Tensor& a) { return a.size(a.dim() - 2); }
int64_t cols(const Tensor& a) { return a.size(a.dim() - 1); }
Shape batch_shape(const Tensor& a) { return Shape(a.sizes().begin(), a.sizes().end() - 2); }
int64_t batch_count(const Tensor& a) { return shape_numel(batch_shape(a)); }

Shape with_tail(Shape s, std::initializer_list<int64_t> tail) {
  s.insert(s.end(), tail);
  return s;
}

// A fresh column-major copy of a (..., m, n): a contiguous (..., n, m) tensor.
Tensor colmajor_copy(const Tensor& a) {
  Tensor at = transpose(detach(a), a.dim() - 2, a.dim() - 1);  // detached: the copy records no history
  Tensor buf = empty(at.sizes(), a.dtype());
  copy_(buf, at);
  return buf;
}

// A column-major result buffer of a (batch..., rows, cols) matrix.
Tensor colmajor_empty(const Shape& batch, int64_t rows, int64_t cols, DType dt) {
  return empty(with_tail(batch, {cols, rows}), dt);
}
Tensor as_matrix(const Tensor& buf) { return transpose(buf, buf.dim() - 2, buf.dim() - 1); }

Tensor info_tensor(const Shape& batch) {
  Tensor info = zeros(batch, DType::Int64);
  return info;
}
int64_t* i64(const Tensor& t) { return t->data<int64_t>(); }

}  // namespace

bool lapack_available() { return kernels::have_lapack(); }

std::tuple<Tensor, Tensor, Tensor> lapack_lu_factor(const Tensor& a) {
  check_input(a, "lu_factor");
  int64_t m = rows(a), n = cols(a);
  Shape batch = batch_shape(a);
  Tensor lu = colmajor_copy(a);
  Tensor piv = zeros(with_tail(batch, {std::min(m, n)}), DType::Int64);
  Tensor info = info_tensor(batch);
  kernels::lu_factor(a.dtype(), batch_count(a), m, n, lu->data_bytes(), i64(piv), i64(info));
  return {as_matrix(lu), piv, info};
}

Tensor lapack_lu_solve(const Tensor& lu, const Tensor& pivots, const Tensor& b, bool trans) {
  check_input(lu, "lu_solve");
  check_input(b, "lu_solve");
  int64_t n = cols(lu);
  TC_CHECK(rows(lu) == n && rows(b) == n && batch_shape(lu) == batch_shape(b) && b.dtype() == lu.dtype(),
           "lu_solve: expected LU (*, n, n) and B (*, n, k) with the same batch dims and dtype, got ",
           shape_str(lu.sizes()), " and ", shape_str(b.sizes()));
  Tensor lu_c = colmajor_copy(lu);
  Tensor piv = contiguous(to_dtype(pivots, DType::Int64));
  Tensor x = colmajor_copy(b);
  kernels::lu_solve(lu.dtype(), batch_count(lu), n, cols(b), lu_c->data_bytes(), i64(piv), x->data_bytes(), trans);
  return as_matrix(x);
}

std::tuple<Tensor, Tensor> lapack_cholesky(const Tensor& a, bool upper) {
  check_input(a, "cholesky");
  int64_t n = cols(a);
  TC_CHECK(rows(a) == n, "cholesky: expected square matrices, got ", shape_str(a.sizes()));
  Tensor l = colmajor_copy(a);
  Tensor info = info_tensor(batch_shape(a));
  kernels::cholesky(a.dtype(), batch_count(a), n, l->data_bytes(), upper, i64(info));
  return {as_matrix(l), info};
}

std::tuple<Tensor, Tensor> lapack_qr(const Tensor& a, bool complete, bool compute_q) {
  check_input(a, "qr");
  int64_t m = rows(a), n = cols(a), q = complete ? m : std::min(m, n);
  Shape batch = batch_shape(a);
  Tensor src = colmajor_copy(a);
  Tensor qb = compute_q ? colmajor_empty(batch, m, q, a.dtype()) : empty({0}, a.dtype());
  Tensor rb = colmajor_empty(batch, q, n, a.dtype());
  kernels::qr(a.dtype(), batch_count(a), m, n, src->data_bytes(), compute_q ? qb->data_bytes() : nullptr,
              rb->data_bytes(), complete);
  return {compute_q ? as_matrix(qb) : qb, as_matrix(rb)};
}

std::tuple<Tensor, Tensor, Tensor> lapack_eigh(const Tensor& a, bool upper, bool vectors) {
  check_input(a, "eigh");
  int64_t n = cols(a);
  TC_CHECK(rows(a) == n, "eigh: expected square matrices, got ", shape_str(a.sizes()));
  Shape batch = batch_shape(a);
  Tensor v = colmajor_copy(a);
  Tensor w = empty(with_tail(batch, {n}), to_real_dtype(a.dtype()));  // real for Hermitian input too
  Tensor info = info_tensor(batch);
  kernels::eigh(a.dtype(), batch_count(a), n, v->data_bytes(), w->data_bytes(), upper, vectors, i64(info));
  return {w, vectors ? as_matrix(v) : empty({0}, a.dtype()), info};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> lapack_svd(const Tensor& a, bool full_matrices, bool compute_uv) {
  check_input(a, "svd");
  int64_t m = rows(a), n = cols(a), k = std::min(m, n);
  Shape batch = batch_shape(a);
  Tensor work = colmajor_copy(a);
  Tensor s = empty(with_tail(batch, {k}), to_real_dtype(a.dtype()));
  Tensor info = info_tensor(batch);
  if (!compute_uv) {
    kernels::svd(a.dtype(), batch_count(a), m, n, work->data_bytes(), s->data_bytes(), nullptr, nullptr, false,
                 i64(info));
    return {empty({0}, a.dtype()), s, empty({0}, a.dtype()), info};
  }
  int64_t ucols = full_matrices ? m : k, vrows = full_matrices ? n : k;
  Tensor u = colmajor_empty(batch, m, ucols, a.dtype());
  Tensor vt = colmajor_empty(batch, vrows, n, a.dtype());
  kernels::svd(a.dtype(), batch_count(a), m, n, work->data_bytes(), s->data_bytes(), u->data_bytes(), vt->data_bytes(),
               full_matrices, i64(info));
  return {as_matrix(u), s, as_matrix(vt), info};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> lapack_lstsq(const Tensor& a, const Tensor& b, double rcond) {
  check_input(a, "lstsq");
  check_input(b, "lstsq");
  int64_t m = rows(a), n = cols(a), k = cols(b), ldb = std::max<int64_t>(1, std::max(m, n));
  TC_CHECK(rows(b) == m && batch_shape(a) == batch_shape(b) && a.dtype() == b.dtype(),
           "lstsq: expected A (*, m, n) and B (*, m, k) with the same batch dims and dtype, got ", shape_str(a.sizes()),
           " and ", shape_str(b.sizes()));
  Shape batch = batch_shape(a);
  Tensor work = colmajor_copy(a);
  // B's column-major buffer has max(m, n) rows: the solution (n rows) is written over it.
  Tensor xb = zeros(with_tail(batch, {k, ldb}), a.dtype());
  if (m > 0 && k > 0) {
    Tensor top = narrow(xb, xb.dim() - 1, 0, m);  // B^T (..., k, m) into the first m of ldb columns
    copy_(top, transpose(detach(b), b.dim() - 2, b.dim() - 1));
  }
  Tensor s = empty(with_tail(batch, {std::min(m, n)}), to_real_dtype(a.dtype()));
  Tensor rank = zeros(batch, DType::Int64);
  Tensor info = info_tensor(batch);
  kernels::lstsq(a.dtype(), batch_count(a), m, n, k, work->data_bytes(), xb->data_bytes(), rcond, s->data_bytes(),
                 i64(rank), i64(info));
  Tensor x = narrow(as_matrix(xb), xb.dim() - 2, 0, n);
  return {x, rank, s, info};
}

std::tuple<Tensor, Tensor, Tensor> lapack_eig(const Tensor& a, bool vectors) {
  check_input(a, "eig");
  int64_t n = cols(a);
  TC_CHECK(rows(a) == n, "eig: expected square matrices, got ", shape_str(a.sizes()));
  Shape batch = batch_shape(a);
  DType cdt = to_complex_dtype(a.dtype());
  Tensor work = colmajor_copy(a);
  Tensor w = empty(with_tail(batch, {n}), cdt);
  Tensor v = vectors ? colmajor_empty(batch, n, n, cdt) : empty({0}, cdt);
  Tensor info = info_tensor(batch);
  kernels::eig(a.dtype(), batch_count(a), n, work->data_bytes(), w->data_bytes(), vectors ? v->data_bytes() : nullptr,
               i64(info));
  return {w, vectors ? as_matrix(v) : v, info};
}

Tensor lapack_triangular_solve(const Tensor& a, const Tensor& b, bool upper, bool left, bool unitriangular) {
  check_input(a, "solve_triangular");
  check_input(b, "solve_triangular");
  int64_t m = rows(b), k = cols(b), na = left ? m : k;
  TC_CHECK(rows(a) == na && cols(a) == na && batch_shape(a) == batch_shape(b) && a.dtype() == b.dtype(),
           "solve_triangular: expected A (*, ", na, ", ", na,
           ") and B (*, m, k) with the same batch dims and dtype, "
           "got ",
           shape_str(a.sizes()), " and ", shape_str(b.sizes()));
  // A row-major A (the usual case) is already A^T in column-major order: trsm
  // reads it transposed instead of a copy of A being made (Note [Column-major
  // through transposes]); only B, overwritten by X, is copied.
  const bool row_major = a.is_contiguous();
  Tensor a_c = row_major ? a : colmajor_copy(a);
  Tensor x = colmajor_copy(b);
  kernels::triangular_solve(a.dtype(), batch_count(b), m, k, a_c->data_bytes(), x->data_bytes(), upper, left,
                            unitriangular, row_major);
  return as_matrix(x);
}

std::tuple<Tensor, Tensor, Tensor> lapack_ldl_factor(const Tensor& a) {
  check_input(a, "ldl_factor", /*complex_ok=*/false);
  int64_t n = cols(a);
  TC_CHECK(rows(a) == n, "ldl_factor: expected square matrices, got ", shape_str(a.sizes()));
  Shape batch = batch_shape(a);
  Tensor ld = colmajor_copy(a);
  Tensor piv = zeros(with_tail(batch, {n}), DType::Int64);
  Tensor info = info_tensor(batch);
  kernels::ldl_factor(a.dtype(), batch_count(a), n, ld->data_bytes(), i64(piv), i64(info));
  return {as_matrix(ld), piv, info};
}

Tensor lapack_ldl_solve(const Tensor& ld, const Tensor& pivots, const Tensor& b) {
  check_input(ld, "ldl_solve", /*complex_ok=*/false);
  check_input(b, "ldl_solve", /*complex_ok=*/false);
  int64_t n = cols(ld);
  TC_CHECK(rows(ld) == n && rows(b) == n && batch_shape(ld) == batch_shape(b) && b.dtype() == ld.dtype(),
           "ldl_solve: expected LD (*, n, n) and B (*, n, k) with the same batch dims and dtype, got ",
           shape_str(ld.sizes()), " and ", shape_str(b.sizes()));
  Tensor ld_c = colmajor_copy(ld);
  Tensor piv = contiguous(to_dtype(pivots, DType::Int64));
  Tensor x = colmajor_copy(b);
  kernels::ldl_solve(ld.dtype(), batch_count(ld), n, cols(b), ld_c->data_bytes(), i64(piv), x->data_bytes());
  return as_matrix(x);
}

}  // namespace tc::ops
