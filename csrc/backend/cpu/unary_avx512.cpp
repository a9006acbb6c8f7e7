// Unary kernels compiled for the avx512 instruction set (flags set in CMakeLists.txt).
#define TC_CAP avx512
#include "backend/cpu/unary_impl.h"
