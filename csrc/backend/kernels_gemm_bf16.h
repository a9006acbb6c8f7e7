#pragma once
// The bfloat16 matrix product (Note [bfloat16 GEMM] in cpu/gemm_bf16_impl.h).
#include <cstdint>

namespace tc::kernels {

// How bfloat16 products run:
//   Convert  : both operands to float32, then the float32 GEMM (any CPU);
//   Native   : pairs of k through AVX512-BF16's vdpbf16ps (CPUs with avx512_bf16);
//   Emulated : the native kernel's packing, blocking and rounding in portable
//              code (for tests: every path runs on every machine).
// The default is Native where the CPU has it (and it was compiled), else
// Convert; TENSORCORE_BF16_GEMM=convert|native|emulated overrides it at start
// (native falls back to convert where the CPU lacks it).
enum class Bf16GemmPath : int { Convert = 0, Native = 1, Emulated = 2 };

Bf16GemmPath bf16_gemm_path();
// Sets the path (tests); returns false, changing nothing, for Native on a CPU
// without it.
bool set_bf16_gemm_path(Bf16GemmPath path);
bool bf16_gemm_native_supported();

// C[m, n] (row stride ldc_row) = A[m, k] @ B[k, n] for bfloat16 A and B with
// arbitrary element strides, on `path` (Native or Emulated). C is float32, or
// with bf16_out bfloat16, each element rounded once from its float32 sum.
void gemm_bf16(Bf16GemmPath path, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
               const void* b, int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row, bool bf16_out);

}  // namespace tc::kernels
