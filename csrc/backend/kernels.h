#pragma once
// The one dispatch point between ops and backends. Ops build a TensorIterator
// (operands already in the compute dtype) and call these; the CPU versions pick
// the best compiled instruction set at runtime (see cpu/dispatch.cpp).
#include "backend/op_tables.h"
#include "core/iterator.h"

namespace tc::kernels {

// Operands: (out, a, b); a and b have dtype `compute`.
void binary(BinaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, a); a has dtype `compute`.
void unary(UnaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, in); converts between any two dtypes.
void copy(const TensorIterator& it, DType out, DType in);
// Operands: (out, cond(bool), a, b); a, b and out have dtype `dt`.
void where(const TensorIterator& it, DType dt);
// Operands: (out, a); clamps into [lo, hi] (either may be absent).
void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi);
// Fills a contiguous block.
void fill(void* data, int64_t n, DType dt, double fval, int64_t ival);

// Name of the instruction set chosen at runtime ("avx512", "avx2", "generic").
const char* cpu_capability();

}  // namespace tc::kernels

namespace tc::kernels {

enum class ReduceOp { Sum, Prod, Max, Min, All, Any, ArgMax, ArgMin };

// Input viewed as contiguous [outer, len, inner]; reduces the middle dim into
// out [outer, inner] (dtype out_dt; int64 for ArgMax/ArgMin, bool for All/Any).
// Results are bit-identical for any thread count (Note [Deterministic parallelism]).
void reduce(ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer, int64_t len,
            int64_t inner);

// C[m,n] = A[m,k] @ B[k,n] (+ C when accumulate) for float/double, with
// arbitrary element strides (transposed inputs need no copy).
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
          const void* b, int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row, bool accumulate);

// gemm with a B [k, n] packed once and reused (Note [Pre-packed B] in
// cpu/gemm_impl.h): the packed buffer holds gemm_packed_b_size elements of
// dt; results are bit-identical to gemm's.
int64_t gemm_packed_b_size(DType dt, int64_t k, int64_t n);
void gemm_pack_b(DType dt, int64_t k, int64_t n, const void* b, int64_t ldb_row, int64_t ldb_col, void* packed);
void gemm_prepacked_b(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
                      const void* packed_b, void* c, int64_t ldc_row, bool accumulate);

}  // namespace tc::kernels
