#pragma once
// Matrix products (the linear-algebra family).
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// C[m,n] = A[m,k] @ B[k,n] (+ C when accumulate) for float/double, with
// arbitrary element strides (transposed inputs need no copy).
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col, const void* b,
          int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row, bool accumulate);

// gemm with a B [k, n] packed once and reused (Note [Pre-packed B] in
// cpu/gemm_impl.h): the packed buffer holds gemm_packed_b_size elements of
// dt; results are bit-identical to gemm's.
int64_t gemm_packed_b_size(DType dt, int64_t k, int64_t n);
void gemm_pack_b(DType dt, int64_t k, int64_t n, const void* b, int64_t ldb_row, int64_t ldb_col, void* packed);
void gemm_prepacked_b(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
                      const void* packed_b, void* c, int64_t ldc_row, bool accumulate);

// C[m,n] (row stride ldc_row) = A[m,k] @ B[k,n] for bool, int32 and int64:
// integers wrap on overflow as PyTorch's, bool is or-of-ands (cpu/gemm_integer.cpp).
void gemm_integer(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
                  const void* b, int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row);

// Measured FMA throughput of this thread's core at the GEMM's vector width
// for float32/float64, in GFLOP/s (Note [Measured FMA peak]): the best of
// many 1-2 ms runs of independent FMA chains.
double measure_fma_peak_gflops(DType dt);

}  // namespace tc::kernels
