// The bfloat16 GEMM with a portable emulation of vdpbf16ps (Note [bfloat16
// GEMM]): the same packing and blocking as the native kernel, so tests run
// that code and its rounding on any machine.
#define TC_BF16_NS bf16_emulated
#include "backend/cpu/gemm_bf16_impl.h"
