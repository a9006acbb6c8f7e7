// The bfloat16 GEMM with AVX512-BF16 (Note [bfloat16 GEMM]); compiled with the
// avx512 flags plus -mavx512bf16 (CMakeLists.txt), called only where the CPU
// reports avx512_bf16 (dispatch.cpp).
#define TC_BF16_NATIVE 1
#define TC_BF16_NS bf16_native
#include "backend/cpu/gemm_bf16_impl.h"
