// Unary kernels compiled for the avx512 instruction set (flags set in CMakeLists.txt).
#define TC_CAP avx512
#define TC_ELEMENTWISE_FLOAT_ONLY 1  // Note [Elementwise translation units]
#include "backend/cpu/unary_impl.h"
